package content

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"io/fs"
	"strings"
	"testing"
)

// TestPublishProblems: a complete office passes; each thing missing for
// publication is named with its file and line.
func TestPublishProblems(t *testing.T) {
	real := func(c *x509.Certificate) {}
	dev := func(c *x509.Certificate) { c.Subject.Organization = []string{DevelopmentMarker} }
	signing := func(change func(*x509.Certificate)) func(*x509.Certificate) {
		return func(c *x509.Certificate) {
			c.Subject = pkix.Name{CommonName: "portal@kommun.se"}
			c.EmailAddresses = []string{"portal@kommun.se"}
			change(c)
		}
	}
	settings := func(t *testing.T, baseURL string) string {
		src, err := readCommitted(SettingsFile)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Replace(src, "base_url: https://familjeratt.example", "base_url: "+baseURL, 1)
	}
	tests := []struct {
		name    string
		baseURL string
		office  string // testby's file; its certificate is certs/a.pem
		cert    func(*x509.Certificate)
		signing func(*x509.Certificate)
		live    bool
		want    []string
	}{
		{"complete", "https://familjeratt.kommun.se", officeWithCerts("certs/a.pem"), real, signing(real), true, nil},
		{"demo address", "https://familjeratt.example", officeWithCerts("certs/a.pem"), real, signing(real), true,
			[]string{"site.yaml:5: base_url https://familjeratt.example is the demo address"}},
		{"no real inbox", "https://familjeratt.kommun.se", officeWithCerts("certs/a.pem"), real, signing(real), false,
			[]string{"offices/testby.yaml:8: the deployment gives this office no real inbox, so applications to it would go to the placeholder testby@familjeratt.example"}},
		{"website only", "https://familjeratt.kommun.se",
			strings.Replace(officeWithCerts("certs/a.pem"), "  phone: 08-123 456 78\n", "  website: https://testby.se/\n", 1), real, signing(real), true,
			[]string{"offices/testby.yaml:5: contact has neither phone nor email"}},
		{"development certificate", "https://familjeratt.kommun.se", officeWithCerts("certs/a.pem"), dev, signing(real), true,
			[]string{"offices/testby.yaml:10: offices/certs/a.pem is a development certificate"}},
		{"development signing certificate", "https://familjeratt.kommun.se", officeWithCerts("certs/a.pem"), real, signing(dev), true,
			[]string{"signing.pem:1: the portal's signing certificate is the development one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tree(t, map[string]string{
				SettingsFile:          settings(t, tt.baseURL),
				"offices/testby.yaml": tt.office,
				"offices/certs/a.pem": testCert(t, tt.cert),
				SigningFile:           testCert(t, tt.signing),
			})
			d, err := Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			got := PublishProblems(fsys, d, func(string) bool { return tt.live })
			if len(got) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i].String(), w) {
					t.Errorf("got %q\nwant it to start %q", got[i], w)
				}
			}
		})
	}
}

// TestCommittedIsNotPublishable: the demo content, as committed, must
// never pass the publication check: every office is named for its
// placeholder inbox when the deployment gives none.
func TestCommittedIsNotPublishable(t *testing.T) {
	d, err := Load(committed)
	if err != nil {
		t.Fatal(err)
	}
	got := PublishProblems(committed, d, func(string) bool { return false }).Error()
	for _, o := range d.Directory.Offices {
		if !strings.Contains(got, o.File+":") || !strings.Contains(got, o.Intake.Inbox) {
			t.Errorf("%s is not named for its placeholder inbox:\n%s", o.File, got)
		}
	}
}

func readCommitted(name string) (string, error) {
	b, err := fs.ReadFile(committed, name)
	return string(b), err
}
