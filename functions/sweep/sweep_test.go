package sweep

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/delivery/mailtest"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/boltstore"
	"familjeratt.example/portal/functions/ledger/ledgertest"
)

// TestSweep: with a fake clock, an application accepted on 23 December
// 2026 is reminded of after two working days, on Tuesday 29 December
// (julafton, juldagen, annandag jul and the weekend do not count), and
// escalated after two more, on Monday 4 January 2027 (nyårsafton and
// nyårsdagen do not count). Each step goes out once; an acknowledged
// application is never mentioned; what goes out holds references only.
func TestSweep(t *testing.T) {
	ctx := context.Background()
	accepted := time.Date(2026, 12, 23, 10, 0, 0, 0, intake.Stockholm)
	clock := ledgertest.NewClock(accepted)
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "ledger.db"), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	book := &ledger.Ledger{Store: store, Now: clock.Now}
	for _, ref := range []string{"3VR2-KZ78", "HFFH-RNJK"} {
		if _, err := book.Begin(ctx, ref, "samarbetssamtal", "testby", ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := book.Record(ctx, ref, ledger.Accepted, "ses-"+ref); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := book.Record(ctx, "HFFH-RNJK", ledger.Acknowledged, ""); err != nil {
		t.Fatal(err)
	}
	// Sent whole with no answer: it may have arrived, so the office is
	// asked about it like the accepted one.
	if _, err := book.Begin(ctx, "32SC-GEHS", "samarbetssamtal", "testby", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := book.Record(ctx, "32SC-GEHS", ledger.Unknown, ""); err != nil {
		t.Fatal(err)
	}
	// Refused by the server: the parent was told it was not sent, so it
	// is no office's to acknowledge.
	if _, err := book.Begin(ctx, "WXYZ-2345", "samarbetssamtal", "testby", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := book.Record(ctx, "WXYZ-2345", ledger.Failed, ""); err != nil {
		t.Fatal(err)
	}

	office := &content.Office{ID: "testby", Name: content.Text{content.SV: "Familjerätten i Testby", "en": "Testby Family Law Office"},
		Intake: content.Intake{Inbox: "testby@familjeratt.example", EscalateTo: "chef@testby.example"}}
	inbox := t.TempDir()
	signer := mailtest.NewSigner(t, "noreply@familjeratt.example")
	s, err := delivery.NewSigner(signer.Cert, signer.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	mailer := &delivery.Mailer{From: "noreply@familjeratt.example", Signer: s, Transport: &delivery.Inbox{Dir: inbox}}
	var logs bytes.Buffer
	sw := &Sweep{Ledger: book, Offices: offices{office.ID: office}, Notifier: mailer, Now: clock.Now,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))}

	steps := []struct {
		at                  time.Time
		reminded, escalated int
	}{
		{time.Date(2026, 12, 28, 18, 0, 0, 0, intake.Stockholm), 0, 0},
		{time.Date(2026, 12, 29, 9, 59, 0, 0, intake.Stockholm), 0, 0},
		{time.Date(2026, 12, 29, 10, 0, 0, 0, intake.Stockholm), 2, 0},
		{time.Date(2026, 12, 30, 8, 0, 0, 0, intake.Stockholm), 0, 0}, // once only
		{time.Date(2027, 1, 1, 12, 0, 0, 0, intake.Stockholm), 0, 0},
		{time.Date(2027, 1, 4, 9, 59, 0, 0, intake.Stockholm), 0, 0},
		{time.Date(2027, 1, 4, 10, 0, 0, 0, intake.Stockholm), 0, 2},
		{time.Date(2027, 1, 20, 10, 0, 0, 0, intake.Stockholm), 0, 0}, // once only
	}
	sent := 0
	for _, st := range steps {
		clock.Add(st.at.Sub(clock.Now()))
		rep, err := sw.Run(ctx)
		if err != nil {
			t.Fatalf("%s: %v", st.at, err)
		}
		if len(rep.Reminded) != st.reminded || len(rep.Escalated) != st.escalated {
			t.Errorf("%s: reminded %v, escalated %v; want %d and %d", st.at.Format(time.DateTime), rep.Reminded, rep.Escalated, st.reminded, st.escalated)
		}
		for _, r := range append(rep.Reminded, rep.Escalated...) {
			if r != "3VR2-KZ78" && r != "32SC-GEHS" {
				t.Errorf("%s: %s was swept, but it is acknowledged or was never delivered", st.at, r)
			}
		}
		// One notice per office and step, listing its references.
		if st.reminded > 0 {
			sent++
		}
		if st.escalated > 0 {
			sent++
		}
	}
	files, _ := filepath.Glob(filepath.Join(inbox, "testby", "*.eml"))
	if len(files) != sent {
		t.Fatalf("%d notices in the inbox, want %d", len(files), sent)
	}
	var all string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Staff can trust a notice: it is signed with the portal's key.
		inner, err := delivery.Verify(b, signer.Cert)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		head, _, _ := strings.Cut(string(b), "\r\n\r\n")
		all += head + "\n" + string(inner)
	}
	for _, want := range []string{"3VR2-KZ78", "32SC-GEHS", "To: chef@testby.example, testby@familjeratt.example", "Subject: =?utf-8?q?P=C3=A5minnelse"} {
		if !strings.Contains(all, want) {
			t.Errorf("the notices lack %q", want)
		}
	}
	if strings.Contains(all, "HFFH-RNJK") || strings.Contains(all, "WXYZ-2345") {
		t.Error("a notice names the acknowledged application, or the one never delivered")
	}
	if !strings.Contains(logs.String(), `"msg":"escalated"`) {
		t.Errorf("no alarm line for the escalation:\n%s", logs.String())
	}
	e, err := store.Get(ctx, "3VR2-KZ78")
	if err != nil || e.State != ledger.Escalated || e.Reminders != 1 {
		t.Errorf("ledger: %+v, %v; want escalated after one reminder", e, err)
	}
}

// offices are the offices of a test, by id.
type offices map[string]*content.Office

func (m offices) Office(id string) (*content.Office, bool) { o, ok := m[id]; return o, ok }

// TestSweepUnit: a form another unit received is that unit's to
// acknowledge: its reminder goes to the unit's inbox, after the unit's
// delay, and its escalation to the unit's other address, never the
// family-law office's.
func TestSweepUnit(t *testing.T) {
	ctx := context.Background()
	accepted := time.Date(2026, 11, 2, 10, 0, 0, 0, intake.Stockholm) // a Monday
	clock := ledgertest.NewClock(accepted)
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "ledger.db"), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	book := &ledger.Ledger{Store: store, Now: clock.Now}
	for _, e := range []struct{ ref, form string }{{"3VR2-KZ78", "samarbetssamtal"}, {"32SC-GEHS", intake.VisitReportID}} {
		if _, err := book.Begin(ctx, e.ref, e.form, "testby", ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := book.Record(ctx, e.ref, ledger.Accepted, ""); err != nil {
			t.Fatal(err)
		}
	}
	office := &content.Office{ID: "testby", Name: content.Text{content.SV: "Familjerätten i Testby", "en": "Testby Family Law Office"},
		Intake: content.Intake{Kind: content.FamilyLaw, Inbox: "testby@familjeratt.example", RemindAfterDays: 5},
		Units: content.Units{SupervisedContact: &content.Intake{Kind: content.SupervisedContact, Inbox: "stod@familjeratt.example",
			RemindAfterDays: 1, EscalateTo: "chef-stod@testby.example"}}}
	inbox := t.TempDir()
	signer := mailtest.NewSigner(t, "noreply@familjeratt.example")
	s, err := delivery.NewSigner(signer.Cert, signer.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	mailer := &delivery.Mailer{From: "noreply@familjeratt.example", Signer: s, Transport: &delivery.Inbox{Dir: inbox}}
	sw := &Sweep{Ledger: book, Offices: offices{office.ID: office}, Notifier: mailer, Now: clock.Now,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	steps := []struct {
		at                  time.Time
		reminded, escalated []string
		to                  string // the last notice's recipients
	}{
		{time.Date(2026, 11, 3, 10, 0, 0, 0, intake.Stockholm), []string{"32SC-GEHS"}, nil, "To: stod@familjeratt.example"},
		{time.Date(2026, 11, 4, 10, 0, 0, 0, intake.Stockholm), nil, []string{"32SC-GEHS"}, "To: chef-stod@testby.example, stod@familjeratt.example"},
		{time.Date(2026, 11, 9, 10, 0, 0, 0, intake.Stockholm), []string{"3VR2-KZ78"}, nil, "To: testby@familjeratt.example"},
	}
	for _, st := range steps {
		clock.Add(st.at.Sub(clock.Now()))
		rep, err := sw.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rep.Reminded, st.reminded) || !slices.Equal(rep.Escalated, st.escalated) {
			t.Errorf("%s: reminded %v, escalated %v; want %v and %v", st.at.Format(time.DateOnly), rep.Reminded, rep.Escalated, st.reminded, st.escalated)
		}
		files, _ := filepath.Glob(filepath.Join(inbox, "testby", "*.eml"))
		sort.Strings(files)
		if len(files) == 0 {
			t.Fatalf("%s: no notice", st.at.Format(time.DateOnly))
		}
		b, _ := os.ReadFile(files[len(files)-1])
		if !strings.Contains(string(b), st.to+"\r\n") {
			head, _, _ := strings.Cut(string(b), "\r\n\r\n")
			t.Errorf("%s: want %q in\n%s", st.at.Format(time.DateOnly), st.to, head)
		}
		os.Remove(files[len(files)-1])
	}
}
