package chrometest

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindBads: each mark is found, and a clean page has none. The first
// case is the bug that once shipped: html/template refuses a tel: URL
// given as a plain string and writes #ZgotmplZ instead.
func TestFindBads(t *testing.T) {
	tests := []struct {
		name, page string
		want       []string // the marks found, in the order of Bads
	}{
		{"a refused tel: link", `<dd><a href="#ZgotmplZ">010-35 33 100</a></dd>`, []string{"ZgotmplZ"}},
		{"a missing value", `<p>Välkommen <no value></p>`, []string{"<no value>"}},
		{"a bad format verb", `<p>3 av %!d(string=290)</p>`, []string{"%!"}},
		{"text escaped twice", `<p>&amp;lt;b&amp;gt;</p>`, []string{"&amp;lt;"}},
		{"a placeholder for a missing text", `<button>MISSING: form.submit</button>`, []string{"MISSING"}},
		{"an empty link", `<a class="button" href="">Ansök</a>`, []string{`href=""`}},
		{"several at once", `<a href="">x</a><a href="#ZgotmplZ">y</a>`, []string{"ZgotmplZ", `href=""`}},
		{"a clean page", `<a href="tel:0103533100">010-35 33 100</a> <a href="#main">Hoppa</a> 100 % &amp; &lt;b&gt;`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range FindBads([]byte(tt.page)) {
				mark, _, _ := strings.Cut(f, ": …")
				got = append(got, mark)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("FindBads(%q) = %q, want %q", tt.page, got, tt.want)
			}
		})
	}
}

// TestBadsCatchTheTelBug renders a phone number as html/template does
// without help, the way the office pages once did, and with a typed
// template.URL, the way they do now: the check fails the first.
func TestBadsCatchTheTelBug(t *testing.T) {
	tmpl := template.Must(template.New("").Parse(`<a href="{{.}}">Ring</a>`))
	for _, tt := range []struct {
		name string
		data any
		bad  bool
	}{
		{"a plain string", "tel:0103533100", true},
		{"a template.URL", template.URL("tel:0103533100"), false},
	} {
		var b bytes.Buffer
		if err := tmpl.Execute(&b, tt.data); err != nil {
			t.Fatal(err)
		}
		if got := len(FindBads(b.Bytes())) > 0; got != tt.bad {
			t.Errorf("%s: %s: bad %v, want %v", tt.name, b.String(), got, tt.bad)
		}
	}
}

// TestCheckBadsDir: every page in the folder is read, below it too, and
// only pages.
func TestCheckBadsDir(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"index.html": "<p>ok</p>", "sv/index.html": "<p>ok</p>", "sv/tolk/index.html": "<p>ok</p>",
		"assets/site.css": `a[href=""] { color: red }`, // not a page: not checked
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := CheckBadsDir(t, dir); got != 3 {
		t.Errorf("checked %d pages, want 3", got)
	}
}
