package site

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unique"

	"github.com/yuin/goldmark/ast"

	"familjeratt.example/portal/content"
)

// link is a link from a page to this site that can be checked only once
// the whole site is rendered: to a heading on another page, whose ids are
// known once that page is, or to an address no page has, which may be a
// file (known once the site's files are written) or a draft. A link to a
// page without a heading is checked as the page is rendered, against the
// index of pages, and so is a link to a heading on the page itself:
// neither is kept.
type link struct {
	to *page // the page linked to; nil when no page has the address
	// ref is the heading on to; or, when to is nil, the address and its
	// heading as written. Each is held once, however many pages link to
	// it.
	ref  unique.Handle[string]
	line int32
}

// parts returns the address a link goes to and the heading it asks for.
func (l link) parts() (path, frag string) {
	if l.to != nil {
		return l.to.path, l.ref.Value()
	}
	path, frag, _ = strings.Cut(l.ref.Value(), "#")
	return path, frag
}

// idSet is a page's ids, each followed by a space, the first preceded by one.
type idSet string

func (s idSet) has(id string) bool {
	return id != "" && !strings.ContainsAny(id, " ") && strings.Contains(string(s), " "+id+" ")
}

func (s idSet) all() []string { return strings.Fields(string(s)) }

// checkLink checks one link's address as written, and records links to
// this site for checking once all pages are known.
func (r *pageRenderer) checkLink(p *page, n ast.Node, dest string, image bool, problem func(ast.Node, string, ...any)) {
	lang := string(p.lang)
	switch {
	case dest == "":
		problem(n, "a link has no address")
	case strings.HasPrefix(dest, "#"):
		r.selfLinks = append(r.selfLinks, selfLink{frag: dest[1:], line: r.lineOfNode(p, n)})
	case strings.HasPrefix(dest, "//"):
		problem(n, "%s: write the address in full, starting with https://", dest)
	case strings.HasPrefix(dest, "/"):
		target, frag, _ := strings.Cut(dest, "#")
		switch {
		case strings.ContainsAny(target, "?"):
			problem(n, "%s: addresses on this site have no ?-part", dest)
		case image && !strings.HasPrefix(target, "/media/"):
			problem(n, "%s: images must be in the media folder (content/media/) and linked as /media/…", dest)
		case path.Ext(target) == "" && !strings.HasSuffix(target, "/"):
			problem(n, "%s: end the address with a slash: %s/", dest, target)
		default:
			r.siteLink(p, target, frag, r.lineOfNode(p, n))
		}
	case image:
		problem(n, "%s: images must be stored on this site, in content/media/; a picture from another site would tell that site who is reading", dest)
	case strings.HasPrefix(dest, "https://"):
	case strings.HasPrefix(dest, "http://"):
		problem(n, "%s: link with https:// so the connection is encrypted", dest)
	case strings.HasPrefix(dest, "mailto:"):
		addr, _, _ := strings.Cut(strings.TrimPrefix(dest, "mailto:"), "?")
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			problem(n, "%s: %q is not an e-mail address", dest, addr)
		}
	case strings.HasPrefix(dest, "tel:"):
		if num := strings.TrimPrefix(dest, "tel:"); !content.IsPhone(num) || strings.ContainsAny(num, " -") {
			problem(n, "%s: write the number's digits only, like tel:020505050", dest)
		}
	default:
		problem(n, "%s: write addresses on this site from the root, like /%s/samarbetssamtal/, or other sites in full, starting with https://", dest, lang)
	}
}

// selfLink is a link to a heading on the page itself, checked once the
// page is rendered.
type selfLink struct {
	frag string
	line int
}

// siteLink checks a link to an address on this site against the index of
// pages, which is complete before any page is rendered, and keeps what
// can be checked only later.
func (r *pageRenderer) siteLink(p *page, target, frag string, line int) {
	q, ok := r.s.byPath[target]
	switch {
	case ok && q == p && frag != "":
		r.selfLinks = append(r.selfLinks, selfLink{frag: frag, line: line})
	case ok && frag == "":
		// The page exists, and no heading is asked for.
	case ok:
		r.links = append(r.links, link{to: q, ref: unique.Make(frag), line: int32(line)})
	default:
		r.links = append(r.links, link{ref: unique.Make(target + "#" + frag), line: int32(line)})
	}
}

// checkSelfLinks checks the links to headings on the page itself, once
// its ids are known.
func (r *pageRenderer) checkSelfLinks(p *page, ids idSet) {
	for _, l := range r.selfLinks {
		if l.frag != "" && !ids.has(l.frag) {
			p.probs = append(p.probs, noHeading(p.name(), l.line, p.path, l.frag, "this page has", ids))
		}
	}
}

// noHeading is the problem of a link to a heading that is not on the
// page linked to, whose ids are ids.
func noHeading(file string, line int, path, frag, what string, ids idSet) content.Problem {
	return content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
		"the link to %s#%s goes nowhere: %s no heading with the address #%s%s", path, frag, what, frag, suggestID(ids, frag))}
}

// checkLinks checks the links every page kept when it was rendered, once
// the whole site and its files are written, and keeps the problems for
// [state.problems].
func (s *state) checkLinks() error {
	s.linkProbs = make(map[*page]content.Problems)
	for _, p := range s.pages {
		if err := s.checkPageLinks(p); err != nil {
			return err
		}
	}
	return nil
}

// recheckLinks checks again, after p alone was rendered again, the links
// its render kept and the links of every page to a heading on it.
func (s *state) recheckLinks(p *page) error {
	if err := s.checkPageLinks(p); err != nil {
		return err
	}
	for _, q := range s.pages {
		if q == p {
			continue
		}
		for _, l := range q.links {
			if l.to == p {
				if err := s.checkPageLinks(q); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

// checkPageLinks checks the links p kept.
func (s *state) checkPageLinks(p *page) error {
	delete(s.linkProbs, p)
	var probs content.Problems
	for _, l := range p.links {
		file, line := p.name(), int(l.line)
		path, frag := l.parts()
		if l.to == nil {
			switch {
			case s.files[path]:
				if frag != "" {
					probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf("%s is a file, which has no #%s", path, frag)})
				}
			case s.drafts[path] != "":
				probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
					"the link to %s goes to a draft (%s): it is not published", path, s.drafts[path])})
			default:
				probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
					"the link to %s goes nowhere: no page has that address%s", path, suggest(s, path))})
			}
			continue
		}
		ids, err := s.idsOf(l.to)
		if err != nil {
			return err
		}
		if !ids.has(frag) {
			probs = append(probs, noHeading(file, line, path, frag, "that page has", ids))
		}
	}
	if len(probs) > 0 {
		s.linkProbs[p] = probs
	}
	return nil
}

// idsOf returns the ids on the page q as it was rendered. A build keeps
// the ids only of pages that links point to: it reads the others' from
// the page as written (staged, or unchanged in the output), once.
func (s *state) idsOf(q *page) (idSet, error) {
	if q.ids != "" {
		return q.ids, nil
	}
	rel := filepath.FromSlash(q.outFiles()[0])
	html, err := os.ReadFile(filepath.Join(s.out.stage, rel))
	if errors.Is(err, fs.ErrNotExist) {
		html, err = os.ReadFile(filepath.Join(s.out.dir, rel))
	}
	if err != nil {
		return "", fmt.Errorf("%s: reading its ids back: %w", q.name(), err)
	}
	var b strings.Builder
	b.WriteByte(' ')
	eachID(html, func(id []byte) {
		b.Write(id)
		b.WriteByte(' ')
	})
	q.ids = idSet(b.String())
	return q.ids, nil
}

// eachID calls f with each id="…" on a rendered page, in order.
func eachID(html []byte, f func(id []byte)) {
	for rest := html; ; {
		i := bytes.Index(rest, []byte(` id="`))
		if i < 0 {
			return
		}
		rest = rest[i+5:]
		j := bytes.IndexByte(rest, '"')
		if j < 0 {
			return
		}
		f(rest[:j])
		rest = rest[j:]
	}
}

// suggest names the page whose address is closest to a broken one.
func suggest(s *state, bad string) string {
	best, bestD := "", 4
	for path := range s.byPath {
		if d := content.EditDistance(bad, path); d < bestD || d == bestD && path < best {
			best, bestD = path, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean " + best + "?"
}

func suggestID(ids idSet, bad string) string {
	best, bestD := "", 4
	for _, id := range ids.all() {
		if d := content.EditDistance(bad, id); d < bestD || d == bestD && id < best {
			best, bestD = id, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean #" + best + "?"
}
