package delivery

import (
	"fmt"
	"strings"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

// Inboxes are a deployment's real inbox addresses, by office id for
// the family-law intake and by office id and unit for the others
// ([content.InboxKey]: malmo, malmo.umgangesstod). The addresses in the
// office files are placeholders; an address here beats the office
// file's. This is the one place that rule is written.
type Inboxes map[string]string

// For returns where an office's applications go: its family-law intake.
func (in Inboxes) For(o *content.Office) string { return in.ForUnit(o, o.Unit(content.FamilyLaw)) }

// ForUnit returns where what an office's unit receives goes.
func (in Inboxes) ForUnit(o *content.Office, u *content.Intake) string {
	if addr, ok := in[content.InboxKey(o.ID, u.Kind)]; ok {
		return addr
	}
	return u.Inbox
}

// PlaceholderDomain is the reserved domain of the inbox addresses in the
// repository, so that a demo never mails anyone.
const PlaceholderDomain = content.PlaceholderDomain

// IsPlaceholder reports whether addr is one of the repository's
// placeholder addresses, which no one reads.
func IsPlaceholder(addr string) bool {
	return strings.HasSuffix(strings.ToLower(addr), "@"+PlaceholderDomain)
}

// Placeholders returns the keys ([content.InboxKey]) of the offices'
// units whose forms would go to a placeholder address.
func (in Inboxes) Placeholders(offices []*content.Office) []string {
	var ids []string
	for _, o := range offices {
		for _, u := range o.UnitsOf() {
			if IsPlaceholder(in.ForUnit(o, u)) {
				ids = append(ids, content.InboxKey(o.ID, u.Kind))
			}
		}
	}
	return ids
}

// Offices finds an office by id; *content.Directory is one.
type Offices interface {
	Office(id string) (*content.Office, bool)
}

// Unknown returns the keys in in that name no office, or a unit the
// office does not have.
func (in Inboxes) Unknown(d Offices) []string {
	var ids []string
	for key := range in {
		id, kind, _ := strings.Cut(key, ".")
		o, ok := d.Office(id)
		if !ok || (kind != "" && (content.UnitKind(kind) == content.FamilyLaw || o.Unit(content.UnitKind(kind)) == nil)) {
			ids = append(ids, key)
		}
	}
	return ids
}

// ParseInboxes reads "malmo=a@b.se, malmo.umgangesstod=c@b.se,
// torsas=d@e.se", as INTAKE_INBOXES gives them.
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
			return nil, fmt.Errorf("%q is not office=address or office.unit=address", pair)
		}
		out[id] = addr
	}
	return out, nil
}
