package intake

import (
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
)

// ContactID names the request to be contacted safely in texts, addresses
// and the ledger. It is neutral on purpose: it shows in the form's
// address, and a browser's history keeps addresses.
const ContactID = "kontakt"

// ContactRequest is a parent's request to be contacted safely by the
// municipality's coordinator for violence in close relationships
// (content.Violence). It asks only what is needed to make contact
// without putting the parent at risk: a name to use (any name), one way
// to reach them, and, if they wish, when it is safe, what must not be
// done, and whether they have protected identity or need an interpreter.
// Nothing else is required, and the portal cannot check who sent it; the
// staff message says so.
type ContactRequest struct {
	Municipality string `schema:"municipality" validate:"required,municipality" form:"select,options=municipalities,section=where"`
	// Name is a first name or any name the parent wants to be called.
	Name string `schema:"name" validate:"required,max=100,nocontrol" form:"text,autocomplete=off,spellcheck=false,section=you"`
	// ContactBy is the one way it is safe to reach the parent, with the
	// number, address or other way in the field that goes with it.
	ContactBy    string `schema:"contact_by" validate:"required,oneof=phone email other" form:"radios,section=reach"`
	Phone        string `schema:"phone" validate:"required_if=ContactBy phone,omitempty,max=30,phone" form:"tel,autocomplete=off,width=medium"`
	Email        string `schema:"email" validate:"required_if=ContactBy email,omitempty,email254" form:"email,autocomplete=off,spellcheck=false"`
	ContactOther string `schema:"contact_other" validate:"required_if=ContactBy other,max=300,nocontrolml" form:"textarea"`
	SafeTimes    string `schema:"safe_times" validate:"max=500,nocontrolml" form:"textarea"`
	// Avoid is what staff must not do when they make contact.
	Avoid                    []string `schema:"avoid" validate:"dive,oneof=voicemail sms letter say_where" form:"checkboxes"`
	ProtectedIdentity        string   `schema:"protected_identity" validate:"omitempty,oneof=yes no unknown" form:"radios,section=more"`
	InterpreterLanguage      string   `schema:"interpreter_language" validate:"omitempty,interpreterlanguage" form:"select,options=interpreter_languages,empty=own"`
	InterpreterLanguageOther string   `schema:"interpreter_language_other" validate:"required_if=InterpreterLanguage other,max=100,nocontrol" form:"text,width=medium"`
	Message                  string   `schema:"message" validate:"max=2000,nocontrolml" form:"textarea"`
	Website                  string   `schema:"website" form:"honeypot"`
}

// contactTexts are the messages of the rules CheckForm applies, which
// the form's tags do not name, and the texts its pages and staff
// message name beyond the engine's.
var contactTexts = []string{
	"form." + ContactID + ".interpreter_language.error.choose_other",
	"form." + ContactID + ".danger_heading",
	"form." + ContactID + ".danger",
	"form." + ContactID + ".helpline",
	"form." + ContactID + ".helpline_after",
	"form." + ContactID + ".history",
	"form." + ContactID + ".goes_to",
	"form." + ContactID + ".check_goes_to",
	"form." + ContactID + ".send_text",
	"form." + ContactID + ".history_link",
	"form." + ContactID + ".leave_warning",
	"form." + ContactID + ".back_notice",
	"form." + ContactID + ".notserved_instead",
	"form." + ContactID + ".sent_text",
	"staff.urgent_heading",
}

// CheckForm applies the rules that span fields: a language typed under
// "other" while "no interpreter needed" is chosen is refused, as on the
// application, so the parent chooses and nothing is dropped.
func (c *ContactRequest) CheckForm(time.Time) []form.Error {
	var errs []form.Error
	if c.InterpreterLanguage == "" && c.InterpreterLanguageOther != "" {
		errs = append(errs, form.Error{Field: "interpreter_language", Rule: "choose_other"})
	}
	return errs
}

// urgent are what staff must read before anything else, the reference
// and the office included: how and when it is safe to make contact,
// what must not be done, and that nobody has checked who sent it.
func (c *ContactRequest) urgent(strs *content.Strings, lang content.Lang) []Flag {
	var fs []Flag
	add := func(code string, args ...any) {
		fs = append(fs, Flag{Code: code, Text: strs.MustGet(lang, "staff.flag."+code, args...)})
	}
	how := ""
	switch c.ContactBy {
	case "phone":
		how = c.Phone
	case "email":
		how = c.Email
	case "other":
		how = c.ContactOther
	}
	add("contact_by_"+c.ContactBy, "how", oneLine(how))
	if c.SafeTimes != "" {
		add("safe_times", "text", oneLine(c.SafeTimes))
	} else {
		add("safe_times_none")
	}
	for _, a := range c.Avoid {
		add("avoid_" + a)
	}
	add("unverified")
	return fs
}

func (c *ContactRequest) flags(strs *content.Strings, lang content.Lang) []Flag {
	var fs []Flag
	add := func(code string, args ...any) {
		fs = append(fs, Flag{Code: code, Text: strs.MustGet(lang, "staff.flag."+code, args...)})
	}
	switch c.ProtectedIdentity {
	case "yes":
		add("protected_identity")
	case "unknown":
		add("protected_identity_unknown")
	}
	if c.InterpreterLanguage != "" {
		add("interpreter_sender", "language", languageName(strs, lang, c.InterpreterLanguage, c.InterpreterLanguageOther))
	}
	return fs
}

// oneLine keeps a flag on one line: what the parent typed over several
// lines is joined with " / ".
func oneLine(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " / ")
}

// contactFlagCodes are the flags the request raises beyond the shared
// ones, for the texts check.
var contactFlagCodes = []string{"contact_by_phone", "contact_by_email", "contact_by_other", "safe_times", "safe_times_none",
	"avoid_voicemail", "avoid_sms", "avoid_letter", "avoid_say_where", "unverified", "protected_identity_unknown", "interpreter_sender"}
