// Package stats counts what offices count on paper today, without
// keeping anything that identifies a person: per office and calendar
// month (Swedish time), one row of counters, the measures of the
// catalogue in package content (content.StatGroups).
//
// # What is counted, and when
//
//   - When an application or a follow-up request is first accepted by
//     the office's mail server (a support person's visit report is
//     not, though the ledger's events below count for it as for any
//     form): the form, the number of children (as a sum and as 1, 2 or
//     3 and more), what the parents disagree on,
//     court-ordered or not, previous talks or not, an individual first
//     talk wished or not, an interpreter needed or not and the language
//     from the form's closed list (a language typed under "other" is
//     counted as "other"), protected identity or not. A submission the
//     honeypot flagged as a possible bot is delivered but not counted.
//   - From the delivery ledger, as it happens: an acknowledgement, into
//     the bucket of working days since acceptance (0–1, 2–3, 4–5, 6 and
//     more) of the month it came; each reminder, escalation and bounce.
//
// A support person's visit report (intake.VisitReport) counts once, as
// visit_reports, when the unit's server accepts it.
//
// A request to be contacted safely (intake.ContactRequest) is never
// counted per office or month: in a small municipality, one such
// request in an office's month could point at a parent. It counts once,
// when accepted, in the national row of its year ([National], month
// "2026"), and nothing of its ledger entry (acknowledgement, reminders,
// bounces) is counted anywhere. The export publishes that row's total
// only under the rules of content.StatGroup.National.
//
// Counters are never tied to a reference: a row holds sums only, with
// no time finer than the month, and nothing the parent typed. A
// submission is counted once: the function claims the count in the
// submission's ledger entry with a conditional write that only succeeds
// once the entry is accepted and not yet counted (Ledger.Claim), then
// adds. A repeated send of the same reference finds the claim and adds
// nothing; a parent who sends nothing is never counted. The two writes
// are not a transaction (the store has none), so a crash between them
// loses that one count; it can never count twice. The ledger's own
// events are counted by the same rule: each is counted by the one write
// that recorded it.
//
// The [Store] is an adapter: one file locally (package boltstats), a
// DynamoDB table of its own in production (package dynamostats), updated
// with atomic ADD, with no stream and no time to live.
package stats

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/calendar"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/ledger"
)

// Counts are counters by measure id (content.Measures).
type Counts map[string]int64

// Add adds d to c.
func (c Counts) Add(d Counts) {
	for k, v := range d {
		c[k] += v
	}
}

// Row is one office's counters for one month, or (Office [National])
// the whole country's national-only counters for one year.
type Row struct {
	Office string
	Month  string // "2026-07"; the year, "2026", in the national row
	Counts Counts
}

// National is the Office of the rows of national-only counters
// (content.StatGroup.National): not an office id, which is a slug.
const National = "*"

// Store keeps the counters.
type Store interface {
	// Add adds the counts to the office's row for the month, creating
	// it, atomically for each counter.
	Add(ctx context.Context, office, month string, c Counts) error
	// Scan calls fn with every row, in no set order.
	Scan(ctx context.Context, fn func(Row) error) error
}

// Month returns t's calendar month in Sweden, as the rows name it.
func Month(t time.Time) string { return t.In(intake.Stockholm).Format("2006-01") }

// Year returns t's year in Sweden, as the national rows name it.
func Year(t time.Time) string { return t.In(intake.Stockholm).Format("2006") }

// measureIDs is the catalogue, for checking what is added; nationalIDs
// its national-only measures.
var measureIDs, nationalIDs = func() (map[string]bool, map[string]bool) {
	all, national := map[string]bool{}, map[string]bool{}
	for _, g := range content.StatGroups {
		for _, m := range g.Measures {
			all[m.ID] = true
			if g.National {
				national[m.ID] = true
			}
		}
	}
	return all, national
}()

// NationalOnly reports whether c holds a national-only measure.
func (c Counts) NationalOnly() bool {
	for k := range c {
		if nationalIDs[k] {
			return true
		}
	}
	return false
}

// Known reports whether every counter in c is in the catalogue.
func (c Counts) Known() error {
	for k := range c {
		if !measureIDs[k] {
			return fmt.Errorf("stats: %q is not a measure of the catalogue", k)
		}
	}
	return nil
}

// Of returns what a submission adds to its office's month: only values
// from closed lists, never a text.
func Of(sub *intake.Submission) Counts {
	c := Counts{}
	switch a := sub.Answers.(type) {
	case *intake.Application:
		c["applications"] = 1
		n := len(a.Children)
		c["children"] = int64(n)
		switch {
		case n <= 1:
			c["children_1"] = 1
		case n == 2:
			c["children_2"] = 1
		default:
			c["children_3plus"] = 1
		}
		for _, t := range a.Topics {
			if measureIDs["topic_"+t] {
				c["topic_"+t] = 1
			}
		}
		c["court_ordered_"+yesNo(a.CourtOrdered)] = 1
		c["previous_talks_"+yesNo(a.PreviousTalks)] = 1
		c["individual_first_talk_"+yesNo(a.Applicant.IndividualFirstTalk)] = 1
		c["protected_identity_"+yesNo(a.Applicant.ProtectedIdentity)] = 1
		langs := []string{a.Applicant.InterpreterLanguage, a.OtherParent.InterpreterLanguage}
		needed := false
		for _, l := range langs {
			if l == "" {
				continue
			}
			needed = true
			if !slices.Contains(content.InterpreterLanguages, l) {
				l = "other" // the form allows only the list; never count a text
			}
			c["language_"+l]++
		}
		if needed {
			c["interpreter_yes"] = 1
		} else {
			c["interpreter_no"] = 1
		}
	case *intake.FollowUp:
		c["follow_ups"] = 1
	case *intake.VisitReport:
		c["visit_reports"] = 1
	case *intake.ContactRequest:
		// Only that there was one, and only nationally (Submission): a
		// count per office and month could tell someone who knows the
		// parent that they asked for help.
		c["contact_requests"] = 1
	}
	return c
}

func yesNo(s string) string {
	if s == "yes" {
		return "yes"
	}
	return "no"
}

// AckBucket is the measure an acknowledgement counts into, by working
// days from acceptance to acknowledgement.
func AckBucket(accepted, acked time.Time) string {
	switch n := calendar.WorkingDaysBetween(accepted.In(intake.Stockholm), acked.In(intake.Stockholm)); {
	case n <= 1:
		return "ack_0_1"
	case n <= 3:
		return "ack_2_3"
	case n <= 5:
		return "ack_4_5"
	default:
		return "ack_6plus"
	}
}

// Counter adds to the counters.
type Counter struct {
	Store  Store
	Logger *slog.Logger
}

func (c *Counter) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Submission counts an accepted submission once: it claims the count in
// the ledger entry, then adds. A submission the honeypot flagged is not
// counted, and neither is one whose claim is taken.
func (c *Counter) Submission(ctx context.Context, l *ledger.Ledger, sub *intake.Submission) {
	if c == nil || c.Store == nil || l == nil || sub.Honeypot {
		return
	}
	counts := Of(sub)
	if len(counts) == 0 {
		return // a form that is not counted: no claim, no empty row
	}
	office, period := sub.Office.ID, Month(sub.Received)
	// What the log may say: for a national-only count, neither the
	// office nor the form, which together would tell the log's reader
	// where and when someone asked for help.
	about := []any{"form", sub.Form.Def.ID, "office", office, "cause", "statistics"}
	if counts.NationalOnly() {
		office, period = National, Year(sub.Received)
		about = []any{"cause", "statistics"}
	}
	claimed, err := l.Claim(ctx, sub.Reference.String())
	if err != nil {
		c.logger().Error("statistics claim failed", about...)
		return
	}
	if !claimed {
		return
	}
	if err := c.Store.Add(ctx, office, period, counts); err != nil {
		// The claim is given back, so that a repeated send (the same
		// answers, the same reference) can count it.
		if err := l.Unclaim(ctx, sub.Reference.String()); err != nil {
			c.logger().Error("statistics claim not released", about...)
		}
		c.logger().Error("statistics write failed", about...)
	}
}

// Changed counts what a ledger write recorded: the ledger calls it once
// for each write it made (Ledger.Changed), with the entry before and
// after.
func (c *Counter) Changed(ctx context.Context, before, after ledger.Entry) {
	if c == nil || c.Store == nil || !after.Application() {
		return // a yearly summary's entry: not about an application
	}
	if after.Form == intake.ContactID {
		// A request to be contacted safely leaves no trace in an office's
		// month: not its acknowledgement, reminders or bounces either
		// (see Of).
		return
	}
	now := func(s ledger.State) (time.Time, bool) {
		_, had := before.At[s]
		t, has := after.At[s]
		return t, has && !had
	}
	type add struct {
		month string
		c     Counts
	}
	var adds []add
	if t, ok := now(ledger.Acknowledged); ok {
		from, okA := after.At[ledger.Accepted]
		if !okA {
			from = after.Received
		}
		adds = append(adds, add{Month(t), Counts{AckBucket(from, t): 1}})
	}
	if n := after.Reminders - before.Reminders; n > 0 {
		adds = append(adds, add{Month(after.At[ledger.Reminded]), Counts{"reminders": int64(n)}})
	}
	if t, ok := now(ledger.Escalated); ok {
		adds = append(adds, add{Month(t), Counts{"escalations": 1}})
	}
	if t, ok := now(ledger.Bounced); ok {
		adds = append(adds, add{Month(t), Counts{"bounces": 1}})
	}
	for _, a := range adds {
		if err := c.Store.Add(ctx, after.Office, a.month, a.c); err != nil {
			c.logger().Error("statistics write failed", "office", after.Office, "cause", "statistics")
		}
	}
}
