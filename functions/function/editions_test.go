package function

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/content/contenttest"
	jt "familjeratt.example/portal/functions/journey/journeytest"
)

// TestFourthEdition: an edition added in site.yaml, with its texts, is
// one the function serves without a change to its code: it starts, it
// answers the form in that edition, and it accepts an application sent
// from it.
func TestFourthEdition(t *testing.T) {
	f := newFixture(t, "a")
	settings, err := fs.ReadFile(f.fsys, content.SettingsFile)
	if err != nil {
		t.Fatal(err)
	}
	en, err := fs.ReadFile(f.fsys, "i18n/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fi := strings.Replace(string(en), "slug: apply\n", "slug: hae\n", 1)
	contenttest.Put(f.fsys, map[string]string{
		content.SettingsFile: withEdition(t, string(settings), "  - {id: fi, lang: fi, name: Suomi, name_sv: finska, forms: true}"),
		"i18n/fi.yaml":       fi,
	})
	inbox := t.TempDir()
	fn, err := New(dev("INTAKE_INBOX_DIR", inbox, "INTAKE_SIGNING_KEY", f.signingKey), Options{Content: f.fsys})
	if err != nil {
		t.Fatalf("the function does not start with a fourth edition: %v", err)
	}
	if _, ok := fn.Data.Settings.Editions.Get("fi"); !ok {
		t.Fatalf("the fixture's site.yaml has no fi edition")
	}
	app := jt.ValidApplication("fi")
	check := jt.Post(t, fn, jt.With(app, "_action", "check"))
	if body := check.Body.String(); check.Code != http.StatusOK || !strings.Contains(body, `<html lang="fi" dir="ltr"`) || !strings.Contains(body, `/fi/hae/`) {
		t.Errorf("check answers in fi: status %d, not the Finnish edition's page", check.Code)
	}
	sent := jt.Post(t, fn, jt.With(app, "_action", "send"))
	if sent.Code != http.StatusSeeOther {
		t.Fatalf("send from fi: status %d", sent.Code)
	}
	files, _ := filepath.Glob(filepath.Join(inbox, "a", "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d messages in the inbox, want 1", len(files))
	}
	if info, err := os.Stat(files[0]); err != nil || info.Size() == 0 {
		t.Errorf("the message is empty: %v", err)
	}
}

// withEdition adds an entry at the end of site.yaml's editions: list.
func withEdition(t *testing.T, settings, entry string) string {
	t.Helper()
	lines := strings.Split(settings, "\n")
	for i, l := range lines {
		if l != "editions:" {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.HasPrefix(lines[j], "  - ") {
			j++
		}
		return strings.Join(append(lines[:j:j], append([]string{entry}, lines[j:]...)...), "\n")
	}
	t.Fatal("site.yaml has no editions: list")
	return ""
}
