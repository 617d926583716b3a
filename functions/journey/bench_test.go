package journey

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkSubmitValid is a complete, valid application delivered to the
// local inbox (a temporary folder): decode, validate, compose, write.
func BenchmarkSubmitValid(b *testing.B) {
	e := newEnv(b)
	body := with(validApplication("sv"), "_action", "send").Encode()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		w := submit(e.h, body)
		if w.Code != http.StatusSeeOther {
			b.Fatalf("status %d", w.Code)
		}
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
