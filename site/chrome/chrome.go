// Package chrome is the portal's page chrome: the frame every page shares
// (skip links, "Exit this page", header, language menu, breadcrumbs,
// section navigation, footer), the layouts that fill it, the stylesheet and
// script, and the security headers. The site generator renders static pages
// with it and the intake function renders its answers with it, so a parent
// cannot tell where one ends and the other begins.
//
// Templates live in templates/: frame.html defines the frame with a "main"
// block, and each file in templates/layouts/ fills that block for one kind
// of page. Templates are minified once, when they are parsed, so pages come
// out minified at no cost per page.
package chrome

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"

	"github.com/tdewolff/minify/v2"
	mcss "github.com/tdewolff/minify/v2/css"
	mhtml "github.com/tdewolff/minify/v2/html"
	mjs "github.com/tdewolff/minify/v2/js"

	"familjeratt.example/portal/content"
)

//go:embed templates assets
var files embed.FS

// Chrome renders pages. It is safe for concurrent use.
type Chrome struct {
	Strings  *content.Strings
	Settings *content.Settings
	Assets   *Assets
	layouts  map[string]*template.Template
	base     *template.Template // the shared templates, for Cached
	cache    sync.Map           // Cached parts by key
}

// New parses the templates and prepares the assets.
func New(strs *content.Strings, settings *content.Settings) (*Chrome, error) {
	return NewFS(files, strs, settings)
}

// NewFS is New with templates and assets read from fsys, which holds
// templates/ and assets/ like this package's own folder; nil means the
// built-in ones. The dev server uses it to pick up edits without
// restarting. Given layouts, it parses only those, and fails when one is
// missing: the function renders seven of the site's layouts, and parses
// them at every cold start.
func NewFS(fsys fs.FS, strs *content.Strings, settings *content.Settings, layouts ...string) (*Chrome, error) {
	if fsys == nil {
		fsys = files
	}
	m := minifier()
	assets, err := loadAssets(fsys, m)
	if err != nil {
		return nil, err
	}
	c := &Chrome{Strings: strs, Settings: settings, Assets: assets, layouts: make(map[string]*template.Template)}

	base := template.New("frame").Funcs(funcs).Funcs(c.textFuncs())
	c.base = base
	shared, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	sort.Strings(shared)
	for _, name := range shared {
		if err := parseMinified(base, fsys, name, m); err != nil {
			return nil, err
		}
	}
	names, err := fs.Glob(fsys, "templates/layouts/*.html")
	if err != nil {
		return nil, err
	}
	if layouts != nil {
		names = names[:0]
		for _, l := range layouts {
			names = append(names, "templates/layouts/"+l+".html")
		}
	}
	for _, name := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if err := parseMinified(t, fsys, name, m); err != nil {
			return nil, err
		}
		c.layouts[strings.TrimSuffix(path.Base(name), ".html")] = t
	}
	return c, nil
}

func parseMinified(t *template.Template, fsys fs.FS, name string, m *minify.M) error {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	// Line breaks next to template actions are layout, not content: drop
	// them, so a page's HTML has no blank lines where an {{if}} was. A space
	// that matters is written on the same line as the action.
	src = dropActionBreaks(src)
	var out bytes.Buffer
	if err := m.Minify("text/html", &out, bytes.NewReader(src)); err != nil {
		return fmt.Errorf("minifying %s: %w", name, err)
	}
	if _, err := t.New(path.Base(name)).Parse(out.String()); err != nil {
		return fmt.Errorf("parsing %s: %w", name, err)
	}
	return nil
}

// dropActionBreaks removes the white space between a tag's or an
// action's end and the next tag or action where it holds a line break:
// what the pattern (>|}})[ \t]*\r?\n\s*(<|{{) matches between its groups.
// A scan, not that regular expression, because the function parses its
// templates at every cold start, and the expression took a fifth of that.
func dropActionBreaks(src []byte) []byte {
	out := make([]byte, 0, len(src))
	for i := 0; i < len(src); {
		end := 0
		switch {
		case src[i] == '>':
			end = i + 1
		case src[i] == '}' && i+1 < len(src) && src[i+1] == '}':
			end = i + 2
		default:
			out = append(out, src[i])
			i++
			continue
		}
		j := end
		for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
			j++
		}
		if j < len(src) && src[j] == '\r' {
			j++
		}
		matched := false
		if j < len(src) && src[j] == '\n' {
			for j < len(src) && isSpace(src[j]) {
				j++
			}
			matched = j < len(src) && (src[j] == '<' || src[j] == '{' && j+1 < len(src) && src[j+1] == '{')
		}
		if !matched { // "}}}" may still match from its second brace
			out = append(out, src[i])
			i++
			continue
		}
		out = append(out, src[i:end]...)
		i = j // the tag or action itself starts the next round
	}
	return out
}

// isSpace is RE2's \s.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

func minifier() *minify.M {
	m := minify.New()
	m.Add("text/html", &mhtml.Minifier{
		// Keep what makes the output valid and predictable HTML for
		// validators and for people reading the source; drop only
		// whitespace and comments.
		KeepDocumentTags:    true,
		KeepEndTags:         true,
		KeepQuotes:          true,
		KeepDefaultAttrVals: true,
		TemplateDelims:      mhtml.GoTemplateDelims,
	})
	m.AddFunc("text/css", mcss.Minify)
	m.AddFunc("application/javascript", mjs.Minify)
	return m
}

// Layouts returns the names of the layouts, sorted.
func (c *Chrome) Layouts() []string {
	names := make([]string, 0, len(c.layouts))
	for n := range c.layouts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Render writes a whole page in layout.
func (c *Chrome) Render(w io.Writer, layout string, p *Page) error {
	t, ok := c.layouts[layout]
	if !ok {
		return fmt.Errorf("no layout %q (have %s)", layout, strings.Join(c.Layouts(), ", "))
	}
	p.chrome = c
	return t.ExecuteTemplate(w, "frame", p)
}

// Texts returns the keys of the interface texts a layout's templates ask
// for by name ({{.T "key"}}), the frame's included, so that a build or
// the function can find one missing before it renders a page. Keys made
// at run time ({{.T (printf …)}}) are not among them: the code that
// gives them checks them.
func (c *Chrome) Texts(layout string) ([]string, error) {
	t, ok := c.layouts[layout]
	if !ok {
		return nil, fmt.Errorf("no layout %q (have %s)", layout, strings.Join(c.Layouts(), ", "))
	}
	seen := map[string]bool{}
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			textKeys(tt.Tree.Root, seen)
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// textKeys collects the string arguments of calls to T and TIn.
func textKeys(n parse.Node, seen map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			textKeys(c, seen)
		}
	case *parse.ActionNode:
		textKeys(n.Pipe, seen)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			textKeys(c, seen)
		}
	case *parse.CommandNode:
		for i, arg := range n.Args {
			var ident []string // .T, .A.T, $.T, $p.T
			switch a := arg.(type) {
			case *parse.FieldNode:
				ident = a.Ident
			case *parse.VariableNode:
				ident = a.Ident
			}
			if len(ident) > 0 {
				name := ident[len(ident)-1]
				key := i + 1 // .T "key"
				if name == "TIn" {
					key = i + 2 // .TIn "en" "key"
				}
				if (name == "T" || name == "TIn") && key < len(n.Args) {
					if s, ok := n.Args[key].(*parse.StringNode); ok {
						seen[s.Text] = true
					}
				}
			}
			textKeys(arg, seen)
		}
	case *parse.IfNode:
		textKeys(&n.BranchNode, seen)
	case *parse.RangeNode:
		textKeys(&n.BranchNode, seen)
	case *parse.WithNode:
		textKeys(&n.BranchNode, seen)
	case *parse.BranchNode:
		textKeys(n.Pipe, seen)
		textKeys(n.List, seen)
		textKeys(n.ElseList, seen)
	case *parse.TemplateNode:
		textKeys(n.Pipe, seen)
	}
}

// Link is a link in navigation or breadcrumbs.
type Link struct {
	Text    string
	Href    string
	Current bool
}

// Page is everything the frame needs to render one page. Layouts find
// their own data in Data.
type Page struct {
	Lang        content.Lang
	Title       string // the h1, and the start of the document title
	Caption     string // above the h1 and before the title: "Steg 2 av 3"
	Description string
	Path        string // the page's own address

	Canonical string // absolute URL; empty for pages that are not indexed
	// Versions are the addresses of this page in the other editions that
	// have it, by edition; the language menu links to them, and says of
	// an edition without one that the page is not there.
	Versions map[content.Lang]string
	// TranslationForm, when set, makes the language menu's entries for
	// the editions with forms buttons that submit this form (by id), so
	// answers carry over instead of being lost.
	TranslationForm string

	Error       bool // the page shows errors: the title starts with "Fel: "
	NoIndex     bool // keep search engines away (function answers)
	Exit        bool // show "Exit this page"
	Breadcrumbs []Link
	SectionNav  template.HTML // prerendered once for many pages, see [Chrome.NewNavList]
	FooterNav   template.HTML // prerendered once for each language
	Office      *content.Office
	Sources     []content.Source // what the page's facts rest on: its front matter's sources
	Body        template.HTML
	Data        any

	chrome *Chrome
}

// T returns an interface text in the page's language.
func (p *Page) T(key string, args ...any) (string, error) {
	return p.chrome.Strings.Get(p.Lang, key, args...)
}

// TIn returns an interface text in another language, for the parts of a
// page written in both (the 404 page).
func (p *Page) TIn(lang content.Lang, key string, args ...any) (string, error) {
	return p.chrome.Strings.Get(lang, key, args...)
}

// Link returns the address of one of the pages named in site.yaml, in the
// page's language.
func (p *Page) Link(name string) (string, error) { return p.LinkIn(p.Lang, name) }

// HasLink reports whether site.yaml names the page: links it may leave
// out (statistics) are linked only when it does.
func (p *Page) HasLink(name string) bool {
	_, ok := p.chrome.Settings.Links.All()["links."+name]
	return ok
}

// LinkIn is Link in another language.
func (p *Page) LinkIn(lang content.Lang, name string) (string, error) {
	if name == "home" {
		return p.chrome.Settings.Home(lang), nil
	}
	pair, ok := p.chrome.Settings.Links.All()["links."+name]
	if !ok {
		return "", fmt.Errorf("no link %q in %s", name, content.SettingsFile)
	}
	return pair.In(lang), nil
}

// Cached renders one of the frame's shared templates ("assets", "top",
// "site-name", "footer") once for each language, exit flag, office and
// footer navigation, and reuses the result. html/template makes a
// reflective call for every action, and these parts are the same on
// thousands of pages.
func (p *Page) Cached(name string) (template.HTML, error) {
	office := ""
	if p.Office != nil {
		office = p.Office.ID
	}
	key := name + "\x00" + string(p.Lang) + "\x00" + strconv.FormatBool(p.Exit) + "\x00" + office + "\x00" + string(p.FooterNav)
	if v, ok := p.chrome.cache.Load(key); ok {
		return v.(template.HTML), nil
	}
	var b strings.Builder
	if err := p.chrome.base.ExecuteTemplate(&b, name, p); err != nil {
		return "", err
	}
	html := template.HTML(b.String())
	p.chrome.cache.Store(key, html)
	return html, nil
}

// ExitURL is where "Exit this page" goes.
func (p *Page) ExitURL() string { return p.chrome.Settings.ExitURL }

// Asset returns the fingerprinted address of an asset by its plain name.
func (p *Page) Asset(name string) (string, error) { return p.chrome.Assets.URL(name) }

// Others are the editions other than the page's, in the configured
// order: the 404 page and the function's messages speak to each.
func (p *Page) Others() []content.Edition {
	var out []content.Edition
	for _, e := range p.chrome.Settings.Editions {
		if e.ID != p.Lang {
			out = append(out, e)
		}
	}
	return out
}

// HomeIn is the start page of edition lang.
func (p *Page) HomeIn(lang content.Lang) string { return p.chrome.Settings.Home(lang) }

// Edition is the page's edition.
func (p *Page) Edition() content.Edition {
	e, _ := p.chrome.Settings.Editions.Get(p.Lang)
	if e.ID == "" {
		e = content.Edition{ID: p.Lang, Tag: string(p.Lang)}
	}
	return e
}

// MenuItem is one entry of the language menu: another edition, with the
// page's version there (Href), or a button that carries the form's
// answers over (Button), or, when the edition lacks the page, its start
// page and a note saying so in its own language (Missing).
type MenuItem struct {
	content.Edition
	Href    string
	Button  bool
	Missing string
}

// LanguageMenu lists the other editions, in the configured order. A
// page of the function's that is no step of a form (a confirmation, a
// message) has none: it exists only as the answer to what was sent.
func (p *Page) LanguageMenu() []MenuItem {
	if p.NoIndex && p.TranslationForm == "" {
		return nil
	}
	var items []MenuItem
	for _, e := range p.chrome.Settings.Editions {
		if e.ID == p.Lang {
			continue
		}
		it := MenuItem{Edition: e}
		switch href, ok := p.Versions[e.ID]; {
		case p.TranslationForm != "" && e.Forms:
			it.Button = true
		case ok:
			it.Href = href
		default:
			it.Href = p.chrome.Settings.Home(e.ID)
			it.Missing = p.chrome.Strings.MustGet(e.ID, "language.missing")
		}
		items = append(items, it)
	}
	return items
}

// LTRRun finds a run that reads left to right whatever the text around
// it: digits with separators between (a phone number, a personnummer, a
// date), an e-mail address or a web address. A lone number needs no
// isolation: the bidi algorithm keeps its digits in order.
var LTRRun = regexp.MustCompile(`\+?[0-9]+(?:[ \-–/.:][0-9]+)+|[\p{L}0-9._%+-]+@[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)+|https?://[^\s<>()]+[^\s<>().,;:!?]`)

// IsolateLTR escapes s for HTML and wraps each [LTRRun] in
// <span dir="ltr">, for right-to-left text.
func IsolateLTR(s string) template.HTML {
	var b strings.Builder
	pos := 0
	for _, m := range LTRRun.FindAllStringIndex(s, -1) {
		b.WriteString(template.HTMLEscapeString(s[pos:m[0]]))
		b.WriteString(`<span dir="ltr">`)
		b.WriteString(template.HTMLEscapeString(s[m[0]:m[1]]))
		b.WriteString(`</span>`)
		pos = m[1]
	}
	b.WriteString(template.HTMLEscapeString(s[pos:]))
	return template.HTML(b.String())
}

// textFuncs are the template functions that show a data text in the
// page's edition. An edition that lacks a text shows the Swedish one,
// marked as Swedish (lang and dir), so that a screen reader pronounces it
// as Swedish and an Arabic page keeps it left to right.
func (c *Chrome) textFuncs() template.FuncMap {
	in := func(t content.Text, lang content.Lang) template.HTML {
		if t.Has(lang) || c.Settings.Editions.Tag(lang) == "sv" {
			return template.HTML(template.HTMLEscapeString(t.In(lang)))
		}
		return template.HTML(`<span lang="sv" dir="ltr">` + template.HTMLEscapeString(t.In(lang)) + `</span>`)
	}
	return template.FuncMap{
		// bidi is an interface text for a page: in a right-to-left
		// edition, its numbers and addresses are isolated left to right
		// (the examples in hints and error messages: "070-123 45 67").
		"bidi": func(p *Page, s string) template.HTML {
			if p.Edition().Direction() != "rtl" {
				return template.HTML(template.HTMLEscapeString(s))
			}
			return IsolateLTR(s)
		},
		"in": in,
		"inp": func(t *content.Text, lang content.Lang) template.HTML {
			if t == nil {
				return ""
			}
			return in(*t, lang)
		},
		// intext is a data text for an attribute or a title, where no
		// markup may go: the fallback is the Swedish text as it is.
		"intext": func(t content.Text, lang content.Lang) string { return t.In(lang) },
	}
}

var funcs = template.FuncMap{
	// tel gives a tel: address, which html/template would otherwise
	// refuse as an unknown scheme; PhoneURI writes only digits and +.
	"tel":   func(s string) template.URL { return template.URL(content.PhoneURI(s)) },
	"lines": func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
	"add":   func(a, b int) int { return a + b },
	// pair passes two values to a template: usually the page, for its
	// texts, and the part being rendered.
	"pair": func(a *Page, b any) Pair { return Pair{A: a, B: b} },
	"contactData": func(p *Page, o *content.Office) contactData {
		return contactData{Page: p, Office: o}
	},
}

// Pair is two values for a template; see the "pair" function.
type Pair struct {
	A *Page
	B any
}

// contactData is what the "contact" template needs: the page, for its
// language, and the office.
type contactData struct {
	Page   *Page
	Office *content.Office
}

// NavList is a list of links prerendered once, with and without each item
// marked as the current page, so that pages can share it without
// rendering it again; see [NavList.HTML].
type NavList struct {
	head     template.HTML
	plain    []template.HTML
	tail     template.HTML
	items    []Link
	hasItems bool
}

// NewNavList prerenders the section navigation for a group of pages:
// heading links to the group's own page.
func (c *Chrome) NewNavList(lang content.Lang, heading Link, items []Link) *NavList {
	var b strings.Builder
	n := &NavList{hasItems: len(items) > 0}
	title := template.HTMLEscapeString(c.Strings.MustGet(lang, "nav.section_title"))
	b.WriteString(`<nav class="section-nav" aria-labelledby="section-nav-title"><h2 id="section-nav-title" class="section-nav__title">`)
	b.WriteString(title)
	b.WriteString(`</h2><p class="section-nav__parent"><a href="`)
	b.WriteString(template.HTMLEscapeString(heading.Href))
	b.WriteString(`">`)
	b.WriteString(template.HTMLEscapeString(heading.Text))
	b.WriteString(`</a></p><ul class="section-nav__list">`)
	n.head = template.HTML(b.String())
	for _, it := range items {
		n.plain = append(n.plain, navItem(it, false))
	}
	n.items = items
	n.tail = `</ul></nav>`
	return n
}

// HTML returns the list with the item at current marked as the page the
// reader is on.
func (n *NavList) HTML(current string) template.HTML {
	if n == nil || !n.hasItems {
		return ""
	}
	var b strings.Builder
	size := len(n.head) + len(n.tail) + 32
	for _, it := range n.plain {
		size += len(it)
	}
	b.Grow(size)
	b.WriteString(string(n.head))
	for i, it := range n.items {
		if it.Href == current {
			b.WriteString(string(navItem(it, true)))
		} else {
			b.WriteString(string(n.plain[i]))
		}
	}
	b.WriteString(string(n.tail))
	return template.HTML(b.String())
}

func navItem(it Link, current bool) template.HTML {
	attr := ""
	if current {
		attr = ` aria-current="page"`
	}
	return template.HTML(`<li><a href="` + template.HTMLEscapeString(it.Href) + `"` + attr + `>` + template.HTMLEscapeString(it.Text) + `</a></li>`)
}

// fingerprint returns the first 10 hex digits of data's SHA-256.
func fingerprint(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:5])
}
