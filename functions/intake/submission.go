package intake

import (
	"net/url"
	"time"

	"familjeratt.example/portal/content"
)

// Submission is a form that passed every check and has an office: what
// is delivered.
type Submission struct {
	Form      *Form
	Reference Reference
	Received  time.Time
	Lang      content.Lang // the edition the parent used
	// Edition is that edition as configured: staff are told its name,
	// and asked about an interpreter when it is not Swedish.
	Edition      content.Edition
	Office       *content.Office
	Municipality content.Municipality
	Answers      any        // the decoded, validated, normalized form
	Values       url.Values // the same answers as form values, for the readable listing
	// Honeypot says the field people never see was filled: a bot, or a
	// browser's autofill. Staff are told; the parent is never fooled.
	Honeypot bool
	// AckURL, when set, is the address staff open to acknowledge
	// receipt: signed for this reference only, it reveals nothing.
	AckURL string

	// Set by the deliverer once the office's server has taken it: the
	// message's own Message-ID, and the id the relay gave it in its 250
	// answer, if any (Amazon SES gives its own).
	MessageID, ProviderID string
}

// Unit is the office's unit that receives the submission's form, or nil
// if the office has none (routing refuses that before a submission is
// made).
func (s *Submission) Unit() *content.Intake { return s.Office.Unit(s.Form.Unit) }

// HoneypotField is the name of the field people never see.
const HoneypotField = "website"

// Flag is something staff must see before anything else: protected
// identity, how to reach the parent safely, an interpreter.
type Flag struct {
	Code string // stable, for the JSON part: "protected_identity"
	Text string // for people, in the staff's language
}

// flagger is implemented by the forms that raise flags.
type flagger interface {
	flags(strs *content.Strings, lang content.Lang) []Flag
}

// Flags returns what staff must see first in a submission, in lang: a
// note that the office serves several municipalities, then what the
// form's answers raise.
func (s *Submission) Flags(strs *content.Strings, lang content.Lang) []Flag {
	var fs []Flag
	if s.Edition.Tag != "" && s.Edition.Tag != "sv" {
		// First: whoever reads the application must know at once in
		// which language to answer.
		fs = append(fs, Flag{Code: "edition_language", Text: strs.MustGet(lang, "staff.flag.edition_language", "language", s.Edition.NameSV)})
	}
	if len(s.Office.Municipalities) > 1 {
		fs = append(fs, Flag{Code: "shared_office", Text: strs.MustGet(lang, "staff.flag.shared_office",
			"municipality", s.Municipality.Name)})
	}
	if f, ok := s.Answers.(flagger); ok {
		fs = append(fs, f.flags(strs, lang)...)
	}
	if s.Honeypot {
		fs = append(fs, Flag{Code: "honeypot", Text: strs.MustGet(lang, "staff.flag.honeypot")})
	}
	return fs
}

// urgentFlagger is implemented by the forms whose staff must read some
// answers before anything else, the reference and the flags included.
type urgentFlagger interface {
	urgent(strs *content.Strings, lang content.Lang) []Flag
}

// Urgent returns what staff must read before anything else in the
// message, in lang: for a request to be contacted safely, how and when
// it is safe to make contact and what must not be done. Most forms have
// none.
func (s *Submission) Urgent(strs *content.Strings, lang content.Lang) []Flag {
	if f, ok := s.Answers.(urgentFlagger); ok {
		return f.urgent(strs, lang)
	}
	return nil
}

// FlagCodes are every flag a form can raise, for the texts check.
var FlagCodes = append([]string{"edition_language", "shared_office", "protected_identity", "safe_contact", "individual_first_talk",
	"interpreter_applicant", "interpreter_other_parent", "court_ordered", "other_parent_declines", "other_parent_unknown", "visit_interrupted", "visit_concern", "honeypot"},
	contactFlagCodes...)

func (a *Application) flags(strs *content.Strings, lang content.Lang) []Flag {
	var fs []Flag
	add := func(code string, args ...any) {
		fs = append(fs, Flag{Code: code, Text: strs.MustGet(lang, "staff.flag."+code, args...)})
	}
	if a.Applicant.ProtectedIdentity == "yes" {
		add("protected_identity")
	}
	if a.Applicant.SafeContact != "" {
		add("safe_contact", "text", a.Applicant.SafeContact)
	}
	if a.Applicant.IndividualFirstTalk == "yes" {
		add("individual_first_talk")
	}
	if a.Applicant.InterpreterLanguage != "" {
		add("interpreter_applicant", "language", languageName(strs, lang, a.Applicant.InterpreterLanguage, a.Applicant.InterpreterLanguageOther))
	}
	if a.OtherParent.InterpreterLanguage != "" {
		add("interpreter_other_parent", "language", languageName(strs, lang, a.OtherParent.InterpreterLanguage, a.OtherParent.InterpreterLanguageOther))
	}
	if a.CourtOrdered == "yes" {
		add("court_ordered", "case", a.CourtCaseNumber)
	}
	switch a.OtherParent.Agrees {
	case "no":
		add("other_parent_declines")
	case "unknown":
		add("other_parent_unknown")
	}
	return fs
}

// languageName is an interpreter language as staff read it in a flag: its
// name from the list, or for "other" with the language the parent typed,
// "Annat språk: amhariska". Text typed beside a language from the list
// is in the answers, not in the flag.
func languageName(strs *content.Strings, lang content.Lang, code, other string) string {
	key := languageKey(code)
	if !strs.Has(key) {
		return code // never on a valid application: the list has every name
	}
	name := strs.MustGet(lang, key)
	if code == "other" && other != "" {
		return name + ": " + other
	}
	return name
}

// EditionNameSV is the name in Swedish of the edition the parent used.
func (s *Submission) EditionNameSV() string {
	if s.Edition.NameSV != "" {
		return s.Edition.NameSV
	}
	return string(s.Lang)
}
