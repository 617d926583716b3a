package delivery

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"mime"
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

// Notify sends an office a short notice from the portal, such as a
// reminder about applications nobody has acknowledged: plain text,
// signed with the portal's key like every message, and not encrypted,
// since it must hold no personal data (references only). to are the
// recipients; the office's inbox is not added unless it is among them.
func (m *Mailer) Notify(ctx context.Context, office *content.Office, to []string, subject, text string, now time.Time) error {
	if m.Signer == nil {
		return &sealError{errors.New("no signing key: every message is signed")}
	}
	body := []byte(strings.ReplaceAll(text, "\n", "\r\n"))
	signed, err := m.Signer.sign(entity("text/plain; charset=utf-8", body))
	if err != nil {
		return err
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	domain := "familjeratt.example"
	if _, d, ok := strings.Cut(m.From, "@"); ok {
		domain = d
	}
	env := &Envelope{From: m.From, To: to, Office: office.ID,
		MessageID: "<notice." + hex.EncodeToString(b) + "@" + domain + ">"}
	var msg bytes.Buffer
	writeHeader(&msg, "From", m.From)
	writeHeader(&msg, "To", strings.Join(to, ", "))
	writeHeader(&msg, "Subject", mime.QEncoding.Encode("utf-8", subject))
	writeHeader(&msg, "Date", now.In(intake.Stockholm).Format(time.RFC1123Z))
	writeHeader(&msg, "Message-ID", env.MessageID)
	if m.ConfigurationSet != "" {
		writeHeader(&msg, "X-SES-CONFIGURATION-SET", m.ConfigurationSet)
	}
	writeHeader(&msg, "MIME-Version", "1.0")
	msg.Write(signed)
	env.Data = msg.Bytes()
	return m.Transport.Send(ctx, env)
}

// InboxFor returns the office's real inbox, for a notice's recipients.
func (m *Mailer) InboxFor(o *content.Office) string { return m.Inboxes.For(o) }
