package chrome

import (
	"bytes"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
)

func testChrome(t *testing.T) *Chrome {
	t.Helper()
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(data.Strings, data.Settings)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTexts: every text a template asks for by name is among the texts
// of the layouts, so a check before rendering finds it missing.
func TestTexts(t *testing.T) {
	c := testChrome(t)
	found := map[string]bool{}
	for _, l := range c.Layouts() {
		keys, err := c.Texts(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			found[k] = true
		}
	}
	literal := regexp.MustCompile(`\.T(?:In \$\w+)? "([a-z_.]+)"`)
	err := fs.WalkDir(files, "templates", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := fs.ReadFile(files, name)
		for _, m := range literal.FindAllSubmatch(src, -1) {
			if !found[string(m[1])] {
				t.Errorf("%s asks for %q, which Texts does not list", name, m[1])
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := c.Texts("page")
	for _, want := range []string{"skip_to_content", "footer.privacy", "language.label"} {
		if !slices.Contains(page, want) {
			t.Errorf("Texts(page) lacks %s, which the frame uses", want)
		}
	}
	if _, err := c.Texts("nowhere"); err == nil {
		t.Error("Texts of a layout that does not exist: no error")
	}
}

// TestTelLink: a phone number becomes a tel: link, not html/template's
// #ZgotmplZ for a scheme it does not know.
func TestTelLink(t *testing.T) {
	c := testChrome(t)
	var out bytes.Buffer
	p := &Page{Lang: content.SV, Title: "T", Office: &content.Office{ID: "x", Name: content.Text{content.SV: "Kontoret", "en": "The office"},
		Contact: content.Contact{Phone: "010-35 33 100"}}}
	if err := c.Render(&out, "page", p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `href="tel:0103533100"`) || strings.Contains(out.String(), "ZgotmplZ") {
		t.Errorf("no tel: link in the footer's contact details")
	}
}

func TestIsolateLTR(t *testing.T) {
	tests := []struct{ in, want string }{
		{"اتصل بالرقم 112 الآن", "اتصل بالرقم 112 الآن"}, // a lone number stays as it is
		{"مثلًا 19811218-9876.", `مثلًا <span dir="ltr">19811218-9876</span>.`},
		{"الرقم 020-50 50 50 مجاني", `الرقم <span dir="ltr">020-50 50 50</span> مجاني`},
		{"اكتب إلى a.b@kommun.se <الآن>", `اكتب إلى <span dir="ltr">a.b@kommun.se</span> &lt;الآن&gt;`},
		{"الموقع https://www.imy.se/.", `الموقع <span dir="ltr">https://www.imy.se/</span>.`},
	}
	for _, tt := range tests {
		if got := string(IsolateLTR(tt.in)); got != tt.want {
			t.Errorf("IsolateLTR(%q):\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// actionBreaks is the rule dropActionBreaks implements, as the regular
// expression it replaced: the oracle it must agree with.
var actionBreaks = regexp.MustCompile(`(>|}})[ \t]*\r?\n\s*(<|{{)`)

func TestDropActionBreaks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>\n  <b>", "<p><b>"},
		{"{{end}}\n\t{{if .X}}", "{{end}}{{if .X}}"},
		{"<p> \t\r\n\n  {{.X}}", "<p>{{.X}}"},
		{"<p>\ntext", "<p>\ntext"},       // text keeps its line break
		{"<p>text\n<b>", "<p>text\n<b>"}, // only right after a tag or action
		{"{{.X}}}\n<b>", "{{.X}}}<b>"},   // from the second of three braces
		{"<p>\r<b>", "<p>\r<b>"},         // a lone CR is no line break
		{"<p>\n{x", "<p>\n{x"},           // one brace is text
		{"}\n<b>", "}\n<b>"},             // one brace is text
		{">\n", ">\n"},                   // at the end
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(dropActionBreaks([]byte(tt.in))); got != tt.want {
			t.Errorf("dropActionBreaks(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := actionBreaks.ReplaceAllString(tt.in, "$1$2"); got != tt.want {
			t.Errorf("the expression gives %q for %q: the table is wrong", got, tt.in)
		}
	}
	// Every template, as the expression would have made it.
	names, err := fs.Glob(files, "templates/*/*.html")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := fs.Glob(files, "templates/*.html")
	for _, name := range append(names, more...) {
		src, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := dropActionBreaks(src), actionBreaks.ReplaceAll(src, []byte("$1$2")); !bytes.Equal(got, want) {
			t.Errorf("%s: the scan and the expression disagree", name)
		}
	}
}

func FuzzDropActionBreaks(f *testing.F) {
	for _, s := range []string{"<p>\n <b>", "}}}\r\n{{", "> \t\n\f{{x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(dropActionBreaks([]byte(s))), actionBreaks.ReplaceAllString(s, "$1$2"); got != want {
			t.Errorf("dropActionBreaks(%q) = %q, the expression gives %q", s, got, want)
		}
	})
}

func TestNewFSOnlyLayouts(t *testing.T) {
	all := testChrome(t)
	c, err := NewFS(nil, all.Strings, all.Settings, "form", "sent")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Layouts(), []string{"form", "sent"}; !slices.Equal(got, want) {
		t.Errorf("Layouts() = %q, want %q", got, want)
	}
	if _, err := NewFS(nil, all.Strings, all.Settings, "form", "no-such-layout"); err == nil || !strings.Contains(err.Error(), "no-such-layout") {
		t.Errorf("a layout that does not exist: error %v, want one that names it", err)
	}
}
