package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	functionjourney "familjeratt.example/portal/functions/journey"
	jt "familjeratt.example/portal/functions/journey/journeytest"
)

// TestHTMLValid runs the W3C Nu Html Checker (vnu.jar, pinned in
// package.json) over every page of the built site and every kind of page
// the intake function answers with, in one run of the checker: its JVM
// takes seconds to start. Any error fails the test, one line per message;
// warnings are logged.
//
// The function's pages are fetched over HTTP from the test portal as a
// browser would post the form, and each is kept whatever it turns out to
// be: the test checks what the function returns, not which text it says.
func TestHTMLValid(t *testing.T) {
	java, jar := vnuCommand(t)

	var files []htmlFile
	for _, p := range sitePages(t) {
		name := filepath.FromSlash(strings.TrimPrefix(p, "/"))
		if strings.HasSuffix(p, "/") {
			name = filepath.Join(name, "index.html")
		}
		files = append(files, htmlFile{label: "site " + p, path: filepath.Join(portal.Public, name)})
	}

	dir := t.TempDir()
	fp := &functionPages{t: t, dir: dir}
	fp.collect()
	files = append(files, fp.files...)

	// A page with known errors goes through the same run: a checker that
	// cannot fail proves nothing.
	control := htmlFile{label: "control page (known errors)", path: filepath.Join(dir, "control-known-errors.html")}
	if err := os.WriteFile(control.path, []byte(vnuControlPage), 0o600); err != nil {
		t.Fatal(err)
	}
	files = append(files, control)

	start := time.Now()
	msgs := runVNU(t, java, jar, files)
	t.Logf("vnu checked %d pages (%d of the site, %d of the function) in %s",
		len(files)-1, len(files)-1-len(fp.files), len(fp.files), time.Since(start).Round(time.Millisecond))

	byPath := map[string]string{}
	for _, f := range files {
		byPath[f.path] = f.label
	}
	var controlErrors int
	type distinct struct {
		count int
		pages map[string]bool
		first string
	}
	errorsByText, warningsByText := map[string]*distinct{}, map[string]*distinct{}
	note := func(m map[string]*distinct, text, label, line string) {
		d := m[text]
		if d == nil {
			d = &distinct{pages: map[string]bool{}, first: line}
			m[text] = d
		}
		d.count++
		d.pages[label] = true
	}
	for _, m := range msgs {
		label := m.URL
		if label == "" {
			label = "(no file)"
		}
		if p, ok := vnuFilePath(m.URL); ok {
			if l, ok := byPath[p]; ok {
				label = l
			}
		}
		line := fmt.Sprintf("%s: %s: %s", label, m.position(), m.Message)
		if m.Extract != "" {
			line += fmt.Sprintf("\n\t%q", m.Extract)
		}
		switch {
		case label == control.label:
			if m.Type == "error" {
				controlErrors++
			}
		case m.Type == "error" || m.Type == "non-document-error":
			t.Errorf("vnu %s", line)
			note(errorsByText, m.Message, label, line)
		default: // info, and its warnings
			note(warningsByText, m.Message, label, line)
		}
	}
	if controlErrors == 0 {
		t.Errorf("vnu found no error in %s, which has several: the checker's output was not understood", control.path)
	}
	summary := func(kind string, m map[string]*distinct) {
		texts := make([]string, 0, len(m))
		for text := range m {
			texts = append(texts, text)
		}
		sort.Strings(texts)
		for _, text := range texts {
			d := m[text]
			pages := make([]string, 0, len(d.pages))
			for p := range d.pages {
				pages = append(pages, p)
			}
			sort.Strings(pages)
			t.Logf("vnu %s, %d times on %d pages: %s\n\tpages: %s\n\tfirst: %s", kind, d.count, len(d.pages), text, strings.Join(pages, ", "), d.first)
		}
	}
	summary("warning", warningsByText)
	if len(errorsByText) > 0 {
		t.Logf("%d distinct errors:", len(errorsByText))
		summary("error", errorsByText)
	}
}

// vnuControlPage has errors the checker always reports: an autofill
// token not allowed on a one-line input, an unclosed element and a stray
// end tag.
const vnuControlPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Control</title></head>
<body><main><input name="street" autocomplete="street-address" aria-label="Street">
<div>never closed</span></main></body></html>
`

// vnuCommand returns the java command and the checker's jar, or fails
// the test saying how to install them. Never a skip: a check that skips
// itself proves nothing.
func vnuCommand(t *testing.T) (java, jar string) {
	t.Helper()
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("Java is not installed, and the HTML checker (vnu.jar) needs it: run `make deps` (it installs Debian's default-jre-headless with apt)")
	}
	jar = filepath.Join(root, "build", "browsertest", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("the HTML checker is not installed (%v): run `make deps` (it runs npm ci in build/browsertest)", err)
	}
	return java, jar
}

// htmlFile is one page to check: where it is, and what the report calls
// it.
type htmlFile struct {
	label string // "site /sv/anmalan/", "function sv 03 check 200.html"
	path  string // absolute
}

// vnuMessage is one message of vnu's JSON output
// (https://github.com/validator/validator/wiki/Output-»-JSON).
type vnuMessage struct {
	Type        string `json:"type"`    // error, info, non-document-error
	SubType     string `json:"subType"` // fatal, warning, io, …
	URL         string `json:"url"`
	FirstLine   int    `json:"firstLine"`
	FirstColumn int    `json:"firstColumn"`
	LastLine    int    `json:"lastLine"`
	LastColumn  int    `json:"lastColumn"`
	Message     string `json:"message"`
	Extract     string `json:"extract"`
}

// position is where the message starts, line:column.
func (m vnuMessage) position() string {
	line, col := m.FirstLine, m.FirstColumn
	if line == 0 {
		line = m.LastLine
	}
	if col == 0 {
		col = m.LastColumn
	}
	return fmt.Sprintf("%d:%d", line, col)
}

// vnuFilePath turns the checker's file: URL back into a path.
func vnuFilePath(u string) (string, bool) {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme != "file" {
		return "", false
	}
	p := parsed.Path
	if p == "" {
		p = parsed.Opaque
	}
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	return filepath.Clean(filepath.FromSlash(p)), true
}

// runVNU checks every file in one run of the checker and returns its
// messages, warnings included.
func runVNU(t *testing.T, java, jar string, files []htmlFile) []vnuMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := []string{"-jar", jar, "--format", "json", "--stdout"}
	for _, f := range files {
		args = append(args, f.path)
	}
	cmd := exec.CommandContext(ctx, java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: it reported errors
		t.Fatalf("running %s -jar %s: %v\n%s%s\n(the checker needs Java 17 or later: `java -version`)", java, jar, err, stderr.Bytes(), stdout.Bytes())
	}
	var out struct {
		Version  string       `json:"version"`
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("vnu's output is not the JSON expected (%v):\n%.2000s\n%s", err, stdout.Bytes(), stderr.Bytes())
	}
	t.Logf("vnu %s", out.Version)
	return out.Messages
}

// functionPages fetches every kind of page the intake function answers
// with, as a browser would, and saves each HTML page under dir with a
// name that says what it is.
type functionPages struct {
	t     *testing.T
	dir   string
	n     int
	files []htmlFile
}

// formAction is where the application form posts.
const formAction = "/api/forms/samarbetssamtal"

func (fp *functionPages) collect() {
	t := fp.t
	for _, lang := range data.Settings.Editions.WithForms() {
		l := string(lang)
		valid := jt.ValidApplication(l)
		c := newClient(t, portal)

		// The first step, the municipality, and where each answer to it
		// leads.
		fp.post(c, l, "municipality missing", jt.With(url.Values{"_lang": {l}, "_page": {"municipality"}}, "_action", "municipality", "municipality", ""))
		fp.post(c, l, "municipality unknown", jt.With(url.Values{"_lang": {l}, "_page": {"municipality"}}, "_action", "municipality", "municipality", "9999"))
		fp.post(c, l, "municipality served", jt.With(url.Values{"_lang": {l}, "_page": {"municipality"}}, "_action", "municipality", "municipality", "1280"))
		fp.post(c, l, "municipality not served", jt.With(url.Values{"_lang": {l}, "_page": {"municipality"}}, "_action", "municipality", "municipality", "0180")) // Stockholm: no office here

		// The form with errors, more children, one removed.
		fp.want(422, fp.post(c, l, "form with errors", jt.With(valid, "applicant.family_name", "<delete>", "privacy_ack", "<delete>", "_action", "check")), "the form with errors")
		fp.post(c, l, "form all empty", url.Values{"_lang": {l}, "_page": {"form"}, "_action": {"check"}, "municipality": {"1280"}})
		fp.post(c, l, "form child added", jt.With(valid, "_action", "add:children"))
		fp.post(c, l, "form child removed", jt.With(valid,
			"children.1.given_name", "Olle", "children.1.family_name", "Berggren",
			"children.1.personal_number", intake.MakePersonalNumber("20180505", "345"),
			"_action", "remove:children.1"))

		// The answers to check, and what can be done from there.
		check := fp.post(c, l, "check", jt.With(valid, "_action", "check"))
		checked := fp.want(200, check, "the answers to check")
		carried := jt.Hidden(check.body)
		fp.post(c, l, "check other language", jt.With(carried, "_action", "lang"))
		fp.post(c, l, "change answer", jt.With(carried, "_action", "change:applicant.street"))
		fp.post(c, l, "change municipality", jt.With(carried, "_action", "change:municipality"))
		fp.post(c, l, "form other language", jt.With(valid, "_page", "form", "_action", "lang"))

		// No office here takes the municipality.
		fp.post(c, l, "not served", jt.With(valid, "municipality", "0180", "_action", "check"))

		if !checked {
			t.Errorf("%s: without the answers to check, the confirmation and the page that says nothing was sent went unchecked", lang)
			continue
		}

		// Sent: a 303 to the confirmation, which the receipt cookie opens.
		sent := fp.post(c, l, "send", jt.With(carried, "_action", "send"))
		if fp.want(http.StatusSeeOther, sent, "the confirmation") {
			loc, err := url.Parse(sent.location)
			if err != nil || loc.Path == "" {
				t.Errorf("%s: the 303 goes to %q", sent.name, sent.location)
			} else {
				fp.want(200, fp.get(c, l, "confirmation", loc.Path), "the confirmation")
			}
		}

		// Not sent: the office's mail server is down.
		cf := newClient(t, failing)
		failCheck := fp.post(cf, l, "failing check", jt.With(valid, "_action", "check"))
		if fp.want(200, failCheck, "the page that says nothing was sent") {
			fp.want(503, fp.post(cf, l, "delivery failed", jt.With(jt.Hidden(failCheck.body), "_action", "send")), "the page that says nothing was sent")
		}
	}

	fp.collectUnitForms()

	// The short pages, in both languages at once.
	c := newClient(t, portal)
	fp.want(405, fp.get(c, "", "wrong method", formAction), "the page for a GET of the form's address")
	fp.want(404, fp.get(c, "", "unknown api address", "/api/no-such-thing"), "the page for an unknown /api/ address")
	fp.get(c, "", "unknown form", "/api/forms/no-such-form")
	fp.get(c, "", "confirmation without receipt", formAction+"/sent")
	valid := jt.ValidApplication("sv").Encode()
	fp.send(c, "", "other origin", http.MethodPost, formAction, valid, func(r *http.Request) { r.Header.Set("Origin", "https://other.example") })
	fp.send(c, "", "not a form post", http.MethodPost, formAction, valid, func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") })
	fp.send(c, "", "too large", http.MethodPost, formAction, valid+"&applicant.safe_contact="+strings.Repeat("x", functionjourney.MaxBody), nil)
	fp.send(c, "", "malformed post", http.MethodPost, formAction, "municipality=%zz", nil)
}

// collectUnitForms adds the pages of the forms another unit receives:
// each form's steps, its errors, the answers to check, the confirmation,
// and the page saying an office without the unit does not take it, in
// every edition that offers forms. The answers come from the journey
// tests' own, so that a change of fields shows here too.
func (fp *functionPages) collectUnitForms() {
	t := fp.t
	for _, f := range intake.Forms() {
		if f.Unit == content.FamilyLaw {
			continue
		}
		// An office with the unit, and one without: any, from the content.
		var with, without string
		for _, o := range data.Directory.Offices {
			if len(o.Municipalities) == 0 {
				continue
			}
			if f.OfferedBy(o) && with == "" {
				with = o.Municipalities[0]
			} else if !f.OfferedBy(o) && without == "" {
				without = o.Municipalities[0]
			}
		}
		if with == "" {
			t.Errorf("no office in the content takes %s, so its pages go unchecked: give a demo office the unit %s", f.Def.ID, f.Unit)
			continue
		}
		action := f.Def.Action
		for _, lang := range data.Settings.Editions.WithForms() {
			l := string(lang)
			c := newClient(t, portal)
			post := func(what string, v url.Values) fetched {
				return fp.send(c, l, f.Def.ID+" "+what, http.MethodPost, action, v.Encode(), nil)
			}
			start := url.Values{"_lang": {l}, "_page": {"municipality"}, "_action": {"municipality"}, "municipality": {with}}
			fp.want(200, post("form", start), f.Def.ID+"'s form")
			fp.want(422, post("form all empty", url.Values{"_lang": {l}, "_page": {"form"}, "_action": {"check"}, "municipality": {with}}), f.Def.ID+"'s form with errors")
			if without != "" {
				fp.want(200, post("not offered", jt.With(start, "municipality", without)), f.Def.ID+"'s page saying the office does not take it")
			}
			answers := unitFormAnswers(f.Def.ID)
			if answers == nil {
				continue
			}
			v := url.Values{"_lang": {l}, "_page": {"form"}, "_action": {"check"}, "municipality": {with}}
			for _, a := range answers {
				v[a.name] = a.values
			}
			check := post("check", v)
			if !fp.want(200, check, f.Def.ID+"'s answers to check") {
				continue
			}
			sent := post("send", jt.With(jt.Hidden(check.body), "_action", "send"))
			if fp.want(http.StatusSeeOther, sent, f.Def.ID+"'s confirmation") {
				if loc, err := url.Parse(sent.location); err == nil {
					fp.want(200, fp.get(c, l, f.Def.ID+" confirmation", loc.Path), f.Def.ID+"'s confirmation")
				}
			}
		}
	}
}

// client is a browser's cookies and a portal's origin.
type client struct {
	http   *http.Client
	portal *Portal
}

// newClient is a fresh browser for p: its own cookies, and redirects
// left to the test to follow.
func newClient(t *testing.T, p *Portal) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{portal: p, http: &http.Client{
		Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// fetched is one answer of the function.
type fetched struct {
	name     string // what the report calls it
	status   int
	body     string
	location string
}

func (fp *functionPages) post(c *client, lang, what string, values url.Values) fetched {
	fp.t.Helper()
	return fp.send(c, lang, what, http.MethodPost, formAction, values.Encode(), nil)
}

func (fp *functionPages) get(c *client, lang, what, path string) fetched {
	fp.t.Helper()
	return fp.send(c, lang, what, http.MethodGet, path, "", nil)
}

// send makes one request as the portal's own pages would (same origin,
// a form post) and saves the answer when it is a page.
func (fp *functionPages) send(c *client, lang, what, method, path, body string, mutate func(*http.Request)) fetched {
	t := fp.t
	t.Helper()
	req, err := http.NewRequest(method, c.portal.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", c.portal.URL)
	}
	if mutate != nil {
		mutate(req)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s (%s): %v", method, path, what, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s (%s): %v", method, path, what, err)
	}
	fp.n++
	parts := []string{"function"}
	if lang != "" {
		parts = append(parts, lang)
	}
	parts = append(parts, fmt.Sprintf("%02d", fp.n), strings.ReplaceAll(what, " ", "-"), fmt.Sprint(resp.StatusCode))
	name := strings.Join(parts, "-") + ".html"
	f := fetched{name: name, status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location")}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		t.Logf("%s %s (%s): %d to %s", method, path, what, resp.StatusCode, f.location)
		return f
	case mt != "text/html":
		t.Errorf("%s %s (%s): %d with Content-Type %q, not an HTML page: %.200s", method, path, what, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		return f
	}
	p := filepath.Join(fp.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s %s (%s): %d, saved as %s", method, path, what, resp.StatusCode, name)
	fp.files = append(fp.files, htmlFile{label: name, path: p})
	return f
}

// want reports whether f has the status the README promises for it; when
// not, that page went unchecked, and the test says so.
func (fp *functionPages) want(status int, f fetched, what string) bool {
	fp.t.Helper()
	if f.status != status {
		hint := ""
		if summary := strings.Join(strings.Fields(jt.Summary(f.body)), " "); summary != "" {
			hint = fmt.Sprintf("; its error summary says %.300q: is journeytest.ValidApplication still valid?", summary)
		}
		fp.t.Errorf("%s: status %d, want %d, so %s went unchecked%s", f.name, f.status, status, what, hint)
		return false
	}
	return true
}
