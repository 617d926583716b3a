package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteAdmin: the deployment's web editor commits to the repository
// it is given, in its content/ folder; without one the site has none.
func TestWriteAdmin(t *testing.T) {
	contentDir := filepath.Join(root, "content")
	out := t.TempDir()
	var msg bytes.Buffer
	if err := writeAdmin(contentDir, out, "", func(string) string { return "" }, &msg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "admin")); err == nil || !strings.Contains(msg.String(), "CMS_REPO") {
		t.Errorf("without CMS_REPO: %q, and admin/ is there (%v)", msg.String(), err)
	}

	env := map[string]string{"CMS_REPO": "kommun/familjeratt", "CMS_OAUTH_URL": "https://cms-auth.kommun.example"}
	if err := writeAdmin(contentDir, out, "https://familjeratt.kommun.example", func(k string) string { return env[k] }, &msg); err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(out, "admin", "config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"name: github", "repo: kommun/familjeratt", "branch: main", "base_url: https://cms-auth.kommun.example",
		"folder: content/offices", "media_folder: content/media", "publish_mode: editorial_workflow", "site_url: https://familjeratt.kommun.example"} {
		if !bytes.Contains(cfg, []byte(want)) {
			t.Errorf("config.yml lacks %q", want)
		}
	}
	for _, f := range []string{"index.html", "decap-cms.js", "admin.js", "admin.css", "order.json"} {
		if _, err := os.Stat(filepath.Join(out, "admin", f)); err != nil {
			t.Errorf("admin/%s: %v", f, err)
		}
	}

	delete(env, "CMS_OAUTH_URL")
	if err := writeAdmin(contentDir, t.TempDir(), "", func(k string) string { return env[k] }, &msg); err == nil {
		t.Errorf("CMS_REPO without CMS_OAUTH_URL is accepted")
	}
}
