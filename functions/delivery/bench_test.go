package delivery

import (
	"bytes"
	"crypto/x509"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery/mailtest"
)

// entityOfAnApplication is a MIME entity the size of a full application
// with its readable parts and JSON: about 12 KB.
var entityOfAnApplication = entity(`multipart/mixed; boundary="mixed-X"`,
	bytes.Repeat([]byte("Förnamn: Anna Lindqvist, Storgatan 12, 211 34 Malmö\r\n"), 220))

// BenchmarkSign is what signing adds to each send: SHA-256 and one RSA
// 2048 signature over the whole message, and its certificate.
func BenchmarkSign(b *testing.B) {
	r := mailtest.NewSigner(b, "noreply@familjeratt.example")
	s, err := NewSigner(r.Cert, r.KeyPEM)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(entityOfAnApplication)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.sign(entityOfAnApplication); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeal is encrypting the signed message to one office
// certificate, for comparison.
func BenchmarkSeal(b *testing.B) {
	r := mailtest.NewRecipient(b, "office@familjeratt.example")
	o := &content.Intake{Certs: []*x509.Certificate{r.Cert}}
	b.SetBytes(int64(len(entityOfAnApplication)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := seal(o, entityOfAnApplication); err != nil {
			b.Fatal(err)
		}
	}
}
