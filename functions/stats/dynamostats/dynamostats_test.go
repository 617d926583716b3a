package dynamostats

import (
	"testing"

	"familjeratt.example/portal/functions/ledger/dynamostore/dynalitetest"
	"familjeratt.example/portal/functions/stats"
	"familjeratt.example/portal/functions/stats/statstest"
)

// TestConformance runs against dynalite, a DynamoDB-compatible server on
// 127.0.0.1, with the table laid out as the template declares it.
func TestConformance(t *testing.T) {
	d := dynalitetest.Start(t)
	statstest.Run(t, func(t *testing.T) stats.Store {
		return New(d.Client, d.TableKeys(t, "stats", OfficeAttribute, MonthAttribute))
	})
}
