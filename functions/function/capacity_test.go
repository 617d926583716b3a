package function

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"familjeratt.example/portal/functions/delivery/mailtest"
	jt "familjeratt.example/portal/functions/journey/journeytest"
	"familjeratt.example/portal/functions/lambda/lambdatest"
	"familjeratt.example/portal/functions/ledger/dynamostore/dynalitetest"
	"familjeratt.example/portal/functions/stats/dynamostats"
)

// reservedConcurrency is build/template.yaml's default (its test checks
// that they agree): the most instances Lambda runs at once.
const reservedConcurrency = 20

// TestHungRelay: a mail server that accepts connections and never
// answers must not take the function down. Under Lambda's limits (one
// request an instance, at most reservedConcurrency instances, the
// gateway's 30 s), parents press "Send" in a burst and then steadily
// while others check their answers: every sender gets our honest "not
// sent" page, in seconds, never the gateway's error, and every check
// page answers.
func TestHungRelay(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out the greeting timeout")
	}
	relay := mailtest.NewHungServer(t)
	f := newFixture(t, "a", "b")
	db := dynalitetest.Start(t) // the ledger, as on Lambda
	table := db.Table(t)
	statsTable := db.TableKeys(t, "stats", dynamostats.OfficeAttribute, dynamostats.MonthAttribute)
	pool := &lambdatest.Pool{Max: reservedConcurrency, New: func() (http.Handler, error) {
		return New(f.lambda("INTAKE_SMTP_ADDR", relay, "INTAKE_LEDGER_TABLE", table, "INTAKE_STATS_TABLE", statsTable,
			"AWS_ENDPOINT_URL_DYNAMODB", db.Endpoint,
			"AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"), Options{Content: f.fsys})
	}}
	origin := func(r *http.Request) { r.Header.Set("Origin", "https://familjeratt.kommun.example") }
	app := jt.With(jt.ValidApplication("sv"), "municipality", "1280")

	var wg sync.WaitGroup
	var mu sync.Mutex
	var sends, checks []*httptest.ResponseRecorder
	var slowest time.Duration
	var n atomic.Int64
	send := func() {
		defer wg.Done()
		start := time.Now()
		// Each parent's own application: the ledger would hold back the
		// same one sent while it is being sent.
		w := jt.Post(t, pool, jt.With(app, "_action", "send", "applicant.given_name", fmt.Sprintf("Anna%d", n.Add(1))), origin)
		mu.Lock()
		sends, slowest = append(sends, w), max(slowest, time.Since(start))
		mu.Unlock()
	}
	stop := make(chan struct{})
	var checking sync.WaitGroup
	checking.Add(1)
	go func() { // a parent checking answers, all the while
		defer checking.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			w := jt.Post(t, pool, jt.With(app, "_action", "check"), origin)
			mu.Lock()
			checks = append(checks, w)
			mu.Unlock()
		}
	}()
	// A burst, then three sends a second. Until the first hang ends
	// (the 3 s greeting timeout), each send holds an instance of its
	// own: the burst, nine more and the checker's. A burst of half the
	// instances filled 20 of 20 exactly, so a loaded machine's slower
	// answers throttled a check: the burst leaves three instances spare.
	for range reservedConcurrency/2 - 3 {
		wg.Add(1)
		go send()
	}
	for range 30 { // then steadily, three a second… ten seconds long
		time.Sleep(330 * time.Millisecond)
		wg.Add(1)
		go send()
	}
	wg.Wait()
	close(stop)
	checking.Wait()

	for i, w := range sends {
		if w.Header().Get(lambdatest.Gateway) != "" || w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "Dina svar är inte skickade") {
			t.Errorf("send %d: status %d, gateway %q; want our 503 page saying nothing was sent", i, w.Code, w.Header().Get(lambdatest.Gateway))
		}
	}
	for i, w := range checks {
		if w.Code != http.StatusOK {
			t.Errorf("check %d while the relay hangs: status %d, gateway %q", i, w.Code, w.Header().Get(lambdatest.Gateway))
		}
	}
	if len(checks) < 100 {
		t.Errorf("only %d checks ran", len(checks))
	}
	if slowest > 10*time.Second {
		t.Errorf("a parent waited %v for the not-sent page", slowest)
	}
	s := pool.Stats()
	t.Logf("%d sends, %d checks, slowest send %v; %d instances, %d throttled, %d cut off", len(sends), len(checks),
		slowest.Round(time.Millisecond), s.Instances, s.Throttled, s.TimedOut)
}
