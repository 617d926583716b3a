package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// HugoVersion is the peer the generator is measured against, pinned.
const HugoVersion = "v0.165.0"

// hugoBinary returns Hugo's binary, installing it with go install into
// the user's cache folder (never the repository) the first time.
func hugoBinary(ctx context.Context, stdout io.Writer) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "portal-bench", "hugo-"+HugoVersion)
	bin := filepath.Join(dir, "hugo")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	fmt.Fprintf(stdout, "installing Hugo %s into %s (go install; a few minutes, once)\n", HugoVersion, dir)
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/gohugoio/hugo@"+HugoVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	cmd.Stdout, cmd.Stderr = stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go install hugo@%s: %w", HugoVersion, err)
	}
	return bin, nil
}

// hugoConfig makes Hugo build what sitegen builds: both languages under
// their own prefix, pages as folders with index.html, and no feeds or
// taxonomies the portal does not have. The sitemap stays, as the
// portal writes one.
const hugoConfig = `baseURL = "https://familjeratt.example/"
defaultContentLanguage = "sv"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term", "RSS"]
enableRobotsTXT = true
[markup.goldmark.renderer]
unsafe = false
[markup.goldmark.parser]
autoHeadingID = true
[languages.sv]
contentDir = "content/sv"
languageName = "Svenska"
weight = 1
[languages.en]
contentDir = "content/en"
languageName = "English"
weight = 2
`

// The layouts: a frame like the portal's (header, language link,
// breadcrumbs, the section's pages, footer) around the rendered
// Markdown, so that Hugo does comparable work per page.
var hugoLayouts = map[string]string{
	"_default/baseof.html": `<!DOCTYPE html>
<html lang="{{ .Language.Lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ site.Title }}</title><meta name="description" content="{{ .Description }}">
<link rel="canonical" href="{{ .Permalink }}">{{ range .Translations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">{{ end }}
</head><body><a href="#main">Hoppa till innehållet</a>
<header><a href="{{ site.Home.RelPermalink }}">Familjerätt</a>{{ range .Translations }} <a href="{{ .RelPermalink }}" lang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a>{{ end }}</header>
<nav aria-label="Brödsmulor"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li>{{ .Title }}</li></ol></nav>
<main id="main">{{ block "main" . }}{{ end }}</main>
{{ with .Parent }}<nav aria-label="{{ .Title }}"><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>{{ end }}
<footer><p>{{ site.Title }}</p></footer></body></html>
`,
	"_default/single.html": `{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}`,
	"_default/list.html":   `{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}`,
}

// toHugo writes a Hugo site whose content is the portal's tree: the
// Markdown pages as they are (Hugo ignores front matter it does not
// know), an index.md becoming the section's _index.md.
func toHugo(tree, site string) (int, error) {
	if err := os.MkdirAll(site, 0o755); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(site, "hugo.toml"), []byte(hugoConfig+"title = \"Familjerätt\"\n"), 0o644); err != nil {
		return 0, err
	}
	for name, text := range hugoLayouts {
		file := filepath.Join(site, "layouts", name)
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			return 0, err
		}
	}
	pages := 0
	for _, lang := range []string{"sv", "en"} {
		root := filepath.Join(tree, lang)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if filepath.Base(rel) == "index.md" {
				rel = filepath.Join(filepath.Dir(rel), "_index.md")
			}
			dst := filepath.Join(site, "content", lang, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			pages++
			return os.WriteFile(dst, src, 0o644)
		})
		if err != nil {
			return 0, err
		}
	}
	return pages, nil
}

// hugoTotal is Hugo's own report of a build or rebuild, at log level
// info: "INFO  build:  duration 3.49988671s" (0.165 prints "Built in" only
// for the first build).
var hugoTotal = regexp.MustCompile(`build:\s+duration (\S+)`)

// hugoRebuilds starts Hugo in watch mode over site, edits one page edits
// times, and returns the rebuild times Hugo reports: what a writer waits
// for after saving, the peer of the dev server's one-page rebuild.
func hugoRebuilds(ctx context.Context, hugo, site, page string, edits int) ([]time.Duration, error) {
	out := filepath.Join(site, "watch-public")
	ctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(ctx, hugo, "--watch", "--source", site, "--destination", out, "--logLevel", "info")
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, err
	}
	// Stop Hugo before waiting for it: Wait alone would wait for ever.
	defer func() { cancel(); cmd.Wait() }()
	totals := make(chan time.Duration, 4)
	go func() {
		sc := bufio.NewScanner(pipe)
		// Hugo's lines can be long (a list of what changed); a line past
		// the buffer would stop the reading, and Hugo would block on a
		// full pipe.
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			if m := hugoTotal.FindStringSubmatch(sc.Text()); m != nil {
				if d, err := time.ParseDuration(m[1]); err == nil {
					totals <- d
				}
			}
		}
		io.Copy(io.Discard, pipe) // keep Hugo's output flowing, whatever happened
		close(totals)
	}()
	next := func() (time.Duration, error) {
		select {
		case d, ok := <-totals:
			if !ok {
				return 0, errors.New("hugo --watch stopped")
			}
			return d, nil
		case <-time.After(10 * time.Minute):
			return 0, errors.New("hugo --watch: no build reported")
		}
	}
	if _, err := next(); err != nil { // the first, full build
		return nil, err
	}
	src, err := os.ReadFile(page)
	if err != nil {
		return nil, err
	}
	var ds []time.Duration
	for i := range edits {
		time.Sleep(300 * time.Millisecond) // let the watcher settle, as a writer would between saves
		text := strings.Replace(string(src), "\n\n", fmt.Sprintf("\n\nÄndring %d.\n\n", i), 1)
		if err := os.WriteFile(page, []byte(text), 0o644); err != nil {
			return nil, err
		}
		d, err := next()
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, nil
}
