// Package chrometest checks pages rendered with the chrome, for the tests
// of both sides: no template failure marks, and golden files that
// `go test -update` rewrites.
package chrometest

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Bads are the marks a page must never hold, as golang/website's tests
// list them: an attribute html/template refused (ZgotmplZ, as a tel: URL
// it does not know becomes "#ZgotmplZ"), a missing value, a bad format
// verb, text escaped twice, a placeholder for a missing text, and a link
// to nowhere (an empty href goes back to the page itself). This is the
// one list: the site's tests and the function's use it.
var Bads = []string{"ZgotmplZ", "<no value>", "%!", "&amp;lt;", "MISSING", `href=""`}

// FindBads returns each mark of Bads in page, with a little of the text
// around it, in the order of Bads.
func FindBads(page []byte) []string {
	var found []string
	for _, bad := range Bads {
		if i := bytes.Index(page, []byte(bad)); i >= 0 {
			found = append(found, bad+": …"+string(page[max(0, i-60):min(len(page), i+len(bad)+40)])+"…")
		}
	}
	return found
}

// CheckBads reports every failure mark in a rendered page.
func CheckBads(tb testing.TB, name string, page []byte) {
	tb.Helper()
	for _, f := range FindBads(page) {
		tb.Errorf("%s holds the failure mark %s", name, f)
	}
}

// CheckBadsDir checks every HTML page in a built site's folder and
// returns how many it checked, so a caller can tell that there were
// pages at all.
func CheckBadsDir(tb testing.TB, dir string) int {
	tb.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".html") {
			return err
		}
		page, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, name)
		CheckBads(tb, filepath.ToSlash(rel), page)
		n++
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// fingerprintRE matches the fingerprint in an asset's address, which
// changes with every edit to the stylesheet or script: golden files are
// about the pages.
var fingerprintRE = regexp.MustCompile(`\.[0-9a-f]{10}\.(css|js|svg)`)

// Golden compares got, its fingerprints masked, with the golden file
// testdata/golden/<name>, or rewrites the file under -update. A page
// with a failure mark never passes, so no golden can record one.
func Golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	CheckBads(tb, name, got)
	got = fingerprintRE.ReplaceAll(got, []byte(".HASH.$1"))
	file := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		tb.Fatalf("%v (run go test with -update to create it, then read it before you commit it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs from %s at %s; if the change is intended, run go test with -update and read the diff", name, file, firstDiff(got, want))
	}
}

// firstDiff says where two files part, for the message.
func firstDiff(got, want []byte) string {
	line := 1
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			return "line " + itoa(line) + ": got …" + string(got[max(0, i-40):min(len(got), i+40)]) + "…, want …" + string(want[max(0, i-40):min(len(want), i+40)]) + "…"
		}
		if got[i] == '\n' {
			line++
		}
	}
	return "the end (lengths " + itoa(len(got)) + " and " + itoa(len(want)) + ")"
}

func itoa(n int) string { return strconv.Itoa(n) }
