package site

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRebuildGlossary: an edit to a page's text that brings in a term
// the glossary avoids is a problem at its line, also when only that page
// would be rendered again (make run), and nothing is published until it
// is fixed.
func TestRebuildGlossary(t *testing.T) {
	out := t.TempDir()
	dir, b := rebuildTree(t, Options{Out: out})
	glossary := "terms:\n  - concept: the application\n    note: What a parent sends.\n" +
		"    sv: {term: ansökan, avoid: [anmälan]}\n    en: {term: application}\n"
	if err := os.WriteFile(filepath.Join(dir, "glossary.yaml"), []byte(glossary), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := b.Build(ctx); err != nil {
		t.Fatal(err)
	}

	editFile(t, dir, "sv/hur.md", "\nNej.\n", "\nNej. Skicka en anmälan.\n")
	_, err := b.Rebuild(ctx, []string{"sv/hur.md"})
	want := `sv/hur.md:16: uses "anmälan" for the application: write "ansökan" instead (see glossary.yaml)`
	if !isProblem(err) || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v\nwant the problem %q", err, want)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "sv/hur/index.html")); bytes.Contains(got, []byte("Skicka en anmälan")) {
		t.Errorf("the page with the problem is published")
	}

	editFile(t, dir, "sv/hur.md", "Skicka en anmälan.", "Skicka en ansökan.")
	if _, err := b.Rebuild(ctx, []string{"sv/hur.md"}); err != nil {
		t.Fatalf("after the fix: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "sv/hur/index.html")); !bytes.Contains(got, []byte("Skicka en ansökan.")) {
		t.Errorf("the fixed page is not published")
	}
}
