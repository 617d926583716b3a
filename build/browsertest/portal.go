// Package browsertest proves the portal in a real browser: Debian's
// headless chromium, driven over the DevTools protocol. Its tests run
// axe-core on every page, walk the application journey with and without
// JavaScript and by keyboard alone, leave by "Exit this page", and check
// reflow and focus. The command cmd/audit runs Lighthouse on key pages.
//
// This file holds what the tests and the audit share: the portal served
// exactly as `make run` serves it, and the browser's command line.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"familjeratt.example/portal/functions/function"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site"
	"familjeratt.example/portal/site/server"
)

// ChromiumFlags are the switches every browser run uses, after the
// team's guide: headless, no GPU, and none of the browser's own traffic
// (updates, sync, background fetches), so that a run talks to 127.0.0.1
// and nothing else. --user-data-dir is added per run, with a fresh
// temporary folder.
var ChromiumFlags = []string{
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	// Quiet the rest of what a fresh profile would fetch or ask.
	"--no-default-browser-check",
	"--disable-default-apps",
	"--disable-extensions",
	"--disable-client-side-phishing-detection",
	"--disable-domain-reliability",
	"--disable-features=Translate,OptimizationHints,MediaRouter",
	"--metrics-recording-only",
	"--password-store=basic",
	"--use-mock-keychain",
	"--mute-audio",
}

// Chromium returns the path of Debian's chromium, or an error that says
// how to install it. The tests never download a browser build.
func Chromium() (string, error) {
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("Debian's chromium is not installed: run `make deps` (it installs it with apt)")
}

// Root returns the repository's root, found from the working directory
// (a test runs in its package's folder; `make audit` in the root).
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "content", "site.yaml")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the portal's repository")
		}
		dir = parent
	}
}

// Portal is the site built from the repository's content and templates,
// served on a free port of 127.0.0.1 by the dev server's handler with the
// intake function under /api/.
type Portal struct {
	URL    string // http://127.0.0.1:port, without a trailing slash
	Public string // the built site
	srv    *http.Server
}

// Options say where to build and how the intake function is configured.
type Options struct {
	Root   string            // the repository
	Public string            // the folder to build into
	Env    map[string]string // the intake function's environment, e.g. INTAKE_INBOX_DIR
	Logger *slog.Logger      // nil: no request log
	// Overlay, when set, holds files laid over the repository's content/:
	// a file in it adds or replaces the file at the same path. The tests
	// lay a fixture statistics export over the real content this way, so
	// that the statistics page is checked with figures and content/ holds
	// none that are made up.
	Overlay fs.FS
}

// ContentFS is the content tree the portal is built from and the
// function reads: content/, with Overlay laid over it.
func (o Options) ContentFS() fs.FS {
	base := os.DirFS(filepath.Join(o.Root, "content"))
	if o.Overlay == nil {
		return base
	}
	return overlayFS{top: o.Overlay, base: base}
}

// overlayFS is base with top's files laid over it: a file in top hides
// the one at its path in base, and a folder lists the entries of both.
type overlayFS struct{ top, base fs.FS }

func (f overlayFS) Open(name string) (fs.File, error) {
	if file, err := f.top.Open(name); err == nil {
		if st, err := file.Stat(); err == nil && !st.IsDir() {
			return file, nil
		}
		file.Close()
	}
	if file, err := f.base.Open(name); err == nil {
		return file, nil
	}
	return f.top.Open(name) // a folder only top has
}

// ReadDir lists a folder of either tree, top's entries before base's of
// the same name; fs.ReadDir and fs.WalkDir list folders through it.
func (f overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	top, terr := fs.ReadDir(f.top, name)
	base, berr := fs.ReadDir(f.base, name)
	if terr != nil && berr != nil {
		return nil, berr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range append(top, base...) {
		if !seen[e.Name()] {
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// Start builds the site and serves it as `make run` does: site.Build with
// the intake function's forms, and server.NewHandler with the function
// from function.New. The address is known before the build, so canonical
// links point at the local server.
func Start(ctx context.Context, o Options) (*Portal, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	url := "http://" + ln.Addr().String()
	_, err = site.Build(ctx, site.Options{
		Content:    o.ContentFS(),
		ContentDir: "content",
		Chrome:     os.DirFS(filepath.Join(o.Root, "site", "chrome")),
		Out:        o.Public,
		BaseURL:    url,
		Forms:      site.AsForms(intake.StaticPages()),
	})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("building the site: %w", err)
	}
	return serve(ln, url, o)
}

func serve(ln net.Listener, url string, o Options) (*Portal, error) {
	api, err := intakeHandler(o, url)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("starting the intake function: %w", err)
	}
	srv := server.NewServer(server.NewHandler(o.Public, api, o.Logger))
	go srv.Serve(ln)
	return &Portal{URL: url, Public: o.Public, srv: srv}, nil
}

// intakeHandler is the function as the dev server runs it, on the
// repository's content and chrome, configured by o.Env.
func intakeHandler(o Options, url string) (http.Handler, error) {
	getenv := func(k string) string {
		if v, ok := o.Env[k]; ok || k != "INTAKE_SIGNING_KEY_FILE" {
			return v
		}
		return filepath.Join(o.Root, function.DevSigningKey) // as make run, from the repository's root
	}
	return function.New(getenv, function.Options{
		Content: o.ContentFS(),
		Chrome:  os.DirFS(filepath.Join(o.Root, "site", "chrome")),
		Logger:  o.Logger,
		BaseURL: url,
	})
}

// Close stops the server.
func (p *Portal) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return p.srv.Shutdown(ctx)
}
