package delivery

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery/mailtest"
)

// The algorithms' object identifiers, as they appear in the DER.
var (
	oidAES256CBC = mustOID(asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42})
	oidRSA       = mustOID(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1})
	oidEnveloped = mustOID(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 3})
)

func mustOID(oid asn1.ObjectIdentifier) []byte {
	b, err := asn1.Marshal(oid)
	if err != nil {
		panic(err)
	}
	return b
}

func TestSeal(t *testing.T) {
	office, staff := mailtest.NewRecipient(t, "office@familjeratt.example"), mailtest.NewRecipient(t, "staff@familjeratt.example")
	outsider := mailtest.NewRecipient(t, "outsider@familjeratt.example")
	const contentType = `multipart/mixed; boundary="mixed-X"`
	body := []byte("--mixed-X\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnna Lindqvist 19811218-9876\r\n--mixed-X--\r\n")
	inner := "Content-Type: " + contentType + "\r\n\r\n" + string(body)

	tests := []struct {
		name   string
		unit   content.Intake
		sealed bool
		kind   string // of the error; "" for none
	}{
		{"two certificates", content.Intake{Certs: []*x509.Certificate{office.Cert, staff.Cert}}, true, ""},
		{"certificates win over TLS-only", content.Intake{Certs: []*x509.Certificate{office.Cert}, AcceptTLSOnly: true}, true, ""},
		{"TLS-only", content.Intake{AcceptTLSOnly: true}, false, ""},
		{"neither: refused", content.Intake{}, false, "encryption"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := seal(&tt.unit, entity(contentType, body))
			if tt.kind != "" {
				var k interface{ Kind() string }
				if !errors.As(err, &k) || k.Kind() != tt.kind {
					t.Fatalf("got error %v, want kind %q", err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.sealed {
				if string(got) != inner {
					t.Errorf("got %q, want the entity as it is", got)
				}
				return
			}
			head, b64, ok := strings.Cut(string(got), "\r\n\r\n")
			wantHead := "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\r\n" +
				"Content-Transfer-Encoding: base64\r\n" + "Content-Disposition: attachment; filename=\"smime.p7m\""
			if !ok || head != wantHead {
				t.Errorf("headers: got %q, want %q", head, wantHead)
			}
			lines := strings.Split(strings.TrimSuffix(b64, "\r\n"), "\r\n")
			for i, l := range lines {
				if len(l) > 76 || (i < len(lines)-1 && len(l) != 76) || strings.ContainsAny(l, "\r\n") {
					t.Fatalf("base64 line %d is %d characters: %q", i, len(l), l)
				}
			}
			if !strings.HasSuffix(b64, "\r\n") {
				t.Errorf("the base64 does not end with CRLF")
			}
			der, err := base64.StdEncoding.DecodeString(strings.Join(lines, ""))
			if err != nil {
				t.Fatal(err)
			}
			for name, oid := range map[string][]byte{"AES-256-CBC": oidAES256CBC, "rsaEncryption": oidRSA, "envelopedData": oidEnveloped} {
				if !bytes.Contains(der, oid) {
					t.Errorf("the EnvelopedData lacks %s", name)
				}
			}
			if bytes.Contains(got, []byte("Lindqvist")) || bytes.Contains(der, []byte("Lindqvist")) || bytes.Contains(got, []byte("mixed-X")) {
				t.Errorf("the sealed message holds the body in plain")
			}
			msg := append([]byte("From: a@b.example\r\nMIME-Version: 1.0\r\n"), got...)
			for _, r := range []*mailtest.Recipient{office, staff}[:len(tt.unit.Certs)] {
				opened, err := Unseal(msg, r.Cert, r.Key)
				if err != nil {
					t.Fatalf("%s: %v", r.Cert.Subject.CommonName, err)
				}
				if string(opened) != inner {
					t.Errorf("%s decrypts %q, want %q", r.Cert.Subject.CommonName, opened, inner)
				}
			}
			if _, err := Unseal(msg, outsider.Cert, outsider.Key); err == nil {
				t.Errorf("a certificate that is not a recipient decrypts the message")
			}
		})
	}
}

// TestSign: what sign makes, Verify opens, for the portal's certificate
// only; a changed byte fails.
func TestSign(t *testing.T) {
	r := mailtest.NewSigner(t, "noreply@familjeratt.example")
	s, err := NewSigner(r.Cert, r.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	inner := entity("text/plain; charset=utf-8", []byte("Anna Lindqvist\r\n"))
	signed, err := s.sign(inner)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(signed), signedHeader) {
		t.Errorf("the signed entity does not start with its header: %.120q", signed)
	}
	got, err := Verify(signed, r.Cert)
	if err != nil || !bytes.Equal(got, inner) {
		t.Fatalf("Verify: %q, %v; want the entity back", got, err)
	}
	if _, err := Verify(signed, mailtest.NewSigner(t, "noreply@familjeratt.example").Cert); err == nil {
		t.Error("Verify accepts the signature of another certificate")
	}
	if _, err := Verify(inner, r.Cert); !errors.Is(err, ErrNotSigned) {
		t.Errorf("an unsigned entity: %v, want ErrNotSigned", err)
	}
	other := mailtest.NewRecipient(t, "x@familjeratt.example")
	if _, err := NewSigner(r.Cert, other.KeyPEM); err == nil {
		t.Error("NewSigner pairs a certificate with another's key")
	}
}
