// Package lambdatest models, for tests, the limits AWS puts around the
// function in production: Lambda runs one request at a time in each
// instance, starts at most the reserved concurrency of instances and
// throttles beyond it, and API Gateway gives up on a request after 30
// seconds. A [Pool] is an http.Handler with those limits, over instances
// a test makes, so that what a parent would see under load can be tested
// here. It answers with the gateway's own errors, never the function's
// pages, and says so in a header, so a test can count them.
package lambdatest

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"
)

// Gateway is the header on every answer the pool gives instead of an
// instance: "throttled" or "timeout".
const Gateway = "X-Lambdatest-Gateway"

// Pool serves requests with at most Max instances, each made by New and
// each serving one request at a time.
type Pool struct {
	New     func() (http.Handler, error) // a new instance: a cold start
	Max     int                          // Lambda's reserved concurrency
	Timeout time.Duration                // API Gateway's cut-off; 0 means 30 s

	mu        sync.Mutex
	idle      []http.Handler // most recently used last
	instances int
	stats     Stats
}

// Stats are what the pool did.
type Stats struct {
	Instances int // started
	Throttled int // requests refused: every instance busy, Max reached
	TimedOut  int // requests the gateway gave up on
	Served    int // requests an instance answered in time
}

// Stats returns what the pool has done so far.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Instances = p.instances
	return s
}

// acquire takes the instance that was idle last, as Lambda prefers a warm
// instance, or starts one; it reports false when Max are busy.
func (p *Pool) acquire() (http.Handler, bool, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		h := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return h, true, nil
	}
	if p.instances >= p.Max {
		p.stats.Throttled++
		p.mu.Unlock()
		return nil, false, nil
	}
	p.instances++
	p.mu.Unlock()
	h, err := p.New()
	if err != nil {
		p.mu.Lock()
		p.instances--
		p.mu.Unlock()
		return nil, false, err
	}
	return h, true, nil
}

func (p *Pool) release(h http.Handler) {
	p.mu.Lock()
	p.idle = append(p.idle, h)
	p.mu.Unlock()
}

func (p *Pool) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, ok, err := p.acquire()
	if err != nil {
		http.Error(w, "instance failed to start: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if !ok {
		gatewayError(w, "throttled", http.StatusServiceUnavailable)
		return
	}
	timeout := p.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	// The instance answers into a buffer, as Lambda's buffered response
	// does, and stays busy until it has answered, whether or not the
	// gateway is still waiting.
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	done := make(chan struct{})
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	body, _ := readAll(r)
	go func() {
		defer close(done)
		defer p.release(h)
		req := r.Clone(context.WithoutCancel(ctx))
		req.Body = readCloser{bytes.NewReader(body)}
		h.ServeHTTP(rec, req)
	}()
	select {
	case <-done:
		p.mu.Lock()
		p.stats.Served++
		p.mu.Unlock()
		for k, vs := range rec.header {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	case <-ctx.Done():
		p.mu.Lock()
		p.stats.TimedOut++
		p.mu.Unlock()
		gatewayError(w, "timeout", http.StatusGatewayTimeout)
	}
}

// gatewayError is API Gateway's own answer: JSON, not the portal's page.
func gatewayError(w http.ResponseWriter, kind string, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(Gateway, kind)
	w.WriteHeader(status)
	w.Write([]byte(`{"message":"` + http.StatusText(status) + `"}`))
}

type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func readAll(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}
