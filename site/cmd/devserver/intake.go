package main

import (
	"io/fs"
	"log/slog"
	"net/http"
	"sync/atomic"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site/chrome"
)

// liveIntake is the intake function, rebuilt from the content on disk
// after every rebuild of the site, so a new office or text reaches the
// form and its routing together, as in production where both are built
// from one commit.
type liveIntake struct {
	getenv   func(string) string
	logger   *slog.Logger
	content  fs.FS
	chromeFS fs.FS // nil: the built-in templates
	current  atomic.Pointer[http.Handler]
}

// reload builds a new handler; on failure the old one keeps serving.
func (l *liveIntake) reload() error {
	data, err := content.Load(l.content)
	if err != nil {
		return err
	}
	var c *chrome.Chrome
	if l.chromeFS != nil {
		c, err = chrome.NewFS(l.chromeFS, data.Strings, data.Settings)
	} else {
		c, err = chrome.New(data.Strings, data.Settings)
	}
	if err != nil {
		return err
	}
	cfg, err := intake.ConfigFromEnv(l.getenv, data, c, l.logger)
	if err != nil {
		return err
	}
	h, err := intake.NewHandler(cfg)
	if err != nil {
		return err
	}
	l.current.Store(&h)
	return nil
}

func (l *liveIntake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := l.current.Load()
	if h == nil {
		http.Error(w, "The intake function did not start: see the dev server's output.", http.StatusServiceUnavailable)
		return
	}
	(*h).ServeHTTP(w, r)
}
