package form

import (
	"html"
	"html/template"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"familjeratt.example/portal/content"
)

// Option is one choice of a select, labelled with Label, or, when Label
// is empty, with the interface text Text names ("languages.ar"): a
// source whose names are texts gives keys, and the engine reads them in
// the page's language.
type Option struct{ Value, Label, Text string }

// Sources give selects their options in a language, by source name.
type Sources map[string]func(content.Lang) []Option

// ViewOptions adjust how a form is shown.
type ViewOptions struct {
	Sources   Sources
	Autofocus string         // a field to put the cursor in: the one the parent chose to change
	Items     map[string]int // how many items each repeating group shows, when not as many as posted
	// Only, when set, are the fields shown (by name, without indexes):
	// one step of a form that asks some questions first. Hide are fields
	// not shown, because an earlier step answered them. The caller
	// carries their values in hidden inputs.
	Only, Hide []string
}

// shown reports whether a field, or any field of a group, is shown.
func (o ViewOptions) shown(f *Field) bool {
	if f.Kind == Group || f.Kind == Repeat {
		for _, c := range f.Fields {
			if o.shown(c) {
				return true
			}
		}
		return false
	}
	if len(o.Only) > 0 && !slices.Contains(o.Only, f.Name) {
		return false
	}
	return !slices.Contains(o.Hide, f.Name)
}

// View is a form as the template shows it.
type View struct {
	Name   string // the form's id, for texts
	FormID string // the <form> element's id
	Action string
	Lang   content.Lang
	Errors []ErrorLink
	Items  []Item
}

// ErrorLink is one line of the error summary: a link to the field.
type ErrorLink struct{ Href, Text string }

// Item is a field, a group, or a section heading; exactly one is set.
type Item struct {
	Field   *FieldView
	Group   *GroupView
	Section *SectionView
}

// SectionView is a heading that starts a part of the form.
type SectionView struct{ ID, Heading, Hint string }

// GroupView is a fieldset: a group, a repeating group, or one of its items.
type GroupView struct {
	Name, ID       string
	Legend, Hint   string
	Error          string
	Items          []Item
	Entries        []*GroupView // of a repeating group
	Repeat         bool
	AddLabel       string // the button adding an item, when there is room
	RemoveLabel    string // the button removing this item, when it is not the only one
	RemoveValue    string
	IsEntry        bool
	HeadingLevel   int
	AutofocusFirst bool
}

// FieldView is one field as the template shows it.
type FieldView struct {
	Kind         Kind
	Name, ID     string
	Label, Hint  string
	Error        string
	Optional     bool
	Value        string
	Options      []OptionView
	Empty        string // a select's first option, value "": "Choose", or the field's own (empty=own)
	Autocomplete string
	Inputmode    string
	Width        string
	Spellcheck   string
	Link         string // one of the pages site.yaml names, linked under the field: form.<link>_link
	Autofocus    bool
	DescribedBy  string
}

// OptionView is one radio, checkbox or select option.
type OptionView struct {
	Value, Label, ID string
	Checked          bool
}

// SelectOptions writes a select's options, the chosen one selected. It
// is Go, not a template range, because a select of 290 municipalities
// would otherwise be most of the cost of showing a form again with its
// errors.
func (f *FieldView) SelectOptions() template.HTML {
	var b strings.Builder
	b.Grow(len(f.Options) * 40)
	for _, o := range f.Options {
		b.WriteString(`<option value="`)
		b.WriteString(html.EscapeString(o.Value))
		if o.Checked {
			b.WriteString(`" selected>`)
		} else {
			b.WriteString(`">`)
		}
		b.WriteString(html.EscapeString(o.Label))
		b.WriteString(`</option>`)
	}
	return template.HTML(b.String())
}

// View builds the form for the template: every value as posted, each
// error at its field and in the summary.
func (d *Definition) View(strs *content.Strings, lang content.Lang, values url.Values, errs []Error, opts ViewOptions) *View {
	v := &View{Name: d.ID, FormID: "form-" + d.ID, Action: d.Action, Lang: lang}
	byField := map[string]string{}
	for _, e := range errs {
		msg := d.Message(strs, lang, e)
		href := "#" + ID(e.Field)
		if f, ok := d.Field(e.Field); ok && f.Kind == Repeat {
			href = "#" + ID(e.Field+".0."+f.Fields[0].Key)
		}
		v.Errors = append(v.Errors, ErrorLink{Href: href, Text: msg})
		if _, dup := byField[e.Field]; !dup {
			byField[e.Field] = msg
		}
	}
	b := viewBuilder{d: d, strs: strs, lang: lang, values: values, errs: byField, opts: opts}
	v.Items = b.items(d.Fields, "", 2)
	return v
}

type viewBuilder struct {
	d      *Definition
	strs   *content.Strings
	lang   content.Lang
	values url.Values
	errs   map[string]string
	opts   ViewOptions
}

func (b *viewBuilder) text(key string, args ...any) string {
	return b.strs.MustGet(b.lang, key, args...)
}

func (b *viewBuilder) optional(key string) string {
	if b.strs.Has(key) {
		return b.strs.MustGet(b.lang, key)
	}
	return ""
}

func (b *viewBuilder) items(fs []*Field, prefix string, level int) []Item {
	var items []Item
	for _, f := range fs {
		if !b.opts.shown(f) {
			continue
		}
		name := prefix + f.Key
		switch f.Kind {
		case Group:
			g := &GroupView{Name: name, ID: ID(name), Legend: b.text(b.d.textKey(f.Name, "legend")),
				Hint: b.optional(b.d.textKey(f.Name, "hint")), HeadingLevel: level}
			g.Items = b.items(f.Fields, name+".", level+1)
			items = append(items, Item{Group: g})
		case Repeat:
			g := &GroupView{Name: name, ID: ID(name), Legend: b.text(b.d.textKey(f.Name, "legend")),
				Hint: b.optional(b.d.textKey(f.Name, "hint")), Repeat: true, HeadingLevel: level, Error: b.errs[name]}
			n := b.count(f, name)
			base := "form." + b.d.ID + "." + f.Name
			for i := 0; i < n; i++ {
				entry := &GroupView{Name: name + "." + strconv.Itoa(i), IsEntry: true, HeadingLevel: level + 1,
					Legend: b.text(base+".item", "n", i+1)}
				entry.ID = ID(entry.Name)
				if n > 1 {
					entry.RemoveLabel = b.text(base+".remove", "n", i+1)
					entry.RemoveValue = "remove:" + name + "." + strconv.Itoa(i)
				}
				entry.Items = b.items(f.Fields, entry.Name+".", level+2)
				g.Entries = append(g.Entries, entry)
			}
			if n < f.Max {
				g.AddLabel = b.text(base + ".add")
			}
			items = append(items, Item{Group: g})
		default:
			if sec := f.Attrs["section"]; sec != "" {
				key := "form." + b.d.ID + ".section." + sec
				items = append(items, Item{Section: &SectionView{ID: "section-" + sec, Heading: b.text(key), Hint: b.optional(key + ".hint")}})
			}
			items = append(items, Item{Field: b.field(f, name)})
		}
	}
	return items
}

// count is how many items of a repeating group to show: as many as were
// posted (the highest index, plus one), or what the options say.
func (b *viewBuilder) count(f *Field, name string) int {
	if n, ok := b.opts.Items[name]; ok {
		return max(1, min(n, f.Max))
	}
	n := 1
	prefix := name + "."
	for k := range b.values {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			idx, _, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(idx); err == nil && i+1 > n && i < f.Max {
				n = i + 1
			}
		}
	}
	return n
}

func (b *viewBuilder) field(f *Field, name string) *FieldView {
	fv := &FieldView{Kind: f.Kind, Name: name, ID: ID(name), Error: b.errs[name], Optional: !f.Required,
		Value: valid(b.values.Get(name)), Autofocus: b.opts.Autofocus == name,
		Autocomplete: f.Attrs["autocomplete"], Inputmode: f.Attrs["inputmode"], Width: f.Attrs["width"],
		Spellcheck: f.Attrs["spellcheck"], Link: f.Attrs["link"]}
	if f.Kind == Honeypot {
		fv.Label = b.text("form.honeypot")
		fv.Optional = false
		return fv
	}
	fv.Label = b.text(b.d.textKey(f.Name, "label"))
	fv.Hint = b.optional(b.d.textKey(f.Name, "hint"))
	var described []string
	if fv.Hint != "" {
		described = append(described, fv.ID+"-hint")
	}
	if fv.Error != "" {
		described = append(described, fv.ID+"-error")
	}
	fv.DescribedBy = strings.Join(described, " ")
	checked := map[string]bool{}
	for _, v := range b.values[name] {
		checked[v] = true
	}
	switch f.Kind {
	case Radios, Checkboxes:
		for i, o := range f.Options {
			id := fv.ID
			if i > 0 {
				id += "-" + o
			}
			fv.Options = append(fv.Options, OptionView{Value: o, ID: id, Checked: checked[o],
				Label: b.text(b.d.textKey(f.Name, "option."+o))})
		}
	case Checkbox:
		fv.Options = []OptionView{{Value: "yes", ID: fv.ID, Checked: checked["yes"], Label: fv.Label}}
	case Select:
		fv.Empty = b.text("form.choose")
		if f.OwnEmpty() {
			fv.Empty = b.text(b.d.textKey(f.Name, "empty"))
		}
		if src, ok := b.opts.Sources[f.Source]; ok {
			for _, o := range src(b.lang) {
				fv.Options = append(fv.Options, OptionView{Value: o.Value, Label: b.label(o), Checked: checked[o.Value]})
			}
		}
	}
	return fv
}

// label is an option's label in the page's language.
func (b *viewBuilder) label(o Option) string {
	if o.Label == "" && o.Text != "" {
		return b.text(o.Text)
	}
	return o.Label
}

// Hidden is a name and value carried in a hidden input.
type Hidden struct{ Name, Value string }

// HiddenValues returns the values as hidden inputs, in the order of the
// form, so the check-answers page can post them again unchanged.
func (d *Definition) HiddenValues(values url.Values) []Hidden {
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	order := d.order()
	sort.Slice(names, func(i, j int) bool {
		pi, pj := order[names[i]], order[names[j]]
		if pi != pj {
			return pi < pj
		}
		return names[i] < names[j]
	})
	var out []Hidden
	for _, n := range names {
		for _, v := range values[n] {
			out = append(out, Hidden{Name: n, Value: valid(v)})
		}
	}
	return out
}

// valid is s as a page may show it: bytes that are not UTF-8 (which the
// rules refuse) are echoed as U+FFFD, so the page stays valid UTF-8.
func valid(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// Summary is the check-answers list: sections of rows, each with a button
// to change the answer.
type Summary struct {
	Sections []SummarySection
}

// SummarySection is a heading and its rows.
type SummarySection struct {
	Heading string
	Rows    []SummaryRow
}

// SummaryRow is one question and answer.
type SummaryRow struct {
	Key    string
	Value  string
	Field  string // the field to go back to
	Anchor string // its id on the form page
}

// Summary builds the check-answers list from the posted values. For staff
// (the message an office receives), a group's heading is its staff_legend
// text where it has one: "Sökanden" rather than "Om dig", a field's label
// its staff_label, and a question with no answer has no row.
func (d *Definition) Summary(strs *content.Strings, lang content.Lang, values url.Values, sources Sources, staff bool) *Summary {
	b := viewBuilder{d: d, strs: strs, lang: lang, values: values, opts: ViewOptions{Sources: sources}}
	var secs []*SummarySection
	current := func() *SummarySection {
		if len(secs) == 0 {
			secs = append(secs, &SummarySection{})
		}
		return secs[len(secs)-1]
	}
	var walk func(fs []*Field, prefix string, section *SummarySection)
	walk = func(fs []*Field, prefix string, section *SummarySection) {
		for _, f := range fs {
			name := prefix + f.Key
			if sec := f.Attrs["section"]; sec != "" && section == nil {
				// For staff, a section may have a heading of its own
				// (form.<id>.staff_section.<name>), as a field its
				// staff_label: the parent's is often in the second person.
				key := "form." + d.ID + ".section." + sec
				if own := "form." + d.ID + ".staff_section." + sec; staff && strs.Has(own) {
					key = own
				}
				secs = append(secs, &SummarySection{Heading: b.text(key)})
			}
			switch f.Kind {
			case Honeypot, Checkbox:
				continue
			case Group:
				key := d.textKey(f.Name, "legend")
				if staff && strs.Has(d.textKey(f.Name, "staff_legend")) {
					key = d.textKey(f.Name, "staff_legend")
				}
				sec := &SummarySection{Heading: b.text(key)}
				secs = append(secs, sec)
				walk(f.Fields, name+".", sec)
			case Repeat:
				for i := 0; i < b.count(f, name); i++ {
					sec := &SummarySection{Heading: b.text("form."+d.ID+"."+f.Name+".item", "n", i+1)}
					secs = append(secs, sec)
					walk(f.Fields, name+"."+strconv.Itoa(i)+".", sec)
				}
			default:
				target := section
				if target == nil {
					target = current()
				}
				label := d.textKey(f.Name, "label")
				if staff {
					// Staff read the answers, not the questions: a label of
					// their own where the parent's is in the second person,
					// and no row for a question the parent left unanswered.
					if !b.answered(name) {
						continue
					}
					if strs.Has(d.textKey(f.Name, "staff_label")) {
						label = d.textKey(f.Name, "staff_label")
					}
				}
				target.Rows = append(target.Rows, SummaryRow{
					Key: b.text(label), Value: b.display(f, name),
					Field: name, Anchor: ID(name)})
			}
		}
	}
	walk(d.Fields, "", nil)
	s := &Summary{}
	for _, sec := range secs {
		if len(sec.Rows) > 0 {
			s.Sections = append(s.Sections, *sec)
		}
	}
	return s
}

// answered reports whether a field has an answer that is not blank.
func (b *viewBuilder) answered(name string) bool {
	for _, v := range b.values[name] {
		if strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}

// display is how an answer reads back: the label of a chosen option, or
// the text as typed, or "not given" (or, for a select whose empty value
// is an answer of its own, that answer's text).
func (b *viewBuilder) display(f *Field, name string) string {
	vals := b.values[name]
	var parts []string
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		switch f.Kind {
		case Radios, Checkboxes:
			key := b.d.textKey(f.Name, "option."+v)
			if b.strs.Has(key) {
				v = b.text(key)
			}
		case Select:
			if src, ok := b.opts.Sources[f.Source]; ok {
				for _, o := range src(b.lang) {
					if o.Value == v {
						v = b.label(o)
					}
				}
			}
		}
		parts = append(parts, valid(v))
	}
	if len(parts) == 0 {
		if f.OwnEmpty() {
			return b.text(b.d.textKey(f.Name, "empty"))
		}
		return b.text("form.not_given")
	}
	return strings.Join(parts, "\n")
}
