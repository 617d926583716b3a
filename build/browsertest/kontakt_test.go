package browsertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
)

// contactFormPath is the page of the request to be contacted safely.
func contactFormPath(lang content.Lang) string {
	return "/" + string(lang) + "/" + str(lang, "form.kontakt.slug") + "/"
}

// contactStep is a step of the request to be contacted safely, reached
// from its page with JavaScript on: each walks on from the one before.
type contactStep struct {
	name string
	// walk goes on from the step before to this one.
	walk func(t *testing.T, tb *tab)
}

// fillContact fills the named fields of the page's no-draft form as a
// parent would, with input and change events.
func (tb *tab) fillContact(answers map[string][]string) {
	tb.t.Helper()
	tb.setFields(answers, true)
}

// submitContact presses the no-draft form's own button.
func (tb *tab) submitContact() int64 {
	tb.t.Helper()
	return tb.submit(chromedp.Click(chromedp.CSS(`form[data-no-draft] button.button[type=submit]`)))
}

// storedJS counts what the page's origin keeps in the browser's storage.
const storedJS = `sessionStorage.length + localStorage.length`

// warnsJS reports whether leaving the page now would ask first: the
// page's beforeunload listener cancels the event.
const warnsJS = `(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`

// contactSteps are the steps in order, with JavaScript on.
func contactSteps(lang content.Lang, js bool) []contactStep {
	return []contactStep{
		{"the page", func(t *testing.T, tb *tab) {
			if status := tb.open(contactFormPath(lang)); status != 200 {
				t.Fatalf("the page: status %d", status)
			}
		}},
		{"no municipality", func(t *testing.T, tb *tab) {
			if status := tb.submitContact(); status != 422 {
				t.Fatalf("no municipality: status %d", status)
			}
		}},
		{"the form", func(t *testing.T, tb *tab) {
			tb.fillContact(map[string][]string{"municipality": {malmo}})
			if status := tb.submitContact(); status != 200 {
				t.Fatalf("the form: status %d", status)
			}
		}},
		{"the form with a problem", func(t *testing.T, tb *tab) {
			if js && eval[bool](tb, warnsJS) {
				t.Error("the form warns before anything was changed")
			}
			tb.fillContact(map[string][]string{"name": {"Sara"}})
			if js && !eval[bool](tb, warnsJS) {
				t.Error("the form does not warn before leaving with a changed answer")
			}
			if status := tb.submitContact(); status != 422 {
				t.Fatalf("no way to reach: status %d", status)
			}
		}},
		{"check answers", func(t *testing.T, tb *tab) {
			tb.fillContact(map[string][]string{"contact_by": {"phone"}, "phone": {"070-123 45 67"},
				"safe_times": {fmt.Sprintf("Vardagar 9–11 (%s)", lang)}, "avoid": {"voicemail", "letter"}})
			if status := tb.submitContact(); status != 200 {
				t.Fatalf("check: status %d", status)
			}
		}},
		{"confirmation", func(t *testing.T, tb *tab) {
			if status := tb.submit(chromedp.Click(chromedp.CSS(`button[value=send]`))); status != 200 {
				t.Fatalf("send: status %d", status)
			}
			if !strings.HasSuffix(tb.location(), "/api/forms/kontakt/sent") {
				t.Fatalf("send: at %s, want the confirmation", tb.location())
			}
		}},
	}
}

// TestContactNoStorage walks the request to be contacted safely with
// JavaScript on and off, to the confirmation: at no step does the page
// keep anything in sessionStorage or localStorage, every step but the
// confirmation starts with where to call in danger (the pages saying the
// municipality's office does not take it here too), and every step has
// Exit this page, which leaves at once (without asking first, even with
// changed answers) and clears the page.
func TestContactNoStorage(t *testing.T) {
	langs(t, func(t *testing.T, lang content.Lang) {
		for _, js := range []bool{true, false} {
			t.Run(fmt.Sprintf("every step, JavaScript %v", js), func(t *testing.T) {
				contactEveryStep(t, lang, js)
			})
		}
		for _, tt := range []struct{ name, municipality string }{{"not served", "0180"}, {"no unit", "0834"}} {
			t.Run("Exit on "+tt.name, func(t *testing.T) {
				tb := newTab(t, tabOptions{})
				tb.open(contactFormPath(lang))
				tb.fillContact(map[string][]string{"municipality": {tt.municipality}})
				if status := tb.submitContact(); status != 200 {
					t.Fatalf("status %d", status)
				}
				if !eval[bool](tb, `document.querySelector("main").firstElementChild.matches("[data-danger]") && document.body.textContent.includes("020-50 50 50")`) {
					t.Error("the page does not start with where to call in danger")
				}
				if n := eval[int](tb, storedJS); n != 0 {
					t.Errorf("%d items in the browser's storage, want none", n)
				}
				contactExit(t, tb)
			})
		}
		for i, s := range contactSteps(lang, true) {
			t.Run("Exit on "+s.name, func(t *testing.T) {
				tb := newTab(t, tabOptions{})
				for _, before := range contactSteps(lang, true)[:i+1] {
					before.walk(t, tb)
				}
				if s.name == "the form" || s.name == "the form with a problem" {
					tb.fillContact(map[string][]string{"message": {"Hej"}}) // a changed answer: still no question
				}
				contactExit(t, tb)
			})
		}
	})
}

// contactEveryStep walks every step and checks each.
func contactEveryStep(t *testing.T, lang content.Lang, js bool) {
	tb := newTab(t, tabOptions{noJS: !js})
	for _, s := range contactSteps(lang, js) {
		s.walk(t, tb)
		if n := eval[int](tb, storedJS); n != 0 {
			t.Errorf("%s: %d items in the browser's storage, want none", s.name, n)
		}
		if !eval[bool](tb, `!!document.querySelector(".exit-this-page__button[data-exit]")`) {
			t.Errorf("%s: no Exit this page", s.name)
		}
		if s.name != "confirmation" && !eval[bool](tb, `document.querySelector("main").firstElementChild.matches("[data-danger]") && document.querySelector("main [data-danger] a[href='tel:112']") !== null`) {
			t.Errorf("%s: the page does not start with where to call in danger", s.name)
		}
		if n := eval[int](tb, `document.querySelectorAll("form[data-draft]").length`); n != 0 {
			t.Errorf("%s: %d forms keep drafts", s.name, n)
		}
	}
	if n := eval[int](tb, storedJS); n != 0 {
		t.Errorf("after sending: %d items in the browser's storage", n)
	}
}

// contactExit presses Exit this page and checks that the page is blanked
// and emptied at once and the tab at the neutral site, without a question
// first.
func contactExit(t *testing.T, tb *tab) {
	t.Helper()
	eval[bool](tb, watchLeavingJS)
	tb.do(chromedp.Click(chromedp.CSS(".exit-this-page__button")))
	tb.waitLocation(data.Settings.ExitURL)
	logs := tb.logged()
	if len(logs) == 0 {
		t.Fatal("the page went to the neutral site without being blanked first")
	}
	var l leaving
	if err := json.Unmarshal([]byte(logs[0]), &l); err != nil {
		t.Fatal(err)
	}
	if l.BodyVisible || l.Title != "" || len(l.Filled) > 0 || l.Stored > 0 {
		t.Errorf("while leaving: body visible %v, title %q, filled %v, stored %d; want a blank, empty page", l.BodyVisible, l.Title, l.Filled, l.Stored)
	}
}
