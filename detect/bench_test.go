package detect

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"switchboard/domain"
)

// benchMentions builds n mentions of steady daily traffic scaled to about
// 700 mentions an hour at the afternoon peak, with a few spikes, once per
// size, lazily.
var benchFixtures sync.Map

func benchMentions(n int) []domain.Mention {
	if v, ok := benchFixtures.Load(n); ok {
		return v.([]domain.Mention)
	}
	g := newTraffic(42, t0)
	out := make([]domain.Mention, 0, n)
	for minute := 0; len(out) < n; minute++ {
		at := t0.Add(time.Duration(minute) * time.Minute)
		k := g.poisson(dailyRate(at) / 60 * 8)
		if minute%(3*24*60) == 2*24*60 { // a burst every third day
			k += 300
		}
		for i := 0; i < k && len(out) < n; i++ {
			m := g.mention(at.Add(time.Duration(i%60)*time.Second), ordinaryTexts[g.rng.IntN(len(ordinaryTexts))], g.rng.Float64() < 0.2)
			if i%7 == 0 {
				m.State.Tags = []string{"billing"}
			}
			out = append(out, *m)
		}
	}
	benchFixtures.Store(n, out)
	return out
}

func benchConfig() Config {
	c := testConfig()
	c.Keywords = append(c.Keywords, "lounge", "wifi", "strike")
	return c
}

// BenchmarkObserve is the cost of one detection update: a mention through
// its brand, platform, keyword and tag streams (and the impersonation
// cache).
func BenchmarkObserve(b *testing.B) {
	ms := benchMentions(200_000)
	d := New(benchConfig())
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(ms) { // start over on a fresh detector: time must not go back
			b.StopTimer()
			d, i = New(benchConfig()), 0
			b.StartTimer()
		}
		d.Observe(&ms[i])
		i++
	}
}

// BenchmarkReplay replays N imported mentions through a new Detector, as
// the alerts command does over a store. N is 100,000 by default;
// SWITCHBOARD_BENCH_FULL=1 runs 1,000,000.
func BenchmarkReplay(b *testing.B) {
	n := 100_000
	if os.Getenv("SWITCHBOARD_BENCH_FULL") == "1" {
		n = 1_000_000
	}
	if s := os.Getenv("SWITCHBOARD_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ms := benchMentions(n)
	b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
		b.ReportAllocs()
		var alerts int
		for b.Loop() {
			d := New(benchConfig())
			for i := range ms {
				d.Observe(&ms[i])
			}
			alerts = len(d.All())
		}
		b.ReportMetric(float64(alerts), "alerts")
	})
}

func BenchmarkImpersonation(b *testing.B) {
	a := domain.Author{Handle: "@EliLillyCo", Name: "Eli Lilly and Company"}
	handles := []string{"@LillyPad"}
	b.ReportAllocs()
	for b.Loop() {
		Impersonation(handles, "Eli Lilly", a)
	}
}
