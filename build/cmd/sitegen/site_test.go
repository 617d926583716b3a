package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"familjeratt.example/portal/content"
)

var (
	builtOnce sync.Once
	builtDir  string
	builtErr  error
)

// root is the repository, from this package's folder.
var root = filepath.Join("..", "..", "..")

// built builds the committed content with this command, as `make site`
// does, once for all the tests here. A problem anywhere in the content
// fails them: this is how `make test` enforces every content check, LIX
// included.
func built(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		builtDir, builtErr = os.MkdirTemp("", "portal-site-")
		if builtErr != nil {
			return
		}
		var out bytes.Buffer
		builtErr = run(context.Background(), []string{"sitegen", "-content", filepath.Join(root, "content"), "-out", builtDir},
			func(string) string { return "" }, &out, &out)
		if builtErr != nil {
			builtErr = fmt.Errorf("%v\n%s", builtErr, out.String())
		}
	})
	if builtErr != nil {
		t.Fatalf("the committed content does not build:\n%v", builtErr)
	}
	return builtDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// TestPageWeight checks every page with its stylesheet and script: at
// most 25 KB gzipped, so the site stays quick on a poor phone connection.
func TestPageWeight(t *testing.T) {
	out := built(t)
	gz := func(data []byte) int {
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		w.Write(data)
		w.Close()
		return b.Len()
	}
	assets := map[string]int{}
	filepath.WalkDir(filepath.Join(out, "assets"), func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(name)
			assets["/assets/"+d.Name()] = gz(data)
		}
		return nil
	})
	assetRE := regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"`)
	pages, heaviest, heaviestPage := 0, 0, ""
	err := filepath.WalkDir(out, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".html") {
			return err
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		total := gz(data)
		for _, m := range assetRE.FindAllSubmatch(data, -1) {
			size, ok := assets[string(m[1])]
			if !ok {
				t.Errorf("%s links %s, which was not built", name, m[1])
			}
			total += size
		}
		rel, _ := filepath.Rel(out, name)
		if total > 25*1024 {
			t.Errorf("%s: %d bytes gzipped with its CSS and JS, over 25 KB", rel, total)
		}
		if total > heaviest {
			heaviest, heaviestPage = total, rel
		}
		pages++
		return nil
	})
	if err != nil || pages < 140 {
		t.Fatalf("weighed %d pages (%v)", pages, err)
	}
	t.Logf("%d pages; the heaviest is %s at %.1f KB gzipped with CSS and JS", pages, heaviestPage, float64(heaviest)/1024)
}

// TestConventionVerbatim compares the official English text of each of
// the 54 articles, as a reader sees it on the site, with the official
// text, whitespace normalised: the site must quote law exactly.
func TestConventionVerbatim(t *testing.T) {
	out := built(t)
	official := articles(t, filepath.Join(root, "content", "uncrc", "en.md"))
	if shared, err := os.ReadFile(filepath.Join(root, "..", "shared", "uncrc", "en.md")); err == nil {
		if committed, _ := os.ReadFile(filepath.Join(root, "content", "uncrc", "en.md")); !bytes.Equal(shared, committed) {
			t.Errorf("content/uncrc/en.md differs from ../shared/uncrc/en.md: it must be an exact copy")
		}
	} else {
		t.Logf("../shared/uncrc/en.md is not here (%v): comparing with the committed copy only", err)
	}
	if len(official) != content.ArticleCount {
		t.Fatalf("the official text has %d articles, want %d", len(official), content.ArticleCount)
	}
	blockRE := regexp.MustCompile(`(?s)<blockquote class="legal-text" lang="en" id="official-text-en">(.*?)</blockquote>`)
	for _, lang := range []struct{ dir, slug string }{{"sv/barnkonventionen", "artikel"}, {"en/uncrc", "article"}} {
		for n := 1; n <= content.ArticleCount; n++ {
			file := filepath.Join(out, lang.dir, lang.slug+"-"+strconv.Itoa(n), "index.html")
			page, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("article %d: %v", n, err)
			}
			m := blockRE.FindSubmatch(page)
			if m == nil {
				t.Fatalf("%s: no official English text", file)
			}
			if got, want := normalise(textOf(string(m[1]))), normalise(official[n]); got != want {
				t.Errorf("%s: the English text differs from the official one\n got: %.200s\nwant: %.200s", file, got, want)
			}
		}
	}
}

// articles reads the official text's articles, as plain text.
func articles(t *testing.T, file string) map[int]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`(?s)<!--.*?-->`).ReplaceAllString(string(data), "")
	out := map[int]string{}
	parts := regexp.MustCompile(`(?m)^## Article (\d+)$`).Split(text, -1)
	nums := regexp.MustCompile(`(?m)^## Article (\d+)$`).FindAllStringSubmatch(text, -1)
	for i, m := range nums {
		n, _ := strconv.Atoi(m[1])
		body := parts[i+1]
		if cut := regexp.MustCompile(`(?m)^#`).FindStringIndex(body); cut != nil {
			body = body[:cut[0]]
		}
		out[n] = body
	}
	return out
}

var tagRE = regexp.MustCompile(`<[^>]+>`)

func textOf(s string) string { return html.UnescapeString(tagRE.ReplaceAllString(s, " ")) }

func normalise(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestParentPagesLinkArticles checks that the parent pages link the
// articles they rely on.
func TestParentPagesLinkArticles(t *testing.T) {
	out := built(t)
	var all strings.Builder
	filepath.WalkDir(filepath.Join(out, "sv"), func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(name, "barnkonventionen") {
			data, _ := os.ReadFile(name)
			all.Write(data)
		}
		return nil
	})
	for _, n := range []string{"3", "9", "12", "18", "19"} {
		if !strings.Contains(all.String(), `href="/sv/barnkonventionen/artikel-`+n+`/"`) {
			t.Errorf("no Swedish parent page links article %s", n)
		}
	}
}

// TestProblemPublishesNothing runs `make site` on a copy of the content
// with a broken link: it names the file and line, and the output folder
// is exactly as the build before left it.
func TestProblemPublishesNothing(t *testing.T) {
	dir := t.TempDir()
	tree, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	if err := os.CopyFS(tree, os.DirFS(filepath.Join(root, "content"))); err != nil {
		t.Fatal(err)
	}
	build := func() (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"sitegen", "-content", tree, "-out", out}, func(string) string { return "" }, &stdout, &stderr)
		return stderr.String(), err
	}
	if msg, err := build(); err != nil {
		t.Fatalf("%v\n%s", err, msg)
	}
	snapshot := func() map[string]string {
		files := map[string]string{}
		filepath.WalkDir(out, func(name string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				data, _ := os.ReadFile(name)
				info, _ := d.Info()
				files[name] = fmt.Sprintf("%x %v", data, info.ModTime())
			}
			return err
		})
		return files
	}
	before := snapshot()
	page := filepath.Join(tree, "sv", "index.md")
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, "\nLäs [mer](/sv/finns-inte-alls/).\n"...)
	if err := os.WriteFile(page, src, 0o644); err != nil {
		t.Fatal(err)
	}
	msg, err := build()
	want := fmt.Sprintf("%s:%d: the link to /sv/finns-inte-alls/ goes nowhere", filepath.Join(tree, "sv", "index.md"), bytes.Count(src, []byte("\n")))
	if err != errProblems || !strings.Contains(msg, want) || !strings.Contains(msg, "nothing was published") {
		t.Errorf("got %v\n%s\nwant the problem %q and that nothing was published", err, msg, want)
	}
	after := snapshot()
	if len(after) != len(before) {
		t.Errorf("the output has %d files, had %d", len(after), len(before))
	}
	for name, was := range before {
		if after[name] != was {
			t.Errorf("%s changed", name)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("left beside the output: %v, want only content and public", entries)
	}
}
