package cms

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"familjeratt.example/portal/content"
)

// help is what the editor shows beside one key of a data file: its label,
// a hint under it, and, where the key's Go type alone would give the wrong
// widget, the widget to use.
type help struct {
	label, hint string
	widget      string // "text" for several lines; "select" and "file" for the keys fields makes them for
}

// pageHelp documents every front-matter key of content.FrontMatter, in
// editors' words, after the key list in site/doc.go. fields refuses a key
// without an entry here and an entry without a key, so the editor can
// neither miss a key the build accepts nor offer one it refuses.
var pageHelp = map[string]help{
	"title": {label: "Title", hint: "The page's heading and the browser tab's title. Keep it short: at most 120 characters."},
	"description": {label: "Description", widget: "text",
		hint: "One or two sentences about the page: search engines show it under the title. At most 300 characters."},
	"order": {label: "Order", hint: "A number that sorts the page within its section: lower comes first. Pages with the same number are sorted by title."},
	"draft": {label: "Draft", hint: "On keeps the page out of the site. Links to a draft are broken links, so the build refuses them."},
	"translation": {label: "Translation of",
		hint: "The Swedish page this page translates: its file below the sv/ folder, like %q. Leave empty when it has the same path there. " +
			"Every Swedish page needs a version in each complete edition (%s)."},
	"layout": {label: "Layout", hint: "Leave empty for an ordinary page. \"home\" is the start page; \"offices\" lists the offices " +
		"(only the page site.yaml's links.offices names); \"uncrc\" lists the articles of the Convention on the Rights of the Child; " +
		"\"privacy\" is the privacy notice, with who runs the portal and each office's part below the text; " +
		"\"statistics\" shows the published statistics (statistics/, written by make stats) below the text."},
	"exit": {label: "Exit this page", hint: "On shows the \"Exit this page\" button: for pages a parent at risk may need to leave quickly."},
	"sources": {label: "Sources",
		hint: "What the page's facts rest on, listed at its foot: a law, an authority's guidance. A legal claim needs its source here."},
	"sources.title": {label: "Title", hint: "Name the source so a reader can find it, like \"Föräldrabalken (1949:381) 6 kap. 17 c §\"."},
	"sources.url":   {label: "Address", hint: "Optional. Starting with https://, for example the law on rkrattsbaser.gov.se."},
	"nav": {label: "Listed in the section's navigation",
		hint: "Off leaves the page out of the section's navigation; it is still published and may be linked to. " +
			"A page that never set this is listed, although the switch shows off until you turn it on."},
}

// officeHelp documents every key of an office file, content.Office, by
// its path. A text in both languages (content.Text) is one entry: its
// Swedish and English fields take the entry's label.
var officeHelp = map[string]help{
	"name": {label: "Name",
		hint: "The office's name. In English, write it as a proper name with the place first and no \"the\" " +
			"(\"Malmö Family Law Office\"): the texts put it after words such as \"has reached\"."},
	"municipalities": {label: "Municipalities", widget: "select",
		hint: "Every municipality whose parents this office receives. A municipality has one office."},
	"contact": {label: "Contact",
		hint: "How parents reach the office, on its page, in the footer of its pages and after applying. Give at least one of phone, e-mail and website."},
	"contact.phone":            {label: "Phone", hint: "As people write it, like 010-35 33 100 or +46 10 35 33 100."},
	"contact.email":            {label: "E-mail", hint: "The office's address for parents, like familjeratten@kommun.se."},
	"contact.website":          {label: "Website", hint: "Starting with https://."},
	"contact.postal_address":   {label: "Postal address", widget: "text", hint: "One line per address line."},
	"contact.visiting_address": {label: "Visiting address", hint: "Where parents come for the talks."},
	"contact.opening_hours":    {label: "Opening hours", hint: "When parents can call or come. Give both languages or neither."},
	"promises": {label: "What happens after an application",
		hint: "What the office promises a parent who has applied, and when: \"You get a time for a first talk within two weeks.\""},
	"notes":            {label: "Notes", hint: "Other local facts parents should know."},
	"partners":         {label: "Other help nearby", hint: "Other help near the office, such as family counselling."},
	"partners.name":    {label: "Name", hint: "The other help's name."},
	"partners.about":   {label: "About", hint: "What it offers, in a sentence. Give both languages or neither."},
	"partners.phone":   {label: "Phone", hint: "As people write it, like 0763-44 55 62."},
	"partners.email":   {label: "E-mail", hint: "Its address for parents."},
	"partners.website": {label: "Website", hint: "Starting with https://."},
	"practice": {label: "How the talks go here",
		hint: "Your office's own practice, shown on its page, its form and the confirmation. Leave out what you do not know: the site never guesses."},
	"practice.first_talk": {label: "First talk",
		hint: "everyone: each parent first has a talk alone. on_request: a parent who asks has one. Leave empty if neither fits."},
	"practice.usual_talks":      {label: "Usual number of talks", hint: "From and to, like 2 and 5. Leave both empty if it varies too much to say."},
	"practice.usual_talks.from": {label: "From", hint: "The fewest talks you usually have."},
	"practice.usual_talks.to":   {label: "To", hint: "The most talks you usually have; not fewer than From."},
	"practice.aim_months":       {label: "Aim: finished within (months)", hint: "How many months you aim to finish the talks within, 2 to 24."},
	"practice.follow_up_talk": {label: "Offers a follow-up talk",
		hint: "On if you offer a follow-up talk after the talks. Only then can parents ask for one online."},
	"practice.follow_up_after_months": {label: "Follow-up after (months)", hint: "About how many months after the talks. Needs the switch above on."},
	"practice.talk_notes":             {label: "Notes from the talks", hint: "destroyed_at_end: the notes are destroyed when the talks end. Leave empty otherwise."},
	"practice.kept":                   {label: "What is kept afterwards", hint: "What you keep after the talks, and why, like \"The application is kept, so that we can keep statistics.\""},
	"privacy": {label: "Privacy notice",
		hint: "Only your municipality knows these. The site shows \"not given yet\" for what is missing, and make check-publish refuses to go live without them."},
	"privacy.controller":         {label: "Controller", hint: "Who is responsible for the applications (personuppgiftsansvarig), usually the social welfare board, and how to reach them."},
	"privacy.controller.name":    {label: "Name", hint: "Like \"Socialnämnden i Kalmar kommun\"."},
	"privacy.controller.phone":   {label: "Phone", hint: "As people write it. Give at least one of phone, e-mail and website."},
	"privacy.controller.email":   {label: "E-mail", hint: "Like kommun@kalmar.se."},
	"privacy.controller.website": {label: "Website", hint: "Starting with https://."},
	"privacy.data_protection_officer": {label: "Data protection officer",
		hint: "How parents reach the controller's data protection officer (dataskyddsombud). Give at least one of phone, e-mail and website."},
	"privacy.data_protection_officer.phone":   {label: "Phone", hint: "As people write it."},
	"privacy.data_protection_officer.email":   {label: "E-mail", hint: "Like dataskyddsombud@kalmar.se."},
	"privacy.data_protection_officer.website": {label: "Website", hint: "Starting with https://."},
	"privacy.retention":                       {label: "How long an application is kept", hint: "How long you keep it, and what happens to it then."},
	"privacy.notice":                          {label: "The municipality's privacy page", hint: "Optional. Starting with https://."},
	"sources": {label: "Sources",
		hint: "Where the facts in this file come from: your routine, leaflet or web page. Whoever signs off the content checks the facts against them."},
	"sources.title": {label: "Title", hint: "Like \"Rutin för samarbetssamtal, Familjerätten i Kalmar\"."},
	"sources.url":   {label: "Address", hint: "Optional: many routines are internal. Starting with https://."},
	"intake": {label: "Where applications go",
		hint: "Read by the intake function. The deployment sets the real inbox (README: Running in production)."},
	"intake.inbox": {label: "Inbox",
		hint: "The mailbox applications are delivered to. In the repository it is a placeholder under familjeratt.example."},
	"intake.certificates": {label: "Certificates", widget: "file",
		hint: "The office's S/MIME certificates as PEM files (the office mailbox's, and those of staff who read with their own keys): " +
			"applications are encrypted to each. Upload the file the office's IT department sends; the README's staff guide says how to export it."},
	"intake.remind_after_days": {label: "Reminder after (working days)",
		hint: "How many working days after an application arrived the office is reminded if nobody has confirmed receipt. Default 2."},
	"intake.escalate_to": {label: "Escalate to",
		hint: "Another address (a manager's, say) told when an application is still not confirmed after the reminder and as many days again."},
	"intake.accept_tls_only": {label: "Accept delivery without encryption",
		hint: "Only for an office with no certificate yet, and only after reading the README section \"TLS-only delivery: the risk\": " +
			"the mail provider can then read the applications."},
	"intake.name": {label: "Name of the receiving unit",
		hint: "Optional. Only where the unit that receives applications has a name of its own, other than the office's."},
	"units": {label: "Other units",
		hint: "Other parts of the municipality that receive forms through the portal, each with its own inbox and certificates: " +
			"the supported-contact unit (umgängesstöd) receives the support persons' visit reports, and the coordinator for " +
			"violence in close relationships receives requests to be contacted safely. A form whose unit the office lacks is not taken here; " +
			"the content guide (content/README.md, Units) says how to add one."},
	"units.umgangesstod": {label: "Supported contact (umgängesstöd)",
		hint: "Receives the visit reports support persons write after each supported visit."},
	"units.vald": {label: "Violence in close relationships",
		hint: "The coordinator who receives requests from parents at risk to be contacted safely."},
}

// A unit's keys mean what the family-law intake's do, for its own forms:
// their help is the intake's, written once.
func init() {
	for _, unit := range []string{"units.umgangesstod", "units.vald"} {
		for key, h := range officeHelp {
			if rest, ok := strings.CutPrefix(key, "intake."); ok {
				h.hint = strings.NewReplacer("applications", "forms", "an application", "a form", "An application", "A form").Replace(h.hint)
				officeHelp[unit+"."+rest] = h
			}
		}
	}
	officeHelp["units.umgangesstod.name"] = help{label: "Name", hint: "The unit's name, like Umgängesstödet i Östhammar: the office page shows it beside the forms it receives."}
	officeHelp["units.vald.name"] = help{label: "Name", hint: "The unit's name, like Våldsamordnaren i Malmö: the office page shows it beside the forms it receives."}
}

var textType = reflect.TypeFor[content.Text]()

// fields makes the editor's fields for the YAML keys of the struct type t,
// from the Go type and validate rules of each and its entry in docs.
// optional says that t's value may be left out as a whole, so none of its
// keys may be required on its own. used collects the docs entries taken.
func (g *generator) fields(t reflect.Type, prefix string, docs map[string]help, optional bool, used map[string]bool) ([]Field, error) {
	var out []Field
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "-" || !sf.IsExported() {
			continue
		}
		if opts == "inline" {
			// An embedded struct's keys are the outer struct's own.
			sub, err := g.fields(sf.Type, prefix, docs, optional, used)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		key := join(prefix, name)
		h, ok := docs[key]
		if !ok {
			return nil, fmt.Errorf("%s %s: the key %q has no help text in build/cms: add it", t, sf.Name, key)
		}
		used[key] = true
		rules := rules(sf.Tag.Get("validate"))
		f := Field{Label: h.label, Name: name, Hint: h.hint, Required: !optional && rules["required"] != ""}
		ft := sf.Type
		switch {
		case ft == textType || ft.Kind() == reflect.Pointer && ft.Elem() == textType:
			f.Widget = "object"
			f.Required = f.Required && ft.Kind() != reflect.Pointer
			f.Fields = g.textFields(h, optional || ft.Kind() == reflect.Pointer, h.widget == "text")
		case ft.Kind() == reflect.Struct || ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
			// A pointer is a group that may be left out as a whole.
			ptr := ft.Kind() == reflect.Pointer
			if ptr {
				ft = ft.Elem()
			}
			f.Widget = "object"
			f.Required = f.Required && !ptr
			sub, err := g.fields(ft, key, docs, optional || ptr, used)
			if err != nil {
				return nil, err
			}
			f.Fields = sub
		case ft.Kind() == reflect.Slice && ft.Elem() == textType:
			f.Widget, f.Summary = "list", "{{fields.sv}}"
			f.Fields = g.textFields(h, false, true)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			f.Widget, f.Summary = "list", "{{fields.name.sv}}"
			if n, ok := ft.Elem().FieldByName("Name"); !ok || n.Type != textType {
				f.Summary = "{{fields.title}}"
			}
			sub, err := g.fields(ft.Elem(), key, docs, false, used)
			if err != nil {
				return nil, err
			}
			f.Fields = sub
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String && h.widget == "select":
			// The kommunkoder: a choice among kommuner.tsv's, which is
			// the only set the build accepts.
			if rules["kommunkod"] == "" {
				return nil, fmt.Errorf("%s: a select needs a rule that names its choices", key)
			}
			f.Widget, f.Multiple, f.Options = "select", true, g.municipalities
			if n := rules["min"]; n != "" {
				f.Min, _ = strconv.Atoi(n)
			}
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String && h.widget == "file":
			// Certificate files below offices/: uploaded next to the
			// office files, named as the office file names them.
			f.Widget = "list"
			f.Field = &Field{Label: "Certificate", Name: "certificate", Widget: "file", Required: true,
				MediaFolder: "certs", PublicFolder: "certs", ChooseURL: new(false)}
		case ft.Kind() == reflect.String:
			f.Widget = "string"
			if h.widget == "text" {
				f.Widget = "text"
			}
			if opts := rules["oneof"]; opts != "" {
				f.Widget, f.Options = "select", nil
				for _, o := range strings.Fields(opts) {
					f.Options = append(f.Options, Option{Label: o, Value: o})
				}
				break
			}
			p, err := pattern(rules)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", key, err)
			}
			f.Pattern = p
		case ft.Kind() == reflect.Bool || ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Bool:
			f.Widget, f.Required = "boolean", false
		case ft.Kind() == reflect.Int:
			f.Widget, f.ValueType, f.Required = "number", "int", false
		default:
			return nil, fmt.Errorf("%s: no widget for the Go type %s", key, ft)
		}
		out = append(out, f)
	}
	return out, nil
}

// textFields are the fields of a text, one per edition: required in
// Swedish and the complete editions, optional in the others, which show
// the Swedish text where they have none.
func (g *generator) textFields(h help, optional, long bool) []Field {
	widget := "string"
	if long {
		widget = "text"
	}
	complete := g.eds.Complete()
	var out []Field
	for _, e := range g.eds {
		f := Field{Label: h.label + " in " + g.langName(e.ID), Name: string(e.ID), Widget: widget,
			Required: !optional && slices.Contains(complete, e.ID)}
		if !slices.Contains(complete, e.ID) {
			f.Hint = "Optional: without it, this edition shows the Swedish text."
		}
		out = append(out, f)
	}
	return out
}

// rules parses a validate tag into its rules and their parameters.
func rules(tag string) map[string]string {
	out := map[string]string{}
	for _, r := range strings.Split(tag, ",") {
		name, param, _ := strings.Cut(r, "=")
		if name == "dive" {
			// What follows applies to each element; for the editor the
			// element's rules are the field's.
			continue
		}
		if param == "" {
			param = "yes"
		}
		out[name] = param
	}
	return out
}

// The patterns the editor checks as an editor types, from the content
// package's rules. They never refuse what the build accepts (the tests
// hold them to that); the build has the last word.
var (
	emailPattern = `^[^@\s]+@[^@\s]+\.[^@\s]+$`
	// IsPhone also counts the digits (3 to 15); a pattern cannot.
	phonePattern = `^\+?[0-9]+([ -][0-9]+)*$`
	// content's webURLRE, which IsWebURL uses.
	webURLPattern = `^https://[a-z0-9.-]+\.[a-z]{2,}(/[^\s]*)?$`
	// A page's path below a language folder: content's names, ending .md.
	pagePathPattern = `^([a-z0-9]+(-[a-z0-9]+)*/)*[a-z0-9]+(-[a-z0-9]+)*\.md$`
)

// pattern returns the editor's check for a string's rules, or nil.
func pattern(r map[string]string) ([]string, error) {
	var ps [][]string
	if r["email"] != "" {
		ps = append(ps, []string{emailPattern, "Write an e-mail address, like namn@kommun.se"})
	}
	if r["servicephone"] != "" {
		ps = append(ps, []string{phonePattern, "Write the number with digits, spaces and hyphens, like 010-35 33 100"})
	}
	if r["weburl"] != "" {
		ps = append(ps, []string{webURLPattern, "Write the whole address, starting with https://"})
	}
	if r["endswith"] == ".md" {
		ps = append(ps, []string{pagePathPattern, "Write the file's path below the language folder, like samarbetssamtal/avtal.md: a–z, 0–9 and hyphens"})
	}
	if n := r["max"]; n != "" && len(ps) == 0 {
		ps = append(ps, []string{`^[\s\S]{0,` + n + `}$`, "At most " + n + " characters"})
	}
	switch len(ps) {
	case 0:
		return nil, nil
	case 1:
		return ps[0], nil
	}
	return nil, fmt.Errorf("rules %v give %d patterns; the editor takes one", slices.Sorted(maps.Keys(r)), len(ps))
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// yamlPaths lists the key paths of t's YAML form as fields documents
// them: a content.Text is one key. The tests compare it with the help
// tables.
func yamlPaths(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "-" || !sf.IsExported() {
			continue
		}
		if opts == "inline" {
			out = append(out, yamlPaths(sf.Type, prefix)...)
			continue
		}
		key := join(prefix, name)
		out = append(out, key)
		ft := sf.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != textType {
			out = append(out, yamlPaths(ft, key)...)
		}
	}
	return out
}
