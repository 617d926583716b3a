package content

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Text is a short text in the site's editions, keyed by edition id:
//
//	name: {sv: Familjerätten i Torsås, en: Family law office, Torsås}
//
// Swedish is required, and so is every complete edition; another edition
// may leave a text out, and the site shows the Swedish one in its place,
// marked as Swedish.
type Text map[Lang]string

// In returns the text in lang, or the Swedish text when lang has none.
func (t Text) In(lang Lang) string { return inEdition(t, lang) }

// inEdition is m's value for lang, or else Swedish's.
func inEdition(m map[Lang]string, lang Lang) string {
	if v := m[lang]; v != "" {
		return v
	}
	return m[SV]
}

// Has reports whether the text has its own value in lang.
func (t Text) Has(lang Lang) bool { return t[lang] != "" }

// MarshalYAML writes the text as a flow mapping, Swedish first and then
// the editions in id order, so that a rewritten file stays readable and
// its diffs small.
func (t Text) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	keys := make([]string, 0, len(t))
	for l := range t {
		if l != SV {
			keys = append(keys, string(l))
		}
	}
	slices.Sort(keys)
	if _, ok := t[SV]; ok {
		keys = append([]string{string(SV)}, keys...)
	}
	for _, k := range keys {
		n.Content = append(n.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Value: k},
			&yaml.Node{Kind: yaml.ScalarNode, Value: t[Lang(k)]})
	}
	return n, nil
}

// PathPair is the address of one page in the site's editions, keyed by
// edition id. Swedish and every complete edition are required; an
// edition left out links to the Swedish page.
type PathPair map[Lang]string

// In returns the address in lang, or the Swedish address.
func (p PathPair) In(lang Lang) string { return inEdition(p, lang) }

// Has reports whether lang has an address of its own.
func (p PathPair) Has(lang Lang) bool { return p[lang] != "" }

var (
	textType     = reflect.TypeOf(Text(nil))
	pathPairType = reflect.TypeOf(PathPair(nil))
)

// checkTexts walks a decoded value and checks every Text and PathPair in
// it against the editions: the complete editions are required, a key
// that is no edition is a problem (a typo, or an edition not in
// site.yaml), and no text may hold a control character. root is the
// YAML the value came from, for the lines.
func checkTexts(file string, root *yaml.Node, v any, eds Editions) Problems {
	var probs Problems
	var walk func(rv reflect.Value, path string)
	walk = func(rv reflect.Value, path string) {
		switch {
		case !rv.IsValid() || !holdsTexts(rv.Type()):
			return
		case rv.Type() == textType || rv.Type() == pathPairType:
			if rv.IsNil() {
				return // absent: the struct's own rules say whether it may be
			}
			probs = append(probs, checkText(file, root, path, rv, eds)...)
			return
		}
		switch rv.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !rv.IsNil() {
				walk(rv.Elem(), path)
			}
		case reflect.Struct:
			for _, f := range textFields(rv.Type()) {
				if f.inline {
					walk(rv.Field(f.index), path)
				} else {
					walk(rv.Field(f.index), join(path, f.name))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < rv.Len(); i++ {
				walk(rv.Index(i), path+"["+strconv.Itoa(i)+"]")
			}
		case reflect.Map:
			iter := rv.MapRange()
			for iter.Next() {
				walk(iter.Value(), join(path, fmt.Sprint(iter.Key().Interface())))
			}
		}
	}
	walk(reflect.ValueOf(v), "")
	return probs
}

// textField is a struct field checkTexts walks into: one that can hold
// a text.
type textField struct {
	index  int
	name   string // its YAML key
	inline bool
}

// textFieldsOf caches textFields' answer per type.
var textFieldsOf sync.Map // reflect.Type → []textField

// textFields are the fields of struct type t that can hold a Text or a
// PathPair, with their YAML keys: worked out once per type, not at every
// office of every start of the function.
func textFields(t reflect.Type) []textField {
	if v, ok := textFieldsOf.Load(t); ok {
		return v.([]textField)
	}
	var fs []textField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || !holdsTexts(f.Type) {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fs = append(fs, textField{index: i, name: name, inline: opts == "inline"})
	}
	textFieldsOf.Store(t, fs)
	return fs
}

// textTypes caches holdsTexts' answer per type: every office file is
// walked at every start of the function.
var textTypes sync.Map // reflect.Type → bool

// holdsTexts reports whether a value of type t can hold a Text or a
// PathPair, so that checkTexts walks only what can.
func holdsTexts(t reflect.Type) bool {
	if v, ok := textTypes.Load(t); ok {
		return v.(bool)
	}
	textTypes.Store(t, false) // a type that holds itself: false until known
	holds := false
	switch {
	case t == textType || t == pathPairType:
		holds = true
	case t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		holds = holdsTexts(t.Elem())
	case t.Kind() == reflect.Map:
		holds = holdsTexts(t.Elem())
	case t.Kind() == reflect.Interface:
		holds = true // what it holds is known only at run time
	case t.Kind() == reflect.Struct:
		for i := 0; i < t.NumField() && !holds; i++ {
			holds = t.Field(i).IsExported() && holdsTexts(t.Field(i).Type)
		}
	}
	textTypes.Store(t, holds)
	return holds
}

func checkText(file string, root *yaml.Node, path string, rv reflect.Value, eds Editions) Problems {
	var probs Problems
	isPath := rv.Type() == pathPairType
	for _, l := range eds.Complete() {
		if rv.MapIndex(reflect.ValueOf(l)).IsValid() {
			continue
		}
		probs = append(probs, Problem{File: file, Line: lineOf(root, path), Msg: fmt.Sprintf(
			"%s is missing: add it (every text needs %s)", join(path, string(l)), joinLangs(eds.Complete()))})
	}
	keys := rv.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	for _, k := range keys {
		l := Lang(k.String())
		val := rv.MapIndex(k).String()
		at := join(path, string(l))
		switch {
		case !eds.Has(l):
			probs = append(probs, Problem{File: file, Line: lineOf(root, at), Msg: fmt.Sprintf(
				"%s: %q is not one of the site's editions (%s in site.yaml)", at, l, joinLangs(eds.Langs()))})
		case strings.TrimSpace(val) == "":
			probs = append(probs, Problem{File: file, Line: lineOf(root, at), Msg: fmt.Sprintf("%s is empty: write the text, or leave the key out", at)})
		case HasControl(val, !isPath):
			probs = append(probs, Problem{File: file, Line: lineOf(root, at), Msg: fmt.Sprintf("%s contains an invisible control character: retype it", at)})
		case isPath && !sitePathRE.MatchString(val):
			probs = append(probs, Problem{File: file, Line: lineOf(root, at), Msg: fmt.Sprintf(
				"%s: %q is not a page address; write it from the root, like /%s/familjeratt/", at, val, l)})
		case isPath && !strings.HasPrefix(val, "/"+string(l)+"/"):
			probs = append(probs, Problem{File: file, Line: lineOf(root, at), Msg: fmt.Sprintf(
				"%s: %q is not in the %s edition; its address starts with /%s/", at, val, l, l)})
		}
	}
	return probs
}

func joinLangs(ls []Lang) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = string(l)
	}
	return strings.Join(s, ", ")
}
