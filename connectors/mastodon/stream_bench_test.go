package mastodon

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/store"
)

// BenchmarkStreamMentionToStore is the live path end to end on this
// machine: the local streaming server writes a mention notification as a
// WebSocket frame, the connector decodes it and the poller stores it (one
// bbolt transaction with fsync); the time is from the frame's write to
// the end of that commit. It reports p50 and p99 over b.N mentions.
func BenchmarkStreamMentionToStore(b *testing.B) {
	f, st := liveFake(b)
	s, err := store.Open(filepath.Join(b.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := f.client()
	c.live = true
	stored := make(chan time.Time, 1)
	p := connectors.NewPoller(s, connectors.PollerOptions{LiveEvery: time.Hour,
		OnPush: func(string, store.IngestResult) { stored <- time.Now() }})
	p.Add(c, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-st.up
	for p.Health()["m"].Mode != connectors.ModeLive {
		time.Sleep(time.Millisecond)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.add(1, "mention")
		start := time.Now()
		st.send(b, "user:notification", "notification", f.last())
		lat = append(lat, (<-stored).Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
