package intake

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// The form shows a separate message for each kind of mistake, so callers
// tell them apart with errors.Is.
var (
	// ErrPersonalNumberFormat means the input is not 10 or 12 digits with
	// at most one separator in the right place (empty input included).
	ErrPersonalNumberFormat = errors.New("intake: personnummer has the wrong format")
	// ErrPersonalNumberDate means the date part is not a real date (month
	// or day 00 in a personnummer included), lies in the future, or
	// contradicts a "+" separator.
	ErrPersonalNumberDate = errors.New("intake: personnummer has an impossible date")
	// ErrPersonalNumberChecksum means the last four digits are wrong: the
	// check digit does not match, or the individual number is 000.
	ErrPersonalNumberChecksum = errors.New("intake: personnummer has a wrong check digit")
)

// PersonalNumber is a valid personnummer or samordningsnummer.
type PersonalNumber struct {
	// Birth is the date of birth (UTC midnight); for a samordningsnummer
	// the real day, i.e. day−60. When the month or day is unknown it is
	// the earliest date the number allows (January, the 1st), so check
	// UnknownMonth and UnknownDay before showing it as a date.
	Birth        time.Time
	Coordination bool // a samordningsnummer
	// UnknownMonth and UnknownDay say that Skatteverket did not know the
	// month (written 00) or the day (written 00, so 60 with the +60). Only
	// a samordningsnummer has them.
	UnknownMonth, UnknownDay bool
	digits                   string // the 12 digits, YYYYMMDDNNNC as issued (day +60 kept, month 00 kept)
}

// ParsePersonalNumber parses and validates a Swedish personnummer
// (folkbokföringslagen (1991:481) 18 §) or samordningsnummer (18 a §) as a
// parent types it. Both are built from the birth date YYMMDD, a
// three-digit individual number NNN and a check digit C; a
// samordningsnummer has the day increased by 60 (Skatteverket, SKV 707
// "Samordningsnummer", and SKVM 2010:3). The rules, checked in this order:
//
// 1. Format: after removing every ASCII space (anywhere, also around the
// separator), the input must be 10 digits (YYMMDDNNNC) or 12 digits
// (YYYYMMDDNNNC), optionally with one "-" or "+" directly before the last
// four digits. Anything else (other characters, including other whitespace
// and non-ASCII digits, a misplaced or second separator, a wrong digit count,
// empty input) is ErrPersonalNumberFormat.
//
// 2. Kind: a day part of 01–31 is a personnummer; 60–91 a
// samordningsnummer, whose real day is the day part − 60. Skatteverket
// writes a month or day it does not know as 00, so in a samordningsnummer
// month 00 means an unknown month and day part 60 an unknown day; either or
// both may be unknown. A personnummer never has an unknown part. Any other
// day part (00, 32–59, 92–99), a month above 12, or month 00 in a
// personnummer is ErrPersonalNumberDate.
//
// 3. Century: 12 digits give it. For 10 digits it is inferred from today:
// with "-" or no separator the person is under 100, so the latest century
// that puts the birth date on or before today is used; with "+" the person
// is 100 or older, so one century earlier than that. With 12 digits a "+" is
// accepted only if the person is 100 or older today (otherwise the "+"
// contradicts the date: ErrPersonalNumberDate); "-" is always fine. For
// the century and for this "+" check an unknown month counts as January and
// an unknown day as the 1st, the earliest possible date as in rule 5, so a
// "+" is accepted when the person could be 100.
//
// 4. Real date: the date must exist, else ErrPersonalNumberDate: the day
// must be in the month of that year (29 February only in a leap year). With
// an unknown month the day (1–31) exists in January; an unknown day is never
// refused.
//
// 5. Not in the future: the earliest possible birth date (unknown month:
// January; unknown day: the 1st) must not be after today, else
// ErrPersonalNumberDate. So a number from this year with an unknown month
// is never refused. Only today's calendar date in its own location is
// used, so pass it in Swedish local time.
//
// 6. Individual number: NNN is drawn from 001–999 for both kinds, so 000
// is refused. It is ErrPersonalNumberChecksum, whose message asks the
// parent to check the last four digits, where the mistake is.
//
// 7. Check digit: the last digit is the Luhn check digit over the 10-digit
// form YYMMDDNNN as issued (weights 2,1,2,1…, day +60 and month 00 kept),
// else ErrPersonalNumberChecksum.
//
// The first rule broken is reported, so a number with both a bad date and
// a bad check digit reports the date. The result's Birth is the earliest
// possible date (rule 5) and AgeOn counts from the latest, so that a child
// is never refused for being too old when the number does not say.
func ParsePersonalNumber(s string, today time.Time) (PersonalNumber, error) {
	digits, sep, ok := splitPersonalNumber(s)
	if !ok {
		return PersonalNumber{}, ErrPersonalNumberFormat
	}

	// The last ten digits are YYMMDDNNNC in both lengths.
	ten := digits[len(digits)-10:]
	yy := personalNumberAtoi(ten[0:2])
	month := personalNumberAtoi(ten[2:4])
	day := personalNumberAtoi(ten[4:6])
	coordination := day >= 60 && day <= 91
	realDay := day
	if coordination {
		realDay = day - 60
	}
	// 00 means unknown only in a samordningsnummer; in a personnummer it is
	// an impossible date, refused below with the other impossible dates.
	unknownMonth := coordination && month == 0
	unknownDay := coordination && realDay == 0
	// The earliest date the number allows, for the century and the future.
	earlyMonth, earlyDay := month, realDay
	if unknownMonth {
		earlyMonth = 1
	}
	if unknownDay {
		earlyDay = 1
	}

	ty, tm, td := today.Date()
	todayDate := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)

	var year int
	if len(digits) == 12 {
		year = personalNumberAtoi(digits[0:4])
	} else {
		// Month and day are compared as numbers before the date is known to
		// be real, because whether 29 February exists depends on the century
		// chosen here; an impossible date is rejected just below either way.
		year = ty/100*100 + yy
		if year > ty || year == ty && (earlyMonth > int(tm) || earlyMonth == int(tm) && earlyDay > td) {
			year -= 100
		}
		if sep == '+' {
			year -= 100
		}
	}

	if earlyMonth < 1 || earlyMonth > 12 || earlyDay < 1 || earlyDay > personalNumberMonthDays(year, time.Month(earlyMonth)) {
		return PersonalNumber{}, ErrPersonalNumberDate
	}
	birth := time.Date(year, time.Month(earlyMonth), earlyDay, 0, 0, 0, 0, time.UTC)
	if birth.After(todayDate) {
		return PersonalNumber{}, ErrPersonalNumberDate
	}
	// The earliest date, like the 10-digit "+" above: a "+" is fine if the
	// person could be 100.
	if len(digits) == 12 && sep == '+' && personalNumberAge(birth, todayDate) < 100 {
		return PersonalNumber{}, ErrPersonalNumberDate
	}

	// 000 is reported like a wrong check digit: the form then asks the
	// parent to check the last four digits, which is where the mistake is;
	// the length and the date are right, so the other messages would mislead.
	if ten[6:9] == "000" {
		return PersonalNumber{}, fmt.Errorf("%w (individual number 000 is never issued)", ErrPersonalNumberChecksum)
	}
	if personalNumberCheckDigit(ten[:9]) != ten[9] {
		return PersonalNumber{}, ErrPersonalNumberChecksum
	}

	if len(digits) == 10 {
		// Keep the inferred century so String never needs a "+" again.
		digits = string([]byte{byte('0' + year/1000%10), byte('0' + year/100%10)}) + digits
	}
	return PersonalNumber{Birth: birth, Coordination: coordination, UnknownMonth: unknownMonth, UnknownDay: unknownDay, digits: digits}, nil
}

// String returns the canonical 12-digit form "YYYYMMDD-NNNC" as issued
// (for a samordningsnummer with the day +60, so 60 for an unknown day, and
// month 00 kept). It is "" for the zero value.
func (p PersonalNumber) String() string {
	if len(p.digits) != 12 {
		return ""
	}
	return p.digits[:8] + "-" + p.digits[8:]
}

// AgeOn returns the number of completed years on day (its calendar date in
// its own location), and 0 before the (latest possible) birth date.
//
// With an unknown month or day it counts from the latest date the number
// allows (December; the month's last day), so the person is as young as
// the number allows and a child is never refused as 18 while they could be
// 17.
//
// Someone born on 29 February becomes a year older on 28 February in other
// years, the rule lag (1930:173) om beräkning av lagstadgad tid gives for a
// period whose end day does not exist in the final month.
func (p PersonalNumber) AgeOn(day time.Time) int {
	return personalNumberAge(p.latestBirth(), day)
}

// latestBirth is Birth with an unknown month as December and an unknown day
// as the last day of the month.
func (p PersonalNumber) latestBirth() time.Time {
	y, m, d := p.Birth.Date()
	if p.UnknownMonth {
		m = time.December
	}
	if p.UnknownDay {
		d = personalNumberMonthDays(y, m)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func personalNumberAge(birth, day time.Time) int {
	by, bm, bd := birth.Date()
	y, m, d := day.Date()
	if bm == time.February && bd == 29 && personalNumberMonthDays(y, time.February) == 28 {
		bd = 28
	}
	age := y - by
	if m < bm || m == bm && d < bd {
		age--
	}
	return max(age, 0)
}

// splitPersonalNumber strips spaces and returns the 10 or 12 digits and the
// separator (0 if none).
func splitPersonalNumber(s string) (digits string, sep byte, ok bool) {
	t := strings.ReplaceAll(s, " ", "")
	n := len(t)
	switch n {
	case 10, 12:
		digits = t
	case 11, 13:
		sep = t[n-5]
		if sep != '-' && sep != '+' {
			return "", 0, false
		}
		digits = t[:n-5] + t[n-4:]
	default:
		return "", 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", 0, false
		}
	}
	return digits, sep, true
}

// personalNumberCheckDigit computes the Luhn check digit of the nine digits
// YYMMDDNNN.
func personalNumberCheckDigit(nine string) byte {
	sum := 0
	for i := 0; i < len(nine); i++ {
		v := int(nine[i] - '0')
		if i%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9 // sum of the two digits of 10..18
			}
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

func personalNumberAtoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// personalNumberMonthDays relies on time.Date's normalisation: day 0 of the
// next month is the last day of this one.
func personalNumberMonthDays(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// MakePersonalNumber returns the personnummer of a made-up person born on
// date (YYYYMMDD) with the three-digit serial, its check digit added, as
// "YYYYMMDD-NNNC". Test applications use it.
func MakePersonalNumber(date, serial string) string {
	return date + "-" + serial + string(personalNumberCheckDigit(date[2:]+serial))
}
