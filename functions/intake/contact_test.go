package intake_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	jt "familjeratt.example/portal/functions/journey/journeytest"
)

// checkContact checks a request to be contacted safely with the values
// kv (the municipality given), as the function does: the problems as
// "field rule", each with a message of its own in every edition that
// offers forms.
func checkContact(t *testing.T, kv ...string) ([]string, *intake.ContactRequest) {
	t.Helper()
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := intake.FormByID(intake.ContactID)
	if !ok {
		t.Fatal("no contact form")
	}
	v := intake.NewValidator(data.Directory, func() time.Time { return jt.Now })
	values, errs := f.Def.Values(jt.With(map[string][]string{"municipality": {"1280"}}, kv...))
	decoded, derrs := f.Def.Decode(values)
	errs = append(errs, derrs...)
	errs = f.Def.Sort(append(errs, f.Def.Validate(v, decoded, jt.Now)...))
	var got []string
	for _, e := range errs {
		got = append(got, e.Field+" "+e.Rule)
		for _, lang := range []content.Lang{content.SV, "en", "ar"} {
			general := data.Strings.MustGet(lang, "form.error.invalid", "label", "")
			if i := strings.IndexAny(general, "”\"“«"); i > 0 {
				general = general[:i]
			}
			if msg := f.Def.Message(data.Strings, lang, e); msg == "" || strings.HasPrefix(msg, general) {
				t.Errorf("%s %s, %s: no message of its own: %q", e.Field, e.Rule, lang, msg)
			}
		}
	}
	if len(errs) > 0 {
		return got, nil
	}
	return got, decoded.(*intake.ContactRequest)
}

// TestContactRequired: only a name to use and one way to reach the
// parent are required; everything else may be left out.
func TestContactRequired(t *testing.T) {
	tests := []struct {
		name string
		kv   []string
		want []string
	}{
		{"nothing", nil, []string{"name required", "contact_by required"}},
		{"a name and a phone", []string{"name", "S", "contact_by", "phone", "phone", "070-123 45 67"}, nil},
		{"phone chosen, no number", []string{"name", "S", "contact_by", "phone"}, []string{"phone required_if"}},
		{"e-mail chosen, no address", []string{"name", "S", "contact_by", "email", "phone", "070-123 45 67"}, []string{"email required_if"}},
		{"another way, written", []string{"name", "S", "contact_by", "other", "contact_other", "Genom min syster"}, nil},
		{"another way, not written", []string{"name", "S", "contact_by", "other"}, []string{"contact_other required_if"}},
		{"a wrong phone", []string{"name", "S", "contact_by", "phone", "phone", "ring mig"}, []string{"phone phone"}},
		{"a thing not to do not on the list", []string{"name", "S", "contact_by", "phone", "phone", "070-123 45 67", "avoid", "fax"}, []string{"avoid.0 oneof"}},
		{"a language typed without choosing other", []string{"name", "S", "contact_by", "phone", "phone", "070-123 45 67", "interpreter_language_other", "amhariska"},
			[]string{"interpreter_language choose_other"}},
		{"everything", []string{"name", "S", "contact_by", "email", "email", "s@example.se", "safe_times", "Kvällar",
			"avoid", "letter", "protected_identity", "unknown", "interpreter_language", "other", "interpreter_language_other", "amhariska", "message", "Hej"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := checkContact(t, tt.kv...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems %v, want %v", got, tt.want)
			}
		})
	}
}

// TestContactUrgentFirst: what staff read first, in order: how to make
// contact, when, what not to do, and that the sender is not verified;
// protected identity and the interpreter come after, among the flags.
func TestContactUrgentFirst(t *testing.T) {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := intake.FormByID(intake.ContactID)
	office, _ := data.Directory.Office("malmo")
	tests := []struct {
		name        string
		request     intake.ContactRequest
		urgent, all []string
	}{
		{"phone, nothing else", intake.ContactRequest{ContactBy: "phone", Phone: "070-123 45 67"},
			[]string{"contact_by_phone", "safe_times_none", "unverified"}, nil},
		{"another way over two lines, times, things not to do",
			intake.ContactRequest{ContactBy: "other", ContactOther: "Via min syster\nhon heter Eva", SafeTimes: "Kvällar",
				Avoid: []string{"voicemail", "say_where"}, ProtectedIdentity: "yes", InterpreterLanguage: "ar"},
			[]string{"contact_by_other", "safe_times", "avoid_voicemail", "avoid_say_where", "unverified"},
			[]string{"protected_identity", "interpreter_sender"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &intake.Submission{Form: f, Office: office, Answers: &tt.request}
			var urgent, all []string
			for _, fl := range s.Urgent(data.Strings, content.SV) {
				urgent = append(urgent, fl.Code)
				if strings.Contains(fl.Text, "\n") || strings.Contains(fl.Text, "{") {
					t.Errorf("%s: %q", fl.Code, fl.Text)
				}
			}
			for _, fl := range s.Flags(data.Strings, content.SV) {
				all = append(all, fl.Code)
			}
			if !slices.Equal(urgent, tt.urgent) || !slices.Equal(all, tt.all) {
				t.Errorf("urgent %v, flags %v; want %v, %v", urgent, all, tt.urgent, tt.all)
			}
		})
	}
}

// TestContactNeutral: the form's addresses and titles never name
// violence, in any edition, and it goes to the coordinator's unit.
func TestContactNeutral(t *testing.T) {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := intake.FormByID(intake.ContactID)
	if f.Unit != content.Violence || !f.Safe || !f.Restricted() {
		t.Errorf("unit %q, safe %v, restricted %v; want vald, safe, restricted", f.Unit, f.Safe, f.Restricted())
	}
	for _, lang := range data.Strings.Langs() {
		for _, key := range []string{"slug", "title", "sent_title", "check_title", "description", "staff_subject"} {
			text := strings.ToLower(data.Strings.MustGet(lang, "form.kontakt."+key, "reference", "X", "municipality", "M", "office", "O"))
			for _, bad := range []string{"våld", "vald", "violence", "samordnare", "kvinnofrid", "عنف"} {
				if strings.Contains(text, bad) {
					t.Errorf("%s form.kontakt.%s holds %q: %q", lang, key, bad, text)
				}
			}
		}
	}
}
