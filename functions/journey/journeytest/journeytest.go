// Package journeytest acts as a parent does against the intake
// function's handler: it posts a complete application, changes answers,
// and reads back the hidden fields a browser would post next. For tests
// only; the function's own tests and those of the binaries that run it
// share it.
package journeytest

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/delivery/mailtest"
	"familjeratt.example/portal/functions/intake"
)

// Now is the day of every test application: a child born 2008-11-24 is
// still 17.
var Now = time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)

// Fixed is a source of "randomness" that gives the same reference every
// time, so golden pages do not change.
type Fixed struct{}

func (Fixed) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i*37 + 11)
	}
	return len(p), nil
}

// ValidApplication is a complete application for cooperation talks, as
// a parent in Malmö (1280) would post it from the form in lang.
func ValidApplication(lang string) url.Values {
	return url.Values{
		"_lang": {lang}, "_page": {"form"},
		"applicant.given_name": {"Anna"}, "applicant.family_name": {"Lindqvist"},
		"applicant.personal_number":    {"811218-9876"},
		"applicant.protected_identity": {"no"},
		"applicant.street":             {"Storgatan 12"}, "applicant.postal_code": {"211 34"}, "applicant.city": {"Malmö"},
		"applicant.phone": {"070-123 45 67"}, "applicant.email": {"anna.lindqvist@example.org"},
		"applicant.safe_contact":          {"Ring efter klockan tio"},
		"applicant.interpreter_language":  {""},
		"applicant.individual_first_talk": {"yes"},
		"other_parent.given_name":         {"Erik"}, "other_parent.family_name": {"Berggren"},
		"other_parent.personal_number": {intake.MakePersonalNumber("19790312", "234")},
		"other_parent.agrees":          {"unknown"},
		"children.0.given_name":        {"Lisa"}, "children.0.family_name": {"Berggren"},
		"children.0.personal_number": {intake.MakePersonalNumber("20150101", "002")},
		"municipality":               {"1280"},
		"topics":                     {"custody", "contact"},
		"court_ordered":              {"no"}, "previous_talks": {"no"},
		"privacy_ack": {"yes"},
	}
}

// Post posts values to the application form, from the site's origin.
func Post(tb testing.TB, h http.Handler, values url.Values, mutate ...func(*http.Request)) *httptest.ResponseRecorder {
	tb.Helper()
	r := httptest.NewRequest(http.MethodPost, "/api/forms/samarbetssamtal", strings.NewReader(values.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", "http://example.com")
	for _, m := range mutate {
		m(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// With returns a copy of v with the pairs in kv set; the value
// "<delete>" deletes the name.
func With(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<delete>" {
			delete(out, kv[i])
			continue
		}
		out.Set(kv[i], kv[i+1])
	}
	return out
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)

// Hidden reads back the hidden fields of a page, as a browser would post
// them.
func Hidden(body string) url.Values {
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(body, -1) {
		v.Add(m[1], htmlUnescape(m[2]))
	}
	return v
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#43;", "+", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&#10;", "\n", "&#13;", "\r").Replace(s)
}

// CheckAndSend goes to the check page, then sends from it, as a parent
// does; it returns the answers the check page carried and the answer to
// sending.
func CheckAndSend(tb testing.TB, h http.Handler, values url.Values) (url.Values, *httptest.ResponseRecorder) {
	tb.Helper()
	check := Post(tb, h, With(values, "_action", "check"))
	if check.Code != http.StatusOK {
		tb.Fatalf("check: status %d", check.Code)
	}
	carried := Hidden(check.Body.String())
	return carried, Post(tb, h, With(carried, "_action", "send"))
}

var summaryRE = regexp.MustCompile(`(?s)<div class="error-summary".*?</ul>`)

// Summary is the text of a page's error summary.
func Summary(body string) string {
	return regexp.MustCompile(`<[^>]+>`).ReplaceAllString(summaryRE.FindString(body), " ")
}

// Log is a log destination that tests read while handlers write.
type Log struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// DevSigner is the portal's development signing key, from the
// repository at root: what `make run` signs with.
func DevSigner(tb testing.TB, root string) *delivery.Signer {
	tb.Helper()
	certPEM, err := os.ReadFile(filepath.Join(root, "content", content.SigningFile))
	if err != nil {
		tb.Fatal(err)
	}
	block, _ := pem.Decode(certPEM)
	if block == nil {
		tb.Fatal("content/signing.pem is not PEM")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(root, "build", "dev-only-keys", "signing.key.pem"))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := delivery.NewSigner(cert, keyPEM)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// Open returns a message as staff read it: decrypted with one of keys
// when it is encrypted, then checked to be signed by signer, the
// portal's certificate. It fails the test when either fails.
func Open(tb testing.TB, msg []byte, signer *x509.Certificate, keys ...*mailtest.Recipient) []byte {
	tb.Helper()
	entity := msg
	if delivery.Sealed(msg) {
		entity = nil
		for _, k := range keys {
			if inner, err := delivery.Unseal(msg, k.Cert, k.Key); err == nil {
				entity = inner
				break
			}
		}
		if entity == nil {
			tb.Fatalf("none of %d keys decrypts the message", len(keys))
		}
	}
	opened, err := delivery.Verify(entity, signer)
	if err != nil {
		tb.Fatalf("the message's signature: %v", err)
	}
	return opened
}

// DevKeys are the demo offices' development keys, from the repository
// at root.
func DevKeys(tb testing.TB, root string) []*mailtest.Recipient {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(root, "build", "dev-only-keys", "*.key.pem"))
	var keys []*mailtest.Recipient
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".key.pem")
		cert := filepath.Join(root, "content", "offices", "certs", id+".pem")
		if _, err := os.Stat(cert); err != nil {
			continue // the signing key
		}
		r, err := mailtest.ReadRecipient(cert, f)
		if err != nil {
			tb.Fatal(err)
		}
		keys = append(keys, r)
	}
	if len(keys) == 0 {
		tb.Fatal("no development keys in build/dev-only-keys")
	}
	return keys
}

// EasternDigits writes s's digits as Eastern Arabic ones (٠–٩), as an
// Arabic keyboard types them.
func EasternDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '٠' + (r - '0')
		}
		return r
	}, s)
}
