package stats_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/boltstore"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/boltstats"
)

func TestOf(t *testing.T) {
	app := func(mod func(a *intake.Application)) *intake.Application {
		a := &intake.Application{Children: []intake.Child{{}}, Topics: []string{"custody"}, CourtOrdered: "no", PreviousTalks: "no"}
		a.Applicant.ProtectedIdentity, a.Applicant.IndividualFirstTalk = "no", "no"
		if mod != nil {
			mod(a)
		}
		return a
	}
	base := stats.Counts{"applications": 1, "children": 1, "children_1": 1, "topic_custody": 1, "court_ordered_no": 1,
		"previous_talks_no": 1, "individual_first_talk_no": 1, "protected_identity_no": 1, "interpreter_no": 1}
	with := func(kv ...any) stats.Counts {
		c := stats.Counts{}
		c.Add(base)
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == 0 {
				delete(c, kv[i].(string))
				continue
			}
			c[kv[i].(string)] = int64(kv[i+1].(int))
		}
		return c
	}
	tests := []struct {
		name    string
		answers any
		want    stats.Counts
	}{
		{"the simplest application", app(nil), base},
		{"three children and more", app(func(a *intake.Application) { a.Children = make([]intake.Child, 4) }),
			with("children", 4, "children_1", 0, "children_3plus", 1)},
		{"two children", app(func(a *intake.Application) { a.Children = make([]intake.Child, 2) }),
			with("children", 2, "children_1", 0, "children_2", 1)},
		{"every topic", app(func(a *intake.Application) {
			a.Topics = []string{"custody", "residence", "contact", "support", "other"}
			a.TopicsOther = "Skolval"
		}), with("topic_residence", 1, "topic_contact", 1, "topic_support", 1, "topic_other", 1)},
		{"court, previous talks, own first talk, protected", app(func(a *intake.Application) {
			a.CourtOrdered, a.CourtCaseNumber, a.PreviousTalks = "yes", "T 1-24", "yes"
			a.Applicant.IndividualFirstTalk, a.Applicant.ProtectedIdentity = "yes", "yes"
		}), with("court_ordered_no", 0, "court_ordered_yes", 1, "previous_talks_no", 0, "previous_talks_yes", 1,
			"individual_first_talk_no", 0, "individual_first_talk_yes", 1, "protected_identity_no", 0, "protected_identity_yes", 1)},
		{"both parents need an interpreter, one in a language typed under other", app(func(a *intake.Application) {
			a.Applicant.InterpreterLanguage = "ar"
			a.OtherParent.InterpreterLanguage, a.OtherParent.InterpreterLanguageOther = "other", "Assyriska"
		}), with("interpreter_no", 0, "interpreter_yes", 1, "language_ar", 1, "language_other", 1)},
		{"the same language twice", app(func(a *intake.Application) {
			a.Applicant.InterpreterLanguage, a.OtherParent.InterpreterLanguage = "so", "so"
		}), with("interpreter_no", 0, "interpreter_yes", 1, "language_so", 2)},
		{"a value off the list is never counted as itself", app(func(a *intake.Application) {
			a.Applicant.InterpreterLanguage = "Anna Lindqvist"
		}), with("interpreter_no", 0, "interpreter_yes", 1, "language_other", 1)},
		{"a follow-up request", &intake.FollowUp{Message: "Vi vill träffas igen"}, stats.Counts{"follow_ups": 1}},
		{"a visit report counts as one, and none of its texts", &intake.VisitReport{CaseReference: "T 1234-25",
			Interrupted: "yes", InterruptionReason: "Pappan kom inte", Concerns: "Barnet var ledset"}, stats.Counts{"visit_reports": 1}},
		{"a contact request counts as one, and none of its answers", &intake.ContactRequest{Municipality: "1280", Name: "S",
			ContactBy: "phone", Phone: "070-123 45 67", ProtectedIdentity: "yes", InterpreterLanguage: "ar"}, stats.Counts{"contact_requests": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := stats.Of(&intake.Submission{Answers: tt.answers})
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
			if err := got.Known(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestAckBucket(t *testing.T) {
	se := intake.Stockholm
	mon := time.Date(2025, 3, 10, 9, 0, 0, 0, se) // a Monday
	tests := []struct {
		acked time.Time
		want  string
	}{
		{mon.Add(time.Hour), "ack_0_1"},
		{time.Date(2025, 3, 11, 9, 0, 0, 0, se), "ack_0_1"},
		{time.Date(2025, 3, 12, 9, 0, 0, 0, se), "ack_2_3"},
		{time.Date(2025, 3, 13, 9, 0, 0, 0, se), "ack_2_3"},
		{time.Date(2025, 3, 14, 9, 0, 0, 0, se), "ack_4_5"},
		{time.Date(2025, 3, 17, 9, 0, 0, 0, se), "ack_4_5"},   // the weekend does not count
		{time.Date(2025, 3, 18, 9, 0, 0, 0, se), "ack_6plus"}, // six working days
		{time.Date(2025, 4, 22, 9, 0, 0, 0, se), "ack_6plus"},
	}
	for _, tt := range tests {
		if got := stats.AckBucket(mon, tt.acked); got != tt.want {
			t.Errorf("accepted %v, acknowledged %v: got %s, want %s", mon, tt.acked, got, tt.want)
		}
	}
	// Easter: Good Friday and Easter Monday are not working days.
	thu := time.Date(2025, 4, 17, 9, 0, 0, 0, se)
	if got := stats.AckBucket(thu, time.Date(2025, 4, 22, 9, 0, 0, 0, se)); got != "ack_0_1" {
		t.Errorf("over Easter: got %s, want ack_0_1", got)
	}
}

type failing struct{ stats.Store }

func (failing) Add(context.Context, string, string, stats.Counts) error { return errors.New("down") }

// The counter and the ledger together: counted once, not for a
// honeypot, and a failed add leaves the claim free for a repeat.
func TestCounterSubmission(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ls, err := boltstore.Open(filepath.Join(dir, "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := boltstats.Open(filepath.Join(dir, "stats.db"))
	if err != nil {
		t.Fatal(err)
	}
	c := &stats.Counter{Store: store}
	l := &ledger.Ledger{Store: ls, Changed: c.Changed}
	form := intake.Forms()[0]
	office := &content.Office{ID: "malmo"}
	received := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	sub := func(ref string, honeypot bool) *intake.Submission {
		r, err := intake.ParseReference(ref)
		if err != nil {
			t.Fatal(err)
		}
		return &intake.Submission{Form: form, Reference: r, Office: office, Received: received, Honeypot: honeypot,
			Answers: &intake.FollowUp{}}
	}
	accept := func(ref string) {
		if _, err := l.Begin(ctx, ref, "x", "malmo", ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := l.Record(ctx, ref, ledger.Accepted, ""); err != nil {
			t.Fatal(err)
		}
	}
	var refs []string
	for i := range 2 {
		ref, err := intake.NewReference(fixedReader(byte(10 * i)))
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref.String())
	}
	a, b := refs[0], refs[1]
	accept(a)
	c.Submission(ctx, l, sub(a, false))
	c.Submission(ctx, l, sub(a, false)) // a repeat
	accept(b)
	c.Submission(ctx, l, sub(b, true)) // the honeypot
	// A failed add gives the claim back: the next try counts.
	(&stats.Counter{Store: failing{store}}).Submission(ctx, l, sub(b, false))
	if e, err := l.Store.Get(ctx, b); err != nil || e.Counted {
		t.Fatalf("after a failed add: counted %v (%v), want the claim given back", e.Counted, err)
	}
	c.Submission(ctx, l, sub(b, false))
	var got stats.Counts
	if err := store.Scan(ctx, func(r stats.Row) error { got = r.Counts; return nil }); err != nil {
		t.Fatal(err)
	}
	if got["follow_ups"] != 2 {
		t.Errorf("follow_ups = %d, want 2: one each for the two references", got["follow_ups"])
	}
}

// A visit report is not counted: no claim in its ledger entry, so
// nothing is kept as counted, and no row, not even an empty one.
func TestCounterVisitReport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ls, err := boltstore.Open(filepath.Join(dir, "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := boltstats.Open(filepath.Join(dir, "stats.db"))
	if err != nil {
		t.Fatal(err)
	}
	c := &stats.Counter{Store: store}
	l := &ledger.Ledger{Store: ls, Changed: c.Changed}
	ref, err := intake.NewReference(fixedReader(3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Begin(ctx, ref.String(), intake.VisitReportID, "malmo", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Record(ctx, ref.String(), ledger.Accepted, ""); err != nil {
		t.Fatal(err)
	}
	form, ok := intake.FormByID(intake.VisitReportID)
	if !ok {
		t.Fatal("no visit report form")
	}
	sub := &intake.Submission{Form: form, Reference: ref, Office: &content.Office{ID: "malmo"},
		Received: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC), Answers: &intake.VisitReport{Interrupted: "yes"}}
	c.Submission(ctx, l, sub)
	c.Submission(ctx, l, sub) // sent again: counted once
	if e, err := l.Store.Get(ctx, ref.String()); err != nil || !e.Counted {
		t.Errorf("the visit report's entry: counted %v (%v), want its claim", e.Counted, err)
	}
	var got []stats.Row
	if err := store.Scan(ctx, func(r stats.Row) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []stats.Row{{Office: "malmo", Month: "2025-03", Counts: stats.Counts{"visit_reports": 1}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows after a visit report sent twice:\ngot  %v\nwant %v", got, want)
	}
}

type fixedReader byte

func (f fixedReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f) + byte(i)
	}
	return len(p), nil
}

// The ledger's events, counted in the month they happen, once each.
func TestCounterChanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2025, 3, 31, 9, 0, 0, 0, time.UTC)
	ls, err := boltstore.Open(filepath.Join(dir, "ledger.db"), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	store, err := boltstats.Open(filepath.Join(dir, "stats.db"))
	if err != nil {
		t.Fatal(err)
	}
	c := &stats.Counter{Store: store}
	l := &ledger.Ledger{Store: ls, Changed: c.Changed, Now: func() time.Time { return now }}
	if _, err := l.Begin(ctx, "R1", "x", "malmo", ""); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		at time.Time
		s  ledger.State
	}{
		{now, ledger.Accepted},
		{now.Add(time.Hour), ledger.Bounced},
		{now.Add(2 * time.Hour), ledger.Bounced}, // the same report again
		{now.Add(48 * time.Hour), ledger.Reminded},
		{now.Add(72 * time.Hour), ledger.Reminded},
		{now.Add(96 * time.Hour), ledger.Escalated},
		{now.Add(97 * time.Hour), ledger.Acknowledged},
		{now.Add(98 * time.Hour), ledger.Acknowledged},
	}
	for _, s := range steps {
		now = s.at
		if _, _, err := l.Record(ctx, "R1", s.s, ""); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]stats.Counts{}
	if err := store.Scan(ctx, func(r stats.Row) error { got[r.Month] = r.Counts; return nil }); err != nil {
		t.Fatal(err)
	}
	want := map[string]stats.Counts{
		"2025-03": {"bounces": 1},
		"2025-04": {"reminders": 2, "escalations": 1, "ack_4_5": 1},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

// A request to be contacted safely is never counted per office or
// month: when it is accepted it counts once in the national row of its
// year, and its ledger entry's acknowledgement, reminders, escalation or
// bounce count nowhere. Its log lines name neither the office nor the
// form.
func TestCounterContactRequest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ls, err := boltstore.Open(filepath.Join(dir, "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := boltstats.Open(filepath.Join(dir, "stats.db"))
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	c := &stats.Counter{Store: failingFor{store, "malmo"}, Logger: slog.New(slog.NewTextHandler(&log, nil))}
	l := &ledger.Ledger{Store: ls, Changed: c.Changed}
	form, ok := intake.FormByID(intake.ContactID)
	if !ok {
		t.Fatal("no contact form")
	}
	request := &intake.ContactRequest{Municipality: "1280", Name: "S", ContactBy: "phone", Phone: "070-123 45 67",
		ProtectedIdentity: "yes", InterpreterLanguage: "ar", Avoid: []string{"sms"}}
	if got, want := stats.Of(&intake.Submission{Form: form, Answers: request}), (stats.Counts{"contact_requests": 1}); fmt.Sprint(got) != fmt.Sprint(want) || !got.NationalOnly() {
		t.Errorf("Of(a contact request) = %v (national only %v), want %v, national only", got, got.NationalOnly(), want)
	}
	ref, err := intake.NewReference(fixedReader(7))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Begin(ctx, ref.String(), intake.ContactID, "malmo", ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []ledger.State{ledger.Accepted} {
		if _, _, err := l.Record(ctx, ref.String(), s, ""); err != nil {
			t.Fatal(err)
		}
	}
	// 31 December, 23:30 in Sweden: the year is Sweden's.
	sub := &intake.Submission{Form: form, Reference: ref, Office: &content.Office{ID: "malmo"},
		Received: time.Date(2025, 12, 31, 22, 30, 0, 0, time.UTC), Answers: request}
	c.Submission(ctx, l, sub)
	c.Submission(ctx, l, sub) // sent again: counted once
	if e, err := l.Store.Get(ctx, ref.String()); err != nil || !e.Counted {
		t.Errorf("the request's entry: counted %v (%v), want its claim", e.Counted, err)
	}
	var rows []stats.Row
	if err := store.Scan(ctx, func(r stats.Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []stats.Row{{Office: stats.National, Month: "2025", Counts: stats.Counts{"contact_requests": 1}}}; fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rows after a contact request sent twice:\ngot  %v\nwant %v", rows, want)
	}

	// A failed write is logged without the office or the form.
	ref2, err := intake.NewReference(fixedReader(9))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Begin(ctx, ref2.String(), intake.ContactID, "malmo", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Record(ctx, ref2.String(), ledger.Accepted, ""); err != nil {
		t.Fatal(err)
	}
	c.Store = failingFor{store, stats.National}
	c.Submission(ctx, l, &intake.Submission{Form: form, Reference: ref2, Office: &content.Office{ID: "malmo"},
		Received: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC), Answers: request})
	if !strings.Contains(log.String(), "statistics write failed") {
		t.Errorf("log %q: the failed write is not logged: the test proves nothing", log.String())
	}
	for _, leak := range []string{"malmo", intake.ContactID} {
		if strings.Contains(log.String(), leak) {
			t.Errorf("log %q names %q", log.String(), leak)
		}
	}
	c.Store = store
	// The ledger's events for it, as the sweep and staff make them.
	before := ledger.Entry{Reference: ref.String(), Form: intake.ContactID, Office: "malmo",
		At: map[ledger.State]time.Time{ledger.Accepted: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}}
	after := ledger.Entry{Reference: ref.String(), Form: intake.ContactID, Office: "malmo", Reminders: 2,
		At: map[ledger.State]time.Time{
			ledger.Accepted:     time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC),
			ledger.Reminded:     time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC),
			ledger.Escalated:    time.Date(2025, 3, 17, 9, 0, 0, 0, time.UTC),
			ledger.Bounced:      time.Date(2025, 3, 17, 10, 0, 0, 0, time.UTC),
			ledger.Acknowledged: time.Date(2025, 3, 18, 9, 0, 0, 0, time.UTC),
		}}
	if !after.Application() {
		t.Fatal("the test's entry is not an application's: Changed would skip it for another reason")
	}
	c.Changed(ctx, before, after)
	rows = nil
	if err := store.Scan(ctx, func(r stats.Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Office != stats.National {
		t.Errorf("rows after a contact request and its events: %v, want the national row alone", rows)
	}

	// The same events for an application are counted: the test sees
	// what it would miss.
	after.Form = "samarbetssamtal"
	before.Form = "samarbetssamtal"
	c.Changed(ctx, before, after)
	rows = nil
	if err := store.Scan(ctx, func(r stats.Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 {
		t.Error("an application's events were not counted either: the test proves nothing")
	}
}

// failingFor is a store whose writes to one office's rows fail.
type failingFor struct {
	stats.Store
	office string
}

func (f failingFor) Add(ctx context.Context, office, month string, c stats.Counts) error {
	if office == f.office {
		return errors.New("the table is unavailable")
	}
	return f.Store.Add(ctx, office, month, c)
}
