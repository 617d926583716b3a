package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"familjeratt.example/portal/site/chrome"
)

// TestWebEditor runs the dev server on a copy of the content with its web
// editor: /admin/ has the editor's own security headers and the site
// keeps its own, and a page saved through the editor's local backend,
// as the editor's Publish does, is on the site a moment later.
func TestWebEditor(t *testing.T) {
	_, _, base, stdout := devServer(t)
	if !strings.Contains(stdout.String(), "the web editor is at ") {
		t.Fatalf("the dev server does not say where the web editor is:\n%s", stdout.String())
	}

	want := func(hs []chrome.Header) string {
		for _, h := range hs {
			if h.Name == "Content-Security-Policy" {
				return h.Value
			}
		}
		return ""
	}
	for _, tt := range []struct{ path, csp string }{
		{"/admin/", want(chrome.AdminSecurityHeaders(nil, nil))},
		{"/admin/config.yml", want(chrome.AdminSecurityHeaders(nil, nil))},
		{"/sv/", want(chrome.SecurityHeaders)},
	} {
		res, err := http.Get(base + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Security-Policy") != tt.csp {
			t.Errorf("%s: %d with CSP %q, want 200 with %q", tt.path, res.StatusCode, res.Header.Get("Content-Security-Policy"), tt.csp)
		}
	}

	save := func(path, raw string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"action": "persistEntry", "params": map[string]any{
			"branch": "main", "entry": map[string]string{"slug": "x", "path": path, "raw": raw}, "assets": []any{},
			"options": map[string]any{"commitMessage": "x", "useWorkflow": false, "status": "draft"}}})
		res, err := http.Post(base+"/admin/api/v1", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("saving %s: %d", path, res.StatusCode)
		}
	}
	save("en/trial-page.md", "---\ntitle: Trial page\ndescription: A page the test saves through the web editor.\ntranslation: provsida.md\n---\nIt is short.\n")
	save("sv/provsida.md", "---\ntitle: Provsida\ndescription: En sida som testet sparar i webbredigeraren.\n---\nDen är kort.\n")
	eventually(t, "the saved page on the site", func() bool {
		status, page := get(t, base+"/sv/provsida/")
		return status == 200 && strings.Contains(page, "Provsida")
	})
}
