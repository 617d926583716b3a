package lambdatest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// slow answers after d, and counts how many of its kind run at once.
type slow struct {
	d       time.Duration
	mu      *sync.Mutex
	running *int
	most    *int
}

func (s slow) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	*s.running++
	*s.most = max(*s.most, *s.running)
	s.mu.Unlock()
	time.Sleep(s.d)
	s.mu.Lock()
	*s.running--
	s.mu.Unlock()
	w.Header().Set("X-Instance", "yes")
	w.WriteHeader(http.StatusTeapot)
	w.Write([]byte("answered"))
}

func pool(max int, d, timeout time.Duration) (*Pool, *int) {
	var mu sync.Mutex
	var running, most int
	return &Pool{Max: max, Timeout: timeout, New: func() (http.Handler, error) {
		return slow{d: d, mu: &mu, running: &running, most: &most}, nil
	}}, &most
}

func get(h http.Handler) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/x", nil))
	return w
}

func TestAnswersThroughAnInstance(t *testing.T) {
	p, _ := pool(2, 0, time.Second)
	w := get(p)
	if w.Code != http.StatusTeapot || w.Body.String() != "answered" || w.Header().Get("X-Instance") != "yes" || w.Header().Get(Gateway) != "" {
		t.Errorf("got %d %q %v, want the instance's answer", w.Code, w.Body.String(), w.Header())
	}
	get(p)
	if s := p.Stats(); s.Instances != 1 || s.Served != 2 {
		t.Errorf("stats %+v: one warm instance serves requests in turn", s)
	}
}

// TestThrottles: at most Max requests run at once; the next is the
// gateway's error, at once.
func TestThrottles(t *testing.T) {
	p, most := pool(3, 200*time.Millisecond, 5*time.Second)
	var wg sync.WaitGroup
	codes := make(chan int, 5)
	for range 5 {
		wg.Add(1)
		go func() { defer wg.Done(); codes <- get(p).Code }()
	}
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for c := range codes {
		got[c]++
	}
	if got[http.StatusTeapot] != 3 || got[http.StatusServiceUnavailable] != 2 {
		t.Errorf("answers %v, want 3 from instances and 2 throttled", got)
	}
	if *most != 3 {
		t.Errorf("%d ran at once, want 3", *most)
	}
	if s := p.Stats(); s.Instances != 3 || s.Throttled != 2 {
		t.Errorf("stats %+v", s)
	}
}

// TestTimesOut: the gateway gives up after Timeout, and the instance stays
// busy until its request ends.
func TestTimesOut(t *testing.T) {
	p, _ := pool(1, 300*time.Millisecond, 100*time.Millisecond)
	start := time.Now()
	w := get(p)
	if w.Code != http.StatusGatewayTimeout || w.Header().Get(Gateway) != "timeout" || time.Since(start) > 250*time.Millisecond {
		t.Errorf("got %d after %v, want the gateway's 504 at the cut-off", w.Code, time.Since(start))
	}
	if w := get(p); w.Header().Get(Gateway) != "throttled" {
		t.Errorf("the instance still busy with the request the gateway gave up on: got %d %v, want throttled", w.Code, w.Header())
	}
	time.Sleep(300 * time.Millisecond)
	p.Timeout = time.Second
	if w := get(p); w.Code != http.StatusTeapot {
		t.Errorf("once free, the instance answers: got %d", w.Code)
	}
}
