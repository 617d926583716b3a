package intake

import (
	"familjeratt.example/portal/content"
	"net/mail"
	"strings"
	"unicode"
)

// The validators below check the string exactly as given; trimming
// surrounding whitespace is the caller's decision.

// ValidPhone reports whether s is a phone number as people type it, Swedish
// ("070-123 45 67") or international ("+46 70 123 45 67"): an optional
// leading "+", then digits with single spaces or hyphens between them, and
// 7–15 digits in all (15 is the E.164 maximum). Short numbers such as 112
// are not a person's phone and are rejected; so are parentheses and "(0)".
// The caller stores the number as typed.
func ValidPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	digits := 0
	afterDigit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
			afterDigit = true
		case c == ' ' || c == '-':
			// A separator must sit between two digits: not first, not
			// doubled, not directly after the "+".
			if !afterDigit {
				return false
			}
			afterDigit = false
		default:
			return false
		}
	}
	return afterDigit && digits >= 7 && digits <= 15
}

// ValidPostalCode reports whether s is a Swedish postal code: five digits,
// optionally with one space after the third ("123 45" or "12345").
func ValidPostalCode(s string) bool {
	if len(s) == 6 && s[3] == ' ' {
		s = s[:3] + s[4:]
	}
	if len(s) != 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidEmail reports whether s is a plain e-mail address: at most 254 bytes
// (the SMTP limit is in octets), exactly one "@", a non-empty local part of
// at most 64 bytes without spaces or control characters, and a domain of at
// least two dot-separated labels. Each label is 1–63 ASCII letters, digits
// or hyphens and does not start or end with a hyphen; the last label is at
// least two letters. Internationalised domains must therefore be given in
// their "xn--" form.
//
// net/mail.ParseAddress is the first check, and the parsed address must equal
// the input, which rules out display names, angle brackets, comments and
// quoted local parts.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.Count(s, "@") != 1 {
		return false
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || len(local) > 64 || content.HasControl(local, false) || strings.IndexFunc(local, unicode.IsSpace) >= 0 {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, label := range labels {
		if !emailDomainLabel(label) {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !emailLetter(tld[i]) {
			return false
		}
	}
	return true
}

// emailDomainLabel applies the DNS letter-digit-hyphen rule to one label.
func emailDomainLabel(label string) bool {
	if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
		return false
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !emailLetter(c) && !('0' <= c && c <= '9') && c != '-' {
			return false
		}
	}
	return true
}

func emailLetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// ValidCourtCaseNumber reports whether s is a Swedish court case number
// such as "T 1234-25": 1–2 letters for the case type (A–Z or Å, Ä, Ö, in
// either case, e.g. T, Ä, B, FT), an optional single space, 1–6 digits, a
// hyphen and the two-digit year. Letters must be precomposed (NFC): "Ä"
// typed as "A" plus a combining diaeresis is rejected.
func ValidCourtCaseNumber(s string) bool {
	rs := []rune(s)
	i := 0
	for i < len(rs) && i < 2 && courtCaseLetter(rs[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(rs) && rs[i] == ' ' {
		i++
	}
	start := i
	for i < len(rs) && '0' <= rs[i] && rs[i] <= '9' {
		i++
	}
	if n := i - start; n < 1 || n > 6 {
		return false
	}
	if i >= len(rs) || rs[i] != '-' {
		return false
	}
	year := rs[i+1:]
	return len(year) == 2 && '0' <= year[0] && year[0] <= '9' && '0' <= year[1] && year[1] <= '9'
}

// courtCaseLetter accepts the Swedish alphabet only; unicode.IsLetter would
// also let through Greek or Cyrillic look-alikes.
func courtCaseLetter(r rune) bool {
	switch {
	case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		return true
	}
	return strings.ContainsRune("ÅÄÖåäö", r)
}
