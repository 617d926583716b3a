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
	os.MkdirAll(filepath.Dir(page), 0o755)
	os.WriteFile(page, []byte("a"), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := make(chan []string, 10)
	go watch(ctx, []string{dir}, 150*time.Millisecond, func(changed []string) { calls <- changed })
	time.Sleep(200 * time.Millisecond) // let the watcher start

	tmp := filepath.Join(dir, "sv", ".tolk.md.swp")
	os.WriteFile(tmp, []byte("b"), 0o644)
	os.Rename(tmp, page)
	// A new folder is watched too.
	os.MkdirAll(filepath.Join(dir, "sv", "ny"), 0o755)

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
	os.WriteFile(inNew, []byte("c"), 0o644)
	select {
	case got := <-calls:
		if !slices.Contains(got, inNew) {
			t.Errorf("changed: %v, want %s", got, inNew)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a file in a new folder was not seen")
	}
}
