package intake

import (
	"errors"
	"regexp"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
)

// VisitReportID names the report after supported contact in texts,
// addresses and the ledger.
const VisitReportID = "umgangesrapport"

// VisitReport is the report after supported contact (umgängesstöd):
// when a court has decided that a child meets a parent with a support
// person (umgängesstödjare) present (föräldrabalken 6 kap. 15 c §), the
// support person reports to the family-law office after every visit,
// and the office keeps the report in the child's file. The office may
// pass what the reports say on to the court.
//
// It is written by staff, not by a parent: it names the case by its
// reference, never the child by name or personnummer (a personnummer
// typed as the reference is refused). The portal cannot check who sends
// it, and the staff message says so.
type VisitReport struct {
	Municipality  string `schema:"municipality" validate:"required,municipality" form:"select,options=municipalities,section=where"`
	CaseReference string `schema:"case_reference" validate:"required,max=40,nocontrol,notpnr" form:"text,width=medium,spellcheck=false,digits=ascii,section=visit"`
	// The date and the times are text with a rule, as the engine has no
	// date field: "2026-11-21" (or "20261121"), "14.30" (or "14:30",
	// "1430"), kept as 2026-11-21 and 14.30 once valid.
	VisitDate string `schema:"visit_date" validate:"required,visitdate,notfuture,withinyear" form:"text,width=medium,spellcheck=false,digits=ascii"`
	StartTime string `schema:"start_time" validate:"required,clock" form:"text,width=short,spellcheck=false,digits=ascii"`
	EndTime   string `schema:"end_time" validate:"required,clock" form:"text,width=short,spellcheck=false,digits=ascii"`
	Place     string `schema:"place" validate:"required,max=200,nocontrol" form:"text"`
	Attendees string `schema:"attendees" validate:"required,max=500,nocontrolml" form:"textarea,section=report"`
	Handover  string `schema:"handover" validate:"max=2000,nocontrolml" form:"textarea"`
	Account   string `schema:"account" validate:"required,max=4000,nocontrolml" form:"textarea"`
	Concerns  string `schema:"concerns" validate:"max=2000,nocontrolml" form:"textarea"`
	// Interrupted is "yes" also for a visit that never took place.
	Interrupted        string        `schema:"interrupted" validate:"required,oneof=yes no" form:"radios"`
	InterruptionReason string        `schema:"interruption_reason" validate:"required_if=Interrupted yes,max=2000,nocontrolml" form:"textarea"`
	SupportPerson      SupportPerson `schema:"support_person"`
	PrivacyAck         string        `schema:"privacy_ack" validate:"required,eq=yes" form:"checkbox,section=confirm,link=privacy"`
	Website            string        `schema:"website" form:"honeypot"`
}

// SupportPerson is the support person (umgängesstödjare) who writes the
// report, and how the office reaches them to confirm it.
type SupportPerson struct {
	Name  string `schema:"name" validate:"required,max=100,nocontrol" form:"text,autocomplete=name,spellcheck=false"`
	Phone string `schema:"phone" validate:"required,max=30,phone" form:"tel,autocomplete=tel,width=medium"`
}

// visitReportTexts are the messages of the rules CheckForm applies,
// which the form's tags do not name: CheckTexts requires them too.
var visitReportTexts = []string{
	"form." + VisitReportID + ".end_time.error.after_start",
	"form." + VisitReportID + ".interrupted.error.reason_given",
}

// CheckForm applies the rules that span fields: the visit ends after it
// starts (on the same day), and a reason for an interruption goes with
// the answer that the visit was interrupted.
func (r *VisitReport) CheckForm(time.Time) []form.Error {
	var errs []form.Error
	start, okStart := ParseClock(r.StartTime)
	end, okEnd := ParseClock(r.EndTime)
	if okStart && okEnd && end <= start {
		errs = append(errs, form.Error{Field: "end_time", Rule: "after_start"})
	}
	// A reason typed under "no" (the box shows at all times without
	// JavaScript) is refused, so the support person corrects one of the two;
	// it is never dropped, and never sent beside a "no".
	if r.Interrupted == "no" && r.InterruptionReason != "" {
		errs = append(errs, form.Error{Field: "interrupted", Rule: "reason_given"})
	}
	return errs
}

func (r *VisitReport) normalize(today time.Time) {
	if d, err := ParseVisitDate(r.VisitDate, today); err == nil {
		r.VisitDate = d.Format(time.DateOnly)
	}
	if c, ok := ParseClock(r.StartTime); ok {
		r.StartTime = c
	}
	if c, ok := ParseClock(r.EndTime); ok {
		r.EndTime = c
	}
}

func (r *VisitReport) flags(strs *content.Strings, lang content.Lang) []Flag {
	var fs []Flag
	if r.Interrupted == "yes" {
		fs = append(fs, Flag{Code: "visit_interrupted", Text: strs.MustGet(lang, "staff.flag.visit_interrupted")})
	}
	if r.Concerns != "" {
		fs = append(fs, Flag{Code: "visit_concern", Text: strs.MustGet(lang, "staff.flag.visit_concern")})
	}
	return fs
}

// The visit date's rules report one mistake each, so the support person
// gets the message that fits; callers tell them apart with errors.Is.
var (
	// ErrVisitDateFormat: not a date written 2026-11-21 or 20261121, or
	// a date that does not exist (2026-02-30).
	ErrVisitDateFormat = errors.New("intake: the visit date is not a date like 2026-11-21")
	// ErrVisitDateFuture: after today, in Sweden; a report follows the visit.
	ErrVisitDateFuture = errors.New("intake: the visit date is in the future")
	// ErrVisitDateOld: more than a year before today. An assignment of
	// supported contact runs for a year at most, so an older date is
	// most likely the wrong year.
	ErrVisitDateOld = errors.New("intake: the visit date is more than a year ago")
)

var visitDateRE = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})$|^([0-9]{4})([0-9]{2})([0-9]{2})$`)

// ParseVisitDate reads the date of a visit, 2026-11-21 or 20261121, and
// checks it against today's date in Sweden: not after it, and not more
// than a year before it.
func ParseVisitDate(s string, today time.Time) (time.Time, error) {
	m := visitDateRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, ErrVisitDateFormat
	}
	if m[1] == "" {
		m = m[3:] // written without hyphens
	}
	d, err := time.Parse(time.DateOnly, m[1]+"-"+m[2]+"-"+m[3])
	if err != nil {
		return time.Time{}, ErrVisitDateFormat
	}
	y, mo, day := today.In(Stockholm).Date()
	t := time.Date(y, mo, day, 0, 0, 0, 0, time.UTC)
	switch {
	case d.After(t):
		return time.Time{}, ErrVisitDateFuture
	case d.Before(t.AddDate(-1, 0, 0)):
		return time.Time{}, ErrVisitDateOld
	}
	return d, nil
}

var clockRE = regexp.MustCompile(`^([01]?[0-9]|2[0-3])[.:]?([0-5][0-9])$`)

// ParseClock reads a time of day as people write it, 14.30, 14:30, 1430
// or 9.05, and returns it as the offices write it, "14.30", "09.05".
func ParseClock(s string) (string, bool) {
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	h := m[1]
	if len(h) == 1 {
		h = "0" + h
	}
	return h + "." + m[2], true
}
