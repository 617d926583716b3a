package intake

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"familjeratt.example/portal/content"
)

// recipient is a certificate and its private key, made for one test.
type recipient struct {
	cert    *x509.Certificate
	key     *rsa.PrivateKey
	certPEM []byte
	keyPEM  []byte
}

// newRecipient makes an S/MIME certificate for addr, self-signed, with
// a key no file in the repository holds.
func newRecipient(t testing.TB, addr string) recipient {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: addr}, EmailAddresses: []string{addr},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return recipient{cert: cert, key: key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})}
}

var (
	devKeysOnce sync.Once
	devKeys     []recipient
	devKeysErr  error
)

// opened returns a message as staff read it: decrypted with the demo
// offices' development keys when it is encrypted, as it is otherwise.
func opened(t testing.TB, msg []byte) []byte {
	t.Helper()
	if !Sealed(msg) {
		return msg
	}
	devKeysOnce.Do(func() {
		files, _ := filepath.Glob("../../build/dev-only-keys/*.key.pem")
		for _, f := range files {
			id := strings.TrimSuffix(filepath.Base(f), ".key.pem")
			r, err := readPair("../../content/offices/certs/"+id+".pem", f)
			if err != nil {
				devKeysErr = err
				return
			}
			devKeys = append(devKeys, r)
		}
	})
	if devKeysErr != nil || len(devKeys) == 0 {
		t.Fatalf("the development keys: %v (%d found)", devKeysErr, len(devKeys))
	}
	for _, r := range devKeys {
		if inner, err := Unseal(msg, r.cert, r.key); err == nil {
			return inner
		}
	}
	t.Fatal("no development key decrypts the message")
	return nil
}

func readPair(certFile, keyFile string) (recipient, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return recipient{}, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return recipient{}, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return recipient{}, errors.New("not PEM: " + certFile + ", " + keyFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return recipient{}, err
	}
	key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return recipient{}, err
	}
	return recipient{cert: cert, key: key.(*rsa.PrivateKey), certPEM: certPEM, keyPEM: keyPEM}, nil
}

// openssl runs the real openssl, which `make deps` installs.
func openssl(t testing.TB, stdin []byte, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatal("these tests need openssl; `make deps` installs it")
	}
	cmd := exec.Command("openssl", args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

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
	office, staff := newRecipient(t, "office@familjeratt.example"), newRecipient(t, "staff@familjeratt.example")
	outsider := newRecipient(t, "outsider@familjeratt.example")
	const contentType = `multipart/mixed; boundary="mixed-X"`
	body := []byte("--mixed-X\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnna Lindqvist 19811218-9876\r\n--mixed-X--\r\n")
	inner := "Content-Type: " + contentType + "\r\n\r\n" + string(body)
	h := &handler{}

	tests := []struct {
		name   string
		office content.Office
		sealed bool
		kind   string // of the error; "" for none
	}{
		{"two certificates", content.Office{ID: "x", Certs: []*x509.Certificate{office.cert, staff.cert}}, true, ""},
		{"certificates win over TLS-only", content.Office{ID: "x", Certs: []*x509.Certificate{office.cert}, Intake: content.Intake{AcceptTLSOnly: true}}, true, ""},
		{"TLS-only", content.Office{ID: "x", Intake: content.Intake{AcceptTLSOnly: true}}, false, ""},
		{"neither: refused", content.Office{ID: "x"}, false, "encryption"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.seal(&tt.office, contentType, body)
			if tt.kind != "" {
				if err == nil || failureKind(err) != tt.kind {
					t.Fatalf("got error %v (kind %q), want kind %q", err, failureKind(err), tt.kind)
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
			for _, r := range []recipient{office, staff}[:len(tt.office.Certs)] {
				opened, err := Unseal(msg, r.cert, r.key)
				if err != nil {
					t.Fatalf("%s: %v", r.cert.Subject.CommonName, err)
				}
				if string(opened) != inner {
					t.Errorf("%s decrypts %q, want %q", r.cert.Subject.CommonName, opened, inner)
				}
			}
			if _, err := Unseal(msg, outsider.cert, outsider.key); err == nil {
				t.Errorf("a certificate that is not a recipient decrypts the message")
			}
		})
	}
}

// TestLocalInboxOpenSSL is the acceptance check of `make run`: the local
// inbox holds the encrypted message, and the real openssl decrypts it
// with the office's (development) key into what the office will read.
func TestLocalInboxOpenSSL(t *testing.T) {
	e := newEnv(t)
	w := post(t, e.h, with(validApplication("sv"), "_action", "send"))
	if w.Code != 303 || len(e.sender.sent) != 1 {
		t.Fatalf("send: status %d, %d sent", w.Code, len(e.sender.sent))
	}
	env := e.sender.sent[0]
	file := filepath.Join(e.inbox, "malmo", env.Reference.String()+".eml")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, env.Data) || !Sealed(raw) {
		t.Fatalf("the inbox file is not the encrypted message that was sent")
	}
	for _, personal := range []string{"Anna", "Lindqvist", "811218", "Storgatan"} {
		if bytes.Contains(raw, []byte(personal)) {
			t.Errorf("the inbox file holds %q in plain", personal)
		}
	}
	out := openssl(t, nil, "cms", "-decrypt", "-in", file,
		"-inkey", "../../build/dev-only-keys/malmo.key.pem", "-recip", "../../content/offices/certs/malmo.pem")
	if !bytes.Equal(out, opened(t, raw)) {
		t.Errorf("openssl and Unseal disagree:\n%s", out)
	}
	parts, err := Parts(out)
	if err != nil {
		t.Fatal(err)
	}
	if text := string(parts["text/plain"]); !strings.Contains(text, "Efternamn: Lindqvist") || !strings.Contains(text, "Personnummer: 19811218-9876") {
		t.Errorf("the decrypted text lacks the applicant:\n%s", text)
	}
}
