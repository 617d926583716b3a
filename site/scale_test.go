package site

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// scaledFixture is the fixture grown to a portal of n more offices, each
// serving a municipality of its own, and n areas of three pages below a
// top-level section, in both languages.
func scaledFixture(t *testing.T, n int) fstest.MapFS {
	t.Helper()
	files := map[string]string{}
	kommuner := fixtureFile(t, "kommuner.tsv")
	for i := 1; i <= n; i++ {
		code := fmt.Sprintf("%04d", 5000+i) // no real kommunkod is in the 5000s
		kommuner += fmt.Sprintf("%s\tOrt %d\tTestlän\n", code, i)
		files[fmt.Sprintf("offices/ort-%d.yaml", i)] = fmt.Sprintf("name:\n  sv: Familjerätten i Ort %d (test)\n  en: Ort %d Family Law Office (test)\n"+
			"municipalities: [%q]\ncontact:\n  email: ort-%d@familjeratt.example\nintake:\n  inbox: ort-%d@familjeratt.example\n  accept_tls_only: true\n", i, i, code, i, i)
	}
	files["kommuner.tsv"] = kommuner
	page := func(title, translation string, order int) string {
		fm := "---\ntitle: " + title + "\ndescription: En sida för att väga sidor.\n"
		if translation != "" {
			fm += "translation: " + translation + "\n"
		}
		return fm + fmt.Sprintf("order: %d\n---\nEn kort text om barnet. Den finns för att väga sidan.\n", order)
	}
	files["sv/omraden/index.md"] = page("Områden", "", 9)
	files["en/areas/index.md"] = page("Areas", "omraden/index.md", 9)
	for i := 1; i <= n; i++ {
		for j, name := range []string{"index", "sida-1", "sida-2"} {
			sv := fmt.Sprintf("omraden/omrade-%d/%s.md", i, name)
			files["sv/"+sv] = page(fmt.Sprintf("Område %d sida %d", i, j), "", j)
			files[fmt.Sprintf("en/areas/area-%d/%s.md", i, strings.Replace(name, "sida", "page", 1))] = page(fmt.Sprintf("Area %d page %d", i, j), sv, j)
		}
	}
	return testContent(t, files)
}

// TestPageWeightDoesNotGrow builds a small and a large portal, with 10
// and with 1,000 offices and areas, and weighs every page both have: a
// page weighs the same in both, within a few bytes, or less in the large
// one, whose long levels the section navigation does not list. Only the
// pages that list every office by design may grow: the office finder and
// the privacy notice, which links to each office's part of it.
func TestPageWeightDoesNotGrow(t *testing.T) {
	const slack = 8 // bytes: room for a count's extra digits
	grows := map[string]bool{
		"sv/familjeratt/index.html": true, "en/family-law-offices/index.html": true,
		"sv/personuppgifter/index.html": true, "en/privacy/index.html": true,
	}
	weigh := func(n int) (map[string]int64, string) {
		out := t.TempDir()
		if _, err := Build(context.Background(), Options{Content: scaledFixture(t, n), ContentDir: "content", Out: out, Forms: []Form{testForm{}}}); err != nil {
			t.Fatalf("%d offices and areas: %v", n, err)
		}
		sizes := map[string]int64{}
		err := filepath.WalkDir(out, func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(name, ".html") {
				return err
			}
			info, err := d.Info()
			rel, _ := filepath.Rel(out, name)
			sizes[filepath.ToSlash(rel)] = info.Size()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return sizes, out
	}
	small, _ := weigh(10)
	large, largeOut := weigh(1000)
	if len(large) < 8000 {
		t.Fatalf("the large portal has %d pages, want more than 8,000", len(large))
	}
	compared, equal := 0, 0
	for page, s := range small {
		l, ok := large[page]
		if !ok {
			t.Errorf("%s is in the small portal only", page)
			continue
		}
		if grows[page] {
			continue
		}
		compared++
		if l > s+slack {
			t.Errorf("%s weighs %d bytes with 1,000 offices and areas, %d with 10: it grows with the site", page, l, s)
		}
		if l >= s-slack {
			equal++
		}
	}
	// The pages whose section navigation lists a level that grows: beside
	// an office or a section of many areas, the level above instead.
	for _, page := range []string{"sv/familjeratt/ort-1/index.html", "sv/omraden/index.html"} {
		if large[page] >= small[page] {
			t.Errorf("%s: %d bytes with 1,000 offices and areas, %d with 10: want it lighter, its navigation not listing them", page, large[page], small[page])
		}
	}
	if compared < 60 || equal < compared-30 {
		t.Errorf("compared %d pages, %d of them the same weight: want the whole small portal, nearly all the same", compared, equal)
	}
	// What the large portal's pages list, for the reader: the office's
	// page the top-level sections, an area's page its own area.
	for page, want := range map[string][]string{
		"sv/familjeratt/ort-500/index.html":       {`<a href="/sv/familjeratt/">Hitta din familjerätt</a>`, `<a href="/sv/hur/">`},
		"sv/omraden/omrade-500/sida-1/index.html": {`<p class="section-nav__parent"><a href="/sv/omraden/omrade-500/">Område 500 sida 0</a></p>`, `<a href="/sv/omraden/omrade-500/sida-1/" aria-current="page">`},
	} {
		html, err := os.ReadFile(filepath.Join(largeOut, page))
		if err != nil {
			t.Fatal(err)
		}
		nav := string(html)
		if i := strings.Index(nav, `<nav class="section-nav"`); i >= 0 {
			nav = nav[i:]
			nav = nav[:strings.Index(nav, "</nav>")]
		}
		for _, w := range want {
			if !strings.Contains(nav, w) {
				t.Errorf("%s: the section navigation lacks %s:\n%s", page, w, nav)
			}
		}
		if n := strings.Count(nav, "<li>"); n > MaxNavItems {
			t.Errorf("%s: the section navigation lists %d pages, more than %d", page, n, MaxNavItems)
		}
	}
}
