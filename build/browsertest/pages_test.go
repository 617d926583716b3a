package browsertest

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

// sitePages lists the address of every HTML page the build wrote.
func sitePages(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(portal.Public, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".html") {
			return err
		}
		rel, _ := filepath.Rel(portal.Public, name)
		rel = "/" + filepath.ToSlash(rel)
		if strings.HasSuffix(rel, "/index.html") {
			rel = strings.TrimSuffix(rel, "index.html")
		}
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	if len(out) < 100 {
		t.Fatalf("only %d pages in %s: the build is incomplete", len(out), portal.Public)
	}
	return out
}

// exitPages returns the addresses that must show "Exit this page": the
// Markdown pages whose front matter says exit: true, and the forms.
func exitPages(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	dir := filepath.Join(root, "content")
	for _, lang := range committed().Settings.Editions.Langs() {
		err := filepath.WalkDir(filepath.Join(dir, string(lang)), func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(name, ".md") {
				return err
			}
			src, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			if !frontMatterHas(src, "exit: true") {
				return nil
			}
			rel, _ := filepath.Rel(dir, name)
			addr := "/" + strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"
			out[strings.TrimSuffix(addr, "index/")] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(out) == 0 {
		t.Fatal("no page in content/ has exit: true; the violence pages should")
	}
	for _, f := range intake.StaticPages() {
		for _, lang := range committed().Settings.Editions.WithForms() {
			out[f.Path(committed().Strings, lang)] = true
		}
	}
	return out
}

func frontMatterHas(src []byte, line string) bool {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for i := 0; sc.Scan(); i++ {
		l := strings.TrimSpace(sc.Text())
		switch {
		case i == 0 && l != "---":
			return false
		case i > 0 && l == "---":
			return false
		case l == line:
			return true
		}
	}
	return false
}

// TestPages opens every page of the built site, in both languages, with
// JavaScript on, and checks it: axe-core finds no WCAG 2.1 A or AA
// violation, Tab reaches every control and each shows its focus, the
// page reflows at 320 px and at 200 % zoom, "Exit this page" is there
// exactly where it should be, and the page throws nothing, breaks no
// CSP rule and asks nothing of another host.
func TestPages(t *testing.T) {
	tabs := newTabs(t, tabOptions{}, parallelTabs)
	exits := exitPages(t)
	for _, p := range sitePages(t) {
		t.Run(strings.Trim(p, "/"), func(t *testing.T) {
			t.Parallel()
			tb := tabs.take(t)
			if status := tb.open(p); status != 200 {
				t.Fatalf("%s: status %d", p, status)
			}
			lang := editionOf(p)
			if got, want := eval[string](tb, `document.documentElement.lang`), data.Settings.Editions.Tag(lang); got != want {
				t.Errorf("<html lang=%q>, want %q, the %s edition's", got, want, lang)
			}
			tb.checkExit(exits[p], lang)
			tb.checkAxe()
			tb.checkFocus()
			tb.checkReflow()
			tb.checkClean()
		})
	}
}

// editionOf is the edition an address of the site belongs to: its first
// part, when that is an edition; Swedish otherwise (the 404 page).
func editionOf(path string) content.Lang {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if l := content.Lang(first); data.Settings.Editions.Has(l) {
		return l
	}
	return content.SV
}
