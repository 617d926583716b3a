package intake_test

import (
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/content/contenttest"
	"familjeratt.example/portal/functions/form"
	"familjeratt.example/portal/functions/intake"
	jt "familjeratt.example/portal/functions/journey/journeytest"
)

// validVisitReport is a complete report after supported contact, to
// Malmö, two days before jt.Now (Monday 23 November 2026).
func validVisitReport() url.Values {
	return url.Values{
		"municipality": {"1280"}, "case_reference": {"T 1234-25"},
		"visit_date": {"2026-11-21"}, "start_time": {"14.00"}, "end_time": {"16.30"},
		"place": {"Familjerättens lokal"}, "attendees": {"Barnet, pappan och jag"},
		"account": {"De spelade spel och åt mellanmål."}, "interrupted": {"no"},
		"support_person.name": {"Karin Ek"}, "support_person.phone": {"070-765 43 21"}, "privacy_ack": {"yes"},
	}
}

// visitReportForm is the visit report's form.
func visitReportForm(t *testing.T) *intake.Form {
	t.Helper()
	for _, f := range intake.Forms() {
		if f.Def.ID == intake.VisitReportID {
			return f
		}
	}
	t.Fatalf("no form %s in intake.Forms()", intake.VisitReportID)
	return nil
}

// checkVisitReport checks the valid report with kv set, as the function
// checks it on jt.Now: the problems as "field rule", and the answers,
// tidied, when there are none. Every problem must have a message of its
// own in Swedish and English, never the general "check the answer".
func checkVisitReport(t *testing.T, kv ...string) ([]string, *intake.VisitReport) {
	t.Helper()
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	f := visitReportForm(t)
	v := intake.NewValidator(data.Directory, func() time.Time { return jt.Now })
	values, errs := f.Def.Values(jt.With(validVisitReport(), kv...))
	decoded, derrs := f.Def.Decode(values)
	errs = append(errs, derrs...)
	errs = f.Def.Sort(append(errs, f.Def.Validate(v, decoded, jt.Now)...))
	var got []string
	for _, e := range errs {
		got = append(got, e.Field+" "+e.Rule)
		for _, lang := range []content.Lang{content.SV, "en"} {
			general := data.Strings.MustGet(lang, "form.error.invalid", "label", "")
			general = general[:strings.IndexAny(general, "”\"“")]
			if msg := f.Def.Message(data.Strings, lang, e); msg == "" || strings.HasPrefix(msg, general) {
				t.Errorf("%s %s, %s: no message of its own: %q", e.Field, e.Rule, lang, msg)
			}
		}
	}
	if len(errs) > 0 {
		return got, nil
	}
	r := decoded.(*intake.VisitReport)
	f.Normalize(r, jt.Now)
	return got, r
}

// TestVisitReportInterrupted: why the visit was interrupted is required
// when it was, and refused beside a "no" (never dropped, never sent
// beside it).
func TestVisitReportInterrupted(t *testing.T) {
	tests := []struct {
		name string
		kv   []string
		want []string
	}{
		{"not interrupted", nil, nil},
		{"interrupted, with the reason", []string{"interrupted", "yes", "interruption_reason", "Pappan kom inte"}, nil},
		{"interrupted, no reason", []string{"interrupted", "yes"}, []string{"interruption_reason required_if"}},
		{"interrupted, only spaces as the reason", []string{"interrupted", "yes", "interruption_reason", "  \n "}, []string{"interruption_reason required_if"}},
		{"not interrupted, a reason typed", []string{"interruption_reason", "Barnet blev sjukt"}, []string{"interrupted reason_given"}},
		{"no answer", []string{"interrupted", "<delete>"}, []string{"interrupted required"}},
		{"no answer, a reason typed: one problem, the answer", []string{"interrupted", "<delete>", "interruption_reason", "Barnet blev sjukt"},
			[]string{"interrupted required"}},
		{"an answer off the list", []string{"interrupted", "kanske"}, []string{"interrupted oneof"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := checkVisitReport(t, tt.kv...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestVisitReportDateAndTimes: the date as year, month and day, a real
// one, not after today in Sweden and not more than a year back; the
// times as hours and minutes, the end after the start; each kept in one
// form once valid.
func TestVisitReportDateAndTimes(t *testing.T) {
	tests := []struct {
		name            string
		kv              []string
		want            []string // problems
		date, from, end string   // as kept, when valid
	}{
		{"as the hints write them", nil, nil, "2026-11-21", "14.00", "16.30"},
		{"without hyphens, with a colon, without a separator", []string{"visit_date", "20261121", "start_time", "14:00", "end_time", "1630"}, nil,
			"2026-11-21", "14.00", "16.30"},
		{"one-digit hour", []string{"start_time", "9.05", "end_time", "9:45"}, nil, "2026-11-21", "09.05", "09.45"},
		{"Eastern Arabic digits", []string{"visit_date", jt.EasternDigits("2026-11-21"), "start_time", jt.EasternDigits("14.00")}, nil,
			"2026-11-21", "14.00", "16.30"},
		{"surrounding spaces", []string{"visit_date", " 2026-11-21 ", "start_time", " 14.00"}, nil, "2026-11-21", "14.00", "16.30"},
		{"today", []string{"visit_date", "2026-11-23"}, nil, "2026-11-23", "14.00", "16.30"},
		{"a year back to the day", []string{"visit_date", "2025-11-23"}, nil, "2025-11-23", "14.00", "16.30"},
		{"tomorrow", []string{"visit_date", "2026-11-24"}, []string{"visit_date notfuture"}, "", "", ""},
		{"more than a year back", []string{"visit_date", "2025-11-22"}, []string{"visit_date withinyear"}, "", "", ""},
		{"a day that does not exist", []string{"visit_date", "2026-02-29"}, []string{"visit_date visitdate"}, "", "", ""},
		{"day first", []string{"visit_date", "21/11/2026"}, []string{"visit_date visitdate"}, "", "", ""},
		{"one hyphen", []string{"visit_date", "2026-1121"}, []string{"visit_date visitdate"}, "", "", ""},
		{"the year in two digits", []string{"visit_date", "26-11-21"}, []string{"visit_date visitdate"}, "", "", ""},
		{"in words", []string{"visit_date", "21 november"}, []string{"visit_date visitdate"}, "", "", ""},
		{"no date", []string{"visit_date", ""}, []string{"visit_date required"}, "", "", ""},
		{"hour 24", []string{"start_time", "24.00"}, []string{"start_time clock"}, "", "", ""},
		{"minute 60", []string{"end_time", "16.60"}, []string{"end_time clock"}, "", "", ""},
		{"with kl.", []string{"start_time", "kl. 14"}, []string{"start_time clock"}, "", "", ""},
		{"hours only", []string{"start_time", "14"}, []string{"start_time clock"}, "", "", ""},
		{"no times", []string{"start_time", "", "end_time", ""}, []string{"start_time required", "end_time required"}, "", "", ""},
		{"ends as it starts", []string{"end_time", "14:00"}, []string{"end_time after_start"}, "", "", ""},
		{"ends before it starts", []string{"start_time", "16.30", "end_time", "14.00"}, []string{"end_time after_start"}, "", "", ""},
		{"a start that is no time: no comparison", []string{"start_time", "två", "end_time", "12.00"}, []string{"start_time clock"}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, r := checkVisitReport(t, tt.kv...)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
			if r == nil {
				return
			}
			if g := [3]string{r.VisitDate, r.StartTime, r.EndTime}; g != [3]string{tt.date, tt.from, tt.end} {
				t.Errorf("kept as %q, want %q", g, [3]string{tt.date, tt.from, tt.end})
			}
		})
	}
}

// TestVisitReportNamesNoChild: the case reference is required, and a
// personnummer typed in its place (the child's, most likely) is refused.
func TestVisitReportNamesNoChild(t *testing.T) {
	child := intake.MakePersonalNumber("20150101", "002")
	tests := []struct {
		ref  string
		want []string
	}{
		{"T 1234-25", nil},
		{"FAM-2026-0412", nil},
		{"", []string{"case_reference required"}},
		{child, []string{"case_reference notpnr"}},
		{strings.ReplaceAll(child, "-", ""), []string{"case_reference notpnr"}},
		{strings.Repeat("1", 41), []string{"case_reference max"}},
	}
	for _, tt := range tests {
		got, _ := checkVisitReport(t, "case_reference", tt.ref)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.ref, got, tt.want)
		}
	}
	// Nothing else in the form asks for the child: no field named for a
	// name or a personnummer, and no rule for one.
	visitReportForm(t).Def.Walk(func(f *form.Field) {
		if strings.Contains(f.Name, "personal_number") || strings.Contains(f.Name, "child") || strings.Contains(f.Rules, "pnrformat") {
			t.Errorf("the visit report asks %s (%s)", f.Name, f.Rules)
		}
	})
}

// TestVisitReportFlags: staff see first that the visit was interrupted,
// and that the report holds a concern.
func TestVisitReportFlags(t *testing.T) {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	office, ok := data.Directory.OfficeFor("1280")
	if !ok {
		t.Fatal("no office for Malmö in content/")
	}
	m, _ := data.Directory.Municipality("1280")
	tests := []struct {
		report intake.VisitReport
		want   []string
	}{
		{intake.VisitReport{Interrupted: "no"}, nil},
		{intake.VisitReport{Interrupted: "yes", InterruptionReason: "Pappan kom inte"}, []string{"visit_interrupted"}},
		{intake.VisitReport{Interrupted: "no", Concerns: "Barnet var ledset"}, []string{"visit_concern"}},
		{intake.VisitReport{Interrupted: "yes", InterruptionReason: "Bråk", Concerns: "Hot"}, []string{"visit_interrupted", "visit_concern"}},
	}
	for _, tt := range tests {
		s := &intake.Submission{Form: visitReportForm(t), Office: office, Municipality: m, Answers: &tt.report}
		var got []string
		for _, f := range s.Flags(data.Strings, content.SV) {
			if f.Code != "shared_office" {
				got = append(got, f.Code)
			}
			if f.Text == "" {
				t.Errorf("%s: no text", f.Code)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%+v: flags %q, want %q", tt.report, got, tt.want)
		}
	}
}

// TestVisitReportTexts: the committed texts have every text the form
// needs; the messages of its cross-field rules, which no tag names, are
// required as the tags' are, in every edition's file.
func TestVisitReportTexts(t *testing.T) {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	f := visitReportForm(t)
	if probs := f.CheckTexts(data.Strings); len(probs) > 0 {
		t.Fatalf("the committed texts: %v", probs)
	}
	line := regexp.MustCompile(`(?m)^ +after_start: .*\n`)
	files := map[string]string{}
	for _, lang := range data.Strings.Langs() {
		name := content.StringsDir + "/" + string(lang) + ".yaml"
		b, err := fs.ReadFile(content.DataFiles, name)
		if err != nil || len(line.FindAll(b, -1)) != 1 {
			t.Fatalf("%s: %v, or not one after_start to take away", name, err)
		}
		files[name] = string(line.ReplaceAll(b, nil))
	}
	strs, err := content.LoadStrings(contenttest.Data(t, files))
	if err != nil {
		t.Fatal(err)
	}
	probs := f.CheckTexts(strs)
	if len(probs) != len(strs.Langs()) || !strings.Contains(probs.Error(), `"form.umgangesrapport.end_time.error.after_start"`) {
		t.Errorf("without after_start's message: %v, want it named missing in each language", probs)
	}
}
