// Package calendar knows which days a Swedish municipal office works, so
// that deadlines and statistics can be counted in working days (the unit
// the offices themselves use) instead of calendar days: the scheduled job
// reminds an office about an application it has not acknowledged after N
// working days, and the statistics bucket waiting times in working days.
//
// A working day is a Monday to Friday that is neither an allmän helgdag
// nor one of the three eves that Swedish municipalities treat as days off
// in practice (midsommarafton, julafton, nyårsafton).
//
// The allmänna helgdagar are those of lag (1989:253) om allmänna
// helgdagar, SFS 1989:253, as amended by SFS 2004:1320 (in force
// 2005-04-01: nationaldagen added, annandag pingst removed), see
// https://rkrattsbaser.gov.se/sfsr?bet=1989:253. 1 § lists them and 2 §
// fixes their dates:
//
//	nyårsdagen              1 January
//	trettondedag jul        6 January
//	långfredagen            the Friday before påskdagen
//	påskdagen               Easter Sunday (Gregorian computus)
//	annandag påsk           the day after påskdagen
//	första maj              1 May
//	Kristi himmelsfärdsdag  the sixth Thursday after påskdagen (Easter+39)
//	pingstdagen             the seventh Sunday after påskdagen (Easter+49)
//	nationaldagen           6 June
//	midsommardagen          the Saturday from 20 to 26 June
//	alla helgons dag        the Saturday from 31 October to 6 November
//	juldagen                25 December
//	annandag jul            26 December
//
// plus every Sunday. The eves are midsommarafton (the Friday before
// midsommardagen), julafton (24 December) and nyårsafton (31 December).
//
// The current law is applied to every year; dates before 2005, when
// annandag pingst was a holiday and nationaldagen was not, are therefore
// not exact. Dates are taken in the location of the time.Time given
// (callers pass Europe/Stockholm times); only the standard library is used.
package calendar

import "time"

// IsWorkingDay reports whether the office works on d's date (in d's own
// location), so that callers can skip weekends, holidays and the eves.
func IsWorkingDay(d time.Time) bool {
	return isWorking(dateOf(d))
}

// Holiday returns the Swedish name of the allmän helgdag or non-working
// eve on d's date (in d's own location), so that users can be told why a
// day was not counted. ok is false on other days, including ordinary
// Saturdays and Sundays. On the rare dates where two holidays coincide
// the movable one is named: "Kristi himmelsfärdsdag" when it falls on
// 1 May (as in 2008), "Pingstdagen" when it falls on 6 June (as in 2049).
func Holiday(d time.Time) (name string, ok bool) {
	return holiday(dateOf(d))
}

// AddWorkingDays returns the moment n working days after t, which is
// when a deadline of n working days that starts at t expires.
//
// The rule: if t is on a working day, the result is the same clock time
// as t on the n-th working day after t's date (t itself when n is 0). If
// t is on a non-working day, t is first moved to 00:00 at the start of
// the next working day, and counting starts from there: so a Saturday or
// a holiday plus 0 is 00:00 on the next working day, plus 1 is 00:00 on
// the working day after that. A negative n is treated as 0, so the result
// is never before t.
//
// Dates and clock times are those of t's location, so the clock time is
// kept across daylight-saving changes (the elapsed duration then differs
// by the hour). In Europe/Stockholm the changes happen on Sundays, so the
// result, always on a working day, never falls in a skipped or repeated
// hour; in other locations time.Date's normalization applies.
func AddWorkingDays(t time.Time, n int) time.Time {
	day := dateOf(t)
	if !isWorking(day) {
		day = nextWorking(day)
		t = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, t.Location())
	}
	if n <= 0 {
		return t
	}
	for ; n > 0; n-- {
		day = nextWorking(day)
	}
	return at(day, t)
}

// WorkingDaysBetween returns the number of whole working days from a to
// b, so that elapsed time can be bucketed in the unit deadlines use: the
// largest n >= 0 with AddWorkingDays(a, n) not after b, and 0 if b is
// before a. It is therefore the inverse of AddWorkingDays:
// WorkingDaysBetween(t, AddWorkingDays(t, n)) == n for every n >= 0,
// and n-1 one nanosecond earlier when n >= 1. b's date is taken in a's
// location.
func WorkingDaysBetween(a, b time.Time) int {
	start := AddWorkingDays(a, 0)
	if b.Before(start) {
		return 0
	}
	first := dateOf(start)
	last := dateOf(b.In(a.Location()))
	n := 0
	for d := first.AddDate(0, 0, 1); !d.After(last); d = d.AddDate(0, 0, 1) {
		if isWorking(d) {
			n++
		}
	}
	// The last working day counts only once its clock time is reached.
	if last.After(first) && isWorking(last) && at(last, start).After(b) {
		n--
	}
	return n
}

// dateOf returns t's calendar date in t's location as 00:00 UTC, so that
// date arithmetic is free of daylight-saving changes.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// at returns the moment on day (a dateOf value) with clock's clock time
// and location.
func at(day, clock time.Time) time.Time {
	h, mi, s := clock.Clock()
	return time.Date(day.Year(), day.Month(), day.Day(), h, mi, s, clock.Nanosecond(), clock.Location())
}

// nextWorking returns the first working day after day.
func nextWorking(day time.Time) time.Time {
	for {
		day = day.AddDate(0, 0, 1)
		if isWorking(day) {
			return day
		}
	}
}

func isWorking(day time.Time) bool {
	switch day.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	_, ok := holiday(day)
	return !ok
}

func holiday(day time.Time) (string, bool) {
	y, m, d := day.Date()
	switch int(day.Sub(easter(y)) / (24 * time.Hour)) {
	case -2:
		return "Långfredagen", true
	case 0:
		return "Påskdagen", true
	case 1:
		return "Annandag påsk", true
	case 39:
		return "Kristi himmelsfärdsdag", true
	case 49:
		return "Pingstdagen", true
	}
	wd := day.Weekday()
	switch {
	case m == time.January && d == 1:
		return "Nyårsdagen", true
	case m == time.January && d == 6:
		return "Trettondedag jul", true
	case m == time.May && d == 1:
		return "Första maj", true
	case m == time.June && d == 6:
		return "Nationaldagen", true
	case m == time.June && d >= 19 && d <= 25 && wd == time.Friday:
		return "Midsommarafton", true
	case m == time.June && d >= 20 && d <= 26 && wd == time.Saturday:
		return "Midsommardagen", true
	case (m == time.October && d == 31 || m == time.November && d <= 6) && wd == time.Saturday:
		return "Alla helgons dag", true
	case m == time.December && d == 24:
		return "Julafton", true
	case m == time.December && d == 25:
		return "Juldagen", true
	case m == time.December && d == 26:
		return "Annandag jul", true
	case m == time.December && d == 31:
		return "Nyårsafton", true
	}
	return "", false
}

// easter returns Easter Sunday (påskdagen) of year y as 00:00 UTC, by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easter(y int) time.Time {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
