package function

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/content/contenttest"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/delivery/mailtest"
	jt "familjeratt.example/portal/functions/journey/journeytest"
	"familjeratt.example/portal/functions/ledger/dynamostore/dynalitetest"
	"familjeratt.example/portal/functions/stats/dynamostats"
)

// devKey is the development signing key, for runs off Lambda from this
// folder (the default path is the repository root's).
const devKey = "../../" + DevSigningKey

// dev is an environment for the committed content off Lambda, with the
// pairs in kv set.
func dev(kv ...string) func(string) string {
	// Each function its own ledger file: two in one process cannot
	// share one (the file is locked), and none may land in the source tree.
	env := map[string]string{"INTAKE_SIGNING_KEY_FILE": devKey,
		"INTAKE_LEDGER_FILE": filepath.Join(ledgerDir, fmt.Sprintf("ledger-%d.db", ledgers.Add(1)))}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	return func(k string) string { return env[k] }
}

// lambdaSets are the variables Lambda itself gives every function.
var lambdaSets = map[string]bool{"AWS_LAMBDA_RUNTIME_API": true, "AWS_REGION": true,
	"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true}

var (
	ledgerDir string
	ledgers   atomic.Int64
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "function-test-ledgers")
	if err != nil {
		panic(err)
	}
	ledgerDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixture is content as a real deployment has it: offices with their own
// certificates (made for the test) and the portal's own signing
// certificate, whose key is in signingKey.
type fixture struct {
	fsys       fstest.MapFS
	signingKey string
	offices    map[string]*mailtest.Recipient // by id
}

func newFixture(t testing.TB, ids ...string) fixture {
	t.Helper()
	signer := mailtest.NewSigner(t, DefaultFrom)
	f := fixture{fsys: contenttest.WithoutOffices(contenttest.Data(t, nil)), signingKey: string(signer.KeyPEM),
		offices: map[string]*mailtest.Recipient{}}
	files := map[string]string{content.SigningFile: string(signer.CertPEM)}
	codes := []string{"1280", "1281", "0180"}
	for i, id := range ids {
		// The certificate is for the office's real inbox, the one
		// lambda's INTAKE_INBOXES gives it, as a deployment has it.
		r := mailtest.NewRecipient(t, "familjeratt@"+id+".example")
		f.offices[id] = r
		files["offices/"+id+".yaml"] = "name: {sv: Kontor " + id + ", en: Office " + id + "}\nmunicipalities: [\"" + codes[i] + "\"]\n" +
			"contact:\n  phone: 010-000 00 00\nintake:\n  inbox: " + id + "@familjeratt.example\n  certificates: [certs/" + id + ".pem]\n"
		files["offices/certs/"+id+".pem"] = string(r.CertPEM)
	}
	contenttest.Put(f.fsys, files)
	return f
}

// withUnit is fsys with a supported-contact unit added to the office id,
// its certificate for addr.
func withUnit(t *testing.T, fsys fstest.MapFS, id, addr string) fstest.MapFS {
	t.Helper()
	out := cloned(fsys)
	r := mailtest.NewRecipient(t, addr)
	out["offices/"+id+".yaml"] = &fstest.MapFile{Data: append(slices.Clone(out["offices/"+id+".yaml"].Data),
		"units:\n  umgangesstod:\n    inbox: umgangesstod-"+id+"@familjeratt.example\n    certificates: [certs/"+id+"-stod.pem]\n"...)}
	out["offices/certs/"+id+"-stod.pem"] = &fstest.MapFile{Data: r.CertPEM}
	return out
}

// lambda is the environment on Lambda, as the template gives it, for the
// fixture, with the pairs in kv set ("" deletes).
func (f fixture) lambda(kv ...string) func(string) string {
	env := map[string]string{
		"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
		"INTAKE_SMTP_ADDR":       "email-smtp.eu-north-1.amazonaws.com:587",
		"INTAKE_ALLOWED_ORIGIN":  "https://familjeratt.kommun.example",
		"INTAKE_SIGNING_KEY":     f.signingKey,
		"INTAKE_RECEIPT_KEY":     strings.Repeat("k", 32),
		"INTAKE_ACK_KEY":         strings.Repeat("a", 32),
		"INTAKE_INBOXES":         "a=familjeratt@a.example,b=familjeratt@b.example",
		// New only makes the client: no request reaches DynamoDB.
		"INTAKE_LEDGER_TABLE": "ledger", "INTAKE_STATS_TABLE": "stats", "AWS_REGION": "eu-north-1",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(env, kv[i])
			continue
		}
		env[kv[i]] = kv[i+1]
	}
	return func(k string) string { return env[k] }
}

// TestNew: what the environment makes of the function, and when it
// refuses to start: each refusal one line naming what to fix.
func TestNew(t *testing.T) {
	caFile := mailtest.WriteFile(t, "ca.pem", mailtest.NewCA(t).PEM)
	notPEM := mailtest.WriteFile(t, "ca.txt", []byte("not a certificate"))
	f := newFixture(t, "a", "b")
	otherSigner := mailtest.NewSigner(t, "someone@else.example")
	devTree := contenttest.Data(t, nil) // the committed offices and signing certificate: development ones
	data, err := content.LoadData(devTree)
	if err != nil {
		t.Fatal(err)
	}
	// Any committed office with a development certificate: which one
	// does not matter, and a new office with a real certificate is not
	// one of them.
	var devOffice *content.Office
	for _, o := range data.Directory.Offices {
		if len(o.Intake.Certs) > 0 && content.IsDevelopment(o.Intake.Certs[0]) {
			devOffice = o
			break
		}
	}
	if devOffice == nil {
		t.Fatal("no committed office has a development certificate, so the refusal of one cannot be tested")
	}
	devInbox := devOffice.ID + "=" + devOffice.ID + "@kommun.example"
	tests := []struct {
		name    string
		content fstest.MapFS
		getenv  func(string) string
		want    string // the transport and the live offices, or the start of the error
	}{
		{"local inbox", nil, dev("INTAKE_INBOX_DIR", "/tmp/x"), "inbox /tmp/x, all offices"},
		{"relay on 127.0.0.1, placeholders are fine", nil, dev("INTAKE_SMTP_ADDR", "127.0.0.1:2525"), "SMTP 127.0.0.1:2525  system roots, all offices"},
		{"relay elsewhere, no real inbox", nil, dev("INTAKE_SMTP_ADDR", "relay.kommun.se:587"), "INTAKE_INBOXES gives no office a real address"},
		{"relay elsewhere, a real inbox for a development certificate", nil,
			dev("INTAKE_SMTP_ADDR", "relay.kommun.se:587", "INTAKE_INBOXES", devInbox), devOffice.File + ": office " + devOffice.ID + " has a real inbox"},
		{"SES", f.fsys, f.lambda("INTAKE_SMTP_USERNAME", "AKIA", "INTAKE_SMTP_PASSWORD", "pw"), "SMTP email-smtp.eu-north-1.amazonaws.com:587 AKIA system roots, a b"},
		{"relay with its CA, no login", f.fsys, f.lambda("INTAKE_SMTP_ADDR", "relay.kommun.se:25", "INTAKE_SMTP_CA_FILE", caFile), "SMTP relay.kommun.se:25  own CA, a b"},
		{"an office left out of INTAKE_INBOXES is not live", f.fsys, f.lambda("INTAKE_INBOXES", "b=familjeratt@b.example"), "SMTP email-smtp.eu-north-1.amazonaws.com:587  system roots, b"},
		{"no port", nil, dev("INTAKE_SMTP_ADDR", "relay.kommun.se"), `INTAKE_SMTP_ADDR: "relay.kommun.se" is not host:port`},
		{"port not a number", nil, dev("INTAKE_SMTP_ADDR", "relay.kommun.se:smtp"), `INTAKE_SMTP_ADDR: "relay.kommun.se:smtp" is not host:port`},
		{"username without password", nil, dev("INTAKE_SMTP_ADDR", "a.se:587", "INTAKE_SMTP_USERNAME", "u"), "INTAKE_SMTP_USERNAME and INTAKE_SMTP_PASSWORD: give both"},
		{"password without username", nil, dev("INTAKE_SMTP_ADDR", "a.se:587", "INTAKE_SMTP_PASSWORD", "hunter2"), "INTAKE_SMTP_USERNAME and INTAKE_SMTP_PASSWORD: give both"},
		{"CA file missing", nil, dev("INTAKE_SMTP_ADDR", "a.se:587", "INTAKE_SMTP_CA_FILE", "/nonexistent/ca.pem"), "INTAKE_SMTP_CA_FILE: open /nonexistent/ca.pem"},
		{"CA file not PEM", nil, dev("INTAKE_SMTP_ADDR", "a.se:587", "INTAKE_SMTP_CA_FILE", notPEM), "INTAKE_SMTP_CA_FILE: " + notPEM + " holds no PEM certificate"},
		{"sender not an address", nil, dev("INTAKE_FROM", "noreply"), `INTAKE_FROM: "noreply" is not an e-mail address`},
		{"sender not the signing certificate's", nil, dev("INTAKE_FROM", "noreply@kommun.example"), "INTAKE_FROM: noreply@kommun.example is not the address of the signing certificate"},
		{"inboxes malformed", nil, dev("INTAKE_INBOXES", "malmo"), `INTAKE_INBOXES: "malmo" is not office=address`},
		{"inbox for an office that does not exist", nil, dev("INTAKE_INBOXES", "atlantis=a@b.se"), "INTAKE_INBOXES: no office has the id atlantis"},
		{"signing key file missing", nil, dev("INTAKE_SIGNING_KEY_FILE", "/nonexistent/key.pem"), "INTAKE_SIGNING_KEY_FILE: open /nonexistent/key.pem"},
		{"signing key not the certificate's", f.fsys, f.lambda("INTAKE_SIGNING_KEY", string(otherSigner.KeyPEM)), "INTAKE_SIGNING_KEY: the private key does not belong to the signing certificate"},
		{"receipt key too short", nil, dev("INTAKE_RECEIPT_KEY", "short"), "INTAKE_RECEIPT_KEY is too short"},
		{"on Lambda without SMTP", f.fsys, f.lambda("INTAKE_SMTP_ADDR", ""), "INTAKE_SMTP_ADDR is not set: on Lambda"},
		{"on Lambda without SMTP, whatever INTAKE_INBOX_DIR says", f.fsys, f.lambda("INTAKE_SMTP_ADDR", "", "INTAKE_INBOX_DIR", t.TempDir()), "INTAKE_SMTP_ADDR is not set: on Lambda"},
		{"on Lambda without the site's origin", f.fsys, f.lambda("INTAKE_ALLOWED_ORIGIN", ""), "INTAKE_ALLOWED_ORIGIN is not set"},
		{"on Lambda without a signing key", f.fsys, f.lambda("INTAKE_SIGNING_KEY", ""), "INTAKE_SIGNING_KEY is not set"},
		{"on Lambda without a receipt key", f.fsys, f.lambda("INTAKE_RECEIPT_KEY", ""), "INTAKE_RECEIPT_KEY is not set"},
		{"on Lambda, no office with a real inbox", f.fsys, f.lambda("INTAKE_INBOXES", ""), "INTAKE_INBOXES gives no office a real address"},
		{"on Lambda, the development signing certificate", contenttest.Put(cloned(f.fsys), map[string]string{content.SigningFile: devSigningPEM(t)}),
			f.lambda("INTAKE_SIGNING_KEY", mustRead(t, devKey)), "signing.pem is the development signing certificate"},
		{"on Lambda, a real inbox for a development certificate", devTree, f.lambda("INTAKE_INBOXES", devInbox),
			devOffice.File + ": office " + devOffice.ID + " has a real inbox in INTAKE_INBOXES, but its certificate is a development one"},
		// The repository's addresses are placeholders: a certificate is
		// checked against the deployment's real one.
		{"on Lambda, a certificate for another address than the real inbox", f.fsys, f.lambda("INTAKE_INBOXES", "a=familjeratt@annan-kommun.example,b=familjeratt@b.example"),
			"offices/a.yaml: office a has the inbox familjeratt@annan-kommun.example in INTAKE_INBOXES, but a certificate for familjeratt@a.example"},
		{"on Lambda, a certificate for the placeholder", contenttest.Put(cloned(f.fsys), map[string]string{"offices/certs/a.pem": string(mailtest.NewRecipient(t, "a@familjeratt.example").CertPEM)}),
			f.lambda(), "offices/a.yaml: office a has the inbox familjeratt@a.example in INTAKE_INBOXES, but a certificate for a@familjeratt.example"},
		{"on Lambda, a staff member's certificate at the inbox's domain", contenttest.Put(cloned(f.fsys), map[string]string{"offices/certs/a.pem": string(mailtest.NewRecipient(t, "anna.berg@a.example").CertPEM)}),
			f.lambda(), "SMTP email-smtp.eu-north-1.amazonaws.com:587  system roots, a b"},
		// A unit is live where the deployment gives it a real inbox, and is
		// then held to the same rules as the office.
		{"on Lambda, a unit with a placeholder inbox: the office is live", withUnit(t, f.fsys, "a", "umgangesstod@a.example"),
			f.lambda(), "SMTP email-smtp.eu-north-1.amazonaws.com:587  system roots, a b"},
		{"on Lambda, a unit's real inbox for another address than its certificate's", withUnit(t, f.fsys, "a", "umgangesstod@a.example"),
			f.lambda("INTAKE_INBOXES", "a=familjeratt@a.example,a.umgangesstod=stod@annan-kommun.example,b=familjeratt@b.example"),
			"offices/a.yaml: office a's unit umgangesstod has the inbox stod@annan-kommun.example in INTAKE_INBOXES, but a certificate for umgangesstod@a.example"},
		{"on Lambda, a unit's real inbox and its certificate", withUnit(t, f.fsys, "a", "umgangesstod@a.example"),
			f.lambda("INTAKE_INBOXES", "a.umgangesstod=umgangesstod@a.example,b=familjeratt@b.example"), "SMTP email-smtp.eu-north-1.amazonaws.com:587  system roots, a b"},
		{"on Lambda, an inbox for a unit the office does not have", f.fsys,
			f.lambda("INTAKE_INBOXES", "a=familjeratt@a.example,a.vald=vald@a.example"), "INTAKE_INBOXES: no office has the id a.vald"},
		{"content folder missing", nil, dev("INTAKE_CONTENT_DIR", "/nonexistent/content"), `INTAKE_CONTENT_DIR: "/nonexistent/content" is not a folder`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := map[string]bool{}
			opts := Options{}
			if tt.content != nil {
				opts.Content = tt.content
			}
			fn, err := New(func(k string) string { read[k] = true; return tt.getenv(k) }, opts)
			var got string
			if err != nil {
				got = err.Error()
				if strings.Contains(got, "hunter2") || strings.Contains(got, "PRIVATE KEY") {
					t.Errorf("the error names a secret")
				}
				if strings.Contains(got, "\n") {
					t.Errorf("the refusal is more than one line: %q", got)
				}
			} else {
				switch tr := fn.Transport.(type) {
				case *delivery.Inbox:
					got = "inbox " + tr.Dir
				case *delivery.SMTP:
					roots := "system roots"
					if tr.RootCAs != nil {
						roots = "own CA"
					}
					got = strings.Join([]string{tr.String(), tr.Username, roots}, " ")
				}
				if len(fn.Live) == len(fn.Data.Directory.Offices) && tt.content == nil {
					got += ", all offices"
				} else {
					var ids []string
					for _, o := range fn.Live {
						ids = append(ids, o.ID)
					}
					got += ", " + strings.Join(ids, " ")
				}
			}
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			for k := range read {
				if _, ok := Env[k]; !ok && !lambdaSets[k] { // set by Lambda, not by the template
					t.Errorf("New reads %s, which Env does not list", k)
				}
			}
		})
	}
}

func cloned(m fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func mustRead(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// devSigningPEM is the committed development signing certificate.
func devSigningPEM(t testing.TB) string {
	t.Helper()
	b, err := fs.ReadFile(content.DataFiles, content.SigningFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNotLiveIsNotServed: a municipality whose office the deployment
// gives no real inbox gets the honest page saying no office here takes
// its applications, and nothing is sent.
func TestNotLiveIsNotServed(t *testing.T) {
	f := newFixture(t, "a", "b")
	m := mailtest.NewServer(t, mailtest.Options{})
	db := dynalitetest.Start(t) // the ledger, as on Lambda: a DynamoDB table
	table := db.Table(t)
	fn, err := New(f.lambda("INTAKE_INBOXES", "b=familjeratt@b.example", "INTAKE_SMTP_ADDR", m.Addr,
		"INTAKE_SMTP_CA_FILE", m.CA.File(t, t.TempDir()), "INTAKE_LEDGER_TABLE", table,
		"INTAKE_STATS_TABLE", db.TableKeys(t, "stats", dynamostats.OfficeAttribute, dynamostats.MonthAttribute),
		"AWS_ENDPOINT_URL_DYNAMODB", db.Endpoint, "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"), Options{Content: f.fsys})
	if err != nil {
		t.Fatal(err)
	}
	origin := func(r *http.Request) { r.Header.Set("Origin", "https://familjeratt.kommun.example") }
	w := jt.Post(t, fn, jt.With(jt.ValidApplication("sv"), "_action", "send", "municipality", "1280"), origin)
	if !strings.Contains(w.Body.String(), "tar inte emot ansökningar här") || len(m.Messages()) != 0 {
		t.Errorf("Malmö, whose office is not live: status %d, %d sent; want the not-served page", w.Code, len(m.Messages()))
	}
	w = jt.Post(t, fn, jt.With(jt.ValidApplication("sv"), "_action", "send", "municipality", "1281"), origin)
	if w.Code != http.StatusSeeOther || len(m.Messages()) != 1 || m.Messages()[0].To[0] != "familjeratt@b.example" {
		t.Errorf("Lund, whose office is live: status %d, sent %d", w.Code, len(m.Messages()))
	}

	// The ledger's DynamoDB items, read raw, hold nothing the parent typed.
	out, err := db.Client.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil || len(out.Items) != 1 {
		t.Fatalf("%v items in the ledger (%v), want 1", len(out.Items), err)
	}
	raw := fmt.Sprintf("%#v", out.Items)
	for k, vals := range jt.ValidApplication("sv") {
		if strings.HasPrefix(k, "_") {
			continue // the journey's own controls, not answers
		}
		for _, v := range vals {
			if len(v) >= 4 && v != "1280" && v != "unknown" && strings.Contains(raw, v) {
				t.Errorf("the ledger's item holds %s = %q", k, v)
			}
		}
	}
}

// TestForgedReceipt: a receipt cookie the function did not sign shows no
// confirmation, whatever it says.
func TestForgedReceipt(t *testing.T) {
	f := newFixture(t, "a", "b") // a serves Malmö, where journeytest's application is for
	fn, err := New(dev("INTAKE_INBOX_DIR", t.TempDir(), "INTAKE_SIGNING_KEY", f.signingKey), Options{Content: f.fsys})
	if err != nil {
		t.Fatal(err)
	}
	sent := jt.Post(t, fn, jt.With(jt.ValidApplication("sv"), "_action", "send"))
	cookies := sent.Result().Cookies()
	if sent.Code != http.StatusSeeOther || len(cookies) != 1 {
		t.Fatalf("send: status %d, %d cookies", sent.Code, len(cookies))
	}
	real := cookies[0].Value
	flipped := []byte(real)
	flipped[len(flipped)/2] ^= 1
	for _, forged := range []string{
		real[:len(real)-4],         // cut short
		string(flipped),            // one bit changed
		"AAAAAAAAAAAAAAAAAAAAAAAA", // made up
		"samarbetssamtal.3VR2KZ78.a.sv.1764000000.AAAAAAAAAAAAAAAAAAAAAAAA", // in the clear, as before it was sealed
	} {
		r := httptest.NewRequest(http.MethodGet, "/api/forms/samarbetssamtal/sent", nil)
		r.AddCookie(&http.Cookie{Name: cookies[0].Name, Value: forged})
		w := httptest.NewRecorder()
		fn.ServeHTTP(w, r)
		if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "<title>Ansökan är skickad") {
			t.Errorf("forged receipt %q: status %d; it must show no confirmation", forged, w.Code)
		}
	}
	r := httptest.NewRequest(http.MethodGet, "/api/forms/samarbetssamtal/sent", nil)
	r.AddCookie(cookies[0])
	w := httptest.NewRecorder()
	fn.ServeHTTP(w, r)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Ansökan är skickad") {
		t.Errorf("the real receipt: status %d", w.Code)
	}
}

// TestSMTPWithCAFile: INTAKE_SMTP_CA_FILE is what verifies the server.
func TestSMTPWithCAFile(t *testing.T) {
	m := mailtest.NewServer(t, mailtest.Options{})
	env := map[string]string{"INTAKE_SMTP_ADDR": m.Addr, "INTAKE_SMTP_CA_FILE": m.CA.File(t, t.TempDir()), "INTAKE_SIGNING_KEY_FILE": devKey,
		"INTAKE_LEDGER_FILE": filepath.Join(t.TempDir(), "ledger.db")}
	fn, err := New(func(k string) string { return env[k] }, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := &delivery.Envelope{From: "noreply@familjeratt.example", To: []string{"malmo@familjeratt.example"}, Data: []byte("Subject: x\r\n\r\n.leading dot\r\nx\r\n")}
	if err := fn.Transport.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if got := m.Messages(); len(got) != 1 || string(got[0].Data) != string(e.Data) {
		t.Errorf("received %d messages (%v), want one holding %q", len(got), got, e.Data)
	}
	fn.Close()
	delete(env, "INTAKE_SMTP_CA_FILE") // the system's roots do not know the test CA
	fn, err = New(func(k string) string { return env[k] }, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Close()
	var de *delivery.DeliveryError
	if err := fn.Transport.Send(context.Background(), e); !errors.As(err, &de) || de.Kind() != "tls" {
		t.Errorf("without the CA file: got %v, want a tls failure", err)
	}
}

// TestContentDir: INTAKE_CONTENT_DIR gives the function its offices,
// and only the data is read: a broken page does not stop it.
func TestContentDir(t *testing.T) {
	dir := contenttest.Dir(t, contenttest.Data(t, map[string]string{
		"sv/trasig.md": "---\ntitle: [\n---\n",
	}))
	inbox := t.TempDir()
	env := map[string]string{"INTAKE_CONTENT_DIR": dir, "INTAKE_INBOX_DIR": inbox, "INTAKE_SIGNING_KEY_FILE": devKey}
	fn, err := New(func(k string) string { return env[k] }, Options{})
	if err != nil {
		t.Fatalf("a broken page stopped the function: %v", err)
	}
	// Any office of the content: which one does not matter.
	office := fn.Data.Directory.Offices[0]
	w := jt.Post(t, fn, jt.With(jt.ValidApplication("sv"), "_action", "send", "municipality", office.Municipalities[0]))
	if w.Code != 303 {
		t.Fatalf("send: status %d", w.Code)
	}
	if found, _ := filepath.Glob(filepath.Join(inbox, office.ID, "*.eml")); len(found) != 1 {
		t.Errorf("%d messages in %s's inbox, want 1", len(found), office.ID)
	}
}

// TestRefusesMissingTexts: a text a page of the journey or a message to
// staff needs, deleted from both language files, stops the function at
// start-up with the file and line, not a parent at the check page.
func TestRefusesMissingTexts(t *testing.T) {
	for _, tt := range []struct{ group, key, where string }{
		{"failed:", "  title:", "i18n/sv.yaml:"},
		{"staff:", "  flags_heading:", "i18n/sv.yaml:"},
		{"sent:", "  print:", "i18n/en.yaml:"},
	} {
		t.Run(tt.key, func(t *testing.T) {
			files := map[string]string{}
			// From every edition's file: a key missing from sv.yaml alone
			// is the others' problem ("not in sv.yaml").
			names, err := fs.Glob(content.DataFiles, "i18n/*.yaml")
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range names {
				src, err := fs.ReadFile(content.DataFiles, name)
				if err != nil {
					t.Fatal(err)
				}
				files[name] = deleteKey(t, string(src), tt.group, tt.key)
			}
			_, err = New(dev(), Options{Content: contenttest.Data(t, files)})
			key := strings.TrimSuffix(tt.group, ":") + "." + strings.TrimSuffix(strings.TrimSpace(tt.key), ":")
			if err == nil || !strings.Contains(err.Error(), tt.where) || !strings.Contains(err.Error(), `"`+key+`" is missing`) {
				t.Errorf("got %v, want %s…%q is missing", err, tt.where, key)
			}
		})
	}
}

// deleteKey removes the first line starting with key after the line
// group in a YAML file of texts.
func deleteKey(t *testing.T, src, group, key string) string {
	t.Helper()
	lines := strings.Split(src, "\n")
	in := false
	for i, l := range lines {
		if l == group {
			in = true
			continue
		}
		if in && strings.HasPrefix(l, key+" ") {
			return strings.Join(append(lines[:i:i], lines[i+1:]...), "\n")
		}
	}
	t.Fatalf("no %s under %s", key, group)
	return ""
}

// TestStartsWithAnExpiredCertificate: the site's build refuses an expired
// certificate, but the function goes on: one office's expiry must not
// stop every office, and its key still opens what is encrypted to it.
func TestStartsWithAnExpiredCertificate(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "gammal@familjeratt.example"},
		EmailAddresses: []string{"gammal@familjeratt.example"},
		NotBefore:      time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(0, 0, -1),
		KeyUsage: x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	fsys := contenttest.WithoutOffices(contenttest.Data(t, nil))
	contenttest.Put(fsys, map[string]string{
		"offices/gammal.yaml": "name: {sv: Gamla kontoret, en: Gammalby Family Law Office}\nmunicipalities: [\"1280\"]\ncontact:\n  phone: 010-000 00 00\n" +
			"intake:\n  inbox: gammal@familjeratt.example\n  certificates: [certs/gammal.pem]\n",
		"offices/certs/gammal.pem": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
	})
	inbox := t.TempDir()
	fn, err := New(dev("INTAKE_INBOX_DIR", inbox), Options{Content: fsys})
	if err != nil {
		t.Fatalf("an expired certificate stopped the function: %v", err)
	}
	if w := jt.Post(t, fn, jt.With(jt.ValidApplication("sv"), "_action", "send")); w.Code != 303 {
		t.Errorf("send to the office with the expired certificate: status %d, want 303", w.Code)
	}
	if expired := fn.Data.Directory.Expired(time.Now()); len(expired) != 1 {
		t.Errorf("Expired reports %v, want the one certificate (the site's build refuses it)", expired)
	}
}

// TestCertificateFor: which certificates can be right for a real inbox.
// The README's own test command makes one for familjeratt@kommun.se; it
// must never pass for a municipality's real mailbox.
func TestCertificateFor(t *testing.T) {
	cert := func(cn string, emails ...string) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: cn}, EmailAddresses: emails}
	}
	tests := []struct {
		name  string
		cert  *x509.Certificate
		inbox string
		want  bool
	}{
		{"the inbox itself", cert("familjeratt@kiruna.se", "familjeratt@kiruna.se"), "familjeratt@kiruna.se", true},
		{"the inbox, in other letters", cert("x", "Familjeratt@Kiruna.SE"), "familjeratt@kiruna.se", true},
		{"only in the subject", cert("familjeratt@kiruna.se"), "familjeratt@kiruna.se", true},
		{"a member of staff", cert("Anna Berg", "anna.berg@kiruna.se"), "familjeratt@kiruna.se", true},
		{"staff at a domain below", cert("Anna Berg", "anna.berg@soc.kiruna.se"), "familjeratt@kiruna.se", true},
		{"an inbox at a domain below", cert("Anna Berg", "anna.berg@kiruna.se"), "familjeratt@soc.kiruna.se", true},
		{"the README's example", cert("familjeratt@kommun.se", "familjeratt@kommun.se"), "familjeratt@kiruna.se", false},
		{"the placeholder", cert("kiruna@familjeratt.example", "kiruna@familjeratt.example"), "familjeratt@kiruna.se", false},
		{"another municipality", cert("familjeratt@malmo.se", "familjeratt@malmo.se"), "familjeratt@kiruna.se", false},
		{"a look-alike domain", cert("x", "familjeratt@evilkiruna.se"), "familjeratt@kiruna.se", false},
		{"no address at all", cert("Familjerätten"), "familjeratt@kiruna.se", false},
	}
	for _, tt := range tests {
		if got := CertificateFor(tt.cert, tt.inbox); got != tt.want {
			t.Errorf("%s: CertificateFor(%v, %s) = %v, want %v", tt.name, tt.cert.EmailAddresses, tt.inbox, got, tt.want)
		}
	}
}
