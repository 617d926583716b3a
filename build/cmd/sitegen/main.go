// Command sitegen builds the portal's static site from a content tree.
//
//	sitegen [-content content] [-out public] [-base-url https://…] [-drafts]
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
	"os"
	"os/signal"
	"runtime/debug"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site"
)

func main() {
	// A large site's pages come and go as garbage; a soft limit makes the
	// collector run before the heap doubles, keeping a 10,000-page build
	// well under 100 MiB at little cost in time. GOMEMLIMIT overrides it.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(48 << 20)
	}
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

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	contentDir := fl.String("content", "content", "the content tree to build")
	out := fl.String("out", "public", "the folder to write the site to")
	baseURL := fl.String("base-url", getenv("BASE_URL"), "the address the site is published at (default: base_url in site.yaml)")
	drafts := fl.Bool("drafts", false, "include draft pages")
	if err := fl.Parse(args[1:]); err != nil {
		return err
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
	var probs content.Problems
	if errors.As(err, &probs) {
		fmt.Fprintln(stderr, probs.Error())
		fmt.Fprintf(stderr, "%d problem(s): nothing was published, %s is as the last build without problems left it\n", len(probs), *out)
		return errProblems
	}
	if err != nil {
		return err
	}
	if err := writeAdmin(*contentDir, *out, *baseURL, getenv, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built %d pages (%d files) into %s in %s\n", res.Pages, res.Files, *out, time.Since(start).Round(time.Millisecond))
	return nil
}
