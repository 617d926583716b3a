// Package statstest holds the conformance tests every statistics store
// passes: the file locally and DynamoDB in production behave alike.
package statstest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"familjeratt.example/portal/functions/stats"
)

// Run runs the conformance tests against stores made by open, each test
// with a fresh, empty store.
func Run(t *testing.T, open func(t *testing.T) stats.Store) {
	ctx := context.Background()
	scan := func(t *testing.T, s stats.Store) map[string]stats.Counts {
		t.Helper()
		got := map[string]stats.Counts{}
		if err := s.Scan(ctx, func(r stats.Row) error {
			k := r.Office + " " + r.Month
			if _, dup := got[k]; dup {
				return fmt.Errorf("row %s twice", k)
			}
			got[k] = r.Counts
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	t.Run("empty", func(t *testing.T) {
		if got := scan(t, open(t)); len(got) != 0 {
			t.Errorf("got %v, want no rows", got)
		}
	})
	t.Run("adds per office and month", func(t *testing.T) {
		s := open(t)
		for _, a := range []struct {
			office, month string
			c             stats.Counts
		}{
			{"malmo", "2026-07", stats.Counts{"applications": 1, "children": 2, "children_2": 1}},
			{"malmo", "2026-07", stats.Counts{"applications": 1, "children": 1, "children_1": 1}},
			{"malmo", "2026-08", stats.Counts{"follow_ups": 1}},
			{"osthammar", "2026-07", stats.Counts{"reminders": 2}},
		} {
			if err := s.Add(ctx, a.office, a.month, a.c); err != nil {
				t.Fatal(err)
			}
		}
		got := scan(t, s)
		want := map[string]stats.Counts{
			"malmo 2026-07":     {"applications": 2, "children": 3, "children_1": 1, "children_2": 1},
			"malmo 2026-08":     {"follow_ups": 1},
			"osthammar 2026-07": {"reminders": 2},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got %v\nwant %v", got, want)
		}
	})
	t.Run("refuses a measure outside the catalogue", func(t *testing.T) {
		s := open(t)
		if err := s.Add(ctx, "malmo", "2026-07", stats.Counts{"reference": 1}); err == nil {
			t.Error("Add with an unknown measure: no error")
		}
		if got := scan(t, s); len(got) != 0 {
			t.Errorf("got %v, want nothing written", got)
		}
	})
	t.Run("concurrent adds lose nothing", func(t *testing.T) {
		s := open(t)
		const writers, each = 8, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					errs <- s.Add(ctx, "malmo", "2026-07", stats.Counts{"applications": 1, "children": 2})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := scan(t, s)["malmo 2026-07"]
		if got["applications"] != writers*each || got["children"] != 2*writers*each {
			t.Errorf("got %v, want %d applications and %d children", got, writers*each, 2*writers*each)
		}
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if want := []string{"applications", "children"}; !slices.Equal(keys, want) {
			t.Errorf("counters %v, want %v", keys, want)
		}
	})
}
