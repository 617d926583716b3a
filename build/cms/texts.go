package cms

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"familjeratt.example/portal/content"
)

// texts is the collection of the interface texts, i18n/sv.yaml and
// i18n/en.yaml. Their keys are the content, not the model
// (content.Strings takes whatever keys the files have, as long as both
// languages have the same), so the fields are the Swedish file's keys in
// its order: Decap writes a file's keys in the order of its fields. Each
// field's hint is the key and its text in both languages.
//
// A folder collection, not a files collection, so that the files keep
// their comments: Decap writes a field's comment above its key, but only
// in folder collections. Both files get the Swedish file's comments,
// which are the same but for the first, and that one is made to fit both.
func (g *generator) texts() (Collection, error) {
	trees := map[content.Lang]*yaml.Node{}
	values := map[content.Lang]map[string]string{}
	for _, lang := range g.eds.Langs() {
		file := content.StringsDir + "/" + string(lang) + ".yaml"
		src, err := fs.ReadFile(g.fsys, file)
		if err != nil {
			return Collection{}, err
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err != nil {
			return Collection{}, fmt.Errorf("%s: %v", file, err)
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			return Collection{}, fmt.Errorf("%s holds no keys", file)
		}
		trees[lang] = &doc
		values[lang] = map[string]string{}
		walkTexts(doc.Content[0], "", func(key string, v *yaml.Node) { values[lang][key] = v.Value })
	}
	fields := g.textGroup(trees[content.SV].Content[0], "", values)
	if len(fields) > 0 {
		fields[0].Comment = joinComments(textsComment, fields[0].Comment)
	}
	return Collection{
		Name:  "texts",
		Label: "Interface texts",
		Description: "The texts of buttons, labels, form questions and messages, one file per language. Every key is in both, " +
			"with the same {placeholders}; the build says which is missing where.",
		Folder:    g.root(content.StringsDir),
		Extension: "yaml",
		Format:    "yaml",
		Summary:   "{{filename}}",
		Fields:    fields,
	}, nil
}

// textsComment heads both files of texts once the editor has saved them.
var textsComment = `Interface texts, one file per edition (i18n/sv.yaml, i18n/en.yaml, …). Every key of sv.yaml must be in\n` +
	`each, with the same {placeholders}. The build says which key is missing where.`

// walkTexts calls leaf for every text of a mapping, by its dotted key.
func walkTexts(n *yaml.Node, prefix string, leaf func(key string, v *yaml.Node)) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := join(prefix, k.Value)
		switch {
		case v.Kind == yaml.MappingNode:
			walkTexts(v, key, leaf)
		case v.Kind == yaml.ScalarNode:
			leaf(key, v)
		}
	}
}

// textGroup makes the fields of one mapping of texts.
func (g *generator) textGroup(n *yaml.Node, prefix string, values map[content.Lang]map[string]string) []Field {
	var out []Field
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := join(prefix, k.Value)
		f := Field{Label: k.Value, Name: k.Value, Required: true, Comment: comment(k.HeadComment)}
		switch v.Kind {
		case yaml.MappingNode:
			f.Widget, f.Collapsed = "object", true
			f.Fields = g.textGroup(v, key, values)
		case yaml.ScalarNode:
			f.Widget = "string"
			if strings.Contains(v.Value, "\n") {
				f.Widget = "text"
			}
			f.Hint = key
			for _, lang := range g.eds.Langs() {
				if t, ok := values[lang][key]; ok {
					f.Hint += " · " + g.langName(lang) + ": " + t
				}
			}
			if ps := placeholders(v.Value); len(ps) > 0 {
				f.Hint += " · Keep " + strings.Join(ps, " ") + " as written: the portal puts its own words there."
				var look strings.Builder
				for _, p := range ps {
					look.WriteString(`(?=[\s\S]*` + regexp.QuoteMeta(p) + `)`)
				}
				f.Pattern = []string{`^` + look.String() + `[\s\S]+$`, "Keep " + strings.Join(ps, " ") + " in the text"}
			}
		default:
			continue // not a text: the build says so
		}
		out = append(out, f)
	}
	return out
}

// placeholderRE is content's: {office}, {n}.
var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

// placeholders lists a text's placeholders, each once.
func placeholders(s string) []string {
	var out []string
	for _, p := range placeholderRE.FindAllString(s, -1) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// comment turns a YAML comment ("# a\n# b") into Decap's field comment,
// whose lines Decap splits at a written \n.
func comment(c string) string {
	if c == "" {
		return ""
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(c, "\n"), "\n") {
		l = strings.TrimPrefix(strings.TrimPrefix(l, "#"), " ")
		lines = append(lines, l)
	}
	return strings.Join(lines, `\n`)
}

func joinComments(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + `\n` + b
}
