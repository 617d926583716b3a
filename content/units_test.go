package content

import (
	"strings"
	"testing"
)

// officeWithUnits is validOffice with a units: block after it.
func officeWithUnits(units string) string { return validOffice + "units:\n" + units }

func TestUnits(t *testing.T) {
	good := testCert(t, nil)
	tests := []struct {
		name  string
		units string
		want  []string // problems, each starting a line of the report; none: loads
		// what loads: the inbox of each kind, "" for none, and the
		// number of its certificates
		inboxes map[UnitKind]string
		certs   map[UnitKind]int
	}{
		{"none: the family-law intake only", "",
			nil, map[UnitKind]string{FamilyLaw: "testby@familjeratt.example"}, map[UnitKind]int{FamilyLaw: 0}},
		{"both, each with its own inbox and certificate",
			"  umgangesstod:\n    name: {sv: Umgängesstödet i Testby, en: Testby Supported Contact}\n    inbox: stod@familjeratt.example\n    certificates: [certs/a.pem]\n" +
				"  vald:\n    inbox: vald@familjeratt.example\n    certificates: [certs/a.pem, certs/a.pem]\n",
			nil,
			map[UnitKind]string{FamilyLaw: "testby@familjeratt.example", SupervisedContact: "stod@familjeratt.example", Violence: "vald@familjeratt.example"},
			map[UnitKind]int{FamilyLaw: 0, SupervisedContact: 1, Violence: 2}},
		{"a unit the portal does not know", "  umgangestod:\n    inbox: stod@familjeratt.example\n    accept_tls_only: true\n",
			[]string{`offices/testby.yaml:11: unknown key "units.umgangestod": did you mean "umgangesstod"?`}, nil, nil},
		{"a unit without an inbox", "  vald:\n    certificates: [certs/a.pem]\n",
			[]string{"offices/testby.yaml:11: units.vald.inbox is missing: add it"}, nil, nil},
		{"a unit without a certificate", "  umgangesstod:\n    inbox: stod@familjeratt.example\n",
			[]string{"offices/testby.yaml:11: units.umgangesstod has no certificates, so its forms could not be encrypted to the unit: " +
				"add its S/MIME certificate (certificates: [certs/testby-umgangesstod.pem])"}, nil, nil},
		{"a unit's missing certificate file", "  vald:\n    inbox: vald@familjeratt.example\n    certificates:\n      - certs/a.pem\n      - certs/nope.pem\n",
			[]string{"offices/testby.yaml:15: certificate file certs/nope.pem not found in offices/"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			office := validOffice
			if tt.units != "" {
				office = officeWithUnits(tt.units)
			}
			d, err := LoadDirectory(tree(t, map[string]string{"offices/testby.yaml": office, "offices/certs/a.pem": good}))
			if tt.want != nil {
				assertProblems(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatalf("got problems:\n%v", err)
			}
			o, _ := d.Office("testby")
			for _, k := range UnitKinds() {
				u := o.Unit(k)
				got := ""
				if u != nil {
					got = u.Inbox
					if u.Kind != k {
						t.Errorf("%s: kind %q", k, u.Kind)
					}
					if n := len(u.Certs); n != tt.certs[k] {
						t.Errorf("%s: got %d certificates, want %d", k, n, tt.certs[k])
					}
				}
				if got != tt.inboxes[k] {
					t.Errorf("%s: got inbox %q, want %q", k, got, tt.inboxes[k])
				}
			}
			if got, want := len(o.UnitsOf()), len(tt.inboxes); got != want {
				t.Errorf("UnitsOf: got %d units, want %d", got, want)
			}
		})
	}
}

func TestInboxKey(t *testing.T) {
	tests := []struct {
		office string
		kind   UnitKind
		want   string
	}{
		{"malmo", FamilyLaw, "malmo"},
		{"malmo", "", "malmo"},
		{"malmo", SupervisedContact, "malmo.umgangesstod"},
		{"vasteras-sala", Violence, "vasteras-sala.vald"},
	}
	for _, tt := range tests {
		if got := InboxKey(tt.office, tt.kind); got != tt.want {
			t.Errorf("InboxKey(%q, %q) = %q, want %q", tt.office, tt.kind, got, tt.want)
		}
		if strings.Count(tt.want, ".") > 1 {
			t.Errorf("%q: one dot at most", tt.want)
		}
	}
}

// TestUnitPublishProblems: a unit the deployment gives no real inbox is
// named, at its inbox's line, by its own key.
func TestUnitPublishProblems(t *testing.T) {
	fsys := tree(t, map[string]string{"offices/testby.yaml": officeWithUnits("  vald:\n    inbox: vald@familjeratt.example\n    accept_tls_only: true\n")})
	d, err := LoadDirectory(fsys)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := d.Office("testby")
	got := PublishProblems(fsys, &Data{Directory: d, Settings: &Settings{}}, func(key string) bool { return key == "testby" })
	want := "offices/testby.yaml:12: the deployment gives the unit units.vald no real inbox, so forms to it would go to the placeholder vald@familjeratt.example: " +
		"add testby.vald=<the unit's address>"
	found := false
	for _, p := range got {
		if strings.HasPrefix(p.String(), want) {
			found = true
		}
		if p.File == o.File && strings.Contains(p.Msg, "gives this office no real inbox") {
			t.Errorf("the office's own inbox is live, but: %s", p)
		}
	}
	if !found {
		t.Errorf("want a problem starting %q; got:\n%v", want, got)
	}
}
