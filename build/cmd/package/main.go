// Command package builds the intake function for AWS Lambda: the bootstrap
// binary for provided.al2023 on arm64, zipped as <out>/bootstrap.zip, the
// CodeUri of build/template.yaml. `make package` runs it.
//
// The build is reproducible: the same source and Go toolchain give the
// same zip, byte for byte, on any machine and in any folder. The binary
// holds no paths (-trimpath), no VCS stamp (-buildvcs=false) and no build
// id; the zip holds one entry with a fixed time and mode.
package main

import (
	"archive/zip"
	"compress/flate"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/function"
)

// Bootstrap is the function's package: Lambda's custom runtimes run the
// executable named "bootstrap".
const Bootstrap = "familjeratt.example/portal/functions/cmd/bootstrap"

// ZipName is the file the template's CodeUri names, below -out.
const ZipName = "bootstrap.zip"

// zipTime is every entry's modification time: fixed, so that the bytes do
// not depend on when the build ran. 1980-01-01 is the earliest time the
// zip format's MS-DOS fields can hold.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "package:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("package", flag.ContinueOnError)
	out := fs.String("out", "build/out", "the folder for "+ZipName)
	inboxes := fs.String("inboxes", getenv("OFFICE_INBOXES"), "the deployment's OfficeInboxes (INTAKE_INBOXES): check the package against them")
	deploy := fs.Bool("deploy", false, "for a deployment: -inboxes is required, and the check must pass")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	// The content is inside the package: check it against the deployment
	// first, as the function will at its start, and refuse what it would
	// refuse, before anything is built or deployed.
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		return err
	}
	switch {
	case *inboxes != "":
		live, err := function.CheckDeployment(data, *inboxes)
		if err != nil {
			return fmt.Errorf("the function would refuse to start with this deployment: %w", err)
		}
		var ids []string
		for _, o := range live {
			ids = append(ids, o.ID)
		}
		fmt.Fprintf(stdout, "checked against OFFICE_INBOXES: %d of %d offices live (%s)\n", len(live), len(data.Directory.Offices), strings.Join(ids, ", "))
	case *deploy:
		return errors.New("OFFICE_INBOXES is not set: give the deployment's office inboxes (make deploy OFFICE_INBOXES=malmo=familjeratt@malmo.se,…), so the package is checked against them")
	default:
		fmt.Fprintln(stdout, "not checked against a deployment: give OFFICE_INBOXES=… to check it (make deploy requires it)")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(*out, ".package-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	bin := filepath.Join(tmp, "bootstrap")
	if err := build(ctx, getenv, bin); err != nil {
		return err
	}
	dst := filepath.Join(*out, ZipName)
	if err := writeZip(dst, bin, tmp); err != nil {
		return err
	}
	info, err := os.Stat(dst)
	if err != nil {
		return err
	}
	sum, err := fileSHA256(dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s  %.2f MB  sha256 %x\n", dst, float64(info.Size())/1e6, sum)

	for _, w := range certificateWarnings(data.Directory.Offices, time.Now()) {
		fmt.Fprintln(stdout, "warning:", w)
	}
	return nil
}

// renewWithin is how early a certificate's end is announced: from that
// day the site's build refuses the certificate, so nothing can be
// deployed until it is replaced, and the function goes on encrypting to
// it (the office's old key still opens such mail). Two months leave time
// for an office's IT department to issue a new one and for a deployment.
const renewWithin = 60 * 24 * time.Hour

// certificateWarnings names offices whose certificates are not fit for
// production: development certificates, whose private keys are public in
// build/dev-only-keys, and certificates near their end. It warns: what
// it must refuse, the check against the deployment's inboxes refuses.
func certificateWarnings(offices []*content.Office, now time.Time) []string {
	var out []string
	for _, o := range offices {
		for _, u := range o.UnitsOf() {
			// The office's own words as before; a unit is named after it.
			who := "office " + o.ID
			if u.Kind != content.FamilyLaw {
				who += " (" + u.Kind.String() + ")"
			}
			for _, c := range u.Certs {
				addr := c.Subject.CommonName
				if len(c.EmailAddresses) > 0 {
					addr = c.EmailAddresses[0]
				}
				if content.IsDevelopment(c) {
					out = append(out, fmt.Sprintf("%s: the certificate for %s is a development certificate whose private key "+
						"is public (build/dev-only-keys); the function refuses to deliver to the office with it", who, addr))
				}
				if left := c.NotAfter.Sub(now); left < renewWithin {
					out = append(out, fmt.Sprintf("%s: the certificate for %s ends on %s; after that the site does not build "+
						"and nothing can be deployed: get the office's new certificate and deploy it before then", who, addr, c.NotAfter.Format(time.DateOnly)))
				}
			}
			if len(u.Certs) == 0 && u.AcceptTLSOnly {
				out = append(out, fmt.Sprintf("%s: accept_tls_only, no certificate: its mail provider can read its applications", who))
			}
		}
	}
	return out
}

// build compiles the function for Lambda into bin. The environment is the
// caller's (for the Go cache, module cache and proxy) with everything that
// shapes the binary set explicitly.
func build(ctx context.Context, getenv func(string) string, bin string) error {
	goTool := getenv("GO")
	if goTool == "" {
		goTool = "go"
	}
	cmd := exec.CommandContext(ctx, goTool, "build",
		"-trimpath",                // no file-system paths of this machine in the binary
		"-buildvcs=false",          // no commit or dirty flag: the source decides, not the checkout
		"-tags=lambda.norpc",       // the Runtime API only, not the legacy Go1.x RPC mode
		"-ldflags=-s -w -buildid=", // no symbol table or DWARF (size), no build ID: only the code
		"-o", bin, Bootstrap)
	cmd.Env = append(os.Environ(),
		"GOOS=linux",
		"GOARCH=arm64",
		"GOARM64=v8.0",          // the default, stated so a developer's setting cannot change the code
		"CGO_ENABLED=0",         // static: provided.al2023 guarantees no particular C library
		"GOFLAGS=-mod=readonly", // replaces any GOFLAGS of the caller's (-race, -cover…)
	)
	var stderr strings.Builder
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, stderr.String())
	}
	return nil
}

// writeZip writes the archive Lambda expects: one entry, "bootstrap",
// executable. It is written to a temporary file in tmp and renamed, so an
// interrupted build never leaves a half-written zip for `sam deploy`.
func writeZip(dst, bin, tmp string) (err error) {
	f, err := os.CreateTemp(tmp, "zip-")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(f.Name(), 0o644) // CreateTemp's 0600 would keep it from others who deploy
		}
		if err == nil {
			err = os.Rename(f.Name(), dst)
		}
	}()
	zw := zip.NewWriter(f)
	// Best compression: it costs a second once per build, and a smaller
	// package is a faster cold start and a cheaper upload.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	hdr := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate, Modified: zipTime}
	hdr.SetMode(0o755) // also marks the entry as made on Unix, so Lambda keeps the mode
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	in, err := os.Open(bin)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := io.Copy(w, in); err != nil {
		return err
	}
	return zw.Close()
}

func fileSHA256(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
