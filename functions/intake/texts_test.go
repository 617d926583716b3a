package intake

import (
	"regexp"
	"slices"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/form"
)

// TestYesNoMessages: the message for an unanswered yes/no question asks
// for an answer; it never reads as advice to choose one ("Välj ja om du
// har skyddade personuppgifter" reads as "choose yes").
func TestYesNoMessages(t *testing.T) {
	data, err := content.LoadData(content.DataFiles)
	if err != nil {
		t.Fatal(err)
	}
	leading := regexp.MustCompile(`(?i)^(välj|kryssa i|choose|select|pick|tick) (ja|nej|yes|no)\b`)
	n := 0
	for _, f := range Forms() {
		f.Def.Walk(func(fd *form.Field) {
			if !slices.Equal(fd.Options, []string{"yes", "no"}) && !slices.Equal(fd.Options, []string{"no", "yes"}) {
				return
			}
			for _, lang := range data.Strings.Langs() {
				n++
				msg := f.Def.Message(data.Strings, lang, form.Error{Field: fd.Name, Rule: "required"})
				if leading.MatchString(msg) {
					t.Errorf("%s %s, %s: %q reads as advice to choose an answer; ask for one: \"Svara ja eller nej …\"", f.Def.ID, fd.Name, lang, msg)
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("no yes/no question found: the test checks nothing")
	}
}
