// Command sendtest sends a clearly marked test application to an office,
// through the same handler, checks, composition, encryption and transport
// as a parent's. It is what `make send-test-application OFFICE=<id>`
// runs: with INTAKE_SMTP_ADDR (and the rest, as in production) it goes to
// the office's real mailbox, where staff check that they can open it;
// without, to the local inbox.
//
//	go run ./functions/cmd/sendtest -office torsas
//
// The application is made up: "TEST Testsson", Skatteverket's test
// personnummer, and a note in every free-text field saying it is a test.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/function"
	"familjeratt.example/portal/functions/intake"
)

// testNote is in the application where staff look first.
const testNote = "TESTANSÖKAN från make send-test-application – inte en riktig ansökan. Kontrollera att den gick att öppna, och radera den sedan."

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sendtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	officeID := fl.String("office", "", "the office's id, like torsas")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	var logs bytes.Buffer
	fn, err := function.New(getenv, function.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		return err
	}
	data := fn.Data
	office, ok := data.Directory.Office(*officeID)
	if !ok {
		var ids []string
		for _, o := range data.Directory.Offices {
			ids = append(ids, o.ID)
		}
		return fmt.Errorf("say which office with OFFICE=<id>, one of: %s", strings.Join(ids, ", "))
	}
	h := fn.Handler

	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/api/forms/samarbetssamtal",
		strings.NewReader(application(data.Directory.MunicipalitiesOf(office)[0].Code, time.Now()).Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther {
		return fmt.Errorf("not delivered (status %d); the function's log:\n%s", w.Code, logs.String())
	}
	ref, err := reference(ctx, h, w.Header().Get("Location"), w.Result().Cookies())
	if err != nil {
		return err
	}

	inbox := fn.Inboxes.For(office)
	fmt.Fprintf(stdout, "Sent a test application to %s (%s).\nReference: %s\n", office.Name.In("sv"), office.ID, ref)
	switch t := fn.Transport.(type) {
	case *delivery.SMTP:
		fmt.Fprintf(stdout, "Delivered by SMTP to %s, for %s: the server answered 250.\n", t.Addr, inbox)
	case *delivery.Inbox:
		fmt.Fprintf(stdout, "Written to the local inbox: %s (for %s). Read it with `make open-inbox`.\n",
			filepath.Join(t.Dir, office.ID, ref.String()+".eml"), inbox)
	}
	if len(office.Intake.Certs) > 0 {
		fmt.Fprintf(stdout, "Encrypted with S/MIME to %d certificate(s):\n", len(office.Intake.Certs))
		for _, c := range office.Intake.Certs {
			fmt.Fprintf(stdout, "  %s (valid until %s)\n", c.Subject, c.NotAfter.Format(time.DateOnly))
		}
	} else {
		fmt.Fprintln(stdout, "NOT encrypted end to end: the office accepts TLS-only delivery.")
	}
	if c := fn.Data.Signing; c != nil {
		fmt.Fprintf(stdout, "Signed with the portal's certificate %s (valid until %s): staff can check it is ours.\n",
			c.Subject.CommonName, c.NotAfter.Format(time.DateOnly))
	}
	return nil
}

// application is a made-up application that passes every check on day
// today, to the municipality with code.
func application(code string, today time.Time) url.Values {
	child := strconv.Itoa(today.Year()-8) + "0101"
	return url.Values{
		"_lang": {"sv"}, "_action": {"send"},
		"applicant.given_name": {"TEST"}, "applicant.family_name": {"Testsson"},
		"applicant.personal_number":    {"19121212-1212"}, // Skatteverket's test person, Tolvan Tolvansson
		"applicant.protected_identity": {"no"},
		"applicant.street":             {"Testgatan 1"}, "applicant.postal_code": {"123 45"}, "applicant.city": {"Testby"},
		"applicant.phone": {"070-000 00 00"}, "applicant.email": {"test.testsson@example.org"},
		"applicant.safe_contact":          {testNote},
		"applicant.individual_first_talk": {"no"},
		"other_parent.given_name":         {"TEST"}, "other_parent.family_name": {"Testsson-Andersson"},
		"other_parent.personal_number": {intake.MakePersonalNumber("19800101", "980")},
		"other_parent.agrees":          {"unknown"},
		"children.0.given_name":        {"TEST"}, "children.0.family_name": {"Testsson"},
		"children.0.personal_number": {intake.MakePersonalNumber(child, "981")},
		"municipality":               {code},
		"topics":                     {"other"},
		"topics_other":               {testNote},
		"court_ordered":              {"no"}, "previous_talks": {"no"},
		"privacy_ack": {"yes"},
	}
}

// reference reads the reference from the confirmation page, as the
// parent's browser shows it: the receipt cookie is sealed, so only the
// function can read it.
func reference(ctx context.Context, h http.Handler, location string, cookies []*http.Cookie) (intake.Reference, error) {
	if len(cookies) == 0 {
		return "", errors.New("delivered, but the function set no receipt")
	}
	r := httptest.NewRequestWithContext(ctx, http.MethodGet, location, nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	m := referenceRE.FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		return "", fmt.Errorf("delivered, but the confirmation page (status %d) shows no reference", w.Code)
	}
	return intake.ParseReference(m[1])
}

var referenceRE = regexp.MustCompile(`<strong class="panel__reference">([^<]+)</strong>`)
