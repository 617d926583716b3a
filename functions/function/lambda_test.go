package function

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	jt "familjeratt.example/portal/functions/journey/journeytest"
	"familjeratt.example/portal/functions/lambda"
)

// TestLambdaEvents runs the Function URL events in lambda/testdata
// through the adapter and the function, as Lambda would.
func TestLambdaEvents(t *testing.T) {
	inbox := t.TempDir()
	// The events are for Malmö (1280), which the fixture's office a
	// serves: no committed office is named.
	f := newFixture(t, "a", "b")
	h, err := New(dev("INTAKE_INBOX_DIR", inbox, "INTAKE_ALLOWED_ORIGIN", "https://familjeratt.example", "INTAKE_SIGNING_KEY", f.signingKey),
		Options{Content: f.fsys, Now: func() time.Time { return jt.Now }, Random: jt.Fixed{}})
	if err != nil {
		t.Fatal(err)
	}
	fn := lambda.Handler(h)
	tests := []struct {
		file   string
		status int
		check  func(t *testing.T, res events.LambdaFunctionURLResponse)
	}{
		{"get.json", http.StatusMethodNotAllowed, func(t *testing.T, res events.LambdaFunctionURLResponse) {
			if res.Headers["Allow"] != "POST" {
				t.Errorf("Allow: %q", res.Headers["Allow"])
			}
		}},
		{"invalid-post.json", http.StatusUnprocessableEntity, func(t *testing.T, res events.LambdaFunctionURLResponse) {
			if !strings.Contains(res.Body, `<a href="#f-applicant-family_name">Skriv ditt efternamn</a>`) {
				t.Errorf("no error summary in the body")
			}
		}},
		{"valid-post.json", http.StatusSeeOther, func(t *testing.T, res events.LambdaFunctionURLResponse) {
			if len(res.Cookies) != 1 || !strings.Contains(res.Cookies[0], "Secure") || !strings.HasPrefix(res.Cookies[0], "intake_receipt=") || strings.Contains(res.Cookies[0], "samarbetssamtal") {
				t.Errorf("cookies %q: want the receipt, Secure, in the payload's cookies", res.Cookies)
			}
			if _, ok := res.Headers["Set-Cookie"]; ok {
				t.Errorf("Set-Cookie must travel in cookies, not headers")
			}
			// The event posts _reference=3VR2-KZ78; the function gives the
			// reference itself, from the answers.
			if found, _ := filepath.Glob(filepath.Join(inbox, "a", "*.eml")); len(found) != 1 || strings.Contains(found[0], "3VR2-KZ78") {
				t.Errorf("delivered as %v, want one message under a reference of the function's own", found)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "lambda", "testdata", "lambda", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var ev events.LambdaFunctionURLRequest
			if err := json.Unmarshal(data, &ev); err != nil {
				t.Fatal(err)
			}
			res, err := fn(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
			}
			if res.Headers["Content-Security-Policy"] == "" {
				t.Errorf("no security headers")
			}
			tt.check(t, res)
		})
	}
}
