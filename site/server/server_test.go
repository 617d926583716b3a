package server

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"familjeratt.example/portal/site/chrome"
)

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":                 "root",
		"sv/index.html":              "start",
		"sv/tolk/index.html":         "tolk",
		"404.html":                   "finns inte",
		"assets/site.0123456789.css": "body{}",
		"sitemap.xml":                "<urlset/>",
		".portal-site":               "marker",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	os.MkdirAll(filepath.Join(dir, "sv", "empty"), 0o755)
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("api " + r.URL.Path)) })
	h := NewHandler(dir, api, nil)

	tests := []struct {
		method, path string
		status       int
		body         string
		location     string
		cache        string
	}{
		{"GET", "/", 200, "root", "", "no-cache"},
		{"GET", "/sv/", 200, "start", "", "no-cache"},
		{"GET", "/sv/tolk/", 200, "tolk", "", "no-cache"},
		{"GET", "/sv/tolk", 301, "", "/sv/tolk/", ""},
		{"GET", "/sv/nope/", 404, "finns inte", "", "no-cache"},
		{"GET", "/sv/empty/", 404, "finns inte", "", "no-cache"}, // no folder listings
		{"GET", "/.portal-site", 404, "finns inte", "", "no-cache"},
		{"GET", "/sv/../sv/tolk/", 307, "", "/sv/tolk/", ""}, // the mux cleans the path first
		{"GET", "/assets/site.0123456789.css", 200, "body{}", "", "public, max-age=31536000, immutable"},
		{"HEAD", "/sv/", 200, "", "", "no-cache"},
		{"POST", "/sv/", 405, "", "", ""},
		{"POST", "/api/forms/x", 200, "api /api/forms/x", "", ""},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.path, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, w.Code, tt.status)
		}
		if tt.body != "" && w.Body.String() != tt.body {
			t.Errorf("%s %s: body %q, want %q", tt.method, tt.path, w.Body.String(), tt.body)
		}
		if got := w.Header().Get("Location"); got != tt.location {
			t.Errorf("%s %s: Location %q, want %q", tt.method, tt.path, got, tt.location)
		}
		if got := w.Header().Get("Cache-Control"); tt.cache != "" && got != tt.cache {
			t.Errorf("%s %s: Cache-Control %q, want %q", tt.method, tt.path, got, tt.cache)
		}
		for _, sh := range chrome.SecurityHeaders {
			if w.Header().Get(sh.Name) != sh.Value {
				t.Errorf("%s %s: header %s is %q", tt.method, tt.path, sh.Name, w.Header().Get(sh.Name))
			}
		}
	}
}
