package intake

import (
	"errors"
	"slices"
	"time"

	"github.com/go-playground/validator/v10"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
)

// NewValidator returns the validator for the intake forms: the engine's
// general rules and ours. today gives the day of the application, for
// the children's ages and for personnummer in the future.
func NewValidator(dir *content.Directory, today func() time.Time) *validator.Validate {
	v := form.NewValidator()
	pnr := func(want error) validator.Func {
		// Each of the three rules reports one way a personnummer can be
		// wrong, so the parent gets the message that fits: the rules run
		// in order, and each passes what an earlier one already refused.
		return func(fl validator.FieldLevel) bool {
			_, err := ParsePersonalNumber(fl.Field().String(), today())
			switch {
			case err == nil:
				return true
			case errors.Is(err, ErrPersonalNumberFormat):
				return want != ErrPersonalNumberFormat
			case errors.Is(err, ErrPersonalNumberDate):
				return want != ErrPersonalNumberDate
			default:
				return want != ErrPersonalNumberChecksum
			}
		}
	}
	visitDate := func(want error) validator.Func {
		// Like the personnummer's: each rule reports one way the date
		// can be wrong, and passes the others.
		return func(fl validator.FieldLevel) bool {
			_, err := ParseVisitDate(fl.Field().String(), today())
			return err == nil || !errors.Is(err, want)
		}
	}
	rules := map[string]validator.Func{
		"pnrformat":   pnr(ErrPersonalNumberFormat),
		"pnrdate":     pnr(ErrPersonalNumberDate),
		"pnrchecksum": pnr(ErrPersonalNumberChecksum),
		"under18": func(fl validator.FieldLevel) bool {
			pn, err := ParsePersonalNumber(fl.Field().String(), today())
			return err != nil || pn.AgeOn(today()) < 18
		},
		"phone":     func(fl validator.FieldLevel) bool { return ValidPhone(fl.Field().String()) },
		"postcode":  func(fl validator.FieldLevel) bool { return ValidPostalCode(fl.Field().String()) },
		"email254":  func(fl validator.FieldLevel) bool { return ValidEmail(fl.Field().String()) },
		"courtcase": func(fl validator.FieldLevel) bool { return ValidCourtCaseNumber(fl.Field().String()) },
		"reference": func(fl validator.FieldLevel) bool { _, err := ParseReference(fl.Field().String()); return err == nil },

		// The visit report's date and times, and its case reference.
		"visitdate":  visitDate(ErrVisitDateFormat),
		"notfuture":  visitDate(ErrVisitDateFuture),
		"withinyear": visitDate(ErrVisitDateOld),
		"clock":      func(fl validator.FieldLevel) bool { _, ok := ParseClock(fl.Field().String()); return ok },
		// A case reference that is a personnummer is most likely the
		// child's: the report names the case, never the child.
		"notpnr": func(fl validator.FieldLevel) bool {
			_, err := ParsePersonalNumber(fl.Field().String(), today())
			return err != nil
		},

		"municipality": func(fl validator.FieldLevel) bool {
			_, ok := dir.Municipality(fl.Field().String())
			return ok
		},
		"interpreterlanguage": func(fl validator.FieldLevel) bool {
			return slices.Contains(content.InterpreterLanguages, fl.Field().String())
		},
	}
	for tag, fn := range rules {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic(err)
		}
	}
	return v
}
