package build

import (
	"bytes"
	"context"
	"html/template"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/delivery/mailtest"
	"familjeratt.example/portal/functions/function"
	"familjeratt.example/portal/functions/intake"
	jt "familjeratt.example/portal/functions/journey/journeytest"
	"familjeratt.example/portal/site"
	"familjeratt.example/portal/site/chrome/chrometest"
)

// TestJoining is a municipality joining as content/README.md tells it
// to, without a developer: a copy of the committed content gets one more
// office file and its certificate, and nothing else changes. The content
// checks, the site's build and the function all take it: the office has
// its pages in both languages, the office finder links it, and an
// application for its municipality reaches it, encrypted to its key.
//
// The municipality is one no office serves yet, chosen from kommuner.tsv
// when the test runs, so the test goes on working when that one joins for
// real. The same build checks every page of the real content for failure
// marks (chrometest.Bads).
func TestJoining(t *testing.T) {
	dir := t.TempDir()
	copyContent(t, dir)
	before, err := content.Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("the committed content has problems:\n%v", err)
	}
	m, ok := unserved(before.Directory)
	if !ok {
		t.Skip("every municipality has an office: none is left to join")
	}
	id := "joining-" + m.Code
	if _, taken := before.Directory.Office(id); taken {
		t.Fatalf("an office already has the id %s", id)
	}
	placeholder := id + "@" + delivery.PlaceholderDomain
	// The office's S/MIME certificate, made here as the README's openssl
	// command makes one: self-signed, RSA, keyEncipherment and
	// emailProtection, for the office's inbox. Its key is the test's.
	key := mailtest.NewRecipient(t, placeholder)
	name := content.Text{content.SV: "Familjerätten i " + m.Name, "en": m.Name + " Family Law Office"}
	office := "# The office that joins in TestJoining (build/joining_test.go).\n" +
		"name:\n  sv: " + name[content.SV] + "\n  en: " + name["en"] + "\n" +
		"municipalities: [\"" + m.Code + "\"]\n" +
		"contact:\n  phone: 010-123 45 67\n  website: https://www.example.org/\n" +
		"promises:\n  - sv: Inom en vecka ringer vi dig.\n    en: Within a week, we call you.\n" +
		"intake:\n  inbox: " + placeholder + "\n  certificates: [certs/" + id + ".pem]\n"
	write(t, filepath.Join(dir, "offices", id+".yaml"), []byte(office))
	write(t, filepath.Join(dir, "offices", "certs", id+".pem"), key.CertPEM)

	// 1. The content checks.
	data, err := content.Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("the content with the new office has problems:\n%v", err)
	}
	o, ok := data.Directory.Office(id)
	if !ok || len(o.Intake.Certs) != 1 {
		t.Fatalf("the new office: %v, want it with its certificate", o)
	}
	if got, ok := data.Directory.OfficeFor(m.Code); !ok || got != o {
		t.Errorf("%s (%s) goes to %v, want the new office", m.Name, m.Code, got)
	}
	if got, want := len(data.Directory.Offices), len(before.Directory.Offices)+1; got != want {
		t.Errorf("%d offices, want %d", got, want)
	}
	if expired := data.Directory.Expired(time.Now()); len(expired) > 0 {
		t.Errorf("expired certificates: %v", expired)
	}
	if _, err := content.LoadConvention(os.DirFS(dir)); err != nil {
		t.Errorf("the convention: %v", err)
	}

	// 2. The site, as make site builds it.
	out := filepath.Join(t.TempDir(), "public")
	if _, err := site.Build(context.Background(), site.Options{Content: os.DirFS(dir), ContentDir: "content", Out: out,
		Forms: site.AsForms(intake.StaticPages())}); err != nil {
		t.Fatalf("the site does not build with the new office:\n%v", err)
	}
	for _, office := range data.Directory.Offices {
		officePages(t, out, data, office)
	}
	n := chrometest.CheckBadsDir(t, out)
	if n < 100 {
		t.Errorf("checked %d pages for failure marks, want the whole site", n)
	}
	t.Logf("%s (%s) joined as %s; %d pages checked", m.Name, m.Code, id, n)

	// 3. One application through the function, as make run runs it:
	// the copied content, the local inbox.
	inbox := t.TempDir()
	env := map[string]string{"INTAKE_CONTENT_DIR": dir, "INTAKE_INBOX_DIR": inbox,
		"INTAKE_SIGNING_KEY_FILE": filepath.Join("..", function.DevSigningKey)}
	fn, err := function.New(func(k string) string { return env[k] }, function.Options{})
	if err != nil {
		t.Fatalf("the function does not start with the new office: %v", err)
	}
	carried, w := jt.CheckAndSend(t, fn, jt.With(jt.ValidApplication("sv"), "municipality", m.Code))
	if w.Code != http.StatusSeeOther || carried.Get("municipality") != m.Code {
		t.Fatalf("send: status %d, municipality %q; want 303 for %s", w.Code, carried.Get("municipality"), m.Code)
	}
	files, _ := filepath.Glob(filepath.Join(inbox, "*", "*.eml"))
	if len(files) != 1 || filepath.Base(filepath.Dir(files[0])) != id {
		t.Fatalf("delivered %v, want one message in the new office's inbox %s/", files, id)
	}
	msg, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !delivery.Sealed(msg) {
		t.Fatal("the message is not encrypted")
	}
	parts, err := delivery.Parts(jt.Open(t, msg, fn.Data.Signing, key))
	if err != nil {
		t.Fatal(err)
	}
	text := string(parts["text/plain"])
	for _, s := range []string{m.Name + " (" + m.Code + ")", "Lindqvist"} {
		if !strings.Contains(text, s) {
			t.Errorf("the decrypted application lacks %q:\n%s", s, text)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/api/forms/samarbetssamtal/sent", nil)
	for _, c := range w.Result().Cookies() {
		r.AddCookie(c)
	}
	confirmation := httptest.NewRecorder()
	fn.ServeHTTP(confirmation, r)
	if body := confirmation.Body.String(); confirmation.Code != http.StatusOK || !strings.Contains(body, template.HTMLEscapeString(name[content.SV])) {
		t.Errorf("the confirmation: status %d, want it to name %s", confirmation.Code, name[content.SV])
	}
	chrometest.CheckBads(t, "the confirmation", confirmation.Body.Bytes())

	// 4. A deployment that gives the office its real inbox refuses the
	// certificate made for the placeholder: the check of a certificate
	// against its inbox is made where the real address is known.
	if _, err := function.CheckDeployment(data, id+"=familjeratt@"+id+".kommun.example"); err == nil ||
		!strings.Contains(err.Error(), "offices/"+id+".yaml: office "+id+" has the inbox familjeratt@"+id+".kommun.example in INTAKE_INBOXES, but a certificate for "+placeholder) {
		t.Errorf("a real inbox for the test certificate: %v, want the refusal of the certificate", err)
	}
}

// copyContent copies the repository's content tree into dir, without
// the Go files of package content that live beside it.
func copyContent(t *testing.T, dir string) {
	t.Helper()
	src := os.DirFS(filepath.Join("..", "content"))
	err := fs.WalkDir(src, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && name == "contenttest" {
			return fs.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(name, ".go") {
			return nil
		}
		b, err := fs.ReadFile(src, name)
		if err != nil {
			return err
		}
		write(t, filepath.Join(dir, filepath.FromSlash(name)), b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// unserved is the first municipality, by kommunkod, that no office
// serves.
func unserved(d *content.Directory) (content.Municipality, bool) {
	ms := slices.Clone(d.Municipalities)
	slices.SortFunc(ms, func(a, b content.Municipality) int { return strings.Compare(a.Code, b.Code) })
	for _, m := range ms {
		if _, served := d.OfficeFor(m.Code); !served {
			return m, true
		}
	}
	return content.Municipality{}, false
}

// officePages checks what the site publishes for an office: its page in
// each language, and the office finder's row of each municipality it
// serves linking there.
func officePages(t *testing.T, out string, data *content.Data, o *content.Office) {
	t.Helper()
	for _, lang := range content.DefaultEditions().Langs() {
		p := data.Settings.OfficePath(lang, o.ID)
		page, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(p, "/")), "index.html"))
		if err != nil || !bytes.Contains(page, []byte("<h1>"+template.HTMLEscapeString(o.Name.In(lang))+"</h1>")) {
			t.Errorf("%s has no %s page at %s (%v)", o.File, lang, p, err)
		}
		finder, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(data.Settings.Links.Offices.In(lang), "/")), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range data.Directory.MunicipalitiesOf(o) {
			cell := []byte(`<th scope="row">` + template.HTMLEscapeString(m.Name) + "</th>")
			i := bytes.Index(finder, cell)
			end := bytes.Index(finder[max(i, 0):], []byte("</tr>"))
			if i < 0 || end < 0 || !bytes.Contains(finder[i:i+end], []byte(`<a href="`+p+`">`)) {
				t.Errorf("%s: the %s office finder's row for %s does not link to %s", o.File, lang, m.Name, p)
			}
		}
	}
}

func write(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
