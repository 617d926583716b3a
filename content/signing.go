package content

import (
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"io/fs"
)

// SigningFile holds the portal's own S/MIME certificate: every message to
// an office is signed with its key, so staff can tell an application the
// portal sent from one someone else put in their inbox. The certificate
// is public; its private key is the deployment's secret.
const SigningFile = "signing.pem"

// LoadSigning reads and checks the portal's signing certificate.
func LoadSigning(fsys fs.FS) (*x509.Certificate, error) {
	src, err := fs.ReadFile(fsys, SigningFile)
	if err != nil {
		return nil, Problems{{File: SigningFile, Msg: "cannot read the portal's signing certificate: " + err.Error()}}
	}
	certs, probs := parseCertificates(SigningFile, src, unfitForSigning)
	if len(probs) > 0 {
		return nil, probs.Err()
	}
	if len(certs) != 1 {
		return nil, Problems{{File: SigningFile, Line: 1, Msg: fmt.Sprintf(
			"%d certificates: give exactly one, the portal's own, whose key signs the messages", len(certs))}}
	}
	return certs[0], nil
}

// unfitForSigning says why cert cannot sign the portal's messages, or "".
func unfitForSigning(cert *x509.Certificate) string {
	who := certName(cert)
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return fmt.Sprintf("the signing certificate for %s has a %s key: give one with an RSA key, which every mail client verifies", who, cert.PublicKeyAlgorithm)
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return fmt.Sprintf("the certificate for %s does not allow digitalSignature, so it cannot sign: "+
			"it is probably an encryption certificate; ask for the signing certificate", who)
	}
	if !forEmail(cert) {
		return fmt.Sprintf("the certificate for %s is not for e-mail: its extended key usage lacks emailProtection", who)
	}
	return ""
}
