package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site"
)

const committed = "../../../content"

// TestNationalTree writes the benchmark's portal at a small size and
// builds it: it has no problem, exactly the pages asked for, an office for
// every municipality, each with its own pages in both languages, and the
// synthetic offices say so; the committed content is left as it was.
func TestNationalTree(t *testing.T) {
	before := listing(t, committed)
	ctx := context.Background()
	tree := filepath.Join(t.TempDir(), "content")
	const size = 3000
	nat, pairs, own, err := writeTree(ctx, &config{content: committed}, tree, t.TempDir(), size)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := site.Build(ctx, site.Options{Content: os.DirFS(tree), ContentDir: "content", Out: out, Forms: site.AsForms(intake.StaticPages())})
	if err != nil {
		t.Fatalf("the benchmark's portal has problems:\n%v", err)
	}
	if res.Pages != own+2*pairs || res.Pages < size || res.Pages > size+1 {
		t.Errorf("built %d pages, want %d (%d of the portal's own and %d pairs), the %d asked for rounded up to a pair", res.Pages, own+2*pairs, own, pairs, size)
	}

	data, err := content.Load(os.DirFS(tree))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range data.Directory.Municipalities {
		if _, ok := data.Directory.OfficeFor(m.Code); !ok {
			t.Errorf("%s (%s) has no office", m.Name, m.Code)
		}
	}
	if got := len(data.Directory.Offices); got != len(nat.offices) || got != len(data.Directory.Municipalities) {
		t.Errorf("%d offices, %d listed, for %d municipalities", got, len(nat.offices), len(data.Directory.Municipalities))
	}
	for _, o := range data.Directory.Offices {
		committedOffice := !strings.Contains(o.Name[content.SV], "(syntetisk)")
		if _, err := os.Stat(filepath.Join(committed, o.File)); (err == nil) != committedOffice {
			t.Errorf("%s: %q is not marked as synthetic, or a committed office is", o.File, o.Name[content.SV])
		}
		if !committedOffice && (!strings.Contains(o.Name["en"], "(synthetic)") || !strings.HasSuffix(o.Intake.Inbox, "@"+content.PlaceholderDomain)) {
			t.Errorf("%s: name %q, inbox %s: want it marked as synthetic, with a placeholder inbox", o.File, o.Name["en"], o.Intake.Inbox)
		}
		for _, lang := range content.DefaultEditions().Langs() {
			for _, op := range officePages {
				slug := op.sv
				if lang == content.Lang("en") {
					slug = op.en
				}
				page := data.Settings.OfficePath(lang, o.ID) + slug + "/"
				if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(page), "index.html")); err != nil {
					t.Errorf("%s: the office's own page %s is missing", o.ID, page)
				}
			}
		}
	}
	for _, p := range fixedPages(nat) {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p), "index.html")); err != nil {
			t.Errorf("the fixed page /%s, weighed at every size, is missing", p)
		}
	}
	if after := listing(t, committed); !slices.Equal(before, after) {
		t.Errorf("the committed content changed: %d files before, %d after", len(before), len(after))
	}
}

func listing(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(name string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, name)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("100000, 10_000,50000")
	if err != nil || !slices.Equal(got, []int{10000, 50000, 100000}) {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := parseSizes("10k"); err == nil {
		t.Errorf("10k: want an error")
	}
}
