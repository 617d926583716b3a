package site

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
)

// snapshot records every file under dir with its bytes and time, to tell
// whether a build changed anything at all.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, name)
		files[filepath.ToSlash(rel)] = fmt.Sprintf("%x %s", data, info.ModTime())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: %s was removed", what, name)
		} else if got[name] != want[name] {
			t.Errorf("%s: %s changed", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s was added", what, name)
		}
	}
}

func isProblem(err error) bool {
	var probs content.Problems
	return errors.As(err, &probs)
}

// TestProblemLeavesOutput: a build that finds a problem leaves the output
// folder exactly as it was, and leaves nothing staged beside it; the
// build after the fix publishes everything.
func TestProblemLeavesOutput(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		file string // edited to have a problem
		old  string
		new  string
	}{
		{"broken link", "sv/avtal.md", "Skriv.", "Skriv, [läs](/sv/finns-inte/)."},
		{"broken front matter", "sv/avtal.md", "title: Avtal", "titel: Avtal"},
		{"broken office file", "offices/torsas.yaml", "municipalities:", "kommuner: [\"0834\"]\nmunicipalities:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, b := rebuildTree(t, Options{})
			out := b.opts.Out
			if _, err := Build(ctx, b.opts); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, out)
			// Another page changes too: a build with a problem
			// publishes none of its pages, not only not the broken one.
			editFile(t, dir, "sv/hur.md", "Nej.", "Nej, det kostar inget.")
			editFile(t, dir, tt.file, tt.old, tt.new)
			if _, err := Build(ctx, b.opts); !isProblem(err) {
				t.Fatalf("the broken content: got %v, want its problems", err)
			}
			sameFiles(t, "after a build with a problem", snapshot(t, out), before)
			if _, err := os.Stat(b.out.stage); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the staging folder %s is left behind (%v)", b.out.stage, err)
			}

			editFile(t, dir, tt.file, tt.new, tt.old)
			if _, err := Build(ctx, b.opts); err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(filepath.Join(out, "sv", "hur", "index.html"))
			if err != nil || !strings.Contains(string(page), "Nej, det kostar inget.") {
				t.Errorf("after the fix, sv/hur/ does not show the edit (%v)", err)
			}
		})
	}
}

// TestBuilderPublishesOnlyClean follows an editor's saves in the dev
// server: a save with a problem changes nothing that is served; the save
// that fixes it publishes every change made meanwhile, deleted pages
// included.
func TestBuilderPublishesOnlyClean(t *testing.T) {
	ctx := context.Background()
	dir, b := rebuildTree(t, Options{})
	defer b.Close()
	out := b.opts.Out
	for name, text := range map[string]string{
		"sv/mer.md":  "---\ntitle: Mer\ndescription: Mer.\n---\nMer.\n",
		"en/more.md": "---\ntitle: More\ndescription: More.\ntranslation: mer.md\n---\nMore.\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Build(ctx); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)

	// 1. A broken link in one page's body: re-rendered alone, not
	// published.
	editFile(t, dir, "sv/hur.md", "Nej.", "Nej, [läs](/sv/finns-inte/).")
	if _, err := b.Rebuild(ctx, []string{"sv/hur.md"}); !isProblem(err) {
		t.Fatalf("the broken link: got %v, want its problem", err)
	}
	sameFiles(t, "after saving a broken link", snapshot(t, out), before)

	// 2. Meanwhile a page is deleted: still served until the site is
	// good again.
	for _, name := range []string{"sv/mer.md", "en/more.md"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Rebuild(ctx, []string{"sv/mer.md", "en/more.md"}); !isProblem(err) {
		t.Fatalf("still the broken link: got %v", err)
	}
	sameFiles(t, "after deleting a page while a link is broken", snapshot(t, out), before)

	// 3. The fix, a body edit: published with everything before it.
	editFile(t, dir, "sv/hur.md", "Nej, [läs](/sv/finns-inte/).", "Nej, det kostar inget.")
	res, err := b.Rebuild(ctx, []string{"sv/hur.md"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rendered != 1 {
		t.Errorf("the fix rendered %d pages, want the one page", res.Rendered)
	}
	after := snapshot(t, out)
	if _, ok := after["sv/mer/index.html"]; ok {
		t.Errorf("the deleted page is still published after the fix")
	}
	if page, err := os.ReadFile(filepath.Join(out, "sv", "hur", "index.html")); err != nil || !strings.Contains(string(page), "Nej, det kostar inget.") {
		t.Errorf("the fixed page is not published (%v)", err)
	}
	if _, err := os.Stat(b.out.stage); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the staging folder %s is left behind after publishing (%v)", b.out.stage, err)
	}
}

// TestFirstBuildWithProblem: a first build that fails creates no output
// folder, so nothing half-built can be served or uploaded.
func TestFirstBuildWithProblem(t *testing.T) {
	dir, b := rebuildTree(t, Options{})
	out := filepath.Join(t.TempDir(), "public")
	b.opts.Out = out
	editFile(t, dir, "sv/avtal.md", "Skriv.", "Skriv, [läs](/sv/finns-inte/).")
	if _, err := Build(context.Background(), b.opts); !isProblem(err) {
		t.Fatalf("got %v, want the problem", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the output folder exists after a first build with a problem (%v)", err)
	}
}

// TestWriteStream: a streamed file is staged only when its bytes differ
// from the output's, however they differ, and is published whole.
func TestWriteStream(t *testing.T) {
	long := strings.Repeat("<url>…</url>\n", 20000) // past the buffers
	tests := []struct {
		name, old, new string
		staged         bool
	}{
		{"same", long, long, false},
		{"missing", "", long, true},
		{"longer", long, long + "x", true},
		{"shorter", long, long[:len(long)-1], true},
		{"one byte differs", long, long[:100] + "X" + long[101:], true},
		{"emptied", "\x00", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "public")
			o := newOutput(dir)
			defer o.discard()
			if tt.old != "" {
				if err := writeFile(filepath.Join(dir, "sitemap.xml"), []byte(tt.old)); err != nil {
					t.Fatal(err)
				}
			}
			if err := o.writeStream("sitemap.xml", func(w *bufio.Writer) { w.WriteString(tt.new) }); err != nil {
				t.Fatal(err)
			}
			if got := o.staged["sitemap.xml"]; got != tt.staged {
				t.Errorf("staged: got %v, want %v", got, tt.staged)
			}
			if err := o.publish(); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(filepath.Join(dir, "sitemap.xml")); string(got) != tt.new {
				t.Errorf("published %d bytes, want %d", len(got), len(tt.new))
			}
		})
	}
}

// sitemapEntry is one <url> of a sitemap, as a search engine reads it.
type sitemapURL struct {
	Loc   string `xml:"loc"`
	Links []struct {
		Lang string `xml:"hreflang,attr"`
		Href string `xml:"href,attr"`
	} `xml:"http://www.w3.org/1999/xhtml link"`
}

// readSitemap reads a sitemap file or index, checking it is well-formed
// XML, and returns its root element's name and the addresses it lists.
func readSitemap(t *testing.T, name string) (root string, urls []sitemapURL, parts []string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for d := xml.NewDecoder(bytes.NewReader(data)); ; {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s is not well-formed: %v", name, err)
		}
	}
	var x struct {
		XMLName xml.Name
		URLs    []sitemapURL `xml:"url"`
		Parts   []string     `xml:"sitemap>loc"`
	}
	if err := xml.Unmarshal(data, &x); err != nil {
		t.Fatal(err)
	}
	if x.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" {
		t.Errorf("%s: namespace %q", name, x.XMLName.Space)
	}
	return x.XMLName.Local, x.URLs, x.Parts
}

// TestSitemapIndex: past the limit of one sitemap file, /sitemap.xml is
// an index of files that each hold at most the limit and together list
// every page once, with its translation; robots.txt, links and the next
// build know the files.
func TestSitemapIndex(t *testing.T) {
	const base = "https://familjeratt.example"
	fsys := testContent(t, nil)
	out, err := build(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	root, want, _ := readSitemap(t, filepath.Join(out, "sitemap.xml"))
	if root != "urlset" || len(want) < 20 {
		t.Fatalf("the fixture's sitemap: %s of %d addresses", root, len(want))
	}
	entryBytes := 400 // a little more than the fixture's longest <url>

	tests := []struct {
		name       string
		urls, size int
		files      int // 0: one sitemap.xml, as below the limit
	}{
		{"under the limit", sitemapURLs, sitemapBytes, 0},
		{"exactly at the limit", len(want), sitemapBytes, 0},
		{"one address over", len(want) - 1, sitemapBytes, 2},
		{"three addresses a file", 3, sitemapBytes, (len(want) + 2) / 3},
		{"by size", sitemapURLs, 3 * entryBytes, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func(urls, size int) { sitemapURLs, sitemapBytes = urls, size }(sitemapURLs, sitemapBytes)
			sitemapURLs, sitemapBytes = tt.urls, tt.size
			link := fsys
			if tt.files != 0 {
				// A page may link to a sitemap file that exists.
				link = testContent(t, map[string]string{"sv/hur.md": fixtureFile(t, "sv/hur.md") + "\nSe [listan](/sitemap-2.xml).\n"})
			}
			out := t.TempDir()
			if _, err := Build(context.Background(), Options{Content: link, ContentDir: "content", Out: out}); err != nil {
				t.Fatal(err)
			}
			robots, _ := os.ReadFile(filepath.Join(out, "robots.txt"))
			if !strings.Contains(string(robots), "\nSitemap: "+base+"/sitemap.xml\n") {
				t.Errorf("robots.txt: %q", robots)
			}
			root, urls, parts := readSitemap(t, filepath.Join(out, "sitemap.xml"))
			if tt.files == 0 {
				if root != "urlset" || !reflect.DeepEqual(urls, want) {
					t.Errorf("sitemap.xml: got a %s of %d addresses, want the urlset of %d", root, len(urls), len(want))
				}
				if _, err := os.Stat(filepath.Join(out, "sitemap-1.xml")); err == nil {
					t.Error("sitemap-1.xml was written under the limit")
				}
				return
			}
			if root != "sitemapindex" || tt.files > 0 && len(parts) != tt.files || len(parts) < 2 {
				t.Fatalf("sitemap.xml: got a %s of %d files, want a sitemapindex of %d", root, len(parts), tt.files)
			}
			var all []sitemapURL
			for i, loc := range parts {
				file := fmt.Sprintf("sitemap-%d.xml", i+1)
				if loc != base+"/"+file {
					t.Errorf("the index's file %d is %s, want %s", i+1, loc, base+"/"+file)
				}
				root, urls, _ := readSitemap(t, filepath.Join(out, file))
				info, _ := os.Stat(filepath.Join(out, file))
				if root != "urlset" || len(urls) == 0 || len(urls) > tt.urls || info.Size() > int64(tt.size) {
					t.Errorf("%s: a %s of %d addresses, %d bytes; the limit is %d and %d bytes", file, root, len(urls), info.Size(), tt.urls, tt.size)
				}
				all = append(all, urls...)
			}
			if _, err := os.Stat(filepath.Join(out, fmt.Sprintf("sitemap-%d.xml", len(parts)+1))); err == nil {
				t.Error("a sitemap file beyond the index's was written")
			}
			seen := map[string]int{}
			for _, u := range all {
				seen[u.Loc]++
			}
			for loc, n := range seen {
				if n != 1 {
					t.Errorf("%s is listed %d times", loc, n)
				}
			}
			if !reflect.DeepEqual(all, want) {
				t.Errorf("the files list %d addresses, want the %d of one sitemap, with the same translations", len(all), len(want))
			}

			// The next build under the limit leaves only sitemap.xml.
			sitemapURLs, sitemapBytes = 50000, 50<<20
			if _, err := Build(context.Background(), Options{Content: fsys, ContentDir: "content", Out: out}); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(out, "sitemap-1.xml")); err == nil {
				t.Error("sitemap-1.xml is left over from the larger site")
			}
		})
	}
}
