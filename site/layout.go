package site

import (
	"fmt"
	"hash/fnv"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

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

// page is one page of the site, written by an editor or generated: its
// entry in the page index. A build holds one for every page of the site
// until it has checked the links, so it keeps only what the navigation,
// the links, the sitemap and the page's own render need; the rest of a
// Markdown page's front matter, and its body, stay in its file.
type page struct {
	kind     pageKind
	inNav    bool
	exit     bool
	index    bool  // a Markdown page whose file is an index.md
	layoutN  uint8 // its layout, in layoutNames; a form's is its extra's
	order    int32 // sorts it within its section
	lang     content.Lang
	path     string
	title    string
	versions versions // the page in each edition that has it; nil when only one does
	parent   *page
	x        *pageExtra // what only some pages have
	meta     uint64     // a Markdown page's front matter but its body's (metaHash)

	// What the last render found: its problems, and the links to other
	// pages that can be checked only once they are rendered (links.go).
	// ids is kept only for pages that such links point to.
	ids   idSet
	links []link
	probs content.Problems
}

// pageExtra is what only some pages have: the pages below it, and a
// generated page's source, description and layout. A Markdown page's
// description and sources are shown only on the page itself, so its
// render reads them from its file.
type pageExtra struct {
	children    []*page
	office      *content.Office
	article     *content.Article
	form        Form
	layout      string
	description string
}

// children are the pages below p, sorted as navigation shows them.
func (p *page) children() []*page {
	if p.x == nil {
		return nil
	}
	return p.x.children
}

// layoutNames are the layouts of Markdown pages (content.FrontMatter's)
// and of the pages the generator makes itself, but forms.
var layoutNames = []string{"page", "home", "offices", "uncrc", "privacy", "statistics", "office", "article", "notfound"}

// layout is the name of p's layout.
func (p *page) layout() string {
	if p.kind == kindForm {
		return p.x.layout
	}
	return layoutNames[p.layoutN]
}

// setLayout sets p's layout, one of layoutNames.
func (p *page) setLayout(name string) {
	i := slices.Index(layoutNames, name)
	if i < 0 {
		panic("site: no layout " + name) // content.FrontMatter allows only layoutNames'
	}
	p.layoutN = uint8(i)
}

// newPage returns a generated page; its extra holds what it is made from.
func (s *state) newPage(kind pageKind, x *pageExtra) *page {
	p := s.alloc.page()
	p.kind, p.x = kind, x
	return p
}

// indexAlloc allocates the page index: the pages in blocks, and their
// addresses and titles in one buffer at a time. A hundred thousand pages
// then take the space they need, in few objects, instead of small
// objects scattered among the garbage of reading and rendering, each
// holding on to a mostly empty span of the heap.
type indexAlloc struct {
	pages []page
	text  strings.Builder
}

func (a *indexAlloc) page() *page {
	if len(a.pages) == cap(a.pages) {
		a.pages = make([]page, 0, 256)
	}
	a.pages = a.pages[:len(a.pages)+1]
	return &a.pages[len(a.pages)-1]
}

// str returns a copy of s in the buffer. A strings.Builder never changes
// the bytes it has given out, so each copy stays valid as it grows.
func (a *indexAlloc) str(s string) string {
	if a.text.Cap()-a.text.Len() < len(s) {
		a.text = strings.Builder{}
		a.text.Grow(max(32<<10, len(s)))
	}
	start := a.text.Len()
	a.text.WriteString(s)
	return a.text.String()[start:]
}

// file is a Markdown page's file in the content tree, as its address
// says: /sv/vald/ is sv/vald.md or, for an index, sv/vald/index.md.
func (p *page) file() string {
	dir := strings.TrimPrefix(p.path, "/")
	if p.index {
		return dir + "index.md"
	}
	return strings.TrimSuffix(dir, "/") + ".md"
}

// rel is a Markdown page's file below its language's folder.
func (p *page) rel() string { return strings.TrimPrefix(p.file(), string(p.lang)+"/") }

// name says where a page comes from, for messages.
func (p *page) name() string {
	switch {
	case p.kind == kindMarkdown:
		return p.file()
	case p.x != nil && p.x.office != nil:
		return p.x.office.File
	case p.x != nil && p.x.article != nil:
		return content.ArticlesFile
	}
	return p.path
}

// setSource sets all that a Markdown page takes from its file's front
// matter, in one place, so that a page rebuilt from an edited file keeps
// nothing of the old one.
func (p *page) setSource(cp *content.Page) {
	p.kind, p.lang, p.path = kindMarkdown, cp.Lang, cp.Path
	p.index = strings.HasSuffix(cp.File, "/index.md")
	p.title = cp.Title
	p.setLayout(cp.LayoutName())
	p.order, p.inNav, p.exit = int32(min(max(cp.Order, math.MinInt32), math.MaxInt32)), cp.InNav(), cp.Exit
	p.meta = metaHash(cp)
}

// metaHash sums what of a page's front matter other pages show or depend
// on: all but the description and the sources, which only the page
// itself shows. An edit that leaves it alone re-renders one page.
func metaHash(cp *content.Page) uint64 {
	h := fnv.New64a()
	nav := "unset"
	if cp.Nav != nil {
		nav = strconv.FormatBool(*cp.Nav)
	}
	for _, f := range []string{cp.Title, strconv.Itoa(cp.Order), strconv.FormatBool(cp.Draft), cp.Translation, cp.Layout,
		strconv.FormatBool(cp.Exit), nav} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// frontLines is what laying out the site needs of a Markdown page's
// front matter beyond its entry in the index: its translation: key and
// the lines to name in problems. Kept only while laying out.
type frontLines struct {
	translation                 string
	translationLine, layoutLine int32
}

// line returns the line of a front-matter key of p (translation or
// layout), or 1.
func (s *state) line(p *page, key string) int {
	f, ok := s.front[p]
	switch {
	case !ok:
	case key == "translation":
		return int(f.translationLine)
	case key == "layout":
		return int(f.layoutLine)
	}
	return 1
}

// translationKey returns p's translation: key, if it has one.
func (s *state) translationKey(p *page) string {
	if f, ok := s.front[p]; ok {
		return f.translation
	}
	return ""
}

// notFoundPath is where the 404 page is published; CloudFront and the
// dev server answer unknown addresses with it.
const notFoundPath = "/404.html"

// addSource adds a Markdown page as content.LoadEach gives it: its entry
// in the index, and what laying out needs of its front matter, or, for a
// draft, where it is.
func (s *state) addSource(cp *content.Page) {
	if cp.Draft && !s.opts.Drafts {
		s.drafts[cp.Path] = cp.File
		s.draftFiles[cp.File] = true
		return
	}
	p := s.alloc.page()
	p.setSource(cp)
	p.path, p.title = s.alloc.str(p.path), s.alloc.str(p.title)
	if cp.Translation != "" || cp.Layout != "" {
		s.front[p] = frontLines{translation: cp.Translation, translationLine: int32(cp.Line("translation")), layoutLine: int32(cp.Line("layout"))}
	}
	s.sources = append(s.sources, p)
}

// layout lays out the whole site: the pages, their translations, the
// tree they form, and the navigation.
func (s *state) layout() {
	s.byPath = make(map[string]*page, len(s.sources))
	s.files = make(map[string]bool)

	for _, p := range s.sources {
		s.add(p)
	}
	s.sources = nil
	s.pairTranslations()
	s.addOfficePages()
	s.addArticlePages()
	s.addFormPages()
	nf := s.newPage(kindNotFound, &pageExtra{description: s.data.Strings.MustGet(content.SV, "notfound.description")})
	nf.lang, nf.path, nf.title = content.SV, notFoundPath, s.data.Strings.MustGet(content.SV, "notfound.title")
	nf.setLayout("notfound")
	s.add(nf)
	s.checkSettingsLinks()
	s.checkReadability()
	s.buildTree()
	s.front = nil
}

// add places a page at its address; two pages may not share one.
func (s *state) add(p *page) {
	if other, ok := s.byPath[p.path]; ok {
		s.siteErr = append(s.siteErr, content.Problem{File: p.name(), Line: lineOf(p), Msg: fmt.Sprintf(
			"the address %s is taken by %s too: rename or move one of them", p.path, other.name())})
		delete(s.front, p)
		return
	}
	s.pages = append(s.pages, p)
	s.byPath[p.path] = p
}

func lineOf(p *page) int {
	if p.kind == kindMarkdown {
		return 1
	}
	return 0
}

// pageOfFile returns the Markdown page made from file, if there is one.
func (s *state) pageOfFile(file string) (*page, bool) {
	_, _, path, ok := content.PathOf(file)
	if !ok {
		return nil, false
	}
	p, ok := s.byPath[path]
	if !ok || p.kind != kindMarkdown || p.file() != file {
		return nil, false
	}
	return p, true
}

// versions is a page in each edition that has it, shared by those
// pages: one small list per group, so that every version knows every
// other. A list, not a map: a site has a group for every page, and a
// map of two entries takes some 250 bytes where the list takes 16.
type versions []*page

// in returns the version in lang, or nil.
func (v versions) in(lang content.Lang) *page {
	for _, q := range v {
		if q.lang == lang {
			return q
		}
	}
	return nil
}

// join makes ps versions of one page.
func join(ps ...*page) {
	var v versions
	add := func(p *page) {
		for i, q := range v {
			if q.lang == p.lang {
				v[i] = p
				return
			}
		}
		v = append(v, p)
	}
	for _, p := range ps {
		if p == nil {
			continue
		}
		for _, q := range p.versions {
			add(q)
		}
		add(p)
	}
	v = slices.Clip(v)
	for _, p := range v {
		p.versions = v
	}
}

// pairTranslations groups each Markdown page with its versions in the
// other editions. Swedish is the reference: every other edition's page
// is the version of a Swedish page, the file its translation: names or
// else the file at the same path. Every Swedish page must have a
// version in each complete edition; what a partial edition lacks is
// reported, not refused (s.untranslated).
func (s *state) pairTranslations() {
	sv := map[string]*page{}
	for _, p := range s.pages {
		if p.kind == kindMarkdown && p.lang == content.SV {
			sv[p.rel()] = p
		}
	}
	for _, p := range s.pages {
		if p.kind != kindMarkdown || p.lang == content.SV {
			continue
		}
		key := s.translationKey(p)
		named := key != ""
		if !named {
			key = p.rel()
		}
		q, ok := sv[key]
		switch {
		case !ok && named:
			msg := fmt.Sprintf("translation: sv/%s does not exist", key)
			if file, draft := s.draftFile(content.SV, key); draft {
				msg = fmt.Sprintf("translation: %s is a draft", file)
			}
			s.siteErr = append(s.siteErr, content.Problem{File: p.file(), Line: s.line(p, "translation"), Msg: msg})
			continue
		case !ok && s.formIntro(p):
			continue // addFormPages joins it to the form's versions
		case !ok:
			msg := fmt.Sprintf("this page has no Swedish version: add sv/%s, or name the Swedish page it translates with translation:", p.rel())
			if file, draft := s.draftFile(content.SV, key); draft {
				msg = fmt.Sprintf("this page's Swedish version %s is a draft: publish both or neither", file)
			}
			s.siteErr = append(s.siteErr, content.Problem{File: p.file(), Line: 1, Msg: msg})
			continue
		}
		if other := q.versions.in(p.lang); other != nil {
			s.siteErr = append(s.siteErr, content.Problem{File: p.file(), Line: s.line(p, "translation"), Msg: fmt.Sprintf(
				"%s and %s both claim to be the %s version of %s: check their translation: keys", other.file(), p.file(), p.lang, q.file())})
			continue
		}
		join(q, p)
	}
	s.untranslated = map[content.Lang][]*page{}
	complete := s.data.Settings.Editions.Complete()
	for _, p := range s.pages {
		if p.kind != kindMarkdown || p.lang != content.SV {
			continue
		}
		for _, e := range s.data.Settings.Editions[1:] {
			if p.versions.in(e.ID) != nil {
				continue
			}
			if !slices.Contains(complete, e.ID) {
				s.untranslated[e.ID] = append(s.untranslated[e.ID], p)
				continue
			}
			msg := fmt.Sprintf("this page has no %s version: add %s/%s, or give the %s page translation: %s", langName(e), e.ID, p.rel(), langName(e), p.rel())
			if file, draft := s.draftFile(e.ID, p.rel()); draft {
				msg = fmt.Sprintf("this page's %s version %s is a draft: publish both or neither", langName(e), file)
			}
			s.siteErr = append(s.siteErr, content.Problem{File: p.file(), Line: 1, Msg: msg})
		}
	}
}

func (s *state) draftFile(lang content.Lang, rel string) (string, bool) {
	file := string(lang) + "/" + rel
	return file, s.draftFiles[file]
}

// langName is an edition's name for editors' messages, in English:
// "English", "Arabic", "Swedish (easy to read)".
func langName(e content.Edition) string {
	name := string(e.ID)
	if tag, err := language.Parse(e.Tag); err == nil {
		name = display.English.Tags().Name(tag)
	}
	if e.EasyToRead {
		name += " (easy to read)"
	}
	return name
}

// layoutPage finds the page in lang with the given layout; more than one
// is a problem, since generated pages would have two homes.
func (s *state) layoutPage(lang content.Lang, layout string) *page {
	var found *page
	for _, p := range s.pages {
		if p.kind != kindMarkdown || p.lang != lang || p.layout() != layout {
			continue
		}
		if found != nil {
			s.siteErr = append(s.siteErr, content.Problem{File: p.file(), Line: s.line(p, "layout"), Msg: fmt.Sprintf(
				"only one page per language may have layout: %s; %s has it too", layout, found.file())})
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
		case p.kind != kindMarkdown || p.lang != lang:
		case p.path == want && p.layout() != "offices":
			s.siteErr = append(s.siteErr, content.Problem{File: p.file(), Line: s.line(p, "layout"), Msg: fmt.Sprintf(
				"%s's links.offices names this page, so it needs layout: offices: the offices' pages go below it, where the application links to them",
				content.SettingsFile)})
		case p.path == want:
			found = p
		case p.layout() == "offices":
			s.siteErr = append(s.siteErr, content.Problem{File: p.file(), Line: s.line(p, "layout"), Msg: fmt.Sprintf(
				"layout: offices belongs on %s, the page %s's links.offices names: remove it here, or change links.offices",
				want, content.SettingsFile)})
		}
	}
	return found
}

func (s *state) addOfficePages() {
	parents := map[content.Lang]*page{}
	for _, lang := range s.langs() {
		parents[lang] = s.officesPage(lang)
	}
	for _, o := range s.data.Directory.Offices {
		var group []*page
		for _, lang := range s.langs() {
			if parents[lang] == nil {
				continue
			}
			p := s.newPage(kindOffice, &pageExtra{office: o, description: s.data.Strings.MustGet(lang, "office.description", "name", o.Name.In(lang))})
			p.lang, p.path, p.title, p.inNav = lang, s.data.Settings.OfficePath(lang, o.ID), o.Name.In(lang), true
			p.setLayout("office")
			group = append(group, p)
			s.add(p)
		}
		if len(group) > 1 {
			join(group...)
		}
	}
}

// addArticlePages gives each edition with a page of layout: uncrc a page
// per article, below it. Its summaries must be in that edition.
func (s *state) addArticlePages() {
	parents := map[content.Lang]*page{}
	for _, lang := range s.langs() {
		if parents[lang] = s.layoutPage(lang, "uncrc"); parents[lang] != nil && lang != content.SV {
			for _, a := range s.conv.Articles {
				if !a.Summary.Has(lang) {
					s.siteErr = append(s.siteErr, content.Problem{File: parents[lang].file(), Line: s.line(parents[lang], "layout"), Msg: fmt.Sprintf(
						"layout: uncrc needs every article's summary in %s, and article %d has none in %s: add summary.%s there, or use another layout",
						lang, a.N, content.ArticlesFile, lang)})
					parents[lang] = nil
					break
				}
			}
		}
	}
	for _, a := range s.conv.Articles {
		var group []*page
		for _, lang := range s.langs() {
			parent := parents[lang]
			if parent == nil {
				continue
			}
			n := strconv.Itoa(a.N)
			p := s.newPage(kindArticle, &pageExtra{article: a, description: s.data.Strings.MustGet(lang, "uncrc.description", "n", n)})
			p.lang, p.inNav, p.order = lang, true, int32(a.N)
			p.setLayout("article")
			p.path = parent.path + s.data.Strings.MustGet(lang, "uncrc.slug") + "-" + n + "/"
			p.title = s.data.Strings.MustGet(lang, "uncrc.article_title", "n", n, "title", a.Title.In(lang))
			group = append(group, p)
			s.add(p)
		}
		if len(group) > 1 {
			join(group...)
		}
	}
}

// addFormPages publishes each form in every edition that offers forms.
func (s *state) addFormPages() {
	for _, f := range s.opts.Forms {
		var group []*page
		for _, lang := range s.data.Settings.Editions.WithForms() {
			layout, cp, err := f.Page(s.data, lang)
			path := f.Path(s.data.Strings, lang)
			if err != nil {
				s.siteErr = append(s.siteErr, content.Problem{File: path, Msg: err.Error()})
				continue
			}
			p := s.newPage(kindForm, &pageExtra{form: f, layout: layout, description: cp.Description})
			p.lang, p.path, p.title, p.exit = lang, path, cp.Title, cp.Exit
			group = append(group, p)
			s.add(p)
		}
		// An edition without forms may have a page at the form's
		// address, introducing it in that edition's words: it is the
		// form's version there.
		for _, e := range s.data.Settings.Editions {
			if !e.Forms {
				if p := s.byPath[f.Path(s.data.Strings, e.ID)]; p != nil && p.kind == kindMarkdown {
					group = append(group, p)
				}
			}
		}
		if len(group) > 1 {
			join(group...)
		}
	}
}

// formIntro reports whether p, a page of an edition without forms, is
// at a form's address in its edition: the edition's introduction to the
// form, which is the form's version there rather than a Swedish page's.
func (s *state) formIntro(p *page) bool {
	if e, ok := s.data.Settings.Editions.Get(p.lang); !ok || e.Forms {
		return false
	}
	for _, f := range s.opts.Forms {
		if f.Path(s.data.Strings, p.lang) == p.path {
			return true
		}
	}
	return false
}

// langs are the site's editions, Swedish first.
func (s *state) langs() []content.Lang { return s.data.Settings.Editions.Langs() }

// checkSettingsLinks makes sure every page the chrome links to exists.
func (s *state) checkSettingsLinks() {
	for key, pair := range s.data.Settings.Links.All() {
		for lang, path := range pair {
			if _, ok := s.byPath[path]; !ok {
				s.siteErr = append(s.siteErr, content.Problem{File: content.SettingsFile, Msg: fmt.Sprintf(
					"%s.%s: no page has the address %s", key, lang, path)})
			}
		}
	}
	// Every edition's start page: the language menu sends a reader
	// there from a page the edition lacks.
	for _, lang := range s.langs() {
		if home := s.data.Settings.Home(lang); s.byPath[home] == nil {
			s.siteErr = append(s.siteErr, content.Problem{File: content.SettingsFile, Msg: fmt.Sprintf(
				"the %s edition has no start page %s: add %s/index.md, or name its start page in links.home.%s", lang, home, lang, lang)})
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
			c.Text(t[content.SV], 0)
			c.EndBlock()
		}
		for _, p := range o.Partners {
			if p.About != nil {
				c.Text((*p.About)[content.SV], 0)
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
// above it) and children, sorted as navigation shows them, and
// prerenders the footer's list of the top-level sections.
func (s *state) buildTree() {
	for _, p := range s.pages {
		p.parent = nil
		if p.x != nil {
			p.x.children = nil
		}
	}
	for _, p := range s.pages {
		if p.kind == kindNotFound {
			continue
		}
		for up := parentPath(p.path); up != ""; up = parentPath(up) {
			if q, ok := s.byPath[up]; ok {
				p.parent = q
				if q.x == nil {
					q.x = &pageExtra{}
				}
				q.x.children = append(q.x.children, p)
				break
			}
		}
	}
	s.footer = make(map[content.Lang]template.HTML)
	for _, p := range s.pages {
		if len(p.children()) == 0 {
			continue
		}
		p.x.children = slices.Clip(p.x.children)
		sortPages(p.x.children, s.data.Settings.Editions.Tag(p.lang))
		if p.parent == nil {
			s.footer[p.lang] = footerNav(s.data.Strings, p.lang, navLinks(p))
		}
	}
}

// navLinks are the links to the pages below p that navigation lists.
func navLinks(p *page) []chrome.Link {
	var items []chrome.Link
	for _, c := range p.children() {
		if c.inNav {
			items = append(items, chrome.Link{Text: c.title, Href: c.path})
		}
	}
	return items
}

// navCount is how many of the pages below p navigation lists.
func navCount(p *page) int {
	n := 0
	for _, c := range p.children() {
		if c.inNav {
			n++
		}
	}
	return n
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

// MaxNavItems is the most pages one list of the section navigation
// shows. The longest list of a portal's own sections, the 54 articles
// of the convention, fits; the offices of a national portal (290) do
// not: the office finder lists those, and beside an office's page the
// navigation shows the level above instead.
const MaxNavItems = 60

// sectionNav returns the navigation shown beside a page: the pages below
// it if it has any, or else its siblings, headed by their parent. Where
// that list would be longer than MaxNavItems, it shows the level above
// instead, up to the top-level sections. So a page lists its own
// branch, never every page of a large section, and its weight does not
// grow with the site: the footer lists the top level on every page.
func (r *pageRenderer) sectionNav(p *page) template.HTML {
	if p.parent == nil {
		return ""
	}
	q := p
	if len(p.children()) == 0 {
		q = p.parent
	}
	for {
		n := r.navList(q)
		if n != nil {
			return n.HTML(p.path)
		}
		if q = q.parent; q == nil {
			return ""
		}
	}
}

// navList returns the list of the pages below q, headed by q, or nil when
// it would be longer than MaxNavItems. A renderer keeps the last few it
// made: pages come in the order of their files, so siblings come
// together.
func (r *pageRenderer) navList(q *page) *chrome.NavList {
	if n, ok := r.navs[q]; ok {
		return n
	}
	var n *chrome.NavList
	if navCount(q) <= MaxNavItems {
		heading := chrome.Link{Text: q.title, Href: q.path}
		if q.parent == nil {
			heading.Text = r.s.data.Strings.MustGet(q.lang, "breadcrumbs.home")
		}
		n = r.s.chrome.NewNavList(q.lang, heading, navLinks(q))
	}
	if len(r.navs) >= 16 {
		clear(r.navs)
	}
	r.navs[q] = n
	return n
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
