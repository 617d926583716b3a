// Command devcerts makes the demo offices' S/MIME certificates and their
// private keys, for development only. The certificates go with the office
// data (content/offices/certs/<id>.pem); the keys go to build/dev-only-keys/,
// where anyone can read them, so that `make open-inbox` can decrypt what
// `make run` delivers. With -signing it makes the portal's development
// signing certificate instead (content/signing.pem, and its key
// build/dev-only-keys/signing.key.pem), which signs what `make run` sends.
//
//	go run ./build/cmd/devcerts [-root .] [-force] [-signing] [office ...]
//
// It was run once and its output committed; run it again only to replace
// the demo keys (with -force). It refuses an office whose inbox is not a
// placeholder under familjeratt.example: a real office gets its
// certificate from its own CA, never from here.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"familjeratt.example/portal/content"
)

// DevMarker is in the organisation of every certificate made here;
// `make open-inbox` looks for it before it uses a key, and the function
// refuses such a certificate where real inboxes are configured.
const DevMarker = content.DevelopmentMarker

// signingAddress is the demo sender, INTAKE_FROM's default: mail clients
// compare the signer's address with From.
const signingAddress = "noreply@familjeratt.example"

// demoOffices are the offices in the repository with placeholder inboxes.
var demoOffices = []string{"malmo", "osthammar", "torsas"}

// validity is long, so that tests using the demo certificates do not start
// failing one day; these keys protect nothing.
const validity = 20 * 365 * 24 * time.Hour

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "devcerts:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	root := fl.String("root", ".", "the repository's root")
	force := fl.Bool("force", false, "replace existing certificates and keys")
	signing := fl.Bool("signing", false, "make the portal's development signing certificate, not offices'")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	if *signing {
		return write(stdout, *force, filepath.Join(*root, "content", content.SigningFile),
			filepath.Join(*root, "build", "dev-only-keys", "signing.key.pem"), signingAddress,
			x509.KeyUsageDigitalSignature, "the portal's development signing certificate")
	}
	ids := fl.Args()
	if len(ids) == 0 {
		ids = demoOffices
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		inbox, err := placeholderInbox(filepath.Join(*root, "content", "offices", id+".yaml"))
		if err != nil {
			return err
		}
		certFile := filepath.Join(*root, "content", "offices", "certs", id+".pem")
		keyFile := filepath.Join(*root, "build", "dev-only-keys", id+".key.pem")
		if err := write(stdout, *force, certFile, keyFile, inbox, x509.KeyUsageKeyEncipherment|x509.KeyUsageDigitalSignature,
			id+"; its yaml needs: certificates: [certs/"+id+".pem]"); err != nil {
			return err
		}
	}
	return nil
}

// write makes a certificate for addr and writes it and its key.
func write(stdout io.Writer, force bool, certFile, keyFile, addr string, usage x509.KeyUsage, what string) error {
	if !force {
		for _, f := range []string{certFile, keyFile} {
			if _, err := os.Stat(f); err == nil {
				return fmt.Errorf("%s exists; use -force to replace the demo certificates and keys", f)
			}
		}
	}
	certPEM, keyPEM, err := generate(addr, usage, time.Now())
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{certFile, certPEM}, {keyFile, keyPEM}} {
		if err := os.MkdirAll(filepath.Dir(f.name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f.name, f.data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s and %s (%s): %s\n", certFile, keyFile, addr, what)
	return nil
}

// placeholderInbox reads an office's inbox, and refuses a real address.
func placeholderInbox(file string) (string, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var office struct {
		Intake struct {
			Inbox string `yaml:"inbox"`
		} `yaml:"intake"`
	}
	if err := yaml.Unmarshal(src, &office); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	inbox := office.Intake.Inbox
	if !strings.HasSuffix(inbox, "@familjeratt.example") {
		return "", fmt.Errorf("%s: inbox %q is not a placeholder under familjeratt.example: development keys are for demo offices only", file, inbox)
	}
	return inbox, nil
}

// generate makes a self-signed S/MIME certificate for inbox: RSA 2048,
// for e-mail protection and the key usage given, as Outlook expects.
func generate(inbox string, usage x509.KeyUsage, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	notBefore := now.Add(-time.Hour).UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			CommonName:   inbox,
			Organization: []string{DevMarker + ": demo of familjeratt.example, key is public"},
		},
		EmailAddresses:        []string{inbox},
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(validity),
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	if len(der) == 0 || len(pkcs8) == 0 {
		return nil, nil, errors.New("empty certificate or key")
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), nil
}
