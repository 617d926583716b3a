// Package form is the engine behind the portal's application forms. A form
// is defined once, as a Go struct whose tags say everything:
//
//		type Person struct {
//			GivenName string `schema:"given_name" validate:"required,max=100,nocontrol" form:"text,autocomplete=given-name"`
//		}
//
//	  - schema: the field's name in the posted form, decoded with gorilla/schema.
//	    Names are a public contract: staff tooling imports them.
//	  - validate: the rules, checked with validator/v10. A field without a
//	    required… rule is optional, and its label says so.
//	  - form: how the field is shown: text, email, tel, textarea, radios,
//	    checkboxes, checkbox, select, or honeypot, then options such as
//	    autocomplete=…, width=short|medium, inputmode=…, options=<source>,
//	    section=<name> (a heading before the field, from
//	    form.<id>.section.<name>), optional=no (a field required
//	    together with another, which is not labelled optional), and,
//	    for a select, empty=own: its empty value is an answer in itself
//	    ("no interpreter needed"), so its first option, and that answer
//	    on the check-answers page, read form.<id>.<field>.empty, not
//	    "Choose". A select's options come from a [Sources] entry, each
//	    labelled with its Label, or with the interface text its Text
//	    names. A field whose answer is a number (a tel field, or a text
//	    field with inputmode=numeric, decimal or tel, a numeric rule or a
//	    Go number type) reads Eastern Arabic and Persian digits (٠–٩,
//	    ۰–۹) as 0–9 before its rules check it; digits=ascii does the same
//	    for a text field that mixes letters and digits, such as a court
//	    case number ("T ١٢٣٤-٢٥" is "T 1234-25"). Other text, names above
//	    all, is kept as typed.
//
// A nested struct is a group of fields (a fieldset); a slice of structs is
// a group that repeats, like the children of an application.
//
// From that one definition the engine renders the static form page that
// the site publishes, decodes and validates what a parent posts, renders
// the form again with every value in place and a message at each field,
// and renders the check-answers list. Every text comes from the interface
// texts (content/i18n), under form.<form id>.<field>: .label, .hint,
// .option.<value>, and .error.<rule> for a message specific to a field
// (or form.error.<rule> for a general one). [Definition.Check] reports any
// text that is missing.
package form

import (
	"fmt"
	"reflect"
	"strings"

	"familjeratt.example/portal/content"
)

// Kind is how a field is shown.
type Kind string

// The kinds of field.
const (
	Text       Kind = "text"
	Email      Kind = "email"
	Tel        Kind = "tel"
	Textarea   Kind = "textarea"
	Radios     Kind = "radios"
	Checkboxes Kind = "checkboxes"
	Checkbox   Kind = "checkbox" // a single box, e.g. "I have read…"
	Select     Kind = "select"
	Honeypot   Kind = "honeypot" // never shown to people; bots fill it in
	Group      Kind = "group"    // a nested struct
	Repeat     Kind = "repeat"   // a slice of structs
)

// Field is one field or group of a form.
type Field struct {
	Name     string // dotted, without indexes: "applicant.given_name", "children.given_name"
	Key      string // the last part of the name: "given_name"
	Kind     Kind
	Rules    string   // the validate tag
	Required bool     // a required… rule applies, at least sometimes, or no answer is an answer (empty=own): not labelled optional
	Options  []string // the values of radios and checkboxes
	Source   string   // for a select: the name of its option source
	Attrs    map[string]string
	Fields   []*Field // of a group or repeat
	Max      int      // of a repeat: the most items
	Digits   bool     // a number field, or digits=ascii: Eastern Arabic and Persian digits are read as 0–9
	goField  string   // the Go field name
	inRepeat bool     // the field belongs to each item of a repeat
}

// Definition is a form.
type Definition struct {
	ID     string // names the form in texts and addresses: "samarbetssamtal"
	Action string // where the form posts
	Fields []*Field
	typ    reflect.Type
}

// New reads a form's definition from prototype, a struct value.
func New(id, action string, prototype any) (*Definition, error) {
	t := reflect.TypeOf(prototype)
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("form %s: want a struct, got %s", id, t)
	}
	fields, err := fieldsOf(t, "", false)
	if err != nil {
		return nil, fmt.Errorf("form %s: %w", id, err)
	}
	return &Definition{ID: id, Action: action, Fields: fields, typ: t}, nil
}

// Path is the address of the form's page in edition lang:
// /<edition>/<slug>/, the slug being the interface text form.<id>.slug,
// so that each edition names its form's address in its own words.
func (d *Definition) Path(strs *content.Strings, lang content.Lang) string {
	return "/" + string(lang) + "/" + strs.MustGet(lang, "form."+d.ID+".slug") + "/"
}

func fieldsOf(t reflect.Type, prefix string, inRepeat bool) ([]*Field, error) {
	var fields []*Field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name := sf.Tag.Get("schema")
		if name == "" || name == "-" {
			continue
		}
		f := &Field{Name: prefix + name, Key: name, Rules: sf.Tag.Get("validate"), Attrs: map[string]string{}, goField: sf.Name, inRepeat: inRepeat}
		f.Required = strings.Contains(f.Rules, "required") && !strings.HasPrefix(f.Rules, "omitempty")
		spec := strings.Split(sf.Tag.Get("form"), ",")
		switch {
		case sf.Type.Kind() == reflect.Struct:
			f.Kind = Group
			sub, err := fieldsOf(sf.Type, f.Name+".", inRepeat)
			if err != nil {
				return nil, err
			}
			f.Fields = sub
		case sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct:
			f.Kind = Repeat
			sub, err := fieldsOf(sf.Type.Elem(), f.Name+".", true)
			if err != nil {
				return nil, err
			}
			f.Fields = sub
			f.Max = ruleInt(f.Rules, "max")
			if f.Max == 0 {
				return nil, fmt.Errorf("%s: a repeating group needs a max= rule", f.Name)
			}
		default:
			f.Kind = Kind(spec[0])
			switch f.Kind {
			case Text, Email, Tel, Textarea, Radios, Checkboxes, Checkbox, Select, Honeypot:
			default:
				return nil, fmt.Errorf("%s: unknown kind %q in the form tag", f.Name, spec[0])
			}
		}
		for _, opt := range spec[1:] {
			k, v, _ := strings.Cut(opt, "=")
			if k == "options" {
				f.Source = v
				continue
			}
			f.Attrs[k] = v
		}
		if f.Attrs["optional"] == "no" {
			// Required together with another field ("phone or e-mail"):
			// not labelled optional; the hint says what is needed.
			f.Required = true
		}
		if f.Kind == Radios || f.Kind == Checkboxes {
			f.Options = ruleOptions(f.Rules)
			if len(f.Options) == 0 {
				return nil, fmt.Errorf("%s: radios and checkboxes need a oneof= rule listing their values", f.Name)
			}
		}
		if f.Kind == Select && f.Source == "" {
			return nil, fmt.Errorf("%s: a select needs options=<source>", f.Name)
		}
		if e, ok := f.Attrs["empty"]; ok && (e != "own" || f.Kind != Select) {
			return nil, fmt.Errorf("%s: empty=own is the one empty= option, and only for a select", f.Name)
		}
		if f.OwnEmpty() {
			// Its empty value is an answer ("no interpreter needed"), so
			// the question is never unanswered: not labelled optional.
			f.Required = true
		}
		digits, err := digitsOf(sf, f)
		if err != nil {
			return nil, err
		}
		f.Digits = digits
		fields = append(fields, f)
	}
	return fields, nil
}

// ruleOptions returns the values of a oneof= rule.
func ruleOptions(rules string) []string {
	for _, r := range strings.Split(rules, ",") {
		if v, ok := strings.CutPrefix(r, "oneof="); ok {
			return strings.Fields(v)
		}
	}
	return nil
}

func ruleInt(rules, name string) int {
	for _, r := range strings.Split(rules, ",") {
		if v, ok := strings.CutPrefix(r, name+"="); ok {
			var n int
			fmt.Sscan(v, &n)
			return n
		}
	}
	return 0
}

// Walk calls fn for every field that holds a value, in order, with
// repeats entered once (their names without an index).
func (d *Definition) Walk(fn func(*Field)) {
	var walk func([]*Field)
	walk = func(fs []*Field) {
		for _, f := range fs {
			if f.Kind == Group || f.Kind == Repeat {
				walk(f.Fields)
				continue
			}
			fn(f)
		}
	}
	walk(d.Fields)
}

// Field returns the field with a dotted name, with or without indexes
// ("children.1.given_name" and "children.given_name" are the same field).
func (d *Definition) Field(name string) (*Field, bool) {
	name = stripIndexes(name)
	var found *Field
	var walk func([]*Field)
	walk = func(fs []*Field) {
		for _, f := range fs {
			if f.Name == name {
				found = f
				return
			}
			walk(f.Fields)
		}
	}
	walk(d.Fields)
	return found, found != nil
}

// Unindexed is a field's name without its items' indexes:
// "children.1.given_name" is "children.given_name".
func Unindexed(name string) string { return stripIndexes(name) }

// stripIndexes turns "children.1.given_name" into "children.given_name".
func stripIndexes(name string) string {
	parts := strings.Split(name, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}

// OwnEmpty reports whether the field's empty value is an answer with a
// text of its own (empty=own): a select's "no interpreter needed".
func (f *Field) OwnEmpty() bool { return f.Attrs["empty"] == "own" }

// ID is the HTML id of a field's input (its first input, for radios and
// checkboxes): error-summary links go there.
func ID(name string) string {
	return "f-" + strings.ReplaceAll(name, ".", "-")
}

// textKey returns the interface-text key for part of a field.
func (d *Definition) textKey(field, part string) string {
	return "form." + d.ID + "." + stripIndexes(field) + "." + part
}
