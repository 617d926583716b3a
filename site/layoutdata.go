package site

import (
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome"
)

// Layout data for the generated parts of pages.

// municipalityRow is one of Sweden's municipalities in the office
// finder, with its office when one here serves it.
type municipalityRow struct{ Municipality, County, Office, Href string }

// officesData lists every municipality, so that every parent finds their
// own: with its office, or as one that takes no applications here yet.
func (s *state) officesData(p *page) any {
	rows := make([]municipalityRow, 0, len(s.data.Directory.Municipalities))
	served := 0
	for _, m := range s.data.Directory.Municipalities {
		row := municipalityRow{Municipality: m.Name, County: m.County}
		if o, ok := s.data.Directory.OfficeFor(m.Code); ok {
			row.Office, row.Href = o.Name.In(p.lang), s.data.Settings.OfficePath(p.lang, o.ID)
			served++
		}
		rows = append(rows, row)
	}
	return struct {
		Municipalities []municipalityRow
		Served, All    int
	}{rows, served, len(rows)}
}

func (s *state) officeData(p *page) any {
	var names []string
	for _, m := range s.data.Directory.MunicipalitiesOf(p.x.office) {
		names = append(names, m.Name)
	}
	and := " " + s.data.Strings.MustGet(p.lang, "office.and") + " "
	serves := strings.Join(names, ", ")
	if len(names) > 1 {
		serves = strings.Join(names[:len(names)-1], ", ") + and + names[len(names)-1]
	}
	// The first form is the application, with its own button; the office
	// page links to the others the office takes.
	apply := ""
	var others []chrome.Link
	for i, f := range s.opts.Forms {
		switch {
		case i == 0:
			apply = f.Path(s.data.Strings, p.lang)
		case f.OfferedBy(p.x.office):
			others = append(others, chrome.Link{Text: f.Title(s.data.Strings, p.lang), Href: f.Path(s.data.Strings, p.lang)})
		}
	}
	return struct {
		Serves, ApplyPath string
		OtherForms        []chrome.Link
	}{serves, apply, others}
}

func uncrcData(p *page) any {
	var items []chrome.Link
	for _, c := range p.children() {
		if c.kind == kindArticle {
			items = append(items, chrome.Link{Text: c.title, Href: c.path})
		}
	}
	return struct{ Articles []chrome.Link }{items}
}

type articleView struct {
	Summary        []string
	English        []string
	Swedish        []string
	SwedishPartial bool
	// SwedishLaw: articles 1–42 are Swedish law (SFS 2018:1197); 43–54,
	// on the committee and the treaty itself, are only in its annex.
	SwedishLaw bool
}

func (s *state) articleData(p *page) any {
	a := p.x.article
	v := articleView{Summary: a.Paragraphs(p.lang), English: a.English, Swedish: a.Swedish, SwedishPartial: a.SwedishPartial, SwedishLaw: a.N <= 42}
	var prev, next *chrome.Link
	if p.parent != nil {
		sibs := p.parent.children()
		for i, sib := range sibs {
			if sib != p {
				continue
			}
			if i > 0 && sibs[i-1].kind == kindArticle {
				prev = &chrome.Link{Text: s.data.Strings.MustGet(p.lang, "uncrc.article_short", "n", strconv.Itoa(sibs[i-1].x.article.N)), Href: sibs[i-1].path}
			}
			if i+1 < len(sibs) && sibs[i+1].kind == kindArticle {
				next = &chrome.Link{Text: s.data.Strings.MustGet(p.lang, "uncrc.article_short", "n", strconv.Itoa(sibs[i+1].x.article.N)), Href: sibs[i+1].path}
			}
		}
	}
	return struct {
		Article    articleView
		Sources    content.ConventionSources
		Prev, Next *chrome.Link
	}{v, s.conv.Sources, prev, next}
}

// privacyData is what the privacy page shows below its text: who is
// responsible for the portal's own processing, from site.yaml, and a
// link to each office's part of the notice on its page, where the
// office's controller, data protection officer and retention are.
func (s *state) privacyData(p *page) any {
	offices := make([]chrome.Link, 0, len(s.data.Directory.Offices))
	for _, o := range s.data.Directory.Offices {
		offices = append(offices, chrome.Link{Text: o.Name.In(p.lang), Href: s.data.Settings.OfficePath(p.lang, o.ID) + "#privacy"})
	}
	return struct {
		Portal  content.PortalPrivacy
		Offices []chrome.Link
	}{s.data.Settings.Privacy, offices}
}

// statCell is one entry of a statistics table as published: the number,
// or a hidden entry's label ("<5") with what the label means.
type statCell struct {
	Text  string
	Title string // for a hidden entry only
}

// statRow is an office's row, or the national one: its cells, then its
// total when the table has a column of totals.
type statRow struct {
	Name  string
	Cells []statCell
}

// statTable is one group of the catalogue in one year.
type statTable struct {
	ID, Title, Caption string
	Note               string        // for a group counted for all of Sweden only: why it has no rows
	Chart              template.HTML // none for a group of one measure: one bar says nothing the table does not
	Measures           []string
	Total              bool // a column of row totals: only for a group of more than one measure
	Rows               []statRow
	National           statRow
}

type statYear struct {
	ID, Heading, Note string
	Tables            []statTable
}

// statTexts gets texts in one language and keeps the first error, so
// that the many texts a statistics page needs read as one list.
type statTexts struct {
	strs *content.Strings
	lang content.Lang
	err  error
}

func (t *statTexts) get(key string, args ...any) string {
	s, err := t.strs.Get(t.lang, key, args...)
	if err != nil && t.err == nil {
		t.err = err
	}
	return s
}

// measureText is the key of a measure's label: the language's name for
// the interpreter languages (languages.<code>), otherwise
// statistics.measure.<id>.
func measureText(g content.StatGroup, m content.Measure) string {
	if code, ok := strings.CutPrefix(m.ID, "language_"); ok && g.ID == "interpreter_languages" {
		return "languages." + code
	}
	return "statistics.measure." + m.ID
}

// statisticsCodeTexts are the texts statisticsData asks for by name;
// TestStatisticsCodeTexts keeps the list complete.
var statisticsCodeTexts = []string{
	"statistics.caption", "statistics.chart", "statistics.hidden_note", "statistics.hidden_title",
	"statistics.national", "statistics.national_only", "statistics.year",
}

// statisticsTexts are the texts the statistics page's data asks for, by
// name or by keys made from the catalogue, which its template does not
// name: the build checks them before it renders a page with the layout.
func statisticsTexts() []string {
	keys := slices.Clone(statisticsCodeTexts)
	for _, g := range content.StatGroups {
		keys = append(keys, "statistics.group."+g.ID)
		for _, m := range g.Measures {
			keys = append(keys, measureText(g, m))
		}
	}
	return keys
}

// statisticsData is what the statistics page shows below its text: each
// published year, newest first, and in it each group of the catalogue,
// in its order, as a chart of the national totals and a table of the
// offices with the national row. Every entry is printed as the export
// has it: a hidden one as its label, since the export holds no number
// for it. Without any export, there are no years, and the page says so.
func (s *state) statisticsData(p *page) (any, error) {
	t := &statTexts{strs: s.data.Strings, lang: p.lang}
	years := make([]statYear, 0, len(s.data.Statistics))
	for _, st := range s.data.Statistics {
		year := strconv.Itoa(st.Year)
		label := content.Label(st.Threshold)
		hidden := t.get("statistics.hidden_title", "threshold", st.Threshold)
		cell := func(c content.Count) statCell {
			if c.Hidden {
				return statCell{Text: c.Text(st.Threshold), Title: hidden}
			}
			return statCell{Text: c.Text(st.Threshold)}
		}
		y := statYear{
			ID:      "stat-" + year,
			Heading: t.get("statistics.year", "year", year),
			Note:    t.get("statistics.hidden_note", "label", label, "threshold", st.Threshold),
		}
		for _, g := range content.StatGroups {
			tab, ok := st.Table(g.ID)
			if !ok && !g.CountedIn(st.Year) {
				continue // counted only from a later year
			}
			if !ok {
				return nil, fmt.Errorf("%s: group %q is missing", st.File, g.ID)
			}
			title := t.get("statistics.group." + g.ID)
			v := statTable{
				ID:      y.ID + "-" + g.ID,
				Title:   title,
				Caption: t.get("statistics.caption", "group", title, "year", year),
				Total:   len(g.Measures) > 1,
			}
			if g.National {
				v.Caption = t.get("statistics.chart", "group", title, "year", year)
				v.Note = t.get("statistics.national_only", "offices", content.NationalMinOffices)
			}
			var bars []chrome.Bar
			for i, m := range g.Measures {
				name := t.get(measureText(g, m))
				v.Measures = append(v.Measures, name)
				if i < len(tab.Totals) {
					c := tab.Totals[i]
					bars = append(bars, chrome.Bar{Label: name, Value: c.Value, Hidden: c.Hidden, Text: c.Text(st.Threshold)})
				}
			}
			if v.Total {
				v.Chart = chrome.BarChart(v.ID+"-chart", t.get("statistics.chart", "group", title, "year", year), bars)
			}
			row := func(name string, cells []content.Count, total content.Count) statRow {
				r := statRow{Name: name}
				for _, c := range cells {
					r.Cells = append(r.Cells, cell(c))
				}
				if v.Total {
					r.Cells = append(r.Cells, cell(total))
				}
				return r
			}
			for _, r := range tab.Rows {
				// Today's name; for an office that has left, the name
				// the export recorded.
				name := r.Name.In(p.lang)
				if o, ok := s.data.Directory.Office(r.Office); ok {
					name = o.Name.In(p.lang)
				}
				if name == "" {
					name = r.Office
				}
				v.Rows = append(v.Rows, row(name, r.Cells, r.Total))
			}
			v.National = row(t.get("statistics.national"), tab.Totals, tab.Total)
			y.Tables = append(y.Tables, v)
		}
		years = append(years, y)
	}
	if t.err != nil {
		return nil, t.err
	}
	return struct{ Years []statYear }{years}, nil
}
