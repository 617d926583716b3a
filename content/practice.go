package content

import "fmt"

// Practice is how one office runs its cooperation talks. These facts
// differ between offices, so the shared pages never state them: they say
// "many offices…" and send the parent to their office, and the office's
// page, its application form and the confirmation show the office's own
// facts from here. A fact left out is not shown anywhere: the site never
// guesses an office's practice.
//
//	practice:
//	  first_talk: everyone         # everyone: each parent first has a talk alone;
//	                               # on_request: a parent who asks has one
//	  usual_talks: {from: 2, to: 5}
//	  aim_months: 3                # the office aims to finish within this many months
//	  follow_up_talk: true         # a follow-up talk is offered after the talks;
//	  follow_up_after_months: 6    # about this long after (optional)
//	  talk_notes: destroyed_at_end # what happens to the notes from the talks
//	  kept:                        # what the office keeps after the talks, and why
//	    sv: Ansökan sparas, så att vi kan föra statistik.
//	    en: The application is kept, so that we can keep statistics.
//
// The request for a follow-up talk is offered only by offices with
// follow_up_talk: true. Where each fact comes from goes in the office
// file's sources.
type Practice struct {
	FirstTalk           string `yaml:"first_talk" validate:"omitempty,oneof=everyone on_request"`
	UsualTalks          *Range `yaml:"usual_talks" validate:"omitempty"`
	AimMonths           int    `yaml:"aim_months" validate:"omitempty,min=1,max=24"`
	FollowUpTalk        bool   `yaml:"follow_up_talk"`
	FollowUpAfterMonths int    `yaml:"follow_up_after_months" validate:"omitempty,min=1,max=36"`
	TalkNotes           string `yaml:"talk_notes" validate:"omitempty,oneof=destroyed_at_end"`
	Kept                *Text  `yaml:"kept" validate:"omitempty"`
}

// Range is a usual number, from–to.
type Range struct {
	From int `yaml:"from" validate:"min=1,max=50"`
	To   int `yaml:"to" validate:"gtefield=From,max=50"`
}

// Empty reports whether the office has stated none of its practice.
func (p Practice) Empty() bool { return p == Practice{} }

// Source names where facts come from: a law, an authority's guidance, an
// office's own routine or leaflet. URL is optional: many routines are
// internal documents.
//
//	sources:
//	  - title: Föräldrabalken (1949:381) 6 kap. 17 c §
//	    url: https://rkrattsbaser.gov.se/sfsr?bet=1949:381
type Source struct {
	Title string `yaml:"title" validate:"required,nocontrolml,max=300"`
	URL   string `yaml:"url" validate:"omitempty,weburl"`
}

// Privacy is what a privacy notice must say about a controller, as GDPR
// article 13 requires: who is responsible and how to reach them, how to
// reach their data protection officer, and how long the data is kept.
// What the law itself says (the legal basis for social services, the
// rights, the complaint to IMY) is the same for every office and is in
// the privacy page's texts. A value left out is shown as not yet given,
// never guessed, and make check-publish lists it.
//
//	privacy:
//	  controller:
//	    name: {sv: Socialnämnden i Torsås kommun, en: The social welfare board of Torsås}
//	    email: kommun@torsas.se
//	    phone: 0486-331 00
//	  data_protection_officer:
//	    email: dataskyddsombud@torsas.se
//	  retention:
//	    sv: Ansökan sparas i två år efter att samtalen är slut. Sedan förstörs den.
//	    en: The application is kept for two years after the talks end. Then it is destroyed.
//	  notice: https://www.torsas.se/personuppgifter   # the municipality's own notice (optional)
type Privacy struct {
	Controller *Controller `yaml:"controller" validate:"omitempty"`
	DPO        *Reach      `yaml:"data_protection_officer" validate:"omitempty"`
	Retention  *Text       `yaml:"retention" validate:"omitempty"`
	Notice     string      `yaml:"notice" validate:"omitempty,weburl"`
}

// Controller is who is responsible for personal data
// (personuppgiftsansvarig), and how to reach them.
type Controller struct {
	Name  Text `yaml:"name" validate:"required"`
	Reach `yaml:",inline"`
}

// Reach is how to get in touch: at least one of phone, e-mail or website.
type Reach struct {
	Phone   string `yaml:"phone" validate:"required_without_all=Email Website,omitempty,servicephone"`
	Email   string `yaml:"email" validate:"omitempty,email,max=254"`
	Website string `yaml:"website" validate:"omitempty,weburl"`
}

// privacyProblems lists what a privacy notice lacks for publication: the
// controller, its DPO and, when retention matters, how long data is kept.
// line finds the line of a key, for the problems.
func privacyProblems(file string, p Privacy, retention bool, line func(string) int, what string) Problems {
	var probs Problems
	if p.Controller == nil {
		probs = append(probs, Problem{File: file, Line: line("privacy.controller"), Msg: fmt.Sprintf(
			"privacy.controller is missing: name who is responsible for %s (personuppgiftsansvarig) and how to reach them", what)})
	}
	if p.DPO == nil {
		probs = append(probs, Problem{File: file, Line: line("privacy.data_protection_officer"), Msg: fmt.Sprintf(
			"privacy.data_protection_officer is missing: give the e-mail or phone of the data protection officer for %s", what)})
	}
	if retention && p.Retention == nil {
		probs = append(probs, Problem{File: file, Line: line("privacy.retention"), Msg: "privacy.retention is missing: " +
			"say how long the office keeps an application, and what happens to it then"})
	}
	return probs
}
