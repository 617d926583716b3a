package main

import (
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/site"
)

// forms returns the application forms the site publishes: the intake
// function's own definitions, so page and function cannot disagree.
func forms() []site.Form {
	var out []site.Form
	for _, p := range intake.StaticPages() {
		out = append(out, p)
	}
	return out
}
