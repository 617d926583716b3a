package lambda

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// TestRequest: what the handler sees of an event.
func TestRequest(t *testing.T) {
	var got *http.Request
	var body string
	fn := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		body = string(b)
	}))
	ev := events.LambdaFunctionURLRequest{
		RawPath: "/api/forms/x", RawQueryString: "a=1",
		Headers:         map[string]string{"host": "familjeratt.example", "content-type": "application/x-www-form-urlencoded", "accept": "text/html, */*"},
		Cookies:         []string{"a=1", "b=2"},
		Body:            base64.StdEncoding.EncodeToString([]byte("x=å")),
		IsBase64Encoded: true,
		RequestContext: events.LambdaFunctionURLRequestContext{
			HTTP: events.LambdaFunctionURLRequestContextHTTPDescription{Method: "POST", SourceIP: "192.0.2.1"},
		},
	}
	if _, err := fn(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, got, want string }{
		{"method", got.Method, "POST"},
		{"path", got.URL.Path, "/api/forms/x"},
		{"query", got.URL.RawQuery, "a=1"},
		{"host", got.Host, "familjeratt.example"},
		{"body", body, "x=å"},
		{"cookie", got.Header.Get("Cookie"), "a=1; b=2"},
		{"accept", got.Header.Get("Accept"), "text/html, */*"},
		{"scheme", got.Header.Get("X-Forwarded-Proto"), "https"},
		{"remote", got.RemoteAddr, "192.0.2.1"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if got.ContentLength != int64(len("x=å")) {
		t.Errorf("content length %d", got.ContentLength)
	}

	bad := ev
	bad.Body = "not base64!"
	res, err := fn(context.Background(), bad)
	if err != nil || res.StatusCode != http.StatusBadRequest {
		t.Errorf("a body that is not base64: status %d, %v; want 400", res.StatusCode, err)
	}
}

// TestResponse: what Lambda gets of an answer. A header set after
// WriteHeader is not sent, as on a real connection.
func TestResponse(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    events.LambdaFunctionURLResponse
	}{
		{"page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			http.SetCookie(w, &http.Cookie{Name: "r", Value: "1"})
			w.Header().Add("Set-Cookie", "s=2")
			w.WriteHeader(http.StatusSeeOther)
			w.Header().Set("X-Late", "not sent")
			io.WriteString(w, "<p>hej</p>")
		}, events.LambdaFunctionURLResponse{StatusCode: 303, Headers: map[string]string{"Content-Type": "text/html"},
			Cookies: []string{"r=1", "s=2"}, Body: "<p>hej</p>"}},
		{"implicit 200", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "ok")
			w.WriteHeader(http.StatusTeapot) // too late
		}, events.LambdaFunctionURLResponse{StatusCode: 200, Headers: map[string]string{}, Body: "ok"}},
		{"nothing written", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", "POST")
		}, events.LambdaFunctionURLResponse{StatusCode: 200, Headers: map[string]string{"Allow": "POST"}}},
		{"binary", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte{0xff, 0x00})
		}, events.LambdaFunctionURLResponse{StatusCode: 200, Headers: map[string]string{}, Body: "/wA=", IsBase64Encoded: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Handler(tt.handler)(context.Background(), events.LambdaFunctionURLRequest{RawPath: "/"})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res, tt.want) {
				t.Errorf("got  %+v\nwant %+v", res, tt.want)
			}
		})
	}
}
