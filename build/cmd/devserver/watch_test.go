package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestWatchDebouncesARenameSave saves a file the way many editors do —
// write a temporary file, rename it over the old one — and expects one
// rebuild naming the file, without the temporary file.
func TestWatchDebouncesARenameSave(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "sv", "tolk.md")
	must(t, os.MkdirAll(filepath.Dir(page), 0o755))
	must(t, os.WriteFile(page, []byte("a"), 0o644))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := make(chan []string, 10)
	problems := make(chan error, 10)
	wt, err := watch([]string{dir}, 150*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		done <- wt.run(ctx, func(changed []string) { calls <- changed }, func(err error) { problems <- err })
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the watcher ended with %v", err)
		}
		select {
		case err := <-problems:
			t.Errorf("the watcher reported %v", err)
		default:
		}
	}()

	tmp := filepath.Join(dir, "sv", ".tolk.md.swp")
	must(t, os.WriteFile(tmp, []byte("b"), 0o644))
	must(t, os.Rename(tmp, page))
	// A new folder is watched too.
	must(t, os.MkdirAll(filepath.Join(dir, "sv", "ny"), 0o755))

	select {
	case got := <-calls:
		if !slices.Contains(got, page) || slices.Contains(got, tmp) {
			t.Errorf("changed: %v, want %s and no temporary file", got, page)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no rebuild after a rename-save")
	}
	select {
	case got := <-calls:
		t.Errorf("a second rebuild for one save: %v", got)
	case <-time.After(400 * time.Millisecond):
	}

	inNew := filepath.Join(dir, "sv", "ny", "index.md")
	must(t, os.WriteFile(inNew, []byte("c"), 0o644))
	select {
	case got := <-calls:
		if !slices.Contains(got, inNew) {
			t.Errorf("changed: %v, want %s", got, inNew)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a file in a new folder was not seen")
	}
}

// TestWatchRefusesAMissingFolder: a folder that cannot be watched is an
// error at start, not a silent dev server that never rebuilds.
func TestWatchRefusesAMissingFolder(t *testing.T) {
	if _, err := watch([]string{filepath.Join(t.TempDir(), "nowhere")}, time.Millisecond); err == nil {
		t.Error("watching a folder that does not exist: no error")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
