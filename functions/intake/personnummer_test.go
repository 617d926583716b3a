package intake

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// pnToday is fixed so that century inference and the future check do not
// depend on when the tests run.
var pnToday = time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)

func pnDate(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// The check digits below were computed by hand with Luhn over YYMMDDNNN,
// weights 2,1,2,1,…, summing the digits of each product, check = (10 − sum mod 10) mod 10.
// For example 811218987: 16→7,1,2,2,2,8,18→9,8,14→5 = 44, check 6.
func TestParsePersonalNumberValid(t *testing.T) {
	tests := []struct {
		in           string
		want         string
		birth        time.Time
		coordination bool
	}{
		{"19811218-9876", "19811218-9876", pnDate(1981, 12, 18), false},
		{"811218-9876", "19811218-9876", pnDate(1981, 12, 18), false},
		{"8112189876", "19811218-9876", pnDate(1981, 12, 18), false},
		{"198112189876", "19811218-9876", pnDate(1981, 12, 18), false},
		// Spaces are ignored anywhere, also around the separator.
		{" 811218 - 9876 ", "19811218-9876", pnDate(1981, 12, 18), false},
		{"1981 12 18 9876", "19811218-9876", pnDate(1981, 12, 18), false},
		// Samordningsnummer: day 78 is the 18th (811278987 → 47, check 3).
		{"811278-9873", "19811278-9873", pnDate(1981, 12, 18), true},
		// Skatteverket's published samordningsnummer example, day 63 → 3rd.
		{"701063-2391", "19701063-2391", pnDate(1970, 10, 3), true},
		// Day 91 is the highest samordningsnummer day (31 December).
		{"811291-9876", "19811291-9876", pnDate(1981, 12, 31), true},
		// Skatteverket's test number 121212-1212; "+" moves it a century back.
		{"121212+1212", "19121212-1212", pnDate(1912, 12, 12), false},
		{"19121212+1212", "19121212-1212", pnDate(1912, 12, 12), false},
		// A 12-digit "-" is fine even for someone over 100.
		{"19121212-1212", "19121212-1212", pnDate(1912, 12, 12), false},
		{"191212121212", "19121212-1212", pnDate(1912, 12, 12), false},
		// Without "+" the same 10 digits mean someone born 2012.
		{"121212-1212", "20121212-1212", pnDate(2012, 12, 12), false},
		// Born today (261123123 → check 0) is not in the future.
		{"20261123-1230", "20261123-1230", pnDate(2026, 11, 23), false},
		{"261123-1230", "20261123-1230", pnDate(2026, 11, 23), false},
		// Exactly 100 today, so "+" is right for both lengths.
		{"261123+1230", "19261123-1230", pnDate(1926, 11, 23), false},
		{"19261123+1230", "19261123-1230", pnDate(1926, 11, 23), false},
		// Tomorrow's date in 2026 would be the future, so the century is 19.
		{"261124-1239", "19261124-1239", pnDate(1926, 11, 24), false},
		// ... and "+" puts it one more century back.
		{"261124+1239", "18261124-1239", pnDate(1826, 11, 24), false},
		// 29 February in a leap year (240229123 → 33, check 7; 000229123 → 25, check 5).
		{"20240229-1237", "20240229-1237", pnDate(2024, 2, 29), false},
		{"240229-1237", "20240229-1237", pnDate(2024, 2, 29), false},
		{"000229-1235", "20000229-1235", pnDate(2000, 2, 29), false},
		{"19860101-2340", "19860101-2340", pnDate(1986, 1, 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p := parsedAs(t, tt.in, tt.want, tt.birth)
			if got := p.Coordination; got != tt.coordination {
				t.Errorf("Coordination = %v, want %v", got, tt.coordination)
			}
		})
	}
}

// Skatteverket writes a month or day it does not know as 00; in a
// samordningsnummer an unknown day is therefore 60. Birth is the earliest
// date the number allows (January, the 1st). Check digits as above, e.g.
// 810060987: 16→7,1,0,0,12→3,0,18→9,8,14→5 = 33, check 7.
func TestParsePersonalNumberUnknownMonthOrDay(t *testing.T) {
	tests := []struct {
		in                       string
		want                     string
		birth                    time.Time
		unknownMonth, unknownDay bool
	}{
		// Month 00, day 78 − 60 = 18.
		{"19810078-9877", "19810078-9877", pnDate(1981, 1, 18), true, false},
		{"810078-9877", "19810078-9877", pnDate(1981, 1, 18), true, false},
		{"8100789877", "19810078-9877", pnDate(1981, 1, 18), true, false},
		// December, day 60: unknown day (the existing 811260 case, now valid).
		{"19811260-9873", "19811260-9873", pnDate(1981, 12, 1), false, true},
		{"811260-9873", "19811260-9873", pnDate(1981, 12, 1), false, true},
		// Both unknown.
		{"19810060-9877", "19810060-9877", pnDate(1981, 1, 1), true, true},
		{"810060-9877", "19810060-9877", pnDate(1981, 1, 1), true, true},
		{"810060 9877", "19810060-9877", pnDate(1981, 1, 1), true, true},
		// Day 89 (29th) with an unknown month exists even in 1900: January has it.
		{"19000089-1234", "19000089-1234", pnDate(1900, 1, 29), true, false},
		{"19810091-9870", "19810091-9870", pnDate(1981, 1, 31), true, false},
		// February 2024, day unknown.
		{"20240260-1237", "20240260-1237", pnDate(2024, 2, 1), false, true},
		// Century for 10 digits: the earliest possible date must be on or
		// before today (23 November 2026).
		{"260060-1237", "20260060-1237", pnDate(2026, 1, 1), true, true},
		{"260083-1230", "20260083-1230", pnDate(2026, 1, 23), true, false},
		{"261160-1234", "20261160-1234", pnDate(2026, 11, 1), false, true},
		{"261183-1237", "20261183-1237", pnDate(2026, 11, 23), false, false}, // today, known day
		{"261260-1233", "19261260-1233", pnDate(1926, 12, 1), false, true},   // 1 Dec 2026 is the future
		{"261184-1236", "19261184-1236", pnDate(1926, 11, 24), false, false},
		// "+": one century earlier; 12 digits with "+" need the person to
		// be possibly 100 today, judged from the earliest date.
		{"260060+1237", "19260060-1237", pnDate(1926, 1, 1), true, true},
		{"19260060+1237", "19260060-1237", pnDate(1926, 1, 1), true, true},
		{"261260+1233", "18261260-1233", pnDate(1826, 12, 1), false, true},
		// The future check uses the earliest date, so this year's numbers pass.
		{"20260060-1237", "20260060-1237", pnDate(2026, 1, 1), true, true},
		{"20261160-1234", "20261160-1234", pnDate(2026, 11, 1), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p := parsedAs(t, tt.in, tt.want, tt.birth)
			if !p.Coordination {
				t.Errorf("Coordination = false, want true")
			}
			if got := p.UnknownMonth; got != tt.unknownMonth {
				t.Errorf("UnknownMonth = %v, want %v", got, tt.unknownMonth)
			}
			if got := p.UnknownDay; got != tt.unknownDay {
				t.Errorf("UnknownDay = %v, want %v", got, tt.unknownDay)
			}
		})
	}
}

func TestParsePersonalNumberInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		// Format.
		{"", ErrPersonalNumberFormat},
		{"   ", ErrPersonalNumberFormat},
		{"81121A-9876", ErrPersonalNumberFormat},
		{"811218-987X", ErrPersonalNumberFormat},
		{"81121898760", ErrPersonalNumberFormat},   // 11 digits
		{"1981121898761", ErrPersonalNumberFormat}, // 13 digits
		{"811218987", ErrPersonalNumberFormat},     // 9 digits
		{"811218--9876", ErrPersonalNumberFormat},  // two separators
		{"811218-+9876", ErrPersonalNumberFormat},  // two separators
		{"81-1218-9876", ErrPersonalNumberFormat},  // two separators
		{"8112-189876", ErrPersonalNumberFormat},   // misplaced separator
		{"-8112189876", ErrPersonalNumberFormat},   // misplaced separator
		{"8112189876-", ErrPersonalNumberFormat},   // misplaced separator
		{"811218/9876", ErrPersonalNumberFormat},   // other separator
		{"811218\t9876", ErrPersonalNumberFormat},  // only spaces are ignored
		{"８１１２１８-９８７６", ErrPersonalNumberFormat},   // full-width digits
		{"1981-12-18-9876", ErrPersonalNumberFormat},
		// Date.
		{"19810230-1234", ErrPersonalNumberDate}, // 30 Feb, check digit right (810230123 → 4)
		{"19810230-1235", ErrPersonalNumberDate}, // date is reported before the check digit
		{"811318-9875", ErrPersonalNumberDate},   // month 13, check digit right
		{"811318-9870", ErrPersonalNumberDate},   // month 13, check digit wrong
		{"811200-9876", ErrPersonalNumberDate},   // day 00
		{"810000-9876", ErrPersonalNumberDate},   // month 00
		{"20230229-1238", ErrPersonalNumberDate}, // 2023 is not a leap year
		{"230229-1238", ErrPersonalNumberDate},
		{"000229+1235", ErrPersonalNumberDate}, // "+" makes it 1900, not a leap year
		{"811232-9878", ErrPersonalNumberDate}, // day 32
		{"811259-9876", ErrPersonalNumberDate}, // day 59: neither 01–31 nor 60–91
		{"811292-9875", ErrPersonalNumberDate}, // day 92 is beyond samordningsnummer
		// A personnummer never has an unknown month or day: 00 stays an
		// impossible date even with the right check digit.
		{"19810018-9870", ErrPersonalNumberDate}, // month 00, day 18
		{"810018-9870", ErrPersonalNumberDate},
		{"19811200-9876", ErrPersonalNumberDate}, // day 00
		{"19810000-9870", ErrPersonalNumberDate}, // month 00 and day 00
		{"810032-9872", ErrPersonalNumberDate},   // month 00, day 32
		// A samordningsnummer with an unknown part keeps the other rules.
		{"811360-9872", ErrPersonalNumberDate},   // month 13, day unknown
		{"19810290-9871", ErrPersonalNumberDate}, // 30 February, month known
		{"20230289-1235", ErrPersonalNumberDate}, // 29 February 2023
		{"20261260-1233", ErrPersonalNumberDate}, // December 2026 has not begun
		{"20270060-1236", ErrPersonalNumberDate}, // 2027 has not begun
		{"20261184-1236", ErrPersonalNumberDate}, // tomorrow, samordningsnummer
		{"19261260+1233", ErrPersonalNumberDate}, // at most 99 today (born 1–31 Dec 1926)
		{"810290-9879", ErrPersonalNumberDate},   // samordningsnummer for 30 Feb
		{"20261124-1239", ErrPersonalNumberDate}, // tomorrow
		{"20991231-1230", ErrPersonalNumberDate}, // future, checksum not even looked at
		{"19860101+2340", ErrPersonalNumberDate}, // "+" for a 40-year-old
		{"19261124+1239", ErrPersonalNumberDate}, // "+" one day before the 100th birthday
		// Checksum.
		{"811218-9875", ErrPersonalNumberChecksum},
		{"19811218-9870", ErrPersonalNumberChecksum},
		{"811278-9876", ErrPersonalNumberChecksum}, // samordningsnummer: check uses day 78, not 18
		{"8112189867", ErrPersonalNumberChecksum},  // adjacent digits swapped
		// Unknown month or day: the check digit still counts (right: 7, 3, 7).
		{"810078-9876", ErrPersonalNumberChecksum},
		{"19811260-9870", ErrPersonalNumberChecksum},
		{"810060-9876", ErrPersonalNumberChecksum},
		{"260060+1230", ErrPersonalNumberChecksum},
		// Individual number 000 is never issued; the check digit is right
		// in each of these (811218000 → 8, 811278000 → 5, 810060000 → 9).
		{"19811218-0008", ErrPersonalNumberChecksum}, // personnummer
		{"811218-0008", ErrPersonalNumberChecksum},
		{"8112180008", ErrPersonalNumberChecksum},
		{"19811278-0005", ErrPersonalNumberChecksum}, // samordningsnummer
		{"811278-0005", ErrPersonalNumberChecksum},
		{"19810060-0009", ErrPersonalNumberChecksum}, // samordningsnummer, month and day unknown
		{"811218-0001", ErrPersonalNumberChecksum},   // 000 and a wrong check digit
		{"19810230-0001", ErrPersonalNumberDate},     // the date is still reported first
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParsePersonalNumber(tt.in, pnToday)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParsePersonalNumber(%q) error = %v, want %v", tt.in, err, tt.want)
			}
			if got := p; got != (PersonalNumber{}) {
				t.Errorf("ParsePersonalNumber(%q) = %+v, want the zero value on error", tt.in, got)
			}
		})
	}
}

// Every wrong check digit must be rejected, not just the ones in the table.
func TestParsePersonalNumberEveryWrongCheckDigit(t *testing.T) {
	valid := []string{"811218-987", "121212-121", "811278-987", "701063-239", "240229-123"}
	right := []byte{'6', '2', '3', '1', '7'}
	for i, prefix := range valid {
		for c := byte('0'); c <= '9'; c++ {
			in := prefix + string(c)
			_, err := ParsePersonalNumber(in, pnToday)
			var want error // errors.Is(err, nil) holds only for a nil err
			if c != right[i] {
				want = ErrPersonalNumberChecksum
			}
			if !errors.Is(err, want) {
				t.Errorf("ParsePersonalNumber(%q) error = %v, want %v", in, err, want)
			}
		}
	}
}

// The location of today matters: only its calendar date is used.
func TestParsePersonalNumberTodayLocation(t *testing.T) {
	stockholm := time.FixedZone("CET", 60*60)
	// 23 Nov 2026 00:30 in Sweden is still 22 Nov in UTC.
	today := time.Date(2026, time.November, 23, 0, 30, 0, 0, stockholm)
	p, err := ParsePersonalNumber("20261123-1230", today)
	if err != nil {
		t.Fatalf("ParsePersonalNumber error = %v, want nil", err)
	}
	if got, want := p.String(), "20261123-1230"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestPersonalNumberAgeOn(t *testing.T) {
	parse := func(s string) PersonalNumber {
		t.Helper()
		p, err := ParsePersonalNumber(s, pnToday)
		if err != nil {
			t.Fatalf("ParsePersonalNumber(%q) error = %v", s, err)
		}
		return p
	}
	born1981 := parse("811218-9876")
	coordination := parse("811278-9873") // same birthday as born1981
	leapDay := parse("20240229-1237")
	// Unknown parts: the age counts from the latest date the number
	// allows (December, the month's last day).
	monthUnknown := parse("810078-9877")  // 18 December 1981 at the latest
	bothUnknown := parse("20080060-1239") // 31 December 2008 at the latest
	novemberDay := parse("20081160-1236") // 30 November 2008 at the latest
	februaryDay := parse("20240260-1237") // 29 February 2024 at the latest
	tests := []struct {
		name string
		p    PersonalNumber
		day  time.Time
		want int
	}{
		{"day before birthday", born1981, pnDate(2026, 12, 17), 44},
		{"on birthday", born1981, pnDate(2026, 12, 18), 45},
		{"day after birthday", born1981, pnDate(2026, 12, 19), 45},
		{"samordningsnummer before", coordination, pnDate(2026, 12, 17), 44},
		{"samordningsnummer on", coordination, pnDate(2026, 12, 18), 45},
		{"late on the day before", born1981, time.Date(2026, 12, 17, 23, 59, 59, 0, time.UTC), 44},
		// 00:30 on the birthday in Sweden is still the day before in UTC.
		{"local date counts", born1981, time.Date(2026, 12, 18, 0, 30, 0, 0, time.FixedZone("CET", 60*60)), 45},
		{"day of birth", born1981, pnDate(1981, 12, 18), 0},
		{"before birth", born1981, pnDate(1980, 1, 1), 0},
		{"leap day, non-leap year, 27 Feb", leapDay, pnDate(2025, 2, 27), 0},
		{"leap day, non-leap year, 28 Feb", leapDay, pnDate(2025, 2, 28), 1},
		{"leap day, non-leap year, 1 Mar", leapDay, pnDate(2025, 3, 1), 1},
		{"leap day, leap year, 28 Feb", leapDay, pnDate(2028, 2, 28), 3},
		{"leap day, leap year, 29 Feb", leapDay, pnDate(2028, 2, 29), 4},
		{"over 100", parse("121212+1212"), pnToday, 113},
		{"unknown month, day before", monthUnknown, pnDate(2026, 12, 17), 44},
		{"unknown month, on 18 December", monthUnknown, pnDate(2026, 12, 18), 45},
		{"unknown month and day, child today", bothUnknown, pnToday, 17},
		{"unknown month and day, 30 December", bothUnknown, pnDate(2026, 12, 30), 17},
		{"unknown month and day, 31 December", bothUnknown, pnDate(2026, 12, 31), 18},
		{"unknown month and day, before 2009", bothUnknown, pnDate(2008, 12, 30), 0},
		{"unknown day, 29 November", novemberDay, pnDate(2026, 11, 29), 17},
		{"unknown day, 30 November", novemberDay, pnDate(2026, 11, 30), 18},
		{"unknown February day, 27 Feb", februaryDay, pnDate(2025, 2, 27), 0},
		{"unknown February day, 28 Feb", februaryDay, pnDate(2025, 2, 28), 1},
		{"unknown February day, leap year 28 Feb", februaryDay, pnDate(2028, 2, 28), 3},
		{"unknown February day, leap year 29 Feb", februaryDay, pnDate(2028, 2, 29), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.AgeOn(tt.day); got != tt.want {
				t.Errorf("AgeOn(%v) = %d, want %d", tt.day, got, tt.want)
			}
		})
	}
}

// The form's rules, as rules.go wires them: a child whose number has an
// unknown month or day is never refused when the child could be under 18.
func TestPersonalNumberRulesUnknownParts(t *testing.T) {
	v := NewValidator(nil, func() time.Time { return pnToday })
	tests := []struct {
		in   string
		want bool // passes every personnummer rule and under18
	}{
		{"080060-1239", true},    // born 2008, 31 December at the latest: 17
		{"081160-1236", true},    // November 2008, 30th at the latest: 17
		{"20081123-1232", false}, // 18 today, for comparison
		{"070060-1230", false},   // 2007: 18 whatever the month and day
		{"811218-0008", false},   // individual number 000
	}
	for _, tt := range tests {
		err := v.Var(tt.in, "pnrformat,pnrdate,pnrchecksum,under18")
		if got := err == nil; got != tt.want {
			t.Errorf("rules(%q) passed = %v, want %v (%v)", tt.in, got, tt.want, err)
		}
	}
}

func TestPersonalNumberStringZero(t *testing.T) {
	if got, want := (PersonalNumber{}).String(), ""; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// The canonical form must parse back to the same number.
func TestPersonalNumberStringRoundTrip(t *testing.T) {
	for _, in := range []string{"811218-9876", "811278-9873", "121212+1212", "000229-1235", "810078-9877", "811260-9873", "810060-9877", "260060+1237"} {
		p, err := ParsePersonalNumber(in, pnToday)
		if err != nil {
			t.Fatalf("ParsePersonalNumber(%q) error = %v", in, err)
		}
		got, err := ParsePersonalNumber(p.String(), pnToday)
		if err != nil || got != p {
			t.Errorf("ParsePersonalNumber(%q) = %v, %v, want %v", p.String(), got, err, p)
		}
	}
}

func ExampleParsePersonalNumber() {
	today := time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)
	p, err := ParsePersonalNumber("121212+1212", today)
	fmt.Println(p, p.AgeOn(today), err)
	_, err = ParsePersonalNumber("19810230-1234", today)
	fmt.Println(errors.Is(err, ErrPersonalNumberDate))
	// Output:
	// 19121212-1212 113 <nil>
	// true
}

func TestMakePersonalNumber(t *testing.T) {
	tests := []struct{ date, serial, want string }{
		{"19121212", "121", "19121212-1212"}, // Skatteverket's Tolvan Tolvansson
		{"19811218", "987", "19811218-9876"},
		{"19810060", "987", "19810060-9877"}, // samordningsnummer, month and day unknown
		{"19811260", "987", "19811260-9873"},
	}
	for _, tt := range tests {
		if got := MakePersonalNumber(tt.date, tt.serial); got != tt.want {
			t.Errorf("MakePersonalNumber(%s, %s): got %s, want %s", tt.date, tt.serial, got, tt.want)
		}
		if _, err := ParsePersonalNumber(tt.want, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Errorf("%s does not parse: %v", tt.want, err)
		}
	}
}

// parsedAs parses in, which must be valid, and checks how it is written
// and the birth date it gives.
func parsedAs(t *testing.T, in, want string, birth time.Time) PersonalNumber {
	t.Helper()
	p, err := ParsePersonalNumber(in, pnToday)
	if err != nil {
		t.Fatalf("ParsePersonalNumber(%q) error = %v, want nil", in, err)
	}
	if got := p.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := p.Birth; !got.Equal(birth) || got.Location() != time.UTC {
		t.Errorf("Birth = %v, want %v", got, birth)
	}
	return p
}
