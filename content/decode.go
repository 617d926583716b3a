package content

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/go-playground/validator/v10"
	"go.yaml.in/yaml/v3"
)

// validate holds the struct rules for every data file. Field names in its
// errors are the YAML keys, so a message can name the key the editor typed.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(v.RegisterValidation("kommunkod", func(fl validator.FieldLevel) bool {
		return IsKommunkod(fl.Field().String())
	}))
	must(v.RegisterValidation("servicephone", func(fl validator.FieldLevel) bool {
		return IsPhone(fl.Field().String())
	}))
	for tag, fn := range TextRules {
		must(v.RegisterValidation(tag, fn))
	}
	must(v.RegisterValidation("weburl", func(fl validator.FieldLevel) bool {
		return IsWebURL(fl.Field().String())
	}))
	must(v.RegisterValidation("sitepath", func(fl validator.FieldLevel) bool {
		return sitePathRE.MatchString(fl.Field().String())
	}))
	return v
}

var (
	kommunkodRE = regexp.MustCompile(`^[0-9]{4}$`)
	sitePathRE  = regexp.MustCompile(`^/[a-z]{2,3}(-[a-z0-9]{2,12})*/([a-z0-9-]+/)*$`)
	webURLRE    = regexp.MustCompile(`^https://[a-z0-9.-]+\.[a-z]{2,}(/[^\s]*)?$`)
)

// IsKommunkod reports whether s has the form of a kommunkod: four digits.
func IsKommunkod(s string) bool { return kommunkodRE.MatchString(s) }

// IsWebURL reports whether s is an https address, the only kind the portal
// links to: a parent should never be sent to an unencrypted site.
func IsWebURL(s string) bool { return webURLRE.MatchString(s) }

// IsPhone reports whether s is a phone number as people write them: digits
// with spaces or hyphens between, an optional leading + for an
// international number, and between 3 and 15 digits (E.164's maximum; 112
// has three).
func IsPhone(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	digits := 0
	prevSep := true // no separator may start the number
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			prevSep = false
		case r == '+':
			if i != 0 {
				return false
			}
		case r == ' ' || r == '-':
			if prevSep {
				return false
			}
			prevSep = true
		default:
			return false
		}
	}
	return !prevSep && digits >= 3 && digits <= 15
}

// PhoneURI returns a tel: address for a phone number written as [IsPhone]
// accepts. Swedish numbers with a leading 0 keep it: phones dial them as
// written.
func PhoneURI(s string) string {
	var b strings.Builder
	b.WriteString("tel:")
	for _, r := range s {
		if r == '+' || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TextRules are the validator rules for text that every struct with
// text uses, here and in the forms, so that one name is one rule:
// nocontrol refuses control characters and line breaks (one line of
// text), nocontrolml refuses control characters but allows line breaks
// and tabs.
var TextRules = map[string]validator.Func{
	"nocontrol":   func(fl validator.FieldLevel) bool { return !HasControl(fl.Field().String(), false) },
	"nocontrolml": func(fl validator.FieldLevel) bool { return !HasControl(fl.Field().String(), true) },
}

// HasControl reports whether s holds a control character. Newlines and
// tabs are allowed only when multiline is true.
func HasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff' {
			return true
		}
	}
	return false
}

// decodeNode decodes a YAML mapping into v, a pointer to a struct, and
// checks it: unknown keys, wrong types, the struct's validate rules, and
// its texts against the site's editions. Every problem names the line of
// the key at fault.
func decodeNode(file string, node *yaml.Node, v any, eds Editions) Problems {
	var probs Problems
	probs = append(probs, unknownKeys(file, node, reflect.TypeOf(v).Elem(), "")...)
	if err := node.Decode(v); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				probs = append(probs, yamlErrorProblem(file, 0, msg))
			}
		} else {
			probs = append(probs, yamlErrorProblem(file, 0, err.Error()))
		}
		return probs
	}
	if len(probs) > 0 {
		return probs
	}
	probs = append(probs, validationProblems(file, node, validate.Struct(v))...)
	if eds == nil { // the settings, which check their texts once they know the editions
		return probs
	}
	return append(probs, checkTexts(file, node, v, eds)...)
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlErrorProblem turns a YAML library message ("line 3: cannot
// unmarshal…") into a problem at that line, offset by the lines that come
// before the YAML in its file.
func yamlErrorProblem(file string, offset int, msg string) Problem {
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Problem{File: file, Line: n + offset, Msg: "YAML: " + m[2]}
	}
	return Problem{File: file, Line: offset + 1, Msg: "YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// unknownKeys reports keys in node that t has no field for.
func unknownKeys(file string, node *yaml.Node, t reflect.Type, path string) Problems {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var probs Problems
	switch {
	case node.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		fields := yamlFields(t)
		for i := 0; i+1 < len(node.Content); i += 2 {
			key, val := node.Content[i], node.Content[i+1]
			f, ok := fields[key.Value]
			if !ok && fields["*"].Type != nil {
				probs = append(probs, unknownKeys(file, val, fields["*"].Type.Elem(), join(path, key.Value))...)
				continue
			}
			if !ok {
				msg := fmt.Sprintf("unknown key %q", join(path, key.Value))
				if near := nearest(key.Value, keysOf(fields)); near != "" {
					msg += fmt.Sprintf(": did you mean %q?", near)
				} else {
					msg += fmt.Sprintf("; the keys allowed here are %s", strings.Join(keysOf(fields), ", "))
				}
				probs = append(probs, Problem{File: file, Line: key.Line, Msg: msg})
				continue
			}
			probs = append(probs, unknownKeys(file, val, f.Type, join(path, key.Value))...)
		}
	case node.Kind == yaml.SequenceNode && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i, item := range node.Content {
			probs = append(probs, unknownKeys(file, item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case node.Kind == yaml.MappingNode && t.Kind() == reflect.Map:
		for i := 1; i < len(node.Content); i += 2 {
			probs = append(probs, unknownKeys(file, node.Content[i], t.Elem(), join(path, node.Content[i-1].Value))...)
		}
	}
	return probs
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldCache holds yamlFields' answer per type: thousands of pages share
// one front-matter type.
var fieldCache sync.Map // reflect.Type → map[string]reflect.StructField

func yamlFields(t reflect.Type) map[string]reflect.StructField {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.StructField)
	}
	m := make(map[string]reflect.StructField)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if opts == "inline" && f.Type.Kind() == reflect.Map {
			m["*"] = f // any other key is one of the map's
			continue
		}
		if opts == "inline" {
			for k, v := range yamlFields(f.Type) {
				m[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f
	}
	fieldCache.Store(t, m)
	return m
}

func keysOf(m map[string]reflect.StructField) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// nearest returns the candidate within edit distance 2 of s, for "did you
// mean" hints; typos are the commonest cause of an unknown key.
func nearest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := EditDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, in
// characters: how many to insert, delete or replace to make one the
// other. "Did you mean" hints use it.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// validationProblems explains validator errors in editors' words, at the
// line of the offending key.
func validationProblems(file string, root *yaml.Node, err error) Problems {
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return Problems{{File: file, Msg: err.Error()}}
	}
	var probs Problems
	for _, fe := range verrs {
		// The namespace starts with the Go type's name; the rest are YAML keys.
		_, path, _ := strings.Cut(fe.Namespace(), ".")
		line := lineOf(root, path)
		probs = append(probs, Problem{File: file, Line: line, Msg: ruleMessage(path, fe)})
	}
	return probs
}

func ruleMessage(path string, fe validator.FieldError) string {
	val := fmt.Sprint(fe.Value())
	switch fe.Tag() {
	case "required":
		return fmt.Sprintf("%s is missing: add it", path)
	case "required_without_all", "required_without":
		return fmt.Sprintf("%s is missing: give it, or at least one of %s", path, strings.ToLower(strings.ReplaceAll(fe.Param(), " ", ", ")))
	case "email":
		return fmt.Sprintf("%s: %q is not an e-mail address", path, val)
	case "servicephone":
		return fmt.Sprintf("%s: %q is not a phone number; write digits with spaces or hyphens, like 010-35 33 100", path, val)
	case "weburl":
		return fmt.Sprintf("%s: %q is not a web address; write it in full, starting with https://", path, val)
	case "kommunkod":
		return fmt.Sprintf("%s: %q is not a kommunkod; write the four digits from kommuner.tsv, in quotes, like \"0834\"", path, val)
	case "sitepath":
		return fmt.Sprintf("%s: %q is not a page address; write it from the root, like /sv/familjeratt/", path, val)
	case "nocontrol", "nocontrolml":
		return fmt.Sprintf("%s contains an invisible control character: retype it", path)
	case "min":
		return fmt.Sprintf("%s needs at least %s", path, fe.Param())
	case "max":
		return fmt.Sprintf("%s is too long: at most %s", path, fe.Param())
	case "oneof":
		return fmt.Sprintf("%s: %q is not allowed; use one of %s", path, val, strings.ReplaceAll(fe.Param(), " ", ", "))
	case "unique":
		return fmt.Sprintf("%s lists the same value twice", path)
	}
	return fmt.Sprintf("%s: %q breaks the rule %q", path, val, fe.Tag())
}

// lineOf finds the line of the key at path ("contact.email",
// "municipalities[1]") in a decoded YAML tree; it falls back to the
// nearest ancestor that exists.
func lineOf(node *yaml.Node, path string) int {
	if node.Kind == yaml.DocumentNode && len(node.Content) > 0 {
		node = node.Content[0]
	}
	line := node.Line
	if path == "" {
		return line
	}
	for _, seg := range strings.Split(path, ".") {
		idx := -1
		// "name[3]": by hand rather than a regular expression, since
		// every office's lines are looked up at every start.
		if open := strings.IndexByte(seg, '['); open > 0 && strings.HasSuffix(seg, "]") {
			if n, err := strconv.Atoi(seg[open+1 : len(seg)-1]); err == nil && n >= 0 {
				seg, idx = seg[:open], n
			}
		}
		next := (*yaml.Node)(nil)
		if node.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(node.Content); i += 2 {
				if node.Content[i].Value == seg {
					line = node.Content[i].Line
					next = node.Content[i+1]
					break
				}
			}
		}
		if next == nil {
			return line
		}
		node = next
		if idx >= 0 {
			if node.Kind != yaml.SequenceNode || idx >= len(node.Content) {
				return line
			}
			node = node.Content[idx]
			line = node.Line
		}
	}
	return line
}
