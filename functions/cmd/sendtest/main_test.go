package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"familjeratt.example/portal/functions/delivery"
	"familjeratt.example/portal/functions/function"
	"familjeratt.example/portal/functions/intake"
)

// devKey is the development signing key, from this folder.
const devKey = "../../../build/dev-only-keys/signing.key.pem"

// office is what a test needs of an office.
type office struct {
	id, inbox string
	certs     int
}

// offices are the offices the function has, from the content built into
// it (loaded through the function, as the command loads them).
func offices(t *testing.T) []office {
	t.Helper()
	fn, err := function.New(func(k string) string {
		return map[string]string{"INTAKE_INBOX_DIR": t.TempDir(), "INTAKE_SIGNING_KEY_FILE": devKey}[k]
	}, function.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []office
	for _, o := range fn.Data.Directory.Offices {
		out = append(out, office{o.ID, o.Intake.Inbox, len(o.Intake.Certs)})
	}
	return out
}

// anyOffice is an office that encrypts: which one does not matter, so
// none is named.
func anyOffice(t *testing.T) office {
	t.Helper()
	for _, o := range offices(t) {
		if o.certs > 0 {
			return o
		}
	}
	t.Fatal("no office has a certificate")
	return office{}
}

func TestSendToLocalInbox(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"INTAKE_INBOX_DIR": dir, "INTAKE_SIGNING_KEY_FILE": devKey}
	var out bytes.Buffer
	o := anyOffice(t)
	if err := run(context.Background(), []string{"sendtest", "-office", o.id}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Reference: ([0-9A-Z]{4}-[0-9A-Z]{4})`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no reference in:\n%s", out.String())
	}
	ref, err := intake.ParseReference(m[1])
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, o.id, ref.String()+".eml")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the message is not where the output says: %v", err)
	}
	if !delivery.Sealed(data) || bytes.Contains(data, []byte("Testsson")) {
		t.Errorf("the test application is not encrypted")
	}
	for _, want := range []string{file, fmt.Sprintf("Encrypted with S/MIME to %d certificate(s)", o.certs), o.inbox} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestSendFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close()
	var ids []string
	for _, o := range offices(t) {
		ids = append(ids, o.id)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		// Every office is offered, as the content has them.
		{"no office", []string{"sendtest", "-office", ""}, nil, "say which office with OFFICE=<id>, one of: " + strings.Join(ids, ", ")},
		{"SMTP server down", []string{"sendtest", "-office", anyOffice(t).id}, map[string]string{"INTAKE_SMTP_ADDR": down}, `not delivered (status 503)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ledgerFile := filepath.Join(t.TempDir(), "ledger.db")
			err := run(context.Background(), tt.args, func(k string) string {
				switch k {
				case "INTAKE_SIGNING_KEY_FILE":
					return devKey
				case "INTAKE_LEDGER_FILE":
					return ledgerFile
				}
				return tt.env[k]
			}, &bytes.Buffer{})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if tt.env != nil && !strings.Contains(err.Error(), `"cause":"connect"`) {
				t.Errorf("the error does not give the cause: %v", err)
			}
		})
	}
}
