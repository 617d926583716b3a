package site

import (
	"bufio"
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome"
)

// pageRenderer renders pages one at a time, reusing its buffers.
type pageRenderer struct {
	s         *state
	body, out bytes.Buffer
	bodyW     *bufio.Writer // goldmark writes through it; one per worker saves an allocation per page
	newlines  []int
	headings  *headingIDs
	seen      map[string]bool
	ids       strings.Builder
	bodyLine  int                       // the line the Markdown body starts on
	links     []link                    // the page's links to check later, until it is rendered
	selfLinks []selfLink                // the page's links to its own headings
	navs      map[*page]*chrome.NavList // the last few section navigations made (sectionNav)
	linkBlock []link                    // where the pages' kept links go, many pages' to a block
}

// keepLinks returns the links the page keeps for checking later, in a
// block shared with the pages rendered before it: a large site's links
// then take few objects, not one among each page's garbage.
func (r *pageRenderer) keepLinks() []link {
	n := len(r.links)
	if n == 0 {
		return nil
	}
	if cap(r.linkBlock)-len(r.linkBlock) < n {
		r.linkBlock = make([]link, 0, max(min(4*cap(r.linkBlock), 1024), n, 16))
	}
	start := len(r.linkBlock)
	r.linkBlock = append(r.linkBlock, r.links...)
	return r.linkBlock[start:len(r.linkBlock):len(r.linkBlock)]
}

func newRenderer(s *state) *pageRenderer {
	r := &pageRenderer{s: s, headings: newHeadingIDs(), seen: make(map[string]bool, 32), navs: make(map[*page]*chrome.NavList)}
	r.bodyW = bufio.NewWriter(&r.body)
	return r
}

// render renders one page and writes it. For a Markdown page, src is its
// file when the caller has just read it, so that the body rendered is
// the one whose front matter was checked; nil reads the file.
func (r *pageRenderer) render(p *page, src []byte) error {
	s := r.s
	defer s.timeRender(p, s.now())
	p.probs, p.links = nil, nil
	r.links, r.selfLinks = r.links[:0], r.selfLinks[:0]
	cp := &chrome.Page{
		Lang: p.lang, Title: p.title, Path: p.path,
		Canonical:   s.data.Settings.BaseURL + p.path,
		Exit:        p.exit,
		Breadcrumbs: s.breadcrumbs(p),
		SectionNav:  r.sectionNav(p),
		FooterNav:   s.footer[p.lang],
	}
	if len(p.versions) > 1 {
		cp.Versions = make(map[content.Lang]string, len(p.versions)-1)
		for _, q := range p.versions {
			if q != p {
				cp.Versions[q.lang] = q.path
			}
		}
	}
	if p.x != nil {
		cp.Description = p.x.description
	}
	layout := p.layout()
	switch p.kind {
	case kindMarkdown:
		if err := r.markdown(p, cp, src); err != nil {
			return err
		}
	case kindOffice:
		cp.Office = p.x.office
		cp.Data = s.officeData(p)
	case kindArticle:
		cp.Data = s.articleData(p)
	case kindForm:
		l, fp, err := p.x.form.Page(s.data, p.lang)
		if err != nil {
			return err
		}
		layout = l
		cp.Body, cp.Data, cp.Exit, cp.TranslationForm, cp.Caption = fp.Body, fp.Data, fp.Exit, fp.TranslationForm, fp.Caption
		// A form is a task: nothing beside it to wander off to.
		cp.SectionNav = ""
	case kindNotFound:
		cp.Canonical, cp.NoIndex = "", true
	}
	switch layout {
	case "offices":
		cp.Data = s.officesData(p)
	case "uncrc":
		cp.Data = uncrcData(p)
	case "privacy":
		cp.Data = s.privacyData(p)
	case "statistics":
		d, err := s.statisticsData(p)
		if err != nil {
			return err
		}
		cp.Data = d
	}

	r.out.Reset()
	if err := s.chrome.Render(&r.out, layout, cp); err != nil {
		return err
	}
	html := r.out.Bytes()
	p.ids = r.scanIDs(p, html)
	r.checkSelfLinks(p, p.ids)
	p.links = r.keepLinks()
	for _, f := range p.outFiles() {
		if err := s.out.write(f, html); err != nil {
			return err
		}
	}
	return nil
}

// SlowRender is how long one page may take to render before the build
// warns about it. The slowest real page takes milliseconds; seconds mean
// something pasted in is pathological for the Markdown parser, and on a
// large site it is worth finding, but it is no reason to stop a build.
const SlowRender = 2 * time.Second

func (s *state) now() time.Time {
	if s.opts.clock != nil {
		return s.opts.clock()
	}
	return time.Now()
}

// timeRender notes a Markdown page whose render, begun at start, was
// slow, or forgets that an earlier render of it was.
func (s *state) timeRender(p *page, start time.Time) {
	if p.kind != kindMarkdown {
		return // the build's own pages: nothing an editor can change
	}
	d := s.now().Sub(start)
	s.slowMu.Lock()
	defer s.slowMu.Unlock()
	if d <= SlowRender {
		delete(s.slow, p)
		return
	}
	if s.slow == nil {
		s.slow = map[*page]time.Duration{}
	}
	s.slow[p] = d
}

// warnings lists which of pages were slow to render, as the build prints
// them.
func (s *state) warnings(pages []*page) content.Problems {
	s.slowMu.Lock()
	defer s.slowMu.Unlock()
	var ws content.Problems
	for _, p := range pages {
		if d, ok := s.slow[p]; ok {
			ws = append(ws, content.Problem{File: p.name(), Msg: fmt.Sprintf(
				"took %.1f s to render; pasted Markdown with very long lines or deep nesting can do that", d.Seconds())})
		}
	}
	ws.Sort()
	return ws.Prefix(s.opts.ContentDir)
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
			if p.kind != kindMarkdown {
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

// markdown renders a Markdown page's body and checks it.
func (r *pageRenderer) markdown(p *page, cp *chrome.Page, src []byte) error {
	if src == nil {
		var err error
		if src, err = fs.ReadFile(r.s.opts.Content, p.file()); err != nil {
			return err
		}
	}
	// The description and the sources are shown only here, so the page
	// index does not keep them: they are read again, with the body.
	fm, probs := content.ParsePage(p.file(), src)
	if fm == nil {
		return fmt.Errorf("the front matter changed while the site was built: %s", probs.Error())
	}
	cp.Description, cp.Sources = fm.Description, fm.Sources
	_, body, bodyLine, ok := content.SplitFrontMatter(src)
	if !ok {
		return fmt.Errorf("front matter disappeared")
	}
	r.bodyLine = bodyLine
	r.newlines = r.newlines[:0]
	for i, c := range body {
		if c == '\n' {
			r.newlines = append(r.newlines, i)
		}
	}
	md := r.s.md[p.lang]
	r.headings.reset()
	ctx := parser.NewContext(parser.WithIDs(r.headings))
	doc := md.Parser().Parse(text.NewReader(body), parser.WithContext(ctx))
	r.check(p, fm, body, doc)
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
	for _, tag := range []string{"p", "li", "ul", "ol", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "td", "th", "blockquote", "div"} {
		pairs = append(pairs, "</"+tag+">\n", "</"+tag+">")
	}
	for _, tag := range []string{"ul", "ol", "li", "table", "thead", "tbody", "tr", "blockquote", "hr"} {
		pairs = append(pairs, "<"+tag+">\n", "<"+tag+">")
	}
	return strings.NewReplacer(pairs...)
}()

// line returns the file line of a byte offset in the body.
func (r *pageRenderer) line(p *page, offset int) int {
	return r.bodyLine + sort.SearchInts(r.newlines, offset)
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
	return r.bodyLine
}

// check walks a page's Markdown for the problems an editor can make:
// headings out of order, HTML, images without alt text, and links that
// are not written as the site needs. It measures Swedish pages' LIX,
// and holds an easy-to-read page to the stricter limits.
func (r *pageRenderer) check(p *page, fm *content.Page, source []byte, doc ast.Node) {
	ed, _ := r.s.data.Settings.Editions.Get(p.lang)
	var (
		level = 1 // the title is the h1
		lix   lixCounter
		sv    = ed.Tag == "sv"
	)
	if ed.EasyToRead {
		// The title and the description are what a reader sees first,
		// on the page and in search results: they count too.
		lix.KeepOver(MaxEasySentence)
		lix.Text(fm.Title, fm.Line("title"))
		lix.EndBlock()
		lix.Text(fm.Description, fm.Line("description"))
		lix.EndBlock()
	}
	problem := func(n ast.Node, format string, args ...any) {
		p.probs = append(p.probs, content.Problem{File: p.file(), Line: r.lineOfNode(p, n), Msg: fmt.Sprintf(format, args...)})
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
	if ed.EasyToRead {
		r.checkEasy(p, &lix)
	} else if sv {
		if v := lix.LIX(); v > MaxLIX {
			var where []string
			for _, s := range lix.Longest() {
				where = append(where, fmt.Sprintf("line %d (%d words)", s.line, s.words))
			}
			p.probs = append(p.probs, content.Problem{File: p.file(), Line: r.bodyLine, Msg: fmt.Sprintf(
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

// MaxEasyLIX and MaxEasySentence are the limits for an easy-to-read
// (lättläst) page: LIX at most 25, which MTM's easy-to-read Swedish
// keeps under, on every page long enough to measure (minLIXWords), and
// no sentence over 15 words on any page, however short.
const (
	MaxEasyLIX      = 25
	MaxEasySentence = 15
)

func (r *pageRenderer) checkEasy(p *page, lix *lixCounter) {
	if v := lix.LIX(); v > MaxEasyLIX {
		p.probs = append(p.probs, content.Problem{File: p.file(), Line: r.bodyLine, Msg: fmt.Sprintf(
			"LIX is %.0f, over %d for an easy-to-read page: use shorter sentences and common, short words", v, MaxEasyLIX)})
	}
	for _, s := range lix.Over() {
		p.probs = append(p.probs, content.Problem{File: p.file(), Line: s.line, Msg: fmt.Sprintf(
			"this sentence has %d words; an easy-to-read page keeps each under %d: split it, one idea to a sentence", s.words, MaxEasySentence+1)})
	}
}
