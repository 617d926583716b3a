// Package report turns the statistics counters (package stats) into
// what `make stats` writes: for an office and a year, a CSV file and a
// one-page HTML summary ([Office]); for a closed year, the national
// export the public site publishes ([Export], read back by
// content.LoadStatistics).
//
// # What is hidden
//
// Every group of content.StatGroups is a table: its rows are months
// (for an office) or offices (nationally), its columns the group's
// measures, with the row totals, the column totals and the grand
// total. Every output shows the counts as package suppress leaves them:
// a count from 1 to threshold-1 is printed as the label ("<5"), and so
// are enough others that none of those can be worked out. The groups
// are suppressed together, not one by one, because they hold the same
// figures:
//
//   - Each application counts once in each of the groups children,
//     court_ordered, previous_talks, individual_first_talk, interpreter
//     and protected_identity, so their row totals are the applications,
//     which the group received shows as a column. One by one, an
//     application count hidden in one table (to protect a small number
//     of follow-ups, say) would be shown as the row total of another.
//     These tables are suppressed with [suppress.ApplyLinked]: that
//     count is hidden in all of them or in none, and they are checked
//     together.
//   - A group with HiddenWith (the number of children, hidden with the
//     distribution 1/2/3+) is hidden in every line (a month or office,
//     or the totals line) where the other group has a hidden entry:
//     otherwise children = 1·c1 + 2·c2 + (3+)·c3 beside the distribution
//     could pin a hidden count. The extra entries are forced with
//     [suppress.Table.Force], so they are protected like the small ones;
//     and should protecting them need a line where the other group
//     shows everything, an entry of that line is forced in the other
//     group, until the two agree: then the number of children is hidden
//     exactly where the distribution has something hidden, and says
//     nothing the distribution's own totals do not.
//
// The national export is also safe from the offices themselves: each
// knows its own counts, and must not work out another's from the
// national totals (with two offices, a total minus one's own count is
// the other's). It is suppressed against [suppress.RowOwner].
//
// Before anything is returned, [suppress.RecoverableLinked] checks all
// the tables together; a finding is an error, never an output.
//
// # What is not covered
//
// Beyond the above, groups bound one another without adding up: an
// application names a topic at most once, so no topic count exceeds the
// applications; at most two parents need an interpreter; every
// application has at least one child. Such bounds narrow a hidden value
// to a range and are not modelled (see package suppress).
//
// Nor are offices comparing their counts: the export is safe from one
// office that knows its own row, not from two that pool theirs.
//
// A report of the year under way holds an open month, whose figures
// still change; and the suppression of the whole year can change with
// them. Two such reports of different days, side by side, can give
// counts away that each hides. An office's yearly totals line is also
// its row of the national export, suppressed apart from it, so the two
// side by side can give counts away too. The office reports are for
// the office's own use, not for publishing; only closed years are
// exported ([Export] refuses the others).
package report

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/suppress"
	"familjeratt.example/portal/site/chrome"
)

// linkedGroups are the groups in which every application counts exactly
// once (stats.Of), so that each row's total is the number of
// applications: the measure linkMeasure of the group linkGroup.
var linkedGroups = []string{"children", "court_ordered", "previous_talks", "individual_first_talk", "interpreter", "protected_identity"}

const (
	linkGroup   = "received"
	linkMeasure = "applications"
)

// Period values of the CSV's column "period".
const (
	Closed = "stängd" // the month has ended: its counts are final
	Open   = "öppen"  // the month is under way: its counts can still change
)

// OfficeYear is one office's statistics for one year, suppressed, as
// [OfficeYear.WriteCSV] and [OfficeYear.WriteHTML] write them.
type OfficeYear struct {
	Office    string // the office's id
	Name      string // its name in Swedish
	Year      int
	Threshold int
	// Months are the months included, "2026-01" on: every month of a
	// past year; of the year under way, those up to the current one.
	Months []string
	// Open says that the last month is the current one, whose figures
	// can still change.
	Open bool

	tables []suppress.Result // one per content.OfficeGroups, by Months
}

// Office returns office's statistics for year, from the rows of every
// office (the others' are left out), suppressed under threshold (at
// least 2). The year is taken in Swedish time: a year after now's has
// not begun and is refused; in now's year the months after now's are
// left out and now's month is open. A year before the first row is all
// zeros.
//
// A row of the office that names a measure outside the catalogue, holds
// a negative count or an unreadable month is an error, and so is a
// month whose groups do not add up to its applications (the counters
// disagree: every application counts once in each group that splits
// the applications up).
func Office(rows []stats.Row, office *content.Office, year, threshold int, now time.Time) (*OfficeYear, error) {
	if err := checkThreshold(threshold); err != nil {
		return nil, err
	}
	local := now.In(intake.Stockholm)
	n, open := 12, false
	switch {
	case year > local.Year():
		return nil, fmt.Errorf("report: %d has not begun (it is %s in Sweden)", year, local.Format("2006-01-02"))
	case year == local.Year():
		n, open = int(local.Month()), true
	}
	months := make([]string, n)
	at := map[string]int{}
	for i := range months {
		months[i] = fmt.Sprintf("%04d-%02d", year, i+1)
		at[months[i]] = i
	}
	counts := make([]stats.Counts, n)
	for i := range counts {
		counts[i] = stats.Counts{}
	}
	for _, r := range rows {
		if r.Office != office.ID {
			continue
		}
		if err := checkRow(r); err != nil {
			return nil, err
		}
		if i, ok := at[r.Month]; ok {
			counts[i].Add(r.Counts)
		}
	}
	tables, err := suppressGroups(months, counts, threshold, suppress.Outsider)
	if err != nil {
		return nil, fmt.Errorf("report: office %s, %d: %w", office.ID, year, err)
	}
	return &OfficeYear{Office: office.ID, Name: office.Name[content.SV], Year: year, Threshold: threshold,
		Months: months, Open: open, tables: tables}, nil
}

func checkThreshold(threshold int) error {
	if threshold < 2 || threshold > 100 {
		return fmt.Errorf("report: threshold %d: it must be from 2 to 100 (2 hides only the ones)", threshold)
	}
	return nil
}

// checkRow refuses a row that cannot be counted as it stands: an
// office's row of a month with national-only counts, say, or a national
// row of a month.
func checkRow(r stats.Row) error {
	national := r.Office == stats.National
	if national {
		if _, err := time.Parse("2006", r.Month); err != nil || len(r.Month) != 4 {
			return fmt.Errorf("report: the national row %q is not of a year like 2026", r.Month)
		}
	} else if _, err := time.Parse("2006-01", r.Month); err != nil || len(r.Month) != 7 {
		return fmt.Errorf("report: office %s: month %q is not like 2026-07", r.Office, r.Month)
	}
	if err := r.Counts.Known(); err != nil {
		return fmt.Errorf("report: office %s, %s: %w", r.Office, r.Month, err)
	}
	for id, v := range r.Counts {
		if v < 0 || v > math.MaxInt32 {
			return fmt.Errorf("report: office %s, %s: %s is not a count", r.Office, r.Month, id)
		}
		if only := (stats.Counts{id: v}).NationalOnly(); only != national {
			return fmt.Errorf("report: office %s, %s: %s is counted in the national row alone: the counters disagree", r.Office, r.Month, id)
		}
	}
	return nil
}

// suppressGroups returns one suppressed table per group of
// content.OfficeGroups, in order: rows labels by the group's measure ids,
// from counts (one per label), as the package documentation describes,
// safe against reader.
func suppressGroups(labels []string, counts []stats.Counts, threshold int, reader suppress.Reader) ([]suppress.Result, error) {
	groups := content.OfficeGroups()
	index := map[string]int{}
	ts := make([]suppress.Table, len(groups))
	for k, g := range groups {
		index[g.ID] = k
		t := suppress.Table{Rows: labels, Cells: make([][]int, len(labels))}
		for _, m := range g.Measures {
			t.Cols = append(t.Cols, m.ID)
		}
		for i, c := range counts {
			t.Cells[i] = make([]int, len(g.Measures))
			for j, m := range g.Measures {
				t.Cells[i][j] = int(c[m.ID])
			}
		}
		ts[k] = t
	}
	link := []suppress.Column{{Table: index[linkGroup], Col: slices.Index(ts[index[linkGroup]].Cols, linkMeasure)}}
	for _, id := range linkedGroups {
		k := index[id]
		link = append(link, suppress.Column{Table: k, Col: len(ts[k].Cols)})
		for i, c := range counts {
			sum := 0
			for _, v := range ts[k].Cells[i] {
				sum += v
			}
			if sum != int(c[linkMeasure]) {
				return nil, fmt.Errorf("%s: the counts of group %s do not add up to the applications, as each application counts once in it: the counters disagree", labels[i], id)
			}
		}
	}

	var rs []suppress.Result
	for changed := true; changed; {
		rs = suppress.ApplyLinked(ts, threshold, link, reader)
		changed = false
		// First the lines the group must be hidden in; once those hold,
		// the lines it is hidden in that the other group shows in full.
		for k, g := range groups {
			if g.HiddenWith == "" {
				continue
			}
			h := index[g.HiddenWith]
			for i := range len(labels) + 1 {
				if lineHidden(rs[h], i) && forceLine(&ts[k], i) {
					changed = true
				}
			}
		}
		if changed {
			continue
		}
		for k, g := range groups {
			if g.HiddenWith == "" {
				continue
			}
			h := index[g.HiddenWith]
			for i := range len(labels) + 1 {
				if lineHidden(rs[k], i) && !lineHidden(rs[h], i) {
					if !forceSmallest(&ts[h], rs[h], i) {
						return nil, fmt.Errorf("group %s is hidden in a line where %s shows only zeros", g.ID, g.HiddenWith)
					}
					changed = true
				}
			}
		}
	}

	// Checked again as a reader would try, before anything is written.
	if found := suppress.RecoverableLinked(rs, link, reader); len(found) > 0 {
		return nil, fmt.Errorf("%d hidden counts could be worked out: nothing is written (a mistake in package suppress or report)", len(found))
	}
	for k, g := range groups {
		if g.HiddenWith == "" {
			continue
		}
		for i := range len(labels) + 1 {
			shown := slices.ContainsFunc(line(rs[k], i), func(s suppress.Shown) bool { return !s.Suppressed && s.Value > 0 })
			if h := lineHidden(rs[index[g.HiddenWith]], i); h && shown || !h && lineHidden(rs[k], i) {
				return nil, fmt.Errorf("group %s is not hidden with %s: nothing is written (a mistake in package report)", g.ID, g.HiddenWith)
			}
		}
	}
	return rs, nil
}

// line returns the entries of line i of a result: row i with its total,
// or for i = len(Rows) the column totals with the grand total.
func line(r suppress.Result, i int) []suppress.Shown {
	if i < len(r.Rows) {
		return append(slices.Clone(r.Cells[i]), r.RowTotals[i])
	}
	return append(slices.Clone(r.ColTotals), r.Total)
}

func lineHidden(r suppress.Result, i int) bool {
	return slices.ContainsFunc(line(r, i), func(s suppress.Shown) bool { return s.Suppressed })
}

// tableLine returns the counts of line i of t, as line does.
func tableLine(t suppress.Table, i int) []int {
	if i < len(t.Rows) {
		row := slices.Clone(t.Cells[i])
		sum := 0
		for _, v := range row {
			sum += v
		}
		return append(row, sum)
	}
	out := make([]int, len(t.Cols)+1)
	for _, row := range t.Cells {
		for j, v := range row {
			out[j] += v
			out[len(t.Cols)] += v
		}
	}
	return out
}

// forceLine forces every non-zero entry of line i of t (zeros are
// always shown) and reports whether that changed anything.
func forceLine(t *suppress.Table, i int) bool {
	changed := false
	for j, v := range tableLine(*t, i) {
		if v > 0 && !forced(t, i, j) {
			setForce(t, i, j)
			changed = true
		}
	}
	return changed
}

// forceSmallest forces the smallest shown non-zero entry of line i of t
// (its cells before its total, which other tables share), reporting
// false if there is none.
func forceSmallest(t *suppress.Table, r suppress.Result, i int) bool {
	l := line(r, i)
	best := -1
	for j, s := range l[:len(l)-1] {
		if !s.Suppressed && s.Value > 0 && (best < 0 || s.Value < l[best].Value) {
			best = j
		}
	}
	if best < 0 {
		if last := l[len(l)-1]; last.Suppressed || last.Value == 0 {
			return false
		}
		best = len(l) - 1
	}
	setForce(t, i, best)
	return true
}

func forced(t *suppress.Table, i, j int) bool { return t.Force != nil && t.Force[i][j] }

func setForce(t *suppress.Table, i, j int) {
	if t.Force == nil {
		t.Force = make([][]bool, len(t.Rows)+1)
		for k := range t.Force {
			t.Force[k] = make([]bool, len(t.Cols)+1)
		}
	}
	t.Force[i][j] = true
}

// The CSV's first two columns, and the label of its last line.
const (
	csvMonth  = "manad"
	csvPeriod = "period"
	csvTotal  = "totalt"
)

// WriteCSV writes the office's year as CSV (UTF-8, comma-separated, a
// header line, then a line per month and the line totalt), with these
// columns:
//
//	manad      the month, 2026-07; "totalt" on the last line, the year
//	period     "stängd" when the month has ended, "öppen" for the month
//	           under way (its counts can still change); on the totalt
//	           line "öppen" if the year includes an open month
//	then one column per measure of content.OfficeGroups, in its order,
//	named by its Column (the README's table "What is counted", in
//	Statistics without personal data, says what each counts):
//	ansokningar, uppfoljningsforfragningar,
//	ansokningar_1_barn, ansokningar_2_barn, ansokningar_3_eller_fler_barn,
//	barn,
//	fraga_vardnad, fraga_boende, fraga_umgange, fraga_underhall, fraga_annat,
//	domstol_ja, domstol_nej,
//	tidigare_samtal_ja, tidigare_samtal_nej,
//	eget_forsta_samtal_ja, eget_forsta_samtal_nej,
//	tolk_ja, tolk_nej,
//	tolksprak_ar, tolksprak_so, tolksprak_ti, tolksprak_fa, tolksprak_prs,
//	tolksprak_ps, tolksprak_ku, tolksprak_tr, tolksprak_bks, tolksprak_pl,
//	tolksprak_ru, tolksprak_uk, tolksprak_es, tolksprak_en, tolksprak_th,
//	tolksprak_swl, tolksprak_other,
//	skyddad_identitet_ja, skyddad_identitet_nej,
//	kvitterad_0_1_arbetsdagar, kvitterad_2_3_arbetsdagar,
//	kvitterad_4_5_arbetsdagar, kvitterad_6_eller_fler_arbetsdagar,
//	paminnelser, eskaleringar, studsar,
//	besoksrapporter
//
// Each count is a whole number, or the label of a hidden count, "<5"
// for a threshold of 5. The groups' row totals are not columns (the
// HTML summary shows them); they are suppressed as if they were.
func (o *OfficeYear) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := []string{csvMonth, csvPeriod}
	for _, g := range content.OfficeGroups() {
		for _, m := range g.Measures {
			header = append(header, m.Column)
		}
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	period := func(open bool) string {
		if open {
			return Open
		}
		return Closed
	}
	for i, month := range o.Months {
		rec := []string{month, period(o.Open && i == len(o.Months)-1)}
		for _, t := range o.tables {
			for _, s := range t.Cells[i] {
				rec = append(rec, s.String())
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	rec := []string{csvTotal, period(o.Open)}
	for _, t := range o.tables {
		for _, s := range t.ColTotals {
			rec = append(rec, s.String())
		}
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// monthNames are the months in Swedish, as a sentence writes them.
var monthNames = []string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
	"september", "oktober", "november", "december"}

// label returns a measure's text: languages.<code> for a language,
// statistics.measure.<id> otherwise.
func label(strs *content.Strings, id string) (string, error) {
	if code, ok := strings.CutPrefix(id, "language_"); ok {
		return strs.Get(content.SV, "languages."+code)
	}
	return strs.Get(content.SV, "statistics.measure."+id)
}

type htmlRow struct {
	Label string
	Cells []string
	Total string // "" when the group has one measure: its total is the cell
}

type htmlGroup struct {
	ID, Heading, Caption, Note string
	Chart                      template.HTML
	Cols                       []string
	Rows                       []htmlRow
	Totals                     htmlRow
	Wide                       bool // a total column
}

type htmlPage struct {
	Title, Intro, Rule string
	Month, Total       string
	Groups             []htmlGroup
}

// WriteHTML writes the office's year as one page in Swedish, standing
// on its own (it is a file and an e-mail attachment): no script, no
// external file, only an inline style sheet. For each group: a heading,
// a bar chart of the year's totals (chrome.BarChart) and the table of
// months by measures with the totals. The texts are from strs
// (statistics.*, languages.*), the sentences around them from this
// package.
func (o *OfficeYear) WriteHTML(w io.Writer, strs *content.Strings) error {
	get := func(key string) (string, error) { return strs.Get(content.SV, key) }
	var p htmlPage
	var err error
	if p.Month, err = get("statistics.month"); err != nil {
		return err
	}
	if p.Total, err = get("statistics.total"); err != nil {
		return err
	}
	p.Title = fmt.Sprintf("Statistik %d: %s", o.Year, o.Name)
	last := monthNames[len(o.Months)-1]
	span := "januari–" + last
	if len(o.Months) == 1 {
		span = "januari"
	}
	p.Intro = fmt.Sprintf("Antal per månad som e-tjänsten har räknat, utan personuppgifter: %s %d.", span, o.Year)
	if o.Open {
		p.Intro += fmt.Sprintf(" %s är en öppen period som pågår, så siffrorna för %s och för hela året kan ändras.", capitalize(last), last)
	} else {
		p.Intro += " Alla månader är avslutade."
	}
	p.Rule = ruleSentence(o.Threshold)
	headings := map[string]string{}
	for _, g := range content.OfficeGroups() {
		if headings[g.ID], err = get("statistics.group." + g.ID); err != nil {
			return err
		}
	}
	for k, g := range content.OfficeGroups() {
		t := o.tables[k]
		hg := htmlGroup{ID: "g-" + g.ID, Heading: headings[g.ID], Wide: len(g.Measures) > 1,
			Caption: fmt.Sprintf("%s, per månad %d", headings[g.ID], o.Year)}
		if g.HiddenWith != "" {
			hg.Note = fmt.Sprintf("Antalet visas inte för en månad där tabellen ”%s” har ett dolt antal, eftersom det annars skulle gå att räkna fram.", headings[g.HiddenWith])
		}
		var bars []chrome.Bar
		for j, m := range g.Measures {
			l, err := label(strs, m.ID)
			if err != nil {
				return err
			}
			hg.Cols = append(hg.Cols, l)
			bars = append(bars, bar(l, t.ColTotals[j]))
		}
		hg.Chart = chrome.BarChart("chart-"+g.ID, fmt.Sprintf("%s: totalt %d", headings[g.ID], o.Year), bars)
		row := func(label string, cells []suppress.Shown, total suppress.Shown) htmlRow {
			r := htmlRow{Label: label}
			for _, s := range cells {
				r.Cells = append(r.Cells, s.String())
			}
			if hg.Wide {
				r.Total = total.String()
			}
			return r
		}
		for i := range o.Months {
			l := monthNames[i]
			if o.Open && i == len(o.Months)-1 {
				l += " (" + Open + ")"
			}
			hg.Rows = append(hg.Rows, row(l, t.Cells[i], t.RowTotals[i]))
		}
		hg.Totals = row(p.Total, t.ColTotals, t.Total)
		p.Groups = append(p.Groups, hg)
	}
	return page.Execute(w, p)
}

// bar is a chart's bar for a published entry: no value when hidden.
func bar(label string, s suppress.Shown) chrome.Bar {
	if s.Suppressed {
		return chrome.Bar{Label: label, Hidden: true, Text: s.String()}
	}
	return chrome.Bar{Label: label, Value: s.Value, Text: s.String()}
}

// ruleSentence says the threshold rule, and what the label means, in
// one plain sentence.
func ruleSentence(threshold int) string {
	small := fmt.Sprintf("Antal från 1 till %d", threshold-1)
	if threshold == 2 {
		small = "Antalet 1"
	}
	l := suppress.Label(threshold)
	return fmt.Sprintf("%s visas som ”%s” och noll som 0; några större antal visas också som ”%s”, där ett litet antal annars skulle gå att räkna fram ur summorna.", small, l, l)
}

func capitalize(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; line-height: 1.5; color: #0b0c0c; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.25rem; line-height: 1.3; margin: 2.5rem 0 0.5rem; }
.chart { display: block; max-width: 30rem; height: auto; margin: 0.5rem 0; }
.table { overflow-x: auto; }
.table:focus-visible { outline: 3px solid #ffdd00; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; max-inline-size: calc(100vw - 2rem); position: sticky; inset-inline-start: 0; }
th, td { padding: 0.25rem 0.5rem; border-bottom: 1px solid #b1b4b6; vertical-align: bottom; }
thead th { text-align: right; font-weight: bold; }
thead th:first-child, tbody th, tfoot th { text-align: left; }
tbody th { font-weight: normal; }
td { text-align: right; white-space: nowrap; }
tfoot th, tfoot td { font-weight: bold; border-top: 2px solid #0b0c0c; }
@media print { h2 { break-after: avoid; } section { break-inside: avoid; } .table { overflow: visible; } }
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>{{.Intro}}</p>
<p>{{.Rule}}</p>
{{- range .Groups}}
<section aria-labelledby="{{.ID}}">
<h2 id="{{.ID}}">{{.Heading}}</h2>
{{- if .Note}}
<p>{{.Note}}</p>
{{- end}}
{{.Chart}}
<div class="table" role="region" aria-labelledby="{{.ID}}-caption" tabindex="0">
<table>
<caption id="{{.ID}}-caption">{{.Caption}}</caption>
<thead>
<tr><th scope="col">{{$.Month}}</th>{{range .Cols}}<th scope="col">{{.}}</th>{{end}}{{if .Wide}}<th scope="col">{{$.Total}}</th>{{end}}</tr>
</thead>
<tbody>
{{- range .Rows}}
<tr><th scope="row">{{.Label}}</th>{{range .Cells}}<td>{{.}}</td>{{end}}{{if .Total}}<td>{{.Total}}</td>{{end}}</tr>
{{- end}}
</tbody>
<tfoot>
<tr><th scope="row">{{.Totals.Label}}</th>{{range .Totals.Cells}}<td>{{.}}</td>{{end}}{{if .Totals.Total}}<td>{{.Totals.Total}}</td>{{end}}</tr>
</tfoot>
</table>
</div>
</section>
{{- end}}
</main>
</body>
</html>
`))

// NationalYear is the public export of one closed year: every group as
// a table of offices by measures, summed over the year, suppressed, with
// the national totals. Its fields and yaml keys are those of
// content.Statistics, which reads it back; a hidden entry holds no
// value (content.StatCell writes it as the label).
type NationalYear struct {
	Year      int           `yaml:"year"`
	Threshold int           `yaml:"threshold"`
	Groups    []ExportTable `yaml:"groups"`

	tables []suppress.Result // the true values, for the tests: one per group of Groups
}

// ExportTable is one group's table, as content.StatTable.
type ExportTable struct {
	Group  string             `yaml:"group"`
	Rows   []ExportRow        `yaml:"rows"`
	Totals []content.StatCell `yaml:"totals"` // the national total of each measure
	Total  content.StatCell   `yaml:"total"`  // the national total of the row totals
}

// ExportRow is one office's row, as content.StatRow.
type ExportRow struct {
	Office string             `yaml:"office"`
	Name   content.Text       `yaml:"name"` // as it was when written, for a year after the office has left
	Cells  []content.StatCell `yaml:"cells"`
	Total  content.StatCell   `yaml:"total"`
}

// Export returns the national export of year: for each group a row per
// office of offices (in the order given, every one even without counts,
// with its id and name), summed over the year, suppressed under threshold (2 to 100)
// with the offices' totals and the national ones. Only a closed year is
// exported: one that has not ended in Sweden at now is refused, so that
// two exports of one year can never be subtracted to reveal a single
// application.
//
// A group counted only from a later year (content.StatGroup.Since) has
// no table. A national group (content.StatGroup.National) has no office
// rows: its totals are the national row of the year (stats.National),
// hidden when small, and hidden altogether while fewer than
// content.NationalMinOffices different inboxes of offices receive what
// it counts.
//
// Rows of other years are left out. A row of the year for an office not
// in offices is an error, as are the rows [Office] refuses.
func Export(rows []stats.Row, offices []*content.Office, year, threshold int, now time.Time) (*NationalYear, error) {
	if err := checkThreshold(threshold); err != nil {
		return nil, err
	}
	if local := now.In(intake.Stockholm); year >= local.Year() {
		return nil, fmt.Errorf("report: %d has not ended (it is %s in Sweden): only closed years are exported, so that two exports can never be subtracted", year, local.Format("2006-01-02"))
	}
	at := map[string]int{}
	ids := make([]string, len(offices))
	counts := make([]stats.Counts, len(offices))
	for i, o := range offices {
		if _, dup := at[o.ID]; dup {
			return nil, fmt.Errorf("report: office %s is listed twice", o.ID)
		}
		at[o.ID] = i
		ids[i] = o.ID
		counts[i] = stats.Counts{}
	}
	prefix := strconv.Itoa(year) + "-"
	national := stats.Counts{}
	for _, r := range rows {
		if err := checkRow(r); err != nil {
			return nil, err
		}
		if r.Office == stats.National {
			if r.Month == strconv.Itoa(year) {
				national.Add(r.Counts)
			}
			continue
		}
		if !strings.HasPrefix(r.Month, prefix) {
			continue
		}
		i, ok := at[r.Office]
		if !ok {
			return nil, fmt.Errorf("report: %d has counts for office %s, which is not among the offices exported: add it, or the national totals would leave them out", year, r.Office)
		}
		counts[i].Add(r.Counts)
	}
	// Every office knows its own counts: none may work out another's
	// from the national totals.
	tables, err := suppressGroups(ids, counts, threshold, suppress.RowOwner)
	if err != nil {
		return nil, fmt.Errorf("report: export %d: %w", year, err)
	}
	n := &NationalYear{Year: year, Threshold: threshold}
	cell := func(s suppress.Shown) content.StatCell {
		if s.Suppressed {
			return content.StatCell{Hidden: true, Threshold: threshold}
		}
		return content.StatCell{Value: s.Value, Threshold: threshold}
	}
	cells := func(ss []suppress.Shown) []content.StatCell {
		out := make([]content.StatCell, len(ss))
		for j, s := range ss {
			out[j] = cell(s)
		}
		return out
	}
	k := 0 // the office groups' tables, in order
	for _, g := range content.StatGroups {
		if g.National {
			if g.CountedIn(year) {
				t := nationalTable(g, national, receivers(offices, g.Unit), threshold)
				n.tables = append(n.tables, t)
				n.Groups = append(n.Groups, ExportTable{Group: g.ID, Rows: []ExportRow{}, Totals: cells(t.ColTotals), Total: cell(t.Total)})
			}
			continue
		}
		t := tables[k]
		k++
		if !g.CountedIn(year) {
			continue // no table for a year before the group was counted
		}
		n.tables = append(n.tables, t)
		et := ExportTable{Group: g.ID, Rows: []ExportRow{}, Totals: cells(t.ColTotals), Total: cell(t.Total)}
		for i, o := range offices {
			et.Rows = append(et.Rows, ExportRow{Office: o.ID, Name: o.Name, Cells: cells(t.Cells[i]), Total: cell(t.RowTotals[i])})
		}
		n.Groups = append(n.Groups, et)
	}
	return n, nil
}

// receivers is how many different inboxes of the offices receive what
// the unit gets: a regional unit that several offices share is one.
// They are the offices of the content as it is now, not as it was
// during the year.
func receivers(offices []*content.Office, k content.UnitKind) int {
	inboxes := map[string]bool{}
	for _, o := range offices {
		if u := o.Unit(k); u != nil {
			inboxes[u.Inbox] = true
		}
	}
	return len(inboxes)
}

// nationalTable is a national group's table: no rows, the year's total
// of each measure, hidden if it is small, and hidden altogether unless
// content.NationalMinOffices receive it. With fewer, an office that
// knows its own count would know the only other one's, and with one,
// the public would see that office's year.
func nationalTable(g content.StatGroup, national stats.Counts, receivers, threshold int) suppress.Result {
	r := suppress.Result{Cols: make([]string, len(g.Measures)), ColTotals: make([]suppress.Shown, len(g.Measures))}
	hide := func(v int) bool { return v > 0 && v < threshold || receivers < content.NationalMinOffices }
	sum := 0
	for j, m := range g.Measures {
		v := int(national[m.ID])
		r.Cols[j] = m.ID
		r.ColTotals[j] = suppress.Shown{Value: v, Suppressed: hide(v)}
		sum += v
	}
	// One measure (content's test holds every national group to it):
	// the total is that count, hidden with it.
	r.Total = suppress.Shown{Value: sum, Suppressed: hide(sum) || slices.ContainsFunc(r.ColTotals, func(s suppress.Shown) bool { return s.Suppressed })}
	return r
}

// WriteExport writes the export as content/statistics/<year>.yaml holds
// it: a comment saying where it comes from, then the YAML, each list of
// counts and each name on one line.
func (n *NationalYear) WriteExport(w io.Writer) error {
	var doc yaml.Node
	if err := doc.Encode(n); err != nil {
		return err
	}
	flowCounts(&doc)
	header := fmt.Sprintf("# Written by make stats from the statistics counters: do not edit; run\n"+
		"# `make stats ARGS=\"-export %d\"` again instead. The counts of %d, summed per\n"+
		"# office; %q stands for a count hidden so that no family can be singled out\n"+
		"# (functions/stats/suppress).\n", n.Year, n.Year, suppress.Label(n.Threshold))
	if _, err := io.WriteString(w, header); err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

// flowCounts writes every list or map of scalars (the counts, a name)
// on one line.
func flowCounts(n *yaml.Node) {
	if (n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode) && len(n.Content) > 0 &&
		!slices.ContainsFunc(n.Content, func(c *yaml.Node) bool { return c.Kind != yaml.ScalarNode }) {
		n.Style = yaml.FlowStyle
	}
	for _, c := range n.Content {
		flowCounts(c)
	}
}
