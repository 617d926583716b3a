// Package function assembles the intake function from its configuration:
// the content's data, the page chrome, and the environment. [New] is the
// one constructor: the Lambda binary, the dev server, the browser tests,
// the send-test command and the deployment's tests all call it, so each
// runs the function exactly as production does and refuses to start in
// the same cases.
package function

import (
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/journey"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/boltstore"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/boltstats"
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
	"INTAKE_INBOX_DIR":             {Meaning: "the local inbox folder, used when INTAKE_SMTP_ADDR is empty, never on Lambda (default var/inbox)", Deployed: false},
	"INTAKE_CONTENT_DIR":           {Meaning: "a content folder to take the offices, settings and texts from instead of those built in: for tests and previews; refused when the folder is missing", Deployed: false},
	"INTAKE_FROM":                  {Meaning: "the sender address of messages to offices (default noreply@familjeratt.example)", Deployed: true},
	"INTAKE_INBOXES":               {Meaning: "real inbox addresses by office id, overriding the placeholders: malmo=familjeratt@malmo.se,torsas=…", Deployed: true},
	"INTAKE_ALLOWED_ORIGIN":        {Meaning: "the site's origin, e.g. https://familjeratt.example; POSTs from elsewhere are refused", Deployed: true},
	"INTAKE_SMTP_ADDR":             {Meaning: "the mail server, host:port, e.g. email-smtp.eu-north-1.amazonaws.com:587; when set, delivery goes by SMTP with STARTTLS, otherwise to the local inbox", Deployed: true},
	"INTAKE_SMTP_USERNAME":         {Meaning: "the SMTP username (for SES, the SMTP credentials' username); empty means no AUTH", Deployed: true},
	"INTAKE_SMTP_PASSWORD":         {Meaning: "the SMTP password: a secret, which the template takes from the secret store, never as plain text", Deployed: true},
	"INTAKE_SMTP_CA_FILE":          {Meaning: "optional: a PEM file of the CAs that verify the mail server, instead of the system's (a private relay)", Deployed: true},
	"INTAKE_SIGNING_KEY":           {Meaning: "the private key (PEM) of the portal's signing certificate, content/signing.pem: a secret, from the secret store", Deployed: true},
	"INTAKE_SIGNING_KEY_FILE":      {Meaning: "a file holding that key, for running elsewhere (default off Lambda: " + DevSigningKey + ")", Deployed: false},
	"INTAKE_RECEIPT_KEY":           {Meaning: "at least 32 random characters that sign the receipt cookie: a secret, from the secret store (made afresh off Lambda)", Deployed: true},
	"INTAKE_ACK_KEY":               {Meaning: "at least 32 random characters that sign the acknowledgement links in staff messages: a secret, from the secret store (off Lambda: kept in a file beside the ledger)", Deployed: true},
	"INTAKE_LEDGER_TABLE":          {Meaning: "the DynamoDB table of the delivery ledger; required on Lambda", Deployed: true},
	"INTAKE_LEDGER_FILE":           {Meaning: "the delivery ledger's file off Lambda (default ledger.db in the INTAKE_INBOX_DIR folder, var/inbox)", Deployed: false},
	"INTAKE_LEDGER_DAYS":           {Meaning: "how many days a ledger entry is kept (default 180)", Deployed: true},
	"INTAKE_STATS_TABLE":           {Meaning: "the DynamoDB table of the statistics' counters (keys office and month, no stream, no TTL); required on Lambda", Deployed: true},
	"INTAKE_STATS_FILE":            {Meaning: "the statistics' file off Lambda (default: beside the ledger's file, var/inbox/ledger-stats.db)", Deployed: false},
	"INTAKE_STATS_THRESHOLD":       {Meaning: "the smallest count published or e-mailed as a number; smaller ones are shown as \"<5\" (default 5, from 3 to 100)", Deployed: true},
	"INTAKE_OPERATOR_EMAIL":        {Meaning: "the portal operator's address, where the yearly national statistics go; without it they are only logged as not sent", Deployed: true},
	"INTAKE_SES_CONFIGURATION_SET": {Meaning: "the Amazon SES configuration set whose bounce, delivery and complaint events reach the function, named in a header of every message", Deployed: true},
	"AWS_ENDPOINT_URL_DYNAMODB":    {Meaning: "the AWS SDK's own variable: a DynamoDB-compatible server to use instead of the region's (tests; dynalite)", Deployed: false},
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
	// Ledger is the delivery ledger's store; nil opens the one the
	// environment names (see [Env]).
	Ledger ledger.Store
	// Stats is the statistics' store; nil opens the one the environment
	// names.
	Stats stats.Store
	// BaseURL is where the site is served, for the links the function
	// writes into staff messages, when INTAKE_ALLOWED_ORIGIN does not
	// say (make run: http://127.0.0.1:8080); empty: site.yaml's base_url.
	BaseURL string
}

// Function is the intake function, ready to serve.
type Function struct {
	http.Handler // everything under /api/
	Data         *content.Data
	Chrome       *chrome.Chrome
	Transport    delivery.Transport
	Inboxes      delivery.Inboxes
	// Live are the offices this deployment delivers to; the others'
	// municipalities get the page saying no office here takes them.
	Live []*content.Office
	// Ledger is the delivery ledger.
	Ledger *ledger.Ledger
	// Stats are the statistics' counters, and Threshold the smallest
	// count an output shows as a number.
	Stats     stats.Store
	Threshold int
	operator  string // INTAKE_OPERATOR_EMAIL
	mailer    *delivery.Mailer
	logger    *slog.Logger
	now       func() time.Time
	close     func() error
}

// Close releases the ledger's file, if the function opened one.
func (f *Function) Close() error {
	if f.close == nil {
		return nil
	}
	return f.close()
}

// DefaultFrom is the sender when INTAKE_FROM is not set.
const DefaultFrom = "noreply@familjeratt.example"

// DevSigningKey is the development signing key the function uses off
// Lambda when INTAKE_SIGNING_KEY_FILE is not set: it signs what `make
// run` sends, and its certificate is content/signing.pem as committed.
const DevSigningKey = "build/dev-only-keys/signing.key.pem"

// New builds the function from the environment. The transport is SMTP
// when INTAKE_SMTP_ADDR is set, otherwise the local inbox. It refuses to
// start, with one line naming the variable or file to fix, where a
// parent could be harmed: where an application could be told "sent"
// that no office will read, or reach a real office encrypted to a key
// anyone can read.
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
	c, err := chrome.NewFS(opts.Chrome, data.Strings, data.Settings, journey.Layouts()...)
	if err != nil {
		return nil, err
	}
	if err := delivery.CheckTexts(data.Strings).Err(); err != nil {
		return nil, err
	}

	onLambda := OnLambda(getenv)
	origin := strings.TrimSuffix(getenv("INTAKE_ALLOWED_ORIGIN"), "/")
	if onLambda && origin == "" {
		return nil, errors.New("INTAKE_ALLOWED_ORIGIN is not set: on Lambda it must be the site's origin, like https://familjeratt.kommun.se, or every form post is refused")
	}
	from := getenv("INTAKE_FROM")
	if from == "" {
		from = DefaultFrom
	}
	if !intake.ValidEmail(from) {
		return nil, fmt.Errorf("INTAKE_FROM: %q is not an e-mail address", from)
	}
	transport, real, err := transportFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	inboxes, err := delivery.ParseInboxes(getenv("INTAKE_INBOXES"))
	if err != nil {
		return nil, fmt.Errorf("INTAKE_INBOXES: %w", err)
	}
	live := data.Directory.Offices
	if real {
		if live, err = CheckDeployment(data, getenv("INTAKE_INBOXES")); err != nil {
			return nil, err
		}
	} else if unknown := inboxes.Unknown(data.Directory); len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("INTAKE_INBOXES: no office has the id %s (a unit is office.unit, where the office file has it under units:)", strings.Join(unknown, ", "))
	}
	var liveUnit func(*content.Office, *content.Intake) bool
	if real { // where mail is real, a unit with a placeholder inbox takes nothing
		liveUnit = func(o *content.Office, u *content.Intake) bool { return !delivery.IsPlaceholder(inboxes.ForUnit(o, u)) }
	}
	signer, err := signerFromEnv(getenv, data.Signing, from, real)
	if err != nil {
		return nil, err
	}
	receiptKey, err := receiptKeyFromEnv(getenv, onLambda)
	if err != nil {
		return nil, err
	}
	store, closeStore, err := ledgerFromEnv(getenv, opts, onLambda)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Function, error) {
		if closeStore != nil {
			closeStore()
		}
		return nil, err
	}
	days := 0
	if v := getenv("INTAKE_LEDGER_DAYS"); v != "" {
		if days, err = strconv.Atoi(v); err != nil || days < 1 || days > 3650 {
			return fail(fmt.Errorf("INTAKE_LEDGER_DAYS: %q is not a number of days from 1 to 3650", v))
		}
	}
	statsStore, err := statsFromEnv(getenv, opts, onLambda)
	if err != nil {
		return fail(err)
	}
	threshold, err := ThresholdFromEnv(getenv)
	if err != nil {
		return fail(err)
	}
	operator := getenv("INTAKE_OPERATOR_EMAIL")
	if operator != "" && !intake.ValidEmail(operator) {
		return fail(fmt.Errorf("INTAKE_OPERATOR_EMAIL: %q is not an e-mail address", operator))
	}
	counter := &stats.Counter{Store: statsStore, Logger: opts.Logger}
	book := &ledger.Ledger{Store: store, Keep: time.Duration(days) * 24 * time.Hour, Now: opts.Now, Changed: counter.Changed}
	ackKey, err := ackKeyFromEnv(getenv, onLambda)
	if err != nil {
		return fail(err)
	}
	ackBase := origin
	if ackBase == "" {
		ackBase = strings.TrimSuffix(opts.BaseURL, "/")
	}
	if ackBase == "" {
		ackBase = data.Settings.BaseURL
	}
	mailer := &delivery.Mailer{Strings: data.Strings, Sources: intake.MunicipalitySources(data.Directory),
		From: from, Inboxes: inboxes, Signer: signer, Transport: transport,
		ConfigurationSet: getenv("INTAKE_SES_CONFIGURATION_SET")}
	h, err := journey.NewHandler(journey.Config{Data: data, Chrome: c, Deliverer: mailer, Live: live, LiveUnit: liveUnit,
		ReceiptKey: receiptKey, Logger: opts.Logger, Now: opts.Now, Random: opts.Random, AllowedOrigin: origin,
		Ledger: book, AckKey: ackKey, AckBase: ackBase, Counter: counter})
	if err != nil {
		return fail(err)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Function{Handler: h, Data: data, Chrome: c, Transport: transport, Inboxes: inboxes, Live: live,
		Ledger: book, Stats: statsStore, Threshold: threshold, operator: operator, mailer: mailer, logger: logger, now: now, close: closeStore}, nil
}

// DefaultThreshold is the smallest count shown as a number unless
// INTAKE_STATS_THRESHOLD says otherwise.
const DefaultThreshold = 5

// ThresholdFromEnv reads INTAKE_STATS_THRESHOLD. Below 3 a count points
// at one or two families too easily, so it is refused.
func ThresholdFromEnv(getenv func(string) string) (int, error) {
	v := getenv("INTAKE_STATS_THRESHOLD")
	if v == "" {
		return DefaultThreshold, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 3 || n > 100 {
		return 0, fmt.Errorf("INTAKE_STATS_THRESHOLD: %q is not a whole number from 3 to 100", v)
	}
	return n, nil
}

// OpenStats opens the statistics' store as the function does: DynamoDB
// when INTAKE_STATS_TABLE is set (always on Lambda), otherwise the file
// StatsFile names. `make stats` reads the same counters.
func OpenStats(getenv func(string) string) (stats.Store, error) {
	return statsFromEnv(getenv, Options{}, OnLambda(getenv))
}

func statsFromEnv(getenv func(string) string, opts Options, onLambda bool) (stats.Store, error) {
	if opts.Stats != nil {
		return opts.Stats, nil
	}
	if table := getenv("INTAKE_STATS_TABLE"); table != "" || onLambda {
		if table == "" {
			return nil, errors.New("INTAKE_STATS_TABLE is not set: on Lambda the statistics are a DynamoDB table")
		}
		return dynamoStats(getenv, table)
	}
	file := StatsFile(getenv)
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, fmt.Errorf("INTAKE_STATS_FILE: %w", err)
	}
	s, err := boltstats.Open(file)
	if err != nil {
		return nil, fmt.Errorf("INTAKE_STATS_FILE: %w", err)
	}
	return s, nil
}

// StatsFile is the statistics' file off Lambda: INTAKE_STATS_FILE, or
// a file beside the ledger's, named after it (var/inbox/ledger-stats.db
// by default), so that whatever gives the function its own ledger (a
// test, make run) gives it its own counters too.
func StatsFile(getenv func(string) string) string {
	if f := getenv("INTAKE_STATS_FILE"); f != "" {
		return f
	}
	return strings.TrimSuffix(LedgerFile(getenv), ".db") + "-stats.db"
}

// OpenLedger opens the ledger's store as the function does: DynamoDB
// when INTAKE_LEDGER_TABLE is set (always on Lambda), otherwise the file
// LedgerFile names. The operator's command reads the same ledger.
func OpenLedger(getenv func(string) string, now func() time.Time) (ledger.Store, func() error, error) {
	return ledgerFromEnv(getenv, Options{Now: now}, OnLambda(getenv))
}

// ledgerFromEnv opens the ledger's store: the one given, DynamoDB on
// Lambda, or a file off Lambda. The function refuses to start without
// one: without its ledger it could send the same application twice and
// never notice a lost one.
func ledgerFromEnv(getenv func(string) string, opts Options, onLambda bool) (ledger.Store, func() error, error) {
	if opts.Ledger != nil {
		return opts.Ledger, nil, nil
	}
	if table := getenv("INTAKE_LEDGER_TABLE"); table != "" || onLambda {
		if table == "" {
			return nil, nil, errors.New("INTAKE_LEDGER_TABLE is not set: on Lambda the delivery ledger is a DynamoDB table")
		}
		return dynamoLedger(getenv, table, opts.Now)
	}
	file := LedgerFile(getenv)
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, nil, fmt.Errorf("INTAKE_LEDGER_FILE: %w", err)
	}
	s, err := boltstore.Open(file, opts.Now)
	if err != nil {
		return nil, nil, fmt.Errorf("INTAKE_LEDGER_FILE: %w", err)
	}
	return s, s.Close, nil
}

// LedgerFile is the ledger's file off Lambda: INTAKE_LEDGER_FILE, or
// ledger.db in the local inbox's folder, so that whatever gives the
// function its own inbox (a test, make run) gives it its own ledger too.
func LedgerFile(getenv func(string) string) string {
	if f := getenv("INTAKE_LEDGER_FILE"); f != "" {
		return f
	}
	dir := getenv("INTAKE_INBOX_DIR")
	if dir == "" {
		dir = filepath.Join("var", "inbox")
	}
	return filepath.Join(dir, "ledger.db")
}

// ackKeyFromEnv reads the key that signs acknowledgement links. Off
// Lambda, a missing key is kept in a file beside the ledger, so that the
// links in messages already in var/inbox still work after a restart.
func ackKeyFromEnv(getenv func(string) string, onLambda bool) ([]byte, error) {
	key := []byte(getenv("INTAKE_ACK_KEY"))
	switch {
	case len(key) >= 32:
		return key, nil
	case len(key) > 0:
		return nil, errors.New("INTAKE_ACK_KEY is too short: give at least 32 random characters")
	case onLambda:
		return nil, errors.New("INTAKE_ACK_KEY is not set: on Lambda the acknowledgement links are signed with the deployment's secret key")
	}
	file := LedgerFile(getenv) + ".ack-key"
	if b, err := os.ReadFile(file); err == nil && len(b) >= 32 {
		return b, nil
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.WriteFile(file, key, 0o600); err != nil {
		return nil, fmt.Errorf("INTAKE_ACK_KEY: keeping a development key: %w", err)
	}
	return key, nil
}

// OnLambda reports whether the function runs on AWS Lambda.
func OnLambda(getenv func(string) string) bool { return getenv("AWS_LAMBDA_RUNTIME_API") != "" }

// transportFromEnv makes the transport, and says whether what it
// delivers reaches real mailboxes: on Lambda, or through a relay that is
// not on this machine. Only a local inbox or a relay on 127.0.0.1 (a test
// server) may take the repository's placeholder addresses.
func transportFromEnv(getenv func(string) string) (t delivery.Transport, real bool, err error) {
	onLambda := OnLambda(getenv)
	if getenv("INTAKE_SMTP_ADDR") != "" {
		t, err := smtpFromEnv(getenv)
		if err != nil {
			return nil, false, err
		}
		return t, onLambda || !t.Loopback(), nil
	}
	if onLambda {
		// On Lambda a local inbox is a folder on the instance: the parent
		// would read "sent" for an application no office ever gets.
		return nil, false, errors.New("INTAKE_SMTP_ADDR is not set: on Lambda, applications must go by SMTP")
	}
	dir := getenv("INTAKE_INBOX_DIR")
	if dir == "" {
		dir = "var/inbox"
	}
	return &delivery.Inbox{Dir: dir}, false, nil
}

// liveOffices are the offices a deployment delivers to, where mail is
// real: those whose units the deployment gives a real inbox, any of them.
// Each live unit must have a certificate that is not a development one,
// or have decided, in so many words, to accept TLS-only delivery; and
// each certificate must be for its real inbox ([CertificateFor]). A unit
// without a real inbox is not live: its forms get the page saying the
// office does not take them here.
func liveOffices(d *content.Directory, inboxes delivery.Inboxes) ([]*content.Office, error) {
	var live []*content.Office
	for _, o := range d.Offices {
		anyLive := false
		for _, u := range o.UnitsOf() {
			addr := inboxes.ForUnit(o, u)
			if delivery.IsPlaceholder(addr) {
				continue // not live here
			}
			anyLive = true
			what, key := fmt.Sprintf("office %s", o.ID), ""
			if u.Kind != content.FamilyLaw { // the words for the office stay as they were
				what, key = fmt.Sprintf("office %s's unit %s", o.ID, u.Kind), " ("+content.InboxKey(o.ID, u.Kind)+")"
			}
			for _, c := range u.Certs {
				if content.IsDevelopment(c) {
					return nil, fmt.Errorf("%s: %s has a real inbox in INTAKE_INBOXES%s, but its certificate is a development one, "+
						"whose private key is public (build/dev-only-keys): give the office's real certificate, or leave it out of INTAKE_INBOXES", o.File, what, key)
				}
			}
			if len(u.Certs) == 0 && !u.AcceptTLSOnly {
				return nil, fmt.Errorf("%s: %s has a real inbox in INTAKE_INBOXES%s but no certificate: give its certificate (README: staff guide)", o.File, what, key)
			}
			// The repository holds placeholders, so only here, against the
			// deployment's real address, can a certificate be checked to be
			// the unit's.
			for _, c := range u.Certs {
				if !CertificateFor(c, addr) {
					return nil, fmt.Errorf("%s: %s has the inbox %s in INTAKE_INBOXES, but a certificate for %s, so its staff "+
						"could not open what is encrypted to it: give the certificate of %s or of its staff (README: staff guide), "+
						"or correct INTAKE_INBOXES", o.File, what, addr, certAddress(c), addr)
				}
			}
		}
		if anyLive {
			live = append(live, o)
		}
	}
	if len(live) == 0 {
		return nil, fmt.Errorf("INTAKE_INBOXES gives no office a real address, so no application could be delivered: "+
			"list each office and its inbox, like malmo=familjeratt@malmo.se (the addresses under %s are placeholders)", delivery.PlaceholderDomain)
	}
	return live, nil
}

// CertificateFor reports whether an office's certificate can be right
// for its real inbox: it is for that address, or for an address at the
// same domain or one below or above it, as a member of staff who reads
// with her own key has (familjeratt@kiruna.se and anna.berg@kiruna.se).
// A certificate for a placeholder, for the README's example address or
// for another municipality's mailbox is not.
func CertificateFor(c *x509.Certificate, inbox string) bool {
	_, domain, ok := strings.Cut(strings.ToLower(inbox), "@")
	if !ok || domain == "" {
		return false
	}
	addrs := slices.Clone(c.EmailAddresses)
	if strings.Contains(c.Subject.CommonName, "@") {
		addrs = append(addrs, c.Subject.CommonName)
	}
	for _, a := range addrs {
		a = strings.ToLower(a)
		if a == strings.ToLower(inbox) {
			return true
		}
		if _, d, ok := strings.Cut(a, "@"); ok && d != "" &&
			(d == domain || strings.HasSuffix(d, "."+domain) || strings.HasSuffix(domain, "."+d) && strings.Contains(d, ".")) {
			return true
		}
	}
	return false
}

// certAddress names a certificate in a refusal: its address, or its
// subject.
func certAddress(c *x509.Certificate) string {
	if len(c.EmailAddresses) > 0 {
		return c.EmailAddresses[0]
	}
	return c.Subject.String()
}

// signerFromEnv reads the portal's signing key: INTAKE_SIGNING_KEY (the
// PEM itself, from the secret store on Lambda), or the file
// INTAKE_SIGNING_KEY_FILE names, or off Lambda the development key. Where
// mail is real, the development key, which anyone can read, is refused.
func signerFromEnv(getenv func(string) string, cert *x509.Certificate, from string, real bool) (*delivery.Signer, error) {
	keyPEM := []byte(getenv("INTAKE_SIGNING_KEY"))
	source := "INTAKE_SIGNING_KEY"
	if len(keyPEM) == 0 {
		file := getenv("INTAKE_SIGNING_KEY_FILE")
		source = "INTAKE_SIGNING_KEY_FILE"
		if file == "" && !OnLambda(getenv) {
			file, source = DevSigningKey, DevSigningKey+" (INTAKE_SIGNING_KEY_FILE is not set)"
		}
		if file == "" {
			return nil, errors.New("INTAKE_SIGNING_KEY is not set: every message is signed with the portal's key; give it from the secret store")
		}
		var err error
		if keyPEM, err = os.ReadFile(file); err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
	}
	if err := checkSigning(cert, real); err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(cert.EmailAddresses, func(a string) bool { return strings.EqualFold(a, from) }) {
		return nil, fmt.Errorf("INTAKE_FROM: %s is not the address of the signing certificate (%s): mail clients warn when they differ",
			from, strings.Join(cert.EmailAddresses, ", "))
	}
	s, err := delivery.NewSigner(cert, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return s, nil
}

// checkSigning refuses, where mail is real, the development signing
// certificate, whose key anyone can read.
func checkSigning(cert *x509.Certificate, real bool) error {
	if real && content.IsDevelopment(cert) {
		return fmt.Errorf("%s is the development signing certificate, whose key is public: real mail must be signed with the portal's own "+
			"(README: signing)", content.SigningFile)
	}
	return nil
}

// CheckDeployment applies the rules for real mail to the content and a
// deployment's INTAKE_INBOXES, as New does on Lambda: which offices would
// be live, or why the function would refuse to start. `make package` and
// `make deploy` run it, so a deployment fails before it is made.
func CheckDeployment(data *content.Data, inboxesVar string) ([]*content.Office, error) {
	inboxes, err := delivery.ParseInboxes(inboxesVar)
	if err != nil {
		return nil, fmt.Errorf("INTAKE_INBOXES: %w", err)
	}
	if unknown := inboxes.Unknown(data.Directory); len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("INTAKE_INBOXES: no office has the id %s (a unit is office.unit, where the office file has it under units:)", strings.Join(unknown, ", "))
	}
	live, err := liveOffices(data.Directory, inboxes)
	if err != nil {
		return nil, err
	}
	return live, checkSigning(data.Signing, true)
}

// receiptKeyFromEnv reads the key that signs the receipt cookie. On
// Lambda it comes from the secret store and must be long enough; off
// Lambda a missing key is made afresh, so receipts last as long as the
// process.
func receiptKeyFromEnv(getenv func(string) string, onLambda bool) ([]byte, error) {
	key := []byte(getenv("INTAKE_RECEIPT_KEY"))
	switch {
	case len(key) >= 32:
		return key, nil
	case len(key) > 0:
		return nil, errors.New("INTAKE_RECEIPT_KEY is too short: give at least 32 random characters")
	case onLambda:
		return nil, errors.New("INTAKE_RECEIPT_KEY is not set: on Lambda the receipt cookie is signed with the deployment's secret key")
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, nil
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
