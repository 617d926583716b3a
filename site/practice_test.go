package site

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
)

// practiceTexts are the sentences an office's practice can put on a page,
// with the values an office gives: each is shown only when the office's
// file has the fact.
func practiceTexts(t *testing.T, strs *content.Strings, lang content.Lang, p content.Practice) map[string]bool {
	t.Helper()
	get := func(key string, args ...any) string {
		s, err := strs.Get(lang, key, args...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	from, to := 2, 5
	if p.UsualTalks != nil {
		from, to = p.UsualTalks.From, p.UsualTalks.To
	}
	months := func(n int) int {
		if n == 0 {
			return 7 // a value no office below has: the sentence must not appear at all
		}
		return n
	}
	return map[string]bool{
		get("practice.first_talk_everyone"):                                      p.FirstTalk == "everyone",
		get("practice.first_talk_on_request"):                                    p.FirstTalk == "on_request",
		get("practice.usual_talks", "from", from, "to", to):                      p.UsualTalks != nil,
		get("practice.aim_months", "months", months(p.AimMonths)):                p.AimMonths > 0,
		get("practice.follow_up"):                                                p.FollowUpTalk && p.FollowUpAfterMonths == 0,
		get("practice.follow_up_after", "months", months(p.FollowUpAfterMonths)): p.FollowUpTalk && p.FollowUpAfterMonths > 0,
		get("practice.talk_notes_destroyed_at_end"):                              p.TalkNotes == "destroyed_at_end",
	}
}

// TestPracticeComesFromTheOfficeFile: every practice fact on an office's
// page is one its own file states, with its own values; an office that
// states none shows none; and no other page (the shared pages, the other
// offices) shows any of them.
func TestPracticeComesFromTheOfficeFile(t *testing.T) {
	fsys := testContent(t, map[string]string{
		// Torsås states one fact only; Malmö states all; Helsingborg none.
		"offices/torsas.yaml": fixtureFile(t, "offices/torsas.yaml") + "practice:\n  first_talk: everyone\n",
	})
	out := t.TempDir()
	if _, err := Build(context.Background(), Options{Content: fsys, ContentDir: "content", Out: out, Forms: []Form{testForm{}}}); err != nil {
		t.Fatal(err)
	}
	data, err := content.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	officePages := map[string]*content.Office{}
	for _, o := range data.Directory.Offices {
		for _, lang := range []content.Lang{content.SV, content.Lang("en")} {
			officePages[strings.TrimPrefix(data.Settings.OfficePath(lang, o.ID), "/")+"index.html"] = o
		}
	}
	stated := 0
	err = filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		rel, _ := filepath.Rel(out, path)
		rel = filepath.ToSlash(rel)
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		page := string(src)
		for _, lang := range []content.Lang{content.SV, content.Lang("en")} {
			if !strings.HasPrefix(rel, string(lang)+"/") {
				continue
			}
			o := officePages[rel]
			var own content.Practice
			if o != nil {
				own = o.Practice
			}
			for text, want := range practiceTexts(t, data.Strings, lang, own) {
				if got := strings.Contains(page, "<li>"+text+"</li>"); got != want {
					t.Errorf("%s: shows %q: %v, want %v (from %v)", rel, text, got, want, own)
				}
				if want {
					stated++
				}
			}
			if o != nil && o.Practice.Kept != nil && !strings.Contains(page, o.Practice.Kept.In(lang)) {
				t.Errorf("%s lacks what the office keeps: %q", rel, o.Practice.Kept.In(lang))
			}
			heading := data.Strings.MustGet(lang, "office.practice_heading")
			if got, want := strings.Contains(page, ">"+heading+"</h2>"), o != nil && !o.Practice.Empty(); got != want {
				t.Errorf("%s: practice heading shown: %v, want %v", rel, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Malmö's five facts of these and Torsås' one, in two languages.
	if want := 2 * (5 + 1); stated != want {
		t.Errorf("checked %d stated facts, want %d", stated, want)
	}
}

// followUpTestForm is a second form that only offices offering follow-up
// talks take, like the request for a follow-up talk.
type followUpTestForm struct{ testForm }

func (followUpTestForm) Path(_ *content.Strings, lang content.Lang) string {
	if p, ok := map[content.Lang]string{content.SV: "/sv/uppfoljning/", content.Lang("en"): "/en/follow-up/"}[lang]; ok {
		return p
	}
	return "/" + string(lang) + "/uppfoljning/"
}

func (followUpTestForm) OfferedBy(o *content.Office) bool { return o.Practice.FollowUpTalk }

func (followUpTestForm) Title(*content.Strings, content.Lang) string { return "Follow-up form" }

// TestOfficeLinksOnlyToFormsItTakes: the office that offers follow-up
// talks links to the follow-up form; the others do not.
func TestOfficeLinksOnlyToFormsItTakes(t *testing.T) {
	out := t.TempDir()
	forms := []Form{testForm{}, followUpTestForm{}}
	if _, err := Build(context.Background(), Options{Content: testContent(t, nil), ContentDir: "content", Out: out, Forms: forms}); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]bool{
		"en/family-law-offices/malmo/index.html":       true,
		"sv/familjeratt/malmo/index.html":              true,
		"sv/familjeratt/torsas/index.html":             false,
		"en/family-law-offices/helsingborg/index.html": false,
	} {
		page, err := os.ReadFile(filepath.Join(out, file))
		if err != nil {
			t.Fatal(err)
		}
		link := `href="/en/follow-up/">Follow-up form</a>`
		if strings.HasPrefix(file, "sv/") {
			link = `href="/sv/uppfoljning/">Follow-up form</a>`
		}
		if got := strings.Contains(string(page), link); got != want {
			t.Errorf("%s links to the follow-up form: %v, want %v", file, got, want)
		}
	}
}

// TestSources: a page's sources are listed at its foot, linked when they
// have an address; a page without sources has no such list.
func TestSources(t *testing.T) {
	out, err := build(t, testContent(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	page := read("sv/avtal/index.html")
	for _, want := range []string{
		`<h2 id="sources-heading">Källor</h2>`,
		`<li><a href="https://rkrattsbaser.gov.se/sfsr?bet=1949:381">Föräldrabalken (1949:381) 6 kap. 6 §</a></li>`,
		`<li>En rutin utan adress</li>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("sv/avtal/ lacks %s", want)
		}
	}
	if strings.Contains(read("en/agreements/index.html"), "sources-heading") {
		t.Error("en/agreements/ has no sources but shows a list of them")
	}
}

// TestPrivacyPage: the portal's own controller comes from site.yaml and
// is shown as not yet given while it is missing; every office's part of
// the notice is linked.
func TestPrivacyPage(t *testing.T) {
	privacy := `
privacy:
  controller:
    name: {sv: Kommunstyrelsen i Testby, en: Testby executive board}
    email: kommun@testby.se
  processors:
    - name: Värden AB
      role: hosting
      about: {sv: Driver webbplatsen., en: Runs the site.}
`
	for _, tt := range []struct {
		name, settings string
		want, not      []string
	}{
		{"missing", "", []string{
			"<dt>Personuppgiftsansvarig</dt><dd>Uppgift saknas ännu.</dd>",
			"<dt>Rättslig grund</dt><dd>Uppgift saknas ännu.</dd>",
		}, []string{"Värden AB"}},
		{"given", privacy, []string{
			`<dd>Kommunstyrelsen i Testby<span class="reach">E-post: <a href="mailto:kommun@testby.se" dir="ltr">kommun@testby.se</a></span></dd>`,
			"<li>Värden AB: Driver webbplatsen.</li>",
			"<dt>Dataskyddsombud</dt><dd>Uppgift saknas ännu.</dd>",
		}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := build(t, testContent(t, map[string]string{"site.yaml": fixtureFile(t, "site.yaml") + tt.settings}))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(out, "sv/personuppgifter/index.html"))
			if err != nil {
				t.Fatal(err)
			}
			page := string(b)
			want := append(tt.want, `<a href="/sv/familjeratt/malmo/#privacy">`, `<a href="/sv/familjeratt/torsas/#privacy">`)
			for _, w := range want {
				if !strings.Contains(page, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(page, n) {
					t.Errorf("shows %q", n)
				}
			}
		})
	}
}
