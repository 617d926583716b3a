package delivery

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

func TestInboxes(t *testing.T) {
	o := &content.Office{ID: "malmo",
		Intake: content.Intake{Kind: content.FamilyLaw, Inbox: "malmo@familjeratt.example"},
		Units:  content.Units{SupervisedContact: &content.Intake{Kind: content.SupervisedContact, Inbox: "stod@familjeratt.example"}}}
	other := &content.Office{ID: "lund", Intake: content.Intake{Kind: content.FamilyLaw, Inbox: "lund@familjeratt.example"}}
	tests := []struct {
		name     string
		env      string
		family   string // where the office's applications go
		unit     string // where its visit reports go
		unknown  []string
		holders  []string // keys still on placeholders
		parseErr bool
	}{
		{"no deployment: the office file's", "", "malmo@familjeratt.example", "stod@familjeratt.example", nil,
			[]string{"lund", "malmo", "malmo.umgangesstod"}, false},
		{"the office only: its unit keeps the placeholder", "malmo=familjeratt@malmo.se",
			"familjeratt@malmo.se", "stod@familjeratt.example", nil, []string{"lund", "malmo.umgangesstod"}, false},
		{"the unit only", " malmo.umgangesstod = umgangesstod@malmo.se ",
			"malmo@familjeratt.example", "umgangesstod@malmo.se", nil, []string{"lund", "malmo"}, false},
		{"both, and a unit the office lacks, and a unit that is not one", "malmo=a@malmo.se,malmo.umgangesstod=b@malmo.se,malmo.vald=c@malmo.se,lund.familjeratt=d@lund.se,nowhere=e@x.se",
			"a@malmo.se", "b@malmo.se", []string{"lund.familjeratt", "malmo.vald", "nowhere"}, []string{"lund"}, false},
		{"not an address", "malmo.umgangesstod=nope", "", "", nil, nil, true},
	}
	d := offices{o.ID: o, other.ID: other}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := ParseInboxes(tt.env)
			if tt.parseErr {
				if err == nil {
					t.Fatalf("got %v, want an error", in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := in.For(o); got != tt.family {
				t.Errorf("For: got %q, want %q", got, tt.family)
			}
			if got := in.ForUnit(o, o.Unit(content.SupervisedContact)); got != tt.unit {
				t.Errorf("ForUnit: got %q, want %q", got, tt.unit)
			}
			got := in.Unknown(d)
			slices.Sort(got)
			if !slices.Equal(got, tt.unknown) {
				t.Errorf("Unknown: got %v, want %v", got, tt.unknown)
			}
			holders := in.Placeholders([]*content.Office{other, o})
			slices.Sort(holders)
			if !slices.Equal(holders, tt.holders) {
				t.Errorf("Placeholders: got %v, want %v", holders, tt.holders)
			}
		})
	}
}

type offices map[string]*content.Office

func (m offices) Office(id string) (*content.Office, bool) { o, ok := m[id]; return o, ok }

// TestLocalInboxFolders: the local inbox keeps each unit's mail apart, in
// the folder its key names, and refuses a name that could leave the
// inbox.
func TestLocalInboxFolders(t *testing.T) {
	ref := intake.ReferenceFor([]byte("key"), "umgangesrapport", url.Values{"x": {"y"}})
	tests := []struct {
		office string
		unit   content.UnitKind
		want   string // the folder, or "" for a refusal
	}{
		{"malmo", content.FamilyLaw, "malmo"},
		{"malmo", "", "malmo"},
		{"malmo", content.SupervisedContact, "malmo.umgangesstod"},
		{"malmo", content.Violence, "malmo.vald"},
		{"../malmo", content.FamilyLaw, ""},
		{"malmo", "../../etc", ""},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		err := (&Inbox{Dir: dir}).Send(context.Background(), &Envelope{Office: tt.office, Unit: tt.unit, Reference: ref, Data: []byte("x")})
		if tt.want == "" {
			if err == nil {
				t.Errorf("%s/%s: delivered, want a refusal", tt.office, tt.unit)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s/%s: %v", tt.office, tt.unit, err)
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, tt.want, ref.String()+".eml")); err != nil {
			t.Errorf("%s/%s: not in %s/: %v", tt.office, tt.unit, tt.want, err)
		}
	}
}
