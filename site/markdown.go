package site

import (
	"maps"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome"
)

// newMarkdown is the one goldmark setup. It differs between editions only
// in the quotation marks the typographer uses, the footnotes' words, and,
// for a right-to-left edition, the isolation of numbers and addresses.
func newMarkdown(e content.Edition, strs *content.Strings) goldmark.Markdown {
	lang := e.ID
	var transformers []util.PrioritizedValue
	if e.Direction() == "rtl" {
		transformers = append(transformers, util.Prioritized(ltrRuns{}, 100))
	}
	return goldmark.New(
		goldmark.WithExtensions(
			// GFM tables, for processing times and phone lists. Cell
			// alignment would be written as style attributes, which our
			// Content-Security-Policy forbids, so it is left out.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
			// Footnotes, for sources. The backlink gets words a screen
			// reader can say instead of a bare arrow.
			extension.NewFootnote(
				extension.WithFootnoteBacklinkHTML([]byte(`<span aria-hidden="true">↩</span><span class="visually-hidden">`+
					strs.MustGet(lang, "markdown.footnote_back")+`</span>`)),
			),
			// Smart punctuation. Swedish closes and opens a quotation with
			// the same mark (”så här”); English uses “these”.
			extension.NewTypographer(extension.WithTypographicSubstitutions(quotes(e.Tag))),
		),
		goldmark.WithParserOptions(
			// Every heading gets an id, made by headingIDs below, so that
			// it can be linked to and the link checker can verify anchors.
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(transformers...),
		),
		goldmark.WithRendererOptions(
			// Raw HTML stays off (goldmark's default, no html.WithUnsafe):
			// content must not bring its own scripts, styles or markup past
			// the checks. The build reports any HTML as a problem.
			renderer.WithNodeRenderers(util.Prioritized(headingRenderer{}, 100)),
		),
	)
}

func quotes(tag string) map[extension.TypographicPunctuation][]byte {
	// Characters rather than entities: shorter pages, readable source.
	m := map[extension.TypographicPunctuation][]byte{
		extension.EnDash:     []byte("–"),
		extension.EmDash:     []byte("—"),
		extension.Ellipsis:   []byte("…"),
		extension.Apostrophe: []byte("’"),
	}
	switch tag {
	case "ar", "fa":
		maps.Copy(m, map[extension.TypographicPunctuation][]byte{
			extension.LeftDoubleQuote:  []byte("«"),
			extension.RightDoubleQuote: []byte("»"),
			extension.LeftSingleQuote:  []byte("‹"),
			extension.RightSingleQuote: []byte("›"),
		})
		return m
	case "sv":
		maps.Copy(m, map[extension.TypographicPunctuation][]byte{
			extension.LeftDoubleQuote:  []byte("”"),
			extension.RightDoubleQuote: []byte("”"),
			extension.LeftSingleQuote:  []byte("’"),
			extension.RightSingleQuote: []byte("’"),
		})
		return m
	}
	maps.Copy(m, map[extension.TypographicPunctuation][]byte{
		extension.LeftDoubleQuote:  []byte("“"),
		extension.RightDoubleQuote: []byte("”"),
		extension.LeftSingleQuote:  []byte("‘"),
		extension.RightSingleQuote: []byte("’"),
	})
	return m
}

// headingIDs makes heading ids that keep Swedish words readable: å and ä
// become a, ö becomes o (goldmark's default would drop them, making
// "Våld" into "vld"). Ids are unique on the page: a repeat gets -2, -3.
type headingIDs struct {
	used map[string]bool
	// next is, per base slug, the suffix to try first: every lower one
	// is taken, so a page of 20,000 "## Avsnitt" costs linear time, not
	// quadratic. The ids are the same as trying from -2 each time.
	next map[string]int
}

// reservedIDs are ids the page chrome uses; a heading never takes them.
var reservedIDs = []string{"main", "top", "section-nav-title", "footer-title", "footer-sections-title", "error-summary-title", "exit-this-page"}

func newHeadingIDs() *headingIDs {
	ids := &headingIDs{}
	ids.reset()
	return ids
}

// reset forgets a page's ids, so one generator serves page after page.
func (ids *headingIDs) reset() {
	// Clearing a map costs its capacity: after a page of thousands of
	// headings, fresh maps keep the pages after it cheap.
	if len(ids.used) > 1024 || ids.used == nil {
		ids.used = make(map[string]bool, 16)
		ids.next = make(map[string]int, 16)
	}
	clear(ids.used)
	clear(ids.next)
	for _, id := range reservedIDs {
		ids.used[id] = true
	}
}

func (ids *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	base := Slug(string(value))
	if base == "" {
		base = "avsnitt"
	}
	id := base
	if ids.used[id] {
		n := max(ids.next[base], 2)
		for id = base + "-" + strconv.Itoa(n); ids.used[id]; id = base + "-" + strconv.Itoa(n) {
			n++
		}
		ids.next[base] = n + 1
	}
	ids.used[id] = true
	return []byte(id)
}

func (ids *headingIDs) Put(value []byte) { ids.used[string(value)] = true }

// Slug turns a heading into an id or an address: lower case, Swedish
// letters transliterated, everything else that is not a letter or digit
// becomes a single hyphen.
func Slug(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	hyphen := false
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		r = unicode.ToLower(r)
		if t, ok := translit[r]; ok {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteString(t)
			continue
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	return b.String()
}

var translit = map[rune]string{
	'å': "a", 'ä': "a", 'ö': "o", 'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
	'à': "a", 'á': "a", 'â': "a", 'ü': "u", 'ú': "u", 'ù': "u", 'ï': "i",
	'í': "i", 'ó': "o", 'ò': "o", 'ô': "o", 'ø': "o", 'æ': "ae", 'ñ': "n",
	'ç': "c", 'ß': "ss",
}

// headingRenderer writes headings with their ids and makes the heading's
// text a link to itself, so a parent can share a link to one part of a
// page. A heading that already holds a link is left as it is: links
// cannot nest.
type headingRenderer struct{}

func (headingRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderHeading)
}

func renderHeading(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	level := strconv.Itoa(n.Level)
	id, _ := n.AttributeString("id")
	idb, _ := id.([]byte)
	selfLink := len(idb) > 0 && !hasLink(n)
	if entering {
		w.WriteString("<h" + level)
		if len(idb) > 0 {
			w.WriteString(` id="`)
			w.Write(util.EscapeHTML(idb))
			w.WriteByte('"')
		}
		w.WriteByte('>')
		if selfLink {
			w.WriteString(`<a class="self-link" href="#`)
			w.Write(util.EscapeHTML(idb))
			w.WriteString(`">`)
		}
		return ast.WalkContinue, nil
	}
	if selfLink {
		w.WriteString("</a>")
	}
	w.WriteString("</h" + level + ">\n")
	return ast.WalkContinue, nil
}

func hasLink(n ast.Node) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Kind() == ast.KindLink || c.Kind() == ast.KindAutoLink || hasLink(c) {
			return true
		}
	}
	return false
}

// ltrRuns isolates, in a right-to-left page, the runs that read left to
// right whatever the text around them: phone numbers ("020-50 50 50"),
// personnummer, dates, e-mail and web addresses. Without it the bidi
// algorithm lays the groups of a number out from the right ("50 50
// 50-020"). Each run gets <span dir="ltr">, which also isolates it.
type ltrRuns struct{}

func (ltrRuns) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var texts []*ast.Text
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			texts = append(texts, t)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		seg := t.Segment
		value := seg.Value(src)
		ms := chrome.LTRRun.FindAllIndex(value, -1)
		if len(ms) == 0 {
			continue
		}
		parent := t.Parent()
		pos := 0
		insert := func(n ast.Node) { parent.InsertBefore(parent, t, n) }
		for _, m := range ms {
			if m[0] > pos {
				insert(ast.NewTextSegment(text.NewSegment(seg.Start+pos, seg.Start+m[0])))
			}
			open := ast.NewString([]byte(`<span dir="ltr">`))
			open.SetCode(true) // written as it is, unescaped
			insert(open)
			insert(ast.NewTextSegment(text.NewSegment(seg.Start+m[0], seg.Start+m[1])))
			end := ast.NewString([]byte(`</span>`))
			end.SetCode(true)
			insert(end)
			pos = m[1]
		}
		rest := ast.NewTextSegment(text.NewSegment(seg.Start+pos, seg.Stop))
		rest.SetSoftLineBreak(t.SoftLineBreak())
		rest.SetHardLineBreak(t.HardLineBreak())
		parent.ReplaceChild(parent, t, rest)
	}
}
