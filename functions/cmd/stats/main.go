// Command stats writes the statistics (make stats): it reads the same
// counters as the function (the file beside the local ledger, or the
// DynamoDB table INTAKE_STATS_TABLE names, with the operator's AWS
// credentials in the environment) and writes, for each office and the
// year, a CSV file and a one-page HTML summary, every small number
// hidden (functions/stats/report).
//
//	stats                    the year under way: var/stats/<office>-<year>.csv and .html, its month marked open
//	stats -year 2025         another year
//	stats -export 2025       also the public export content/statistics/2025.yaml (closed years only)
//	stats -mail 2025         send the yearly e-mails now, as the schedule does on 2 January
//	stats -threshold 10      hide counts below 10 instead of INTAKE_STATS_THRESHOLD (default 5)
//
// Nothing it reads or writes identifies a person: the counters are sums.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/function"
	"familjeratt.example/portal/functions/stats/report"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "stats:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	year := fs.Int("year", 0, "the year to write (default: the one under way)")
	export := fs.Int("export", 0, "also write the public export of this closed `year` into the content folder's statistics/")
	mail := fs.Int("mail", 0, "send the yearly e-mails of this closed `year` now")
	threshold := fs.Int("threshold", 0, "hide counts below this (3 to 100; default INTAKE_STATS_THRESHOLD or 5)")
	out := fs.String("out", filepath.Join("var", "stats"), "the `folder` for the CSV and HTML files")
	contentDir := fs.String("content", "content", "the content `folder`: its offices, texts, and statistics/ for -export")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected %q: every option is a flag (stats -h)", fs.Arg(0))
	}
	env := getenv
	if *threshold != 0 {
		env = func(k string) string {
			if k == "INTAKE_STATS_THRESHOLD" {
				return strconv.Itoa(*threshold)
			}
			return getenv(k)
		}
	}
	// The function as it runs here, for its counters, offices, texts,
	// threshold and mailer: one place that reads the configuration.
	withContent := func(k string) string {
		if k == "INTAKE_CONTENT_DIR" && env(k) == "" {
			return *contentDir
		}
		return env(k)
	}
	fn, err := function.New(withContent, function.Options{})
	if err != nil {
		return err
	}
	defer fn.Close()
	rows, err := fn.Rows(ctx)
	if err != nil {
		return err
	}
	if *mail != 0 {
		rep, err := fn.YearlyStatistics(ctx, *mail)
		fmt.Fprintf(stdout, "sent %d: %d offices, national totals to the operator: %v\n", rep.Year, len(rep.Offices), rep.Operator)
		return err
	}
	y := *year
	if y == 0 {
		y = fn.LastClosedYear() + 1
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	written := 0
	for _, o := range fn.Data.Directory.Offices {
		oy, err := report.Office(rows, o, y, fn.Threshold, time.Now())
		if err != nil {
			return err
		}
		var csv, html bytes.Buffer
		if err := oy.WriteCSV(&csv); err != nil {
			return err
		}
		if err := oy.WriteHTML(&html, fn.Data.Strings); err != nil {
			return err
		}
		base := filepath.Join(*out, fmt.Sprintf("%s-%d", o.ID, y))
		if err := os.WriteFile(base+".csv", csv.Bytes(), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(base+".html", html.Bytes(), 0o644); err != nil {
			return err
		}
		written++
		open := ""
		if oy.Open {
			open = " (the current month is open: its figures can still change)"
		}
		fmt.Fprintf(stdout, "%s.csv, %s.html%s\n", base, base, open)
	}
	fmt.Fprintf(stdout, "%d offices, %d, counts below %d hidden\n", written, y, fn.Threshold)
	if *export != 0 {
		n, err := fn.Export(rows, *export)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := n.WriteExport(&b); err != nil {
			return err
		}
		dir := filepath.Join(*contentDir, content.StatisticsDir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		file := filepath.Join(dir, strconv.Itoa(*export)+".yaml")
		if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: the public export; commit it to publish\n", file)
	}
	return nil
}
