package site

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"familjeratt.example/portal/site/chrome/chrometest"
)

// fourthEdition is the fixture's settings with a third and a fourth
// edition: Finnish, partial, with forms, and Arabic, right to left.
func fourthEdition(t *testing.T) map[string]string {
	t.Helper()
	settings := strings.Replace(fixtureFile(t, "site.yaml"), "links:", `editions:
  - {id: sv, lang: sv, name: Svenska, name_sv: svenska, forms: true}
  - {id: en, lang: en, name: English, name_sv: engelska, complete: true, forms: true}
  - {id: fi, lang: fi, name: Suomi, name_sv: finska, forms: true}
  - {id: ar, lang: ar, name: العربية, name_sv: arabiska, dir: rtl}
links:`, 1)
	// The new editions' texts: English words will do for the test, under
	// the new editions' own files.
	en := fixtureFile(t, "i18n/en.yaml")
	return map[string]string{
		"site.yaml":    settings,
		"i18n/fi.yaml": strings.Replace(en, "missing: this page is not in English, go to the start page", "missing: sivu ei ole suomeksi", 1),
		"i18n/ar.yaml": en,
		"fi/index.md":  "---\ntitle: Etusivu\ndescription: Vanhemmille.\nlayout: home\n---\nTervetuloa.\n",
		"fi/hur.md":    "---\ntitle: Miten se menee\ndescription: Näin keskustelut menevät.\n---\nTapaatte ensin erikseen.\n",
		"ar/index.md":  "---\ntitle: الصفحة الرئيسية\ndescription: للوالدين.\nlayout: home\n---\nاتصل بالرقم 020-50 50 50 في أي وقت.\n",
	}
}

// TestFourthEdition: adding a language is a site.yaml entry, a texts
// file and pages. The build accepts a partial edition, lists what it
// lacks, publishes the forms in it, names its versions in the sitemap,
// and its language menu says where a page is missing.
func TestFourthEdition(t *testing.T) {
	out := t.TempDir()
	res, err := Build(context.Background(), Options{Content: testContent(t, fourthEdition(t)), ContentDir: "content", Out: out, Forms: []Form{testForm{}}})
	if err != nil {
		t.Fatal(err)
	}
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	checks := []struct {
		file, want string
	}{
		{"fi/index.html", `<html lang="fi" dir="ltr"`},
		{"fi/hur/index.html", `<li lang="sv" dir="ltr"><a href="/sv/hur/" hreflang="sv">Svenska</a></li>`},
		{"fi/hur/index.html", `<li lang="en" dir="ltr"><a href="/en/how/" hreflang="en">English</a></li>`},
		{"fi/ansok/index.html", `<html lang="fi" dir="ltr"`}, // the form, in the new edition
		{"sv/avtal/index.html", `<li lang="fi" dir="ltr"><a href="/fi/">Suomi<span class="language-menu__missing">: sivu ei ole suomeksi</span></a></li>`},
		{"ar/index.html", `<html lang="ar" dir="rtl"`},
		{"ar/index.html", `<span dir="ltr">020-50 50 50</span>`},
		{"sv/hur/index.html", `<li lang="ar" dir="rtl"><a href="/ar/">العربية<span class="language-menu__missing">`},
	}
	for _, c := range checks {
		if got := read(c.file); !strings.Contains(got, c.want) {
			t.Errorf("%s lacks %s", c.file, c.want)
		}
	}
	// An edition without forms has no form page.
	if _, err := os.Stat(filepath.Join(out, "ar", "ansok")); err == nil {
		t.Errorf("ar has no forms, but its form page was written")
	}

	// The sitemap lists exactly the versions that exist.
	sitemap := read("sitemap.xml")
	entry := func(loc string) string {
		m := regexp.MustCompile(`<url><loc>https://familjeratt.example` + regexp.QuoteMeta(loc) + `</loc>.*?</url>`).FindString(sitemap)
		if m == "" {
			t.Fatalf("sitemap has no %s", loc)
		}
		return m
	}
	if e := entry("/sv/hur/"); !strings.Contains(e, `hreflang="fi" href="https://familjeratt.example/fi/hur/"`) || strings.Contains(e, `hreflang="ar"`) {
		t.Errorf("sitemap entry of /sv/hur/: %s; want fi listed and ar not", e)
	}
	if e := entry("/sv/avtal/"); strings.Contains(e, `hreflang="fi"`) {
		t.Errorf("sitemap lists a Finnish version of /sv/avtal/, which has none: %s", e)
	}

	// What the partial editions lack is a report, not a problem.
	if got := strings.Join(res.Untranslated["fi"], " "); !strings.Contains(got, "sv/avtal.md") || strings.Contains(got, "sv/hur.md") {
		t.Errorf("Untranslated[fi] = %q; want sv/avtal.md and not sv/hur.md", got)
	}
	if _, ok := res.Untranslated["en"]; ok {
		t.Errorf("English is complete, but the report lists it: %v", res.Untranslated["en"])
	}
	chrometest.CheckBadsDir(t, out)
}

// TestEditionProblems: what an editor can get wrong with editions is a
// file:line problem.
func TestEditionProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"a complete edition lacks a page", map[string]string{"en/how.md": ""},
			"content/sv/hur.md:1: this page has no English version: add en/hur.md, or give the English page translation: hur.md"},
		{"a page of a partial edition without a Swedish page", map[string]string{"fi/extra.md": "---\ntitle: A\ndescription: B\n---\nC.\n"},
			"content/fi/extra.md:1: this page has no Swedish version: add sv/extra.md"},
		{"a translation on a Swedish page", map[string]string{"sv/hur.md": strings.Replace(fixtureFile(t, "sv/hur.md"), "order: 1", "order: 1\ntranslation: how.md", 1)},
			"content/sv/hur.md:5: translation: a Swedish page needs none"},
		{"an edition without a start page", map[string]string{"fi/index.md": ""},
			"content/site.yaml: the fi edition has no start page /fi/: add fi/index.md"},
		{"a folder of no edition", map[string]string{"de/index.md": "---\ntitle: A\ndescription: B\n---\nC.\n"},
			`content/de: this folder looks like an edition's, but site.yaml has no edition "de"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := fourthEdition(t)
			for k, v := range tt.files {
				files[k] = v
			}
			_, err := build(t, testContent(t, files))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant a problem %q", err, tt.want)
			}
		})
	}
}

// easyEdition is the fixture with an easy-to-read Swedish edition.
func easyEdition(t *testing.T, page string) map[string]string {
	settings := strings.Replace(fixtureFile(t, "site.yaml"), "links:", `editions:
  - {id: sv, lang: sv, name: Svenska, name_sv: svenska, forms: true}
  - {id: sv-lattlast, lang: sv, name: Lättläst svenska, name_sv: lättläst svenska, easy_to_read: true}
  - {id: en, lang: en, name: English, name_sv: engelska, complete: true, forms: true}
links:`, 1)
	return map[string]string{
		"site.yaml":             settings,
		"i18n/sv-lattlast.yaml": fixtureFile(t, "i18n/sv.yaml"),
		"sv-lattlast/index.md":  "---\ntitle: Start\ndescription: Hjälp för föräldrar.\nlayout: home\n---\nHär finns hjälp.\n",
		"sv-lattlast/hur.md":    page,
	}
}

// TestEasyToRead: an easy-to-read page passes with short sentences and
// common words, and fails above the limits: a sentence over 15 words on
// a page too short for LIX, and LIX over 25 on a long page with short
// sentences. The easy-to-read page shares hreflang="sv" with Swedish, so
// the sitemap names one version for the language.
func TestEasyToRead(t *testing.T) {
	short := "---\ntitle: Så går det till\ndescription: Ni träffas.\n---\n"
	easy := short + strings.Repeat("Ni träffas först. Sedan pratar ni tillsammans. Det är gratis.\n\n", 6)
	out, err := build(t, testContent(t, easyEdition(t, easy)))
	if err != nil {
		t.Fatalf("an easy page: %v", err)
	}
	sitemap, err := os.ReadFile(filepath.Join(out, "sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(regexp.MustCompile(`<url><loc>https://familjeratt.example/sv/hur/</loc>.*?</url>`).FindString(string(sitemap)), `hreflang="sv"`); n != 1 {
		t.Errorf("/sv/hur/'s sitemap entry names hreflang=\"sv\" %d times, want once", n)
	}
	page, err := os.ReadFile(filepath.Join(out, "sv-lattlast", "hur", "index.html"))
	if err != nil || !strings.Contains(string(page), `<html lang="sv" dir="ltr"`) {
		t.Errorf("the easy-to-read page is not lang=sv (%v)", err)
	}

	long := "Den här meningen har många ord och den fortsätter länge utan att sluta någonstans alls i dag."
	tests := []struct {
		name, body, want string
	}{
		{"a long sentence on a short page", long + "\n", "content/sv-lattlast/hur.md:5: this sentence has 17 words; an easy-to-read page keeps each under 16"},
		{"a long title", "Kort.\n", ""},
		{"long words", strings.Repeat("Samarbetssamtalen förutsätter överenskommelser. Familjerättssekreteraren dokumenterar.\n\n", 5),
			"content/sv-lattlast/hur.md:5: LIX is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := short + tt.body
			if tt.want == "" { // the title counts too
				src = "---\ntitle: " + long + "\ndescription: Ni träffas.\n---\n" + tt.body
				tt.want = "content/sv-lattlast/hur.md:2: this sentence has 17 words"
			}
			_, err := build(t, testContent(t, easyEdition(t, src)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant a problem %q", err, tt.want)
			}
		})
	}
}
