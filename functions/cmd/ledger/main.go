// Command ledger is the operator's view of the delivery ledger: every
// reference's form, office, state and when each state was reached, and
// the counts per office and state. It reads the same ledger as the
// function: the file under var/ (make run), or the DynamoDB table that
// INTAKE_LEDGER_TABLE names (in production, with the operator's AWS
// credentials in the environment).
//
//	ledger           a table
//	ledger -json     one JSON object per line: the entries, then the counts
//	ledger sweep     remind and escalate now, as the schedule does (make sweep)
//
// Nothing it prints was typed by a parent: the ledger holds no such thing.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"text/tabwriter"
	"time"

	"familjeratt.example/portal/functions/function"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/ledger"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ledger:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ledger", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "one JSON object per line instead of a table")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.Arg(0) == "sweep" {
		return sweep(ctx, getenv, stdout)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unknown command %q: give none, or sweep", fs.Arg(0))
	}
	store, closeStore, err := function.OpenLedger(getenv, nil)
	if err != nil {
		return err
	}
	if closeStore != nil {
		defer closeStore()
	}
	var entries []ledger.Entry
	if err := store.Scan(ctx, func(e ledger.Entry) error { entries = append(entries, e); return nil }); err != nil {
		return err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Received.Before(entries[j].Received) })
	counts := map[[2]string]int{}
	for _, e := range entries {
		counts[[2]string{e.Office, string(e.State)}]++
	}
	keys := make([][2]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, e := range entries {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := enc.Encode(map[string]any{"office": k[0], "state": k[1], "count": counts[k]}); err != nil {
				return err
			}
		}
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "REFERENCE\tFORM\tOFFICE\tRECEIVED\tSTATE\tSINCE\tREMINDERS")
	for _, e := range entries {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", e.Reference, e.Form, e.Office, stamp(e.Received), e.State, stamp(e.At[e.State]), e.Reminders)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "OFFICE\tSTATE\tCOUNT")
	for _, k := range keys {
		fmt.Fprintf(w, "%s\t%s\t%d\n", k[0], k[1], counts[k])
	}
	if len(entries) == 0 {
		fmt.Fprintln(w, "(the ledger is empty)")
	}
	return w.Flush()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(intake.Stockholm).Format("2006-01-02 15:04")
}

// sweep runs the function's sweep once.
func sweep(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	fn, err := function.New(getenv, function.Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
	if err != nil {
		return err
	}
	defer fn.Close()
	rep, err := fn.Sweep(ctx)
	fmt.Fprintf(stdout, "checked %d, reminded %d, escalated %d\n", rep.Checked, len(rep.Reminded), len(rep.Escalated))
	return err
}
