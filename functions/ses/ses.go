// Package ses reads Amazon SES's event notifications (bounce, delivery,
// complaint), as an SNS topic delivers them to the function, and says
// what they mean for the delivery ledger. SES replaces the portal's
// Message-ID with its own, so a notification is matched by the
// reference in the portal's own header (which SES passes on in
// mail.headers), or else by the id SES gave in its 250 answer.
//
// Shapes: https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html
// (event publishing: "eventType") and the older notifications
// ("notificationType"); both are read.
package ses

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"familjeratt.example/portal/functions/ledger"
)

// ReferenceHeader is the portal's header carrying the reference
// (delivery.ReferenceHeader, repeated here to keep this package apart).
const ReferenceHeader = "X-Familjeratt-Reference"

// Notice is what one notification says about one message.
type Notice struct {
	Kind       string // "Bounce", "Delivery", "Complaint", or another SES kind
	Reference  string // from the portal's header, "" if absent
	ProviderID string // SES's message id
	At         time.Time
	// Permanent: a bounce SES will not retry (bounceType Permanent).
	Permanent bool
}

// State is the ledger state the notice moves a message to, and false for
// a kind the ledger does not record (Send, Open, a transient bounce…).
func (n Notice) State() (ledger.State, bool) {
	switch n.Kind {
	case "Delivery":
		return ledger.Delivered, true
	case "Bounce":
		return ledger.Bounced, n.Permanent
	case "Complaint":
		return ledger.Complained, true
	}
	return "", false
}

type header struct{ Name, Value string }

type message struct {
	EventType        string `json:"eventType"`
	NotificationType string `json:"notificationType"`
	Mail             struct {
		Timestamp time.Time `json:"timestamp"`
		MessageID string    `json:"messageId"`
		Headers   []header  `json:"headers"`
	} `json:"mail"`
	Bounce *struct {
		BounceType string    `json:"bounceType"`
		Timestamp  time.Time `json:"timestamp"`
	} `json:"bounce"`
	Delivery *struct {
		Timestamp time.Time `json:"timestamp"`
	} `json:"delivery"`
	Complaint *struct {
		Timestamp time.Time `json:"timestamp"`
	} `json:"complaint"`
}

// ErrNotSES is Parse's answer for a message that is not an SES event.
var ErrNotSES = errors.New("not an SES event notification")

// Parse reads one notification: the Message of an SNS record.
func Parse(body []byte) (Notice, error) {
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		return Notice{}, ErrNotSES
	}
	n := Notice{Kind: m.EventType, ProviderID: m.Mail.MessageID, At: m.Mail.Timestamp}
	if n.Kind == "" {
		n.Kind = m.NotificationType
	}
	if n.Kind == "" || n.ProviderID == "" {
		return Notice{}, ErrNotSES
	}
	for _, h := range m.Mail.Headers {
		if strings.EqualFold(h.Name, ReferenceHeader) {
			n.Reference = strings.TrimSpace(h.Value)
		}
	}
	switch {
	case m.Bounce != nil:
		n.Permanent = m.Bounce.BounceType == "Permanent"
		n.At = m.Bounce.Timestamp
	case m.Delivery != nil:
		n.At = m.Delivery.Timestamp
	case m.Complaint != nil:
		n.At = m.Complaint.Timestamp
	}
	return n, nil
}
