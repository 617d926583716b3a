package chrome

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/tdewolff/minify/v2"
)

// Assets are the stylesheet, script and icons, ready to publish. CSS and
// JavaScript are minified and get a fingerprint of their content in their
// names (site.3f2a9b1c0d.css), so browsers and CloudFront may keep them
// for a year and a new version is a new address.
type Assets struct {
	files map[string][]byte // by address
	urls  map[string]string // plain name → address
}

// fingerprinted are the assets whose names carry their fingerprint; the
// others keep the names browsers ask for by themselves.
var fingerprinted = map[string]string{".css": "text/css", ".js": "application/javascript"}

func loadAssets(fsys fs.FS, m *minify.M) (*Assets, error) {
	a := &Assets{files: make(map[string][]byte), urls: make(map[string]string)}
	names, err := fs.Glob(fsys, "assets/*")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		base := path.Base(name)
		ext := path.Ext(base)
		if mediatype, ok := fingerprinted[ext]; ok {
			var out bytes.Buffer
			if err := m.Minify(mediatype, &out, bytes.NewReader(data)); err != nil {
				return nil, fmt.Errorf("minifying %s: %w", name, err)
			}
			data = out.Bytes()
			url := "/assets/" + strings.TrimSuffix(base, ext) + "." + fingerprint(data) + ext
			a.files[url], a.urls[base] = data, url
			continue
		}
		url := "/" + base // favicon.ico must be at the root: browsers ask for it there
		a.files[url], a.urls[base] = data, url
	}
	return a, nil
}

// URL returns the address of the asset with the plain name (site.css).
func (a *Assets) URL(name string) (string, error) {
	u, ok := a.urls[name]
	if !ok {
		return "", fmt.Errorf("no asset %q", name)
	}
	return u, nil
}

// Files returns every asset by address, in order.
func (a *Assets) Files() []string {
	urls := make([]string, 0, len(a.files))
	for u := range a.files {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	return urls
}

// File returns an asset's content by address.
func (a *Assets) File(url string) ([]byte, bool) {
	b, ok := a.files[url]
	return b, ok
}

// Immutable reports whether the asset at url may be cached for a year.
func Immutable(url string) bool {
	return strings.HasPrefix(url, "/assets/")
}

// ServeHTTP serves the assets, so the intake function's pages work even
// where the static site is not beside it (tests, a bare local server).
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, ok := a.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if Immutable(r.URL.Path) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	w.Header().Set("Content-Type", ContentType(r.URL.Path))
	w.Write(data)
}

// ContentType returns the media type for a published file by its name.
func ContentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".ico":
		return "image/x-icon"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".xml":
		return "application/xml; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".yml": // the web editor's configuration (build/cms)
		return "text/yaml; charset=utf-8"
	case ".wasm": // the web editor's image codecs
		return "application/wasm"
	case ".json": // the web editor's key order
		return "application/json"
	}
	return "application/octet-stream"
}
