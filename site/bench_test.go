package site

import (
	"context"
	"testing"
)

// benchBuilder lays out the committed content once, so a benchmark can
// render one of its pages over and over.
func benchBuilder(b *testing.B) *Builder {
	b.Helper()
	builder := NewBuilder(Options{Content: committed, Out: b.TempDir()})
	if err := builder.prepareOut(); err != nil {
		b.Fatal(err)
	}
	if err := builder.load(); err != nil {
		b.Fatal(err)
	}
	return builder
}

// BenchmarkRenderPage renders one Markdown page (the longest parent
// page) and writes it: read, parse, check, render, template, write.
func BenchmarkRenderPage(b *testing.B) {
	builder := benchBuilder(b)
	p := builder.byPath["/sv/samarbetssamtal/"]
	r := newRenderer(builder)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.render(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderArticle renders a generated page: an article of the
// convention, with its section navigation of 54 links.
func BenchmarkRenderArticle(b *testing.B) {
	builder := benchBuilder(b)
	p := builder.byPath["/sv/barnkonventionen/artikel-12/"]
	r := newRenderer(builder)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.render(p); err != nil {
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
