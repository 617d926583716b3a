// Package sweep finds applications that an office's server accepted but
// nobody at the office has acknowledged, and does something about them:
// after the office's reminder delay in working days (Swedish weekends,
// public holidays and the eves offices close on do not count) it reminds
// the office, and after as many days again it escalates to the office's
// other address and raises the operator's alarm.
//
// Reminders and escalations hold references only: no name, no number,
// nothing a parent typed, and a neutral subject. A sweep run twice sends
// nothing twice, since the ledger records each step.
package sweep

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/calendar"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/ledger"
)

// Sweep is one pass over the ledger.
type Sweep struct {
	Ledger   *ledger.Ledger
	Offices  Offices
	Notifier Notifier
	Logger   *slog.Logger
	Now      func() time.Time
}

// Offices finds an office by id; *content.Directory is one.
type Offices interface {
	Office(id string) (*content.Office, bool)
}

// Notifier sends an office a signed notice; *delivery.Mailer is one.
type Notifier interface {
	Notify(ctx context.Context, office *content.Office, to []string, subject, text string, now time.Time) error
	InboxFor(o *content.Office, u *content.Intake) string
}

// Report says what a sweep did.
type Report struct {
	Checked   int      // entries looked at
	Reminded  []string // references the offices were reminded of
	Escalated []string // references escalated
}

// due is one office's references at one step.
type due struct {
	office *content.Office
	unit   *content.Intake // the office's unit the references went to
	refs   []ledger.Entry
}

// Run sweeps once. A reminder that cannot be sent is not recorded, so the
// next sweep tries again; the error is returned after the other offices
// have had theirs.
func (s *Sweep) Run(ctx context.Context) (Report, error) {
	now := s.Now()
	var rep Report
	remind := map[string]*due{}
	escalate := map[string]*due{}
	err := s.Ledger.Store.Scan(ctx, func(e ledger.Entry) error {
		rep.Checked++
		o, ok := s.Offices.Office(e.Office)
		if !ok || !waiting(e) {
			return nil
		}
		u := unitOf(o, e)
		if u == nil {
			return nil // the unit is gone from the office file: nobody to remind
		}
		days := u.RemindAfter()
		accepted := since(e).In(intake.Stockholm)
		first := calendar.AddWorkingDays(accepted, days)
		second := calendar.AddWorkingDays(first, days)
		switch {
		case !now.Before(second) && e.At[ledger.Escalated].IsZero():
			add(escalate, o, u, e)
		case !now.Before(first) && e.Reminders == 0:
			add(remind, o, u, e)
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	var firstErr error
	for _, d := range sorted(remind) {
		if err := s.send(ctx, d, false); err != nil {
			firstErr = keep(firstErr, err)
			continue
		}
		rep.Reminded = append(rep.Reminded, s.record(ctx, d, ledger.Reminded)...)
	}
	for _, d := range sorted(escalate) {
		// The operator's alarm: the log line the template's metric
		// filter counts. It names references and the office only.
		s.Logger.Error("escalated", "office", d.office.ID, "references", refs(d.refs))
		if err := s.send(ctx, d, true); err != nil {
			firstErr = keep(firstErr, err)
			continue
		}
		rep.Escalated = append(rep.Escalated, s.record(ctx, d, ledger.Escalated)...)
	}
	return rep, firstErr
}

// waiting reports whether an entry awaits the office's acknowledgement:
// its server took it, or it went out whole with no answer (unknown: it
// may well have arrived, and only the office can say), and no bounce or
// complaint has already raised the alarm about it.
func waiting(e ledger.Entry) bool {
	if !e.Application() {
		return false // a statistics summary: nothing to acknowledge
	}
	switch e.State {
	case ledger.Accepted, ledger.Delivered, ledger.Reminded, ledger.Escalated, ledger.Unknown:
		return !since(e).IsZero()
	}
	return false
}

// since is when the office's wait began: when its server accepted the
// application, or else when it went out with no answer.
func since(e ledger.Entry) time.Time {
	if t := e.At[ledger.Accepted]; !t.IsZero() {
		return t
	}
	return e.At[ledger.Unknown]
}

func add(m map[string]*due, o *content.Office, u *content.Intake, e ledger.Entry) {
	key := content.InboxKey(o.ID, u.Kind)
	d := m[key]
	if d == nil {
		d = &due{office: o, unit: u}
		m[key] = d
	}
	d.refs = append(d.refs, e)
}

// unitOf is the office's unit that received the entry's form: the
// family-law intake for a form the ledger names but this version does
// not know.
func unitOf(o *content.Office, e ledger.Entry) *content.Intake {
	if f, ok := intake.FormByID(e.Form); ok {
		return o.Unit(f.Unit)
	}
	return o.Unit(content.FamilyLaw)
}

func sorted(m map[string]*due) []*due {
	out := make([]*due, 0, len(m))
	for _, d := range m {
		sort.Slice(d.refs, func(i, j int) bool { return d.refs[i].Received.Before(d.refs[j].Received) })
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		return content.InboxKey(out[i].office.ID, out[i].unit.Kind) < content.InboxKey(out[j].office.ID, out[j].unit.Kind)
	})
	return out
}

func keep(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func refs(es []ledger.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Reference
	}
	return out
}

// record notes the step in each entry; a write that fails is logged for
// the alarm and the reference is left out of the report.
func (s *Sweep) record(ctx context.Context, d *due, st ledger.State) []string {
	var done []string
	for _, e := range d.refs {
		if _, _, err := s.Ledger.Record(ctx, e.Reference, st, ""); err != nil {
			s.Logger.Error("ledger write failed", "reference", e.Reference, "state", string(st), "cause", "ledger")
			continue
		}
		done = append(done, e.Reference)
	}
	return done
}

// send mails the office (or, escalating, its other address and the
// office) the list of references.
func (s *Sweep) send(ctx context.Context, d *due, escalation bool) error {
	inbox := s.Notifier.InboxFor(d.office, d.unit)
	to := []string{inbox}
	if escalation && d.unit.EscalateTo != "" {
		to = append([]string{d.unit.EscalateTo}, to...)
	}
	subject, text := notice(d, inbox, escalation)
	return s.Notifier.Notify(ctx, d.office, to, subject, text, s.Now())
}

// notice is the reminder's subject and text: in Swedish, the staff's
// language, with the references and when each arrived, nothing else.
func notice(d *due, inbox string, escalation bool) (subject, text string) {
	subject = "Påminnelse: ansökningar som inte är bekräftade"
	intro := "Familjerättsportalen har skickat de här ansökningarna till er e-postlåda, men ingen hos er har bekräftat att de har kommit fram."
	if escalation {
		subject = "Obekräftade ansökningar: ingen har svarat på påminnelsen"
		intro = "De här ansökningarna till " + d.office.Name[content.SV] + " är fortfarande inte bekräftade, trots en påminnelse. " +
			"Kontrollera att någon läser e-postlådan " + inbox + "."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", intro)
	for _, e := range d.refs {
		fmt.Fprintf(&b, "  %s  (mottagen %s)\n", formatRef(e.Reference), e.Received.In(intake.Stockholm).Format("2006-01-02 15:04"))
	}
	b.WriteString("\nÖppna varje ansökan i er krypterade e-post och bekräfta med länken i den. " +
		"Hittar ni inte en ansökan? Hör av er till dem som driver portalen och ange referensnumret. " +
		"Det här meddelandet innehåller inga personuppgifter.\n")
	return subject, b.String()
}

// formatRef writes a reference as parents and staff see it: 3VR2-KZ78.
func formatRef(ref string) string {
	if r, err := intake.ParseReference(ref); err == nil {
		return r.String()
	}
	return ref
}
