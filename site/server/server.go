// Package server serves a built site from a folder the way production
// does (CloudFront in front of S3): /sv/avtal/ is sv/avtal/index.html, an
// address without its trailing slash is redirected to it, and anything
// missing gets /404.html with status 404. The intake function's handler is
// mounted under /api/, so forms post to the same origin as in production.
// Every response carries the security headers.
package server

import (
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"familjeratt.example/portal/site/chrome"
)

// The local server's limits. They hold against a client that sends a
// byte every few seconds, or keeps idle connections open, without cutting
// off a parent on a slow mobile connection: the largest request is a
// 64 KiB form, which takes under 30 s even at 20 kbit/s, and the largest
// answer a page of tens of kilobytes.
const (
	ReadHeaderTimeout = 10 * time.Second  // the request line and headers
	ReadTimeout       = 60 * time.Second  // the whole request, body included
	WriteTimeout      = 60 * time.Second  // the whole answer, a delivery of up to 15 s included
	IdleTimeout       = 120 * time.Second // a kept-alive connection between requests
)

// Limits are a server's time limits.
type Limits struct{ ReadHeader, Read, Write, Idle time.Duration }

// DefaultLimits are the limits above.
var DefaultLimits = Limits{ReadHeader: ReadHeaderTimeout, Read: ReadTimeout, Write: WriteTimeout, Idle: IdleTimeout}

// NewServer is an HTTP server for h with the default limits.
func NewServer(h http.Handler) *http.Server { return NewServerWith(h, DefaultLimits) }

// NewServerWith is an HTTP server for h with the limits l.
func NewServerWith(h http.Handler, l Limits) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: l.ReadHeader, ReadTimeout: l.Read,
		WriteTimeout: l.Write, IdleTimeout: l.Idle}
}

// NewHandler serves the site in the folder public, with api (which may be
// nil) under /api/.
func NewHandler(public string, api http.Handler, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	if api != nil {
		mux.Handle("/api/", api)
	}
	mux.Handle("/", &static{dir: public})
	return chrome.WithSecurityHeaders(logRequests(logger, mux))
}

type static struct{ dir string }

func (s *static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
		return
	}
	file, redirect, ok := Resolve(s.dir, r.URL.Path)
	switch {
	case redirect != "":
		http.Redirect(w, r, redirect, http.StatusMovedPermanently)
	case !ok:
		s.notFound(w, r)
	default:
		s.serveFile(w, r, file, http.StatusOK)
	}
}

// Resolve maps an address to a file below dir, as the CloudFront function
// in build/template.yaml does: a trailing slash means index.html, and an
// address to a folder without one is redirected to add it.
func Resolve(dir, urlPath string) (file, redirect string, ok bool) {
	clean := path.Clean("/" + urlPath)
	if strings.HasSuffix(urlPath, "/") && clean != "/" {
		clean += "/"
	}
	if strings.Contains(clean, "/.") { // no dotfiles such as .portal-site
		return "", "", false
	}
	name := filepath.Join(dir, filepath.FromSlash(clean))
	if strings.HasSuffix(clean, "/") {
		name = filepath.Join(name, "index.html")
	}
	info, err := os.Stat(name)
	switch {
	case err != nil:
		return "", "", false
	case info.IsDir():
		if _, err := os.Stat(filepath.Join(name, "index.html")); err == nil {
			return "", clean + "/", false
		}
		return "", "", false
	}
	return name, "", true
}

func (s *static) notFound(w http.ResponseWriter, r *http.Request) {
	name := filepath.Join(s.dir, "404.html")
	if _, err := os.Stat(name); err != nil {
		http.NotFound(w, r)
		return
	}
	s.serveFile(w, r, name, http.StatusNotFound)
}

func (s *static) serveFile(w http.ResponseWriter, r *http.Request, name string, status int) {
	data, err := os.ReadFile(name)
	if err != nil {
		http.Error(w, "Could not read the file", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", chrome.ContentType(name))
	rel, _ := filepath.Rel(s.dir, name)
	if chrome.Immutable("/" + filepath.ToSlash(rel)) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// logRequests logs each request's method, path (never a query: a query
// could carry what a parent typed), status and time. The path alone is
// safe: no address on the site holds personal data.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	if logger == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", time.Since(start).Milliseconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}
