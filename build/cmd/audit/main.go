// Command audit is what `make audit` runs: it builds the site, serves it
// as `make run` does on a free port of 127.0.0.1, runs Lighthouse (the
// version pinned in build/browsertest/audit/package-lock.json) with
// Debian's chromium on the start page, a content page, the application
// form and an office page in both languages, and prints the four
// category scores of each, with the audits that cost points.
//
//	audit [-preset mobile|desktop] [-strict]
//
// The target is 100 in every category. With -strict the command fails
// when a score is lower.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"familjeratt.example/portal/build/browsertest"
	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

var categories = []string{"performance", "accessibility", "best-practices", "seo"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "audit:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	preset := fl.String("preset", "mobile", "Lighthouse's device: mobile (a throttled phone) or desktop")
	strict := fl.Bool("strict", false, "fail when any score is below 100")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	root, err := browsertest.Root()
	if err != nil {
		return err
	}
	chromium, err := browsertest.Chromium()
	if err != nil {
		return err
	}
	lighthouse := filepath.Join(root, "build", "browsertest", "audit", "node_modules", "lighthouse", "cli", "index.js")
	if _, err := os.Stat(lighthouse); err != nil {
		return errors.New("Lighthouse is not installed: run `make audit` (it runs npm ci in build/browsertest/audit)")
	}
	data, err := content.Load(os.DirFS(filepath.Join(root, "content")))
	if err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "audit-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	p, err := browsertest.Start(ctx, browsertest.Options{Root: root, Public: filepath.Join(tmp, "public"),
		Env: map[string]string{"INTAKE_INBOX_DIR": filepath.Join(tmp, "inbox")}})
	if err != nil {
		return err
	}
	defer p.Close()

	links := data.Settings.Links
	var pages []string
	for _, lang := range data.Settings.Editions.WithForms() {
		pages = append(pages,
			data.Settings.Home(lang),
			links.Violence.In(lang),
			intake.StaticPages()[0].Path(data.Strings, lang),
			data.Settings.OfficePath(lang, data.Directory.Offices[0].ID))
	}

	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(stderr, "Lighthouse (%s) on %s\n", *preset, p.URL)
	fmt.Fprintln(w, "page\tperformance\taccessibility\tbest practices\tseo\t")
	var below []string
	var notes []string
	for i, page := range pages {
		fmt.Fprintf(stderr, "auditing %s (%d of %d)\n", page, i+1, len(pages))
		r, err := lighthouseRun(ctx, lighthouse, chromium, p.URL+page, filepath.Join(tmp, fmt.Sprintf("run-%d", i)), *preset)
		if err != nil {
			return fmt.Errorf("%s: %w", page, err)
		}
		fmt.Fprintf(w, "%s\t", page)
		for _, c := range categories {
			cat, ok := r.Categories[c]
			if !ok || cat.Score == nil {
				fmt.Fprint(w, "–\t")
				below = append(below, page+" "+c)
				continue
			}
			score := int(math.Round(*cat.Score * 100))
			fmt.Fprintf(w, "%d\t", score)
			if score < 100 {
				below = append(below, fmt.Sprintf("%s %s %d", page, c, score))
				for _, a := range r.losing(c) {
					notes = append(notes, fmt.Sprintf("%s, %s: %s", page, c, a))
				}
			}
		}
		fmt.Fprintln(w)
	}
	w.Flush()
	if len(notes) > 0 {
		fmt.Fprintln(stdout, "\nWhat cost points:")
		for _, n := range notes {
			fmt.Fprintln(stdout, "  "+n)
		}
	}
	if *strict && len(below) > 0 {
		return fmt.Errorf("below 100: %s", strings.Join(below, "; "))
	}
	return nil
}

// report is the part of Lighthouse's JSON report the command reads.
type report struct {
	Categories map[string]struct {
		Score     *float64 `json:"score"`
		AuditRefs []struct {
			ID     string  `json:"id"`
			Weight float64 `json:"weight"`
		} `json:"auditRefs"`
	} `json:"categories"`
	Audits map[string]struct {
		Title        string   `json:"title"`
		Score        *float64 `json:"score"`
		DisplayValue string   `json:"displayValue"`
	} `json:"audits"`
}

// losing lists the weighted audits of a category that scored below 1.
func (r *report) losing(category string) []string {
	var out []string
	for _, ref := range r.Categories[category].AuditRefs {
		a, ok := r.Audits[ref.ID]
		if !ok || ref.Weight == 0 || a.Score == nil || *a.Score >= 1 {
			continue
		}
		s := fmt.Sprintf("%s (%s, score %.2f)", a.Title, ref.ID, *a.Score)
		if a.DisplayValue != "" {
			s += ": " + a.DisplayValue
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// lighthouseRun audits one address with a fresh chromium profile.
func lighthouseRun(ctx context.Context, lighthouse, chromium, url, dir, preset string) (*report, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "report.json")
	flags := append(append([]string(nil), browsertest.ChromiumFlags...), "--user-data-dir="+filepath.Join(dir, "profile"))
	args := []string{lighthouse, url,
		"--quiet", "--output=json", "--output-path=" + out,
		"--only-categories=" + strings.Join(categories, ","),
		"--chrome-flags=" + strings.Join(flags, " ")}
	if preset == "desktop" {
		args = append(args, "--preset=desktop")
	}
	cmd := exec.CommandContext(ctx, "node", args...)
	// Lighthouse launches the browser at CHROME_PATH: Debian's chromium,
	// never a downloaded build.
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chromium)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("lighthouse: %w", err)
	}
	buf, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	var r report
	if err := json.Unmarshal(buf, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
