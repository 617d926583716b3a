package form

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"familjeratt.example/portal/content"
)

// A small form that uses every kind of field.
type testForm struct {
	Person  testPerson   `schema:"person"`
	Kids    []testKid    `schema:"kids" validate:"min=1,max=3,dive"`
	Choice  string       `schema:"choice" validate:"required,oneof=a b" form:"radios,section=more"`
	Tags    []string     `schema:"tags" validate:"dive,oneof=x y" form:"checkboxes"`
	Place   string       `schema:"place" validate:"required" form:"select,options=places"`
	Note    string       `schema:"note" validate:"max=10,nocontrolml" form:"textarea"`
	Agree   string       `schema:"agree" validate:"required,eq=yes" form:"checkbox"`
	Trap    string       `schema:"trap" form:"honeypot"`
	private string       //nolint:unused // not a field of the form
	Skip    string       `schema:"-"`
	Inner   testOptional `schema:"inner"`
}

type testPerson struct {
	Name  string `schema:"name" validate:"required,max=5,nocontrol" form:"text,autocomplete=name,width=short"`
	Email string `schema:"email" validate:"omitempty,email" form:"email,optional=no"`
}

type testKid struct {
	Name string `schema:"name" validate:"required" form:"text"`
}

type testOptional struct {
	Extra string `schema:"extra" form:"text"`
}

func (f *testForm) CheckForm(today time.Time) []Error {
	switch f.Note {
	case "boom":
		return []Error{{Field: "note", Rule: "boom"}}
	case "twice":
		return []Error{{Field: "person.name", Rule: "twice"}}
	}
	return nil
}

const testTexts = `form:
  optional: (optional)
  continue: Continue
  choose: Choose
  confirm_legend: Confirm
  not_given: Not given
  honeypot: Leave empty
  error_summary_title: There is a problem
  error_prefix: "Error:"
  error:
    invalid: Check {label}
    max: "{label} must be {param} characters or fewer"
    required: Answer {label}
    nocontrol: "{label} has a character that cannot be used"
    nocontrolml: "{label} has a character that cannot be used"
  t:
    slug: t
    title: T
    description: D
    intro: I
    submit: S
    check_title: C
    check_intro: CI
    send: Send
    sent_title: ST
    sent_intro: SI {office}
    notserved_title: NT {municipality}
    notserved_text: NX {municipality}
    section:
      more: More
    person:
      legend: Person
      staff_legend: The person
      name:
        label: Name
        error:
          required: Enter the name
      email:
        label: Email
    kids:
      legend: Kids
      item: Kid {n}
      add: Add a kid
      remove: Remove kid {n}
      error:
        min: Enter a kid
        max: At most {param} kids
      name:
        label: Kid's name
    choice:
      label: Choice
      option:
        a: Option A
        b: Option B
    tags:
      label: Tags
      option:
        x: Tag X
        "y": Tag Y
    place:
      label: Place
    note:
      label: Note
      error:
        boom: The note exploded
    agree:
      label: I agree
      error:
        eq: Tick the box
    inner:
      legend: Inner
      extra:
        label: Extra
`

func testSetup(t *testing.T) (*Definition, *content.Strings) {
	t.Helper()
	d, err := New("t", "/api/forms/t", testForm{})
	if err != nil {
		t.Fatal(err)
	}
	strs, err := content.LoadStrings(fstest.MapFS{
		"i18n/sv.yaml": {Data: []byte(testTexts)},
		"i18n/en.yaml": {Data: []byte(testTexts)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, strs
}

var places = Sources{"places": func(content.Lang) []Option {
	return []Option{{Value: "1", Label: "One"}, {Value: "2", Label: "Two"}}
}}

func TestDefinition(t *testing.T) {
	d, strs := testSetup(t)
	var got []string
	d.Walk(func(f *Field) { got = append(got, f.Name+":"+string(f.Kind)) })
	want := "person.name:text person.email:email kids.name:text choice:radios tags:checkboxes place:select note:textarea agree:checkbox trap:honeypot inner.extra:text"
	if strings.Join(got, " ") != want {
		t.Errorf("fields:\ngot  %s\nwant %s", strings.Join(got, " "), want)
	}
	email, _ := d.Field("person.email")
	if !email.Required {
		t.Errorf("optional=no: the e-mail field must not be labelled optional")
	}
	kid, _ := d.Field("kids.2.name")
	if kid == nil || kid.Name != "kids.name" {
		t.Errorf("Field with an index: got %v", kid)
	}
	// The e-mail rule has no message of its own and no general one: the
	// parent would see the fallback, so Check names it.
	if missing := d.Check(strs); strings.Join(missing, ";") != "form.t.person.email.error.email (or form.error.email)" {
		t.Errorf("Check: missing %v", missing)
	}
	bare, _ := content.LoadStrings(fstest.MapFS{"i18n/sv.yaml": {Data: []byte("a: b\n")}, "i18n/en.yaml": {Data: []byte("a: b\n")}})
	if missing := d.Check(bare); !contains(missing, "form.t.person.name.label") || !contains(missing, "form.t.choice.option.a") {
		t.Errorf("Check with no texts: got %v", missing)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestNewRefusesBadDefinitions(t *testing.T) {
	type noOptions struct {
		R string `schema:"r" form:"radios"`
	}
	type badKind struct {
		R string `schema:"r" form:"slider"`
	}
	type noMax struct {
		K []testKid `schema:"k"`
	}
	for name, proto := range map[string]any{"radios without oneof": noOptions{}, "unknown kind": badKind{}, "repeat without max": noMax{}} {
		if _, err := New("x", "/x", proto); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}

func TestValues(t *testing.T) {
	d, _ := testSetup(t)
	posted := url.Values{
		"person.name":        {"Ann", "second value is dropped"},
		"kids.0.name":        {"A"},
		"kids.2.name":        {"C"},
		"kids.3.name":        {"too many"},
		"kids.99999999.name": {"huge index"},
		"kids.01.name":       {"leading zero"},
		"kids.name":          {"no index"},
		"person.0.name":      {"index on a group"},
		"tags":               {"x", "y"},
		"unknown":            {"dropped"},
		"_action":            {"check"},
		"trap":               {""},
	}
	got, errs := d.Values(posted)
	want := url.Values{"person.name": {"Ann"}, "kids.0.name": {"A"}, "kids.2.name": {"C"}, "tags": {"x", "y"}, "trap": {""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Values:\ngot  %v\nwant %v", got, want)
	}
	if len(errs) != 1 || errs[0] != (Error{Field: "kids", Rule: "max", Param: "3"}) {
		t.Errorf("errors: got %v", errs)
	}

	// A box is ticked once however often it is posted, and no more values
	// are kept than the field has options (x and y).
	repeated := url.Values{"tags": {"x", "x", "y", "x", "z", "w"}}
	for range 4000 {
		repeated["tags"] = append(repeated["tags"], "x")
	}
	if got, _ := d.Values(repeated); !reflect.DeepEqual(got["tags"], []string{"x", "y"}) {
		t.Errorf("repeated checkbox values: got %d values %.40v, want [x y]", len(got["tags"]), got["tags"])
	}
}

func TestDecodeAndValidate(t *testing.T) {
	d, strs := testSetup(t)
	v := NewValidator()
	tests := []struct {
		name   string
		values url.Values
		want   []string // field:rule
	}{
		{"everything missing", url.Values{}, []string{"person.name:required", "kids.0.name:required", "choice:required", "place:required", "agree:required"}},
		{"all good", url.Values{"person.name": {" Ann "}, "kids.0.name": {"A"}, "choice": {"a"}, "place": {"1"}, "agree": {"yes"}}, nil},
		{"too long, control character, wrong option", url.Values{"person.name": {"Annabella"}, "kids.0.name": {"A\x07"}, "choice": {"c"}, "place": {"1"}, "agree": {"yes"}, "note": {"line\nbreak"}},
			[]string{"person.name:max", "choice:oneof"}},
		{"control character in one-line text", url.Values{"person.name": {"A\tB"}, "kids.0.name": {"A"}, "choice": {"a"}, "place": {"1"}, "agree": {"yes"}}, []string{"person.name:nocontrol"}},
		{"invalid UTF-8", url.Values{"person.name": {"A\xffB"}, "kids.0.name": {"A"}, "choice": {"a"}, "place": {"1"}, "agree": {"yes"}}, []string{"person.name:nocontrol"}},
		{"form-level rule", url.Values{"person.name": {"Ann"}, "kids.0.name": {"A"}, "choice": {"a"}, "place": {"1"}, "agree": {"yes"}, "note": {"boom"}}, []string{"note:boom"}},
		{"second kid", url.Values{"person.name": {"Ann"}, "kids.0.name": {"A"}, "kids.1.name": {""}, "choice": {"a"}, "place": {"1"}, "agree": {"yes"}}, []string{"kids.1.name:required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, errs := d.Values(tt.values)
			form, derrs := d.Decode(vals)
			errs = append(errs, derrs...)
			errs = append(errs, d.Validate(v, form, time.Now())...)
			errs = d.Sort(errs)
			var got []string
			for _, e := range errs {
				got = append(got, e.Field+":"+e.Rule)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
			if tt.want == nil {
				if got := form.(*testForm).Person.Name; got != "Ann" {
					t.Errorf("trimmed name: got %q", got)
				}
			}
		})
	}
	if msg := d.Message(strs, content.Lang("en"), Error{Field: "kids.1.name", Rule: "required"}); msg != "Kid 2: Answer Kid's name" {
		t.Errorf("general message for a repeated field: got %q", msg)
	}
	if msg := d.Message(strs, content.Lang("en"), Error{Field: "person.name", Rule: "max", Param: "5"}); msg != "Name must be 5 characters or fewer" {
		t.Errorf("message with a parameter: got %q", msg)
	}
	if msg := d.Message(strs, content.Lang("en"), Error{Field: "person.name", Rule: "required"}); msg != "Enter the name" {
		t.Errorf("a field's own message: got %q", msg)
	}
	if msg := d.Message(strs, content.Lang("en"), Error{Field: "person.email", Rule: "email"}); msg != "Check Email" {
		t.Errorf("fallback message: got %q", msg)
	}
}

// TestValidateOneProblemPerField: a field that breaks a rule and a
// form-level rule gets one message, as GOV.UK advises, from Validate
// itself.
func TestValidateOneProblemPerField(t *testing.T) {
	d, _ := testSetup(t)
	vals, _ := d.Values(url.Values{"person.name": {"Annabella"}, "kids.0.name": {"A"}, "choice": {"a"}, "place": {"1"}, "agree": {"yes"}, "note": {"twice"}})
	form, _ := d.Decode(vals)
	errs := d.Validate(NewValidator(), form, time.Now())
	if len(errs) != 1 || errs[0] != (Error{Field: "person.name", Rule: "max", Param: "5"}) {
		t.Errorf("got %v, want only person.name:max", errs)
	}
}

// TestDecodeLeavesItsArgument: Decode must not change the caller's
// values, which the journey carries on to the next page.
func TestDecodeLeavesItsArgument(t *testing.T) {
	d, _ := testSetup(t)
	vals := url.Values{"person.name": {"A\xffB"}, "kids.0.name": {"A"}}
	before := url.Values{"person.name": {"A\xffB"}, "kids.0.name": {"A"}}
	_, errs := d.Decode(vals)
	if len(errs) != 1 || errs[0].Rule != "nocontrol" {
		t.Errorf("errors %v, want one nocontrol", errs)
	}
	if !reflect.DeepEqual(vals, before) {
		t.Errorf("Decode changed its argument: %v, was %v", vals, before)
	}
}

// TestTextRules: nocontrol and nocontrolml are the same rules as the
// content's, under the same names.
func TestTextRules(t *testing.T) {
	v := NewValidator()
	for _, tt := range []struct {
		tag, s string
		ok     bool
	}{
		{"nocontrol", "one line", true},
		{"nocontrol", "two\nlines", false},
		{"nocontrol", "tab\there", false},
		{"nocontrolml", "two\nlines", true},
		{"nocontrolml", "bell\a", false},
	} {
		if got := v.Var(tt.s, tt.tag) == nil; got != tt.ok {
			t.Errorf("%s(%q) = %v, want %v", tt.tag, tt.s, got, tt.ok)
		}
	}
}

func TestView(t *testing.T) {
	d, strs := testSetup(t)
	values := url.Values{"person.name": {"<b>Ann</b>"}, "kids.0.name": {"A"}, "kids.1.name": {"B"}, "tags": {"y"}, "place": {"2"}}
	errs := []Error{{Field: "kids.1.name", Rule: "required"}, {Field: "choice", Rule: "required"}}
	v := d.View(strs, content.Lang("en"), values, errs, ViewOptions{Sources: places, Autofocus: "place"})
	if len(v.Errors) != 2 || v.Errors[0].Href != "#f-kids-1-name" || v.Errors[1].Href != "#f-choice" {
		t.Fatalf("error summary: got %+v", v.Errors)
	}
	var fields []*FieldView
	var groups []*GroupView
	var walk func([]Item)
	walk = func(items []Item) {
		for _, it := range items {
			if it.Field != nil {
				fields = append(fields, it.Field)
			}
			if it.Group != nil {
				groups = append(groups, it.Group)
				walk(it.Group.Items)
				for _, e := range it.Group.Entries {
					groups = append(groups, e)
					walk(e.Items)
				}
			}
		}
	}
	walk(v.Items)
	byName := map[string]*FieldView{}
	for _, f := range fields {
		byName[f.Name] = f
	}
	if f := byName["person.name"]; f.Value != "<b>Ann</b>" || f.Autocomplete != "name" || f.Width != "short" || f.Optional {
		t.Errorf("person.name: %+v", f)
	}
	if f := byName["kids.1.name"]; f == nil || f.Error != "Kid 2: Answer Kid's name" || f.DescribedBy != "f-kids-1-name-error" {
		t.Errorf("kids.1.name: %+v", f)
	}
	if f := byName["tags"]; f.Options[0].Checked || !f.Options[1].Checked || f.Options[0].ID != "f-tags" || f.Options[1].ID != "f-tags-y" || !f.Optional {
		t.Errorf("tags: %+v", f)
	}
	if f := byName["place"]; !f.Autofocus || !f.Options[1].Checked {
		t.Errorf("place: %+v", f)
	}
	if f := byName["trap"]; f.Kind != Honeypot || f.Label != "Leave empty" {
		t.Errorf("trap: %+v", f)
	}
	var kids *GroupView
	for _, g := range groups {
		if g.Name == "kids" {
			kids = g
		}
	}
	if kids == nil || len(kids.Entries) != 2 || kids.AddLabel != "Add a kid" || kids.Entries[1].RemoveValue != "remove:kids.1" {
		t.Errorf("kids: %+v", kids)
	}
	v = d.View(strs, content.Lang("en"), values, nil, ViewOptions{Items: map[string]int{"kids": 3}})
	for _, it := range v.Items {
		if g := it.Group; g != nil && g.Name == "kids" && (len(g.Entries) != 3 || g.AddLabel != "") {
			t.Errorf("at the maximum: %d entries, add label %q", len(g.Entries), g.AddLabel)
		}
	}
}

func TestSummaryAndHidden(t *testing.T) {
	d, strs := testSetup(t)
	values := url.Values{"person.name": {"Ann"}, "kids.1.name": {"B"}, "kids.0.name": {"A"}, "tags": {"x", "y"}, "place": {"2"}, "choice": {"b"}, "agree": {"yes"}, "note": {"a\nb"}}
	s := d.Summary(strs, content.Lang("en"), values, places, false)
	var got []string
	for _, sec := range s.Sections {
		got = append(got, "["+sec.Heading+"]")
		for _, r := range sec.Rows {
			got = append(got, r.Key+"="+strings.ReplaceAll(r.Value, "\n", "|"))
		}
	}
	want := "[Person] Name=Ann Email=Not given [Kid 1] Kid's name=A [Kid 2] Kid's name=B [More] Choice=Option B Tags=Tag X|Tag Y Place=Two Note=a|b [Inner] Extra=Not given"
	if strings.Join(got, " ") != want {
		t.Errorf("summary:\ngot  %s\nwant %s", strings.Join(got, " "), want)
	}
	if s := d.Summary(strs, content.Lang("en"), values, places, true); s.Sections[0].Heading != "The person" {
		t.Errorf("staff heading: got %q", s.Sections[0].Heading)
	}
	var hidden []string
	for _, h := range d.HiddenValues(values) {
		hidden = append(hidden, h.Name+"="+h.Value)
	}
	wantHidden := "person.name=Ann kids.0.name=A kids.1.name=B choice=b tags=x tags=y place=2 note=a\nb agree=yes"
	if strings.Join(hidden, " ") != wantHidden {
		t.Errorf("hidden:\ngot  %q\nwant %q", strings.Join(hidden, " "), wantHidden)
	}
}

func TestAnswers(t *testing.T) {
	d, _ := testSetup(t)
	f := &testForm{Person: testPerson{Name: "Ann"}, Kids: []testKid{{Name: "A"}}, Tags: []string{"x"}, Trap: "bot"}
	got := d.Answers(f)
	want := map[string]any{
		"person": map[string]any{"name": "Ann", "email": ""},
		"kids":   []any{map[string]any{"name": "A"}},
		"choice": "", "tags": []string{"x"}, "place": "", "note": "", "agree": "",
		"inner": map[string]any{"extra": ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Answers:\ngot  %#v\nwant %#v", got, want)
	}
}

// A select whose empty value is an answer of its own, with options
// labelled by interface texts.
type ownEmptyForm struct {
	Lang  string `schema:"lang" validate:"omitempty,oneof=a b" form:"select,options=langs,empty=own"`
	Place string `schema:"place" form:"select,options=langs"`
}

const ownEmptyTexts = `form:
  optional: (optional)
  choose: Choose
  not_given: Not given
  e:
    lang:
      label: Interpreter?
      empty: No interpreter
    place:
      label: Place
names:
  a: Name A
  b: Name B
`

var textSources = Sources{"langs": func(content.Lang) []Option {
	return []Option{{Value: "a", Text: "names.a"}, {Value: "b", Text: "names.b"}, {Value: "c", Label: "Label C", Text: "names.none"}}
}}

func TestOwnEmptySelect(t *testing.T) {
	d, err := New("e", "/api/forms/e", ownEmptyForm{})
	if err != nil {
		t.Fatal(err)
	}
	strs, err := content.LoadStrings(fstest.MapFS{"i18n/sv.yaml": {Data: []byte(ownEmptyTexts)}, "i18n/en.yaml": {Data: []byte(ownEmptyTexts)}})
	if err != nil {
		t.Fatal(err)
	}
	lang, _ := d.Field("lang")
	if !lang.OwnEmpty() || !lang.Required {
		t.Errorf("lang: empty=own, and not labelled optional: %+v", lang)
	}
	if missing := d.Check(strs); contains(missing, "form.e.lang.empty") || contains(missing, "form.choose") {
		t.Errorf("Check: %v", missing)
	}
	bare, _ := content.LoadStrings(fstest.MapFS{"i18n/sv.yaml": {Data: []byte("a: b\n")}, "i18n/en.yaml": {Data: []byte("a: b\n")}})
	if missing := d.Check(bare); !contains(missing, "form.e.lang.empty") || contains(missing, "form.e.place.empty") || !contains(missing, "form.choose") {
		t.Errorf("Check with no texts: the own empty text and form.choose are needed: %v", missing)
	}

	v := d.View(strs, content.Lang("en"), url.Values{"lang": {"b"}}, nil, ViewOptions{Sources: textSources})
	byName := map[string]*FieldView{}
	for _, it := range v.Items {
		byName[it.Field.Name] = it.Field
	}
	var got []string
	for _, o := range byName["lang"].Options {
		got = append(got, o.Value+"="+o.Label)
		if o.Checked != (o.Value == "b") {
			t.Errorf("option %s checked %v", o.Value, o.Checked)
		}
	}
	if want := "a=Name A b=Name B c=Label C"; strings.Join(got, " ") != want {
		t.Errorf("options: got %q, want %q (a Label wins over a Text)", strings.Join(got, " "), want)
	}
	if f := byName["lang"]; f.Empty != "No interpreter" || f.Optional {
		t.Errorf("lang: empty option %q, optional %v", f.Empty, f.Optional)
	}
	if f := byName["place"]; f.Empty != "Choose" || !f.Optional {
		t.Errorf("place: empty option %q, optional %v", f.Empty, f.Optional)
	}

	for _, tt := range []struct {
		values url.Values
		staff  bool
		want   string
	}{
		{url.Values{"lang": {"a"}, "place": {"b"}}, false, "Interpreter?=Name A Place=Name B"},
		{url.Values{}, false, "Interpreter?=No interpreter Place=Not given"},
		{url.Values{"lang": {""}, "place": {"c"}}, false, "Interpreter?=No interpreter Place=Label C"},
		{url.Values{"lang": {"zz"}}, false, "Interpreter?=zz Place=Not given"}, // off the list: as it came, never a blank
		{url.Values{}, true, ""}, // staff: no row for the empty answer
		{url.Values{"lang": {"b"}}, true, "Interpreter?=Name B"},
	} {
		var rows []string
		for _, sec := range d.Summary(strs, content.Lang("en"), tt.values, textSources, tt.staff).Sections {
			for _, r := range sec.Rows {
				rows = append(rows, r.Key+"="+r.Value)
			}
		}
		if strings.Join(rows, " ") != tt.want {
			t.Errorf("summary of %v (staff %v): got %q, want %q", tt.values, tt.staff, strings.Join(rows, " "), tt.want)
		}
	}

	type ownEmptyText struct {
		T string `schema:"t" form:"text,empty=own"`
	}
	type otherEmpty struct {
		S string `schema:"s" form:"select,options=x,empty=yes"`
	}
	for name, proto := range map[string]any{"empty=own on a text": ownEmptyText{}, "empty=yes": otherEmpty{}} {
		if _, err := New("x", "/x", proto); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}
