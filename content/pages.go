package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Page is a Markdown page's place in the tree and its front matter. The
// body is left in the file: the generator reads it when it renders.
type Page struct {
	Lang Lang
	File string // in the content tree: "sv/samarbetssamtal/index.md"
	Rel  string // below the language folder: "samarbetssamtal/index.md"
	Path string // the address it is published at: "/sv/samarbetssamtal/"
	FrontMatter

	BodyLine int       // the line the body starts on, for problems in the body
	KeyLines []KeyLine // the line of each front-matter key
}

// KeyLine is where a front-matter key is.
type KeyLine struct {
	Key  string
	Line int
}

// FrontMatter is the YAML block at the top of a page. The keys are
// specified for editors in package site.
type FrontMatter struct {
	Title       string   `yaml:"title" validate:"required,nocontrolml,max=120"`
	Description string   `yaml:"description" validate:"required,nocontrolml,max=300"`
	Order       int      `yaml:"order"`
	Draft       bool     `yaml:"draft"`
	Translation string   `yaml:"translation" validate:"omitempty,endswith=.md"`
	Layout      string   `yaml:"layout" validate:"omitempty,oneof=page home offices uncrc privacy statistics"`
	Exit        bool     `yaml:"exit"`
	Nav         *bool    `yaml:"nav"`
	Sources     []Source `yaml:"sources" validate:"dive"`
}

// InNav reports whether the page is listed in navigation.
func (fm *FrontMatter) InNav() bool { return fm.Nav == nil || *fm.Nav }

// LayoutName returns the page's layout, "page" when none is set.
func (fm *FrontMatter) LayoutName() string {
	if fm.Layout == "" {
		return "page"
	}
	return fm.Layout
}

// Line returns the line of a front-matter key, or of the page's first
// line when the key is not set.
func (p *Page) Line(key string) int {
	for _, kl := range p.KeyLines {
		if kl.Key == key {
			return kl.Line
		}
	}
	return 1
}

var nameRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// PathOf returns the address a page file is published at, and false if the
// file is not a page: not below a language folder, or not Markdown.
func PathOf(file string) (lang Lang, rel, urlPath string, ok bool) {
	first, rest, found := strings.Cut(file, "/")
	lang, ok = ParseLang(first)
	if !ok || !found || !strings.HasSuffix(rest, ".md") {
		return "", "", "", false
	}
	p := strings.TrimSuffix(rest, ".md")
	p = strings.TrimSuffix(p, "index")
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return lang, rest, "/" + string(lang) + "/" + p, true
}

// LoadPages reads the front matter of every page below sv/ and en/. It
// reads files in parallel: a large site has thousands.
func LoadPages(fsys fs.FS) ([]*Page, error) { return loadPages(fsys, nil, nil) }

// pageBatch is how many pages loadPages reads before it gives them to
// its caller's each: what it holds at once when the caller keeps none.
const pageBatch = 1024

// loadPages is LoadPages, checking each page against glossary too when
// it is not nil. With each, it returns no pages: it gives each page to
// each instead, in the order of their files, a batch at a time, so that
// the caller may keep only what it needs of the front matter.
func loadPages(fsys fs.FS, glossary *Glossary, each func(*Page)) ([]*Page, error) {
	var files []string
	var probs Problems
	eds := editionsOf(fsys)
	if top, err := fs.ReadDir(fsys, "."); err == nil {
		for _, d := range top {
			if l, ok := ParseLang(d.Name()); ok && d.IsDir() && !eds.Has(l) {
				probs = append(probs, Problem{File: d.Name(), Msg: fmt.Sprintf(
					"this folder looks like an edition's, but site.yaml has no edition %q: add it under editions:, or rename the folder", l)})
			}
		}
	}
	for _, lang := range eds.Langs() {
		err := fs.WalkDir(fsys, string(lang), func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			base := d.Name()
			if strings.HasPrefix(base, ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil // editors' swap files and the like
			}
			if d.IsDir() {
				if name != string(lang) && !nameRE.MatchString(base) {
					probs = append(probs, Problem{File: name, Msg: "a folder name may use only a–z, 0–9 and hyphens"})
					return fs.SkipDir
				}
				return nil
			}
			stem, isMD := strings.CutSuffix(base, ".md")
			switch {
			case !isMD:
				probs = append(probs, Problem{File: name, Msg: "only Markdown pages (.md) belong here"})
			case !nameRE.MatchString(stem):
				probs = append(probs, Problem{File: name, Msg: "a page's file name may use only a–z, 0–9 and hyphens, like hur-det-gar-till.md"})
			default:
				files = append(files, name)
			}
			return nil
		})
		if errors.Is(err, fs.ErrNotExist) && lang != SV {
			continue // an edition may have no pages yet
		}
		if err != nil {
			probs = append(probs, Problem{File: string(lang), Msg: err.Error()})
		}
	}

	sort.Strings(files)

	batch := len(files)
	if each != nil {
		batch = min(batch, pageBatch)
	}
	pages := make([]*Page, batch)
	pageProbs := make([]Problems, batch)
	var out []*Page
	for start := 0; start < len(files); start += batch {
		part := files[start:min(start+batch, len(files))]
		inParallel(len(part), func(i int) {
			src, err := fs.ReadFile(fsys, part[i])
			if err != nil {
				pages[i], pageProbs[i] = nil, Problems{{File: part[i], Msg: err.Error()}}
				return
			}
			pages[i], pageProbs[i] = ParsePage(part[i], src)
			if pages[i] != nil {
				pageProbs[i] = append(pageProbs[i], glossary.CheckPage(part[i], src)...)
			}
		})

		for i, p := range pages[:len(part)] {
			probs = append(probs, pageProbs[i]...)
			switch {
			case p == nil:
			case each != nil:
				each(p)
			default:
				out = append(out, p)
			}
			pages[i], pageProbs[i] = nil, nil
		}
	}
	if len(probs) > 0 {
		return nil, probs.Err()
	}
	return out, nil
}

// MaxPageSize is the most a page's file may hold, in bytes (512 KB,
// counted in units of 1,024 bytes). The longest real page is some 20 KB;
// a file past the limit is pasted by mistake, or wants to be several
// pages, and would make the build's work on one page unbounded.
const MaxPageSize = 512 << 10

// ParsePage reads a page's front matter from its source.
func ParsePage(file string, src []byte) (*Page, Problems) {
	lang, rel, urlPath, ok := PathOf(file)
	if !ok {
		return nil, Problems{{File: file, Msg: "not a page: pages are .md files below sv/ or en/"}}
	}
	if len(src) > MaxPageSize {
		// Before anything reads the text: nothing renders it either.
		return nil, Problems{{File: file, Line: 1, Msg: fmt.Sprintf(
			"the page is %d KB; the limit is %d KB: split it into several pages", (len(src)+1023)>>10, MaxPageSize>>10)}}
	}
	fm, _, bodyLine, ok := SplitFrontMatter(src)
	if !ok {
		return nil, Problems{{File: file, Line: 1, Msg: `the page must start with front matter: a line "---", then title: and description:, then "---"`}}
	}
	var node yaml.Node
	if err := yaml.Unmarshal(fm, &node); err != nil {
		return nil, Problems{yamlErrorProblem(file, 1, err.Error())}
	}
	if len(node.Content) == 0 || node.Content[0].Kind != yaml.MappingNode {
		return nil, Problems{{File: file, Line: 2, Msg: "the front matter needs at least title: and description:"}}
	}
	p := &Page{Lang: lang, File: file, Rel: rel, Path: urlPath, BodyLine: bodyLine}
	root := node.Content[0]
	// Shift every line by the opening "---" so problems point into the file.
	shift(root, 1)
	for i := 0; i+1 < len(root.Content); i += 2 {
		p.KeyLines = append(p.KeyLines, KeyLine{root.Content[i].Value, root.Content[i].Line})
	}
	if probs := decodeNode(file, root, &p.FrontMatter, nil); len(probs) > 0 {
		return nil, probs
	}
	switch {
	case p.Translation != "" && lang == SV:
		return nil, Problems{{File: file, Line: p.Line("translation"), Msg: "translation: a Swedish page needs none: the other editions' pages name the Swedish page they translate; remove the key"}}
	case p.Translation != "" && strings.HasPrefix(p.Translation, "/"):
		return nil, Problems{{File: file, Line: p.Line("translation"), Msg: fmt.Sprintf(
			"translation: write the Swedish file's path below the sv/ folder, without a leading slash, like %q",
			strings.TrimPrefix(p.Translation, "/sv/"))}}
	}
	return p, nil
}

func shift(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shift(c, by)
	}
}

// SplitFrontMatter splits a page's source into its front matter and its
// body, and says on which line (1-based) the body starts.
func SplitFrontMatter(src []byte) (fm, body []byte, bodyLine int, ok bool) {
	rest, found := bytes.CutPrefix(src, []byte("---\n"))
	if !found {
		if rest, found = bytes.CutPrefix(src, []byte("---\r\n")); !found {
			return nil, nil, 0, false
		}
	}
	// The closing fence is a line holding only "---".
	for off := 0; off <= len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		var line []byte
		if end < 0 {
			line = rest[off:]
		} else {
			line = rest[off : off+end]
		}
		if string(bytes.TrimRight(line, "\r")) == "---" {
			fm = rest[:off]
			if end < 0 {
				body = nil
			} else {
				body = rest[off+end+1:]
			}
			return fm, body, bytes.Count(src[:len(src)-len(body)], []byte("\n")) + 1, true
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return nil, nil, 0, false
}
