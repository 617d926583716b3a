package intake

import (
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
	"familjeratt.example/portal/site/chrome"
)

// Form is one of the intake function's forms.
type Form struct {
	Def *form.Definition
}

// The forms, defined once: the site publishes their pages and the
// function receives them.
var (
	applicationForm = mustForm("samarbetssamtal", "/sv/anmalan/", "/en/apply/", Application{})
	followUpForm    = mustForm("uppfoljningssamtal", "/sv/uppfoljningssamtal/", "/en/follow-up-talk/", FollowUp{})
)

// Forms returns the forms, the application for cooperation talks first.
func Forms() []*Form { return []*Form{applicationForm, followUpForm} }

func mustForm(id, sv, en string, prototype any) *Form {
	def, err := form.New(id, map[content.Lang]string{content.SV: sv, content.EN: en}, "/api/forms/"+id, prototype)
	if err != nil {
		panic(err)
	}
	return &Form{Def: def}
}

func (f *Form) text(h *handler, lang content.Lang, key string, args ...any) string {
	return h.cfg.Data.Strings.MustGet(lang, "form."+f.Def.ID+"."+key, args...)
}

// normalizer is implemented by forms that tidy their answers for staff
// once they are valid: personnummer in the 12-digit form, for example.
type normalizer interface {
	normalize(today time.Time)
}

func (a *Application) normalize(today time.Time) {
	canon := func(s *string) {
		if pn, err := ParsePersonalNumber(*s, today); err == nil {
			*s = pn.String()
		}
	}
	canon(&a.Applicant.PersonalNumber)
	canon(&a.OtherParent.PersonalNumber)
	for i := range a.Children {
		canon(&a.Children[i].PersonalNumber)
	}
}

func (f *FollowUp) normalize(time.Time) {
	if ref, err := ParseReference(f.PreviousReference); err == nil {
		f.PreviousReference = ref.String()
	}
}

// StaticPage is a form's page as the site publishes it: empty, in one
// language. It satisfies the site generator's Form interface.
type StaticPage struct{ form *Form }

// StaticPages returns the forms' pages for the site generator.
func StaticPages() []*StaticPage {
	var out []*StaticPage
	for _, f := range Forms() {
		out = append(out, &StaticPage{form: f})
	}
	return out
}

// Path is the page's address in lang.
func (p *StaticPage) Path(lang content.Lang) string { return p.form.Def.Paths[lang] }

// Page returns the empty form in lang.
func (p *StaticPage) Page(data *content.Data, lang content.Lang) (string, *chrome.Page, error) {
	if missing := p.form.Def.Check(data.Strings); len(missing) > 0 {
		return "", nil, &missingTexts{form: p.form.Def.ID, keys: missing}
	}
	strs := data.Strings
	view := p.form.Def.View(strs, lang, nil, nil, form.ViewOptions{Sources: municipalitySources(data)})
	page := &chrome.Page{
		Lang: lang, Exit: true,
		Title:           strs.MustGet(lang, "form."+p.form.Def.ID+".title"),
		Description:     strs.MustGet(lang, "form."+p.form.Def.ID+".description"),
		TranslationForm: view.FormID,
	}
	page.Data = formData{View: view, Hidden: controls(lang, "form", ""), Intro: true}
	return "form", page, nil
}

type missingTexts struct {
	form string
	keys []string
}

func (e *missingTexts) Error() string {
	msg := "the form " + e.form + " needs interface texts that are missing from content/i18n:"
	for _, k := range e.keys {
		msg += " " + k
	}
	return msg
}

// stockholm is the time zone of the offices: what staff read is in it.
var stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()
