package journey

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site/chrome"
	"familjeratt.example/portal/site/chrome/chrometest"
)

// contactPath is where the request to be contacted safely posts.
const contactPath = "/api/forms/" + intake.ContactID

// contactValdUnit is a coordinator for violence in close relationships
// (units: vald:) for the fixture's Malmö, put in when its office file
// has none.
const contactValdUnit = "  vald:\n    inbox: malmo-vald@familjeratt.example\n    certificates: [certs/malmo.pem]\n"

// newContactEnv is newEnv over the fixture with Malmö's vald unit.
func newContactEnv(t *testing.T) *env {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "offices", "malmo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	office := string(b)
	if strings.Contains(office, "\n  vald:\n") {
		return newEnv(t) // the fixture has it
	}
	if i := strings.Index(office, "\nunits:\n"); i >= 0 {
		i += len("\nunits:\n")
		office = office[:i] + contactValdUnit + office[i:]
	} else {
		office = strings.TrimRight(office, "\n") + "\nunits:\n" + contactValdUnit
	}
	data := testDataWith(t, map[string]string{"offices/malmo.yaml": office})
	ch, err := chrome.New(data.Strings, data.Settings)
	if err != nil {
		t.Fatal(err)
	}
	return newEnvFor(t, true, data, ch)
}

// contactRequest is a complete request to Malmö, as a parent at risk
// might type it: a phone number, times over two lines, three things not
// to do, an interpreter.
func contactRequest(lang, action string) url.Values {
	return url.Values{
		"_lang": {lang}, "_page": {"form"}, "_action": {action},
		"municipality": {"1280"}, "name": {"Sara"},
		"contact_by": {"phone"}, "phone": {"070-123 45 67"},
		"safe_times":           {"Vardagar 9–11\nInte på helger"},
		"avoid":                {"voicemail", "sms", "say_where"},
		"protected_identity":   {"unknown"},
		"interpreter_language": {"ar"},
		"message":              {"Jag vill prata med någon."},
	}
}

// mainOf is the page's main element, from its opening tag.
func mainOf(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `<main id="main"`)
	if i < 0 {
		t.Fatalf("no main element:\n%.300s", body)
	}
	return body[i:]
}

// checkDangerFirst: the main content starts with where to call, before
// any heading, error summary or field.
func checkDangerFirst(t *testing.T, step, body string) {
	t.Helper()
	m := mainOf(t, body)
	i112 := strings.Index(m, `href="tel:112"`)
	iLine := strings.Index(m, "020-50 50 50")
	if i112 < 0 || iLine < 0 {
		t.Errorf("%s: the page lacks 112 or 020-50 50 50", step)
		return
	}
	for _, later := range []string{"<h1", `class="error-summary"`, "<form", "<input", "<select"} {
		if j := strings.Index(m, later); j >= 0 && j < i112 {
			t.Errorf("%s: %q comes before 112", step, later)
		}
	}
	if first := strings.Index(m, "<div"); first < 0 || !strings.HasPrefix(m[first:], `<div class="inset danger-first" data-danger>`) {
		t.Errorf("%s: the first thing in main is not where to call in danger", step)
	}
}

// checkExit: the page has "Exit this page".
func checkExit(t *testing.T, step, body string) {
	t.Helper()
	if !strings.Contains(body, `class="exit-this-page__button"`) || !strings.Contains(body, "data-exit") {
		t.Errorf("%s: no Exit this page", step)
	}
}

// checkNoDraft: every form on the page keeps no draft in the browser.
func checkNoDraft(t *testing.T, step, body string) {
	t.Helper()
	if strings.Contains(body, "data-draft=") {
		t.Errorf("%s: a form keeps a draft (data-draft)", step)
	}
	for _, f := range regexp.MustCompile(`<form [^>]*>`).FindAllString(body, -1) {
		if !strings.Contains(f, "data-no-draft") {
			t.Errorf("%s: a form without data-no-draft: %s", step, f)
		}
	}
}

var titleRE = regexp.MustCompile(`(?s)<title>(.*?)</title>`)
var h1RE = regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`)

// TestContactJourney: a parent names Malmö, fills in the request, checks
// it and sends it. Every step starts with where to call in danger and
// has Exit this page; no form keeps a draft; the confirmation is neutral
// and shown only after the office's server took the message; the
// coordinator reads how and when to make contact, and what not to do,
// before anything else.
func TestContactJourney(t *testing.T) {
	e := newContactEnv(t)

	steps := map[string]string{}

	// 1. The municipality, on its own step, empty: the problem, and
	//    where to call still first.
	w := postTo(t, e.h, contactPath, url.Values{"_lang": {"sv"}, "_page": {"municipality"}, "_action": {"municipality"}, "municipality": {""}})
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("no municipality: status %d", w.Code)
	}
	steps["municipality, with a problem"] = w.Body.String()

	// 2. Malmö: on to the fields.
	w = postTo(t, e.h, contactPath, url.Values{"_lang": {"sv"}, "_page": {"municipality"}, "_action": {"municipality"}, "municipality": {"1280"}})
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("the municipality: status %d", w.Code)
	}
	steps["form"] = body
	for _, s := range []string{"Bli kontaktad", "Steg 2 av 3", `name="name"`, `name="contact_by"`, `name="phone" type="tel"`,
		`name="avoid"`, `name="interpreter_language"`, "Vilket namn som helst går bra",
		"Webbplatsen kan inte ta bort det som sparas i webbläsarens historik", `href="/sv/vald/sakrare-pa-natet/"`,
		"data-leave-warning=", `autocomplete="off"`} {
		if !strings.Contains(body, s) {
			t.Errorf("the form lacks %q", s)
		}
	}
	for _, s := range []string{"personal_number", "privacy_ack", "family_name"} {
		if strings.Contains(body, s) {
			t.Errorf("the form asks %q", s)
		}
	}

	// 3. Only a name and one way to reach the parent are required.
	w = postTo(t, e.h, contactPath, url.Values{"_lang": {"sv"}, "_page": {"form"}, "_action": {"check"}, "municipality": {"1280"}})
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("nothing filled in: status %d", w.Code)
	}
	steps["form, with problems"] = w.Body.String()
	got := summaryOf(w.Body.String())
	if n := strings.Count(regexp.MustCompile(`(?s)<div class="error-summary".*?</ul>`).FindString(w.Body.String()), "<li>"); n != 2 || !strings.Contains(got, "Skriv ett namn") || !strings.Contains(got, "Välj hur det är säkert") {
		t.Errorf("nothing filled in: want the name and the way to reach as the two problems, got %d:\n%s", n, got)
	}
	w = postTo(t, e.h, contactPath, url.Values{"_lang": {"sv"}, "_page": {"form"}, "_action": {"check"}, "municipality": {"1280"},
		"name": {"S"}, "contact_by": {"email"}})
	if !strings.Contains(summaryOf(w.Body.String()), "Skriv e-postadressen") {
		t.Errorf("e-mail chosen without an address: %s", summaryOf(w.Body.String()))
	}
	w = postTo(t, e.h, contactPath, url.Values{"_lang": {"sv"}, "_page": {"form"}, "_action": {"check"}, "municipality": {"1280"},
		"name": {"S"}, "contact_by": {"other"}, "contact_other": {"Via min syster"}})
	if w.Code != http.StatusOK {
		t.Errorf("a name and another way: status %d: %s", w.Code, summaryOf(w.Body.String()))
	}

	// 4. The answers to check, carried in the page for Send.
	w = postTo(t, e.h, contactPath, contactRequest("sv", "check"))
	body = w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("check: status %d: %s", w.Code, summaryOf(body))
	}
	steps["check answers"] = body
	for _, s := range []string{"Kontrollera innan du skickar", "Sara", "070-123 45 67", "Lämna inte röstmeddelande",
		"går till socialtjänsten"} {
		if !strings.Contains(body, s) {
			t.Errorf("the check page lacks %q", s)
		}
	}
	if strings.Contains(body, "direkt till familjerätten") {
		t.Error("the check page says the answers go to the family-law office")
	}
	carried := hidden(body)
	if carried.Get("phone") != "070-123 45 67" || len(carried["avoid"]) != 3 {
		t.Fatalf("the check page does not carry the answers: %v", carried)
	}

	// 5. The delivery fails: not sent, the answers kept, still safe.
	e.sender.mu.Lock()
	e.sender.fail = errFailing
	e.sender.mu.Unlock()
	w = postTo(t, e.h, contactPath, with(carried, "_action", "send"))
	if w.Code != http.StatusServiceUnavailable || len(w.Result().Cookies()) != 0 {
		t.Fatalf("a failed delivery: status %d, cookies %v", w.Code, w.Result().Cookies())
	}
	steps["not sent"] = w.Body.String()
	//    And once more, with an outcome that cannot be known. Neither
	//    page says what was sent or to which unit: "the municipality",
	//    "your answers".
	e.sender.mu.Lock()
	e.sender.fail = &failingErr{kind: "unknown"}
	e.sender.mu.Unlock()
	w = postTo(t, e.h, contactPath, with(carried, "_action", "send"))
	if w.Code != http.StatusServiceUnavailable || len(w.Result().Cookies()) != 0 {
		t.Fatalf("an unknown delivery: status %d, cookies %v", w.Code, w.Result().Cookies())
	}
	steps["not known"] = w.Body.String()
	for _, step := range []string{"not sent", "not known"} {
		b := steps[step]
		title := titleRE.FindStringSubmatch(b)
		if title == nil {
			t.Fatalf("%s: no title", step)
		}
		// The page's own words: the title before the site's name, and
		// main (the footer is the site's, on every page).
		main, _, _ := strings.Cut(mainOf(t, b), "</main>")
		text := strings.Split(title[1], " – ")[0] + main
		for _, bad := range []string{"familjerätt", "Familjerätt", "ansökan", "Ansökan"} {
			if i := strings.Index(text, bad); i >= 0 {
				t.Errorf("%s: the page says %q: …%s…", step, bad, text[max(0, i-200):min(len(text), i+100)])
			}
		}
		if !strings.Contains(text, "kommunen") {
			t.Errorf("%s: the page does not say whom to contact", step)
		}
	}
	e.sender.mu.Lock()
	e.sender.fail = nil
	e.sender.mu.Unlock()

	// 6. Send: to the confirmation, once, to the coordinator's inbox.
	w = postTo(t, e.h, contactPath, with(carried, "_action", "send"))
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != contactPath+"/sent" {
		t.Fatalf("send: status %d, location %q: %s", w.Code, w.Header().Get("Location"), summaryOf(w.Body.String()))
	}
	if len(e.sender.sent) != 1 || e.sender.sent[0].Office != "malmo" || e.sender.sent[0].Unit != content.Violence ||
		len(e.sender.sent[0].To) != 1 || e.sender.sent[0].To[0] != "malmo-vald@familjeratt.example" {
		t.Fatalf("sent %d, want 1 to malmo's vald unit", len(e.sender.sent))
	}
	for _, c := range w.Result().Cookies() {
		if strings.Contains(strings.ToLower(c.Name), "kontakt") || strings.Contains(strings.ToLower(c.Name), "vald") {
			t.Errorf("a cookie names the form: %s", c.Name)
		}
	}

	// 7. The confirmation: neutral.
	r := httptest.NewRequest(http.MethodGet, contactPath+"/sent", nil)
	r.AddCookie(w.Result().Cookies()[0])
	conf := httptest.NewRecorder()
	e.h.ServeHTTP(conf, r)
	body = conf.Body.String()
	if conf.Code != http.StatusOK {
		t.Fatalf("confirmation: status %d", conf.Code)
	}
	steps["confirmation"] = body
	for _, s := range []string{"Tack, vi har tagit emot det du skickade", e.sender.sent[0].Reference.String(), "data-no-draft"} {
		if !strings.Contains(body, s) {
			t.Errorf("the confirmation lacks %q", s)
		}
	}
	title, h1 := titleRE.FindStringSubmatch(body), h1RE.FindStringSubmatch(body)
	if title == nil || h1 == nil {
		t.Fatal("the confirmation has no title or h1")
	}
	mainText := mainOf(t, body)
	for _, part := range []struct{ name, text string }{{"title", title[1]}, {"h1", h1[1]}, {"main", mainText}} {
		for _, bad := range []string{"Bli kontaktad", "kontaktad", "våld", "Våld", "violence", "samordnare", "Samordnare", "Kvinnofrid"} {
			if strings.Contains(part.text, bad) {
				t.Errorf("the confirmation's %s holds %q: %q", part.name, bad, part.text)
			}
		}
	}
	if strings.Contains(body, `<h3>Malmö`) {
		t.Error("the confirmation's footer names the office")
	}

	// 8. Every step: Exit this page; every step but the confirmation
	//    starts with where to call; no form keeps a draft.
	for step, b := range steps {
		checkExit(t, step, b)
		checkNoDraft(t, step, b)
		chrometest.CheckBads(t, "contact: "+step, []byte(b))
		if step != "confirmation" {
			checkDangerFirst(t, step, b)
		}
	}

	// 9. What the coordinator reads, decrypted: held in a golden file.
	text := strings.ReplaceAll(readableText(t, e.sender.sent[0].Data), "\r\n", "\n")
	urgent := strings.Index(text, "== Brådskande")
	for _, s := range []string{"Referens:", "Språk på webbplatsen:", "== Viktigt ==", "== Avsändaren =="} {
		if i := strings.Index(text, s); urgent < 0 || i < urgent {
			t.Errorf("%q comes before the urgent items", s)
		}
	}
	for _, s := range []string{
		"avsändaren är inte kontrollerad\n",
		"* Kontakta säkert på telefon: 070-123 45 67\n",
		"* Säkert att kontakta: Vardagar 9–11 / Inte på helger\n",
		"* Lämna inte röstmeddelande.\n", "* Skicka inte sms.\n", "* Säg inte varifrån ni ringer.\n",
		"* Avsändaren är inte kontrollerad.",
		"Namn att använda: Sara\n",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("the staff message lacks %q", s)
		}
	}
	if strings.Contains(text, "Skicka inte brev hem") {
		t.Error("the staff message holds a thing not to do that was not ticked")
	}
	for _, s := range []string{"<no value>", "%!", "form.kontakt", "website", "Vad ska vi kalla dig"} {
		if strings.Contains(text, s) {
			t.Errorf("the staff message holds %q", s)
		}
	}
	chrometest.Golden(t, "staff-kontakt.txt", []byte(text))
}

// errFailing is a delivery failure for the contact tests.
var errFailing = &failingErr{}

type failingErr struct{ kind string }

func (*failingErr) Error() string { return "the mail server said no" }
func (f *failingErr) Kind() string {
	if f.kind != "" {
		return f.kind
	}
	return "rejected"
}

// TestContactNotTakenHere: a municipality no office here serves, and an
// office without a coordinator (units: vald:), each get the page saying
// nothing was sent, with 112, Kvinnofridslinjen and what to do instead,
// and Exit this page, in each edition of the fixture.
func TestContactNotTakenHere(t *testing.T) {
	e := newContactEnv(t)
	tests := []struct {
		name, lang, municipality string
		want                     []string
	}{
		{"not served", "sv", "0180", []string{"Vi har inte skickat något", "Ring socialtjänsten i Stockholm"}},
		{"not served", "en", "0180", []string{"We have not sent anything", "Call the social services in Stockholm"}},
		{"no unit", "sv", "0834", []string{"Vi har inte skickat något", "Ring i stället", "010-35 33 100"}},
		{"no unit", "en", "0834", []string{"We have not sent anything", "Call instead", "010-35 33 100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.lang, func(t *testing.T) {
			for _, action := range []string{"municipality", "check", "send"} {
				v := with(contactRequest(tt.lang, action), "municipality", tt.municipality)
				w := postTo(t, e.h, contactPath, v)
				body := w.Body.String()
				if w.Code != http.StatusOK {
					t.Fatalf("%s: status %d", action, w.Code)
				}
				for _, s := range append([]string{`href="tel:112"`, "020-50 50 50", "data-no-draft"}, tt.want...) {
					if !strings.Contains(body, s) {
						t.Errorf("%s: the page lacks %q", action, s)
					}
				}
				checkDangerFirst(t, action, body)
				checkExit(t, action, body)
				checkNoDraft(t, action, body)
				chrometest.CheckBads(t, tt.name, w.Body.Bytes())
			}
			if len(e.sender.sent) != 0 {
				t.Fatalf("sent %d, want none", len(e.sender.sent))
			}
		})
	}
}

// TestContactStaticPage: the page the site publishes, the first step,
// starts with where to call, keeps no draft and has Exit this page, and
// its address and title are neutral in every edition.
func TestContactStaticPage(t *testing.T) {
	e := newContactEnv(t)
	_ = e
	data := testDataWith(t, nil)
	ch, err := chrome.New(data.Strings, data.Settings)
	if err != nil {
		t.Fatal(err)
	}
	var page *intake.StaticPage
	for _, p := range intake.StaticPages() {
		if strings.HasSuffix(p.Path(data.Strings, content.SV), "/kontakt/") {
			page = p
		}
	}
	if page == nil {
		t.Fatal("no static page at /sv/kontakt/")
	}
	for _, tt := range []struct{ lang, path, title string }{
		{"sv", "/sv/kontakt/", "Bli kontaktad"},
		{"en", "/en/contact/", "Ask to be contacted"},
	} {
		lang, _ := content.ParseLang(tt.lang)
		if got := page.Path(data.Strings, lang); got != tt.path {
			t.Errorf("%s: path %q, want %q", tt.lang, got, tt.path)
		}
		layout, p, err := page.Page(data, lang)
		if err != nil {
			t.Fatal(err)
		}
		if p.Title != tt.title {
			t.Errorf("%s: title %q, want %q", tt.lang, p.Title, tt.title)
		}
		var buf bytes.Buffer
		if err := ch.Render(&buf, layout, p); err != nil {
			t.Fatal(err)
		}
		body := buf.String()
		checkDangerFirst(t, tt.lang, body)
		checkExit(t, tt.lang, body)
		checkNoDraft(t, tt.lang, body)
		if !strings.Contains(body, "data-leave-warning=") {
			t.Errorf("%s: no leave warning", tt.lang)
		}
		for _, bad := range []string{"våld", "violence"} {
			if strings.Contains(strings.ToLower(titleRE.FindStringSubmatch(body)[1]), bad) {
				t.Errorf("%s: the title holds %q", tt.lang, bad)
			}
		}
	}
}

// TestContactMessages: the short pages of the form (no receipt, a wrong
// method) have Exit this page too.
func TestContactMessages(t *testing.T) {
	e := newContactEnv(t)
	for _, tt := range []struct {
		name   string
		method string
		path   string
		status int
	}{
		{"no receipt", http.MethodGet, contactPath + "/sent", http.StatusNotFound},
		{"wrong method", http.MethodGet, contactPath, http.StatusMethodNotAllowed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			checkExit(t, tt.name, w.Body.String())
		})
	}
}
