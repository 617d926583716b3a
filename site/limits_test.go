package site

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"familjeratt.example/portal/content"
)

// TestPageSizeLimit: a page up to content.MaxPageSize bytes builds; one
// byte more is a problem at its first line, and nothing is published.
func TestPageSizeLimit(t *testing.T) {
	src := fixtureFile(t, "sv/hur.md")
	tests := []struct {
		name string
		size int
		want string // the problem, or "" for a build without any
	}{
		{"well under", len(src) + 1, ""},
		{"at the limit", content.MaxPageSize, ""},
		{"one byte over", content.MaxPageSize + 1, "content/sv/hur.md:1: the page is 513 KB; the limit is 512 KB: split it into several pages"},
		{"far over", 3 << 20, "content/sv/hur.md:1: the page is 3072 KB; the limit is 512 KB: split it into several pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Blank lines at the end: they change nothing on the page.
			page := src + strings.Repeat("\n", tt.size-len(src))
			out, err := build(t, testContent(t, map[string]string{"sv/hur.md": page}))
			var got string
			var probs content.Problems
			if errors.As(err, &probs) {
				got = probs.Error()
			} else if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got problems %q, want %q", got, tt.want)
			}
			_, serr := os.Stat(filepath.Join(out, "sv", "hur", "index.html"))
			if published := serr == nil; published != (tt.want == "") {
				t.Errorf("the page published: %v, want %v", published, tt.want == "")
			}
		})
	}
}

// stepClock is a clock that moves on by step each time it is read: a
// build that reads it before and after each page sees every page take
// step, without a test that sleeps.
type stepClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *stepClock) read() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

// TestSlowPageWarning: a page that takes longer than SlowRender is a
// warning with its file and time, and the build still succeeds.
func TestSlowPageWarning(t *testing.T) {
	const hur = "content/sv/hur.md: took 3.1 s to render; pasted Markdown with very long lines or deep nesting can do that"
	tests := []struct {
		step time.Duration
		want string // the warning for sv/hur.md, or "" for none at all
	}{
		{time.Second, ""},
		{SlowRender, ""},
		{3100 * time.Millisecond, hur},
	}
	for _, tt := range tests {
		t.Run(tt.step.String(), func(t *testing.T) {
			clock := &stepClock{now: time.Unix(0, 0), step: tt.step}
			b := NewBuilder(Options{Content: testContent(t, nil), ContentDir: "content", Out: t.TempDir(),
				Workers: 1, clock: clock.read}) // one worker: two reads a page, nothing between
			defer b.Close()
			res, err := b.Build(context.Background())
			if err != nil {
				t.Fatalf("a slow page failed the build: %v", err)
			}
			var got []string
			for _, w := range res.Warnings {
				got = append(got, w.String())
			}
			if tt.want == "" {
				if len(got) > 0 {
					t.Errorf("got warnings %q, want none", got)
				}
				return
			}
			markdown := 0
			for _, p := range b.built.pages {
				if p.kind == kindMarkdown {
					markdown++
				}
			}
			if len(got) != markdown || !strings.Contains("\n"+strings.Join(got, "\n")+"\n", "\n"+tt.want+"\n") {
				t.Errorf("got warnings %q, want %q among one for each of the %d Markdown pages", got, tt.want, markdown)
			}

			// A rebuild of one page warns about that page alone.
			res, err = b.Rebuild(context.Background(), []string{"sv/hur.md"})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 1 || res.Warnings[0].String() != tt.want {
				t.Errorf("rebuild: got warnings %q, want [%q]", res.Warnings, tt.want)
			}
		})
	}
}
