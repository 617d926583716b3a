package form

import (
	"net/url"
	"reflect"
	"strconv"
)

// Answers returns a decoded form as nested maps keyed by the form's field
// names, the public contract, for the machine-readable part of what staff
// receive. The honeypot is left out.
func (d *Definition) Answers(v any) map[string]any {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	return answers(rv, d.Fields)
}

func answers(v reflect.Value, fields []*Field) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		fv := v.FieldByName(f.goField)
		switch f.Kind {
		case Honeypot:
		case Group:
			out[f.Key] = answers(fv, f.Fields)
		case Repeat:
			items := make([]any, 0, fv.Len())
			for i := 0; i < fv.Len(); i++ {
				items = append(items, answers(fv.Index(i), f.Fields))
			}
			out[f.Key] = items
		case Checkboxes:
			vals := make([]string, 0, fv.Len())
			for i := 0; i < fv.Len(); i++ {
				vals = append(vals, fv.Index(i).String())
			}
			out[f.Key] = vals
		default:
			out[f.Key] = fv.String()
		}
	}
	return out
}

// Encode turns a decoded form back into values, the inverse of Decode: the
// readable part of what staff receive is built from the answers as they
// were checked and tidied, not as typed.
func (d *Definition) Encode(v any) url.Values {
	out := url.Values{}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	encode(out, rv, d.Fields, "")
	return out
}

func encode(out url.Values, v reflect.Value, fields []*Field, prefix string) {
	for _, f := range fields {
		fv := v.FieldByName(f.goField)
		name := prefix + f.Key
		switch f.Kind {
		case Honeypot:
		case Group:
			encode(out, fv, f.Fields, name+".")
		case Repeat:
			for i := 0; i < fv.Len(); i++ {
				encode(out, fv.Index(i), f.Fields, name+"."+strconv.Itoa(i)+".")
			}
		case Checkboxes:
			for i := 0; i < fv.Len(); i++ {
				out.Add(name, fv.Index(i).String())
			}
		default:
			if s := fv.String(); s != "" {
				out.Set(name, s)
			}
		}
	}
}
