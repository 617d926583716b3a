package intake

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome"
)

// Env lists every environment variable the function reads, with what it
// means. The deployment template is checked against it.
var Env = map[string]string{
	"INTAKE_INBOX_DIR":      "the local inbox folder, used when INTAKE_SMTP_ADDR is empty (default var/inbox)",
	"INTAKE_FROM":           "the sender address of messages to offices (default noreply@familjeratt.example)",
	"INTAKE_INBOXES":        "real inbox addresses by office id, overriding the placeholders: malmo=familjeratt@malmo.se,torsas=…",
	"INTAKE_ALLOWED_ORIGIN": "the site's origin, e.g. https://familjeratt.example; POSTs from elsewhere are refused",
	"INTAKE_SMTP_ADDR":      "the mail server, host:port, e.g. email-smtp.eu-north-1.amazonaws.com:587; when set, delivery goes by SMTP with STARTTLS, otherwise to the local inbox",
	"INTAKE_SMTP_USERNAME":  "the SMTP username (for SES, the SMTP credentials' username); empty means no AUTH",
	"INTAKE_SMTP_PASSWORD":  "the SMTP password: a secret, which the template takes from the secret store, never as plain text",
	"INTAKE_SMTP_CA_FILE":   "optional: a PEM file of the CAs that verify the mail server, instead of the system's (a private relay)",
}

// ConfigFromEnv builds the handler's configuration from the environment
// and the content. The transport is SMTP when INTAKE_SMTP_ADDR is set,
// otherwise the local inbox; see [Config].
func ConfigFromEnv(getenv func(string) string, data *content.Data, c *chrome.Chrome, logger *slog.Logger) (Config, error) {
	cfg := Config{Data: data, Chrome: c, Logger: logger, From: getenv("INTAKE_FROM"),
		AllowedOrigin: strings.TrimSuffix(getenv("INTAKE_ALLOWED_ORIGIN"), "/")}
	if cfg.From == "" {
		cfg.From = "noreply@familjeratt.example"
	}
	if !ValidEmail(cfg.From) {
		return cfg, fmt.Errorf("INTAKE_FROM: %q is not an e-mail address", cfg.From)
	}
	inboxes, err := parseInboxes(getenv("INTAKE_INBOXES"))
	if err != nil {
		return cfg, err
	}
	cfg.Inboxes = inboxes
	onLambda := getenv("AWS_LAMBDA_RUNTIME_API") != ""
	if getenv("INTAKE_SMTP_ADDR") != "" {
		t, err := smtpFromEnv(getenv)
		if err != nil {
			return cfg, err
		}
		if onLambda {
			// A placeholder address would be accepted by the relay and
			// bounce later, while the parent reads "sent".
			var missing []string
			for _, o := range data.Directory.Offices {
				addr := o.Intake.Inbox
				if a, ok := inboxes[o.ID]; ok {
					addr = a
				}
				if strings.HasSuffix(strings.ToLower(addr), "@"+placeholderDomain) {
					missing = append(missing, o.ID)
				}
			}
			if len(missing) > 0 {
				return cfg, fmt.Errorf("INTAKE_INBOXES has no real address for %s: their files hold placeholders under %s",
					strings.Join(missing, ", "), placeholderDomain)
			}
		}
		cfg.Transport = t
		return cfg, nil
	}
	dir := getenv("INTAKE_INBOX_DIR")
	if onLambda && dir == "" {
		// On Lambda a local inbox is a temporary folder: the parent would
		// see "sent" for an application no office ever gets. Only an
		// explicit folder (a test of the binary) is accepted.
		return cfg, errors.New("INTAKE_SMTP_ADDR is not set: on Lambda, applications must go by SMTP")
	}
	if dir == "" {
		dir = "var/inbox"
	}
	cfg.Transport = &Inbox{Dir: dir}
	return cfg, nil
}

// placeholderDomain is the reserved domain of the inbox addresses in the
// repository, so that a demo never mails anyone.
const placeholderDomain = "familjeratt.example"

// smtpFromEnv reads the INTAKE_SMTP_ variables. No message names the
// password.
func smtpFromEnv(getenv func(string) string) (*SMTP, error) {
	t := &SMTP{Addr: getenv("INTAKE_SMTP_ADDR"), Username: getenv("INTAKE_SMTP_USERNAME"), Password: getenv("INTAKE_SMTP_PASSWORD")}
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

// parseInboxes reads "malmo=a@b.se, torsas=c@d.se".
func parseInboxes(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, addr, ok := strings.Cut(pair, "=")
		id, addr = strings.TrimSpace(id), strings.TrimSpace(addr)
		if !ok || id == "" || !ValidEmail(addr) {
			return nil, fmt.Errorf("INTAKE_INBOXES: %q is not office=address", pair)
		}
		out[id] = addr
	}
	return out, nil
}
