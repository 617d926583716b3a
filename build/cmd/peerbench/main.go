// Command peerbench measures the site generator beside its best-known
// peer, Hugo (pinned: HugoVersion), on the same content, on the same
// machine, in the same run (make bench-peer).
//
// For each size it has make bench's generator (build/cmd/sitebench)
// write its synthetic national portal and keep it, converts that tree
// for Hugo (the Markdown as it is; a config and a frame like the
// portal's, hugo.go), then builds each site from an empty output folder,
// alternately, runs times each, and prints both generators' wall time,
// CPU time (user + system) and peak memory, as the median of the runs
// and as ratios. Last, the one-page rebuild: Hugo's watch mode against
// the dev server's builder (which make bench measures the same way).
//
//	peerbench [-sizes 10000,50000] [-runs 3] [-edits 10]
//
// Each generator runs as a child process, so its figures are its own,
// as /usr/bin/time -v would give them. It prints figures; it does not
// fail.
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
	"strconv"
	"strings"
	"syscall"
	"time"
)

// targetWall is the target: a cold 10,000-page build in at most
// half of Hugo's wall time.
const targetWall = 0.5

func main() {
	if err := run(context.Background(), os.Args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "peerbench:", err)
		os.Exit(1)
	}
}

// measure is one build as a child process.
type measure struct {
	wall, cpu time.Duration
	sys       time.Duration // the part of cpu spent in the kernel
	rss       int64         // KiB
}

func child(ctx context.Context, name string, args ...string) (measure, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if out, err := cmd.Output(); err != nil {
		return measure{}, fmt.Errorf("%s: %w\n%s", filepath.Base(name), err, out)
	}
	wall := time.Since(start)
	u := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(u.Utime.Nano() + u.Stime.Nano())
	return measure{wall: wall, cpu: cpu, sys: time.Duration(u.Stime.Nano()), rss: u.Maxrss}, nil
}

func median(ms []measure) measure {
	by := func(get func(measure) int64) int64 {
		vs := make([]int64, len(ms))
		for i, m := range ms {
			vs[i] = get(m)
		}
		slices.Sort(vs)
		return vs[len(vs)/2]
	}
	return measure{
		wall: time.Duration(by(func(m measure) int64 { return int64(m.wall) })),
		cpu:  time.Duration(by(func(m measure) int64 { return int64(m.cpu) })),
		sys:  time.Duration(by(func(m measure) int64 { return int64(m.sys) })),
		rss:  by(func(m measure) int64 { return m.rss }),
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	sizes := fl.String("sizes", "10000,50000", "site sizes in pages, comma-separated")
	runs := fl.Int("runs", 3, "cold builds of each generator at each size, alternating")
	edits := fl.Int("edits", 10, "one-page edits for the rebuild comparison, at the smallest size (0: none)")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	hugo, err := hugoBinary(ctx, stdout)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "peerbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	sitegen := filepath.Join(tmp, "sitegen")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", sitegen, "./build/cmd/sitegen").CombinedOutput(); err != nil {
		return fmt.Errorf("building sitegen: %w\n%s", err, out)
	}
	version, _ := exec.CommandContext(ctx, hugo, "version").Output()
	fmt.Fprintf(stdout, "peer: %s", version)

	for i, field := range strings.Split(*sizes, ",") {
		size, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || size < 1 {
			return fmt.Errorf("-sizes: %q is not a number of pages", field)
		}
		if err := compare(ctx, stdout, tmp, sitegen, hugo, size, *runs, map[bool]int{true: *edits}[i == 0]); err != nil {
			return err
		}
	}
	return nil
}

func compare(ctx context.Context, stdout io.Writer, tmp, sitegen, hugo string, size, runs, edits int) error {
	dir := filepath.Join(tmp, strconv.Itoa(size))
	defer os.RemoveAll(dir)
	// make bench's own tree, kept: the same content for both.
	keep := filepath.Join(dir, "trees")
	gen := exec.CommandContext(ctx, "go", "run", "./build/cmd/sitebench", "-sizes", strconv.Itoa(size), "-runs", "1",
		"-edits", strconv.Itoa(edits), "-keep", keep)
	gen.Stderr = os.Stderr
	genOut, err := gen.Output()
	if err != nil {
		return fmt.Errorf("sitebench: %w\n%s", err, genOut)
	}
	tree := filepath.Join(keep, strconv.Itoa(size))
	site := filepath.Join(dir, "hugo")
	pages, err := toHugo(tree, site)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%d pages (%d Markdown files), cold builds from an empty output folder, alternating, %d each:\n", size, pages, runs)
	var ours, theirs []measure
	var oursFiles, theirFiles treeCount
	// Every build writes into a new folder, and the outputs are deleted
	// only when the size is done: ext4 without a journal, as here, skips
	// the inodes freed in the last minute or so when it allocates, so
	// deleting one build's output before the next made that build 2–3
	// times slower, by an amount that depended on the deletion rather
	// than on the generator. What the last build wrote is flushed before
	// the next starts, so that neither pays for the other's writing.
	for i := range runs {
		out := filepath.Join(dir, fmt.Sprintf("public-%d", i+1))
		syscall.Sync()
		m, err := child(ctx, sitegen, "-content", tree, "-out", out)
		if err != nil {
			return err
		}
		ours = append(ours, m)
		oursFiles = countTree(out)
		hout := filepath.Join(dir, fmt.Sprintf("hugo-public-%d", i+1))
		syscall.Sync()
		h, err := child(ctx, hugo, "--source", site, "--destination", hout, "--quiet")
		if err != nil {
			return err
		}
		theirs = append(theirs, h)
		theirFiles = countTree(hout)
	}
	o, h := median(ours), median(theirs)
	// The system time and the files each writes: on a disk where
	// creating a file is slow, both generators' wall time is mostly the
	// kernel's.
	row := func(name string, m measure, c treeCount) {
		fmt.Fprintf(stdout, "  %-10s wall %7.2f s   CPU %7.2f s (system %6.2f s)   peak RSS %7.1f MiB   wrote %d files in %d folders\n",
			name, m.wall.Seconds(), m.cpu.Seconds(), m.sys.Seconds(), float64(m.rss)/1024, c.files, c.dirs)
	}
	row("sitegen", o, oursFiles)
	row("hugo", h, theirFiles)
	verdict := ""
	if size == 10000 {
		verdict = fmt.Sprintf("   (target at 10,000 pages: at most %.1f×)", targetWall)
	}
	fmt.Fprintf(stdout, "  sitegen/hugo: wall %.2f×%s, CPU %.2f×, peak RSS %.2f×\n",
		o.wall.Seconds()/h.wall.Seconds(), verdict, o.cpu.Seconds()/h.cpu.Seconds(), float64(o.rss)/float64(h.rss))

	if edits > 0 {
		page := filepath.Join(site, "content", "sv", "familjeratt")
		target, err := firstPage(page)
		if err != nil {
			return err
		}
		ds, err := hugoRebuilds(ctx, hugo, site, target, edits)
		if err != nil {
			return err
		}
		slices.Sort(ds)
		fmt.Fprintf(stdout, "  one-page rebuild, hugo --watch (Hugo's own build duration): median %d ms, slowest %d ms, %d edits\n",
			ds[len(ds)/2].Milliseconds(), ds[len(ds)-1].Milliseconds(), len(ds))
		for _, line := range strings.Split(string(genOut), "\n") {
			if strings.Contains(line, "one-page edit") {
				// The first such line: the benchmark repeats the figure
				// beside its target.
				fmt.Fprintf(stdout, "  one-page rebuild, the dev server's builder (make bench): %s\n", strings.TrimSpace(strings.SplitN(line, ":", 2)[1]))
				break
			}
		}
	}
	return nil
}

// firstPage finds a page to edit: the first Markdown file below dir
// that is not a section's index.
func firstPage(dir string) (string, error) {
	var found string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || found != "" {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".md") && !strings.HasSuffix(path, "_index.md") {
			found = path
		}
		return nil
	})
	if err == nil && found == "" {
		err = fmt.Errorf("no page to edit below %s", dir)
	}
	return found, err
}

// treeCount is what a build wrote.
type treeCount struct{ files, dirs int }

func countTree(dir string) treeCount {
	var c treeCount
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
		case d.IsDir():
			c.dirs++
		default:
			c.files++
		}
		return nil
	})
	return c
}
