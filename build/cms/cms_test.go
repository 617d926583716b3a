package cms

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/content/contenttest"
	"familjeratt.example/portal/site/chrome"
)

// tree is the committed content, from this package's folder.
var tree = filepath.Join("..", "..", "content")

// TestHelpCoversTheModel: every key of a page's front matter and of an
// office file has its label and help text here, and no help text is left
// for a key the content model no longer has. A new key in package
// content fails here until the editor offers it.
func TestHelpCoversTheModel(t *testing.T) {
	for _, tt := range []struct {
		name string
		typ  reflect.Type
		docs map[string]help
	}{
		{"content.FrontMatter", reflect.TypeFor[content.FrontMatter](), pageHelp},
		{"content.Office", reflect.TypeFor[content.Office](), officeHelp},
	} {
		keys := yamlPaths(tt.typ, "")
		if got, want := slices.Sorted(maps.Keys(tt.docs)), slices.Sorted(slices.Values(keys)); !slices.Equal(got, want) {
			t.Errorf("%s has the keys\n\t%q\nthe help texts are for\n\t%q", tt.name, want, got)
		}
		for k, h := range tt.docs {
			if h.label == "" || h.hint == "" {
				t.Errorf("%s: %q needs a label and a hint", tt.name, k)
			}
		}
	}
}

// generate makes the configuration for the committed content.
func generate(t *testing.T, o Options) *Config {
	t.Helper()
	cfg, err := Generate(os.DirFS(tree), o)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestConfigCoversTheContent: every page of the committed content is in
// exactly one page collection, in its folder; every interface text is a
// field; every municipality is a choice; the YAML is what Decap reads.
func TestConfigCoversTheContent(t *testing.T) {
	data, err := content.Load(os.DirFS(tree))
	if err != nil {
		t.Fatal(err)
	}
	cfg := generate(t, Options{Backend: LocalProxy(APIPath)})
	folders := map[string]Collection{}
	for _, c := range cfg.Collections {
		if c.Folder != "" {
			folders[c.Folder] = c
		}
	}
	for _, p := range data.Pages {
		c, ok := folders[path.Dir(p.File)]
		if !ok || c.Extension != "md" {
			t.Errorf("%s is in no page collection", p.File)
			continue
		}
		names := map[string]bool{}
		for _, f := range c.Fields {
			names[f.Name] = true
		}
		for _, kl := range p.KeyLines {
			if !names[kl.Key] {
				t.Errorf("%s sets %s, which collection %s has no field for", p.File, kl.Key, c.Name)
			}
		}
	}

	texts := folders[content.StringsDir]
	var leaves []string
	var walk func(fs []Field, prefix string)
	walk = func(fs []Field, prefix string) {
		for _, f := range fs {
			if f.Widget == "object" {
				walk(f.Fields, prefix+f.Name+".")
				continue
			}
			leaves = append(leaves, prefix+f.Name)
		}
	}
	walk(texts.Fields, "")
	for _, k := range leaves {
		if !data.Strings.Has(k) {
			t.Errorf("texts has a field %s, which is no interface text", k)
		}
	}
	if n := countTexts(t); len(leaves) != n {
		t.Errorf("texts has %d fields for %d interface texts", len(leaves), n)
	}

	offices := folders[content.OfficesDir]
	var codes []string
	for _, f := range offices.Fields {
		if f.Name == "municipalities" {
			for _, o := range f.Options {
				codes = append(codes, o.Value)
			}
		}
	}
	var want []string
	for _, m := range data.Directory.Municipalities {
		want = append(want, m.Code)
	}
	if !slices.Equal(codes, want) {
		t.Errorf("the municipalities to choose from are not kommuner.tsv's in Swedish order")
	}

	y, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := yaml.Unmarshal(y, &back); err != nil || !reflect.DeepEqual(&back, cfg) {
		t.Errorf("config.yml does not read back as the configuration (%v)", err)
	}
	if !bytes.Contains(y, []byte(`value: "0114"`)) && !bytes.Contains(y, []byte(`value: '0114'`)) {
		t.Errorf("a kommunkod is not quoted in config.yml: Decap would read it as a number")
	}
}

// countTexts counts the interface texts of the Swedish file.
func countTexts(t *testing.T) int {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(tree, content.StringsDir, "sv.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	walkTexts(doc.Content[0], "", func(string, *yaml.Node) { n++ })
	return n
}

// TestBrokenContent: the editor opens on a tree with problems, since it
// may be what fixes them.
func TestBrokenContent(t *testing.T) {
	fsys := contenttest.Data(t, map[string]string{
		"offices/trasig.yaml": "name: [unclosed",
		"i18n/en.yaml":        "site: {name: Family law for parents\n",
		"sv/trasig.md":        "no front matter",
	})
	cfg, err := Generate(fsys, Options{Backend: LocalProxy(APIPath)})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, c := range cfg.Collections {
		names[c.Name] = true
	}
	if !names["offices"] || !names["sv"] || names["texts"] {
		t.Errorf("collections %v: want the offices and pages, and no texts while a file is not YAML", names)
	}
}

// TestBackends: the local editor saves into the content tree itself, the
// deployed one into content/ of the repository, through pull requests.
func TestBackends(t *testing.T) {
	local := generate(t, Options{Backend: LocalProxy(APIPath)})
	prod := generate(t, Options{Backend: GitHub("kommun/portal", "main", "https://auth.kommun.example/"), Root: "content"})
	if local.PublishMode != "" || prod.PublishMode != "editorial_workflow" {
		t.Errorf("publish modes %q and %q", local.PublishMode, prod.PublishMode)
	}
	if prod.Backend.BaseURL != "https://auth.kommun.example" || prod.Backend.Repo != "kommun/portal" {
		t.Errorf("GitHub backend %+v", prod.Backend)
	}
	for i, c := range local.Collections {
		p := prod.Collections[i]
		if p.Folder != path.Join("content", c.Folder) {
			t.Errorf("%s: folder %q locally, %q deployed", c.Name, c.Folder, p.Folder)
		}
	}
	if local.MediaFolder != "media" || prod.MediaFolder != "content/media" || local.PublicFolder != "/media" {
		t.Errorf("media folders %q, %q", local.MediaFolder, prod.MediaFolder)
	}
}

// TestPatterns: what the editor refuses as an editor types, the build
// refuses too; the pattern never stands in the way of a value the build
// takes. The patterns are JavaScript's, and these are RE2 and
// JavaScript alike.
func TestPatterns(t *testing.T) {
	phone := regexp.MustCompile(phonePattern)
	for _, s := range []string{"010-35 33 100", "0763-44 55 62", "+46 10 35 33 100", "112", "08-123 456 78", "0771-1", "1 2 3", "12", "0-", "-0", "010--1", "+", "07a", "010 / 1", " 112"} {
		if content.IsPhone(s) && !phone.MatchString(s) && strings.TrimSpace(s) == s {
			t.Errorf("the phone pattern refuses %q, which the build takes", s)
		}
	}
	web := regexp.MustCompile(webURLPattern)
	for _, s := range []string{"https://www.torsas.se/", "https://malmo.se", "https://1177.se/sv/x?y=1", "http://malmo.se/", "https://localhost/", "https://x.se/a b", "ftp://x.se"} {
		if web.MatchString(s) != content.IsWebURL(s) {
			t.Errorf("%q: the pattern says %v, the build %v", s, web.MatchString(s), content.IsWebURL(s))
		}
	}
	pages, err := content.LoadPages(os.DirFS(tree))
	if err != nil {
		t.Fatal(err)
	}
	rel := regexp.MustCompile(pagePathPattern)
	for _, p := range pages {
		if !rel.MatchString(p.Rel) {
			t.Errorf("the translation pattern refuses %q, a page that exists", p.Rel)
		}
	}
	for _, s := range []string{"/samarbetssamtal/avtal.md", "samarbetssamtal/avtal", "Avtal.md", "våld.md", "a//b.md"} {
		if rel.MatchString(s) {
			t.Errorf("the translation pattern takes %q", s)
		}
	}
	email := regexp.MustCompile(emailPattern)
	for _, s := range []string{"torsas@familjeratt.example", "familjesupporten@torsas.se"} {
		if !email.MatchString(s) {
			t.Errorf("the e-mail pattern refuses %q", s)
		}
	}
}

// TestTextsKeepTheirComments: each key's comment is its field's, which
// Decap writes back above the key.
func TestTextsKeepTheirComments(t *testing.T) {
	cfg := generate(t, Options{Backend: LocalProxy(APIPath)})
	y, _ := cfg.YAML()
	if !bytes.Contains(y, []byte(`form.<form>.<field>.label`)) {
		t.Errorf("the comment above form: is not a field's comment")
	}
	for _, c := range cfg.Collections {
		if c.Name == "texts" && !strings.HasPrefix(c.Fields[0].Comment, "Interface texts") {
			t.Errorf("the texts' first field has the comment %q", c.Fields[0].Comment)
		}
	}
}

// TestHandler serves the editor as the dev server does, over a local
// decap-server on a copy of the content: the page, the configuration, the
// bundle and the API, each with the editor's headers, and a file saved
// through the API lands in the tree.
func TestHandler(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(tree)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := StartLocalServer(ctx, ServerOptions{Dir: ".", Content: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// It listens on 127.0.0.1 alone: not even another loopback address
	// reaches it, let alone the network.
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1:")
	if c, err := net.DialTimeout("tcp", "127.0.0.2:"+port, time.Second); err == nil {
		c.Close()
		t.Errorf("decap-server answers on 127.0.0.2:%s: it must listen on 127.0.0.1 only", port)
	}
	h, err := NewHandler(HandlerOptions{Dir: ".", Content: os.DirFS(dir), Backend: srv.URL,
		Options: Options{Backend: LocalProxy(APIPath)}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()

	csp := ""
	for _, hd := range chrome.AdminSecurityHeaders(nil, nil) {
		if hd.Name == "Content-Security-Policy" {
			csp = hd.Value
		}
	}
	for _, tt := range []struct{ path, typ, has string }{
		{Path, "text/html; charset=utf-8", `<script src="decap-cms.js">`},
		{Path + ConfigFile, "text/yaml; charset=utf-8", "name: proxy"},
		{Path + OrderFile, "application/json", `"texts"`},
		{Path + "admin.js", "text/javascript; charset=utf-8", "preSave"},
		{Path + "decap-cms.js", "text/javascript; charset=utf-8", "DecapCms"},
	} {
		res, err := http.Get(ts.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), strings.Split(tt.typ, ";")[0]) || !bytes.Contains(body, []byte(tt.has)) {
			t.Errorf("%s: %d %s, want %s with %q", tt.path, res.StatusCode, res.Header.Get("Content-Type"), tt.typ, tt.has)
		}
		if got := res.Header.Get("Content-Security-Policy"); got != csp {
			t.Errorf("%s: CSP %q, want the editor's %q", tt.path, got, csp)
		}
		if res.Header.Get("X-Frame-Options") != "DENY" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: the security headers are missing", tt.path)
		}
	}
	for _, p := range []string{Path + "decap-cms.js.map", Path + "cms.js", Path + "../content/site.yaml"} {
		if res, err := http.Get(ts.URL + p); err != nil || res.StatusCode != 404 {
			t.Errorf("%s is served", p)
		}
	}

	post := func(body string) map[string]any {
		t.Helper()
		res, err := http.Post(ts.URL+APIPath, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %d %v", body, res.StatusCode, err)
		}
		return out
	}
	if info := post(`{"action":"info"}`); info["type"] != "local_fs" {
		t.Errorf("info: %v", info)
	}
	post(`{"action":"persistEntry","params":{"branch":"main","entry":{"slug":"x","path":"sv/ny-sida.md","raw":"---\ntitle: Ny\n---\n"},"assets":[],"options":{"commitMessage":"x","useWorkflow":false,"status":"draft"}}}`)
	if got, err := os.ReadFile(filepath.Join(dir, "sv", "ny-sida.md")); err != nil || string(got) != "---\ntitle: Ny\n---\n" {
		t.Errorf("the saved page: %q, %v", got, err)
	}
	// decap-server refuses a path outside the tree.
	res, err := http.Post(ts.URL+APIPath, "application/json", strings.NewReader(
		`{"action":"persistEntry","params":{"branch":"main","entry":{"slug":"x","path":"../outside.md","raw":"x"},"assets":[],"options":{"commitMessage":"x","useWorkflow":false,"status":"draft"}}}`))
	if err == nil {
		res.Body.Close()
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "outside.md")); err == nil {
		t.Errorf("decap-server wrote outside the content tree")
	}
}

// TestWrite writes the editor as a built site holds it.
func TestWrite(t *testing.T) {
	out := t.TempDir()
	cfg := generate(t, Options{Backend: GitHub("kommun/portal", "main", "https://auth.kommun.example"), Root: "content"})
	if err := Write(out, ".", cfg); err != nil {
		t.Fatal(err)
	}
	var names []string
	fs.WalkDir(os.DirFS(out), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, name)
		}
		return err
	})
	for _, want := range []string{"index.html", "config.yml", "order.json", "admin.css", "admin.js", "decap-cms.js"} {
		if !slices.Contains(names, want) {
			t.Errorf("the written editor lacks %s", want)
		}
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".map") || n == "cms.js" {
			t.Errorf("the written editor has %s", n)
		}
	}
	y, _ := os.ReadFile(filepath.Join(out, "config.yml"))
	if !bytes.Contains(y, []byte("name: github")) || !bytes.Contains(y, []byte("folder: content/offices")) {
		t.Errorf("config.yml is not the deployed one:\n%.400s", y)
	}
}

// TestNoOtherHost: the editor's own files load nothing from another host.
func TestNoOtherHost(t *testing.T) {
	for _, name := range []string{"index.html", "admin.css", "admin.js"} {
		data, _ := static.ReadFile(name)
		if m := regexp.MustCompile(`(src|href)="(https?:)?//`).Find(data); m != nil {
			t.Errorf("%s loads %s", name, m)
		}
	}
}

// TestServerEndsWithItsParent: decap-server stops when the process that
// started it is killed outright (a dev server killed with SIGKILL, or a
// crash), so nothing is left writing into the content tree. The test
// runs itself as that process.
func TestServerEndsWithItsParent(t *testing.T) {
	if tree := os.Getenv("CMS_TEST_PARENT_TREE"); tree != "" {
		srv, err := StartLocalServer(context.Background(), ServerOptions{Dir: ".", Content: tree})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(srv.URL)
		select {} // until killed
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestServerEndsWithItsParent$")
	cmd.Env = append(os.Environ(), "CMS_TEST_PARENT_TREE="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	url := strings.TrimSpace(line)
	if err != nil || !strings.HasPrefix(url, "http://127.0.0.1:") {
		cmd.Process.Kill()
		t.Fatalf("the parent said %q (%v)", line, err)
	}
	answers := func() bool {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	if !answers() {
		t.Fatalf("decap-server does not answer on %s", url)
	}
	cmd.Process.Kill()
	cmd.Wait()
	for deadline := time.Now().Add(10 * time.Second); answers(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("decap-server still answers on %s after its parent was killed", url)
		}
	}
}

var quotedValue = regexp.MustCompile(`"[a-z_]+"`)

// TestHelpUsesTheGlossary: the editor's labels and hints name each
// concept as the pages do (content/glossary.yaml), so an editor reads one
// term for one thing in the editor and in the texts they write.
func TestHelpUsesTheGlossary(t *testing.T) {
	g, err := content.LoadGlossary(os.DirFS(tree))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for name, docs := range map[string]map[string]help{"pageHelp": pageHelp, "officeHelp": officeHelp} {
		for key, h := range docs {
			for _, text := range []string{h.label, h.hint} {
				// A quoted word is a value to type ("uncrc"), not prose.
				text = quotedValue.ReplaceAllString(text, `""`)
				checked++
				for _, p := range g.Check("build/cms/fields.go", 0, content.Lang("en"), text) {
					t.Errorf("%s[%q]: %s", name, key, p.Msg)
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("checked %d texts, want every help text", checked)
	}
}
