package content

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// GlossaryFile is the glossary's file name in a content tree.
const GlossaryFile = "glossary.yaml"

// Glossary is the portal's terms, from glossary.yaml: for each concept,
// the term the portal uses in each language and the terms it never uses
// for it. [Load] checks every text a parent reads against it: each page's
// title, description and body, the interface texts, the offices' texts and
// the summaries of the convention. The file's format is described in its
// own comments.
//
// A content tree without glossary.yaml has no glossary, and nothing is
// checked: the test trees are small. The committed tree has one, and its
// tests say so.
type Glossary struct {
	Terms []*Concept `yaml:"terms" validate:"required,min=1,dive"`

	eds Editions
}

// Concept is one entry of the glossary.
type Concept struct {
	// Concept names the concept in the build's messages: "the application".
	Concept string `yaml:"concept" validate:"required,nocontrol,max=80"`
	// Note says what the concept is, for editors.
	Note string `yaml:"note" validate:"required,nocontrolml"`
	// Usage is how each edition names it, under the edition's id (sv:,
	// en:, ar:). Swedish and every complete edition are required; an
	// edition without its own entry uses its language's (sv-lattlast
	// uses sv's).
	Usage map[string]*Usage `yaml:",inline" validate:"dive"`
}

// Usage is how one language names a concept.
type Usage struct {
	// Term is the term to write.
	Term string `yaml:"term" validate:"required,nocontrol,max=80"`
	// Avoid are the terms never to write for the concept, each form
	// that is meant listed: matching is on whole words, without stemming.
	Avoid []string `yaml:"avoid" validate:"unique,dive,required,nocontrol,max=80"`
	// Except are phrases in which an avoided term means another concept,
	// and is allowed: "formulär för anmälan" (a complaint to Digg).
	Except []string `yaml:"except" validate:"unique,dive,required,nocontrol,max=200"`

	avoid  []*phrase
	except []*phrase
}

// In returns how lang names the concept.
func (c *Concept) In(lang Lang) *Usage {
	if u, ok := c.Usage[string(lang)]; ok {
		return u
	}
	base, _, _ := strings.Cut(string(lang), "-")
	return c.Usage[base] // nil when the language has no entry
}

// phrase is a term or phrase of the glossary, ready to be found in a text.
type phrase struct {
	text string
	re   *regexp.Regexp // the words, in any case, with any white space between
	// lre is re in lower case, for the lower-case text: a pattern that
	// ignores case starts with no literal, so the regexp package tries it
	// at every byte of a page; this one starts with its first word, which
	// it skips to as strings.Index does. Nine pages in ten never try it.
	lre   *regexp.Regexp
	token string // its longest run of letters, in lower case: a text without it cannot hold the phrase
	word  bool   // the phrase is its token alone: one word of letters, found in the lower-case text directly
}

func newPhrase(s string) *phrase {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil
	}
	p := &phrase{text: strings.Join(words, " ")}
	apostrophe := strings.NewReplacer("'", "['’]", "’", "['’]")
	for i, w := range words {
		words[i] = apostrophe.Replace(regexp.QuoteMeta(w))
	}
	p.re = regexp.MustCompile(`(?i)` + strings.Join(words, `\s+`))
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	p.lre = regexp.MustCompile(strings.Join(words, `\s+`))
	for _, run := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(run) > len(p.token) {
			p.token = run
		}
	}
	p.word = strings.ToLower(p.text) == p.token
	return p
}

// find returns where the phrase is in text as whole words: neither a
// letter nor a digit right before or after it. lower is text in lower
// case, to rule most texts out quickly.
func (p *phrase) find(text, lower string) [][2]int {
	if !strings.Contains(lower, p.token) {
		return nil
	}
	if p.word && len(lower) == len(text) {
		// One word: its places in the lower-case text are its places in
		// the text (lowering kept every byte where it was), and no
		// regular expression is needed. Most of the glossary is words.
		var out [][2]int
		for pos := 0; ; {
			i := strings.Index(lower[pos:], p.token)
			if i < 0 {
				return out
			}
			start, end := pos+i, pos+i+len(p.token)
			if wholeWords(text, start, end) {
				out = append(out, [2]int{start, end})
				pos = end
				continue
			}
			_, size := utf8.DecodeRuneInString(lower[start:])
			pos = start + size
		}
	}
	// As above, the lower-case text's places are the text's when
	// lowering kept its length.
	re, in := p.re, text
	if len(lower) == len(text) {
		re, in = p.lre, lower
	}
	var out [][2]int
	for pos := 0; pos < len(text); {
		loc := re.FindStringIndex(in[pos:])
		if loc == nil || loc[0] == loc[1] {
			break
		}
		start, end := pos+loc[0], pos+loc[1]
		if wholeWords(text, start, end) {
			out = append(out, [2]int{start, end})
			pos = end
			continue
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		pos = start + size
	}
	return out
}

func wholeWords(text string, start, end int) bool {
	before, _ := utf8.DecodeLastRuneInString(text[:start])
	after, _ := utf8.DecodeRuneInString(text[end:])
	return !(start > 0 && isWordRune(before)) && !(end < len(text) && isWordRune(after))
}

// isWordRune reports whether r is part of a word: a letter (å, ä and ö
// too), a digit, or an accent combined with a letter.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// LoadGlossary reads and checks glossary.yaml. A tree without one has no
// glossary: it returns nil and no error.
func LoadGlossary(fsys fs.FS) (*Glossary, error) {
	src, err := fs.ReadFile(fsys, GlossaryFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, Problems{{File: GlossaryFile, Msg: "cannot read the glossary: " + err.Error()}}
	}
	var node yaml.Node
	if err := yaml.Unmarshal(src, &node); err != nil {
		return nil, Problems{yamlErrorProblem(GlossaryFile, 0, err.Error())}
	}
	if len(node.Content) == 0 {
		return nil, Problems{{File: GlossaryFile, Msg: "the file is empty"}}
	}
	var g Glossary
	eds := editionsOf(fsys)
	if probs := decodeNode(GlossaryFile, node.Content[0], &g, eds); len(probs) > 0 {
		return nil, probs
	}
	g.eds = eds
	var probs Problems
	for i, c := range g.Terms {
		for _, l := range eds.Complete() {
			if c.Usage[string(l)] == nil {
				probs = append(probs, Problem{File: GlossaryFile, Line: lineOf(node.Content[0], fmt.Sprintf("terms[%d]", i)), Msg: fmt.Sprintf(
					"terms[%d].%s is missing: add how the %s edition names %s", i, l, l, c.Concept)})
			}
		}
		for id, u := range c.Usage {
			l := Lang(id)
			key := fmt.Sprintf("terms[%d].%s", i, l)
			switch {
			case !eds.Has(l):
				probs = append(probs, Problem{File: GlossaryFile, Line: lineOf(node.Content[0], key), Msg: fmt.Sprintf(
					"%s: %q is not one of the site's editions (%s in site.yaml)", key, l, joinLangs(eds.Langs()))})
			case u == nil || u.Term == "":
				probs = append(probs, Problem{File: GlossaryFile, Line: lineOf(node.Content[0], key), Msg: fmt.Sprintf("%s.term is missing: add it", key)})
			}
		}
	}
	if len(probs) > 0 {
		return nil, probs.Err()
	}
	if probs := g.compile(node.Content[0]); len(probs) > 0 {
		return nil, probs.Err()
	}
	return &g, nil
}

// compile prepares the phrases for matching, and checks that the entries
// agree with each other: no term is both written and avoided, no term is
// avoided for two concepts, and every exception holds a term it excepts.
func (g *Glossary) compile(root *yaml.Node) Problems {
	var probs Problems
	for _, lang := range g.eds.Langs() {
		terms := map[string]int{}   // term, in lower case → its concept
		avoided := map[string]int{} // avoided term, in lower case → its concept
		for i, c := range g.Terms {
			if u := c.Usage[string(lang)]; u != nil {
				terms[strings.ToLower(normalizeSpace(u.Term))] = i
			}
		}
		for i, c := range g.Terms {
			u := c.Usage[string(lang)]
			if u == nil {
				continue
			}
			u.avoid, u.except = nil, nil
			for j, a := range u.Avoid {
				key := fmt.Sprintf("terms[%d].%s.avoid[%d]", i, lang, j)
				p := newPhrase(a)
				if p == nil {
					continue
				}
				lower := strings.ToLower(p.text)
				if k, ok := terms[lower]; ok {
					probs = append(probs, Problem{File: GlossaryFile, Line: lineOf(root, key), Msg: fmt.Sprintf(
						"%s: %q is the term glossary.yaml gives for %s: a term cannot be one to avoid as well", key, a, g.Terms[k].Concept)})
					continue
				}
				if k, ok := avoided[lower]; ok && k != i {
					probs = append(probs, Problem{File: GlossaryFile, Line: lineOf(root, key), Msg: fmt.Sprintf(
						"%s: %q is also avoided for %s: list it under one concept only", key, a, g.Terms[k].Concept)})
					continue
				}
				avoided[lower] = i
				u.avoid = append(u.avoid, p)
			}
			for j, e := range u.Except {
				p := newPhrase(e)
				if p == nil {
					continue
				}
				if !u.excepts(p) {
					key := fmt.Sprintf("terms[%d].%s.except[%d]", i, lang, j)
					probs = append(probs, Problem{File: GlossaryFile, Line: lineOf(root, key), Msg: fmt.Sprintf(
						"%s: %q holds none of the terms this entry avoids, so it allows nothing: check its spelling", key, e)})
					continue
				}
				u.except = append(u.except, p)
			}
		}
	}
	return probs
}

// excepts reports whether the exception p holds one of u's avoided terms.
func (u *Usage) excepts(p *phrase) bool {
	lower := strings.ToLower(p.text)
	for _, a := range u.avoid {
		if len(a.find(p.text, lower)) > 0 {
			return true
		}
	}
	return false
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// Check returns a problem for each avoided term in text, a text in lang
// whose first line is line in file: at the line the term is on, naming
// the term to write instead. Link addresses in the text are not read.
func (g *Glossary) Check(file string, line int, lang Lang, text string) Problems {
	return g.check(file, lang, text, func(off int) int { return line + strings.Count(text[:off], "\n") })
}

// check is Check with lineAt giving the line of a byte offset in text.
func (g *Glossary) check(file string, lang Lang, text string, lineAt func(off int) int) Problems {
	if g == nil || text == "" {
		return nil
	}
	masked := maskAddresses(text)
	lower := strings.ToLower(masked)
	var probs Problems
	for _, c := range g.Terms {
		u := c.In(lang)
		if u == nil {
			continue
		}
		var excepted [][2]int
		exceptsFound := false
		for _, a := range u.avoid {
			for _, m := range a.find(masked, lower) {
				if !exceptsFound {
					for _, e := range u.except {
						excepted = append(excepted, e.find(masked, lower)...)
					}
					exceptsFound = true
				}
				if within(m, excepted) {
					continue
				}
				probs = append(probs, Problem{File: file, Line: lineAt(m[0]), Msg: fmt.Sprintf(
					"uses %q for %s: write %q instead (see glossary.yaml)", normalizeSpace(masked[m[0]:m[1]]), c.Concept, u.Term)})
			}
		}
	}
	return probs
}

func within(m [2]int, spans [][2]int) bool {
	for _, s := range spans {
		if s[0] <= m[0] && m[1] <= s[1] {
			return true
		}
	}
	return false
}

// addressRE matches what is an address in a text, not words: the target
// of a Markdown link or image, an autolink, a bare web address.
var addressRE = regexp.MustCompile(`\]\([^)\n]*\)|<[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>|https?://[^\s)\]>]+`)

// findAddresses finds what addressRE finds, the same places in the same
// order, without a regular expression: every page's text passes
// through it, and the expression was a tenth of a build.
func findAddresses(text string) [][]int {
	var locs [][]int
	for i := 0; i < len(text); {
		j := strings.IndexAny(text[i:], "]<h")
		if j < 0 {
			break
		}
		i += j
		if end := addressAt(text, i); end > i {
			locs = append(locs, []int{i, end})
			i = end
			continue
		}
		i++
	}
	return locs
}

// addressAt returns the end of the address that starts at text[i], or i
// when none does: a Markdown link's destination "](…)", an autolink
// "<scheme:…>", or a bare http(s) address.
func addressAt(text string, i int) int {
	switch text[i] {
	case ']':
		if strings.HasPrefix(text[i:], "](") {
			for k := i + 2; k < len(text); k++ {
				switch text[k] {
				case ')':
					return k + 1
				case '\n':
					return i
				}
			}
		}
	case '<':
		k := i + 1
		if k >= len(text) || !isASCIILetter(text[k]) {
			return i
		}
		for k++; k < len(text) && (isASCIILetter(text[k]) || text[k] >= '0' && text[k] <= '9' || text[k] == '+' || text[k] == '.' || text[k] == '-'); k++ {
		}
		if k >= len(text) || text[k] != ':' {
			return i
		}
		for k++; k < len(text) && text[k] != '>' && !isRE2Space(text[k]); k++ {
		}
		if k < len(text) && text[k] == '>' {
			return k + 1
		}
	case 'h':
		rest := text[i:]
		n := 0
		switch {
		case strings.HasPrefix(rest, "https://"):
			n = len("https://")
		case strings.HasPrefix(rest, "http://"):
			n = len("http://")
		default:
			return i
		}
		k := i + n
		for ; k < len(text) && !isRE2Space(text[k]) && text[k] != ')' && text[k] != ']' && text[k] != '>'; k++ {
		}
		if k > i+n {
			return k
		}
	}
	return i
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isRE2Space is \s as regular expressions read it: ASCII white space.
func isRE2Space(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// maskAddresses returns text with its addresses blanked out, byte for
// byte, so that offsets and lines stay where they were.
func maskAddresses(text string) string {
	locs := findAddresses(text)
	if locs == nil {
		return text
	}
	b := []byte(text)
	for _, loc := range locs {
		for i := loc[0]; i < loc[1]; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	return string(b)
}

// CheckPage checks a page's title, description and body against the
// glossary. It checks only what it can read: [ParsePage] reports a page
// whose front matter is broken.
func (g *Glossary) CheckPage(file string, src []byte) Problems {
	if g == nil {
		return nil
	}
	lang, _, _, ok := PathOf(file)
	if !ok {
		return nil
	}
	fm, body, bodyLine, ok := SplitFrontMatter(src)
	if !ok {
		return nil
	}
	var probs Problems
	var node yaml.Node
	if yaml.Unmarshal(fm, &node) == nil && len(node.Content) > 0 && node.Content[0].Kind == yaml.MappingNode {
		root := node.Content[0]
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			if (k.Value == "title" || k.Value == "description") && v.Kind == yaml.ScalarNode {
				// The front matter starts on the page's second line.
				probs = append(probs, g.checkScalar(file, lang, fm, 1, v)...)
			}
		}
	}
	return append(probs, g.Check(file, bodyLine, lang, string(body))...)
}

// checkData checks the texts of the data files: the interface texts
// (every text in i18n/<lang>.yaml is in lang), and the offices and the
// convention's summaries (every text under a key sv: or en: is in that
// language). A file that does not parse is left to its own loader.
func (g *Glossary) checkData(fsys fs.FS) Problems {
	if g == nil {
		return nil
	}
	var probs Problems
	for _, lang := range g.eds.Langs() {
		file := StringsDir + "/" + string(lang) + ".yaml"
		if src, err := fs.ReadFile(fsys, file); err == nil {
			probs = append(probs, g.checkYAML(file, src, lang)...)
		}
	}
	offices, _ := fs.Glob(fsys, OfficesDir+"/*.yaml")
	for _, file := range append(offices, ArticlesFile) {
		if src, err := fs.ReadFile(fsys, file); err == nil {
			probs = append(probs, g.checkYAML(file, src, "")...)
		}
	}
	return probs
}

// checkYAML checks the texts of a YAML file: with lang set, every text
// in it; otherwise the texts under keys that name a language.
func (g *Glossary) checkYAML(file string, src []byte, lang Lang) Problems {
	var node yaml.Node
	if yaml.Unmarshal(src, &node) != nil {
		return nil
	}
	var probs Problems
	var walk func(n *yaml.Node, lang Lang)
	walk = func(n *yaml.Node, lang Lang) {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, lang)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				in := lang
				if l := Lang(n.Content[i].Value); lang == "" && g.eds.Has(l) {
					in = l
				}
				walk(n.Content[i+1], in)
			}
		case yaml.ScalarNode:
			if lang != "" && n.Tag == "!!str" {
				probs = append(probs, g.checkScalar(file, lang, src, 0, n)...)
			}
		}
	}
	walk(&node, lang)
	return probs
}

// checkScalar checks the text of a YAML scalar read from src, whose
// lines are shift lines into the file.
func (g *Glossary) checkScalar(file string, lang Lang, src []byte, shift int, n *yaml.Node) Problems {
	return g.check(file, lang, n.Value, func(off int) int { return shift + scalarLine(src, n, off) })
}

// scalarLine returns the line in src of the byte at off in the value of
// the scalar n. YAML folds lines and strips indentation, but keeps every
// other character: the line is where the scalar's source, from its
// start, has as many characters other than white space before it as the
// value has before off. (An escape in a double-quoted text can put it a
// character out; the line is then at worst the one next to it.)
func scalarLine(src []byte, n *yaml.Node, off int) int {
	want := 0
	for _, r := range n.Value[:off] {
		if !unicode.IsSpace(r) {
			want++
		}
	}
	line, i := 1, 0
	for line < n.Line && i < len(src) { // to the start of the scalar's line
		if src[i] == '\n' {
			line++
		}
		i++
	}
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		// The text starts on the line after the | or >.
		for i < len(src) && src[i] != '\n' {
			i++
		}
	default:
		for col := 1; col < n.Column && i < len(src); col++ {
			_, size := utf8.DecodeRune(src[i:])
			i += size
		}
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && i < len(src) {
			i++ // the opening quote
		}
	}
	for i < len(src) {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == '\n':
			line++
		case !unicode.IsSpace(r):
			if want == 0 {
				return line
			}
			want--
		}
		i += size
	}
	return n.Line
}
