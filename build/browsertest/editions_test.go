package browsertest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
	jt "familjeratt.example/portal/functions/journey/journeytest"
)

// ar is the Arabic edition, written right to left.
const ar content.Lang = "ar"

// arabicApplication is a whole application as a parent who writes
// Arabic fills it in: names in Arabic script, every number in Eastern
// Arabic digits. tag makes the answers the run's own, so that two runs
// do not make the same reference.
func arabicApplication(tag int) []answer {
	a := application()
	set := func(name, value string) { a = replaced(a, name, value) }
	set("applicant.given_name", "أمل")
	set("applicant.family_name", "الحسن")
	set("applicant.personal_number", jt.EasternDigits("811218-9876"))
	set("applicant.postal_code", jt.EasternDigits("211 34"))
	set("applicant.phone", jt.EasternDigits("070-123 45 67"))
	set("applicant.street", "شارع الملك "+jt.EasternDigits(fmt.Sprint(10+tag)))
	set("applicant.safe_contact", "اتصلوا بعد الساعة العاشرة")
	set("other_parent.given_name", "كريم")
	set("other_parent.family_name", "الحسن")
	set("children.0.given_name", "ليلى")
	set("children.0.family_name", "الحسن")
	for i, x := range a {
		if strings.HasSuffix(x.name, "personal_number") {
			a[i].values = []string{jt.EasternDigits(x.values[0])}
		}
	}
	return a
}

// TestArabicJourney fills in the whole application in Arabic, typing
// Eastern Arabic digits, with JavaScript and without: every page is
// Arabic and right to left, passes axe and reflows at 320 px; the
// office's decrypted message is in Swedish, the parent's language
// first, the numbers in ASCII and the Arabic names as typed. With
// JavaScript the run ends on the failure page of a relay that is down.
func TestArabicJourney(t *testing.T) {
	for i, noJS := range []bool{false, true} {
		name := "JavaScript on"
		if noJS {
			name = "JavaScript off"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := newTab(t, tabOptions{noJS: noJS})
			tb.viewport(phoneWidth, phoneHeight, 1)
			page := func(what string, wantStatus, status int64, wantH1 string) {
				t.Helper()
				p := tb.info()
				dir := eval[string](tb, `document.documentElement.dir`)
				if status != wantStatus || p.Lang != "ar" || dir != "rtl" || !strings.HasPrefix(p.H1, wantH1) {
					t.Fatalf("%s: status %d, lang %q, dir %q, h1 %q; want %d, ar, rtl, %q", what, status, p.Lang, dir, p.H1, wantStatus, wantH1)
				}
				tb.checkAxe()
				tb.checkNoOverflow()
			}
			if status := tb.open(formPath(ar)); status != 200 {
				t.Fatalf("the Arabic form: status %d", status)
			}
			page("the form", 200, 200, formText(ar, "title"))
			tb.fillByMouse([]answer{{"municipality", []string{malmo}}})
			page("the form's second step", 200, tb.submitForm(), formText(ar, "title"))

			answers := arabicApplication(i)
			tb.fillByMouse(without(answers, "applicant.family_name"))
			page("the form with an error", 422, tb.submitForm(), formText(ar, "title"))
			if got := tb.info().Errors; len(got) != 1 || got[0] != "#f-applicant-family_name" {
				t.Errorf("errors %v, want only the family name: the Eastern Arabic digits must pass", got)
			}
			if got := eval[string](tb, `document.getElementById("f-applicant-phone").value`); got != jt.EasternDigits("070-123 45 67") {
				t.Errorf("the phone as typed is not kept: %q", got)
			}
			tb.fillByMouse([]answer{{"applicant.family_name", []string{"الحسن"}}})
			page("check answers", 200, tb.submitForm(), formText(ar, "check_title"))
			if shown := eval[string](tb, `document.querySelector("main").innerText`); !strings.Contains(shown, "أمل") || !strings.Contains(shown, "ليلى") {
				t.Errorf("the answers to check lack the Arabic names:\n%s", shown)
			}

			page("confirmation", 200, tb.submit(chromedp.Click(chromedp.CSS(`button[value=send]`))), formText(ar, "sent_title"))
			ref := tb.info().Reference
			message := openMessage(t, "malmo", ref)
			for _, want := range []string{
				"Språk på webbplatsen: arabiska",
				"Sökanden läste webbplatsen på arabiska. Fråga om hen behöver tolk.",
				"Förnamn: أمل", "Efternamn: الحسن", "Förnamn: ليلى",
				"Personnummer: 19811218-9876", "Telefonnummer: 070-123 45 67", "Postnummer: 211 34",
			} {
				if !strings.Contains(message, want) {
					t.Errorf("the office's message lacks %q:\n%s", want, message)
				}
			}
			if strings.Index(message, "Språk på webbplatsen") > strings.Index(message, "Referens") {
				t.Errorf("the parent's language is not the message's first row:\n%s", message)
			}
			if !noJS {
				tb.openURL(failing.URL + formPath(ar))
				tb.fillByScript([]answer{{"municipality", []string{malmo}}})
				tb.submitForm()
				tb.fillByScript(arabicApplication(i + 10))
				tb.submitForm()
				page("delivery failed", 503, tb.submit(chromedp.Click(chromedp.CSS(`button[value=send]`))), str(ar, "failed.title"))
			}
			tb.checkClean()
		})
	}
}

// openMessage decrypts the message the local inbox holds for office
// under ref, as staff would read it (openInbox).
func openMessage(t *testing.T, office, ref string) string {
	t.Helper()
	var src []byte
	var err error
	file := filepath.Join(inbox, office, ref+".eml")
	for k := 0; k < 50; k++ { // written before the confirmation; a moment's grace
		if src, err = os.ReadFile(file); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("no message for %s: %v", ref, err)
	}
	return openInbox(t, office, ref, src)
}

// openInbox decrypts one message for office with make open-inbox and
// the office's development key, from an inbox of its own.
func openInbox(t *testing.T, office, ref string, src []byte) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, office), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, office, ref+".eml"), src, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", "-s", "open-inbox")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "INTAKE_INBOX_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make open-inbox: %v\n%s", err, out)
	}
	return string(out)
}
