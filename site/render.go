package site

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/mail"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome"
)

// link is a link from a page to an address on this site, checked once
// every page has been rendered and its headings are known.
type link struct {
	path, frag string
	line       int
}

// pageRenderer renders pages one at a time, reusing its buffers.
type pageRenderer struct {
	b         *Builder
	body, out bytes.Buffer
	bodyW     *bufio.Writer // goldmark writes through it; one per worker saves an allocation per page
	newlines  []int
	headings  *headingIDs
	seen      map[string]bool
	ids       strings.Builder
}

func newRenderer(b *Builder) *pageRenderer {
	r := &pageRenderer{b: b, headings: newHeadingIDs(), seen: make(map[string]bool, 32)}
	r.bodyW = bufio.NewWriter(&r.body)
	return r
}

func (r *pageRenderer) render(p *page) error {
	b := r.b
	p.probs, p.links = nil, nil
	cp := &chrome.Page{
		Lang: p.lang, Title: p.title, Description: p.description, Path: p.path,
		Canonical:   b.data.Settings.BaseURL + p.path,
		Exit:        p.exit,
		Breadcrumbs: b.breadcrumbs(p),
		SectionNav:  b.sectionNav(p),
		FooterNav:   b.footer[p.lang],
	}
	if p.translation != nil {
		cp.Translation = p.translation.path
	}
	layout := p.layout
	switch p.kind {
	case kindMarkdown:
		if err := r.markdown(p, cp); err != nil {
			return err
		}
	case kindOffice:
		cp.Office = p.office
		cp.Data = b.officeData(p)
	case kindArticle:
		cp.Data = b.articleData(p)
	case kindForm:
		l, fp, err := p.form.Page(b.data, p.lang)
		if err != nil {
			return err
		}
		layout = l
		cp.Body, cp.Data, cp.Exit, cp.TranslationForm = fp.Body, fp.Data, fp.Exit, fp.TranslationForm
		// A form is a task: nothing beside it to wander off to.
		cp.SectionNav = ""
	case kindNotFound:
		cp.Canonical, cp.NoIndex, cp.FooterNav = "", true, b.footer[content.SV]
	}
	switch layout {
	case "offices":
		cp.Data = b.officesData(p)
	case "uncrc":
		cp.Data = b.uncrcData(p)
	}

	r.out.Reset()
	if err := b.chrome.Render(&r.out, layout, cp); err != nil {
		return err
	}
	html := r.out.Bytes()
	p.ids = r.scanIDs(p, html)
	if err := b.write(outFile(p.path), html); err != nil {
		return err
	}
	if p.path == "/"+string(content.SV)+"/" {
		// The site's root shows the Swedish start page; its canonical
		// link says where the page really lives.
		return b.write("index.html", html)
	}
	return nil
}

// scanIDs collects the ids on a rendered page, for checking links to its
// headings, and reports any id used twice. The set is kept as one string,
// " a b c ", which is a tenth of the memory of a map on a large site.
func (r *pageRenderer) scanIDs(p *page, html []byte) idSet {
	seen := r.seen
	clear(seen)
	r.ids.Reset()
	r.ids.WriteByte(' ')
	for rest := html; ; {
		i := bytes.Index(rest, []byte(` id="`))
		if i < 0 {
			break
		}
		rest = rest[i+5:]
		j := bytes.IndexByte(rest, '"')
		if j < 0 {
			break
		}
		id := rest[:j]
		if seen[string(id)] {
			fix := "rename a heading"
			if p.src == nil {
				fix = "the template or form definition that makes the page must change"
			}
			p.probs = append(p.probs, content.Problem{File: p.name(), Line: lineOf(p), Msg: fmt.Sprintf(
				"the id %q is on the page twice: %s", id, fix)})
		} else {
			seen[string(id)] = true
			r.ids.Write(id)
			r.ids.WriteByte(' ')
		}
		rest = rest[j:]
	}
	return idSet(r.ids.String())
}

// idSet is a page's ids, each followed by a space, the first preceded by one.
type idSet string

func (s idSet) has(id string) bool {
	return id != "" && !strings.ContainsAny(id, " ") && strings.Contains(string(s), " "+id+" ")
}

func (s idSet) all() []string { return strings.Fields(string(s)) }

// markdown renders a Markdown page's body and checks it.
func (r *pageRenderer) markdown(p *page, cp *chrome.Page) error {
	src, err := fs.ReadFile(r.b.opts.Content, p.src.File)
	if err != nil {
		return err
	}
	_, body, bodyLine, ok := content.SplitFrontMatter(src)
	if !ok {
		return fmt.Errorf("front matter disappeared")
	}
	p.src.BodyLine = bodyLine
	r.newlines = r.newlines[:0]
	for i, c := range body {
		if c == '\n' {
			r.newlines = append(r.newlines, i)
		}
	}
	md := r.b.md[p.lang]
	r.headings.reset()
	ctx := parser.NewContext(parser.WithIDs(r.headings))
	doc := md.Parser().Parse(text.NewReader(body), parser.WithContext(ctx))
	r.check(p, body, doc)
	r.body.Reset()
	r.bodyW.Reset(&r.body)
	if err := md.Renderer().Render(r.bodyW, body, doc); err != nil {
		return err
	}
	if err := r.bodyW.Flush(); err != nil {
		return err
	}
	html := r.body.String()
	if !strings.Contains(html, "<pre") {
		// goldmark ends every block with a line break; between blocks it
		// is only bytes. Inside a paragraph a line break is a space, so
		// only those after block tags go.
		html = blockBreaks.Replace(html)
	}
	cp.Body = template.HTML(html)
	return nil
}

var blockBreaks = func() *strings.Replacer {
	var pairs []string
	for _, tag := range []string{"p", "li", "ul", "ol", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "td", "th", "blockquote", "div", "dl", "dt", "dd"} {
		pairs = append(pairs, "</"+tag+">\n", "</"+tag+">")
	}
	for _, tag := range []string{"ul", "ol", "li", "table", "thead", "tbody", "tr", "blockquote", "hr", "dl"} {
		pairs = append(pairs, "<"+tag+">\n", "<"+tag+">")
	}
	return strings.NewReplacer(pairs...)
}()

// line returns the file line of a byte offset in the body.
func (r *pageRenderer) line(p *page, offset int) int {
	return p.src.BodyLine + sort.SearchInts(r.newlines, offset)
}

// nodeOffset finds where a node starts in the source: blocks know their
// lines, inline nodes are found through their text.
func nodeOffset(n ast.Node) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if off := nodeOffset(c); off >= 0 {
			return off
		}
	}
	return -1
}

// lineOfNode returns the file line where a node starts, looking at its
// ancestors when it has no text of its own (an image without alt text).
func (r *pageRenderer) lineOfNode(p *page, n ast.Node) int {
	for ; n != nil; n = n.Parent() {
		if off := nodeOffset(n); off >= 0 {
			return r.line(p, off)
		}
	}
	return p.src.BodyLine
}

// check walks a page's Markdown for the problems an editor can make:
// headings out of order, HTML, images without alt text, and links that
// are not written as the site needs. It measures Swedish pages' LIX.
func (r *pageRenderer) check(p *page, source []byte, doc ast.Node) {
	var (
		level = 1 // the title is the h1
		lix   lixCounter
		sv    = p.lang == content.SV
	)
	problem := func(n ast.Node, format string, args ...any) {
		p.probs = append(p.probs, content.Problem{File: p.src.File, Line: r.lineOfNode(p, n), Msg: fmt.Sprintf(format, args...)})
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if sv && n.Type() == ast.TypeBlock {
				lix.EndBlock()
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			switch {
			case n.Level == 1:
				problem(n, "a heading with a single # is a second h1; the title is the page's h1, so start at ##")
			case n.Level > level+1:
				problem(n, "this heading skips a level: %s comes right after %s; use %s here",
					strings.Repeat("#", n.Level), hashes(level), strings.Repeat("#", level+1))
			}
			level = n.Level
		case *ast.Link:
			r.checkLink(p, n, string(n.Destination), false, problem)
		case *ast.AutoLink:
			r.checkLink(p, n, string(n.URL(source)), false, problem)
		case *ast.Image:
			if strings.TrimSpace(plainText(n, source)) == "" {
				problem(n, "the image %s has no alt text: write what it shows between the brackets, ![like this](%s)", n.Destination, n.Destination)
			}
			r.checkLink(p, n, string(n.Destination), true, problem)
		case *ast.HTMLBlock, *ast.RawHTML:
			problem(n, "HTML is not allowed in pages: write it in Markdown")
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			if sv {
				lix.Text(string(n.Segment.Value(source)), r.line(p, n.Segment.Start))
			}
		case *ast.String:
			if sv {
				lix.Text(string(n.Value), 0)
			}
		}
		return ast.WalkContinue, nil
	})
	if sv {
		if v := lix.LIX(); v > MaxLIX {
			var where []string
			for _, s := range lix.Longest() {
				where = append(where, fmt.Sprintf("line %d (%d words)", s.line, s.words))
			}
			p.probs = append(p.probs, content.Problem{File: p.src.File, Line: p.src.BodyLine, Msg: fmt.Sprintf(
				"LIX is %.0f, over %d: use shorter sentences and shorter words; the longest sentences start on %s",
				v, MaxLIX, strings.Join(where, ", "))})
		}
	}
}

func hashes(level int) string {
	if level == 1 {
		return "the title"
	}
	return strings.Repeat("#", level)
}

// plainText returns the text inside an inline node, such as an image's
// alt text.
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(source))
			case *ast.String:
				b.Write(c.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// checkLink checks one link's address as written, and records links to
// this site for checking once all pages are known.
func (r *pageRenderer) checkLink(p *page, n ast.Node, dest string, image bool, problem func(ast.Node, string, ...any)) {
	lang := string(p.lang)
	switch {
	case dest == "":
		problem(n, "a link has no address")
	case strings.HasPrefix(dest, "#"):
		p.links = append(p.links, link{path: p.path, frag: dest[1:], line: r.lineOfNode(p, n)})
	case strings.HasPrefix(dest, "//"):
		problem(n, "%s: write the address in full, starting with https://", dest)
	case strings.HasPrefix(dest, "/"):
		target, frag, _ := strings.Cut(dest, "#")
		switch {
		case strings.ContainsAny(target, "?"):
			problem(n, "%s: addresses on this site have no ?-part", dest)
		case image && !strings.HasPrefix(target, "/media/"):
			problem(n, "%s: images must be in the media folder (content/media/) and linked as /media/…", dest)
		case path.Ext(target) == "" && !strings.HasSuffix(target, "/"):
			problem(n, "%s: end the address with a slash: %s/", dest, target)
		default:
			p.links = append(p.links, link{path: target, frag: frag, line: r.lineOfNode(p, n)})
		}
	case image:
		problem(n, "%s: images must be stored on this site, in content/media/; a picture from another site would tell that site who is reading", dest)
	case strings.HasPrefix(dest, "https://"):
	case strings.HasPrefix(dest, "http://"):
		problem(n, "%s: link with https:// so the connection is encrypted", dest)
	case strings.HasPrefix(dest, "mailto:"):
		addr, _, _ := strings.Cut(strings.TrimPrefix(dest, "mailto:"), "?")
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			problem(n, "%s: %q is not an e-mail address", dest, addr)
		}
	case strings.HasPrefix(dest, "tel:"):
		if num := strings.TrimPrefix(dest, "tel:"); !content.IsPhone(num) || strings.ContainsAny(num, " -") {
			problem(n, "%s: write the number's digits only, like tel:020505050", dest)
		}
	default:
		problem(n, "%s: write addresses on this site from the root, like /%s/samarbetssamtal/, or other sites in full, starting with https://", dest, lang)
	}
}

// checkLinks checks every recorded link against the site as built.
func (b *Builder) checkLinks() content.Problems {
	var probs content.Problems
	for _, p := range b.pages {
		for _, l := range p.links {
			file, line := p.name(), l.line
			target, ok := b.byPath[l.path]
			if !ok {
				switch {
				case b.files[l.path]:
					if l.frag != "" {
						probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf("%s is a file, which has no #%s", l.path, l.frag)})
					}
				case b.drafts[l.path] != "":
					probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
						"the link to %s goes to a draft (%s): it is not published", l.path, b.drafts[l.path])})
				default:
					probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
						"the link to %s goes nowhere: no page has that address%s", l.path, suggest(b, l.path))})
				}
				continue
			}
			if l.frag != "" && !target.ids.has(l.frag) {
				what := "that page has"
				if target == p {
					what = "this page has"
				}
				probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
					"the link to %s#%s goes nowhere: %s no heading with the address #%s%s", l.path, l.frag, what, l.frag, suggestID(target, l.frag))})
			}
		}
	}
	return probs
}

// suggest names the page whose address is closest to a broken one.
func suggest(b *Builder, bad string) string {
	best, bestD := "", 4
	for path := range b.byPath {
		if d := editDistance(bad, path); d < bestD || d == bestD && path < best {
			best, bestD = path, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean " + best + "?"
}

func suggestID(p *page, bad string) string {
	best, bestD := "", 4
	for _, id := range p.ids.all() {
		if d := editDistance(bad, id); d < bestD || d == bestD && id < best {
			best, bestD = id, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean #" + best + "?"
}

func editDistance(a, b string) int {
	if a == b {
		return 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// writeSiteFiles writes what is not a page: assets, media, the sitemap,
// robots.txt and the headers file. It returns the files written.
func (b *Builder) writeSiteFiles() ([]string, error) {
	var written []string
	put := func(rel string, data []byte) error {
		written = append(written, rel)
		b.files["/"+rel] = true
		return b.write(rel, data)
	}
	for _, url := range b.chrome.Assets.Files() {
		data, _ := b.chrome.Assets.File(url)
		if err := put(strings.TrimPrefix(url, "/"), data); err != nil {
			return nil, err
		}
	}
	if err := fs.WalkDir(b.opts.Content, "media", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(b.opts.Content, name)
		if err != nil {
			return err
		}
		return put(name, data)
	}); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	base := b.data.Settings.BaseURL
	if err := put("robots.txt", []byte("User-agent: *\nDisallow: /api/\n\nSitemap: "+base+"/sitemap.xml\n")); err != nil {
		return nil, err
	}
	if err := put("_headers", chrome.HeadersFile()); err != nil {
		return nil, err
	}
	return written, put("sitemap.xml", b.sitemap())
}

// sitemap lists every page with its translation, as search engines read
// hreflang alternates.
func (b *Builder) sitemap() []byte {
	var s bytes.Buffer
	s.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	s.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n")
	paths := make([]string, 0, len(b.byPath))
	for path, p := range b.byPath {
		if p.kind != kindNotFound {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	base := b.data.Settings.BaseURL
	for _, path := range paths {
		p := b.byPath[path]
		s.WriteString("<url><loc>")
		template.HTMLEscape(&s, []byte(base+path))
		s.WriteString("</loc>")
		if p.translation != nil {
			for _, q := range []*page{p, p.translation} {
				s.WriteString(`<xhtml:link rel="alternate" hreflang="` + string(q.lang) + `" href="`)
				template.HTMLEscape(&s, []byte(base+q.path))
				s.WriteString(`"/>`)
			}
		}
		s.WriteString("</url>\n")
	}
	s.WriteString("</urlset>\n")
	return s.Bytes()
}

// Layout data for the generated parts of pages.

type servedRow struct{ Municipality, Office, Href string }

func (b *Builder) officesData(p *page) any {
	var rows []servedRow
	for _, m := range b.data.Directory.Municipalities {
		o, ok := b.data.Directory.OfficeFor(m.Code)
		if !ok {
			continue
		}
		href := p.path + o.ID + "/"
		rows = append(rows, servedRow{Municipality: m.Name, Office: o.Name.In(p.lang), Href: href})
	}
	return struct{ Served []servedRow }{rows}
}

func (b *Builder) officeData(p *page) any {
	var names []string
	for _, m := range b.data.Directory.MunicipalitiesOf(p.office) {
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
	apply := ""
	if len(b.opts.Forms) > 0 {
		apply = b.opts.Forms[0].Path(p.lang)
	}
	return struct{ Serves, ApplyPath string }{serves, apply}
}

func (b *Builder) uncrcData(p *page) any {
	var items []chrome.Link
	for _, c := range p.children {
		if c.kind == kindArticle {
			items = append(items, chrome.Link{Text: c.title, Href: c.path})
		}
	}
	return struct{ Articles []chrome.Link }{items}
}

type articleView struct {
	N              int
	Summary        []string
	English        []string
	Swedish        []string
	SwedishPartial bool
}

func (b *Builder) articleData(p *page) any {
	a := p.article
	v := articleView{N: a.N, Summary: a.Paragraphs(p.lang), English: a.English, Swedish: a.Swedish, SwedishPartial: a.SwedishPartial}
	var prev, next *chrome.Link
	if p.parent != nil {
		sibs := p.parent.children
		for i, s := range sibs {
			if s != p {
				continue
			}
			if i > 0 && sibs[i-1].kind == kindArticle {
				prev = &chrome.Link{Text: b.data.Strings.MustGet(p.lang, "uncrc.article_short", "n", strconv.Itoa(sibs[i-1].article.N)), Href: sibs[i-1].path}
			}
			if i+1 < len(sibs) && sibs[i+1].kind == kindArticle {
				next = &chrome.Link{Text: b.data.Strings.MustGet(p.lang, "uncrc.article_short", "n", strconv.Itoa(sibs[i+1].article.N)), Href: sibs[i+1].path}
			}
		}
	}
	return struct {
		Article    articleView
		Sources    content.ConventionSources
		Prev, Next *chrome.Link
	}{v, b.conv.Sources, prev, next}
}
