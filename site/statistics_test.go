package site

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome/chrometest"
)

// statsFixture is laid over the fixture content tree for the statistics
// page's tests: the page in both languages and an export for two
// offices, testdata/stats/statistics/2025.yaml (see its README).
var statsFixture = os.DirFS(filepath.Join("testdata", "stats"))

// statsPaths are the statistics page's addresses in the fixture.
var statsPaths = map[content.Lang]string{content.SV: "/sv/statistik/", content.Lang("en"): "/en/statistics/"}

// statsContent returns the fixture with the statistics pages, linked from
// the footer, the fixture's export unless export is false, and files put
// in (an empty text deletes one).
func statsContent(t *testing.T, export bool, files map[string]string) fstest.MapFS {
	t.Helper()
	put := map[string]string{
		"site.yaml": fixtureFile(t, "site.yaml") + "  statistics:    {sv: /sv/statistik/, en: /en/statistics/}\n",
	}
	err := fs.WalkDir(statsFixture, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == "README.md" || !export && strings.HasPrefix(name, content.StatisticsDir+"/") {
			return err
		}
		data, err := fs.ReadFile(statsFixture, name)
		put[name] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		put[name] = text
	}
	return testContent(t, put)
}

// buildStats builds fsys and returns the statistics page in each language.
func buildStats(t *testing.T, fsys fs.FS) (out string, pages map[content.Lang]string) {
	t.Helper()
	out = t.TempDir()
	if _, err := Build(context.Background(), Options{Content: fsys, ContentDir: "content", Out: out, Forms: []Form{testForm{}}}); err != nil {
		t.Fatal(err)
	}
	pages = map[content.Lang]string{}
	for lang, p := range statsPaths {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(outFile(p))))
		if err != nil {
			t.Fatal(err)
		}
		pages[lang] = string(b)
	}
	return out, pages
}

var mainRE = regexp.MustCompile(`(?s)<main[ >].*</main>`)

// TestStatisticsGolden compares the statistics page's main content, in
// both languages, with its golden file: every group of the catalogue as
// a chart and a table, the offices by name, hidden entries as labels.
func TestStatisticsGolden(t *testing.T) {
	_, pages := buildStats(t, statsContent(t, true, nil))
	for _, lang := range content.DefaultEditions().Langs() {
		main := mainRE.FindString(pages[lang])
		if main == "" {
			t.Fatalf("%s has no <main>", statsPaths[lang])
		}
		chrometest.Golden(t, "statistics_"+string(lang)+"_main.html", []byte(main+"\n"))
	}
}

// TestStatisticsPages: the page exists in every language, is the other's
// translation, is linked from every page's footer, and holds no
// template failure mark, with an export and without.
func TestStatisticsPages(t *testing.T) {
	for _, tt := range []struct {
		name   string
		export bool
	}{{"with an export", true}, {"without", false}} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := statsContent(t, tt.export, nil)
			out, pages := buildStats(t, fsys)
			data, err := content.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			for _, lang := range content.DefaultEditions().Langs() {
				other := content.Lang("en")
				if lang == other {
					other = content.SV
				}
				page := pages[lang]
				for _, want := range []string{
					`<html lang="` + string(lang) + `" dir="ltr"`,
					`<li lang="` + string(other) + `" dir="ltr"><a href="` + statsPaths[other] + `" hreflang="` + string(other) + `">`,
					`<li><a href="` + statsPaths[lang] + `">` + data.Strings.MustGet(lang, "statistics.footer") + `</a></li>`,
				} {
					if !strings.Contains(page, want) {
						t.Errorf("%s lacks %s", statsPaths[lang], want)
					}
				}
				chrometest.CheckBads(t, statsPaths[lang], []byte(page))
				home, err := os.ReadFile(filepath.Join(out, string(lang), "index.html"))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(home), `<a href="`+statsPaths[lang]+`">`) {
					t.Errorf("the start page in %s does not link to %s", lang, statsPaths[lang])
				}
			}
			if n := chrometest.CheckBadsDir(t, out); n < 100 {
				t.Errorf("checked %d pages for failure marks, want the whole site", n)
			}
		})
	}
}

// TestStatisticsFooterLinkIsOptional: a site whose site.yaml names no
// statistics page has no such link in its footer.
func TestStatisticsFooterLinkIsOptional(t *testing.T) {
	out, err := build(t, testContent(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "sv", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), ">Statistik</a>") {
		t.Error("the footer links to a statistics page site.yaml does not name")
	}
}

var (
	tableRE = regexp.MustCompile(`(?s)<table class="stat-table"><caption id="stat-([0-9]{4})-([a-z0-9_]+)-caption">.*?</table>`)
	rowRE   = regexp.MustCompile(`(?s)<tr><th scope="row">(.*?)</th>(.*?)</tr>`)
	cellRE  = regexp.MustCompile(`(?s)<td>(.*?)</td>`)
	chartRE = regexp.MustCompile(`(?s)<svg class="chart"[^>]* aria-labelledby="stat-([0-9]{4})-([a-z0-9_]+)-chart-title [^"]*">.*?</svg>`)
	abbrRE  = regexp.MustCompile(`^<abbr title="([^"]+)">(.*)</abbr>$`)
)

// TestStatisticsHiddenEntries reads every table and chart on the page
// back and compares it with the export, entry by entry: a hidden entry
// is its label ("<5") with what the label means, never a number (the
// export holds none for it), a shown one is its number; rows are the
// offices by name, then the national row; a hidden national total has
// no bar.
//
// It reads the fixture's 2025 and an export of 2026, which has the
// groups counted from 2026 (content.StatGroup.Since), a national one
// among them: its table has the national row alone and says why.
func TestStatisticsHiddenEntries(t *testing.T) {
	t.Run("2025", func(t *testing.T) { checkHiddenEntries(t, statsContent(t, true, nil)) })
	t.Run("2026", func(t *testing.T) {
		checkHiddenEntries(t, statsContent(t, true, map[string]string{"statistics/2025.yaml": "", "statistics/2026.yaml": export2026(t)}))
	})
}

// export2026 is the fixture's export as a year with every group: the
// counts of 2025, and the groups counted from 2026.
func export2026(t *testing.T) string {
	return strings.Replace(fixtureFileOf(t, statsFixture, "statistics/2025.yaml"), "year: 2025", "year: 2026", 1) + `  - group: visit_reports
    rows:
      - office: malmo
        cells: [<5]
        total: <5
      - office: torsas
        cells: [<5]
        total: <5
    totals: [6]
    total: 6
  - group: contact_requests
    rows: []
    totals: [12]
    total: 12
`
}

func checkHiddenEntries(t *testing.T, fsys fstest.MapFS) {
	_, pages := buildStats(t, fsys)
	data, err := content.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(data.Statistics) != 1 {
		t.Fatalf("the fixture has %d exports, want 1", len(data.Statistics))
	}
	st := data.Statistics[0]
	label := content.Label(st.Threshold)
	for _, lang := range content.DefaultEditions().Langs() {
		page := pages[lang]
		title := data.Strings.MustGet(lang, "statistics.hidden_title", "threshold", st.Threshold)
		tables := map[string]string{}
		for _, m := range tableRE.FindAllStringSubmatch(page, -1) {
			tables[m[2]] = m[0]
		}
		charts := map[string]string{}
		for _, m := range chartRE.FindAllStringSubmatch(page, -1) {
			charts[m[2]] = m[0]
		}
		var groups []content.StatGroup
		for _, g := range content.StatGroups {
			if g.CountedIn(st.Year) {
				groups = append(groups, g)
			}
		}
		if len(tables) != len(groups) {
			t.Errorf("%s: %d tables, want one per group counted in %d, %d", lang, len(tables), st.Year, len(groups))
		}
		hidden, seen := 0, 0
		for _, g := range groups {
			tab, _ := st.Table(g.ID)
			note := data.Strings.MustGet(lang, "statistics.national_only", "offices", content.NationalMinOffices)
			if has := strings.Contains(html.UnescapeString(page), note); has != g.National && g.National {
				t.Errorf("%s, %s: the page does not say why the group has only the national row: %q", lang, g.ID, note)
			}
			if g.National && len(tab.Rows) > 0 {
				t.Fatalf("%s: the national group %s has office rows", lang, g.ID)
			}
			multi := len(g.Measures) > 1
			type want struct {
				name  string
				cells []content.Count
			}
			var rows []want
			for _, r := range tab.Rows {
				o, _ := data.Directory.Office(r.Office)
				cells := r.Cells
				if multi {
					cells = append(append([]content.Count(nil), cells...), r.Total)
				}
				rows = append(rows, want{o.Name.In(lang), cells})
			}
			national := tab.Totals
			if multi {
				national = append(append([]content.Count(nil), national...), tab.Total)
			}
			rows = append(rows, want{data.Strings.MustGet(lang, "statistics.national"), national})

			got := rowRE.FindAllStringSubmatch(tables[g.ID], -1)
			if len(got) != len(rows) {
				t.Errorf("%s, %s: %d rows, want %d", lang, g.ID, len(got), len(rows))
				continue
			}
			for i, w := range rows {
				if name := html.UnescapeString(got[i][1]); name != w.name {
					t.Errorf("%s, %s: row %d is %q, want %q", lang, g.ID, i, name, w.name)
				}
				cells := cellRE.FindAllStringSubmatch(got[i][2], -1)
				if len(cells) != len(w.cells) {
					t.Errorf("%s, %s, %s: %d cells, want %d", lang, g.ID, w.name, len(cells), len(w.cells))
					continue
				}
				for j, c := range w.cells {
					cell := cells[j][1]
					seen++
					if !c.Hidden {
						if cell != c.Text(st.Threshold) {
							t.Errorf("%s, %s, %s, column %d: %q, want %q", lang, g.ID, w.name, j, cell, c.Text(st.Threshold))
						}
						continue
					}
					hidden++
					m := abbrRE.FindStringSubmatch(cell)
					if m == nil || html.UnescapeString(m[2]) != label || html.UnescapeString(m[1]) != title {
						t.Errorf("%s, %s, %s, column %d: a hidden entry is printed %q, want its label %q with the title %q",
							lang, g.ID, w.name, j, cell, label, title)
					}
				}
			}

			chart, ok := charts[g.ID]
			if ok != multi {
				t.Errorf("%s, %s: a chart: %v, want %v (one for a group of more than one measure)", lang, g.ID, ok, multi)
			}
			if !ok {
				continue
			}
			bars := 0
			for _, c := range tab.Totals {
				if !c.Hidden && c.Value > 0 {
					bars++
				}
				if !strings.Contains(chart, ": "+html.EscapeString(c.Text(st.Threshold))) {
					t.Errorf("%s, %s: the chart does not say %q", lang, g.ID, c.Text(st.Threshold))
				}
			}
			if n := strings.Count(chart, "<rect "); n != bars {
				t.Errorf("%s, %s: the chart draws %d bars, want %d: one per shown total above 0, none for a hidden one", lang, g.ID, n, bars)
			}
		}
		if hidden < 10 || seen < 100 {
			t.Errorf("%s: checked %d entries, %d of them hidden; the fixture has more", lang, seen, hidden)
		}
		if n := strings.Count(page, "<abbr "); n != hidden {
			t.Errorf("%s: %d labels on the page, want one per hidden entry, %d", lang, n, hidden)
		}
		note := data.Strings.MustGet(lang, "statistics.hidden_note", "label", label, "threshold", st.Threshold)
		if !strings.Contains(html.UnescapeString(page), note) {
			t.Errorf("%s: the page does not say what %s means: %q", lang, label, note)
		}
	}
}

// TestStatisticsYears: every published year has its own part, newest
// first.
func TestStatisticsYears(t *testing.T) {
	export := fixtureFileOf(t, statsFixture, "statistics/2025.yaml")
	_, pages := buildStats(t, statsContent(t, true, map[string]string{
		"statistics/2024.yaml": strings.Replace(export, "year: 2025", "year: 2024", 1),
	}))
	for lang, page := range pages {
		heading := func(year string) int {
			return strings.Index(page, `<h2 id="stat-`+year+`">`)
		}
		if a, b := heading("2025"), heading("2024"); a < 0 || b < 0 || a > b {
			t.Errorf("%s: 2025 at %d, 2024 at %d: want both, the newest first", lang, a, b)
		}
	}
}

// TestStatisticsNone: without an export, whether the folder is missing,
// empty or holds only its README, the page says that none is published
// yet and why, and has no table.
func TestStatisticsNone(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files fstest.MapFS
	}{
		{"no folder", nil},
		{"an empty folder", fstest.MapFS{"statistics": {Mode: fs.ModeDir | 0o755}}},
		{"only a README", fstest.MapFS{"statistics/README.md": {Data: []byte("# Statistics\n")}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := statsContent(t, false, nil)
			for name, f := range tt.files {
				fsys[name] = f
			}
			_, pages := buildStats(t, fsys)
			data, err := content.Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			if len(data.Statistics) != 0 {
				t.Fatalf("loaded %d exports, want none", len(data.Statistics))
			}
			for lang, page := range pages {
				none := html.EscapeString(data.Strings.MustGet(lang, "statistics.none"))
				if !strings.Contains(page, `</h1><p class="prose">`+none+"</p>") {
					t.Errorf("%s lacks %q", statsPaths[lang], none)
				}
				if strings.Contains(page, "<table") || strings.Contains(page, `<svg class="chart"`) {
					t.Errorf("%s shows a table or chart without an export", statsPaths[lang])
				}
			}
		})
	}
}

// TestStatisticsTexts: a text the statistics page needs, named by the
// catalogue rather than by its template, deleted from both languages,
// is a problem in the texts' files before anything is rendered.
func TestStatisticsTexts(t *testing.T) {
	for _, key := range []string{"statistics.group.bounces", "statistics.measure.ack_6plus", "languages.swl", "statistics.hidden_title"} {
		t.Run(key, func(t *testing.T) {
			fsys := statsContent(t, true, nil)
			withoutText(t, fsys, key)
			_, err := Build(context.Background(), Options{Content: fsys, ContentDir: "content", Out: t.TempDir(), Forms: []Form{testForm{}}})
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
		})
	}
}

// TestStatisticsExportProblems: a broken export stops the build with the
// file and line, under the content folder's name.
func TestStatisticsExportProblems(t *testing.T) {
	export := fixtureFileOf(t, statsFixture, "statistics/2025.yaml")
	fsys := statsContent(t, true, map[string]string{
		"statistics/2025.yaml": strings.Replace(export, "office: torsas", "office: kalmar", 1),
	})
	_, err := build(t, fsys)
	if err == nil || !regexp.MustCompile(`(?m)^content/statistics/2025\.yaml:[0-9]+: no office "kalmar" in offices/`).MatchString(err.Error()) {
		t.Errorf("got %v, want the unknown office at its line", err)
	}
}

func fixtureFileOf(t *testing.T, fsys fs.FS, name string) string {
	t.Helper()
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestStatisticsCodeTexts: every text the statistics page's data asks
// for by name (statTexts.get with a literal key) is in
// statisticsCodeTexts, so that a build checks it before rendering.
func TestStatisticsCodeTexts(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "layoutdata.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, k := range statisticsCodeTexts {
		listed[k] = true
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "get" {
			return true
		}
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			key, _ := strconv.Unquote(lit.Value)
			used[key] = true
			if !listed[key] {
				t.Errorf("statisticsData asks for the text %q, which statisticsCodeTexts lacks", key)
			}
		}
		return true
	})
	for k := range listed {
		if !used[k] {
			t.Errorf("statisticsCodeTexts lists %q, which statisticsData does not ask for", k)
		}
	}
}
