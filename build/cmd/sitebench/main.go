// Command sitebench measures the site generator on a synthetic national
// portal: the project's own content, an office for every one of Sweden's
// 290 municipalities with a few pages of its own in both languages, and
// areas of 50 pages below a few top-level sections, as many as bring the
// site to each size asked for (tree.go says what it writes; it writes
// only into a temporary copy of the content).
//
// For each size it builds the real sitegen binary's output as a child
// process, from an empty output folder (cold) and again over it (warm),
// so the peak memory it reports is the generator's alone, and it weighs
// the pages. At the largest size it also times what the dev server's
// builder does after a one-page edit.
//
//	sitebench [-sizes 10000,50000,100000] [-runs 3] [-edits 20] [-keep dir] [-content content]
//
// It prints figures and the targets beside them; it does not fail.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site"
)

// The targets the figures are printed beside.
const (
	targetRate    = 3000 // pages/s, cold and warm, at every size
	targetRatio   = 0.8  // pages/s at the largest size over the smallest
	targetRSS     = 100  // MiB, peak, at every size
	targetRebuild = 50   // ms, a one-page edit at the largest size
)

func main() {
	if err := run(context.Background(), os.Args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sitebench:", err)
		os.Exit(1)
	}
}

// config is what the flags ask for.
type config struct {
	sizes       []int
	runs, edits int
	keep        string // keep the trees below this folder
	content     string // the project's content tree
	bin         string // the sitegen binary
	tmp         string
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	sizes := fl.String("sizes", "10000,50000,100000", "the sizes of site to measure, in pages, comma-separated")
	var c config
	fl.IntVar(&c.runs, "runs", 3, "warm builds to time at each size")
	fl.IntVar(&c.edits, "edits", 20, "one-page edits to time at the largest size (0: none)")
	fl.StringVar(&c.keep, "keep", "", "write the synthetic content trees below this folder and keep them (for profiling)")
	fl.StringVar(&c.content, "content", "content", "the project's content tree")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	var err error
	if c.sizes, err = parseSizes(*sizes); err != nil {
		return err
	}
	if c.runs < 1 {
		c.runs = 1
	}
	if c.tmp, err = os.MkdirTemp("", "sitebench-"); err != nil {
		return err
	}
	defer os.RemoveAll(c.tmp)

	c.bin = filepath.Join(c.tmp, "sitegen")
	compile := exec.CommandContext(ctx, "go", "build", "-o", c.bin, "./build/cmd/sitegen")
	compile.Stderr = os.Stderr
	if err := compile.Run(); err != nil {
		return err
	}

	var results []*sizeResult
	for i, size := range c.sizes {
		// A small site builds in seconds, which a moment's noise on the
		// machine can halve: it gets more builds, up to three times as many.
		repeat := min(3, max(1, c.sizes[len(c.sizes)-1]/size))
		r, err := measureSize(ctx, stdout, &c, size, repeat, i == len(c.sizes)-1)
		if err != nil {
			return fmt.Errorf("%d pages: %w", size, err)
		}
		results = append(results, r)
	}
	summary(stdout, &c, results)
	return nil
}

func parseSizes(s string) ([]int, error) {
	var sizes []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("-sizes: %q is not a number of pages", f)
		}
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)
	return sizes, nil
}

// sizeResult is what one size measured.
type sizeResult struct {
	pages      int
	cold, warm float64 // pages/s; warm is the median of the warm builds
	rss        int64   // KiB, the most of any build
	weights    []weight
	rebuild    []time.Duration // sorted; only at the largest size
}

// weight is the size of one page, or the median of a kind of page.
type weight struct {
	what  string
	bytes int
	n     int // pages weighed: 1 for a fixed page
}

// measureSize writes the portal of size pages and builds it: repeat
// times from an empty output folder, repeat × c.runs times over it.
func measureSize(ctx context.Context, stdout io.Writer, c *config, size, repeat int, largest bool) (*sizeResult, error) {
	dir := filepath.Join(c.tmp, strconv.Itoa(size))
	defer os.RemoveAll(dir) // a 100,000-page site's output is more than a gigabyte
	tree := filepath.Join(dir, "content")
	if c.keep != "" {
		tree = filepath.Join(c.keep, strconv.Itoa(size))
		if err := os.RemoveAll(tree); err != nil {
			return nil, err
		}
	}
	nat, pairs, own, err := writeTree(ctx, c, tree, filepath.Join(dir, "probe"), size)
	if err != nil {
		return nil, err
	}
	r := &sizeResult{pages: own + 2*pairs}
	fmt.Fprintf(stdout, "\n%d pages: %d of the portal's own (the content, %d offices of which %d synthetic, each with %d pages of its own per language), %d in areas of %d below %d sections per language\n",
		r.pages, own, len(nat.offices), nat.made, len(officePages), 2*pairs, areaSize, len(sections))

	var out string
	// build runs sitegen into out and returns its pages/s and peak RSS
	// (KiB).
	build := func() (float64, int64, error) {
		// What earlier steps wrote goes to the disk first, so that no
		// build pays for another's writing.
		syscall.Sync()
		cmd := exec.CommandContext(ctx, c.bin, "-content", tree, "-out", out)
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, 0, fmt.Errorf("sitegen: %w", err)
		}
		elapsed := time.Since(start)
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
		r.rss = max(r.rss, rss)
		return float64(r.pages) / elapsed.Seconds(), rss, nil
	}

	// A cold build writes into an empty folder: the disk must create a
	// folder and a file per page, which on some machines costs more than
	// rendering. Measure that alone, to show the generator's share.
	disk, err := diskCost(filepath.Join(dir, "disk"), r.pages)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "  for comparison, this disk takes %.0f ms just to create %d folders and files of 12 KB\n", ms(disk), r.pages)
	var colds, rates []float64
	for i := 0; i < repeat; i++ {
		// Each cold build gets a new folder, and none is deleted until
		// the end: ext4 without a journal, as here, skips the inodes
		// freed in the last minute or so when it allocates, so a build
		// right after deleting a large output was 2–3 times slower,
		// by an amount that depended on the deletion, not on the build.
		out = filepath.Join(dir, fmt.Sprintf("public-%d", i+1))
		rate, rss, err := build()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "  cold build %d (empty output folder): %6.0f pages/s  peak RSS %5.1f MiB\n", i+1, rate, mib(rss))
		colds = append(colds, rate)
	}
	for i := 0; i < repeat*c.runs; i++ {
		rate, rss, err := build()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "  warm build %d (output present):     %6.0f pages/s  peak RSS %5.1f MiB\n", i+1, rate, mib(rss))
		rates = append(rates, rate)
	}
	r.cold, r.warm = median(colds), median(rates)

	if r.weights, err = weigh(out, nat); err != nil {
		return nil, err
	}
	for _, w := range r.weights {
		if w.n > 1 {
			fmt.Fprintf(stdout, "  %-58s %6d bytes (median of %d)\n", w.what, w.bytes, w.n)
		} else {
			fmt.Fprintf(stdout, "  %-58s %6d bytes\n", w.what, w.bytes)
		}
	}
	if largest && c.edits > 0 {
		if r.rebuild, err = measureEdits(ctx, tree, filepath.Join(dir, "dev"), c.edits); err != nil {
			return nil, err
		}
		fmt.Fprintf(stdout, "  re-render after a one-page edit, %d edits: median %.2f ms, slowest %.2f ms\n",
			len(r.rebuild), ms(r.rebuild[len(r.rebuild)/2]), ms(r.rebuild[len(r.rebuild)-1]))
	}
	return r, nil
}

// writeTree writes the synthetic portal of size pages into tree: the
// project's content, the offices and their pages, the sections, and as
// many pairs of area pages as bring it to size. It returns the offices,
// the pairs and how many pages the rest makes.
func writeTree(ctx context.Context, c *config, tree, probe string, size int) (nat *national, pairs, own int, err error) {
	if err := os.CopyFS(tree, os.DirFS(c.content)); err != nil {
		return nil, 0, 0, err
	}
	if nat, err = addOffices(tree); err != nil {
		return nil, 0, 0, err
	}
	if err := addSections(tree, 0); err != nil {
		return nil, 0, 0, err
	}
	// How many pages the portal makes without the areas, so the areas
	// bring the total to exactly size.
	res, err := site.Build(ctx, site.Options{Content: os.DirFS(tree), ContentDir: tree, Out: probe, Forms: site.AsForms(intake.StaticPages())})
	if err != nil {
		return nil, 0, 0, fmt.Errorf("the synthetic portal without its areas does not build: %w", err)
	}
	os.RemoveAll(probe)
	own = res.Pages
	if size < own {
		return nil, 0, 0, fmt.Errorf("the portal has %d pages without any area: ask for at least that many", own)
	}
	pairs = (size - own + 1) / 2 // pages come in pairs: round up
	areas, err := addAreas(tree, pairs)
	if err != nil {
		return nil, 0, 0, err
	}
	return nat, pairs, own, addSections(tree, areas)
}

// weigh measures the pages whose weight must not grow with the site: the
// median of each kind of page, and fixed pages present at every size.
func weigh(out string, nat *national) ([]weight, error) {
	kinds := []struct {
		what, pattern string
	}{
		{"an area's page, sv/<section>/omrade-N/sida-M/", "sv/*/omrade-*/sida-*/index.html"},
		{"an office's page, sv/familjeratt/<office>/", "sv/familjeratt/*/index.html"},
		{"an office's own page, sv/familjeratt/<office>/<page>/", "sv/familjeratt/*/*/index.html"},
	}
	var ws []weight
	for _, k := range kinds {
		files, err := filepath.Glob(filepath.Join(out, filepath.FromSlash(k.pattern)))
		if err != nil {
			return nil, err
		}
		var sizes []int
		for _, f := range files {
			info, err := os.Stat(f)
			if err != nil {
				return nil, err
			}
			sizes = append(sizes, int(info.Size()))
		}
		if len(sizes) == 0 {
			continue
		}
		slices.Sort(sizes)
		ws = append(ws, weight{what: k.what, bytes: sizes[len(sizes)/2], n: len(sizes)})
	}
	for _, path := range fixedPages(nat) {
		info, err := os.Stat(filepath.Join(out, filepath.FromSlash(path), "index.html"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ws = append(ws, weight{what: "/" + path, bytes: int(info.Size()), n: 1})
	}
	return ws, nil
}

// fixedPages are pages present at every size, weighed at each.
func fixedPages(nat *national) []string {
	return []string{
		"sv/" + sections[0].sv + "/omrade-1/sida-1/",
		"sv/familjeratt/" + nat.sampleOffice + "/",
		"sv/familjeratt/" + nat.sampleOffice + "/" + officePages[0].sv + "/",
		"sv/tolk/",
	}
}

func summary(stdout io.Writer, c *config, rs []*sizeResult) {
	fmt.Fprintf(stdout, "\nsummary (medians: cold from an empty output folder, warm over the output; targets in brackets)\n")
	fmt.Fprintf(stdout, "  %9s  %14s  %14s  %14s", "pages", "cold pages/s", "warm pages/s", "peak RSS MiB")
	fmt.Fprintf(stdout, "  %16s  %s\n", "area page bytes", "fixed pages' bytes (as listed above)")
	for _, r := range rs {
		fmt.Fprintf(stdout, "  %9d  %14.0f  %14.0f  %14.1f", r.pages, r.cold, r.warm, mib(r.rss))
		var area string
		var fixedBytes []string
		for _, w := range r.weights {
			switch {
			case strings.HasPrefix(w.what, "an area's"):
				area = strconv.Itoa(w.bytes)
			case w.n == 1:
				fixedBytes = append(fixedBytes, strconv.Itoa(w.bytes))
			}
		}
		fmt.Fprintf(stdout, "  %16s  %s\n", area, strings.Join(fixedBytes, " "))
	}
	first, last := rs[0], rs[len(rs)-1]
	for _, r := range rs {
		fmt.Fprintf(stdout, "  at %d pages: cold %.0f, warm %.0f pages/s (target ≥ %d); peak RSS %.1f MiB (target ≤ %d)\n",
			r.pages, r.cold, r.warm, targetRate, mib(r.rss), targetRSS)
	}
	if len(rs) > 1 {
		fmt.Fprintf(stdout, "  pages/s at %d over %d pages: cold %.2f, warm %.2f (target ≥ %.1f)\n",
			last.pages, first.pages, last.cold/first.cold, last.warm/first.warm, targetRatio)
		for i, w := range first.weights {
			if i < len(last.weights) && last.weights[i].what == w.what {
				fmt.Fprintf(stdout, "  %s: %d bytes at %d pages, %d at %d (target: the same, within a few bytes)\n",
					w.what, w.bytes, first.pages, last.weights[i].bytes, last.pages)
			}
		}
	}
	if t := last.rebuild; len(t) > 0 {
		fmt.Fprintf(stdout, "  re-render after a one-page edit at %d pages: median %.2f ms, slowest %.2f ms (target ≤ %d ms)\n",
			last.pages, ms(t[len(t)/2]), ms(t[len(t)-1]), targetRebuild)
	}
}

// measureEdits times what the dev server does after an editor saves one
// page: Builder.Rebuild with that file.
func measureEdits(ctx context.Context, tree, out string, edits int) ([]time.Duration, error) {
	b := site.NewBuilder(site.Options{Content: os.DirFS(tree), Out: out, Forms: site.AsForms(intake.StaticPages())})
	defer b.Close()
	if _, err := b.Build(ctx); err != nil {
		return nil, err
	}
	syscall.Sync() // the edits come later, with the build's writing done
	rel := filepath.ToSlash(filepath.Join("sv", sections[0].sv, "omrade-1", "sida-1.md"))
	file := filepath.Join(tree, rel)
	orig, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var times []time.Duration
	for i := 0; i < edits; i++ {
		edited := append(append([]byte(nil), orig...), fmt.Sprintf("\nÄndring nummer %d. Den är kort.\n", i)...)
		if err := os.WriteFile(file, edited, 0o644); err != nil {
			return nil, err
		}
		start := time.Now()
		res, err := b.Rebuild(ctx, []string{rel})
		if err != nil {
			return nil, err
		}
		times = append(times, time.Since(start))
		if res.Rendered != 1 {
			return nil, fmt.Errorf("edit %d re-rendered %d pages, want 1", i, res.Rendered)
		}
	}
	slices.Sort(times)
	return times, os.WriteFile(file, orig, 0o644)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// median returns the middle of xs, the upper one of an even count.
func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

// diskCost times creating n folders, each with a 12 KB index.html, as a
// cold build's output needs, with nothing rendered.
func diskCost(dir string, n int) (time.Duration, error) {
	data := make([]byte, 12<<10)
	syscall.Sync()
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
	// dir stays until the size's builds are done (see measureSize).
	return time.Since(start), nil
}
