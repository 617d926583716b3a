package journey

import (
	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site/chrome"
)

// layouts are the chrome's layouts the journey renders.
var layouts = []string{"form", "check", "failed", "notserved", "sent", "message", "ack"}

// Layouts are the chrome's layouts the journey renders: the only ones
// the function needs parsed.
func Layouts() []string { return append([]string(nil), layouts...) }

// messages are the short pages of [handler.message], by key.
var messages = []string{"forbidden", "media_type", "too_large", "bad_request", "server_error", "method", "not_found", "no_receipt"}

// CheckTexts reports every interface text a page of the journey needs
// that strs lacks: the forms' own, the layouts', and those the code
// names. The function refuses to start with any of them missing, so that
// no parent meets a page that cannot be rendered.
func CheckTexts(strs *content.Strings, c *chrome.Chrome) content.Problems {
	var probs content.Problems
	for _, f := range intake.Forms() {
		probs = append(probs, f.CheckTexts(strs)...)
	}
	keys := []string{"breadcrumbs.home", "failed.title", "failed.unknown_title", "failed.safe_unknown_title"}
	for _, state := range []string{"ask", "done", "invalid", "failed"} {
		keys = append(keys, "ack."+state+"_title")
	}
	for _, m := range messages {
		keys = append(keys, "message."+m+".title", "message."+m+".text")
	}
	for _, l := range layouts {
		ks, err := c.Texts(l)
		if err != nil {
			probs = append(probs, content.Problem{File: "site/chrome/templates/layouts/" + l + ".html", Msg: err.Error()})
		}
		keys = append(keys, ks...)
	}
	return append(probs, strs.Require(keys...)...)
}
