package browsertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

// answer is one field's value(s), by the field's name.
type answer struct {
	name   string
	values []string
}

// malmo is the municipality the applications are for: Malmö, served by
// the Malmö office in the content.
const malmo = "1280"

// application is the rest of a complete application for cooperation
// talks after the first step (the municipality), as in functions/intake's
// tests, in page order. The people's ages follow the clock, since the
// function checks that a child is under 18 today.
func application() []answer {
	return []answer{
		{"applicant.given_name", []string{"Anna"}},
		{"applicant.family_name", []string{"Lindqvist"}},
		{"applicant.personal_number", []string{"811218-9876"}},
		{"applicant.protected_identity", []string{"no"}},
		{"applicant.street", []string{"Storgatan 12"}},
		{"applicant.postal_code", []string{"211 34"}},
		{"applicant.city", []string{"Malmö"}},
		{"applicant.phone", []string{"070-123 45 67"}},
		{"applicant.email", []string{"anna.lindqvist@example.org"}},
		{"applicant.safe_contact", []string{"Ring efter klockan tio"}},
		{"applicant.individual_first_talk", []string{"yes"}},
		{"other_parent.given_name", []string{"Erik"}},
		{"other_parent.family_name", []string{"Berggren"}},
		{"other_parent.personal_number", []string{pnr(time.Now().Year()-47, "0312", "234")}},
		{"other_parent.agrees", []string{"unknown"}},
		{"children.0.given_name", []string{"Lisa"}},
		{"children.0.family_name", []string{"Berggren"}},
		{"children.0.personal_number", []string{pnr(time.Now().Year()-11, "0101", "002")}},
		{"topics", []string{"custody", "contact"}},
		{"court_ordered", []string{"no"}},
		{"previous_talks", []string{"no"}},
		{"privacy_ack", []string{"yes"}},
	}
}

// without returns the answers less the named fields.
func without(answers []answer, names ...string) []answer {
	var out []answer
	for _, a := range answers {
		skip := false
		for _, n := range names {
			skip = skip || a.name == n
		}
		if !skip {
			out = append(out, a)
		}
	}
	return out
}

// replaced returns the answers with one field's value changed.
func replaced(answers []answer, name, value string) []answer {
	out := append([]answer(nil), answers...)
	for i := range out {
		if out[i].name == name {
			out[i].values = []string{value}
		}
	}
	return out
}

// pnr makes a valid personnummer (YYYYMMDD-NNNC) with the Luhn check
// digit, for a person born in year on mmdd.
func pnr(year int, mmdd, serial string) string {
	digits := fmt.Sprintf("%02d%s%s", year%100, mmdd, serial)
	sum := 0
	for i, r := range digits {
		d := int(r - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return fmt.Sprintf("%d%s-%s%d", year, mmdd, serial, (10-sum%10)%10)
}

// formPath is the application form's page in lang.
func formPath(lang content.Lang) string {
	return intake.StaticPages()[0].Path(committed().Strings, lang)
}

// committed is the committed content's data, loaded once.
var committed = sync.OnceValue(func() *content.Data {
	d, err := content.LoadData(content.DataFiles)
	if err != nil {
		panic(err)
	}
	return d
})

// fillByScript sets the answers directly in the page's form: a quick way
// to reach a later page of the journey. The journey tests type instead.
func (tb *tab) fillByScript(answers []answer) {
	tb.t.Helper()
	m := map[string][]string{}
	for _, a := range answers {
		m[a.name] = a.values
	}
	tb.setFields(m, false)
}

// setFields sets the named fields of the page's form (the one that keeps
// a draft, or keeps none), with input and change events when events is
// set, as a parent's typing gives them; it fails if a field is missing.
func (tb *tab) setFields(answers map[string][]string, events bool) {
	tb.t.Helper()
	js, _ := json.Marshal(answers)
	missing := eval[[]string](tb, fmt.Sprintf(`((answers, events) => {
		const form = document.querySelector("form[data-draft], form[data-no-draft]"), missing = [];
		for (const [name, values] of Object.entries(answers)) {
			const fields = [...form.elements].filter(e => e.name === name);
			if (fields.length === 0) missing.push(name);
			for (const e of fields) {
				if (e.type === "radio" || e.type === "checkbox") e.checked = values.includes(e.value);
				else e.value = values[0];
				if (events) {
					e.dispatchEvent(new Event("input", {bubbles: true}));
					e.dispatchEvent(new Event("change", {bubbles: true}));
				}
			}
		}
		return missing;
	})(%s, %t)`, js, events))
	if len(missing) > 0 {
		tb.t.Fatalf("the form has no fields %s", strings.Join(missing, ", "))
	}
}

// fillByMouse fills the answers as a mouse and keyboard user does: click
// a field and type, click a radio or a checkbox. It works with
// JavaScript off.
func (tb *tab) fillByMouse(answers []answer) {
	tb.t.Helper()
	for _, a := range answers {
		kind := eval[string](tb, fmt.Sprintf(`(document.querySelector('[name=%q]') || {}).type || ""`, a.name))
		switch kind {
		case "radio", "checkbox":
			for _, v := range a.values {
				tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=%q][value=%q]`, a.name, v))))
			}
		case "select-one":
			// A closed select takes the first letters of an option.
			tb.do(chromedp.Focus(chromedp.CSS(fmt.Sprintf(`[name=%q]`, a.name))), typeText(optionPrefix(a.values[0])))
		case "":
			tb.t.Fatalf("no field %s on the page", a.name)
		default:
			tb.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`[name=%q]`, a.name))), typeText(a.values[0]))
		}
	}
}

// optionPrefix is what to type in the municipality list to choose code:
// the first letters (four at least) that no other municipality's name
// begins with, so that Östhammar is not taken for Östersund.
func optionPrefix(code string) string {
	m, ok := data.Directory.Municipality(code)
	if !ok {
		panic("no municipality " + code)
	}
	name := []rune(m.Name)
	for n := min(4, len(name)); n <= len(name); n++ {
		prefix := strings.ToLower(string(name[:n]))
		unique := true
		for _, o := range data.Directory.Municipalities {
			if o.Code != code && strings.HasPrefix(strings.ToLower(o.Name), prefix) {
				unique = false
				break
			}
		}
		if unique {
			return string(name[:n])
		}
	}
	return m.Name
}

// start opens the form in lang and answers its first step, the child's
// municipality, by script; it returns the status of the next page.
func (tb *tab) start(lang content.Lang, municipality string) int64 {
	tb.t.Helper()
	if status := tb.open(formPath(lang)); status != 200 {
		tb.t.Fatalf("the form: status %d", status)
	}
	tb.fillByScript([]answer{{"municipality", []string{municipality}}})
	return tb.submitForm()
}

// submitForm presses the form's own submit button and returns the
// status of the page that comes back.
func (tb *tab) submitForm() int64 {
	tb.t.Helper()
	return tb.submit(chromedp.Click(chromedp.CSS(`:is(form[data-draft], form[data-no-draft]) .button-group button[type=submit]`)))
}

// pageInfo is what the journey looks at on each page.
type pageInfo struct {
	Lang      string   `json:"lang"`
	Title     string   `json:"title"`
	H1        string   `json:"h1"` // without its caption
	Caption   string   `json:"caption"`
	Active    string   `json:"active"`
	Errors    []string `json:"errors"`
	Reference string   `json:"reference"`
}

func (tb *tab) info() pageInfo {
	tb.t.Helper()
	return eval[pageInfo](tb, `(() => {
		const a = document.activeElement;
		const ref = document.querySelector(".panel__reference");
		const h1 = (document.querySelector("h1") || document.createElement("h1")).cloneNode(true);
		const caption = h1.querySelector(".caption");
		if (caption) caption.remove();
		return {lang: document.documentElement.lang, title: document.title,
			h1: h1.textContent.trim(), caption: caption ? caption.textContent.trim() : "",
			active: a ? (a.id || a.className || a.tagName) : "",
			errors: [...document.querySelectorAll(".error-summary a")].map(l => l.getAttribute("href")),
			reference: ref ? ref.textContent.trim() : ""};
	})()`)
}

func str(lang content.Lang, key string, args ...any) string {
	return data.Strings.MustGet(lang, key, args...)
}

func formText(lang content.Lang, key string, args ...any) string {
	return str(lang, "form.samarbetssamtal."+key, args...)
}

// fieldID is the id the form gives a field: f- and its name with dots
// as hyphens.
func fieldID(name string) string { return "f-" + strings.ReplaceAll(name, ".", "-") }

// langs runs f in each edition that offers the forms.
func langs(t *testing.T, f func(t *testing.T, lang content.Lang)) {
	for _, lang := range data.Settings.Editions.WithForms() {
		t.Run(string(lang), func(t *testing.T) { f(t, lang) })
	}
}
