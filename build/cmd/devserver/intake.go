package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/function"
)

// liveIntake is the intake function, rebuilt from the content on disk
// after every rebuild of the site, so a new office or text reaches the
// form and its routing together, as in production where both are built
// from one commit.
type liveIntake struct {
	getenv   func(string) string
	logger   *slog.Logger
	content  fs.FS
	chromeFS fs.FS  // nil: the built-in templates
	baseURL  string // the local site, for the links in staff messages
	current  atomic.Pointer[function.Function]
}

// reload builds a new function; on failure the old one keeps serving.
func (l *liveIntake) reload() error {
	fn, err := function.New(l.getenv, function.Options{Content: l.content, Chrome: l.chromeFS, Logger: l.logger, BaseURL: l.baseURL})
	if err != nil {
		return err
	}
	if old := l.current.Swap(fn); old != nil {
		old.Close()
	}
	return nil
}

// sweepEvery runs the function's sweep (reminders, escalations) every
// interval until ctx ends, as the schedule does in production.
func (l *liveIntake) sweepEvery(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if fn := l.current.Load(); fn != nil {
				fn.Sweep(ctx) // it logs what it did
			}
		}
	}
}

func (l *liveIntake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fn := l.current.Load()
	if fn == nil {
		http.Error(w, "The intake function did not start: see the dev server's output.", http.StatusServiceUnavailable)
		return
	}
	fn.ServeHTTP(w, r)
}

// deliveryNote says, at start-up, where the applications sent through
// the local site go and how to read them.
func deliveryNote(t delivery.Transport) string {
	switch t := t.(type) {
	case *delivery.Inbox:
		return fmt.Sprintf("applications sent on this site are written, encrypted, to %s/<office>/<reference>.eml; "+
			"read them with `make open-inbox` (it decrypts with the demo offices' development keys)", t.Dir)
	case *delivery.SMTP:
		return fmt.Sprintf("applications sent on this site go by SMTP to %s, encrypted to each office's certificate", t.Addr)
	default:
		return fmt.Sprintf("applications sent on this site go to %T", t)
	}
}
