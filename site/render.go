package site

import (
	"bufio"
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"sort"
	"strings"

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
}

func newRenderer(s *state) *pageRenderer {
	r := &pageRenderer{s: s, headings: newHeadingIDs(), seen: make(map[string]bool, 32)}
	r.bodyW = bufio.NewWriter(&r.body)
	return r
}

// render renders one page and writes it. For a Markdown page, src is its
// file when the caller has just read it, so that the body rendered is
// the one whose front matter was checked; nil reads the file.
func (r *pageRenderer) render(p *page, src []byte) error {
	s := r.s
	p.probs, p.links = nil, nil
	cp := &chrome.Page{
		Lang: p.lang, Title: p.title, Description: p.description, Path: p.path,
		Canonical:   s.data.Settings.BaseURL + p.path,
		Exit:        p.exit,
		Breadcrumbs: s.breadcrumbs(p),
		SectionNav:  s.sectionNav(p),
		FooterNav:   s.footer[p.lang],
	}
	if p.translation != nil {
		cp.Translation = p.translation.path
	}
	layout := p.layout
	switch p.kind {
	case kindMarkdown:
		if err := r.markdown(p, cp, src); err != nil {
			return err
		}
		cp.Sources = p.src.Sources
	case kindOffice:
		cp.Office = p.office
		cp.Data = s.officeData(p)
	case kindArticle:
		cp.Data = s.articleData(p)
	case kindForm:
		l, fp, err := p.form.Page(s.data, p.lang)
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
	for _, f := range p.outFiles() {
		if err := s.out.write(f, html); err != nil {
			return err
		}
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

// markdown renders a Markdown page's body and checks it.
func (r *pageRenderer) markdown(p *page, cp *chrome.Page, src []byte) error {
	if src == nil {
		var err error
		if src, err = fs.ReadFile(r.s.opts.Content, p.src.File); err != nil {
			return err
		}
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
	md := r.s.md[p.lang]
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
