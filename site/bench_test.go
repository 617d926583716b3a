package site

import (
	"context"
	"strings"
	"testing"
)

// benchState lays out the committed content once, so a benchmark can
// render one of its pages over and over.
func benchState(b *testing.B) *state {
	b.Helper()
	opts := Options{Content: committed, Out: b.TempDir()}
	s, err := load(opts)
	if err != nil {
		b.Fatal(err)
	}
	s.out = newOutput(opts.Out)
	b.Cleanup(func() { s.out.discard() })
	return s
}

// BenchmarkRenderPage renders one Markdown page (the longest parent
// page) and writes it: read, parse, check, render, template, write.
func BenchmarkRenderPage(b *testing.B) {
	s := benchState(b)
	p := s.byPath["/sv/samarbetssamtal/"]
	r := newRenderer(s)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.render(p, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderArticle renders a generated page: an article of the
// convention, with its section navigation of 54 links.
func BenchmarkRenderArticle(b *testing.B) {
	s := benchState(b)
	p := s.byPath["/sv/barnkonventionen/artikel-12/"]
	r := newRenderer(s)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.render(p, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildSite builds the whole committed site.
func BenchmarkBuildSite(b *testing.B) {
	out := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		res, _ := Build(context.Background(), Options{Content: committed, Out: out})
		if res == nil || res.Pages < 100 {
			b.Fatal("the site did not build")
		}
		b.ReportMetric(float64(res.Pages), "pages")
	}
}

// BenchmarkIdenticalHeadings renders one page of 20,000 identical
// headings the way a build does (read, parse, ids, check, render,
// template, write): pasted minutes repeat "## Avsnitt", and the ids must
// not make such a page quadratic. The target is under 1 s a page.
func BenchmarkIdenticalHeadings(b *testing.B) {
	const headings = 20000
	src := fixtureFile(b, "sv/hur.md")
	fm := src[:strings.Index(src[4:], "---\n")+8]
	fsys := testContent(b, map[string]string{"sv/hur.md": fm + strings.Repeat("## Avsnitt\n\n", headings)})
	opts := Options{Content: fsys, ContentDir: "content", Out: b.TempDir()}
	s, err := load(opts)
	if err != nil {
		b.Fatal(err)
	}
	s.out = newOutput(opts.Out)
	b.Cleanup(func() { s.out.discard() })
	p := s.byPath["/sv/hur/"]
	r := newRenderer(s)
	for b.Loop() {
		if err := r.render(p, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/page")
	for _, pr := range p.probs {
		if strings.Contains(pr.Msg, "twice") {
			b.Fatalf("ids not unique: %s", pr)
		}
	}
	if n := strings.Count(string(p.ids), " avsnitt"); n != headings {
		b.Fatalf("the page has %d heading ids, want %d", n, headings)
	}
}
