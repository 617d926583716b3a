package content

import (
	"fmt"
	"io/fs"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

// PlaceholderDomain is the reserved domain of the repository's demo
// addresses: the offices' placeholder inboxes and the demo site's
// base_url. Mail to it reaches no one; a site under it is not public.
const PlaceholderDomain = "familjeratt.example"

// PublishProblems lists what the content lacks for publication, as
// opposed to what it needs to build: the demo content builds, but it must
// never be published as it is. live says whether the deployment gives an
// unit a real inbox, by [InboxKey] (the office file's inbox is always a placeholder;
// the real address is set at deployment).
func PublishProblems(fsys fs.FS, d *Data, live func(officeID string) bool) Problems {
	var probs Problems
	if u, err := url.Parse(d.Settings.BaseURL); err == nil && isPlaceholderHost(u.Hostname()) {
		probs = append(probs, Problem{File: SettingsFile, Line: settingsLineOf(fsys, "base_url"), Msg: fmt.Sprintf(
			"base_url %s is the demo address: write the address the site is published at, like https://familjeratt.kommun.se", d.Settings.BaseURL)})
	}
	if d.Signing != nil && IsDevelopment(d.Signing) {
		probs = append(probs, Problem{File: SigningFile, Line: 1, Msg: "the portal's signing certificate is the development one, " +
			"whose key is public: replace it with the deployment's own before publishing (README: Running in production)"})
	}
	pp := d.Settings.Privacy
	probs = append(probs, privacyProblems(SettingsFile, Privacy{Controller: pp.Controller, DPO: pp.DPO}, false,
		func(key string) int { return settingsLineOf(fsys, key) }, "the portal's logs and cookie")...)
	if pp.LegalBasis == nil {
		probs = append(probs, Problem{File: SettingsFile, Line: settingsLineOf(fsys, "privacy.legal_basis"), Msg: "privacy.legal_basis is missing: " +
			"say on what legal basis the portal's operator keeps the logs and sets the cookie"})
	}
	for _, role := range []string{"hosting", "mail"} {
		if !pp.Has(role) {
			probs = append(probs, Problem{File: SettingsFile, Line: settingsLineOf(fsys, "privacy.processors"), Msg: fmt.Sprintf(
				"privacy.processors names no %s provider: the privacy notice must name every company that handles the data (role: %s)", role, role)})
		}
	}
	probs = append(probs, pagePlaceholders(fsys, d.Pages)...)
	for _, o := range d.Directory.Offices {
		probs = append(probs, privacyProblems(o.File, o.Privacy, true, func(key string) int { return o.lines[key] }, "applications to this office")...)
		if len(o.Sources) == 0 && (!o.Practice.Empty() || len(o.Promises) > 0 || len(o.Notes) > 0) {
			probs = append(probs, Problem{File: o.File, Line: 1, Msg: "the file states the office's practice but has no sources: " +
				"list where the facts come from (the office's routine, leaflet or web page), so the office can sign them off"})
		}
		for _, u := range o.UnitsOf() {
			if !live(InboxKey(o.ID, u.Kind)) {
				who, what, whose := "this office", "applications", "the office's"
				if u.Kind != FamilyLaw {
					who, what, whose = "the unit "+u.Kind.yamlKey(), "forms", "the unit's"
				}
				probs = append(probs, Problem{File: o.File, Line: o.lines[u.Kind.yamlKey()+".inbox"], Msg: fmt.Sprintf(
					"the deployment gives %s no real inbox, so %s to it would go to the placeholder %s: "+
						"add %s=<%s address> to the deployment's office inboxes (OFFICE_INBOXES), or remove the office",
					who, what, u.Inbox, InboxKey(o.ID, u.Kind), whose)})
			}
		}
		if o.Contact.Phone == "" && o.Contact.Email == "" {
			probs = append(probs, Problem{File: o.File, Line: o.lines["contact"], Msg: "contact has neither phone nor email: " +
				"a parent must be able to call or write to the office; add the number or address the office gives parents"})
		}
		for _, u := range o.UnitsOf() {
			for i, c := range u.Certs {
				if !IsDevelopment(c) {
					continue
				}
				probs = append(probs, Problem{File: o.File, Line: o.lines[certLineKey(u, u.certFiles[i])], Msg: fmt.Sprintf(
					"%s is a development certificate, whose private key is in the repository: "+
						"replace it with the office's own certificate (the staff guide in README.md says how to get one)", u.certFiles[i])})
			}
		}
	}
	return probs
}

// certLineKey is the lines key of the unit's certificates entry naming
// file.
func certLineKey(u *Intake, file string) string {
	key := u.Kind.yamlKey()
	for i, c := range u.Certificates {
		if OfficesDir+"/"+c == file {
			return fmt.Sprintf("%s.certificates[%d]", key, i)
		}
	}
	return key + ".certificates"
}

func isPlaceholderHost(host string) bool {
	host = strings.ToLower(host)
	return host == PlaceholderDomain || strings.HasSuffix(host, "."+PlaceholderDomain)
}

// settingsLineOf finds the line of a key path of site.yaml
// ("privacy.controller"), or of its nearest ancestor, or 0.
func settingsLineOf(fsys fs.FS, key string) int {
	src, err := fs.ReadFile(fsys, SettingsFile)
	if err != nil {
		return 0
	}
	var node yaml.Node
	if yaml.Unmarshal(src, &node) != nil || len(node.Content) == 0 {
		return 0
	}
	return lineOf(node.Content[0], key)
}

// pagePlaceholders finds the demo domain in pages: a site name or an
// e-mail address that reaches no one, such as the accessibility
// statement's contact address.
func pagePlaceholders(fsys fs.FS, pages []*Page) Problems {
	var probs Problems
	for _, p := range pages {
		src, err := fs.ReadFile(fsys, p.File)
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(src), "\n") {
			if strings.Contains(strings.ToLower(line), PlaceholderDomain) {
				probs = append(probs, Problem{File: p.File, Line: i + 1, Msg: fmt.Sprintf(
					"the page names the demo domain %s: write the site's real name or address, and a real e-mail address that someone reads", PlaceholderDomain)})
			}
		}
	}
	return probs
}
