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

// seal makes the message's body and its content headers. For an office
// with certificates, the whole inner entity (its Content-Type, the
// readable parts and the JSON) is encrypted as S/MIME EnvelopedData to
// every certificate, so only the office's staff can read it, not the
// mail providers on the way. An office that accepts TLS-only delivery
// gets the entity as it is; any other office gets nothing: an office
// built without the content package's checks must not leak by default.
func seal(o *content.Office, contentType string, body []byte) ([]byte, error) {
	inner := make([]byte, 0, len(body)+128)
	inner = append(inner, "Content-Type: "+contentType+"\r\n\r\n"...)
	inner = append(inner, body...)
	if len(o.Certs) == 0 {
		if o.Intake.AcceptTLSOnly {
			return inner, nil
		}
		return nil, &sealError{fmt.Errorf("office %s has no certificate and does not accept TLS-only delivery", o.ID)}
	}
	der, err := pkcs7.Encrypt(inner, o.Certs)
	if err != nil {
		return nil, &sealError{err}
	}
	enc := base64.StdEncoding.EncodeToString(der)
	out := bytes.NewBuffer(make([]byte, 0, len(smimeHeader)+len(enc)+len(enc)/76*2+2))
	out.WriteString(smimeHeader)
	for len(enc) > 76 {
		out.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	out.WriteString(enc + "\r\n")
	return out.Bytes(), nil
}

// ErrNotSealed is Unseal's answer for a message that is not encrypted.
var ErrNotSealed = errors.New("the message is not S/MIME encrypted")

// Sealed reports whether a whole message (headers and body) is S/MIME
// encrypted.
func Sealed(msg []byte) bool {
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	return err == nil && sealed(m.Header)
}

func sealed(h mail.Header) bool {
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && (mt == "application/pkcs7-mime" || mt == "application/x-pkcs7-mime") &&
		params["smime-type"] == "enveloped-data"
}

// Unseal decrypts a whole message sealed for an office with the private
// key of one of its certificates, cert, and returns the inner entity:
// "Content-Type: …", a blank line and the body, which [Parts] reads. It
// is how the tests and `make open-inbox` read what staff will read.
func Unseal(msg []byte, cert *x509.Certificate, key crypto.PrivateKey) ([]byte, error) {
	m, err := mail.ReadMessage(bytes.NewReader(msg))
	if err != nil {
		return nil, err
	}
	if !sealed(m.Header) {
		return nil, ErrNotSealed
	}
	der, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	if err != nil {
		return nil, fmt.Errorf("the encrypted body: %w", err)
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, err
	}
	return p7.Decrypt(cert, key)
}
