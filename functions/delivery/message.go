// Package delivery brings an accepted application to its office: it
// composes the message staff read (a readable part with what is urgent
// first, and a JSON part with every answer), encrypts it with S/MIME to
// the office's certificates, and hands it to a transport: SMTP with
// STARTTLS required, or the local inbox.
//
// A [Mailer] does all of it, signing each message with the portal's own
// key first; its Deliver returns nil only once the office's mail server
// (or the local inbox) has accepted the message.
package delivery

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
	"familjeratt.example/portal/functions/intake"
)

// SchemaVersion is the version of the JSON part's layout. Staff tooling
// reads it first; a change that could break an import bumps it.
//
//   - 2: interpreter_language (the applicant's and the other parent's)
//     is a code from a closed list (content.InterpreterLanguages: ISO 639
//     codes and "other"; "" no interpreter), no longer free text, and
//     interpreter_language_other beside it holds the language typed for
//     "other".
const SchemaVersion = 2

// Envelope is a message exactly as it goes to the office: the local inbox
// writes these bytes to a file and SMTP sends them.
type Envelope struct {
	From      string
	To        []string
	MessageID string
	Office    string // the office's id
	// Unit is the office's unit the message goes to: with Office, it
	// names the local inbox's folder ([content.InboxKey]).
	Unit      content.UnitKind
	Reference intake.Reference
	Data      []byte
	// ProviderID is set by a transport that learns the relay's own id
	// for the message from its 250 answer.
	ProviderID string
}

// Transport hands a finished message to the office. It returns nil only
// once the message is accepted: by the mail server's 250 after DATA, or
// by the local inbox's rename.
type Transport interface {
	Send(ctx context.Context, env *Envelope) error
}

// Mailer composes, signs, encrypts and sends submissions.
type Mailer struct {
	Strings   *content.Strings
	Sources   form.Sources // the labels of select options, for the readable listing
	From      string       // the sender of messages to offices
	Inboxes   Inboxes      // the deployment's real addresses
	Signer    *Signer      // the portal's key, which signs every message
	Transport Transport
	// ConfigurationSet, when set, names the Amazon SES configuration set
	// in every message, so that SES reports its bounces and deliveries.
	ConfigurationSet string
}

// Deliver composes the message for s and sends it. It returns nil only
// once the transport has accepted it.
func (m *Mailer) Deliver(ctx context.Context, s *intake.Submission) error {
	env, err := m.Compose(s)
	if err != nil {
		return err
	}
	s.MessageID = env.MessageID
	if err := m.Transport.Send(ctx, env); err != nil {
		return err
	}
	s.ProviderID = env.ProviderID
	return nil
}

// staffLang is the language of what staff read.
const staffLang = content.SV

// Compose builds the message for a submission: a readable part, as text
// and HTML with the flags first, and a JSON part with every answer,
// signed with the portal's key and then encrypted to the office. The
// subject is neutral: no name or number is ever outside the body.
func (m *Mailer) Compose(s *intake.Submission) (*Envelope, error) {
	strs := m.Strings
	flags := s.Flags(strs, staffLang)
	// What staff must read before anything else, the reference and the
	// flags included: for a request to be contacted safely, how and when
	// contact is safe and what must not be done.
	urgent := s.Urgent(strs, staffLang)
	summary := s.Form.Def.Summary(strs, staffLang, s.Values, m.Sources, true)
	received := s.Received.In(intake.Stockholm)

	// A form may name the head's rows in its own words (its texts
	// form.<id>.staff_office, …): the family-law office's labels do not
	// fit a message to another unit.
	staffText := func(key string) string {
		if own := "form." + s.Form.Def.ID + ".staff_" + key; strs.Has(own) {
			return strs.MustGet(staffLang, own)
		}
		return strs.MustGet(staffLang, "staff."+key)
	}
	head := []row{
		{strs.MustGet(staffLang, "staff.reference"), s.Reference.String()},
		{strs.MustGet(staffLang, "staff.received"), received.Format("2006-01-02 15:04")},
		{staffText("office"), recipientName(s)},
		{staffText("municipality"), fmt.Sprintf("%s (%s)", s.Municipality.Name, s.Municipality.Code)},
	}
	// The parent's language comes first of all: it decides how staff
	// answer.
	head = append([]row{{strs.MustGet(staffLang, "staff.language"), s.EditionNameSV()}}, head...)
	title := strs.MustGet(staffLang, "form."+s.Form.Def.ID+".staff_title")

	var text bytes.Buffer
	fmt.Fprintf(&text, "%s\n\n", title)
	if len(urgent) > 0 {
		fmt.Fprintf(&text, "== %s ==\n", strs.MustGet(staffLang, "staff.urgent_heading"))
		for _, f := range urgent {
			fmt.Fprintf(&text, "* %s\n", f.Text)
		}
		text.WriteString("\n")
	}
	for _, r := range head {
		fmt.Fprintf(&text, "%s: %s\n", r.K, r.V)
	}
	ack := ""
	if s.AckURL != "" {
		ack = staffText("ack")
		fmt.Fprintf(&text, "\n%s\n%s\n", ack, s.AckURL)
	}
	if len(flags) > 0 {
		fmt.Fprintf(&text, "\n== %s ==\n", strs.MustGet(staffLang, "staff.flags_heading"))
		for _, f := range flags {
			fmt.Fprintf(&text, "* %s\n", f.Text)
		}
	}
	for _, sec := range summary.Sections {
		fmt.Fprintf(&text, "\n== %s ==\n", sec.Heading)
		for _, r := range sec.Rows {
			fmt.Fprintf(&text, "%s: %s\n", r.Key, strings.ReplaceAll(r.Value, "\n", "\n    "))
		}
	}

	var html bytes.Buffer
	if err := staffHTML.Execute(&html, struct {
		Title   string
		Head    []row
		Urgent  []intake.Flag
		UrgentH string
		Flags   []intake.Flag
		FlagsH  string
		Summary *form.Summary
		Ack     string
		AckURL  string
	}{title, head, urgent, urgentHeading(strs, urgent), flags, strs.MustGet(staffLang, "staff.flags_heading"), summary, ack, s.AckURL}); err != nil {
		return nil, err
	}

	codes := make([]string, 0, len(urgent)+len(flags))
	for _, f := range append(urgent, flags...) {
		codes = append(codes, f.Code)
	}
	doc, err := json.MarshalIndent(map[string]any{
		"schema_version": SchemaVersion,
		"form":           s.Form.Def.ID,
		"reference":      s.Reference.String(),
		"received":       s.Received.UTC().Format(time.RFC3339),
		"language":       s.Lang,
		"office":         map[string]string{"id": s.Office.ID, "name": s.Office.Name[content.SV]},
		"municipality":   map[string]string{"code": s.Municipality.Code, "name": s.Municipality.Name},
		"flags":          codes,
		"answers":        s.Form.Def.Answers(s.Answers),
	}, "", "  ")
	if err != nil {
		return nil, err
	}

	body, contentType, err := mimeBody(s.Reference, text.Bytes(), html.Bytes(), doc)
	if err != nil {
		return nil, err
	}
	if m.Signer == nil {
		return nil, &sealError{errors.New("no signing key: every message is signed")}
	}
	signed, err := m.Signer.sign(entity(contentType, body))
	if err != nil {
		return nil, err
	}
	unit := s.Unit()
	if unit == nil {
		return nil, &sealError{fmt.Errorf("office %s has no unit %s for form %s", s.Office.ID, s.Form.Unit, s.Form.Def.ID)}
	}
	inner, err := seal(unit, signed)
	if err != nil {
		return nil, err
	}
	to := m.Inboxes.ForUnit(s.Office, unit)
	env := &Envelope{
		From: m.From, To: []string{to}, Office: s.Office.ID, Unit: unit.Kind, Reference: s.Reference,
		MessageID: MessageID(s.Reference, s.Form.Def.ID, m.From),
	}
	var msg bytes.Buffer
	writeHeader(&msg, "From", m.From)
	writeHeader(&msg, "To", to)
	writeHeader(&msg, "Subject", mime.QEncoding.Encode("utf-8", strs.MustGet(staffLang, "form."+s.Form.Def.ID+".staff_subject", "reference", s.Reference.String())))
	writeHeader(&msg, "Date", s.Received.In(intake.Stockholm).Format(time.RFC1123Z))
	writeHeader(&msg, "Message-ID", env.MessageID)
	// Amazon SES replaces the Message-ID: the reference in a header of our
	// own (and in the subject) is what shows staff that a second message
	// is the same application again.
	writeHeader(&msg, ReferenceHeader, s.Reference.String())
	if m.ConfigurationSet != "" {
		writeHeader(&msg, "X-SES-CONFIGURATION-SET", m.ConfigurationSet)
	}
	writeHeader(&msg, "MIME-Version", "1.0")
	msg.Write(inner)
	env.Data = msg.Bytes()
	return env, nil
}

type row struct{ K, V string }

// recipientName is who receives the submission, for staff: the office,
// or the unit by its own name, with the office's after it.
func recipientName(s *intake.Submission) string {
	office := s.Office.Name[content.SV]
	if u := s.Unit(); u != nil && u.Kind != content.FamilyLaw && u.Name != nil && (*u.Name)[content.SV] != "" {
		return (*u.Name)[content.SV] + " (" + office + ")"
	}
	return office
}

// urgentHeading is the heading of the urgent items, when there are any.
func urgentHeading(strs *content.Strings, urgent []intake.Flag) string {
	if len(urgent) == 0 {
		return ""
	}
	return strs.MustGet(staffLang, "staff.urgent_heading")
}

// ReferenceHeader carries the application's reference on every message.
const ReferenceHeader = "X-Familjeratt-Reference"

// MessageID is derived from the reference, so that sending again after a
// failure gives the same id and staff (and mail servers) see one message.
func MessageID(ref intake.Reference, form, from string) string {
	domain := "familjeratt.example"
	if _, d, ok := strings.Cut(from, "@"); ok {
		domain = strings.Trim(d, "> ")
	}
	return fmt.Sprintf("<%s.%s@%s>", string(ref), form, domain)
}

// entity is a MIME entity: its Content-Type, a blank line, its body.
func entity(contentType string, body []byte) []byte {
	e := make([]byte, 0, len(body)+len(contentType)+20)
	e = append(e, "Content-Type: "+contentType+"\r\n\r\n"...)
	return append(e, body...)
}

func writeHeader(b *bytes.Buffer, name, value string) {
	b.WriteString(name + ": " + value + "\r\n")
}

// mimeBody builds the multipart body: the readable text and HTML as
// alternatives, and the JSON as an attachment named after the reference.
// Boundaries come from the reference, so the same answers give the same
// bytes.
func mimeBody(ref intake.Reference, text, html, doc []byte) (body []byte, contentType string, err error) {
	var out bytes.Buffer
	mixed := multipart.NewWriter(&out)
	if err := mixed.SetBoundary("mixed-" + string(ref)); err != nil {
		return nil, "", err
	}
	var alt bytes.Buffer
	altW := multipart.NewWriter(&alt)
	if err := altW.SetBoundary("alt-" + string(ref)); err != nil {
		return nil, "", err
	}
	for _, part := range []struct {
		ct   string
		data []byte
	}{{"text/plain; charset=utf-8", text}, {"text/html; charset=utf-8", html}} {
		w, err := altW.CreatePart(textproto.MIMEHeader{"Content-Type": {part.ct}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, "", err
		}
		qp := quotedprintable.NewWriter(w)
		qp.Write(part.data)
		qp.Close()
	}
	altW.Close()

	w, err := mixed.CreatePart(textproto.MIMEHeader{"Content-Type": {"multipart/alternative; boundary=\"" + altW.Boundary() + "\""}})
	if err != nil {
		return nil, "", err
	}
	w.Write(alt.Bytes())
	name := ref.String() + ".json"
	w, err = mixed.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {"application/json; charset=utf-8; name=\"" + name + "\""},
		"Content-Disposition":       {"attachment; filename=\"" + name + "\""},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return nil, "", err
	}
	enc := base64.StdEncoding.EncodeToString(doc)
	for len(enc) > 76 {
		fmt.Fprintf(w, "%s\r\n", enc[:76])
		enc = enc[76:]
	}
	fmt.Fprintf(w, "%s\r\n", enc)
	mixed.Close()
	return out.Bytes(), "multipart/mixed; boundary=\"" + mixed.Boundary() + "\"", nil
}

var staffHTML = template.Must(template.New("staff").Parse(`<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:Arial,sans-serif;line-height:1.4;color:#0b0c0c">
<h1 style="font-size:20px">{{.Title}}</h1>
{{if .Urgent}}<div style="border:4px solid #d4351c;padding:8px 12px;margin:16px 0">
<h2 style="font-size:18px;margin:0 0 8px">{{.UrgentH}}</h2>
<ul>{{range .Urgent}}<li><strong>{{.Text}}</strong></li>{{end}}</ul></div>{{end}}
<table>{{range .Head}}<tr><th style="text-align:left;padding-right:1em">{{.K}}</th><td>{{.V}}</td></tr>{{end}}</table>
{{if .AckURL}}<p><a href="{{.AckURL}}">{{.Ack}}</a></p>{{end}}
{{if .Flags}}<div style="border:4px solid #d4351c;padding:8px 12px;margin:16px 0">
<h2 style="font-size:18px;margin:0 0 8px">{{.FlagsH}}</h2>
<ul>{{range .Flags}}<li><strong>{{.Text}}</strong></li>{{end}}</ul></div>{{end}}
{{range .Summary.Sections}}<h2 style="font-size:18px">{{.Heading}}</h2>
<table>{{range .Rows}}<tr><th style="text-align:left;vertical-align:top;padding-right:1em">{{.Key}}</th><td style="white-space:pre-wrap">{{.Value}}</td></tr>{{end}}</table>
{{end}}</body></html>
`))

// CheckTexts reports every interface text a message to staff needs that
// strs lacks, so the function refuses to start rather than fail at a
// parent's send.
func CheckTexts(strs *content.Strings) content.Problems {
	keys := []string{"staff.reference", "staff.received", "staff.office", "staff.municipality", "staff.language", "staff.flags_heading", "staff.urgent_heading", "staff.ack"}
	for _, code := range intake.FlagCodes {
		keys = append(keys, "staff.flag."+code)
	}
	for _, f := range intake.Forms() {
		keys = append(keys, "form."+f.Def.ID+".staff_title", "form."+f.Def.ID+".staff_subject")
	}
	return strs.Require(keys...)
}
