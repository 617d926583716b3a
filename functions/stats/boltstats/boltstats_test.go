package boltstats

import (
	"path/filepath"
	"testing"

	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/statstest"
)

func TestConformance(t *testing.T) {
	statstest.Run(t, func(t *testing.T) stats.Store {
		s, err := Open(filepath.Join(t.TempDir(), "stats.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
