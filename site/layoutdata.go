package site

import (
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
	for _, m := range s.data.Directory.MunicipalitiesOf(p.office) {
		names = append(names, m.Name)
	}
	and := " och "
	if p.lang == content.EN {
		and = " and "
	}
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
			apply = f.Path(p.lang)
		case f.OfferedBy(p.office):
			others = append(others, chrome.Link{Text: f.Title(s.data.Strings, p.lang), Href: f.Path(p.lang)})
		}
	}
	return struct {
		Serves, ApplyPath string
		OtherForms        []chrome.Link
	}{serves, apply, others}
}

func uncrcData(p *page) any {
	var items []chrome.Link
	for _, c := range p.children {
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
	a := p.article
	v := articleView{Summary: a.Paragraphs(p.lang), English: a.English, Swedish: a.Swedish, SwedishPartial: a.SwedishPartial, SwedishLaw: a.N <= 42}
	var prev, next *chrome.Link
	if p.parent != nil {
		sibs := p.parent.children
		for i, sib := range sibs {
			if sib != p {
				continue
			}
			if i > 0 && sibs[i-1].kind == kindArticle {
				prev = &chrome.Link{Text: s.data.Strings.MustGet(p.lang, "uncrc.article_short", "n", strconv.Itoa(sibs[i-1].article.N)), Href: sibs[i-1].path}
			}
			if i+1 < len(sibs) && sibs[i+1].kind == kindArticle {
				next = &chrome.Link{Text: s.data.Strings.MustGet(p.lang, "uncrc.article_short", "n", strconv.Itoa(sibs[i+1].article.N)), Href: sibs[i+1].path}
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
