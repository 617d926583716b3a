package function

import (
	"context"
	"errors"

	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/ledger"
	"familjeratt.example/portal/functions/ses"
	"familjeratt.example/portal/functions/sweep"
)

// Sweep reminds offices of applications nobody has acknowledged and
// escalates those still waiting after the reminder: what the schedule
// runs (EventBridge Scheduler in production, a timer under make run,
// make sweep once).
func (f *Function) Sweep(ctx context.Context) (sweep.Report, error) {
	sw := &sweep.Sweep{Ledger: f.Ledger, Offices: f.Data.Directory, Notifier: f.mailer, Logger: f.logger, Now: f.now}
	rep, err := sw.Run(ctx)
	f.logger.Info("sweep", "checked", rep.Checked, "reminded", len(rep.Reminded), "escalated", len(rep.Escalated))
	if err != nil {
		f.logger.Error("sweep failed", "cause", "notify")
	}
	return rep, err
}

// SESNotice records what one of Amazon SES's event notifications says
// (the Message of an SNS record): a bounce, a delivery or a complaint. A
// bounce or complaint raises the operator's alarm at once. A notice for
// a message the ledger does not know changes nothing and is logged.
func (f *Function) SESNotice(ctx context.Context, message []byte) error {
	n, err := ses.Parse(message)
	if err != nil {
		f.logger.Warn("ses event", "outcome", "not_ses")
		return nil // nothing to retry: SNS would only send it again
	}
	state, ok := n.State()
	if !ok {
		f.logger.Info("ses event", "kind", n.Kind, "outcome", "ignored")
		return nil
	}
	ref := n.Reference
	if ref == "" {
		e, err := f.Ledger.FindProvider(ctx, n.ProviderID)
		if err != nil && !errors.Is(err, ledger.ErrNotFound) {
			return err
		}
		ref = e.Reference
	}
	if ref == "" {
		f.logger.Warn("ses event", "kind", n.Kind, "outcome", "unknown_message")
		return nil
	}
	if r, err := intake.ParseReference(ref); err == nil {
		ref = r.String() // the ledger's key: 3VR2-KZ78
	}
	_, changed, err := f.Ledger.Record(ctx, ref, state, n.ProviderID)
	switch {
	case errors.Is(err, ledger.ErrNotFound):
		f.logger.Warn("ses event", "kind", n.Kind, "outcome", "unknown_message", "reference", ref)
		return nil
	case err != nil:
		f.logger.Error("ledger write failed", "reference", ref, "state", string(state), "cause", "ledger")
		return err // SNS retries the delivery to the function
	}
	if state == ledger.Bounced || state == ledger.Complained {
		// The operator's alarm: the template's metric filter counts it.
		f.logger.Error("bounce", "kind", n.Kind, "reference", ref)
	} else {
		f.logger.Info("ses event", "kind", n.Kind, "outcome", "recorded", "reference", ref, "changed", changed)
	}
	return nil
}
