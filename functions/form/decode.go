package form

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/gorilla/schema"

	"familjeratt.example/portal/content"
)

// Error is one field's problem: the field (with indexes, as posted), the
// rule it broke, and the rule's parameter. The message is chosen when the
// page is rendered, in the parent's language.
type Error struct {
	Field string // "children.1.personal_number"
	Rule  string // "required", "max", "pnrdate"…
	Param string // "100" for max=100
}

// FormChecker is implemented by form types with rules that span fields,
// such as "phone or e-mail". today is the day of the application.
type FormChecker interface {
	CheckForm(today time.Time) []Error
}

// NewValidator returns a validator whose errors name fields by their form
// names, with the text rules every form uses: nocontrol (no control
// characters in one-line text) and nocontrolml (the same, allowing line
// breaks), the same rules as the content's (see [content.TextRules]).
func NewValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string { return f.Tag.Get("schema") })
	for tag, fn := range content.TextRules {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic(err)
		}
	}
	return v
}

var decoder = func() *schema.Decoder {
	d := schema.NewDecoder()
	d.IgnoreUnknownKeys(true)
	// Indexes above 9 are refused before decoding; this is the second
	// fence against a posted "children.99999999.given_name" making the
	// decoder allocate a huge slice (CVE-2024-37298).
	d.MaxSize(maxItems - 1)
	return d
}()

// maxItems bounds every repeating group, whatever its own max= says.
const maxItems = 10

var indexRE = regexp.MustCompile(`\.(\d+)\.`)

// Values keeps the posted values of the form's own fields, as typed, and
// drops everything else: unknown names, and indexes past a group's max.
// It reports a problem for a group with too many items.
func (d *Definition) Values(posted url.Values) (url.Values, []Error) {
	out := url.Values{}
	var errs []Error
	tooMany := map[string]bool{}
	for name, vals := range posted {
		f, ok := d.Field(name)
		if !ok || f.Kind == Group || f.Kind == Repeat || len(vals) == 0 {
			continue
		}
		if m := indexRE.FindStringSubmatch(name); m != nil {
			group := name[:strings.Index(name, m[0])]
			rf, _ := d.Field(group)
			if rf == nil || rf.Kind != Repeat || !f.inRepeat || strings.Count(name, ".") != strings.Count(f.Name, ".")+1 {
				continue
			}
			n, err := strconv.Atoi(m[1])
			if err != nil || n >= rf.Max || n >= maxItems || m[1] != strconv.Itoa(n) {
				if !tooMany[group] {
					tooMany[group] = true
					errs = append(errs, Error{Field: group, Rule: "max", Param: strconv.Itoa(rf.Max)})
				}
				continue
			}
		} else if f.inRepeat || f.Name != name {
			continue // a repeat's field without an index, or a malformed name
		}
		if f.Kind == Checkboxes {
			out[name] = distinct(vals, len(f.Options))
		} else {
			out[name] = vals[:1]
		}
	}
	return out, errs
}

// distinct keeps the first of each value, and at most max of them: a
// box is ticked or not, however often a post repeats it.
func distinct(vals []string, max int) []string {
	var out []string
	for _, v := range vals {
		if len(out) == max {
			break
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Decode turns a form's values (from [Definition.Values]) into a new value
// of the form's type, with surrounding spaces trimmed from every text and
// the digits of a number field ([Field.Digits]) in ASCII. It leaves values
// as they are.
func (d *Definition) Decode(values url.Values) (any, []Error) {
	var errs []Error
	valid := make(url.Values, len(values))
	for name, vals := range values {
		ok := true
		for _, v := range vals {
			if !utf8.ValidString(v) {
				ok = false
				break
			}
		}
		if !ok {
			errs = append(errs, Error{Field: name, Rule: "nocontrol"})
			continue
		}
		if f, ok := d.Field(name); ok && f.Digits {
			vals = asciiDigits(vals)
		}
		valid[name] = vals
	}
	values = valid
	ptr := reflect.New(d.typ)
	if err := decoder.Decode(ptr.Interface(), values); err != nil {
		var multi schema.MultiError
		if !errors.As(err, &multi) {
			return nil, append(errs, Error{Field: "", Rule: "decode"})
		}
		keys := make([]string, 0, len(multi))
		for k := range multi {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			errs = append(errs, Error{Field: k, Rule: "decode"})
		}
	}
	trimStrings(ptr.Elem())
	fillMinimum(ptr.Elem(), d.Fields)
	return ptr.Interface(), errs
}

// fillMinimum gives a repeating group with min=N rule at least N items,
// empty, so a parent who left the first child blank is told which of its
// fields to fill in, not just that a child is missing.
func fillMinimum(v reflect.Value, fields []*Field) {
	for _, f := range fields {
		fv := v.FieldByName(f.goField)
		switch f.Kind {
		case Group:
			fillMinimum(fv, f.Fields)
		case Repeat:
			for n := ruleInt(f.Rules, "min"); fv.Len() < n; {
				fv.Set(reflect.Append(fv, reflect.Zero(fv.Type().Elem())))
			}
		}
	}
}

func trimStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(strings.TrimSpace(v.String()))
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				trimStrings(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			trimStrings(v.Index(i))
		}
	}
}

var nsIndexRE = regexp.MustCompile(`\[(\d+)\]`)

// Validate checks a decoded form with the validator's rules and the form
// type's own CheckForm, and returns the problems in the order the fields
// appear on the page.
func (d *Definition) Validate(v *validator.Validate, form any, today time.Time) []Error {
	var errs []Error
	if err := v.Struct(form); err != nil {
		var verrs validator.ValidationErrors
		if !errors.As(err, &verrs) {
			return []Error{{Rule: "decode"}}
		}
		for _, fe := range verrs {
			_, ns, _ := strings.Cut(fe.Namespace(), ".")
			ns = nsIndexRE.ReplaceAllString(ns, ".$1")
			errs = append(errs, Error{Field: ns, Rule: fe.Tag(), Param: fe.Param()})
		}
	}
	if c, ok := form.(FormChecker); ok {
		errs = append(errs, c.CheckForm(today)...)
	}
	return d.Sort(errs)
}

// Sort orders errors as their fields appear on the page, keeping only the
// first problem of each field: one message per field, as GOV.UK advises.
func (d *Definition) Sort(errs []Error) []Error {
	pos := d.order()
	sort.SliceStable(errs, func(i, j int) bool { return pos[errs[i].Field] < pos[errs[j].Field] })
	out := errs[:0]
	seen := map[string]bool{}
	for _, e := range errs {
		if !seen[e.Field] {
			seen[e.Field] = true
			out = append(out, e)
		}
	}
	return out
}

// order gives every field name, with indexes, its place on the page.
func (d *Definition) order() map[string]int {
	pos := map[string]int{}
	n := 0
	var walk func(fs []*Field, prefix string)
	walk = func(fs []*Field, prefix string) {
		for _, f := range fs {
			name := prefix + f.Key
			switch f.Kind {
			case Group:
				walk(f.Fields, name+".")
			case Repeat:
				pos[name] = n
				n++
				for i := 0; i < f.Max; i++ {
					walk(f.Fields, name+"."+strconv.Itoa(i)+".")
				}
			default:
				pos[name] = n
				n++
			}
		}
	}
	walk(d.Fields, "")
	return pos
}

// Message returns the text for an error in lang: the field's own message
// for the rule if it has one, or else the general one, which names the
// field by its label.
func (d *Definition) Message(strs *content.Strings, lang content.Lang, e Error) string {
	field := stripIndexes(e.Field)
	specific := d.textKey(field, "error."+e.Rule)
	args := []any{"param", e.Param, "label", ""}
	if strs.Has(d.textKey(field, "label")) {
		args[3] = strs.MustGet(lang, d.textKey(field, "label"))
	}
	var msg string
	switch {
	case strs.Has(specific):
		msg = strs.MustGet(lang, specific, args...)
	case strs.Has("form.error." + e.Rule):
		msg = strs.MustGet(lang, "form.error."+e.Rule, args...)
	default:
		msg = strs.MustGet(lang, "form.error.invalid", args...)
	}
	if item := d.itemLabel(strs, lang, e.Field); item != "" {
		msg = item + ": " + msg
	}
	return msg
}

// itemLabel names the item of a repeating group an error belongs to,
// "Barn 2", so a message in the summary says which child it is about.
func (d *Definition) itemLabel(strs *content.Strings, lang content.Lang, field string) string {
	m := indexRE.FindStringSubmatchIndex(field)
	if m == nil {
		return ""
	}
	group := field[:m[0]]
	n, _ := strconv.Atoi(field[m[2]:m[3]])
	key := "form." + d.ID + "." + group + ".item"
	if !strs.Has(key) {
		return ""
	}
	return strs.MustGet(lang, key, "n", n+1)
}

// Check reports every interface text the form needs that is missing, and
// every rule without a message: a parent must never see a blank label or
// a bare rule name.
func (d *Definition) Check(strs *content.Strings) []string {
	var missing []string
	need := func(key string) {
		if !strs.Has(key) {
			missing = append(missing, key)
		}
	}
	for _, key := range []string{"slug", "title", "description", "intro", "submit", "check_title", "check_intro", "send",
		"sent_title", "sent_intro", "notserved_title", "notserved_text"} {
		need("form." + d.ID + "." + key)
	}
	for _, key := range []string{"honeypot", "not_given", "optional", "continue", "choose", "error_summary_title", "error.invalid"} {
		need("form." + key)
	}
	var walk func([]*Field)
	walk = func(fs []*Field) {
		for _, f := range fs {
			switch f.Kind {
			case Honeypot:
				continue
			case Group:
				need(d.textKey(f.Name, "legend"))
				walk(f.Fields)
				continue
			case Repeat:
				need(d.textKey(f.Name, "legend"))
				need("form." + d.ID + "." + f.Name + ".item")
				need("form." + d.ID + "." + f.Name + ".add")
				need("form." + d.ID + "." + f.Name + ".remove")
				walk(f.Fields)
			default:
				need(d.textKey(f.Name, "label"))
				if f.OwnEmpty() {
					need(d.textKey(f.Name, "empty"))
				}
			}
			if sec := f.Attrs["section"]; sec != "" {
				need("form." + d.ID + ".section." + sec)
			}
			for _, o := range f.Options {
				need(d.textKey(f.Name, "option."+o))
			}
			for _, rule := range strings.Split(f.Rules, ",") {
				rule, _, _ = strings.Cut(rule, "=")
				switch rule {
				case "", "omitempty", "dive", "oneof":
					continue
				}
				if !strs.Has(d.textKey(f.Name, "error."+rule)) && !strs.Has("form.error."+rule) {
					missing = append(missing, fmt.Sprintf("%s (or form.error.%s)", d.textKey(f.Name, "error."+rule), rule))
				}
			}
		}
	}
	walk(d.Fields)
	return missing
}
