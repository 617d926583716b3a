package boltstore

import (
	"path/filepath"
	"testing"

	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/ledgertest"
)

func TestConformance(t *testing.T) {
	ledgertest.Conformance(t, func(t *testing.T, clock *ledgertest.Clock) ledger.Store {
		s, err := Open(filepath.Join(t.TempDir(), "ledger.db"), clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
