package report

import (
	"fmt"
	"testing"

	"familjeratt.example/portal/content"
	"familjeratt.example/portal/functions/intake"
	"familjeratt.example/portal/functions/stats"
)

// BenchmarkExport is a national export of many offices, each with one
// month of counts: the check against every office's knowledge of its
// own row grows with the cube of their number (160 offices take some
// seconds).
func BenchmarkExport(b *testing.B) {
	for _, n := range []int{10, 40} {
		var offs []*content.Office
		var rows []stats.Row
		k := 0
		for i := range n {
			id := fmt.Sprintf("office-%d", i)
			offs = append(offs, &content.Office{ID: id, Name: content.Text{content.SV: id, "en": id}})
			c := stats.Counts{"follow_ups": int64(i % 6)}
			for range 3 + (i*7)%40 {
				c.Add(stats.Of(&intake.Submission{Answers: application(k)}))
				c[[]string{"ack_0_1", "ack_2_3", "ack_4_5", "ack_6plus"}[k%4]]++
				k++
			}
			rows = append(rows, stats.Row{Office: id, Month: "2025-05", Counts: c})
		}
		b.Run(fmt.Sprintf("%d offices", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Export(rows, offs, 2025, 5, closedNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
