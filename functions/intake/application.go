package intake

import (
	"strconv"
	"time"

	"familjeratt.example/portal/functions/form"
)

// Application is an application for cooperation talks (samarbetssamtal).
// The schema tags are the form's public contract: the field names staff
// tooling imports. The order of the fields is the order of the page.
type Application struct {
	// The municipality comes first, on a step of its own: a parent
	// learns at once whether an office here takes it (see FirstStep).
	Municipality         string      `schema:"municipality" validate:"required,municipality" form:"select,options=municipalities,section=where"`
	Applicant            Applicant   `schema:"applicant"`
	OtherParent          OtherParent `schema:"other_parent"`
	Children             []Child     `schema:"children" validate:"min=1,max=10,dive"`
	Topics               []string    `schema:"topics" validate:"required,min=1,dive,oneof=custody residence contact support other" form:"checkboxes,section=case"`
	TopicsOther          string      `schema:"topics_other" validate:"max=2000,nocontrolml" form:"textarea"`
	CourtOrdered         string      `schema:"court_ordered" validate:"required,oneof=yes no" form:"radios"`
	CourtCaseNumber      string      `schema:"court_case_number" validate:"required_if=CourtOrdered yes,omitempty,max=30,courtcase" form:"text,width=medium,spellcheck=false,digits=ascii"`
	PreviousTalks        string      `schema:"previous_talks" validate:"required,oneof=yes no" form:"radios"`
	PreviousTalksDetails string      `schema:"previous_talks_details" validate:"max=2000,nocontrolml" form:"textarea"`
	PrivacyAck           string      `schema:"privacy_ack" validate:"required,eq=yes" form:"checkbox,section=confirm,link=privacy"`
	Website              string      `schema:"website" form:"honeypot"`
}

// Applicant is the parent who applies.
//
// InterpreterLanguage, here and of the other parent, is a code from the
// closed list content.InterpreterLanguages, which the statistics count,
// or "" for no interpreter; a language not on the list is "other", with
// the language typed in InterpreterLanguageOther (see
// [Application.CheckForm] for that text without "other").
type Applicant struct {
	GivenName                string `schema:"given_name" validate:"required,max=100,nocontrol" form:"text,autocomplete=given-name,spellcheck=false"`
	FamilyName               string `schema:"family_name" validate:"required,max=100,nocontrol" form:"text,autocomplete=family-name,spellcheck=false"`
	PersonalNumber           string `schema:"personal_number" validate:"required,pnrformat,pnrdate,pnrchecksum" form:"text,inputmode=numeric,width=medium,spellcheck=false"`
	ProtectedIdentity        string `schema:"protected_identity" validate:"required,oneof=yes no" form:"radios"`
	Street                   string `schema:"street" validate:"required_unless=ProtectedIdentity yes,max=100,nocontrol" form:"text,autocomplete=address-line1"`
	PostalCode               string `schema:"postal_code" validate:"required_unless=ProtectedIdentity yes,omitempty,postcode" form:"text,autocomplete=postal-code,inputmode=numeric,width=short"`
	City                     string `schema:"city" validate:"required_unless=ProtectedIdentity yes,max=100,nocontrol" form:"text,autocomplete=address-level2,width=medium"`
	Phone                    string `schema:"phone" validate:"required_without=Email,omitempty,max=30,phone" form:"tel,autocomplete=tel,width=medium"`
	Email                    string `schema:"email" validate:"omitempty,email254" form:"email,autocomplete=email,spellcheck=false,optional=no"`
	SafeContact              string `schema:"safe_contact" validate:"max=2000,nocontrolml" form:"textarea"`
	InterpreterLanguage      string `schema:"interpreter_language" validate:"omitempty,interpreterlanguage" form:"select,options=interpreter_languages,empty=own"`
	InterpreterLanguageOther string `schema:"interpreter_language_other" validate:"required_if=InterpreterLanguage other,max=100,nocontrol" form:"text,width=medium"`
	IndividualFirstTalk      string `schema:"individual_first_talk" validate:"required,oneof=yes no" form:"radios"`
}

// OtherParent is the child's other parent. Only the name is required:
// some parents do not know the rest, or must not try to find it out.
type OtherParent struct {
	GivenName                string `schema:"given_name" validate:"required,max=100,nocontrol" form:"text,spellcheck=false"`
	FamilyName               string `schema:"family_name" validate:"required,max=100,nocontrol" form:"text,spellcheck=false"`
	PersonalNumber           string `schema:"personal_number" validate:"omitempty,pnrformat,pnrdate,pnrchecksum" form:"text,inputmode=numeric,width=medium,spellcheck=false"`
	Phone                    string `schema:"phone" validate:"omitempty,max=30,phone" form:"tel,width=medium"`
	Email                    string `schema:"email" validate:"omitempty,email254" form:"email,spellcheck=false"`
	Street                   string `schema:"street" validate:"max=100,nocontrol" form:"text"`
	PostalCode               string `schema:"postal_code" validate:"omitempty,postcode" form:"text,inputmode=numeric,width=short"`
	City                     string `schema:"city" validate:"max=100,nocontrol" form:"text,width=medium"`
	InterpreterLanguage      string `schema:"interpreter_language" validate:"omitempty,interpreterlanguage" form:"select,options=interpreter_languages,empty=own"`
	InterpreterLanguageOther string `schema:"interpreter_language_other" validate:"required_if=InterpreterLanguage other,max=100,nocontrol" form:"text,width=medium"`
	Agrees                   string `schema:"agrees" validate:"required,oneof=yes no unknown" form:"radios"`
}

// Child is a child the application is about.
type Child struct {
	GivenName      string `schema:"given_name" validate:"required,max=100,nocontrol" form:"text,spellcheck=false"`
	FamilyName     string `schema:"family_name" validate:"required,max=100,nocontrol" form:"text,spellcheck=false"`
	PersonalNumber string `schema:"personal_number" validate:"required,pnrformat,pnrdate,pnrchecksum,under18" form:"text,inputmode=numeric,width=medium,spellcheck=false"`
}

// CheckForm applies the rules that span fields.
func (a *Application) CheckForm(today time.Time) []form.Error {
	var errs []form.Error
	for _, t := range a.Topics {
		if t == "other" && a.TopicsOther == "" {
			errs = append(errs, form.Error{Field: "topics_other", Rule: "required"})
		}
	}
	// A language typed under "other" while "no interpreter needed" is
	// chosen is most likely a need (a parent without JavaScript sees the
	// box at all times): refused, so the parent chooses, never dropped.
	// Typed beside a language from the list, it is kept and delivered
	// as typed (it may name a dialect), and harmless: the list's
	// language is the one counted and flagged.
	if a.Applicant.InterpreterLanguage == "" && a.Applicant.InterpreterLanguageOther != "" {
		errs = append(errs, form.Error{Field: "applicant.interpreter_language", Rule: "choose_other"})
	}
	if a.OtherParent.InterpreterLanguage == "" && a.OtherParent.InterpreterLanguageOther != "" {
		errs = append(errs, form.Error{Field: "other_parent.interpreter_language", Rule: "choose_other"})
	}
	// A personnummer belongs to one person: the same number twice is a
	// typing mistake, and staff would not know whose it is.
	seen := map[string]bool{}
	check := func(field, raw string) {
		pn, err := ParsePersonalNumber(raw, today)
		if err != nil {
			return // reported by its own rules
		}
		if seen[pn.String()] {
			errs = append(errs, form.Error{Field: field, Rule: "duplicate"})
		}
		seen[pn.String()] = true
	}
	check("applicant.personal_number", a.Applicant.PersonalNumber)
	if a.OtherParent.PersonalNumber != "" {
		check("other_parent.personal_number", a.OtherParent.PersonalNumber)
	}
	for i, c := range a.Children {
		check(childField(i, "personal_number"), c.PersonalNumber)
	}
	return errs
}

func childField(i int, name string) string {
	return "children." + strconv.Itoa(i) + "." + name
}

// FollowUp is a request for a follow-up talk (uppföljningssamtal), which
// the office offers about six months after the talks ended.
type FollowUp struct {
	Municipality      string  `schema:"municipality" validate:"required,municipality" form:"select,options=municipalities,section=where"`
	Applicant         Contact `schema:"applicant"`
	PreviousReference string  `schema:"previous_reference" validate:"omitempty,reference" form:"text,width=medium,spellcheck=false,section=case,digits=ascii"`
	CaseOfficer       string  `schema:"case_officer" validate:"max=100,nocontrol" form:"text,width=medium"`
	Message           string  `schema:"message" validate:"max=2000,nocontrolml" form:"textarea"`
	PrivacyAck        string  `schema:"privacy_ack" validate:"required,eq=yes" form:"checkbox,section=confirm,link=privacy"`
	Website           string  `schema:"website" form:"honeypot"`
}

// Contact is a parent's name and how to reach them.
type Contact struct {
	GivenName  string `schema:"given_name" validate:"required,max=100,nocontrol" form:"text,autocomplete=given-name,spellcheck=false"`
	FamilyName string `schema:"family_name" validate:"required,max=100,nocontrol" form:"text,autocomplete=family-name,spellcheck=false"`
	Phone      string `schema:"phone" validate:"required_without=Email,omitempty,max=30,phone" form:"tel,autocomplete=tel,width=medium"`
	Email      string `schema:"email" validate:"omitempty,email254" form:"email,autocomplete=email,spellcheck=false,optional=no"`
}
