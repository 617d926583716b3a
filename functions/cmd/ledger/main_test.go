package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ledger/boltstore"
)

// TestLedgerCommand: the table and the JSON lines show each reference's
// state and the counts per office and state, from the ledger's file.
func TestLedgerCommand(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "ledger.db")
	store, err := boltstore.Open(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	book := &ledger.Ledger{Store: store}
	for _, r := range []struct {
		ref, office string
		state       ledger.State
	}{{"3VR2-KZ78", "torsas", ledger.Accepted}, {"HFFH-RNJK", "torsas", ledger.Acknowledged}, {"32SC-GEHS", "malmo", ledger.Unknown}} {
		if _, err := book.Begin(ctx, r.ref, "samarbetssamtal", r.office, ""); err != nil {
			t.Fatal(err)
		}
		if r.state == ledger.Acknowledged {
			book.Record(ctx, r.ref, ledger.Accepted, "")
		}
		if _, _, err := book.Record(ctx, r.ref, r.state, ""); err != nil {
			t.Fatal(err)
		}
	}
	getenv := func(k string) string { return map[string]string{"INTAKE_LEDGER_FILE": file}[k] }

	var out bytes.Buffer
	if err := run(ctx, []string{"ledger"}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	for _, want := range []string{"3VR2-KZ78", "accepted", "HFFH-RNJK", "acknowledged", "32SC-GEHS", "unknown"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
	if !strings.Contains(table, "torsas  accepted") && !strings.Contains(table, "torsas   accepted") {
		// the counts: one line per office and state
		found := false
		for _, line := range strings.Split(table, "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "torsas" && f[1] == "accepted" && f[2] == "1" {
				found = true
			}
		}
		if !found {
			t.Errorf("no count line for torsas, accepted, 1:\n%s", table)
		}
	}

	out.Reset()
	if err := run(ctx, []string{"ledger", "-json"}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	var entries, counts int
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if _, ok := obj["reference"]; ok {
			entries++
		} else if obj["count"] != nil {
			counts++
		}
	}
	if entries != 3 || counts != 3 {
		t.Errorf("%d entries and %d counts, want 3 and 3:\n%s", entries, counts, out.String())
	}
}
