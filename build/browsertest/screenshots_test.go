package browsertest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
)

// TestScreenshots writes full-page screenshots of the key pages, in each
// edition with forms, on a laptop and on a 320 px phone, to screenshots/
// at the repository's root (ignored by git), for people to look at: an
// Arabic page must be the mirror of a Swedish one. Neither width may
// scroll sideways.
func TestScreenshots(t *testing.T) {
	dir := screenshotDir(t)
	links := data.Settings.Links
	langs(t, func(t *testing.T, lang content.Lang) {
		tb := newTab(t, tabOptions{})
		n := 0
		shoot := func(name string) {
			t.Helper()
			n++
			for _, v := range []struct {
				suffix string
				width  int64
			}{{"", desktopWidth}, {"-phone", phoneWidth}} {
				tb.viewport(v.width, desktopHeight, 1)
				tb.checkNoOverflow()
				png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, fmt.Sprintf("%s-%02d-%s%s.png", lang, n, name, v.suffix))
				if err := os.WriteFile(file, png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tb.viewport(desktopWidth, desktopHeight, 1)
		}
		open := func(name, path string) {
			t.Helper()
			if status := tb.open(path); status != 200 {
				t.Fatalf("%s: status %d", path, status)
			}
			shoot(name)
		}

		open("start", data.Settings.Home(lang))
		open("content-page", links.Violence.In(lang))
		open("office", links.Offices.In(lang)+"malmo/")
		if p := articlePath(t, lang, 12); p != "" {
			open("article", p)
		}
		open("form-start", formPath(lang))
		tb.fillByScript([]answer{{"municipality", []string{malmo}}})
		tb.submitForm()
		shoot("form")
		tb.submitForm()
		shoot("form-errors")
		tb.fillByScript(application())
		tb.submitForm()
		shoot("check-answers")
		tb.submit(chromedp.Click(chromedp.CSS(`button[value=send]`)))
		shoot("confirmation")
		tb.checkClean()
	})
}

// articlePath finds the page of article n of the Convention on the
// Rights of the Child in lang, or "" when the edition lists no articles.
func articlePath(t *testing.T, lang content.Lang, n int) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(portal.Public, string(lang), "*", fmt.Sprintf("arti*-%d", n), "index.html"))
	switch {
	case len(matches) == 0 && lang != content.SV:
		return "" // an edition without the list of articles
	case len(matches) != 1:
		t.Fatalf("no single page for article %d in %s: %v", n, lang, matches)
	}
	rel, _ := filepath.Rel(portal.Public, filepath.Dir(matches[0]))
	return "/" + strings.Trim(filepath.ToSlash(rel), "/") + "/"
}

// screenshotDir is screenshots/ at the repository's root, made if need be.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(root, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
