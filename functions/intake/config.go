package intake

import (
	"fmt"
	"log/slog"
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
}

// ConfigFromEnv builds the handler's configuration from the environment
// and the content. The transport is the local inbox; see [Config].
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
	dir := getenv("INTAKE_INBOX_DIR")
	if dir == "" {
		dir = "var/inbox"
	}
	cfg.Transport = &Inbox{Dir: dir}
	return cfg, nil
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
