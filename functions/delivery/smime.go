package delivery

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"

	"github.com/smallstep/pkcs7"

	"familjeratt.example/portal/content"
)

// The library takes its algorithms from package variables. They are set
// once, here, before any goroutine can encrypt: AES-256-CBC, which RFC
// 8551 requires every receiver to support (Outlook included; AES-GCM is
// not yet read everywhere), and RSA PKCS #1 v1.5 key transport, which
// every S/MIME client reads.
func init() {
	pkcs7.ContentEncryptionAlgorithm = pkcs7.EncryptionAlgorithmAES256CBC
	pkcs7.KeyEncryptionAlgorithm = pkcs7.OIDEncryptionAlgorithmRSA
}

// sealError is a message that could not be encrypted. It is never
// retried: the same office and certificates would fail the same way.
type sealError struct{ err error }

func (e *sealError) Error() string { return "seal: " + e.err.Error() }
func (e *sealError) Unwrap() error { return e.err }
func (e *sealError) Kind() string  { return "encryption" }

// smimeHeader is what the message says of its encrypted body: nothing
// but that it is one, as RFC 8551 section 3.2 writes it.
const smimeHeader = "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n"

// seal encrypts a MIME entity (its Content-Type and body; here, the
// signed entity) for an office's unit. For a unit with certificates, the
// whole entity is encrypted as S/MIME EnvelopedData to every
// certificate, so only the unit's staff can read it, not the mail
// providers on the way. A unit that accepts TLS-only delivery gets the
// entity as it is; any other gets nothing: a unit built without the
// content package's checks must not leak by default.
func seal(u *content.Intake, entity []byte) ([]byte, error) {
	if len(u.Certs) == 0 {
		if u.AcceptTLSOnly {
			return entity, nil
		}
		return nil, &sealError{fmt.Errorf("unit %s has no certificate and does not accept TLS-only delivery", u.Kind)}
	}
	der, err := pkcs7.Encrypt(entity, u.Certs)
	if err != nil {
		return nil, &sealError{err}
	}
	return base64Entity(smimeHeader, der), nil
}

// ErrNotSealed is Unseal's answer for a message that is not encrypted.
var ErrNotSealed = errors.New("the message is not S/MIME encrypted")

// Sealed reports whether a whole message (headers and body) is S/MIME
// encrypted.
func Sealed(msg []byte) bool {
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	return err == nil && sealed(m.Header)
}

func sealed(h mail.Header) bool { return isSMIME(h, "enveloped-data") }

// isSMIME reports whether a header says its body is S/MIME of the type.
func isSMIME(h mail.Header, smimeType string) bool {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && (mt == "application/pkcs7-mime" || mt == "application/x-pkcs7-mime") &&
		params["smime-type"] == smimeType
}

// readSMIME reads a MIME entity of the S/MIME type (whose body is base64
// DER), or answers notIt.
func readSMIME(entity []byte, smimeType string, notIt error) (*pkcs7.PKCS7, error) {
	m, err := mail.ReadMessage(bytes.NewReader(entity))
	if err != nil {
		return nil, err
	}
	if !isSMIME(m.Header, smimeType) {
		return nil, notIt
	}
	der, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	if err != nil {
		return nil, fmt.Errorf("the %s body: %w", smimeType, err)
	}
	return pkcs7.Parse(der)
}

// Unseal decrypts a whole message sealed for an office with the private
// key of one of its certificates, cert, and returns the inner entity:
// the signed entity, which [Verify] checks and opens. It is how the
// tests and `make open-inbox` read what staff will read.
func Unseal(msg []byte, cert *x509.Certificate, key crypto.PrivateKey) ([]byte, error) {
	p7, err := readSMIME(msg, "enveloped-data", ErrNotSealed)
	if err != nil {
		return nil, err
	}
	return p7.Decrypt(cert, key)
}
