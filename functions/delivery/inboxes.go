package delivery

import (
	"fmt"
	"strings"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

// Inboxes are a deployment's real inbox addresses, by office id. The
// addresses in the office files are placeholders; an address here beats
// the office file's. This is the one place that rule is written.
type Inboxes map[string]string

// For returns where an office's applications go.
func (in Inboxes) For(o *content.Office) string {
	if addr, ok := in[o.ID]; ok {
		return addr
	}
	return o.Intake.Inbox
}

// PlaceholderDomain is the reserved domain of the inbox addresses in the
// repository, so that a demo never mails anyone.
const PlaceholderDomain = content.PlaceholderDomain

// IsPlaceholder reports whether addr is one of the repository's
// placeholder addresses, which no one reads.
func IsPlaceholder(addr string) bool {
	return strings.HasSuffix(strings.ToLower(addr), "@"+PlaceholderDomain)
}

// Placeholders returns the ids of the offices whose applications would
// go to a placeholder address.
func (in Inboxes) Placeholders(offices []*content.Office) []string {
	var ids []string
	for _, o := range offices {
		if IsPlaceholder(in.For(o)) {
			ids = append(ids, o.ID)
		}
	}
	return ids
}

// Unknown returns the ids in in that name no office.
func (in Inboxes) Unknown(d *content.Directory) []string {
	var ids []string
	for id := range in {
		if _, ok := d.Office(id); !ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// ParseInboxes reads "malmo=a@b.se, torsas=c@d.se", as INTAKE_INBOXES
// gives them.
func ParseInboxes(s string) (Inboxes, error) {
	out := Inboxes{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		id, addr, ok := strings.Cut(pair, "=")
		id, addr = strings.TrimSpace(id), strings.TrimSpace(addr)
		if !ok || id == "" || !intake.ValidEmail(addr) {
			return nil, fmt.Errorf("%q is not office=address", pair)
		}
		out[id] = addr
	}
	return out, nil
}
