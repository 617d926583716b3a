package browsertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
)

// leaving is what a page looks like the moment "Exit this page" starts,
// before the neutral site arrives.
type leaving struct {
	Exiting     bool     `json:"exiting"`
	BodyVisible bool     `json:"bodyVisible"`
	Title       string   `json:"title"`
	Filled      []string `json:"filled"`
	Stored      int      `json:"stored"`
}

// watchLeavingJS reports the page's state as soon as it is marked as
// exiting: in the same task as the click or key press, since the
// observer runs before the browser does anything else. (DevTools cannot
// ask the page while it navigates to another site, so the page tells,
// by a synchronous request the test's router answers: a console message
// can be lost when the page's process goes away.)
const watchLeavingJS = `new MutationObserver(() => {
	if (!document.documentElement.classList.contains("exiting")) return;
	const x = new XMLHttpRequest();
	x.open("GET", "` + logPath + `?" + encodeURIComponent(JSON.stringify({
		exiting: true,
		bodyVisible: getComputedStyle(document.body).visibility !== "hidden",
		title: document.title.trim(),
		filled: [...document.querySelectorAll("input, textarea, select")]
			.filter(e => (e.type === "radio" || e.type === "checkbox") ? e.checked : e.value !== "")
			.map(e => e.name),
		stored: sessionStorage.length,
	})), false);
	x.send();
}).observe(document.documentElement, {attributes: true, attributeFilter: ["class"]}), true`

// exitBy leaves the page at path (reached from from, so that there is a
// page to go back to) with the action, and checks that the page is
// blanked and emptied at once, that the browser goes to the neutral
// site, and that Back does not return to the page. When prepare goes on
// to another page, that page is the one left, and path the one before.
func exitBy(t *testing.T, tb *tab, from, path string, prepare func(), act chromedp.Action[chromedp.Void]) {
	t.Helper()
	tb.open(from)
	tb.open(path)
	before, left := portal.URL+from, portal.URL+path
	if prepare != nil {
		prepare()
	}
	if now := tb.location(); now != left {
		before, left = left, now
	}
	eval[bool](tb, watchLeavingJS)
	tb.do(act)
	tb.waitLocation(data.Settings.ExitURL)
	logs := tb.logged()
	if len(logs) == 0 {
		t.Fatal("the page went to the neutral site without being blanked first")
	}
	var l leaving
	if err := json.Unmarshal([]byte(logs[0]), &l); err != nil {
		t.Fatal(err)
	}
	if l.BodyVisible || l.Title != "" {
		t.Errorf("while leaving: body visible %v, title %q; want a blank page at once", l.BodyVisible, l.Title)
	}
	if len(l.Filled) > 0 || l.Stored > 0 {
		t.Errorf("while leaving: fields still filled %v, %d items in sessionStorage; want all cleared", l.Filled, l.Stored)
	}
	checkNoWayBack(t, tb, before, left)
}

// checkNoWayBack goes Back from the neutral site: that must lead to the
// page before the one that was left (both full URLs), because location.replace put the
// neutral site in the left page's place in the history.
func checkNoWayBack(t *testing.T, tb *tab, before, left string) {
	t.Helper()
	tb.do(chromedp.Evaluate[chromedp.Void](`setTimeout(() => history.back(), 0)`))
	var got string
	for i := 0; i < 100; i++ {
		if got = tb.tryLocation(); got != data.Settings.ExitURL && got != "" {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	switch got {
	case before:
	case left:
		t.Errorf("Back returned to %s, the page that was left", left)
	default:
		t.Errorf("Back went to %s, want %s, the page before the one left", got, before)
	}
}

// waitLocation waits for the tab to arrive at u.
func (tb *tab) waitLocation(u string) {
	tb.t.Helper()
	var got string
	for i := 0; i < 100; i++ {
		if got = tb.tryLocation(); got == u {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	tb.t.Fatalf("the tab is at %s, want %s", got, u)
}

// shifts presses Shift n times, left and right in turn.
func shifts(n int) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	for i := range n {
		k := keyShiftLeft
		if i%2 == 1 {
			k = keyShiftRight
		}
		steps = append(steps, press(k, 0))
	}
	return chromedp.Steps(steps...)
}

// TestExitThisPage leaves pages the ways a parent can: the button, the
// skip link by keyboard, Shift three times, and the plain link without
// JavaScript.
func TestExitThisPage(t *testing.T) {
	violence := data.Settings.Links.Violence
	safety := data.Settings.Links.Safety
	langs(t, func(t *testing.T, lang content.Lang) {
		t.Run("button", func(t *testing.T) {
			tb := newTab(t, tabOptions{})
			exitBy(t, tb, violence.In(lang), safety.In(lang), nil,
				chromedp.Click(chromedp.CSS(".exit-this-page__button")))
			tb.checkClean(data.Settings.ExitURL)
		})

		t.Run("skip link by keyboard", func(t *testing.T) {
			tb := newTab(t, tabOptions{})
			exitBy(t, tb, violence.In(lang), safety.In(lang), func() {
				tb.do(press(keyTab, 0))
				if got := eval[string](tb, `document.activeElement.matches("body > a.skip-link:first-child[data-exit]") ? document.activeElement.textContent : ""`); got != str(lang, "exit.skip") {
					t.Fatalf("the first Tab does not reach the exit skip link (focus on %s)", tb.active())
				}
				tb.checkFocusShown()
			}, press(keyEnter, 0))
			tb.checkClean(data.Settings.ExitURL)
		})

		t.Run("Shift three times on the form", func(t *testing.T) {
			tb := newTab(t, tabOptions{})
			form := formPath(lang)
			var step2 string
			exitBy(t, tb, data.Settings.Links.Home.In(lang), form, func() {
				tb.fillByScript([]answer{{"municipality", []string{malmo}}})
				tb.submitForm()
				step2 = tb.location()
				// Typing capitals (Shift held with each), Shift+Tab, and
				// two Shifts after a capital or with a letter between
				// must not leave.
				tb.do(chromedp.Click(chromedp.ID(fieldID("applicant.given_name"))), typeText("ANNA"))
				tb.do(press(keyTab, 8), shifts(2), press(keyTab, 8), press(keyTab, 0), press(keyTab, 0))
				tb.do(chromedp.Click(chromedp.ID(fieldID("applicant.family_name"))), typeText("L"), shifts(2), typeText("x"), shifts(2), typeText("indqvist"))
				tb.do(chromedp.Click(chromedp.CSS(`input[name="topics"][value="custody"]`)))
				time.Sleep(100 * time.Millisecond)
				if got := tb.location(); got != step2 || eval[bool](tb, `document.documentElement.classList.contains("exiting")`) {
					t.Fatalf("typing left the page (at %s)", got)
				}
				if n := eval[int](tb, `sessionStorage.length`); n == 0 {
					t.Fatal("no draft was saved while typing, so clearing it proves nothing")
				}
			}, shifts(3))
			tb.checkClean(data.Settings.ExitURL)
		})
	})

	t.Run("Shift presses more than five seconds apart", func(t *testing.T) {
		tb := newTab(t, tabOptions{})
		tb.open(safety.In(content.SV))
		// The five seconds run from the first press.
		tb.do(shifts(1))
		time.Sleep(3 * time.Second)
		tb.do(shifts(1))
		time.Sleep(3 * time.Second)
		tb.do(shifts(1))
		time.Sleep(100 * time.Millisecond)
		if got := tb.location(); got != portal.URL+safety.In(content.SV) {
			t.Fatalf("three Shift presses over more than five seconds left the page (for %s)", got)
		}
		tb.do(shifts(2)) // three within five seconds: leave
		tb.waitLocation(data.Settings.ExitURL)
		tb.checkClean(data.Settings.ExitURL)
	})

	t.Run("without JavaScript", func(t *testing.T) {
		tb := newTab(t, tabOptions{noJS: true})
		tb.open(safety.In(content.Lang("en")))
		tb.submit(chromedp.Click(chromedp.CSS(".exit-this-page__button")))
		tb.waitLocation(data.Settings.ExitURL)
		tb.checkClean(data.Settings.ExitURL)
	})
}

// checkFocusShown fails unless the focused element is on screen.
func (tb *tab) checkFocusShown() {
	tb.t.Helper()
	r := eval[struct{ Top, Left, Width, Height float64 }](tb, `(() => { const r = document.activeElement.getBoundingClientRect();
		return {Top: r.top, Left: r.left, Width: r.width, Height: r.height}; })()`)
	if r.Width < 1 || r.Height < 1 || r.Left < 0 || r.Top < 0 {
		tb.t.Errorf("the focused %s is not on screen: %+v", tb.active(), r)
	}
}

// TestDraft saves what a parent types in sessionStorage (never
// localStorage) and puts it back after a reload and on the other
// language's form.
func TestDraft(t *testing.T) {
	tb := newTab(t, tabOptions{})
	// The first step: a reload keeps the municipality.
	tb.open(formPath(content.SV))
	tb.do(chromedp.Focus(chromedp.ID(fieldID("municipality"))), typeText(optionPrefix(malmo)))
	tb.submit(chromedp.Reload())
	if got := eval[string](tb, fmt.Sprintf(`document.getElementById(%q).value`, fieldID("municipality"))); got != malmo {
		t.Errorf("after a reload the municipality is %q, want %s", got, malmo)
	}

	// The form itself: what was typed comes back when the parent reaches
	// it again, in either language.
	tb.start(content.SV, malmo)
	tb.do(chromedp.Click(chromedp.ID(fieldID("applicant.given_name"))), typeText("Anna"))
	tb.do(chromedp.Click(chromedp.CSS(`input[name="applicant.protected_identity"][value="no"]`)))
	tb.do(chromedp.Click(chromedp.ID(fieldID("applicant.safe_contact"))), typeText("Efter tio"))
	restored := func(where string) {
		t.Helper()
		got := eval[[]string](tb, fmt.Sprintf(`[document.getElementById(%q).value,
			(document.querySelector('input[name="applicant.protected_identity"]:checked') || {}).value || "",
			document.getElementById(%q).value]`,
			fieldID("applicant.given_name"), fieldID("applicant.safe_contact")))
		if strings.Join(got, "|") != "Anna|no|Efter tio" {
			t.Errorf("%s: the form holds %q, want the draft back", where, got)
		}
	}
	tb.start(content.SV, malmo)
	restored("after the first step again")
	tb.start(content.Lang("en"), malmo)
	restored("on the English form")
	if n := eval[int](tb, `localStorage.length`); n != 0 {
		t.Errorf("%d items in localStorage: drafts belong in sessionStorage only", n)
	}
	if n := eval[int](tb, `Object.keys(sessionStorage).filter(k => k === "draft:form-samarbetssamtal").length`); n != 1 {
		t.Errorf("no draft under the form's id in sessionStorage: %v", eval[[]string](tb, `Object.keys(sessionStorage)`))
	}
	tb.checkClean()
}

// TestExitHint shows "press Shift three times" only where there is a
// Shift key to press and room for it: not on a touch screen, not on a
// narrow one, where it would make the bar cover the page.
func TestExitHint(t *testing.T) {
	shown := func(tb *tab) bool {
		return eval[bool](tb, `document.querySelector(".exit-this-page__hint").getClientRects().length > 0`)
	}
	tests := []struct {
		name  string
		width int64
		touch bool
		want  bool
	}{
		{"desktop", desktopWidth, false, true},
		{"touch screen", 800, true, false},
		{"narrow window", 320, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := newTab(t, tabOptions{})
			tb.viewport(tt.width, desktopHeight, 1)
			if tt.touch {
				if _, err := chromedp.Call(tb.ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1}); err != nil {
					t.Fatal(err)
				}
			}
			tb.open(data.Settings.Links.Violence.In(content.SV))
			if got := shown(tb); got != tt.want {
				t.Errorf("the hint shows: %v, want %v", got, tt.want)
			}
			if tt.want {
				return
			}
			if h := eval[float64](tb, `document.querySelector(".exit-this-page").getBoundingClientRect().height`); h > 80 {
				t.Errorf("the exit bar is %.0f px high; it stays on top, so it must stay small", h)
			}
		})
	}
}
