package calendar

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Stockholm without relying on the host's zoneinfo
)

func stockholm(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustParse(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Known Easter dates (påskdagen), as listed by kalender.se for 2024-2034
// and tidochdatum.se for 2026, 2027 and 2030; 2008 and 2049 are the years
// used below for coinciding holidays.
func TestEaster(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2008, "2008-03-23"},
		{2024, "2024-03-31"},
		{2025, "2025-04-20"},
		{2026, "2026-04-05"},
		{2027, "2027-03-28"},
		{2028, "2028-04-16"},
		{2029, "2029-04-01"},
		{2030, "2030-04-21"},
		{2031, "2031-04-13"},
		{2032, "2032-03-28"},
		{2033, "2033-04-17"},
		{2034, "2034-04-09"},
		{2049, "2049-04-18"},
	}
	for _, tt := range tests {
		if got := easter(tt.year).Format(time.DateOnly); got != tt.want {
			t.Errorf("easter(%d) = %s, want %s", tt.year, got, tt.want)
		}
	}
}

// oudinEaster is an independent Gregorian computus (Oudin 1940, as given
// by Claus Tøndering) to cross-check easter over many years.
func oudinEaster(y int) time.Time {
	g := y % 19
	c := y / 100
	h := (c - c/4 - (8*c+13)/25 + 19*g + 15) % 30
	i := h - (h/28)*(1-(h/28)*(29/(h+1))*((21-g)/11))
	j := (y + y/4 + i + 2 - c + c/4) % 7
	l := i - j
	month := 3 + (l+40)/44
	day := l + 28 - 31*(month/4)
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func TestEasterAgainstOudin(t *testing.T) {
	for y := 1900; y <= 2400; y++ {
		got, want := easter(y), oudinEaster(y)
		if !got.Equal(want) {
			t.Errorf("easter(%d) = %s, Oudin gives %s", y, got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
		if got.Weekday() != time.Sunday {
			t.Errorf("easter(%d) = %s is a %s", y, got.Format(time.DateOnly), got.Weekday())
		}
	}
}

// Every day of the year that Holiday names, checked against the list of
// holidays and non-working days at tidochdatum.se (which follows SFS
// 1989:253); any extra or missing day fails.
func TestHolidaysOfYear(t *testing.T) {
	want := map[int][]string{
		2026: {
			"2026-01-01 Nyårsdagen",
			"2026-01-06 Trettondedag jul",
			"2026-04-03 Långfredagen",
			"2026-04-05 Påskdagen",
			"2026-04-06 Annandag påsk",
			"2026-05-01 Första maj",
			"2026-05-14 Kristi himmelsfärdsdag",
			"2026-05-24 Pingstdagen",
			"2026-06-06 Nationaldagen",
			"2026-06-19 Midsommarafton",
			"2026-06-20 Midsommardagen",
			"2026-10-31 Alla helgons dag",
			"2026-12-24 Julafton",
			"2026-12-25 Juldagen",
			"2026-12-26 Annandag jul",
			"2026-12-31 Nyårsafton",
		},
		2027: {
			"2027-01-01 Nyårsdagen",
			"2027-01-06 Trettondedag jul",
			"2027-03-26 Långfredagen",
			"2027-03-28 Påskdagen",
			"2027-03-29 Annandag påsk",
			"2027-05-01 Första maj",
			"2027-05-06 Kristi himmelsfärdsdag",
			"2027-05-16 Pingstdagen",
			"2027-06-06 Nationaldagen",
			"2027-06-25 Midsommarafton",
			"2027-06-26 Midsommardagen",
			"2027-11-06 Alla helgons dag",
			"2027-12-24 Julafton",
			"2027-12-25 Juldagen",
			"2027-12-26 Annandag jul",
			"2027-12-31 Nyårsafton",
		},
	}
	loc := stockholm(t)
	for year, want := range want {
		var got []string
		for d := time.Date(year, 1, 1, 12, 0, 0, 0, loc); d.Year() == year; d = d.AddDate(0, 0, 1) {
			if name, ok := Holiday(d); ok {
				got = append(got, d.Format(time.DateOnly)+" "+name)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d: got %d days, want %d:\n got  %q\n want %q", year, len(got), len(want), got, want)
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%d: got %q, want %q", year, got[i], want[i])
			}
		}
	}
}

func TestHoliday(t *testing.T) {
	loc := stockholm(t)
	tests := []struct {
		date     string
		wantName string
		wantOK   bool
	}{
		{"2026-04-03 09:00", "Långfredagen", true},
		{"2026-06-19 00:00", "Midsommarafton", true},
		{"2026-06-20 23:59", "Midsommardagen", true},
		{"2026-12-31 15:00", "Nyårsafton", true},
		{"2028-11-04 10:00", "Alla helgons dag", true},
		{"2025-06-21 10:00", "Midsommardagen", true},
		{"2025-06-20 10:00", "Midsommarafton", true},
		// Coinciding holidays: the movable one is named.
		{"2008-05-01 10:00", "Kristi himmelsfärdsdag", true},
		{"2049-06-06 10:00", "Pingstdagen", true},
		// Not holidays: skärtorsdagen, påskafton, valborgsmässoafton,
		// trettondagsafton, annandag pingst (removed by SFS 2004:1320),
		// an ordinary Saturday and Sunday, 1 November on a Sunday.
		{"2026-04-02 10:00", "", false},
		{"2026-04-04 10:00", "", false},
		{"2026-04-30 10:00", "", false},
		{"2026-01-05 10:00", "", false},
		{"2026-05-25 10:00", "", false},
		{"2026-01-10 10:00", "", false},
		{"2026-01-11 10:00", "", false},
		{"2026-11-01 10:00", "", false},
	}
	for _, tt := range tests {
		name, ok := Holiday(mustParse(t, loc, tt.date))
		if name != tt.wantName || ok != tt.wantOK {
			t.Errorf("Holiday(%s) = %q, %v; want %q, %v", tt.date, name, ok, tt.wantName, tt.wantOK)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	loc := stockholm(t)
	tests := []struct {
		date string
		want bool
	}{
		{"2026-01-12 09:00", true},  // Monday
		{"2026-01-09 09:00", true},  // Friday
		{"2026-01-10 09:00", false}, // Saturday
		{"2026-01-11 09:00", false}, // Sunday
		{"2026-01-06 09:00", false}, // Trettondedag jul, Tuesday
		{"2026-04-02 09:00", true},  // Skärtorsdagen
		{"2026-04-03 09:00", false}, // Långfredagen
		{"2026-04-06 09:00", false}, // Annandag påsk
		{"2026-04-30 09:00", true},  // Valborgsmässoafton
		{"2026-05-14 09:00", false}, // Kristi himmelsfärdsdag
		{"2026-05-15 09:00", true},  // the Friday after (klämdag, still working)
		{"2026-05-25 09:00", true},  // Monday after pingst: no longer a holiday
		{"2026-06-19 09:00", false}, // Midsommarafton
		{"2026-12-23 09:00", true},
		{"2026-12-24 09:00", false}, // Julafton
		{"2026-12-28 09:00", true},
		{"2026-12-31 09:00", false}, // Nyårsafton
		{"2027-01-06 09:00", false}, // Trettondedag jul, Wednesday
		{"2027-06-04 09:00", true},
		{"2027-06-07 09:00", true}, // Monday after nationaldagen on a Sunday: no substitute day
	}
	for _, tt := range tests {
		if got := IsWorkingDay(mustParse(t, loc, tt.date)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

// The date is taken in the location of the value passed.
func TestDateInOwnLocation(t *testing.T) {
	loc := stockholm(t)
	u := time.Date(2026, 12, 23, 23, 30, 0, 0, time.UTC) // 2026-12-24 00:30 in Stockholm
	if !IsWorkingDay(u) {
		t.Errorf("IsWorkingDay(%v) = false, want true (23 December in UTC)", u)
	}
	if IsWorkingDay(u.In(loc)) {
		t.Errorf("IsWorkingDay(%v) = true, want false (julafton in Stockholm)", u.In(loc))
	}
	if name, ok := Holiday(u.In(loc)); name != "Julafton" || !ok {
		t.Errorf("Holiday(%v) = %q, %v; want Julafton", u.In(loc), name, ok)
	}
}

func TestAddWorkingDays(t *testing.T) {
	loc := stockholm(t)
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"zero on a working day", "2026-01-12 09:30", 0, "2026-01-12 09:30"},
		{"next day", "2026-01-12 09:30", 1, "2026-01-13 09:30"},
		{"across a weekend", "2026-01-09 16:30", 1, "2026-01-12 16:30"},
		{"a full week", "2026-01-09 16:30", 5, "2026-01-16 16:30"},
		{"negative is zero", "2026-01-12 09:30", -3, "2026-01-12 09:30"},
		// Fri 26 March (långfredagen) to Mon 29 March (annandag påsk) are off.
		{"across Easter 2027", "2027-03-25 10:00", 2, "2027-03-31 10:00"},
		{"across Easter 2027, one day", "2027-03-25 10:00", 1, "2027-03-30 10:00"},
		// 24-27 December off, 28-30 working, 31 December to 3 January off,
		// 4-5 January working, 6 January (trettondedag jul) off.
		{"across Christmas", "2026-12-23 14:00", 1, "2026-12-28 14:00"},
		{"across Christmas and New Year", "2026-12-23 14:00", 4, "2027-01-04 14:00"},
		{"across New Year and trettondedag", "2026-12-30 08:00", 3, "2027-01-07 08:00"},
		// Midsommarafton Fri 19 June 2026, midsommardagen Sat 20 June.
		{"across midsommar", "2026-06-18 09:00", 1, "2026-06-22 09:00"},
		{"across Kristi himmelsfärd", "2026-05-13 11:00", 1, "2026-05-15 11:00"},
		// Starting on a non-working day: counting starts at 00:00 on the
		// next working day.
		{"zero from a Saturday", "2026-01-10 10:30", 0, "2026-01-12 00:00"},
		{"one from a Saturday", "2026-01-10 10:30", 1, "2026-01-13 00:00"},
		{"one from a Sunday night", "2026-01-11 23:59", 1, "2026-01-13 00:00"},
		{"zero from långfredagen", "2027-03-26 09:00", 0, "2027-03-30 00:00"},
		{"two from julafton", "2026-12-24 09:00", 2, "2026-12-30 00:00"},
		{"one from midsommarafton", "2026-06-19 12:00", 1, "2026-06-23 00:00"},
	}
	for _, tt := range tests {
		start := mustParse(t, loc, tt.start)
		got := AddWorkingDays(start, tt.n)
		want := mustParse(t, loc, tt.want)
		if !got.Equal(want) || got.Location() != loc {
			t.Errorf("%s: AddWorkingDays(%s, %d) = %s, want %s", tt.name, tt.start, tt.n, got, want)
		}
	}
}

// The clock time is kept across the daylight-saving changes in
// Europe/Stockholm (last Sundays of March and October), so the elapsed
// duration is an hour shorter or longer.
func TestAddWorkingDaysDST(t *testing.T) {
	loc := stockholm(t)
	tests := []struct {
		name    string
		start   string
		n       int
		want    string
		elapsed time.Duration
		offset  int // UTC offset of the result, in hours
	}{
		{"spring forward 2026-03-29", "2026-03-27 09:00", 1, "2026-03-30 09:00", 71 * time.Hour, 2},
		{"fall back 2026-10-25", "2026-10-23 09:00", 1, "2026-10-26 09:00", 73 * time.Hour, 1},
		{"spring forward 2027-03-28 with Easter", "2027-03-25 10:00", 2, "2027-03-31 10:00", 143 * time.Hour, 2},
		{"midnight across spring forward", "2026-03-27 00:00", 1, "2026-03-30 00:00", 71 * time.Hour, 2},
		{"late evening across fall back", "2026-10-23 23:59", 1, "2026-10-26 23:59", 73 * time.Hour, 1},
	}
	for _, tt := range tests {
		start := mustParse(t, loc, tt.start)
		got := AddWorkingDays(start, tt.n)
		if f := got.Format("2006-01-02 15:04"); f != tt.want {
			t.Errorf("%s: AddWorkingDays(%s, %d) = %s, want %s", tt.name, tt.start, tt.n, f, tt.want)
		}
		if d := got.Sub(start); d != tt.elapsed {
			t.Errorf("%s: elapsed %v, want %v", tt.name, d, tt.elapsed)
		}
		if _, off := got.Zone(); off != tt.offset*3600 {
			t.Errorf("%s: offset %d s, want %d h", tt.name, off, tt.offset)
		}
		if n := WorkingDaysBetween(start, got); n != tt.n {
			t.Errorf("%s: WorkingDaysBetween = %d, want %d", tt.name, n, tt.n)
		}
	}

	// Starting in the hour skipped on the spring-forward Sunday.
	start := time.Date(2026, 3, 29, 2, 30, 0, 0, loc)
	if got, want := AddWorkingDays(start, 0), mustParse(t, loc, "2026-03-30 00:00"); !got.Equal(want) {
		t.Errorf("AddWorkingDays(%s, 0) = %s, want %s", start, got, want)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	loc := stockholm(t)
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"same moment", "2026-01-12 09:00", "2026-01-12 09:00", 0},
		{"b before a", "2026-01-13 09:00", "2026-01-12 09:00", 0},
		{"same day later", "2026-01-12 09:00", "2026-01-12 17:00", 0},
		{"one minute short", "2026-01-12 09:00", "2026-01-13 08:59", 0},
		{"exactly one", "2026-01-12 09:00", "2026-01-13 09:00", 1},
		{"over a weekend, short", "2026-01-09 16:30", "2026-01-12 16:29", 0},
		{"over a weekend", "2026-01-09 16:30", "2026-01-12 16:30", 1},
		{"ending on a Sunday", "2026-01-12 09:00", "2026-01-18 12:00", 4},
		{"ending on a Saturday at 00:00", "2026-01-12 09:00", "2026-01-17 00:00", 4},
		{"week with trettondedag jul", "2026-01-05 09:00", "2026-01-11 12:00", 3},
		{"Easter 2027", "2027-03-25 10:00", "2027-03-31 10:00", 2},
		{"Easter 2027, short", "2027-03-25 10:00", "2027-03-31 09:59", 1},
		{"Christmas and New Year", "2026-12-23 14:00", "2027-01-07 14:00", 6},
		{"from a Saturday, to Monday 00:00", "2026-01-10 10:30", "2026-01-12 00:00", 0},
		{"from a Saturday, to Monday noon", "2026-01-10 10:30", "2026-01-12 12:00", 0},
		{"from a Saturday, to Tuesday 00:00", "2026-01-10 10:30", "2026-01-13 00:00", 1},
		{"within a weekend", "2026-01-10 10:30", "2026-01-11 10:30", 0},
		{"a year", "2026-01-02 09:00", "2027-01-04 09:00", 251},
	}
	for _, tt := range tests {
		a, b := mustParse(t, loc, tt.a), mustParse(t, loc, tt.b)
		if got := WorkingDaysBetween(a, b); got != tt.want {
			t.Errorf("%s: WorkingDaysBetween(%s, %s) = %d, want %d", tt.name, tt.a, tt.b, got, tt.want)
		}
	}

	// b in another location counts in a's location.
	a := mustParse(t, loc, "2026-01-12 09:00")
	for _, tt := range []struct {
		b    time.Time
		want int
	}{
		{time.Date(2026, 1, 13, 7, 59, 0, 0, time.UTC), 0},
		{time.Date(2026, 1, 13, 8, 0, 0, 0, time.UTC), 1},
		{time.Date(2026, 1, 13, 23, 30, 0, 0, time.UTC), 1}, // Wednesday 00:30 in Stockholm
		{time.Date(2026, 1, 14, 8, 0, 0, 0, time.UTC), 2},   // Wednesday 09:00 in Stockholm
	} {
		if got := WorkingDaysBetween(a, tt.b); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", a, tt.b, got, tt.want)
		}
	}
}

// naiveBetween is WorkingDaysBetween by its definition: the largest n
// with AddWorkingDays(a, n) not after b.
func naiveBetween(a, b time.Time) int {
	if b.Before(a) {
		return 0
	}
	n := 0
	for !AddWorkingDays(a, n+1).After(b) {
		n++
	}
	return n
}

// Over six years of dates, at several clock times, including starts on
// non-working days: AddWorkingDays lands on a working day, keeps the clock
// time when it starts on one, and WorkingDaysBetween inverts it exactly.
func TestProperties(t *testing.T) {
	loc := stockholm(t)
	clocks := []time.Duration{
		0,
		9*time.Hour + 15*time.Minute + 30*time.Second + 500*time.Millisecond,
		24*time.Hour - time.Nanosecond,
	}
	ns := []int{0, 1, 2, 3, 5, 10, 23, 60}
	if testing.Short() {
		ns = []int{0, 1, 5}
	}
	days := 0
	for day := time.Date(2024, 1, 1, 0, 0, 0, 0, loc); day.Year() < 2030; day = day.AddDate(0, 0, 1) {
		days++
		for _, c := range clocks {
			h, m, s := int(c/time.Hour), int(c/time.Minute%60), int(c/time.Second%60)
			start := time.Date(day.Year(), day.Month(), day.Day(), h, m, s, int(c%time.Second), loc)
			working := IsWorkingDay(start)
			for _, n := range ns {
				got := AddWorkingDays(start, n)
				if !IsWorkingDay(got) {
					t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", start, n, got)
				}
				if got.Before(start) {
					t.Fatalf("AddWorkingDays(%s, %d) = %s, before the start", start, n, got)
				}
				if working {
					gh, gm, gs := got.Clock()
					if gh != h || gm != m || gs != s || got.Nanosecond() != start.Nanosecond() {
						t.Fatalf("AddWorkingDays(%s, %d) = %s, clock time not kept", start, n, got)
					}
					if n == 0 && !got.Equal(start) {
						t.Fatalf("AddWorkingDays(%s, 0) = %s, want the start", start, got)
					}
				} else if gh, gm, gs := got.Clock(); gh != 0 || gm != 0 || gs != 0 || got.Nanosecond() != 0 {
					t.Fatalf("AddWorkingDays(%s, %d) = %s, want 00:00 (start on a non-working day)", start, n, got)
				}
				if w := WorkingDaysBetween(start, got); w != n {
					t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(.., %d) = %s) = %d", start, n, got, w)
				}
				if n > 0 {
					if w := WorkingDaysBetween(start, got.Add(-time.Nanosecond)); w != n-1 {
						t.Fatalf("WorkingDaysBetween(%s, %s - 1ns) = %d, want %d", start, got, w, n-1)
					}
				}
			}
		}
		// Against the definition, for b at irregular steps over about
		// three weeks; on every fifth day to keep the test quick.
		if days%5 == 0 && !testing.Short() {
			a := day.Add(11*time.Hour + 7*time.Minute)
			for k := -3; k < 80; k++ {
				b := a.Add(time.Duration(k) * 7 * time.Hour)
				if got, want := WorkingDaysBetween(a, b), naiveBetween(a, b); got != want {
					t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", a, b, got, want)
				}
			}
		}
	}
}
