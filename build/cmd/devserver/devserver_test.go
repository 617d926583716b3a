package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is the dev server's terminal, read while it writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually polls f until it is true, or fails after a while: the
// watcher and the rebuild run on their own.
func eventually(t *testing.T, what string, f func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if f() {
			return
		}
	}
	t.Fatalf("gave up waiting: %s", what)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

// TestProblemsInTheBrowser runs the dev server on a copy of the content,
// as an editor does: a save that breaks a link leaves the page as it was
// and shows the problem on it, with file:line, and on the list of all
// problems; the save that fixes it brings the new text, removes the
// banner and says "fixed" in the terminal.
// devServer runs the dev server on a copy of the content until the test
// ends, and returns the copy, the site's address and its terminal.
func devServer(t *testing.T) (dir, tree, base string, stdout *syncBuffer) {
	t.Helper()
	dir = t.TempDir()
	tree = filepath.Join(dir, "content")
	if err := os.CopyFS(tree, os.DirFS(filepath.Join("..", "..", "..", "content"))); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"INTAKE_INBOX_DIR":        filepath.Join(dir, "inbox"),
		"INTAKE_SIGNING_KEY_FILE": filepath.Join("..", "..", "dev-only-keys", "signing.key.pem"),
	}
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &syncBuffer{}
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"devserver", "-addr", "127.0.0.1:0", "-content", tree, "-out", filepath.Join(dir, "public"), "-chrome", ""},
			func(k string) string { return env[k] }, stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("the dev server ended with %v", err)
		}
	})
	addrRE := regexp.MustCompile(`serving the site on (http://[0-9.:]+)/sv/`)
	eventually(t, "the dev server to start", func() bool {
		m := addrRE.FindStringSubmatch(stdout.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	return dir, tree, base, stdout
}

func TestProblemsInTheBrowser(t *testing.T) {
	dir, tree, base, stdout := devServer(t)
	if !strings.Contains(stdout.String(), filepath.Join(dir, "inbox")+"/<office>/<reference>.eml") || !strings.Contains(stdout.String(), "make open-inbox") {
		t.Errorf("the start-up lines do not say where applications go and how to read them:\n%s", stdout.String())
	}
	if status, page := get(t, base+problemsPath); status != 200 || !strings.Contains(page, "No problems in the content") {
		t.Errorf("the problems page of a good build: %d\n%s", status, page)
	}

	// The start page is the one page every content tree has.
	file := filepath.Join(tree, "sv", "index.md")
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, before := get(t, base+"/sv/")
	broken := append(bytes.TrimRight(good, "\n"), []byte("\n\nLäs [mer](/sv/finns-inte-alls/).\n")...)
	if err := os.WriteFile(file, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	line := bytes.Count(broken, []byte("\n")) // the link's line
	want := "content/sv/index.md:" + strconv.Itoa(line) + ": the link to /sv/finns-inte-alls/ goes nowhere"
	var page string
	eventually(t, "the banner on the page", func() bool {
		_, page = get(t, base+"/sv/")
		return strings.Contains(page, "data-dev-problems")
	})
	if !strings.Contains(page, want) {
		t.Errorf("the banner lacks %q:\n%s", want, page)
	}
	if strings.Contains(page, "Läs <a") || !strings.Contains(page, strings.TrimSpace(stripBanner(before))[:200]) {
		t.Errorf("the page is not its last good version")
	}
	if _, list := get(t, base+problemsPath); !strings.Contains(list, want) {
		t.Errorf("the problems page lacks %q:\n%s", want, list)
	}
	if _, other := get(t, base+"/en/"); !strings.Contains(other, "data-dev-problems") || !strings.Contains(other, "The content has 1 problem") {
		t.Errorf("another page does not say the content has a problem:\n%s", other)
	}
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("the terminal does not show %q:\n%s", want, stdout.String())
	}

	fixed := append(bytes.TrimRight(good, "\n"), []byte("\n\nLäs mer om oss.\n")...)
	if err := os.WriteFile(file, fixed, 0o644); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the fixed page", func() bool {
		_, page = get(t, base+"/sv/")
		return strings.Contains(page, "Läs mer om oss.")
	})
	if strings.Contains(page, "data-dev-problems") {
		t.Errorf("the banner is still there after the fix")
	}
	eventually(t, `"fixed" in the terminal`, func() bool { return strings.Contains(stdout.String(), "fixed: no problems") })
}

func stripBanner(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		return page[i:]
	}
	return page
}
