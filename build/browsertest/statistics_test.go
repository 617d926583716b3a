package browsertest

import (
	"fmt"
	"testing"

	"familjeratt.example/portal/content"
)

// TestStatisticsPage opens the statistics page, built with the fixture
// export of testdata/overlay/ (content/ holds no made-up figures), in
// both languages, with JavaScript and without: it shows a chart and a
// table for each group of each year, and passes what every page passes
// (TestPages and TestHTMLValid check it too): axe, Tab reaching each
// table's scrolling box with a visible focus (with JavaScript, which the
// check's recorder needs), no sideways scrolling at 320 px, where the
// widest table scrolls inside its own box instead.
func TestStatisticsPage(t *testing.T) {
	if data.Settings.Links.Statistics == nil {
		t.Fatal("site.yaml names no statistics page (links.statistics)")
	}
	if len(data.Statistics) == 0 {
		t.Fatal("the site was built without a statistics export: is testdata/overlay/ laid over content/?")
	}
	year := data.Statistics[0].Year
	for _, lang := range content.DefaultEditions().Langs() {
		for _, noJS := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, JavaScript %v", lang, !noJS), func(t *testing.T) {
				tb := newTab(t, tabOptions{noJS: noJS})
				p := data.Settings.Links.Statistics.In(lang)
				if status := tb.open(p); status != 200 {
					t.Fatalf("%s: status %d", p, status)
				}
				r := eval[struct {
					Tables int `json:"tables"`
					Charts int `json:"charts"`
				}](tb, `({tables: document.querySelectorAll("main table.stat-table").length,
					charts: document.querySelectorAll("main svg.chart").length})`)
				tables, charts := 0, 0
				for _, st := range data.Statistics {
					for _, g := range content.StatGroups {
						if !g.CountedIn(st.Year) {
							continue
						}
						tables++
						if len(g.Measures) > 1 {
							charts++
						}
					}
				}
				if r.Tables != tables || r.Charts != charts {
					t.Errorf("%d tables and %d charts, want %d and %d", r.Tables, r.Charts, tables, charts)
				}
				tb.checkAxe()
				if !noJS {
					tb.checkFocus() // its recorder is a script of its own
				}
				tb.checkReflow()

				tb.viewport(320, 640, 1)
				box := eval[struct {
					Found       bool `json:"found"`
					ScrollWidth int  `json:"scrollWidth"`
					ClientWidth int  `json:"clientWidth"`
				}](tb, fmt.Sprintf(`(() => {
					const b = document.getElementById("stat-%d-interpreter_languages-caption")?.closest(".table-scroll");
					return b ? {found: true, scrollWidth: b.scrollWidth, clientWidth: b.clientWidth} : {found: false};
				})()`, year))
				tb.viewport(desktopWidth, desktopHeight, 1)
				if !box.Found || box.ScrollWidth <= box.ClientWidth {
					t.Errorf("at 320 px the table of interpreter languages does not scroll inside its box: %+v", box)
				}
				tb.checkClean()
			})
		}
	}
}
