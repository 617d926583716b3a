package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
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

// openssl runs the real openssl on stdin.
func openssl(t *testing.T, stdin []byte, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("this test needs openssl; `make deps` installs it")
	}
	cmd := exec.Command("openssl", args...)
	cmd.Stdin = bytes.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// signed is text signed by the real openssl with the portal's
// development signing key, as an S/MIME entity.
func signed(t *testing.T, text string) []byte {
	t.Helper()
	entity := "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
	return openssl(t, []byte(entity), "cms", "-sign", "-nodetach", "-signer", filepath.Join(root, "content", content.SigningFile),
		"-inkey", filepath.Join(root, "build/dev-only-keys/signing.key.pem"))
}

const head = "From: noreply@familjeratt.example\r\nTo: x@familjeratt.example\r\nSubject: =?utf-8?q?Ny_ans=C3=B6kan?=\r\n"

// sealed is entity encrypted by the real openssl to an office's
// development certificate, as an S/MIME client would send it.
func sealed(t *testing.T, office string, entity []byte) []byte {
	t.Helper()
	out := openssl(t, entity, "cms", "-encrypt", "-aes256", "-recip", filepath.Join(root, "content/offices/certs", office+".pem"))
	return append([]byte(head), out...)
}

func TestOpenInbox(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("malmo/AAAA2222.eml", sealed(t, "malmo", signed(t, "Förnamn: TEST")))
	write("torsas/BBBB3333.eml", append([]byte(head), signed(t, "Skickad utan kryptering")...))

	var out bytes.Buffer
	env := map[string]string{"INTAKE_INBOX_DIR": dir}
	if err := run(context.Background(), []string{"openinbox", "-root", root}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"WARNING: opening with the DEVELOPMENT keys", "Subject: Ny ansökan", "Encrypted: S/MIME, opened with", "Förnamn: TEST",
		"NOT ENCRYPTED: this office accepts TLS-only delivery", "Skickad utan kryptering", "Signed: by the portal's certificate noreply@familjeratt.example, verified"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}

	// A message for one office in another's folder does not open; nor
	// does one the portal did not sign, or one changed after signing.
	for _, tt := range []struct {
		name string
		msg  []byte
		want string
	}{
		{"osthammar/CCCC4444.eml", sealed(t, "malmo", signed(t, "x")), "NOT OPENED: decrypting with"},
		{"malmo/DDDD5555.eml", sealed(t, "malmo", []byte("Content-Type: text/plain\r\n\r\nNot signed\r\n")), "NOT OPENED: the signature: the message is not S/MIME signed"},
		{"malmo/EEEE6666.eml", sealed(t, "malmo", tampered(t, signed(t, "Förnamn: TEST"))), "NOT OPENED: the signature: the signature does not verify"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, filepath.Dir(tt.name)), 0o700)
			os.WriteFile(filepath.Join(dir, tt.name), tt.msg, 0o600)
			var out bytes.Buffer
			err := run(context.Background(), []string{"openinbox", "-root", root}, func(k string) string { return map[string]string{"INTAKE_INBOX_DIR": dir}[k] }, &out)
			if err == nil || !strings.Contains(out.String(), tt.want) {
				t.Errorf("got %v:\n%s\nwant %q", err, out.String(), tt.want)
			}
		})
	}
}

// tampered changes one letter of the signed text inside a signed entity.
func tampered(t *testing.T, entity []byte) []byte {
	t.Helper()
	sep := []byte("\r\n\r\n")
	if !bytes.Contains(entity, sep) {
		sep = []byte("\n\n")
	}
	head, body, ok := bytes.Cut(entity, sep)
	if !ok {
		t.Fatal("not an entity")
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(der, []byte("TEST"))
	if i < 0 {
		t.Fatal("the text is not in the signed data")
	}
	der[i] = 'B'
	return append(append(head, sep...), base64.StdEncoding.EncodeToString(der)...)
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

	o := &content.Office{ID: "kommun", Intake: content.Intake{Certs: []*x509.Certificate{cert}}}
	_, _, err = devKey(o, &o.Intake, keyFile)
	if err == nil || !strings.Contains(err.Error(), "not a development one") {
		t.Errorf("got %v, want a refusal", err)
	}
}
