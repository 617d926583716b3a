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
