package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
)

const root = "../../.."

// sealed is a message encrypted by the real openssl to an office's
// development certificate, as an S/MIME client would send it.
func sealed(t *testing.T, office, text string) []byte {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("this test needs openssl; `make deps` installs it")
	}
	entity := "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
	cmd := exec.Command("openssl", "cms", "-encrypt", "-aes256", "-recip", filepath.Join(root, "content/offices/certs", office+".pem"))
	cmd.Stdin = strings.NewReader(entity)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl: %v", err)
	}
	return append([]byte("From: noreply@familjeratt.example\r\nTo: "+office+"@familjeratt.example\r\nSubject: =?utf-8?q?Ny_anm=C3=A4lan?=\r\n"), out...)
}

func TestOpenInbox(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("malmo/AAAA2222.eml", sealed(t, "malmo", "Förnamn: TEST"))
	write("torsas/BBBB3333.eml", []byte("From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\nSkickad utan kryptering\r\n"))

	var out bytes.Buffer
	env := map[string]string{"INTAKE_INBOX_DIR": dir}
	if err := run(context.Background(), []string{"openinbox", "-root", root}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"WARNING: opening with the DEVELOPMENT keys", "Subject: Ny anmälan", "Encrypted: S/MIME, opened with", "Förnamn: TEST",
		"NOT ENCRYPTED: this office accepts TLS-only delivery", "Skickad utan kryptering"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}

	// A message for one office in another's folder does not open.
	write("osthammar/CCCC4444.eml", sealed(t, "malmo", "x"))
	out.Reset()
	err := run(context.Background(), []string{"openinbox", "-root", root}, func(k string) string { return env[k] }, &out)
	if err == nil || !strings.Contains(out.String(), "NOT OPENED: decrypting with") {
		t.Errorf("got %v:\n%s", err, out.String())
	}
}

// TestDevKeyOnly: a key whose certificate is not marked as a development
// one is refused, even when it matches.
func TestDevKeyOnly(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "familjeratt@kommun.se", Organization: []string{"Kommun"}},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(key)
	keyFile := filepath.Join(t.TempDir(), "kommun.key.pem")
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600)

	_, _, err = devKey(&content.Office{ID: "kommun", Certs: []*x509.Certificate{cert}}, keyFile)
	if err == nil || !strings.Contains(err.Error(), "not a development one") {
		t.Errorf("got %v, want a refusal", err)
	}
}
