package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/site"
)

// The synthetic national portal. Everything here is written into the
// benchmark's temporary copy of the content, never into content/.
//
//   - one office per municipality: the committed offices keep theirs, and
//     every other municipality of kommuner.tsv gets a synthetic office
//     file, its contact details placeholders marked as synthetic;
//   - each office's own pages, officePages in each language, below the
//     office's generated page (links.offices + id + "/"), where the site
//     puts office pages;
//   - a few top-level sections (sections), and below them, in turn, areas
//     of areaSize pages, as many as bring the site to the size asked for.

// areaSize is how many pages an area has: its index and the pages below it.
const areaSize = 50

// section is a top-level section the areas go below, in both languages.
type section struct{ sv, en, titleSV, titleEN string }

var sections = []section{
	{"kunskapsbank", "knowledge-base", "Kunskapsbank", "Knowledge base"},
	{"stod-och-hjalp", "support", "Stöd och hjälp", "Support"},
	{"fragor-och-svar", "questions", "Frågor och svar", "Questions and answers"},
	{"for-yrkesverksamma", "for-professionals", "För yrkesverksamma", "For professionals"},
}

// officePage is a page every office has of its own, in both languages.
type officePage struct{ sv, en, titleSV, titleEN string }

var officePages = []officePage{
	{"samarbetssamtal", "cooperation-talks", "Samarbetssamtal hos oss", "Cooperation talks with us"},
	{"oppettider", "opening-hours", "Öppettider", "Opening hours"},
	{"hitta-hit", "find-us", "Hitta hit", "Find us"},
}

// national is the synthetic portal's offices, read from the tree.
type national struct {
	offices []string // every office id, the committed ones included
	made    int      // how many of them are synthetic
	// sampleOffice is a synthetic office present at every size, for the
	// page weights.
	sampleOffice string
}

// addOffices writes a synthetic office file for every municipality no
// committed office serves, and each office's own pages.
func addOffices(tree string) (*national, error) {
	dir, err := content.LoadDirectory(os.DirFS(tree))
	if err != nil {
		return nil, fmt.Errorf("the content's offices: %w", err)
	}
	n := &national{}
	taken := map[string]bool{}
	for _, o := range dir.Offices {
		taken[o.ID] = true
		n.offices = append(n.offices, o.ID)
	}
	for _, m := range dir.Municipalities {
		if _, ok := dir.OfficeFor(m.Code); ok {
			continue
		}
		id := site.Slug(m.Name)
		if taken[id] { // Håbo and Habo
			id += "-" + m.Code
		}
		taken[id] = true
		if err := os.WriteFile(filepath.Join(tree, content.OfficesDir, id+".yaml"), []byte(syntheticOffice(id, m)), 0o644); err != nil {
			return nil, err
		}
		n.offices = append(n.offices, id)
		n.made++
		if n.sampleOffice == "" {
			n.sampleOffice = id
		}
	}
	settings, err := content.LoadSettings(os.DirFS(tree))
	if err != nil {
		return nil, err
	}
	for _, id := range n.offices {
		for i, op := range officePages {
			next := officePages[(i+1)%len(officePages)]
			sv := settings.OfficePath(content.SV, id)
			en := settings.OfficePath(en, id)
			svFile := filepath.Join(tree, filepath.FromSlash(strings.TrimPrefix(sv, "/")), op.sv+".md")
			enFile := filepath.Join(tree, filepath.FromSlash(strings.TrimPrefix(en, "/")), op.en+".md")
			svRel := strings.TrimPrefix(sv, "/sv/") + op.sv + ".md"
			if err := writePage(svFile, officePageSV(op, i, sv, sv+next.sv+"/")); err != nil {
				return nil, err
			}
			if err := writePage(enFile, officePageEN(op, i, en, en+next.en+"/", svRel)); err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

func syntheticOffice(id string, m content.Municipality) string {
	return "# SYNTHETIC: written by build/cmd/sitebench into its temporary copy of the content,\n" +
		"# for the benchmark only. Not a real office; the contact details are placeholders.\n" +
		"name:\n  sv: Familjerätten i " + m.Name + " (syntetisk)\n  en: " + m.Name + " Family Law Office (synthetic)\n" +
		"municipalities: [\"" + m.Code + "\"]\n" +
		"contact:\n  email: syntetisk-" + id + "@" + content.PlaceholderDomain + "\n" +
		"  website: https://" + content.PlaceholderDomain + "/syntetisk/" + id + "/\n" +
		"  opening_hours: {sv: Syntetiska öppettider, en: Synthetic opening hours}\n" +
		"promises:\n  - sv: Inom en vecka hör vi av oss. Uppgiften är påhittad.\n    en: Within a week, we get in touch. This is made up.\n" +
		"notes:\n  - sv: Det här kontoret är påhittat. Det finns bara för att mäta hur snabbt webbplatsen byggs.\n" +
		"    en: This office is made up. It is here only to measure how fast the site builds.\n" +
		"intake:\n  inbox: syntetisk-" + id + "@" + content.PlaceholderDomain + "\n  accept_tls_only: true\n"
}

func officePageSV(op officePage, order int, office, next string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\ndescription: En syntetisk sida om kontoret, bara för att mäta bygget.\norder: %d\n---\n", op.titleSV, order+1)
	b.WriteString("Uppgifterna på den här sidan är påhittade. De finns bara för att mäta hur snabbt webbplatsen byggs.\n\n")
	b.WriteString("## Så når du oss\n\nSkriv till oss eller ring. Vi svarar så snart vi kan. Samtalen är gratis.\n\n")
	fmt.Fprintf(&b, "- Läs om [kontoret](%s) och [hur det skyddar dina uppgifter](%s#privacy).\n", office, office)
	fmt.Fprintf(&b, "- Gå vidare till [nästa sida](%s).\n- [Ansök om samarbetssamtal](/sv/anmalan/).\n\n", next)
	b.WriteString("## Bra att veta\n\nTa med det du vill prata om. Barnet ska alltid stå i centrum. Läs mer [ovan](#sa-nar-du-oss).\n")
	return b.String()
}

func officePageEN(op officePage, order int, office, next, translation string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\ndescription: A synthetic page about the office, only to measure the build.\ntranslation: %s\norder: %d\n---\n", op.titleEN, translation, order+1)
	b.WriteString("What this page says is made up. It is here only to measure how fast the site builds.\n\n")
	b.WriteString("## How to reach us\n\nWrite to us or call. We answer as soon as we can. The talks are free.\n\n")
	fmt.Fprintf(&b, "- Read about [the office](%s) and [how it protects your data](%s#privacy).\n", office, office)
	fmt.Fprintf(&b, "- Go on to [the next page](%s).\n- [Apply for cooperation talks](/en/apply/).\n\n", next)
	b.WriteString("## Good to know\n\nBring what you want to talk about. The child always comes first. Read more [above](#how-to-reach-us).\n")
	return b.String()
}

// addSections writes the top-level sections' own pages, each linking to
// the areas below it.
func addSections(tree string, areas int) error {
	for si, sec := range sections {
		var sv, en strings.Builder
		fmt.Fprintf(&sv, "---\ntitle: %s\ndescription: Ett syntetiskt avsnitt, bara för att mäta hur snabbt webbplatsen byggs.\norder: %d\n---\n", sec.titleSV, 20+si)
		fmt.Fprintf(&en, "---\ntitle: %s\ndescription: A synthetic section, only to measure how fast the site builds.\ntranslation: %s/index.md\norder: %d\n---\n", sec.titleEN, sec.sv, 20+si)
		sv.WriteString("Det här avsnittet är påhittat. Det finns för att mäta bygget.\n\n")
		en.WriteString("This section is made up. It is here to measure the build.\n\n")
		for a := si; a < areas; a += len(sections) {
			k := a/len(sections) + 1
			fmt.Fprintf(&sv, "- [Område %d](/sv/%s/omrade-%d/)\n", k, sec.sv, k)
			fmt.Fprintf(&en, "- [Area %d](/en/%s/area-%d/)\n", k, sec.en, k)
		}
		if err := writePage(filepath.Join(tree, "sv", sec.sv, "index.md"), sv.String()); err != nil {
			return err
		}
		if err := writePage(filepath.Join(tree, "en", sec.en, "index.md"), en.String()); err != nil {
			return err
		}
	}
	return nil
}

// addAreas writes pairs pages in each language, in areas of areaSize,
// the areas going below the sections in turn. It returns how many areas
// it made.
func addAreas(tree string, pairs int) (int, error) {
	areas := 0
	for i := 0; i < pairs; i++ {
		a, n := i/areaSize, i%areaSize
		sec, k := sections[a%len(sections)], a/len(sections)+1
		areas = a + 1
		last := n+1 == areaSize || i+1 == pairs
		for _, lang := range []content.Lang{content.SV, en} {
			name, area, page := sec.sv, fmt.Sprintf("omrade-%d", k), "sida"
			if lang == en {
				name, area, page = sec.en, fmt.Sprintf("area-%d", k), "page"
			}
			dir := filepath.Join(tree, string(lang), name, area)
			file := fmt.Sprintf("%s-%d.md", page, n)
			rel := fmt.Sprintf("%s/omrade-%d/sida-%d.md", sec.sv, k, n)
			if n == 0 {
				file, rel = "index.md", fmt.Sprintf("%s/omrade-%d/index.md", sec.sv, k)
			}
			index := fmt.Sprintf("/%s/%s/%s/", lang, name, area)
			next := fmt.Sprintf("%s%s-%d/", index, page, n+1)
			if last {
				next = index
			}
			translation := ""
			if lang == en {
				translation = rel
			}
			if err := writePage(filepath.Join(dir, file), areaPage(lang, k, n, index, next, translation)); err != nil {
				return 0, err
			}
		}
	}
	return areas, nil
}

// en is the English edition, which the benchmark tree writes beside
// Swedish: a complete edition, paired page by page.
const en content.Lang = "en"

// areaWords are an area page's texts in one language.
type areaWords struct {
	title, desc, para, heading, smaller, points, more, finder, table, footnote string
}

var areaText = map[content.Lang]areaWords{
	content.SV: {
		title: "Sida %d i område %d", desc: "En sida som bara finns för att mäta hur snabbt webbplatsen byggs.",
		para:    "Det här är en kort mening. Den finns för att mäta tiden. Ni kan läsa den i lugn och ro. Barnet ska alltid stå i centrum. Ni bestämmer själva vad ni vill göra. Samtalen är gratis och frivilliga.",
		heading: "Rubrik nummer", smaller: "Mindre rubrik",
		points: "- En punkt med en [länk vidare](%s).\n- En punkt om \"citat\" och -- tankstreck.\n- En punkt till.\n\n",
		more:   "Läs mer [högre upp](#rubrik-nummer-2), [i början av området](%s#rubrik-nummer-1) eller på [nästa sida](%s).\n\n",
		finder: "[Hitta din familjerätt](/sv/familjeratt/).\n\n",
		table:  "| Steg | Tid |\n|---|---|\n| Ansökan | 1 vecka |\n| Brev | 14 dagar |\n\n", footnote: "En fotnot med en källa.",
	},
	en: {
		title: "Page %d of area %d", desc: "A page that is here only to measure how fast the site builds.",
		para:    "This is a short sentence. It is here to measure the time. You can read it calmly. The child always comes first. You decide yourselves what to do. The talks are free and voluntary.",
		heading: "Heading number", smaller: "Smaller heading",
		points: "- A point with a [link onwards](%s).\n- A point about \"quotes\" and -- dashes.\n- One more point.\n\n",
		more:   "Read more [further up](#heading-number-2), [at the start of the area](%s#heading-number-1) or on [the next page](%s).\n\n",
		finder: "[Find your family law office](/en/family-law-offices/).\n\n",
		table:  "| Step | Time |\n|---|---|\n| Application | 1 week |\n| Letter | 14 days |\n\n", footnote: "A footnote with a source.",
	},
}

// areaPage has the headings, lists, tables, footnotes and links real
// pages have, so the generator does the same work per page: links to the
// next page, to a heading on its area's index and on itself, and to the
// office finder.
func areaPage(lang content.Lang, area, n int, index, next, translation string) string {
	w := areaText[lang]
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: "+w.title+"\ndescription: %s\n", n, area, w.desc)
	if translation != "" {
		fmt.Fprintf(&b, "translation: %s\n", translation)
	}
	fmt.Fprintf(&b, "order: %d\n---\n", n)
	for h := 1; h <= 3; h++ {
		fmt.Fprintf(&b, "\n## %s %d\n\n%s %s\n\n", w.heading, h, w.para, w.para)
		fmt.Fprintf(&b, w.points, next)
		fmt.Fprintf(&b, "### %s %d\n\n%s[^%d]\n\n", w.smaller, h, w.para, h)
	}
	b.WriteString(w.table)
	fmt.Fprintf(&b, w.more, index, next)
	b.WriteString(w.finder)
	for h := 1; h <= 3; h++ {
		fmt.Fprintf(&b, "[^%d]: %s\n", h, w.footnote)
	}
	return b.String()
}

func writePage(file, text string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, []byte(text), 0o644)
}
