package journey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

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
	}
	notServedData struct {
		FormID, Action, Name string
		Hidden               []form.Hidden
		Municipality         string
		OfficesPath          string
	}
	sentData struct {
		Name       string
		Reference  intake.Reference
		Office     *content.Office
		OfficePath string
	}
)

// basePage is the chrome every page of the journey shares: never indexed,
// with "Exit this page", and breadcrumbs back to the form.
func (h *handler) basePage(f *intake.Form, lang content.Lang, title string) *chrome.Page {
	strs := h.cfg.Data.Strings
	return &chrome.Page{
		Lang: lang, Title: title, NoIndex: true, Exit: true,
		Description: h.text(f, lang, "description"),
		Breadcrumbs: []chrome.Link{
			{Text: strs.MustGet(lang, "breadcrumbs.home"), Href: h.cfg.Data.Settings.Links.Home.In(lang)},
			{Text: h.text(f, lang, "title"), Href: f.Def.Paths[lang]},
		},
	}
}

// showForm shows the form with the parent's values, and its problems if
// there are any.
func (j *journey) showForm(status int, errs []form.Error, opts form.ViewOptions) {
	opts.Sources = j.h.sources
	view := j.f.Def.View(j.h.cfg.Data.Strings, j.lang, j.values, errs, opts)
	p := j.h.basePage(j.f, j.lang, j.h.text(j.f, j.lang, "title"))
	p.Breadcrumbs = p.Breadcrumbs[:1]
	p.Error = len(errs) > 0
	p.TranslationForm = view.FormID
	j.h.render(j.w, status, "form", p, intake.FormData{View: view, Hidden: intake.Controls(j.lang, "form", ""), Intro: true})
}

// showCheck shows the answers to check, or (layout "failed") the same
// answers after a delivery failed, with a button to send again.
func (j *journey) showCheck(status int, layout string, ref intake.Reference, office *content.Office) {
	title := j.h.text(j.f, j.lang, "check_title")
	if layout == "failed" {
		title = j.h.cfg.Data.Strings.MustGet(j.lang, "failed.title")
	}
	p := j.h.basePage(j.f, j.lang, title)
	p.Error = layout == "failed"
	id := "form-" + j.f.Def.ID
	p.TranslationForm = id
	hidden := append(intake.Controls(j.lang, "check", ref), j.f.Def.HiddenValues(j.values)...)
	j.h.render(j.w, status, layout, p, checkData{
		FormID: id, Action: j.f.Def.Action, Name: j.f.Def.ID, Reference: ref, Office: office,
		Summary: j.f.Def.Summary(j.h.cfg.Data.Strings, j.lang, j.values, j.h.sources, false),
		Hidden:  hidden,
	})
}

// notServed says that no office in the portal serves the municipality,
// and that nothing was sent; the answers are kept to change the
// municipality.
func (j *journey) notServed(m content.Municipality) {
	j.o.result = "not_served"
	strs := j.h.cfg.Data.Strings
	p := j.h.basePage(j.f, j.lang, strs.MustGet(j.lang, "notserved.title", "municipality", m.Name))
	id := "form-" + j.f.Def.ID
	p.TranslationForm = id
	j.h.render(j.w, http.StatusOK, "notserved", p, notServedData{
		FormID: id, Action: j.f.Def.Action, Name: j.f.Def.ID, Municipality: m.Name,
		Hidden:      append(intake.Controls(j.lang, "form", ""), j.f.Def.HiddenValues(j.values)...),
		OfficesPath: j.h.cfg.Data.Settings.Links.Offices.In(j.lang),
	})
}

// receiptCookie carries the reference from the POST that delivered to the
// confirmation page, so the reference never appears in an address.
const receiptCookie = "intake_receipt"

type receipt struct {
	form   string
	ref    intake.Reference
	office string
	lang   content.Lang
}

// sign gives the cookie's value: the receipt and its HMAC, so that only
// the function can have made it.
func (r receipt) sign(key []byte) string {
	v := r.form + "." + string(r.ref) + "." + r.office + "." + string(r.lang)
	return v + "." + receiptMAC(key, v)
}

func receiptMAC(key []byte, v string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// parseReceipt reads a cookie's value and refuses one the function did
// not sign: a forged receipt must not show a confirmation.
func parseReceipt(s string, key []byte) (receipt, bool) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return receipt{}, false
	}
	v, mac := s[:i], s[i+1:]
	if !hmac.Equal([]byte(mac), []byte(receiptMAC(key, v))) {
		return receipt{}, false
	}
	parts := strings.Split(v, ".")
	if len(parts) != 4 {
		return receipt{}, false
	}
	ref, err := intake.ParseReference(parts[1])
	lang, ok := content.ParseLang(parts[3])
	if err != nil || !ok {
		return receipt{}, false
	}
	return receipt{form: parts[0], ref: ref, office: parts[2], lang: lang}, true
}

// sent is the confirmation page: the reference, what happens next at the
// office, its contact details, and how to keep a copy.
func (h *handler) sent(w http.ResponseWriter, r *http.Request) {
	f, ok := h.forms[r.PathValue("form")]
	if !ok {
		h.notFound(w, r)
		return
	}
	c, err := r.Cookie(receiptCookie)
	var rc receipt
	if err == nil {
		rc, ok = parseReceipt(c.Value, h.cfg.ReceiptKey)
	}
	office, known := h.cfg.Data.Directory.Office(rc.office)
	if err != nil || !ok || rc.form != f.Def.ID || !known {
		h.message(w, http.StatusNotFound, "no_receipt", f)
		return
	}
	p := h.basePage(f, rc.lang, h.text(f, rc.lang, "sent_title"))
	p.Exit = true
	p.Office = office
	h.render(w, http.StatusOK, "sent", p, sentData{
		Name: f.Def.ID, Reference: rc.ref, Office: office,
		OfficePath: h.cfg.Data.Settings.OfficePath(rc.lang, office.ID),
	})
}
