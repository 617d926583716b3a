package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery/mailtest"
)

// TestAcknowledgeInBrowser: an application goes through the real
// function to a real SMTP server on 127.0.0.1; the staff message,
// decrypted with make open-inbox, links to the acknowledgement; a real
// browser follows the link and presses the button; make ledger shows
// the reference accepted before and acknowledged after.
func TestAcknowledgeInBrowser(t *testing.T) {
	m := mailtest.NewServer(t, mailtest.Options{})
	dir := t.TempDir()
	ledgerFile := filepath.Join(dir, "ledger.db")
	p, err := serveBuilt(Options{Root: root, Public: portal.Public, Env: map[string]string{
		"INTAKE_SMTP_ADDR": m.Addr, "INTAKE_SMTP_CA_FILE": m.CA.File(t, dir), "INTAKE_LEDGER_FILE": ledgerFile}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	tb := newTab(t, tabOptions{})
	tb.openURL(p.URL + formPath(content.SV))
	tb.fillByScript([]answer{{"municipality", []string{malmo}}})
	tb.submitForm()
	tb.fillByScript(application())
	tb.submitForm()
	if status := tb.submit(chromedp.Click(chromedp.CSS(`button[value=send]`))); status != 200 {
		t.Fatalf("sending: status %d", status)
	}
	ref := tb.info().Reference
	msgs := m.Messages()
	if len(msgs) != 1 || ref == "" {
		t.Fatalf("%d messages at the mail server, reference %q; want one", len(msgs), ref)
	}

	// make ledger, from the repository, on this portal's ledger.
	ledgerSays := func() string {
		t.Helper()
		cmd := exec.Command("make", "-s", "ledger")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "INTAKE_LEDGER_FILE="+ledgerFile)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make ledger: %v\n%s", err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, ref) {
				return line
			}
		}
		t.Fatalf("make ledger does not list %s:\n%s", ref, out)
		return ""
	}
	if line := ledgerSays(); !strings.Contains(line, " accepted ") {
		t.Errorf("before the acknowledgement, make ledger says %q, want accepted", line)
	}

	// The staff message as staff read it: make open-inbox decrypts it
	// with Malmö's development key.
	out := openInbox(t, "malmo", ref, msgs[0].Data)
	link := regexp.MustCompile(regexp.QuoteMeta(p.URL) + `/api/ack/\S+`).FindString(out)
	if link == "" {
		t.Fatalf("the decrypted message has no acknowledgement link to %s:\n%s", p.URL, out)
	}

	// The link opens a page with a button; only the button acknowledges.
	if status := tb.openURL(link); status != 200 {
		t.Fatalf("the acknowledgement link: status %d", status)
	}
	if got := tb.info().H1; got != str(content.SV, "ack.ask_title") {
		t.Errorf("h1 %q, want %q", got, str(content.SV, "ack.ask_title"))
	}
	tb.checkAxe()
	tb.checkFocus()
	tb.checkClean()
	if line := ledgerSays(); !strings.Contains(line, " accepted ") {
		t.Errorf("opening the link changed the ledger: %q", line)
	}
	if status := tb.submit(chromedp.Click(chromedp.CSS(`main form button`))); status != 200 {
		t.Fatalf("pressing the button: status %d", status)
	}
	if got := tb.info().H1; got != str(content.SV, "ack.done_title") {
		t.Errorf("after the button, h1 %q, want %q", got, str(content.SV, "ack.done_title"))
	}
	if line := ledgerSays(); !strings.Contains(line, " acknowledged ") {
		t.Errorf("after the button, make ledger says %q, want acknowledged", line)
	}
}
