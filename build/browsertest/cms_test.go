package browsertest

import (
	"context"
	"fmt"
	"html"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"go.yaml.in/yaml/v3"

	"familjeratt.example/portal/build/cms"
	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery/mailtest"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site"
	"familjeratt.example/portal/site/chrome"
	"familjeratt.example/portal/site/chrome/chrometest"
	"familjeratt.example/portal/site/server"
)

// TestCMS is the web editor's round trip, as a municipal editor makes
// it: on a copy of the content, with the real decap-server as its local
// backend and the editor served as the dev server serves it, it signs in,
// writes a page in Swedish and its English translation, adds an office
// with every key filled (its certificate uploaded), adds a note to an
// office that exists, and changes an interface text, all through the
// editor's forms. Then the files on disk say what was typed and nothing
// else changed, the build accepts the tree with no problem, and the
// built pages show every field.
//
// axe checks the editor's pages we make: the sign-in page (our
// index.html around Decap's sign-in) and our forms, whose labels and
// hints come from the configuration. Decap's own widgets are its
// authors': where axe finds fault with them, cmsAxeExcluded says which
// and why.
func TestCMS(t *testing.T) {
	start := time.Now()
	dir := t.TempDir()
	tree := filepath.Join(dir, "content")
	if err := os.CopyFS(tree, os.DirFS(filepath.Join(root, "content"))); err != nil {
		t.Fatal(err)
	}
	before, err := content.Load(os.DirFS(tree))
	if err != nil {
		t.Fatal(err)
	}
	ed := startEditor(t, tree)
	tb := ed.tab

	// Signing in.
	tb.openURL(ed.url + cms.Path)
	login := `//*[@role="button" or self::button][normalize-space()="Login"]`
	tb.do(chromedp.WaitVisible(login))
	ed.checkEditorAxe()
	tb.do(chromedp.Click(login))
	tb.do(chromedp.WaitVisible(`//*[normalize-space()="Family-law offices"]`))

	// A page in Swedish and its translation, which names it: a Swedish
	// page, the reference, has no translation field.
	sv := cmsPage{collection: "sv-samarbetssamtal", file: "sv/samarbetssamtal/tolk-i-samtalen.md", path: "/sv/samarbetssamtal/tolk-i-samtalen/",
		title: "Tolk i samtalen", description: "Du kan få en tolk när ni har samtal hos familjerätten.", order: "7",
		heading: "Be om tolk", text: "Säg till när du ansöker. Läs mer om", link: "tolk", href: "/sv/tolk/"}
	en := cmsPage{collection: "en-cooperation-talks", file: "en/cooperation-talks/interpreters-in-the-talks.md", path: "/en/cooperation-talks/interpreters-in-the-talks/",
		title: "Interpreters in the talks", description: "You can have an interpreter in the talks at the family law office.", order: "7",
		translation: "samarbetssamtal/tolk-i-samtalen.md",
		heading:     "Ask for an interpreter", text: "Say so when you apply. Read more about", link: "interpreters", href: "/en/interpreter/"}
	for _, p := range []cmsPage{sv, en} {
		ed.writePage(p)
	}

	// A new office, every key filled.
	o := newCMSOffice(t, before, dir)
	ed.writeOffice(o)

	// An existing office gets a note.
	existing := before.Directory.Offices[0]
	note := content.Text{content.SV: "Ni kan också skriva till oss.", "en": "You can also write to us."}
	ed.addNote(existing, note)

	// An interface text changes.
	const textKey = "skip_to_content"
	newText := "Hoppa direkt till innehållet"
	ed.changeText(content.SV, textKey, newText)
	t.Logf("the editor wrote everything in %s", time.Since(start).Round(time.Millisecond))

	// The files say what was typed, and nothing else changed.
	for _, p := range []cmsPage{sv, en} {
		p.checkFile(t, tree)
	}
	o.checkFile(t, tree)
	checkAddedNote(t, tree, existing, note)
	checkChangedText(t, tree, content.SV, textKey, newText)
	ed.checkClean()

	// The build takes the tree as the editor left it.
	public := filepath.Join(dir, "public")
	if _, err := site.Build(context.Background(), site.Options{Content: os.DirFS(tree), ContentDir: "content", Out: public,
		BaseURL: "http://127.0.0.1", Forms: site.AsForms(intake.StaticPages())}); err != nil {
		t.Fatalf("the build refuses what the editor wrote:\n%v", err)
	}
	chrometest.CheckBadsDir(t, public)
	if sitemap, err := os.ReadFile(filepath.Join(public, "sitemap.xml")); err != nil || strings.Contains(string(sitemap), cms.Path) {
		t.Errorf("the sitemap lists the editor (%v)", err)
	}

	// The new pages are served and show every field.
	built := server.NewHandler(public, nil, nil)
	siteLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	siteSrv := &http.Server{Handler: built}
	go siteSrv.Serve(siteLn)
	t.Cleanup(func() { siteSrv.Close() })
	siteURL := "http://" + siteLn.Addr().String()
	for _, p := range []cmsPage{sv, en} {
		p.checkServed(tb, siteURL)
	}
	o.checkPage(t, public, before.Settings)
	page, err := os.ReadFile(filepath.Join(public, strings.TrimPrefix(before.Settings.OfficePath(content.SV, existing.ID), "/"), "index.html"))
	if err != nil || !strings.Contains(string(page), html.EscapeString(note[content.SV])) {
		t.Errorf("%s's page lacks the note %q (%v)", existing.ID, note[content.SV], err)
	}
	home, err := os.ReadFile(filepath.Join(public, "sv", "index.html"))
	if err != nil || !strings.Contains(string(home), newText) {
		t.Errorf("the Swedish pages do not say %q (%v)", newText, err)
	}
	tb.checkClean()
	t.Logf("the round trip took %s", time.Since(start).Round(time.Millisecond))
}

// editor is the web editor served as the dev server serves it, over a
// content tree, and a tab on it.
type editor struct {
	*tab
	url  string // http://127.0.0.1:port
	tree string
}

// startEditor starts decap-server on tree and serves the editor at
// /admin/ with the built site under /, as `make run` does.
func startEditor(t *testing.T, tree string) *editor {
	t.Helper()
	dir := filepath.Join(root, "build", "cms")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	backend, err := cms.StartLocalServer(ctx, cms.ServerOptions{Dir: dir, Content: tree})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { backend.Close() })
	admin, err := cms.NewHandler(cms.HandlerOptions{Dir: dir, Content: os.DirFS(tree), Backend: backend.URL,
		Options: cms.Options{Backend: cms.LocalProxy(cms.APIPath), SiteURL: portal.URL}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(cms.Path, admin)
	mux.Handle("/", server.NewHandler(portal.Public, nil, nil))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ed := &editor{tab: newTab(t, tabOptions{}), url: "http://" + ln.Addr().String(), tree: tree}
	go func() {
		for ev, err := range chromedp.Events(ed.ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			ed.mu.Lock()
			ed.problems = append(ed.problems, "the editor asked: "+ev.Message)
			ed.mu.Unlock()
			go chromedp.Call(ed.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			ed.keep("cms-failed")
		}
	})
	return ed
}

// keep saves what the tab shows, for a person to look at.
func (ed *editor) keep(name string) {
	shots := screenshotDir(ed.t.(*testing.T))
	ctx, cancel := context.WithTimeout(ed.ctx, 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
	}
	ed.mu.Lock()
	ed.t.Logf("the editor's console: %q", ed.problems)
	ed.mu.Unlock()
	if dom, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`)); err == nil {
		os.WriteFile(filepath.Join(shots, name+".html"), []byte(dom), 0o644)
	}
}

// goTo opens an address of the editor's own, such as a collection's form
// for a new entry, and waits for the form.
func (ed *editor) goTo(hash, wait string) {
	ed.t.Helper()
	// Decap's form loads its entry once, when it opens: from one form to
	// another by way of the collection's list, as an editor goes.
	list := strings.Join(strings.Split(hash, "/")[:3], "/")
	eval[any](ed.tab, fmt.Sprintf(`location.hash = %q`, list))
	ed.do(chromedp.WaitNotPresent(`//*[contains(@class, "-ControlPaneContainer")]`))
	eval[any](ed.tab, fmt.Sprintf(`location.hash = %q`, hash))
	// The texts' entry is every interface text of an edition in one
	// form (over a thousand fields): Decap takes far longer to draw it
	// than a page or an office, the longer the more forms the portal has.
	ctx, cancel := context.WithTimeout(ed.ctx, 4*step)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(wait)); err != nil {
		ed.t.Fatalf("%v (the tab is at %s)", err, ed.tryLocation())
	}
}

// field returns the id of the control labelled label, the nth (from 0)
// of that label on the page: the label's own text, without Decap's
// "(optional)".
func (ed *editor) field(label string, nth int) string {
	ed.t.Helper()
	ids := eval[[]string](ed.tab, fmt.Sprintf(`[...document.querySelectorAll("label[for]")]
		.filter(l => l.firstChild && l.firstChild.textContent.trim() === %q).map(l => l.htmlFor)`, label))
	if nth >= len(ids) {
		ed.t.Fatalf("the form has %d fields labelled %q, want at least %d", len(ids), label, nth+1)
	}
	return ids[nth]
}

// fill types text into the nth field labelled label.
func (ed *editor) fill(label string, nth int, text string) {
	ed.t.Helper()
	id := ed.field(label, nth)
	// What typing replaces: the field's text, selected.
	eval[any](ed.tab, fmt.Sprintf(`(e => { e.focus(); e.select(); })(document.getElementById(%q))`, id))
	ed.do(chromedp.SendKeys(chromedp.ID(id), text))
}

// toggle turns the nth switch labelled label over.
func (ed *editor) toggle(label string, nth int) {
	ed.t.Helper()
	ed.do(chromedp.Click(chromedp.ID(ed.field(label, nth))))
}

// choose picks the option that typing text into a select finds.
func (ed *editor) choose(label string, nth int, text, option string) {
	ed.t.Helper()
	id := ed.field(label, nth)
	ed.do(chromedp.SendKeys(chromedp.ID(id), text),
		chromedp.WaitVisible(fmt.Sprintf(`//*[@role="option" and normalize-space()=%q]`, option)),
		chromedp.Click(fmt.Sprintf(`//*[@role="option" and normalize-space()=%q]`, option)))
}

// add presses a list's button that adds an item.
func (ed *editor) add(list string) {
	ed.t.Helper()
	btn := fmt.Sprintf(`//label[normalize-space(text())=%q]/ancestor::*[contains(@aria-label, "list field")][1]//button[starts-with(normalize-space(), "Add")]`, list)
	ed.do(chromedp.Click(btn))
}

// markdown types lines into the nth Markdown field, in its Markdown
// mode, with Enter between them.
func (ed *editor) markdown(nth int, lines ...string) {
	ed.t.Helper()
	field := fmt.Sprintf(`(//*[@aria-label="markdown field"])[%d]`, nth+1)
	raw := field + `//*[contains(@class, "cms-editor-raw")]//*[@contenteditable="true"]`
	// Decap remembers the mode an editor last chose.
	if !eval[bool](ed.tab, fmt.Sprintf(`document.querySelectorAll('[aria-label="markdown field"]')[%d].querySelector(".cms-editor-raw") !== null`, nth)) {
		ed.do(chromedp.Click(field + `//*[contains(@class, "cms-editor-visual")]//*[@role="switch"]`))
	}
	ed.do(chromedp.WaitVisible(raw), chromedp.Click(raw))
	for i, l := range lines {
		if i > 0 {
			ed.do(press(keyEnter, 0))
		}
		ed.do(typeText(l))
	}
}

// publish saves the entry in the form, as it is: Publish, Publish now.
func (ed *editor) publish() {
	ed.t.Helper()
	ed.do(chromedp.Click(`//*[@role="button" and normalize-space()="Publish"]`),
		chromedp.Click(`//*[@role="menuitem" and normalize-space()="Publish now"]`))
	ed.do(chromedp.WaitVisible(`//*[contains(normalize-space(text()), "Entry saved")]`))
	// A new entry's form then moves to the entry's own address, and the
	// form says it holds nothing unsaved: leaving it asks nothing.
	ed.waitTrue(`!location.hash.endsWith("/new")`, "the saved entry's address")
	ed.do(chromedp.WaitVisible(`//*[normalize-space(text())="Changes saved"]`))
}

// waitTrue polls a JavaScript condition until it holds.
func (ed *editor) waitTrue(cond, what string) {
	ed.t.Helper()
	for deadline := time.Now().Add(step); time.Now().Before(deadline); time.Sleep(25 * time.Millisecond) {
		if eval[bool](ed.tab, cond) {
			return
		}
	}
	ed.t.Fatalf("gave up waiting for %s (the tab is at %s)", what, ed.tryLocation())
}

// waitFile waits for the backend to have written name below the tree.
func (ed *editor) waitFile(name string) {
	ed.t.Helper()
	for deadline := time.Now().Add(step); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(ed.tree, filepath.FromSlash(name))); err == nil {
			return
		}
	}
	entries, _ := os.ReadDir(filepath.Join(ed.tree, filepath.Dir(filepath.FromSlash(name))))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	ed.t.Fatalf("the editor did not write %s; %s holds %q", name, filepath.Dir(name), names)
}

// cmsPage is a page as the test writes it in the editor.
type cmsPage struct {
	collection, file, path                 string
	title, description, order, translation string
	heading, text, link, href              string
}

func (ed *editor) writePage(p cmsPage) {
	ed.t.Helper()
	ed.goTo("#/collections/"+p.collection+"/new", `//label[normalize-space(text())="Title"]`)
	ed.checkEditorAxe()
	ed.fill("Title", 0, p.title)
	ed.fill("Description", 0, p.description)
	ed.fill("Order", 0, p.order)
	ed.toggle("Draft", 0) // on and off again: the file says draft: false
	ed.toggle("Draft", 0)
	if p.translation != "" {
		ed.fill("Translation of", 0, p.translation)
	}
	ed.choose("Layout", 0, "page", "page")
	ed.toggle("Exit this page", 0)
	ed.toggle("Listed in the section's navigation", 0)
	ed.markdown(0, "## "+p.heading, "", p.text+" ["+p.link+"]("+p.href+").")
	ed.publish()
	ed.waitFile(p.file)
}

// checkFile reads the page the editor wrote: every key as typed.
func (p cmsPage) checkFile(t *testing.T, tree string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(tree, filepath.FromSlash(p.file)))
	if err != nil {
		t.Fatal(err)
	}
	page, probs := content.ParsePage(p.file, src)
	if len(probs) > 0 {
		t.Fatalf("%s: %v\n%s", p.file, probs, src)
	}
	nav := true
	want := content.FrontMatter{Title: p.title, Description: p.description, Order: 7, Translation: p.translation,
		Layout: "page", Exit: true, Nav: &nav}
	if !reflect.DeepEqual(page.FrontMatter, want) {
		t.Errorf("%s: front matter %+v, want %+v\n%s", p.file, page.FrontMatter, want, src)
	}
	if !strings.Contains(string(src), "\ndraft: false\n") {
		t.Errorf("%s lacks draft: false\n%s", p.file, src)
	}
	_, body, _, _ := content.SplitFrontMatter(src)
	if want := "## " + p.heading + "\n\n" + p.text + " [" + p.link + "](" + p.href + ")."; strings.TrimSpace(string(body)) != want {
		t.Errorf("%s: body %q, want %q", p.file, body, want)
	}
}

// checkServed opens the built page: title, description, heading, link.
func (p cmsPage) checkServed(tb *tab, siteURL string) {
	tb.t.Helper()
	if status := tb.openURL(siteURL + p.path); status != 200 {
		tb.t.Fatalf("%s: status %d", p.path, status)
	}
	got := eval[struct {
		H1, Description, H2, Href string
	}](tb, `({H1: document.querySelector("h1").textContent.trim(),
		Description: document.querySelector('meta[name="description"]').content,
		H2: [...document.querySelectorAll("main h2")].map(h => h.textContent.trim()).join("|"),
		Href: [...document.querySelectorAll("main a")].map(a => a.getAttribute("href")).join(" ")})`)
	if got.H1 != p.title || got.Description != p.description || !strings.Contains(got.H2, p.heading) || !strings.Contains(got.Href, p.href) {
		tb.t.Errorf("%s shows %+v; want the title %q, the description %q, the heading %q and a link to %s",
			p.path, got, p.title, p.description, p.heading, p.href)
	}
}

// cmsOffice is the office the test adds.
type cmsOffice struct {
	content.Office
	cert     string // the certificate file to upload
	certName string
	file     string
}

// newCMSOffice is an office for a municipality no office serves: with a
// placeholder inbox and a certificate made for it, and no contact detail
// of a real office (the phone number is the example the form's hint
// gives).
func newCMSOffice(t *testing.T, data *content.Data, dir string) *cmsOffice {
	t.Helper()
	var m content.Municipality
	for _, mm := range data.Directory.Municipalities {
		if _, served := data.Directory.OfficeFor(mm.Code); !served && !strings.ContainsAny(mm.Name, " -") {
			m = mm
			break
		}
	}
	name := content.Text{content.SV: "Provfamiljerätten i " + m.Name, "en": m.Name + " Trial Family Law Office"}
	id := "provfamiljeratten-i-" + strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "é", "e").Replace(strings.ToLower(m.Name))
	inbox := id + "@familjeratt.example"
	cert := filepath.Join(dir, id+".pem")
	if err := os.WriteFile(cert, mailtest.NewRecipient(t, inbox).CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	hours := content.Text{content.SV: "Vardagar 8–16", "en": "Weekdays 8 am–4 pm"}
	about := content.Text{content.SV: "Samtal för par och familjer.", "en": "Talks for couples and families."}
	return &cmsOffice{
		Office: content.Office{
			ID: id, Name: name, Municipalities: []string{m.Code},
			Contact: content.Contact{Phone: "070-123 45 67", Email: "provkontoret@familjeratt.example", Website: "https://familjeratt.example/provkontoret/",
				PostalAddress: "Provkontorets postadress\nAndra raden", VisitingAddress: "Provkontorets besöksadress", OpeningHours: &hours},
			Promises: []content.Text{{content.SV: "Ni får en tid för ett första samtal inom två veckor.", "en": "You get a time for a first talk within two weeks."}},
			Notes:    []content.Text{{content.SV: "Först talar vi med var och en av er.", "en": "First we talk with each of you alone."}},
			Partners: []content.Partner{{Name: content.Text{content.SV: "Provrådgivningen", "en": "Trial Counselling"}, About: &about,
				Phone: "070-123 45 67", Email: "provradgivningen@familjeratt.example", Website: "https://familjeratt.example/provradgivningen/"}},
			Intake: content.Intake{Inbox: inbox, Certificates: []string{"certs/" + id + ".pem"}},
		},
		cert: cert, certName: id + ".pem", file: "offices/" + id + ".yaml",
	}
}

func (ed *editor) writeOffice(o *cmsOffice) {
	ed.t.Helper()
	ed.goTo("#/collections/offices/new", `//label[normalize-space(text())="Name in Swedish"]`)
	ed.fill("Name in Swedish", 0, o.Name[content.SV])
	ed.fill("Name in English", 0, o.Name["en"])
	m, _ := data.Directory.Municipality(o.Municipalities[0])
	ed.choose("Municipalities", 0, m.Name, fmt.Sprintf("%s (%s)", m.Name, m.Code))
	c := o.Contact
	ed.fill("Phone", 0, c.Phone)
	ed.fill("E-mail", 0, c.Email)
	ed.fill("Website", 0, c.Website)
	ed.fill("Postal address", 0, c.PostalAddress)
	ed.fill("Visiting address", 0, c.VisitingAddress)
	ed.fill("Opening hours in Swedish", 0, (*c.OpeningHours)[content.SV])
	ed.fill("Opening hours in English", 0, (*c.OpeningHours)["en"])
	ed.add("What happens after an application")
	ed.fill("What happens after an application in Swedish", 0, o.Promises[0][content.SV])
	ed.fill("What happens after an application in English", 0, o.Promises[0]["en"])
	ed.add("Notes")
	ed.fill("Notes in Swedish", 0, o.Notes[0][content.SV])
	ed.fill("Notes in English", 0, o.Notes[0]["en"])
	ed.add("Other help nearby")
	p := o.Partners[0]
	ed.fill("Name in Swedish", 1, p.Name[content.SV])
	ed.fill("Name in English", 1, p.Name["en"])
	ed.fill("About in Swedish", 0, (*p.About)[content.SV])
	ed.fill("About in English", 0, (*p.About)["en"])
	ed.fill("Phone", 1, p.Phone)
	ed.fill("E-mail", 1, p.Email)
	ed.fill("Website", 1, p.Website)
	ed.fill("Inbox", 0, o.Intake.Inbox)
	ed.add("Certificates")
	ed.upload(o.cert, o.certName)
	ed.toggle("Accept delivery without encryption", 0) // on and off: the file says false
	ed.toggle("Accept delivery without encryption", 0)
	ed.checkEditorAxe()
	ed.publish()
	ed.waitFile(o.file)
}

// upload chooses a file for the file field just added: the media
// library, its upload button, then the uploaded file.
func (ed *editor) upload(file, name string) {
	ed.t.Helper()
	ed.do(chromedp.Click(`//button[normalize-space()="Choose a file"]`))
	ed.do(chromedp.WaitVisible(`//*[normalize-space()="Upload"]`))
	ed.do(chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file}))
	ed.do(chromedp.WaitVisible(fmt.Sprintf(`//*[normalize-space()=%q]`, name)))
	ed.do(chromedp.Click(`//button[normalize-space()="Choose selected"]`),
		chromedp.WaitNotPresent(`//button[normalize-space()="Choose selected"]`))
	ed.do(chromedp.WaitVisible(fmt.Sprintf(`//*[contains(normalize-space(), %q)]`, name)))
}

// checkFile compares the office file with the office typed, and the
// uploaded certificate with its file.
func (o *cmsOffice) checkFile(t *testing.T, tree string) {
	t.Helper()
	fsys := os.DirFS(tree)
	got, err := content.LoadDirectory(fsys)
	if err != nil {
		t.Fatalf("the offices after the editor: %v", err)
	}
	office, ok := got.Office(o.ID)
	if !ok {
		t.Fatalf("no office %s", o.ID)
	}
	want, have := o.Office, *office
	have.File = ""
	have = unexported(have)
	if !reflect.DeepEqual(have, unexported(want)) {
		src, _ := fs.ReadFile(fsys, o.file)
		t.Errorf("%s:\n got %+v\nwant %+v\n%s", o.file, have, want, src)
	}
	src, _ := fs.ReadFile(fsys, o.file)
	if !strings.Contains(string(src), "accept_tls_only: false") {
		t.Errorf("%s lacks accept_tls_only: false\n%s", o.file, src)
	}
	up, err1 := os.ReadFile(filepath.Join(tree, "offices", "certs", o.certName))
	orig, err2 := os.ReadFile(o.cert)
	if err1 != nil || err2 != nil || string(up) != string(orig) {
		t.Errorf("the uploaded certificate differs from its file (%v, %v)", err1, err2)
	}
}

// unexported is an office without what loading adds besides its keys.
func unexported(o content.Office) content.Office {
	return content.Office{ID: o.ID, Name: o.Name, Municipalities: o.Municipalities, Contact: o.Contact,
		Promises: o.Promises, Notes: o.Notes, Partners: o.Partners, Intake: fromFile(o.Intake),
		Units: content.Units{SupervisedContact: fromFilePtr(o.Units.SupervisedContact), Violence: fromFilePtr(o.Units.Violence)}}
}

// fromFile is a unit as its office file writes it, without what loading
// adds (its kind, its parsed certificates).
func fromFile(u content.Intake) content.Intake {
	return content.Intake{Name: u.Name, Inbox: u.Inbox, Certificates: u.Certificates, AcceptTLSOnly: u.AcceptTLSOnly,
		RemindAfterDays: u.RemindAfterDays, EscalateTo: u.EscalateTo}
}

func fromFilePtr(u *content.Intake) *content.Intake {
	if u == nil {
		return nil
	}
	v := fromFile(*u)
	return &v
}

// checkPage looks for every key of the office on its built pages.
func (o *cmsOffice) checkPage(t *testing.T, public string, s *content.Settings) {
	t.Helper()
	for _, lang := range content.DefaultEditions().Langs() {
		file := filepath.Join(public, strings.TrimPrefix(s.OfficePath(lang, o.ID), "/"), "index.html")
		page, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("the office has no page in %s: %v", lang, err)
			continue
		}
		c, p := o.Contact, o.Partners[0]
		m, _ := data.Directory.Municipality(o.Municipalities[0])
		for _, want := range []string{o.Name.In(lang), m.Name, c.Phone, content.PhoneURI(c.Phone), c.Email, c.Website,
			"Provkontorets postadress", "Andra raden", c.VisitingAddress, c.OpeningHours.In(lang),
			o.Promises[0].In(lang), o.Notes[0].In(lang),
			p.Name.In(lang), p.About.In(lang), p.Email, p.Website} {
			if !strings.Contains(string(page), html.EscapeString(want)) {
				t.Errorf("%s lacks %q", file, want)
			}
		}
	}
}

// addNote adds a note to an office that exists, through its form.
func (ed *editor) addNote(o *content.Office, note content.Text) {
	ed.t.Helper()
	ed.goTo("#/collections/offices/entries/"+o.ID, `//label[normalize-space(text())="Name in Swedish"]`)
	n := len(o.Notes)
	ed.add("Notes")
	ed.fill("Notes in Swedish", n, note[content.SV])
	ed.fill("Notes in English", n, note["en"])
	ed.publish()
}

// checkAddedNote: the office file has the note, and every other value as
// before. Comments are gone: Decap writes the data, not the file's text.
func checkAddedNote(t *testing.T, tree string, o *content.Office, note content.Text) {
	t.Helper()
	a, b, _, now := beforeAfter(t, tree, filepath.FromSlash(o.File))
	notes, _ := a["notes"].([]any)
	a["notes"] = append(notes, map[string]any{"sv": note[content.SV], "en": note["en"]})
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s after adding a note:\n%s\nwant the original's values and the note", o.File, now)
	}
}

// beforeAfter reads a YAML file of the content as committed (a, whose
// bytes are orig) and as the editor left it in tree (b, bytes now).
func beforeAfter(t *testing.T, tree, file string) (a, b map[string]any, orig, now []byte) {
	t.Helper()
	var err error
	orig, err = os.ReadFile(filepath.Join(root, "content", file))
	if err != nil {
		t.Fatal(err)
	}
	now, err = os.ReadFile(filepath.Join(tree, file))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(orig, &a); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(now, &b); err != nil {
		t.Fatal(err)
	}
	return a, b, orig, now
}

// changeText changes one top-level interface text in lang's file.
func (ed *editor) changeText(lang content.Lang, key, text string) {
	ed.t.Helper()
	ed.goTo("#/collections/texts/entries/"+string(lang), fmt.Sprintf(`//label[normalize-space(text())=%q]`, key))
	ed.checkEditorAxe()
	// Decap draws the whole entry again on every key typed, and this
	// entry is every text of the edition: typing a sentence takes many
	// seconds here (see README: the web editor's limits).
	id := ed.field(key, 0)
	eval[any](ed.tab, fmt.Sprintf(`(e => { e.focus(); e.select(); })(document.getElementById(%q))`, id))
	ctx, cancel := context.WithTimeout(ed.ctx, 6*step)
	defer cancel()
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID(id), text)); err != nil {
		ed.t.Fatalf("typing %d characters into %s: %v", len(text), key, err)
	}
	ed.t.Logf("typing %d characters into one interface text took %s", len([]rune(text)), time.Since(start).Round(time.Millisecond))
	ed.publish()
}

// checkChangedText: the file has the new text and every other text as
// before, and keeps its comments.
func checkChangedText(t *testing.T, tree string, lang content.Lang, key, text string) {
	t.Helper()
	file := filepath.Join(content.StringsDir, string(lang)+".yaml")
	a, b, orig, now := beforeAfter(t, tree, file)
	a[key] = text
	if !reflect.DeepEqual(a, b) {
		for _, k := range slices.Sorted(maps.Keys(a)) {
			if !reflect.DeepEqual(a[k], b[k]) {
				t.Errorf("%s: %s is %v, want %v", file, k, b[k], a[k])
			}
		}
	}
	if a, b := keyOrder(t, orig), keyOrder(t, now); !slices.Equal(a, b) {
		t.Errorf("%s has its keys in another order:\n got %q\nwant %q", file, b, a)
	}
	// Every comment but the file's first, which the editor makes one for
	// both languages.
	head := true
	for line := range strings.Lines(string(orig)) {
		switch {
		case head && strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "#") && !strings.Contains(string(now), strings.TrimSpace(line)):
			t.Errorf("%s lost the comment %q", file, strings.TrimSpace(line))
		default:
			head = false
		}
	}
	if !strings.HasPrefix(string(now), "# Interface texts") {
		t.Errorf("%s does not start with its comment:\n%.300s", file, now)
	}
}

// cmsAxeExcluded are the parts of Decap's own widgets that axe finds
// fault with and that no configuration reaches, each with why: Decap's
// authors fix them, we cannot. The labels and hints around them are ours
// and checked.
var cmsAxeExcluded = map[string]string{
	// The Markdown widget: a Slate editor whose text box has no name
	// (aria-input-field-name), whose "Rich Text / Markdown" switch has no
	// name and no aria-checked (button-name, aria-required-attr), and
	// whose heading menu nests a button in a button (nested-interactive).
	`[aria-label="markdown field"] .cms-editor-visual, [aria-label="markdown field"] .cms-editor-raw`: "Decap's Markdown widget",
	// A list item's bar: its buttons to fold and remove the item are
	// icons without a name (button-name), and its handle to move the
	// item is a role="button" without one (aria-command-name).
	`[class*="-StyledListItemTopBar"]`: "Decap's list items",
}

// checkEditorAxe runs axe on the editor as checkAxe does on the site,
// leaving out cmsAxeExcluded.
func (ed *editor) checkEditorAxe() {
	ed.t.Helper()
	eval[struct{}](ed.tab, axeJS)
	exclude := slices.Sorted(maps.Keys(cmsAxeExcluded))
	var sel []string
	for _, e := range exclude {
		for _, part := range strings.Split(e, ", ") {
			sel = append(sel, fmt.Sprintf("[%q]", part))
		}
	}
	tags := `["` + strings.Join(axeTags, `","`) + `"]`
	violations := eval[[]axeViolation](ed.tab, `(async () => {
		const r = await axe.run({exclude: [`+strings.Join(sel, ",")+`]}, {runOnly: {type: "tag", values: `+tags+`}, resultTypes: ["violations"]});
		return r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.map(String), summary: n.failureSummary || ""}))}));
	})()`)
	for _, v := range violations {
		var b strings.Builder
		fmt.Fprintf(&b, "axe on %s: %s (%s): %s\n\t%s", ed.tryLocation(), v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\t- %s\n\t  %s", strings.Join(n.Target, " "), strings.ReplaceAll(n.Summary, "\n", "\n\t  "))
		}
		ed.t.Error(b.String())
	}
}

// keyOrder lists a YAML file's keys, nested ones as a.b, in their order.
func keyOrder(t *testing.T, src []byte) []string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 {
		t.Fatalf("%v", err)
	}
	var out []string
	var walk func(n *yaml.Node, prefix string)
	walk = func(n *yaml.Node, prefix string) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := prefix + n.Content[i].Value
			out = append(out, key)
			if n.Content[i+1].Kind == yaml.MappingNode {
				walk(n.Content[i+1], key+".")
			}
		}
	}
	walk(doc.Content[0], "")
	return out
}

// TestCMSProduction opens the editor as `make site` publishes it, with
// the GitHub backend and the headers of the CloudFront behaviour for
// /admin/: it starts under that policy and offers GitHub's sign-in,
// asking no other host for anything before an editor signs in. Signing
// in needs GitHub and an OAuth proxy, which a test here cannot reach
// (README: The web editor in production).
func TestCMSProduction(t *testing.T) {
	out := t.TempDir()
	dir := filepath.Join(root, "build", "cms")
	cfg, err := cms.Generate(os.DirFS(filepath.Join(root, "content")), cms.Options{
		Backend: cms.GitHub("kommun/familjeratt", "main", "https://cms-auth.kommun.example"), Root: "content"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cms.Write(filepath.Join(out, "admin"), dir, cfg); err != nil {
		t.Fatal(err)
	}
	// The site's own files beside it, as in the bucket: the favicon.
	icon, err := os.ReadFile(filepath.Join(portal.Public, "favicon.ico"))
	if err == nil {
		err = os.WriteFile(filepath.Join(out, "favicon.ico"), icon, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	files := http.FileServer(http.Dir(out))
	headers := chrome.AdminSecurityHeaders(cms.GitHubConnect, cms.GitHubImages)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, h := range headers {
			w.Header().Set(h.Name, h.Value)
		}
		w.Header().Set("Content-Type", chrome.ContentType(r.URL.Path))
		if strings.HasSuffix(r.URL.Path, "/") {
			w.Header().Set("Content-Type", chrome.ContentType("index.html"))
		}
		files.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ed := &editor{tab: newTab(t, tabOptions{}), url: "http://" + ln.Addr().String()}
	ed.openURL(ed.url + cms.Path)
	ed.do(chromedp.WaitVisible(`//*[(@role="button" or self::button) and contains(normalize-space(), "Login with GitHub")]`))
	ed.checkEditorAxe()
	ed.checkClean()
}
