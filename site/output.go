package site

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site/chrome"
)

// marker marks a folder as the generator's output, so a rebuild may
// delete files in it that no longer belong to the site.
const marker = ".portal-site"

// output is the output folder and its staging folder. A build writes only
// into the staging folder, and only what differs from the output; the
// output changes when a build has found no problem, by [output.publish],
// which moves the staged files in and removes the stale ones. So a build
// with a problem leaves the published site exactly as it was, and a good
// build writes each changed file once.
type output struct {
	dir   string // the output folder
	stage string // beside it, so a staged file moves in by rename

	mu     sync.Mutex
	staged map[string]bool // files in stage, relative to it
	// stale are the output's files that the last full build did not
	// write, for the next publish to remove.
	stale []string
	// empty says the output folder was missing or empty when the build
	// began: every file is staged, none is compared, none is recorded in
	// staged, and publish moves the staging folder in whole.
	empty bool
}

func newOutput(dir string) *output {
	clean := filepath.Clean(dir)
	return &output{
		dir:    dir,
		stage:  filepath.Join(filepath.Dir(clean), "."+filepath.Base(clean)+".staging"),
		staged: map[string]bool{},
	}
}

// check makes sure the output folder is ours to write in: missing,
// empty, or marked by an earlier build. It will not fill a folder of
// someone else's files. It changes nothing.
func (o *output) check() error {
	if o.dir == "" {
		return errors.New("no output folder given")
	}
	entries, err := os.ReadDir(o.dir)
	o.empty = false
	switch {
	case errors.Is(err, fs.ErrNotExist):
		o.empty = true
	case err != nil:
		return err
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(o.dir, marker)); err != nil {
			return fmt.Errorf("%s is not empty and was not made by this generator: choose another output folder", o.dir)
		}
	default:
		o.empty = true
	}
	return nil
}

// write stages one output file, unless the output already holds exactly
// these bytes: an unchanged page keeps its time, so `aws s3 sync` uploads
// only what changed, and on most disks reading is cheaper than writing.
func (o *output) write(rel string, data []byte) error {
	if !o.empty && holds(filepath.Join(o.dir, filepath.FromSlash(rel)), data) {
		return o.unchanged(rel)
	}
	if err := writeFile(filepath.Join(o.stage, filepath.FromSlash(rel)), data); err != nil {
		return err
	}
	if o.empty {
		return nil // publish moves the whole folder
	}
	o.mu.Lock()
	o.staged[rel] = true
	o.mu.Unlock()
	return nil
}

// readBufs are buffers for holds, one per page being written at once.
var readBufs = sync.Pool{New: func() any { return new([]byte) }}

// holds reports whether the file name holds exactly data. It reads the
// file only when it is data's size, into a buffer kept for the next
// page: a warm build of a large site compares every page.
func holds(name string, data []byte) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || info.Size() != int64(len(data)) {
		return false
	}
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	if cap(*bp) < len(data)+1 {
		*bp = make([]byte, len(data)+1)
	}
	buf := (*bp)[:len(data)+1] // one more, to see the file end
	n, err := io.ReadFull(f, buf)
	return (err == io.ErrUnexpectedEOF || err == io.EOF) && n == len(data) && bytes.Equal(buf[:n], data)
}

// unchanged forgets a staged rel: the output already holds its bytes.
func (o *output) unchanged(rel string) error {
	o.mu.Lock()
	wasStaged := o.staged[rel]
	delete(o.staged, rel)
	o.mu.Unlock()
	if wasStaged {
		// An earlier, unpublished build changed it; this one
		// changed it back.
		return removeFile(filepath.Join(o.stage, filepath.FromSlash(rel)))
	}
	return nil
}

// writeStream is write for a file too large to hold in memory, such as
// a sitemap of 50,000 addresses: fill writes it through w. It is called
// once to compare with the output's file and, if that differs, again to
// stage it, so it must write the same bytes each time. Errors of w show
// when it is flushed; fill need not check them.
func (o *output) writeStream(rel string, fill func(w *bufio.Writer)) error {
	if sameFile(filepath.Join(o.dir, filepath.FromSlash(rel)), fill) {
		return o.unchanged(rel)
	}
	name := filepath.Join(o.stage, filepath.FromSlash(rel))
	f, err := os.Create(name)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		f, err = os.Create(name)
	}
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	fill(w)
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	o.mu.Lock()
	o.staged[rel] = true
	o.mu.Unlock()
	return nil
}

// sameFile reports whether fill writes exactly the bytes of the file
// name, reading the file as fill writes, a buffer at a time.
func sameFile(name string, fill func(w *bufio.Writer)) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	c := &compareWriter{old: bufio.NewReaderSize(f, 64<<10)}
	w := bufio.NewWriterSize(c, 64<<10)
	fill(w) // once it differs, w drops the rest
	if w.Flush() != nil {
		return false
	}
	_, err = c.old.ReadByte()
	return err == io.EOF // and not longer than what fill wrote
}

// compareWriter fails the first write that differs from old.
type compareWriter struct {
	old *bufio.Reader
	buf []byte
}

var errDiffers = errors.New("differs")

func (c *compareWriter) Write(p []byte) (int, error) {
	if cap(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	b := c.buf[:len(p)]
	if _, err := io.ReadFull(c.old, b); err != nil || !bytes.Equal(b, p) {
		return 0, errDiffers
	}
	return len(p), nil
}

// findStale records the output's files that a full build did not write,
// for the next publish to remove, so a deleted page disappears from the
// site.
func (o *output) findStale(written func(rel string) bool) error {
	o.stale = o.stale[:0]
	err := filepath.WalkDir(o.dir, func(name string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && name == o.dir {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(o.dir, name)
		rel = filepath.ToSlash(rel)
		if rel != marker && !written(rel) {
			o.stale = append(o.stale, rel)
		}
		return nil
	})
	return err
}

// publish moves the staged files into the output and removes the stale
// ones. Each file is replaced by a rename, so a reader of the output sees
// a page either as it was or as it is now, never half written.
func (o *output) publish() error {
	if o.empty {
		// Nothing to replace: the staging folder becomes the output, in
		// one rename instead of one per file. If it cannot (the output
		// folder is a mount point), the files move one by one.
		if err := os.Remove(o.dir); err == nil || errors.Is(err, fs.ErrNotExist) {
			if os.Rename(o.stage, o.dir) == nil {
				o.empty = false
				clear(o.staged)
				o.stale = o.stale[:0]
				return o.writeMarker()
			}
		}
		if err := o.findStaged(); err != nil {
			return err
		}
		o.empty = false
	}
	if err := os.MkdirAll(o.dir, 0o755); err != nil {
		return err
	}
	if err := o.writeMarker(); err != nil {
		return err
	}
	rels := make([]string, 0, len(o.staged))
	for rel := range o.staged {
		rels = append(rels, rel)
	}
	sort.Strings(rels)
	for _, rel := range rels {
		from, to := filepath.Join(o.stage, filepath.FromSlash(rel)), filepath.Join(o.dir, filepath.FromSlash(rel))
		if err := moveFile(from, to); err != nil {
			return err
		}
		delete(o.staged, rel)
	}
	for _, rel := range o.stale {
		if err := removeFile(filepath.Join(o.dir, filepath.FromSlash(rel))); err != nil {
			return err
		}
	}
	o.stale = o.stale[:0]
	return os.RemoveAll(o.stage)
}

func (o *output) writeMarker() error {
	return os.WriteFile(filepath.Join(o.dir, marker), []byte("This folder is generated by the portal's site generator; it deletes files here that the site no longer has.\n"), 0o644)
}

// findStaged records every file in the staging folder as staged, for a
// build into an empty output folder, which does not record them as it
// writes them.
func (o *output) findStaged() error {
	err := filepath.WalkDir(o.stage, func(name string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && name == o.stage {
			return fs.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(o.stage, name)
		o.staged[filepath.ToSlash(rel)] = true
		return nil
	})
	return err
}

// discard forgets what is staged: the output stays as it is.
func (o *output) discard() error {
	clear(o.staged)
	o.stale = o.stale[:0]
	return os.RemoveAll(o.stage)
}

// writeFile writes a file, making its folder when it is missing.
func writeFile(name string, data []byte) error {
	err := os.WriteFile(name, data, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		err = os.WriteFile(name, data, 0o644)
	}
	return err
}

// moveFile renames from over to, making to's folder when it is missing.
// Across file systems (an output folder that is a mount point) it copies
// to a temporary name beside to and renames that.
func moveFile(from, to string) error {
	err := os.Rename(from, to)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		err = os.Rename(from, to)
	}
	if err == nil || !errors.Is(err, syscall.EXDEV) {
		return err
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	tmp := to + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, to)
}

func removeFile(name string) error {
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// outFiles are the files a page is written to, relative to the output
// folder.
func (p *page) outFiles() []string {
	if p.path == "/"+string(content.SV)+"/" {
		// The site's root shows the Swedish start page; its canonical
		// link says where the page really lives.
		return []string{outFile(p.path), "index.html"}
	}
	return []string{outFile(p.path)}
}

// outFile is where a page's address is written: /sv/avtal/ becomes
// sv/avtal/index.html.
func outFile(path string) string {
	if strings.HasSuffix(path, "/") {
		return strings.TrimPrefix(path, "/") + "index.html"
	}
	return strings.TrimPrefix(path, "/")
}

// writeSiteFiles writes what is not a page: assets, media, the sitemap,
// robots.txt and the headers file. It returns the files written.
func (s *state) writeSiteFiles() ([]string, error) {
	var written []string
	put := func(rel string, data []byte) error {
		written = append(written, rel)
		s.files["/"+rel] = true
		return s.out.write(rel, data)
	}
	putStream := func(rel string, fill func(w *bufio.Writer)) error {
		written = append(written, rel)
		s.files["/"+rel] = true
		return s.out.writeStream(rel, fill)
	}
	for _, url := range s.chrome.Assets.Files() {
		data, _ := s.chrome.Assets.File(url)
		if err := put(strings.TrimPrefix(url, "/"), data); err != nil {
			return nil, err
		}
	}
	if err := fs.WalkDir(s.opts.Content, "media", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(s.opts.Content, name)
		if err != nil {
			return err
		}
		return put(name, data)
	}); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	base := s.data.Settings.BaseURL
	// robots.txt names /sitemap.xml whether it is the list or the index.
	if err := put("robots.txt", []byte("User-agent: *\nDisallow: /api/\n\nSitemap: "+base+"/sitemap.xml\n")); err != nil {
		return nil, err
	}
	if err := put("_headers", chrome.HeadersFile()); err != nil {
		return nil, err
	}
	return written, s.writeSitemaps(putStream)
}

// sitemapURLs and sitemapBytes are the most one sitemap file may hold:
// the sitemaps protocol (sitemaps.org) allows 50,000 addresses and 50 MB
// uncompressed. Variables, so that a test can split a small site.
var (
	sitemapURLs  = 50000
	sitemapBytes = 50 << 20
)

const (
	urlsetHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">` + "\n"
	urlsetTail = "</urlset>\n"
)

// writeSitemaps writes /sitemap.xml, which lists every page with its
// translation, as search engines read hreflang alternates. A site with
// more than one file can hold gets /sitemap-1.xml, /sitemap-2.xml, …
// instead, and /sitemap.xml becomes their index. Each file is streamed,
// so no more than a page's entry is ever held at once.
func (s *state) writeSitemaps(put func(rel string, fill func(w *bufio.Writer)) error) error {
	paths := make([]string, 0, len(s.byPath))
	for path, p := range s.byPath {
		if p.kind != kindNotFound {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)
	ends := s.splitSitemap(paths)
	if len(ends) == 1 {
		return put("sitemap.xml", func(w *bufio.Writer) { s.urlset(w, paths) })
	}
	start := 0
	for i, end := range ends {
		part := paths[start:end]
		if err := put(sitemapPart(i), func(w *bufio.Writer) { s.urlset(w, part) }); err != nil {
			return err
		}
		start = end
	}
	base := s.data.Settings.BaseURL
	return put("sitemap.xml", func(w *bufio.Writer) {
		w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
		w.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
		for i := range ends {
			w.WriteString("<sitemap><loc>")
			template.HTMLEscape(w, []byte(base+"/"+sitemapPart(i)))
			w.WriteString("</loc></sitemap>\n")
		}
		w.WriteString("</sitemapindex>\n")
	})
}

// sitemapPart is the file of the index's i-th sitemap, from 0.
func sitemapPart(i int) string { return "sitemap-" + strconv.Itoa(i+1) + ".xml" }

// splitSitemap says where each sitemap file's addresses end in paths:
// a file is full at sitemapURLs entries, or when the next entry would
// take it past sitemapBytes.
func (s *state) splitSitemap(paths []string) []int {
	var (
		ends  []int
		entry bytes.Buffer
		n     int
		size  = len(urlsetHead) + len(urlsetTail)
	)
	for i, path := range paths {
		entry.Reset()
		s.sitemapEntry(&entry, path)
		if n > 0 && (n == sitemapURLs || size+entry.Len() > sitemapBytes) {
			ends = append(ends, i)
			n, size = 0, len(urlsetHead)+len(urlsetTail)
		}
		n++
		size += entry.Len()
	}
	return append(ends, len(paths))
}

// urlset writes one sitemap file listing paths.
func (s *state) urlset(w *bufio.Writer, paths []string) {
	w.WriteString(urlsetHead)
	for _, path := range paths {
		s.sitemapEntry(w, path)
	}
	w.WriteString(urlsetTail)
}

// sitemapEntry writes a page's <url> entry. w is a buffer, whose errors
// show when it is flushed.
func (s *state) sitemapEntry(w interface {
	io.Writer
	io.StringWriter
}, path string) {
	p := s.byPath[path]
	base := s.data.Settings.BaseURL
	w.WriteString("<url><loc>")
	template.HTMLEscape(w, []byte(base+path))
	w.WriteString("</loc>")
	if len(p.versions) > 1 {
		// One alternate per language: an easy-to-read edition is not
		// listed beside the edition it shares its language with.
		eds := s.data.Settings.Editions
		for _, e := range eds {
			q := p.versions.in(e.ID)
			if q == nil || !eds.HreflangOwner(e.ID) {
				continue
			}
			w.WriteString(`<xhtml:link rel="alternate" hreflang="` + e.Tag + `" href="`)
			template.HTMLEscape(w, []byte(base+q.path))
			w.WriteString(`"/>`)
		}
	}
	w.WriteString("</url>\n")
}
