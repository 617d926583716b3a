package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/delivery/mailtest"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site/chrome/chrometest"
)

// unitOffice is the test office with three units, each with an inbox and
// a certificate of its own, laid over the real content for a portal of
// its own: Arjeplog, which no committed office serves.
const (
	unitOfficeID   = "provkontoret"
	unitOfficeCode = "2506" // Arjeplog
)

// unitPortal is a portal whose content has the test office, and the
// keys of its three units.
type unitPortal struct {
	*Portal
	inbox string
	keys  map[content.UnitKind]*mailtest.Recipient
}

func startUnitPortal(t *testing.T) *unitPortal {
	t.Helper()
	if _, taken := data.Directory.OfficeFor(unitOfficeCode); taken {
		t.Fatalf("municipality %s has an office in content/: choose another for the test office", unitOfficeCode)
	}
	keys := map[content.UnitKind]*mailtest.Recipient{}
	overlay := fstest.MapFS{}
	for _, k := range content.UnitKinds() {
		keys[k] = mailtest.NewRecipient(t, string(k)+"@prov.example")
		overlay["offices/certs/prov-"+string(k)+".pem"] = &fstest.MapFile{Data: keys[k].CertPEM}
	}
	overlay["offices/"+unitOfficeID+".yaml"] = &fstest.MapFile{Data: []byte(`name: {sv: Provkontoret, en: Test Office}
municipalities: ["` + unitOfficeCode + `"]
contact:
  phone: 010-000 00 00
intake:
  inbox: prov-familjeratt@familjeratt.example
  certificates: [certs/prov-familjeratt.pem]
units:
  umgangesstod:
    name: {sv: Provstödet, en: Test Support}
    inbox: prov-umgangesstod@familjeratt.example
    certificates: [certs/prov-umgangesstod.pem]
  vald:
    inbox: prov-vald@familjeratt.example
    certificates: [certs/prov-vald.pem]
`)}
	tmp := t.TempDir()
	inbox := filepath.Join(tmp, "inbox")
	p, err := Start(t.Context(), Options{Root: root, Public: filepath.Join(tmp, "public"), Overlay: overlay,
		Env: map[string]string{"INTAKE_INBOX_DIR": inbox, "INTAKE_LEDGER_FILE": filepath.Join(tmp, "ledger.db")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return &unitPortal{Portal: p, inbox: inbox, keys: keys}
}

// formPage is the address of the form with id in lang.
func formPage(t *testing.T, id string, lang content.Lang) string {
	t.Helper()
	f, ok := intake.FormByID(id)
	if !ok {
		t.Fatalf("no form %s", id)
	}
	return f.Def.Path(data.Strings, lang)
}

// open decrypts the message the unit's folder of the local inbox holds
// under ref, with the unit's key, checks that no other unit's key opens
// it and that the portal signed it, and returns its readable text.
func (p *unitPortal) open(t *testing.T, kind content.UnitKind, ref string) string {
	t.Helper()
	var src []byte
	var err error
	file := filepath.Join(p.inbox, content.InboxKey(unitOfficeID, kind), ref+".eml")
	for range 50 { // written before the confirmation; a moment's grace
		if src, err = os.ReadFile(file); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		entries, _ := filepath.Glob(filepath.Join(p.inbox, "*", "*.eml"))
		t.Fatalf("no message for %s in %s's inbox: %v (the inbox holds %v)", ref, kind, err, entries)
	}
	for k, r := range p.keys {
		if _, err := delivery.Unseal(src, r.Cert, r.Key); k != kind && err == nil {
			t.Errorf("%s's key opens a message for %s", k, kind)
		}
	}
	inner, err := delivery.Unseal(src, p.keys[kind].Cert, p.keys[kind].Key)
	if err != nil {
		t.Fatalf("decrypting with %s's key: %v", kind, err)
	}
	cert, err := content.LoadSigning(os.DirFS(filepath.Join(root, "content")))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := delivery.Verify(inner, cert)
	if err != nil {
		t.Fatalf("the signature: %v", err)
	}
	parts, err := delivery.Parts(signed)
	if err != nil {
		t.Fatal(err)
	}
	return string(parts["text/plain"])
}

// masked is a staff message with what changes from run to run (the
// reference, today's dates and times) replaced, for its golden file.
func masked(text, ref string, extra ...string) []byte {
	text = strings.ReplaceAll(text, ref, "REFERENS")
	for i := 0; i+1 < len(extra); i += 2 {
		text = strings.ReplaceAll(text, extra[i], extra[i+1])
	}
	text = dateRE.ReplaceAllString(text, "DATUM")
	text = ackRE.ReplaceAllString(text, "ACK-LÄNK")
	return []byte(text)
}

var ackRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/api/ack/\S+`)

var dateRE = regexp.MustCompile(`\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) \d{4}( kl\. \d{2}[.:]\d{2})?|\d{4}-\d{2}-\d{2}([ T]\d{2}[.:]\d{2}(:\d{2})?)?`)

// unitFormAnswers are complete answers to a form another unit receives,
// as its journeys type them (the visit's date: yesterday).
func unitFormAnswers(id string) []answer {
	switch id {
	case intake.VisitReportID:
		return []answer{
			{"case_reference", []string{"T 1234-26"}},
			{"visit_date", []string{time.Now().In(intake.Stockholm).AddDate(0, 0, -1).Format(time.DateOnly)}},
			{"start_time", []string{"14.00"}},
			{"end_time", []string{"15.30"}},
			{"place", []string{"Familjecentralen, Storgatan 1"}},
			{"attendees", []string{"Pappan och barnet. Mamman lämnade barnet."}},
			{"handover", []string{"Lugn överlämning i entrén."}},
			{"account", []string{"De ritade och spelade spel. Barnet var glatt och pratade om skolan."}},
			{"interrupted", []string{"no"}},
			{"support_person.name", []string{"Eva Stödjare"}},
			{"support_person.phone", []string{"070-111 22 33"}},
			{"privacy_ack", []string{"yes"}},
		}
	case intake.ContactID:
		return []answer{
			{"name", []string{"Sara"}},
			{"contact_by", []string{"phone"}},
			{"phone", []string{"070-123 45 67"}},
			{"safe_times", []string{"Vardagar mellan 9 och 11"}},
			{"avoid", []string{"voicemail", "say_where"}},
		}
	}
	return nil
}

// TestUnitJourneys sends each form that goes to a unit of its own, with
// JavaScript and without, by mouse and keyboard, to the test office with
// three inboxes: each arrives in its own unit's inbox only, encrypted to
// that unit alone, and reads as its golden staff message.
func TestUnitJourneys(t *testing.T) {
	p := startUnitPortal(t)
	yesterday := time.Now().In(intake.Stockholm).AddDate(0, 0, -1).Format(time.DateOnly)
	var tests []struct {
		form    string
		kind    content.UnitKind
		answers []answer
	}
	for _, f := range intake.Forms() {
		if f.Unit == content.FamilyLaw {
			continue
		}
		answers := unitFormAnswers(f.Def.ID)
		if answers == nil {
			t.Errorf("form %s goes to the unit %s, but this test has no answers for it: add them to unitFormAnswers", f.Def.ID, f.Unit)
			continue
		}
		tests = append(tests, struct {
			form    string
			kind    content.UnitKind
			answers []answer
		}{f.Def.ID, f.Unit, answers})
	}
	for _, tt := range tests {
		for _, js := range []bool{true, false} {
			name := fmt.Sprintf("%s/JavaScript %v", tt.form, map[bool]string{true: "on", false: "off"}[js])
			t.Run(name, func(t *testing.T) {
				tb := newTab(t, tabOptions{noJS: !js})
				lang := content.SV
				if status := tb.openURL(p.URL + formPage(t, tt.form, lang)); status != 200 {
					t.Fatalf("the form: status %d", status)
				}
				tb.checkExit(true, lang)
				tb.fillByMouse([]answer{{"municipality", []string{unitOfficeCode}}})
				if status := tb.submitForm(); status != 200 {
					t.Fatalf("after the municipality: status %d (%s)", status, tb.info().H1)
				}
				tb.checkExit(true, lang)
				tb.checkAxe()
				// Going on with nothing written: the errors, on the same step.
				if status := tb.submitForm(); status != 422 || len(tb.info().Errors) == 0 {
					t.Fatalf("an empty form: status %d, errors %v; want 422 and the error summary", status, tb.info().Errors)
				}
				tb.checkExit(true, lang)
				tb.checkAxe()
				if js { // focus is checked by keyboard, which needs the page's scripts here
					tb.checkFocus()
				}
				// Each run's own answers, so that each has its own reference.
				run := fmt.Sprintf("(körning %s)", map[bool]string{true: "med JavaScript", false: "utan JavaScript"}[js])
				answers := replaced(tt.answers, "handover", "Lugn överlämning i entrén "+run+".")
				tb.fillByMouse(answers)
				status := tb.submitForm()
				if info := tb.info(); status != 200 || info.H1 != data.Strings.MustGet(lang, "form."+tt.form+".check_title") {
					t.Fatalf("check answers: status %d, h1 %q, errors %v", status, info.H1, info.Errors)
				}
				tb.checkExit(true, lang)
				tb.checkAxe()
				status = tb.submit(chromedp.Click(chromedp.CSS(`button[value=send]`)))
				info := tb.info()
				if status != 200 || info.Reference == "" {
					t.Fatalf("confirmation: status %d, h1 %q, reference %q", status, info.H1, info.Reference)
				}
				tb.checkExit(true, lang)
				tb.checkAxe()
				if js {
					tb.checkFocus()
				}
				tb.checkReflow()
				text := p.open(t, tt.kind, info.Reference)
				for _, k := range content.UnitKinds() {
					if k == tt.kind {
						continue
					}
					// This run's reference only: the other forms' runs
					// fill their own units' inboxes.
					if other, _ := filepath.Glob(filepath.Join(p.inbox, content.InboxKey(unitOfficeID, k), info.Reference+".eml")); len(other) > 0 {
						t.Errorf("%s's inbox holds %v", k, other)
					}
				}
				// With JavaScript or without, staff read the same message.
				chrometest.Golden(t, "staff-"+tt.form+".txt", masked(text, info.Reference, yesterday, "BESÖKSDAG", " "+run, ""))
				tb.checkClean()
			})
		}
	}
}

// TestUnitNotOffered: a municipality whose office lacks the form's unit
// is told so on the step that asks for the municipality, before any
// other question, with the office's contact and "Exit this page".
func TestUnitNotOffered(t *testing.T) {
	for _, f := range intake.Forms() {
		if f.Unit == content.FamilyLaw {
			continue
		}
		var without *content.Office
		for _, o := range data.Directory.Offices {
			if !f.OfferedBy(o) && len(o.Municipalities) > 0 {
				without = o
				break
			}
		}
		if without == nil {
			continue // every office has the unit: nothing to show
		}
		t.Run(f.Def.ID, func(t *testing.T) {
			tb := newTab(t, tabOptions{})
			lang := content.SV
			if status := tb.open(formPage(t, f.Def.ID, lang)); status != 200 {
				t.Fatalf("the form: status %d", status)
			}
			tb.fillByMouse([]answer{{"municipality", []string{without.Municipalities[0]}}})
			status := tb.submitForm()
			want := data.Strings.MustGet(lang, "form."+f.Def.ID+".notoffered_title", "office", without.Name.In(lang))
			if got := tb.info().H1; status != 200 || got != want {
				t.Fatalf("status %d, h1 %q; want 200 and %q", status, got, want)
			}
			if n := eval[int](tb, `document.querySelectorAll("main input:not([type=hidden]):not([type=submit]), main textarea").length`); n > 1 {
				t.Errorf("the page asks %d questions", n)
			}
			tb.checkExit(true, lang)
			tb.checkAxe()
			tb.checkFocus()
			tb.checkClean()
		})
	}
}
