package intake

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testCA is a certificate authority made for one test, and a server
// certificate it signed for 127.0.0.1.
type testCA struct {
	pool   *x509.CertPool
	pem    []byte
	server tls.Certificate
}

func newTestCA(t testing.TB) testCA {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "intake test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ = x509.ParseCertificate(caDER)
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return testCA{pool: pool, pem: pemCert(caDER), server: tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}}
}

func pemCert(der []byte) []byte {
	return []byte("-----BEGIN CERTIFICATE-----\n" + base64.StdEncoding.EncodeToString(der) + "\n-----END CERTIFICATE-----\n")
}

// mailServer is a real SMTP server on 127.0.0.1, in process. Each test
// says how it answers DATA; it records what it received.
type mailServer struct {
	addr string
	ca   testCA

	// Settings, before the first connection.
	tls      bool   // offer STARTTLS
	insecure bool   // offer AUTH without TLS, as a careless server might
	user     string // when set, require AUTH with user and pass
	pass     string
	mechs    []string // offered mechanisms; default PLAIN
	onData   func(attempt int, conn *smtp.Conn, r io.Reader) error
	released chan struct{} // closed when the test ends, to free a slow answer

	mu       sync.Mutex
	attempts []time.Time // when each DATA began
	received [][]byte    // messages answered 250
	from, to []string
	authed   []string // usernames that logged in
	plainTLS []bool   // for each MAIL: was the session under TLS
}

func newMailServer(t testing.TB, configure func(*mailServer)) *mailServer {
	t.Helper()
	m := &mailServer{ca: newTestCA(t), tls: true, released: make(chan struct{})}
	if configure != nil {
		configure(m)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &mailSession{m: m, conn: c}, nil }))
	srv.Domain = "127.0.0.1"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.AllowInsecureAuth = m.insecure
	if m.tls {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{m.ca.server}}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() {
		close(m.released)
		srv.Close()
	})
	return m
}

// transport is the SMTP transport for this server, as ConfigFromEnv
// would make it, with timeouts short enough for a test.
func (m *mailServer) transport() *SMTP {
	return &SMTP{Addr: m.addr, Username: m.user, Password: m.pass, RootCAs: m.ca.pool,
		ConnectTimeout: time.Second, SendTimeout: 3 * time.Second, RetryDelay: 50 * time.Millisecond}
}

func (m *mailServer) count() (attempts, received int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.attempts), len(m.received)
}

type mailSession struct {
	m      *mailServer
	conn   *smtp.Conn
	authed bool
}

func (s *mailSession) AuthMechanisms() []string {
	if s.m.user == "" {
		return nil
	}
	if s.m.mechs != nil {
		return s.m.mechs
	}
	return []string{sasl.Plain}
}

func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != s.m.user || pass != s.m.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		s.m.mu.Lock()
		s.m.authed = append(s.m.authed, user)
		s.m.mu.Unlock()
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.m.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	s.m.from = append(s.m.from, from)
	s.m.plainTLS = append(s.m.plainTLS, isTLS)
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	s.m.to = append(s.m.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	s.m.mu.Lock()
	s.m.attempts = append(s.m.attempts, time.Now())
	n := len(s.m.attempts)
	s.m.mu.Unlock()
	if s.m.onData != nil {
		if err := s.m.onData(n, s.conn, r); err != nil {
			io.Copy(io.Discard, r)
			return err
		}
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	s.m.received = append(s.m.received, data)
	return nil
}

func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

// loginServer is AUTH LOGIN as Exchange does it: it prompts for the
// username, then the password.
type loginServer struct {
	check      func(user, pass string) error
	user, step string
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case "":
		l.step = "user"
		if resp != nil {
			return nil, false, errors.New("this server takes no initial response")
		}
		return []byte("Username:"), false, nil
	case "user":
		l.step, l.user = "pass", string(resp)
		return []byte("Password:"), false, nil
	}
	return nil, true, l.check(l.user, string(resp))
}

// smtpEnv is the real handler delivering by SMTP to m, for an office
// (Malmö) whose certificate and key the test has just made.
func smtpEnv(t *testing.T, tr Transport) (*env, recipient) {
	t.Helper()
	newEnv(t) // the shared chrome
	data := testData(t)
	malmo, _ := data.Directory.Office("malmo")
	r := newRecipient(t, malmo.Intake.Inbox)
	malmo.Certs = []*x509.Certificate{r.cert}
	e := &env{logs: &syncBuffer{}}
	e.sender = &switchable{next: tr}
	h, err := NewHandler(Config{Data: data, Chrome: sharedCh, Transport: e.sender,
		Now: func() time.Time { return now }, Random: fixed{}, Logger: slog.New(slog.NewJSONHandler(e.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	return e, r
}

// checkAndSend goes to the check page, then sends from it, as a parent
// does; it returns the answers the check page carried and the answer to
// sending.
func checkAndSend(t *testing.T, e *env) (url.Values, *http.Response, string) {
	t.Helper()
	check := post(t, e.h, with(validApplication("sv"), "_action", "check"))
	if check.Code != http.StatusOK {
		t.Fatalf("check: status %d", check.Code)
	}
	carried := hidden(check.Body.String())
	w := post(t, e.h, with(carried, "_action", "send"))
	return carried, w.Result(), w.Body.String()
}

// TestSMTPDelivery sends an application through the real handler to a
// real SMTP server with STARTTLS and AUTH, and reads what it received as
// the office will: decrypted with the office's key, by this package and
// by openssl.
func TestSMTPDelivery(t *testing.T) {
	m := newMailServer(t, func(m *mailServer) { m.user, m.pass = "AKIAEXAMPLE", "s3cret+/=" })
	e, office := smtpEnv(t, m.transport())
	carried, res, _ := checkAndSend(t, e)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: status %d; log: %s", res.StatusCode, e.logs.String())
	}
	ref, _ := ParseReference(carried.Get("_reference"))
	if attempts, received := m.count(); attempts != 1 || received != 1 {
		t.Fatalf("the server had %d attempts and received %d messages, want 1 and 1", attempts, received)
	}
	if got := fmt.Sprint(m.authed, m.from, m.to, m.plainTLS); got != "[AKIAEXAMPLE] [noreply@familjeratt.example] [malmo@familjeratt.example] [true]" {
		t.Errorf("auth, MAIL, RCPT, TLS: got %s", got)
	}
	raw := m.received[0]

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
		"Subject":      "Ny anmälan – samarbetssamtal – " + ref.String(),
		"Date":         "Mon, 23 Nov 2026 12:00:00 +0100",
		"Message-Id":   MessageID(ref, "samarbetssamtal", "noreply@familjeratt.example"),
		"Mime-Version": "1.0", "Content-Type": `application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"`,
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
	if !strings.HasPrefix(MessageID(ref, "samarbetssamtal", "noreply@familjeratt.example"), "<"+string(ref)+".") {
		t.Errorf("the Message-ID is not derived from the reference")
	}

	// Decrypted with the key the test made: every answer is there.
	inner, err := Unseal(raw, office.cert, office.key)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := Parts(inner)
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
	if got := fmt.Sprintln(doc.Schema, doc.Form, doc.Reference, doc.Received, doc.Office["id"]); got != "1 samarbetssamtal "+ref.String()+" 2026-11-23T11:00:00Z malmo\n" {
		t.Errorf("JSON head: got %s", got)
	}
	// As posted, except what the function tidies.
	tidied := map[string]string{
		"applicant.personal_number": "19811218-9876", "other_parent.personal_number": pnr("19790312", "234"),
		"children.0.personal_number": pnr("20150101", "000"),
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
	file := writeFile(t, "received.eml", raw)
	out := openssl(t, nil, "cms", "-decrypt", "-in", file,
		"-inkey", writeFile(t, "key.pem", office.keyPEM), "-recip", writeFile(t, "cert.pem", office.certPEM))
	if !bytes.Equal(out, inner) {
		t.Errorf("openssl decrypts to something else:\n%.400s", out)
	}
	if info := openssl(t, nil, "cms", "-cmsout", "-print", "-in", file); !bytes.Contains(info, []byte("aes-256-cbc")) {
		t.Errorf("openssl does not see AES-256-CBC:\n%s", info)
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
	tests := []struct {
		name      string
		configure func(*mailServer)
		transport func(*SMTP)
		kind      string // in the log; "" means delivered
		attempts  int    // DATA commands the server saw
		received  int
	}{
		{name: "server down", transport: func(s *SMTP) { s.Addr = closedAddr(t) }, kind: "connect"},
		{name: "connection closed during DATA", configure: func(m *mailServer) {
			m.onData = func(_ int, c *smtp.Conn, r io.Reader) error {
				io.CopyN(io.Discard, r, 100)
				c.Conn().Close()
				return errors.New("closed")
			}
		}, kind: "data", attempts: 1},
		{name: "451, retried once, then 503", configure: func(m *mailServer) {
			m.onData = func(int, *smtp.Conn, io.Reader) error {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
			}
		}, kind: "temporary", attempts: 2},
		{name: "451, then 250 on the retry", configure: func(m *mailServer) {
			m.onData = func(n int, _ *smtp.Conn, _ io.Reader) error {
				if n == 1 {
					return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
				}
				return nil
			}
		}, attempts: 2, received: 1},
		{name: "554", configure: func(m *mailServer) {
			m.onData = func(int, *smtp.Conn, io.Reader) error {
				return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message rejected: anna.lindqvist@example.org"}
			}
		}, kind: "rejected", attempts: 1},
		{name: "slower than the timeout", configure: func(m *mailServer) {
			m.onData = func(_ int, _ *smtp.Conn, r io.Reader) error {
				io.Copy(io.Discard, r)
				select {
				case <-time.After(10 * time.Second):
				case <-m.released:
				}
				return nil
			}
		}, transport: func(s *SMTP) { s.SendTimeout = 500 * time.Millisecond }, kind: "timeout", attempts: 1},
		{name: "no STARTTLS", configure: func(m *mailServer) { m.tls = false }, kind: "starttls_missing"},
		{name: "no STARTTLS, with a password to keep", configure: func(m *mailServer) { m.tls, m.insecure, m.user, m.pass = false, true, "u", "p" }, kind: "starttls_missing"},
		{name: "untrusted server certificate", transport: func(s *SMTP) { s.RootCAs = newTestCA(t).pool }, kind: "tls"},
		{name: "wrong password", configure: func(m *mailServer) { m.user, m.pass = "u", "right" },
			transport: func(s *SMTP) { s.Password = "wrong" }, kind: "auth"},
		{name: "AUTH LOGIN only, as Exchange", configure: func(m *mailServer) { m.user, m.pass, m.mechs = "u", "p", []string{sasl.Login} },
			attempts: 1, received: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMailServer(t, tt.configure)
			tr := m.transport()
			if tt.transport != nil {
				tt.transport(tr)
			}
			e, _ := smtpEnv(t, tr)
			start := time.Now()
			carried, res, body := checkAndSend(t, e)
			elapsed := time.Since(start)
			attempts, received := m.count()
			if attempts != tt.attempts || received != tt.received {
				t.Errorf("the server saw %d DATA and accepted %d, want %d and %d", attempts, received, tt.attempts, tt.received)
			}
			if tt.kind == "" {
				if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 {
					t.Fatalf("status %d, %d cookies; want 303 and a receipt; log: %s", res.StatusCode, len(res.Cookies()), e.logs.String())
				}
				if tt.attempts == 2 && m.attempts[1].Sub(m.attempts[0]) < tr.RetryDelay {
					t.Errorf("the retry came %v after the first try, before the backoff of %v", m.attempts[1].Sub(m.attempts[0]), tr.RetryDelay)
				}
				return
			}
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503", res.StatusCode)
			}
			if len(res.Cookies()) != 0 || strings.Contains(body, "Anmälan är skickad") {
				t.Errorf("the failure confirms, or sets a receipt")
			}
			if !strings.Contains(body, "Dina svar är inte skickade") {
				t.Errorf("the 503 page does not say the answers were not sent")
			}
			kept := hidden(body)
			for k := range carried {
				if strings.Join(kept[k], ",") != strings.Join(carried[k], ",") {
					t.Errorf("%s not kept: got %q, want %q", k, kept[k], carried[k])
				}
			}
			if !strings.Contains(e.logs.String(), `"cause":"`+tt.kind+`"`) {
				t.Errorf("the log does not name the cause %q: %s", tt.kind, e.logs.String())
			}
			if strings.Contains(e.logs.String(), "anna.lindqvist") || strings.Contains(e.logs.String(), m.addr) {
				t.Errorf("the log holds the error's text")
			}
			if limit := tr.SendTimeout + time.Second; elapsed > limit {
				t.Errorf("the parent waited %v, over %v", elapsed, limit)
			}
			if strings.HasPrefix(tt.kind, "starttls") || tt.kind == "tls" {
				if len(m.from) != 0 || len(m.authed) != 0 {
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

// TestSMTPDeadline: the context's deadline (a Lambda invocation's) ends
// the send even when SendTimeout would allow more, and no retry starts
// after it.
func TestSMTPDeadline(t *testing.T) {
	m := newMailServer(t, func(m *mailServer) {
		m.onData = func(int, *smtp.Conn, io.Reader) error {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "later"}
		}
	})
	tr := m.transport()
	tr.RetryDelay = 2 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := tr.Send(ctx, &Envelope{From: "noreply@familjeratt.example", To: []string{"malmo@familjeratt.example"}, Data: []byte("Subject: x\r\n\r\nx\r\n")})
	if failureKind(err) != "temporary" || time.Since(start) > time.Second {
		t.Errorf("got %v (%s) after %v; want the 451 within the deadline", err, failureKind(err), time.Since(start))
	}
	if attempts, _ := m.count(); attempts != 1 {
		t.Errorf("%d attempts, want 1: no retry after the deadline", attempts)
	}
}

func TestSMTPFromEnv(t *testing.T) {
	ca := newTestCA(t)
	caFile := writeFile(t, "ca.pem", ca.pem)
	notPEM := writeFile(t, "ca.txt", []byte("not a certificate"))
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
		{"on Lambda without SMTP", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"}, "INTAKE_SMTP_ADDR is not set: on Lambda"},
		{"on Lambda with an explicit inbox folder (a test of the binary)", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "INTAKE_INBOX_DIR": "/tmp/x"}, "inbox /tmp/x"},
		{"on Lambda, an office left with its placeholder", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "INTAKE_SMTP_ADDR": "a.se:587",
			"INTAKE_INBOXES": "malmo=a@malmo.se"}, "INTAKE_INBOXES has no real address for helsingborg, osthammar, torsas"},
		{"on Lambda, every office addressed", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "INTAKE_SMTP_ADDR": "a.se:587",
			"INTAKE_INBOXES": "malmo=a@malmo.se,osthammar=b@osthammar.se,torsas=c@torsas.se,helsingborg=d@helsingborg.se"}, "SMTP a.se:587"},
		{"CA file not PEM", map[string]string{"INTAKE_SMTP_ADDR": "a.se:587", "INTAKE_SMTP_CA_FILE": notPEM}, "INTAKE_SMTP_CA_FILE: " + notPEM + " holds no PEM certificate"},
	}
	newEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := map[string]bool{}
			cfg, err := ConfigFromEnv(func(k string) string { read[k] = true; return tt.env[k] }, sharedData, sharedCh, nil)
			var got string
			switch tr := cfg.Transport.(type) {
			case *Inbox:
				got = "inbox " + tr.Dir
			case *SMTP:
				roots := "system roots"
				if tr.RootCAs != nil {
					roots = "own CA"
				}
				got = strings.Join([]string{tr.String(), tr.Username, roots}, " ")
			}
			if err != nil {
				got = err.Error()
				if strings.Contains(got, "hunter2") {
					t.Errorf("the error names the password")
				}
			}
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			for k := range read {
				if _, ok := Env[k]; !ok && k != "AWS_LAMBDA_RUNTIME_API" { // set by Lambda, not by the template
					t.Errorf("ConfigFromEnv reads %s, which Env does not list", k)
				}
			}
		})
	}
}

// TestSMTPWithCAFile: INTAKE_SMTP_CA_FILE is what verifies the server.
func TestSMTPWithCAFile(t *testing.T) {
	m := newMailServer(t, nil)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, m.ca.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	newEnv(t)
	env := map[string]string{"INTAKE_SMTP_ADDR": m.addr, "INTAKE_SMTP_CA_FILE": caFile}
	cfg, err := ConfigFromEnv(func(k string) string { return env[k] }, sharedData, sharedCh, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &Envelope{From: "noreply@familjeratt.example", To: []string{"malmo@familjeratt.example"}, Data: []byte("Subject: x\r\n\r\n.leading dot\r\nx\r\n")}
	if err := cfg.Transport.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if _, received := m.count(); received != 1 || string(m.received[0]) != string(e.Data) {
		t.Errorf("received %q, want %q", m.received, e.Data)
	}
	delete(env, "INTAKE_SMTP_CA_FILE") // the system's roots do not know the test CA
	cfg, _ = ConfigFromEnv(func(k string) string { return env[k] }, sharedData, sharedCh, nil)
	if err := cfg.Transport.Send(context.Background(), e); failureKind(err) != "tls" {
		t.Errorf("without the CA file: got %v, want a tls failure", err)
	}
}
