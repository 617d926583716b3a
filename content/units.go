package content

// UnitKind names one of a municipality's receiving units. Every form
// declares the kind of unit that receives it, and every office names,
// per kind, the inbox and certificates that do: its family-law intake
// under intake:, the others under units:. A unit may sit in another
// municipality or be shared by a region: its inbox and certificates are
// then the same in each office file that uses it.
type UnitKind string

// The units the portal knows, in the order an office page lists them.
const (
	// FamilyLaw is the family-law office (familjerätten): applications
	// for cooperation talks and follow-up talks. Every office has it,
	// under intake:.
	FamilyLaw UnitKind = "familjeratt"
	// SupervisedContact runs court-ordered supervised contact
	// (umgängesstöd): the contact supervisors' visit reports.
	SupervisedContact UnitKind = "umgangesstod"
	// Violence is the coordinator for violence in close relationships:
	// requests to be contacted safely.
	Violence UnitKind = "vald"
)

// UnitKinds are the known kinds, FamilyLaw first.
func UnitKinds() []UnitKind { return []UnitKind{FamilyLaw, SupervisedContact, Violence} }

// Units are an office's receiving units besides its family-law intake.
// Each is optional; a form whose unit an office lacks is "not taken
// here" for the municipalities it serves.
type Units struct {
	SupervisedContact *Intake `yaml:"umgangesstod" validate:"omitempty"`
	Violence          *Intake `yaml:"vald" validate:"omitempty"`
}

// Unit returns the office's unit of kind k, or nil when it has none.
func (o *Office) Unit(k UnitKind) *Intake {
	switch k {
	case FamilyLaw, "":
		return &o.Intake
	case SupervisedContact:
		return o.Units.SupervisedContact
	case Violence:
		return o.Units.Violence
	}
	return nil
}

// UnitsOf returns the units the office has, in the order of UnitKinds.
func (o *Office) UnitsOf() []*Intake {
	var us []*Intake
	for _, k := range UnitKinds() {
		if u := o.Unit(k); u != nil {
			us = append(us, u)
		}
	}
	return us
}

// yamlKey is where the unit is written in the office file, for problems.
func (k UnitKind) yamlKey() string {
	if k == FamilyLaw || k == "" {
		return "intake"
	}
	return "units." + string(k)
}

// InboxKey is how a deployment names a unit when it gives its real
// inbox address (INTAKE_INBOXES, OFFICE_INBOXES): the office's id for its
// family-law intake ("malmo"), the id and the kind for another unit
// ("malmo.umgangesstod"). Office ids have no dots, so the two never meet.
func InboxKey(officeID string, k UnitKind) string {
	if k == FamilyLaw || k == "" {
		return officeID
	}
	return officeID + "." + string(k)
}

// String is the kind as the office file writes it.
func (k UnitKind) String() string { return string(k) }
