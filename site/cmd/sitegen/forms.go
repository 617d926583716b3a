package main

import "familjeratt.example/portal/site"

// forms returns the application forms the site publishes.
func forms() []site.Form { return nil }
