package intake_test

import (
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
	"familjeratt.example/portal/functions/intake"
	jt "familjeratt.example/portal/functions/journey/journeytest"
)

// interpreterCase is an application whose interpreter answers are set
// by kv, checked as the function checks it.
type interpreterCase struct {
	data   *content.Data
	def    *form.Definition
	values url.Values
	app    *intake.Application
	errs   []form.Error
}

func checkInterpreter(t *testing.T, kv ...string) *interpreterCase {
	t.Helper()
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	f := intake.Forms()[0]
	v := intake.NewValidator(data.Directory, func() time.Time { return jt.Now })
	values, errs := f.Def.Values(jt.With(jt.ValidApplication("sv"), kv...))
	decoded, derrs := f.Def.Decode(values)
	errs = append(errs, derrs...)
	errs = append(errs, f.Def.Validate(v, decoded, jt.Now)...)
	return &interpreterCase{data: data, def: f.Def, values: values, app: decoded.(*intake.Application), errs: f.Def.Sort(errs)}
}

// messages are the problems as the parent reads them, in lang.
func (c *interpreterCase) messages(lang content.Lang) []string {
	var out []string
	for _, e := range c.errs {
		out = append(out, e.Field+": "+c.def.Message(c.data.Strings, lang, e))
	}
	return out
}

// flags are the interpreter flags staff read first, in Swedish.
func (c *interpreterCase) flags(t *testing.T) []string {
	t.Helper()
	m, _ := c.data.Directory.Municipality("1280")
	office, ok := c.data.Directory.OfficeFor("1280")
	if !ok {
		t.Fatal("no office for Malmö in content/")
	}
	s := &intake.Submission{Form: intake.Forms()[0], Office: office, Municipality: m, Answers: c.app}
	var out []string
	for _, f := range s.Flags(c.data.Strings, content.SV) {
		if strings.HasPrefix(f.Code, "interpreter_") {
			out = append(out, f.Code+": "+f.Text)
		}
	}
	return out
}

// staffRows are the interpreter rows of the message's readable part, as
// the mailer builds it (staff, in Swedish, with the function's sources).
func (c *interpreterCase) staffRows() []string {
	s := c.def.Summary(c.data.Strings, content.SV, c.def.Encode(c.app), intake.MunicipalitySources(c.data.Directory), true)
	var out []string
	for _, sec := range s.Sections {
		for _, r := range sec.Rows {
			if strings.Contains(r.Field, "interpreter") {
				out = append(out, r.Field+" = "+r.Value)
			}
		}
	}
	return out
}

// TestInterpreterLanguageList: every language of the closed list is
// accepted, for either parent, and reaches staff by its Swedish name,
// never its code.
func TestInterpreterLanguageList(t *testing.T) {
	if len(content.InterpreterLanguages) == 0 || content.InterpreterLanguages[len(content.InterpreterLanguages)-1] != "other" {
		t.Fatalf("the list %v should end with other", content.InterpreterLanguages)
	}
	for _, code := range content.InterpreterLanguages {
		if code == "other" {
			continue // needs its text: TestInterpreterLanguageRules
		}
		t.Run(code, func(t *testing.T) {
			c := checkInterpreter(t, "applicant.interpreter_language", code, "other_parent.interpreter_language", code)
			if len(c.errs) != 0 {
				t.Fatalf("refused: %v", c.messages(content.SV))
			}
			name := c.data.Strings.MustGet(content.SV, "languages."+code)
			want := []string{"interpreter_applicant: Sökanden behöver tolk: " + name, "interpreter_other_parent: Den andra föräldern behöver tolk: " + name}
			if got := c.flags(t); !slices.Equal(got, want) {
				t.Errorf("flags:\ngot  %q\nwant %q", got, want)
			}
			wantRows := []string{"applicant.interpreter_language = " + name, "other_parent.interpreter_language = " + name}
			if got := c.staffRows(); !slices.Equal(got, wantRows) {
				t.Errorf("staff rows:\ngot  %q\nwant %q", got, wantRows)
			}
			if a := c.def.Answers(c.app)["applicant"].(map[string]any); a["interpreter_language"] != code || a["interpreter_language_other"] != "" {
				t.Errorf("JSON answers: got %v", a)
			}
		})
	}
}

// TestInterpreterLanguageRules: what is refused, with which message, and
// what staff read when it is accepted.
func TestInterpreterLanguageRules(t *testing.T) {
	tests := []struct {
		name   string
		kv     []string
		wantSV []string // the problems, in Swedish
		wantEN []string // and in English
		flags  []string // when accepted
		rows   []string // the staff message's interpreter rows, when accepted
	}{
		{name: "no interpreter: no flag, no row",
			kv: []string{"applicant.interpreter_language", "", "other_parent.interpreter_language", ""}},
		{name: "no interpreter, the fields not posted at all",
			kv: []string{"applicant.interpreter_language", "<delete>"}},
		{name: "other without its text",
			kv:     []string{"applicant.interpreter_language", "other"},
			wantSV: []string{"applicant.interpreter_language_other: Skriv vilket språk du behöver tolk på"},
			wantEN: []string{"applicant.interpreter_language_other: Enter the language you need an interpreter in"}},
		{name: "other without its text, only spaces",
			kv:     []string{"other_parent.interpreter_language", "other", "other_parent.interpreter_language_other", "   "},
			wantSV: []string{"other_parent.interpreter_language_other: Skriv vilket språk den andra föräldern behöver tolk på"},
			wantEN: []string{"other_parent.interpreter_language_other: Enter the language the other parent needs an interpreter in"}},
		{name: "other with its text, as typed",
			kv: []string{"applicant.interpreter_language", "other", "applicant.interpreter_language_other", "Amhariska (från Etiopien)",
				"other_parent.interpreter_language", "other", "other_parent.interpreter_language_other", " oromo "},
			flags: []string{"interpreter_applicant: Sökanden behöver tolk: Annat språk: Amhariska (från Etiopien)",
				"interpreter_other_parent: Den andra föräldern behöver tolk: Annat språk: oromo"},
			rows: []string{"applicant.interpreter_language = Annat språk", "applicant.interpreter_language_other = Amhariska (från Etiopien)",
				"other_parent.interpreter_language = Annat språk", "other_parent.interpreter_language_other = oromo"}},
		{name: "a language from the list, and a text beside it: kept, the list's language flagged",
			kv:    []string{"applicant.interpreter_language", "ar", "applicant.interpreter_language_other", "syrisk dialekt"},
			flags: []string{"interpreter_applicant: Sökanden behöver tolk: Arabiska"},
			rows:  []string{"applicant.interpreter_language = Arabiska", "applicant.interpreter_language_other = syrisk dialekt"}},
		{name: "a text without a language chosen",
			kv:     []string{"applicant.interpreter_language", "", "applicant.interpreter_language_other", "amhariska"},
			wantSV: []string{"applicant.interpreter_language: Du har skrivit ett språk i rutan under. Välj språket i listan. Finns det inte där, välj ”Annat språk”."},
			wantEN: []string{"applicant.interpreter_language: You have written a language in the box below. Choose the language in the list. If it is not there, choose “Another language”."}},
		{name: "a language off the list",
			kv:     []string{"applicant.interpreter_language", "arabiska", "other_parent.interpreter_language", "de"},
			wantSV: []string{"applicant.interpreter_language: Välj ett språk i listan, eller ”Nej, ingen tolk behövs”", "other_parent.interpreter_language: Välj ett språk i listan, eller ”Nej, ingen tolk behövs”"},
			wantEN: []string{"applicant.interpreter_language: Choose a language from the list, or “No, no interpreter needed”", "other_parent.interpreter_language: Choose a language from the list, or “No, no interpreter needed”"}},
		{name: "a code in capitals is off the list",
			kv:     []string{"applicant.interpreter_language", "AR"},
			wantSV: []string{"applicant.interpreter_language: Välj ett språk i listan, eller ”Nej, ingen tolk behövs”"},
			wantEN: []string{"applicant.interpreter_language: Choose a language from the list, or “No, no interpreter needed”"}},
		{name: "the other text too long",
			kv:     []string{"applicant.interpreter_language", "other", "applicant.interpreter_language_other", strings.Repeat("a", 101)},
			wantSV: []string{"applicant.interpreter_language_other: Språket får vara högst 100 tecken"},
			wantEN: []string{"applicant.interpreter_language_other: The language must be 100 characters or fewer"}},
		{name: "the other text with a line break",
			kv:     []string{"applicant.interpreter_language", "other", "applicant.interpreter_language_other", "amhariska\noromo"},
			wantSV: []string{"applicant.interpreter_language_other: Språket innehåller ett tecken som inte går att använda. Skriv det igen"},
			wantEN: []string{"applicant.interpreter_language_other: The language contains a character that cannot be used. Type it again"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := checkInterpreter(t, tt.kv...)
			if got := c.messages(content.SV); !slices.Equal(got, tt.wantSV) {
				t.Errorf("problems in Swedish:\ngot  %q\nwant %q", got, tt.wantSV)
			}
			if got := c.messages(content.Lang("en")); !slices.Equal(got, tt.wantEN) {
				t.Errorf("problems in English:\ngot  %q\nwant %q", got, tt.wantEN)
			}
			if len(c.errs) > 0 {
				return
			}
			if got := c.flags(t); !slices.Equal(got, tt.flags) {
				t.Errorf("flags:\ngot  %q\nwant %q", got, tt.flags)
			}
			if got := c.staffRows(); !slices.Equal(got, tt.rows) {
				t.Errorf("staff rows:\ngot  %q\nwant %q", got, tt.rows)
			}
		})
	}
}

// TestInterpreterLanguageCheckAnswers: the parent's check-answers list
// names the language, or says no interpreter is needed.
func TestInterpreterLanguageCheckAnswers(t *testing.T) {
	tests := []struct {
		lang content.Lang
		kv   []string
		want []string
	}{
		{content.SV, []string{"applicant.interpreter_language", "swl"}, []string{"Svenskt teckenspråk", "Inget svar", "Nej, ingen tolk behövs", "Inget svar"}},
		{content.Lang("en"), []string{"applicant.interpreter_language", "swl"}, []string{"Swedish Sign Language", "Not given", "No, no interpreter needed", "Not given"}},
		{content.SV, []string{"other_parent.interpreter_language", "other", "other_parent.interpreter_language_other", "amhariska"},
			[]string{"Nej, ingen tolk behövs", "Inget svar", "Annat språk", "amhariska"}},
		{content.Lang("en"), []string{"other_parent.interpreter_language", "bks"}, []string{"No, no interpreter needed", "Not given", "Bosnian, Croatian or Serbian", "Not given"}},
	}
	for _, tt := range tests {
		c := checkInterpreter(t, tt.kv...)
		if len(c.errs) > 0 {
			t.Fatalf("%v: refused: %v", tt.kv, c.messages(tt.lang))
		}
		s := c.def.Summary(c.data.Strings, tt.lang, c.values, intake.MunicipalitySources(c.data.Directory), false)
		var got []string
		for _, sec := range s.Sections {
			for _, r := range sec.Rows {
				if strings.Contains(r.Field, "interpreter") {
					got = append(got, r.Value)
				}
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s %v:\ngot  %q\nwant %q", tt.lang, tt.kv, got, tt.want)
		}
	}
}

// TestInterpreterLanguageOptions: the select offers the closed list, in
// its order, by name in the page's language, after "no interpreter
// needed"; the texts it needs are checked before anything is rendered.
func TestInterpreterLanguageOptions(t *testing.T) {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	f := intake.Forms()[0]
	for _, lang := range data.Strings.Langs() {
		v := f.Def.View(data.Strings, lang, url.Values{"other_parent.interpreter_language": {"ti"}}, nil,
			form.ViewOptions{Sources: intake.MunicipalitySources(data.Directory), Hide: intake.FirstStep})
		fields := map[string]*form.FieldView{}
		var walk func([]form.Item)
		walk = func(items []form.Item) {
			for _, it := range items {
				if it.Field != nil {
					fields[it.Field.Name] = it.Field
				}
				if it.Group != nil {
					walk(it.Group.Items)
				}
			}
		}
		walk(v.Items)
		for _, name := range []string{"applicant.interpreter_language", "other_parent.interpreter_language"} {
			fv := fields[name]
			if fv == nil || fv.Kind != form.Select || fv.Optional {
				t.Fatalf("%s %s: %+v, want a select not labelled optional", lang, name, fv)
			}
			if want := data.Strings.MustGet(lang, "form.samarbetssamtal."+name+".empty"); fv.Empty != want || want == data.Strings.MustGet(lang, "form.choose") {
				t.Errorf("%s %s: the empty option reads %q, want its own text %q", lang, name, fv.Empty, want)
			}
			var codes []string
			for _, o := range fv.Options {
				codes = append(codes, o.Value)
				if want := data.Strings.MustGet(lang, "languages."+o.Value); o.Label != want {
					t.Errorf("%s %s %s: label %q, want %q", lang, name, o.Value, o.Label, want)
				}
				if o.Checked != (name == "other_parent.interpreter_language" && o.Value == "ti") {
					t.Errorf("%s %s %s: checked %v", lang, name, o.Value, o.Checked)
				}
			}
			if !slices.Equal(codes, content.InterpreterLanguages) {
				t.Errorf("%s %s: options %v, want %v", lang, name, codes, content.InterpreterLanguages)
			}
			other := fields[strings.Replace(name, "language", "language_other", 1)]
			if other == nil || other.Kind != form.Text || !strings.Contains(other.Hint, data.Strings.MustGet(lang, "languages.other")) {
				t.Errorf("%s: the text for another language, always shown, must say it is for %q: %+v", name, data.Strings.MustGet(lang, "languages.other"), other)
			}
		}
	}

	// A language's name missing stops the build and the function's start.
	if probs := f.CheckTexts(data.Strings); len(probs) > 0 {
		t.Fatalf("the committed texts: %v", probs)
	}
	files := fstest.MapFS{}
	for lang, line := range map[content.Lang]string{content.SV: "  swl: Svenskt teckenspråk\n", content.Lang("en"): "  swl: Swedish Sign Language\n"} {
		name := content.StringsDir + "/" + string(lang) + ".yaml"
		b, err := fs.ReadFile(content.DataFiles, name)
		if err != nil || !strings.Contains(string(b), "\nlanguages:\n") || strings.Count(string(b), line) != 1 {
			t.Fatalf("%s: %v, or no languages.swl to take away", name, err)
		}
		files[name] = &fstest.MapFile{Data: []byte(strings.Replace(string(b), line, "", 1))}
	}
	strs, err := content.LoadStrings(files)
	if err != nil {
		t.Fatal(err)
	}
	probs := f.CheckTexts(strs)
	if len(probs) != len(strs.Langs()) || !strings.Contains(probs.Error(), `"languages.swl"`) {
		t.Errorf("without the name of swl: %v, want it named missing in each language", probs)
	}
}
