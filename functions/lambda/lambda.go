// Package lambda adapts an [http.Handler] to AWS Lambda's HTTP events:
// Function URL events, which have the same shape as API Gateway HTTP
// API payload version 2. It knows nothing of what the handler does.
package lambda

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
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

// Events are the function's invocations that are not HTTP requests.
type Events struct {
	// SNS handles the messages of an SNS event: Amazon SES's delivery
	// notifications. An error makes Lambda report the invocation failed,
	// and SNS delivers again.
	SNS func(ctx context.Context, messages [][]byte) error
	// Scheduled handles the schedule's invocation: its input is
	// {"action": "sweep"}.
	Scheduled func(ctx context.Context) error
	// Statistics handles the yearly schedule's invocation, whose input
	// is {"action": "statistics"}: the summaries of the year that ended.
	Statistics func(ctx context.Context) error
}

// invocation is enough of any event to tell its kind.
type invocation struct {
	Records []struct {
		EventSource string `json:"EventSource"`
		SNS         struct {
			Message string `json:"Message"`
		} `json:"Sns"`
	} `json:"Records"`
	Action string `json:"action"`
}

// Dispatch answers HTTP events with h and the others with ev: one
// function, so that every invocation runs with the same configuration.
func Dispatch(h http.Handler, ev Events) func(context.Context, json.RawMessage) (any, error) {
	httpHandler := Handler(h)
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		var inv invocation
		_ = json.Unmarshal(raw, &inv) // an HTTP event has neither field
		switch {
		case len(inv.Records) > 0 && inv.Records[0].EventSource == "aws:sns":
			msgs := make([][]byte, 0, len(inv.Records))
			for _, r := range inv.Records {
				msgs = append(msgs, []byte(r.SNS.Message))
			}
			if ev.SNS == nil {
				return nil, errors.New("no handler for SNS events")
			}
			return nil, ev.SNS(ctx, msgs)
		case inv.Action == "sweep":
			if ev.Scheduled == nil {
				return nil, errors.New("no handler for the schedule")
			}
			return map[string]string{"status": "swept"}, ev.Scheduled(ctx)
		case inv.Action == "statistics":
			if ev.Statistics == nil {
				return nil, errors.New("no handler for the statistics schedule")
			}
			return map[string]string{"status": "sent"}, ev.Statistics(ctx)
		}
		var req events.LambdaFunctionURLRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			return nil, err
		}
		return httpHandler(ctx, req)
	}
}
