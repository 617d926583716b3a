package journey

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/delivery/mailtest"
	"familjeratt.example/portal/functions/intake"
	jt "familjeratt.example/portal/functions/journey/journeytest"
)

// These tests deliver through the journey and the real mailer to a real
// SMTP server, and read what arrived as the office will.

// smtpEnv is the real handler delivering by SMTP to m, for the fixture's
// office in Malmö, whose certificate and key the test has just made.
func smtpEnv(t *testing.T, tr delivery.Transport) (*env, *mailtest.Recipient) {
	t.Helper()
	newEnv(t) // the shared chrome
	data := testData(t)
	malmo, _ := data.Directory.Office("malmo")
	r := mailtest.NewRecipient(t, malmo.Intake.Inbox)
	malmo.Intake.Certs = []*x509.Certificate{r.Cert}
	e := &env{logs: &jt.Log{}}
	e.sender = &switchable{next: tr}
	_, signer := keys(t)
	mailer := &delivery.Mailer{Strings: data.Strings, Sources: intake.MunicipalitySources(data.Directory),
		From: "noreply@familjeratt.example", Signer: signer, Transport: e.sender}
	h, err := NewHandler(Config{Data: data, Chrome: sharedCh, Deliverer: mailer,
		Now: func() time.Time { return now }, Random: jt.Fixed{}, Logger: slog.New(slog.NewJSONHandler(e.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	return e, r
}

// transport is the SMTP transport for a test server, as the function
// would make it, with timeouts short enough for a test.
func transport(m *mailtest.Server, user, pass string) *delivery.SMTP {
	return &delivery.SMTP{Addr: m.Addr, Username: user, Password: pass, RootCAs: m.CA.Pool,
		ConnectTimeout: time.Second, SendTimeout: 3 * time.Second, RetryDelay: 50 * time.Millisecond}
}

// checkAndSend goes to the check page, then sends from it, as a parent
// does; it returns the answers the check page carried and the answer to
// sending.
func checkAndSend(t *testing.T, e *env) (url.Values, *http.Response, string) {
	t.Helper()
	carried, w := jt.CheckAndSend(t, e.h, validApplication("sv"))
	return carried, w.Result(), w.Body.String()
}

// TestSMTPDelivery sends an application through the real handler to a
// real SMTP server with STARTTLS and AUTH, and reads what it received as
// the office will: decrypted with the office's key, by this package and
// by openssl.
func TestSMTPDelivery(t *testing.T) {
	m := mailtest.NewServer(t, mailtest.Options{User: "AKIAEXAMPLE", Pass: "s3cret+/="})
	e, office := smtpEnv(t, transport(m, "AKIAEXAMPLE", "s3cret+/="))
	carried, res, _ := checkAndSend(t, e)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: status %d; log: %s", res.StatusCode, e.logs.String())
	}
	got := m.Messages()
	if len(got) == 0 {
		t.Fatal("nothing received")
	}
	msgHead, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := intake.ParseReference(msgHead.Header.Get(delivery.ReferenceHeader))
	if err != nil {
		t.Fatalf("the reference header: %v", err)
	}
	_ = carried
	if attempts := len(m.Attempts()); attempts != 1 || len(got) != 1 {
		t.Fatalf("the server had %d attempts and received %d messages, want 1 and 1", attempts, len(got))
	}
	if got := fmt.Sprintln(got[0].User, got[0].From, got[0].To, got[0].TLS); got != "AKIAEXAMPLE noreply@familjeratt.example [malmo@familjeratt.example] true\n" {
		t.Errorf("auth, MAIL, RCPT, TLS: got %s", got)
	}
	raw := got[0].Data

	// The outer headers: neutral, and nothing but these.
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	wantHeaders := map[string]string{
		"From": "noreply@familjeratt.example", "To": "malmo@familjeratt.example",
		"Subject":                 "Ny ansökan – samarbetssamtal – " + ref.String(),
		"Date":                    "Mon, 23 Nov 2026 12:00:00 +0100",
		"Message-Id":              delivery.MessageID(ref, "samarbetssamtal", "noreply@familjeratt.example"),
		"X-Familjeratt-Reference": ref.String(),
		"Mime-Version":            "1.0", "Content-Type": `application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"`,
		"Content-Transfer-Encoding": "base64", "Content-Disposition": `attachment; filename="smime.p7m"`,
	}
	msg.Header["Subject"] = []string{subject}
	for k, want := range wantHeaders {
		if got := msg.Header.Get(k); got != want {
			t.Errorf("header %s: got %q, want %q", k, got, want)
		}
	}
	if len(msg.Header) != len(wantHeaders) {
		t.Errorf("headers: got %d, want %d: %v", len(msg.Header), len(wantHeaders), msg.Header)
	}
	if !strings.HasPrefix(delivery.MessageID(ref, "samarbetssamtal", "noreply@familjeratt.example"), "<"+string(ref)+".") {
		t.Errorf("the Message-ID is not derived from the reference")
	}

	// Decrypted with the key the test made: every answer is there.
	inner, err := delivery.Unseal(raw, office.Cert, office.Key)
	if err != nil {
		t.Fatal(err)
	}
	_, signer := keys(t)
	signed, err := delivery.Verify(inner, signer.Cert)
	if err != nil {
		t.Fatalf("the signature: %v", err)
	}
	parts, err := delivery.Parts(signed)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema    int               `json:"schema_version"`
		Form      string            `json:"form"`
		Reference string            `json:"reference"`
		Received  string            `json:"received"`
		Office    map[string]string `json:"office"`
		Answers   map[string]any    `json:"answers"`
	}
	if err := json.Unmarshal(parts["application/json"], &doc); err != nil {
		t.Fatalf("the JSON part: %v", err)
	}
	if got := fmt.Sprintln(doc.Schema, doc.Form, doc.Reference, doc.Received, doc.Office["id"]); got != "2 samarbetssamtal "+ref.String()+" 2026-11-23T11:00:00Z malmo\n" {
		t.Errorf("JSON head: got %s", got)
	}
	// As posted, except what the function tidies.
	tidied := map[string]string{
		"applicant.personal_number": "19811218-9876", "other_parent.personal_number": pnr("19790312", "234"),
		"children.0.personal_number": pnr("20150101", "002"),
	}
	text, html := string(parts["text/plain"]), string(parts["text/html"])
	for key, vals := range validApplication("sv") {
		if strings.HasPrefix(key, "_") {
			continue
		}
		want := strings.Join(vals, ",")
		if v, ok := tidied[key]; ok {
			want = v
		}
		if got := lookup(doc.Answers, key); got != want {
			t.Errorf("JSON %s: got %q, want %q", key, got, want)
		}
		if slices.Contains(personalFields, key) && (!strings.Contains(text, want) || !strings.Contains(html, want)) {
			t.Errorf("the readable parts lack %s = %q", key, want)
		}
	}

	// openssl reads the same bytes the server received, to the same entity.
	file := mailtest.WriteFile(t, "received.eml", raw)
	out := mailtest.OpenSSL(t, nil, "cms", "-decrypt", "-in", file,
		"-inkey", mailtest.WriteFile(t, "key.pem", office.KeyPEM), "-recip", mailtest.WriteFile(t, "cert.pem", office.CertPEM))
	if !bytes.Equal(out, inner) {
		t.Errorf("openssl decrypts to something else:\n%.400s", out)
	}
	if info := mailtest.OpenSSL(t, nil, "cms", "-cmsout", "-print", "-in", file); !bytes.Contains(info, []byte("aes-256-cbc")) {
		t.Errorf("openssl does not see AES-256-CBC:\n%s", info)
	}
	// openssl verifies the signature, with the portal's certificate as the
	// one trusted, and gives the entity that was signed.
	portalCert := mailtest.WriteFile(t, "portal.pem", pemOf(signer.Cert))
	verified := mailtest.OpenSSL(t, out, "cms", "-verify", "-CAfile", portalCert, "-purpose", "any")
	if !bytes.Equal(bytes.ReplaceAll(verified, []byte("\r\n"), []byte("\n")), bytes.ReplaceAll(signed, []byte("\r\n"), []byte("\n"))) {
		t.Errorf("openssl verifies to something else:\n%.400s", verified)
	}

	// Nothing the parent wrote is in what the server received.
	der, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	forms := personalForms(validApplication("sv"))
	for _, want := range []string{"Lindqvist", "811218-9876", "198112189876", "19811218-9876", "0701234567", "anna.lindqvist@example.org", "Storgatan 12", "21134", "Malm=C3=B6"} {
		if !slices.Contains(forms, want) {
			t.Fatalf("the personal forms lack %q: %q", want, forms)
		}
	}
	for _, personal := range forms {
		if bytes.Contains(raw, []byte(personal)) || bytes.Contains(der, []byte(personal)) {
			t.Errorf("the server received %q", personal)
		}
	}
}

// lookup finds a form field's answer in the JSON by its name:
// "children.0.given_name". Lists join with commas.
func lookup(answers map[string]any, key string) string {
	var v any = answers
	for _, seg := range strings.Split(key, ".") {
		switch node := v.(type) {
		case map[string]any:
			v = node[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i >= len(node) {
				return "<missing>"
			}
			v = node[i]
		default:
			return "<missing>"
		}
	}
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var ss []string
		for _, s := range v {
			ss = append(ss, fmt.Sprint(s))
		}
		return strings.Join(ss, ",")
	}
	return fmt.Sprintf("<%T>", v)
}

// personalFields are the answers in validApplication that say who
// someone is or where to find them.
var personalFields = []string{"applicant.given_name", "applicant.family_name", "applicant.personal_number",
	"applicant.street", "applicant.postal_code", "applicant.city", "applicant.phone", "applicant.email",
	"applicant.safe_contact", "other_parent.given_name", "other_parent.family_name", "other_parent.personal_number",
	"children.0.given_name", "children.0.family_name", "children.0.personal_number"}

// personalForms is every personal value of an application in the forms
// it could take in a message: as typed, without spaces or hyphens, a
// personnummer in 10 and 12 digits, and quoted-printable.
func personalForms(v url.Values) []string {
	var out []string
	add := func(s string) {
		out = append(out, s, strings.ReplaceAll(s, " ", ""), strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "-", ""))
		if qp := strings.ReplaceAll(s, "ö", "=C3=B6"); qp != s {
			out = append(out, qp)
		}
	}
	for _, k := range personalFields {
		if !strings.HasSuffix(k, "personal_number") {
			add(v.Get(k))
			continue
		}
		digits := strings.NewReplacer("-", "", "+", "").Replace(v.Get(k))
		ten := digits[len(digits)-10:]
		century := map[bool]string{true: "19", false: "20"}[ten[:2] > "26"]
		twelve := digits
		if len(digits) == 10 {
			twelve = century + digits
		}
		add(ten[:6] + "-" + ten[6:])
		add(twelve[:8] + "-" + twelve[8:])
	}
	return out
}

// TestSMTPFaults: whatever goes wrong, the parent sees the 503 page with
// every answer kept and the same reference, gets no receipt, and the log
// names the kind of failure.
func TestSMTPFaults(t *testing.T) {
	released := make(chan struct{}) // frees a slow answer when the test ends
	t.Cleanup(func() { close(released) })
	tests := []struct {
		name      string
		options   mailtest.Options
		transport func(*delivery.SMTP)
		kind      string // in the log; "" means delivered
		orKind    string // another kind the same fault may honestly give
		attempts  int    // DATA commands the server saw
		received  int
	}{
		{name: "server down", transport: func(s *delivery.SMTP) { s.Addr = closedAddr(t) }, kind: "connect"},
		{name: "connection closed after the message, before the answer", options: mailtest.Options{
			OnData: func(_ int, c *smtp.Conn, r io.Reader) error {
				io.Copy(io.Discard, r) // up to the final dot
				c.Conn().Close()
				return errors.New("closed")
			}}, kind: "unknown", attempts: 1}, // the portal sent it all, and no answer came
		// Whether the portal's write fails (not sent: the final dot never
		// left) or its wait for the answer does (unknown) depends on the
		// kernel's buffers; either is honest, and neither may say "sent".
		{name: "connection closed part-way through the message", options: mailtest.Options{
			OnData: func(_ int, c *smtp.Conn, r io.Reader) error {
				io.CopyN(io.Discard, r, 100)
				c.Conn().Close()
				return errors.New("closed")
			}}, kind: "data", orKind: "unknown", attempts: 1},
		{name: "451, retried once, then 503", options: mailtest.Options{
			OnData: func(int, *smtp.Conn, io.Reader) error {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
			}}, kind: "temporary", attempts: 2},
		{name: "451, then 250 on the retry", options: mailtest.Options{
			OnData: func(n int, _ *smtp.Conn, _ io.Reader) error {
				if n == 1 {
					return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
				}
				return nil
			}}, attempts: 2, received: 1},
		{name: "554", options: mailtest.Options{
			OnData: func(int, *smtp.Conn, io.Reader) error {
				return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message rejected: anna.lindqvist@example.org"}
			}}, kind: "rejected", attempts: 1},
		{name: "slower than the timeout", options: mailtest.Options{
			OnData: func(_ int, _ *smtp.Conn, r io.Reader) error {
				io.Copy(io.Discard, r)
				select {
				case <-time.After(10 * time.Second):
				case <-released:
				}
				return nil
			}}, transport: func(s *delivery.SMTP) { s.SendTimeout = 500 * time.Millisecond }, kind: "unknown", attempts: 1}, // the server took it all, and the 250 never came
		{name: "no STARTTLS", options: mailtest.Options{NoTLS: true}, kind: "starttls_missing"},
		{name: "no STARTTLS, with a password to keep", options: mailtest.Options{NoTLS: true, InsecureAuth: true, User: "u", Pass: "p"}, kind: "starttls_missing"},
		{name: "untrusted server certificate", transport: func(s *delivery.SMTP) { s.RootCAs = mailtest.NewCA(t).Pool }, kind: "tls"},
		{name: "wrong password", options: mailtest.Options{User: "u", Pass: "right"},
			transport: func(s *delivery.SMTP) { s.Password = "wrong" }, kind: "auth"},
		{name: "AUTH LOGIN only, as Exchange", options: mailtest.Options{User: "u", Pass: "p", Mechanisms: []string{sasl.Login}},
			attempts: 1, received: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mailtest.NewServer(t, tt.options)
			tr := transport(m, tt.options.User, tt.options.Pass)
			if tt.transport != nil {
				tt.transport(tr)
			}
			e, _ := smtpEnv(t, tr)
			start := time.Now()
			carried, res, body := checkAndSend(t, e)
			elapsed := time.Since(start)
			attemptTimes := m.Attempts()
			attempts, received := len(attemptTimes), len(m.Messages())
			if attempts != tt.attempts || received != tt.received {
				t.Errorf("the server saw %d DATA and accepted %d, want %d and %d", attempts, received, tt.attempts, tt.received)
			}
			if tt.kind == "" {
				if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 {
					t.Fatalf("status %d, %d cookies; want 303 and a receipt; log: %s", res.StatusCode, len(res.Cookies()), e.logs.String())
				}
				if tt.attempts == 2 && attemptTimes[1].Sub(attemptTimes[0]) < tr.RetryDelay {
					t.Errorf("the retry came %v after the first try, before the backoff of %v", attemptTimes[1].Sub(attemptTimes[0]), tr.RetryDelay)
				}
				return
			}
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503", res.StatusCode)
			}
			kind := tt.kind
			if tt.orKind != "" && strings.Contains(e.logs.String(), `"cause":"`+tt.orKind+`"`) {
				kind = tt.orKind
			}
			if len(res.Cookies()) != 0 || strings.Contains(body, "<title>Ansökan är skickad") {
				t.Errorf("the failure confirms, or sets a receipt")
			}
			// Not sent says so; a send whose outcome cannot be known says
			// that instead, never "not sent", which would invite a second
			// copy without warning, nor "sent".
			want := "Dina svar är inte skickade"
			if kind == "unknown" {
				want = "Vi kunde inte bekräfta att dina svar kom fram"
			}
			if !strings.Contains(body, want) {
				t.Errorf("the 503 page does not say %q", want)
			}
			kept := hidden(body)
			for k := range carried {
				if strings.Join(kept[k], ",") != strings.Join(carried[k], ",") {
					t.Errorf("%s not kept: got %q, want %q", k, kept[k], carried[k])
				}
			}
			if !strings.Contains(e.logs.String(), `"cause":"`+kind+`"`) {
				t.Errorf("the log does not name the cause %q: %s", kind, e.logs.String())
			}
			if strings.Contains(e.logs.String(), "anna.lindqvist") || strings.Contains(e.logs.String(), m.Addr) {
				t.Errorf("the log holds the error's text")
			}
			if limit := tr.SendTimeout + time.Second; elapsed > limit {
				t.Errorf("the parent waited %v, over %v", elapsed, limit)
			}
			if strings.HasPrefix(tt.kind, "starttls") || tt.kind == "tls" {
				if len(m.Sessions()) != 0 || len(m.Logins()) != 0 {
					t.Errorf("MAIL or AUTH went to a server without verified TLS")
				}
			}
		})
	}
}

// closedAddr is an address on 127.0.0.1 where nothing listens.
func closedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestLocalInboxOpenSSL is the acceptance check of `make run`: the local
// inbox holds the encrypted message, and the real openssl decrypts it
// with the office's key into what the office will read.
func TestLocalInboxOpenSSL(t *testing.T) {
	e := newEnv(t)
	w := post(t, e.h, with(validApplication("sv"), "_action", "send"))
	if w.Code != 303 || len(e.sender.sent) != 1 {
		t.Fatalf("send: status %d, %d sent", w.Code, len(e.sender.sent))
	}
	env := e.sender.sent[0]
	file := filepath.Join(e.inbox, "malmo", env.Reference.String()+".eml")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, env.Data) || !delivery.Sealed(raw) {
		t.Fatalf("the inbox file is not the encrypted message that was sent")
	}
	for _, personal := range []string{"Anna", "Lindqvist", "811218", "Storgatan"} {
		if bytes.Contains(raw, []byte(personal)) {
			t.Errorf("the inbox file holds %q in plain", personal)
		}
	}
	officeKey, signer := fixtureKeys(t)
	out := mailtest.OpenSSL(t, nil, "cms", "-decrypt", "-in", file,
		"-inkey", mailtest.WriteFile(t, "malmo.key.pem", officeKey["malmo"].KeyPEM), "-recip", mailtest.WriteFile(t, "malmo.pem", officeKey["malmo"].CertPEM))
	verified := mailtest.OpenSSL(t, out, "cms", "-verify", "-CAfile", mailtest.WriteFile(t, "signing.pem", signer.CertPEM), "-purpose", "any")
	if crlf := bytes.ReplaceAll(verified, []byte("\r\n"), []byte("\n")); !bytes.Equal(crlf, bytes.ReplaceAll(opened(t, raw), []byte("\r\n"), []byte("\n"))) {
		t.Errorf("openssl and Unseal with Verify disagree:\n%s", verified)
	}
	parts, err := delivery.Parts(opened(t, raw))
	if err != nil {
		t.Fatal(err)
	}
	if text := string(parts["text/plain"]); !strings.Contains(text, "Efternamn: Lindqvist") || !strings.Contains(text, "Personnummer: 19811218-9876") {
		t.Errorf("the decrypted text lacks the applicant:\n%s", text)
	}
}

func pemOf(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// TestTamperedMessageFailsToVerify: a message changed after it was
// signed does not verify, with openssl or with Verify, and one signed
// with another key is not the portal's.
func TestTamperedMessageFailsToVerify(t *testing.T) {
	e := newEnv(t)
	if w := post(t, e.h, with(validApplication("sv"), "_action", "send")); w.Code != http.StatusSeeOther {
		t.Fatalf("send: status %d", w.Code)
	}
	ks, signer := keys(t)
	env := e.sender.sent[0]
	var inner []byte
	for _, k := range ks {
		if got, err := delivery.Unseal(env.Data, k.Cert, k.Key); err == nil {
			inner = got
		}
	}
	if inner == nil {
		t.Fatal("not decrypted")
	}
	if _, err := delivery.Verify(inner, signer.Cert); err != nil {
		t.Fatalf("the untouched message: %v", err)
	}
	// Change one character of the signed text, inside the base64.
	head, body, _ := bytes.Cut(inner, []byte("\r\n\r\n"))
	der, err := base64.StdEncoding.DecodeString(string(bytes.ReplaceAll(body, []byte("\r\n"), nil)))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(der, []byte("Lindqvist"))
	if i < 0 {
		t.Fatal("the signed data does not hold the application in the clear (it is inside the encryption)")
	}
	der[i] = 'X'
	tampered := append(append(head, "\r\n\r\n"...), base64.StdEncoding.EncodeToString(der)...)
	if _, err := delivery.Verify(tampered, signer.Cert); err == nil {
		t.Error("Verify accepts a changed message")
	}
	cmd := exec.Command("openssl", "cms", "-verify", "-CAfile", mailtest.WriteFile(t, "signing.pem", pemOf(signer.Cert)), "-purpose", "any")
	cmd.Stdin = bytes.NewReader(tampered)
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("openssl verifies a changed message:\n%s", out)
	}
	other := mailtest.NewSigner(t, "noreply@familjeratt.example")
	if _, err := delivery.Verify(inner, other.Cert); err == nil {
		t.Error("Verify says the portal signed a message its certificate did not")
	}
}
