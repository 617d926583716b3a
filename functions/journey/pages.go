package journey

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site/chrome"
)

// The data each layout gets.
type (
	checkData struct {
		FormID, Action, Name string
		Summary              *form.Summary
		Hidden               []form.Hidden
		Reference            intake.Reference
		Office               *content.Office
		Step                 intake.Step
		Unknown              bool // the failed page: whether it arrived cannot be known
		Safe                 bool // the form's Safe: see [intake.Form]
	}
	notServedData struct {
		FormID, Action, Name string
		Hidden               []form.Hidden
		Municipality         string
		OfficesPath          string
		ViolencePath         string
		// Office, when set, serves the municipality but does not take
		// this form, and OfficePath is its page.
		Office     *content.Office
		OfficePath string
		Safe       bool // the form's Safe: where to call comes first
	}
	sentData struct {
		Name       string
		Reference  intake.Reference
		Office     *content.Office
		OfficePath string
		Sent       string // when the office's server took it, in Swedish time, for people
		Practice   bool   // show the office's practice under what happens next
		ForStaff   bool   // the form's ForStaff: nothing of what happens next for a parent
		// Safe: the confirmation names neither the form nor the unit.
		Safe bool
	}
)

// The steps of a form: the municipality, the rest of the answers, and
// the answers to check.
const steps = 3

// basePage is the chrome every page of the journey shares: never indexed,
// with "Exit this page", and breadcrumbs back to the form.
func (h *handler) basePage(f *intake.Form, lang content.Lang, title string) *chrome.Page {
	strs := h.cfg.Data.Strings
	return &chrome.Page{
		Lang: lang, Title: title, NoIndex: true, Exit: true,
		Description: h.text(f, lang, "description"),
		Breadcrumbs: []chrome.Link{
			{Text: strs.MustGet(lang, "breadcrumbs.home"), Href: h.cfg.Data.Settings.Links.Home.In(lang)},
			{Text: h.text(f, lang, "title"), Href: f.Def.Path(h.cfg.Data.Strings, lang)},
		},
	}
}

// stepPage is basePage for a step of the form, "Steg 2 av 3" in its
// caption and title, so a screen reader announces where the parent is.
func (h *handler) stepPage(f *intake.Form, lang content.Lang, title string, step int) *chrome.Page {
	p := h.basePage(f, lang, title)
	p.Caption = h.cfg.Data.Strings.MustGet(lang, "form.step", "n", strconv.Itoa(step), "of", strconv.Itoa(steps))
	return p
}

// carried are the values the page does not show as fields, as hidden
// inputs, so that nothing the parent answered is lost between steps.
func (j *journey) carried(only, except []string) []form.Hidden {
	var out []form.Hidden
	for _, hv := range j.f.Def.HiddenValues(j.values) {
		name := form.Unindexed(hv.Name)
		if (only != nil && !slices.Contains(only, name)) || slices.Contains(except, name) {
			continue
		}
		out = append(out, hv)
	}
	return out
}

// showMunicipality shows the first step: which municipality the child is
// registered in. The other answers, if any, ride along unseen.
func (j *journey) showMunicipality(status int, errs []form.Error) {
	opts := form.ViewOptions{Sources: j.h.sources, Only: intake.FirstStep}
	view := j.f.Def.View(j.h.cfg.Data.Strings, j.lang, j.values, errs, opts)
	p := j.h.stepPage(j.f, j.lang, j.h.text(j.f, j.lang, "title"), 1)
	p.Breadcrumbs = p.Breadcrumbs[:1]
	p.Error = len(errs) > 0
	p.TranslationForm = view.FormID
	j.h.render(j.w, status, "form", p, intake.FormData{View: view, Next: "municipality", Step: intake.Step{N: 1, Of: steps},
		Hidden: append(intake.Controls(j.lang, "municipality"), j.carried(nil, intake.FirstStep)...), Safe: j.f.Safe})
}

// showForm shows the rest of the form for the office that serves the
// chosen municipality, with the parent's values, and its problems if
// there are any. Without a municipality this office takes, it is the
// first step again.
func (j *journey) showForm(status int, errs []form.Error, opts form.ViewOptions) {
	office, m, ok := j.route()
	if !ok {
		j.showMunicipality(status, errs)
		return
	}
	opts.Sources = j.h.sources
	opts.Hide = intake.FirstStep
	view := j.f.Def.View(j.h.cfg.Data.Strings, j.lang, j.values, errs, opts)
	p := j.h.stepPage(j.f, j.lang, j.h.text(j.f, j.lang, "title"), 2)
	p.Breadcrumbs = p.Breadcrumbs[:1]
	p.Error = len(errs) > 0
	p.TranslationForm = view.FormID
	j.h.render(j.w, status, "form", p, intake.FormData{View: view, Next: "check", Intro: true,
		Step: intake.Step{N: 2, Of: steps}, Office: office, Municipality: m.Name, Notice: j.notice, Practice: j.f.Practice, ForStaff: j.f.ForStaff,
		Hidden: append(intake.Controls(j.lang, "form"), j.carried(intake.FirstStep, nil)...), Safe: j.f.Safe})
}

// showCheck shows the answers to check, or (layout "failed") the same
// answers after a delivery failed, with a button to send again.
func (j *journey) showCheck(status int, layout string, ref intake.Reference, office *content.Office) {
	title := j.h.text(j.f, j.lang, "check_title")
	switch {
	case layout == "failed" && j.unknown && j.f.Safe:
		title = j.h.cfg.Data.Strings.MustGet(j.lang, "failed.safe_unknown_title")
	case layout == "failed" && j.unknown:
		title = j.h.cfg.Data.Strings.MustGet(j.lang, "failed.unknown_title")
	case layout == "failed":
		title = j.h.cfg.Data.Strings.MustGet(j.lang, "failed.title")
	}
	p := j.h.stepPage(j.f, j.lang, title, 3)
	p.Error = layout == "failed"
	id := "form-" + j.f.Def.ID
	p.TranslationForm = id
	hidden := append(intake.Controls(j.lang, "check"), j.f.Def.HiddenValues(j.values)...)
	j.h.render(j.w, status, layout, p, checkData{
		FormID: id, Action: j.f.Def.Action, Name: j.f.Def.ID, Reference: ref, Office: office, Unknown: j.unknown,
		Summary: j.f.Def.Summary(j.h.cfg.Data.Strings, j.lang, j.values, j.h.sources, false),
		Hidden:  hidden, Step: intake.Step{N: 3, Of: steps}, Safe: j.f.Safe,
	})
}

// notServed says, as soon as the parent has named the municipality, that
// no office here takes its applications, and that nothing was sent: where
// applications go instead, and where to turn in an emergency. Any answers
// are kept, for a parent who chose the wrong municipality.
func (j *journey) notServed(m content.Municipality) {
	j.o.result = "not_served"
	j.nowhere(j.h.cfg.Data.Strings.MustGet(j.lang, "form."+j.f.Def.ID+".notserved_title", "municipality", m.Name), m, nil)
}

// notOffered says, as soon as the parent has named the municipality, that
// its office does not take this form here, and how to reach the office
// instead. Nothing was sent, and the answers are kept.
func (j *journey) notOffered(o *content.Office, m content.Municipality) {
	j.o.result, j.o.office = "not_offered", o.ID
	j.nowhere(j.h.cfg.Data.Strings.MustGet(j.lang, "form."+j.f.Def.ID+".notoffered_title", "office", o.Name.In(j.lang)), m, o)
}

// nowhere renders the page saying the answers can go nowhere here: no
// office serves the municipality (office nil), or its office does not
// take this form.
func (j *journey) nowhere(title string, m content.Municipality, office *content.Office) {
	p := j.h.basePage(j.f, j.lang, title)
	id := "form-" + j.f.Def.ID
	p.TranslationForm = id
	links := j.h.cfg.Data.Settings.Links
	d := notServedData{
		FormID: id, Action: j.f.Def.Action, Name: j.f.Def.ID, Municipality: m.Name,
		Hidden:      append(intake.Controls(j.lang, "municipality"), j.f.Def.HiddenValues(j.values)...),
		OfficesPath: links.Offices.In(j.lang), ViolencePath: links.Violence.In(j.lang), Safe: j.f.Safe,
	}
	if office != nil {
		d.Office, d.OfficePath = office, j.h.cfg.Data.Settings.OfficePath(j.lang, office.ID)
	}
	j.h.render(j.w, http.StatusOK, "notserved", p, d)
}

// receiptCookie carries the reference from the POST that delivered to the
// confirmation page, so the reference never appears in an address.
const receiptCookie = "intake_receipt"

type receipt struct {
	form   string
	ref    intake.Reference
	office string
	lang   content.Lang
	sent   time.Time
}

// sign gives the cookie's value: the receipt sealed with AES-GCM under a
// key derived from the receipt key, so that only the function can have
// made it and nobody who looks at the browser's cookies can read it.
// In the clear it would name the form and the office: a cookie that
// says "kontakt" and "malmo" tells whoever opens the browser's storage
// where the parent asked for help. The nonce is derived from the
// receipt itself (a synthetic IV), so no random source can repeat one
// for two receipts; a receipt holds its reference and time, so no two
// are alike.
func (r receipt) sign(key []byte) string {
	v := r.form + "." + string(r.ref) + "." + r.office + "." + string(r.lang) + "." + strconv.FormatInt(r.sent.Unix(), 10)
	aead := receiptAEAD(key)
	m := hmac.New(sha256.New, receiptSubkey(key, "nonce"))
	m.Write([]byte(v))
	nonce := m.Sum(nil)[:aead.NonceSize()]
	return base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(v), nil))
}

// receiptSubkey derives a key for one use from the receipt key, which
// also derives the references (intake.ReferenceFor).
func receiptSubkey(key []byte, use string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("receipt cookie " + use))
	return m.Sum(nil)
}

func receiptAEAD(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(receiptSubkey(key, "seal"))
	if err != nil {
		panic(err) // a 32-byte key is always a valid AES key
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// parseReceipt reads a cookie's value and refuses one the function did
// not seal: a forged receipt must not show a confirmation.
func parseReceipt(s string, key []byte) (receipt, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	aead := receiptAEAD(key)
	if err != nil || len(b) < aead.NonceSize() {
		return receipt{}, false
	}
	plain, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], nil)
	if err != nil {
		return receipt{}, false
	}
	parts := strings.Split(string(plain), ".")
	if len(parts) != 5 {
		return receipt{}, false
	}
	ref, err := intake.ParseReference(parts[1])
	lang, ok := content.ParseLang(parts[3])
	sent, terr := strconv.ParseInt(parts[4], 10, 64)
	if err != nil || !ok || terr != nil {
		return receipt{}, false
	}
	return receipt{form: parts[0], ref: ref, office: parts[2], lang: lang, sent: time.Unix(sent, 0)}, true
}

// receiptOf is the signed receipt the request carries, or none.
func receiptOf(r *http.Request, key []byte) receipt {
	c, err := r.Cookie(receiptCookie)
	if err != nil {
		return receipt{}
	}
	rc, _ := parseReceipt(c.Value, key)
	return rc
}

// sent is the confirmation page: the reference, when it was sent, what
// happens next at the office, its contact details, and how to keep a
// copy.
func (h *handler) sent(w http.ResponseWriter, r *http.Request) {
	f, ok := h.forms[r.PathValue("form")]
	if !ok {
		h.notFound(w, r)
		return
	}
	rc := receiptOf(r, h.cfg.ReceiptKey)
	office, known := h.cfg.Data.Directory.Office(rc.office)
	if rc.form != f.Def.ID || !known {
		h.message(w, http.StatusNotFound, "no_receipt", f)
		return
	}
	p := h.basePage(f, rc.lang, h.text(f, rc.lang, "sent_title"))
	p.Exit = true
	p.Office = office
	if f.Safe {
		// Someone may read the screen, the tab's title or the history
		// over the parent's shoulder: the page names neither the form
		// nor the unit, and the footer not the office.
		p.Breadcrumbs = p.Breadcrumbs[:1]
		p.Description = h.text(f, rc.lang, "sent_text")
		p.Office = nil
	}
	h.render(w, http.StatusOK, "sent", p, sentData{
		Name: f.Def.ID, Reference: rc.ref, Office: office,
		OfficePath: h.cfg.Data.Settings.OfficePath(rc.lang, office.ID),
		Sent:       intake.FormatTime(h.cfg.Data.Strings, rc.lang, rc.sent),
		Practice:   f.Practice, ForStaff: f.ForStaff, Safe: f.Safe,
	})
}
