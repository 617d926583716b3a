package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
)

// TestIntakePages gives the pages the intake function answers with the
// same checks as the site's pages: the form with errors, the answers to
// check, the confirmation, the "not served here" page, and the page
// that says a delivery failed (503).
func TestIntakePages(t *testing.T) {
	langs(t, func(t *testing.T, lang content.Lang) {
		tb := newTab(t, tabOptions{})
		check := func(name string, wantStatus, status int64, wantH1 string) {
			t.Run(name, func(t *testing.T) {
				tb := tb.in(t)
				if status != wantStatus {
					t.Errorf("status %d, want %d", status, wantStatus)
				}
				if got := tb.info().H1; !strings.HasPrefix(got, wantH1) {
					t.Errorf("h1 %q, want %q", got, wantH1)
				}
				tb.checkExit(true, lang)
				tb.checkAxe()
				tb.checkFocus()
				tb.checkReflow()
				tb.checkClean()
			})
		}

		tb.open(formPath(lang))
		check("municipality missing", 422, tb.submitForm(), formText(lang, "title"))

		check("form", 200, tb.start(lang, malmo), formText(lang, "title"))
		tb.fillByScript(without(application(), "applicant.family_name", "privacy_ack"))
		check("error", 422, tb.submitForm(), formText(lang, "title"))

		tb.fillByScript(application())
		check("check answers", 200, tb.submitForm(), formText(lang, "check_title"))

		status := tb.submit(chromedp.Click(chromedp.CSS(`button[value=send]`)))
		check("confirmation", 200, status, formText(lang, "sent_title"))

		// Stockholm: no office here, said before any personal question.
		check("not served", 200, tb.start(lang, "0180"), formText(lang, "notserved_title", "municipality", "Stockholm"))

		tb.openURL(failing.URL + formPath(lang))
		tb.fillByScript([]answer{{"municipality", []string{malmo}}})
		tb.submitForm()
		tb.fillByScript(application())
		tb.submitForm()
		status = tb.submit(chromedp.Click(chromedp.CSS(`button[value=send]`)))
		check("delivery failed", 503, status, str(lang, "failed.title"))
	})
}
