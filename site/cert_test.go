package site

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestExpiredCertificateFailsTheBuild: an office whose certificate has
// run out cannot be published, so a deployment never starts with one.
func TestExpiredCertificateFailsTheBuild(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "torsas"},
		EmailAddresses: []string{"torsas@familjeratt.example"},
		NotBefore:      time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	fsys := testContent(t, nil)
	fsys["offices/certs/torsas.pem"] = &fstest.MapFile{Data: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	_, err = build(t, fsys)
	if err == nil || !strings.Contains(err.Error(), "content/offices/certs/torsas.pem: the certificate for torsas@familjeratt.example expired on 2021-01-01") {
		t.Fatalf("got %v", err)
	}
}
