// Package contenttest makes content trees for tests: the committed data
// (settings, municipalities, texts, offices) with files replaced, added
// or deleted, in memory or in a folder. For tests only.
package contenttest

import (
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"familjeratt.example/portal/content"
)

// Data returns the committed data as a content tree, with the files in
// files put in (an empty text deletes a file), and no pages.
func Data(tb testing.TB, files map[string]string) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(content.DataFiles, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(content.DataFiles, name)
		m[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	Put(m, files)
	return m
}

// Put puts files into m, and returns it: an empty text deletes a file.
func Put(m fstest.MapFS, files map[string]string) fstest.MapFS {
	for name, text := range files {
		if text == "" {
			delete(m, name)
			continue
		}
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

// WithoutOffices deletes every office and certificate from m, so a test
// can give its own.
func WithoutOffices(m fstest.MapFS) fstest.MapFS {
	for name := range m {
		if len(name) > len(content.OfficesDir) && name[:len(content.OfficesDir)+1] == content.OfficesDir+"/" {
			delete(m, name)
		}
	}
	return m
}

// Dir writes a content tree into a new temporary folder and returns it.
func Dir(tb testing.TB, fsys fs.FS) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.CopyFS(dir, fsys); err != nil {
		tb.Fatal(err)
	}
	return dir
}
