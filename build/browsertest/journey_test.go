package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
)

// The phone number the journey changes to on the way, to show that a
// change reaches the answers.
const newPhone = "070-765 43 21"

// TestJourney applies for cooperation talks from start to finish, as a
// parent would: with JavaScript, without it, with the keyboard alone,
// and on a 320 px phone. Each run goes on without choosing the
// municipality, chooses it, finds the office named on its form, submits
// with errors, follows an error link to its field, fixes the errors,
// checks the answers, changes one, sends, finds the application in the
// local inbox under the reference the confirmation shows, and goes Back.
func TestJourney(t *testing.T) {
	tests := []struct {
		name     string
		lang     content.Lang
		noJS     bool
		keyboard bool
		phone    bool
	}{
		{"JavaScript on/sv", content.SV, false, false, false},
		{"JavaScript on/en", content.Lang("en"), false, false, false},
		{"JavaScript off/sv", content.SV, true, false, false},
		{"JavaScript off/en", content.Lang("en"), true, false, false},
		{"keyboard only/sv", content.SV, false, true, false},
		{"keyboard only, JavaScript off/en", content.Lang("en"), true, true, false},
		{"320 px phone/sv", content.SV, false, false, true},
		{"320 px phone, JavaScript off/en", content.Lang("en"), true, false, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The runs go two at a time, each in its own browser context,
			// with answers of its own: the same answers make the same
			// reference, and each run checks its own message.
			t.Parallel()
			tb := newTab(t, tabOptions{noJS: tt.noJS})
			j := &journey{tab: tb, lang: tt.lang, js: !tt.noJS, keyboard: tt.keyboard,
				answers: replaced(application(), "applicant.safe_contact", fmt.Sprintf("Ring efter klockan %d", 9+i))}
			if tt.phone {
				tb.viewport(phoneWidth, phoneHeight, 2)
				j.shots = filepath.Join(screenshotDir(t), "journey-320")
				if err := os.MkdirAll(j.shots, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			j.run()
			tb.checkClean()
		})
	}
}

// The phone the journey is tried on: the narrowest width WCAG 1.4.10
// asks a page to reflow to.
const (
	phoneWidth  = 320
	phoneHeight = 640
)

type journey struct {
	*tab
	lang     content.Lang
	js       bool
	keyboard bool
	answers  []answer // after the first step
	shots    string   // where the pages' screenshots go; "" for none
	shot     int
}

// next is the button that goes on from the form's current step.
const next = `form[data-draft] .button-group button[type=submit]`

func (j *journey) run() {
	t, lang := j.t, j.lang
	t.Helper()
	if status := j.open(formPath(lang)); status != 200 {
		t.Fatalf("the form: status %d", status)
	}
	j.checkStep(1)
	j.checkSafetyLink()
	j.screenshot("municipality")

	// 0. The first step asks only for the child's municipality. Going on
	// without it says so, on the same short step; choosing it leads to
	// the form of the office that serves it, named at the top.
	status := j.press(next, keyEnter)
	if p := j.info(); status != 422 || !slices.Equal(p.Errors, []string{"#f-municipality"}) {
		t.Fatalf("going on without a municipality: status %d, errors %v; want 422 and the municipality", status, p.Errors)
	}
	if n := eval[int](j.tab, `document.querySelectorAll("form[data-draft] input:not([type=hidden]), form[data-draft] textarea").length`); n != 0 {
		t.Errorf("the municipality's step asks %d other questions", n)
	}
	j.screenshot("municipality-error")
	j.fill([]answer{{"municipality", []string{malmo}}})
	status = j.press(next, keyEnter)
	office, _ := data.Directory.OfficeFor(malmo)
	if p := j.info(); status != 200 || p.H1 != formText(lang, "title") {
		t.Fatalf("after the municipality: status %d, h1 %q; want the form's second step", status, p.H1)
	}
	if got := eval[string](j.tab, `(document.querySelector(".office-intro") || {textContent: ""}).textContent`); !strings.Contains(got, office.Name.In(lang)) {
		t.Errorf("the form does not name the office %q at the top: %q", office.Name.In(lang), got)
	}
	j.checkStep(2)
	j.checkSafetyLink()
	j.screenshot("form")

	// 1. Submit with errors: the last name and the privacy confirmation
	// are missing. The error summary has the focus and links to both.
	j.fill(without(j.answers, "applicant.family_name", "privacy_ack"))
	status = j.press(next, keyEnter)
	p := j.info()
	if status != 422 || !strings.HasPrefix(p.Title, str(lang, "error.title_prefix")) || p.Lang != string(lang) {
		t.Fatalf("submitting with errors: status %d, title %q, lang %s; want 422, an error title in %s", status, p.Title, p.Lang, lang)
	}
	if got := j.waitFocus("error-summary"); !strings.Contains(got, "error-summary") {
		t.Errorf("the error summary does not have the focus (%q has)", got)
	}
	if want := []string{"#f-applicant-family_name", "#f-privacy_ack"}; !slices.Equal(p.Errors, want) {
		t.Errorf("the error summary links to %v, want %v", p.Errors, want)
	}
	if got := eval[string](j.tab, `document.getElementById("f-applicant-given_name").value`); got != "Anna" {
		t.Errorf("the answers are not kept on the error page: first name %q", got)
	}
	j.checkAxe()
	j.screenshot("form-errors")

	// 2. Follow an error link: the field gets the focus, with its label
	// on screen.
	if j.keyboard {
		j.tabTo(`.error-summary a[href="#f-applicant-family_name"]`, false)
		j.do(press(keyEnter, 0))
	} else {
		j.do(chromedp.Click(chromedp.CSS(`.error-summary a[href="#f-applicant-family_name"]`)))
	}
	if got := j.info().Active; got != "f-applicant-family_name" {
		t.Fatalf("after the error link the focus is on %q, want the last name field", got)
	}
	j.checkLabelInView("f-applicant-family_name")

	// 3. Fix the errors and go on to check the answers.
	j.do(typeText("Lindqvist"))
	if j.keyboard {
		j.tabTo(`input[name="privacy_ack"]`, false)
		j.do(press(keySpace, 0))
	} else {
		j.do(chromedp.Click(chromedp.CSS(`input[name="privacy_ack"]`)))
	}
	status = j.press(next, keySpace)
	if p := j.info(); status != 200 || p.H1 != formText(lang, "check_title") {
		t.Fatalf("after fixing: status %d, h1 %q; want the answers to check", status, p.H1)
	}
	j.checkStep(3)
	j.checkAnswers("Lindqvist", "070-123 45 67")
	j.checkAxe()
	j.screenshot("check-answers")

	// 4. Change an answer and come back: the field has the focus and its
	// value. Enter in the field checks the answers again (the form's
	// default action, not the language switch in the header).
	status = j.press(`button[value="change:applicant.phone"]`, keyEnter)
	if got := j.waitFocus("f-applicant-phone"); status != 200 || got != "f-applicant-phone" {
		t.Fatalf("change: status %d, focus on %q; want the phone field", status, got)
	}
	old := eval[string](j.tab, `document.activeElement.value`)
	if old != "070-123 45 67" {
		t.Errorf("change: the phone field holds %q", old)
	}
	j.do(press(keyEnd, 0))
	for range old {
		j.do(press(keyBackspace, 0))
	}
	j.do(typeText(newPhone))
	if j.keyboard {
		// Back and forth with Shift+Tab and Tab, and back to the field.
		j.tabTo("#f-applicant-city", true)
		j.tabTo("#f-applicant-phone", false)
	}
	status = j.submit(press(keyEnter, 0))
	if p := j.info(); status != 200 || p.H1 != formText(lang, "check_title") || p.Lang != string(lang) {
		t.Fatalf("Enter in the phone field: status %d, h1 %q, lang %s; want the answers to check in %s", status, p.H1, p.Lang, lang)
	}
	j.checkAnswers("Lindqvist", newPhone)

	// 5. Send. With JavaScript, pressing the button again while the
	// server is slow to answer sends nothing more.
	before := j.requestCount()
	if j.js && !j.keyboard {
		// Click where the button is, twice: a query for the button would
		// wait for the next page.
		at := eval[struct{ X, Y float64 }](j.tab, `(() => { const b = document.querySelector("button[value=send]");
			b.scrollIntoView({block: "center"}); const r = b.getBoundingClientRect();
			return {X: r.left + r.width / 2, Y: r.top + r.height / 2}; })()`)
		release := j.holdPosts()
		send := chromedp.MouseClickXY(at.X, at.Y)
		status = j.submit(send, chromedp.Sleep(150*time.Millisecond), send, chromedp.Sleep(150*time.Millisecond),
			chromedp.Func(func(context.Context, *chromedp.Target) error { release(); return nil }))
	} else {
		status = j.press(`button[value=send]`, keySpace)
	}
	var posts int
	for _, r := range j.requestsSince(before) {
		if strings.HasPrefix(r, "POST ") {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("sending made %d POST requests, want 1", posts)
	}

	// 6. The confirmation shows the reference, and the application is in
	// the office's inbox under it.
	p = j.info()
	if status != 200 || p.H1 != formText(lang, "sent_title") || p.Reference == "" {
		t.Fatalf("confirmation: status %d, h1 %q, reference %q", status, p.H1, p.Reference)
	}
	file := filepath.Join(inbox, office.ID, p.Reference+".eml")
	if info, err := os.Stat(file); err != nil || info.Size() == 0 {
		t.Errorf("the application is not in the local inbox at %s: %v", file, err)
	}
	j.checkAxe()
	j.screenshot("confirmation")
	j.checkNotStored()

	// The draft is gone; the print button works where it is shown.
	if j.js {
		if n := eval[int](j.tab, `Object.keys(sessionStorage).filter(k => k.startsWith("draft:")).length`); n != 0 {
			t.Errorf("%d drafts are still stored after sending", n)
		}
		eval[bool](j.tab, `window.print = () => { window.printed = true; }; true`)
		j.do(chromedp.Click(chromedp.CSS(`[data-print]`)))
		if !eval[bool](j.tab, `window.printed === true`) {
			t.Error("the print button does not print")
		}
	} else if eval[bool](j.tab, `document.querySelector("[data-print]").getClientRects().length > 0`) {
		t.Error("the print button shows without JavaScript, where it cannot work")
	}

	// 7. Back after sending, as someone else on a shared device might.
	j.back(office.ID, p.Reference)
}

// back goes Back twice from the confirmation: to the answers to check,
// and to the form before them. With JavaScript no answer may be on
// either page. Without it the browser decides what Back shows (the
// pages were sent no-store); if it shows the answers with their send
// button, sending again must reach the office with nothing new.
func (j *journey) back(officeID, reference string) {
	t := j.t
	t.Helper()
	// A message delivered again would be written again under its
	// reference.
	file := filepath.Join(inbox, officeID, reference+".eml")
	inboxNow := func() string {
		info, err := os.Stat(file)
		if err != nil {
			return err.Error()
		}
		return fmt.Sprint(info.ModTime(), info.Size())
	}
	before := inboxNow()
	for i := range 2 {
		was := j.location()
		j.do(chromedp.Evaluate[chromedp.Void](`setTimeout(() => history.back(), 0)`))
		for k := 0; k < 100 && j.tryLocation() == was; k++ {
			time.Sleep(25 * time.Millisecond)
		}
		eval[bool](j.tab, `new Promise(r => document.readyState === "complete" ? r(true) : addEventListener("load", () => r(true)))`)
		time.Sleep(100 * time.Millisecond) // pageshow handlers
		j.screenshot(fmt.Sprintf("back-%d", i+1))
		shown := eval[string](j.tab, `[document.body ? document.body.innerText : "",
			...[...document.querySelectorAll("input, textarea, select")].map(e => e.value)].join("\n")`)
		var found []string
		for _, a := range []string{"Lindqvist", "Berggren", "anna.lindqvist", "Storgatan", newPhone} {
			if strings.Contains(shown, a) {
				found = append(found, a)
			}
		}
		if j.js {
			if len(found) > 0 {
				t.Errorf("Back %d after sending (%s) shows answers again: %v", i+1, j.location(), found)
			}
			if carriers := eval[int](j.tab, `document.querySelectorAll("[data-answers]").length`); carriers > 0 {
				t.Errorf("Back %d after sending (%s) keeps %d parts with answers in the page", i+1, j.location(), carriers)
			}
			continue
		}
		if i == 0 && eval[bool](j.tab, `!!document.querySelector("button[value=send]")`) {
			status := j.press(`button[value=send]`, keySpace)
			if p := j.info(); status != 200 || p.Reference != reference {
				t.Errorf("sending again after Back: status %d, reference %q; want the confirmation of %s", status, p.Reference, reference)
			}
			if inboxNow() != before {
				t.Errorf("sending again after Back reached the office again: %s was written again", file)
			}
			return
		}
	}
	if inboxNow() != before {
		t.Errorf("going Back after sending delivered %s again", file)
	}
}

// checkNotStored fails unless every page the function answered with was
// sent no-store: they carry answers, and Back or a cache must not keep
// them.
func (j *journey) checkNotStored() {
	j.t.Helper()
	for _, d := range j.documents() {
		if strings.Contains(d.URL, "/api/") && !strings.Contains(d.CacheControl, "no-store") {
			j.t.Errorf("%s (%d) came with Cache-Control %q; want no-store", d.URL, d.Status, d.CacheControl)
		}
	}
}

// checkStep fails unless the page says it is step n of the three, in its
// heading and in its title, which a screen reader reads first.
func (j *journey) checkStep(n int) {
	j.t.Helper()
	want := str(j.lang, "form.step", "n", fmt.Sprint(n), "of", "3")
	if p := j.info(); p.Caption != want || !strings.Contains(p.Title, want) {
		j.t.Errorf("step %d: the heading's caption is %q and the title %q; want %q in both", n, p.Caption, p.Title, want)
	}
}

// checkSafetyLink fails unless the page links to "Stay safe online".
func (j *journey) checkSafetyLink() {
	j.t.Helper()
	safety := data.Settings.Links.Safety.In(j.lang)
	if !eval[bool](j.tab, fmt.Sprintf(`!!document.querySelector('main a[href=%q]')`, safety)) {
		j.t.Errorf("the form does not link to %s (Stay safe online)", safety)
	}
}

// screenshot keeps the whole page as it is now, when the run keeps
// screenshots (the phone runs), and checks that nothing on it is wider than the screen.
func (j *journey) screenshot(name string) {
	j.t.Helper()
	if j.shots == "" {
		return
	}
	j.checkNoOverflow()
	png, err := chromedp.Run(j.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		j.t.Fatal(err)
	}
	// A full-page screenshot resizes the window for a moment and leaves
	// the page laid out without its scrollbar until the next mouse press
	// (which then moves everything under the pointer): lay it out again.
	j.viewport(phoneWidth, phoneHeight, 2)
	eval[bool](j.tab, `(() => { const s = document.documentElement.style; s.overflow = "hidden";
		void document.body.offsetWidth; s.overflow = ""; void document.body.offsetWidth; return true; })()`)
	j.shot++
	file := filepath.Join(j.shots, fmt.Sprintf("%s-%02d-%s.png", j.lang, j.shot, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		j.t.Fatal(err)
	}
}

// fill enters the answers: by mouse and typing, or by keyboard alone.
func (j *journey) fill(answers []answer) {
	if !j.keyboard {
		j.fillByMouse(answers)
		return
	}
	for _, a := range answers {
		sel := fmt.Sprintf(`[name=%q]`, a.name)
		switch kind := eval[string](j.tab, fmt.Sprintf(`document.querySelector('%s').type`, sel)); kind {
		case "radio":
			// Tab stops on the group; arrow keys choose within it, and
			// Space chooses the option that has the focus.
			j.tabTo(sel, false)
			for i := 0; eval[string](j.tab, `document.activeElement.value`) != a.values[0]; i++ {
				if i > 5 {
					j.t.Fatalf("no option %s for %s", a.values[0], a.name)
				}
				j.do(press(keyArrowDown, 0))
			}
			j.do(press(keySpace, 0))
		case "checkbox":
			for _, v := range a.values {
				j.tabTo(fmt.Sprintf(`[name=%q][value=%q]`, a.name, v), false)
				j.do(press(keySpace, 0))
			}
		case "select-one":
			j.tabTo(sel, false)
			j.do(typeText(optionPrefix(a.values[0])))
		default:
			j.tabTo(sel, false)
			j.do(typeText(a.values[0]))
		}
	}
	for _, a := range answers {
		got := eval[[]string](j.tab, fmt.Sprintf(`[...document.querySelectorAll('[name=%q]')].filter(e => !["radio", "checkbox"].includes(e.type) || e.checked).map(e => e.value)`, a.name))
		if !slices.Equal(got, a.values) {
			j.t.Errorf("%s: the form holds %q, want %q", a.name, got, a.values)
		}
	}
}

// press activates a button: a click, or by keyboard Tab to it and k
// (Enter or Space). It returns the status of the page that comes back.
func (j *journey) press(selector string, k key) int64 {
	j.t.Helper()
	if !j.keyboard {
		return j.submit(chromedp.Click(chromedp.CSS(selector)))
	}
	j.tabTo(selector, false)
	return j.submit(press(k, 0))
}

// checkAnswers fails unless the answers to check hold each text.
func (j *journey) checkAnswers(texts ...string) {
	j.t.Helper()
	got := eval[string](j.tab, `[...document.querySelectorAll(".summary-list")].map(e => e.textContent).join(" ")`)
	for _, s := range texts {
		if !strings.Contains(got, s) {
			j.t.Errorf("the answers to check lack %q", s)
		}
	}
}

// checkLabelInView fails unless the field with id and its label are on
// screen, not under the sticky "Exit this page" bar.
func (tb *tab) checkLabelInView(id string) {
	tb.t.Helper()
	r := eval[struct {
		Field, Label, Bar float64
	}](tb, fmt.Sprintf(`(() => {
		const f = document.getElementById(%q), l = document.querySelector('label[for=%q]');
		const bar = document.querySelector(".exit-this-page");
		return {Field: f.getBoundingClientRect().top, Label: l.getBoundingClientRect().top,
			Bar: bar ? bar.getBoundingClientRect().bottom : 0};
	})()`, id, id))
	if r.Label < r.Bar || r.Field < r.Bar {
		tb.t.Errorf("the field %s (at %.0f px) or its label (at %.0f px) is under the exit bar (down to %.0f px)", id, r.Field, r.Label, r.Bar)
	}
}

// waitFocus waits a moment for the focus to reach an element whose id or
// class holds want, and returns where the focus is. Without JavaScript
// autofocus moves the focus at the first rendering after the load, a
// frame after the page is there.
func (tb *tab) waitFocus(want string) string {
	tb.t.Helper()
	var got string
	for i := 0; i < 40; i++ {
		if got = tb.info().Active; strings.Contains(got, want) {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	return got
}
