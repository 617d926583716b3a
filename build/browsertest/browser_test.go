package browsertest

import (
	"context"
	"fmt"
	"iter"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
)

// The shared state of a test run: one build of the site, two servers
// over it, and one browser. Starting the browser once and opening a tab
// per test keeps the suite fast on a small machine.
var (
	root    string
	portal  *Portal // deliveries go to inbox
	failing *Portal // deliveries fail: the 503 page
	inbox   string
	axeJS   string
	browser context.Context
	data    *content.Data // the content the site was built from: texts, settings
)

// The viewport most tests use: a laptop. Reflow tests change it.
const (
	desktopWidth  = 1280
	desktopHeight = 900
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// run sets everything up, runs the tests and tears down. A missing
// browser or axe-core is an error, never a skip: a suite that skips
// itself proves nothing.
func run(m *testing.M) (int, error) {
	var err error
	if root, err = Root(); err != nil {
		return 0, err
	}
	chromium, err := Chromium()
	if err != nil {
		return 0, err
	}
	axePath := filepath.Join(root, "build", "browsertest", "node_modules", "axe-core", "axe.min.js")
	src, err := os.ReadFile(axePath)
	if err != nil {
		return 0, fmt.Errorf("axe-core is not installed (%v): run `make deps` (it runs npm ci in build/browsertest)", err)
	}
	axeJS = string(src) + "\n;void 0" // no result to send back
	// The site is built from content/ with a fixture statistics export
	// laid over it (testdata/overlay/), so that the checks below see the
	// statistics page with its charts and tables; content/ has none.
	overlay := os.DirFS(filepath.Join(root, "build", "browsertest", "testdata", "overlay"))
	if data, err = content.Load(Options{Root: root, Overlay: overlay}.ContentFS()); err != nil {
		return 0, err
	}

	tmp, err := os.MkdirTemp("", "browsertest-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	inbox = filepath.Join(tmp, "inbox")
	// Delivery to an inbox below a regular file fails, as a mail server
	// that is down would: the function answers 503.
	blocker := filepath.Join(tmp, "not-a-folder")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		return 0, err
	}

	ctx := context.Background()
	public := filepath.Join(tmp, "public")
	portal, err = Start(ctx, Options{Root: root, Public: public, Env: map[string]string{"INTAKE_INBOX_DIR": inbox}, Overlay: overlay})
	if err != nil {
		return 0, err
	}
	defer portal.Close()
	failing, err = serveBuilt(Options{Root: root, Public: public, Env: map[string]string{"INTAKE_INBOX_DIR": filepath.Join(blocker, "inbox"),
		"INTAKE_LEDGER_FILE": filepath.Join(tmp, "failing-ledger.db")}})
	if err != nil {
		return 0, err
	}
	defer failing.Close()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(filepath.Join(tmp, "profile")),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	}
	for _, f := range ChromiumFlags {
		name, value, ok := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if ok {
			opts = append(opts, chromedp.Flag(name, value))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	var cancelBrowser context.CancelFunc
	browser, cancelBrowser = chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	start := time.Now()
	if err := chromedp.Do(browser); err != nil {
		return 0, fmt.Errorf("starting %s: %w", chromium, err)
	}
	fmt.Fprintf(os.Stderr, "browsertest: %s started in %s; site at %s\n", chromium, time.Since(start).Round(time.Millisecond), portal.URL)
	return m.Run(), nil
}

// tab is one browser tab in a browser context of its own (its own
// cookies and storage), with every request checked: requests to
// 127.0.0.1 go through, any other is answered locally with a blank
// "neutral site" and recorded, so a test never leaves the machine.
type tab struct {
	t    testing.TB // where failures go; see in
	ctx  context.Context
	noJS bool
	*traffic
}

// traffic is what a tab's page asked for and did wrong.
type traffic struct {
	mu       sync.Mutex
	requests []string        // "METHOD URL" of every request, in order
	external []string        // the URLs of requests to other hosts
	problems []string        // uncaught exceptions, CSP violations, failed subresources
	pages    map[string]bool // the URLs loaded as documents
	holdPost chan struct{}   // when set, POSTs to the portal wait for it to close
	logs     []string        // what the page reported to logPath
	docs     []response      // the documents that came back, in order
}

// response is one document the browser received: its address and how
// the server said it may be kept.
type response struct {
	URL, CacheControl string
	Status            int64
}

// in returns the same tab reporting to t, for subtests that share a tab.
func (tb *tab) in(t testing.TB) *tab { c := *tb; c.t = t; return &c }

type tabOptions struct {
	noJS bool
}

func newTab(t testing.TB, o tabOptions) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, noJS: o.noJS, traffic: &traffic{pages: map[string]bool{}}}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	go tb.route(paused)
	console := chromedp.Console(ctx)
	go tb.watch(console)
	responses := chromedp.Events(ctx, network.ResponseReceived)
	go tb.record(responses)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatal(err)
	}
	// Every tab behaves as the one the parent is looking at: a page whose
	// window is not focused matches no :focus rule, and the focus checks
	// would see no focus style on a busy machine where another tab (or
	// the one just closed) had the window's focus.
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	tb.scripts(!o.noJS)
	tb.viewport(desktopWidth, desktopHeight, 1)
	return tb
}

// logPath is where a page's test script reports to the test (see
// [tab.logged]); the router answers it, the portal never sees it.
const logPath = "/__browsertest/log"

// parallelTabs is how many tabs a test that checks many pages uses at
// once: the checks mostly wait on the browser, so two tabs keep both of
// the machine's cores busy.
const parallelTabs = 2

// tabs is a pool of tabs for parallel subtests.
type tabs chan *tab

// newTabs opens n tabs for t's subtests.
func newTabs(t *testing.T, o tabOptions, n int) tabs {
	t.Helper()
	pool := make(tabs, n)
	for range n {
		pool <- newTab(t, o)
	}
	return pool
}

// take lends a tab to the subtest t until it ends.
func (p tabs) take(t *testing.T) *tab {
	tb := <-p
	t.Cleanup(func() { p <- tb })
	return tb.in(t)
}

// neutralPage is what the tests serve for any address outside the
// portal, such as the exit target.
const neutralPage = `<!DOCTYPE html><html lang="en"><title>Neutral site</title><h1>Weather</h1></html>`

func (tb *tab) route(paused iter.Seq2[fetch.EventRequestPaused, error]) {
	for ev, err := range paused {
		if err != nil {
			return
		}
		u, _ := url.Parse(ev.Request.URL)
		tb.mu.Lock()
		tb.requests = append(tb.requests, ev.Request.Method+" "+ev.Request.URL)
		if ev.ResourceType == network.ResourceTypeDocument {
			tb.pages[ev.Request.URL] = true
		}
		local := u != nil && u.Hostname() == "127.0.0.1"
		if local && u.Path == logPath {
			msg, _ := url.QueryUnescape(u.RawQuery)
			tb.logs = append(tb.logs, msg)
			tb.mu.Unlock()
			go chromedp.Call(tb.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 204})
			continue
		}
		if !local && u != nil && u.Scheme != "data" {
			tb.external = append(tb.external, ev.Request.URL)
		}
		holdPost := tb.holdPost
		tb.mu.Unlock()
		go func() {
			wait := func(ch chan struct{}) bool {
				select {
				case <-ch:
					return true
				case <-tb.ctx.Done():
					return false
				}
			}
			if local || (u != nil && u.Scheme == "data") {
				if holdPost != nil && ev.Request.Method == "POST" && !wait(holdPost) {
					return
				}
				chromedp.Call(tb.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				return
			}
			chromedp.Call(tb.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
				RequestID: ev.RequestID, ResponseCode: 200,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}},
				Body:            []byte(neutralPage),
			})
		}()
	}
}

// record keeps every document response's Cache-Control, for the checks
// that pages with answers are never stored.
func (tb *tab) record(events iter.Seq2[network.EventResponseReceived, error]) {
	for ev, err := range events {
		if err != nil {
			return
		}
		if ev.Type != network.ResourceTypeDocument || ev.Response == nil {
			continue
		}
		cc := ""
		for k, v := range ev.Response.Headers {
			if strings.EqualFold(k, "Cache-Control") {
				cc = fmt.Sprint(v)
			}
		}
		tb.mu.Lock()
		tb.docs = append(tb.docs, response{URL: ev.Response.URL, CacheControl: cc, Status: ev.Response.Status})
		tb.mu.Unlock()
	}
}

// documents returns the documents received so far.
func (tb *tab) documents() []response {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]response(nil), tb.docs...)
}

// watch records what a page must never do: throw, break its own
// Content-Security-Policy (an inline style or script), or fail to load a
// stylesheet, script or image.
func (tb *tab) watch(console iter.Seq2[chromedp.ConsoleMessage, error]) {
	for m, err := range console {
		if err != nil {
			return
		}
		text := m.Text
		switch {
		case m.IsException():
		case m.Type == chromedp.ConsoleError && strings.Contains(text, "Content Security Policy"):
		case m.Type == chromedp.ConsoleError && strings.Contains(text, "Failed to load resource") && !tb.isDocument(m.URL):
		default:
			continue
		}
		tb.mu.Lock()
		tb.problems = append(tb.problems, fmt.Sprintf("%s (%s:%d)", text, m.URL, m.Line+1))
		tb.mu.Unlock()
	}
}

// isDocument reports whether u was loaded as a page rather than as a
// subresource: a page may answer 404, 422 or 503 on purpose.
func (tb *tab) isDocument(u string) bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.pages[u]
}

// checkClean fails the test if the page did anything watch records, or
// asked for anything outside 127.0.0.1 but the addresses that start with
// one of allowed.
func (tb *tab) checkClean(allowed ...string) {
	tb.t.Helper()
	// Console events arrive asynchronously: give the last ones a moment.
	time.Sleep(50 * time.Millisecond)
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("the page logged a problem: %s", p)
	}
	tb.problems = nil
	for _, e := range tb.external {
		ok := false
		for _, a := range allowed {
			ok = ok || strings.HasPrefix(e, a)
		}
		if !ok {
			tb.t.Errorf("the page asked for %s: nothing may leave 127.0.0.1", e)
		}
	}
	tb.external = nil
}

// logged returns what the page reported to the test at logPath, waiting
// a moment for the first entry.
func (tb *tab) logged() []string {
	for i := 0; i < 40; i++ {
		tb.mu.Lock()
		n := len(tb.logs)
		tb.mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.logs...)
}

// requestsSince returns the requests made since the n-th.
func (tb *tab) requestsSince(n int) []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.requests[n:]...)
}

func (tb *tab) requestCount() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return len(tb.requests)
}

// holdPosts keeps form submissions waiting until the returned func is
// called, as a slow server would.
func (tb *tab) holdPosts() (release func()) {
	ch := make(chan struct{})
	tb.mu.Lock()
	tb.holdPost = ch
	tb.mu.Unlock()
	var once sync.Once
	release = func() {
		once.Do(func() {
			tb.mu.Lock()
			tb.holdPost = nil
			tb.mu.Unlock()
			close(ch)
		})
	}
	tb.t.Cleanup(release)
	return release
}

// step is how long one action may take before the test fails rather
// than hangs.
const step = 20 * time.Second

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%v (the tab is at %s)", err, tb.tryLocation())
	}
}

// open loads a page of the portal and returns its HTTP status.
func (tb *tab) open(path string) int64 {
	tb.t.Helper()
	return tb.openURL(portal.URL + path)
}

func (tb *tab) openURL(u string) int64 {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		tb.t.Fatalf("opening %s: %v", u, err)
	}
	return resp.Status
}

// submit runs an action that makes the page navigate (a click, a key),
// waits for the new page and returns its HTTP status.
func (tb *tab) submit(trigger ...chromedp.Action[chromedp.Void]) int64 {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, trigger...)
	if err != nil {
		tb.t.Fatalf("waiting for the next page: %v", err)
	}
	if resp == nil {
		return 0
	}
	return resp.Status
}

// eval evaluates a JavaScript expression in the page and decodes the
// result into T. Evaluation from DevTools works with the page's own
// scripts turned off too.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %.80q: %v", expr, err)
	}
	return v
}

// scripts turns the page's JavaScript on or off.
func (tb *tab) scripts(on bool) {
	tb.t.Helper()
	_, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
	if err != nil {
		tb.t.Fatal(err)
	}
}

func (tb *tab) location() string { return eval[string](tb, `location.href`) }

// tryLocation is location for a page that may be navigating: it reports
// "" rather than failing while the document changes.
func (tb *tab) tryLocation() string {
	ctx, cancel := context.WithTimeout(tb.ctx, step)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		return ""
	}
	return v
}

func (tb *tab) viewport(width, height int64, scale float64) {
	tb.t.Helper()
	_, err := chromedp.Call(tb.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: scale,
	})
	if err != nil {
		tb.t.Fatal(err)
	}
}

// Keys, as a keyboard sends them: key down, the character for printable
// keys, key up.
type key struct {
	key, code string
	vk        int64
	location  int64
}

var (
	keyTab        = key{"Tab", "Tab", 9, 0}
	keyEnter      = key{"Enter", "Enter", 13, 0}
	keySpace      = key{" ", "Space", 32, 0}
	keyBackspace  = key{"Backspace", "Backspace", 8, 0}
	keyArrowDown  = key{"ArrowDown", "ArrowDown", 40, 0}
	keyEnd        = key{"End", "End", 35, 0}
	keyShiftLeft  = key{"Shift", "ShiftLeft", 16, 1}
	keyShiftRight = key{"Shift", "ShiftRight", 16, 2}
)

// press presses and releases k with the given modifiers held. Shift
// (modifier 8) is pressed and released around the key, as a keyboard
// does, so "Exit this page" sees Shift+Tab as it would in life.
func press(k key, modifiers int64) chromedp.Action[chromedp.Void] {
	if modifiers&8 != 0 && k.key != "Shift" {
		shift := func(typ input.DispatchKeyEventType, mod int64) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: typ, Key: "Shift", Code: "ShiftLeft",
					WindowsVirtualKeyCode: 16, NativeVirtualKeyCode: 16, Modifiers: mod, Location: 1})
				return err
			})
		}
		return chromedp.Steps(shift(input.DispatchKeyEventTypeRawKeyDown, modifiers), pressOnly(k, modifiers), shift(input.DispatchKeyEventTypeKeyUp, modifiers&^8))
	}
	return pressOnly(k, modifiers)
}

func pressOnly(k key, modifiers int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: k.key, Code: k.code,
			WindowsVirtualKeyCode: k.vk, NativeVirtualKeyCode: k.vk, Modifiers: modifiers, Location: k.location}
		switch k {
		case keyEnter:
			down.Text = "\r"
		case keySpace:
			down.Text = " "
		}
		if k.key == "Shift" {
			down.Modifiers |= 8 // a Shift key reports itself as held while down
			down.Type = input.DispatchKeyEventTypeRawKeyDown
		}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := down
		up.Type, up.Text = input.DispatchKeyEventTypeKeyUp, ""
		if k.key == "Shift" {
			up.Modifiers &^= 8
		}
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, up)
		return err
	})
}

// typeText types s as a person does: a capital letter is Shift held
// down, the letter, and Shift released, so the "Exit this page" Shift
// counter sees real Shift presses.
func typeText(s string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range s {
			upper := strings.ToLower(string(r)) != string(r)
			shift := input.DispatchKeyEventParams{Key: "Shift", Code: "ShiftLeft", WindowsVirtualKeyCode: 16, NativeVirtualKeyCode: 16, Location: 1}
			if upper {
				shift.Type, shift.Modifiers = input.DispatchKeyEventTypeRawKeyDown, 8
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, shift); err != nil {
					return err
				}
			}
			if _, err := chromedp.KeyEvent(string(r))(ctx, t); err != nil {
				return err
			}
			if upper {
				shift.Type, shift.Modifiers = input.DispatchKeyEventTypeKeyUp, 0
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, shift); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// keyboard presses Tab (or Shift+Tab) until the focused element matches
// the CSS selector, as a keyboard user moves through the page, and fails
// if it never does.
func (tb *tab) tabTo(selector string, back bool) {
	tb.t.Helper()
	var mod int64
	if back {
		mod = 8
	}
	check := fmt.Sprintf(`document.activeElement !== null && document.activeElement.matches(%q)`, selector)
	for i := 0; i < 300; i++ {
		tb.do(press(keyTab, mod))
		if eval[bool](tb, check) {
			return
		}
	}
	tb.t.Fatalf("Tab never reached %s", selector)
}

// active describes the focused element.
func (tb *tab) active() string {
	return eval[string](tb, `(() => { const e = document.activeElement; if (!e) return ""; return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""); })()`)
}

// serveBuilt serves a site that Start has built, with the intake function
// configured by o.Env: a second portal over the same pages, here one
// whose deliveries fail.
func serveBuilt(o Options) (*Portal, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return serve(ln, "http://"+ln.Addr().String(), o)
}
