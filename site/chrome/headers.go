package chrome

import (
	"net/http"
	"strings"
)

// Header is one HTTP response header.
type Header struct{ Name, Value string }

// SecurityHeaders go on every response: from the dev server, from the
// intake function, and (through the _headers file and the CloudFront
// response-headers policy) from production.
//
// The Content-Security-Policy allows nothing from other sites and no
// inline script or style: every page loads only its own stylesheet and
// script, so no third party ever learns that a parent visited.
var SecurityHeaders = []Header{
	{"Content-Security-Policy", strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self'",
		"connect-src 'self'",
		"manifest-src 'self'",
		"form-action 'self'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
	}, "; ")},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"X-Frame-Options", "DENY"},
	{"Permissions-Policy", "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Strict-Transport-Security", "max-age=63072000; includeSubDomains"},
}

// AdminSecurityHeaders are the headers of the web editor at /admin/
// (package build/cms): a tool for municipal editors, not a page for
// parents, whose pages keep SecurityHeaders. They are SecurityHeaders but
// where the editor cannot work otherwise: its bundle compiles code at run
// time ('unsafe-eval') and injects its styles ('unsafe-inline', for
// styles only), it shows and reads back the files an editor picks (data:,
// blob:), talks to the hosts in connect (the git host's API; none for the
// local backend, which the dev server serves on its own origin) and shows
// images from the hosts in img (the editor's avatar). The git host's
// sign-in window reports back to the editor, which
// Cross-Origin-Opener-Policy: same-origin would cut off. No framing, no
// script from another site, no form posts, nosniff and no referrer stay.
func AdminSecurityHeaders(connect, img []string) []Header {
	with := func(directive string, hosts []string) string {
		return strings.Join(append([]string{directive}, hosts...), " ")
	}
	out := make([]Header, 0, len(SecurityHeaders))
	for _, h := range SecurityHeaders {
		switch h.Name {
		case "Content-Security-Policy":
			h.Value = strings.Join([]string{
				"default-src 'none'",
				"script-src 'self' 'unsafe-eval'",
				"style-src 'self' 'unsafe-inline'",
				with("img-src 'self' data: blob:", img),
				with("connect-src 'self' blob:", connect),
				"form-action 'none'",
				"base-uri 'none'",
				"frame-ancestors 'none'",
			}, "; ")
		case "Cross-Origin-Opener-Policy":
			h.Value = "same-origin-allow-popups"
		}
		out = append(out, h)
	}
	return out
}

// SetSecurityHeaders adds SecurityHeaders to h.
func SetSecurityHeaders(h http.Header) {
	for _, sh := range SecurityHeaders {
		h.Set(sh.Name, sh.Value)
	}
}

// WithSecurityHeaders wraps next so every response carries the headers.
func WithSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetSecurityHeaders(w.Header())
		next.ServeHTTP(w, r)
	})
}

// HeadersFile is the _headers file for static hosts that read one
// (Netlify, Cloudflare Pages): every path gets the security headers, and
// fingerprinted assets may be cached for a year.
func HeadersFile() []byte {
	var b strings.Builder
	b.WriteString("/*\n")
	for _, h := range SecurityHeaders {
		b.WriteString("  " + h.Name + ": " + h.Value + "\n")
	}
	b.WriteString("/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n")
	return []byte(b.String())
}
