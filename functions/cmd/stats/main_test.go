package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/content/contenttest"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/boltstats"
)

// env is the command's environment: its own counters, ledger and inbox,
// and the development signing key.
func env(t *testing.T) (func(string) string, string) {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{
		"INTAKE_INBOX_DIR":        filepath.Join(dir, "inbox"),
		"INTAKE_LEDGER_FILE":      filepath.Join(dir, "ledger.db"),
		"INTAKE_STATS_FILE":       filepath.Join(dir, "stats.db"),
		"INTAKE_SIGNING_KEY_FILE": filepath.Join("..", "..", "..", "build", "dev-only-keys", "signing.key.pem"),
	}
	s, err := boltstats.Open(vars["INTAKE_STATS_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, add := range []struct {
		month string
		c     stats.Counts
	}{
		{"2025-03", stats.Counts{"applications": 7, "children": 9, "children_1": 5, "children_2": 2, "topic_custody": 7,
			"court_ordered_no": 7, "previous_talks_no": 7, "individual_first_talk_no": 7, "interpreter_no": 7, "protected_identity_no": 7}},
		{"2025-04", stats.Counts{"follow_ups": 2}},
	} {
		if err := s.Add(ctx, "malmo", add.month, add.c); err != nil {
			t.Fatal(err)
		}
	}
	return func(k string) string { return vars[k] }, dir
}

func TestRun(t *testing.T) {
	getenv, dir := env(t)
	data := contenttest.Dir(t, contenttest.Data(t, nil)) // a copy: -export writes into it
	out := filepath.Join(dir, "out")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"stats", "-year", "2025", "-out", out, "-content", data, "-export", "2025"}, getenv, &stdout); err != nil {
		t.Fatal(err)
	}
	csv, err := os.ReadFile(filepath.Join(out, "malmo-2025.csv"))
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	// 5 and 2 one- and two-child applications: the 2 is hidden, and so
	// the 5, which the total 7 would give away.
	if !strings.Contains(string(csv), "\n2025-03,stängd,7,0,<5,<5,0,") {
		t.Errorf("Malmö's March:\n%s", csv)
	}
	if _, err := os.Stat(filepath.Join(out, "malmo-2025.html")); err != nil {
		t.Error(err)
	}
	got, err := content.LoadStatistics(os.DirFS(data), nil)
	if err != nil || len(got) != 1 || got[0].Year != 2025 {
		t.Fatalf("the export: %v", err)
	}
	if !strings.Contains(stdout.String(), "statistics/2025.yaml") {
		t.Errorf("the command does not say where the export went:\n%s", stdout.String())
	}
}

func TestRefuses(t *testing.T) {
	getenv, dir := env(t)
	data := contenttest.Dir(t, contenttest.Data(t, nil))
	this := strconv.Itoa(time.Now().Year())
	for _, args := range [][]string{
		{"-export", this},   // not closed
		{"-mail", this},     // not closed
		{"-threshold", "2"}, // too low to protect anyone
		{"2025"},            // not a flag
	} {
		var stdout bytes.Buffer
		err := run(context.Background(), append([]string{"stats", "-out", filepath.Join(dir, "out"), "-content", data}, args...), getenv, &stdout)
		if err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if _, err := os.Stat(filepath.Join(data, content.StatisticsDir, this+".yaml")); err == nil {
		t.Error("an export of the year under way was written")
	}
}
