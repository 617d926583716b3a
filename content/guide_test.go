package content

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// guideSection is the part of README.md that explains the build's
// messages to editors.
const guideSection = "## Reading the build's messages"

// notMessages are string literals the rule below collects that no editor
// ever reads, each with why; keep the list short. A key is the phrase
// the test reports.
var notMessages = map[string]string{
	// checkEnglishName: the beginnings of an English office name it
	// refuses, compared with the name; the message is elsewhere.
	"family law office in": "a prefix checkEnglishName looks for",
	"family-law office in": "a prefix checkEnglishName looks for",
	"family law office of": "a prefix checkEnglishName looks for",
}

// TestGuide keeps the editors' guide complete: every problem message the
// content checks (this package) and the site build (../site) can give
// must be in README.md's section on the build's messages, so an editor
// who meets one can look it up.
//
// The rule: a function builds problems if it has a Problem or Problems
// composite literal. Its string literals are message text, and so are
// those of the functions it names that return a string or take a
// function (ruleMessage, unusable, suggest, checkLink: they make or
// report a message for it). A literal and the literals added to it with
// + are one message; what is not a literal (a variable, a call) and
// every format verb (%q, %s, %d…) cut it into constant runs. The
// message's longest run of words must be in the section, if it has at
// least three words; shorter ones say too little to look up.
func TestGuide(t *testing.T) {
	src, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	guide, ok := section(string(src), guideSection)
	if !ok {
		t.Fatalf("README.md has no section %q: it is where every message of the build is explained", guideSection)
	}
	guide = normalize(guide)

	var files []string
	for _, dir := range []string{".", filepath.Join("..", "site")} {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if !strings.HasSuffix(n, "_test.go") {
				files = append(files, n)
			}
		}
	}
	msgs := collectMessages(t, files)
	if len(msgs) < 50 {
		// The rule has stopped seeing the messages, say after a rename of
		// Problem: a test that checks nothing must not pass.
		t.Fatalf("found only %d messages in %d files; the rule in TestGuide no longer matches how problems are built", len(msgs), len(files))
	}
	used := map[string]bool{}
	for _, m := range msgs {
		if _, ok := notMessages[m.phrase]; ok {
			used[m.phrase] = true
			continue
		}
		if !strings.Contains(guide, m.phrase) {
			t.Errorf("%s: the message with %q is not in content/README.md, section %q: add an example line and say what to do",
				m.pos, m.phrase, guideSection)
		}
	}
	t.Logf("%d messages from %d files checked against the guide", len(msgs), len(files))
	for phrase := range notMessages {
		if !used[phrase] {
			t.Errorf("notMessages lists %q, which no longer occurs: remove it", phrase)
		}
	}
}

// message is the constant text of one problem message.
type message struct {
	pos    token.Position
	phrase string // its longest run of words, normalized
}

// collectMessages finds the messages in files, by the rule of TestGuide.
func collectMessages(t *testing.T, files []string) []message {
	t.Helper()
	fset := token.NewFileSet()
	// Functions are looked up by name within their own package only:
	// content and site are parsed separately.
	byDir := map[string][]*ast.FuncDecl{}
	var dirs []string
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Dir(name)
		if _, ok := byDir[dir]; !ok {
			dirs = append(dirs, dir)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				byDir[dir] = append(byDir[dir], fd)
			}
		}
	}
	var msgs []message
	for _, dir := range dirs {
		funcs := byDir[dir]
		builders := map[*ast.FuncDecl]bool{}
		named := map[string]bool{} // names the builders mention
		for _, fd := range funcs {
			if buildsProblems(fd.Body) {
				builders[fd] = true
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok {
						named[id.Name] = true
					}
					return true
				})
			}
		}
		for _, fd := range funcs {
			if !builders[fd] && !(named[fd.Name.Name] && makesMessages(fd.Type)) {
				continue
			}
			for _, e := range stringExprs(fd.Body) {
				if phrase := longestRun(e); len(strings.Fields(phrase)) > 0 {
					msgs = append(msgs, message{pos: fset.Position(e.Pos()), phrase: phrase})
				}
			}
		}
	}
	sort.Slice(msgs, func(i, j int) bool {
		a, b := msgs[i].pos, msgs[j].pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Line < b.Line
	})
	return msgs
}

// buildsProblems reports whether body has a Problem or Problems
// composite literal, of this package or of package content.
func buildsProblems(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		cl, ok := n.(*ast.CompositeLit)
		if !ok {
			return !found
		}
		name := ""
		switch typ := cl.Type.(type) {
		case *ast.Ident:
			name = typ.Name
		case *ast.SelectorExpr:
			if x, ok := typ.X.(*ast.Ident); ok && x.Name == "content" {
				name = typ.Sel.Name
			}
		}
		found = found || name == "Problem" || name == "Problems"
		return !found
	})
	return found
}

// makesMessages reports whether a function of this type can make a
// message for a builder: it returns a string first, or takes a function
// to report with.
func makesMessages(ft *ast.FuncType) bool {
	if ft.Results != nil && len(ft.Results.List) > 0 {
		if id, ok := ft.Results.List[0].Type.(*ast.Ident); ok && id.Name == "string" {
			return true
		}
	}
	for _, p := range ft.Params.List {
		if _, ok := p.Type.(*ast.FuncType); ok {
			return true
		}
	}
	return false
}

// stringExprs returns the string expressions in body that hold a
// literal: each literal, or each whole sum of them ("a " + x + "b").
func stringExprs(body *ast.BlockStmt) []ast.Expr {
	var out []ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		switch e := n.(type) {
		case *ast.BasicLit:
			if e.Kind == token.STRING {
				out = append(out, e)
			}
		case *ast.BinaryExpr:
			if e.Op == token.ADD && hasLiteral(e) {
				out = append(out, e)
				return false // its parts are this one message
			}
		}
		return true
	})
	return out
}

func hasLiteral(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.BinaryExpr:
		return e.Op == token.ADD && (hasLiteral(e.X) || hasLiteral(e.Y))
	case *ast.ParenExpr:
		return hasLiteral(e.X)
	}
	return false
}

// cut stands for what is not constant in a message.
const cut = "\x00"

// constText returns the text of a string expression, with cut where a
// part is not a literal.
func constText(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		if s, err := strconv.Unquote(e.Value); err == nil {
			return s
		}
	case *ast.BinaryExpr:
		return constText(e.X) + constText(e.Y)
	case *ast.ParenExpr:
		return constText(e.X)
	}
	return cut
}

// verbRE matches a fmt verb, flags, width, precision and argument index
// included.
var verbRE = regexp.MustCompile(`%[-+# 0]*(\[\d+\])?(\d+|\*)?(\.(\d+|\*)?)?(\[\d+\])?[a-zA-Z%]`)

// longestRun returns a message's longest constant run of at least three
// words, trimmed of the punctuation around it, or "".
func longestRun(e ast.Expr) string {
	best, bestWords := "", 0
	for _, run := range strings.Split(verbRE.ReplaceAllString(constText(e), cut), cut) {
		run = strings.TrimFunc(normalize(run), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if n := words(run); n > bestWords {
			best, bestWords = run, n
		}
	}
	if bestWords < 3 {
		return ""
	}
	return best
}

// words counts the words of s: what is between spaces and has a letter.
func words(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.IndexFunc(f, unicode.IsLetter) >= 0 {
			n++
		}
	}
	return n
}

// normalize makes every run of white space one space, so a phrase
// matches the guide however its lines are wrapped.
func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// section returns the text of a Markdown section, from its heading to
// the next heading of the same level or higher; lines in fenced code
// blocks are text, whatever they start with.
func section(doc, heading string) (string, bool) {
	var (
		b       strings.Builder
		in      = false
		fenced  = false
		started = false
	)
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if !fenced && (strings.HasPrefix(line, "# ") || strings.HasPrefix(line, "## ")) {
			if in {
				break
			}
			in = line == heading
			started = started || in
			continue
		}
		if in {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String(), started
}
