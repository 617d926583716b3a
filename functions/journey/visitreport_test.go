package journey

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site/chrome/chrometest"
)

// visitReportPath is where the visit report posts.
const visitReportPath = "/api/forms/" + intake.VisitReportID

// visitReport is a complete report after supported contact, to Malmö,
// for a visit that was cut short, written as a support person types it
// (the times with a colon and without a separator).
func visitReport(lang, action string) url.Values {
	return url.Values{
		"_lang": {lang}, "_page": {"form"}, "_action": {action},
		"municipality": {"1280"}, "case_reference": {"T 1234-25"},
		"visit_date": {"2026-11-21"}, "start_time": {"14:00"}, "end_time": {"1545"},
		"place":       {"Familjerättens lokal, Malmö"},
		"attendees":   {"Barnet, pappan och jag."},
		"handover":    {"Mamman lämnade barnet i entrén. Pappan väntade i rummet."},
		"account":     {"De byggde lego och åt mellanmål.\nEfter en timme ville barnet gå hem och grät."},
		"concerns":    {"Pappan frågade barnet om mammans nya adress."},
		"interrupted": {"yes"}, "interruption_reason": {"Barnet ville gå hem. Jag avslutade umgänget kl. 15.45."},
		"support_person.name": {"Karin Ek"}, "support_person.phone": {"070-765 43 21"},
		"privacy_ack": {"yes"},
	}
}

// TestVisitReport: a support person names the municipality, fills in the
// report, checks it, changes nothing and sends it; the office receives
// it with labels written for staff, the date and times in one form, the
// interruption and the concern first, and a title that says the sender
// is not verified; the confirmation says the office may call.
func TestVisitReport(t *testing.T) {
	e := newEnv(t)

	// 1. The municipality, on its own step: on to the report's fields.
	w := postTo(t, e.h, visitReportPath, url.Values{"_lang": {"sv"}, "_page": {"municipality"}, "_action": {"municipality"}, "municipality": {"1280"}})
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("the municipality: status %d", w.Code)
	}
	for _, s := range []string{"Rapport efter umgängesstöd", "Steg 2 av 3", `name="case_reference"`, `name="visit_date"`,
		`name="support_person.phone" type="tel"`, "Skriv inte barnets namn eller personnummer", `value="change:municipality"`} {
		if !strings.Contains(body, s) {
			t.Errorf("the report's form lacks %q", s)
		}
	}
	for _, s := range []string{`name="personal_number"`, `.personal_number"`, `name="given_name"`} {
		if strings.Contains(body, s) {
			t.Errorf("the report's form asks %q", s)
		}
	}

	// 2. Sent with a problem: the form again, the message at the field.
	w = postTo(t, e.h, visitReportPath, with(visitReport("sv", "check"), "interruption_reason", ""))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(summaryOf(w.Body.String()), "Skriv varför umgänget avbröts") {
		t.Errorf("no reason for the interruption: status %d, summary %q", w.Code, summaryOf(w.Body.String()))
	}

	// 3. The answers to check, carried in the page for Send.
	w = postTo(t, e.h, visitReportPath, visitReport("sv", "check"))
	body = w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("check: status %d: %s", w.Code, summaryOf(body))
	}
	for _, s := range []string{"Kontrollera rapporten innan du skickar", "Skicka rapporten", "T 1234-25", "Karin Ek"} {
		if !strings.Contains(body, s) {
			t.Errorf("the check page lacks %q", s)
		}
	}
	chrometest.CheckBads(t, "visit report: check", w.Body.Bytes())
	carried := hidden(body)
	if carried.Get("interruption_reason") == "" || carried.Get("support_person.phone") != "070-765 43 21" {
		t.Fatalf("the check page does not carry the answers: %v", carried)
	}

	// 4. Send: to the confirmation, once.
	w = postTo(t, e.h, visitReportPath, with(carried, "_action", "send"))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != visitReportPath+"/sent" {
		t.Fatalf("send: status %d, location %q: %s", w.Code, w.Header().Get("Location"), summaryOf(w.Body.String()))
	}
	if len(e.sender.sent) != 1 || e.sender.sent[0].Office != "malmo" {
		t.Fatalf("sent %d, want 1 to malmo", len(e.sender.sent))
	}

	// 5. The confirmation: the office may call to check the sender.
	r := httptest.NewRequest(http.MethodGet, visitReportPath+"/sent", nil)
	r.AddCookie(w.Result().Cookies()[0])
	conf := httptest.NewRecorder()
	e.h.ServeHTTP(conf, r)
	body = conf.Body.String()
	if conf.Code != http.StatusOK {
		t.Fatalf("confirmation: status %d", conf.Code)
	}
	for _, s := range []string{"Rapporten är skickad", e.sender.sent[0].Reference.String(),
		"Familjerätten kan ringa dig för att kontrollera att det var du som skickade den"} {
		if !strings.Contains(body, s) {
			t.Errorf("the confirmation lacks %q", s)
		}
	}
	chrometest.CheckBads(t, "visit report: confirmation", conf.Body.Bytes())

	// 6. What staff read, decrypted: held in a golden file.
	text := strings.ReplaceAll(readableText(t, e.sender.sent[0].Data), "\r\n", "\n")
	for _, s := range []string{
		"Rapport efter umgängesstöd – avsändaren är inte kontrollerad\n",
		"* Umgänget avbröts eller blev inte av.\n", "* Umgängesstödjaren skriver om något som oroar.\n",
		"Datum: 2026-11-21\n", "Starttid: 14.00\n", "Sluttid: 15.45\n", "Umgänget avbröts: Ja\n",
		"== Umgängesstödjaren ==\nNamn: Karin Ek\nTelefonnummer: 070-765 43 21\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("the staff message lacks %q", s)
		}
	}
	for _, s := range []string{"<no value>", "%!", "Inget svar", "form.umgangesrapport", "Ditt namn", "?\n", "privacy_ack", "website"} {
		if strings.Contains(text, s) {
			t.Errorf("the staff message holds %q", s)
		}
	}
	chrometest.Golden(t, "staff-umgangesrapport.txt", []byte(text))
}

// TestVisitReportPages renders the report's pages in both languages and
// checks each for the failure marks every page is checked for.
func TestVisitReportPages(t *testing.T) {
	for _, lang := range []string{"sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			first := url.Values{"_lang": {lang}, "_page": {"municipality"}, "_action": {"municipality"}}
			v := visitReport(lang, "check")
			pages := map[string]*httptest.ResponseRecorder{
				"first step, no municipality":      postTo(t, e.h, visitReportPath, with(first, "municipality", "")),
				"the form":                         postTo(t, e.h, visitReportPath, with(first, "municipality", "1280")),
				"not served":                       postTo(t, e.h, visitReportPath, with(first, "municipality", "0180")),
				"every problem at once":            postTo(t, e.h, visitReportPath, url.Values{"_lang": {lang}, "_action": {"check"}, "municipality": {"1280"}, "interruption_reason": {"x"}, "interrupted": {"no"}}),
				"date and times wrong":             postTo(t, e.h, visitReportPath, with(v, "visit_date", "2026-11-30", "start_time", "25", "end_time", "")),
				"ends before it starts":            postTo(t, e.h, visitReportPath, with(v, "end_time", "13.00")),
				"a personnummer as the case":       postTo(t, e.h, visitReportPath, with(v, "case_reference", pnr("20150101", "002"))),
				"check answers":                    postTo(t, e.h, visitReportPath, v),
				"change the interruption":          postTo(t, e.h, visitReportPath, with(v, "_action", "change:interrupted")),
				"change the support person's name": postTo(t, e.h, visitReportPath, with(v, "_action", "change:support_person.name")),
			}
			for name, w := range pages {
				if !strings.Contains(w.Body.String(), `<html lang="`) {
					t.Errorf("%s: status %d, not a page:\n%.300s", name, w.Code, w.Body.String())
				}
				chrometest.CheckBads(t, name, w.Body.Bytes())
			}
			want := map[string][]string{
				"sv": {"Skriv ärendenumret eller målnumret", "Skriv datumet för umgänget", "Skriv när umgänget började",
					"Skriv vad som hände under umgänget", "Du har skrivit varför umgänget avbröts", "Skriv ditt telefonnummer"},
				"en": {"Enter the case number", "Enter the date of the visit", "Enter when the visit started",
					"Enter what happened during the visit", "You have written why the visit was interrupted", "Enter your phone number"},
			}[lang]
			got := summaryOf(pages["every problem at once"].Body.String())
			for _, s := range want {
				if !strings.Contains(got, s) {
					t.Errorf("every problem at once: the summary lacks %q:\n%s", s, got)
				}
			}
		})
	}
}
