// Command openinbox prints the local inbox as an office's staff will read
// it: each message's headers and its readable text, decrypted with the
// demo offices' development keys. It is what `make open-inbox` runs.
//
//	go run ./functions/cmd/openinbox [-root .]
//
// It reads INTAKE_INBOX_DIR (default var/inbox), the offices'
// certificates from content/, and the keys from build/dev-only-keys/. It
// uses a key only if its certificate is a development one (made by
// build/cmd/devcerts): it is no tool for real applications.
package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/delivery"
)

// devMarker is in the organisation of every development certificate (see
// build/cmd/devcerts).
const devMarker = "DEVELOPMENT ONLY"

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "openinbox:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	root := fl.String("root", ".", "the repository's root, with content/ and build/dev-only-keys/")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	dir := getenv("INTAKE_INBOX_DIR")
	if dir == "" {
		dir = filepath.Join(*root, "var", "inbox")
	}
	keysDir := filepath.Join(*root, "build", "dev-only-keys")
	fmt.Fprintf(stdout, "WARNING: opening with the DEVELOPMENT keys in %s. Anyone can read them; they are never used in production.\n\n", keysDir)

	contentFS := os.DirFS(filepath.Join(*root, "content"))
	d, err := content.LoadDirectory(contentFS)
	if err != nil {
		return err
	}
	signing, err := content.LoadSigning(contentFS)
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.eml")) // one folder per office and unit
	if err != nil {
		return err
	}
	sort.Strings(files)
	if len(files) == 0 {
		fmt.Fprintf(stdout, "No messages in %s: send an application with `make run`, or `make send-test-application OFFICE=torsas`.\n", dir)
		return nil
	}
	failed := 0
	for _, file := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "==== %s\n", file)
		if err := show(stdout, file, d, signing, keysDir); err != nil {
			fmt.Fprintf(stdout, "NOT OPENED: %v\n", err)
			failed++
		}
		fmt.Fprintln(stdout)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d messages could not be opened", failed, len(files))
	}
	return nil
}

// show prints one message: its outer headers, how it travelled, who
// signed it, and its readable text. A message the portal's certificate
// did not sign is not shown: staff must not trust it either.
func show(w io.Writer, file string, d *content.Directory, signing *x509.Certificate, keysDir string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return err
	}
	dec := new(mime.WordDecoder)
	for _, k := range []string{"From", "To", "Subject", "Date", "Message-ID"} {
		v, err := dec.DecodeHeader(msg.Header.Get(k))
		if err != nil {
			v = msg.Header.Get(k)
		}
		fmt.Fprintf(w, "%s: %s\n", k, v)
	}
	inner := data
	if delivery.Sealed(data) {
		// The inbox folder is named after the office, or the office and
		// its unit (content.InboxKey): malmo, malmo.umgangesstod.
		folder := filepath.Base(filepath.Dir(file))
		id, kind, _ := strings.Cut(folder, ".")
		office, ok := d.Office(id)
		if !ok {
			return fmt.Errorf("the folder %s names no office", folder)
		}
		unit := office.Unit(content.UnitKind(kind))
		if kind == "" {
			unit = office.Unit(content.FamilyLaw)
		}
		if unit == nil {
			return fmt.Errorf("the folder %s names a unit office %s does not have", folder, id)
		}
		// A unit has its own key, or shares the office's certificate.
		keyFile := filepath.Join(keysDir, folder+".key.pem")
		if _, err := os.Stat(keyFile); err != nil {
			keyFile = filepath.Join(keysDir, id+".key.pem")
		}
		cert, key, err := devKey(office, unit, keyFile)
		if err != nil {
			return err
		}
		if inner, err = delivery.Unseal(data, cert, key); err != nil {
			return fmt.Errorf("decrypting with %s: %w", keyFile, err)
		}
		fmt.Fprintf(w, "Encrypted: S/MIME, opened with %s\n", keyFile)
	} else {
		fmt.Fprintln(w, "NOT ENCRYPTED: this office accepts TLS-only delivery; its mail provider can read this")
	}
	signed, err := delivery.Verify(inner, signing)
	if err != nil {
		return fmt.Errorf("the signature: %w", err)
	}
	fmt.Fprintf(w, "Signed: by the portal's certificate %s, verified\n", signing.Subject.CommonName)
	parts, err := delivery.Parts(signed)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s", parts["text/plain"])
	return nil
}

// devKey reads an office's development key and finds its certificate
// among the office's. It refuses a key whose certificate is not marked
// as a development one.
func devKey(office *content.Office, unit *content.Intake, keyFile string) (*x509.Certificate, crypto.PrivateKey, error) {
	src, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("no development key for office %s: %w", office.ID, err)
	}
	block, _ := pem.Decode(src)
	if block == nil {
		return nil, nil, fmt.Errorf("%s is not a PEM key", keyFile)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("%s: not a private key this tool can use", keyFile)
	}
	for _, c := range unit.Certs {
		pub, ok := c.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
		if !ok || !pub.Equal(signer.Public()) {
			continue
		}
		if !strings.Contains(strings.Join(c.Subject.Organization, " "), devMarker) {
			return nil, nil, errors.New(keyFile + " belongs to a certificate that is not a development one: open-inbox reads only the demo offices' mail")
		}
		return c, key, nil
	}
	return nil, nil, fmt.Errorf("%s matches none of office %s's certificates", keyFile, office.ID)
}
