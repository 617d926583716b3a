package content

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Strings are the interface texts from i18n/<edition>.yaml: the words on
// buttons, labels, hints and messages. Keys nest in YAML and are addressed
// with dots ("form.submit"). Every key of sv.yaml exists in every
// edition's file, with the same {placeholders}, and no file has a key
// sv.yaml lacks; LoadStrings refuses files where that fails.
type Strings struct {
	langs  []Lang
	text   map[Lang]map[string]string
	lines  map[Lang]map[string]int
	groups map[Lang]map[string]int // the line of each group of keys, for problems about a missing key
}

// StringsDir holds one file per language.
const StringsDir = "i18n"

var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

// LoadStrings reads and checks the interface texts of every edition
// site.yaml configures: i18n/sv.yaml, i18n/en.yaml, ….
func LoadStrings(fsys fs.FS) (*Strings, error) {
	eds := editionsOf(fsys)
	s := &Strings{langs: eds.Langs(), text: make(map[Lang]map[string]string), lines: make(map[Lang]map[string]int), groups: make(map[Lang]map[string]int)}
	var probs Problems
	if files, err := fs.Glob(fsys, StringsDir+"/*.yaml"); err == nil {
		for _, f := range files {
			id := Lang(strings.TrimSuffix(path.Base(f), ".yaml"))
			if !eds.Has(id) {
				probs = append(probs, Problem{File: f, Msg: fmt.Sprintf(
					"site.yaml has no edition %q: add it under editions:, or remove the file", id)})
			}
		}
	}
	type loaded struct {
		text          map[string]string
		lines, groups map[string]int
		probs         Problems
	}
	files := make([]loaded, len(s.langs))
	inParallel(len(s.langs), func(i int) {
		f := &files[i]
		f.text, f.lines, f.groups, f.probs = loadStringFile(fsys, StringsDir+"/"+string(s.langs[i])+".yaml")
	})
	for i, lang := range s.langs {
		f := files[i]
		probs = append(probs, f.probs...)
		s.text[lang], s.lines[lang], s.groups[lang] = f.text, f.lines, f.groups
	}
	if len(probs) > 0 {
		return nil, probs.Err()
	}
	// Every file against sv.yaml, the reference: the same keys, the same
	// placeholders.
	for _, other := range s.langs[1:] {
		file := StringsDir + "/" + string(other) + ".yaml"
		for key, val := range s.text[SV] {
			otherVal, ok := s.text[other][key]
			if !ok {
				probs = append(probs, Problem{File: file, Line: s.groupLine(other, key), Msg: fmt.Sprintf(
					"key %q is missing: sv.yaml has it on line %d; add it here too", key, s.lines[SV][key])})
				continue
			}
			a, b := placeholders(val), placeholders(otherVal)
			if !slices.Equal(a, b) {
				probs = append(probs, Problem{File: file, Line: s.lines[other][key], Msg: fmt.Sprintf(
					"key %q has placeholders %v here but %v in sv.yaml: they must match", key, b, a)})
			}
		}
		for key := range s.text[other] {
			if _, ok := s.text[SV][key]; !ok {
				probs = append(probs, Problem{File: file, Line: s.lines[other][key], Msg: fmt.Sprintf(
					"key %q is not in sv.yaml: add it there first, or remove it here", key)})
			}
		}
	}
	if len(probs) > 0 {
		return nil, probs.Err()
	}
	return s, nil
}

func placeholders(s string) []string {
	ps := placeholderRE.FindAllString(s, -1)
	slices.Sort(ps)
	return slices.Compact(ps)
}

func loadStringFile(fsys fs.FS, file string) (text map[string]string, lines, groups map[string]int, probs Problems) {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, nil, nil, Problems{{File: file, Msg: "cannot read the interface texts: " + err.Error()}}
	}
	var node yaml.Node
	if err := yaml.Unmarshal(src, &node); err != nil {
		return nil, nil, nil, Problems{yamlErrorProblem(file, 0, err.Error())}
	}
	text, lines, groups = make(map[string]string), make(map[string]int), make(map[string]int)
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := join(prefix, k.Value)
			switch {
			case v.Kind == yaml.MappingNode:
				groups[key] = k.Line
				walk(v, key)
			case v.Kind == yaml.ScalarNode && v.Tag == "!!str":
				if _, dup := lines[key]; dup {
					probs = append(probs, Problem{File: file, Line: k.Line, Msg: fmt.Sprintf("key %q is also on line %d", key, lines[key])})
				}
				val := strings.TrimRight(v.Value, "\n")
				switch {
				case strings.TrimSpace(val) == "":
					probs = append(probs, Problem{File: file, Line: k.Line, Msg: fmt.Sprintf("key %q has no text", key)})
				case HasControl(val, true):
					probs = append(probs, Problem{File: file, Line: k.Line, Msg: fmt.Sprintf("key %q contains an invisible control character: retype it", key)})
				}
				text[key], lines[key] = val, k.Line
			default:
				probs = append(probs, Problem{File: file, Line: v.Line, Msg: fmt.Sprintf(
					"key %q must be a text (put it in quotes) or a group of keys", key)})
			}
		}
	}
	if len(node.Content) == 0 || node.Content[0].Kind != yaml.MappingNode {
		return nil, nil, nil, Problems{{File: file, Msg: "the file must hold keys and texts"}}
	}
	walk(node.Content[0], "")
	return text, lines, groups, probs
}

// Line is the file and line of key in lang's texts.
func (s *Strings) Line(lang Lang, key string) (string, int) {
	return StringsDir + "/" + string(lang) + ".yaml", s.lines[lang][key]
}

// Langs are the editions whose texts these are, Swedish first.
func (s *Strings) Langs() []Lang { return s.langs }

// Has reports whether key exists (in every language, as loading ensures).
func (s *Strings) Has(key string) bool {
	_, ok := s.text[SV][key]
	return ok
}

// Get returns the text for key in lang, with {placeholders} replaced by
// args, given as name-value pairs. A missing key is an error: the page
// must not ship with a hole in it.
func (s *Strings) Get(lang Lang, key string, args ...any) (string, error) {
	v, ok := s.text[lang][key]
	if !ok {
		return "", fmt.Errorf("interface text %q is missing from %s/%s.yaml", key, StringsDir, lang)
	}
	if len(args) == 0 {
		return v, nil
	}
	if len(args)%2 != 0 {
		return "", fmt.Errorf("interface text %q: arguments must come in name-value pairs", key)
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(v), nil
}

// MustGet is Get for texts the code itself depends on; a missing key was
// caught when the strings were loaded or by the tests, so it panics.
func (s *Strings) MustGet(lang Lang, key string, args ...any) string {
	v, err := s.Get(lang, key, args...)
	if err != nil {
		panic(err)
	}
	return v
}

// Require reports each key the texts lack, in every language's file, at
// the line of the nearest group the key would belong to, so that a text
// the code needs is found missing before anything is rendered. A key may
// be followed by a note in parentheses, "form.x.error.max (or
// form.error.max)", which the message repeats.
func (s *Strings) Require(keys ...string) Problems {
	var probs Problems
	for _, k := range keys {
		key, note, _ := strings.Cut(k, " ")
		if s.Has(key) {
			continue
		}
		for _, lang := range s.langs {
			msg := fmt.Sprintf("the interface text %q is missing: the portal needs it; add it", key)
			if note != "" {
				msg = fmt.Sprintf("the interface text %q %s is missing: the portal needs it; add it", key, note)
			}
			probs = append(probs, Problem{File: StringsDir + "/" + string(lang) + ".yaml", Line: s.groupLine(lang, key), Msg: msg})
		}
	}
	return probs
}

// groupLine is the line of the nearest group above key that the file
// has, or 1.
func (s *Strings) groupLine(lang Lang, key string) int {
	for {
		i := strings.LastIndexByte(key, '.')
		if i < 0 {
			return 1
		}
		key = key[:i]
		if n, ok := s.groups[lang][key]; ok {
			return n
		}
	}
}
