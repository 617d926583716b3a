package journey

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

// TestUnitRouting: a form goes to the office's unit for it, and an
// office without that unit gives the page saying the form is not taken
// here, with the office's own contact, whatever step the answers come
// from; the deployment decides too, where a unit has no real inbox.
func TestUnitRouting(t *testing.T) {
	torsas := "0834" // its office has no supported-contact unit
	tests := []struct {
		name   string
		values url.Values
		live   func(*content.Office, *content.Intake) bool
		want   string // "sent to <office>/<unit>", or "not offered"
	}{
		{"a unit the office has", visitReport("sv", "check"), nil, "sent to malmo/umgangesstod"},
		{"the municipality's step, an office without the unit",
			url.Values{"_lang": {"sv"}, "_page": {"municipality"}, "_action": {"municipality"}, "municipality": {torsas}}, nil, "not offered"},
		{"the whole report, an office without the unit", with(visitReport("sv", "check"), "municipality", torsas), nil, "not offered"},
		{"a unit the deployment gives no real inbox", visitReport("sv", "check"),
			func(o *content.Office, u *content.Intake) bool { return u.Kind == content.FamilyLaw }, "not offered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnvLedger(t, true, func(c *Config) { c.LiveUnit = tt.live })
			w := postTo(t, e.h, visitReportPath, tt.values)
			if tt.values.Get("_action") == "check" && w.Code == http.StatusOK && strings.Contains(w.Body.String(), `value="send"`) {
				w = postTo(t, e.h, visitReportPath, with(hidden(w.Body.String()), "_action", "send"))
			}
			body := w.Body.String()
			got := "not offered"
			switch {
			case len(e.sender.sent) == 1:
				got = "sent to " + e.sender.sent[0].Office + "/" + string(e.sender.sent[0].Unit)
			case len(e.sender.sent) > 1:
				got = "sent more than once"
			case w.Code != http.StatusOK || !strings.Contains(body, "<h1") || strings.Contains(body, `name="case_reference" type`):
				got = "something else"
			}
			if got != tt.want {
				t.Fatalf("got %s (status %d, h1 %q), want %s", got, w.Code, h1Of(body), tt.want)
			}
			if got == "not offered" {
				o, _ := sharedData.Directory.OfficeFor(tt.values.Get("municipality"))
				title := sharedData.Strings.MustGet(content.SV, "form."+intake.VisitReportID+".notoffered_title", "office", o.Name.In(content.SV))
				if h := h1Of(body); h != title {
					t.Errorf("h1 %q, want %q", h, title)
				}
				if o.Contact.Phone != "" && !strings.Contains(body, o.Contact.Phone) {
					t.Errorf("the page does not give the office's phone %s", o.Contact.Phone)
				}
			}
		})
	}
}

// h1Of is the text of a page's first heading, without its tags.
func h1Of(body string) string {
	_, rest, ok := strings.Cut(body, "<h1")
	if !ok {
		return ""
	}
	_, rest, _ = strings.Cut(rest, ">")
	h, _, _ := strings.Cut(rest, "</h1>")
	return strings.TrimSpace(tagRE.ReplaceAllString(h, ""))
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// TestStaffFormPromises: a form staff write (the visit report) shows none
// of the office's promises to parents, on its form or its confirmation;
// the application shows them on both.
func TestStaffFormPromises(t *testing.T) {
	promise := sharedPromise(t)
	tests := []struct {
		path   string
		values url.Values
		want   bool
	}{
		{visitReportPath, visitReport("sv", "check"), false},
		{"/api/forms/samarbetssamtal", with(validApplicationValues(), "_action", "check"), true},
	}
	for _, tt := range tests {
		e := newEnv(t)
		start := url.Values{"_lang": {"sv"}, "_page": {"municipality"}, "_action": {"municipality"}, "municipality": {"1280"}}
		form := postTo(t, e.h, tt.path, start)
		check := postTo(t, e.h, tt.path, tt.values)
		sent := postTo(t, e.h, tt.path, with(hidden(check.Body.String()), "_action", "send"))
		if sent.Code != http.StatusSeeOther {
			t.Fatalf("%s: send: status %d", tt.path, sent.Code)
		}
		r := httptest.NewRequest(http.MethodGet, tt.path+"/sent", nil)
		r.AddCookie(sent.Result().Cookies()[0])
		conf := httptest.NewRecorder()
		e.h.ServeHTTP(conf, r)
		for name, body := range map[string]string{"form": form.Body.String(), "confirmation": conf.Body.String()} {
			if got := strings.Contains(body, promise); got != tt.want {
				t.Errorf("%s, %s: shows the office's promise %q: %v, want %v", tt.path, name, promise, got, tt.want)
			}
		}
	}
}

// sharedPromise is the first promise of the fixture's Malmö office.
func sharedPromise(t *testing.T) string {
	t.Helper()
	newEnv(t) // loads sharedData
	o, ok := sharedData.Directory.OfficeFor("1280")
	if !ok || len(o.Promises) == 0 {
		t.Fatal("the fixture's Malmö office has no promise to look for")
	}
	return o.Promises[0].In(content.SV)
}

func validApplicationValues() url.Values { return validApplication("sv") }
