// Package intake holds the forms the portal receives and the rules they
// must pass: the application for cooperation talks, the request for a
// follow-up talk, the support person's report after supported contact
// and a parent's request to be contacted safely, their fields (a public
// contract), personnummer,
// application references, and what staff are shown first. It is what
// both sides need to know about a form: the site generator publishes the
// empty forms from it (see [StaticPages]), and the function decodes,
// checks and delivers what parents send.
//
// It knows nothing of HTTP, mail or Lambda: package journey walks a
// parent through a form, and package delivery brings an accepted
// [Submission] to its office.
package intake

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
	"familjeratt.example/portal/site/chrome"
)

// Form is one of the portal's forms.
type Form struct {
	Def *form.Definition
	// Unit is the kind of unit that receives the form; every office has
	// the family-law one.
	Unit content.UnitKind
	// Practice says whether the parent is shown the office's practice
	// (how its talks go) beside the form and on the confirmation.
	Practice bool
	// ForStaff says the form is written by the municipality's own people
	// (a support person), not by a parent: its pages show none of the
	// office's promises to parents, nor what happens next for a parent.
	ForStaff bool
	// Safe marks a form a parent at risk sends: its pages say first
	// where to call in danger, keep no draft in the browser, warn before
	// leaving with unsent answers, and its confirmation names neither
	// the form nor the unit.
	Safe bool
	// offeredBy reports whether an office takes this form; nil: all do.
	offeredBy func(*content.Office) bool
	// texts are interface texts the form needs beyond what its
	// definition names: the messages of its CheckForm's rules.
	texts []string
}

// The forms, defined once: the site publishes their pages and the
// function receives them.
var (
	applicationForm = mustForm("samarbetssamtal", Application{})
	followUpForm    = mustForm("uppfoljningssamtal", FollowUp{})
	visitReportForm = mustForm(VisitReportID, VisitReport{}) // unit: umgangesstod
	contactForm     = mustForm(ContactID, ContactRequest{})
)

func init() {
	applicationForm.Practice = true
	// Only an office that offers follow-up talks takes requests for one.
	followUpForm.offeredBy = func(o *content.Office) bool { return o.Practice.FollowUpTalk }
	visitReportForm.texts = visitReportTexts
	// The support person's report goes to the unit that runs supported
	// contact; an office without one does not take it.
	visitReportForm.Unit = content.SupervisedContact
	visitReportForm.ForStaff = true
	// The request to be contacted safely goes to the coordinator for
	// violence in close relationships; an office without one does not
	// take it, and its municipalities are told whom to call instead.
	contactForm.Unit = content.Violence
	contactForm.Safe = true
	contactForm.texts = contactTexts
}

// OfferedBy reports whether the office takes this form: it has the
// form's unit, and the unit offers what the form asks for. This and
// [Form.Restricted] are where routing by form is decided; the site and
// the function both ask them.
func (f *Form) OfferedBy(o *content.Office) bool {
	return o.Unit(f.Unit) != nil && (f.offeredBy == nil || f.offeredBy(o))
}

// Restricted reports whether some offices do not take this form, so that
// a parent who names their municipality may be told their office does
// not offer it. Only the family-law unit is one every office has.
func (f *Form) Restricted() bool {
	return f.offeredBy != nil || (f.Unit != content.FamilyLaw && f.Unit != "")
}

// Forms returns the forms, the application for cooperation talks first.
func Forms() []*Form { return []*Form{applicationForm, followUpForm, visitReportForm, contactForm} }

// FormByID returns the form with the id, as the ledger records it.
func FormByID(id string) (*Form, bool) {
	for _, f := range Forms() {
		if f.Def.ID == id {
			return f, true
		}
	}
	return nil, false
}

func mustForm(id string, prototype any) *Form {
	def, err := form.New(id, "/api/forms/"+id, prototype)
	if err != nil {
		panic(err)
	}
	return &Form{Def: def, Unit: content.FamilyLaw}
}

// Text returns one of the form's own interface texts,
// form.<id>.<key>, in lang.
func (f *Form) Text(strs *content.Strings, lang content.Lang, key string, args ...any) string {
	return strs.MustGet(lang, "form."+f.Def.ID+"."+key, args...)
}

// CheckTexts reports the interface texts the form needs that strs lacks,
// as problems in the texts' files, so that a missing text stops the build
// or the function's start, never a page being rendered.
func (f *Form) CheckTexts(strs *content.Strings) content.Problems {
	keys := f.Def.Check(strs)
	languages := false
	f.Def.Walk(func(fd *form.Field) { languages = languages || fd.Source == "interpreter_languages" })
	if languages {
		for _, o := range InterpreterLanguageOptions() {
			keys = append(keys, o.Text)
		}
	}
	if f.Restricted() {
		keys = append(keys, "form."+f.Def.ID+".notoffered_title", "form."+f.Def.ID+".notoffered_text")
	}
	keys = append(keys, f.texts...)
	probs := strs.Require(keys...)
	slug := "form." + f.Def.ID + ".slug"
	if strs.Has(slug) {
		for _, lang := range strs.Langs() {
			if s := strs.MustGet(lang, slug); !slugRE.MatchString(s) {
				file, line := strs.Line(lang, slug)
				probs = append(probs, content.Problem{File: file, Line: line, Msg: fmt.Sprintf(
					"%s: %q cannot be part of an address; write lowercase a–z, 0–9 and hyphens, like \"anmalan\"", slug, s)})
			}
		}
	}
	return probs
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// normalizer is implemented by forms that tidy their answers for staff
// once they are valid: personnummer in the 12-digit form, for example.
type normalizer interface {
	normalize(today time.Time)
}

// Normalize tidies valid answers for staff, in place.
func (f *Form) Normalize(answers any, today time.Time) {
	if n, ok := answers.(normalizer); ok {
		n.normalize(today)
	}
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

// MunicipalitySources gives the forms' selects their options: every
// municipality, by name, and the interpreter languages (see
// [InterpreterLanguageOptions]). Every page and message that shows a
// form is given these.
func MunicipalitySources(d *content.Directory) form.Sources {
	return form.Sources{
		"municipalities": func(content.Lang) []form.Option {
			opts := make([]form.Option, 0, len(d.Municipalities))
			for _, m := range d.Municipalities {
				opts = append(opts, form.Option{Value: m.Code, Label: m.Name})
			}
			return opts
		},
		"interpreter_languages": func(content.Lang) []form.Option { return InterpreterLanguageOptions() },
	}
}

// InterpreterLanguageOptions are the closed list of interpreter
// languages, content.InterpreterLanguages, in its order, each named by
// its interface text languages.<code>: the one place the names are.
func InterpreterLanguageOptions() []form.Option {
	opts := make([]form.Option, 0, len(content.InterpreterLanguages))
	for _, code := range content.InterpreterLanguages {
		opts = append(opts, form.Option{Value: code, Text: languageKey(code)})
	}
	return opts
}

func languageKey(code string) string { return "languages." + code }

// FormData is what the "form" layout shows: one step of the form, the
// hidden fields that carry the journey and the answers of other steps,
// and what the page says around the fields.
type FormData struct {
	View   *form.View
	Hidden []form.Hidden // the journey's own fields and the other steps' answers
	Next   string        // the _action of the button that goes on: "municipality" or "check"
	Step   Step
	Intro  bool // the form's introduction comes first
	// Office is the office the answers go to, named with what it promises
	// at the top of the step after the municipality's, and Municipality
	// the municipality's name.
	Office       *content.Office
	Municipality string
	Notice       string // what just changed, for everyone to hear: "Barn 2 är borttaget"
	Practice     bool   // show the office's practice with its promises
	ForStaff     bool   // the form's ForStaff: no promises to parents
	// Safe is the form's Safe: where to call in danger first, no draft
	// kept in the browser, a warning before leaving with unsent answers.
	Safe bool
}

// Step is where the parent is in the form: step N of Of.
type Step struct{ N, Of int }

// Controls are the hidden fields that carry the journey rather than
// answers: the parent's language and the page. Their names start with _
// so they never clash with the form's contract.
func Controls(lang content.Lang, page string) []form.Hidden {
	return []form.Hidden{{Name: "_lang", Value: string(lang)}, {Name: "_page", Value: page}}
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
func (p *StaticPage) Path(strs *content.Strings, lang content.Lang) string {
	return p.form.Def.Path(strs, lang)
}

// OfferedBy reports whether the office takes the form, so that its page
// links to the form only then.
func (p *StaticPage) OfferedBy(o *content.Office) bool { return p.form.OfferedBy(o) }

// Title is the form's title in lang, for links to it.
func (p *StaticPage) Title(strs *content.Strings, lang content.Lang) string {
	return p.form.Text(strs, lang, "title")
}

// CheckTexts reports the interface texts the page needs that strs lacks.
func (p *StaticPage) CheckTexts(strs *content.Strings) content.Problems {
	return p.form.CheckTexts(strs)
}

// Page returns the form's first step in lang, empty: the municipality.
// The texts must have passed CheckTexts.
func (p *StaticPage) Page(data *content.Data, lang content.Lang) (string, *chrome.Page, error) {
	strs := data.Strings
	view := p.form.Def.View(strs, lang, nil, nil, form.ViewOptions{Sources: MunicipalitySources(data.Directory), Only: FirstStep})
	page := &chrome.Page{
		Lang: lang, Exit: true,
		Title:           p.form.Text(strs, lang, "title"),
		Caption:         strs.MustGet(lang, "form.step", "n", "1", "of", "3"),
		Description:     p.form.Text(strs, lang, "description"),
		TranslationForm: view.FormID,
	}
	page.Data = FormData{View: view, Hidden: Controls(lang, "municipality"), Next: "municipality", Step: Step{N: 1, Of: 3}, Safe: p.form.Safe}
	return "form", page, nil
}

// Stockholm is the offices' time zone: what staff read is in it, and a
// parent's "today" is Swedish.
var Stockholm = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// Today is the calendar day at now in Sweden, the day an application's
// rules are checked against.
func Today(now time.Time) time.Time { return now.In(Stockholm) }

// FormatTime writes a moment for people in lang, in Swedish time: "1
// december 2026 kl. 22.14".
func FormatTime(strs *content.Strings, lang content.Lang, t time.Time) string {
	t = t.In(Stockholm)
	month := strs.MustGet(lang, "time.month_"+strconv.Itoa(int(t.Month())))
	return strs.MustGet(lang, "time.format", "day", strconv.Itoa(t.Day()), "month", month,
		"year", strconv.Itoa(t.Year()), "clock", t.Format("15.04"))
}

// FirstStep are the fields a form asks on a step of its own before the
// rest: the municipality the child is registered in, which decides the
// office, or whether any office here takes the application at all.
var FirstStep = []string{"municipality"}
