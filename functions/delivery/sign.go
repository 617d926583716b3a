package delivery

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/smallstep/pkcs7"
)

// Signer is the portal's own certificate and its private key: every
// message to an office is signed with it (S/MIME SignedData), before it
// is encrypted, so staff can tell an application the portal sent from
// one someone else put in their inbox, and see if it was changed on the
// way.
type Signer struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// NewSigner pairs the portal's certificate with its PEM-encoded private
// key (PKCS #8, or PKCS #1 for RSA), and refuses a key that is not the
// certificate's.
func NewSigner(cert *x509.Certificate, keyPEM []byte) (*Signer, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil || !bytes.Contains([]byte(block.Type), []byte("PRIVATE KEY")) {
		return nil, errors.New("not a PEM private key")
	}
	var key any
	var err error
	if block.Type == "RSA PRIVATE KEY" {
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	} else {
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("the private key cannot be read: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("the private key cannot sign")
	}
	pub, ok := cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(signer.Public()) {
		return nil, errors.New("the private key does not belong to the signing certificate")
	}
	return &Signer{Cert: cert, Key: signer}, nil
}

// signedHeader is what the signed entity says of itself (RFC 8551
// section 3.5.2: application/pkcs7-mime, opaque signed data), so that a
// client reads it whole once it has decrypted it.
const signedHeader = "Content-Type: application/pkcs7-mime; smime-type=signed-data; name=\"smime.p7m\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n"

// sign wraps a MIME entity (its headers and body) in SignedData with
// SHA-256, the signer's certificate included, as a MIME entity again.
func (s *Signer) sign(entity []byte) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(entity)
	if err != nil {
		return nil, &sealError{err}
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(s.Cert, s.Key, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, &sealError{err}
	}
	der, err := sd.Finish()
	if err != nil {
		return nil, &sealError{err}
	}
	return base64Entity(signedHeader, der), nil
}

// base64Entity is a MIME entity of header and data in base64, in lines
// of 76 characters.
func base64Entity(header string, data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	out := bytes.NewBuffer(make([]byte, 0, len(header)+len(enc)+len(enc)/76*2+2))
	out.WriteString(header)
	for len(enc) > 76 {
		out.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	out.WriteString(enc + "\r\n")
	return out.Bytes()
}

// ErrNotSigned is Verify's answer for an entity that is not signed.
var ErrNotSigned = errors.New("the message is not S/MIME signed")

// Verify checks a signed entity (as Unseal returns it, or a TLS-only
// message) against the portal's certificate: the signature must be
// valid, and made with that certificate's key. It returns the entity
// that was signed, which [Parts] reads.
func Verify(entity []byte, portal *x509.Certificate) ([]byte, error) {
	p7, err := readSMIME(entity, "signed-data", ErrNotSigned)
	if err != nil {
		return nil, err
	}
	if err := p7.Verify(); err != nil {
		return nil, fmt.Errorf("the signature does not verify: %w", err)
	}
	if signer := p7.GetOnlySigner(); signer == nil || !signer.Equal(portal) {
		return nil, errors.New("the message is signed, but not with the portal's certificate")
	}
	return p7.Content, nil
}
