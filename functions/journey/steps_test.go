package journey

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestMunicipalityFirst: the form starts with the municipality alone. An
// unserved one leads at once, before any personal question, to the page
// saying so; a served one to the office's form, which names the office
// and what it promises.
func TestMunicipalityFirst(t *testing.T) {
	e := newEnv(t)
	first := url.Values{"_lang": {"sv"}, "_page": {"municipality"}, "_action": {"municipality"}}

	w := post(t, e.h, with(first, "municipality", "0180"))
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "Stockholm tar inte emot ansökningar här ännu") {
		t.Fatalf("Stockholm: status %d; want the not-served page at once", w.Code)
	}
	for _, s := range []string{"Stockholm kommun familjerätt", "112", "020-50 50 50", `href="/sv/familjeratt/"`} {
		if !strings.Contains(body, s) {
			t.Errorf("the not-served page lacks %q", s)
		}
	}
	if strings.Contains(body, "Välj en annan kommun") {
		t.Errorf("the not-served page invites choosing another municipality")
	}

	w = post(t, e.h, with(first, "municipality", ""))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(summaryOf(w.Body.String()), "Välj kommunen där barnen är folkbokförda") ||
		strings.Contains(w.Body.String(), `name="applicant.given_name"`) {
		t.Errorf("no municipality: status %d; want the first step again with its message, and no other question", w.Code)
	}

	w = post(t, e.h, with(first, "municipality", "1280"))
	body = w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("Malmö: status %d", w.Code)
	}
	for _, s := range []string{"Familjerätten Malmö (test)", "Inom en vecka ringer vi dig", "Steg 2 av 3",
		`name="applicant.given_name"`, `<input type="hidden" name="municipality" value="1280">`, `value="change:municipality"`} {
		if !strings.Contains(body, s) {
			t.Errorf("Malmö's form lacks %q", s)
		}
	}
	if regexp.MustCompile(`<select[^>]* name="municipality"`).MatchString(body) {
		t.Errorf("the municipality is asked again on the second step")
	}

	// Changing the municipality from the check page keeps every answer.
	check := post(t, e.h, with(validApplication("sv"), "_action", "check"))
	w = post(t, e.h, with(hidden(check.Body.String()), "_action", "change:municipality"))
	body = w.Body.String()
	if !strings.Contains(body, "Steg 1 av 3") || !strings.Contains(body, `<option value="1280" selected>`) ||
		hidden(body).Get("applicant.given_name") != "Anna" {
		t.Errorf("change municipality: the first step, with the answers carried: %d", w.Code)
	}
}

// TestOneApplicationOneReference: the reference comes from the answers;
// a posted one is ignored; a browser that holds the receipt for these
// answers gets the confirmation again, and nothing is sent twice.
func TestOneApplicationOneReference(t *testing.T) {
	e := newEnv(t)
	send := with(validApplication("sv"), "_action", "send")
	w := post(t, e.h, send)
	if w.Code != http.StatusSeeOther || len(e.sender.sent) != 1 {
		t.Fatalf("send: status %d, %d sent", w.Code, len(e.sender.sent))
	}
	ref := e.sender.sent[0].Reference
	receipt := w.Result().Cookies()[0]

	// Back, and Send again: the office has it already.
	again := post(t, e.h, send, func(r *http.Request) { r.AddCookie(receipt) })
	if again.Code != http.StatusSeeOther || again.Header().Get("Location") != "/api/forms/samarbetssamtal/sent" || len(e.sender.sent) != 1 {
		t.Errorf("Back and Send with the receipt: status %d, %d sent; want the confirmation and nothing new", again.Code, len(e.sender.sent))
	}

	// Another application, posting the first one's reference.
	other := with(send, "applicant.given_name", "Berit", "_reference", ref.String())
	if w := post(t, e.h, other); w.Code != http.StatusSeeOther {
		t.Fatalf("the other application: status %d", w.Code)
	}
	if len(e.sender.sent) != 2 || e.sender.sent[1].Reference == ref {
		t.Errorf("another application reached the office under the first one's reference %s", ref)
	}

	// Twice at once, before either has a receipt: the same reference,
	// which shows staff it is one application.
	e = newEnv(t)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); post(t, e.h, send) }()
	}
	wg.Wait()
	if len(e.sender.sent) < 1 || len(e.sender.sent) > 2 {
		t.Fatalf("%d sent for a double click", len(e.sender.sent))
	}
	for _, env := range e.sender.sent {
		if env.Reference != ref || !strings.Contains(string(env.Data), "X-Familjeratt-Reference: "+ref.String()) {
			t.Errorf("a repeat as %s, without the header: the office could not tell it is %s", env.Reference, ref)
		}
	}

	// The same answers on another day give the same reference too.
	if w := post(t, e.h, send); w.Code != http.StatusSeeOther || e.sender.sent[len(e.sender.sent)-1].Reference != ref {
		t.Errorf("the same answers again: another reference")
	}
}

// TestRemoveChild: removing a child says so, where the focus lands.
func TestRemoveChild(t *testing.T) {
	e := newEnv(t)
	v := with(validApplication("sv"), "children.1.given_name", "Mira", "children.1.family_name", "Berggren",
		"children.1.personal_number", pnr("20170202", "002"), "_action", "remove:children.1")
	body := post(t, e.h, v).Body.String()
	if !strings.Contains(body, `role="status" tabindex="-1" autofocus data-notice><p>Barn 2 är borttaget.`) {
		t.Errorf("no notice, with focus, that the child was removed")
	}
	if strings.Contains(body, "Mira") {
		t.Errorf("the removed child's answers are still there")
	}
}

// TestConfirmation: when it was sent, what happens next at this office
// (its promises, not its notes for people who have not applied), and the
// advice for a shared device.
func TestConfirmation(t *testing.T) {
	e := newEnv(t)
	w := post(t, e.h, with(validApplication("sv"), "_action", "send"))
	r := httptest.NewRequest(http.MethodGet, "/api/forms/samarbetssamtal/sent", nil)
	r.AddCookie(w.Result().Cookies()[0])
	w2 := httptest.NewRecorder()
	e.h.ServeHTTP(w2, r)
	body := w2.Body.String()
	for _, s := range []string{"Skickad 23 november 2026 kl. 12.00.", "Inom en vecka", "Stäng fliken"} {
		if !strings.Contains(body, s) {
			t.Errorf("the confirmation lacks %q", s)
		}
	}
	for _, s := range []string{"Har ni haft samtal hos oss förut", "De följer det du skrev"} {
		if strings.Contains(body, s) {
			t.Errorf("the confirmation says %q", s)
		}
	}
}

// TestStaffMessage: staff read labels written for them, and no row for a
// question the parent did not answer.
func TestStaffMessage(t *testing.T) {
	e := newEnv(t)
	post(t, e.h, with(validApplication("sv"), "_action", "send"))
	text := readableText(t, e.sender.sent[0].Data)
	for _, s := range []string{"Skyddade personuppgifter: Nej", "Barnens kommun: Malmö"} {
		if !strings.Contains(text, s) {
			t.Errorf("the staff message lacks %q:\n%s", s, text)
		}
	}
	for _, s := range []string{"Inget svar", "Målnummer", "Har du skyddade personuppgifter?"} {
		if strings.Contains(text, s) {
			t.Errorf("the staff message holds %q:\n%s", s, text)
		}
	}
}

// TestInvalidUTF8IsNotEchoed: a field with bytes that are not UTF-8 comes
// back as a valid page, the bytes replaced.
func TestInvalidUTF8IsNotEchoed(t *testing.T) {
	e := newEnv(t)
	w := post(t, e.h, with(validApplication("sv"), "_action", "check", "applicant.city", "Malm\xff"))
	if !strings.Contains(w.Body.String(), "Malm\uFFFD") || strings.Contains(w.Body.String(), "Malm\xff") {
		t.Errorf("status %d: the invalid bytes are echoed raw", w.Code)
	}
}

// TestFollowUpWords: every page of the follow-up journey calls it a
// request (förfrågan), never an application (ansökan) as the other form
// does: the municipality's step, the form, the answers to check and the
// page that says no office here takes the municipality. It looks for the
// other form's own phrases (and the old word, anmälan), not for
// "ansökningar" alone: texts both forms share say that offices take
// applications here.
func TestFollowUpWords(t *testing.T) {
	e := newEnv(t)
	postFollowUp := func(v url.Values) string {
		t.Helper()
		r := httptest.NewRequest(http.MethodPost, "/api/forms/uppfoljningssamtal", strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		return w.Body.String()
	}
	answers := url.Values{"_lang": {"sv"}, "applicant.given_name": {"Anna"}, "applicant.family_name": {"Lindqvist"},
		"applicant.email": {"anna@example.org"}, "municipality": {"0834"}, "previous_reference": {"3VR2-KZ78"}, "privacy_ack": {"yes"}}
	for name, v := range map[string]url.Values{
		"the municipality's step": {"_lang": {"sv"}, "_page": {"form"}, "_action": {"change:municipality"}},
		"the form":                with(answers, "_action", "municipality"),
		"the answers to check":    with(answers, "_action", "check"),
		"not served":              with(answers, "_action", "municipality", "municipality", "0180"),
	} {
		body := postFollowUp(v)
		main := body[strings.Index(body, "<main"):]
		for _, word := range []string{"Skicka ansökan", "skickar ansökan", "Din ansökan", "emot ansökningar här ännu", "anmälan", "anmälningar", "Anmälan"} {
			if strings.Contains(main, word) {
				t.Errorf("%s of the follow-up says %q", name, word)
			}
		}
	}
}
