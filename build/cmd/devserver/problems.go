package main

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"

	"familjeratt.example/portal/content"
)

// problemsPath is the dev server's page listing every current problem.
const problemsPath = "/__problems/"

// board holds the last build's problems and shows them in the browser, in
// the manner of Hugo's and Vite's error pages: the site keeps serving its
// last good version (a build with a problem publishes nothing), and every
// page carries a banner saying what is wrong, with file:line, so an editor
// who only looks at the browser sees it too.
type board struct {
	mu    sync.Mutex
	probs content.Problems // content problems, files named from the repository
	err   error            // a build error that is not about one file
	// source names the content file a page address is made from, or
	// false; it is the builder's, which only the rebuild changes, so it
	// is called with mu held.
	source func(path string) (string, bool)
}

// set records a build's outcome and says whether it fixed the problems
// the one before had.
func (b *board) set(err error) (fixed bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	had := len(b.probs) > 0 || b.err != nil
	b.probs, b.err = nil, nil
	var probs content.Problems
	switch {
	case errors.As(err, &probs):
		b.probs = append(content.Problems(nil), probs...)
	case err != nil:
		b.err = err
	}
	return had && err == nil
}

// lock runs f with the board locked: the rebuild holds it, so a page is
// never shown with the problems of a build still running.
func (b *board) lock(f func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f()
}

// wrap serves next, with the problems banner on every HTML page while
// there are problems, and the list of them at problemsPath.
func (b *board) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == problemsPath {
			b.serveList(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		b.mu.Lock()
		banner := b.banner(r.URL.Path)
		b.mu.Unlock()
		if banner == nil {
			next.ServeHTTP(w, r)
			return
		}
		rec := &pageRecorder{header: w.Header(), status: http.StatusOK}
		next.ServeHTTP(rec, r)
		body := rec.body.Bytes()
		if strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			body = insertBanner(body, banner)
		}
		w.WriteHeader(rec.status)
		w.Write(body)
	})
}

// pageRecorder keeps a page's answer, so the banner can go in.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (p *pageRecorder) Header() http.Header         { return p.header }
func (p *pageRecorder) WriteHeader(status int)      { p.status = status }
func (p *pageRecorder) Write(b []byte) (int, error) { return p.body.Write(b) }

// insertBanner puts the banner at the top of the page's body.
func insertBanner(page, banner []byte) []byte {
	i := bytes.Index(page, []byte("<body"))
	if i < 0 {
		return page
	}
	j := bytes.IndexByte(page[i:], '>')
	if j < 0 {
		return page
	}
	at := i + j + 1
	return append(append(append([]byte(nil), page[:at]...), banner...), page[at:]...)
}

var bannerTmpl = template.Must(template.New("banner").Parse(`<div class="error-summary" role="alert" data-dev-problems>
<h2 class="error-summary__title">{{.Title}}</h2>
{{if .Page}}<ul>{{range .Page}}<li>{{.}}</li>{{end}}</ul>
{{end}}{{with .Err}}<p>{{.}}</p>
{{end}}<p>{{if .Others}}{{.Others}} </p><p>{{end}}The site shows its last version without problems. <a href="` + problemsPath + `">See every problem</a>.</p>
</div>
`))

// banner is the banner for the page at path, or nil when there is no
// problem. Called with mu held.
func (b *board) banner(path string) []byte {
	if len(b.probs) == 0 && b.err == nil {
		return nil
	}
	var d struct {
		Title  string
		Page   []string
		Others string
		Err    error
	}
	file, ok := "", false
	if b.source != nil {
		file, ok = b.source(path)
	}
	others := 0
	for _, p := range b.probs {
		if ok && p.File == file {
			d.Page = append(d.Page, p.String())
		} else {
			others++
		}
	}
	d.Err = b.err
	switch {
	case len(d.Page) > 0:
		d.Title = fmt.Sprintf("This page has %s: fix %s in %s and save", count(len(d.Page), "problem"), them(len(d.Page)), file)
		if others > 0 {
			d.Others = fmt.Sprintf("The rest of the content has %s more.", count(others, "problem"))
		}
	case b.err != nil:
		d.Title = "The site could not be built"
	default:
		d.Title = fmt.Sprintf("The content has %s", count(others, "problem"))
	}
	var buf bytes.Buffer
	if err := bannerTmpl.Execute(&buf, d); err != nil {
		return []byte("<p>" + template.HTMLEscapeString(err.Error()) + "</p>")
	}
	return buf.Bytes()
}

var listTmpl = template.Must(template.New("list").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title></head>
<body>
<main>
<h1>{{.Title}}</h1>
{{if .Probs}}<p>Fix each one in the file it names, at that line, and save: this page and the site update by themselves when you reload. Until then the site shows its last version without problems.</p>
<ul>{{range .Probs}}<li>{{.}}</li>{{end}}</ul>
{{else if .Err}}<p>{{.Err}}</p>
{{else}}<p>Every page is up to date. <a href="/sv/">Go to the site</a>.</p>
{{end}}</main>
</body>
</html>
`))

// serveList serves the page of every current problem.
func (b *board) serveList(w http.ResponseWriter, r *http.Request) {
	var d struct {
		Title string
		Probs []string
		Err   error
	}
	b.mu.Lock()
	for _, p := range b.probs {
		d.Probs = append(d.Probs, p.String())
	}
	d.Err = b.err
	b.mu.Unlock()
	switch {
	case len(d.Probs) > 0:
		d.Title = "The content has " + count(len(d.Probs), "problem")
	case d.Err != nil:
		d.Title = "The site could not be built"
	default:
		d.Title = "No problems in the content"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := listTmpl.Execute(w, d); err != nil {
		fmt.Fprintln(w, err)
	}
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
