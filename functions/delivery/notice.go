package delivery

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
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
	return m.NotifyFiles(ctx, office, to, subject, text, nil, now)
}

// File is an attachment of a notice.
type File struct {
	Name        string // the file name the recipient sees: ASCII, no path
	ContentType string // with its charset, like "text/csv; charset=utf-8"
	Data        []byte
}

// NotifyFiles is Notify with attachments, such as an office's yearly
// statistics: the text, then each file, in one signed multipart
// message. Like every notice it must hold no personal data, since it
// is not encrypted.
func (m *Mailer) NotifyFiles(ctx context.Context, office *content.Office, to []string, subject, text string, files []File, now time.Time) error {
	if m.Signer == nil {
		return &sealError{errors.New("no signing key: every message is signed")}
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	body := []byte(strings.ReplaceAll(text, "\n", "\r\n"))
	inner := entity("text/plain; charset=utf-8", body)
	if len(files) > 0 {
		var out bytes.Buffer
		mixed := multipart.NewWriter(&out)
		if err := mixed.SetBoundary("notice-" + hex.EncodeToString(b)); err != nil {
			return err
		}
		w, err := mixed.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return err
		}
		qp := quotedprintable.NewWriter(w)
		qp.Write([]byte(text))
		qp.Close()
		for _, f := range files {
			w, err := mixed.CreatePart(textproto.MIMEHeader{
				"Content-Type":              {f.ContentType + "; name=\"" + f.Name + "\""},
				"Content-Disposition":       {"attachment; filename=\"" + f.Name + "\""},
				"Content-Transfer-Encoding": {"base64"},
			})
			if err != nil {
				return err
			}
			enc := base64.StdEncoding.EncodeToString(f.Data)
			for len(enc) > 76 {
				fmt.Fprintf(w, "%s\r\n", enc[:76])
				enc = enc[76:]
			}
			fmt.Fprintf(w, "%s\r\n", enc)
		}
		mixed.Close()
		inner = entity("multipart/mixed; boundary=\""+mixed.Boundary()+"\"", out.Bytes())
	}
	signed, err := m.Signer.sign(inner)
	if err != nil {
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

// InboxFor returns the real inbox of an office's unit, for a notice's
// recipients.
func (m *Mailer) InboxFor(o *content.Office, u *content.Intake) string {
	return m.Inboxes.ForUnit(o, u)
}
