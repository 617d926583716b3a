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
// parent would: with JavaScript, without it, and with the keyboard
// alone. Each run submits with errors, follows an error link to its
// field, fixes the errors, checks the answers, changes one, sends, and
// finds the application in the local inbox under the reference the
// confirmation shows.
func TestJourney(t *testing.T) {
	tests := []struct {
		name     string
		lang     content.Lang
		noJS     bool
		keyboard bool
	}{
		{"JavaScript on/sv", content.SV, false, false},
		{"JavaScript on/en", content.EN, false, false},
		{"JavaScript off/sv", content.SV, true, false},
		{"JavaScript off/en", content.EN, true, false},
		{"keyboard only/sv", content.SV, false, true},
		{"keyboard only, JavaScript off/en", content.EN, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := newTab(t, tabOptions{noJS: tt.noJS})
			j := &journey{tab: tb, lang: tt.lang, js: !tt.noJS, keyboard: tt.keyboard}
			j.run()
			tb.checkClean()
		})
	}
}

type journey struct {
	*tab
	lang     content.Lang
	js       bool
	keyboard bool
}

func (j *journey) run() {
	t, lang := j.t, j.lang
	t.Helper()
	if status := j.open(formPath(lang)); status != 200 {
		t.Fatalf("the form: status %d", status)
	}
	safety := data.Settings.Links.Safety.In(lang)
	if !eval[bool](j.tab, fmt.Sprintf(`!!document.querySelector('main a[href=%q]')`, safety)) {
		t.Errorf("the form's start does not link to %s (Stay safe online)", safety)
	}

	// 1. Submit with errors: the last name and the privacy confirmation
	// are missing. The error summary has the focus and links to both.
	j.fill(without(application(), "applicant.family_name", "privacy_ack"))
	status := j.press(`form[data-draft] .button-group button[type=submit]`, keyEnter)
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
	status = j.press(`form[data-draft] .button-group button[type=submit]`, keySpace)
	if p := j.info(); status != 200 || p.H1 != formText(lang, "check_title") {
		t.Fatalf("after fixing: status %d, h1 %q; want the answers to check", status, p.H1)
	}
	j.checkAnswers("Lindqvist", "070-123 45 67")
	j.checkAxe()

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
	file := filepath.Join(inbox, "malmo", p.Reference+".eml")
	if info, err := os.Stat(file); err != nil || info.Size() == 0 {
		t.Errorf("the application is not in the local inbox at %s: %v", file, err)
	}
	j.checkAxe()

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
