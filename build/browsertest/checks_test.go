package browsertest

import (
	"fmt"
	"strings"

	"familjeratt.example/portal/content"
)

// The checks every page gets. Each one reports what is wrong in terms a
// person can act on: the rule, the element, the fix.

// axeTags are the rules of WCAG 2.0 and 2.1, levels A and AA: what
// DOS-lagen asks of a Swedish municipality.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// checkAxe runs axe-core on the page as it is now and fails the test with
// every violation: rule, impact, elements and what to do.
func (tb *tab) checkAxe() {
	tb.t.Helper()
	if tb.noJS {
		// axe runs asynchronously, which needs scripts on. The page stays
		// as it loaded without them: its own script never ran.
		tb.scripts(true)
		defer tb.scripts(false)
	}
	eval[struct{}](tb, axeJS)
	tags := `["` + strings.Join(axeTags, `","`) + `"]`
	violations := eval[[]axeViolation](tb, `(async () => {
		const r = await axe.run(document, {runOnly: {type: "tag", values: `+tags+`}, resultTypes: ["violations"]});
		return r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.map(String), summary: n.failureSummary || ""}))}));
	})()`)
	for _, v := range violations {
		var b strings.Builder
		fmt.Fprintf(&b, "axe: %s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\t- %s\n\t  %s", strings.Join(n.Target, " "), strings.ReplaceAll(n.Summary, "\n", "\n\t  "))
		}
		tb.t.Error(b.String())
	}
}

// checkReflow fails if the page scrolls sideways at a 320 px wide
// viewport (WCAG 1.4.10), or at 200 % zoom of a 1280 px window, which is
// a 640 px wide layout at device scale 2. It puts the viewport back.
func (tb *tab) checkReflow() {
	tb.t.Helper()
	defer tb.viewport(desktopWidth, desktopHeight, 1)
	for _, v := range []struct {
		name          string
		width, height int64
		scale         float64
	}{
		{"320 px wide", 320, 640, 1},
		{"200 % zoom", desktopWidth / 2, desktopHeight / 2, 2},
	} {
		tb.viewport(v.width, v.height, v.scale)
		r := eval[struct {
			ScrollWidth int      `json:"scrollWidth"`
			ClientWidth int      `json:"clientWidth"`
			Wide        []string `json:"wide"`
		}](tb, `(() => {
			const d = document.documentElement, w = d.clientWidth;
			const wide = [...document.body.querySelectorAll("*")]
				.filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 1; })
				.slice(0, 5).map(e => e.outerHTML.slice(0, 120));
			return {scrollWidth: d.scrollWidth, clientWidth: w, wide};
		})()`)
		if v.width == 320 {
			tb.checkNoOverflow()
		}
		if r.ScrollWidth > r.ClientWidth {
			tb.t.Errorf("reflow at %s: the page scrolls sideways (scrollWidth %d > clientWidth %d); too wide:\n\t%s",
				v.name, r.ScrollWidth, r.ClientWidth, strings.Join(r.Wide, "\n\t"))
		}
	}
}

// checkNoOverflow fails if the page, at the window's current size,
// scrolls sideways or breaks a word of a heading across two lines
// ("samarbetssamt/al"): a heading too big for a small screen.
func (tb *tab) checkNoOverflow() {
	tb.t.Helper()
	r := eval[struct {
		ScrollWidth int      `json:"scrollWidth"`
		ClientWidth int      `json:"clientWidth"`
		Broken      []string `json:"broken"`
		Cut         []string `json:"cut"`
	}](tb, `(() => {
		const d = document.documentElement, broken = [];
		for (const h of document.querySelectorAll("h1, h2, h3")) {
			const walk = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
			for (let n; (n = walk.nextNode());) {
				// A word may break at its own hyphen, nowhere else.
				const re = /[^\s\-\u2010]+/g;
				for (let m; (m = re.exec(n.data));) {
					const r = document.createRange();
					r.setStart(n, m.index);
					r.setEnd(n, m.index + m[0].length);
					const lines = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.bottom)));
					if (lines.size > 1) broken.push(m[0]);
				}
			}
		}
		// Past the line's start edge nothing scrolls (in a right-to-left
		// page, the right), so scrollWidth cannot tell: an element cut
		// there is found by its box. Boxes wholly outside, like a skip
		// link waiting for focus, are not seen and do not count.
		const w = d.clientWidth, cut = [];
		for (const e of document.body.querySelectorAll("*")) {
			const r = e.getBoundingClientRect();
			if (r.width === 0 || r.height === 0) continue;
			if (!((r.left < -1 && r.right > 0) || (r.right > w + 1 && r.left < w))) continue;
			// Inside a box that scrolls or clips (a wide table), it is
			// the box's to show.
			let scrolled = false;
			for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
				if (getComputedStyle(p).overflowX !== "visible") { scrolled = true; break; }
			}
			if (!scrolled) cut.push(e.tagName.toLowerCase() + (e.className ? "." + e.className : ""));
		}
		return {scrollWidth: d.scrollWidth, clientWidth: w, broken, cut: cut.slice(0, 5)};
	})()`)
	if r.ScrollWidth > r.ClientWidth {
		tb.t.Errorf("%s scrolls sideways at %d px (scrollWidth %d)", tb.location(), r.ClientWidth, r.ScrollWidth)
	}
	if len(r.Broken) > 0 {
		tb.t.Errorf("%s at %d px breaks headings' words across lines: %q", tb.location(), r.ClientWidth, r.Broken)
	}
	if len(r.Cut) > 0 {
		tb.t.Errorf("%s at %d px has elements cut at the edge of the page: %q", tb.location(), r.ClientWidth, r.Cut)
	}
}

// focusJS prepares the focus check: it lists the elements Tab should
// reach (a radio group is one stop), notes how each looks unfocused,
// and, as each gets focus, how it looks then.
const focusJS = `(() => {
	const props = ["outline-style", "outline-width", "outline-color", "box-shadow", "background-color",
		"border-top-color", "border-right-color", "border-bottom-color", "border-left-color",
		"border-top-width", "border-right-width", "border-bottom-width", "border-left-width"];
	const snap = e => { const s = getComputedStyle(e), o = {}; for (const p of props) o[p] = s.getPropertyValue(p); return o; };
	const describe = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
		(e.getAttribute("href") ? "[href=" + e.getAttribute("href") + "]" : "") +
		(e.name ? "[name=" + e.name + "]" : "") + (e.value && e.tagName === "BUTTON" ? "[value=" + e.value + "]" : "") +
		" “" + (e.textContent || e.value || "").trim().replace(/\s+/g, " ").slice(0, 40) + "”";
	const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
	const all = [...document.querySelectorAll("a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]")]
		.filter(e => !e.disabled && e.tabIndex >= 0 && e.type !== "hidden" && shown(e) && !e.closest("[inert]"));
	const expected = [], groups = new Set();
	for (const e of all) {
		if (e.type === "radio" && e.name) {
			if (groups.has((e.form ? e.form.id : "") + e.name)) continue;
			groups.add((e.form ? e.form.id : "") + e.name);
			const group = all.filter(r => r.type === "radio" && r.name === e.name && r.form === e.form);
			expected.push(group.find(r => r.checked) || group[0]);
			continue;
		}
		expected.push(e);
	}
	const before = new Map(expected.map(e => [e, snap(e)]));
	const invisible = c => c === "transparent" || /rgba\(.*,\s*0\)$/.test(c);
	const outline = s => s["outline-style"] !== "none" && parseFloat(s["outline-width"]) >= 1 && !invisible(s["outline-color"]);
	const f = {seen: [], problems: [], out: 0};
	document.addEventListener("focusin", ev => {
		const e = ev.target, a = snap(e), b = before.get(e);
		if (!b) return; // not expected: reported as extra below
		const changed = [];
		if (outline(a) && (!outline(b) || a["outline-color"] !== b["outline-color"] || a["outline-width"] !== b["outline-width"])) changed.push("outline");
		if (a["box-shadow"] !== "none" && a["box-shadow"] !== b["box-shadow"]) changed.push("box-shadow");
		if (a["background-color"] !== b["background-color"]) changed.push("background");
		if (props.slice(5).some(p => a[p] !== b[p])) changed.push("border");
		if (changed.length === 0) f.problems.push("no visible focus indicator: " + describe(e));
	}, true);
	f.step = () => {
		const e = document.activeElement;
		// Past the last element focus leaves the page, and the next Tab
		// starts again at the top: a page with an autofocused error
		// summary starts in the middle, so go round once.
		if (!e || e === document.body || e === document.documentElement) return ++f.out > 1;
		if (f.seen.includes(e)) return true;
		f.seen.push(e);
		if (!before.has(e)) { f.problems.push("Tab reached an element that is not listed as interactive: " + describe(e)); return false; }
		// The focused element must be on screen, and not under the sticky
		// "Exit this page" bar or anything else.
		// A link can wrap over lines: look at the middle of its first box.
		const r = e.getClientRects()[0] || e.getBoundingClientRect();
		const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
		const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
		const top = document.elementFromPoint(x, y);
		if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) f.problems.push("focused but off screen: " + describe(e));
		else if (top && top !== e && !e.contains(top) && !(top.control === e)) f.problems.push("focused but covered by " + describe(top) + ": " + describe(e));
		return false;
	};
	f.report = () => f.problems.concat(expected.filter(e => !f.seen.includes(e)).map(e => "Tab never reached " + describe(e)));
	// Each Tab's step runs as its key comes up: by then the key's press
	// has moved the focus and scrolled to it, and the test need not ask
	// after every press.
	f.done = false;
	document.addEventListener("keyup", ev => { if (ev.key === "Tab" && !f.done) f.done = f.step(); }, true);
	window.__focus = f;
	if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
	return expected.length;
})()`

// checkFocus presses Tab through the whole page and fails for every
// interactive element that Tab does not reach, that shows no visible
// change when focused (outline, box-shadow, background or border,
// compared in computed styles), or that is off screen or covered while
// focused.
func (tb *tab) checkFocus() {
	tb.t.Helper()
	n := eval[int](tb, focusJS)
	for i := 0; i < n+10; i++ {
		tb.do(press(keyTab, 0))
		// A press after the round is done changes nothing: ask now and
		// then, not after every press.
		if i%8 == 7 && eval[bool](tb, `window.__focus.done`) {
			break
		}
	}
	for _, p := range eval[[]string](tb, `window.__focus.report()`) {
		tb.t.Errorf("focus: %s", p)
	}
}

// exitJS describes the page's "Exit this page" parts.
const exitJS = `(() => {
	const b = document.querySelector(".exit-this-page__button");
	const skip = document.body.firstElementChild;
	if (!b) return {present: false};
	const r = b.getBoundingClientRect(), s = getComputedStyle(b);
	const shown = [...b.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("").trim();
	return {present: true, href: b.href, text: shown, name: b.textContent.trim(), top: r.top, visible: r.width > 0 && r.height > 0 && s.visibility === "visible",
		skipHref: skip.matches("a.skip-link[data-exit]") ? skip.href : "", skipText: skip.textContent.trim(),
		// Off the screen at the start of the line: the left, or in a
		// right-to-left page the right.
		skipHidden: skip.getBoundingClientRect().right <= 0 || skip.getBoundingClientRect().left >= innerWidth};
})()`

// checkExit fails unless the page has "Exit this page" exactly when want
// says so; where it has it, the button is visible at the top and goes
// to the neutral site, and the first thing in <body> is a hidden skip
// link to the same place.
func (tb *tab) checkExit(want bool, lang content.Lang) {
	tb.t.Helper()
	r := eval[struct {
		Present    bool    `json:"present"`
		Href       string  `json:"href"`
		Text       string  `json:"text"`
		Name       string  `json:"name"`
		Top        float64 `json:"top"`
		Visible    bool    `json:"visible"`
		SkipHref   string  `json:"skipHref"`
		SkipText   string  `json:"skipText"`
		SkipHidden bool    `json:"skipHidden"`
	}](tb, exitJS)
	switch {
	case r.Present != want:
		tb.t.Errorf("exit this page: present %v, want %v", r.Present, want)
		return
	case !want:
		return
	}
	exit := data.Settings.ExitURL
	if r.Href != exit || !r.Visible || r.Top > 100 {
		tb.t.Errorf("exit button: href %q (want %q), visible %v, %v px from the top (want it at the top)", r.Href, exit, r.Visible, r.Top)
	}
	if want := data.Strings.MustGet(lang, "exit.button"); r.Text != want {
		tb.t.Errorf("exit button says %q, want %q", r.Text, want)
	}
	// A screen reader user hears what the button is for, not only where
	// it goes: "Exit this page" alone does not say it is for safety.
	if purpose := data.Strings.MustGet(lang, "exit.purpose"); !strings.Contains(r.Name, purpose) {
		tb.t.Errorf("exit button's name %q does not say what it is for (%q)", r.Name, purpose)
	}
	if r.SkipHref != exit || !r.SkipHidden || r.SkipText != data.Strings.MustGet(lang, "exit.skip") {
		tb.t.Errorf("the first element of <body> must be the hidden skip link to %s; got href %q, text %q, hidden %v", exit, r.SkipHref, r.SkipText, r.SkipHidden)
	}
}
