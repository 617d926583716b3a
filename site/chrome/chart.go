package chrome

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one bar of a [BarChart]: a label, and the count as published.
type Bar struct {
	Label string
	// Value is the count; for a hidden count it is not used, and no bar
	// is drawn: a bar's length would give the hidden number away.
	Value  int
	Hidden bool
	// Text is the count as published: "12", or "<5" when hidden.
	Text string
}

// BarChart draws bars as inline SVG, one per line with its label above
// it, so that it stays legible when a narrow screen scales it down. It
// is an image with a title and a text alternative that says every value
// (role="img", aria-labelledby): a screen reader gets the same figures
// as the table that must accompany it. No script, no external file, no
// style attribute (the colours are presentation attributes, which a
// content security policy allows).
//
// id must be unique on the page: the title and description ids derive
// from it.
func BarChart(id, title string, bars []Bar) template.HTML {
	const (
		// A narrow drawing, so that a phone (about 290 px of
		// content at 320 px) scales it by 0.8 at most: 15-unit text
		// stays at 12 px. The longest label of the catalogue fits.
		width    = 360.0
		barMax   = 260.0
		lineH    = 46.0
		barH     = 16.0
		labelPad = 17.0
	)
	max := 0
	for _, b := range bars {
		if !b.Hidden && b.Value > max {
			max = b.Value
		}
	}
	var desc []string
	for _, b := range bars {
		desc = append(desc, b.Label+": "+b.Text)
	}
	esc := template.HTMLEscapeString
	height := lineH*float64(len(bars)) + 4
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %g %g" width="100%%" role="img" aria-labelledby="%s-title %s-desc">`,
		width, height, esc(id), esc(id))
	fmt.Fprintf(&s, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(strings.Join(desc, "; ")+"."))
	for i, b := range bars {
		y := lineH * float64(i)
		fmt.Fprintf(&s, `<text x="0" y="%g" font-size="15" fill="#0b0c0c">%s</text>`, y+labelPad, esc(b.Label))
		w := 0.0
		if !b.Hidden && max > 0 {
			w = barMax * float64(b.Value) / float64(max)
		}
		if w > 0 {
			fmt.Fprintf(&s, `<rect x="0" y="%g" width="%.1f" height="%g" fill="#1d70b8"/>`, y+labelPad+6, w, barH)
		}
		fmt.Fprintf(&s, `<text x="%.1f" y="%g" font-size="15" fill="#0b0c0c">%s</text>`, w+6, y+labelPad+6+barH-3, esc(b.Text))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}
