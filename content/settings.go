package content

import (
	"io/fs"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Settings are the portal-wide settings in site.yaml.
type Settings struct {
	// Editions are the site's editions (languages), the reference,
	// Swedish, first; without the key, Swedish and English. See
	// [Edition].
	Editions Editions `yaml:"editions" validate:"dive"`
	// BaseURL is where the site is published, without a trailing slash.
	// Canonical links and the sitemap are made from it.
	BaseURL string `yaml:"base_url" validate:"required,weburl"`
	// ExitURL is where "Exit this page" goes: a neutral site that gives
	// nothing away, by default a weather service.
	ExitURL string `yaml:"exit_url" validate:"required,weburl"`
	// Links are the pages the header and footer link to.
	Links Links `yaml:"links" validate:"required"`
	// Privacy is what the privacy page says about the portal's own
	// processing: the logs and the receipt cookie (each office's
	// processing of an application is in its office file).
	Privacy PortalPrivacy `yaml:"privacy"`
}

// PortalPrivacy is who is responsible for the portal's own processing of
// personal data and who processes it on their behalf. A value left out is
// shown on the privacy page as not yet given; make check-publish lists it.
//
//	privacy:
//	  controller:
//	    name: {sv: Kommunstyrelsen i Torsås kommun, en: The municipal executive board of Torsås}
//	    email: kommun@torsas.se
//	  data_protection_officer: {email: dataskyddsombud@torsas.se}
//	  legal_basis:
//	    sv: Allmänt intresse (artikel 6.1 e i dataskyddsförordningen) …
//	    en: A task in the public interest (article 6(1)(e) GDPR) …
//	  processors:
//	    - name: Amazon Web Services
//	      role: hosting
//	      about: {sv: Driver webbplatsen och funktionen i EU., en: Runs the site and the function in the EU.}
//	    - name: …
//	      role: mail
type PortalPrivacy struct {
	Controller *Controller `yaml:"controller" validate:"omitempty"`
	DPO        *Reach      `yaml:"data_protection_officer" validate:"omitempty"`
	LegalBasis *Text       `yaml:"legal_basis" validate:"omitempty"`
	Processors []Processor `yaml:"processors" validate:"dive"`
}

// Processor is a company that handles personal data for the portal
// (personuppgiftsbiträde): the hosting, or the mail relay that carries
// the encrypted applications.
type Processor struct {
	Name  string `yaml:"name" validate:"required,nocontrolml,max=120"`
	Role  string `yaml:"role" validate:"required,oneof=hosting mail"`
	About Text   `yaml:"about" validate:"required"`
}

// Has reports whether a processor with role is named.
func (p PortalPrivacy) Has(role string) bool {
	for _, pr := range p.Processors {
		if pr.Role == role {
			return true
		}
	}
	return false
}

// Links names the pages the page chrome links to, in each language.
type Links struct {
	Home          PathPair `yaml:"home" validate:"required"`
	Offices       PathPair `yaml:"offices" validate:"required"`
	Violence      PathPair `yaml:"violence" validate:"required"`
	Safety        PathPair `yaml:"safety" validate:"required"`
	Privacy       PathPair `yaml:"privacy" validate:"required"`
	Accessibility PathPair `yaml:"accessibility" validate:"required"`
	// Statistics is the page of published statistics, linked in the
	// footer when it is set.
	Statistics *PathPair `yaml:"statistics" validate:"omitempty"`
}

// Home is the start page of edition lang: links.home's address for it,
// or the edition's root.
func (s *Settings) Home(lang Lang) string {
	if s.Links.Home.Has(lang) {
		return s.Links.Home[lang]
	}
	return "/" + string(lang) + "/"
}

// OfficePath is the address of an office's page in lang, below the page
// links.offices names. The site publishes the page there; anything that
// links to an office's page asks this method too, so the two agree.
func (s *Settings) OfficePath(lang Lang, officeID string) string {
	return s.Links.Offices.In(lang) + officeID + "/"
}

// All returns every path the settings link to, with the key that names it,
// so a build can check that each exists. A link left out (statistics) is
// not among them.
func (l Links) All() map[string]PathPair {
	all := map[string]PathPair{
		"links.home": l.Home, "links.offices": l.Offices, "links.violence": l.Violence,
		"links.safety": l.Safety, "links.privacy": l.Privacy, "links.accessibility": l.Accessibility,
	}
	if l.Statistics != nil {
		all["links.statistics"] = *l.Statistics
	}
	return all
}

// SettingsFile is the settings' file name in a content tree.
const SettingsFile = "site.yaml"

// LoadSettings reads and checks site.yaml.
func LoadSettings(fsys fs.FS) (*Settings, error) {
	src, err := fs.ReadFile(fsys, SettingsFile)
	if err != nil {
		return nil, Problems{{File: SettingsFile, Msg: "cannot read the portal settings: " + err.Error()}}
	}
	var node yaml.Node
	if err := yaml.Unmarshal(src, &node); err != nil {
		return nil, Problems{yamlErrorProblem(SettingsFile, 0, err.Error())}
	}
	if len(node.Content) == 0 {
		return nil, Problems{{File: SettingsFile, Msg: "the file is empty"}}
	}
	var s Settings
	if probs := decodeNode(SettingsFile, node.Content[0], &s, nil); len(probs) > 0 {
		return nil, probs
	}
	if len(s.Editions) == 0 {
		s.Editions = DefaultEditions()
	} else if probs := checkEditions(s.Editions, node.Content[0]); len(probs) > 0 {
		return nil, probs
	}
	if probs := checkTexts(SettingsFile, node.Content[0], &s, s.Editions); len(probs) > 0 {
		return nil, probs
	}
	s.BaseURL = strings.TrimSuffix(s.BaseURL, "/")
	return &s, nil
}
