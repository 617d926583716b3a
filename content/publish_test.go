package content

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"io/fs"
	"maps"
	"strconv"
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
		return strings.Replace(withoutPrivacy(src), "base_url: https://familjeratt.example", "base_url: "+baseURL, 1) + completePortalPrivacy
	}
	// complete is an office with everything publication needs: a real
	// certificate, phone, its privacy facts and its sources.
	complete := officeWithCerts("certs/a.pem") + completeOfficePrivacy
	without := func(key string) string {
		var out []string
		skip := false
		for _, line := range strings.SplitAfter(complete, "\n") {
			trimmed := strings.TrimLeft(line, " ")
			indent := len(line) - len(trimmed)
			if strings.HasPrefix(line, key+":") {
				skip = true
				continue
			}
			if skip && indent > 0 {
				continue
			}
			skip = false
			out = append(out, line)
		}
		return strings.Join(out, "")
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
		{"complete", "https://familjeratt.kommun.se", complete, real, signing(real), true, nil},
		{"demo address", "https://familjeratt.example", complete, real, signing(real), true,
			[]string{"site.yaml:21: base_url https://familjeratt.example is the demo address"}},
		{"no real inbox", "https://familjeratt.kommun.se", complete, real, signing(real), false,
			[]string{"offices/testby.yaml:8: the deployment gives this office no real inbox, so applications to it would go to the placeholder testby@familjeratt.example"}},
		{"website only", "https://familjeratt.kommun.se",
			strings.Replace(complete, "  phone: 08-123 456 78\n", "  website: https://testby.se/\n", 1), real, signing(real), true,
			[]string{"offices/testby.yaml:5: contact has neither phone nor email"}},
		{"development certificate", "https://familjeratt.kommun.se", complete, dev, signing(real), true,
			[]string{"offices/testby.yaml:10: offices/certs/a.pem is a development certificate"}},
		{"no controller", "https://familjeratt.kommun.se", strings.Replace(complete, "  controller:", "  owner:", 1), real, signing(real), true,
			nil}, // an unknown key: Load refuses it, see below
		{"no data protection officer", "https://familjeratt.kommun.se", strings.Replace(complete, "  data_protection_officer: {email: dpo@testby.se}\n", "", 1), real, signing(real), true,
			[]string{"offices/testby.yaml:11: privacy.data_protection_officer is missing"}},
		{"no retention", "https://familjeratt.kommun.se", strings.Replace(complete, "  retention: {sv: Två år., en: Two years.}\n", "", 1), real, signing(real), true,
			[]string{"offices/testby.yaml:11: privacy.retention is missing"}},
		{"no privacy at all", "https://familjeratt.kommun.se", without("privacy"), real, signing(real), true,
			[]string{"offices/testby.yaml:1: privacy.controller is missing", "offices/testby.yaml:1: privacy.data_protection_officer is missing",
				"offices/testby.yaml:1: privacy.retention is missing"}},
		{"practice without sources", "https://familjeratt.kommun.se", without("sources") + "practice: {first_talk: everyone}\n", real, signing(real), true,
			[]string{"offices/testby.yaml:1: the file states the office's practice but has no sources"}},
		{"demo domain on a page", "https://familjeratt.kommun.se", complete, real, signing(real), true,
			[]string{"sv/tillganglighet.md:{last}: the page names the demo domain familjeratt.example"}},
		{"development signing certificate", "https://familjeratt.kommun.se", complete, real, signing(dev), true,
			[]string{"signing.pem:1: the portal's signing certificate is the development one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := publishedPages(t)
			files[SettingsFile] = settings(t, tt.baseURL)
			files["offices/testby.yaml"] = tt.office
			files["offices/certs/a.pem"] = testCert(t, tt.cert)
			files[SigningFile] = testCert(t, tt.signing)
			if tt.name == "demo domain on a page" {
				files["sv/tillganglighet.md"] += "\nSkriv till oss på info@familjeratt.example.\n"
			}
			fsys := tree(t, files)
			d, err := Load(fsys)
			if tt.name == "no controller" {
				if err == nil || !strings.Contains(err.Error(), `unknown key "privacy.owner"`) {
					t.Fatalf("Load: got %v, want the unknown key named", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := PublishProblems(fsys, d, func(string) bool { return tt.live })
			if len(got) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(got), len(tt.want), got)
			}
			last := strconv.Itoa(strings.Count(files["sv/tillganglighet.md"], "\n"))
			for i, w := range tt.want {
				w = strings.ReplaceAll(w, "{last}", last)
				if !strings.HasPrefix(got[i].String(), w) {
					t.Errorf("got %q\nwant it to start %q", got[i], w)
				}
			}
		})
	}
}

// TestPortalPrivacyProblems: the portal's own controller, DPO, legal
// basis and both kinds of processor are each required.
func TestPortalPrivacyProblems(t *testing.T) {
	src, err := readCommitted(SettingsFile)
	if err != nil {
		t.Fatal(err)
	}
	src = strings.Replace(withoutPrivacy(src), "base_url: https://familjeratt.example", "base_url: https://familjeratt.kommun.se", 1)
	tests := []struct {
		name, privacy string
		want          []string
	}{
		{"complete", completePortalPrivacy, nil},
		{"none", "", []string{"privacy.controller is missing", "privacy.data_protection_officer is missing",
			"privacy.legal_basis is missing", "privacy.processors names no hosting provider", "privacy.processors names no mail provider"}},
		{"no mail relay", strings.Replace(completePortalPrivacy, "role: mail", "role: hosting", 1),
			[]string{"site.yaml:{processors}: privacy.processors names no mail provider"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := publishedPages(t)
			maps.Copy(files, map[string]string{
				SettingsFile:          src + tt.privacy,
				"offices/testby.yaml": officeWithCerts("certs/a.pem") + completeOfficePrivacy,
				"offices/certs/a.pem": testCert(t, func(*x509.Certificate) {}),
				SigningFile: testCert(t, func(c *x509.Certificate) {
					c.Subject, c.EmailAddresses = pkix.Name{CommonName: "portal@kommun.se"}, []string{"portal@kommun.se"}
				}),
			})
			fsys := tree(t, files)
			d, err := Load(fsys)
			if err != nil {
				t.Fatal(err)
			}
			got := PublishProblems(fsys, d, func(string) bool { return true })
			if len(got) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(got), len(tt.want), got)
			}
			// The line of "  processors:" in the file as given.
			line := 1 + strings.Count((src + tt.privacy)[:max(0, strings.Index(src+tt.privacy, "  processors:"))], "\n")
			for i, w := range tt.want {
				w = strings.ReplaceAll(w, "{processors}", strconv.Itoa(line))
				if !strings.Contains(got[i].String(), w) {
					t.Errorf("got %q\nwant it to contain %q", got[i], w)
				}
			}
		})
	}
}

// publishedPages are the committed pages that name the demo domain, with
// a real one instead, as a municipality publishes them.
func publishedPages(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(committed, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".md") {
			return err
		}
		src, err := fs.ReadFile(committed, name)
		if strings.Contains(string(src), PlaceholderDomain) {
			files[name] = strings.ReplaceAll(string(src), PlaceholderDomain, "familjeratt.kommun.se")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// withoutPrivacy cuts the committed settings' privacy block, which comes
// last, so that a test can give its own.
func withoutPrivacy(src string) string {
	if i := strings.Index(src, "\nprivacy:"); i >= 0 {
		return src[:i+1]
	}
	return src
}

// completePortalPrivacy is site.yaml's privacy block as a deployment
// fills it in.
const completePortalPrivacy = `
privacy:
  controller:
    name: {sv: Kommunstyrelsen i Testby, en: Testby municipal executive board}
    email: kommun@testby.se
  data_protection_officer: {email: dpo@testby.se}
  legal_basis: {sv: Allmänt intresse., en: Public interest.}
  processors:
    - name: Värdföretaget AB
      role: hosting
      about: {sv: Driver webbplatsen., en: Runs the site.}
    - name: Postföretaget AB
      role: mail
      about: {sv: Skickar e-posten., en: Sends the mail.}
`

// completeOfficePrivacy completes a test office for publication.
const completeOfficePrivacy = `privacy:
  controller:
    name: {sv: Socialnämnden i Testby, en: Testby social welfare board}
    phone: 08-123 456 00
  data_protection_officer: {email: dpo@testby.se}
  retention: {sv: Två år., en: Two years.}
sources:
  - title: Testbys rutin för samarbetssamtal
`

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
