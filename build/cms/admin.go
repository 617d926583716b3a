package cms

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"familjeratt.example/portal/site/chrome"
)

// static are the editor's own files: its page (Decap's bundle and its
// configuration, from this folder, nothing from another host), the
// corrections to Decap's colours and the script that keeps keys in order.
//
//go:embed index.html admin.css admin.js
var static embed.FS

// The editor's files below Path.
const (
	IndexFile  = "index.html"
	ConfigFile = "config.yml"
	OrderFile  = "order.json"
	// APIPath is where the handler serves the local backend's API, on the
	// site's own origin, so the editor talks to nothing else.
	APIPath = Path + "api/v1"
)

// generated are the files made from the configuration.
func generated(cfg *Config) (map[string][]byte, error) {
	y, err := cfg.YAML()
	if err != nil {
		return nil, err
	}
	o, err := json.Marshal(cfg.Order())
	if err != nil {
		return nil, err
	}
	return map[string][]byte{ConfigFile: y, OrderFile: o}, nil
}

// Dir finds this folder, build/cms, from the working directory: `make`
// runs in the repository's root, a test in its package's folder.
func Dir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "build", "cms"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the portal's repository: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Dist is Decap's bundle in the folder dir (build/cms): npm ci installs it.
func Dist(dir string) string { return filepath.Join(dir, "node_modules", "decap-cms", "dist") }

// bundleRE names the files of Decap's bundle the editor loads: the
// script, the chunks it loads as an editor needs them, and the image
// codecs, with the licence. Not the source maps (over 50 MB) nor cms.js,
// the same bundle under an older name.
var bundleRE = regexp.MustCompile(`^(decap-cms\.js|[0-9]+\.decap-cms\.js|[0-9a-f]+\.wasm|decap-cms\.js\.LICENSE\.txt)$`)

// Bundle lists the files of Decap's bundle in dir (build/cms), or says
// how to install it.
func Bundle(dir string) ([]string, error) {
	entries, err := os.ReadDir(Dist(dir))
	if err != nil {
		return nil, fmt.Errorf("the web editor is not installed (%v): run `make deps`, which runs npm ci in %s", err, dir)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && bundleRE.MatchString(e.Name()) {
			out = append(out, e.Name())
		}
	}
	if !slices.Contains(out, "decap-cms.js") {
		return nil, fmt.Errorf("%s has no decap-cms.js: run `make deps` again", Dist(dir))
	}
	return out, nil
}

// HandlerOptions say what the handler serves.
type HandlerOptions struct {
	Dir     string // build/cms, with node_modules
	Content fs.FS  // the content tree the configuration is made from
	Options Options
	// Backend is the local backend's address (LocalServer.URL), served at
	// APIPath; empty: none.
	Backend string
	// Connect and Images are other hosts the editor may reach (see
	// chrome.AdminSecurityHeaders).
	Connect, Images []string
}

// NewHandler serves the editor below Path: index.html, config.yml made
// afresh on each request (a new page folder shows at the next reload),
// the bundle, and the local backend's API at APIPath. Every answer has
// the editor's security headers.
func NewHandler(o HandlerOptions) (http.Handler, error) {
	files, err := Bundle(o.Dir)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Path+"{$}", func(w http.ResponseWriter, r *http.Request) {
		data, _ := static.ReadFile(IndexFile)
		serve(w, IndexFile, data)
	})
	own, _ := fs.ReadDir(static, ".")
	for _, e := range own {
		data, _ := static.ReadFile(e.Name())
		mux.HandleFunc("GET "+Path+e.Name(), func(w http.ResponseWriter, r *http.Request) { serve(w, e.Name(), data) })
	}
	// Made afresh on each request, so a new page folder shows at the
	// next reload.
	for _, name := range []string{ConfigFile, OrderFile} {
		mux.HandleFunc("GET "+Path+name, func(w http.ResponseWriter, r *http.Request) {
			cfg, err := Generate(o.Content, o.Options)
			var files map[string][]byte
			if err == nil {
				files, err = generated(cfg)
			}
			if err != nil {
				http.Error(w, "the web editor's configuration: "+err.Error(), http.StatusInternalServerError)
				return
			}
			serve(w, name, files[name])
		})
	}
	dist := Dist(o.Dir)
	for _, f := range files {
		mux.HandleFunc("GET "+Path+f, func(w http.ResponseWriter, r *http.Request) {
			data, err := os.ReadFile(filepath.Join(dist, f))
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			serve(w, f, data)
		})
	}
	if o.Backend != "" {
		target, err := url.Parse(o.Backend)
		if err != nil {
			return nil, err
		}
		proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.URL.Path = "/api/v1"
			r.Out.Host = target.Host
		}}
		mux.Handle("POST "+APIPath, proxy)
	}
	headers := chrome.AdminSecurityHeaders(o.Connect, o.Images)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range headers {
			w.Header().Set(h.Name, h.Value)
		}
		mux.ServeHTTP(w, r)
	}), nil
}

// serve answers with one of the editor's files. no-cache: the bundle has
// no fingerprint in its name, so a browser asks again after an update.
func serve(w http.ResponseWriter, name string, data []byte) {
	w.Header().Set("Content-Type", chrome.ContentType(name))
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data)
}

// Unavailable serves a page below Path that says why the editor cannot
// run here, such as a missing install.
func Unavailable(why error) http.Handler {
	headers := chrome.AdminSecurityHeaders(nil, nil)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range headers {
			w.Header().Set(h.Name, h.Value)
		}
		http.Error(w, "The web editor is not running: "+why.Error(), http.StatusServiceUnavailable)
	})
}

// Write writes the editor into the folder out (a built site's admin/):
// its own files, config.yml and order.json for cfg, and the bundle from
// dir.
func Write(out, dir string, cfg *Config) error {
	files, err := Bundle(dir)
	if err != nil {
		return err
	}
	made, err := generated(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	put := func(name string, data []byte) error {
		return os.WriteFile(filepath.Join(out, name), data, 0o644)
	}
	var errs []error
	own, _ := fs.ReadDir(static, ".")
	for _, e := range own {
		data, _ := static.ReadFile(e.Name())
		errs = append(errs, put(e.Name(), data))
	}
	for name, data := range made {
		errs = append(errs, put(name, data))
	}
	for _, f := range files {
		src, err := os.ReadFile(filepath.Join(Dist(dir), f))
		if err == nil {
			err = put(f, src)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
