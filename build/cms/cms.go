// Package cms is the web editor for municipal editors at /admin/: Decap
// CMS, self-hosted from this folder's node_modules, with a configuration
// generated from the content model, so that what the editor offers is what
// the build accepts.
//
// The configuration (Config) has
//
//   - one folder collection per folder of pages in each language (sv/,
//     sv/samarbetssamtal/, en/cooperation-talks/, …), whose fields are
//     content.FrontMatter's keys and the Markdown body. A new page is a
//     file in that folder, named from its title in a–z, 0–9 and hyphens.
//     Not Decap's i18n, which wants one file name in every language, nor
//     its nested collections, which either move an edited page to index.md
//     or name new files from the title with å, ä and ö kept;
//   - the offices, a folder collection of offices/*.yaml, whose fields
//     are content.Office's keys, each with its help text (officeHelp),
//     the municipalities a choice among kommuner.tsv's and the
//     certificates uploaded files in offices/certs/;
//   - the interface texts, i18n/sv.yaml and i18n/en.yaml, whose fields
//     are the files' own keys, each with its text in both languages as
//     its hint (texts.go says why a folder collection).
//
// Locally the editor runs against the content tree through Decap's local
// backend, decap-server (LocalServer), which the handler (NewHandler)
// serves on the site's own origin; in production it commits through the
// git host's API (GitHub).
package cms

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"familjeratt.example/portal/content"
)

// Path is where the editor is published.
const Path = "/admin/"

// Options say how the editor reaches the content.
type Options struct {
	Backend Backend
	// Root is the content tree's folder as the backend sees it: "" for
	// the local backend, which serves the tree itself; "content" for the
	// git host, which sees the repository.
	Root string
	// SiteURL is the site the editor's header links to; empty: the
	// base_url of site.yaml.
	SiteURL string
}

// Backend is Decap's backend configuration.
type Backend struct {
	Name     string `yaml:"name"`
	ProxyURL string `yaml:"proxy_url,omitempty"`
	Repo     string `yaml:"repo,omitempty"`
	Branch   string `yaml:"branch,omitempty"`
	// BaseURL is the OAuth proxy that signs editors in to the git host.
	BaseURL      string `yaml:"base_url,omitempty"`
	AuthEndpoint string `yaml:"auth_endpoint,omitempty"`
}

// LocalProxy is the backend of a local decap-server reached at url,
// such as the handler's APIPath.
func LocalProxy(url string) Backend { return Backend{Name: "proxy", ProxyURL: url, Branch: "main"} }

// GitHub is the backend that commits to repo ("owner/name") on branch
// through GitHub's API, signing editors in through the OAuth proxy at
// oauthURL (README: The web editor in production).
func GitHub(repo, branch, oauthURL string) Backend {
	return Backend{Name: "github", Repo: repo, Branch: branch, BaseURL: strings.TrimSuffix(oauthURL, "/"), AuthEndpoint: "auth"}
}

// GitHubHosts are what the editor talks to and shows images from in
// production: GitHub's API, and its avatars of the signed-in editor.
var (
	GitHubConnect = []string{"https://api.github.com"}
	GitHubImages  = []string{"https://avatars.githubusercontent.com"}
)

// Config is Decap's configuration, config.yml.
type Config struct {
	Backend      Backend      `yaml:"backend"`
	PublishMode  string       `yaml:"publish_mode,omitempty"`
	MediaFolder  string       `yaml:"media_folder"`
	PublicFolder string       `yaml:"public_folder"`
	SiteURL      string       `yaml:"site_url,omitempty"`
	DisplayURL   string       `yaml:"display_url,omitempty"`
	Slug         Slug         `yaml:"slug"`
	Collections  []Collection `yaml:"collections"`
}

// Slug says how Decap names new files: as content requires, a–z, 0–9
// and hyphens ("Umgänge" becomes umgange).
type Slug struct {
	Encoding    string `yaml:"encoding"`
	CleanAccent bool   `yaml:"clean_accents"`
	Replacement string `yaml:"sanitize_replacement"`
}

// Collection is one of Decap's collections.
type Collection struct {
	Name            string   `yaml:"name"`
	Label           string   `yaml:"label"`
	LabelSingular   string   `yaml:"label_singular,omitempty"`
	Description     string   `yaml:"description,omitempty"`
	Folder          string   `yaml:"folder,omitempty"`
	Extension       string   `yaml:"extension,omitempty"`
	Format          string   `yaml:"format,omitempty"`
	Create          bool     `yaml:"create,omitempty"`
	Slug            string   `yaml:"slug,omitempty"`
	IdentifierField string   `yaml:"identifier_field,omitempty"`
	Summary         string   `yaml:"summary,omitempty"`
	SortableFields  []string `yaml:"sortable_fields,omitempty"`
	Editor          Editor   `yaml:"editor"`
	Files           []File   `yaml:"files,omitempty"`
	Fields          []Field  `yaml:"fields,omitempty"`
}

// Editor turns Decap's preview pane off: it cannot show a page as the
// site lays it out, and the dev server shows the real page on save.
type Editor struct {
	Preview bool `yaml:"preview"`
}

// File is one file of a files collection.
type File struct {
	Name   string  `yaml:"name"`
	Label  string  `yaml:"label"`
	File   string  `yaml:"file"`
	Format string  `yaml:"format,omitempty"`
	Fields []Field `yaml:"fields"`
}

// Field is one of Decap's fields.
type Field struct {
	Label            string    `yaml:"label"`
	Name             string    `yaml:"name"`
	Widget           string    `yaml:"widget"`
	Hint             string    `yaml:"hint,omitempty"`
	Required         bool      `yaml:"required"` // Decap's default is true: always say
	Comment          string    `yaml:"comment,omitempty"`
	Pattern          []string  `yaml:"pattern,omitempty"`
	Default          any       `yaml:"default,omitempty"`
	ValueType        string    `yaml:"value_type,omitempty"`
	Options          []Option  `yaml:"options,omitempty"`
	Multiple         bool      `yaml:"multiple,omitempty"`
	Min              int       `yaml:"min,omitempty"`
	Collapsed        bool      `yaml:"collapsed,omitempty"`
	Summary          string    `yaml:"summary,omitempty"`
	Fields           []Field   `yaml:"fields,omitempty"`
	Field            *Field    `yaml:"field,omitempty"`
	MediaFolder      string    `yaml:"media_folder,omitempty"`
	PublicFolder     string    `yaml:"public_folder,omitempty"`
	ChooseURL        *bool     `yaml:"choose_url,omitempty"`
	Buttons          []string  `yaml:"buttons,omitempty"`
	EditorComponents *[]string `yaml:"editor_components,omitempty"`
}

// Option is one choice of a select.
type Option struct {
	Label string `yaml:"label"`
	Value string `yaml:"value"`
}

// generator holds what the configuration is made from.
type generator struct {
	fsys           fs.FS
	eds            content.Editions
	o              Options
	municipalities []Option
}

// Generate makes the editor's configuration for the content tree fsys.
// It reads the tree's structure (page folders, municipalities, the keys of
// the interface texts) leniently: the editor must open on a tree with
// problems, since it may be what fixes them.
func Generate(fsys fs.FS, o Options) (*Config, error) {
	g := &generator{fsys: fsys, o: o, eds: content.LoadEditions(fsys)}
	var err error
	if g.municipalities, err = municipalities(fsys); err != nil {
		return nil, err
	}
	site := o.SiteURL
	if site == "" {
		if s, err := content.LoadSettings(fsys); err == nil {
			site = s.BaseURL
		}
	}
	cfg := &Config{
		Backend:      o.Backend,
		MediaFolder:  g.root("media"),
		PublicFolder: "/media",
		SiteURL:      site,
		DisplayURL:   site,
		Slug:         Slug{Encoding: "ascii", CleanAccent: true, Replacement: "-"},
	}
	if o.Backend.Name != "proxy" {
		// Each change is a pull request, which CI checks (make test)
		// before anyone merges it: the build never publishes a broken
		// page. decap-server's file mode has no such workflow.
		cfg.PublishMode = "editorial_workflow"
	}
	for _, lang := range g.eds.Langs() {
		cs, err := g.pageCollections(lang)
		if err != nil {
			return nil, err
		}
		cfg.Collections = append(cfg.Collections, cs...)
	}
	offices, err := g.offices()
	if err != nil {
		return nil, err
	}
	cfg.Collections = append(cfg.Collections, offices)
	// Interface texts that are not YAML have no keys to make fields of:
	// the editor opens without them, for the rest, and the build says
	// where the file is broken.
	if texts, err := g.texts(); err == nil {
		cfg.Collections = append(cfg.Collections, texts)
	}
	return cfg, nil
}

// YAML is the configuration as config.yml.
func (c *Config) YAML() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# Generated by package build/cms from the content model: do not edit.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// Order is the order of every group's keys, by collection, for
// admin.js: {"keys": [...], "sub": {key: {...}}}, where a list's entry
// is the order of its items' keys.
func (c *Config) Order() map[string]*KeyOrder {
	out := map[string]*KeyOrder{}
	for _, col := range c.Collections {
		out[col.Name] = keyOrder(col.Fields)
	}
	return out
}

// KeyOrder is the order of one group's keys and of the groups in it.
type KeyOrder struct {
	Keys []string             `json:"keys"`
	Sub  map[string]*KeyOrder `json:"sub,omitempty"`
}

func keyOrder(fields []Field) *KeyOrder {
	o := &KeyOrder{}
	for _, f := range fields {
		o.Keys = append(o.Keys, f.Name)
		if len(f.Fields) > 0 {
			if o.Sub == nil {
				o.Sub = map[string]*KeyOrder{}
			}
			o.Sub[f.Name] = keyOrder(f.Fields)
		}
	}
	return o
}

func (g *generator) root(p string) string { return path.Join(g.o.Root, p) }

// langName is an edition's name in English, as the editor shows it:
// "Swedish", "Arabic", "Swedish (easy to read)".
func (g *generator) langName(l content.Lang) string {
	e, ok := g.eds.Get(l)
	if !ok {
		return string(l)
	}
	name := string(l)
	if tag, err := language.Parse(e.Tag); err == nil {
		name = display.English.Tags().Name(tag)
	}
	if e.EasyToRead {
		name += " (easy to read)"
	}
	return name
}

// pageCollections makes one collection per folder of lang's pages.
func (g *generator) pageCollections(lang content.Lang) ([]Collection, error) {
	var dirs []string
	err := fs.WalkDir(g.fsys, string(lang), func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && name != string(lang) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			dirs = append(dirs, name)
		}
		return nil
	})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dirs = []string{string(lang)} // the first page makes the folder
	case err != nil:
		return nil, fmt.Errorf("the %s pages: %w", g.langName(lang), err)
	}
	sort.Strings(dirs)
	fields, err := g.pageFields(lang)
	if err != nil {
		return nil, err
	}
	var out []Collection
	for _, dir := range dirs {
		_, _, addr, _ := content.PathOf(dir + "/index.md")
		label := g.langName(lang) + " " + addr
		if p := g.page(dir + "/index.md"); p != nil {
			label += " · " + p.Title
		}
		out = append(out, Collection{
			Name:          strings.ReplaceAll(dir, "/", "-"),
			Label:         label,
			LabelSingular: g.langName(lang) + " page in " + addr,
			Description: fmt.Sprintf("The %s pages at %s…: a file x.md here is the page %sx/, index.md is %s itself. "+
				"A new page's file is named from its title.", g.langName(lang), addr, addr, addr),
			Folder:          g.root(dir),
			Extension:       "md",
			Format:          "yaml-frontmatter",
			Create:          true,
			Slug:            "{{slug}}",
			IdentifierField: "title",
			Summary:         "{{title}}",
			SortableFields:  []string{"order", "title"},
			Fields:          fields,
		})
	}
	return out, nil
}

// page reads a page's front matter, or nil when it cannot.
func (g *generator) page(file string) *content.Page {
	src, err := fs.ReadFile(g.fsys, file)
	if err != nil {
		return nil
	}
	p, _ := content.ParsePage(file, src)
	return p
}

// pageFields are a page's fields in lang: its front matter and its body.
func (g *generator) pageFields(lang content.Lang) ([]Field, error) {
	used := map[string]bool{}
	fields, err := g.fields(reflect.TypeFor[content.FrontMatter](), "", pageHelp, false, used)
	if err != nil {
		return nil, err
	}
	if err := unused(pageHelp, used); err != nil {
		return nil, err
	}
	for i := 0; i < len(fields); i++ {
		if fields[i].Name != "translation" {
			continue
		}
		if lang == content.SV {
			// The reference names no other page: the others name it.
			fields = append(fields[:i], fields[i+1:]...)
			i--
			continue
		}
		var complete []string
		for _, l := range g.eds.Complete() {
			complete = append(complete, g.langName(l))
		}
		fields[i].Hint = fmt.Sprintf(fields[i].Hint, "samarbetssamtal/avtal.md", strings.Join(complete, ", "))
	}
	none := []string{"image"}
	return append(fields, Field{
		Label: "Text", Name: "body", Widget: "markdown", Required: false,
		Hint: "The page's text. Its headings start at level 2 (the title is the only level 1) and go down one level at a time. " +
			"Link to pages of this site from the root, like /" + string(lang) + "/samarbetssamtal/; images go in the media folder. No HTML.",
		Buttons:          []string{"bold", "italic", "link", "heading-two", "heading-three", "heading-four", "quote", "bulleted-list", "numbered-list"},
		EditorComponents: &none,
	}), nil
}

// offices is the collection of offices/*.yaml.
func (g *generator) offices() (Collection, error) {
	used := map[string]bool{}
	fields, err := g.fields(reflect.TypeFor[content.Office](), "", officeHelp, false, used)
	if err != nil {
		return Collection{}, err
	}
	if err := unused(officeHelp, used); err != nil {
		return Collection{}, err
	}
	return Collection{
		Name:          "offices",
		Label:         "Family-law offices",
		LabelSingular: "office",
		Description: "One file per family-law office, offices/<id>.yaml. A new office's id, in its page's address, " +
			"is made from its Swedish name. The build checks every key; the editors' guide (content/README.md) says what each means.",
		Folder:          g.root(content.OfficesDir),
		Extension:       "yaml",
		Format:          "yaml",
		Create:          true,
		Slug:            "{{slug}}",
		IdentifierField: "name.sv",
		Summary:         "{{name.sv}}",
		Fields:          fields,
	}, nil
}

// unused reports help entries no key took: a key the content model no
// longer has.
func unused(docs map[string]help, used map[string]bool) error {
	var stale []string
	for k := range docs {
		if !used[k] {
			stale = append(stale, k)
		}
	}
	if len(stale) > 0 {
		slices.Sort(stale)
		return fmt.Errorf("help texts in build/cms for keys the content model does not have: %s", strings.Join(stale, ", "))
	}
	return nil
}

// municipalities are kommuner.tsv's, as choices "Kiruna (2584)" in
// Swedish order (Å, Ä and Ö after Z, as the site lists them), read as
// loosely as the file's format allows: the build checks it.
func municipalities(fsys fs.FS) ([]Option, error) {
	src, err := fs.ReadFile(fsys, content.MunicipalitiesFile)
	if err != nil {
		return nil, err
	}
	var ms []content.Municipality
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 || !content.IsKommunkod(cols[0]) {
			continue // the header, comments, blank lines
		}
		ms = append(ms, content.Municipality{Code: cols[0], Name: strings.TrimSpace(cols[1])})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s lists no municipalities", content.MunicipalitiesFile)
	}
	c := collate.New(language.Swedish)
	sort.SliceStable(ms, func(i, j int) bool { return c.CompareString(ms[i].Name, ms[j].Name) < 0 })
	out := make([]Option, len(ms))
	for i, m := range ms {
		out[i] = Option{Label: fmt.Sprintf("%s (%s)", m.Name, m.Code), Value: m.Code}
	}
	return out, nil
}
