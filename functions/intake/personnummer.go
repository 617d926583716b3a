package intake

import (
	"errors"
	"strings"
	"time"
)

// The form shows a separate message for each kind of mistake, so callers
// tell them apart with errors.Is.
var (
	// ErrPersonalNumberFormat means the input is not 10 or 12 digits with
	// at most one separator in the right place (empty input included).
	ErrPersonalNumberFormat = errors.New("intake: personnummer has the wrong format")
	// ErrPersonalNumberDate means the date part is not a real date, lies in
	// the future, or contradicts a "+" separator.
	ErrPersonalNumberDate = errors.New("intake: personnummer has an impossible date")
	// ErrPersonalNumberChecksum means the check digit does not match.
	ErrPersonalNumberChecksum = errors.New("intake: personnummer has a wrong check digit")
)

// PersonalNumber is a valid personnummer or samordningsnummer.
type PersonalNumber struct {
	Birth        time.Time // date of birth (UTC midnight); for a samordningsnummer the real day, i.e. day-60
	Coordination bool      // a samordningsnummer
	digits       string    // the 12 digits, YYYYMMDDNNNC (day +60 kept for samordningsnummer)
}

// ParsePersonalNumber parses and validates a Swedish personnummer or
// samordningsnummer as a parent types it.
//
// Format: after removing every ASCII space (anywhere, also around the
// separator), the input must be 10 digits (YYMMDDNNNC) or 12 digits
// (YYYYMMDDNNNC), optionally with one "-" or "+" directly before the last
// four digits. Anything else (other characters, including other whitespace
// and non-ASCII digits, a misplaced or second separator, a wrong digit count,
// empty input) is ErrPersonalNumberFormat.
//
// Century: 12 digits give it. For 10 digits it is inferred from today: with
// "-" or no separator the person is under 100, so the latest century that
// puts the birth date on or before today is used; with "+" the person is 100
// or older, so one century earlier than that. With 12 digits a "+" is
// accepted only if the person is in fact 100 or older today (otherwise the
// "+" contradicts the date: ErrPersonalNumberDate); "-" is always fine.
//
// Date: a day of 61–91 marks a samordningsnummer and the real day is day−60.
// The (real) date must exist and must not be after today, else
// ErrPersonalNumberDate. Only today's calendar date in its own location is
// used, so pass it in Swedish local time.
//
// Checksum: the last digit is the Luhn check digit over the 10-digit form
// YYMMDDNNN (weights 2,1,2,1…, day +60 kept), else ErrPersonalNumberChecksum.
//
// Checks run in that order (format, date, checksum), so a number with both
// a bad date and a bad check digit reports the date.
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
	coordination := day >= 61 && day <= 91
	realDay := day
	if coordination {
		realDay = day - 60
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
		if year > ty || year == ty && (month > int(tm) || month == int(tm) && realDay > td) {
			year -= 100
		}
		if sep == '+' {
			year -= 100
		}
	}

	if month < 1 || month > 12 || realDay < 1 || realDay > personalNumberMonthDays(year, time.Month(month)) {
		return PersonalNumber{}, ErrPersonalNumberDate
	}
	birth := time.Date(year, time.Month(month), realDay, 0, 0, 0, 0, time.UTC)
	if birth.After(todayDate) {
		return PersonalNumber{}, ErrPersonalNumberDate
	}
	if len(digits) == 12 && sep == '+' && personalNumberAge(birth, todayDate) < 100 {
		return PersonalNumber{}, ErrPersonalNumberDate
	}

	if personalNumberCheckDigit(ten[:9]) != ten[9] {
		return PersonalNumber{}, ErrPersonalNumberChecksum
	}

	if len(digits) == 10 {
		// Keep the inferred century so String never needs a "+" again.
		digits = string([]byte{byte('0' + year/1000%10), byte('0' + year/100%10)}) + digits
	}
	return PersonalNumber{Birth: birth, Coordination: coordination, digits: digits}, nil
}

// String returns the canonical 12-digit form "YYYYMMDD-NNNC" (for a
// samordningsnummer with the day +60). It is "" for the zero value.
func (p PersonalNumber) String() string {
	if len(p.digits) != 12 {
		return ""
	}
	return p.digits[:8] + "-" + p.digits[8:]
}

// AgeOn returns the number of completed years on day (its calendar date in
// its own location), and 0 before the birth date.
//
// Someone born on 29 February becomes a year older on 28 February in other
// years, the rule lag (1930:173) om beräkning av lagstadgad tid gives for a
// period whose end day does not exist in the final month.
func (p PersonalNumber) AgeOn(day time.Time) int {
	return personalNumberAge(p.Birth, day)
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
