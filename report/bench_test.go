package report

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// BenchmarkReportByTeam reports over every mention of a store:
// SWITCHBOARD_BENCH_STORE names a store file to read (e.g. the store
// package's 1,000,000-mention fixture in the temp directory); without it a
// store of 20,000 mentions is built.
func BenchmarkReportByTeam(b *testing.B) {
	path := os.Getenv("SWITCHBOARD_BENCH_STORE")
	if path == "" {
		path = filepath.Join(b.TempDir(), "sb.db")
		st, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		teams := []string{"support", "billing", "social", ""}
		for from := 0; from < 20000; from += 5000 {
			var ms []domain.Mention
			for i := from; i < from+5000; i++ {
				m := domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprint(i), Author: domain.Author{Handle: fmt.Sprintf("@u%d", i%500)},
					Text: "some text about the product", CreatedAt: base.Add(time.Duration(i) * time.Minute), Sentiment: float64(i%7-3) / 4,
					State: domain.OperatorState{Team: teams[i%4]}}
				if i%3 == 0 {
					m.State.RespondedAt = m.CreatedAt.Add(time.Duration(i%90) * time.Minute)
				}
				ms = append(ms, m)
			}
			if _, err := st.Ingest(ms); err != nil {
				b.Fatal(err)
			}
		}
		st.Close()
	}
	st, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	b.ResetTimer()
	var n int
	for range b.N {
		r, err := Build(st, Options{By: "team", Now: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		n = r.Total.Mentions
	}
	b.ReportMetric(float64(n), "mentions")
}
