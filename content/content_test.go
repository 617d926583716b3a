package content

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// committed is the content tree as committed, pages included.
var committed = os.DirFS(".")

// TestLoadCommitted checks the content tree as committed: it is what the
// site publishes and what the intake function routes by. It checks what
// holds for any valid content, never which offices there are today, so
// a municipality that adds its office (content/README.md) keeps it green.
func TestLoadCommitted(t *testing.T) {
	d, err := Load(committed)
	if err != nil {
		t.Fatalf("the committed content has problems:\n%v", err)
	}
	if got := len(d.Directory.Municipalities); got != 290 {
		t.Errorf("municipalities: got %d, want 290", got)
	}
	if len(d.Directory.Offices) == 0 {
		t.Errorf("no offices: the portal serves no one")
	}
	servedBy := map[string]string{} // kommunkod → office id
	for _, o := range d.Directory.Offices {
		// It routes its municipalities: each exists, and is its alone.
		for _, code := range o.Municipalities {
			if _, ok := d.Directory.Municipality(code); !ok {
				t.Errorf("%s: kommunkod %s is not in %s", o.File, code, MunicipalitiesFile)
			}
			if other, ok := servedBy[code]; ok {
				t.Errorf("%s: %s is served by %s too", o.File, code, other)
			}
			servedBy[code] = o.ID
			if got, ok := d.Directory.OfficeFor(code); !ok || got != o {
				t.Errorf("%s: OfficeFor(%s) = %v, want %s", o.File, code, got, o.ID)
			}
		}
		if got := len(d.Directory.MunicipalitiesOf(o)); got != len(o.Municipalities) {
			t.Errorf("%s: MunicipalitiesOf gives %d municipalities, the file lists %d", o.File, got, len(o.Municipalities))
		}
		if got, ok := d.Directory.Office(o.ID); !ok || got != o || o.File != OfficesDir+"/"+o.ID+".yaml" {
			t.Errorf("%s: Office(%q) = %v: the id is the file's name", o.File, o.ID, got)
		}
		if !strings.HasSuffix(o.Intake.Inbox, "@familjeratt.example") {
			t.Errorf("%s: inbox %q must be a placeholder under familjeratt.example, so a demo never mails anyone real; "+
				"the real address is set at deployment", o.File, o.Intake.Inbox)
		}
		// It encrypts, or has decided in so many words not to.
		if len(o.Intake.Certs) < len(o.Intake.Certificates) || len(o.Intake.Certs) == 0 && !o.Intake.AcceptTLSOnly {
			t.Errorf("%s: %d certificates parsed from %v, accept_tls_only %v: want a usable certificate from each file, "+
				"or accept_tls_only", o.File, len(o.Intake.Certs), o.Intake.Certificates, o.Intake.AcceptTLSOnly)
		}
		for _, c := range o.Intake.Certs {
			if msg := unusable(c); msg != "" {
				t.Errorf("%s: %s", o.File, msg)
			}
			if msg := wrongInbox(c, o.Intake.Inbox); msg != "" {
				t.Errorf("%s: %s", o.File, msg)
			}
		}
	}
	// The site's build refuses an expired certificate: so does make test,
	// before anyone deploys.
	for _, p := range d.Directory.Expired(time.Now()) {
		t.Errorf("%s", p)
	}
	// Every code in kommuner.tsv routes to at most one office, and those
	// no office serves to none.
	for _, m := range d.Directory.Municipalities {
		o, ok := d.Directory.OfficeFor(m.Code)
		if id, served := servedBy[m.Code]; ok != served || ok && o.ID != id {
			t.Errorf("OfficeFor(%s) = %v, %v; the office files say %q", m.Code, o, ok, id)
		}
	}
	if _, err := LoadConvention(committed); err != nil {
		t.Fatalf("the convention's files have problems:\n%v", err)
	}
}

// wrongInbox says why a certificate in the repository cannot be right
// for an office whose inbox in the repository is inbox, or "". Only a
// certificate for a placeholder address can be checked here: the
// office's own placeholder is the only one it can be right for, and a
// development certificate (its key is public) is never for anything
// else. A certificate for a real address is checked against the
// deployment's real inbox, where it can be right: the function refuses
// to start when it is for another (functions/function, liveOffices).
func wrongInbox(c *x509.Certificate, inbox string) string {
	addrs := append([]string{c.Subject.CommonName}, c.EmailAddresses...)
	placeholder, own := false, false
	for _, a := range addrs {
		if strings.HasSuffix(strings.ToLower(a), "@familjeratt.example") {
			placeholder = true
			own = own || strings.EqualFold(a, inbox)
		}
	}
	switch {
	case placeholder && !own:
		return fmt.Sprintf("the certificate for %s is for another placeholder address than the office's inbox %s", certName(c), inbox)
	case IsDevelopment(c) && !own:
		return fmt.Sprintf("the development certificate for %s is not for the office's placeholder inbox %s", certName(c), inbox)
	}
	return ""
}

// TestWrongInbox: what the committed content's test makes of each kind
// of certificate an office can list.
func TestWrongInbox(t *testing.T) {
	cert := func(org string, addrs ...string) *x509.Certificate {
		c := &x509.Certificate{Subject: pkix.Name{CommonName: addrs[0]}, EmailAddresses: addrs}
		if org != "" {
			c.Subject.Organization = []string{org}
		}
		return c
	}
	tests := []struct {
		name string
		cert *x509.Certificate
		ok   bool
	}{
		{"development, for the placeholder", cert(DevelopmentMarker, "kiruna@familjeratt.example"), true},
		{"development, for another office's placeholder", cert(DevelopmentMarker, "malmo@familjeratt.example"), false},
		{"development, for a real address", cert(DevelopmentMarker, "familjeratt@kiruna.se"), false},
		{"made with the README's openssl command", cert("", "familjeratt@kommun.se"), true},
		{"the office's real one", cert("Kiruna kommun", "familjeratt@kiruna.se"), true},
		{"a staff member's", cert("Kiruna kommun", "anna.berg@kiruna.se"), true},
		{"a test one for the placeholder", cert("", "KIRUNA@familjeratt.example"), true},
		{"for another office's placeholder", cert("", "malmo@familjeratt.example"), false},
	}
	for _, tt := range tests {
		if got := wrongInbox(tt.cert, "kiruna@familjeratt.example"); (got == "") != tt.ok {
			t.Errorf("%s: got %q, want ok %v", tt.name, got, tt.ok)
		}
	}
}

// TestMunicipalitiesSortedSwedish checks Å, Ä and Ö come after Z.
func TestMunicipalitiesSortedSwedish(t *testing.T) {
	d, err := LoadDirectory(committed)
	if err != nil {
		t.Fatal(err)
	}
	ms := d.Municipalities
	if got, want := ms[0].Name, "Ale"; got != want {
		t.Errorf("first: got %q, want %q", got, want)
	}
	if got, want := ms[len(ms)-1].Name, "Övertorneå"; got != want {
		t.Errorf("last: got %q, want %q", got, want)
	}
}

// tree returns the committed content without its offices, with files
// replaced or added: the tests give the offices they need, so none of
// them changes when an office joins, leaves or edits its file.
func tree(t *testing.T, files map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(committed, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(name, OfficesDir+"/") {
			return err
		}
		data, err := fs.ReadFile(committed, name)
		m[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if data == "" {
			delete(m, name)
			continue
		}
		m[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return m
}

const validOffice = `name:
  sv: Familjerätten i Testby
  en: Testby Family Law Office
municipalities: ["0114"]
contact:
  phone: 08-123 456 78
intake:
  inbox: testby@familjeratt.example
  accept_tls_only: true
`

func TestOfficeProblems(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		want   []string // each must appear in the report, as file:line: text
		loadFn func(fs.FS) error
	}{
		{
			name:  "unknown kommunkod",
			files: map[string]string{"offices/testby.yaml": strings.Replace(validOffice, `["0114"]`, `["0114", "9999"]`, 1)},
			want:  []string{`offices/testby.yaml:4: kommunkod "9999" is not in kommuner.tsv`},
		},
		{
			name:  "municipality served twice",
			files: map[string]string{"offices/testby.yaml": validOffice, "offices/annat.yaml": strings.Replace(validOffice, "Testby", "Annat", -1)},
			want:  []string{`offices/testby.yaml:4: Upplands Väsby (0114) is already served by the office in offices/annat.yaml`},
		},
		{
			name:  "bad e-mail",
			files: map[string]string{"offices/testby.yaml": strings.Replace(validOffice, "  phone: 08-123 456 78\n", "  phone: 08-123 456 78\n  email: testby.familjeratt.example\n", 1)},
			want:  []string{`offices/testby.yaml:7: contact.email: "testby.familjeratt.example" is not an e-mail address`},
		},
		{
			name:  "bad phone",
			files: map[string]string{"offices/testby.yaml": strings.Replace(validOffice, "08-123 456 78", "08-CALL-US", 1)},
			want:  []string{`offices/testby.yaml:6: contact.phone: "08-CALL-US" is not a phone number`},
		},
		{
			name:  "no way to reach the office",
			files: map[string]string{"offices/testby.yaml": strings.Replace(validOffice, "  phone: 08-123 456 78\n", "  opening_hours: {sv: Alltid, en: Always}\n", 1)},
			want:  []string{`offices/testby.yaml:5: contact.phone is missing: give it, or at least one of email, website`},
		},
		{
			name:  "typo in a key",
			files: map[string]string{"offices/testby.yaml": strings.Replace(validOffice, "contact:", "contakt:", 1)},
			want:  []string{`offices/testby.yaml:5: unknown key "contakt": did you mean "contact"?`},
		},
		{
			name:  "kommunkod without quotes loses its zero",
			files: map[string]string{"offices/testby.yaml": strings.Replace(validOffice, `["0114"]`, `[114]`, 1)},
			want:  []string{`offices/testby.yaml:4: municipalities[0]: "114" is not a kommunkod`},
		},
		{
			name:  "missing English name",
			files: map[string]string{"offices/testby.yaml": strings.Replace(validOffice, "  en: Testby Family Law Office\n", "", 1)},
			want:  []string{`offices/testby.yaml:1: name.en is missing: add it`},
		},
		{
			name:  "English name as a description",
			files: map[string]string{"offices/testby.yaml": strings.Replace(validOffice, "  en: Testby Family Law Office\n", "  en: Family Law Office in Testby\n", 1)},
			want:  []string{`offices/testby.yaml:3: name.en "Family Law Office in Testby": write the name as a proper name`},
		},
		{
			name:  "bad file name",
			files: map[string]string{"offices/Test By.yaml": validOffice},
			want:  []string{`offices/Test By.yaml: an office file's name may use only a–z, 0–9 and hyphens`},
		},
		{
			name:  "duplicate kommunkod in kommuner.tsv",
			files: map[string]string{"kommuner.tsv": "code\tname\tcounty\n0114\tUpplands Väsby\tStockholms län\n0114\tVallentuna\tStockholms län\n", "offices/testby.yaml": validOffice},
			want:  []string{`kommuner.tsv:3: kommunkod 0114 is also on line 2`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadDirectory(tree(t, tt.files))
			assertProblems(t, err, tt.want)
		})
	}
}

func TestOfficeServingSeveralMunicipalities(t *testing.T) {
	// One office may serve several municipalities, as Helsingborg's serves
	// Svalöv, Åstorp and Örkelljunga.
	shared := strings.Replace(validOffice, `["0114"]`, `["1283", "1214", "1277", "1257"]`, 1)
	d, err := LoadDirectory(tree(t, map[string]string{"offices/helsingborg.yaml": shared}))
	if err != nil {
		t.Fatal(err)
	}
	o, _ := d.Office("helsingborg")
	var got []string
	for _, m := range d.MunicipalitiesOf(o) {
		got = append(got, m.Name)
	}
	if want := "Helsingborg, Svalöv, Åstorp, Örkelljunga"; strings.Join(got, ", ") != want {
		t.Errorf("MunicipalitiesOf: got %q, want %q", strings.Join(got, ", "), want)
	}
	for _, code := range []string{"1283", "1214", "1277", "1257"} {
		if got, _ := d.OfficeFor(code); got != o {
			t.Errorf("OfficeFor(%s): got %v, want helsingborg", code, got)
		}
	}
}

func TestFrontMatterProblems(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"unknown key", "---\ntitle: A\ndescription: B\ntilte: C\n---\nText\n", []string{`sv/x.md:4: unknown key "tilte": did you mean "title"?`}},
		{"unknown key far from any", "---\ntitle: A\ndescription: B\ncolour: red\n---\n", []string{`sv/x.md:4: unknown key "colour"; the keys allowed here are description, draft, exit, layout, nav, order, sources, title, translation`}},
		{"missing title", "---\ndescription: B\n---\n", []string{`sv/x.md:2: title is missing: add it`}},
		{"missing description", "---\ntitle: A\n---\n", []string{`sv/x.md:2: description is missing: add it`}},
		{"no front matter", "# Rubrik\n", []string{`sv/x.md:1: the page must start with front matter`}},
		{"unclosed front matter", "---\ntitle: A\n", []string{`sv/x.md:1: the page must start with front matter`}},
		{"order not a number", "---\ntitle: A\ndescription: B\norder: first\n---\n", []string{"sv/x.md:4: YAML: cannot unmarshal !!str `first` into int"}},
		{"unknown layout", "---\ntitle: A\ndescription: B\nlayout: fancy\n---\n", []string{`sv/x.md:4: layout: "fancy" is not allowed; use one of page, home, offices, uncrc`}},
		{"translation on a Swedish page", "---\ntitle: A\ndescription: B\ntranslation: x.md\n---\n", []string{`sv/x.md:4: translation: a Swedish page needs none`}},
		{"bad YAML", "---\ntitle: [A\ndescription: B\n---\n", []string{"sv/x.md:"}},
		{"too large", "---\ntitle: A\ndescription: B\n---\n" + strings.Repeat("Text.\n", MaxPageSize/6), []string{"sv/x.md:1: the page is 513 KB; the limit is 512 KB: split it into several pages"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := ParsePage("sv/x.md", []byte(tt.src))
			assertProblems(t, probs.Err(), tt.want)
		})
	}
}

func TestParsePage(t *testing.T) {
	src := "---\ntitle: Avtal\ndescription: Om avtal.\norder: 3\nnav: false\n---\n\nBrödtext.\n"
	p, probs := ParsePage("sv/samarbetssamtal/avtal.md", []byte(src))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if p.Path != "/sv/samarbetssamtal/avtal/" || p.Rel != "samarbetssamtal/avtal.md" || p.Lang != SV {
		t.Errorf("got path %q rel %q lang %q", p.Path, p.Rel, p.Lang)
	}
	if p.Order != 3 || p.InNav() || p.LayoutName() != "page" {
		t.Errorf("got order %d nav %v layout %q", p.Order, p.InNav(), p.LayoutName())
	}
	if p.BodyLine != 7 {
		t.Errorf("BodyLine: got %d, want 7", p.BodyLine)
	}
	if got := p.Line("order"); got != 4 {
		t.Errorf("Line(order): got %d, want 4", got)
	}
}

func TestTranslationWithSlash(t *testing.T) {
	_, probs := ParsePage("en/x.md", []byte("---\ntitle: A\ndescription: B\ntranslation: /sv/x.md\n---\n"))
	want := `en/x.md:4: translation: write the Swedish file's path below the sv/ folder, without a leading slash, like "x.md"`
	if len(probs) != 1 || probs[0].String() != want {
		t.Errorf("got %v, want %s", probs, want)
	}
}

func TestPathOf(t *testing.T) {
	tests := []struct {
		file, wantPath string
		ok             bool
	}{
		{"sv/index.md", "/sv/", true},
		{"sv/tolk.md", "/sv/tolk/", true},
		{"en/violence/index.md", "/en/violence/", true},
		{"en/violence/stay-safe-online.md", "/en/violence/stay-safe-online/", true},
		{"ar/x.md", "/ar/x/", true}, // an edition's shape; whether the site has it is the settings'
		{"sv-lattlast/index.md", "/sv-lattlast/", true},
		{"Deutsch/x.md", "", false},
		{"i18n/x.md", "", false},
		{"sv/x.txt", "", false},
		{"index.md", "", false},
	}
	for _, tt := range tests {
		_, _, got, ok := PathOf(tt.file)
		if got != tt.wantPath || ok != tt.ok {
			t.Errorf("PathOf(%q): got %q, %v; want %q, %v", tt.file, got, ok, tt.wantPath, tt.ok)
		}
	}
}

func TestPageFileNames(t *testing.T) {
	m := tree(t, map[string]string{
		"sv/Våld.md":      "---\ntitle: A\ndescription: B\n---\n",
		"sv/a b/index.md": "---\ntitle: A\ndescription: B\n---\n",
		"sv/notes.txt":    "x",
	})
	_, err := LoadPages(m)
	assertProblems(t, err, []string{
		"sv/Våld.md: a page's file name may use only a–z, 0–9 and hyphens",
		"sv/a b: a folder name may use only a–z, 0–9 and hyphens",
		"sv/notes.txt: only Markdown pages (.md) belong here",
	})
}

func TestStrings(t *testing.T) {
	sv, _ := fs.ReadFile(committed, "i18n/sv.yaml")
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"missing in English", map[string]string{"i18n/sv.yaml": string(sv) + "\nextra:\n  key: Hej\n"},
			[]string{`i18n/en.yaml:1: key "extra.key" is missing: sv.yaml has it on line`}},
		{"placeholders differ", map[string]string{
			"i18n/sv.yaml": "a: \"Hej {name}\"\n", "i18n/en.yaml": "a: \"Hello {nmae}\"\n"},
			[]string{`i18n/en.yaml:1: key "a" has placeholders [{nmae}] here but [{name}] in sv.yaml: they must match`}},
		{"empty text", map[string]string{"i18n/sv.yaml": "a: \"\"\n", "i18n/en.yaml": "a: x\n"},
			[]string{`i18n/sv.yaml:1: key "a" has no text`}},
		{"a number is not a text", map[string]string{"i18n/sv.yaml": "a: 12\n", "i18n/en.yaml": "a: x\n"},
			[]string{`i18n/sv.yaml:1: key "a" must be a text (put it in quotes) or a group of keys`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadStrings(tree(t, tt.files))
			assertProblems(t, err, tt.want)
		})
	}

	s, err := LoadStrings(committed)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("en", "uncrc.article_title", "n", 12, "title", "Being heard")
	if want := "Article 12: Being heard"; got != want || err != nil {
		t.Errorf("Get: got %q, %v; want %q", got, err, want)
	}
	if _, err := s.Get(SV, "no.such.key"); err == nil {
		t.Errorf("Get of a missing key: got no error")
	}
}

func TestSettingsProblems(t *testing.T) {
	// The exit_url line is found, not assumed: editors may change the
	// file's comments and its address.
	base, _ := fs.ReadFile(committed, SettingsFile)
	lines := strings.Split(string(base), "\n")
	line := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "exit_url:") })
	if line < 0 {
		t.Fatal("site.yaml has no exit_url")
	}
	lines[line] = "exit_url: http://www.smhi.se/"
	_, err := LoadSettings(tree(t, map[string]string{SettingsFile: strings.Join(lines, "\n")}))
	assertProblems(t, err, []string{fmt.Sprintf(`site.yaml:%d: exit_url: "http://www.smhi.se/" is not a web address; write it in full, starting with https://`, line+1)})
}

func TestIsPhone(t *testing.T) {
	tests := map[string]bool{
		"010-35 33 100": true, "0763-44 55 62": true, "+46 40 34 10 00": true, "112": true, "114 14": true,
		"020-50 50 50": true, "": false, "12": false, "08--123": false, "-08 123": false, "08 123 ": true,
		"+46 (0)8 123": false, "phone": false, "0812345678901234": false,
	}
	for in, want := range tests {
		if got := IsPhone(in); got != want {
			t.Errorf("IsPhone(%q): got %v, want %v", in, got, want)
		}
	}
	if got, want := PhoneURI("020-50 50 50"), "tel:020505050"; got != want {
		t.Errorf("PhoneURI: got %q, want %q", got, want)
	}
}

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		src, fm, body string
		line          int
		ok            bool
	}{
		{"---\na: 1\n---\nBody\n", "a: 1\n", "Body\n", 4, true},
		{"---\r\na: 1\r\n---\r\nBody\r\n", "a: 1\r\n", "Body\r\n", 4, true},
		{"---\na: 1\n---", "a: 1\n", "", 3, true},
		{"---\n---\n", "", "", 3, true},
		{"a: 1\n---\n", "", "", 0, false},
		{"---\na: 1\n", "", "", 0, false},
	}
	for _, tt := range tests {
		fm, body, line, ok := SplitFrontMatter([]byte(tt.src))
		if string(fm) != tt.fm || string(body) != tt.body || line != tt.line || ok != tt.ok {
			t.Errorf("SplitFrontMatter(%q): got %q, %q, %d, %v; want %q, %q, %d, %v",
				tt.src, fm, body, line, ok, tt.fm, tt.body, tt.line, tt.ok)
		}
	}
}

func TestConventionProblems(t *testing.T) {
	arts, _ := fs.ReadFile(committed, ArticlesFile)
	cut := strings.Index(string(arts), "- article: 54")
	_, err := LoadConvention(tree(t, map[string]string{ArticlesFile: string(arts[:cut])}))
	assertProblems(t, err, []string{"uncrc/articles.yaml: article 54 is missing: add its title and summary"})

	c, err := LoadConvention(committed)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(c.Articles[11].Swedish); got != 2 {
		t.Errorf("article 12 in Swedish: got %d paragraphs, want 2", got)
	}
	if !c.Articles[2].SwedishPartial || c.Articles[1].SwedishPartial {
		t.Errorf("SwedishPartial: article 3 %v (want true), article 2 %v (want false)", c.Articles[2].SwedishPartial, c.Articles[1].SwedishPartial)
	}
	if c.Articles[0].Swedish != nil {
		t.Errorf("article 1 has Swedish text, but uncrc/sv.md does not hold it")
	}
}

// assertProblems checks that err is Problems and that each wanted text
// appears at the start of one of its lines.
func assertProblems(t *testing.T, err error, want []string) {
	t.Helper()
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("got error %v, want problems %q", err, want)
	}
	lines := strings.Split(probs.Error(), "\n")
	for _, w := range want {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("want a problem starting %q; got:\n%s", w, probs.Error())
		}
	}
}

func TestHasControl(t *testing.T) {
	tests := []struct {
		in              string
		line, multiline bool
	}{
		{"Anna Lindqvist", false, false},
		{"Ring\nefter tio", true, false},
		{"tab\there", true, false},
		{"nul\x00", true, true},
		{"bell\a", true, true},
		{"line\u2028separator", true, true},
		{"\ufeffBOM", true, true},
		{"del\x7f", true, true},
		{"Åsa Öberg-Ärlig", false, false},
	}
	for _, tt := range tests {
		if got := HasControl(tt.in, false); got != tt.line {
			t.Errorf("HasControl(%q, false): got %v, want %v", tt.in, got, tt.line)
		}
		if got := HasControl(tt.in, true); got != tt.multiline {
			t.Errorf("HasControl(%q, true): got %v, want %v", tt.in, got, tt.multiline)
		}
	}
}

// Keys for test certificates: made once, since RSA keys are slow to make.
var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
)

// testCert returns a PEM certificate for testby's inbox, valid now, with
// an RSA key and S/MIME usages, after change has altered its template.
func testCert(t *testing.T, change func(*x509.Certificate)) string {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
	tmpl := &x509.Certificate{
		SerialNumber:   big.NewInt(time.Now().UnixNano()),
		Subject:        pkix.Name{CommonName: "testby@familjeratt.example"},
		EmailAddresses: []string{"testby@familjeratt.example"},
		NotBefore:      time.Now().Add(-time.Hour),
		NotAfter:       time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:       x509.KeyUsageKeyEncipherment | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	var pub any = &rsaKey.PublicKey
	if change != nil {
		change(tmpl)
		if tmpl.PublicKey != nil {
			pub = tmpl.PublicKey
		}
	}
	parent := *tmpl // signed by the RSA key, whatever key it certifies
	parent.PublicKey = &rsaKey.PublicKey
	der, err := x509.CreateCertificate(rand.Reader, tmpl, &parent, pub, rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// officeWithCerts is testby's file listing files as a block sequence, so
// each entry has its own line: certs/a.pem is on line 10, the next on 11.
func officeWithCerts(files ...string) string {
	s := strings.Replace(validOffice, "  accept_tls_only: true\n", "  certificates:\n", 1)
	for _, f := range files {
		s += "    - " + f + "\n"
	}
	return s
}

func TestCertificateProblems(t *testing.T) {
	good := testCert(t, nil)
	tests := []struct {
		name  string
		files map[string]string
		want  []string // each must start a line of the report; none: loads
		certs int      // certificates parsed when it loads
	}{
		{"one certificate", map[string]string{"offices/certs/a.pem": good}, nil, 1},
		{"two in one file, and no key usages at all",
			map[string]string{"offices/certs/a.pem": good + testCert(t, func(c *x509.Certificate) { c.KeyUsage, c.ExtKeyUsage = 0, nil })}, nil, 2},
		{"extKeyUsage any", map[string]string{"offices/certs/a.pem": testCert(t, func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageAny} })}, nil, 1},
		{"missing file", map[string]string{"offices/certs/a.pem": good, "offices/testby.yaml": officeWithCerts("certs/a.pem", "certs/nope.pem")},
			[]string{"offices/testby.yaml:11: certificate file certs/nope.pem not found in offices/"}, 0},
		{"not PEM", map[string]string{"offices/certs/a.pem": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"},
			[]string{"offices/certs/a.pem:1: no PEM certificate found: the file must hold one or more blocks"}, 0},
		{"damaged PEM", map[string]string{"offices/certs/a.pem": "# Malmö's mailbox\n" + strings.Replace(good, "\n-----END CERTIFICATE-----", "", 1)},
			[]string{"offices/certs/a.pem:2: this PEM block cannot be read"}, 0},
		{"a private key", map[string]string{"offices/certs/a.pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"},
			[]string{"offices/certs/a.pem:1: this is a PRIVATE KEY: delete it from the repository now"}, 0},
		{"a request, not a certificate", map[string]string{"offices/certs/a.pem": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"},
			[]string{`offices/certs/a.pem:1: a "CERTIFICATE REQUEST" block is not a certificate`}, 0},
		{"not DER inside", map[string]string{"offices/certs/a.pem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"},
			[]string{"offices/certs/a.pem:1: not a readable certificate"}, 0},
		// An expired certificate still loads, so a running function keeps
		// serving every office; the site build refuses it (see TestExpired).
		{"expired, second in its file", map[string]string{"offices/certs/a.pem": good + testCert(t, func(c *x509.Certificate) {
			c.NotBefore, c.NotAfter = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 3, 4, 0, 0, 0, 0, time.UTC)
		})}, nil, 2},
		{"ECDSA key", map[string]string{"offices/certs/a.pem": testCert(t, func(c *x509.Certificate) { c.PublicKey = &ecKey.PublicKey })},
			[]string{"offices/certs/a.pem:1: the certificate for testby@familjeratt.example has a ECDSA key: Outlook and Exchange decrypt S/MIME by RSA key transport"}, 0},
		{"signing only", map[string]string{"offices/certs/a.pem": testCert(t, func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageDigitalSignature })},
			[]string{"offices/certs/a.pem:1: the certificate for testby@familjeratt.example does not allow keyEncipherment"}, 0},
		{"a web server's certificate", map[string]string{"offices/certs/a.pem": testCert(t, func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} })},
			[]string{"offices/certs/a.pem:1: the certificate for testby@familjeratt.example is not for e-mail: its extended key usage lacks emailProtection"}, 0},
		{"no certificate, TLS-only not accepted", map[string]string{"offices/testby.yaml": strings.Replace(validOffice, "  accept_tls_only: true\n", "", 1)},
			[]string{`offices/testby.yaml:7: intake has no certificates, so applications could not be encrypted to the office: add its S/MIME certificate (certificates: [certs/testby.pem]), or, only if the office accepts that its mail provider can read applications, write accept_tls_only: true after reading README.md, section "TLS-only delivery: the risk"`}, 0},
		{"no certificate, TLS-only accepted", nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"offices/testby.yaml": officeWithCerts("certs/a.pem")}
			if tt.files == nil {
				files["offices/testby.yaml"] = validOffice
			}
			for k, v := range tt.files {
				files[k] = v
			}
			d, err := LoadDirectory(tree(t, files))
			if tt.want != nil {
				assertProblems(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatalf("got problems:\n%v", err)
			}
			o, _ := d.Office("testby")
			if got := len(o.Intake.Certs); got != tt.certs {
				t.Errorf("certificates: got %d, want %d", got, tt.certs)
			}
		})
	}
}

func TestExpired(t *testing.T) {
	expired := testCert(t, func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 3, 4, 0, 0, 0, 0, time.UTC)
	})
	d, err := LoadDirectory(tree(t, map[string]string{"offices/testby.yaml": officeWithCerts("certs/a.pem"), "offices/certs/a.pem": testCert(t, nil) + expired}))
	if err != nil {
		t.Fatal(err)
	}
	assertProblems(t, d.Expired(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)).Err(),
		[]string{"offices/certs/a.pem: the certificate for testby@familjeratt.example expired on 2021-03-04"})
	if probs := d.Expired(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)); len(probs) != 0 {
		t.Errorf("before it expired: %v", probs)
	}
}

// TestLoadDataIgnoresPages: the function loads only data, so a broken
// page, which stops the site's build, cannot stop the function.
func TestLoadDataIgnoresPages(t *testing.T) {
	fsys := tree(t, map[string]string{"sv/trasig.md": "---\ntitle: [oops\n---\n", "offices/testby.yaml": validOffice})
	if _, err := Load(fsys); err == nil {
		t.Fatal("Load accepted a page with broken front matter")
	}
	d, err := LoadData(fsys)
	if err != nil {
		t.Fatalf("LoadData: %v", err)
	}
	if d.Pages != nil || d.Directory == nil || d.Strings == nil || d.Settings == nil {
		t.Errorf("LoadData: %+v, want the data and no pages", d)
	}
}

// TestDataFilesHoldNoPages: the embedded data is what the function
// carries; pages must not be in it.
func TestDataFilesHoldNoPages(t *testing.T) {
	for _, dir := range []string{"sv", "en", "uncrc"} {
		if _, err := fs.Stat(DataFiles, dir); err == nil {
			t.Errorf("DataFiles holds %s/", dir)
		}
	}
	if _, err := LoadData(DataFiles); err != nil {
		t.Fatal(err)
	}
}

func TestProblemsErrorLeavesItsReceiver(t *testing.T) {
	ps := Problems{{File: "b.yaml", Line: 2, Msg: "two"}, {File: "a.yaml", Line: 1, Msg: "one"}}
	if got, want := ps.Error(), "a.yaml:1: one\nb.yaml:2: two"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if ps[0].File != "b.yaml" {
		t.Errorf("Error() reordered its receiver: %v", ps)
	}
}

func TestRequire(t *testing.T) {
	s, err := LoadStrings(fstest.MapFS{
		"i18n/sv.yaml": {Data: []byte("a: A\nnotfound:\n  text: Hittades inte\n")},
		"i18n/en.yaml": {Data: []byte("a: A\nnotfound:\n  text: Not found\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Require("a", "notfound.title", "form.x.error.max (or form.error.max)").Error()
	want := strings.Join([]string{
		`i18n/en.yaml:1: the interface text "form.x.error.max" (or form.error.max) is missing: the portal needs it; add it`,
		`i18n/en.yaml:2: the interface text "notfound.title" is missing: the portal needs it; add it`,
		`i18n/sv.yaml:1: the interface text "form.x.error.max" (or form.error.max) is missing: the portal needs it; add it`,
		`i18n/sv.yaml:2: the interface text "notfound.title" is missing: the portal needs it; add it`,
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestTextRuleNames: the content's validator knows the text rules under
// the same names as the forms', and its own phone rule under a name of
// its own (an office may publish a short number such as 1177).
func TestTextRuleNames(t *testing.T) {
	for _, tt := range []struct {
		tag, s string
		ok     bool
	}{
		{"nocontrol", "two\nlines", false},
		{"nocontrolml", "two\nlines", true},
		{"servicephone", "1177", true},
	} {
		if got := validate.Var(tt.s, tt.tag) == nil; got != tt.ok {
			t.Errorf("%s(%q) = %v, want %v", tt.tag, tt.s, got, tt.ok)
		}
	}
}

// TestEnglishTerms: the English texts name things one way. "family law
// office" is written without a hyphen, as in the offices' names; a mix
// reads as two different things.
func TestEnglishTerms(t *testing.T) {
	mixed := regexp.MustCompile(`(?i)family-law office`)
	err := fs.WalkDir(committed, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		english := strings.HasPrefix(name, "en/") || name == "i18n/en.yaml" ||
			(strings.HasPrefix(name, "offices/") && strings.HasSuffix(name, ".yaml"))
		if !english {
			return nil
		}
		src, err := fs.ReadFile(committed, name)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if mixed.MatchString(line) {
				t.Errorf("%s:%d: write \"family law office\", without a hyphen: %s", name, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
