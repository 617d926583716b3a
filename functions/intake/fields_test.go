package intake

import (
	"strings"
	"testing"
)

func TestValidPhone(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"070-123 45 67", true},
		{"0701234567", true},
		{"08-123 456 78", true},
		{"+46 70 123 45 67", true},
		{"+46701234567", true},
		{"+46-70-123-45-67", true},
		{"1234567", true},          // 7 digits
		{"123456789012345", true},  // 15 digits
		{"+123456789012345", true}, // 15 digits
		{"", false},
		{"+", false},
		{"112", false},
		{"11 22 33", false},          // 6 digits
		{"1234567890123456", false},  // 16 digits
		{"+1234567890123456", false}, // 16 digits
		{"070  123 45 67", false},    // double space
		{"070--1234567", false},      // double hyphen
		{"070 -1234567", false},      // space and hyphen
		{" 0701234567", false},       // leading space
		{"0701234567 ", false},       // trailing space
		{"0701234567-", false},       // trailing hyphen
		{"-0701234567", false},       // leading hyphen
		{"+ 46701234567", false},     // space after +
		{"++46701234567", false},
		{"46+701234567", false}, // + not at the start
		{"+46 (0)70 123 45 67", false},
		{"(08) 123 45 67", false},
		{"070.123.45.67", false},
		{"070/1234567", false},
		{"O70-1234567", false}, // letter O
		{"070\t1234567", false},
		{"０７０１２３４５６７", false}, // full-width digits
	}
	for _, tt := range tests {
		if got := ValidPhone(tt.in); got != tt.want {
			t.Errorf("ValidPhone(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidPostalCode(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"12345", true},
		{"123 45", true},
		{"981 34", true},
		{"", false},
		{"1234", false},
		{"123456", false},
		{"12 345", false},  // space in the wrong place
		{"1234 5", false},  // space in the wrong place
		{"123  45", false}, // two spaces
		{"123-45", false},
		{" 12345", false},
		{"12345 ", false},
		{"123 4 5", false},
		{"1234A", false},
		{"123\t45", false},
		{"１２３４５", false}, // full-width digits
	}
	for _, tt := range tests {
		if got := ValidPostalCode(tt.in); got != tt.want {
			t.Errorf("ValidPostalCode(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidEmail(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	// 63+1+63+1+58+3 = 189 bytes, so a 64-byte local part makes 254 in all.
	domain189 := long(63) + "." + long(63) + "." + long(58) + ".se"
	if got := len(long(64) + "@" + domain189); got != 254 {
		t.Fatalf("longest test address is %d bytes, want 254", got)
	}
	tests := []struct {
		in   string
		want bool
	}{
		{"anna@example.se", true},
		{"anna.svensson+foraldrar@example.co.uk", true},
		{"ANNA@EXAMPLE.SE", true},
		{"a_b-c@sub-domain.example.com", true},
		{"åsa@example.se", true}, // local part may be UTF-8
		{"x@a1.se", true},
		{"x@xn--exempel-abc.se", true}, // IDN label in ACE form
		{long(64) + "@example.se", true},
		{"a@" + long(63) + ".se", true},
		{long(64) + "@" + domain189, true}, // 64+1+189 = 254 bytes
		{"", false},
		{"anna", false},
		{"anna@", false},
		{"@example.se", false},
		{"anna@@example.se", false},
		{"anna@b@example.se", false},
		{"anna@example", false},     // one label
		{"anna@example.s", false},   // last label one letter
		{"anna@example.s3", false},  // last label not letters
		{"anna@example.se.", false}, // empty label
		{"anna@.example.se", false},
		{"anna@exa..mple.se", false},
		{"anna@-example.se", false}, // label starts with hyphen
		{"anna@example-.se", false}, // label ends with hyphen
		{"anna@exa_mple.se", false},
		{"anna@räksmörgås.se", false}, // IDN must be in xn-- form
		{"anna@[192.0.2.1]", false},
		{"a@" + long(64) + ".se", false},                // label over 63
		{long(65) + "@example.se", false},               // local part over 64
		{long(64) + "@" + domain189 + "a", false},       // 255 bytes
		{"Anna <anna@example.se>", false},               // display name
		{"<anna@example.se>", false},                    // angle brackets
		{"anna@example.se (Anna)", false},               // comment
		{`"anna svensson"@example.se`, false},           // quoted local part with space
		{`"anna"@example.se`, false},                    // quoted local part
		{"anna svensson@example.se", false},             // space
		{" anna@example.se", false},                     // leading space
		{"anna@example.se ", false},                     // trailing space
		{"an\u00a0na@example.se", false},                // no-break space
		{"an\x01na@example.se", false},                  // control character
		{"\ufeffanna@example.se", false},                // BOM: net/mail accepts it
		{"an\u2028na@example.se", false},                // line separator
		{"an\u0085na@example.se", false},                // NEL, a C1 control
		{"an\u3000na@example.se", false},                // ideographic space
		{"anna\n@example.se", false},                    // newline
		{"anna@example.se\r\nBcc: x@example.se", false}, // header injection
		{".anna@example.se", false},
		{"anna.@example.se", false},
		{"an..na@example.se", false},
	}
	for _, tt := range tests {
		if got := ValidEmail(tt.in); got != tt.want {
			t.Errorf("ValidEmail(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidCourtCaseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"T 1234-25", true},
		{"T1234-25", true},
		{"t 1234-25", true},
		{"Ä 12-24", true},
		{"ä 12-24", true},
		{"Ö 5-25", true},
		{"Å 5-25", true},
		{"B 123456-99", true},
		{"FT 4321-23", true},
		{"ft 4321-23", true},
		{"Ft4321-23", true},
		{"T 1-00", true},
		{"", false},
		{"1234-25", false},         // no case type
		{"FTT 1234-25", false},     // three letters
		{"T  1234-25", false},      // two spaces
		{"T 1234567-25", false},    // seven digits
		{"T -25", false},           // no digits
		{"T 1234-2025", false},     // four-digit year
		{"T 1234-5", false},        // one-digit year
		{"T 1234 25", false},       // no hyphen
		{"T 1234/25", false},       // slash
		{"T 1234–25", false},       // en dash
		{"T 1234-25 ", false},      // trailing space
		{" T 1234-25", false},      // leading space
		{"T 12a4-25", false},       // letter among the digits
		{"T 1234-2a", false},       // letter in the year
		{"Ω 1234-25", false},       // Greek
		{"Т 1234-25", false},       // Cyrillic Te
		{"É 1234-25", false},       // not a Swedish case-type letter
		{"A\u0308 1234-25", false}, // decomposed Ä
		{"T\t1234-25", false},
		{"T 1234-25\n", false},
	}
	for _, tt := range tests {
		if got := ValidCourtCaseNumber(tt.in); got != tt.want {
			t.Errorf("ValidCourtCaseNumber(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
