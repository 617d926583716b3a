package journey

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/content/contenttest"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/delivery/mailtest"
	"familjeratt.example/portal/functions/intake"
	jt "familjeratt.example/portal/functions/journey/journeytest"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/boltstore"
	"familjeratt.example/portal/site/chrome"
	"familjeratt.example/portal/site/chrome/chrometest"
)

// fixtureDir is the fixture content tree the site's golden files come
// from too (its README says what is in it): never content/, so the
// journey's golden pages and the texts these tests look for do not change
// when an editor changes the real offices or texts. Its offices serve
// Malmö (1280: the application journeytest posts), Torsås (0834) and,
// as one office, Helsingborg, Svalöv, Åstorp and Örkelljunga without a
// certificate; Stockholm (0180) is not served.
const fixtureDir = "../../site/testdata/content"

var (
	keysOnce     sync.Once
	officeKeys   map[string]*mailtest.Recipient // by office id
	portalSigner *mailtest.Recipient
)

// fixtureKeys are the keys of the fixture's offices and of the portal's
// signing certificate, made once for all the tests: the fixture's own
// certificates are public halves whose keys no one has.
func fixtureKeys(t testing.TB) (map[string]*mailtest.Recipient, *mailtest.Recipient) {
	t.Helper()
	keysOnce.Do(func() {
		data, err := content.LoadData(os.DirFS(fixtureDir))
		if err != nil {
			t.Fatal(err)
		}
		officeKeys = map[string]*mailtest.Recipient{}
		for _, o := range data.Directory.Offices {
			if len(o.Intake.Certificates) > 0 {
				officeKeys[o.ID] = mailtest.NewRecipient(t, o.Intake.Inbox)
			}
		}
		portalSigner = mailtest.NewSigner(t, "noreply@familjeratt.example")
	})
	return officeKeys, portalSigner
}

// testData is the fixture's data, with certificates whose keys the
// tests hold: each office's, and the portal's signing certificate.
func testData(t testing.TB) *content.Data { return testDataWith(t, nil) }

// testDataWith is testData with files put in.
func testDataWith(t testing.TB, extra map[string]string) *content.Data {
	t.Helper()
	keys, signer := fixtureKeys(t)
	fsys := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(fixtureDir), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join(fixtureDir, name))
		fsys[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{content.SigningFile: string(signer.CertPEM)}
	for id, k := range keys {
		files["offices/certs/"+id+".pem"] = string(k.CertPEM)
	}
	for name, text := range extra {
		files[name] = text
	}
	data, err := content.LoadData(contenttest.Put(fsys, files))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var now = jt.Now

type env struct {
	h      http.Handler
	inbox  string
	logs   *jt.Log
	sender *switchable
	ledger *ledger.Ledger
	// ledgerFile is the ledger's file on disk.
	ledgerFile string
}

// ackKey signs the acknowledgement links in the tests' messages.
var ackKey = []byte("an-acknowledgement-key-of-32-bytes!")

// switchable is a transport a test can make fail.
type switchable struct {
	mu   sync.Mutex
	next delivery.Transport
	fail error
	sent []*delivery.Envelope
}

func (s *switchable) Send(ctx context.Context, e *delivery.Envelope) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.sent = append(s.sent, e)
	return s.next.Send(ctx, e)
}

var (
	dataOnce   sync.Once
	sharedData *content.Data
	sharedCh   *chrome.Chrome
)

// newEnv is the journey delivering through the real mailer to a local
// inbox in a temporary folder, through a transport the test can make
// fail.
// newEnvWithout is newEnv without a ledger: the journey as it was before
// the ledger, for the benchmark that measures what the ledger costs.
func newEnvWithout(t testing.TB) *env { return newEnvLedger(t, false) }

func newEnv(t testing.TB) *env { return newEnvLedger(t, true) }

func newEnvLedger(t testing.TB, withLedger bool, opts ...func(*Config)) *env {
	t.Helper()
	dataOnce.Do(func() {
		sharedData = testData(t)
		c, err := chrome.New(sharedData.Strings, sharedData.Settings)
		if err != nil {
			t.Fatal(err)
		}
		sharedCh = c
	})
	return newEnvFor(t, withLedger, sharedData, sharedCh, opts...)
}

// newEnvFor is newEnv over data of the test's own.
func newEnvFor(t testing.TB, withLedger bool, sharedData *content.Data, sharedCh *chrome.Chrome, opts ...func(*Config)) *env {
	t.Helper()
	e := &env{inbox: t.TempDir(), logs: &jt.Log{}}
	e.sender = &switchable{next: &delivery.Inbox{Dir: e.inbox}}
	_, signer := keys(t)
	mailer := &delivery.Mailer{Strings: sharedData.Strings, Sources: intake.MunicipalitySources(sharedData.Directory),
		From: "noreply@familjeratt.example", Signer: signer, Transport: e.sender}
	e.ledgerFile = filepath.Join(t.TempDir(), "ledger.db")
	store, err := boltstore.Open(e.ledgerFile, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e.ledger = &ledger.Ledger{Store: store, Now: func() time.Time { return now }}
	book := e.ledger
	if !withLedger {
		book = nil
	}
	cfg := Config{
		Data: sharedData, Chrome: sharedCh, Deliverer: mailer,
		Now: func() time.Time { return now }, Random: jt.Fixed{},
		Logger: slog.New(slog.NewJSONHandler(e.logs, nil)),
		Ledger: book, AckKey: ackKey, AckBase: "http://example.com",
	}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := NewHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	return e
}

// keys returns the keys that open what the fixture's offices are sent,
// and the portal's signer.
func keys(t testing.TB) ([]*mailtest.Recipient, *delivery.Signer) {
	t.Helper()
	byID, signer := fixtureKeys(t)
	var ks []*mailtest.Recipient
	for _, k := range byID {
		ks = append(ks, k)
	}
	s, err := delivery.NewSigner(signer.Cert, signer.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return ks, s
}

// opened returns a message as staff read it: decrypted with the
// fixture's offices' keys, its signature checked.
func opened(t testing.TB, msg []byte) []byte {
	t.Helper()
	ks, signer := keys(t)
	return jt.Open(t, msg, signer.Cert, ks...)
}

// referenceRE finds a reference on a page.
var referenceRE = regexp.MustCompile(`[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}`)

// Short names for the parent's actions, from journeytest.
var (
	post             = jt.Post
	with             = jt.With
	hidden           = jt.Hidden
	summaryOf        = jt.Summary
	validApplication = jt.ValidApplication
	pnr              = intake.MakePersonalNumber
)

func TestJourney(t *testing.T) {
	for _, lang := range []string{"sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			want := map[string]map[string]string{
				"sv": {"error": "Fel: Ansök om samarbetssamtal", "msg": "Skriv ditt efternamn", "check": "Kontrollera dina svar", "send": "Skicka ansökan", "sent": "Ansökan är skickad", "promise": "Inom en vecka"},
				"en": {"error": "Error: Apply for cooperation talks", "msg": "Enter your last name", "check": "Check your answers", "send": "Send application", "sent": "Application sent", "promise": "Within a week"},
			}[lang]

			// 1. Submit with errors: 422, the title says so, the summary
			// links to the field, and everything typed is still there.
			bad := with(validApplication(lang), "applicant.family_name", "", "_action", "check")
			w := post(t, e.h, bad)
			body := w.Body.String()
			if w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("invalid: status %d, want 422", w.Code)
			}
			for _, s := range []string{"<title>" + want["error"], `<a href="#f-applicant-family_name">` + want["msg"] + `</a>`,
				`id="f-applicant-family_name-error"`, `value="Anna"`, `value="Storgatan 12"`, `<input type="hidden" name="municipality" value="1280">`,
				`value="custody" checked`, `value="contact" checked`, `Ring efter klockan tio</textarea>`} {
				if !strings.Contains(body, s) {
					t.Errorf("error page lacks %q", s)
				}
			}

			// 2. Fix it: the answers to check; no reference a client could
			// choose rides along.
			w = post(t, e.h, with(bad, "applicant.family_name", "Lindqvist"))
			body = w.Body.String()
			if w.Code != http.StatusOK || !strings.Contains(body, want["check"]) {
				t.Fatalf("check: status %d, page lacks %q", w.Code, want["check"])
			}
			carried := hidden(body)
			if _, ok := carried["_reference"]; ok {
				t.Errorf("the check page carries a reference for the client to post back")
			}
			for _, k := range []string{"applicant.given_name", "children.0.personal_number", "topics", "privacy_ack"} {
				if carried.Get(k) != bad.Get(k) && k != "topics" {
					t.Errorf("hidden %s: got %q, want %q", k, carried.Get(k), bad.Get(k))
				}
			}
			if got := carried["topics"]; len(got) != 2 {
				t.Errorf("hidden topics: got %v", got)
			}

			// 3. Change an answer: back to the form, that field focused.
			w = post(t, e.h, with(carried, "_action", "change:applicant.phone"))
			body = w.Body.String()
			if w.Code != http.StatusOK || !strings.Contains(body, `name="applicant.phone" type="tel" value="070-123 45 67" autocomplete="tel" aria-describedby="f-applicant-phone-hint" dir="ltr" autofocus>`) {
				t.Errorf("change: status %d; the phone field is not there with its value and focus", w.Code)
			}

			// 4. Send: 303 to the confirmation, with the reference in a
			// cookie and nothing personal in the address.
			w = post(t, e.h, with(carried, "_action", "send"))
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/api/forms/samarbetssamtal/sent" {
				t.Fatalf("send: status %d, location %q", w.Code, w.Header().Get("Location"))
			}
			cookie := w.Result().Cookies()
			if len(cookie) != 1 || !cookie[0].HttpOnly || cookie[0].SameSite != http.SameSiteStrictMode {
				t.Fatalf("receipt cookie: %+v", cookie)
			}
			if len(e.sender.sent) != 1 {
				t.Fatalf("%d sent", len(e.sender.sent))
			}
			ref := e.sender.sent[0].Reference.String()
			file := filepath.Join(e.inbox, "malmo", ref+".eml")
			info, err := os.Stat(file)
			if err != nil {
				t.Fatalf("the application is not in the inbox: %v", err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("inbox file mode %v, want 0600", info.Mode().Perm())
			}

			// 5. The confirmation page.
			r := httptest.NewRequest(http.MethodGet, "/api/forms/samarbetssamtal/sent", nil)
			r.AddCookie(cookie[0])
			w2 := httptest.NewRecorder()
			e.h.ServeHTTP(w2, r)
			body = w2.Body.String()
			for _, s := range []string{want["sent"], ref, want["promise"], "https://malmo.se/", `lang="` + lang + `"`} {
				if !strings.Contains(body, s) {
					t.Errorf("confirmation lacks %q", s)
				}
			}
			if w2.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("confirmation Cache-Control %q, want no-store", w2.Header().Get("Cache-Control"))
			}
		})
	}
}

func TestRules(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("x", 101)
	tests := []struct {
		name  string
		kv    []string
		field string // the field the message is at; "" means valid
		msg   string
	}{
		{"10 digits", []string{"applicant.personal_number", "811218-9876"}, "", ""},
		{"12 digits without separator", []string{"applicant.personal_number", "198112189876"}, "", ""},
		{"spaces are ignored", []string{"applicant.personal_number", " 811218 9876 "}, "", ""},
		{"samordningsnummer", []string{"other_parent.personal_number", pnr("19790372", "234")}, "", ""},
		{"plus: 100 or older", []string{"other_parent.personal_number", "121212+1212"}, "", ""},
		{"wrong format", []string{"applicant.personal_number", "8112189876x"}, "applicant.personal_number", "Skriv personnumret med 10 eller 12 siffror"},
		{"11 digits", []string{"applicant.personal_number", "81121898765"}, "applicant.personal_number", "Skriv personnumret med 10 eller 12 siffror"},
		{"impossible date", []string{"applicant.personal_number", "19810230-1234"}, "applicant.personal_number", "Personnumret har ett datum som inte finns"},
		{"wrong check digit", []string{"applicant.personal_number", "19811218-9875"}, "applicant.personal_number", "Kontrollera de fyra sista siffrorna"},
		{"child of 18", []string{"children.0.personal_number", pnr("20081123", "002")}, "children.0.personal_number", "Barn 1: Barnet måste vara under 18 år"},
		{"child of 17", []string{"children.0.personal_number", pnr("20081124", "002")}, "", ""},
		{"same number twice", []string{"children.1.given_name", "Mira", "children.1.family_name", "Berggren", "children.1.personal_number", pnr("20150101", "002")}, "children.1.personal_number", "Barn 2: Samma personnummer finns redan"},
		{"phone with letters", []string{"applicant.phone", "070-CALL"}, "applicant.phone", "Skriv telefonnumret med siffror"},
		{"international phone", []string{"applicant.phone", "+44 20 7946 0958"}, "", ""},
		{"no way to reach", []string{"applicant.phone", "", "applicant.email", ""}, "applicant.phone", "Skriv ditt telefonnummer eller din e-postadress"},
		{"e-mail only", []string{"applicant.phone", ""}, "", ""},
		{"bad e-mail", []string{"applicant.email", "anna@"}, "applicant.email", "Skriv e-postadressen i rätt format"},
		{"e-mail over 254", []string{"applicant.email", strings.Repeat("a", 60) + "@" + strings.Repeat("b", 200) + ".se"}, "applicant.email", "Skriv e-postadressen i rätt format"},
		{"postcode", []string{"applicant.postal_code", "2113"}, "applicant.postal_code", "Skriv postnumret med fem siffror"},
		{"no address", []string{"applicant.street", "", "applicant.postal_code", "", "applicant.city", ""}, "applicant.street", "Skriv din gatuadress"},
		{"protected identity needs no address", []string{"applicant.protected_identity", "yes", "applicant.street", "", "applicant.postal_code", "", "applicant.city", ""}, "", ""},
		{"court case required", []string{"court_ordered", "yes"}, "court_case_number", "Skriv målnumret från domstolens beslut"},
		{"court case format", []string{"court_ordered", "yes", "court_case_number", "1234"}, "court_case_number", "Skriv målnumret som det står i beslutet"},
		{"court case given", []string{"court_ordered", "yes", "court_case_number", "T 1234-25"}, "", ""},
		{"something else needs words", []string{"topics", "other"}, "topics_other", "Skriv vad mer ni inte är överens om"},
		{"no topic", []string{"topics", "<delete>"}, "topics", "Välj minst en sak"},
		{"name too long", []string{"applicant.given_name", long}, "applicant.given_name", "Förnamn får vara högst 100 tecken"},
		{"free text too long", []string{"applicant.safe_contact", strings.Repeat("x", 2001)}, "applicant.safe_contact", "får vara högst 2000 tecken"},
		{"control character", []string{"applicant.family_name", "Lind\x00qvist"}, "applicant.family_name", "innehåller ett tecken som inte går att använda"},
		{"line break in a one-line field", []string{"applicant.city", "Malmö\nLund"}, "applicant.city", "innehåller ett tecken som inte går att använda"},
		{"line break in free text", []string{"applicant.safe_contact", "Ring\nefter tio"}, "", ""},
		{"unknown municipality", []string{"municipality", "9999"}, "municipality", "Välj en kommun i listan"},
		{"privacy not confirmed", []string{"privacy_ack", "<delete>"}, "privacy_ack", "Bekräfta att du har läst"},
		{"eleven children", []string{"children.10.given_name", "Elva"}, "children", "Du kan skriva högst 10 barn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := post(t, e.h, with(validApplication("sv"), append([]string{"_action", "check"}, tt.kv...)...))
			body := w.Body.String()
			if tt.field == "" {
				if w.Code != http.StatusOK {
					t.Fatalf("status %d, want 200; errors: %s", w.Code, summaryOf(body))
				}
				return
			}
			if w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", w.Code)
			}
			href := `href="#f-` + strings.ReplaceAll(tt.field, ".", "-")
			if tt.field == "children" {
				href = `href="#f-children-0-given_name`
			}
			if !strings.Contains(body, href+`">`) || !strings.Contains(summaryOf(body), tt.msg) {
				t.Errorf("want %q linked to %s; summary: %s", tt.msg, tt.field, summaryOf(body))
			}
		})
	}
}

func TestMessagesInEnglish(t *testing.T) {
	e := newEnv(t)
	w := post(t, e.h, with(validApplication("en"), "_action", "check", "applicant.personal_number", "19810230-1234", "children.0.personal_number", pnr("20001010", "123")))
	s := summaryOf(w.Body.String())
	for _, want := range []string{"The personal identity number has a date that does not exist", "Child 1: The child must be under 18"} {
		if !strings.Contains(s, want) {
			t.Errorf("English summary lacks %q: %s", want, s)
		}
	}
}

func TestNotServed(t *testing.T) {
	e := newEnv(t)
	for _, action := range []string{"check", "send"} {
		w := post(t, e.h, with(validApplication("sv"), "_action", action, "municipality", "0180"))
		body := w.Body.String()
		for _, s := range []string{"Stockholm tar inte emot ansökningar här ännu", "Vi har inte skickat något", "Stockholm kommun familjerätt", "020-50 50 50", `value="change:municipality"`} {
			if !strings.Contains(body, s) {
				t.Errorf("%s: not-served page lacks %q", action, s)
			}
		}
		if hidden(body).Get("applicant.given_name") != "Anna" {
			t.Errorf("%s: the answers are not kept on the not-served page", action)
		}
	}
	if len(e.sender.sent) != 0 {
		t.Errorf("%d messages delivered for a municipality no office serves", len(e.sender.sent))
	}
}

func TestSharedOffice(t *testing.T) {
	e := newEnv(t)
	w := post(t, e.h, with(validApplication("sv"), "_action", "send", "municipality", "1277"))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d", w.Code)
	}
	if len(e.sender.sent) != 1 || e.sender.sent[0].Office != "helsingborg" {
		t.Fatalf("sent: %+v", e.sender.sent)
	}
	text := readableText(t, e.sender.sent[0].Data)
	for _, s := range []string{"Familjerätten Helsingborg (test)", "Barnens kommun: Åstorp (1277)", "Barnen är folkbokförda i Åstorp. Kontoret tar emot ansökningar från flera kommuner."} {
		if !strings.Contains(text, s) {
			t.Errorf("message lacks %q", s)
		}
	}
}

// TestHoneypot: a filled hidden field (a bot, or a parent's autofill)
// never gives a pretend confirmation. The journey goes on as for anyone:
// the answers to check, then delivery with a note for staff, and a
// warning in the log that the alarm counts.
func TestHoneypot(t *testing.T) {
	e := newEnv(t)
	filled := with(validApplication("sv"), "website", "http://spam.example")
	w := post(t, e.h, with(filled, "_action", "send"))
	if strings.Contains(w.Body.String(), "<title>Ansökan är skickad") { // not the hidden notice "Ansökan är skickad från den här webbläsaren"
		t.Fatalf("the first post with the hidden field filled shows the confirmation")
	}
	if w.Code != http.StatusSeeOther || len(e.sender.sent) != 1 {
		t.Fatalf("status %d, %d sent: a filled honeypot must be delivered like any application", w.Code, len(e.sender.sent))
	}
	text := readableText(t, e.sender.sent[0].Data)
	flags := text[strings.Index(text, "== Viktigt =="):strings.Index(text, "== Sökanden ==")]
	if !strings.Contains(flags, "Ett dolt fält") {
		t.Errorf("staff are not told that the hidden field was filled:\n%s", flags)
	}
	if strings.Contains(text, "spam.example") {
		t.Errorf("the hidden field's value reaches staff")
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"level":"WARN","msg":"honeypot"`) || !strings.Contains(logs, `"outcome":"delivered"`) {
		t.Errorf("the log lacks the WARN line or the delivery:\n%s", logs)
	}

	// Through the check page, as a parent goes: the field rides along.
	e = newEnv(t)
	check := post(t, e.h, with(filled, "_action", "check"))
	if check.Code != http.StatusOK || !strings.Contains(check.Body.String(), "Kontrollera dina svar") {
		t.Fatalf("check with the hidden field filled: status %d", check.Code)
	}
	post(t, e.h, with(hidden(check.Body.String()), "_action", "send"))
	if len(e.sender.sent) != 1 || !strings.Contains(readableText(t, e.sender.sent[0].Data), "Ett dolt fält") {
		t.Errorf("the note for staff is lost on the way through the check page")
	}
}

func TestHardening(t *testing.T) {
	e := newEnv(t)
	send := with(validApplication("sv"), "_action", "send")
	tests := []struct {
		name   string
		method string
		body   string
		mutate func(*http.Request)
		status int
	}{
		{"GET", http.MethodGet, "", nil, http.StatusMethodNotAllowed},
		{"PUT", http.MethodPut, send.Encode(), nil, http.StatusMethodNotAllowed},
		{"JSON", http.MethodPost, `{"a":1}`, func(r *http.Request) { r.Header.Set("Content-Type", "application/json") }, http.StatusUnsupportedMediaType},
		{"multipart", http.MethodPost, send.Encode(), func(r *http.Request) { r.Header.Set("Content-Type", "multipart/form-data; boundary=x") }, http.StatusUnsupportedMediaType},
		{"charset parameter is fine", http.MethodPost, send.Encode(), func(r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
		}, http.StatusSeeOther},
		{"too large", http.MethodPost, send.Encode() + "&applicant.safe_contact=" + strings.Repeat("x", MaxBody), nil, http.StatusRequestEntityTooLarge},
		{"another site's origin", http.MethodPost, send.Encode(), func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") }, http.StatusForbidden},
		{"cross-site fetch", http.MethodPost, send.Encode(), func(r *http.Request) {
			r.Header.Del("Origin")
			r.Header.Set("Sec-Fetch-Site", "cross-site")
		}, http.StatusForbidden},
		{"neither header", http.MethodPost, send.Encode(), func(r *http.Request) { r.Header.Del("Origin") }, http.StatusSeeOther},
		{"Origin null from our own page (Referrer-Policy: no-referrer)", http.MethodPost, send.Encode(), func(r *http.Request) {
			r.Header.Set("Origin", "null")
			r.Header.Set("Sec-Fetch-Site", "same-origin")
		}, http.StatusSeeOther},
		{"Origin null from a sandboxed frame elsewhere", http.MethodPost, send.Encode(), func(r *http.Request) {
			r.Header.Set("Origin", "null")
			r.Header.Set("Sec-Fetch-Site", "cross-site")
		}, http.StatusForbidden},
		{"Origin null without fetch metadata", http.MethodPost, send.Encode(), func(r *http.Request) { r.Header.Set("Origin", "null") }, http.StatusForbidden},
		{"huge index", http.MethodPost, with(send, "children.99999999999.given_name", "x", "children.2147483648.family_name", "y").Encode(), nil, http.StatusUnprocessableEntity},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/api/forms/samarbetssamtal", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Origin", "http://example.com")
			if tt.mutate != nil {
				tt.mutate(r)
			}
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			for _, h := range chrome.SecurityHeaders {
				if w.Header().Get(h.Name) != h.Value {
					t.Errorf("%s: got %q", h.Name, w.Header().Get(h.Name))
				}
			}
		})
	}

	t.Run("unknown fields are not delivered", func(t *testing.T) {
		e := newEnv(t)
		post(t, e.h, with(send, "applicant.shoe_size", "44", "secret_note", "SHOULD-NOT-ARRIVE"))
		if len(e.sender.sent) != 1 || bytes.Contains(opened(t, e.sender.sent[0].Data), []byte("SHOULD-NOT-ARRIVE")) || bytes.Contains(opened(t, e.sender.sent[0].Data), []byte("shoe_size")) {
			t.Errorf("an unknown field was delivered")
		}
	})

	t.Run("panic", func(t *testing.T) {
		e := newEnv(t)
		e.sender.next = panicking{}
		w := post(t, e.h, send)
		if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "Något gick fel") {
			t.Errorf("panic: status %d", w.Code)
		}
		if strings.Contains(w.Body.String(), "goroutine") || strings.Contains(w.Body.String(), "Lindqvist") {
			t.Errorf("the 500 page shows internals or answers")
		}
	})
}

type panicking struct{}

func (panicking) Send(context.Context, *delivery.Envelope) error { panic("transport exploded") }

func TestDeliveryFailure(t *testing.T) {
	e := newEnv(t)
	check := post(t, e.h, with(validApplication("sv"), "_action", "check"))
	carried := hidden(check.Body.String())

	e.sender.fail = errors.New("dial tcp 10.0.0.1:587: connect: connection refused")
	w := post(t, e.h, with(carried, "_action", "send"))
	body := w.Body.String()
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", w.Code)
	}
	ref := referenceRE.FindString(body)
	for _, s := range []string{"Dina svar är inte skickade", "Försök skicka igen", `value="send"`, ref} {
		if !strings.Contains(body, s) {
			t.Errorf("503 page lacks %q", s)
		}
	}
	if strings.Contains(body, "<title>Ansökan är skickad") || len(w.Result().Cookies()) != 0 {
		t.Errorf("the 503 page confirms or sets a receipt")
	}
	again := hidden(body)
	for k := range validApplication("sv") {
		if strings.HasPrefix(k, "_") {
			continue
		}
		if strings.Join(again[k], ",") != strings.Join(carried[k], ",") {
			t.Errorf("answer %s not kept: got %q, want %q", k, again[k], carried[k])
		}
	}
	if strings.Contains(e.logs.String(), "10.0.0.1") {
		t.Errorf("the log holds the error text, which may hold an address")
	}

	// Retry once the server is back: same reference.
	e.sender.fail = nil
	w = post(t, e.h, with(again, "_action", "send"))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("retry: status %d", w.Code)
	}
	if _, err := os.Stat(filepath.Join(e.inbox, "malmo", ref+".eml")); err != nil {
		t.Errorf("the retry did not use the same reference: %v", err)
	}
}

func TestChildren(t *testing.T) {
	e := newEnv(t)
	v := with(validApplication("sv"), "_action", "add:children")
	w := post(t, e.h, v)
	body := w.Body.String()
	if !strings.Contains(body, `id="f-children-1-given_name" name="children.1.given_name" type="text" value="" spellcheck="false" autofocus>`) {
		t.Fatalf("add: no focused second child")
	}
	v = with(validApplication("sv"), "children.1.given_name", "Mira", "children.1.family_name", "Berggren",
		"children.1.personal_number", pnr("20180505", "111"), "children.2.given_name", "Sam", "_action", "remove:children.0")
	body = post(t, e.h, v).Body.String()
	if !strings.Contains(body, `name="children.0.given_name" type="text" value="Mira"`) || !strings.Contains(body, `name="children.1.given_name" type="text" value="Sam"`) || strings.Contains(body, "Lisa") {
		t.Errorf("remove: the later children did not move up")
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	w := post(t, e.h, with(validApplication("sv"), "_action", "lang:en"))
	body := w.Body.String()
	if !strings.Contains(body, `<html lang="en"`) || !strings.Contains(body, `value="Anna"`) || !strings.Contains(body, `name="_lang" value="en"`) {
		t.Errorf("the language switch lost the language or the answers")
	}
	check := post(t, e.h, with(validApplication("sv"), "_action", "check"))
	w = post(t, e.h, with(hidden(check.Body.String()), "_action", "lang:en"))
	if body := w.Body.String(); !strings.Contains(body, "Check your answers") || !strings.Contains(body, `value="Anna"`) {
		t.Errorf("switching language on the check page: %d", w.Code)
	}
}

func TestFollowUp(t *testing.T) {
	e := newEnv(t)
	v := url.Values{"_lang": {"en"}, "_action": {"send"}, "applicant.given_name": {"Anna"}, "applicant.family_name": {"Lindqvist"},
		"applicant.email": {"anna@example.org"}, "municipality": {"1280"}, "previous_reference": {"3vr2 kz78"}, "privacy_ack": {"yes"}}
	r := httptest.NewRequest(http.MethodPost, "/api/forms/uppfoljningssamtal", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d: %s", w.Code, summaryOf(w.Body.String()))
	}
	if len(e.sender.sent) != 1 || e.sender.sent[0].Office != "malmo" {
		t.Fatalf("sent %+v", e.sender.sent)
	}
	text := readableText(t, e.sender.sent[0].Data)
	if !strings.Contains(text, "Ny förfrågan om uppföljningssamtal") || !strings.Contains(text, "3VR2-KZ78") {
		t.Errorf("follow-up message:\n%s", text)
	}
	v.Set("previous_reference", "3VR2-KZ79")
	r = httptest.NewRequest(http.MethodPost, "/api/forms/uppfoljningssamtal", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w = httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(summaryOf(w.Body.String()), "The reference number is not right") {
		t.Errorf("a wrong check character: status %d", w.Code)
	}
}

// readableText returns a message's plain-text part, decrypted and decoded.
func readableText(t *testing.T, data []byte) string {
	t.Helper()
	parts, err := delivery.Parts(opened(t, data))
	if err != nil {
		t.Fatal(err)
	}
	return string(parts["text/plain"])
}

func TestMessage(t *testing.T) {
	e := newEnv(t)
	post(t, e.h, with(validApplication("sv"), "_action", "send", "applicant.protected_identity", "yes",
		"applicant.interpreter_language", "ar", "other_parent.interpreter_language", "other",
		"other_parent.interpreter_language_other", "amhariska", "court_ordered", "yes", "court_case_number", "T 1234-25"))
	if len(e.sender.sent) != 1 {
		t.Fatal("not sent")
	}
	env := e.sender.sent[0]
	data := string(env.Data)
	head, _, _ := strings.Cut(data, "\r\n\r\n")
	for _, s := range []string{"Subject: =?utf-8?q?Ny_ans=C3=B6kan_=E2=80=93_samarbetssamtal_=E2=80=93_", "Message-ID: <", "@familjeratt.example>",
		"To: malmo@familjeratt.example", "From: noreply@familjeratt.example", "Date: Mon, 23 Nov 2026 12:00:00 +0100"} {
		if !strings.Contains(head, s) {
			t.Errorf("headers lack %q:\n%s", s, head)
		}
	}
	for _, personal := range []string{"Anna", "Lindqvist", "19811218", "070-123", "anna.lindqvist"} {
		if strings.Contains(head, personal) {
			t.Errorf("the headers hold %q", personal)
		}
	}
	text := readableText(t, env.Data)
	flags := text[strings.Index(text, "== Viktigt =="):strings.Index(text, "== Sökanden ==")]
	for _, s := range []string{"skyddade personuppgifter", "Säker kontakt enligt sökanden: Ring efter klockan tio", "Sökanden behöver tolk: Arabiska",
		"Den andra föräldern behöver tolk: Annat språk: amhariska", "Mål: T 1234-25"} {
		if !strings.Contains(flags, s) {
			t.Errorf("the flags lack %q:\n%s", s, flags)
		}
	}
	// The languages by name, never by code; the typed one as typed.
	lines := strings.ReplaceAll(text, "\r\n", "\n")
	for _, s := range []string{"Sökanden behöver tolk på: Arabiska\n", "Den andra föräldern behöver tolk på: Annat språk\n",
		"Tolkspråk för den andra föräldern, som sökanden skrev det: amhariska\n"} {
		if !strings.Contains(lines, s) {
			t.Errorf("the message lacks %q:\n%s", s, text)
		}
	}
	if strings.Contains(lines, ": ar\n") || strings.Contains(lines, ": other\n") {
		t.Errorf("the message shows a language's code:\n%s", text)
	}
	if !strings.Contains(text, "Personnummer: 19811218-9876") || !strings.Contains(text, "Personnummer: 20150101-0027") {
		t.Errorf("the message lacks the applicant's personnummer")
	}
	parts, _ := delivery.Parts(opened(t, env.Data))
	doc := string(parts["application/json"])
	for _, s := range []string{`"schema_version": 2`, `"form": "samarbetssamtal"`, `"protected_identity"`, `"given_name": "Lisa"`, `"personal_number": "20150101-0027"`, `"code": "1280"`,
		`"interpreter_language": "ar"`, `"interpreter_language": "other"`, `"interpreter_language_other": "amhariska"`, `"interpreter_language_other": ""`} {
		if !strings.Contains(doc, s) {
			t.Errorf("JSON lacks %s", s)
		}
	}
	if strings.Contains(doc, "website") {
		t.Errorf("the honeypot is in the JSON")
	}
}

// TestLogsHoldNoPersonalData runs every kind of journey and then looks
// for each submitted value in everything that was logged.
func TestLogsHoldNoPersonalData(t *testing.T) {
	e := newEnv(t)
	v := validApplication("sv")
	post(t, e.h, with(v, "_action", "check", "applicant.family_name", ""))
	check := post(t, e.h, with(v, "_action", "check"))
	post(t, e.h, with(hidden(check.Body.String()), "_action", "change:applicant.email"))
	post(t, e.h, with(v, "_action", "send"))
	post(t, e.h, with(v, "_action", "send", "municipality", "0180"))
	e.sender.fail = errors.New("550 anna.lindqvist@example.org rejected")
	post(t, e.h, with(v, "_action", "send"))
	e.sender.fail = nil
	post(t, e.h, with(v, "_action", "send", "website", "x"))
	post(t, e.h, with(v, "_action", "send"), func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") })
	e.sender.next = panicking{}
	post(t, e.h, with(v, "_action", "send"))

	logs := e.logs.String()
	if strings.Count(logs, "\n") < 9 {
		t.Fatalf("only %d log lines: the journeys did not all run", strings.Count(logs, "\n"))
	}
	// The ledger's file, as it lies on disk, is held to the same rule.
	var entries []string
	if err := e.ledger.Store.Scan(context.Background(), func(en ledger.Entry) error {
		entries = append(entries, en.Reference)
		return nil
	}); err != nil || len(entries) == 0 {
		t.Fatalf("the ledger holds %d entries (%v): the sends did not reach it", len(entries), err)
	}
	file, err := os.ReadFile(e.ledgerFile)
	if err != nil {
		t.Fatal(err)
	}
	logs += string(file)
	for k, vals := range v {
		if strings.HasPrefix(k, "_") {
			continue
		}
		for _, val := range vals {
			if len(val) < 4 || val == "unknown" || val == "1280" { // yes/no, codes: not personal
				continue
			}
			for _, form := range []string{val, strings.ReplaceAll(val, " ", ""), strings.ReplaceAll(val, "-", "")} {
				if strings.Contains(logs, form) {
					t.Errorf("the logs hold %s = %q", k, val)
				}
			}
		}
	}
}

func TestReceipt(t *testing.T) {
	e := newEnv(t)
	for _, c := range []string{"", "samarbetssamtal.3VR2KZ79.malmo.sv", "samarbetssamtal.3VR2KZ78.nowhere.sv", "uppfoljningssamtal.3VR2KZ78.malmo.sv", "a.b"} {
		r := httptest.NewRequest(http.MethodGet, "/api/forms/samarbetssamtal/sent", nil)
		if c != "" {
			r.AddCookie(&http.Cookie{Name: receiptCookie, Value: c})
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "Det finns ingen kvittens att visa") {
			t.Errorf("receipt %q: status %d", c, w.Code)
		}
	}
}

func TestGoldenPages(t *testing.T) {
	e := newEnv(t)
	v := validApplication("sv")
	check := post(t, e.h, with(v, "_action", "check"))
	sent := post(t, e.h, with(v, "_action", "send"))
	r := httptest.NewRequest(http.MethodGet, "/api/forms/samarbetssamtal/sent", nil)
	r.AddCookie(sent.Result().Cookies()[0])
	confirmation := httptest.NewRecorder()
	e.h.ServeHTTP(confirmation, r)
	e.sender.fail = errors.New("down")
	// Another application: the one above was delivered, and the ledger
	// would only confirm it again.
	failed := post(t, e.h, with(v, "_action", "send", "applicant.given_name", "Annie"))
	pages := map[string]*httptest.ResponseRecorder{
		"form-errors.html":  post(t, e.h, with(v, "_action", "check", "applicant.personal_number", "19811218-9875", "children.0.given_name", "")),
		"check.html":        check,
		"confirmation.html": confirmation,
		"not-served.html":   post(t, e.h, with(v, "_action", "check", "municipality", "0180", "_lang", "en")),
		"failed.html":       failed,
	}
	for name, w := range pages {
		chrometest.Golden(t, name, w.Body.Bytes())
	}
}

// TestNoBads renders every kind of page the journey answers with, in
// both languages, and checks each for the failure marks the site's pages
// are checked for too (chrometest.Bads): an empty link, a value
// html/template refused, a missing text.
func TestNoBads(t *testing.T) {
	get := func(e *env, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range cookies {
			r.AddCookie(c)
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		return w
	}
	for _, lang := range []string{"sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			v := validApplication(lang)
			first := url.Values{"_lang": {lang}, "_page": {"municipality"}, "_action": {"municipality"}}
			check := post(t, e.h, with(v, "_action", "check"))
			sent := post(t, e.h, with(v, "_action", "send"))
			pages := map[string]*httptest.ResponseRecorder{
				"first step, no municipality":       post(t, e.h, with(first, "municipality", "")),
				"first step, a served municipality": post(t, e.h, with(first, "municipality", "1280")),
				"first step, an office of several":  post(t, e.h, with(first, "municipality", "1277")),
				"not served, from the first step":   post(t, e.h, with(first, "municipality", "0180")),
				"form with errors":                  post(t, e.h, with(v, "_action", "check", "applicant.personal_number", "19811218-9875", "children.0.given_name", "", "applicant.email", "anna@")),
				"check answers":                     check,
				"check answers, TLS-only office":    post(t, e.h, with(v, "_action", "check", "municipality", "1283")),
				"change an answer":                  post(t, e.h, with(hidden(check.Body.String()), "_action", "change:applicant.phone")),
				"change the municipality":           post(t, e.h, with(hidden(check.Body.String()), "_action", "change:municipality")),
				"another child":                     post(t, e.h, with(v, "_action", "add:children")),
				"not served, at check":              post(t, e.h, with(v, "_action", "check", "municipality", "0180")),
				"not served, at send":               post(t, e.h, with(v, "_action", "send", "municipality", "0114")),
				"confirmation":                      get(e, "/api/forms/samarbetssamtal/sent", sent.Result().Cookies()...),
				"no receipt":                        get(e, "/api/forms/samarbetssamtal/sent"),
				"an address that is not there":      get(e, "/api/nowhere"),
				"GET of the form's address":         get(e, "/api/forms/samarbetssamtal"),
				"from another site":                 post(t, e.h, with(v, "_action", "send"), func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") }),
				"follow-up with errors":             postTo(t, e.h, "/api/forms/uppfoljningssamtal", url.Values{"_lang": {lang}, "_action": {"check"}, "municipality": {"0834"}}),
				"follow-up check":                   postTo(t, e.h, "/api/forms/uppfoljningssamtal", followUp(lang, "check")),
				"too large":                         post(t, e.h, with(v, "_action", "send", "applicant.safe_contact", strings.Repeat("x", MaxBody))),
			}
			follow := postTo(t, e.h, "/api/forms/uppfoljningssamtal", followUp(lang, "send"))
			pages["follow-up confirmation"] = get(e, "/api/forms/uppfoljningssamtal/sent", follow.Result().Cookies()...)
			e.sender.fail = errors.New("down")
			// Another application: the one above was delivered, and the
			// ledger would only confirm it again.
			pages["not sent"] = post(t, e.h, with(v, "_action", "send", "applicant.given_name", "Annie"))
			e.sender.fail = nil
			e.sender.next = panicking{}
			pages["something went wrong"] = post(t, e.h, with(v, "_action", "send", "applicant.given_name", "Annika"))
			for name, w := range pages {
				if !strings.Contains(w.Body.String(), `<html lang="`) {
					t.Errorf("%s: status %d, not a page:\n%.300s", name, w.Code, w.Body.String())
				}
				chrometest.CheckBads(t, name, w.Body.Bytes())
			}
			if got := pages["confirmation"].Code; got != http.StatusOK {
				t.Errorf("the confirmation: status %d", got)
			}
			if got := pages["follow-up confirmation"].Code; got != http.StatusOK {
				t.Errorf("the follow-up's confirmation: status %d", got)
			}
		})
	}
}

// followUp is a complete request for a follow-up talk, to Malmö, whose
// fixture office offers follow-up talks.
func followUp(lang, action string) url.Values {
	return url.Values{"_lang": {lang}, "_action": {action}, "applicant.given_name": {"Anna"}, "applicant.family_name": {"Lindqvist"},
		"applicant.email": {"anna@example.org"}, "municipality": {"1280"}, "previous_reference": {"3VR2-KZ78"}, "privacy_ack": {"yes"}}
}

// TestFollowUpNotOffered: an office whose file does not say it offers
// follow-up talks takes no request for one. Whether the parent names the
// municipality on the first step, or sends all at once, the page says so
// with the office's contact details, sends nothing, and keeps the answers.
func TestFollowUpNotOffered(t *testing.T) {
	e := newEnv(t)
	for _, action := range []string{"municipality", "check", "send"} {
		v := followUp("sv", action)
		v.Set("municipality", "0834") // Torsås: its fixture states no follow-up talk
		w := postTo(t, e.h, "/api/forms/uppfoljningssamtal", v)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status %d", action, w.Code)
		}
		for _, s := range []string{"tar inte emot förfrågningar om uppföljningssamtal här", "Vi har inte skickat något",
			"010-35 33 100", `href="/sv/familjeratt/torsas/"`, `value="change:municipality"`} {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the page lacks %q", action, s)
			}
		}
		if hidden(body).Get("applicant.given_name") != "Anna" {
			t.Errorf("%s: the answers are not kept", action)
		}
		if len(w.Result().Cookies()) != 0 {
			t.Errorf("%s: a receipt was set", action)
		}
	}
	if len(e.sender.sent) != 0 {
		t.Errorf("%d messages delivered to an office that takes no follow-up requests", len(e.sender.sent))
	}
	if !strings.Contains(e.logs.String(), `"outcome":"not_offered"`) {
		t.Errorf("the log does not say not_offered:\n%s", e.logs.String())
	}
}

// postTo posts a form to path from the site's origin.
func postTo(t *testing.T, h http.Handler, path string, v url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "http://example.com")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestSendTwiceDeliversOnce: the same application sent again without the
// first send's receipt (another browser, or after the receipt expired)
// is not delivered again: the ledger knows the office's server took it,
// and the parent gets the confirmation.
func TestSendTwiceDeliversOnce(t *testing.T) {
	e := newEnv(t)
	for i := range 2 {
		w := post(t, e.h, with(validApplication("sv"), "_action", "send"))
		if w.Code != http.StatusSeeOther {
			t.Fatalf("send %d: status %d", i+1, w.Code)
		}
	}
	if n := len(e.sender.sent); n != 1 {
		t.Errorf("%d messages delivered for one application sent twice, want 1", n)
	}
	if !strings.Contains(e.logs.String(), `"outcome":"repeat"`) {
		t.Errorf("the second send is not logged as a repeat:\n%s", e.logs.String())
	}
}

// TestLedgerFaultIsNotSent: when the ledger cannot be written, nothing
// is delivered and the parent is told it was not sent, with every answer
// kept; the log raises the alarm.
func TestLedgerFaultIsNotSent(t *testing.T) {
	e := newEnv(t)
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	store.Close() // a real store that fails every read and write
	*e.ledger = ledger.Ledger{Store: store}
	w := post(t, e.h, with(validApplication("sv"), "_action", "send"))
	body := w.Body.String()
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(body, "Dina svar är inte skickade") {
		t.Errorf("status %d; want 503 and the not-sent page", w.Code)
	}
	if len(w.Result().Cookies()) != 0 || len(e.sender.sent) != 0 {
		t.Errorf("%d cookies, %d delivered; want none", len(w.Result().Cookies()), len(e.sender.sent))
	}
	if hidden(body).Get("applicant.given_name") != "Anna" {
		t.Error("the answers are not kept")
	}
	if !strings.Contains(e.logs.String(), `"msg":"ledger write failed"`) {
		t.Errorf("no alarm line:\n%s", e.logs.String())
	}
}

// TestAcknowledge: the staff message links to a page with a button;
// opening the link changes nothing (mail scanners open links), pressing
// the button records the acknowledgement, twice is harmless, and a link
// altered in any way shows nothing.
func TestAcknowledge(t *testing.T) {
	e := newEnv(t)
	if w := post(t, e.h, with(validApplication("sv"), "_action", "send")); w.Code != http.StatusSeeOther {
		t.Fatalf("send: status %d", w.Code)
	}
	text := readableText(t, e.sender.sent[0].Data)
	i := strings.Index(text, "http://example.com/api/ack/")
	if i < 0 {
		t.Fatalf("the staff message has no acknowledgement link:\n%s", text)
	}
	link := strings.Fields(text[i:])[0]
	path := strings.TrimPrefix(link, "http://example.com")
	ref := e.sender.sent[0].Reference.String()
	state := func() ledger.State {
		en, err := e.ledger.Store.Get(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		return en.State
	}

	r := httptest.NewRequest(http.MethodGet, path, nil)
	res := httptest.NewRecorder()
	e.h.ServeHTTP(res, r)
	page := res.Body.String()
	if res.Code != http.StatusOK || !strings.Contains(page, `method="post"`) || !strings.Contains(page, ref) {
		t.Fatalf("GET %s: status %d\n%s", path, res.Code, page)
	}
	if got := state(); got != ledger.Accepted {
		t.Errorf("after opening the link the state is %s, want accepted: only the button acknowledges", got)
	}
	for i := range 2 {
		w := postTo(t, e.h, path, url.Values{})
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "mottagandet är bekräftat") {
			t.Errorf("press %d: status %d\n%s", i+1, w.Code, w.Body.String())
		}
	}
	if got := state(); got != ledger.Acknowledged {
		t.Errorf("after the button the state is %s, want acknowledged", got)
	}
	for _, bad := range []string{path[:len(path)-1] + "A", strings.Replace(path, ref[:4], "ZZZZ", 1), "/api/ack/" + strings.ReplaceAll(ref, "-", "") + "/"} {
		if w := postTo(t, e.h, bad, url.Values{}); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), ref) {
			t.Errorf("POST %s: status %d, want 404 revealing nothing", bad, w.Code)
		}
	}
}

// TestConcurrentSendsDeliverOnce: the same application sent from many
// tabs at the same moment reaches the office once. The others are told
// that it could not be confirmed yet, never "sent" without a 250.
func TestConcurrentSendsDeliverOnce(t *testing.T) {
	e := newEnv(t)
	release := make(chan struct{})
	e.sender.next = &gate{next: e.sender.next, wait: release}
	body := with(validApplication("sv"), "_action", "send")
	var wg sync.WaitGroup
	codes := make(chan int, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- post(t, e.h, body).Code
		}()
	}
	// One is held in the transport; the seven others must come back
	// without it, refused, while it is still sending.
	var got []int
	timeout := time.After(10 * time.Second)
	for len(got) < 7 {
		select {
		case c := <-codes:
			got = append(got, c)
		case <-timeout:
			t.Fatalf("only %d of the other sends came back while one was sending: %v", len(got), got)
		}
	}
	close(release)
	wg.Wait()
	close(codes)
	for c := range codes {
		got = append(got, c)
	}
	var sent, unconfirmed int
	for _, c := range got {
		switch c {
		case http.StatusSeeOther:
			sent++
		case http.StatusServiceUnavailable:
			unconfirmed++
		default:
			t.Errorf("status %d", c)
		}
	}
	if n := len(e.sender.sent); n != 1 || sent != 1 || unconfirmed != 7 {
		t.Errorf("%d delivered, %d confirmed, %d told it is not confirmed; want 1, 1 and 7", n, sent, unconfirmed)
	}
}

// gate holds every send until wait closes.
type gate struct {
	next delivery.Transport
	wait chan struct{}
}

func (g *gate) Send(ctx context.Context, env *delivery.Envelope) error {
	<-g.wait
	return g.next.Send(ctx, env)
}

// TestReceiptSealed: the receipt cookie's value reads back only with the
// function's key, is refused when changed, and names neither the form,
// the office nor the reference: whoever opens the browser's cookies
// learns nothing from it.
func TestReceiptSealed(t *testing.T) {
	key, other := []byte("0123456789abcdef0123456789abcdef"), []byte("fedcba9876543210fedcba9876543210")
	ref, err := intake.NewReference(strings.NewReader(strings.Repeat("x", 64)))
	if err != nil {
		t.Fatal(err)
	}
	for _, form := range []string{intake.ContactID, intake.VisitReportID, "samarbetssamtal"} {
		rc := receipt{form: form, ref: ref, office: "malmo", lang: "sv", sent: time.Unix(1764000000, 0)}
		v := rc.sign(key)
		for _, leak := range []string{form, "malmo", string(ref), ".sv."} {
			if strings.Contains(strings.ToLower(v), strings.ToLower(leak)) {
				t.Errorf("%s: the cookie %q holds %q", form, v, leak)
			}
		}
		if got, ok := parseReceipt(v, key); !ok || got != rc {
			t.Errorf("%s: read back %+v, %v; want %+v", form, got, ok, rc)
		}
		if _, ok := parseReceipt(v, other); ok {
			t.Errorf("%s: read back with another key", form)
		}
		b := []byte(v)
		b[len(b)/2] ^= 1
		if _, ok := parseReceipt(string(b), key); ok {
			t.Errorf("%s: a changed cookie was read back", form)
		}
	}
}
