package journey

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"familjeratt.example/portal/content"
	jt "familjeratt.example/portal/functions/journey/journeytest"
	"familjeratt.example/portal/site/chrome"
	"familjeratt.example/portal/site/chrome/chrometest"
)

var (
	arabicOnce sync.Once
	arabicData *content.Data
	arabicCh   *chrome.Chrome
)

// newArabicEnv is newEnv over the fixture with an Arabic edition that
// offers the forms, with the committed Arabic texts.
func newArabicEnv(t *testing.T) *env {
	t.Helper()
	arabicOnce.Do(func() {
		settings, err := os.ReadFile(filepath.Join(fixtureDir, "site.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		ar, err := fs.ReadFile(content.DataFiles, "i18n/ar.yaml")
		if err != nil {
			t.Fatal(err)
		}
		arabicData = testDataWith(t, map[string]string{
			"site.yaml": strings.Replace(string(settings), "links:", `editions:
  - {id: sv, lang: sv, name: Svenska, name_sv: svenska, forms: true}
  - {id: en, lang: en, name: English, name_sv: engelska, complete: true, forms: true}
  - {id: ar, lang: ar, name: العربية, name_sv: arabiska, dir: rtl, forms: true}
links:`, 1),
			"i18n/ar.yaml": string(ar),
		})
		if arabicCh, err = chrome.New(arabicData.Strings, arabicData.Settings); err != nil {
			t.Fatal(err)
		}
	})
	return newEnvFor(t, true, arabicData, arabicCh)
}

// arabicApplication is a whole application as a parent writing Arabic
// sends it: names in Arabic script, every number in Eastern Arabic
// digits.
func arabicApplication() map[string][]string {
	v := validApplication("ar")
	v.Set("applicant.given_name", "أمل")
	v.Set("applicant.family_name", "الحسن")
	v.Set("applicant.personal_number", jt.EasternDigits("811218-9876"))
	v.Set("applicant.street", "شارع الملك ١٢")
	v.Set("applicant.postal_code", jt.EasternDigits("211 34"))
	v.Set("applicant.city", "Malmö")
	v.Set("applicant.phone", jt.EasternDigits("070-123 45 67"))
	v.Set("applicant.safe_contact", "اتصلوا بعد الساعة العاشرة")
	v.Set("other_parent.given_name", "كريم")
	v.Set("other_parent.family_name", "الحسن")
	v.Set("other_parent.personal_number", jt.EasternDigits(pnr("19790312", "234")))
	v.Set("children.0.given_name", "ليلى")
	v.Set("children.0.family_name", "الحسن")
	v.Set("children.0.personal_number", jt.EasternDigits(pnr("20150101", "002")))
	return v
}

// TestArabicApplication: a parent applies in Arabic, typing Eastern
// Arabic digits. Every page answers in Arabic, right to left; the office
// receives the staff message in Swedish, with the parent's language
// first and an interpreter suggested, the numbers normalised and the
// names exactly as typed.
func TestArabicApplication(t *testing.T) {
	e := newArabicEnv(t)
	v := arabicApplication()

	check := post(t, e.h, with(v, "_action", "check"))
	body := check.Body.String()
	if check.Code != 200 || !strings.Contains(body, `<html lang="ar" dir="rtl"`) || !strings.Contains(body, "أمل") {
		t.Fatalf("check answers: status %d, not the Arabic page with the answers:\n%.600s", check.Code, body)
	}
	if strings.Contains(body, "error-summary") {
		t.Fatalf("the Arabic answers were refused:\n%s", body)
	}
	chrometest.CheckBads(t, "check (ar)", check.Body.Bytes())

	// In the Arabic form, the examples in hints read left to right.
	form := post(t, e.h, with(v, "_action", "check", "applicant.family_name", "")).Body.String()
	if !strings.Contains(form, `<span dir="ltr">19811218-9876</span>`) {
		t.Errorf("the personnummer's example is not isolated left to right in the Arabic form")
	}

	// The language menu carries the answers to Swedish and back.
	sv := post(t, e.h, with(v, "_action", "lang:sv"))
	if b := sv.Body.String(); !strings.Contains(b, `<html lang="sv" dir="ltr"`) || !strings.Contains(b, `value="أمل"`) || !strings.Contains(b, `name="_lang" value="sv"`) {
		t.Errorf("switching to Swedish lost the language or the answers")
	}

	post(t, e.h, with(v, "_action", "send"))
	if len(e.sender.sent) != 1 {
		t.Fatal("not sent")
	}
	text := strings.ReplaceAll(readableText(t, e.sender.sent[0].Data), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	if len(lines) < 3 || lines[2] != "Språk på webbplatsen: arabiska" {
		t.Errorf("the parent's language is not the first row:\n%s", text)
	}
	for _, want := range []string{
		"* Sökanden läste webbplatsen på arabiska. Fråga om hen behöver tolk.",
		"Förnamn: أمل", "Efternamn: الحسن", "Personnummer: 19811218-9876", "Telefonnummer: 070-123 45 67", "Postnummer: 211 34",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the staff message lacks %q", want)
		}
	}
	flags := text[strings.Index(text, "== Viktigt =="):]
	if !strings.HasPrefix(flags, "== Viktigt ==\n* Sökanden läste webbplatsen på arabiska") {
		t.Errorf("the edition's flag is not the first flag:\n%s", flags)
	}
	chrometest.Golden(t, "staff-arabic.txt", []byte(text))
}
