// Package journey is the parent's way through a form over HTTP: the form
// with its problems, the answers to check, sending, and the confirmation
// (or the page saying that nothing was sent). It routes each application
// to the office of the child's municipality and hands it to a
// [Deliverer].
//
// One [http.Handler] does all of it, under /api/forms/. It keeps no state
// between requests: answers travel in the parent's own form until they
// are delivered, so nothing is stored that could leak, and nothing
// accepted is lost before the office has it.
package journey

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/site/chrome"
)

// Deliverer hands an accepted application to its office. It returns nil
// only once the office's mail server (or the local inbox) has accepted
// it; an error with a Kind() string method says what kind of failure it
// was, for the log.
type Deliverer interface {
	Deliver(ctx context.Context, s *intake.Submission) error
}

// Counter counts an accepted submission in the statistics: at most once
// per reference, through a claim in its ledger entry.
type Counter interface {
	Submission(ctx context.Context, l *ledger.Ledger, sub *intake.Submission)
}

// Config is what the handler needs.
type Config struct {
	Data      *content.Data
	Chrome    *chrome.Chrome
	Deliverer Deliverer
	// AllowedOrigin is the site's origin, scheme://host[:port]. A POST
	// from any other origin is refused. Empty means the request's own
	// host, which is right when the site and function share a host.
	AllowedOrigin string
	// Live are the offices this deployment delivers to; nil means all.
	// Another office's municipalities get the page saying no office here
	// takes them, as a municipality without an office does.
	Live []*content.Office
	// LiveUnit reports whether this deployment delivers to a unit of one
	// of Live; nil means every unit they have. A form whose unit is not
	// live gets the page saying the office does not take it here.
	LiveUnit func(*content.Office, *content.Intake) bool
	// ReceiptKey signs the receipt cookie, so a forged one shows no
	// confirmation; nil means a key made afresh.
	ReceiptKey []byte
	// Ledger records each delivery (no personal data): a reference the
	// office's server already took is never sent again, and an outcome
	// that cannot be known is recorded as unknown. nil: no ledger, for
	// tests of the journey alone; the function always has one.
	Ledger *ledger.Ledger
	// AckKey signs the links in staff messages that acknowledge receipt,
	// and AckBase is the origin they point to, like
	// https://familjeratt.kommun.se. Without a key, messages have no link.
	AckKey  []byte
	AckBase string
	// Counter, if set, counts each submission the office's server
	// accepted (it needs the Ledger).
	Counter Counter
	Now     func() time.Time
	Random  io.Reader
	Logger  *slog.Logger
}

// MaxBody is the largest form post accepted: ten children and every free
// text field full is well under it.
const MaxBody = 64 << 10

type handler struct {
	cfg      Config
	forms    map[string]*intake.Form
	validate *validator.Validate
	sources  form.Sources
	live     map[string]bool // nil: every office
}

// NewHandler returns the journey's handler. It refuses to start when a
// text a page of the journey needs is missing.
func NewHandler(cfg Config) (http.Handler, error) {
	if cfg.Data == nil || cfg.Chrome == nil || cfg.Deliverer == nil {
		return nil, errors.New("journey: Data, Chrome and Deliverer are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if len(cfg.ReceiptKey) == 0 {
		cfg.ReceiptKey = make([]byte, 32)
		if _, err := io.ReadFull(cfg.Random, cfg.ReceiptKey); err != nil {
			return nil, fmt.Errorf("journey: a receipt key: %w", err)
		}
	}
	if err := CheckTexts(cfg.Data.Strings, cfg.Chrome).Err(); err != nil {
		return nil, err
	}
	h := &handler{cfg: cfg, forms: map[string]*intake.Form{}}
	if cfg.Live != nil {
		h.live = map[string]bool{}
		for _, o := range cfg.Live {
			h.live[o.ID] = true
		}
	}
	for _, f := range intake.Forms() {
		h.forms[f.Def.ID] = f
	}
	h.validate = intake.NewValidator(cfg.Data.Directory, h.today)
	h.sources = intake.MunicipalitySources(cfg.Data.Directory)
	return h.routes(), nil
}

// formLang is the edition a posted _lang names, when it offers the
// forms; anything else is Swedish, the reference, which always does.
func (h *handler) formLang(s string) content.Lang {
	if l, ok := content.ParseLang(s); ok {
		if e, ok := h.cfg.Data.Settings.Editions.Get(l); ok && e.Forms {
			return l
		}
	}
	return content.SV
}

func (h *handler) edition(l content.Lang) content.Edition {
	e, _ := h.cfg.Data.Settings.Editions.Get(l)
	return e
}

func (h *handler) today() time.Time { return intake.Today(h.cfg.Now()) }

// text is one of a form's own texts.
func (h *handler) text(f *intake.Form, lang content.Lang, key string) string {
	return f.Text(h.cfg.Data.Strings, lang, key)
}

// routes is every address the function answers, in one place.
func (h *handler) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/forms/{form}", h.submit)
	mux.HandleFunc("GET /api/forms/{form}/sent", h.sent)
	mux.HandleFunc("GET /api/ack/{ref}/{mac}", h.ackPage)
	mux.HandleFunc("POST /api/ack/{ref}/{mac}", h.ack)
	mux.HandleFunc("/api/forms/{form}", h.methodNotAllowed)
	mux.HandleFunc("/", h.notFound)
	return chrome.WithSecurityHeaders(h.recover(mux))
}

// outcome is what happened to a request, for the log.
type outcome struct {
	form, office string
	ref          intake.Reference
	result       string
	fields       []string // names of fields with problems; never their values
}

// log writes one line per request: form, reference, office, outcome and
// time. It never receives a value the parent typed.
func (h *handler) log(r *http.Request, start time.Time, o outcome) {
	attrs := []any{"form", o.form, "outcome", o.result, "ms", time.Since(start).Milliseconds()}
	if o.ref != "" {
		attrs = append(attrs, "reference", o.ref.String())
	}
	if o.office != "" {
		attrs = append(attrs, "office", o.office)
	}
	if len(o.fields) > 0 {
		attrs = append(attrs, "invalid_fields", o.fields)
	}
	level := slog.LevelInfo
	if o.result == "delivery_failed" || o.result == "delivery_unknown" || o.result == "error" {
		level = slog.LevelError
	}
	h.cfg.Logger.Log(r.Context(), level, "intake", attrs...)
}

func (h *handler) submit(w http.ResponseWriter, r *http.Request) {
	start := h.cfg.Now()
	f, ok := h.forms[r.PathValue("form")]
	if !ok {
		h.notFound(w, r)
		return
	}
	o := outcome{form: f.Def.ID}
	defer func() { h.log(r, start, o) }()

	if !h.sameOrigin(r) {
		o.result = "forbidden"
		h.message(w, http.StatusForbidden, "forbidden", f)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		o.result = "unsupported_media_type"
		h.message(w, http.StatusUnsupportedMediaType, "media_type", f)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			o.result = "too_large"
			h.message(w, http.StatusRequestEntityTooLarge, "too_large", f)
			return
		}
		o.result = "bad_request"
		h.message(w, http.StatusBadRequest, "bad_request", f)
		return
	}
	post := r.PostForm
	lang := h.formLang(post.Get("_lang"))
	values, errs := f.Def.Values(post)
	action := post.Get("_action")
	st := &journey{h: h, w: w, f: f, lang: lang, values: values, o: &o, ctx: r.Context(),
		secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"}

	st.receipt = receiptOf(r, h.cfg.ReceiptKey)
	switch {
	case strings.HasPrefix(action, "lang:"):
		// The language menu: the same step in another edition, with
		// every answer carried over.
		st.lang = h.formLang(strings.TrimPrefix(action, "lang:"))
		o.result = "language"
		switch post.Get("_page") {
		case "check":
			st.check()
		case "municipality":
			st.showMunicipality(http.StatusOK, nil)
		default:
			st.showForm(http.StatusOK, nil, form.ViewOptions{})
		}
	case action == "municipality":
		st.chooseMunicipality()
	case action == "change:municipality":
		o.result = "change"
		st.showMunicipality(http.StatusOK, nil)
	case strings.HasPrefix(action, "change:"):
		o.result = "change"
		st.showForm(http.StatusOK, nil, form.ViewOptions{Autofocus: strings.TrimPrefix(action, "change:")})
	case strings.HasPrefix(action, "add:"):
		o.result = "add_item"
		st.addItem(strings.TrimPrefix(action, "add:"))
	case strings.HasPrefix(action, "remove:"):
		o.result = "remove_item"
		st.removeItem(strings.TrimPrefix(action, "remove:"))
	case action == "send":
		st.send(errs)
	default:
		st.check(errs...)
	}
}

// journey is one request's way through the form.
type journey struct {
	h      *handler
	w      http.ResponseWriter
	f      *intake.Form
	lang   content.Lang
	values url.Values
	o      *outcome
	ctx    context.Context
	secure bool // the request came over HTTPS: the receipt cookie may say Secure
	// receipt is the one the browser sent, if the function signed it: the
	// proof of an earlier send from this browser.
	receipt receipt
	notice  string // what the last action changed, said at the top of the form
	unknown bool   // the last send's outcome cannot be known: the failed page says so
}

// validate decodes and checks the values; it returns the decoded form and
// every problem, in page order.
func (j *journey) validate(extra []form.Error) (any, []form.Error) {
	decoded, errs := j.f.Def.Decode(j.values)
	errs = append(extra, errs...)
	if decoded != nil {
		errs = append(errs, j.f.Def.Validate(j.h.validate, decoded, j.h.today())...)
	}
	return decoded, j.f.Def.Sort(errs)
}

// invalid shows the form again with its problems (422): the
// municipality's own step when that is where the problem is.
func (j *journey) invalid(errs []form.Error) {
	j.o.result = "invalid"
	for _, e := range errs {
		j.o.fields = append(j.o.fields, e.Field)
	}
	for _, e := range errs {
		if slices.Contains(intake.FirstStep, e.Field) {
			j.showMunicipality(http.StatusUnprocessableEntity, []form.Error{e})
			return
		}
	}
	j.showForm(http.StatusUnprocessableEntity, errs, form.ViewOptions{})
}

// chooseMunicipality takes the answer to the first step: on to the form
// for the office that serves the municipality, or at once to the page
// that says no office here takes it.
func (j *journey) chooseMunicipality() {
	code := j.values.Get("municipality")
	switch _, known := j.h.cfg.Data.Directory.Municipality(code); {
	case code == "":
		j.invalid([]form.Error{{Field: "municipality", Rule: "required"}})
		return
	case !known:
		j.invalid([]form.Error{{Field: "municipality", Rule: "municipality"}})
		return
	}
	o, m, ok := j.route()
	if !ok {
		j.notServed(m)
		return
	}
	if !j.offered(o) {
		j.notOffered(o, m)
		return
	}
	j.o.result = "municipality"
	j.showForm(http.StatusOK, nil, form.ViewOptions{})
}

// accepted is an application that passed every check and has an office.
type accepted struct {
	answers      any
	office       *content.Office
	municipality content.Municipality
	ref          intake.Reference
}

// accept validates, tidies and routes the answers and gives them their
// reference, which the answers themselves decide (see
// [intake.ReferenceFor]): no client can choose one, and the same
// application sent twice has the same reference. When it reports false
// it has already answered the parent: the form with its problems, or the
// page saying no office here serves the municipality.
func (j *journey) accept(extra []form.Error) (accepted, bool) {
	decoded, errs := j.validate(extra)
	if len(errs) > 0 {
		j.invalid(errs)
		return accepted{}, false
	}
	office, m, ok := j.route()
	if !ok {
		j.notServed(m)
		return accepted{}, false
	}
	if !j.offered(office) {
		j.notOffered(office, m)
		return accepted{}, false
	}
	j.f.Normalize(decoded, j.h.today())
	reference := intake.ReferenceFor(j.h.cfg.ReceiptKey, j.f.Def.ID, j.f.Def.Encode(decoded))
	j.o.ref, j.o.office = reference, office.ID
	return accepted{answers: decoded, office: office, municipality: m, ref: reference}, true
}

// check validates, routes, and shows the answers to check.
func (j *journey) check(extra ...form.Error) {
	a, ok := j.accept(extra)
	if !ok {
		return
	}
	if j.o.result == "" {
		j.o.result = "checked"
	}
	j.showCheck(http.StatusOK, "check", a.ref, a.office)
}

// route finds the office for the municipality in the answers, if this
// deployment delivers to it.
func (j *journey) route() (*content.Office, content.Municipality, bool) {
	code := j.values.Get("municipality")
	m, _ := j.h.cfg.Data.Directory.Municipality(code)
	o, ok := j.h.cfg.Data.Directory.OfficeFor(code)
	if ok && j.h.live != nil && !j.h.live[o.ID] {
		return nil, m, false
	}
	return o, m, ok
}

// offered reports whether the office takes the journey's form here: the
// form's rules ([intake.Form.OfferedBy]), and this deployment delivering
// to the office's unit for it.
func (j *journey) offered(o *content.Office) bool {
	if !j.f.OfferedBy(o) {
		return false
	}
	return j.h.cfg.LiveUnit == nil || j.h.cfg.LiveUnit(o, o.Unit(j.f.Unit))
}

func (j *journey) send(extra []form.Error) {
	a, ok := j.accept(extra)
	if !ok {
		return
	}
	decoded, office, m, reference := a.answers, a.office, a.municipality, a.ref
	if j.receipt.form == j.f.Def.ID && j.receipt.ref == reference {
		// This browser has sent these very answers and holds the receipt:
		// Back and Send again, or a second press. The office has them;
		// the parent gets the confirmation again, and nothing is sent.
		j.o.result = "repeat"
		j.redirectToReceipt()
		return
	}
	sub := &intake.Submission{Form: j.f, Reference: reference, Received: j.h.cfg.Now(), Lang: j.lang,
		Edition: j.h.edition(j.lang), Office: office, Municipality: m, Answers: decoded, Values: j.f.Def.Encode(decoded),
		Honeypot: j.values.Get(intake.HoneypotField) != "", AckURL: j.h.ackURL(reference)}
	ctx, cancel := detach(j.ctx)
	defer cancel()
	if l := j.h.cfg.Ledger; l != nil {
		prior, err := l.Begin(ctx, reference.String(), j.f.Def.ID, office.ID, "")
		if err != nil {
			// Without its record the portal could neither stop a second
			// copy nor notice a lost one: nothing is sent.
			j.o.result = "delivery_failed"
			j.h.cfg.Logger.Error("ledger write failed", "form", j.f.Def.ID, "reference", reference.String(),
				"office", office.ID, "cause", "ledger")
			j.showCheck(http.StatusServiceUnavailable, "failed", reference, office)
			return
		}
		switch {
		case prior.Sent():
			// The office's server already took this very application
			// (another browser, or the receipt expired): not again. If
			// its count could not be written then, it is counted now.
			j.o.result = "repeat"
			if !prior.Counted {
				sub.Received = prior.Received
				j.count(ctx, sub)
			}
			j.confirm(reference, office, prior.Received)
			return
		case prior.Sending(j.h.cfg.Now()):
			// Another request is sending it this moment (a second press,
			// another tab): not twice. Whether it arrives is not known
			// yet, and the page says so.
			j.o.result, j.unknown = "in_flight", true
			j.showCheck(http.StatusServiceUnavailable, "failed", reference, office)
			return
		}
	}
	err := j.h.cfg.Deliverer.Deliver(ctx, sub)
	if err != nil {
		kind := failureKind(err)
		state := ledger.Failed
		if kind == "unknown" {
			state = ledger.Unknown
		}
		j.record(ctx, reference, state, "")
		// Not sent, or not known to be: say so, keep every answer, and
		// offer to try again with the same reference. The cause stays
		// in the log's category only: an error text might hold an
		// address.
		j.o.result = "delivery_failed"
		if state == ledger.Unknown {
			j.o.result, j.unknown = "delivery_unknown", true
		}
		j.h.cfg.Logger.Error("delivery failed", "form", j.f.Def.ID, "reference", reference.String(),
			"office", office.ID, "cause", kind)
		j.showCheck(http.StatusServiceUnavailable, "failed", reference, office)
		return
	}
	j.record(ctx, reference, ledger.Accepted, sub.ProviderID)
	j.count(ctx, sub)
	j.o.result = "delivered"
	if sub.Honeypot {
		// Possibly a bot, possibly a parent's autofill: it is delivered
		// with a note for staff, never answered with a pretend
		// confirmation, and left out of the statistics.
		j.h.cfg.Logger.Warn("honeypot", "form", j.f.Def.ID, "reference", reference.String(), "office", office.ID)
	}
	j.confirm(reference, office, sub.Received)
}

// confirm sets the receipt and sends the browser to the confirmation.
func (j *journey) confirm(reference intake.Reference, office *content.Office, sent time.Time) {
	rc := receipt{form: j.f.Def.ID, ref: reference, office: office.ID, lang: j.lang, sent: sent}
	http.SetCookie(j.w, &http.Cookie{
		Name: receiptCookie, Value: rc.sign(j.h.cfg.ReceiptKey),
		Path: "/api/forms/", MaxAge: 15 * 60, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: j.secure,
	})
	j.redirectToReceipt()
}

// record moves the reference's ledger entry on after a delivery attempt.
// A failure to write is the operator's alarm, not the parent's: the
// office's server has answered, and the parent is told what it said.
func (j *journey) record(ctx context.Context, reference intake.Reference, s ledger.State, providerID string) {
	l := j.h.cfg.Ledger
	if l == nil {
		return
	}
	if _, _, err := l.Record(ctx, reference.String(), s, providerID); err != nil {
		j.h.cfg.Logger.Error("ledger write failed", "form", j.f.Def.ID, "reference", reference.String(),
			"state", string(s), "cause", "ledger")
	}
}

// count adds an accepted submission to the statistics.
func (j *journey) count(ctx context.Context, sub *intake.Submission) {
	if c, l := j.h.cfg.Counter, j.h.cfg.Ledger; c != nil && l != nil {
		c.Submission(ctx, l, sub)
	}
}

// redirectToReceipt sends the browser to the confirmation, so that a
// reload shows it again instead of posting the answers again.
func (j *journey) redirectToReceipt() {
	j.w.Header().Set("Cache-Control", "no-store")
	j.w.Header().Set("Location", "/api/forms/"+j.f.Def.ID+"/sent")
	j.w.WriteHeader(http.StatusSeeOther)
}

// detach keeps a delivery going when the parent's connection drops: once
// the office's server has begun to accept an application, finishing is
// better than leaving it half-sent. The request's deadline (on Lambda, the
// invocation's) still holds.
func detach(ctx context.Context) (context.Context, context.CancelFunc) {
	d := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(d, deadline)
	}
	return context.WithCancel(d)
}

// failureKind names what kind of failure it was, for the log and alarm.
func failureKind(err error) string {
	var k interface{ Kind() string }
	if errors.As(err, &k) {
		return k.Kind()
	}
	return "other"
}

func (j *journey) addItem(group string) {
	f, ok := j.f.Def.Field(group)
	if !ok || f.Kind != form.Repeat {
		j.showForm(http.StatusOK, nil, form.ViewOptions{})
		return
	}
	n := items(j.values, group) + 1
	j.showForm(http.StatusOK, nil, form.ViewOptions{
		Items:     map[string]int{group: n},
		Autofocus: group + "." + strconv.Itoa(n-1) + "." + f.Fields[0].Key,
	})
}

// removeItem drops one item of a repeating group and moves the later
// items up, so indexes stay 0, 1, 2….
func (j *journey) removeItem(target string) {
	group, idx, ok := strings.Cut(target, ".")
	i, err := strconv.Atoi(idx)
	if !ok || err != nil {
		j.showForm(http.StatusOK, nil, form.ViewOptions{})
		return
	}
	n := items(j.values, group)
	out := url.Values{}
	for k, v := range j.values {
		rest, inGroup := strings.CutPrefix(k, group+".")
		if !inGroup {
			out[k] = v
			continue
		}
		numStr, field, _ := strings.Cut(rest, ".")
		num, err := strconv.Atoi(numStr)
		switch {
		case err != nil || num == i:
		case num > i:
			out[group+"."+strconv.Itoa(num-1)+"."+field] = v
		default:
			out[k] = v
		}
	}
	j.values = out
	if f, ok := j.f.Def.Field(group); ok && f.Kind == form.Repeat {
		j.notice = j.h.cfg.Data.Strings.MustGet(j.lang, "form."+j.f.Def.ID+"."+f.Name+".removed", "n", i+1)
	}
	j.showForm(http.StatusOK, nil, form.ViewOptions{Items: map[string]int{group: max(1, n-1)}})
}

// items counts the items of a group present in the values.
func items(values url.Values, group string) int {
	n := 1
	for k := range values {
		if rest, ok := strings.CutPrefix(k, group+"."); ok {
			num, _, _ := strings.Cut(rest, ".")
			if i, err := strconv.Atoi(num); err == nil && i+1 > n {
				n = i + 1
			}
		}
	}
	return n
}

// sameOrigin refuses a POST from another site: with Origin, it must be
// ours; without it, Sec-Fetch-Site must not say cross-site. A POST with
// neither comes from an old browser or a tool, and is allowed.
//
// "Origin: null" is what Chromium sends for our own form under
// Referrer-Policy: no-referrer, but also what a sandboxed frame on any
// site sends; Sec-Fetch-Site, which pages cannot forge, tells them apart.
func (h *handler) sameOrigin(r *http.Request) bool {
	if origin := r.Header.Get("Origin"); origin == "null" {
		return r.Header.Get("Sec-Fetch-Site") == "same-origin"
	} else if origin != "" {
		if h.cfg.AllowedOrigin != "" {
			return strings.EqualFold(origin, h.cfg.AllowedOrigin)
		}
		u, err := url.Parse(origin)
		return err == nil && strings.EqualFold(u.Host, r.Host)
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
		return true
	}
	return false
}

// recover turns a panic into a plain 500 page. The log gets the stack,
// which holds code locations, not the values being handled.
func (h *handler) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.cfg.Logger.Error("panic", "path", r.URL.Path, "stack", string(debug.Stack()))
				h.message(w, http.StatusInternalServerError, "server_error", nil)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (h *handler) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	f := h.forms[r.PathValue("form")]
	if f == nil {
		h.notFound(w, r)
		return
	}
	w.Header().Set("Allow", "POST")
	h.message(w, http.StatusMethodNotAllowed, "method", f)
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.message(w, http.StatusNotFound, "not_found", nil)
}

// render writes a page. Answers from the function are never cached:
// pages with the parent's answers must not be kept by a browser or a CDN.
func (h *handler) render(w http.ResponseWriter, status int, layout string, p *chrome.Page, data any) {
	p.Data = data
	var buf bytes.Buffer
	if err := h.cfg.Chrome.Render(&buf, layout, p); err != nil {
		h.cfg.Logger.Error("render", "layout", layout, "error", err.Error())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "Något gick fel. Försök igen senare.\nSomething went wrong. Please try again later.\n")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// messageData is the data of a short page saying what went wrong.
type messageData struct {
	Key      string // names the texts: message.<key>.title, .text
	FormPath string
}

// message renders a short page in Swedish and English, for answers that
// come before the parent's language is known.
func (h *handler) message(w http.ResponseWriter, status int, key string, f *intake.Form) {
	p := &chrome.Page{Lang: content.SV, NoIndex: true,
		Title: h.cfg.Data.Strings.MustGet(content.SV, "message."+key+".title")}
	d := messageData{Key: key}
	if f != nil {
		d.FormPath = f.Def.Path(h.cfg.Data.Strings, content.SV)
		// A parent at risk may need to leave this page too.
		p.Exit = f.Safe
	}
	h.render(w, status, "message", p, d)
}
