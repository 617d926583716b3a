// Package ledgertest holds the tests every ledger.Store must pass, so
// that the file store used locally and the DynamoDB store used in
// production behave alike.
package ledgertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"familjeratt.example/portal/functions/ledger"
)

// Clock is a settable clock for stores that decide expiry by it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock on.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Conformance runs the store tests. open returns an empty store whose
// expiry follows clock.
func Conformance(t *testing.T, open func(t *testing.T, clock *Clock) ledger.Store) {
	ctx := context.Background()
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	entry := func(ref string, version int64) ledger.Entry {
		return ledger.Entry{Reference: ref, Form: "samarbetssamtal", Office: "torsas", Received: start,
			State: ledger.Sending, At: map[ledger.State]time.Time{ledger.Sending: start},
			Expires: start.Add(ledger.DefaultKeep), Version: version, MessageID: "<" + ref + "@example>"}
	}
	t.Run("get missing", func(t *testing.T) {
		s := open(t, NewClock(start))
		if _, err := s.Get(ctx, "NOPE"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("put and get round trip", func(t *testing.T) {
		s := open(t, NewClock(start))
		want := entry("3VR2KZ78", 1)
		want.ProviderID = "0102018f-ses"
		want.Counted = true
		if err := s.Put(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, want.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if got.Reference != want.Reference || got.Form != want.Form || got.Office != want.Office ||
			!got.Received.Equal(want.Received) || got.State != want.State || !got.At[ledger.Sending].Equal(start) ||
			got.ProviderID != want.ProviderID || got.MessageID != want.MessageID || got.Counted != want.Counted || got.Version != 1 || !got.Expires.Equal(want.Expires) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	})
	t.Run("conditional put", func(t *testing.T) {
		s := open(t, NewClock(start))
		for _, tt := range []struct {
			version int64
			want    error
		}{
			{2, ledger.ErrConflict}, // nothing stored: only version 1 may be written
			{1, nil},
			{1, ledger.ErrConflict}, // a second first write
			{3, ledger.ErrConflict}, // skips a version
			{2, nil},
		} {
			if err := s.Put(ctx, entry("3VR2KZ78", tt.version)); !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("version %d: got %v, want %v", tt.version, err, tt.want)
			}
		}
		got, err := s.Get(ctx, "3VR2KZ78")
		if err != nil || got.Version != 2 {
			t.Errorf("got version %d, %v; want 2", got.Version, err)
		}
	})
	t.Run("expired entries are gone", func(t *testing.T) {
		clock := NewClock(start)
		s := open(t, clock)
		if err := s.Put(ctx, entry("3VR2KZ78", 1)); err != nil {
			t.Fatal(err)
		}
		clock.Add(ledger.DefaultKeep + time.Hour)
		if _, err := s.Get(ctx, "3VR2KZ78"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("an expired entry: got %v, want ErrNotFound", err)
		}
		n := 0
		if err := s.Scan(ctx, func(ledger.Entry) error { n++; return nil }); err != nil || n != 0 {
			t.Errorf("scan found %d expired entries (%v)", n, err)
		}
		// A reference whose entry expired starts again at version 1.
		if err := s.Put(ctx, entry("3VR2KZ78", 1)); err != nil {
			t.Errorf("writing over an expired entry: %v", err)
		}
	})
	t.Run("scan", func(t *testing.T) {
		s := open(t, NewClock(start))
		want := map[string]bool{}
		for i := range 30 {
			ref := fmt.Sprintf("REF%05d", i)
			want[ref] = true
			if err := s.Put(ctx, entry(ref, 1)); err != nil {
				t.Fatal(err)
			}
		}
		got := map[string]bool{}
		if err := s.Scan(ctx, func(e ledger.Entry) error { got[e.Reference] = true; return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("scan found %d entries, want %d", len(got), len(want))
		}
		stop := errors.New("stop")
		n := 0
		if err := s.Scan(ctx, func(ledger.Entry) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("scan did not stop at the first error: %d calls, %v", n, err)
		}
	})
	t.Run("concurrent writers: one wins each version", func(t *testing.T) {
		s := open(t, NewClock(start))
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.Put(ctx, entry("3VR2KZ78", 1))
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, ledger.ErrConflict):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d writers of version 1 succeeded, want exactly 1", ok)
		}
	})
}
