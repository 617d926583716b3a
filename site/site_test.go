package site

import (
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome"
	"familjeratt.example/portal/site/chrome/chrometest"
)

// fixture is the test content tree, site/testdata/content: pages in both
// languages, three offices, nine municipalities, its own copy of the
// interface texts. Golden files are rendered from it and never from
// content/, so an editor's change to the real content never needs one
// rewritten (see its README).
var fixture = os.DirFS(filepath.Join("testdata", "content"))

// committed is the repository's content tree, for the benchmarks; the
// tests of the real content are in package build, which builds it with
// the real forms.
var committed = os.DirFS(filepath.Join("..", "content"))

// testContent returns the fixture with the given pages or files put in;
// an empty text deletes one.
func testContent(t testing.TB, files map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(fixture, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fixture, name)
		m[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if text == "" {
			delete(m, name)
			continue
		}
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

// fixtureFile is the text of a file of the fixture.
func fixtureFile(t testing.TB, name string) string {
	t.Helper()
	data, err := fs.ReadFile(fixture, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func build(t testing.TB, fsys fs.FS) (string, error) {
	t.Helper()
	out := t.TempDir()
	_, err := Build(context.Background(), Options{Content: fsys, ContentDir: "content", Out: out})
	return out, err
}

// TestGolden renders the fixture, with a form so that the offices' pages
// link to it, and compares pages of every kind with their golden files:
// a page using every Markdown feature (sv/hur.md), an office with phone
// numbers and partners (tel: links), an office with every contact field,
// one serving several municipalities, the office finder, articles of the
// convention, the 404 page and the files beside the pages. Every page of
// the build is checked for failure marks, not only these.
func TestGolden(t *testing.T) {
	out := t.TempDir()
	if _, err := Build(context.Background(), Options{Content: testContent(t, nil), ContentDir: "content", Out: out, Forms: []Form{testForm{}}}); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{
		"sv/hur/index.html", "en/how/index.html", "sv/familjeratt/torsas/index.html",
		"en/family-law-offices/malmo/index.html", "sv/familjeratt/helsingborg/index.html",
		"en/family-law-offices/index.html", "sv/barnkonventionen/artikel-12/index.html",
		"en/uncrc/article-3/index.html", "404.html", "sitemap.xml", "robots.txt", "_headers",
	} {
		got, err := os.ReadFile(filepath.Join(out, file))
		if err != nil {
			t.Fatal(err)
		}
		chrometest.Golden(t, strings.ReplaceAll(file, "/", "_"), got)
	}
	if n := chrometest.CheckBadsDir(t, out); n < 100 {
		t.Errorf("checked %d pages for failure marks, want the whole site", n)
	}
}

// TestTelLinks: every phone number on an office's page, in its contact
// details, in the footer and among its partners, is a tel: link with the
// number's digits, never html/template's #ZgotmplZ for a scheme it does
// not know.
func TestTelLinks(t *testing.T) {
	out, err := build(t, testContent(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		file string
		want []string
	}{
		{"sv/familjeratt/torsas/index.html", []string{
			`<dd><a href="tel:0103533100" dir="ltr">010-35 33 100</a></dd>`,          // contact details, and the footer's
			`<li>Telefon: <a href="tel:0763445562" dir="ltr">0763-44 55 62</a></li>`, // a partner
		}},
		{"en/family-law-offices/helsingborg/index.html", []string{`<dd><a href="tel:042105000" dir="ltr">042-10 50 00</a></dd>`}},
	} {
		page, err := os.ReadFile(filepath.Join(out, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !bytes.Contains(page, []byte(w)) {
				t.Errorf("%s lacks %s", tt.file, w)
			}
		}
		chrometest.CheckBads(t, tt.file, page)
	}
}

func TestRendering(t *testing.T) {
	out, err := build(t, testContent(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	sv, _ := os.ReadFile(filepath.Join(out, "sv/hur/index.html"))
	en, _ := os.ReadFile(filepath.Join(out, "en/how/index.html"))
	for _, tt := range []struct {
		name string
		page []byte
		want string
	}{
		{"Swedish heading id keeps å/ä/ö as letters", sv, `<h2 id="vald-och-hot"><a class="self-link" href="#vald-och-hot">Våld och hot</a></h2>`},
		{"a repeated heading gets its own id", sv, `<h2 id="fragor-och-svar-2">`},
		{"Swedish quotation marks", sv, "”först”"},
		{"English quotation marks", en, "“first”"},
		{"dash", sv, "–"},
		{"footnote", sv, `<a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a>`},
		{"table without style attributes", sv, "<table>"},
		{"language switch to the translation", sv, `<li lang="en" dir="ltr"><a href="/en/how/" hreflang="en">English</a></li>`},
		{"meta description", sv, `<meta name="description" content="Så går samtalen till.">`},
		{"canonical link", sv, `<link rel="canonical" href="https://familjeratt.example/sv/hur/">`},
		{"lang attribute", en, `<html lang="en"`},
		{"breadcrumbs", sv, `<ol><li><a href="/sv/">Startsida</a></li></ol>`},
		{"section navigation marks the page", sv, `<a href="/sv/hur/" aria-current="page">Hur går det till?</a>`},
		{"footer links the accessibility statement", sv, `<a href="/sv/tillganglighet/">Tillgänglighet</a>`},
	} {
		if !bytes.Contains(tt.page, []byte(tt.want)) {
			t.Errorf("%s: page lacks %q", tt.name, tt.want)
		}
	}
	for _, bad := range []string{"style=", "<script>", "\n\n"} {
		if bytes.Contains(sv, []byte(bad)) {
			t.Errorf("page contains %q", bad)
		}
	}
	vald, _ := os.ReadFile(filepath.Join(out, "sv/vald/index.html"))
	if !bytes.Contains(vald, []byte(`class="exit-this-page__button" href="https://www.smhi.se/"`)) {
		t.Errorf("a page with exit: true lacks the Exit this page button")
	}
	if bytes.Contains(sv, []byte("exit-this-page")) {
		t.Errorf("a page without exit: true has the Exit this page button")
	}
	root, _ := os.ReadFile(filepath.Join(out, "index.html"))
	home, _ := os.ReadFile(filepath.Join(out, "sv/index.html"))
	if !bytes.Equal(root, home) {
		t.Errorf("/index.html is not the Swedish start page")
	}
}

func TestProblems(t *testing.T) {
	page := func(body string) string { return "---\ntitle: Sida\ndescription: D.\n---\n" + body }
	en := "---\ntitle: Page\ndescription: D.\ntranslation: sida.md\n---\nText.\n"
	tests := []struct {
		name  string
		pages map[string]string
		want  []string
	}{
		{"broken link", map[string]string{"sv/sida.md": page("Hej.\n\nSe [avtal](/sv/avtl/).\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:7: the link to /sv/avtl/ goes nowhere: no page has that address"}},
		{"broken anchor on another page", map[string]string{"sv/sida.md": page("Se [våld](/sv/vald/#ring).\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:5: the link to /sv/vald/#ring goes nowhere: that page has no heading with the address #ring"}},
		{"broken anchor on the same page", map[string]string{"sv/sida.md": page("## Hur gör jag?\n\nSe [ovan](#hur-gor-ja).\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:7: the link to /sv/sida/#hur-gor-ja goes nowhere: this page has no heading with the address #hur-gor-ja; did you mean #hur-gor-jag?"}},
		{"link to a draft", map[string]string{"sv/sida.md": page("[Ny](/sv/ny/)\n"), "en/page.md": en,
			"sv/ny.md": "---\ntitle: Ny\ndescription: D.\ndraft: true\n---\n", "en/new.md": "---\ntitle: New\ndescription: D.\ndraft: true\ntranslation: ny.md\n---\n"},
			[]string{"content/sv/sida.md:5: the link to /sv/ny/ goes to a draft (sv/ny.md): it is not published"}},
		{"relative link", map[string]string{"sv/sida.md": page("[Avtal](../avtal/)\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:5: ../avtal/: write addresses on this site from the root"}},
		{"missing trailing slash", map[string]string{"sv/sida.md": page("[Våld](/sv/vald)\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:5: /sv/vald: end the address with a slash: /sv/vald/"}},
		{"unencrypted link", map[string]string{"sv/sida.md": page("[SMHI](http://www.smhi.se/)\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:5: http://www.smhi.se/: link with https://"}},
		{"image without alt text", map[string]string{"sv/sida.md": page("Text.\n\n![](/media/karta.png)\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:7: the image /media/karta.png has no alt text"}},
		{"image from another site", map[string]string{"sv/sida.md": page("![Karta](https://maps.example/k.png)\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:5: https://maps.example/k.png: images must be stored on this site"}},
		{"raw HTML", map[string]string{"sv/sida.md": page("Text.\n\n<div>hej</div>\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:7: HTML is not allowed in pages: write it in Markdown"}},
		{"second h1", map[string]string{"sv/sida.md": page("# Rubrik\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:5: a heading with a single # is a second h1"}},
		{"skipped heading level", map[string]string{"sv/sida.md": page("## Två\n\n#### Fyra\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:7: this heading skips a level: #### comes right after ##; use ### here"}},
		{"heading level skipped from the title", map[string]string{"sv/sida.md": page("### Tre\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:5: this heading skips a level: ### comes right after the title; use ## here"}},
		{"unknown front matter key", map[string]string{"sv/sida.md": "---\ntitle: Sida\ndescription: D.\nordning: 2\n---\n", "en/page.md": en},
			[]string{`content/sv/sida.md:4: unknown key "ordning"`}},
		{"missing translation", map[string]string{"sv/sida.md": page("Text.\n")},
			[]string{"content/sv/sida.md:1: this page has no English version: add en/sida.md, or give the English page translation: sida.md"}},
		{"translation names a missing file", map[string]string{"sv/sida.md": page("Text.\n"), "en/page.md": strings.Replace(en, "sida.md", "sidan.md", 1)},
			[]string{"content/en/page.md:4: translation: sv/sidan.md does not exist"}},
		{"duplicate address", map[string]string{"sv/sida.md": page("A.\n"), "sv/sida/index.md": page("B.\n"), "en/page.md": en},
			[]string{"content/sv/sida/index.md:1: the address /sv/sida/ is taken by sv/sida.md too"}},
		{"bad tel link", map[string]string{"sv/sida.md": page("[Ring](tel:020-505050)\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:5: tel:020-505050: write the number's digits only, like tel:020505050"}},
		{"bad mailto link", map[string]string{"sv/sida.md": page("[Mejla](mailto:nobody)\n"), "en/page.md": en},
			[]string{`content/sv/sida.md:5: mailto:nobody: "nobody" is not an e-mail address`}},
		{"LIX too high", map[string]string{"sv/sida.md": page(strings.Repeat("Socialnämndens handläggningsrutiner avseende samarbetssamtalsverksamheten förutsätter vårdnadshavarnas medverkan, överenskommelser beträffande umgängesarrangemang, dokumentationsskyldigheter samt sekretessbestämmelsernas tillämpning. ", 2) + "\n"), "en/page.md": en},
			[]string{"content/sv/sida.md:5: LIX is 1"}},
		{"settings link to a missing page", map[string]string{"sv/personuppgifter.md": "", "en/privacy.md": ""},
			[]string{"content/site.yaml: links.privacy.sv: no page has the address /sv/personuppgifter/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(t, testContent(t, tt.pages))
			var probs content.Problems
			if !errors.As(err, &probs) {
				t.Fatalf("got %v, want problems", err)
			}
			for _, w := range tt.want {
				if !strings.Contains("\n"+probs.Error(), "\n"+w) {
					t.Errorf("want a problem starting %q; got:\n%s", w, probs.Error())
				}
			}
		})
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Våld i nära relationer":   "vald-i-nara-relationer",
		"Hur går det till?":        "hur-gar-det-till",
		"Öppettider & telefon":     "oppettider-telefon",
		"  Artikel 12 – barnet ":   "artikel-12-barnet",
		"Café":                     "cafe",
		"???":                      "",
		"FN:s barnkonvention":      "fn-s-barnkonvention",
		"Umgängesstöd (6 kap. FB)": "umgangesstod-6-kap-fb",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q): got %q, want %q", in, got, want)
		}
	}
	ids := newHeadingIDs()
	var got []string
	for _, h := range []string{"Frågor", "Frågor", "Frågor", "main", "???"} {
		got = append(got, string(ids.Generate([]byte(h), 0)))
	}
	if want := "fragor fragor-2 fragor-3 main-2 avsnitt"; strings.Join(got, " ") != want {
		t.Errorf("ids: got %q, want %q", strings.Join(got, " "), want)
	}
}

func TestLIX(t *testing.T) {
	tests := []struct {
		text string
		want float64
	}{
		// 24 words, 4 sentences, 4 long (bestämmer ×4): 6 + 100·4/24.
		{strings.Repeat("Ni bestämmer själva vad ni gör. ", 4), 6 + 100*4/24.0},
		// 20 words, 5 sentences, 10 long (samarbetssamtal, frivilliga): 4 + 50.
		{strings.Repeat("Samarbetssamtal är alltid frivilliga. ", 5), 54},
		// "t.ex." and "2.5" do not end sentences: 7 words each, no long ones.
		{strings.Repeat("Ta t.ex. med 2.5 kilo äpplen! ", 3), 7},
		// A heading or list item ends a sentence without a full stop.
		{strings.Repeat("Tre korta ord\n", 7), 3},
		// Too short to measure.
		{"Samarbetssamtal!", 0},
	}
	for _, tt := range tests {
		var c lixCounter
		for _, block := range strings.Split(tt.text, "\n") {
			c.Text(block, 1)
			c.EndBlock()
		}
		if got := c.LIX(); got < tt.want-0.01 || got > tt.want+0.01 {
			t.Errorf("LIX(%q): got %.2f, want %.2f", tt.text, got, tt.want)
		}
	}
}

// TestByteIdentical builds the same content twice: the output must not
// differ by a byte, or caches and reviews of the output are worthless.
func TestByteIdentical(t *testing.T) {
	fsys := testContent(t, nil)
	a, err := build(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	b, err := build(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(a, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, name)
		x, _ := os.ReadFile(name)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two builds of the same content", rel)
		}
		files++
		return nil
	})
	if err != nil || files < 100 {
		t.Fatalf("compared %d files (%v)", files, err)
	}
}

func TestRebuild(t *testing.T) {
	out := t.TempDir()
	dir, b := rebuildTree(t, Options{Out: out})
	ctx := context.Background()
	full, err := b.Build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(name, old, new string) {
		t.Helper()
		editFile(t, dir, name, old, new)
	}

	edit("sv/hur.md", "Nej.", "Nej, det är gratis.")
	res, err := b.Rebuild(ctx, []string{"sv/hur.md"})
	if err != nil || res.Rendered != 1 {
		t.Fatalf("body edit: rendered %v pages (%v), want 1", res, err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "sv/hur/index.html")); !bytes.Contains(got, []byte("Nej, det är gratis.")) {
		t.Errorf("the edited text is not in the page")
	}

	// A description is shown only on its own page: one page to render,
	// and it must show the new one.
	edit("sv/hur.md", "description: Så går samtalen till.", "description: Så här går samtalen till, steg för steg.")
	res, err = b.Rebuild(ctx, []string{"sv/hur.md"})
	if err != nil || res.Rendered != 1 {
		t.Fatalf("description edit: rendered %v pages (%v), want 1", res, err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "sv/hur/index.html")); !bytes.Contains(got,
		[]byte(`<meta name="description" content="Så här går samtalen till, steg för steg.">`)) {
		t.Errorf("the page keeps its old description")
	}

	edit("sv/hur.md", "[avtal](/sv/avtal/#sa-gor-ni)", "[avtal](/sv/avtal/#sa-gor-vi)")
	if _, err := b.Rebuild(ctx, []string{"sv/hur.md"}); err == nil || !strings.Contains(err.Error(), "#sa-gor-vi goes nowhere") {
		t.Errorf("a broken anchor added by an edit: got %v", err)
	}
	edit("sv/hur.md", "#sa-gor-vi", "#sa-gor-ni")

	edit("sv/hur.md", "title: Hur går det till?", "title: Så går det till")
	res, err = b.Rebuild(ctx, []string{"sv/hur.md"})
	if err != nil || res.Rendered != full.Pages {
		t.Fatalf("title edit: rendered %d of %d pages (%v): a new title changes other pages' navigation", res.Rendered, full.Pages, err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "sv/avtal/index.html")); !bytes.Contains(got, []byte("Så går det till")) {
		t.Errorf("another page's navigation lacks the new title")
	}

	os.Remove(filepath.Join(dir, "sv/avtal.md"))
	os.Remove(filepath.Join(dir, "en/agreements.md"))
	edit("sv/hur.md", "[avtal](/sv/avtal/#sa-gor-ni)", "avtal")
	if _, err := b.Rebuild(ctx, []string{"sv/avtal.md", "en/agreements.md", "sv/hur.md"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "sv/avtal/index.html")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a deleted page is still in the output (%v)", err)
	}
}

func TestRefusesForeignOutputFolder(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "thesis.docx"), []byte("precious"), 0o644)
	_, err := Build(context.Background(), Options{Content: testContent(t, nil), Out: out})
	if err == nil || !strings.Contains(err.Error(), "not made by this generator") {
		t.Fatalf("got %v, want a refusal", err)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "thesis.docx")); string(data) != "precious" {
		t.Errorf("a file in the folder was touched")
	}
}

// TestUnchangedFilesKeepTheirTime rebuilds into the same folder: files
// whose bytes did not change are not rewritten, so a sync to S3 uploads
// only what changed.
func TestUnchangedFilesKeepTheirTime(t *testing.T) {
	fsys := testContent(t, nil)
	out := t.TempDir()
	if _, err := Build(context.Background(), Options{Content: fsys, Out: out}); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(out, "sv", "vald", "index.html")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(page, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), Options{Content: fsys, Out: out}); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(page)
	if err != nil {
		t.Fatal(err)
	}
	if !info.ModTime().Equal(old) {
		t.Errorf("an unchanged page was rewritten: its time went from %v to %v", old, info.ModTime())
	}
}

// rebuildTree writes a test tree to a folder, since Rebuild reads edits
// from the disk, and returns the folder and a builder for it.
func rebuildTree(t *testing.T, opts Options) (dir string, b *Builder) {
	t.Helper()
	dir = t.TempDir()
	if err := os.CopyFS(dir, testContent(t, nil)); err != nil {
		t.Fatal(err)
	}
	opts.Content = os.DirFS(dir)
	if opts.Out == "" {
		opts.Out = t.TempDir()
	}
	return dir, NewBuilder(opts)
}

func editFile(t *testing.T, dir, name, old, new string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s lacks %q (%v)", name, old, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRebuildAfterFailedBuild: once a full build has failed, the next
// save rebuilds everything and reports what is still wrong; it never
// renders one page against what was loaded before the failure.
func TestRebuildAfterFailedBuild(t *testing.T) {
	ctx := context.Background()
	t.Run("content problem", func(t *testing.T) {
		dir, b := rebuildTree(t, Options{})
		if _, err := b.Build(ctx); err != nil {
			t.Fatal(err)
		}
		editFile(t, dir, "offices/torsas.yaml", "municipalities:", "kommuner: [\"0834\"]\nmunicipalities:")
		if _, err := b.Rebuild(ctx, []string{"offices/torsas.yaml"}); err == nil || !strings.Contains(err.Error(), "offices/torsas.yaml") {
			t.Fatalf("the broken office file: got %v", err)
		}
		editFile(t, dir, "sv/hur.md", "Nej.", "Nej, det är gratis.")
		res, err := b.Rebuild(ctx, []string{"sv/hur.md"})
		if err == nil || !strings.Contains(err.Error(), "offices/torsas.yaml") {
			t.Errorf("a body edit after a failed build: got %v, want the office file's problem again", err)
		}
		if res != nil && res.Rendered == 1 {
			t.Errorf("a body edit after a failed build rendered one page against the old data")
		}
	})
	t.Run("build error", func(t *testing.T) {
		// A layout that fails while rendering: the build stops with pages
		// unwritten and their headings unknown.
		chromeFS := fstest.MapFS{}
		if err := fs.WalkDir(os.DirFS("chrome"), ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasPrefix(name, "templates/") || strings.HasPrefix(name, "assets/")) {
				return err
			}
			data, err := os.ReadFile(filepath.Join("chrome", name))
			chromeFS[name] = &fstest.MapFile{Data: data}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		offices := chromeFS["templates/layouts/offices.html"]
		offices.Data = bytes.Replace(offices.Data, []byte("<h1>{{.Title}}</h1>"), []byte(`<h1>{{.Title}}{{.Link "nowhere"}}</h1>`), 1)
		dir, b := rebuildTree(t, Options{Chrome: chromeFS})
		if _, err := b.Build(ctx); err == nil || !strings.Contains(err.Error(), `no link "nowhere"`) {
			t.Fatalf("the failing layout: got %v", err)
		}
		editFile(t, dir, "sv/hur.md", "Nej.", "Nej, det är gratis.")
		res, err := b.Rebuild(ctx, []string{"sv/hur.md"})
		if err == nil || !strings.Contains(err.Error(), `no link "nowhere"`) {
			t.Errorf("a body edit after a failed build: got %v, want the layout's error again", err)
		}
		if res != nil && res.Rendered == 1 {
			t.Errorf("a body edit after a failed build rendered one page")
		}
	})
}

// withoutText deletes an interface text from both languages' files.
func withoutText(t *testing.T, fsys fstest.MapFS, key string) {
	t.Helper()
	for _, lang := range content.DefaultEditions().Langs() {
		name := content.StringsDir + "/" + string(lang) + ".yaml"
		lines := strings.SplitAfter(string(fsys[name].Data), "\n")
		var path []string // the group of keys at each indentation, two spaces a level
		found := false
		for i, line := range lines {
			trimmed := strings.TrimSpace(line)
			k, _, ok := strings.Cut(trimmed, ":")
			if !ok || strings.HasPrefix(trimmed, "#") {
				continue
			}
			depth := (len(line) - len(strings.TrimLeft(line, " "))) / 2
			path = append(path[:min(depth, len(path))], k)
			if strings.Join(path, ".") == key {
				start := i
				if next := i + 1; depth > 0 && strings.HasSuffix(strings.TrimSpace(lines[i-1]), ":") &&
					(next == len(lines) || !strings.HasPrefix(lines[next], strings.Repeat("  ", depth))) {
					start-- // the key was its group's only one: an empty group is a problem of its own
				}
				lines = append(lines[:start], lines[i+1:]...)
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("%s has no %s", name, key)
		}
		fsys[name] = &fstest.MapFile{Data: []byte(strings.Join(lines, ""))}
	}
}

// testForm is an application form as the generator sees one.
type testForm struct{}

func (testForm) Path(_ *content.Strings, lang content.Lang) string {
	if p, ok := map[content.Lang]string{content.SV: "/sv/ansok/", content.Lang("en"): "/en/apply-now/"}[lang]; ok {
		return p
	}
	return "/" + string(lang) + "/ansok/"
}

func (testForm) OfferedBy(*content.Office) bool { return true }

func (testForm) Title(strs *content.Strings, lang content.Lang) string {
	return strs.MustGet(lang, "form.samarbetssamtal.title")
}

func (testForm) CheckTexts(strs *content.Strings) content.Problems {
	return strs.Require("form.samarbetssamtal.title")
}

func (testForm) Page(data *content.Data, lang content.Lang) (string, *chrome.Page, error) {
	title := data.Strings.MustGet(lang, "form.samarbetssamtal.title")
	return "page", &chrome.Page{Title: title, Description: title, Body: "<p>Form.</p>",
		Caption: "Step 1 of 3", Exit: true}, nil
}

// TestFormPage: a form's page is published as its Page says, with the
// step it is on in the heading and the title, and "Exit this page".
func TestFormPage(t *testing.T) {
	out := t.TempDir()
	if _, err := Build(context.Background(), Options{Content: testContent(t, nil), ContentDir: "content", Out: out, Forms: []Form{testForm{}}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "en", "apply-now", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{`<span class="caption">Step 1 of 3</span>`, `<title>Apply for cooperation talks – Step 1 of 3 – `, `class="exit-this-page"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the form's page lacks %s", want)
		}
	}
	chrometest.CheckBads(t, "/en/apply-now/", b)
}

// TestMissingTexts: a text the generator or a layout needs, deleted from
// both languages, is a problem in the texts' files before anything is
// rendered, never a panic while rendering.
func TestMissingTexts(t *testing.T) {
	for _, key := range []string{
		"notfound.title", "notfound.description", "office.description", "uncrc.slug", "uncrc.article_title",
		"uncrc.description", "uncrc.article_short", "breadcrumbs.home", "footer.sections_heading",
		"nav.section_title", "markdown.footnote_back", // the code's
		"footer.privacy", "offices.served_heading", "uncrc.summary_heading", "notfound.home", // only templates'
		"form.samarbetssamtal.title", // a form's
	} {
		t.Run(key, func(t *testing.T) {
			fsys := testContent(t, nil)
			withoutText(t, fsys, key)
			out := t.TempDir()
			_, err := Build(context.Background(), Options{Content: fsys, ContentDir: "content", Out: out, Forms: []Form{testForm{}}})
			var probs content.Problems
			if !errors.As(err, &probs) {
				t.Fatalf("got %v, want problems", err)
			}
			for _, lang := range content.DefaultEditions().Langs() {
				want := regexp.MustCompile(`(?m)^content/i18n/` + string(lang) + `\.yaml:[0-9]+: the interface text "` + regexp.QuoteMeta(key) + `" is missing`)
				if !want.MatchString(probs.Error()) {
					t.Errorf("want a problem matching %s; got:\n%s", want, probs.Error())
				}
			}
			if _, err := os.Stat(filepath.Join(out, "sv", "index.html")); err == nil {
				t.Errorf("pages were rendered with a text missing")
			}
		})
	}
}

// TestCodeTexts: every text the generator's code (and the chrome's, which
// it calls) asks for by name is in codeTexts, so a build checks it before
// anything is rendered.
func TestCodeTexts(t *testing.T) {
	listed := map[string]bool{}
	for _, k := range codeTexts {
		listed[k] = true
	}
	used := map[string]bool{}
	for _, pattern := range []string{"*.go", "chrome/*.go"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "MustGet" || len(call.Args) < 2 {
					return true
				}
				lit, ok := call.Args[1].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: MustGet with a key made at run time: the build cannot check it beforehand", name)
					return true
				}
				key, _ := strconv.Unquote(lit.Value)
				used[key] = true
				if !listed[key] {
					t.Errorf("%s asks for the text %q, which codeTexts lacks", name, key)
				}
				return true
			})
		}
	}
	for k := range listed {
		if !used[k] {
			t.Errorf("codeTexts lists %q, which no code asks for", k)
		}
	}
}

// TestOfficePages: the offices' pages are where the settings say
// (content.Settings.OfficePath, which the intake function links to too),
// and a site whose links.offices page does not lay out the offices is a
// problem.
func TestOfficePages(t *testing.T) {
	fsys := testContent(t, nil)
	out, err := build(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	data, err := content.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range data.Directory.Offices {
		for _, lang := range data.Settings.Editions.Langs() {
			p := data.Settings.OfficePath(lang, o.ID)
			html, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(outFile(p))))
			if err != nil || !bytes.Contains(html, []byte("<h1>"+template.HTMLEscapeString(o.Name.In(lang))+"</h1>")) {
				t.Errorf("%s's %s page is not at %s (%v)", o.ID, lang, p, err)
			}
		}
	}
	// The office finder lists every municipality, served or not, so that
	// every parent finds their own; a served one links to its office.
	for _, lang := range data.Settings.Editions.Langs() {
		finder, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(outFile(data.Settings.Links.Offices.In(lang)))))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range data.Directory.Municipalities {
			cell := "<th scope=\"row\">" + template.HTMLEscapeString(m.Name) + "</th>"
			if !bytes.Contains(finder, []byte(cell)) {
				t.Errorf("%s: the office finder does not list %s", lang, m.Name)
			}
			if o, ok := data.Directory.OfficeFor(m.Code); ok {
				link := `<a href="` + data.Settings.OfficePath(lang, o.ID) + `">`
				i := bytes.Index(finder, []byte(cell))
				if end := bytes.Index(finder[max(i, 0):], []byte("</tr>")); i < 0 || end < 0 || !bytes.Contains(finder[i:i+end], []byte(link)) {
					t.Errorf("%s: the office finder's row for %s does not link to %s", lang, m.Name, o.ID)
				}
			}
		}
	}

	noLayout := "---\ntitle: Hitta din familjerätt\ndescription: Kontor.\n---\nHär är kontoren.\n"
	for _, tt := range []struct {
		name  string
		pages map[string]string
		want  []string
	}{
		{"the links.offices page lacks the layout", map[string]string{"sv/familjeratt/index.md": noLayout},
			[]string{"content/sv/familjeratt/index.md:1: site.yaml's links.offices names this page, so it needs layout: offices"}},
		{"another page has the layout", map[string]string{"sv/familjeratt/index.md": noLayout,
			"sv/vald/index.md": "---\ntitle: Våld\ndescription: Hjälp.\nlayout: offices\nexit: true\n---\nRing 112.\n"},
			[]string{
				"content/sv/familjeratt/index.md:1: site.yaml's links.offices names this page, so it needs layout: offices",
				"content/sv/vald/index.md:4: layout: offices belongs on /sv/familjeratt/, the page site.yaml's links.offices names",
			}},
		{"no page has the links.offices address", map[string]string{"sv/familjeratt/index.md": "",
			"sv/kontor/index.md":             "---\ntitle: Hitta din familjerätt\ndescription: Kontor.\nlayout: offices\n---\nHär är kontoren.\n",
			"en/family-law-offices/index.md": strings.Replace(fixtureFile(t, "en/family-law-offices/index.md"), "familjeratt/index.md", "kontor/index.md", 1)},
			[]string{
				"content/site.yaml: links.offices.sv: no page has the address /sv/familjeratt/",
				"content/sv/kontor/index.md:4: layout: offices belongs on /sv/familjeratt/, the page site.yaml's links.offices names",
			}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := build(t, testContent(t, tt.pages))
			var probs content.Problems
			if !errors.As(err, &probs) {
				t.Fatalf("got %v, want problems", err)
			}
			for _, w := range tt.want {
				if !strings.Contains("\n"+probs.Error(), "\n"+w) {
					t.Errorf("want a problem starting %q; got:\n%s", w, probs.Error())
				}
			}
		})
	}
}
