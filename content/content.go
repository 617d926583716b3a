// Package content holds the portal's content tree and is the one place that
// reads and checks its data: the portal settings, the offices and the
// municipalities they serve, the interface texts, and the front matter of
// every page. The site generator and the intake function both load their
// data through this package, so the contact details a parent reads and the
// routing the function uses come from the same files and the same rules.
//
// The format is specified for editors in the doc comment of package site.
// Every check reports a [Problem] naming the file and line to fix.
package content

import (
	"crypto/x509"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// DataFiles are the content tree's data, as committed: the settings, the
// municipalities, the offices and their certificates, the interface
// texts, and the portal's signing certificate. They are built into the intake function, so it carries the same
// offices the site publishes; the pages are not, so that no page can stop
// the function from starting.
//
//go:embed site.yaml kommuner.tsv i18n offices signing.pem
var DataFiles embed.FS

// Problem is one thing an editor must fix, at a place in a file.
type Problem struct {
	File string // slash-separated, relative to the content tree's root
	Line int    // 1-based; 0 when the problem concerns the whole file
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Problems is a list of problems; it is an error when it is not empty.
type Problems []Problem

// Error lists the problems in order of file and line, one a line. It
// leaves ps as it is.
func (ps Problems) Error() string {
	sorted := append(Problems(nil), ps...)
	sorted.Sort()
	var b strings.Builder
	for i, p := range sorted {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Sort orders problems by file and line, so reports are stable.
func (ps Problems) Sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Msg < ps[j].Msg
	})
}

// Err returns ps as an error, or nil when there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	ps.Sort()
	return ps
}

// Prefix returns the problems with dir joined in front of each file name,
// so a command can report paths relative to where the editor stands.
func (ps Problems) Prefix(dir string) Problems {
	if dir == "" || dir == "." {
		return ps
	}
	out := make(Problems, len(ps))
	for i, p := range ps {
		p.File = strings.TrimSuffix(dir, "/") + "/" + p.File
		out[i] = p
	}
	return out
}

// Data is everything in a content tree except the Markdown bodies.
type Data struct {
	Settings  *Settings
	Directory *Directory
	Strings   *Strings
	Signing   *x509.Certificate // the portal's own, that signs messages to offices
	Pages     []*Page           // nil when loaded by [LoadData]
	Glossary  *Glossary         // nil when loaded by [LoadData], or when the tree has no glossary.yaml
	// Statistics are the published yearly exports, newest first; nil
	// when loaded by [LoadData].
	Statistics []*Statistics
}

// Load reads and checks a whole content tree, and checks the texts of its
// pages and data against its glossary. It returns every problem it
// finds, not only the first, as [Problems].
func Load(fsys fs.FS) (*Data, error) { return LoadEach(fsys, nil) }

// LoadEach is Load for a site too large to hold every page's front
// matter at once: it gives each page to each as it reads them, in the
// order of their files, from one goroutine, and leaves Data.Pages nil.
// It checks exactly what Load checks. When it returns problems, each
// may have been given some pages first: the caller discards them.
// A nil each is Load.
func LoadEach(fsys fs.FS, each func(*Page)) (*Data, error) {
	d, probs := loadData(fsys)
	glossary, err := LoadGlossary(fsys)
	probs = appendErr(probs, err)
	pages, err := loadPages(fsys, glossary, each)
	probs = appendErr(probs, err)
	probs = append(probs, glossary.checkData(fsys)...)
	stats, err := LoadStatistics(fsys, d.Directory)
	probs = appendErr(probs, err)
	if len(probs) > 0 {
		return nil, probs.Err()
	}
	d.Pages, d.Glossary, d.Statistics = pages, glossary, stats
	return d, nil
}

// LoadData reads and checks the data of a content tree, leaving its pages
// alone: what the intake function uses.
func LoadData(fsys fs.FS) (*Data, error) {
	d, probs := loadData(fsys)
	if len(probs) > 0 {
		return nil, probs.Err()
	}
	return d, nil
}

func loadData(fsys fs.FS) (*Data, Problems) {
	var probs Problems
	settings, err := LoadSettings(fsys)
	probs = appendErr(probs, err)
	dir, err := LoadDirectory(fsys)
	probs = appendErr(probs, err)
	strs, err := LoadStrings(fsys)
	probs = appendErr(probs, err)
	signing, err := LoadSigning(fsys)
	probs = appendErr(probs, err)
	return &Data{Settings: settings, Directory: dir, Strings: strs, Signing: signing}, probs
}

// appendErr adds err's problems to ps; an error that is not Problems
// becomes one problem without a place.
func appendErr(ps Problems, err error) Problems {
	if err == nil {
		return ps
	}
	if more, ok := err.(Problems); ok {
		return append(ps, more...)
	}
	return append(ps, Problem{File: ".", Msg: err.Error()})
}
