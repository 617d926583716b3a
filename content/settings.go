package content

import (
	"io/fs"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Settings are the portal-wide settings in site.yaml.
type Settings struct {
	// BaseURL is where the site is published, without a trailing slash.
	// Canonical links and the sitemap are made from it.
	BaseURL string `yaml:"base_url" validate:"required,weburl"`
	// ExitURL is where "Exit this page" goes: a neutral site that gives
	// nothing away, by default a weather service.
	ExitURL string `yaml:"exit_url" validate:"required,weburl"`
	// Links are the pages the header and footer link to.
	Links Links `yaml:"links" validate:"required"`
}

// Links names the pages the page chrome links to, in each language.
type Links struct {
	Home          PathPair `yaml:"home" validate:"required"`
	Offices       PathPair `yaml:"offices" validate:"required"`
	Violence      PathPair `yaml:"violence" validate:"required"`
	Safety        PathPair `yaml:"safety" validate:"required"`
	Privacy       PathPair `yaml:"privacy" validate:"required"`
	Accessibility PathPair `yaml:"accessibility" validate:"required"`
}

// PathPair is the address of one page in each language.
type PathPair struct {
	SV string `yaml:"sv" validate:"required,sitepath,startswith=/sv/"`
	EN string `yaml:"en" validate:"required,sitepath,startswith=/en/"`
}

// In returns the address in lang.
func (p PathPair) In(lang Lang) string {
	if lang == EN {
		return p.EN
	}
	return p.SV
}

// OfficePath is the address of an office's page in lang, below the page
// links.offices names. The site publishes the page there; anything that
// links to an office's page asks this method too, so the two agree.
func (s *Settings) OfficePath(lang Lang, officeID string) string {
	return s.Links.Offices.In(lang) + officeID + "/"
}

// All returns every path the settings link to, with the key that names it,
// so a build can check that each exists.
func (l Links) All() map[string]PathPair {
	return map[string]PathPair{
		"links.home": l.Home, "links.offices": l.Offices, "links.violence": l.Violence,
		"links.safety": l.Safety, "links.privacy": l.Privacy, "links.accessibility": l.Accessibility,
	}
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
	if probs := decodeNode(SettingsFile, node.Content[0], &s); len(probs) > 0 {
		return nil, probs
	}
	s.BaseURL = strings.TrimSuffix(s.BaseURL, "/")
	return &s, nil
}
