package crisis

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"math/rand/v2"

	"switchboard/detect"
	"switchboard/domain"
	"switchboard/store"
)

// benchN is the size of the benchmark store: SWITCHBOARD_BENCH_N, default
// 20,000 so that CI's one-iteration run stays quick; docs/benchmarks.md
// has the figure for 1,000,000.
func benchN() int {
	if v, err := strconv.Atoi(os.Getenv("SWITCHBOARD_BENCH_N")); err == nil && v > 0 {
		return v
	}
	return 20000
}

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// benchStore is a store of benchN() mentions (a mention every 30 s with a
// daily rhythm and two spikes), built once and kept in the temp dir.
func benchStore(b *testing.B) string {
	benchOnce.Do(func() {
		n := benchN()
		benchPath = filepath.Join(os.TempDir(), fmt.Sprintf("switchboard-crisis-bench-v%d-%d.db", store.SchemaVersion, n))
		if _, err := os.Stat(benchPath); err == nil {
			return
		}
		tmp := benchPath + ".building"
		os.Remove(tmp)
		s, err := store.Open(tmp, store.Options{})
		if err != nil {
			benchErr = err
			return
		}
		rng := rand.New(rand.NewPCG(1, 2))
		texts := []string{"@acme when does the pharmacy open", "@acme my order is late again", "love the new @acme app",
			"@acme insulin price went up?", "@acme refund please, broken package"}
		base := time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC)
		batch := make([]domain.Mention, 0, 10000)
		for k := 0; k < n; k++ {
			at := base.Add(time.Duration(k) * 30 * time.Second)
			text := texts[rng.IntN(len(texts))]
			if k%40000 > 39000 { // a spike: a burst about one topic
				text = "is @acme insulin really free now? scam"
			}
			batch = append(batch, domain.Mention{Platform: domain.Platforms[k%5], NativeID: strconv.Itoa(k),
				Author: domain.Author{Handle: "@user" + strconv.Itoa(rng.IntN(50000))}, Text: text, CreatedAt: at, Sentiment: rng.Float64()*2 - 1})
			if len(batch) == cap(batch) || k == n-1 {
				if _, err := s.Ingest(batch); err != nil {
					benchErr = err
					return
				}
				batch = batch[:0]
			}
		}
		if err := s.Close(); err != nil {
			benchErr = err
			return
		}
		benchErr = os.Rename(tmp, benchPath)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

// BenchmarkAlerts is the work of `switchboard alerts`: open the store,
// replay every mention oldest-first through detection, list the alerts.
// SWITCHBOARD_ALERTS_DB names an existing store to use instead.
func BenchmarkAlerts(b *testing.B) {
	path := os.Getenv("SWITCHBOARD_ALERTS_DB")
	if path == "" {
		path = benchStore(b)
	}
	cfg := detect.Config{BrandName: "Acme", Handles: []string{"@acme"}, Keywords: []string{"insulin", "refund", "order"}}
	var n, alerts int
	for b.Loop() {
		s, err := store.Open(path, store.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		w := NewWatcher(s, cfg)
		if n, err = w.Replay(context.Background(), time.Time{}); err != nil {
			b.Fatal(err)
		}
		alerts = len(w.Detector().All())
		s.Close()
	}
	b.ReportMetric(float64(n), "mentions")
	b.ReportMetric(float64(alerts), "alerts")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(n, 1)), "ns/mention")
}
