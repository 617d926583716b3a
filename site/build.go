package site

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/yuin/goldmark"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome"
)

// Options configure a build.
type Options struct {
	Content    fs.FS  // the content tree
	ContentDir string // the tree's name in problems, e.g. "content"
	// Chrome is a folder holding templates/ and assets/ to use instead of
	// the ones built in, so the dev server sees template edits live.
	Chrome  fs.FS
	Out     string // the folder to write the site to
	BaseURL string // overrides site.yaml's base_url when set
	Drafts  bool   // include draft pages
	Forms   []Form // the application forms to publish
	Workers int    // pages rendered at once; 0 means four per CPU

	clock func() time.Time // times each page's render; nil means time.Now (tests set it)
}

// Form is an application form, published as a static page in each
// language. Package intake defines the forms; the generator only places
// them in the site.
type Form interface {
	// Path is the form page's address in lang, which its texts name.
	Path(strs *content.Strings, lang content.Lang) string
	// Page returns the empty form's page in lang: its layout, title,
	// description and the layout's data, from the content being built.
	// The build adds the rest. It is called only once CheckTexts has
	// found nothing missing.
	Page(data *content.Data, lang content.Lang) (layout string, page *chrome.Page, err error)
	// CheckTexts reports the interface texts the form's pages need that
	// strs lacks. The build checks them before it lays out any page.
	CheckTexts(strs *content.Strings) content.Problems
	// OfferedBy reports whether an office takes the form: its page links
	// to the forms it takes.
	OfferedBy(o *content.Office) bool
	// Title is the form's title in lang, the text of links to it.
	Title(strs *content.Strings, lang content.Lang) string
}

// AsForms turns a list of some form type into the generator's forms.
func AsForms[F Form](fs []F) []Form {
	out := make([]Form, len(fs))
	for i, f := range fs {
		out[i] = f
	}
	return out
}

// Result says what a build did.
type Result struct {
	Pages    int // HTML pages written
	Rendered int // pages rendered by this call (fewer than Pages after an edit)
	Files    int // all files written
	// Warnings are the pages rendered by this call that took longer
	// than SlowRender: worth a look, never a failure.
	Warnings content.Problems
	// Untranslated are, for each partial edition, the Swedish pages it
	// has no version of (their files): a report for editors.
	Untranslated map[content.Lang][]string
}

// Build builds the site once. It returns the content's problems as
// [content.Problems]; when there is any, the output folder is left exactly
// as it was.
func Build(ctx context.Context, opts Options) (*Result, error) {
	b := NewBuilder(opts)
	res, err := b.Build(ctx)
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	return res, err
}

// Builder builds a site and keeps the state of its last full build, so
// that after an edit to one page's text it re-renders only that page.
type Builder struct {
	opts Options
	// built is the state the whole output was last built from: set only
	// when a full build finished (every page laid out, rendered and
	// written, the site's files written, stale files removed) and every
	// rebuild since did too. Otherwise it is nil, and the next rebuild is
	// a full build: a page rendered alone against data loaded before a
	// failure could show what the content no longer says.
	built *state
	out   *output
}

// state is one full build's view of the site, everything in it loaded
// from the content tree in that build: the data, the pages as laid out,
// and what rendering them found.
type state struct {
	opts   Options // what it was built from
	out    *output
	data   *content.Data
	conv   *content.Convention
	chrome *chrome.Chrome
	md     map[content.Lang]goldmark.Markdown
	// pages is the page index: every page of the site, as laid out.
	pages      []*page
	byPath     map[string]*page
	files      map[string]bool   // addresses of non-HTML files: assets, media, sitemap
	drafts     map[string]string // address → file of each draft left out
	draftFiles map[string]bool
	footer     map[content.Lang]template.HTML
	siteErr    content.Problems // problems not tied to one page's render
	// untranslated are the Swedish pages each partial edition lacks:
	// a report for editors, never a problem. Pages, not their files'
	// names, while the site renders: on a large site with a small
	// edition that is most pages, and 100,000 names would be a tenth of
	// the build's memory. untranslatedFiles names them, once asked.
	untranslated      map[content.Lang][]*page
	untranslatedFiles map[content.Lang][]string
	// linkProbs are the problems of the links each page kept when it was
	// rendered, found once the site was (checkLinks).
	linkProbs map[*page]content.Problems

	alloc indexAlloc
	// While loading and laying out: the Markdown pages as read, and what
	// laying out needs of their front matter.
	sources []*page
	front   map[*page]frontLines

	slowMu sync.Mutex
	slow   map[*page]time.Duration // pages whose last render took over SlowRender
}

// NewBuilder returns a builder for opts.
func NewBuilder(opts Options) *Builder {
	if opts.Workers <= 0 {
		// More workers than CPUs: a worker waiting on the disk (creating
		// folders is slow on some disks) leaves its CPU to another.
		opts.Workers = 4 * runtime.GOMAXPROCS(0)
	}
	return &Builder{opts: opts, out: newOutput(opts.Out)}
}

// Close removes what a build staged but did not publish. The output
// folder stays as the last build without problems left it.
func (b *Builder) Close() error {
	b.built = nil
	return b.out.discard()
}

// Source returns the content file the page at path is made from, in the
// last build, as problems name it ("content/sv/tolk.md"), so the dev
// server can show a page's problems on it. A build that stopped before it
// laid out the pages (a malformed data file) knows no page: ok is false.
func (b *Builder) Source(path string) (file string, ok bool) {
	s := b.built
	if s == nil {
		return "", false
	}
	p, ok := s.byPath[path]
	if !ok || p.kind != kindMarkdown {
		return "", false
	}
	return s.opts.ContentDir + "/" + p.file(), true
}

// Build does a full build, and publishes it if it found no problem.
func (b *Builder) Build(ctx context.Context) (*Result, error) {
	// From here until the build has finished, the staged files match no
	// state; what an earlier build staged is forgotten, so that only this
	// build's files can be published.
	b.built = nil
	if err := b.out.discard(); err != nil {
		return nil, err
	}
	if err := b.out.check(); err != nil {
		return nil, err
	}
	s, err := load(b.opts)
	if err != nil {
		return nil, err
	}
	s.out = b.out
	files, err := s.renderAll(ctx, s.pages)
	if err != nil {
		return nil, err
	}
	extra, err := s.writeSiteFiles()
	if err != nil {
		return nil, err
	}
	if err := s.checkLinks(); err != nil {
		return nil, err
	}
	if err := b.out.findStale(s.written(extra)); err != nil {
		return nil, err
	}
	b.built = s
	return &Result{Pages: len(s.pages), Rendered: len(s.pages), Files: files + len(extra), Warnings: s.warnings(s.pages), Untranslated: s.untranslatedReport()}, b.publish(s)
}

// publish publishes what is staged if the build's state has no problem,
// and returns the problems otherwise.
func (b *Builder) publish(s *state) error {
	if err := s.problems(); err != nil {
		return err
	}
	return b.out.publish()
}

// Rebuild brings the output up to date after the files in changed (paths
// in the content tree) were edited. An edit to a page's body or
// description re-renders that page alone, if the last build finished;
// anything that could change other pages (the rest of the front matter,
// data, texts, templates, a new or deleted page) rebuilds everything.
func (b *Builder) Rebuild(ctx context.Context, changed []string) (*Result, error) {
	s := b.built
	if s == nil || len(changed) != 1 {
		return b.Build(ctx)
	}
	p, ok := s.pageOfFile(changed[0])
	if !ok {
		return b.Build(ctx)
	}
	file := p.file()
	src, err := fs.ReadFile(s.opts.Content, file)
	if err != nil {
		return b.Build(ctx)
	}
	// Only the body, the description and the sources (which only the
	// page shows) may differ for one page to change alone.
	np, probs := content.ParsePage(file, src)
	if len(probs) > 0 || metaHash(np) != p.meta || len(s.data.Glossary.CheckPage(file, src)) > 0 {
		return b.Build(ctx) // which reports the problems: content.Load checks the glossary
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.built = nil // until the page is written
	p.setSource(np)
	if err := newRenderer(s).render(p, src); err != nil {
		return nil, fmt.Errorf("%s: %w", p.name(), err)
	}
	if err := s.recheckLinks(p); err != nil {
		return nil, err
	}
	b.built = s
	return &Result{Pages: len(s.pages), Rendered: 1, Files: len(p.outFiles()), Warnings: s.warnings([]*page{p}), Untranslated: s.untranslatedReport()}, b.publish(s)
}

// untranslatedReport names the files of s.untranslated. A one-page
// rebuild changes no page's translation (its front matter is as it
// was), so the names are made once per full build.
func (s *state) untranslatedReport() map[content.Lang][]string {
	if s.untranslatedFiles == nil {
		s.untranslatedFiles = make(map[content.Lang][]string, len(s.untranslated))
		for lang, ps := range s.untranslated {
			files := make([]string, len(ps))
			for i, p := range ps {
				files[i] = p.file()
			}
			s.untranslatedFiles[lang] = files
		}
	}
	return s.untranslatedFiles
}

// problems gathers every problem the build has found.
func (s *state) problems() error {
	probs := append(content.Problems(nil), s.siteErr...)
	for _, p := range s.pages {
		probs = append(probs, p.probs...)
		probs = append(probs, s.linkProbs[p]...)
	}
	return probs.Prefix(s.opts.ContentDir).Err()
}

// load reads the content tree and lays out the site: every page, its
// translation, its place in the navigation. It checks first that every
// interface text the build will ask for is there. It keeps of each
// Markdown page's front matter only its entry in the page index.
func load(opts Options) (*state, error) {
	s := &state{opts: opts, drafts: map[string]string{}, draftFiles: map[string]bool{}, front: map[*page]frontLines{}}
	data, err := content.LoadEach(opts.Content, s.addSource)
	if err != nil {
		return nil, prefixErr(err, opts.ContentDir)
	}
	if probs := data.Directory.Expired(time.Now()); len(probs) > 0 {
		return nil, prefixErr(probs.Err(), opts.ContentDir)
	}
	conv, err := content.LoadConvention(opts.Content)
	if err != nil {
		return nil, prefixErr(err, opts.ContentDir)
	}
	if opts.BaseURL != "" {
		data.Settings.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	}
	c, err := chrome.NewFS(opts.Chrome, data.Strings, data.Settings)
	if err != nil {
		return nil, err
	}
	s.data, s.conv, s.chrome = data, conv, c
	if err := s.checkTexts(); err != nil {
		return nil, prefixErr(err, opts.ContentDir)
	}
	s.md = map[content.Lang]goldmark.Markdown{}
	for _, e := range data.Settings.Editions {
		s.md[e.ID] = newMarkdown(e, data.Strings)
	}
	s.layout()
	if err := s.checkFormLayoutTexts(); err != nil {
		return nil, prefixErr(err, opts.ContentDir)
	}
	return s, nil
}

func prefixErr(err error, dir string) error {
	var probs content.Problems
	if errors.As(err, &probs) {
		return probs.Prefix(dir)
	}
	return err
}

// renderAll renders pages in parallel and writes them. It returns how
// many files it wrote. Each page keeps only what checking its links
// needs: the rendered page is on the disk, and its ids are read back
// from there if a link needs them (idsOf).
func (s *state) renderAll(ctx context.Context, pages []*page) (int, error) {
	var (
		wg       sync.WaitGroup
		next     = make(chan *page)
		errMu    sync.Mutex
		firstErr error
	)
	for w := 0; w < s.opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newRenderer(s)
			for p := range next {
				if err := r.render(p, nil); err != nil {
					errMu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("%s: %w", p.name(), err)
					}
					errMu.Unlock()
				}
				p.ids = ""
			}
		}()
	}
	for _, p := range pages {
		if ctx.Err() != nil {
			break
		}
		next <- p
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	files := 0
	for _, p := range pages {
		files += len(p.outFiles())
	}
	return files, nil
}

// written reports whether a full build wrote the output file rel: a
// page's, or one of extra, the site's other files. The stale files are
// the others.
func (s *state) written(extra []string) func(rel string) bool {
	set := make(map[string]bool, len(extra)+1)
	for _, f := range extra {
		set[f] = true
	}
	for _, p := range s.pages {
		if files := p.outFiles(); len(files) > 1 {
			for _, f := range files[1:] {
				set[f] = true
			}
		}
	}
	return func(rel string) bool {
		if set[rel] {
			return true
		}
		path := "/" + rel
		if dir, ok := strings.CutSuffix(rel, "index.html"); ok && (dir == "" || strings.HasSuffix(dir, "/")) {
			path = "/" + dir
		}
		p, ok := s.byPath[path]
		return ok && p.outFiles()[0] == rel
	}
}

// sortPages orders pages as navigation shows them: by order, then by title
// as a reader of the language sorts.
func sortPages(ps []*page, tag string) {
	c := collate.New(language.Make(tag))
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].order != ps[j].order {
			return ps[i].order < ps[j].order
		}
		if d := c.CompareString(ps[i].title, ps[j].title); d != 0 {
			return d < 0
		}
		return ps[i].path < ps[j].path
	})
}
