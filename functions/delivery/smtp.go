package delivery

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP delivers messages to a mail server: Amazon SES's SMTP interface
// or a municipality's own relay, on the submission port (587). The
// connection must be upgraded with STARTTLS and the server's certificate
// must verify; a server that does not offer STARTTLS is refused before
// anything is sent, credentials included.
type SMTP struct {
	Addr     string // host:port
	Username string // when set, AUTH PLAIN (or LOGIN, for Exchange) after STARTTLS
	Password string
	// RootCAs verify the server's certificate; nil means the system's
	// roots. A private relay or a test gives its own CA.
	RootCAs *x509.CertPool

	ConnectTimeout time.Duration // to open the connection; 0 means 3 s
	GreetTimeout   time.Duration // for the server to greet and finish STARTTLS; 0 means 3 s
	SendTimeout    time.Duration // for the whole Send, a retry included; 0 means 15 s
	RetryDelay     time.Duration // before the one retry after a 4xx answer; 0 means 1 s
	// CoolDown is how long, after the server could not be reached or
	// hung, every Send fails at once instead of trying: a hung relay must
	// not hold an instance (and a parent) per send. 0 means 60 s.
	CoolDown time.Duration

	mu       sync.Mutex
	downTill time.Time // the server failed: fail at once until then
}

// The defaults: short enough that the parent gets an answer, and that a
// Lambda invocation ends well inside its own timeout. A server that
// answers at all greets within a second; one that does not within three
// is not going to take the message in time.
const (
	defaultConnectTimeout = 3 * time.Second
	defaultGreetTimeout   = 3 * time.Second
	defaultSendTimeout    = 15 * time.Second
	defaultRetryDelay     = time.Second
	defaultCoolDown       = 60 * time.Second
)

// Loopback reports whether the server is on this machine: a test server,
// never a real mailbox.
func (s *SMTP) Loopback() bool {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DeliveryError is why the mail server did not take a message. Its Kind
// is all the log gets: the text may hold addresses.
type DeliveryError struct {
	kind string
	err  error
}

func (e *DeliveryError) Error() string { return "smtp " + e.kind + ": " + e.err.Error() }
func (e *DeliveryError) Unwrap() error { return e.err }

// Kind is one of "connect" (no session: refused, unreachable, lost
// before TLS), "timeout", "tls" (the handshake or the server's
// certificate failed), "starttls_missing", "auth", "temporary" (a 4xx
// answer, after the retry), "rejected" (a 5xx answer), "data" (the
// connection broke during the transaction) and "relay_down" (not tried:
// the server failed to answer moments ago).
func (e *DeliveryError) Kind() string { return e.kind }

// Send delivers env. It returns nil only once the server has answered
// 250 to the end of DATA; after a 4xx answer it tries once more, after
// RetryDelay, if the deadline allows.
//
// When the server could not be reached, or hung, every Send for the next
// CoolDown fails at once with kind "relay_down", and then one tries again.
func (s *SMTP) Send(ctx context.Context, env *Envelope) error {
	if s.down() {
		return &DeliveryError{"relay_down", errors.New("the server failed moments ago; not trying again yet")}
	}
	ctx, cancel := context.WithTimeout(ctx, or(s.SendTimeout, defaultSendTimeout))
	defer cancel()
	err := s.attempt(ctx, env)
	s.record(err)
	if de := (*DeliveryError)(nil); !errors.As(err, &de) || de.kind != "temporary" {
		return err
	}
	t := time.NewTimer(or(s.RetryDelay, defaultRetryDelay))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return err // the 4xx says more than the deadline does
	case <-t.C:
	}
	return s.attempt(ctx, env)
}

// down reports whether the server failed moments ago.
func (s *SMTP) down() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Before(s.downTill)
}

// record notes a failure that says the server cannot take mail now: it
// could not be reached, or did not answer in time. A server that answers,
// even to refuse, is up.
func (s *SMTP) record(err error) {
	var de *DeliveryError
	down := errors.As(err, &de) && (de.kind == "connect" || de.kind == "timeout")
	s.mu.Lock()
	defer s.mu.Unlock()
	if down {
		s.downTill = time.Now().Add(or(s.CoolDown, defaultCoolDown))
	} else {
		s.downTill = time.Time{}
	}
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// attempt is one SMTP session. Each step names the kind of failure it
// can cause, for [DeliveryError].
func (s *SMTP) attempt(ctx context.Context, env *Envelope) error {
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return &DeliveryError{"connect", err}
	}
	dialer := net.Dialer{Timeout: or(s.ConnectTimeout, defaultConnectTimeout)}
	conn, err := dialer.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return classify(ctx, "connect", err)
	}
	defer conn.Close()
	// The library bounds each command, not the session: closing the
	// connection when the context ends bounds the whole of it.
	defer context.AfterFunc(ctx, func() { conn.Close() })()

	// A server that accepts connections but never greets (a hung relay)
	// is given seconds, not the whole send: until STARTTLS is done no
	// deadline the library sets may pass that.
	capped := &cappedConn{Conn: conn, limit: time.Now().Add(or(s.GreetTimeout, defaultGreetTimeout))}
	c, err := smtp.NewClientStartTLS(capped, &tls.Config{ServerName: host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12})
	if err != nil {
		// The library has no error value to compare for a server without
		// STARTTLS, only this text; TestSMTPFaults notices if it changes.
		var se *smtp.SMTPError
		if !errors.As(err, &se) && strings.Contains(err.Error(), "doesn't support STARTTLS") {
			return &DeliveryError{"starttls_missing", errors.New("the server does not offer STARTTLS; refusing to send in plain text")}
		}
		return classify(ctx, "connect", err)
	}
	defer c.Close()
	capped.lift()
	if deadline, ok := ctx.Deadline(); ok {
		c.CommandTimeout, c.SubmissionTimeout = time.Until(deadline), time.Until(deadline)
	}
	// The first command over TLS makes the handshake, which verifies
	// the server's certificate. A few relays refuse "localhost", which
	// the library said before TLS; say the sender's domain now.
	if err := c.Hello(heloName(env.From)); err != nil {
		return classify(ctx, "tls", err)
	}
	if state, ok := c.TLSConnectionState(); !ok || !state.HandshakeComplete {
		return &DeliveryError{"tls", errors.New("no TLS after STARTTLS")}
	}
	if s.Username != "" {
		if err := s.auth(c); err != nil {
			return classify(ctx, "auth", err)
		}
	}
	if err := c.Mail(env.From, nil); err != nil {
		return classify(ctx, "data", err)
	}
	for _, to := range env.To {
		if err := c.Rcpt(to, nil); err != nil {
			return classify(ctx, "data", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return classify(ctx, "data", err)
	}
	if _, err := w.Write(env.Data); err != nil {
		return classify(ctx, "data", err)
	}
	resp, err := w.CloseWithResponse() // the server's answer to the end of DATA
	if err != nil {
		var se *smtp.SMTPError
		if !errors.As(err, &se) {
			// The whole message went out and no answer came back: the
			// server may have taken it. Saying "not sent" would invite a
			// second copy; saying "sent" might be false.
			return &DeliveryError{"unknown", err}
		}
		return classify(ctx, "data", err)
	}
	env.ProviderID = providerID(resp.StatusText)
	c.Quit() // the message is accepted; a failed goodbye changes nothing
	return nil
}

// cappedConn is a connection whose deadlines never pass its limit, until
// the limit is lifted.
type cappedConn struct {
	net.Conn
	mu    sync.Mutex
	limit time.Time
}

func (c *cappedConn) cap(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.limit.IsZero() && (t.IsZero() || t.After(c.limit)) {
		return c.limit
	}
	return t
}

func (c *cappedConn) lift() {
	c.mu.Lock()
	c.limit = time.Time{}
	c.mu.Unlock()
	c.Conn.SetDeadline(time.Time{})
}

func (c *cappedConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.cap(t)) }
func (c *cappedConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.cap(t)) }
func (c *cappedConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.cap(t)) }

// auth logs in with PLAIN, which SES and most relays offer, or with
// LOGIN, which Exchange offers instead.
func (s *SMTP) auth(c *smtp.Client) error {
	if ok, _ := c.Extension("AUTH"); !ok {
		return errors.New("a username is set but the server offers no AUTH")
	}
	switch {
	case c.SupportsAuth(sasl.Plain):
		return c.Auth(sasl.NewPlainClient("", s.Username, s.Password))
	case c.SupportsAuth(sasl.Login):
		return c.Auth(&loginClient{username: s.Username, password: s.Password})
	}
	return errors.New("the server offers neither AUTH PLAIN nor AUTH LOGIN")
}

// loginClient is AUTH LOGIN without an initial response, answering the
// server's two prompts in order. go-sasl's client sends the username
// first and insists on the exact prompt "Password:", which some relays
// word differently.
type loginClient struct {
	username, password string
	step               int
}

func (a *loginClient) Start() (string, []byte, error) { return sasl.Login, nil, nil }

func (a *loginClient) Next(challenge []byte) ([]byte, error) {
	a.step++
	switch a.step {
	case 1:
		return []byte(a.username), nil
	case 2:
		return []byte(a.password), nil
	}
	return nil, sasl.ErrUnexpectedServerChallenge
}

// classify names a failure at a step: a 4xx answer is temporary and a
// 5xx a rejection wherever it comes (except at AUTH: wrong credentials);
// a broken connection is the step's own kind, or a timeout when the
// deadline closed it.
func classify(ctx context.Context, step string, err error) error {
	var se *smtp.SMTPError
	var ne net.Error
	kind := step
	switch {
	case errors.As(err, &se) && se.Code/100 == 4:
		kind = "temporary"
	case errors.As(err, &se) && step == "auth":
		kind = "auth"
	case errors.As(err, &se) && se.Code/100 == 5:
		kind = "rejected"
	case ctx.Err() != nil, errors.As(err, &ne) && ne.Timeout():
		kind = "timeout"
	}
	return &DeliveryError{kind, err}
}

// providerID is the relay's id for an accepted message, from its 250
// answer: Amazon SES answers "Ok <id>"; other servers say other things,
// and the first word that looks like an id is taken, or "".
func providerID(text string) string {
	for _, f := range strings.Fields(text) {
		f = strings.Trim(f, "<>()[],;")
		if len(f) >= 16 && len(f) <= 200 && !strings.ContainsAny(f, " \t\"'") {
			return f
		}
	}
	return ""
}

// heloName is the name the function gives in EHLO: it has no host name
// of its own, so it gives its sender's domain.
func heloName(from string) string {
	if _, domain, ok := strings.Cut(from, "@"); ok && domain != "" && validHelo(domain) {
		return domain
	}
	return "localhost"
}

func validHelo(s string) bool {
	return !strings.ContainsAny(s, " \r\n<>") && len(s) <= 253
}

// String names the transport for people: where applications go.
func (s *SMTP) String() string { return fmt.Sprintf("SMTP %s", s.Addr) }
