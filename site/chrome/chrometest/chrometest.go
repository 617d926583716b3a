// Package chrometest checks pages rendered with the chrome, for the tests
// of both sides: no template failure marks, and golden files that
// `go test -update` rewrites.
package chrometest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Bads are the marks a template leaves when it fails quietly: an
// attribute html/template refused (ZgotmplZ), a missing value, a bad
// format verb. golang/website's tests look for the same.
var Bads = []string{"ZgotmplZ", "<no value>", "%!"}

// CheckBads reports every failure mark in a rendered page.
func CheckBads(tb testing.TB, name string, page []byte) {
	tb.Helper()
	for _, bad := range Bads {
		if i := bytes.Index(page, []byte(bad)); i >= 0 {
			tb.Errorf("%s holds the template failure mark %q: …%s…", name, bad, page[max(0, i-60):min(len(page), i+40)])
		}
	}
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
