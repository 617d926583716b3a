package site

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome"
)

type pageKind int

const (
	kindMarkdown pageKind = iota
	kindOffice
	kindArticle
	kindForm
	kindNotFound
)

// page is one page of the site, written by an editor or generated.
type page struct {
	kind        pageKind
	src         *content.Page // Markdown pages only
	lang        content.Lang
	path        string
	title       string
	description string
	layout      string
	order       int
	inNav       bool
	exit        bool
	translation *page
	parent      *page
	children    []*page
	office      *content.Office
	article     *content.Article
	form        Form

	// What the last render found.
	ids   idSet
	links []link
	probs content.Problems
}

// name says where a page comes from, for messages.
func (p *page) name() string {
	switch {
	case p.src != nil:
		return p.src.File
	case p.office != nil:
		return p.office.File
	case p.article != nil:
		return content.ArticlesFile
	}
	return p.path
}

// setSource sets all that a Markdown page takes from its file's front
// matter, in one place, so that a page rebuilt from an edited file keeps
// nothing of the old one.
func (p *page) setSource(cp *content.Page) {
	p.src, p.lang, p.path = cp, cp.Lang, cp.Path
	p.title, p.description, p.layout = cp.Title, cp.Description, cp.LayoutName()
	p.order, p.inNav, p.exit = cp.Order, cp.InNav(), cp.Exit
}

// notFoundPath is where the 404 page is published; CloudFront and the
// dev server answer unknown addresses with it.
const notFoundPath = "/404.html"

// layout lays out the whole site: the pages, their translations, the
// tree they form, and the navigation.
func (s *state) layout() {
	s.byPath = make(map[string]*page)
	s.byFile = make(map[string]*page)
	s.drafts = make(map[string]string)
	s.files = make(map[string]bool)

	for _, cp := range s.data.Pages {
		if cp.Draft && !s.opts.Drafts {
			s.drafts[cp.Path] = cp.File
			continue
		}
		p := &page{kind: kindMarkdown}
		p.setSource(cp)
		s.add(p)
	}
	s.pairTranslations()
	s.addOfficePages()
	s.addArticlePages()
	s.addFormPages()
	s.add(&page{kind: kindNotFound, lang: content.SV, path: notFoundPath, layout: "notfound",
		title: s.data.Strings.MustGet(content.SV, "notfound.title"), description: s.data.Strings.MustGet(content.SV, "notfound.description")})
	s.checkSettingsLinks()
	s.checkReadability()
	s.buildTree()
}

// add places a page at its address; two pages may not share one.
func (s *state) add(p *page) {
	if other, ok := s.byPath[p.path]; ok {
		s.siteErr = append(s.siteErr, content.Problem{File: p.name(), Line: lineOf(p), Msg: fmt.Sprintf(
			"the address %s is taken by %s too: rename or move one of them", p.path, other.name())})
		return
	}
	s.pages = append(s.pages, p)
	s.byPath[p.path] = p
	if p.src != nil {
		s.byFile[p.src.File] = p
	}
}

func lineOf(p *page) int {
	if p.src != nil {
		return 1
	}
	return 0
}

// pairTranslations links each Markdown page to its other-language version:
// the file named by translation:, or else the file at the same path.
func (s *state) pairTranslations() {
	byRel := map[content.Lang]map[string]*page{content.SV: {}, content.EN: {}}
	for _, p := range s.pages {
		if p.src != nil {
			byRel[p.lang][p.src.Rel] = p
		}
	}
	claim := func(p, q *page) {
		switch {
		case p.translation == nil && q.translation == nil:
			p.translation, q.translation = q, p
		case p.translation == q:
		default:
			other := p.translation
			if other == nil || other == q {
				other = q.translation
			}
			s.siteErr = append(s.siteErr, content.Problem{File: p.src.File, Line: p.src.Line("translation"), Msg: fmt.Sprintf(
				"%s and %s both claim to be the translation of one page: check their translation: keys", q.src.File, other.src.File)})
		}
	}
	for _, p := range s.pages {
		if p.src == nil || p.src.Translation == "" {
			continue
		}
		other := p.lang.Other()
		q, ok := byRel[other][p.src.Translation]
		if !ok {
			msg := fmt.Sprintf("translation: %s/%s does not exist", other, p.src.Translation)
			if file, draft := s.draftFile(other, p.src.Translation); draft {
				msg = fmt.Sprintf("translation: %s is a draft", file)
			}
			s.siteErr = append(s.siteErr, content.Problem{File: p.src.File, Line: p.src.Line("translation"), Msg: msg})
			continue
		}
		if q.src.Translation != "" && q.src.Translation != p.src.Rel {
			s.siteErr = append(s.siteErr, content.Problem{File: p.src.File, Line: p.src.Line("translation"), Msg: fmt.Sprintf(
				"translation: %s points here, but its own translation: points to %s/%s", q.src.File, p.lang, q.src.Translation)})
			continue
		}
		claim(p, q)
	}
	for _, p := range s.pages {
		if p.src == nil || p.translation != nil || p.src.Translation != "" {
			continue
		}
		if q, ok := byRel[p.lang.Other()][p.src.Rel]; ok && q.translation == nil && q.src.Translation == "" {
			p.translation, q.translation = q, p
		}
	}
	for _, p := range s.pages {
		if p.src != nil && p.translation == nil && p.src.Translation == "" {
			other := p.lang.Other()
			msg := fmt.Sprintf("this page has no %s version: add %s/%s, or name it with translation:", langName(other), other, p.src.Rel)
			if file, draft := s.draftFile(other, p.src.Rel); draft {
				msg = fmt.Sprintf("this page's translation %s is a draft: publish both or neither", file)
			}
			s.siteErr = append(s.siteErr, content.Problem{File: p.src.File, Line: 1, Msg: msg})
		}
	}
}

func (s *state) draftFile(lang content.Lang, rel string) (string, bool) {
	for _, cp := range s.data.Pages {
		if cp.Draft && cp.Lang == lang && cp.Rel == rel {
			return cp.File, true
		}
	}
	return "", false
}

func langName(l content.Lang) string {
	if l == content.EN {
		return "English"
	}
	return "Swedish"
}

// layoutPage finds the page in lang with the given layout; more than one
// is a problem, since generated pages would have two homes.
func (s *state) layoutPage(lang content.Lang, layout string) *page {
	var found *page
	for _, p := range s.pages {
		if p.src == nil || p.lang != lang || p.layout != layout {
			continue
		}
		if found != nil {
			s.siteErr = append(s.siteErr, content.Problem{File: p.src.File, Line: p.src.Line("layout"), Msg: fmt.Sprintf(
				"only one page per language may have layout: %s; %s has it too", layout, found.src.File)})
			continue
		}
		found = p
	}
	return found
}

// officesPage finds the page in lang that the offices' pages go below:
// the one site.yaml's links.offices names, which must have layout:
// offices. The intake function links to an office's page through the
// same setting (content.Settings.OfficePath), so a layout: offices
// anywhere else would put the pages where its links do not go.
func (s *state) officesPage(lang content.Lang) *page {
	want := s.data.Settings.Links.Offices.In(lang)
	var found *page
	for _, p := range s.pages {
		switch {
		case p.src == nil || p.lang != lang:
		case p.path == want && p.layout != "offices":
			s.siteErr = append(s.siteErr, content.Problem{File: p.src.File, Line: p.src.Line("layout"), Msg: fmt.Sprintf(
				"%s's links.offices names this page, so it needs layout: offices: the offices' pages go below it, where the application links to them",
				content.SettingsFile)})
		case p.path == want:
			found = p
		case p.layout == "offices":
			s.siteErr = append(s.siteErr, content.Problem{File: p.src.File, Line: p.src.Line("layout"), Msg: fmt.Sprintf(
				"layout: offices belongs on %s, the page %s's links.offices names: remove it here, or change links.offices",
				want, content.SettingsFile)})
		}
	}
	return found
}

func (s *state) addOfficePages() {
	parents := map[content.Lang]*page{}
	for _, lang := range content.Langs {
		parents[lang] = s.officesPage(lang)
	}
	for _, o := range s.data.Directory.Offices {
		var pair [2]*page
		for i, lang := range content.Langs {
			if parents[lang] == nil {
				continue
			}
			pair[i] = &page{
				kind: kindOffice, lang: lang, path: s.data.Settings.OfficePath(lang, o.ID), layout: "office",
				title: o.Name.In(lang), office: o, inNav: true,
				description: s.data.Strings.MustGet(lang, "office.description", "name", o.Name.In(lang)),
			}
			s.add(pair[i])
		}
		if pair[0] != nil && pair[1] != nil {
			pair[0].translation, pair[1].translation = pair[1], pair[0]
		}
	}
}

func (s *state) addArticlePages() {
	parents := map[content.Lang]*page{}
	for _, lang := range content.Langs {
		parents[lang] = s.layoutPage(lang, "uncrc")
	}
	for _, a := range s.conv.Articles {
		var pair [2]*page
		for i, lang := range content.Langs {
			parent := parents[lang]
			if parent == nil {
				continue
			}
			n := strconv.Itoa(a.N)
			pair[i] = &page{
				kind: kindArticle, lang: lang, layout: "article", article: a, inNav: true, order: a.N,
				path:        parent.path + s.data.Strings.MustGet(lang, "uncrc.slug") + "-" + n + "/",
				title:       s.data.Strings.MustGet(lang, "uncrc.article_title", "n", n, "title", a.Title.In(lang)),
				description: s.data.Strings.MustGet(lang, "uncrc.description", "n", n),
			}
			s.add(pair[i])
		}
		if pair[0] != nil && pair[1] != nil {
			pair[0].translation, pair[1].translation = pair[1], pair[0]
		}
	}
}

func (s *state) addFormPages() {
	for _, f := range s.opts.Forms {
		var pair [2]*page
		for i, lang := range content.Langs {
			layout, cp, err := f.Page(s.data, lang)
			if err != nil {
				s.siteErr = append(s.siteErr, content.Problem{File: f.Path(lang), Msg: err.Error()})
				continue
			}
			pair[i] = &page{kind: kindForm, lang: lang, path: f.Path(lang), layout: layout, form: f,
				title: cp.Title, description: cp.Description, exit: cp.Exit, inNav: false}
			s.add(pair[i])
		}
		if pair[0] != nil && pair[1] != nil {
			pair[0].translation, pair[1].translation = pair[1], pair[0]
		}
	}
}

// checkSettingsLinks makes sure every page the chrome links to exists.
func (s *state) checkSettingsLinks() {
	for key, pair := range s.data.Settings.Links.All() {
		for _, lang := range content.Langs {
			if _, ok := s.byPath[pair.In(lang)]; !ok {
				s.siteErr = append(s.siteErr, content.Problem{File: content.SettingsFile, Msg: fmt.Sprintf(
					"%s.%s: no page has the address %s", key, lang, pair.In(lang))})
			}
		}
	}
}

// checkReadability measures the Swedish texts that come from data files:
// the summaries of the convention's articles and the offices' texts.
// Markdown pages are measured when they are rendered.
func (s *state) checkReadability() {
	for _, a := range s.conv.Articles {
		var c lixCounter
		for _, p := range a.Paragraphs(content.SV) {
			c.Text(p, a.SummaryLine[content.SV])
			c.EndBlock()
		}
		if lix := c.LIX(); lix > MaxLIX {
			s.siteErr = append(s.siteErr, content.Problem{File: content.ArticlesFile, Line: a.SummaryLine[content.SV], Msg: fmt.Sprintf(
				"article %d: the Swedish summary has LIX %.0f, over %d: use shorter sentences and shorter words", a.N, lix, MaxLIX)})
		}
	}
	for _, o := range s.data.Directory.Offices {
		var c lixCounter
		texts := append(append([]content.Text(nil), o.Promises...), o.Notes...)
		for _, t := range texts {
			c.Text(t.SV, 0)
			c.EndBlock()
		}
		for _, p := range o.Partners {
			if p.About != nil {
				c.Text(p.About.SV, 0)
				c.EndBlock()
			}
		}
		if lix := c.LIX(); lix > MaxLIX {
			s.siteErr = append(s.siteErr, content.Problem{File: o.File, Msg: fmt.Sprintf(
				"the Swedish texts have LIX %.0f, over %d: use shorter sentences and shorter words", lix, MaxLIX)})
		}
	}
}

// buildTree gives each page its parent (the page at the nearest address
// above it) and children, and prerenders the navigation.
func (s *state) buildTree() {
	for _, p := range s.pages {
		p.parent, p.children = nil, nil
	}
	for _, p := range s.pages {
		if p.kind == kindNotFound {
			continue
		}
		for up := parentPath(p.path); up != ""; up = parentPath(up) {
			if q, ok := s.byPath[up]; ok {
				p.parent = q
				q.children = append(q.children, p)
				break
			}
		}
	}
	s.navs = make(map[*page]*chrome.NavList)
	s.footer = make(map[content.Lang]template.HTML)
	for _, p := range s.pages {
		if len(p.children) == 0 {
			continue
		}
		sortPages(p.children, p.lang)
		var items []chrome.Link
		for _, c := range p.children {
			if c.inNav {
				items = append(items, chrome.Link{Text: c.title, Href: c.path})
			}
		}
		heading := chrome.Link{Text: p.title, Href: p.path}
		if p.parent == nil {
			heading.Text = s.data.Strings.MustGet(p.lang, "breadcrumbs.home")
		}
		s.navs[p] = s.chrome.NewNavList(p.lang, heading, items)
		if p.parent == nil {
			s.footer[p.lang] = footerNav(s.data.Strings, p.lang, items)
		}
	}
}

// parentPath returns the address above path: /sv/a/b/ → /sv/a/; the
// language root has none.
func parentPath(path string) string {
	trimmed := strings.TrimSuffix(path, "/")
	i := strings.LastIndex(trimmed, "/")
	if i <= 0 {
		return ""
	}
	return trimmed[:i+1]
}

func footerNav(strs *content.Strings, lang content.Lang, items []chrome.Link) template.HTML {
	var s strings.Builder
	s.WriteString(`<nav class="footer-nav" aria-labelledby="footer-sections-title"><h3 id="footer-sections-title">`)
	s.WriteString(template.HTMLEscapeString(strs.MustGet(lang, "footer.sections_heading")))
	s.WriteString(`</h3><ul>`)
	for _, it := range items {
		s.WriteString(`<li><a href="` + template.HTMLEscapeString(it.Href) + `">` + template.HTMLEscapeString(it.Text) + `</a></li>`)
	}
	s.WriteString(`</ul></nav>`)
	return template.HTML(s.String())
}

// sectionNav returns the navigation shown beside a page: the pages below
// it if it has any, or else its siblings.
func (s *state) sectionNav(p *page) template.HTML {
	if p.parent == nil {
		return ""
	}
	if n, ok := s.navs[p]; ok {
		return n.HTML(p.path)
	}
	return s.navs[p.parent].HTML(p.path)
}

// breadcrumbs returns the way from the start page down to p's parent.
func (s *state) breadcrumbs(p *page) []chrome.Link {
	var crumbs []chrome.Link
	for q := p.parent; q != nil; q = q.parent {
		text := q.title
		if q.parent == nil {
			text = s.data.Strings.MustGet(q.lang, "breadcrumbs.home")
		}
		crumbs = append(crumbs, chrome.Link{Text: text, Href: q.path})
	}
	for i, j := 0, len(crumbs)-1; i < j; i, j = i+1, j-1 {
		crumbs[i], crumbs[j] = crumbs[j], crumbs[i]
	}
	return crumbs
}
