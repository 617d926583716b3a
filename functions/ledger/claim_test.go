package ledger_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/boltstore"
)

func newLedger(t *testing.T) *ledger.Ledger {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return &ledger.Ledger{Store: s}
}

// The statistics' claim: only once accepted, exactly once, and given back
// on request.
func TestClaim(t *testing.T) {
	ctx := context.Background()
	l := newLedger(t)
	if _, err := l.Claim(ctx, "NOPE"); err == nil {
		t.Error("Claim of an unknown reference: no error")
	}
	if _, err := l.Begin(ctx, "3VR2KZ78", "application", "malmo", ""); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		do   func() (bool, error)
		want bool
	}{
		{func() (bool, error) { return l.Claim(ctx, "3VR2KZ78") }, false}, // still sending
		{func() (bool, error) {
			_, _, err := l.Record(ctx, "3VR2KZ78", ledger.Accepted, "")
			return false, err
		}, false},
		{func() (bool, error) { return l.Claim(ctx, "3VR2KZ78") }, true},
		{func() (bool, error) { return l.Claim(ctx, "3VR2KZ78") }, false}, // a repeat
		{func() (bool, error) { return false, l.Unclaim(ctx, "3VR2KZ78") }, false},
		{func() (bool, error) { return l.Claim(ctx, "3VR2KZ78") }, true}, // given back, claimed again
	}
	for i, s := range steps {
		got, err := s.do()
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got != s.want {
			t.Errorf("step %d: claimed %v, want %v", i, got, s.want)
		}
	}
}

func TestClaimConcurrent(t *testing.T) {
	ctx := context.Background()
	l := newLedger(t)
	if _, err := l.Begin(ctx, "3VR2KZ78", "application", "malmo", ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Record(ctx, "3VR2KZ78", ledger.Accepted, ""); err != nil {
		t.Fatal(err)
	}
	var won atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := l.Claim(ctx, "3VR2KZ78")
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Errorf("%d claims won, want exactly 1", won.Load())
	}
}

// Changed sees each write once, with the entry before and after it.
func TestChanged(t *testing.T) {
	ctx := context.Background()
	l := newLedger(t)
	type change struct{ before, after ledger.State }
	var got []change
	l.Changed = func(_ context.Context, before, after ledger.Entry) {
		got = append(got, change{before.State, after.State})
	}
	if _, err := l.Begin(ctx, "3VR2KZ78", "application", "malmo", ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range []ledger.State{ledger.Accepted, ledger.Accepted, ledger.Acknowledged, ledger.Reminded} {
		if _, _, err := l.Record(ctx, "3VR2KZ78", s, ""); err != nil {
			t.Fatal(err)
		}
	}
	want := []change{{ledger.Sending, ledger.Accepted}, {ledger.Accepted, ledger.Acknowledged}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: got %v, want %v", i, got[i], want[i])
		}
	}
}
