package function

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io/fs"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/content/contenttest"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/delivery/mailtest"
	jt "familjeratt.example/portal/functions/journey/journeytest"
)

// TestNew: what the environment makes of the function, and when it
// refuses to start.
func TestNew(t *testing.T) {
	caFile := mailtest.WriteFile(t, "ca.pem", mailtest.NewCA(t).PEM)
	notPEM := mailtest.WriteFile(t, "ca.txt", []byte("not a certificate"))
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, o := range data.Directory.Offices {
		all = append(all, o.ID+"="+o.ID+"@kommun.example")
	}
	tests := []struct {
		name string
		env  map[string]string
		want string // the transport, or the start of the error
	}{
		{"local inbox", map[string]string{"INTAKE_INBOX_DIR": "/tmp/x"}, "inbox /tmp/x"},
		{"SES", map[string]string{"INTAKE_SMTP_ADDR": "email-smtp.eu-north-1.amazonaws.com:587", "INTAKE_SMTP_USERNAME": "AKIA", "INTAKE_SMTP_PASSWORD": "pw"}, "SMTP email-smtp.eu-north-1.amazonaws.com:587 AKIA system roots"},
		{"relay with its CA, no login", map[string]string{"INTAKE_SMTP_ADDR": "relay.kommun.se:25", "INTAKE_SMTP_CA_FILE": caFile}, "SMTP relay.kommun.se:25  own CA"},
		{"no port", map[string]string{"INTAKE_SMTP_ADDR": "relay.kommun.se"}, `INTAKE_SMTP_ADDR: "relay.kommun.se" is not host:port`},
		{"port not a number", map[string]string{"INTAKE_SMTP_ADDR": "relay.kommun.se:smtp"}, `INTAKE_SMTP_ADDR: "relay.kommun.se:smtp" is not host:port`},
		{"username without password", map[string]string{"INTAKE_SMTP_ADDR": "a.se:587", "INTAKE_SMTP_USERNAME": "u"}, "INTAKE_SMTP_USERNAME and INTAKE_SMTP_PASSWORD: give both"},
		{"password without username", map[string]string{"INTAKE_SMTP_ADDR": "a.se:587", "INTAKE_SMTP_PASSWORD": "hunter2"}, "INTAKE_SMTP_USERNAME and INTAKE_SMTP_PASSWORD: give both"},
		{"CA file missing", map[string]string{"INTAKE_SMTP_ADDR": "a.se:587", "INTAKE_SMTP_CA_FILE": "/nonexistent/ca.pem"}, "INTAKE_SMTP_CA_FILE: open /nonexistent/ca.pem"},
		{"CA file not PEM", map[string]string{"INTAKE_SMTP_ADDR": "a.se:587", "INTAKE_SMTP_CA_FILE": notPEM}, "INTAKE_SMTP_CA_FILE: " + notPEM + " holds no PEM certificate"},
		{"sender not an address", map[string]string{"INTAKE_FROM": "noreply"}, `INTAKE_FROM: "noreply" is not an e-mail address`},
		{"inboxes malformed", map[string]string{"INTAKE_INBOXES": "malmo"}, `INTAKE_INBOXES: "malmo" is not office=address`},
		{"inbox for an office that does not exist", map[string]string{"INTAKE_INBOXES": "atlantis=a@b.se"}, "INTAKE_INBOXES: no office has the id atlantis"},
		{"on Lambda without SMTP", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"}, "INTAKE_SMTP_ADDR is not set: on Lambda"},
		{"on Lambda with an explicit inbox folder (a test of the binary)", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "INTAKE_INBOX_DIR": "/tmp/x"}, "inbox /tmp/x"},
		{"on Lambda, an office left with its placeholder", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "INTAKE_SMTP_ADDR": "a.se:587",
			"INTAKE_INBOXES": strings.Join(all[1:], ",")}, "INTAKE_INBOXES has no real address for " + data.Directory.Offices[0].ID + ":"},
		{"on Lambda, every office addressed", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "INTAKE_SMTP_ADDR": "a.se:587",
			"INTAKE_INBOXES": strings.Join(all, ",")}, "SMTP a.se:587"},
		{"content folder missing", map[string]string{"INTAKE_CONTENT_DIR": "/nonexistent/content"}, `INTAKE_CONTENT_DIR: "/nonexistent/content" is not a folder`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := map[string]bool{}
			fn, err := New(func(k string) string { read[k] = true; return tt.env[k] }, Options{})
			var got string
			if err != nil {
				got = err.Error()
				if strings.Contains(got, "hunter2") {
					t.Errorf("the error names the password")
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
			}
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			for k := range read {
				if _, ok := Env[k]; !ok && k != "AWS_LAMBDA_RUNTIME_API" { // set by Lambda, not by the template
					t.Errorf("New reads %s, which Env does not list", k)
				}
			}
		})
	}
}

// TestSMTPWithCAFile: INTAKE_SMTP_CA_FILE is what verifies the server.
func TestSMTPWithCAFile(t *testing.T) {
	m := mailtest.NewServer(t, mailtest.Options{})
	env := map[string]string{"INTAKE_SMTP_ADDR": m.Addr, "INTAKE_SMTP_CA_FILE": m.CA.File(t, t.TempDir())}
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
	delete(env, "INTAKE_SMTP_CA_FILE") // the system's roots do not know the test CA
	fn, _ = New(func(k string) string { return env[k] }, Options{})
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
	env := map[string]string{"INTAKE_CONTENT_DIR": dir, "INTAKE_INBOX_DIR": inbox}
	fn, err := New(func(k string) string { return env[k] }, Options{})
	if err != nil {
		t.Fatalf("a broken page stopped the function: %v", err)
	}
	w := jt.Post(t, fn, jt.With(jt.ValidApplication("sv"), "_action", "send"))
	if w.Code != 303 {
		t.Fatalf("send: status %d", w.Code)
	}
	office, _ := fn.Data.Directory.OfficeFor("1280")
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
			for _, lang := range []string{"sv", "en"} {
				name := "i18n/" + lang + ".yaml"
				src, err := fs.ReadFile(content.DataFiles, name)
				if err != nil {
					t.Fatal(err)
				}
				files[name] = deleteKey(t, string(src), tt.group, tt.key)
			}
			_, err := New(func(string) string { return "" }, Options{Content: contenttest.Data(t, files)})
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
		"offices/gammal.yaml": "name: {sv: Gamla kontoret, en: The old office}\nmunicipalities: [\"1280\"]\ncontact:\n  phone: 010-000 00 00\n" +
			"intake:\n  inbox: gammal@familjeratt.example\n  certificates: [certs/gammal.pem]\n",
		"offices/certs/gammal.pem": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
	})
	inbox := t.TempDir()
	fn, err := New(func(k string) string { return map[string]string{"INTAKE_INBOX_DIR": inbox}[k] }, Options{Content: fsys})
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
