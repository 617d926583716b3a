package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"debug/elf"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
)

// TestReproducible builds the package twice, into two folders, and
// compares the bytes; then checks what Lambda needs of the zip. The Go
// build cache is shared, so the second build only links.
func TestReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the function twice")
	}
	var zips [2][]byte
	for i := range zips {
		out := filepath.Join(t.TempDir(), "out")
		var stdout bytes.Buffer
		if err := run(context.Background(), []string{"package", "-out", out}, os.Getenv, &stdout); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stdout.String(), "sha256 ") {
			t.Errorf("output %q: want the zip's checksum", stdout.String())
		}
		data, err := os.ReadFile(filepath.Join(out, ZipName))
		if err != nil {
			t.Fatal(err)
		}
		zips[i] = data
		// Nothing but the zip is left behind.
		if entries, _ := os.ReadDir(out); len(entries) != 1 {
			t.Errorf("%d files in the out folder, want only %s", len(entries), ZipName)
		}
	}
	if !bytes.Equal(zips[0], zips[1]) {
		t.Fatalf("two builds of the same source differ (%d and %d bytes)", len(zips[0]), len(zips[1]))
	}

	zr, err := zip.NewReader(bytes.NewReader(zips[0]), int64(len(zips[0])))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
		t.Fatalf("entries %v, want exactly bootstrap", names(zr.File))
	}
	f := zr.File[0]
	if f.Mode() != 0o755 {
		t.Errorf("mode %v, want -rwxr-xr-x", f.Mode())
	}
	if !f.Modified.Equal(zipTime) {
		t.Errorf("time %v, want the fixed %v", f.Modified, zipTime)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}

	// What Lambda's provided.al2023 on arm64 runs: a static Linux arm64
	// executable.
	ef, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		t.Fatalf("bootstrap is not an ELF executable: %v", err)
	}
	if ef.Machine != elf.EM_AARCH64 || ef.Type != elf.ET_EXEC {
		t.Errorf("machine %v, type %v: want an arm64 executable", ef.Machine, ef.Type)
	}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("dynamically linked: CGO_ENABLED=0 was not applied")
		}
	}
	if ef.Section(".symtab") != nil {
		t.Errorf("a symbol table: -s was not applied")
	}
	// -trimpath: no path of this machine in the binary.
	wd, _ := os.Getwd()
	root := filepath.Dir(filepath.Dir(filepath.Dir(wd))) // build/cmd/package → the module
	if bytes.Contains(bin, []byte(root)) {
		t.Errorf("the binary holds the path %s: -trimpath was not applied", root)
	}
	// -tags lambda.norpc: the legacy RPC mode's server is not linked in.
	if bytes.Contains(bin, []byte("_LAMBDA_SERVER_PORT")) {
		t.Errorf("the binary reads _LAMBDA_SERVER_PORT: built without lambda.norpc")
	}
}

func names(files []*zip.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Name)
	}
	return out
}

func TestCertificateWarnings(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	cert := func(org string, notAfter time.Time) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{Organization: []string{org}, CommonName: "kalmar"},
			EmailAddresses: []string{"familjeratten@kalmar.example"}, NotAfter: notAfter}
	}
	office := func(tlsOnly bool, certs ...*x509.Certificate) *content.Office {
		return &content.Office{ID: "kalmar", Intake: content.Intake{Certs: certs, AcceptTLSOnly: tlsOnly}}
	}
	tests := []struct {
		name   string
		office *content.Office
		want   []string // each a part of one warning, in order
	}{
		{"real, in date", office(false, cert("Kalmar kommun", now.AddDate(2, 0, 0))), nil},
		{"development", office(false, cert("DEVELOPMENT ONLY: demo office", now.AddDate(20, 0, 0))), []string{"development certificate"}},
		// The function keeps encrypting to an expired certificate (see
		// functions/function's tests); what stops is the site's build.
		{"ends in a month", office(false, cert("Kalmar kommun", now.AddDate(0, 1, 0))), []string{"ends on 2026-12-23; after that the site does not build"}},
		{"development, ending", office(false, cert("DEVELOPMENT ONLY", now.AddDate(0, 0, 1))), []string{"development", "ends on 2026-11-24"}},
		{"TLS only", office(true), []string{"accept_tls_only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := certificateWarnings([]*content.Office{tt.office}, now)
			if len(got) != len(tt.want) {
				t.Fatalf("warnings %q, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) || !strings.Contains(got[i], "office kalmar") {
					t.Errorf("warning %q, want one about kalmar saying %q", got[i], w)
				}
				if strings.Contains(got[i], "function does not start") {
					t.Errorf("warning %q: the function does start with an expired certificate", got[i])
				}
			}
		})
	}
}

func TestRunArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"package", "stray"}, "unexpected arguments"},
		{[]string{"package", "-nosuchflag"}, "not defined"},
	}
	for _, tt := range tests {
		err := run(context.Background(), tt.args, os.Getenv, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want an error with %q", tt.args, err, tt.want)
		}
	}
}

// BenchmarkPackage reports the size of the zip Lambda gets (target: 10 MB
// or less; Lambda's limit for a direct upload is 50 MB) and, as time per
// op, how long `make package` takes with a warm build cache.
func BenchmarkPackage(b *testing.B) {
	out := b.TempDir()
	var size int64
	for b.Loop() {
		if err := run(context.Background(), []string{"package", "-out", out}, os.Getenv, io.Discard); err != nil {
			b.Fatal(err)
		}
		info, err := os.Stat(filepath.Join(out, ZipName))
		if err != nil {
			b.Fatal(err)
		}
		size = info.Size()
	}
	b.ReportMetric(float64(size)/1e6, "MB-zip")
	b.ReportMetric(10, "MB-target")
}

// TestRefusesWhatTheFunctionWouldRefuse: given the deployment's inboxes,
// the package is checked as the function checks itself at start, and a
// real inbox for an office with a development certificate fails, before
// anything is built.
func TestRefusesWhatTheFunctionWouldRefuse(t *testing.T) {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	// Any office with a certificate: a development one is refused for a
	// real inbox, and any other one is not for familjeratt@kommun.example.
	// A development one if there is one, whichever office joined last.
	var o *content.Office
	for _, x := range data.Directory.Offices {
		if len(x.Intake.Certs) > 0 && (o == nil || content.IsDevelopment(x.Intake.Certs[0]) && !content.IsDevelopment(o.Intake.Certs[0])) {
			o = x
		}
	}
	if o == nil {
		t.Fatal("no office has a certificate")
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"package", "-inboxes", o.ID + "=familjeratt@kommun.example"}, "the function would refuse to start with this deployment: " + o.File},
		{[]string{"package", "-deploy"}, "OFFICE_INBOXES is not set"},
		{[]string{"package", "-inboxes", "atlantis=a@b.se"}, "no office has the id atlantis"},
	}
	for _, tt := range tests {
		out := t.TempDir()
		err := run(context.Background(), append(tt.args, "-out", out), func(string) string { return "" }, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want %q", tt.args, err, tt.want)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("run(%q) left %d files: a refused package must not be built", tt.args, len(entries))
		}
	}
}
