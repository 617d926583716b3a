// Package mailtest is what the tests of delivery need on the other side
// of the wire, as real software on 127.0.0.1: an SMTP server with
// STARTTLS and AUTH, the certificate authority that signs its
// certificate, and S/MIME recipients whose keys open what was sent. Like
// net/http/httptest, it is for tests only.
package mailtest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// CA is a certificate authority made for one test, and a server
// certificate it signed for 127.0.0.1.
type CA struct {
	Pool   *x509.CertPool // for a client that must verify the server
	PEM    []byte         // the CA's certificate, as INTAKE_SMTP_CA_FILE holds it
	Server tls.Certificate
}

// NewCA makes a CA and a server certificate for 127.0.0.1, valid for an
// hour.
func NewCA(tb testing.TB) *CA {
	tb.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &caKey.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		tb.Fatal(err)
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	srv := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, ca, &srvKey.PublicKey, caKey)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &CA{Pool: pool, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		Server: tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}}
}

// File writes the CA's certificate into dir and returns the file's name.
func (ca *CA) File(tb testing.TB, dir string) string {
	tb.Helper()
	name := filepath.Join(dir, "smtp-ca.pem")
	if err := os.WriteFile(name, ca.PEM, 0o600); err != nil {
		tb.Fatal(err)
	}
	return name
}

// Options say how a Server behaves. The zero value offers STARTTLS and
// needs no login.
type Options struct {
	NoTLS        bool     // do not offer STARTTLS
	InsecureAuth bool     // offer AUTH without TLS, as a careless server might
	User, Pass   string   // when User is set, require AUTH with these
	Mechanisms   []string // the AUTH mechanisms offered; default PLAIN
	// OnData, when set, runs as each DATA begins (attempt counts from 1);
	// an error it returns is the server's answer instead of 250.
	OnData func(attempt int, conn *smtp.Conn, r io.Reader) error
}

// Message is what the server received and answered 250 to.
type Message struct {
	User string // who logged in, if anyone
	From string
	To   []string
	Data []byte
	TLS  bool // the session was under TLS when MAIL came
}

// Server is a real SMTP server on 127.0.0.1, in process, closed when the
// test ends.
type Server struct {
	Addr string // host:port
	CA   *CA

	opts     Options
	released chan struct{}

	mu       sync.Mutex
	attempts []time.Time // when each DATA began
	received []Message
	sessions []Message // what each MAIL began, answered or not
	logins   []string  // who logged in
}

// NewServer starts a server.
func NewServer(tb testing.TB, opts Options) *Server {
	tb.Helper()
	s := &Server{CA: NewCA(tb), opts: opts, released: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, conn: c}, nil }))
	srv.Domain = "127.0.0.1"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.AllowInsecureAuth = opts.InsecureAuth
	if !opts.NoTLS {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{s.CA.Server}}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go srv.Serve(ln)
	tb.Cleanup(func() {
		close(s.released)
		srv.Close()
	})
	return s
}

// Released is closed when the test ends: an OnData that holds an answer
// back waits for it, so it never outlives the test.
func (s *Server) Released() <-chan struct{} { return s.released }

// Messages returns what the server accepted, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.received...)
}

// Sessions returns, for every MAIL command, who sent it and whether it
// came under TLS, accepted or not.
func (s *Server) Sessions() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.sessions...)
}

// Logins returns the usernames that logged in, one for each AUTH that
// succeeded.
func (s *Server) Logins() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.logins...)
}

// Attempts returns when each DATA began.
func (s *Server) Attempts() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.attempts...)
}

type session struct {
	s    *Server
	conn *smtp.Conn
	cur  Message
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.User == "" {
		return nil
	}
	if ss.s.opts.Mechanisms != nil {
		return ss.s.opts.Mechanisms
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if user != ss.s.opts.User || pass != ss.s.opts.Pass {
			return smtp.ErrAuthFailed
		}
		ss.cur.User = user
		ss.s.mu.Lock()
		ss.s.logins = append(ss.s.logins, user)
		ss.s.mu.Unlock()
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

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.User != "" && ss.cur.User == "" {
		return smtp.ErrAuthRequired
	}
	_, ss.cur.TLS = ss.conn.TLSConnectionState()
	ss.cur.From = from
	ss.s.mu.Lock()
	ss.s.sessions = append(ss.s.sessions, ss.cur)
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.cur.To = append(ss.cur.To, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	ss.s.mu.Lock()
	ss.s.attempts = append(ss.s.attempts, time.Now())
	n := len(ss.s.attempts)
	ss.s.mu.Unlock()
	if ss.s.opts.OnData != nil {
		if err := ss.s.opts.OnData(n, ss.conn, r); err != nil {
			io.Copy(io.Discard, r)
			return err
		}
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := ss.cur
	m.To = append([]string(nil), m.To...)
	m.Data = data
	ss.s.mu.Lock()
	ss.s.received = append(ss.s.received, m)
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset()        { ss.cur = Message{User: ss.cur.User} }
func (ss *session) Logout() error { return nil }

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

// Recipient is an S/MIME certificate and its private key.
type Recipient struct {
	Cert    *x509.Certificate
	Key     crypto.PrivateKey
	CertPEM []byte
	KeyPEM  []byte
}

// NewRecipient makes an S/MIME encryption certificate for addr,
// self-signed, valid for a day, with a key no file in the repository
// holds.
func NewRecipient(tb testing.TB, addr string) *Recipient {
	tb.Helper()
	return newCert(tb, addr, x509.KeyUsageKeyEncipherment)
}

// NewSigner makes an S/MIME signing certificate for addr, like
// NewRecipient's: what the portal signs its messages with.
func NewSigner(tb testing.TB, addr string) *Recipient {
	tb.Helper()
	return newCert(tb, addr, x509.KeyUsageDigitalSignature)
}

func newCert(tb testing.TB, addr string, usage x509.KeyUsage) *Recipient {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: addr}, EmailAddresses: []string{addr},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: usage, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	return &Recipient{Cert: cert, Key: key,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})}
}

// ReadRecipient reads a certificate and its PKCS #8 key from PEM files.
func ReadRecipient(certFile, keyFile string) (*Recipient, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, errors.New("not PEM: " + certFile + ", " + keyFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, err
	}
	return &Recipient{Cert: cert, Key: key, CertPEM: certPEM, KeyPEM: keyPEM}, nil
}

// OpenSSL runs the real openssl, which `make deps` installs, and returns
// what it printed: a second implementation that reads what was sent.
func OpenSSL(tb testing.TB, stdin []byte, args ...string) []byte {
	tb.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		tb.Fatal("these tests need openssl; `make deps` installs it")
	}
	cmd := exec.Command("openssl", args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// WriteFile writes data to a new file in a temporary folder and returns
// its name.
func WriteFile(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// NewHungServer listens on 127.0.0.1 and accepts every connection, but
// never says a word: a mail server that has hung. It returns its address;
// the connections are closed when the test ends.
func NewHungServer(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}
