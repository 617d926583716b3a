package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"familjeratt.example/portal/content"
)

// recorder is a testing.TB that keeps the failures a check reports
// instead of failing, so a test can show that the check sees them.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Error(args ...any) { r.add(fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, s)
}

func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n")
}

// brokenPage has one of each problem the checks look for. It is served
// with a CSP like the portal's, so its inline script is refused.
const brokenPage = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Broken</title>
<link rel="stylesheet" href="/broken.css"></head><body>
<p><img src="/pixel.png"> An image without alt text.</p>
<p><a href="/somewhere" class="no-focus">A link with its focus style taken away</a></p>
<p><input type="text" name="unlabelled"></p>
<div class="wide">A box wider than any phone</div>
<button class="hidden-by-bar">Under the bar</button>
<div class="bar">A sticky bar</div>
<script>document.title = "inline script ran";</script>
<img src="http://third-party.example/tracker.gif" alt="">
</body></html>`

const brokenCSS = `.no-focus:focus, .no-focus:focus-visible { outline: none; }
.wide { width: 1500px; }
.bar { position: fixed; top: 0; left: 0; right: 0; height: 100vh; background: #fff; }`

// TestChecksCatchProblems shows that each check fails on a page with
// the problem it looks for: a check that cannot fail proves nothing.
func TestChecksCatchProblems(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		switch r.URL.Path {
		case "/broken.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, brokenCSS)
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, brokenPage)
		case "/rtl.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, `.past-start { margin-right: -80px; background: #eee; }`)
		case "/rtl":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>RTL</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/rtl.css"></head>
<body><p class="past-start">نص يبدأ خارج الصفحة</p></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	tb := newTab(t, tabOptions{})
	tb.openURL(srv.URL + "/")
	tests := []struct {
		name  string
		check func(tb *tab)
		want  []string
	}{
		{"axe", (*tab).checkAxe, []string{"image-alt", "label (critical)", "dequeuniversity.com/rules/axe/"}},
		{"focus", (*tab).checkFocus, []string{"no visible focus indicator: a[href=/somewhere]", "covered by div"}},
		{"reflow", (*tab).checkReflow, []string{"reflow at 320 px wide", "reflow at 200 % zoom", `class="wide"`}},
		{"exit", func(tb *tab) { tb.checkExit(true, content.Lang("en")) }, []string{"exit this page: present false, want true"}},
		{"clean", func(tb *tab) { tb.checkClean() }, []string{"Content Security Policy", "pixel.png", "http://third-party.example/tracker.gif"}},
	}
	// A right-to-left page whose text starts past the right edge, where
	// nothing scrolls: scrollWidth cannot tell, the boxes can.
	tests = append(tests, struct {
		name  string
		check func(tb *tab)
		want  []string
	}{"cut past the start edge", func(tb *tab) {
		tb.openURL(srv.URL + "/rtl")
		tb.viewport(phoneWidth, phoneHeight, 1)
		tb.checkNoOverflow()
	}, []string{"has elements cut at the edge of the page", "p.past-start"}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			tt.check(tb.in(rec))
			got := rec.all()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("the %s check missed %q; it reported:\n%s", tt.name, w, got)
				}
			}
		})
	}
}
