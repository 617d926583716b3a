package content

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Convention is the UN Convention on the Rights of the Child
// (barnkonventionen) as the portal publishes it: for each article, our own
// heading and plain-language summary beside the official text.
//
// The official texts are files copied verbatim from their sources and never
// edited: uncrc/en.md (all 54 articles) and uncrc/sv.md (the Swedish text
// of SFS 2018:1197, only for the articles we have it for). Our own words
// are in uncrc/articles.yaml, and the addresses of the sources in
// uncrc/sources.yaml.
type Convention struct {
	Articles []*Article // Articles[i] is article i+1
	Sources  ConventionSources
}

// Article is one article of the convention.
type Article struct {
	N       int
	Title   Text // our heading
	Summary Text // our summary: paragraphs separated by blank lines
	English []string
	Swedish []string // nil where uncrc/sv.md lacks the article
	// SwedishPartial is true when uncrc/sv.md holds only some of the
	// article's paragraphs (article 3: only its first).
	SwedishPartial bool

	SummaryLine map[Lang]int // where the summary starts in articles.yaml
}

// Paragraphs returns the summary in lang split into paragraphs.
func (a *Article) Paragraphs(lang Lang) []string {
	var out []string
	for _, p := range strings.Split(a.Summary.In(lang), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ConventionSources are the addresses of the official texts.
type ConventionSources struct {
	SwedishOfficial string `yaml:"swedish_official" validate:"required,weburl"`
	EnglishOfficial string `yaml:"english_official" validate:"required,weburl"`
}

// The convention's files in a content tree.
const (
	ConventionDir     = "uncrc"
	ConventionEnglish = ConventionDir + "/en.md"
	ConventionSwedish = ConventionDir + "/sv.md"
	ArticlesFile      = ConventionDir + "/articles.yaml"
	SourcesFile       = ConventionDir + "/sources.yaml"
	// ArticleCount is the number of articles in the convention.
	ArticleCount = 54
)

type articleEntry struct {
	Article int  `yaml:"article" validate:"min=1,max=54"`
	Title   Text `yaml:"title" validate:"required"`
	Summary Text `yaml:"summary" validate:"required"`
}

// LoadConvention reads the convention's files and checks that every
// article has our heading and summary and its official English text.
func LoadConvention(fsys fs.FS) (*Convention, error) {
	var probs Problems
	eds := editionsOf(fsys)
	c := &Convention{Articles: make([]*Article, ArticleCount)}

	if src, err := fs.ReadFile(fsys, SourcesFile); err != nil {
		probs = append(probs, Problem{File: SourcesFile, Msg: err.Error()})
	} else {
		var node yaml.Node
		if err := yaml.Unmarshal(src, &node); err != nil {
			probs = append(probs, yamlErrorProblem(SourcesFile, 0, err.Error()))
		} else if len(node.Content) > 0 {
			probs = append(probs, decodeNode(SourcesFile, node.Content[0], &c.Sources, eds)...)
		}
	}

	english, eprobs := readOfficial(fsys, ConventionEnglish, "Article")
	probs = append(probs, eprobs...)
	swedish, sprobs := readOfficial(fsys, ConventionSwedish, "Artikel")
	probs = append(probs, sprobs...)

	src, err := fs.ReadFile(fsys, ArticlesFile)
	if err != nil {
		return nil, append(probs, Problem{File: ArticlesFile, Msg: err.Error()}).Err()
	}
	var node yaml.Node
	if err := yaml.Unmarshal(src, &node); err != nil {
		return nil, append(probs, yamlErrorProblem(ArticlesFile, 0, err.Error())).Err()
	}
	if len(node.Content) == 0 || node.Content[0].Kind != yaml.SequenceNode {
		return nil, append(probs, Problem{File: ArticlesFile, Line: 1, Msg: "the file must be a list with one entry per article"}).Err()
	}
	for _, item := range node.Content[0].Content {
		var e articleEntry
		if p := decodeNode(ArticlesFile, item, &e, eds); len(p) > 0 {
			probs = append(probs, p...)
			continue
		}
		if c.Articles[e.Article-1] != nil {
			probs = append(probs, Problem{File: ArticlesFile, Line: item.Line, Msg: fmt.Sprintf("article %d is listed twice", e.Article)})
			continue
		}
		a := &Article{N: e.Article, Title: e.Title, Summary: e.Summary, English: english[e.Article], Swedish: swedish[e.Article],
			SummaryLine: map[Lang]int{}}
		for l := range e.Summary {
			a.SummaryLine[l] = lineOf(item, "summary."+string(l))
		}
		if a.English == nil {
			probs = append(probs, Problem{File: ConventionEnglish, Msg: fmt.Sprintf("article %d has no text: the file must hold all %d articles", e.Article, ArticleCount)})
		}
		a.SwedishPartial = a.Swedish != nil && len(a.Swedish) < len(a.English)
		c.Articles[e.Article-1] = a
	}
	for i, a := range c.Articles {
		if a == nil {
			probs = append(probs, Problem{File: ArticlesFile, Msg: fmt.Sprintf("article %d is missing: add its title and summary", i+1)})
		}
	}
	if len(probs) > 0 {
		return nil, probs.Err()
	}
	return c, nil
}

var articleHeadingRE = regexp.MustCompile(`^## (\S+) (\d+)$`)

// readOfficial reads an official text: paragraphs under "## Article N"
// headings, kept exactly as written. HTML comments (the sources) and other
// headings are not part of any article.
func readOfficial(fsys fs.FS, file, word string) (map[int][]string, Problems) {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, Problems{{File: file, Msg: err.Error()}}
	}
	articles := make(map[int][]string)
	var (
		current   = 0
		para      []string
		inComment = false
	)
	flush := func() {
		if current > 0 && len(para) > 0 {
			articles[current] = append(articles[current], strings.Join(para, " "))
		}
		para = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		switch {
		case inComment:
			if strings.Contains(line, "-->") {
				inComment = false
			}
		case strings.HasPrefix(line, "<!--"):
			inComment = !strings.Contains(line, "-->")
		case strings.HasPrefix(line, "#"):
			flush()
			current = 0
			if m := articleHeadingRE.FindStringSubmatch(line); m != nil && m[1] == word {
				current, _ = strconv.Atoi(m[2])
			}
		case line == "":
			flush()
		default:
			para = append(para, strings.TrimSpace(line))
		}
	}
	flush()
	return articles, nil
}
