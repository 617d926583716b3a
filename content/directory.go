package content

import (
	"bufio"
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Municipality is one of Sweden's 290 kommuner.
type Municipality struct {
	Code   string // kommunkod: four digits, from SCB
	Name   string
	County string
}

// Office is a family-law office (familjerätten): the part of a
// municipality's social services that holds cooperation talks. One office
// may serve several municipalities. Each office has a file
// offices/<id>.yaml, where <id> is made of a–z, 0–9 and hyphens; the id
// appears in the office page's address and names its inbox folder.
//
//	name:                       # required, in both languages
//	  sv: Familjesupporten i Torsås
//	  en: Family Support, Torsås
//	municipalities: ["0834"]    # required: the kommunkoder it serves, in quotes
//	contact:                    # give at least one of phone, email, website
//	  phone: 010-35 33 100
//	  email: familjesupporten@torsas.se
//	  website: https://www.torsas.se/
//	  postal_address: |         # optional, one line per address line
//	    Box 503
//	    385 25 Torsås
//	  visiting_address: Storgatan 1, Torsås
//	  opening_hours: {sv: Vardagar 8–16, en: Weekdays 8 am–4 pm}
//	promises:                   # what happens after an application, and when
//	  - sv: Ni får en tid för ett första samtal inom två veckor.
//	    en: You get a time for a first talk within two weeks.
//	notes:                      # other local facts parents should know
//	  - {sv: …, en: …}
//	partners:                   # other help nearby
//	  - name: {sv: Familjerådgivning i Karlskrona, en: Family counselling in Karlskrona}
//	    about: {sv: …, en: …}   # optional
//	    phone: 0763-44 55 62    # optional, like email and website
//	practice: …                 # how the office runs its talks: see [Practice]
//	privacy: …                  # controller, DPO, retention: see [Privacy]
//	sources:                    # where the facts in this file come from
//	  - title: Vad är samarbetssamtal? Folder från Familjesupporten, Torsås kommun
//	intake:                     # where applications go (read by the intake function)
//	  inbox: torsas@familjeratt.example
//	  certificates: [certs/torsas.pem]
//	  remind_after_days: 2      # working days before a reminder (optional)
//	  escalate_to: chef@torsas.se   # told when still not acknowledged after that (optional)
//	units:                      # other units that receive forms (optional): see [UnitKind]
//	  umgangesstod:             # the supervised-contact unit: visit reports
//	    name: {sv: Umgängesstödet i Torsås, en: Torsås Supervised Contact}
//	    inbox: umgangesstod-torsas@familjeratt.example
//	    certificates: [certs/torsas-umgangesstod.pem]
//	  vald:                     # the coordinator for violence in close relationships
//	    inbox: …
//	    certificates: […]
//
// The intake keys are described on [Intake].
type Office struct {
	ID             string    `yaml:"-"`
	Name           Text      `yaml:"name" validate:"required"`
	Municipalities []string  `yaml:"municipalities" validate:"required,min=1,unique,dive,kommunkod"`
	Contact        Contact   `yaml:"contact" validate:"required"`
	Promises       []Text    `yaml:"promises" validate:"dive"`
	Notes          []Text    `yaml:"notes" validate:"dive"`
	Partners       []Partner `yaml:"partners" validate:"dive"`
	Practice       Practice  `yaml:"practice"`
	Privacy        Privacy   `yaml:"privacy"`
	Sources        []Source  `yaml:"sources" validate:"dive"`
	Intake         Intake    `yaml:"intake" validate:"required"`
	// Units are the office's other receiving units, each with its own
	// inbox and certificates: see [UnitKind].
	Units Units `yaml:"units"`

	File  string         `yaml:"-"` // where the office was read from, for problems
	lines map[string]int // line of each municipality entry, by code
}

// Contact is how parents reach an office. It is published on the office's
// page, in the footer of its pages and on the confirmation after applying.
type Contact struct {
	Phone           string `yaml:"phone" validate:"required_without_all=Email Website,omitempty,servicephone"`
	Email           string `yaml:"email" validate:"omitempty,email,max=254"`
	Website         string `yaml:"website" validate:"omitempty,weburl"`
	PostalAddress   string `yaml:"postal_address" validate:"omitempty,nocontrolml,max=300"`
	VisitingAddress string `yaml:"visiting_address" validate:"omitempty,nocontrolml,max=300"`
	OpeningHours    *Text  `yaml:"opening_hours" validate:"omitempty"`
}

// Partner is other help near an office, such as family counselling.
type Partner struct {
	Name    Text   `yaml:"name" validate:"required"`
	About   *Text  `yaml:"about" validate:"omitempty"`
	Phone   string `yaml:"phone" validate:"omitempty,servicephone"`
	Email   string `yaml:"email" validate:"omitempty,email,max=254"`
	Website string `yaml:"website" validate:"omitempty,weburl"`
}

// Intake is where an office receives applications.
//
//	intake:
//	  inbox: torsas@familjeratt.example
//	  certificates: [certs/torsas.pem, certs/torsas-anna.pem]
//
// or, for an office that has no certificate yet and has read the README's
// section on the risk:
//
//	intake:
//	  inbox: torsas@familjeratt.example
//	  accept_tls_only: true
type Intake struct {
	// Name is the unit's own name, where it is not the office's (the
	// supervised-contact unit, say): the office page shows it beside the
	// forms the unit receives. The family-law intake takes the office's.
	Name *Text `yaml:"name" validate:"omitempty"`
	// Inbox is the mailbox applications are delivered to. Addresses in the
	// repository are placeholders under familjeratt.example; a deployment
	// sets the real ones (see the README).
	Inbox string `yaml:"inbox" validate:"required,email,max=254"`
	// Certificates are files below offices/ holding the PEM-encoded S/MIME
	// certificates applications are encrypted to: the office mailbox's, and
	// those of named staff if they read with their own keys. A file may
	// hold several certificates. Each must be in date, have an RSA key
	// (Outlook and Exchange decrypt by RSA key transport), and, when it
	// limits its uses, allow keyEncipherment and emailProtection. Loading
	// refuses a file that breaks one of these rules, and an office with
	// no certificate unless AcceptTLSOnly is set.
	Certificates []string `yaml:"certificates" validate:"dive,required"`
	// AcceptTLSOnly, set to true, accepts delivery without end-to-end
	// encryption when the office has no certificate. The mail provider can
	// then read the applications; see the README before setting it.
	AcceptTLSOnly bool `yaml:"accept_tls_only"`
	// RemindAfterDays is how many working days after an application was
	// accepted the office is reminded that nobody has acknowledged it
	// (default 2); after as many again, the escalation goes out.
	RemindAfterDays int `yaml:"remind_after_days" validate:"omitempty,min=1,max=20"`
	// EscalateTo is another address at the office or the municipality
	// (a manager's, say) that is told when an application is still not
	// acknowledged after the reminder. The operator's alarm goes off too.
	EscalateTo string `yaml:"escalate_to" validate:"omitempty,email,max=254"`

	// Kind is which unit this is, set on loading.
	Kind UnitKind `yaml:"-"`
	// Certs are the certificates of Certificates, parsed and checked, in
	// the order listed: the unit's forms are encrypted to each.
	Certs     []*x509.Certificate `yaml:"-"`
	certFiles []string            // the file of each of Certs, for problems
}

// DefaultRemindAfterDays is the reminder's delay when an office sets none.
const DefaultRemindAfterDays = 2

// RemindAfter is the office's reminder delay in working days.
func (in Intake) RemindAfter() int {
	if in.RemindAfterDays > 0 {
		return in.RemindAfterDays
	}
	return DefaultRemindAfterDays
}

// Encryption says how applications to the office are protected, for the
// privacy notice on its page: "encrypted" to its own certificates,
// "development" when any certificate is a development one (whose key is
// public, so the notice must not promise that only the office can read),
// or "tls_only".
func (o *Office) Encryption() string { return o.Intake.Encryption() }

// Encryption says how forms to the unit are protected, as
// [Office.Encryption] does for the office's family-law intake.
func (in *Intake) Encryption() string {
	if len(in.Certs) == 0 {
		return "tls_only"
	}
	for _, c := range in.Certs {
		if IsDevelopment(c) {
			return "development"
		}
	}
	return "encrypted"
}

// Serves reports whether the office serves the municipality with code.
func (o *Office) Serves(code string) bool {
	for _, c := range o.Municipalities {
		if c == code {
			return true
		}
	}
	return false
}

// Directory is the table of municipalities and the offices that serve them.
// Routing an application and publishing an office's contact details both
// go through it.
type Directory struct {
	Offices        []*Office      // sorted by id
	Municipalities []Municipality // sorted by name, in Swedish alphabetical order

	byCode   map[string]Municipality
	byID     map[string]*Office
	officeOf map[string]*Office
}

// Municipality returns the municipality with the kommunkod code.
func (d *Directory) Municipality(code string) (Municipality, bool) {
	m, ok := d.byCode[code]
	return m, ok
}

// Office returns the office with id.
func (d *Directory) Office(id string) (*Office, bool) {
	o, ok := d.byID[id]
	return o, ok
}

// OfficeFor returns the office that serves the municipality with code.
// It reports false when no office in this portal serves it.
func (d *Directory) OfficeFor(code string) (*Office, bool) {
	o, ok := d.officeOf[code]
	return o, ok
}

// MunicipalitiesOf returns the municipalities an office serves, by name.
func (d *Directory) MunicipalitiesOf(o *Office) []Municipality {
	var ms []Municipality
	for _, m := range d.Municipalities {
		if o.Serves(m.Code) {
			ms = append(ms, m)
		}
	}
	return ms
}

// Files of the directory in a content tree.
const (
	MunicipalitiesFile = "kommuner.tsv"
	OfficesDir         = "offices"
)

var officeIDRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// LoadDirectory reads kommuner.tsv and every offices/*.yaml, and checks
// them against each other.
func LoadDirectory(fsys fs.FS) (*Directory, error) {
	var probs Problems
	eds := editionsOf(fsys)
	ms, mprobs := loadMunicipalities(fsys)
	probs = append(probs, mprobs...)
	d := &Directory{
		byCode:   make(map[string]Municipality, len(ms)),
		byID:     make(map[string]*Office),
		officeOf: make(map[string]*Office),
	}
	for _, m := range ms {
		d.byCode[m.Code] = m
	}
	d.Municipalities = sortByName(ms)

	names, err := fs.Glob(fsys, OfficesDir+"/*")
	if err != nil {
		return nil, Problems{{File: OfficesDir, Msg: err.Error()}}
	}
	sort.Strings(names)
	type file struct {
		name, id string
		office   *Office
		probs    Problems // the file's own
		certs    Problems // its certificates'
	}
	var files []file
	for _, name := range names {
		if info, err := fs.Stat(fsys, name); err == nil && info.IsDir() {
			continue // certs/ and the like
		}
		base := path.Base(name)
		id, ok := strings.CutSuffix(base, ".yaml")
		if !ok {
			if !strings.HasSuffix(base, ".md") { // a README is welcome
				probs = append(probs, Problem{File: name, Msg: "an office file must end in .yaml"})
			}
			continue
		}
		if !officeIDRE.MatchString(id) {
			probs = append(probs, Problem{File: name, Msg: "an office file's name may use only a–z, 0–9 and hyphens, like torsas.yaml"})
			continue
		}
		files = append(files, file{name: name, id: id})
	}
	// Each file is parsed on its own; what joins them (which office
	// serves a municipality) is decided after, in the files' order.
	inParallel(len(files), func(i int) {
		f := &files[i]
		f.office, f.probs = loadOffice(fsys, f.name, f.id, eds)
		if f.office != nil {
			f.certs = loadCertificates(fsys, f.office)
		}
	})
	for _, f := range files {
		probs = append(probs, f.probs...)
		o := f.office
		if o == nil {
			continue
		}
		for _, code := range o.Municipalities {
			if _, ok := d.byCode[code]; !ok {
				probs = append(probs, Problem{File: f.name, Line: o.lines[code],
					Msg: fmt.Sprintf("kommunkod %q is not in %s", code, MunicipalitiesFile)})
				continue
			}
			if other, ok := d.officeOf[code]; ok {
				msg := fmt.Sprintf("%s (%s) is already served by the office in %s: a municipality has one office",
					d.byCode[code].Name, code, other.File)
				probs = append(probs, Problem{File: f.name, Line: o.lines[code], Msg: msg})
				continue
			}
			d.officeOf[code] = o
		}
		probs = append(probs, f.certs...)
		d.Offices = append(d.Offices, o)
		d.byID[f.id] = o
	}
	if len(d.Offices) == 0 && len(probs) == 0 {
		probs = append(probs, Problem{File: OfficesDir, Msg: "there are no offices: add one file per office"})
	}
	if len(probs) > 0 {
		return nil, probs.Err()
	}
	return d, nil
}

func loadOffice(fsys fs.FS, name, id string, eds Editions) (*Office, Problems) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, Problems{{File: name, Msg: err.Error()}}
	}
	var node yaml.Node
	if err := yaml.Unmarshal(src, &node); err != nil {
		return nil, Problems{yamlErrorProblem(name, 0, err.Error())}
	}
	if len(node.Content) == 0 || node.Content[0].Kind != yaml.MappingNode {
		return nil, Problems{{File: name, Msg: "the file must hold an office's keys: name, municipalities, contact, intake"}}
	}
	o := &Office{ID: id, File: name, lines: make(map[string]int)}
	if probs := decodeNode(name, node.Content[0], o, eds); len(probs) > 0 {
		return nil, probs
	}
	for _, k := range UnitKinds() {
		if u := o.Unit(k); u != nil {
			u.Kind = k
		}
	}
	if msg := checkEnglishName(o.Name["en"]); msg != "" {
		return nil, Problems{{File: name, Line: lineOf(node.Content[0], "name.en"), Msg: msg}}
	}
	for i, code := range o.Municipalities {
		o.lines[code] = lineOf(node.Content[0], fmt.Sprintf("municipalities[%d]", i))
	}
	o.lines["contact"] = lineOf(node.Content[0], "contact")
	o.lines["units"] = lineOf(node.Content[0], "units")
	for _, u := range o.UnitsOf() {
		k := u.Kind.yamlKey()
		for _, p := range []string{k, k + ".inbox", k + ".certificates"} {
			o.lines[p] = lineOf(node.Content[0], p)
		}
		for i := range u.Certificates {
			p := fmt.Sprintf("%s.certificates[%d]", k, i)
			o.lines[p] = lineOf(node.Content[0], p)
		}
	}
	for _, k := range []string{"practice", "privacy", "sources", "promises", "notes",
		"privacy.controller", "privacy.data_protection_officer", "privacy.retention", "practice.follow_up_after_months"} {
		o.lines[k] = lineOf(node.Content[0], k)
	}
	if p := o.Practice; p.FollowUpAfterMonths > 0 && !p.FollowUpTalk {
		return nil, Problems{{File: name, Line: o.lines["practice.follow_up_after_months"], Msg: "practice.follow_up_after_months " +
			"is set but follow_up_talk is not: write follow_up_talk: true if the office offers a follow-up talk, or remove the months"}}
	}
	return o, nil
}

// checkEnglishName says what is wrong with an office's English name. The
// texts put the name where a proper name goes, without an article ("Your
// application has reached {office}"), so a description such as "Family
// Law Office in Malmö" reads as broken English there.
func checkEnglishName(en string) string {
	lower := strings.ToLower(en)
	for _, p := range []string{"the ", "family law office in ", "family-law office in ", "family law office of "} {
		if strings.HasPrefix(lower, p) {
			return fmt.Sprintf("name.en %q: write the name as a proper name, with the place first and no \"the\": "+
				"\"Malmö Family Law Office\"; the texts put it after words such as \"has reached\"", en)
		}
	}
	return ""
}

func loadMunicipalities(fsys fs.FS) ([]Municipality, Problems) {
	const file = MunicipalitiesFile
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, Problems{{File: file, Msg: "cannot read the municipalities: " + err.Error()}}
	}
	var (
		ms     []Municipality
		probs  Problems
		seen   = make(map[string]int)
		header = false
	)
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if !header {
			header = true
			if len(cols) == 3 && cols[0] == "code" && cols[1] == "name" && cols[2] == "county" {
				continue
			}
			probs = append(probs, Problem{File: file, Line: n, Msg: "the first line must be the header: code, name, county, separated by tabs"})
			continue
		}
		if len(cols) != 3 {
			probs = append(probs, Problem{File: file, Line: n, Msg: fmt.Sprintf("want 3 columns separated by tabs, found %d", len(cols))})
			continue
		}
		m := Municipality{Code: cols[0], Name: strings.TrimSpace(cols[1]), County: strings.TrimSpace(cols[2])}
		switch {
		case !IsKommunkod(m.Code):
			probs = append(probs, Problem{File: file, Line: n, Msg: fmt.Sprintf("%q is not a kommunkod: four digits", m.Code)})
		case seen[m.Code] > 0:
			probs = append(probs, Problem{File: file, Line: n, Msg: fmt.Sprintf("kommunkod %s is also on line %d", m.Code, seen[m.Code])})
		case m.Name == "" || m.County == "":
			probs = append(probs, Problem{File: file, Line: n, Msg: "the name and county must not be empty"})
		default:
			seen[m.Code] = n
			ms = append(ms, m)
		}
	}
	return ms, probs
}

// sortByName sorts municipalities as a Swedish reader expects: Å, Ä and Ö
// come after Z.
func sortByName(ms []Municipality) []Municipality {
	out := append([]Municipality(nil), ms...)
	c := collate.New(language.Swedish)
	sort.SliceStable(out, func(i, j int) bool { return c.CompareString(out[i].Name, out[j].Name) < 0 })
	return out
}

// TLSOnlyREADME names the README section that explains what accepting
// TLS-only delivery means, for the problem that asks an office to choose.
const TLSOnlyREADME = `README.md, section "TLS-only delivery: the risk"`

// loadCertificates parses and checks the certificate files of each of
// an office's units into its Certs. A problem inside a file points at
// the line of its PEM block, so the editor sees which certificate of
// several is wrong.
func loadCertificates(fsys fs.FS, o *Office) Problems {
	var probs Problems
	for _, u := range o.UnitsOf() {
		probs = append(probs, loadUnitCertificates(fsys, o, u)...)
	}
	return probs
}

func loadUnitCertificates(fsys fs.FS, o *Office, u *Intake) Problems {
	var probs Problems
	key := u.Kind.yamlKey()
	if len(u.Certificates) == 0 {
		if !u.AcceptTLSOnly {
			// The same words for a unit as for the office, so the guide's
			// example serves both.
			what, to, cert := "applications", "the office", o.ID
			if u.Kind != FamilyLaw {
				what, to, cert = "its forms", "the unit", o.ID+"-"+string(u.Kind)
			}
			probs = append(probs, Problem{File: o.File, Line: o.lines[key], Msg: key + " has no certificates, so " + what + " " +
				"could not be encrypted to " + to + ": add its S/MIME certificate (certificates: [certs/" + cert + ".pem]), " +
				"or, only if " + to + " accepts that its mail provider can read " + what + ", write accept_tls_only: true " +
				"after reading " + TLSOnlyREADME})
		}
		return probs
	}
	for i, c := range u.Certificates {
		line := o.lines[fmt.Sprintf("%s.certificates[%d]", key, i)]
		if line == 0 {
			line = o.lines[key+".certificates"]
		}
		file := path.Join(OfficesDir, c)
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			probs = append(probs, Problem{File: o.File, Line: line,
				Msg: fmt.Sprintf("certificate file %s not found in %s/", c, OfficesDir)})
			continue
		}
		certs, cprobs := parseCertificates(file, src, unusable)
		probs = append(probs, cprobs...)
		for _, cert := range certs {
			u.Certs = append(u.Certs, cert)
			u.certFiles = append(u.certFiles, file)
		}
	}
	return probs
}

// parseCertificates reads every CERTIFICATE block of a PEM file and
// checks each with unusable, which says why it cannot serve, or "".
func parseCertificates(file string, src []byte, unusable func(*x509.Certificate) string) ([]*x509.Certificate, Problems) {
	var (
		certs []*x509.Certificate
		probs Problems
		rest  = src
	)
	for {
		block, next := pem.Decode(rest)
		if block == nil {
			break
		}
		// The block's line: count the lines before its BEGIN, which is
		// where the block begins in what was left.
		begin := bytes.Index(rest, []byte("-----BEGIN"))
		line := 1 + bytes.Count(src[:len(src)-len(rest)+max(begin, 0)], []byte("\n"))
		rest = next
		switch {
		case strings.Contains(block.Type, "PRIVATE KEY"):
			probs = append(probs, Problem{File: file, Line: line, Msg: "this is a PRIVATE KEY: delete it from the repository now, and " +
				"have the office's IT department replace the key, since it must be treated as known; only the public certificate belongs here"})
			continue
		case block.Type != "CERTIFICATE":
			probs = append(probs, Problem{File: file, Line: line, Msg: fmt.Sprintf("a %q block is not a certificate: "+
				"give only blocks from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----", block.Type)})
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			probs = append(probs, Problem{File: file, Line: line, Msg: "not a readable certificate (" + err.Error() + "): " +
				"export it again from the office's certificate, as PEM"})
			continue
		}
		if msg := unusable(cert); msg != "" {
			probs = append(probs, Problem{File: file, Line: line, Msg: msg})
			continue
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 && len(probs) == 0 {
		if i := bytes.Index(src, []byte("-----BEGIN")); i >= 0 {
			line := 1 + bytes.Count(src[:i], []byte("\n"))
			return nil, Problems{{File: file, Line: line, Msg: "this PEM block cannot be read: a line is damaged or the -----END " +
				"line is missing; copy the certificate again, whole"}}
		}
		probs = append(probs, Problem{File: file, Line: 1, Msg: "no PEM certificate found: the file must hold one or more blocks " +
			"from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----; " +
			"a binary .cer file converts with openssl x509 -inform der -in office.cer -out office.pem"})
	}
	return certs, probs
}

// certName names a certificate for messages: its address, or its subject.
func certName(cert *x509.Certificate) string {
	if len(cert.EmailAddresses) > 0 {
		return cert.EmailAddresses[0]
	}
	return cert.Subject.String()
}

// Expired reports the offices' certificates that are no longer valid on
// day now. The site build refuses them, so a deployment never starts with
// one; loading the content does not, because a running function must not
// stop for every office when one office's certificate runs out (mail
// encrypted to it can still be read with the mailbox's key).
func (d *Directory) Expired(now time.Time) Problems {
	var probs Problems
	for _, o := range d.Offices {
		for _, u := range o.UnitsOf() {
			for i, cert := range u.Certs {
				if now.After(cert.NotAfter) {
					probs = append(probs, Problem{File: u.certFiles[i], Msg: fmt.Sprintf(
						"the certificate for %s expired on %s: ask the office for its new certificate",
						certName(cert), cert.NotAfter.Format(time.DateOnly))})
				}
			}
		}
	}
	return probs
}

// DevelopmentMarker is in the organisation of every development
// certificate (build/cmd/devcerts): its private key is public.
const DevelopmentMarker = "DEVELOPMENT ONLY"

// IsDevelopment reports whether cert is a development certificate, whose
// private key anyone can read in the repository.
func IsDevelopment(cert *x509.Certificate) bool {
	for _, org := range cert.Subject.Organization {
		if strings.Contains(org, DevelopmentMarker) {
			return true
		}
	}
	return false
}

// unusable says why mail cannot be encrypted to cert, or "" if it can.
func unusable(cert *x509.Certificate) string {
	who := certName(cert)
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return fmt.Sprintf("the certificate for %s has a %s key: Outlook and Exchange decrypt S/MIME by RSA key transport, "+
			"so ask for a certificate with an RSA key", who, cert.PublicKeyAlgorithm)
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageKeyEncipherment == 0 {
		return fmt.Sprintf("the certificate for %s does not allow keyEncipherment, so mail cannot be encrypted to it: "+
			"it is probably the signing certificate; ask for the encryption certificate", who)
	}
	if !forEmail(cert) {
		return fmt.Sprintf("the certificate for %s is not for e-mail: its extended key usage lacks emailProtection "+
			"(is it a web server's certificate?); ask for the mailbox's S/MIME certificate", who)
	}
	return ""
}

// forEmail reports whether cert's extended key usage, if it has one,
// allows S/MIME.
func forEmail(cert *x509.Certificate) bool {
	if len(cert.ExtKeyUsage) == 0 && len(cert.UnknownExtKeyUsage) == 0 {
		return true
	}
	for _, u := range cert.ExtKeyUsage {
		if u == x509.ExtKeyUsageEmailProtection || u == x509.ExtKeyUsageAny {
			return true
		}
	}
	return false
}
