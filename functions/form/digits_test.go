package form

import (
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"
)

// digitsForm has a field of each sort that takes a number, and a name
// and a free text, which never change.
type digitsForm struct {
	Name       string `schema:"name" validate:"required,max=100,nocontrol" form:"text,autocomplete=name"`
	PNR        string `schema:"pnr" validate:"required,pnr" form:"text,inputmode=numeric"`
	Phone      string `schema:"phone" validate:"required,phone" form:"tel"`
	PostalCode string `schema:"postal_code" validate:"required,postcode" form:"text,inputmode=numeric,width=short"`
	Year       string `schema:"year" validate:"required,numeric,len=4" form:"text"`
	Born       int    `schema:"born" validate:"gte=1900,lte=2100" form:"text"`
	Case       string `schema:"case" validate:"required,courtcase" form:"text,digits=ascii"`
	Note       string `schema:"note" validate:"max=200,nocontrolml" form:"textarea"`
}

// digitsValidator checks the way the intake rules do: ASCII digits
// only, so a value passes only once its digits are normalised.
func digitsValidator(t *testing.T) *validator.Validate {
	t.Helper()
	v := NewValidator()
	for tag, re := range map[string]*regexp.Regexp{
		"pnr":       regexp.MustCompile(`^(19|20)?[0-9]{6}[-+]?[0-9]{4}$`),
		"phone":     regexp.MustCompile(`^\+?[0-9]+([ -][0-9]+)*$`),
		"postcode":  regexp.MustCompile(`^[0-9]{3} ?[0-9]{2}$`),
		"courtcase": regexp.MustCompile(`^[A-ZÅÄÖ]{1,2} ?[0-9]{1,6}-[0-9]{2}$`),
	} {
		if err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool { return re.MatchString(fl.Field().String()) }); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

func TestASCIIDigits(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"Arabic-Indic personnummer", "١٩٨١١٢١٨-٩٨٧٦", "19811218-9876"},
		{"Arabic-Indic phone", "٠٧٠-١٢٣ ٤٥ ٦٧", "070-123 45 67"},
		{"international phone", "+٤٦ ٧٠ ١٢٣ ٤٥ ٦٧", "+46 70 123 45 67"},
		{"Persian personnummer", "۱۹۸۱۱۲۱۸-۹۸۷۶", "19811218-9876"},
		{"Persian postal code", "۲۱۱ ۳۴", "211 34"},
		{"every Arabic-Indic digit", "٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"every Persian digit", "۰۱۲۳۴۵۶۷۸۹", "0123456789"},
		{"mixed scripts", "19٨١۱2١٨-9876", "19811218-9876"},
		{"court case number", "T ١٢٣٤-٢٥", "T 1234-25"},
		{"reference", "K٧QM-٤XR٦", "K7QM-4XR6"},
		{"ASCII already", "070-123 45 67", "070-123 45 67"},
		{"Arabic letters stay", "محمد", "محمد"},
		{"empty", "", ""},
	} {
		if got := ASCIIDigits(tt.in); got != tt.want {
			t.Errorf("%s: ASCIIDigits(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestFieldDigits(t *testing.T) {
	d, err := New("d", "/d", digitsForm{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	d.Walk(func(f *Field) {
		if f.Digits {
			got = append(got, f.Name)
		}
	})
	// inputmode=numeric, tel, inputmode=numeric, numeric rule, Go int,
	// digits=ascii; not the name, not the free text.
	want := "pnr phone postal_code year born case"
	if strings.Join(got, " ") != want {
		t.Errorf("fields with Digits:\ngot  %s\nwant %s", strings.Join(got, " "), want)
	}
}

// TestDigitsDecode: what a parent types reaches the form's value, and so
// the rules and the office, with ASCII digits in a number field, and as
// typed everywhere else.
func TestDigitsDecode(t *testing.T) {
	d, err := New("d", "/d", digitsForm{})
	if err != nil {
		t.Fatal(err)
	}
	valid := url.Values{"name": {"Anna"}, "pnr": {"19811218-9876"}, "phone": {"070-123 45 67"},
		"postal_code": {"211 34"}, "year": {"2025"}, "born": {"1981"}, "case": {"T 1234-25"}, "note": {"Ring efter tio"}}
	for _, tt := range []struct {
		name, field, typed, want string
	}{
		{"Arabic-Indic personnummer", "pnr", "١٩٨١١٢١٨-٩٨٧٦", "19811218-9876"},
		{"Persian personnummer", "pnr", "۱۹۸۱۱۲۱۸-۹۸۷۶", "19811218-9876"},
		{"Arabic-Indic phone", "phone", "٠٧٠-١٢٣ ٤٥ ٦٧", "070-123 45 67"},
		{"Persian phone", "phone", "۰۷۰-۱۲۳ ۴۵ ۶۷", "070-123 45 67"},
		{"Persian postal code", "postal_code", "۲۱۱ ۳۴", "211 34"},
		{"Arabic-Indic year", "year", "٢٠٢٥", "2025"},
		{"Persian year in a Go int", "born", "۱۹۸۱", "1981"},
		{"mixed court case number, digits=ascii", "case", "T ١٢٣٤-٢٥", "T 1234-25"},
		{"spaces trimmed too", "case", " T ١٢٣٤-٢٥ ", "T 1234-25"},
		{"name in Arabic script unchanged", "name", "فاطمة الزهراء", "فاطمة الزهراء"},
		{"digits in a name unchanged", "name", "ليلى ٢", "ليلى ٢"},
		{"free text unchanged", "note", "اتصل بعد الساعة ١٠ صباحاً", "اتصل بعد الساعة ١٠ صباحاً"},
		{"Persian free text unchanged", "note", "بچه‌ها ۷ و ۱۰ ساله هستند", "بچه‌ها ۷ و ۱۰ ساله هستند"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			posted := url.Values{}
			for k, v := range valid {
				posted[k] = v
			}
			posted.Set(tt.field, tt.typed)
			vals, errs := d.Values(posted)
			before := url.Values{}
			for k, v := range vals {
				before[k] = append([]string(nil), v...)
			}
			decoded, derrs := d.Decode(vals)
			errs = append(errs, derrs...)
			errs = append(errs, d.Validate(digitsValidator(t), decoded, time.Now())...)
			if len(errs) != 0 {
				t.Fatalf("errors %v, want none", errs)
			}
			if got := d.Encode(decoded).Get(tt.field); tt.field != "born" && got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.field, got, tt.want)
			}
			if tt.field == "born" {
				if got := decoded.(*digitsForm).Born; got != 1981 {
					t.Errorf("born: got %d, want 1981", got)
				}
			}
			if !reflect.DeepEqual(vals, before) {
				t.Errorf("Decode changed its argument: %v, was %v", vals, before)
			}
		})
	}
}

// TestDigitsStillChecked: normalising is no licence: a number that is
// wrong in Arabic digits is as wrong as in ASCII, and a letter from
// another script in a number field is refused.
func TestDigitsStillChecked(t *testing.T) {
	d, err := New("d", "/d", digitsForm{})
	if err != nil {
		t.Fatal(err)
	}
	posted := url.Values{"name": {"Anna"}, "pnr": {"١٩٨١١٢١٨-٩٨٧"}, "phone": {"٠٧٠-١٢٣ ٤٥ ٦٧"},
		"postal_code": {"٢١١ ٣٤٥"}, "year": {"٢٠٢٥"}, "born": {"١٩٨١"}, "case": {"Т ١٢٣٤-٢٥"}} // Cyrillic Т
	vals, _ := d.Values(posted)
	decoded, errs := d.Decode(vals)
	errs = append(errs, d.Validate(digitsValidator(t), decoded, time.Now())...)
	var got []string
	for _, e := range errs {
		got = append(got, e.Field+":"+e.Rule)
	}
	if want := "pnr:pnr postal_code:postcode case:courtcase"; strings.Join(got, " ") != want {
		t.Errorf("got  %v\nwant %s", got, want)
	}
}

func TestNewRefusesBadDigits(t *testing.T) {
	type unknownValue struct {
		C string `schema:"c" form:"text,digits=latin"`
	}
	type onTextarea struct {
		C string `schema:"c" form:"textarea,digits=ascii"`
	}
	type onRadios struct {
		C string `schema:"c" validate:"oneof=1 2" form:"radios,digits=ascii"`
	}
	for name, proto := range map[string]any{"unknown digits= value": unknownValue{}, "digits=ascii on free text": onTextarea{}, "digits=ascii on radios": onRadios{}} {
		if _, err := New("x", "/x", proto); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}
