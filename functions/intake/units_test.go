package intake_test

import (
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
)

// TestFormsByUnit: every form names a known unit, and an office takes a
// form exactly when it has that unit (and, for the follow-up talk, offers
// one). This is the routing by form the site's office pages and the
// function's "not taken here" pages both rest on.
func TestFormsByUnit(t *testing.T) {
	unit := &content.Intake{Inbox: "x@familjeratt.example"}
	offices := map[string]*content.Office{
		"family law only":   {ID: "a"},
		"supported contact": {ID: "b", Units: content.Units{SupervisedContact: unit}},
		"violence":          {ID: "c", Units: content.Units{Violence: unit}},
		"all three, follow-up talks": {ID: "d", Units: content.Units{SupervisedContact: unit, Violence: unit},
			Practice: content.Practice{FollowUpTalk: true}},
	}
	known := map[content.UnitKind]bool{}
	for _, k := range content.UnitKinds() {
		known[k] = true
	}
	for _, f := range intake.Forms() {
		if !known[f.Unit] {
			t.Errorf("form %s names the unit %q, which is not one of %v", f.Def.ID, f.Unit, content.UnitKinds())
		}
		if got, want := f.Restricted(), f.Unit != content.FamilyLaw || f.Def.ID == "uppfoljningssamtal"; got != want {
			t.Errorf("form %s: Restricted() = %v, want %v", f.Def.ID, got, want)
		}
		for name, o := range offices {
			want := o.Unit(f.Unit) != nil && (f.Def.ID != "uppfoljningssamtal" || o.Practice.FollowUpTalk)
			if got := f.OfferedBy(o); got != want {
				t.Errorf("form %s, office with %s: OfferedBy = %v, want %v", f.Def.ID, name, got, want)
			}
		}
	}
	if f, ok := intake.FormByID(intake.VisitReportID); !ok || f.Unit != content.SupervisedContact {
		t.Errorf("the visit report goes to %v, want the supported-contact unit", f)
	}
}
