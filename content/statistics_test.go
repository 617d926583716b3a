package content

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// export is a statistics export as a test writes it, so that a case can
// change one entry and know the line each problem must name.
type export struct {
	year, threshold int
	groups          []exportGroup
}

type exportGroup struct {
	id     string
	rows   []exportRow
	totals []string
	total  string
}

type exportRow struct {
	office string
	cells  []string
	total  string
}

// validExport is an export that passes every check, for the offices
// testby and other (statsDir): every group of the catalogue counted in
// year (a national one with its totals only), numbers well above the
// threshold 5, and in "received" hidden cells, which leave their row
// and column unchecked.
func validExport(year int) *export {
	e := &export{year: year, threshold: 5}
	for _, g := range StatGroups {
		if !g.CountedIn(year) {
			continue
		}
		if g.National {
			e.groups = append(e.groups, exportGroup{id: g.ID, totals: []string{"7"}, total: "7"})
			continue
		}
		if g.ID == "received" {
			e.groups = append(e.groups, exportGroup{id: g.ID, rows: []exportRow{
				{"testby", []string{"12", "<5"}, "15"},
				{"other", []string{"30", "<5"}, "33"},
			}, totals: []string{"42", "6"}, total: "48"})
			continue
		}
		eg := exportGroup{id: g.ID}
		var totals []int
		grand := 0
		for i, office := range []string{"testby", "other"} {
			r := exportRow{office: office}
			sum := 0
			for j := range g.Measures {
				v := 10*(i+1) + j
				r.cells = append(r.cells, fmt.Sprint(v))
				sum += v
				if i == 0 {
					totals = append(totals, 0)
				}
				totals[j] += v
			}
			r.total = fmt.Sprint(sum)
			grand += sum
			eg.rows = append(eg.rows, r)
		}
		for _, v := range totals {
			eg.totals = append(eg.totals, fmt.Sprint(v))
		}
		eg.total = fmt.Sprint(grand)
		e.groups = append(e.groups, eg)
	}
	return e
}

// yaml writes the export as `make stats` lays it out: a row in three
// lines, from "- office:".
func (e *export) yaml() string {
	var b strings.Builder
	fmt.Fprintf(&b, "year: %d\nthreshold: %d\ngroups:\n", e.year, e.threshold)
	for _, g := range e.groups {
		fmt.Fprintf(&b, "  - group: %s\n    rows:\n", g.id)
		for _, r := range g.rows {
			fmt.Fprintf(&b, "      - office: %s\n        cells: [%s]\n        total: %s\n", r.office, strings.Join(r.cells, ", "), r.total)
		}
		fmt.Fprintf(&b, "    totals: [%s]\n    total: %s\n", strings.Join(g.totals, ", "), g.total)
	}
	return b.String()
}

// group returns the index of a group, and the line its "- group:" is on.
func (e *export) group(t *testing.T, id string) (int, int) {
	t.Helper()
	line := 4
	for i, g := range e.groups {
		if g.id == id {
			return i, line
		}
		line += 2 + 3*len(g.rows) + 2
	}
	t.Fatalf("the export has no group %q", id)
	return 0, 0
}

// row returns the line a group's row starts on.
func (e *export) row(t *testing.T, id string, row int) int {
	t.Helper()
	_, line := e.group(t, id)
	return line + 2 + 3*row
}

// statsDir is a directory of two offices, testby and other.
func statsDir(t *testing.T) *Directory {
	t.Helper()
	other := strings.NewReplacer("Testby", "Otherby", "testby", "other", `"0114"`, `"0115"`).Replace(validOffice)
	dir, err := LoadDirectory(tree(t, map[string]string{OfficesDir + "/testby.yaml": validOffice, OfficesDir + "/other.yaml": other}))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func statsTree(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, text := range files {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

// TestLoadStatistics: valid exports load, newest first, with their
// entries as written: numbers, and hidden entries without one.
func TestLoadStatistics(t *testing.T) {
	dir := statsDir(t)
	stats, err := LoadStatistics(statsTree(map[string]string{
		"statistics/2024.yaml": validExport(2024).yaml(),
		"statistics/2025.yaml": validExport(2025).yaml(),
		"statistics/README.md": "Written by make stats.\n",
		"statistics/.DS_Store": "",
	}), dir)
	if err != nil {
		t.Fatal(err)
	}
	var years []int
	for _, s := range stats {
		years = append(years, s.Year)
	}
	if !slices.Equal(years, []int{2025, 2024}) {
		t.Fatalf("years %v, want [2025 2024]: every export, newest first", years)
	}
	s := stats[0]
	if want := countedIn(2025); s.Threshold != 5 || s.File != "statistics/2025.yaml" || len(s.Groups) != want {
		t.Errorf("threshold %d, file %q, %d groups; want 5, statistics/2025.yaml, %d", s.Threshold, s.File, len(s.Groups), want)
	}
	received, ok := s.Table("received")
	if !ok || len(received.Rows) != 2 {
		t.Fatalf("the table of received: %v, %+v", ok, received)
	}
	for _, tt := range []struct {
		name string
		got  Count
		text string
	}{
		{"a shown cell", received.Rows[0].Cells[0], "12"},
		{"a hidden cell", received.Rows[0].Cells[1], "<5"},
		{"a row total", received.Rows[1].Total, "33"},
		{"a national total", received.Totals[1], "6"},
		{"the grand total", received.Total, "48"},
	} {
		if got := tt.got.Text(s.Threshold); got != tt.text {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.text)
		}
		if tt.got.Hidden && tt.got.Value != 0 {
			t.Errorf("%s: a hidden entry has the value %d; it has none", tt.name, tt.got.Value)
		}
	}
	if _, ok := s.Table("nonesuch"); ok {
		t.Error("Table found a group the export does not have")
	}

	for name, fsys := range map[string]fs.FS{
		"no folder":    statsTree(nil),
		"empty folder": fstest.MapFS{"statistics": {Mode: fs.ModeDir | 0o755}},
		"a README":     statsTree(map[string]string{"statistics/README.md": "x"}),
	} {
		stats, err := LoadStatistics(fsys, dir)
		if err != nil || len(stats) != 0 {
			t.Errorf("%s: %v, %v; want no exports and no problem", name, stats, err)
		}
	}
}

// TestStatisticsProblems: each check of an export names the file and
// the line to fix: the table's "- group:" line or the row's "- office:"
// line, and line 1 for what concerns the whole file.
func TestStatisticsProblems(t *testing.T) {
	const file = "statistics/2025.yaml"
	for _, tt := range []struct {
		name   string
		change func(t *testing.T, e *export) []string // changes e, returns the problems it must give
	}{
		{"year differs from the file's name", func(t *testing.T, e *export) []string {
			e.year = 2024
			return []string{file + ":1: the file says year 2024: rename it 2024.yaml or correct the year"}
		}},
		{"unknown group", func(t *testing.T, e *export) []string {
			i, line := e.group(t, "topics")
			e.groups[i].id = "topic"
			return []string{
				fmt.Sprintf(`%s:%d: unknown group "topic"; the groups are received, children, children_sum, topics,`, file, line),
				file + `:1: group "topics" is missing`,
			}
		}},
		{"group twice", func(t *testing.T, e *export) []string {
			i, _ := e.group(t, "court_ordered")
			j, line := e.group(t, "previous_talks")
			e.groups[j] = e.groups[i]
			e.groups[j].rows = slices.Clone(e.groups[i].rows)
			return []string{
				fmt.Sprintf(`%s:%d: group "court_ordered" comes twice`, file, line),
				file + `:1: group "previous_talks" is missing`,
			}
		}},
		{"missing group", func(t *testing.T, e *export) []string {
			i, _ := e.group(t, "bounces")
			e.groups = slices.Delete(e.groups, i, i+1)
			return []string{file + `:1: group "bounces" is missing`}
		}},
		{"unknown office", func(t *testing.T, e *export) []string {
			i, _ := e.group(t, "interpreter")
			e.groups[i].rows[1].office = "kalmar"
			return []string{fmt.Sprintf(`%s:%d: no office "kalmar" in offices/`, file, e.row(t, "interpreter", 1))}
		}},
		{"office twice", func(t *testing.T, e *export) []string {
			i, _ := e.group(t, "interpreter")
			e.groups[i].rows[1].office = "testby"
			return []string{fmt.Sprintf(`%s:%d: office "testby" comes twice in group "interpreter"`, file, e.row(t, "interpreter", 1))}
		}},
		{"too few cells", func(t *testing.T, e *export) []string {
			i, line := e.group(t, "court_ordered")
			e.groups[i].rows[0].cells = e.groups[i].rows[0].cells[:1]
			return []string{
				fmt.Sprintf(`%s:%d: office "testby" has 1 cells in group "court_ordered"; it needs 2`, file, e.row(t, "court_ordered", 0)),
				// The column without testby's cell is added up too.
				fmt.Sprintf(`%s:%d: group "court_ordered": the offices' court_ordered_no add up to 21, not to the national total 32`, file, line),
			}
		}},
		{"too many cells", func(t *testing.T, e *export) []string {
			i, _ := e.group(t, "reminders")
			e.groups[i].rows[1].cells = append(e.groups[i].rows[1].cells, "0")
			return []string{fmt.Sprintf(`%s:%d: office "other" has 2 cells in group "reminders"; it needs 1`, file, e.row(t, "reminders", 1))}
		}},
		{"too few totals", func(t *testing.T, e *export) []string {
			i, line := e.group(t, "court_ordered")
			e.groups[i].totals = e.groups[i].totals[:1]
			return []string{fmt.Sprintf(`%s:%d: group "court_ordered" has 1 totals; it needs one per measure, 2`, file, line)}
		}},
		{"a shown cell below the threshold", func(t *testing.T, e *export) []string {
			i, _ := e.group(t, "received")
			e.groups[i].rows[0].cells[1] = "3" // 12 + 3 is its total 15: only the threshold is wrong
			return []string{fmt.Sprintf(`%s:%d: a cell of testby is 3, below the threshold 5: it must be written "<5"`, file, e.row(t, "received", 0))}
		}},
		{"a shown national total below the threshold", func(t *testing.T, e *export) []string {
			i, line := e.group(t, "received")
			e.groups[i].totals[1] = "2"
			return []string{fmt.Sprintf(`%s:%d: a national total is 2, below the threshold 5: it must be written "<5"`, file, line)}
		}},
		{"a label with another threshold", func(t *testing.T, e *export) []string {
			i, _ := e.group(t, "received")
			e.groups[i].rows[1].cells[1] = "<3"
			return []string{fmt.Sprintf(`%s:%d: a cell of other is written "<3", but the file's threshold is 5: hidden entries are written "<5"`, file, e.row(t, "received", 1))}
		}},
		{"a grand total with another threshold", func(t *testing.T, e *export) []string {
			i, line := e.group(t, "received")
			e.groups[i].total = "<10"
			return []string{fmt.Sprintf(`%s:%d: the national total is written "<10", but the file's threshold is 5: hidden entries are written "<5"`, file, line)}
		}},
		{"a row that does not add up", func(t *testing.T, e *export) []string {
			i, _ := e.group(t, "court_ordered")
			e.groups[i].rows[0].total = "99"
			return []string{fmt.Sprintf(`%s:%d: the cells of "testby" add up to 21, not to its total 99`, file, e.row(t, "court_ordered", 0))}
		}},
		{"a column that does not add up", func(t *testing.T, e *export) []string {
			i, line := e.group(t, "court_ordered")
			e.groups[i].totals[1] = "99"
			return []string{fmt.Sprintf(`%s:%d: group "court_ordered": the offices' court_ordered_no add up to 32, not to the national total 99`, file, line)}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := validExport(2025)
			want := tt.change(t, e)
			_, err := LoadStatistics(statsTree(map[string]string{file: e.yaml()}), statsDir(t))
			assertProblems(t, err, want)
			if probs, ok := err.(Problems); ok && len(probs) != len(want) {
				t.Errorf("%d problems, want %d:\n%v", len(probs), len(want), err)
			}
		})
	}
}

func countedIn(year int) int {
	n := 0
	for _, g := range StatGroups {
		if g.CountedIn(year) {
			n++
		}
	}
	return n
}

// TestStatisticsGroupsOverTime: a group added to the catalogue is
// required from the year it is counted, not in a year exported before
// it; a national group has its totals and no office rows.
func TestStatisticsGroupsOverTime(t *testing.T) {
	var added, national []StatGroup
	for _, g := range StatGroups {
		if g.Since > 0 {
			added = append(added, g)
		}
		if g.National {
			national = append(national, g)
		}
	}
	if len(added) == 0 || len(national) == 0 {
		t.Fatal("the catalogue has no group added later, or none national: this test has nothing to check")
	}
	for _, g := range national {
		if g.Unit == "" || len(g.Measures) != 1 {
			t.Errorf("national group %s: unit %q, %d measures; it needs the unit that receives what it counts, and one measure", g.ID, g.Unit, len(g.Measures))
		}
		if slices.ContainsFunc(OfficeGroups(), func(o StatGroup) bool { return o.ID == g.ID }) {
			t.Errorf("national group %s is among the office groups", g.ID)
		}
	}
	for _, g := range added {
		t.Run(g.ID, func(t *testing.T) {
			before := validExport(g.Since - 1)
			if slices.ContainsFunc(before.groups, func(e exportGroup) bool { return e.id == g.ID }) {
				t.Fatalf("an export of %d has group %s, counted from %d", g.Since-1, g.ID, g.Since)
			}
			file := fmt.Sprintf("statistics/%d.yaml", g.Since-1)
			if _, err := LoadStatistics(statsTree(map[string]string{file: before.yaml()}), statsDir(t)); err != nil {
				t.Errorf("an export of %d without group %s: %v", g.Since-1, g.ID, err)
			}
			e := validExport(g.Since)
			i, _ := e.group(t, g.ID)
			e.groups = slices.Delete(e.groups, i, i+1)
			file = fmt.Sprintf("statistics/%d.yaml", g.Since)
			_, err := LoadStatistics(statsTree(map[string]string{file: e.yaml()}), statsDir(t))
			assertProblems(t, err, []string{fmt.Sprintf(`%s:1: group %q is missing`, file, g.ID)})
		})
	}
	for _, g := range national {
		t.Run(g.ID+" with office rows", func(t *testing.T) {
			e := validExport(g.Since)
			i, _ := e.group(t, g.ID)
			e.groups[i].rows = []exportRow{{"testby", []string{"7"}, "7"}}
			file := fmt.Sprintf("statistics/%d.yaml", g.Since)
			_, err := LoadStatistics(statsTree(map[string]string{file: e.yaml()}), statsDir(t))
			assertProblems(t, err, []string{fmt.Sprintf(`%s:%d: group %q is counted for the whole country only: remove its office rows and keep the national totals`, file, e.row(t, g.ID, 0), g.ID)})
		})
	}
	if _, err := LoadStatistics(statsTree(map[string]string{"statistics/2026.yaml": validExport(2026).yaml()}), statsDir(t)); err != nil {
		t.Errorf("a valid export of 2026: %v", err)
	}
}

// TestStatisticsFileProblems: what is wrong with a file as a whole.
func TestStatisticsFileProblems(t *testing.T) {
	for _, tt := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"not named after its year", map[string]string{"statistics/2025-final.yaml": validExport(2025).yaml()},
			"statistics/2025-final.yaml: a statistics export is named after its year, like 2026.yaml"},
		{"empty", map[string]string{"statistics/2025.yaml": "# nothing yet\n"}, "statistics/2025.yaml: the file is empty"},
		{"not a count", map[string]string{"statistics/2025.yaml": strings.Replace(validExport(2025).yaml(), "cells: [12, <5]", "cells: [12, many]", 1)},
			`statistics/2025.yaml:7: YAML: "many" is not a count: write a whole number of 0 or more, or a label like "<5"`},
		{"a negative count", map[string]string{"statistics/2025.yaml": strings.Replace(validExport(2025).yaml(), "total: 15", "total: -15", 1)},
			`statistics/2025.yaml:8: YAML: "-15" is not a count`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadStatistics(statsTree(tt.files), statsDir(t))
			assertProblems(t, err, []string{tt.want})
		})
	}
}

// TestLoadReadsStatistics: Load gives the exports with the rest of the
// content, and their problems under the export's name.
func TestLoadReadsStatistics(t *testing.T) {
	d, err := Load(committed)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Statistics) != 0 {
		// content/ holds real exports only, written by make stats; this
		// test then has nothing to say about them.
		t.Skipf("content/ has %d exports", len(d.Statistics))
	}
	e := validExport(2025)
	for i := range e.groups {
		for j := range e.groups[i].rows {
			e.groups[i].rows[j].office = []string{"nowhere-a", "nowhere-b"}[j]
		}
	}
	_, err = Load(tree(t, map[string]string{
		OfficesDir + "/testby.yaml": validOffice,
		"statistics/2025.yaml":      e.yaml(),
	}))
	assertProblems(t, err, []string{fmt.Sprintf(`statistics/2025.yaml:%d: no office "nowhere-a" in offices/`, e.row(t, "received", 0))})
}
