package intake_test

import (
	"net/url"
	"testing"
	"time"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	jt "familjeratt.example/portal/functions/journey/journeytest"
)

// FuzzDecodeValidate feeds arbitrary form bodies through the application
// form's decoding and validation. It must never panic, and every input
// must give either a valid application or at least one field problem,
// each with a message.
func FuzzDecodeValidate(f *testing.F) {
	f.Add(jt.ValidApplication("sv").Encode())
	f.Add("children.9.given_name=x&children.10.given_name=y")
	f.Add("children.99999999999999999999.personal_number=1")
	f.Add("applicant.personal_number=%FF%FE&topics=other&topics=other")
	f.Add("a=b&&&c=%zz")
	f.Add("applicant.given_name=\x00&children.-1.given_name=a")
	f.Add("applicant.interpreter_language=other&applicant.interpreter_language_other=%FF&other_parent.interpreter_language=xx")
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		f.Fatal(err)
	}
	now := jt.Now
	def := intake.Forms()[0].Def
	v := intake.NewValidator(data.Directory, func() time.Time { return now })
	f.Fuzz(func(t *testing.T, body string) {
		posted, err := url.ParseQuery(body)
		if err != nil {
			return // the handler answers 400 before decoding
		}
		values, errs := def.Values(posted)
		decoded, derrs := def.Decode(values)
		errs = append(errs, derrs...)
		if decoded == nil {
			if len(errs) == 0 {
				t.Fatalf("nothing decoded and no problem reported for %q", body)
			}
			return
		}
		errs = append(errs, def.Validate(v, decoded, now)...)
		if len(errs) == 0 {
			a := decoded.(*intake.Application)
			if a.Applicant.GivenName == "" || len(a.Children) == 0 || a.Municipality == "" {
				t.Fatalf("accepted an incomplete application from %q", body)
			}
			return
		}
		for _, e := range def.Sort(errs) {
			if msg := def.Message(data.Strings, "sv", e); msg == "" {
				t.Fatalf("no message for %+v", e)
			}
		}
	})
}
