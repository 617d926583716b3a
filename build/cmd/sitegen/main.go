// Command sitegen builds the portal's static site from a content tree.
//
//	sitegen [-content content] [-out public] [-base-url https://…] [-drafts] [-cpuprofile file] [-memprofile file]
//
// It prints each problem in the content as file:line: what to fix, and
// exits with status 1 if there is any. Then the output folder is left
// exactly as it was: the build stages its files beside the output and
// moves them in only when it has found no problem.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site"
)

func main() {
	gcSettings(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errProblems) {
			fmt.Fprintln(os.Stderr, "sitegen:", err)
		}
		os.Exit(1)
	}
}

var errProblems = errors.New("the content has problems")

// gcPercent and memoryLimit are the collector's settings for a build,
// unless GOGC and GOMEMLIMIT give others.
//
// A build holds a compact index of every page, some 400 bytes each with
// its links, and each page's rendering (some 100 KB) comes and goes as
// garbage. The collector runs when the heap has grown by gcPercent of
// what is live, so memory stays proportional to the site and the
// collector's share of the time is the same at any size. The soft limit
// makes the runtime give freed memory back to the system sooner. Near
// it, the collector runs more often than gcPercent says: a
// 100,000-page build lives at about 50 MiB (GODEBUG=gctrace=1 shows
// it), where it collects every 15 MiB or so; at 60 MiB live, every few
// MiB, and the collector took 40 % of the build's CPU. A limit below
// what the build needs makes it run without pause: 48 MiB made 100,000
// pages build at half the speed of 10,000. A far larger site reaches
// this one, and builds more slowly rather than take more memory.
const (
	gcPercent   = 50
	memoryLimit = 80 << 20
)

func gcSettings(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	contentDir := fl.String("content", "content", "the content tree to build")
	out := fl.String("out", "public", "the folder to write the site to")
	baseURL := fl.String("base-url", getenv("BASE_URL"), "the address the site is published at (default: base_url in site.yaml)")
	drafts := fl.Bool("drafts", false, "include draft pages")
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile of the build to this file, for go tool pprof")
	memProfile := fl.String("memprofile", "", "write a heap profile to this file as the build ends, for go tool pprof: what the last collection found live")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := profileCPU(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	start := time.Now()
	res, err := site.Build(ctx, site.Options{
		Content:    os.DirFS(*contentDir),
		ContentDir: *contentDir,
		Out:        *out,
		BaseURL:    *baseURL,
		Drafts:     *drafts,
		Forms:      site.AsForms(intake.StaticPages()),
	})
	if *memProfile != "" {
		if err := profileHeap(*memProfile); err != nil {
			return err
		}
	}
	var probs content.Problems
	if errors.As(err, &probs) {
		fmt.Fprintln(stderr, probs.Error())
		fmt.Fprintf(stderr, "%d problem(s): nothing was published, %s is as the last build without problems left it\n", len(probs), *out)
		return errProblems
	}
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, w) // a slow page: worth a look, but the site is built
	}
	if err := writeAdmin(*contentDir, *out, *baseURL, getenv, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built %d pages (%d files) into %s in %s\n", res.Pages, res.Files, *out, time.Since(start).Round(time.Millisecond))
	// What the partial editions lack: a report, not a problem.
	for _, lang := range slices.Sorted(maps.Keys(res.Untranslated)) {
		files := res.Untranslated[lang]
		list := strings.Join(files, ", ")
		if len(files) > maxListed { // a national site lacks thousands: the first few say enough
			list = strings.Join(files[:maxListed], ", ") + fmt.Sprintf(" and %d more", len(files)-maxListed)
		}
		fmt.Fprintf(stdout, "the %s edition has no version of %d Swedish pages: %s\n", lang, len(files), list)
	}
	return nil
}

// maxListed is how many of the pages an edition lacks the build names.
const maxListed = 10

// profileCPU starts a CPU profile into file; stop ends it.
func profileCPU(file string) (stop func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// profileHeap writes a heap profile into file. Its in-use figures are
// those of the last collection, which ran while the build held the most.
func profileHeap(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
