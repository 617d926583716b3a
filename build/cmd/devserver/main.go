// Command devserver is what `make run` starts: it builds the site, serves
// it on 127.0.0.1 with the intake function mounted under /api/, and
// rebuilds when content or templates change.
//
//	devserver [-addr 127.0.0.1:8080] [-content content] [-out public] [-chrome site/chrome]
//
// PORT sets the port when -addr is not given. The intake function reads
// its own configuration from the environment (INTAKE_INBOX_DIR and the
// rest; see the README). Problems in the content are printed, and the
// last good pages keep being served, so an editor can fix and save.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site"
	"familjeratt.example/portal/site/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "devserver:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	port := getenv("PORT")
	if port == "" {
		port = "8080"
	}
	addr := fl.String("addr", "127.0.0.1:"+port, "the address to listen on")
	contentDir := fl.String("content", "content", "the content tree")
	out := fl.String("out", "public", "the folder to build the site into")
	chromeDir := fl.String("chrome", filepath.Join("site", "chrome"), "templates and assets to watch (empty: the built-in ones)")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stdout, nil))

	opts := site.Options{Content: os.DirFS(*contentDir), ContentDir: *contentDir, Out: *out, BaseURL: "http://" + *addr}
	if *chromeDir != "" {
		if _, err := os.Stat(filepath.Join(*chromeDir, "templates")); err == nil {
			opts.Chrome = os.DirFS(*chromeDir)
		} else {
			*chromeDir = ""
		}
	}
	opts.Forms = site.AsForms(intake.StaticPages())
	api := &liveIntake{getenv: getenv, logger: slog.New(slog.NewJSONHandler(stdout, nil)), content: opts.Content, chromeFS: opts.Chrome, baseURL: opts.BaseURL}
	go api.sweepEvery(ctx, time.Minute)
	b := site.NewBuilder(opts)
	defer b.Close()
	problems := &board{source: b.Source}
	rebuild := func(changed []string) {
		start := time.Now()
		if err := api.reload(); err != nil {
			fmt.Fprintln(stdout, "the intake function keeps its last good version:", err)
		}
		var (
			res *site.Result
			err error
		)
		problems.lock(func() { res, err = b.Rebuild(ctx, changed) })
		fixed := problems.set(err)
		var probs content.Problems
		switch {
		case errors.As(err, &probs):
			fmt.Fprintf(stdout, "%s\n%s in the content: the site keeps its last good version; fix and save (they are listed on every page, and at %s)\n",
				probs.Error(), count(len(probs), "problem"), problemsPath)
		case err != nil:
			fmt.Fprintln(stdout, "build failed:", err)
		case fixed:
			fmt.Fprintln(stdout, "fixed: no problems in the content; the site is up to date")
		}
		if res != nil {
			for _, w := range res.Warnings {
				fmt.Fprintln(stdout, w)
			}
			fmt.Fprintf(stdout, "rendered %d of %d pages in %s\n", res.Rendered, res.Pages, time.Since(start).Round(time.Microsecond))
		}
	}
	rebuild(nil)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	admin, stopAdmin := startAdmin(ctx, *contentDir, opts.BaseURL, stdout)
	defer stopAdmin()
	srv := server.NewServer(withAdmin(admin, problems.wrap(server.NewHandler(*out, api, logger))))
	fmt.Fprintf(stdout, "serving the site on http://%s/sv/ (and /en/); press Ctrl+C to stop\n", ln.Addr())
	if fn := api.current.Load(); fn != nil {
		fmt.Fprintln(stdout, deliveryNote(fn.Transport))
	}

	dirs := []string{*contentDir}
	if *chromeDir != "" {
		dirs = append(dirs, *chromeDir)
	}
	if wt, err := watch(dirs, 100*time.Millisecond); err != nil {
		fmt.Fprintln(stderr, "not watching for changes:", err)
	} else {
		go func() {
			err := wt.run(ctx, func(changed []string) {
				var rel []string
				for _, c := range changed {
					r, err := filepath.Rel(*contentDir, c)
					if err != nil || strings.HasPrefix(r, "..") {
						rel = append(rel, "") // outside the content tree: a template or asset
						continue
					}
					rel = append(rel, filepath.ToSlash(r))
				}
				rebuild(rel)
			}, func(err error) { fmt.Fprintln(stderr, err) })
			if err != nil {
				fmt.Fprintln(stderr, "no longer watching for changes:", err)
			}
		}()
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// watcher reports the files changed under some folders, after a quiet
// spell: editors save in several steps (write a temporary file, rename it
// over the old one), which arrive as a burst of events on the same name;
// the debounce turns the burst into one rebuild.
type watcher struct {
	w        *fsnotify.Watcher
	debounce time.Duration
}

// watch starts watching dirs and every folder below them. When it
// returns, every folder is watched: a change made after it is seen.
func watch(dirs []string, debounce time.Duration) (*watcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	wt := &watcher{w: w, debounce: debounce}
	for _, d := range dirs {
		if err := wt.addTree(d); err != nil {
			w.Close()
			return nil, err
		}
	}
	return wt, nil
}

func (wt *watcher) addTree(root string) error {
	return filepath.WalkDir(root, func(name string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return wt.w.Add(name)
		}
		return nil
	})
}

// run calls onChange with the changed files until ctx ends, and closes
// the watcher. A folder created meanwhile is watched too; one that cannot
// be is reported to problem, and the rest goes on.
func (wt *watcher) run(ctx context.Context, onChange func([]string), problem func(error)) error {
	defer wt.w.Close()
	var (
		pending = map[string]bool{}
		timer   = time.NewTimer(time.Hour)
	)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-wt.w.Errors:
			if !ok {
				return nil
			}
			return err
		case ev, ok := <-wt.w.Events:
			if !ok {
				return nil
			}
			if ignored(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					if err := wt.addTree(ev.Name); err != nil {
						problem(fmt.Errorf("not watching %s: %w", ev.Name, err))
					}
				}
			}
			pending[ev.Name] = true
			timer.Reset(wt.debounce)
		case <-timer.C:
			changed := make([]string, 0, len(pending))
			for name := range pending {
				changed = append(changed, name)
			}
			clear(pending)
			onChange(changed)
		}
	}
}

// ignored reports editors' temporary files, which come and go while
// saving and are not content.
func ignored(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") ||
		strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") ||
		strings.HasSuffix(base, ".tmp") || base == "4913"
}
