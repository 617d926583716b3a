// Package ledger records what became of each application after the
// parent pressed Send, without anything the parent typed: per reference,
// the form, the office, when it was received, and each delivery state
// with when it was reached (the mail server accepted it, the provider
// delivered it or it bounced, the office acknowledged it, a reminder or
// an escalation went out), and the message's ids. Entries expire.
//
// The ledger is what lets the portal keep its promises: the same
// reference is never delivered twice, an outcome it cannot know is
// recorded as unknown instead of guessed, and an application nobody at
// the office has acknowledged is found by the sweep. The [Store] is an
// adapter: one file under var/ locally (package boltstore), Amazon
// DynamoDB in production (package dynamostore).
package ledger

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"
)

// State is where an application's delivery stands.
type State string

// The states. An entry moves forward only: a late or repeated event for
// an earlier state never undoes a later one (see [Entry.Advance]).
const (
	// Sending: received and being sent; the outcome is not known yet.
	Sending State = "sending"
	// Failed: the mail server refused it or could not be reached; the
	// parent was told it was not sent and may send again.
	Failed State = "failed"
	// Unknown: the whole message went out but no answer came back, so
	// it may or may not have arrived. A repeat is sent again; the office
	// recognises it by its reference.
	Unknown State = "unknown"
	// Accepted: the office's mail server (or the relay) answered 250.
	Accepted State = "accepted"
	// Delivered: the provider reports delivery to the office's server.
	Delivered State = "delivered"
	// Bounced: the provider reports it did not reach the mailbox.
	Bounced State = "bounced"
	// Complained: the recipient marked it as spam.
	Complained State = "complained"
	// Reminded: the office was reminded that it has not acknowledged.
	Reminded State = "reminded"
	// Escalated: the office's alternative address and the operator
	// were told that it is still not acknowledged.
	Escalated State = "escalated"
	// Acknowledged: someone at the office confirmed receipt.
	Acknowledged State = "acknowledged"
)

// rank orders the states for Advance. Bounced outranks Delivered (a
// delivery report can come before a later bounce), and Acknowledged
// outranks everything: a person has read it.
var rank = map[State]int{
	Sending: 1, Failed: 2, Unknown: 3, Accepted: 4, Delivered: 5, Complained: 6,
	Bounced: 7, Reminded: 8, Escalated: 9, Acknowledged: 10,
}

// Valid reports whether s is one of the states.
func (s State) Valid() bool { return rank[s] > 0 }

// Entry is one reference's delivery record. It holds no personal data:
// nothing here was typed by the parent.
type Entry struct {
	Reference string    `json:"reference"`
	Form      string    `json:"form"`
	Office    string    `json:"office"`
	Received  time.Time `json:"received"`
	State     State     `json:"state"`
	// At is when each state was first reached; for Reminded, the latest
	// reminder.
	At        map[State]time.Time `json:"at"`
	Reminders int                 `json:"reminders,omitempty"`
	// MessageID is the Message-ID the portal gave the message;
	// ProviderID is the id the relay gave it in its 250 answer (Amazon
	// SES replaces the Message-ID with its own).
	MessageID  string `json:"message_id,omitempty"`
	ProviderID string `json:"provider_id,omitempty"`
	// Counted says the application is in the statistics: claimed once,
	// after it was accepted, by [Ledger.Claim].
	Counted bool `json:"counted,omitempty"`
	// Expires is when the entry is deleted (DynamoDB's TTL) or, in a
	// store without TTL, ignored by every read.
	Expires time.Time `json:"expires"`
	// Version counts writes, for conditional updates: a write succeeds
	// only if the stored entry still has the version it was read with.
	Version int64 `json:"version"`
}

// StatisticsForm is the form of an entry that records a yearly
// statistics summary sent to an office (or the operator), not an
// application: so that a retried or repeated yearly run never sends one
// twice. The sweep leaves such entries alone: nobody acknowledges them.
const StatisticsForm = "statistics-summary"

// Application reports whether the entry is an application's (or a
// follow-up request's), which staff acknowledge, rather than a notice's.
func (e *Entry) Application() bool { return e.Form != StatisticsForm }

// Sent reports whether the office's server has taken the message: the
// states after which sending it again would deliver a second copy.
func (e *Entry) Sent() bool { return rank[e.State] >= rank[Accepted] }

// InFlight is how long a send may be under way: longer than any send
// (the function's deadline is 30 s), so an entry still Sending after it
// belongs to a send that was cut off, and may be sent again.
const InFlight = 2 * time.Minute

// Sending reports whether another request is sending the same
// application right now (a double press, two tabs): sending it too
// could deliver it twice.
func (e *Entry) Sending(now time.Time) bool {
	return e.State == Sending && now.Sub(e.At[Sending]) < InFlight
}

// Advance moves the entry to s at t and reports whether anything
// changed. The state only moves forward in rank, with two exceptions for
// a new attempt: Sending follows Failed or Unknown, and Failed or Unknown
// follows Sending. A report for an earlier state still records when it
// came (a delivery report after a reminder, say). Reminded counts every
// reminder. Nothing changes once the office has acknowledged.
func (e *Entry) Advance(s State, t time.Time) bool {
	if e.At == nil {
		e.At = map[State]time.Time{}
	}
	if e.State == Acknowledged || !s.Valid() {
		return false
	}
	changed := false
	_, seen := e.At[s]
	switch {
	case s == Reminded:
		e.Reminders++
		e.At[s], changed = t, true
	case s == Sending || s == Failed || s == Unknown:
		if !e.Sent() {
			e.At[s], changed = t, true // each attempt's time
		}
	case !seen:
		e.At[s], changed = t, true
	}
	retry := (s == Sending && (e.State == Failed || e.State == Unknown)) ||
		(e.State == Sending && (s == Failed || s == Unknown))
	if rank[s] > rank[e.State] || retry {
		e.State, changed = s, true
	}
	return changed
}

// Errors of a [Store].
var (
	// ErrNotFound: no entry for the reference, or only an expired one.
	ErrNotFound = errors.New("ledger: no entry")
	// ErrConflict: the stored entry changed since it was read.
	ErrConflict = errors.New("ledger: the entry changed meanwhile")
)

// Store keeps entries. Both adapters pass the same conformance tests
// (package ledgertest).
type Store interface {
	// Get returns the entry for a reference, or ErrNotFound. An entry
	// past its Expires is not found.
	Get(ctx context.Context, reference string) (Entry, error)
	// Put writes e if the stored entry's version is e.Version-1, or, for
	// e.Version 1, if there is none (an expired one counts as none).
	// Otherwise it returns ErrConflict and writes nothing.
	Put(ctx context.Context, e Entry) error
	// Scan calls fn with every entry not yet expired, in no set order,
	// until fn returns an error, which Scan returns.
	Scan(ctx context.Context, fn func(Entry) error) error
}

// Ledger records deliveries in a Store.
type Ledger struct {
	Store Store
	// Keep is how long an entry is kept after it was received: 180 days
	// unless set.
	Keep time.Duration
	Now  func() time.Time
	// Changed, if set, is called after each write made by Record (and
	// Claim), with the entry before and after it: exactly once per
	// recorded event, since a write conditional on the version is made
	// by one caller only. The statistics count the ledger's events here.
	Changed func(ctx context.Context, before, after Entry)
}

// DefaultKeep is how long entries are kept unless configured: long enough
// for the sweep, the reminders and any question from an office about a
// half year of applications, no longer.
const DefaultKeep = 180 * 24 * time.Hour

func (l *Ledger) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Ledger) keep() time.Duration {
	if l.Keep > 0 {
		return l.Keep
	}
	return DefaultKeep
}

// Begin records that a reference is about to be sent, and returns its
// entry as it stood. When the entry says the office's server already took
// it (prior.Sent()), or another request is sending it now
// (prior.Sending), nothing is written and the caller must not send. An error means the ledger could not be written: the caller must
// not send, since it could not keep its record.
func (l *Ledger) Begin(ctx context.Context, reference, form, office, messageID string) (prior Entry, err error) {
	for range 5 {
		e, err := l.Store.Get(ctx, reference)
		switch {
		case errors.Is(err, ErrNotFound):
			now := l.now()
			e = Entry{Reference: reference, Form: form, Office: office, Received: now, Expires: now.Add(l.keep())}
		case err != nil:
			return Entry{}, err
		case e.Sent(), e.Sending(l.now()):
			return e, nil
		}
		prior = e
		e.MessageID = messageID
		e.Advance(Sending, l.now())
		e.Version++
		switch err := l.Store.Put(ctx, e); {
		case errors.Is(err, ErrConflict):
			continue // someone else wrote it: read again
		case err != nil:
			return Entry{}, err
		}
		return prior, nil
	}
	return Entry{}, fmt.Errorf("ledger: %s kept changing: %w", reference, ErrConflict)
}

// Record moves a reference's entry to state, with the provider's id if
// it gave one. It retries when the entry changed meanwhile. It returns
// ErrNotFound for a reference the ledger does not know (an event for a
// message it never sent, or one expired), and reports whether the state
// changed.
func (l *Ledger) Record(ctx context.Context, reference string, s State, providerID string) (Entry, bool, error) {
	return l.update(ctx, reference, func(e *Entry) bool {
		changed := e.Advance(s, l.now())
		if providerID != "" && e.ProviderID == "" {
			e.ProviderID, changed = providerID, true
		}
		return changed
	})
}

// update applies change to the entry and writes it if change reports a
// change, retrying on conflicts.
func (l *Ledger) update(ctx context.Context, reference string, change func(*Entry) bool) (Entry, bool, error) {
	for range 5 {
		e, err := l.Store.Get(ctx, reference)
		if err != nil {
			return Entry{}, false, err
		}
		before := e
		before.At = maps.Clone(e.At)
		if !change(&e) {
			return e, false, nil
		}
		e.Version++
		switch err := l.Store.Put(ctx, e); {
		case errors.Is(err, ErrConflict):
			continue
		case err != nil:
			return Entry{}, false, err
		}
		if l.Changed != nil {
			l.Changed(ctx, before, e)
		}
		return e, true, nil
	}
	return Entry{}, false, fmt.Errorf("ledger: %s kept changing: %w", reference, ErrConflict)
}

// Claim marks an accepted entry as counted in the statistics and
// reports whether this call did: true exactly once per reference, for
// the caller whose conditional write won, and never before the office's
// server accepted it. A reference the ledger does not know is not
// claimed (ErrNotFound).
func (l *Ledger) Claim(ctx context.Context, reference string) (bool, error) {
	_, changed, err := l.update(ctx, reference, func(e *Entry) bool {
		if !e.Sent() || e.Counted {
			return false
		}
		e.Counted = true
		return true
	})
	return changed, err
}

// Unclaim gives a claim back, when the count it was for could not be
// written, so that a repeated send can count it.
func (l *Ledger) Unclaim(ctx context.Context, reference string) error {
	_, _, err := l.update(ctx, reference, func(e *Entry) bool {
		if !e.Counted {
			return false
		}
		e.Counted = false
		return true
	})
	return err
}

// FindProvider returns the entry whose provider id is id: how an event
// from the mail provider that lacks the portal's reference header is
// matched. It scans, which is fine for the rare event without one.
func (l *Ledger) FindProvider(ctx context.Context, id string) (Entry, error) {
	var found *Entry
	stop := errors.New("found")
	err := l.Store.Scan(ctx, func(e Entry) error {
		if e.ProviderID == id || e.MessageID == id {
			found = &e
			return stop
		}
		return nil
	})
	if err != nil && !errors.Is(err, stop) {
		return Entry{}, err
	}
	if found == nil {
		return Entry{}, ErrNotFound
	}
	return *found, nil
}
