// Command sitebench measures the site generator on a large synthetic site:
// the project's own content plus generated pages in both languages, 10,000
// pages in all. It builds the real sitegen binary and runs it as a child
// process, so the peak memory it reports is the generator's alone, then
// measures how fast the dev server's builder re-renders after a one-page
// edit.
//
//	sitebench [-pages 10000] [-runs 3] [-edits 20]
//
// It prints figures and the targets beside them; it does not fail.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site"
)

func main() {
	if err := run(context.Background(), os.Args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sitebench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	total := fl.Int("pages", 10000, "pages in the synthetic site")
	runs := fl.Int("runs", 3, "full builds to time")
	edits := fl.Int("edits", 20, "one-page edits to time")
	keep := fl.String("keep", "", "write the synthetic content tree here and keep it (for profiling)")
	contentDir := fl.String("content", "content", "the project's content tree")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "sitebench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	tree := filepath.Join(tmp, "content")
	if *keep != "" {
		tree = *keep
	}
	if err := os.CopyFS(tree, os.DirFS(*contentDir)); err != nil {
		return err
	}
	// How many pages the project's own content makes, so the synthetic
	// part brings the total to exactly -pages.
	res, err := site.Build(ctx, site.Options{Content: os.DirFS(tree), Out: filepath.Join(tmp, "probe"), Forms: site.AsForms(intake.StaticPages())})
	if err != nil {
		return fmt.Errorf("the project's own content does not build: %w", err)
	}
	own := res.Pages
	pairs := (*total - own + 1) / 2 // pages come in pairs: round up
	if err := writeSynthetic(tree, pairs); err != nil {
		return err
	}

	bin := filepath.Join(tmp, "sitegen")
	compile := exec.CommandContext(ctx, "go", "build", "-o", bin, "./build/cmd/sitegen")
	compile.Stderr = os.Stderr
	if err := compile.Run(); err != nil {
		return err
	}

	pages := own + 2*pairs
	fmt.Fprintf(stdout, "synthetic site: %d pages (%d of the project's own, %d generated in each language)\n", pages, own, pairs)
	out := filepath.Join(tmp, "public")
	build := func() (time.Duration, int64, error) {
		cmd := exec.CommandContext(ctx, bin, "-content", tree, "-out", out)
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, 0, fmt.Errorf("sitegen: %w", err)
		}
		return time.Since(start), cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss, nil // KiB on Linux
	}

	// A cold build writes into an empty folder: the disk must create a
	// folder and a file per page, which on some machines costs more than
	// rendering. Measure that alone, to show the generator's share.
	disk, err := diskCost(filepath.Join(tmp, "disk"), pages)
	if err != nil {
		return err
	}
	cold, coldRSS, err := build()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cold build (empty output folder): %6.0f ms  %6.0f pages/s  peak RSS %5.1f MiB\n",
		ms(cold), float64(pages)/cold.Seconds(), float64(coldRSS)/1024)
	fmt.Fprintf(stdout, "  for comparison, this disk takes %.0f ms just to create %d folders and files of that size\n", ms(disk), pages)

	var rates []float64
	var peaks []int64
	for i := 0; i < *runs; i++ {
		elapsed, rss, err := build()
		if err != nil {
			return err
		}
		rate := float64(pages) / elapsed.Seconds()
		rates, peaks = append(rates, rate), append(peaks, rss)
		fmt.Fprintf(stdout, "warm build %d (output present):  %6.0f ms  %6.0f pages/s  peak RSS %5.1f MiB\n", i+1, ms(elapsed), rate, float64(rss)/1024)
	}
	slices.Sort(rates)
	slices.Sort(peaks)
	peaks = append(peaks, coldRSS)
	fmt.Fprintf(stdout, "full build, median of %d warm builds: %.0f pages/s (target ≥ 3000); peak RSS at most %.1f MiB in any build (target ≤ 100)\n",
		*runs, rates[len(rates)/2], float64(slices.Max(peaks))/1024)

	return measureEdits(ctx, stdout, tree, filepath.Join(tmp, "dev"), *edits)
}

// measureEdits times what the dev server does after an editor saves one
// page: Builder.Rebuild with that file.
func measureEdits(ctx context.Context, stdout io.Writer, tree, out string, edits int) error {
	b := site.NewBuilder(site.Options{Content: os.DirFS(tree), Out: out, Forms: site.AsForms(intake.StaticPages())})
	if _, err := b.Build(ctx); err != nil {
		return err
	}
	rel := filepath.ToSlash(filepath.Join("sv", "omrade-1", "sida-1.md"))
	file := filepath.Join(tree, rel)
	orig, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var times []time.Duration
	for i := 0; i < edits; i++ {
		edited := append(append([]byte(nil), orig...), fmt.Sprintf("\nÄndring nummer %d. Den är kort.\n", i)...)
		if err := os.WriteFile(file, edited, 0o644); err != nil {
			return err
		}
		start := time.Now()
		res, err := b.Rebuild(ctx, []string{rel})
		if err != nil {
			return err
		}
		times = append(times, time.Since(start))
		if res.Rendered != 1 {
			return fmt.Errorf("edit %d re-rendered %d pages, want 1", i, res.Rendered)
		}
	}
	slices.Sort(times)
	fmt.Fprintf(stdout, "re-render after a one-page edit, %d edits: median %.2f ms, slowest %.2f ms (target ≤ 50 ms)\n",
		edits, ms(times[len(times)/2]), ms(times[len(times)-1]))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// diskCost times creating n folders, each with a 12 KB index.html, as a
// cold build's output needs, with nothing rendered.
func diskCost(dir string, n int) (time.Duration, error) {
	data := make([]byte, 12<<10)
	start := time.Now()
	for i := 0; i < n; i++ {
		d := filepath.Join(dir, fmt.Sprintf("s%d", i/50), fmt.Sprintf("p%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(d, "index.html"), data, 0o644); err != nil {
			return 0, err
		}
	}
	elapsed := time.Since(start)
	return elapsed, os.RemoveAll(dir)
}

// writeSynthetic adds pairs of pages in sections of 50, in both
// languages, with the headings, lists, tables, footnotes and links real
// pages have, so the generator does the same work per page.
func writeSynthetic(tree string, pairs int) error {
	const perSection = 50
	for i := 0; i < pairs; i++ {
		section, n := i/perSection+1, i%perSection
		for _, lang := range []string{"sv", "en"} {
			dir := filepath.Join(tree, lang, fmt.Sprintf("omrade-%d", section))
			name := fmt.Sprintf("sida-%d.md", n)
			if n == 0 {
				name = "index.md"
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			next := fmt.Sprintf("/%s/omrade-%d/sida-%d/", lang, section, n+1)
			if n+1 == perSection || i+1 == pairs {
				next = fmt.Sprintf("/%s/omrade-%d/", lang, section)
			}
			page := syntheticPage(lang, section, n, next)
			if err := os.WriteFile(filepath.Join(dir, name), []byte(page), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

func syntheticPage(lang string, section, n int, next string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Sida %d i område %d\ndescription: En sida som bara finns för att mäta hur snabbt webbplatsen byggs.\norder: %d\n---\n", n, section, n)
	para := "Det här är en kort mening. Den finns för att mäta tiden. Ni kan läsa den i lugn och ro. Barnet ska alltid stå i centrum. Ni bestämmer själva vad ni vill göra. Samtalen är gratis och frivilliga."
	if lang == "en" {
		para = "This is a short sentence. It is here to measure the time. You can read it calmly. The child always comes first. You decide yourselves what to do. The talks are free and voluntary."
	}
	for h := 1; h <= 3; h++ {
		fmt.Fprintf(&b, "\n## Rubrik nummer %d\n\n%s %s\n\n", h, para, para)
		fmt.Fprintf(&b, "- En punkt med en [länk vidare](%s).\n- En punkt om \"citat\" och -- tankstreck.\n- En punkt till.\n\n", next)
		fmt.Fprintf(&b, "### Mindre rubrik %d\n\n%s[^%d]\n\n", h, para, h)
	}
	fmt.Fprintf(&b, "| Steg | Tid |\n|---|---|\n| Ansökan | 1 vecka |\n| Brev | 14 dagar |\n\n")
	fmt.Fprintf(&b, "Läs mer [högre upp](#rubrik-nummer-2) eller på [nästa sida](%s).\n\n", next)
	for h := 1; h <= 3; h++ {
		fmt.Fprintf(&b, "[^%d]: En fotnot med en källa.\n", h)
	}
	return b.String()
}
