package function

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"

	"familjeratt.example/portal/functions/intake"
	jt "familjeratt.example/portal/functions/journey/journeytest"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// clock is a settable clock for the function.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// statsRun is a known set of submissions sent through the real function
// (the committed content, a local inbox, a ledger file, a statistics
// file), with what the office then does: the counters it must give.
type statsRun struct {
	fn    *Function
	clock *clock
	dir   string
	sent  []url.Values // every answer posted, for the test of what is kept
}

func newStatsRun(t *testing.T) *statsRun {
	t.Helper()
	dir := t.TempDir()
	c := &clock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	fn, err := New(dev("INTAKE_INBOX_DIR", filepath.Join(dir, "inbox"), "INTAKE_LEDGER_FILE", filepath.Join(dir, "ledger.db"),
		"INTAKE_STATS_FILE", filepath.Join(dir, "stats.db")), Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fn.Close() })
	return &statsRun{fn: fn, clock: c, dir: dir}
}

// post sends values to a form and returns the answer.
func (r *statsRun) post(t *testing.T, form string, values url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r.sent = append(r.sent, values)
	req := httptest.NewRequest(http.MethodPost, "/api/forms/"+form, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://example.com")
	w := httptest.NewRecorder()
	r.fn.ServeHTTP(w, req)
	return w
}

// send sends an application through the check page, as a parent does,
// and returns the answers it carried (with its reference).
func (r *statsRun) send(t *testing.T, kv ...string) url.Values {
	t.Helper()
	v := jt.With(jt.ValidApplication("sv"), kv...)
	r.sent = append(r.sent, v)
	check := jt.Post(t, r.fn, jt.With(v, "_action", "check"))
	if check.Code != http.StatusOK {
		t.Fatalf("check %v: status %d: %s", kv, check.Code, jt.Summary(check.Body.String()))
	}
	carried := jt.Hidden(check.Body.String())
	w := jt.Post(t, r.fn, jt.With(carried, "_action", "send"))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("send %v: status %d: %s", kv, w.Code, jt.Summary(w.Body.String()))
	}
	return carried
}

func (r *statsRun) rows(t *testing.T) []stats.Row {
	t.Helper()
	var rows []stats.Row
	if err := r.fn.Stats.Scan(context.Background(), func(row stats.Row) error {
		rows = append(rows, row)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(rows, func(a, b stats.Row) int { return strings.Compare(a.Office+a.Month, b.Office+b.Month) })
	return rows
}

// knownSet sends the set the goldens record: Malmö (1280) in March and
// April 2025, with the office acknowledging some and the sweep
// reminding of others.
func knownSet(t *testing.T, r *statsRun) {
	t.Helper()
	march := func(day, hour int) { r.clock.Set(time.Date(2025, 3, day, hour, 0, 0, 0, time.UTC)) }
	march(10, 9)
	first := r.send(t) // one child, custody and contact, individual first talk
	r.send(t, "children.1.given_name", "Olle", "children.1.family_name", "Berggren",
		"children.1.personal_number", intake.MakePersonalNumber("20170505", "004"), "topics", "residence",
		"applicant.interpreter_language", "ar", "court_ordered", "yes", "court_case_number", "T 1234-24")
	march(11, 10)
	r.send(t, "children.1.given_name", "Olle", "children.1.family_name", "Berggren",
		"children.1.personal_number", intake.MakePersonalNumber("20170505", "004"), "children.2.given_name", "Maja", "children.2.family_name", "Berggren",
		"children.2.personal_number", intake.MakePersonalNumber("20190909", "006"), "previous_talks", "yes", "applicant.individual_first_talk", "no",
		"applicant.protected_identity", "yes", "applicant.street", "", "applicant.postal_code", "", "applicant.city", "")
	r.send(t, "other_parent.interpreter_language", "ti", "applicant.interpreter_language", "ti")
	r.send(t, "topics", "support")
	r.send(t, "topics", "other", "topics_other", "Skolval och resor")

	// Not counted: the same application sent again (Back, Send); one
	// the honeypot flagged; one that was only checked, never sent.
	if w := jt.Post(t, r.fn, jt.With(first, "_action", "send")); w.Code != http.StatusSeeOther {
		t.Fatalf("repeat: status %d", w.Code)
	}
	r.send(t, "website", "http://spam.example")
	if w := jt.Post(t, r.fn, jt.With(jt.ValidApplication("sv"), "_action", "check")); w.Code != http.StatusOK {
		t.Fatalf("check: status %d", w.Code)
	}

	// A follow-up request in April.
	r.clock.Set(time.Date(2025, 4, 2, 8, 0, 0, 0, time.UTC))
	if w := r.post(t, "uppfoljningssamtal", url.Values{"_lang": {"sv"}, "_action": {"send"}, "applicant.given_name": {"Anna"},
		"applicant.family_name": {"Lindqvist"}, "applicant.email": {"anna@example.org"}, "municipality": {"1280"},
		"message": {"Vi vill träffas igen"}, "privacy_ack": {"yes"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("follow-up: status %d", w.Code)
	}

	// The office acknowledges the first application the next working
	// day (Tuesday 11 March), and the second only after the sweep has
	// reminded it and escalated (in April).
	ctx := context.Background()
	refs := r.references(t)
	r.clock.Set(time.Date(2025, 3, 11, 14, 0, 0, 0, time.UTC))
	if _, _, err := r.fn.Ledger.Record(ctx, refs[0], ledger.Acknowledged, ""); err != nil {
		t.Fatal(err)
	}
	// Two working days on, the sweep reminds the office of the others.
	r.clock.Set(time.Date(2025, 3, 13, 12, 0, 0, 0, time.UTC))
	if _, err := r.fn.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(time.Date(2025, 4, 3, 9, 0, 0, 0, time.UTC))
	if _, err := r.fn.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(time.Date(2025, 4, 4, 9, 0, 0, 0, time.UTC))
	if _, _, err := r.fn.Ledger.Record(ctx, refs[1], ledger.Acknowledged, ""); err != nil {
		t.Fatal(err)
	}
}

// references are the ledger's references in the order they were received.
func (r *statsRun) references(t *testing.T) []string {
	t.Helper()
	var es []ledger.Entry
	if err := r.fn.Ledger.Store.Scan(context.Background(), func(e ledger.Entry) error {
		es = append(es, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(es, func(a, b ledger.Entry) int { return a.Received.Compare(b.Received) })
	var refs []string
	for _, e := range es {
		refs = append(refs, e.Reference)
	}
	return refs
}

// TestStatisticsCounters: the known set, sent through the real function,
// gives the counters in testdata/statistics/counters.json.
func TestStatisticsCounters(t *testing.T) {
	r := newStatsRun(t)
	knownSet(t, r)
	got, err := json.MarshalIndent(r.rows(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/statistics/counters.json", append(got, '\n'))
}

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it; read the diff first):\ngot:\n%s", file, got)
	}
}

// TestStatisticsKeepNoPersonalData: nothing a parent typed, and no
// reference, reaches the counters' file.
func TestStatisticsKeepNoPersonalData(t *testing.T) {
	r := newStatsRun(t)
	knownSet(t, r)
	raw, err := os.ReadFile(filepath.Join(r.dir, "stats.db"))
	if err != nil {
		t.Fatal(err)
	}
	typed := r.typed(t)
	for _, s := range typed {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the statistics file holds %q", s)
		}
	}
	for _, row := range r.rows(t) {
		if err := row.Counts.Known(); err != nil {
			t.Error(err)
		}
	}
}

// TestStatisticsOutputs: the known set's CSV and HTML summary for the
// office, as `make stats` and the yearly e-mail give them, against the
// goldens; and the yearly run sends each office its summary, the
// operator the national totals, signed, with a neutral subject, and no
// personal data anywhere.
func TestStatisticsOutputs(t *testing.T) {
	r := newStatsRun(t)
	knownSet(t, r)
	ctx := context.Background()
	r.clock.Set(time.Date(2026, 1, 2, 7, 0, 0, 0, time.UTC))
	rows := r.rows(t)
	malmo, _ := r.fn.Data.Directory.Office("malmo")
	oy, err := report.Office(rows, malmo, 2025, r.fn.Threshold, r.fn.now())
	if err != nil {
		t.Fatal(err)
	}
	var csv, html bytes.Buffer
	if err := oy.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if err := oy.WriteHTML(&html, r.fn.Data.Strings); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/statistics/malmo-2025.csv", csv.Bytes())
	golden(t, "testdata/statistics/malmo-2025.html", html.Bytes())

	// Six applications in March: the month's 6 is shown, every count
	// below 5 is hidden.
	if !strings.Contains(csv.String(), "\n2025-03,stängd,6,") {
		t.Errorf("March's applications are not shown as 6:\n%s", csv.String())
	}

	// The year under way is not sent.
	if _, err := r.fn.YearlyStatistics(ctx, 2026); err == nil {
		t.Error("YearlyStatistics(2026) in January 2026: no error")
	}
	rep, err := r.fn.YearlyStatistics(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Offices) != len(r.fn.Data.Directory.Offices) || rep.Operator {
		t.Errorf("sent to %v, operator %v; want every office, and no operator (none configured)", rep.Offices, rep.Operator)
	}
	for _, o := range r.fn.Data.Directory.Offices {
		// Among the reminders the sweep sent, one summary.
		files, _ := filepath.Glob(filepath.Join(r.dir, "inbox", o.ID, "notice-*.eml"))
		var head string
		var parts map[string][]byte
		n := 0
		for _, f := range files {
			h, p := openNotice(t, r, f)
			if strings.Contains(h, "Subject: =?utf-8?q?Statistik_2025_fr=C3=A5n_familjer=C3=A4ttsportalen?=") {
				head, parts = h, p
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%s: %d yearly summaries under the neutral subject, want 1", o.ID, n)
		}
		if len(parts["text/html"]) == 0 || len(parts["text/csv"]) == 0 {
			t.Errorf("%s: the summary lacks its HTML or CSV: %v", o.ID, keys(parts))
		}
		if o.ID == "malmo" && !bytes.Equal(parts["text/html"], html.Bytes()) {
			t.Error("Malmö's e-mailed summary is not the one make stats writes")
		}
		r.noPersonalData(t, o.ID+"'s summary", head, parts)
	}
}

// TestStatisticsToTheOperator: with an operator address, the national
// totals and the public export go there, and the export loads as the
// site reads it.
func TestStatisticsToTheOperator(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	fn, err := New(dev("INTAKE_INBOX_DIR", filepath.Join(dir, "inbox"), "INTAKE_LEDGER_FILE", filepath.Join(dir, "ledger.db"),
		"INTAKE_OPERATOR_EMAIL", "drift@familjeratt.example"), Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer fn.Close()
	r := &statsRun{fn: fn, clock: c, dir: dir}
	knownSet(t, r)
	c.Set(time.Date(2026, 1, 2, 7, 0, 0, 0, time.UTC))
	rep, err := fn.YearlyStatistics(context.Background(), 2025)
	if err != nil || !rep.Operator {
		t.Fatalf("operator %v, %v", rep.Operator, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "inbox", "national", "notice-*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d notices to the operator, want 1", len(files))
	}
	head, parts := openNotice(t, r, files[0])
	if !strings.Contains(head, "To: drift@familjeratt.example") {
		t.Errorf("not to the operator:\n%s", head)
	}
	text := string(parts["text/plain"])
	if !strings.Contains(text, "Ansökningar om samarbetssamtal") || !strings.Contains(text, "<5") {
		t.Errorf("the national totals:\n%s", text)
	}
	fsys := fstest.MapFS{"statistics/2025.yaml": {Data: parts["application/yaml"]}}
	got, err := content.LoadStatistics(fsys, fn.Data.Directory)
	if err != nil || len(got) != 1 || got[0].Year != 2025 {
		t.Fatalf("the attached export does not load: %v", err)
	}
	r.noPersonalData(t, "the operator's totals", head, parts)
}

// openNotice checks a notice's signature and returns its header and
// decoded parts.
func openNotice(t *testing.T, r *statsRun, file string) (string, map[string][]byte) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	inner, err := delivery.Verify(b, r.fn.Data.Signing)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	head, _, _ := strings.Cut(string(b), "\r\n\r\n")
	parts, err := delivery.Parts(append([]byte("MIME-Version: 1.0\r\n"), inner...))
	if err != nil {
		t.Fatal(err)
	}
	return head, parts
}

func keys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// typed is every value a person typed into the run's forms, and every
// reference: what no output of the statistics may hold.
func (r *statsRun) typed(t *testing.T) []string {
	t.Helper()
	var typed []string
	for _, v := range r.sent {
		for k, vs := range v {
			for _, s := range vs {
				// Closed-list values (yes, no, custody, ar, 1280) are not
				// personal; everything a person typed is.
				// A city is also a municipality's name, which the outputs
				// rightly hold.
				if len(s) < 4 || k == "municipality" || strings.HasPrefix(k, "_") || k == "topics" || k == "privacy_ack" ||
					strings.HasSuffix(k, ".city") {
					continue
				}
				typed = append(typed, s)
			}
		}
	}
	for _, ref := range r.references(t) {
		typed = append(typed, ref, strings.ReplaceAll(ref, "-", ""))
	}
	if len(typed) < 20 {
		t.Fatalf("only %d typed values to look for", len(typed))
	}
	return typed
}

func (r *statsRun) noPersonalData(t *testing.T, what, head string, parts map[string][]byte) {
	t.Helper()
	all := head
	for _, p := range parts {
		all += string(p)
	}
	for _, s := range r.typed(t) {
		// As a word: "Anna" is in "Annat språk".
		if regexp.MustCompile(`\b` + regexp.QuoteMeta(s) + `\b`).MatchString(all) {
			t.Errorf("%s holds %q", what, s)
		}
	}
}

// TestStatisticsOnce: a yearly run that is repeated (the schedule's next
// hour, Lambda's retry) sends nothing twice, and one that runs out of
// time sends nothing it cannot finish and leaves the rest to the next.
func TestStatisticsOnce(t *testing.T) {
	r := newStatsRun(t)
	r.clock.Set(time.Date(2026, 1, 2, 7, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if rep, err := r.fn.YearlyStatistics(ctx, 2025); err == nil || len(rep.Offices) != 0 {
		t.Errorf("with a second left: sent to %v (%v), want none and an error", rep.Offices, err)
	}
	for range 2 {
		if _, err := r.fn.YearlyStatistics(context.Background(), 2025); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(r.dir, "inbox", "*", "notice-*.eml"))
	if len(files) != len(r.fn.Data.Directory.Offices) {
		t.Errorf("%d summaries after two runs, want one per office (%d)", len(files), len(r.fn.Data.Directory.Offices))
	}
	// The sweep leaves the summaries' ledger entries alone.
	r.clock.Set(time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC))
	rep, err := r.fn.Sweep(context.Background())
	if err != nil || len(rep.Reminded)+len(rep.Escalated) != 0 {
		t.Errorf("the sweep reminded %v and escalated %v (%v): summaries are not acknowledged", rep.Reminded, rep.Escalated, err)
	}
}

// TestStatisticsUnitForms: a support person's visit report counts in its
// office's month; a request to be contacted safely counts only in the
// national row of its year, and a repeated send of either counts
// nothing more. Both go through the real function and its local units.
func TestStatisticsUnitForms(t *testing.T) {
	r := newStatsRun(t)
	offices := map[content.UnitKind]*content.Office{}
	for _, o := range r.fn.Data.Directory.Offices {
		for _, k := range []content.UnitKind{content.SupervisedContact, content.Violence} {
			if o.Unit(k) != nil && offices[k] == nil && len(o.Municipalities) > 0 {
				offices[k] = o
			}
		}
	}
	if offices[content.SupervisedContact] == nil || offices[content.Violence] == nil {
		t.Skip("the committed content has no office with a supervised-contact or a violence unit")
	}
	send := func(form string, v url.Values) {
		t.Helper()
		check := r.post(t, form, jt.With(v, "_action", "check"))
		if check.Code != http.StatusOK {
			t.Fatalf("%s: check: status %d: %s", form, check.Code, jt.Summary(check.Body.String()))
		}
		carried := jt.Hidden(check.Body.String())
		for range 2 { // sent again after Back: counted once
			if w := r.post(t, form, jt.With(carried, "_action", "send")); w.Code != http.StatusSeeOther {
				t.Fatalf("%s: send: status %d: %s", form, w.Code, jt.Summary(w.Body.String()))
			}
		}
	}
	r.clock.Set(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	visits := offices[content.SupervisedContact]
	send(intake.VisitReportID, url.Values{"_lang": {"sv"}, "_page": {"form"},
		"municipality": {visits.Municipalities[0]}, "case_reference": {"T 1234-25"},
		"visit_date": {"2026-03-07"}, "start_time": {"14:00"}, "end_time": {"15:30"},
		"place": {"Familjerättens lokal"}, "attendees": {"Barnet, pappan och jag."},
		"handover": {"Lugn."}, "account": {"De spelade spel."}, "interrupted": {"no"},
		"support_person.name": {"Karin Ek"}, "support_person.phone": {"070-765 43 21"}, "privacy_ack": {"yes"}})
	// On New Year's Eve at 23:30 in Sweden: the year is Sweden's.
	r.clock.Set(time.Date(2026, 12, 31, 22, 30, 0, 0, time.UTC))
	send(intake.ContactID, url.Values{"_lang": {"sv"}, "_page": {"form"},
		"municipality": {offices[content.Violence].Municipalities[0]}, "name": {"Sara"},
		"contact_by": {"phone"}, "phone": {"070-123 45 67"}, "protected_identity": {"unknown"}})

	want := []stats.Row{
		{Office: stats.National, Month: "2026", Counts: stats.Counts{"contact_requests": 1}},
		{Office: visits.ID, Month: "2026-03", Counts: stats.Counts{"visit_reports": 1}},
	}
	if got := r.rows(t); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows\ngot  %v\nwant %v", got, want)
	}
}
