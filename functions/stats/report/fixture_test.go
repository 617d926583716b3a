package report

import (
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/stats"
)

// The fixture: two offices of the committed content, a small one and a
// larger one, with 2024 (a year before), 2025 (closed) and 2026 (under
// way) counted as the function counts them: every application through
// stats.Of, so that the groups add up as they do in the store.
var (
	small = &content.Office{ID: "litet-kontor", Name: content.Text{content.SV: "Familjerätten i Provby", "en": "Provby Family Law"}}
	large = &content.Office{ID: "stort-kontor", Name: content.Text{content.SV: "Familjerätten i Exempelstad", "en": "Exempelstad Family Law"}}
)

// perMonth is, for an office and year, the applications and follow-up
// requests of each month.
type perMonth struct {
	office     string
	year       int
	apps, fups []int
}

var fixtureMonths = []perMonth{
	{"litet-kontor", 2024, []int{4, 6, 2, 7, 5, 3, 0, 8, 6, 5, 7, 3}, []int{0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0}},
	{"litet-kontor", 2025, []int{3, 0, 6, 1, 8, 2, 0, 4, 7, 5, 9, 2}, []int{0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 3}},
	{"litet-kontor", 2026, []int{5, 7, 2, 6, 9, 4, 3, 6}, []int{1, 0, 0, 2, 0, 0, 1, 0}},
	{"stort-kontor", 2025, []int{14, 11, 17, 9, 20, 15, 6, 12, 18, 16, 19, 10}, []int{2, 3, 1, 4, 2, 5, 0, 2, 3, 1, 4, 2}},
	{"stort-kontor", 2026, []int{12, 15, 13, 10, 16, 14, 8}, []int{1, 2, 0, 3, 1, 2, 0}},
}

// application returns the k-th application of the fixture: answers
// that vary with k, over every closed list the form has.
func application(k int) *intake.Application {
	langs := content.InterpreterLanguages
	a := &intake.Application{
		Children:      make([]intake.Child, []int{1, 2, 1, 3, 2, 1, 4}[k%7]),
		Topics:        [][]string{{"custody"}, {"residence", "contact"}, {"contact"}, {"support", "custody"}, {"other"}, {"custody", "residence", "contact"}}[k%6],
		CourtOrdered:  yesNo(k%6 == 0),
		PreviousTalks: yesNo(k%3 == 1),
	}
	a.Applicant.ProtectedIdentity = yesNo(k%13 == 4)
	a.Applicant.IndividualFirstTalk = yesNo(k%4 == 2)
	if k%5 == 3 {
		a.Applicant.InterpreterLanguage = langs[k%len(langs)]
	}
	if k%9 == 3 {
		a.OtherParent.InterpreterLanguage = langs[(k/9)%len(langs)]
	}
	return a
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// fixture returns the rows of the store: one per office and month with
// anything counted.
func fixture() []stats.Row {
	var rows []stats.Row
	for _, pm := range fixtureMonths {
		k := 0
		for m, apps := range pm.apps {
			c := stats.Counts{}
			for range apps {
				c.Add(stats.Of(&intake.Submission{Answers: application(k)}))
				c[[]string{"ack_0_1", "ack_0_1", "ack_2_3", "ack_0_1", "ack_4_5", "ack_2_3", "ack_6plus"}[k%7]]++
				if k%4 == 1 {
					c["reminders"]++
				}
				if k%11 == 5 {
					c["escalations"]++
				}
				if k%19 == 7 {
					c["bounces"]++
				}
				k++
			}
			for range pm.fups[m] {
				c.Add(stats.Of(&intake.Submission{Answers: &intake.FollowUp{}}))
			}
			if pm.year >= 2026 {
				// Visit reports, counted from 2026: a few a month, one
				// now and then, none in some months.
				for range []int{6, 1, 0, 9, 7, 2, 8, 5}[m] {
					c.Add(stats.Of(&intake.Submission{Answers: &intake.VisitReport{}}))
				}
			}
			if len(c) > 0 {
				rows = append(rows, stats.Row{Office: pm.office, Month: stats.Month(time.Date(pm.year, time.Month(m+1), 10, 12, 0, 0, 0, intake.Stockholm)), Counts: c})
			}
		}
	}
	return rows
}

// at is a time in Sweden.
func at(year int, month time.Month, day, hour, min int) time.Time {
	return time.Date(year, month, day, hour, min, 0, 0, intake.Stockholm)
}
