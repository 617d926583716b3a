package form

import (
	"fmt"
	"reflect"
	"strings"
)

// Parents who write in Arabic or Persian may type a number in their own
// digits: Eastern Arabic (Arabic-Indic) ٠١٢٣٤٥٦٧٨٩, U+0660–0669, or
// Persian (extended Arabic-Indic) ۰۱۲۳۴۵۶۷۸۹, U+06F0–06F9. A field whose
// answer is a number reads them as the ASCII digits 0–9 before its rules
// check it, so "١٩٨١١٢١٨-٩٨٧٦" is the personnummer 19811218-9876, valid,
// and stored and sent to the office as such. Nothing else in the field
// changes: letters, spaces and hyphens stay as typed. A name or a free
// text is never touched: a name in Arabic script reaches the office as
// typed.

// digitsASCII is the one value of the form tag's digits= option.
const digitsASCII = "ascii"

// numericRules are the validator's own rules that accept only a number
// (or, for e164, a phone number): a field with one of them takes digits
// in any of the scripts above.
var numericRules = map[string]bool{
	"numeric": true, "number": true, "e164": true,
	"luhn_checksum": true, "credit_card": true,
}

// numericInputmodes are the inputmode= values that ask for a keypad of
// digits: the field's answer is a number.
var numericInputmodes = map[string]bool{"numeric": true, "decimal": true, "tel": true}

// digitsOf decides whether a field's answer has its digits read as ASCII
// (see [Field.Digits]), and refuses a digits= option it cannot honour.
func digitsOf(sf reflect.StructField, f *Field) (bool, error) {
	opt, explicit := f.Attrs["digits"]
	if explicit {
		if opt != digitsASCII {
			return false, fmt.Errorf("%s: digits=ascii is the one digits= option, got digits=%s", f.Name, opt)
		}
		if f.Kind != Text && f.Kind != Tel {
			return false, fmt.Errorf("%s: digits=ascii is for a text or tel field, not %s: free text and choices are kept as they are", f.Name, f.Kind)
		}
		return true, nil
	}
	if f.Kind != Text && f.Kind != Tel {
		return false, nil
	}
	if f.Kind == Tel || numericInputmodes[f.Attrs["inputmode"]] {
		return true, nil
	}
	switch sf.Type.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true, nil // a year, a count: gorilla/schema parses ASCII only
	}
	for _, r := range strings.Split(f.Rules, ",") {
		name, _, _ := strings.Cut(r, "=")
		if numericRules[name] {
			return true, nil
		}
	}
	return false, nil
}

// ASCIIDigits returns s with every Eastern Arabic (U+0660–0669) and
// Persian (U+06F0–06F9) digit replaced by the ASCII digit of the same
// value, and every other character as it is.
func ASCIIDigits(s string) string {
	if strings.IndexFunc(s, isArabicDigit) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case '\u0660' <= r && r <= '\u0669':
			return '0' + r - '\u0660'
		case '\u06f0' <= r && r <= '\u06f9':
			return '0' + r - '\u06f0'
		}
		return r
	}, s)
}

func isArabicDigit(r rune) bool {
	return '\u0660' <= r && r <= '\u0669' || '\u06f0' <= r && r <= '\u06f9'
}

// asciiDigits returns the values of a field with ASCII digits: vals
// itself when there is nothing to change, else a copy, so the caller's
// values stay as typed.
func asciiDigits(vals []string) []string {
	var out []string
	for i, v := range vals {
		a := ASCIIDigits(v)
		if a != v && out == nil {
			out = append(make([]string, 0, len(vals)), vals[:i]...)
		}
		if out != nil {
			out = append(out, a)
		}
	}
	if out == nil {
		return vals
	}
	return out
}
