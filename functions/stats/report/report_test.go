package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/suppress"
)

var update = flag.Bool("update", false, "rewrite the goldens in testdata/")

// golden compares got with testdata/name, or with -update writes it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			g, w := "", ""
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden at line %d:\n got %q\nwant %q\n(go test -update rewrites it; read it before you commit it)", file, i+1, g, w)
			}
		}
	}
}

func texts(t *testing.T) *content.Strings {
	t.Helper()
	s, err := content.LoadStrings(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// closedNow is a day of 2026: 2025 has ended.
var closedNow = at(2026, 3, 2, 9, 0)

// openNow is in July 2026, with the fixture's August counted already.
var openNow = at(2026, 7, 15, 10, 0)

// offices are the export's, in the order of the directory (by id).
var (
	offices   = []*content.Office{large, small}
	officeIDs = []string{"stort-kontor", "litet-kontor"}
)

func officeYear(t *testing.T, o *content.Office, year int, now time.Time) *OfficeYear {
	t.Helper()
	oy, err := Office(fixture(), o, year, 5, now)
	if err != nil {
		t.Fatal(err)
	}
	return oy
}

func csvOf(t *testing.T, oy *OfficeYear) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := oy.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func htmlOf(t *testing.T, oy *OfficeYear) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := oy.WriteHTML(&b, texts(t)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func exportOf(t *testing.T, rows []stats.Row, offices []*content.Office, year int) []byte {
	t.Helper()
	n, err := Export(rows, offices, year, 5, closedNow)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := n.WriteExport(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGoldens(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  []byte
	}{
		{"litet-kontor-2025.csv", csvOf(t, officeYear(t, small, 2025, closedNow))},
		{"litet-kontor-2025.html", htmlOf(t, officeYear(t, small, 2025, closedNow))},
		{"stort-kontor-2025.csv", csvOf(t, officeYear(t, large, 2025, closedNow))},
		{"stort-kontor-2026.csv", csvOf(t, officeYear(t, large, 2026, openNow))},
		{"stort-kontor-2026.html", htmlOf(t, officeYear(t, large, 2026, openNow))},
		{"2025.yaml", exportOf(t, fixture(), offices, 2025)},
	} {
		t.Run(tc.name, func(t *testing.T) { golden(t, tc.name, tc.got) })
	}
}

// truth sums the fixture's counts of office (or of every office, for
// "") into a table per group, rows the labels: months, or offices for
// a year.
func truth(rows []stats.Row, office string, year int, labels []string, byOffice bool) [][][]int {
	out := make([][][]int, len(content.OfficeGroups()))
	for k, g := range content.OfficeGroups() {
		out[k] = make([][]int, len(labels))
		for i := range labels {
			out[k][i] = make([]int, len(g.Measures))
		}
	}
	for _, r := range rows {
		if !strings.HasPrefix(r.Month, strconv.Itoa(year)+"-") || office != "" && r.Office != office {
			continue
		}
		key := r.Month
		if byOffice {
			key = r.Office
		}
		i := slices.Index(labels, key)
		if i < 0 {
			continue
		}
		for k, g := range content.OfficeGroups() {
			for j, m := range g.Measures {
				out[k][i][j] += int(r.Counts[m.ID])
			}
		}
	}
	return out
}

// published is one group's table as a reader reads it: the text of every
// entry, the totals last (as suppress's extended table).
type published [][]string

// rebuild returns a suppress.Result from what is published and the true
// counts, checking that every shown entry is the true count, and that
// every small count is hidden.
func rebuild(t *testing.T, what string, labels, cols []string, cells [][]int, pub published, threshold int) suppress.Result {
	t.Helper()
	r, c := len(cells), len(cols)
	v := make([][]int, r+1)
	for i := range v {
		v[i] = make([]int, c+1)
	}
	for i := range r {
		for j := range c {
			v[i][j] = cells[i][j]
			v[i][c] += cells[i][j]
			v[r][j] += cells[i][j]
			v[r][c] += cells[i][j]
		}
	}
	label := suppress.Label(threshold)
	shown := func(i, j int) suppress.Shown {
		text := pub[i][j]
		hidden := text == label
		switch {
		case !hidden && text != strconv.Itoa(v[i][j]):
			t.Errorf("%s (%d, %d): published %q, the count is %d", what, i, j, text, v[i][j])
		case !hidden && 0 < v[i][j] && v[i][j] < threshold:
			t.Errorf("%s (%d, %d): %d shown, below the threshold", what, i, j, v[i][j])
		case hidden && v[i][j] == 0:
			t.Errorf("%s (%d, %d): a zero hidden", what, i, j)
		}
		return suppress.Shown{Value: v[i][j], Suppressed: hidden}
	}
	res := suppress.Result{Rows: labels, Cols: cols, Cells: make([][]suppress.Shown, r), RowTotals: make([]suppress.Shown, r),
		ColTotals: make([]suppress.Shown, c)}
	for i := range r {
		res.Cells[i] = make([]suppress.Shown, c)
		for j := range c {
			res.Cells[i][j] = shown(i, j)
		}
		res.RowTotals[i] = shown(i, c)
	}
	for j := range c {
		res.ColTotals[j] = shown(r, j)
	}
	res.Total = shown(r, c)
	return res
}

// theLink is the link of the groups that split the applications up, as
// a reader can work it out from the catalogue.
func theLink() []suppress.Column {
	var link []suppress.Column
	for k, g := range content.OfficeGroups() {
		switch {
		case g.ID == linkGroup:
			link = append(link, suppress.Column{Table: k, Col: 0})
		case slices.Contains(linkedGroups, g.ID):
			link = append(link, suppress.Column{Table: k, Col: len(g.Measures)})
		}
	}
	return link
}

func groupIndex(id string) int {
	return slices.IndexFunc(content.OfficeGroups(), func(g content.StatGroup) bool { return g.ID == id })
}

func measureIDs(g content.StatGroup) []string {
	var ids []string
	for _, m := range g.Measures {
		ids = append(ids, m.ID)
	}
	return ids
}

// readCSV parses a CSV the package wrote.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

var (
	sectionRE = regexp.MustCompile(`(?s)<section aria-labelledby="g-([a-z_0-9]+)">(.*?)</section>`)
	rowRE     = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE    = regexp.MustCompile(`(?s)<t([hd])[^>]*>(.*?)</t[hd]>`)
)

// htmlTables parses the tables of a summary the package wrote: per group
// id, its rows of cell texts (the header row first, the totals last),
// without the row headers.
func htmlTables(t *testing.T, b []byte) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for _, s := range sectionRE.FindAllSubmatch(b, -1) {
		var rows [][]string
		for _, r := range rowRE.FindAllSubmatch(s[2], -1) {
			var cells []string
			for _, c := range cellRE.FindAllSubmatch(r[1], -1) {
				cells = append(cells, html.UnescapeString(string(c[2])))
			}
			rows = append(rows, cells[1:])
		}
		out[string(s[1])] = rows
	}
	return out
}

// officePublished returns, per group, what the CSV and the HTML publish
// of an office's year, as extended tables: the cells and column totals
// from the CSV, the row totals and grand total from the HTML (whose
// cells must agree with the CSV's).
func officePublished(t *testing.T, oy *OfficeYear) []published {
	t.Helper()
	recs := readCSV(t, csvOf(t, oy))
	tables := htmlTables(t, htmlOf(t, oy))
	var out []published
	col := 2
	for _, g := range content.OfficeGroups() {
		n := len(g.Measures)
		ht := tables[g.ID]
		if len(ht) != len(oy.Months)+2 {
			t.Fatalf("group %s: %d rows in the HTML, want a header, %d months and the totals", g.ID, len(ht), len(oy.Months))
		}
		var pub published
		for i, rec := range recs[1:] {
			line := slices.Clone(rec[col : col+n])
			h := ht[i+1]
			if !slices.Equal(h[:n], line) {
				t.Errorf("group %s line %d: the HTML has %q, the CSV %q", g.ID, i, h[:n], line)
			}
			if n > 1 {
				line = append(line, h[n])
			} else {
				line = append(line, h[0]) // one measure: its total is the cell
			}
			pub = append(pub, line)
		}
		out = append(out, pub)
		col += n
	}
	return out
}

// TestRecovery reads back what an office's CSV and HTML publish, as a
// reader would, and tries to work out what they hide: with the exact
// check per group, and with the check of all groups together.
func TestRecovery(t *testing.T) {
	for _, tc := range []struct {
		o    *content.Office
		year int
		now  time.Time
	}{{small, 2025, closedNow}, {large, 2025, closedNow}, {small, 2026, openNow}, {large, 2026, openNow}, {small, 2024, closedNow}} {
		t.Run(tc.o.ID+"-"+strconv.Itoa(tc.year), func(t *testing.T) {
			oy := officeYear(t, tc.o, tc.year, tc.now)
			pubs := officePublished(t, oy)
			tr := truth(fixture(), tc.o.ID, tc.year, oy.Months, false)
			var rs []suppress.Result
			hidden := 0
			for k, g := range content.OfficeGroups() {
				r := rebuild(t, g.ID, oy.Months, measureIDs(g), tr[k], pubs[k], 5)
				if got := suppress.Recoverable(r); len(got) != 0 {
					t.Errorf("group %s: Recoverable = %q", g.ID, got)
				}
				rs = append(rs, r)
				for _, l := range pubs[k] {
					for _, s := range l {
						if s == "<5" {
							hidden++
						}
					}
				}
			}
			if got := suppress.RecoverableLinked(rs, theLink(), suppress.Outsider); len(got) != 0 {
				t.Errorf("all groups: RecoverableLinked = %q", got)
			}
			checkHiddenWith(t, rs)
			if hidden == 0 {
				t.Error("nothing hidden: the case proves little")
			}
		})
	}
}

// checkHiddenWith: every line of a group with HiddenWith is hidden where
// the other group's line has anything hidden, and only there.
func checkHiddenWith(t *testing.T, rs []suppress.Result) {
	t.Helper()
	for k, g := range content.OfficeGroups() {
		if g.HiddenWith == "" {
			continue
		}
		h := groupIndex(g.HiddenWith)
		for i := range len(rs[k].Rows) + 1 {
			l := line(rs[k], i)
			all := !slices.ContainsFunc(l, func(s suppress.Shown) bool { return !s.Suppressed && s.Value > 0 })
			if lineHidden(rs[h], i) && !all {
				t.Errorf("line %d: %s has something hidden, %s is shown", i, g.HiddenWith, g.ID)
			}
			if !lineHidden(rs[h], i) && lineHidden(rs[k], i) {
				t.Errorf("line %d: %s is hidden where %s shows everything", i, g.ID, g.HiddenWith)
			}
		}
	}
}

// loadExport writes the export into a content tree, as make stats does,
// and loads it as the site does.
func loadExport(t *testing.T, b []byte, year int) *content.Statistics {
	t.Helper()
	// The fixture's offices are not the content's: the export names
	// them, as it does an office that has left.
	fsys := fstest.MapFS{content.StatisticsDir + "/" + strconv.Itoa(year) + ".yaml": {Data: b}}
	ss, err := content.LoadStatistics(fsys, nil)
	if err != nil {
		t.Fatalf("LoadStatistics: %v\n%s", err, b)
	}
	if len(ss) != 1 || ss[0].Year != year || ss[0].Threshold != 5 {
		t.Fatalf("LoadStatistics = %+v", ss)
	}
	return ss[0]
}

func exportPublished(t *testing.T, s *content.Statistics) []published {
	t.Helper()
	var out []published
	gs := exportGroups(s.Year)
	if len(s.Groups) != len(gs) {
		t.Fatalf("%d groups, want %d", len(s.Groups), len(gs))
	}
	for k, g := range gs {
		st := s.Groups[k]
		if st.Group != g.ID {
			t.Fatalf("group %d is %q, want %q", k, st.Group, g.ID)
		}
		var pub published
		text := func(c content.Count) string { return c.Text(s.Threshold) }
		for _, r := range st.Rows {
			var l []string
			for _, c := range r.Cells {
				l = append(l, text(c))
			}
			pub = append(pub, append(l, text(r.Total)))
		}
		var l []string
		for _, c := range st.Totals {
			l = append(l, text(c))
		}
		out = append(out, append(pub, append(l, text(st.Total))))
	}
	return out
}

// exportGroups are the groups of an export of year, in order. The
// fixture's year has no national group, and its groups are the first
// of the office groups, so that their indexes are the office tables'.
func exportGroups(year int) []content.StatGroup {
	var gs []content.StatGroup
	for k, g := range content.StatGroups {
		if g.CountedIn(year) {
			if g.National || g.ID != content.OfficeGroups()[k].ID {
				panic("the test's fixture year needs another way to match its export's groups with the office tables")
			}
			gs = append(gs, g)
		}
	}
	return gs
}

// TestExportRecovery loads the export as the site does and tries to
// work out what it hides.
func TestExportRecovery(t *testing.T) {
	s := loadExport(t, exportOf(t, fixture(), offices, 2025), 2025)
	pubs := exportPublished(t, s)
	tr := truth(fixture(), "", 2025, officeIDs, true)
	var rs []suppress.Result
	for k, g := range exportGroups(2025) {
		for i, r := range s.Groups[k].Rows {
			if r.Office != offices[i].ID || !maps.Equal(r.Name, offices[i].Name) {
				t.Errorf("group %s row %d is office %q (%v), want %q (%v)", g.ID, i, r.Office, r.Name, offices[i].ID, offices[i].Name)
			}
		}
		r := rebuild(t, g.ID, officeIDs, measureIDs(g), tr[k], pubs[k], 5)
		if got := suppress.Recoverable(r); len(got) != 0 {
			t.Errorf("group %s: Recoverable = %q", g.ID, got)
		}
		rs = append(rs, r)
	}
	for _, reader := range []suppress.Reader{suppress.Outsider, suppress.RowOwner} {
		if got := suppress.RecoverableLinked(rs, theLink(), reader); len(got) != 0 {
			t.Errorf("all groups, reader %d: RecoverableLinked = %q", reader, got)
		}
	}
	checkHiddenWith(t, rs)

	// Suppressed only against outsiders, an office could subtract its
	// own counts from the national totals.
	var counts []stats.Counts
	for _, o := range officeIDs {
		c := stats.Counts{}
		for _, r := range fixture() {
			if r.Office == o && strings.HasPrefix(r.Month, "2025-") {
				c.Add(r.Counts)
			}
		}
		counts = append(counts, c)
	}
	outsiders, err := suppressGroups(officeIDs, counts, 5, suppress.Outsider)
	if err != nil {
		t.Fatal(err)
	}
	got := suppress.RecoverableLinked(outsiders, theLink(), suppress.RowOwner)
	want := "knowing row stort-kontor, table 12: row litet-kontor, column escalations = 4"
	if !slices.Contains(got, want) {
		t.Errorf("suppressed against outsiders only, a row's owner finds %q; want %q among them", got, want)
	}
}

// month makes one month's counts by hand, consistent as stats.Of counts:
// apps applications of which c1, c2, c3 have 1, 2 and 3 children,
// courtYes court-ordered; the rest of each linked group split plainly.
func month(apps, fups, c1, c2, c3, courtYes int) stats.Counts {
	if c1+c2+c3 != apps {
		panic("the children do not add up")
	}
	return stats.Counts{
		"applications": int64(apps), "follow_ups": int64(fups),
		"children_1": int64(c1), "children_2": int64(c2), "children_3plus": int64(c3), "children": int64(c1 + 2*c2 + 3*c3),
		"topic_custody":     int64(apps),
		"court_ordered_yes": int64(courtYes), "court_ordered_no": int64(apps - courtYes),
		"previous_talks_no": int64(apps), "individual_first_talk_no": int64(apps),
		"interpreter_no": int64(apps), "protected_identity_no": int64(apps), "ack_0_1": int64(apps),
	}
}

// handMade is a year of one office with large counts, except in July
// (and August, which protects it): 2 court-ordered applications of 30
// (one hidden cell in a line with a shown total), 2 follow-ups beside
// 30 applications (a count the other groups show as their row total),
// 3 applications with one child beside 27 with two and none with three
// (the number of children, 57 = 3 + 2·27, would give the 3 away).
func handMade() []stats.Row {
	var rows []stats.Row
	for m := 1; m <= 12; m++ {
		c := month(40, 10, 20, 10, 10, 15)
		if m == 7 {
			c = month(30, 2, 3, 27, 0, 2)
		}
		if m == 8 {
			c = month(13, 10, 3, 10, 0, 6)
		}
		rows = append(rows, stats.Row{Office: "litet-kontor", Month: "2025-" + strconv.Itoa(100 + m)[1:], Counts: c})
	}
	return rows
}

// TestProtects: cases where suppressing each group by itself, or by
// primary suppression alone, would give a count away, and the output
// does not.
func TestProtects(t *testing.T) {
	rows := handMade()
	oy, err := Office(rows, small, 2025, 5, closedNow)
	if err != nil {
		t.Fatal(err)
	}
	pubs := officePublished(t, oy)
	tr := truth(rows, "litet-kontor", 2025, oy.Months, false)
	var rs, alone []suppress.Result
	for k, g := range content.OfficeGroups() {
		r := rebuild(t, g.ID, oy.Months, measureIDs(g), tr[k], pubs[k], 5)
		rs = append(rs, r)
		alone = append(alone, suppress.Apply(suppress.Table{Rows: oy.Months, Cols: measureIDs(g), Cells: tr[k]}, 5))
	}
	court := groupIndex("court_ordered")

	// Primary suppression alone: July's 2 is the only hidden entry of
	// its line, whose total is shown.
	naive := rs[court]
	naive.Cells = slices.Clone(naive.Cells)
	for i := range naive.Cells {
		naive.Cells[i] = slices.Clone(naive.Cells[i])
		for j, s := range naive.Cells[i] {
			naive.Cells[i][j].Suppressed = 0 < s.Value && s.Value < 5
		}
		naive.RowTotals = slices.Clone(naive.RowTotals)
		naive.RowTotals[i].Suppressed = false
	}
	if got := suppress.Recoverable(naive); !slices.Contains(got, "row 2025-07, column court_ordered_yes = 2") {
		t.Errorf("primary suppression alone: Recoverable = %q, want July's 2 found", got)
	}
	if !rs[court].Cells[6][1].Suppressed {
		t.Error("July's court_ordered_no is shown beside its hidden 2: the 2 can be worked out")
	}

	// One by one: received hides July's 30 applications to protect its
	// 2 follow-ups, and the other groups show 30 as their row total.
	if got := suppress.RecoverableLinked(alone, theLink(), suppress.Outsider); !slices.Contains(got,
		"table 0: row 2025-07, column follow_ups = 2") {
		t.Errorf("groups one by one: RecoverableLinked = %q, want July's follow-ups found", got)
	}
	// Together, July's applications are hidden in every group or in
	// none (here none: received hides its row total instead), and the
	// follow-ups stay hidden.
	for _, c := range theLink() {
		if s := line(rs[c.Table], 6)[c.Col]; s.Suppressed {
			t.Errorf("group %s hides July's applications, though no other count needs it", content.OfficeGroups()[c.Table].ID)
		}
	}
	if !rs[0].Cells[6][1].Suppressed || !rs[0].RowTotals[6].Suppressed {
		t.Error("July's follow-ups or received's total for July are shown")
	}

	// Alone, children_sum would show July's 57 = 1·3 + 2·27 + 3·0,
	// which gives the hidden 3 away.
	sum := groupIndex("children_sum")
	if alone[sum].Cells[6][0].Suppressed {
		t.Error("the case is meant to have July's children shown when suppressed alone")
	}
	if !rs[sum].Cells[6][0].Suppressed || !rs[sum].RowTotals[6].Suppressed {
		t.Error("July's number of children is shown beside a hidden distribution")
	}
	for name, got := range map[string][]string{
		"Recoverable":       nil,
		"RecoverableLinked": suppress.RecoverableLinked(rs, theLink(), suppress.Outsider),
	} {
		if name == "Recoverable" {
			for _, r := range rs {
				got = append(got, suppress.Recoverable(r)...)
			}
		}
		if len(got) != 0 {
			t.Errorf("%s = %q, want none", name, got)
		}
	}
	checkHiddenWith(t, rs)
}

// TestOpenYear: in the year under way the current month is open and the
// months after it are left out, even with counts; the export refuses it.
func TestOpenYear(t *testing.T) {
	oy := officeYear(t, small, 2026, openNow)
	if !oy.Open || len(oy.Months) != 7 || oy.Months[6] != "2026-07" {
		t.Fatalf("Months %q, Open %v; want January to July, open", oy.Months, oy.Open)
	}
	recs := readCSV(t, csvOf(t, oy))
	var got [][2]string
	for _, r := range recs[1:] {
		got = append(got, [2]string{r[0], r[1]})
	}
	want := [][2]string{{"2026-01", "stängd"}, {"2026-02", "stängd"}, {"2026-03", "stängd"}, {"2026-04", "stängd"},
		{"2026-05", "stängd"}, {"2026-06", "stängd"}, {"2026-07", "öppen"}, {"totalt", "öppen"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("months and periods = %q, want %q", got, want)
	}
	page := string(htmlOf(t, oy))
	if !strings.Contains(page, "juli ("+Open+")") || !strings.Contains(page, "Juli är en öppen period") || strings.Contains(page, "augusti") {
		t.Error("the HTML does not mark July open, or shows August")
	}
	closed := officeYear(t, small, 2025, openNow)
	if closed.Open || len(closed.Months) != 12 {
		t.Errorf("2025 in 2026: Months %q, Open %v; want all twelve, closed", closed.Months, closed.Open)
	}
	if s := string(htmlOf(t, closed)); strings.Contains(s, Open) {
		t.Error("a closed year's HTML mentions an open period")
	}
	if _, err := Export(fixture(), offices, 2026, 5, openNow); err == nil {
		t.Error("Export of the year under way: no error")
	}
}

// TestYearBoundary: the year turns at midnight in Sweden, not in UTC.
func TestYearBoundary(t *testing.T) {
	before := time.Date(2025, 12, 31, 22, 30, 0, 0, time.UTC) // 23:30 in Sweden
	after := time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)  // 00:30 on New Year's Day
	if _, err := Export(fixture(), offices, 2025, 5, before); err == nil {
		t.Error("Export(2025) at 23:30 on New Year's Eve: no error")
	}
	if _, err := Export(fixture(), offices, 2025, 5, after); err != nil {
		t.Errorf("Export(2025) at 00:30 on New Year's Day: %v", err)
	}
	oy, err := Office(fixture(), small, 2026, 5, after)
	if err != nil || !oy.Open || !slices.Equal(oy.Months, []string{"2026-01"}) {
		t.Errorf("Office(2026) on New Year's Day = %v, %v; want January, open", oy, err)
	}
	if _, err := Office(fixture(), small, 2026, 5, before); err == nil {
		t.Error("Office(2026) before it began: no error")
	}
	if oy := officeYear(t, small, 2020, closedNow); len(oy.Months) != 12 {
		t.Errorf("a year before the first row: %d months", len(oy.Months))
	}
}

var countRE = regexp.MustCompile(`^(0|[1-9][0-9]*|<5)$`)

// TestOnlyCounts: apart from the month, the period and the labels of
// rows and columns, every output holds counts and the label only.
func TestOnlyCounts(t *testing.T) {
	for _, oy := range []*OfficeYear{officeYear(t, small, 2025, closedNow), officeYear(t, large, 2026, openNow)} {
		recs := readCSV(t, csvOf(t, oy))
		var header []string
		for _, g := range content.OfficeGroups() {
			for _, m := range g.Measures {
				header = append(header, m.Column)
			}
		}
		if want := append([]string{"manad", "period"}, header...); !slices.Equal(recs[0], want) {
			t.Errorf("CSV header = %q,\nwant %q", recs[0], want)
		}
		for i, r := range recs[1:] {
			if len(r) != len(recs[0]) {
				t.Errorf("CSV line %d has %d fields", i+2, len(r))
			}
			if want := append(slices.Clone(oy.Months), "totalt")[i]; r[0] != want {
				t.Errorf("CSV line %d is %q, want %q", i+2, r[0], want)
			}
			if r[1] != Closed && r[1] != Open {
				t.Errorf("CSV line %d: period %q", i+2, r[1])
			}
			for _, v := range r[2:] {
				if !countRE.MatchString(v) {
					t.Errorf("CSV line %d: %q is not a count", i+2, v)
				}
			}
		}
		for id, rows := range htmlTables(t, htmlOf(t, oy)) {
			for _, r := range rows[1:] {
				for _, v := range r {
					if !countRE.MatchString(v) {
						t.Errorf("HTML table %s: %q is not a count", id, v)
					}
				}
			}
		}
	}
	// The export, read as plain YAML: only the keys of the format, the
	// catalogue's groups, the offices given, and counts.
	var doc any
	if err := yaml.Unmarshal(exportOf(t, fixture(), offices, 2025), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if !slices.Contains([]string{"year", "threshold", "groups", "group", "rows", "office", "name", "sv", "en", "cells", "total", "totals"}, k) {
					t.Errorf("export: key %q at %s", k, path)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		default:
			s := fmt.Sprint(v)
			switch {
			case strings.HasSuffix(path, ".group"):
				if groupIndex(s) < 0 {
					t.Errorf("export: group %q", s)
				}
			case strings.HasSuffix(path, ".office"):
				if !slices.Contains(officeIDs, s) {
					t.Errorf("export: office %q", s)
				}
			case strings.HasSuffix(path, ".name.sv") || strings.HasSuffix(path, ".name.en"):
				if !slices.ContainsFunc(offices, func(o *content.Office) bool { return s == o.Name[content.SV] || s == o.Name["en"] }) {
					t.Errorf("export: office name %q", s)
				}
			case path == ".year" || path == ".threshold":
			default:
				// A number is a YAML number, the label a string.
				if n, ok := v.(int); !(ok && n >= 0) && v != "<5" {
					t.Errorf("export: %s = %#v is not a count", path, v)
				}
			}
		}
	}
	walk("", doc)
}

// TestLabels: every count from 1 to 4 is printed as the label, in the
// CSV, the HTML and the export (rebuild checks it for each entry).
func TestLabels(t *testing.T) {
	oy := officeYear(t, small, 2025, closedNow)
	pubs := officePublished(t, oy)
	tr := truth(fixture(), "litet-kontor", 2025, oy.Months, false)
	smallCounts := 0
	for k, g := range content.OfficeGroups() {
		rebuild(t, g.ID, oy.Months, measureIDs(g), tr[k], pubs[k], 5)
		for _, row := range tr[k] {
			for _, v := range row {
				if 0 < v && v < 5 {
					smallCounts++
				}
			}
		}
	}
	s := loadExport(t, exportOf(t, fixture(), offices, 2025), 2025)
	epubs := exportPublished(t, s)
	etr := truth(fixture(), "", 2025, officeIDs, true)
	for k, g := range exportGroups(2025) {
		rebuild(t, g.ID, officeIDs, measureIDs(g), etr[k], epubs[k], 5)
	}
	if smallCounts < 50 {
		t.Errorf("only %d small counts: the case proves little", smallCounts)
	}
	// Another threshold, another label.
	oy3, err := Office(fixture(), large, 2025, 3, closedNow)
	if err != nil {
		t.Fatal(err)
	}
	if b := csvOf(t, oy3); !bytes.Contains(b, []byte(",<3")) || bytes.Contains(b, []byte("<5")) {
		t.Error("threshold 3: the CSV does not use the label <3")
	}
}

// TestCSVColumnsDocumented: WriteCSV's doc comment lists the catalogue's
// columns, in order.
func TestCSVColumnsDocumented(t *testing.T) {
	src, err := os.ReadFile("report.go")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	start := strings.Index(s, "Statistics without personal data, says what each counts):")
	end := strings.Index(s, "// Each count is a whole number")
	if start < 0 || end < start {
		t.Fatal("the column list of WriteCSV's doc comment was not found")
	}
	var listed []string
	for _, l := range strings.Split(s[start:end], "\n")[1:] {
		for _, f := range strings.Split(strings.TrimPrefix(strings.TrimSpace(l), "//"), ",") {
			if f = strings.TrimSpace(f); f != "" {
				listed = append(listed, f)
			}
		}
	}
	var want []string
	for _, g := range content.OfficeGroups() {
		for _, m := range g.Measures {
			want = append(want, m.Column)
		}
	}
	if !slices.Equal(listed, want) {
		t.Errorf("WriteCSV's doc comment lists\n%q\nthe catalogue has\n%q", listed, want)
	}
}

// TestExportShape: the export's types have content.Statistics's fields
// and keys, so that what is written is what is read.
func TestExportShape(t *testing.T) {
	for _, pair := range [][2]reflect.Type{
		{reflect.TypeFor[NationalYear](), reflect.TypeFor[content.Statistics]()},
		{reflect.TypeFor[ExportTable](), reflect.TypeFor[content.StatTable]()},
		{reflect.TypeFor[ExportRow](), reflect.TypeFor[content.StatRow]()},
	} {
		keys := func(t reflect.Type) []string {
			var out []string
			for f := range t.Fields() {
				if tag := f.Tag.Get("yaml"); f.IsExported() && tag != "-" {
					out = append(out, f.Name+" "+tag)
				}
			}
			return out
		}
		if got, want := keys(pair[0]), keys(pair[1]); !slices.Equal(got, want) {
			t.Errorf("%s has %q, %s has %q", pair[0], got, pair[1], want)
		}
	}
}

// TestExportNational: a national group's table holds the year's total
// of the national row and no office rows; the total is hidden when small
// and altogether while fewer than content.NationalMinOffices inboxes
// receive what it counts; a national-only count in an office's row, or
// an office's count in the national row, is refused.
func TestExportNational(t *testing.T) {
	unit := func(inbox string) content.Units { return content.Units{Violence: &content.Intake{Inbox: inbox}} }
	office := func(id string, u content.Units) *content.Office {
		return &content.Office{ID: id, Name: content.Text{content.SV: "Familjerätten " + id, "en": id + " Family Law"}, Units: u}
	}
	three := []*content.Office{office("stort-kontor", unit("a@x.example")), office("litet-kontor", unit("b@x.example")), office("tredje", unit("c@x.example"))}
	// Two offices share a regional unit: two inboxes in all.
	shared := []*content.Office{office("stort-kontor", unit("region@x.example")), office("litet-kontor", unit("region@x.example")), office("tredje", unit("c@x.example"))}
	none := []*content.Office{office("stort-kontor", content.Units{}), office("litet-kontor", content.Units{}), office("tredje", content.Units{})}
	rows := func(n ...int) []stats.Row {
		rs := fixture()
		for i, v := range n {
			rs = append(rs, stats.Row{Office: stats.National, Month: strconv.Itoa(2026 + i), Counts: stats.Counts{"contact_requests": int64(v)}})
		}
		return rs
	}
	later := at(2028, 2, 1, 9, 0)
	for _, tt := range []struct {
		name    string
		rows    []stats.Row
		offices []*content.Office
		want    string
	}{
		{"shown", rows(7, 40), three, "7"},
		{"small", rows(3), three, "<5"},
		{"none", rows(), three, "0"},
		{"two inboxes", rows(9), shared, "<5"},
		{"no office has the unit", rows(), none, "<5"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Export(tt.rows, tt.offices, 2026, 5, later)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := n.WriteExport(&b); err != nil {
				t.Fatal(err)
			}
			s := loadExport(t, b.Bytes(), 2026)
			if len(s.Groups) != len(content.StatGroups) {
				t.Errorf("%d groups in the export of 2026, want all %d", len(s.Groups), len(content.StatGroups))
			}
			tab, ok := s.Table("contact_requests")
			if !ok {
				t.Fatalf("no table contact_requests in\n%s", b.Bytes())
			}
			if len(tab.Rows) != 0 || len(tab.Totals) != 1 {
				t.Fatalf("%d rows, %d totals; want none and one", len(tab.Rows), len(tab.Totals))
			}
			if got := tab.Totals[0].Text(5); got != tt.want || tab.Total.Text(5) != tt.want {
				t.Errorf("national total %q, grand total %q; want %q", got, tab.Total.Text(5), tt.want)
			}
			visits, _ := s.Table("visit_reports")
			if len(visits.Rows) != len(tt.offices) {
				t.Errorf("visit reports: %d rows, want one per office", len(visits.Rows))
			}
		})
	}
	for _, tt := range []struct {
		name string
		row  stats.Row
		want string
	}{
		{"a national count in an office's row", stats.Row{Office: "litet-kontor", Month: "2026-03", Counts: stats.Counts{"contact_requests": 1}},
			"contact_requests is counted in the national row alone"},
		{"an office's count in the national row", stats.Row{Office: stats.National, Month: "2026", Counts: stats.Counts{"visit_reports": 1}},
			"visit_reports is counted in the national row alone"},
		{"a month in the national row", stats.Row{Office: stats.National, Month: "2026-03", Counts: stats.Counts{"contact_requests": 1}},
			`the national row "2026-03" is not of a year like 2026`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Export(append(fixture(), tt.row), three, 2026, 5, later)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Export: %v, want an error with %q", err, tt.want)
			}
			if tt.row.Office == stats.National {
				return
			}
			if _, err := Office(append(fixture(), tt.row), small, 2026, 5, later); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Office: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// TestLinkedGroups: every application counts once in each linked
// group, and a follow-up in none, as suppressGroups relies on.
func TestLinkedGroups(t *testing.T) {
	for k := range 200 {
		c := stats.Of(&intake.Submission{Answers: application(k)})
		for _, id := range linkedGroups {
			g, _ := content.StatGroupByID(id)
			sum := int64(0)
			for _, m := range g.Measures {
				sum += c[m.ID]
			}
			if sum != c[linkMeasure] || sum != 1 {
				t.Fatalf("application %d: group %s counts %d, applications %d", k, id, sum, c[linkMeasure])
			}
		}
	}
	c := stats.Of(&intake.Submission{Answers: &intake.FollowUp{}})
	for _, id := range linkedGroups {
		g, _ := content.StatGroupByID(id)
		for _, m := range g.Measures {
			if c[m.ID] != 0 {
				t.Errorf("a follow-up counts %s", m.ID)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	good := stats.Row{Office: "litet-kontor", Month: "2025-03", Counts: month(10, 0, 5, 5, 0, 5)}
	bad := func(f func(*stats.Row)) []stats.Row {
		r := good
		r.Counts = stats.Counts{}
		r.Counts.Add(good.Counts)
		f(&r)
		return []stats.Row{r}
	}
	for name, rows := range map[string][]stats.Row{
		"unknown measure": bad(func(r *stats.Row) { r.Counts["visits"] = 1 }),
		"negative":        bad(func(r *stats.Row) { r.Counts["bounces"] = -1 }),
		"month":           bad(func(r *stats.Row) { r.Month = "2025-3" }),
		"disagree":        bad(func(r *stats.Row) { r.Counts["court_ordered_no"]++ }),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Office(rows, small, 2025, 5, closedNow); err == nil {
				t.Error("Office: no error")
			}
			if _, err := Export(rows, offices, 2025, 5, closedNow); err == nil {
				t.Error("Export: no error")
			}
		})
	}
	rows := []stats.Row{good}
	for name, f := range map[string]func() error{
		"threshold 1":       func() error { _, err := Office(rows, small, 2025, 1, closedNow); return err },
		"export threshold":  func() error { _, err := Export(rows, offices, 2025, 101, closedNow); return err },
		"office not listed": func() error { _, err := Export(rows, []*content.Office{large}, 2025, 5, closedNow); return err },
		"office twice":      func() error { _, err := Export(rows, []*content.Office{small, small}, 2025, 5, closedNow); return err },
		"next year":         func() error { _, err := Office(rows, small, 2027, 5, closedNow); return err },
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Another office's rows are not the office's business.
	other := bad(func(r *stats.Row) { r.Office = "malmo"; r.Counts["visits"] = 1 })
	if _, err := Office(other, small, 2025, 5, closedNow); err != nil {
		t.Errorf("Office with another office's bad row: %v", err)
	}
}

// TestHTMLValid runs the W3C checker (vnu.jar, installed by make deps in
// build/browsertest) on the golden summaries.
func TestHTMLValid(t *testing.T) {
	java, err := exec.LookPath("java")
	jar := filepath.Join("..", "..", "..", "build", "browsertest", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, serr := os.Stat(jar); err != nil || serr != nil {
		t.Skip("the HTML checker is not installed (Java and vnu.jar): run make deps")
	}
	files := []string{filepath.Join("testdata", "litet-kontor-2025.html"), filepath.Join("testdata", "stort-kontor-2026.html")}
	cmd := exec.Command(java, append([]string{"-jar", jar, "--format", "json", "--stdout"}, files...)...)
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("vnu: %v", err)
	}
	var res struct {
		Messages []struct {
			Type, SubType, Message, Extract string
			LastLine                        int
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("vnu's output: %v\n%s", err, out)
	}
	for _, m := range res.Messages {
		if m.Type == "info" && m.SubType != "warning" {
			continue
		}
		t.Errorf("vnu %s %s, line %d: %s\n\t%q", m.Type, m.SubType, m.LastLine, m.Message, m.Extract)
	}
}
