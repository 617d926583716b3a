package dynamostore

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/dynamostore/dynalitetest"
	"familjeratt.example/portal/functions/ledger/ledgertest"
)

func TestConformance(t *testing.T) {
	d := dynalitetest.Start(t)
	ledgertest.Conformance(t, func(t *testing.T, clock *ledgertest.Clock) ledger.Store {
		return New(d.Client, d.Table(t), clock.Now)
	})
}

var start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func fullEntry() ledger.Entry {
	return ledger.Entry{
		Reference: "3VR2KZ78", Form: "samarbetssamtal", Office: "torsas", Received: start,
		State: ledger.Reminded,
		At: map[ledger.State]time.Time{
			ledger.Sending:  start,
			ledger.Accepted: start.Add(1500 * time.Millisecond),
			ledger.Reminded: start.Add(72 * time.Hour),
		},
		Reminders: 1, MessageID: "<3VR2KZ78@example>", ProviderID: "0102018f-ses", Counted: true,
		Expires: start.Add(ledger.DefaultKeep), Version: 1,
	}
}

// The item as DynamoDB holds it: expires a Number of Unix seconds, for
// TTL, and nothing but the documented attributes.
func TestItemLayout(t *testing.T) {
	d := dynalitetest.Start(t)
	ctx := context.Background()
	table := d.Table(t)
	s := New(d.Client, table, ledgertest.NewClock(start).Now)
	e := fullEntry()
	if err := s.Put(ctx, e); err != nil {
		t.Fatal(err)
	}
	out, err := d.Client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(table),
		Key:            map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: e.Reference}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	item := out.Item

	wantExpires := strconv.FormatInt(time.Date(2027, 5, 30, 9, 0, 0, 0, time.UTC).Unix(), 10) // 180 days on
	switch v := item[TTLAttribute].(type) {
	case *types.AttributeValueMemberN:
		if v.Value != wantExpires {
			t.Errorf("%s = %s, want %s (Unix seconds)", TTLAttribute, v.Value, wantExpires)
		}
	default:
		t.Errorf("%s is %T, want a Number of Unix seconds", TTLAttribute, item[TTLAttribute])
	}
	if v, ok := item[KeyAttribute].(*types.AttributeValueMemberS); !ok || v.Value != e.Reference {
		t.Errorf("%s = %#v, want the string %q", KeyAttribute, item[KeyAttribute], e.Reference)
	}
	if v, ok := item["version"].(*types.AttributeValueMemberN); !ok || v.Value != "1" {
		t.Errorf("version = %#v, want the Number 1", item["version"])
	}
	for name := range item {
		if !slices.Contains(attributes, name) {
			t.Errorf("the item holds %q, which is not a documented attribute", name)
		}
	}
	for _, name := range attributes {
		if _, ok := item[name]; !ok {
			t.Errorf("a full entry's item lacks %q", name)
		}
	}

	// And it reads back whole, sub-second times included.
	got, err := s.Get(ctx, e.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if !got.At[ledger.Accepted].Equal(e.At[ledger.Accepted]) || !got.At[ledger.Reminded].Equal(e.At[ledger.Reminded]) ||
		len(got.At) != 3 || got.Reminders != 1 || got.State != ledger.Reminded {
		t.Errorf("got %+v\nwant %+v", got, e)
	}
}

// Expires is kept to the whole second, and an entry is expired from that
// second on, for Get, Scan and Put alike.
func TestExpiryBoundary(t *testing.T) {
	d := dynalitetest.Start(t)
	ctx := context.Background()
	clock := ledgertest.NewClock(start)
	s := New(d.Client, d.Table(t), clock.Now)
	e := fullEntry()
	e.Expires = start.Add(10*time.Second + 700*time.Millisecond)
	if err := s.Put(ctx, e); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, e.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if want := start.Add(10 * time.Second); !got.Expires.Equal(want) {
		t.Errorf("expires read back as %v, want %v", got.Expires, want)
	}

	clock.Add(9*time.Second + 900*time.Millisecond) // 9.9 s: still live
	if _, err := s.Get(ctx, e.Reference); err != nil {
		t.Errorf("at 9.9 s: %v", err)
	}
	if err := s.Put(ctx, e); !errors.Is(err, ledger.ErrConflict) {
		t.Errorf("at 9.9 s a second version 1: got %v, want ErrConflict", err)
	}

	clock.Add(100 * time.Millisecond) // 10 s: expired
	if _, err := s.Get(ctx, e.Reference); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("at 10 s: got %v, want ErrNotFound", err)
	}
	n := 0
	if err := s.Scan(ctx, func(ledger.Entry) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("at 10 s scan found %d entries (%v)", n, err)
	}
	// An expired entry counts as none: its next version is refused, and a
	// new version 1 is written over it.
	e.Version = 2
	if err := s.Put(ctx, e); !errors.Is(err, ledger.ErrConflict) {
		t.Errorf("version 2 over an expired version 1: got %v, want ErrConflict", err)
	}
	e.Version, e.Expires = 1, clock.Now().Add(ledger.DefaultKeep)
	if err := s.Put(ctx, e); err != nil {
		t.Errorf("version 1 over an expired entry: %v", err)
	}
}
