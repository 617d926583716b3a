// Package lambda adapts an [http.Handler] to AWS Lambda's HTTP events:
// Function URL events, which have the same shape as API Gateway HTTP
// API payload version 2. It knows nothing of what the handler does.
package lambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Handler adapts h to Lambda's payload 2.0 events. The response is
// buffered: the function's pages are small, and a buffered answer also
// suits an HTTP API in front.
func Handler(h http.Handler) func(context.Context, events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
	return func(ctx context.Context, ev events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
		r, err := requestFromEvent(ctx, ev)
		if err != nil {
			return events.LambdaFunctionURLResponse{StatusCode: http.StatusBadRequest,
				Headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"}, Body: "Bad request\n"}, nil
		}
		w := &response{header: http.Header{}}
		h.ServeHTTP(w, r)
		return w.event(), nil
	}
}

// response is the handler's answer as it would reach a client: the
// status and headers as they stood when the header was written (a header
// set after that is not sent, as with a real connection), then the body.
type response struct {
	header http.Header
	sent   http.Header // the headers at WriteHeader
	status int
	body   bytes.Buffer
}

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(status int) {
	if w.sent != nil {
		return
	}
	w.status, w.sent = status, w.header.Clone()
}

func (w *response) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

func requestFromEvent(ctx context.Context, ev events.LambdaFunctionURLRequest) (*http.Request, error) {
	body := []byte(ev.Body)
	if ev.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(ev.Body)
		if err != nil {
			return nil, err
		}
		body = b
	}
	path := ev.RawPath
	if path == "" {
		path = ev.RequestContext.HTTP.Path
	}
	u := &url.URL{Path: path, RawQuery: ev.RawQueryString}
	method := ev.RequestContext.HTTP.Method
	if method == "" {
		method = http.MethodGet
	}
	r, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range ev.Headers {
		// Lambda joins repeated headers with commas; that is also how
		// HTTP defines a repeated header's value.
		r.Header.Set(k, v)
	}
	if len(ev.Cookies) > 0 {
		r.Header.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	r.Host = ev.Headers["host"]
	if r.Host == "" {
		r.Host = ev.RequestContext.DomainName
	}
	// Function URLs and CloudFront speak only HTTPS to the browser.
	if r.Header.Get("X-Forwarded-Proto") == "" {
		r.Header.Set("X-Forwarded-Proto", "https")
	}
	r.RemoteAddr = ev.RequestContext.HTTP.SourceIP
	r.RequestURI = u.RequestURI()
	r.ContentLength = int64(len(body))
	return r, nil
}

// event turns the response into Lambda's answer.
func (w *response) event() events.LambdaFunctionURLResponse {
	w.WriteHeader(http.StatusOK) // a handler that wrote nothing answered 200
	res := events.LambdaFunctionURLResponse{StatusCode: w.status, Headers: map[string]string{}}
	for k, vs := range w.sent {
		if http.CanonicalHeaderKey(k) == "Set-Cookie" {
			res.Cookies = append(res.Cookies, vs...) // payload v2 carries cookies apart
			continue
		}
		res.Headers[k] = strings.Join(vs, ", ")
	}
	body := w.body.Bytes()
	if utf8.Valid(body) {
		res.Body = string(body)
	} else {
		res.Body = base64.StdEncoding.EncodeToString(body)
		res.IsBase64Encoded = true
	}
	return res
}
