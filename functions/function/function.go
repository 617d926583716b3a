// Package function assembles the intake function from its configuration:
// the content's data, the page chrome, and the environment. [New] is the
// one constructor: the Lambda binary, the dev server, the browser tests,
// the send-test command and the deployment's tests all call it, so each
// runs the function exactly as production does and refuses to start in
// the same cases.
package function

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/journey"
	"familjeratt.example/portal/site/chrome"
)

// Var is an environment variable the function reads.
type Var struct {
	Meaning string
	// Deployed says the deployment template sets it. The others are for
	// running the function elsewhere: tests, previews, `make run`.
	Deployed bool
}

// Env lists every environment variable the function reads. The
// deployment template is checked against it.
var Env = map[string]Var{
	"INTAKE_INBOX_DIR":      {Meaning: "the local inbox folder, used when INTAKE_SMTP_ADDR is empty (default var/inbox); the template sets one Lambda cannot write, so a missing SMTP address fails loudly", Deployed: true},
	"INTAKE_CONTENT_DIR":    {Meaning: "a content folder to take the offices, settings and texts from instead of those built in: for tests and previews; refused when the folder is missing", Deployed: false},
	"INTAKE_FROM":           {Meaning: "the sender address of messages to offices (default noreply@familjeratt.example)", Deployed: true},
	"INTAKE_INBOXES":        {Meaning: "real inbox addresses by office id, overriding the placeholders: malmo=familjeratt@malmo.se,torsas=…", Deployed: true},
	"INTAKE_ALLOWED_ORIGIN": {Meaning: "the site's origin, e.g. https://familjeratt.example; POSTs from elsewhere are refused", Deployed: true},
	"INTAKE_SMTP_ADDR":      {Meaning: "the mail server, host:port, e.g. email-smtp.eu-north-1.amazonaws.com:587; when set, delivery goes by SMTP with STARTTLS, otherwise to the local inbox", Deployed: true},
	"INTAKE_SMTP_USERNAME":  {Meaning: "the SMTP username (for SES, the SMTP credentials' username); empty means no AUTH", Deployed: true},
	"INTAKE_SMTP_PASSWORD":  {Meaning: "the SMTP password: a secret, which the template takes from the secret store, never as plain text", Deployed: true},
	"INTAKE_SMTP_CA_FILE":   {Meaning: "optional: a PEM file of the CAs that verify the mail server, instead of the system's (a private relay)", Deployed: true},
}

// Options are what the environment does not say: where the content and
// chrome come from, and the function's clock, randomness and log.
type Options struct {
	// Content is a content tree (only its data is read); nil means the
	// data built into the binary. INTAKE_CONTENT_DIR, when set, beats it.
	Content fs.FS
	// Chrome holds templates/ and assets/; nil means the built-in chrome.
	Chrome fs.FS
	Logger *slog.Logger     // nil: no log
	Now    func() time.Time // nil: time.Now
	Random io.Reader        // for references; nil: crypto/rand
}

// Function is the intake function, ready to serve.
type Function struct {
	http.Handler // everything under /api/
	Data         *content.Data
	Chrome       *chrome.Chrome
	Transport    delivery.Transport
	Inboxes      delivery.Inboxes
}

// DefaultFrom is the sender when INTAKE_FROM is not set.
const DefaultFrom = "noreply@familjeratt.example"

// New builds the function from the environment. The transport is SMTP
// when INTAKE_SMTP_ADDR is set, otherwise the local inbox. It refuses to
// start, with a message naming the variable or file to fix, when the
// configuration could lose an application or tell a parent "sent" for
// one no office will read.
func New(getenv func(string) string, opts Options) (*Function, error) {
	fsys := opts.Content
	if dir := getenv("INTAKE_CONTENT_DIR"); dir != "" {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("INTAKE_CONTENT_DIR: %q is not a folder", dir)
		}
		fsys = os.DirFS(dir)
	}
	if fsys == nil {
		fsys = content.DataFiles
	}
	data, err := content.LoadData(fsys)
	if err != nil {
		return nil, err
	}
	c, err := chrome.NewFS(opts.Chrome, data.Strings, data.Settings)
	if err != nil {
		return nil, err
	}
	if err := delivery.CheckTexts(data.Strings).Err(); err != nil {
		return nil, err
	}

	from := getenv("INTAKE_FROM")
	if from == "" {
		from = DefaultFrom
	}
	if !intake.ValidEmail(from) {
		return nil, fmt.Errorf("INTAKE_FROM: %q is not an e-mail address", from)
	}
	inboxes, err := delivery.ParseInboxes(getenv("INTAKE_INBOXES"))
	if err != nil {
		return nil, fmt.Errorf("INTAKE_INBOXES: %w", err)
	}
	if unknown := inboxes.Unknown(data.Directory); len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("INTAKE_INBOXES: no office has the id %s", strings.Join(unknown, ", "))
	}
	transport, err := transportFromEnv(getenv, data.Directory, inboxes)
	if err != nil {
		return nil, err
	}
	mailer := &delivery.Mailer{Strings: data.Strings, Sources: intake.MunicipalitySources(data.Directory),
		From: from, Inboxes: inboxes, Transport: transport}
	h, err := journey.NewHandler(journey.Config{Data: data, Chrome: c, Deliverer: mailer,
		Logger: opts.Logger, Now: opts.Now, Random: opts.Random,
		AllowedOrigin: strings.TrimSuffix(getenv("INTAKE_ALLOWED_ORIGIN"), "/")})
	if err != nil {
		return nil, err
	}
	return &Function{Handler: h, Data: data, Chrome: c, Transport: transport, Inboxes: inboxes}, nil
}

// OnLambda reports whether the function runs on AWS Lambda.
func OnLambda(getenv func(string) string) bool { return getenv("AWS_LAMBDA_RUNTIME_API") != "" }

func transportFromEnv(getenv func(string) string, dir *content.Directory, inboxes delivery.Inboxes) (delivery.Transport, error) {
	onLambda := OnLambda(getenv)
	if getenv("INTAKE_SMTP_ADDR") != "" {
		t, err := smtpFromEnv(getenv)
		if err != nil {
			return nil, err
		}
		if onLambda {
			// A placeholder address would be accepted by the relay and
			// bounce later, while the parent reads "sent".
			if missing := inboxes.Placeholders(dir.Offices); len(missing) > 0 {
				return nil, fmt.Errorf("INTAKE_INBOXES has no real address for %s: their files hold placeholders under %s",
					strings.Join(missing, ", "), delivery.PlaceholderDomain)
			}
		}
		return t, nil
	}
	inboxDir := getenv("INTAKE_INBOX_DIR")
	if onLambda && inboxDir == "" {
		// On Lambda a local inbox is a temporary folder: the parent would
		// see "sent" for an application no office ever gets. Only an
		// explicit folder (a test of the binary) is accepted.
		return nil, errors.New("INTAKE_SMTP_ADDR is not set: on Lambda, applications must go by SMTP")
	}
	if inboxDir == "" {
		inboxDir = "var/inbox"
	}
	return &delivery.Inbox{Dir: inboxDir}, nil
}

// smtpFromEnv reads the INTAKE_SMTP_ variables. No message names the
// password.
func smtpFromEnv(getenv func(string) string) (*delivery.SMTP, error) {
	t := &delivery.SMTP{Addr: getenv("INTAKE_SMTP_ADDR"), Username: getenv("INTAKE_SMTP_USERNAME"), Password: getenv("INTAKE_SMTP_PASSWORD")}
	host, port, err := net.SplitHostPort(t.Addr)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("INTAKE_SMTP_ADDR: %q is not host:port, like email-smtp.eu-north-1.amazonaws.com:587", t.Addr)
	}
	if (t.Username == "") != (t.Password == "") {
		return nil, errors.New("INTAKE_SMTP_USERNAME and INTAKE_SMTP_PASSWORD: give both, or neither for a relay that needs no login")
	}
	if file := getenv("INTAKE_SMTP_CA_FILE"); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("INTAKE_SMTP_CA_FILE: %w", err)
		}
		t.RootCAs = x509.NewCertPool()
		if !t.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("INTAKE_SMTP_CA_FILE: %s holds no PEM certificate", file)
		}
	}
	return t, nil
}
