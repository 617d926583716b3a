package content

import (
	"fmt"
	"io/fs"
	"regexp"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// Lang is the id of an edition: the folder its pages live in, the first
// part of its addresses, and the name of its interface texts' file
// (i18n/<id>.yaml). Most editions are a language ("sv", "en", "ar"); an
// edition may also be a way of writing one ("sv-lattlast", easy-to-read
// Swedish, whose language tag is still sv).
type Lang string

// SV is the reference edition: Swedish. Every other edition translates
// its pages, its interface texts have every key, and staff read the
// function's messages in it.
const SV Lang = "sv"

// An Edition is one version of the site, configured in site.yaml:
//
//	editions:
//	  - {id: sv, lang: sv, name: Svenska, name_sv: svenska, forms: true}
//	  - {id: sv-lattlast, lang: sv, name: Lättläst svenska, name_sv: lättläst svenska, easy_to_read: true}
//	  - {id: en, lang: en, name: English, name_sv: engelska, complete: true, forms: true}
//	  - {id: ar, lang: ar, name: العربية, name_sv: arabiska, dir: rtl, forms: true}
type Edition struct {
	ID Lang `yaml:"id" validate:"required"`
	// Tag is the BCP 47 language tag pages carry in lang= and hreflang.
	Tag string `yaml:"lang" validate:"required"`
	// Name is the edition's name in itself, as the language menu shows it.
	Name string `yaml:"name" validate:"required,nocontrol,max=40"`
	// NameSV is its name in Swedish, for the staff message ("arabiska").
	NameSV string `yaml:"name_sv" validate:"omitempty,nocontrol,max=40"`
	// Dir is the writing direction: ltr (the default) or rtl.
	Dir string `yaml:"dir" validate:"omitempty,oneof=ltr rtl"`
	// Forms: the application forms are offered in this edition.
	Forms bool `yaml:"forms"`
	// Complete: every Swedish page must have a version here, and every
	// text in the data files a value in this edition. Other editions
	// may be partial: the build reports what they lack.
	Complete bool `yaml:"complete"`
	// EasyToRead: the pages are easy-to-read (lättläst); the build
	// measures their sentences and LIX.
	EasyToRead bool `yaml:"easy_to_read"`
}

// Direction is "ltr" or "rtl".
func (e Edition) Direction() string {
	if e.Dir == "" {
		return "ltr"
	}
	return e.Dir
}

// Editions are the site's editions, the reference (Swedish) first.
type Editions []Edition

// DefaultEditions are the editions of a tree whose site.yaml names none:
// Swedish and English, both complete, both with forms.
func DefaultEditions() Editions {
	return Editions{
		{ID: SV, Tag: "sv", Name: "Svenska", NameSV: "svenska", Forms: true, Complete: true},
		{ID: "en", Tag: "en", Name: "English", NameSV: "engelska", Forms: true, Complete: true},
	}
}

// Langs lists the editions' ids in their configured order.
func (es Editions) Langs() []Lang {
	out := make([]Lang, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

// Get returns the edition with id l.
func (es Editions) Get(l Lang) (Edition, bool) {
	for _, e := range es {
		if e.ID == l {
			return e, true
		}
	}
	return Edition{}, false
}

// Has reports whether l is a configured edition.
func (es Editions) Has(l Lang) bool { _, ok := es.Get(l); return ok }

// Tag is the language tag of edition l; an unknown edition is Swedish's.
func (es Editions) Tag(l Lang) string {
	if e, ok := es.Get(l); ok {
		return e.Tag
	}
	return "sv"
}

// Complete lists the editions every page and text must exist in: the
// reference and those configured complete.
func (es Editions) Complete() []Lang {
	var out []Lang
	for _, e := range es {
		if e.ID == SV || e.Complete {
			out = append(out, e.ID)
		}
	}
	return out
}

// WithForms lists the editions that offer the forms.
func (es Editions) WithForms() []Lang {
	var out []Lang
	for _, e := range es {
		if e.Forms {
			out = append(out, e.ID)
		}
	}
	return out
}

// HreflangOwner reports whether edition l speaks for its language tag in
// hreflang lists: an easy-to-read edition does not when another edition
// has its tag, since hreflang names one version per language.
func (es Editions) HreflangOwner(l Lang) bool {
	e, ok := es.Get(l)
	if !ok {
		return false
	}
	if !e.EasyToRead {
		return true
	}
	for _, o := range es {
		if o.ID != l && o.Tag == e.Tag && !o.EasyToRead {
			return false
		}
	}
	return true
}

// editionIDRE is what an edition id looks like: a language subtag,
// perhaps followed by lowercase parts, as addresses need.
var editionIDRE = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,12})*$`)

// ParseLang reports whether s has the shape of an edition id. Whether
// the site has that edition is the settings' to say ([Editions.Has]).
func ParseLang(s string) (Lang, bool) {
	if !editionIDRE.MatchString(s) {
		return "", false
	}
	return Lang(s), true
}

// checkEditions reports what is wrong with the configured editions, at
// their lines in site.yaml.
func checkEditions(es Editions, node *yaml.Node) Problems {
	var probs Problems
	line := func(i int, key string) int { return lineOf(node, fmt.Sprintf("editions[%d].%s", i, key)) }
	seen := map[Lang]bool{}
	owners := map[string]Lang{}
	for i, e := range es {
		switch {
		case !editionIDRE.MatchString(string(e.ID)):
			probs = append(probs, Problem{File: SettingsFile, Line: line(i, "id"), Msg: fmt.Sprintf(
				"editions[%d].id: %q cannot be an edition id; write lowercase letters, digits and hyphens, starting with the language, like \"sv-lattlast\"", i, e.ID)})
		case seen[e.ID]:
			probs = append(probs, Problem{File: SettingsFile, Line: line(i, "id"), Msg: fmt.Sprintf("editions[%d].id: %q is listed twice", i, e.ID)})
		}
		seen[e.ID] = true
		tag, err := language.Parse(e.Tag)
		if err != nil || tag.String() != e.Tag {
			probs = append(probs, Problem{File: SettingsFile, Line: line(i, "lang"), Msg: fmt.Sprintf(
				"editions[%d].lang: %q is not a language tag as browsers read it; write it like \"sv\", \"en\" or \"ar\"", i, e.Tag)})
		}
		if i == 0 && (e.ID != SV || e.Tag != "sv") {
			probs = append(probs, Problem{File: SettingsFile, Line: line(i, "id"), Msg: "the first edition must be Swedish, {id: sv, lang: sv}: it is the reference the others translate"})
		}
		if e.NameSV == "" {
			probs = append(probs, Problem{File: SettingsFile, Line: line(i, "name"), Msg: fmt.Sprintf(
				"editions[%d].name_sv is missing: add the edition's name in Swedish, for the staff message (like \"arabiska\")", i)})
		}
		if !e.EasyToRead {
			if other, dup := owners[e.Tag]; dup {
				probs = append(probs, Problem{File: SettingsFile, Line: line(i, "lang"), Msg: fmt.Sprintf(
					"editions[%d]: %q has the language %q too; two editions in one language need easy_to_read: true on one of them", i, other, e.Tag)})
			}
			owners[e.Tag] = e.ID
		}
	}
	return probs
}

// editionsOf returns the editions site.yaml configures, or the default
// when it names none or cannot be read; LoadSettings reports why.
// Every loader asks it, so that each file's texts are checked against
// the editions the site has.
func editionsOf(fsys fs.FS) Editions {
	src, err := fs.ReadFile(fsys, SettingsFile)
	if err != nil {
		return DefaultEditions()
	}
	var doc struct {
		Editions Editions `yaml:"editions"`
	}
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Editions) == 0 || doc.Editions[0].ID != SV {
		return DefaultEditions()
	}
	return doc.Editions
}

// LoadEditions returns the editions site.yaml configures, the default
// pair when it names none.
func LoadEditions(fsys fs.FS) Editions { return editionsOf(fsys) }
