package site

import (
	"fmt"
	"maps"
	"slices"
)

// codeTexts are the interface texts the generator's code asks for by name
// (MustGet), the chrome's code that it calls included. TestCodeTexts
// keeps the list complete.
var codeTexts = []string{
	"language.missing", // chrome: the language menu, in each edition
	"office.and",
	"breadcrumbs.home",
	"footer.sections_heading",
	"markdown.footnote_back",
	"nav.section_title", // chrome.NewNavList
	"notfound.description",
	"notfound.title",
	"office.description",
	"uncrc.article_short",
	"uncrc.article_title",
	"uncrc.description",
	"uncrc.slug",
}

// fixedLayouts are the layouts of the pages the generator makes itself;
// Markdown pages name theirs, and forms give theirs with their pages.
var fixedLayouts = []string{"article", "notfound", "office"}

// checkTexts reports every interface text the build will ask for that the
// texts lack: the code's, the forms', those named in the templates of
// the generated pages' and the Markdown pages' layouts, and, when a page
// has the statistics layout, the catalogue's (statisticsTexts). It runs before
// anything is laid out, since laying out already asks for texts: a
// missing one is a problem at a line of i18n/, never a panic.
func (s *state) checkTexts() error {
	layouts := slices.Clone(fixedLayouts)
	for _, p := range s.sources {
		layouts = append(layouts, p.layout())
	}
	keys, err := s.layoutTexts(layouts)
	if err != nil {
		return err
	}
	if slices.Contains(layouts, "statistics") {
		keys = append(keys, statisticsTexts()...)
	}
	probs := s.data.Strings.Require(sortedSet(append(keys, codeTexts...))...)
	for _, f := range s.opts.Forms {
		probs = append(probs, f.CheckTexts(s.data.Strings)...)
	}
	return probs.Err()
}

// checkFormLayoutTexts reports the texts missing from the templates of
// the layouts the forms' pages gave, once they are laid out, before any
// page is rendered. The forms' own texts were checked before.
func (s *state) checkFormLayoutTexts() error {
	var layouts []string
	for _, p := range s.pages {
		if p.kind == kindForm {
			layouts = append(layouts, p.layout())
		}
	}
	keys, err := s.layoutTexts(layouts)
	if err != nil {
		return err
	}
	return s.data.Strings.Require(sortedSet(keys)...).Err()
}

// layoutTexts returns the texts the templates of layouts name.
func (s *state) layoutTexts(layouts []string) ([]string, error) {
	var keys []string
	for _, l := range sortedSet(layouts) {
		ks, err := s.chrome.Texts(l)
		if err != nil {
			return nil, fmt.Errorf("layout %s: %w", l, err)
		}
		keys = append(keys, ks...)
	}
	return keys, nil
}

// sortedSet returns the distinct strings of list, sorted, so that each
// missing text is one problem, in the same order every build.
func sortedSet(list []string) []string {
	set := make(map[string]bool, len(list))
	for _, k := range list {
		set[k] = true
	}
	return slices.Sorted(maps.Keys(set))
}
