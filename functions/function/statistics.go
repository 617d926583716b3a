package function

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/report"
)

// YearlyReport says what a yearly statistics run did.
type YearlyReport struct {
	Year     int
	Offices  []string // the offices whose summary was sent
	Operator bool     // whether the national totals went to the operator
}

// Rows reads every row of the statistics' counters.
func (f *Function) Rows(ctx context.Context) ([]stats.Row, error) {
	var rows []stats.Row
	err := f.Stats.Scan(ctx, func(r stats.Row) error { rows = append(rows, r); return nil })
	return rows, err
}

// LastClosedYear is the year before now's, in Sweden: the one the
// yearly run reports.
func (f *Function) LastClosedYear() int { return f.now().In(intake.Stockholm).Year() - 1 }

// YearlyStatistics sends each office this deployment delivers to its
// summary of year (HTML and CSV, suppressed), and the operator
// (INTAKE_OPERATOR_EMAIL) the national totals with the public export:
// what the yearly schedule runs, for the year that ended. Only a closed
// year is sent. The messages hold no personal data, only suppressed
// sums, so they are signed but not encrypted, under a neutral subject.
// One office's failure does not stop the others; each is logged, and
// the first error returned.
func (f *Function) YearlyStatistics(ctx context.Context, year int) (YearlyReport, error) {
	rep := YearlyReport{Year: year}
	if year >= f.now().In(intake.Stockholm).Year() {
		return rep, fmt.Errorf("statistics: %d has not ended: only closed years are sent", year)
	}
	rows, err := f.Rows(ctx)
	if err != nil {
		f.logger.Error("statistics read failed", "cause", "statistics")
		return rep, err
	}
	offices := f.Live
	if offices == nil {
		offices = f.Data.Directory.Offices
	}
	var errs []error
	for _, o := range offices {
		if late(ctx) {
			errs = append(errs, errNotFinished)
			break
		}
		err := f.once(ctx, year, o.ID, func() error { return f.sendSummary(ctx, rows, o, year) })
		if err != nil {
			f.logger.Error("statistics mail failed", "office", o.ID, "cause", "statistics")
			errs = append(errs, err)
			continue
		}
		rep.Offices = append(rep.Offices, o.ID)
	}
	if f.operator == "" {
		f.logger.Warn("statistics", "year", year, "outcome", "no_operator_address")
	} else if late(ctx) {
		errs = append(errs, errNotFinished)
	} else if err := f.once(ctx, year, nationalID, func() error { return f.sendNational(ctx, rows, year) }); err != nil {
		f.logger.Error("statistics mail failed", "office", nationalID, "cause", "statistics")
		errs = append(errs, err)
	} else {
		rep.Operator = true
	}
	f.logger.Info("statistics", "year", year, "offices", len(rep.Offices), "operator", rep.Operator)
	return rep, errors.Join(errs...)
}

// nationalID names the operator's summary in the ledger and the local
// inbox.
const nationalID = "national"

// errNotFinished: the invocation's time ran out before every summary
// was sent; the next run (the schedule's, or Lambda's retry) sends the
// rest, and none twice.
var errNotFinished = errors.New("statistics: not every summary was sent before the deadline; the next run sends the rest")

// late reports whether the invocation's deadline is too near to start
// another summary.
func late(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && time.Until(d) < 5*time.Second
}

// once sends a yearly summary at most once: the delivery ledger records
// it under a reference of its own, so a run that is retried, repeated
// by the schedule or started twice skips what another already sent.
func (f *Function) once(ctx context.Context, year int, recipient string, send func() error) error {
	ref := fmt.Sprintf("STATISTIK-%d-%s", year, recipient)
	prior, err := f.Ledger.Begin(ctx, ref, ledger.StatisticsForm, recipient, "")
	switch {
	case err != nil:
		return err
	case prior.Sent():
		return nil
	case prior.Sending(f.now()):
		return fmt.Errorf("statistics: the summary %s is being sent by another run", ref)
	}
	if err := send(); err != nil {
		f.Ledger.Record(ctx, ref, ledger.Failed, "")
		return err
	}
	_, _, err = f.Ledger.Record(ctx, ref, ledger.Accepted, "")
	return err
}

// summarySubject is the same for every office and year but the year:
// it says what the message is and nothing more.
func summarySubject(year int) string {
	return fmt.Sprintf("Statistik %d från familjerättsportalen", year)
}

func (f *Function) sendSummary(ctx context.Context, rows []stats.Row, o *content.Office, year int) error {
	oy, err := report.Office(rows, o, year, f.Threshold, f.now())
	if err != nil {
		return err
	}
	var csv, html bytes.Buffer
	if err := oy.WriteCSV(&csv); err != nil {
		return err
	}
	if err := oy.WriteHTML(&html, f.Data.Strings); err != nil {
		return err
	}
	base := fmt.Sprintf("familjeratt-statistik-%s-%d", o.ID, year)
	text := fmt.Sprintf(`Hej!

Här är statistiken för %d för %s från familjerättsportalen: de ansökningar
och förfrågningar som kom in genom webbplatsen, och hur snabbt de
bekräftades. Sammanfattningen finns i %s.html och siffrorna i
%s.csv (kolumnerna beskrivs i portalens README, "Statistics").

Tal under %d visas som "%s", och några andra tal döljs också, så att
ingen familj kan pekas ut. Meddelandet innehåller inga personuppgifter
och är därför inte krypterat. Det är signerat av portalen.

Det här är ett automatiskt meddelande.
`, year, o.Name[content.SV], base, base, f.Threshold, content.Label(f.Threshold))
	return f.mailer.NotifyFiles(ctx, o, []string{f.mailer.InboxFor(o, o.Unit(content.FamilyLaw))}, summarySubject(year), text, []delivery.File{
		{Name: base + ".html", ContentType: "text/html; charset=utf-8", Data: html.Bytes()},
		{Name: base + ".csv", ContentType: "text/csv; charset=utf-8", Data: csv.Bytes()},
	}, f.now())
}

// sendNational sends the operator the national totals and the export
// for the public site.
func (f *Function) sendNational(ctx context.Context, rows []stats.Row, year int) error {
	n, err := f.Export(rows, year)
	if err != nil {
		return err
	}
	var export bytes.Buffer
	if err := n.WriteExport(&export); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Statistiken för hela landet %d, från familjerättsportalen.\n\n", year)
	fmt.Fprintf(&b, "Tal under %d visas som %q. Bilagan %d.yaml är exporten för den\n", f.Threshold, content.Label(f.Threshold), year)
	fmt.Fprintf(&b, "offentliga statistiksidan: lägg den i content/statistics/ och publicera.\n\n")
	for _, t := range n.Groups {
		g, _ := content.StatGroupByID(t.Group)
		fmt.Fprintf(&b, "%s\n", f.Data.Strings.MustGet(content.SV, "statistics.group."+g.ID))
		for j, m := range g.Measures {
			fmt.Fprintf(&b, "  %-40s %s\n", measureLabel(f.Data.Strings, m.ID), t.Totals[j].Text())
		}
		fmt.Fprintf(&b, "  %-40s %s\n\n", f.Data.Strings.MustGet(content.SV, "statistics.total"), t.Total.Text())
	}
	b.WriteString("Det här är ett automatiskt meddelande.\n")
	national := &content.Office{ID: nationalID, Name: content.Text{content.SV: "Hela landet", "en": "All of Sweden"}}
	return f.mailer.NotifyFiles(ctx, national, []string{f.operator}, summarySubject(year), b.String(), []delivery.File{
		{Name: fmt.Sprintf("%d.yaml", year), ContentType: "application/yaml; charset=utf-8", Data: export.Bytes()},
	}, f.now())
}

// Export is the public export of a closed year, over every office of the
// content (the offices that received nothing show zeros).
func (f *Function) Export(rows []stats.Row, year int) (*report.NationalYear, error) {
	return report.Export(rows, f.Data.Directory.Offices, year, f.Threshold, f.now())
}

// measureLabel is a measure's name in Swedish: an interpreter language's
// own name, or the measure's text.
func measureLabel(strs *content.Strings, id string) string {
	if code, ok := strings.CutPrefix(id, "language_"); ok {
		return strs.MustGet(content.SV, "languages."+code)
	}
	return strs.MustGet(content.SV, "statistics.measure."+id)
}
