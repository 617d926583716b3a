package journey

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/site/chrome"
)

// BenchmarkSubmitValid is a complete, valid application delivered to the
// local inbox (a temporary folder): decode, validate, compose, write, and
// the ledger's two durable writes. Each is a new application (another
// given name), since the ledger would only confirm a repeat.
func BenchmarkSubmitValid(b *testing.B) {
	e := newEnv(b)
	bodies := distinctBodies(4096)
	b.ReportAllocs()
	b.SetBytes(int64(len(bodies[0])))
	i := 0
	for b.Loop() {
		w := submit(e.h, bodies[i%len(bodies)])
		i++
		if w.Code != http.StatusSeeOther {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// distinctBodies are n valid applications, each with its own reference.
func distinctBodies(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = with(validApplication("sv"), "_action", "send", "applicant.given_name", "Anna"+strconv.Itoa(i)).Encode()
	}
	return out
}

// BenchmarkSendP99 reports the 99th percentile of the in-process send
// path (decode, validate, compose, sign, encrypt, deliver to the local
// inbox) without the ledger, as before it, and with the ledger's file
// store, whose writes are fsynced: the ledger's cost, with durability
// on. The target: p99 with the ledger at most 1.5 times p99 without.
func BenchmarkSendP99(b *testing.B) {
	for _, tt := range []struct {
		name   string
		ledger bool
	}{{"without-ledger", false}, {"with-ledger", true}} {
		b.Run(tt.name, func(b *testing.B) {
			e := newEnv(b)
			if !tt.ledger {
				e = newEnvWithout(b)
			}
			bodies := distinctBodies(8192)
			var times []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				w := submit(e.h, bodies[i%len(bodies)])
				times = append(times, time.Since(start))
				i++
				if w.Code != http.StatusSeeOther {
					b.Fatalf("status %d", w.Code)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
		})
	}
}

// BenchmarkSubmitInvalid is the validation-error path: the form again,
// with every value and a message at each field.
func BenchmarkSubmitInvalid(b *testing.B) {
	e := newEnv(b)
	body := with(validApplication("sv"), "_action", "check", "applicant.personal_number", "19811218-9875", "applicant.family_name", "").Encode()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		w := submit(e.h, body)
		if w.Code != http.StatusUnprocessableEntity {
			b.Fatalf("status %d", w.Code)
		}
	}
}

func submit(h http.Handler, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/api/forms/samarbetssamtal", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// BenchmarkFormWithMunicipalities is the form's first step shown again
// with its error, from the committed content: the select of every
// municipality (290), the largest part of any page the function renders.
func BenchmarkFormWithMunicipalities(b *testing.B) {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		b.Fatal(err)
	}
	c, err := chrome.New(data.Strings, data.Settings)
	if err != nil {
		b.Fatal(err)
	}
	h, err := NewHandler(Config{Data: data, Chrome: c, Deliverer: &delivery.Mailer{Strings: data.Strings,
		Transport: &delivery.Inbox{Dir: b.TempDir()}}})
	if err != nil {
		b.Fatal(err)
	}
	body := url.Values{"_lang": {"sv"}, "_action": {"municipality"}, "municipality": {""}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		w := submit(h, body)
		if n := strings.Count(w.Body.String(), "<option"); w.Code != http.StatusUnprocessableEntity || n <= len(data.Directory.Municipalities) {
			b.Fatalf("status %d, %d options", w.Code, n)
		}
	}
	b.ReportMetric(float64(len(data.Directory.Municipalities)), "municipalities")
}
