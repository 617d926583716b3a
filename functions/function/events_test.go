package function

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"familjeratt.example/portal/functions/lambda"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/boltstore"
)

// snsEvent wraps SES notifications as SNS delivers them to Lambda.
func snsEvent(t *testing.T, messages ...string) json.RawMessage {
	t.Helper()
	type record struct {
		EventSource string `json:"EventSource"`
		Sns         struct {
			Type, TopicArn, Message string
		} `json:"Sns"`
	}
	var ev struct {
		Records []record `json:"Records"`
	}
	for _, m := range messages {
		r := record{EventSource: "aws:sns"}
		r.Sns.Type, r.Sns.TopicArn, r.Sns.Message = "Notification", "arn:aws:sns:eu-north-1:123456789012:delivery-events", m
		ev.Records = append(ev.Records, r)
	}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSESEvents: SES's delivery, bounce and complaint notifications,
// in the documented shapes, reach the function through SNS and change
// the reference's state; a bounce raises the alarm; a notification for a
// message the ledger does not know changes nothing and is logged.
func TestSESEvents(t *testing.T) {
	ctx := context.Background()
	fixture := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "ses", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	store, err := boltstore.Open(filepath.Join(t.TempDir(), "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	fn, err := New(dev("INTAKE_INBOX_DIR", t.TempDir()), Options{Ledger: store, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Close()
	const ref, sesID = "3VR2-KZ78", "0102018f3f8e1b11-2c3d4e5f-6a7b-8c9d-0e1f-2a3b4c5d6e7f-000000"
	if _, err := fn.Ledger.Begin(ctx, ref, "samarbetssamtal", "torsas", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fn.Ledger.Record(ctx, ref, ledger.Accepted, sesID); err != nil {
		t.Fatal(err)
	}
	handle := lambda.Dispatch(fn, lambda.Events{SNS: func(ctx context.Context, msgs [][]byte) error {
		for _, m := range msgs {
			if err := fn.SESNotice(ctx, m); err != nil {
				return err
			}
		}
		return nil
	}})
	entry := func() ledger.Entry {
		e, err := store.Get(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, tt := range []struct {
		fixture string
		state   ledger.State
		seen    ledger.State // a state whose time must now be recorded
		log     string
	}{
		{"delivery.json", ledger.Delivered, ledger.Delivered, `"outcome":"recorded"`},
		{"bounce.json", ledger.Bounced, ledger.Bounced, `"msg":"bounce"`},
		// No reference header (headersTruncated): matched by SES's id.
		{"complaint.json", ledger.Bounced, ledger.Complained, `"kind":"Complaint"`},
		{"unknown-message.json", ledger.Bounced, ledger.Complained, `"outcome":"unknown_message"`},
	} {
		logs.Reset()
		if _, err := handle(ctx, snsEvent(t, fixture(tt.fixture))); err != nil {
			t.Fatalf("%s: %v", tt.fixture, err)
		}
		e := entry()
		if e.State != tt.state || e.At[tt.seen].IsZero() {
			t.Errorf("%s: state %s (times %v), want %s with %s recorded", tt.fixture, e.State, e.At, tt.state, tt.seen)
		}
		if !strings.Contains(logs.String(), tt.log) {
			t.Errorf("%s: the log lacks %s:\n%s", tt.fixture, tt.log, logs.String())
		}
	}
	// Not an SES notification at all: ignored, logged, not retried.
	logs.Reset()
	if _, err := handle(ctx, snsEvent(t, `{"hello": "world"}`)); err != nil || !strings.Contains(logs.String(), "not_ses") {
		t.Errorf("a message that is not SES's: %v\n%s", err, logs.String())
	}
}
