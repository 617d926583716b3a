package content

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// testGlossary is a small glossary for the tests of matching: they must
// not change when an editor changes the real one.
const testGlossary = `# A glossary for tests.
terms:
  - concept: the application
    note: What a parent sends to ask for talks.
    sv:
      term: ansökan
      avoid: [anmälan, anmälningar, anmäl dig]
      except: [formulär för anmälan]
    en:
      term: application
      avoid: [notification]
  - concept: the social welfare board
    note: Socialnämnden.
    sv:
      term: socialnämnden
    en:
      term: social welfare board
      avoid: [social welfare committee]
  - concept: the Convention on the Rights of the Child
    note: Barnkonventionen.
    sv:
      term: barnkonventionen
    en:
      term: Convention on the Rights of the Child
      avoid: [Children's Convention]
`

func loadTestGlossary(t *testing.T, src string) *Glossary {
	t.Helper()
	g, err := LoadGlossary(fstest.MapFS{GlossaryFile: {Data: []byte(src)}})
	if err != nil {
		t.Fatalf("the glossary has problems:\n%v", err)
	}
	return g
}

// strs returns problems as file:line: message, in order.
func strs(ps Problems) []string {
	ps = append(Problems(nil), ps...)
	ps.Sort()
	out := []string{}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

func msgApplication(term string) string {
	return fmt.Sprintf(`uses %q for the application: write "ansökan" instead (see glossary.yaml)`, term)
}

func TestGlossaryCheck(t *testing.T) {
	g := loadTestGlossary(t, testGlossary)
	tests := []struct {
		name string
		lang Lang
		text string // starts on line 10
		want []string
	}{
		{"the other term", SV, "Fyll i ansökan.\nSkicka anmälan i dag.", []string{"f:11: " + msgApplication("anmälan")}},
		{"the term itself", SV, "Skicka ansökan. Ansökan går till familjerätten.", nil},
		{"any case", SV, "ANMÄLAN\nAnmälan", []string{"f:10: " + msgApplication("ANMÄLAN"), "f:11: " + msgApplication("Anmälan")}},
		{"each form listed", SV, "Vi tar emot anmälningar.", []string{"f:10: " + msgApplication("anmälningar")}},
		{"a form not listed", SV, "Läs anmälans text.", nil},
		{"inside a longer word", SV, "Personalen har anmälningsplikt. Gör en orosanmälan.", nil},
		{"a phrase, whole", SV, "Anmäl dig här. Anmäl digitalt.", []string{"f:10: " + msgApplication("Anmäl dig")}},
		{"the excepted phrase", SV, "Använd [Diggs formulär för anmälan](https://www.digg.se/tdosanmalan).", nil},
		{"the excepted phrase, and the term outside it", SV, "Diggs formulär för anmälan är inte din anmälan.",
			[]string{"f:10: " + msgApplication("anmälan")}},
		{"another concept's verb", SV, "Då kan du anmäla det till Digg.", nil},
		{"punctuation around", SV, "(anmälan), ”anmälan”, **anmälan**:", []string{"f:10: " + msgApplication("anmälan"),
			"f:10: " + msgApplication("anmälan"), "f:10: " + msgApplication("anmälan")}},
		{"a link's address is not text", SV, "[Ansök här](/sv/anmälan/) eller <https://example.se/anmälan>.", nil},
		{"the other language's terms", "en", "Skicka anmälan.", nil},
		{"a phrase across a line break", "en", "The social welfare\n  committee approves it.",
			[]string{`f:10: uses "social welfare committee" for the social welfare board: write "social welfare board" instead (see glossary.yaml)`}},
		{"a phrase with more words", "en", "the social welfare committees", nil},
		{"a typographic apostrophe", "en", "the Children’s Convention",
			[]string{`f:10: uses "Children’s Convention" for the Convention on the Rights of the Child: write "Convention on the Rights of the Child" instead (see glossary.yaml)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strs(g.Check("f", 10, tt.lang, tt.text))
			if want := append([]string{}, tt.want...); !slices.Equal(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

func TestGlossaryCheckPage(t *testing.T) {
	g := loadTestGlossary(t, testGlossary)
	page := "---\ntitle: Skicka anmälan\ndescription: >-\n  Så skickar du\n  din anmälan.\norder: 2\n---\nFyll i ansökan.\n\nVi tar emot anmälningar.\n"
	got := strs(g.CheckPage("sv/tolk.md", []byte(page)))
	want := []string{"sv/tolk.md:2: " + msgApplication("anmälan"), "sv/tolk.md:5: " + msgApplication("anmälan"),
		"sv/tolk.md:10: " + msgApplication("anmälningar")}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := g.CheckPage("en/interpreter.md", []byte(page)); len(got) != 0 {
		t.Errorf("an English page is checked for Swedish terms: %v", got)
	}
	var none *Glossary
	if got := none.CheckPage("sv/tolk.md", []byte(page)); got != nil {
		t.Errorf("no glossary: got %v", got)
	}
}

// TestGlossaryYAMLLines: a term in a YAML text is reported on its own
// line, whatever style the text is written in.
func TestGlossaryYAMLLines(t *testing.T) {
	g := loadTestGlossary(t, testGlossary)
	src := `form:
  plain: Skicka anmälan
  quoted: "Din anmälan"
  folded: >
    Det här är
    din anmälan.
  literal: |
    Rad ett.

    Vi tar emot anmälningar.
  long: Det här är en lång text
    som fortsätter, med en anmälan
    på andra raden.
  number: 12
`
	got := strs(g.checkYAML("i18n/sv.yaml", []byte(src), SV))
	want := []string{"i18n/sv.yaml:2: " + msgApplication("anmälan"), "i18n/sv.yaml:3: " + msgApplication("anmälan"),
		"i18n/sv.yaml:6: " + msgApplication("anmälan"), "i18n/sv.yaml:10: " + msgApplication("anmälningar"),
		"i18n/sv.yaml:12: " + msgApplication("anmälan")}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}

	office := "name:\n  sv: Familjerätten i Testby\n  en: Testby notification office\nnotes:\n  - sv: Skicka anmälan.\n    en: Send the application.\n"
	got = strs(g.checkYAML("offices/testby.yaml", []byte(office), ""))
	want = []string{`offices/testby.yaml:3: uses "notification" for the application: write "application" instead (see glossary.yaml)`,
		"offices/testby.yaml:5: " + msgApplication("anmälan")}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestLoadGlossaryProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown key", strings.Replace(testGlossary, "      except:", "      exept:", 1),
			[]string{`glossary.yaml:8: unknown key "terms[0].sv.exept": did you mean "except"?`}},
		{"unknown key at the top", "words: []\n" + testGlossary,
			[]string{`glossary.yaml:1: unknown key "words"; the keys allowed here are terms`}},
		{"no note", strings.Replace(testGlossary, "    note: Socialnämnden.\n", "", 1),
			[]string{`glossary.yaml:12: terms[1].note is missing: add it`}},
		{"a term to write and to avoid", strings.Replace(testGlossary, "avoid: [social welfare committee]", "avoid: [social welfare committee, application]", 1),
			[]string{`glossary.yaml:18: terms[1].en.avoid[1]: "application" is the term glossary.yaml gives for the application: a term cannot be one to avoid as well`}},
		{"a term avoided twice", strings.Replace(testGlossary, "avoid: [Children's Convention]", "avoid: [Children's Convention, Notification]", 1),
			[]string{`glossary.yaml:25: terms[2].en.avoid[1]: "Notification" is also avoided for the application: list it under one concept only`}},
		{"an exception that excepts nothing", strings.Replace(testGlossary, "[formulär för anmälan]", "[formulär för anmälningen]", 1),
			[]string{`glossary.yaml:8: terms[0].sv.except[0]: "formulär för anmälningen" holds none of the terms this entry avoids, so it allows nothing: check its spelling`}},
		{"empty", "# nothing yet\n", []string{"glossary.yaml: the file is empty"}},
		{"broken YAML", "terms:\n  - concept: the: application\n", []string{"glossary.yaml:2: YAML: mapping values are not allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := LoadGlossary(fstest.MapFS{GlossaryFile: {Data: []byte(tt.src)}})
			var probs Problems
			if g != nil || !errors.As(err, &probs) {
				t.Fatalf("got %v, %v; want problems", g, err)
			}
			got := strs(probs)
			if len(got) != len(tt.want) {
				t.Fatalf("got %q\nwant %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("got  %q\nwant %q", got[i], tt.want[i])
				}
			}
		})
	}

	if g, err := LoadGlossary(fstest.MapFS{}); g != nil || err != nil {
		t.Errorf("a tree without glossary.yaml: got %v, %v; want no glossary and no problem", g, err)
	}
}

// TestLoadChecksGlossary: Load checks every text a parent reads against
// the glossary, and reports where each avoided term is.
func TestLoadChecksGlossary(t *testing.T) {
	sv, err := fs.ReadFile(committed, "i18n/sv.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const was, is = "send: Skicka ansökan\n", "send: Skicka anmälan\n"
	i := strings.Index(string(sv), was)
	if i < 0 {
		t.Fatalf("i18n/sv.yaml has no %q: change the test", was)
	}
	svLine := strings.Count(string(sv[:i]), "\n") + 1
	fsys := tree(t, map[string]string{
		"i18n/sv.yaml":        strings.Replace(string(sv), was, is, 1),
		"offices/testby.yaml": validOffice + "notes:\n  - sv: Ni får en medlare.\n    en: You get a mediator.\n",
		"sv/tolk.md":          "---\ntitle: Tolk\ndescription: Tolken är gratis.\n---\nSkriv det i ansökan.\n\nSkriv det i anmälan.\n",
		"en/interpreter.md":   "---\ntitle: Interpreter\ndescription: The interpreter is free for the social welfare committee.\ntranslation: tolk.md\n---\nSay so.\n",
	})
	_, err = Load(fsys)
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("got %v, want problems", err)
	}
	got := strs(probs)
	want := []string{
		`en/interpreter.md:3: uses "social welfare committee" for the social welfare board: write "social welfare board" instead (see glossary.yaml)`,
		fmt.Sprintf("i18n/sv.yaml:%d: %s", svLine, msgApplication("anmälan")),
		`offices/testby.yaml:11: uses "medlare" for the counsellor: write "samtalsledare" instead (see glossary.yaml)`,
		`offices/testby.yaml:12: uses "mediator" for the counsellor: write "counsellor" instead (see glossary.yaml)`,
		"sv/tolk.md:7: " + msgApplication("anmälan"),
	}
	if !slices.Equal(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestGlossaryCommitted: the committed content has a glossary with the
// concepts that drift, and keeps to it.
func TestGlossaryCommitted(t *testing.T) {
	g, err := LoadGlossary(committed)
	if err != nil || g == nil {
		t.Fatalf("glossary.yaml: %v, %v; the committed content must have a glossary", g, err)
	}
	have := map[string]bool{}
	for _, c := range g.Terms {
		have[c.Usage["sv"].Term] = true
	}
	for _, term := range []string{"ansökan", "samarbetssamtal", "samtalsledare", "familjerätten", "socialnämnden",
		"handläggare", "familjerättssekreterare", "umgängesstöd", "barnkonventionen"} {
		if !have[term] {
			t.Errorf("glossary.yaml has no entry for %q", term)
		}
	}

	probs := g.checkData(committed)
	pages, err := LoadPages(committed)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		src, err := fs.ReadFile(committed, p.File)
		if err != nil {
			t.Fatal(err)
		}
		probs = append(probs, g.CheckPage(p.File, src)...)
	}
	if len(probs) > 0 {
		t.Errorf("the committed content does not keep to glossary.yaml:\n%v", probs.Err())
	}

	// The phrases the glossary must leave alone, as the pages use them.
	for _, ok := range []string{"Personalen har anmälningsplikt.", "Då kan du anmäla det till Digg.",
		"Använd [Diggs formulär för anmälan](https://www.digg.se/tdosanmalan).", "[Supported contact](/en/supervised-contact/)"} {
		for _, lang := range DefaultEditions().Langs() {
			if got := g.Check("f", 1, lang, ok); len(got) > 0 {
				t.Errorf("%s: %q: %v", lang, ok, got)
			}
		}
	}
}

// TestFindAddressesAsTheExpression: findAddresses finds exactly what
// addressRE does, in every page of the content and in the awkward cases.
func TestFindAddressesAsTheExpression(t *testing.T) {
	texts := []string{
		"", "]", "](", "](x", "](x\n)", "](x)", "a](b) c](d)", "<", "<a", "<a:", "<a:b", "<a:b>", "<1a:b>", "<a b:c>",
		"<mailto:x@y.se>", "<https://x.se/a b>", "http://", "https://", "http:// x", "https://x.se/a)b", "see https://x.se/.",
		"hhttps://x.se", "[l](https://x.se/) och https://y.se](z)", "<a:\tb>", "<a:b\r>",
	}
	files, _ := fs.Glob(os.DirFS("."), "*/*.md")
	more, _ := fs.Glob(os.DirFS("."), "*/*/*.md")
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	for _, text := range texts {
		got, want := findAddresses(text), addressRE.FindAllStringIndex(text, -1)
		if !slices.EqualFunc(got, want, slices.Equal[[]int]) {
			t.Errorf("findAddresses(%.60q) = %v, want %v", text, got, want)
		}
	}
}

// TestWordFindAsTheExpression: a one-word phrase is found without its
// regular expression, at the same places.
func TestWordFindAsTheExpression(t *testing.T) {
	texts := []string{"Anmälan", "en anmälan, två anmälan.", "anmälans anmälan", "xanmälan anmälan2 anmälan", "ANMÄLAN", "", "anmäla"}
	p := newPhrase("anmälan")
	if !p.word {
		t.Fatal("anmälan is one word")
	}
	for _, text := range texts {
		lower := strings.ToLower(text)
		got := p.find(text, lower)
		slow := *p
		slow.word = false
		if want := slow.find(text, lower); !slices.Equal(got, want) {
			t.Errorf("find(%q) = %v, want %v", text, got, want)
		}
	}
}

// BenchmarkCheckPage checks every page of the project's content against
// its glossary, as each build does for every page: on a national site
// that is a tenth of the build.
func BenchmarkCheckPage(b *testing.B) {
	fsys := os.DirFS(".")
	g, err := LoadGlossary(fsys)
	if err != nil {
		b.Fatal(err)
	}
	type page struct {
		file string
		src  []byte
	}
	var pages []page
	size := 0
	err = fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		if _, _, _, ok := PathOf(path); !ok {
			return nil
		}
		src, err := fs.ReadFile(fsys, path)
		pages = append(pages, page{path, src})
		size += len(src)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, p := range pages {
			g.CheckPage(p.file, p.src)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(pages)), "µs/page")
}
