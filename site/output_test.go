package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
