package site

import (
	"fmt"
	"net/mail"
	"path"
	"strings"

	"github.com/yuin/goldmark/ast"

	"familjeratt.example/portal/content"
)

// link is a link from a page to an address on this site, checked once
// every page has been rendered and its headings are known.
type link struct {
	path, frag string
	line       int
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
		p.links = append(p.links, link{path: p.path, frag: dest[1:], line: r.lineOfNode(p, n)})
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
			p.links = append(p.links, link{path: target, frag: frag, line: r.lineOfNode(p, n)})
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

// checkLinks checks every recorded link against the site as built.
func (s *state) checkLinks() content.Problems {
	var probs content.Problems
	for _, p := range s.pages {
		for _, l := range p.links {
			file, line := p.name(), l.line
			target, ok := s.byPath[l.path]
			if !ok {
				switch {
				case s.files[l.path]:
					if l.frag != "" {
						probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf("%s is a file, which has no #%s", l.path, l.frag)})
					}
				case s.drafts[l.path] != "":
					probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
						"the link to %s goes to a draft (%s): it is not published", l.path, s.drafts[l.path])})
				default:
					probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
						"the link to %s goes nowhere: no page has that address%s", l.path, suggest(s, l.path))})
				}
				continue
			}
			if l.frag != "" && !target.ids.has(l.frag) {
				what := "that page has"
				if target == p {
					what = "this page has"
				}
				probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
					"the link to %s#%s goes nowhere: %s no heading with the address #%s%s", l.path, l.frag, what, l.frag, suggestID(target, l.frag))})
			}
		}
	}
	return probs
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

func suggestID(p *page, bad string) string {
	best, bestD := "", 4
	for _, id := range p.ids.all() {
		if d := content.EditDistance(bad, id); d < bestD || d == bestD && id < best {
			best, bestD = id, d
		}
	}
	if best == "" {
		return ""
	}
	return "; did you mean #" + best + "?"
}
