package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoContentRefused: the demo content is listed, file:line each,
// by `make check-publish`, which fails nothing, and refused by the strict
// check that `make publish-site` and `make deploy` run first.
func TestDemoContentRefused(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "content")
	env := func(string) string { return "" }
	var out bytes.Buffer
	if err := run([]string{"checkpublish", "-content", dir}, env, &out); err != nil {
		t.Fatalf("make check-publish failed: %v\n%s", err, &out)
	}
	if !strings.Contains(out.String(), filepath.Join(dir, "site.yaml")+":") || !strings.Contains(out.String(), "missing for publication") {
		t.Errorf("make check-publish does not list the demo content's problems:\n%s", &out)
	}
	out.Reset()
	if err := run([]string{"checkpublish", "-content", dir, "-strict"}, env, &out); !errors.Is(err, errUnpublishable) {
		t.Errorf("the strict check: got %v, want a refusal\n%s", err, &out)
	}
	if err := run([]string{"checkpublish", "-content", dir}, func(string) string { return "nowhere" }, &out); err == nil || !strings.Contains(err.Error(), "OFFICE_INBOXES") {
		t.Errorf("a malformed OFFICE_INBOXES: got %v", err)
	}
}
