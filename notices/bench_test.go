package notices

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/sla"
	"switchboard/store"
)

// BenchmarkIngestedMention is what the deriver adds to each ingested
// mention: the change feed delivers the ingest's update (a page of 50 new
// mentions, each with the two events a routing rule writes: a tag and a
// team) to the deriver's subscription, and the deriver reads and skips
// them, while it watches the clocks of 1,000 assigned mentions. Reported
// as ns/mention (the budget is 1 µs).
func BenchmarkIngestedMention(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	var seedMs []domain.Mention
	for i := range 1000 {
		seedMs = append(seedMs, domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprint("a", i), Author: domain.Author{Handle: "@c"},
			Text: "order?", CreatedAt: now})
	}
	res, err := st.Ingest(seedMs)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.Apply("ana", res.IDs, store.Action{Kind: domain.EventAssign, Value: "vera"}); err != nil {
		b.Fatal(err)
	}
	d := New(Options{Store: st, SLA: &sla.Policy{}, Operators: func() []string { return []string{"ana", "vera"} }})
	if err := d.Start(); err != nil {
		b.Fatal(err)
	}
	if d.Watched() != 1000 {
		b.Fatalf("watching %d", d.Watched())
	}
	sub := st.Subscribe()
	defer sub.Close()
	const page = 50
	ctx := context.Background()
	seq := d.Position()
	// the updates of ingested pages, built before timing
	mk := func() store.Update {
		u := store.Update{New: make([]uint64, page), Events: make([]domain.Event, 0, 2*page)}
		for i := range page {
			key := fmt.Sprintf("x:new%d", seq)
			u.New[i] = uint64(100000 + seq)
			seq++
			u.Events = append(u.Events, domain.Event{Seq: seq, Actor: "rules", Kind: domain.EventTag, Target: key, Field: "tags", After: "billing", At: now})
			seq++
			u.Events = append(u.Events, domain.Event{Seq: seq, Actor: "rules", Kind: domain.EventRoute, Target: key, Field: "team", After: "billing", At: now})
		}
		return u
	}
	// a ring of pages, their events renumbered as they come round again
	// (counted in the time: it slightly overstates the cost)
	ups := make([]store.Update, 64)
	for i := range ups {
		ups[i] = mk()
	}
	next := seq
	b.ResetTimer()
	mentions := 0
	for i := 0; mentions < b.N; i++ {
		u := ups[i%len(ups)]
		if i >= len(ups) {
			for j := range u.Events {
				next++
				u.Events[j].Seq = next
			}
		}
		st.Publish(u)
		got, err := sub.Next(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.Apply(got); err != nil {
			b.Fatal(err)
		}
		mentions += page
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(mentions), "ns/mention")
}

// BenchmarkBreachTick is one look at the clock with 10,000 watched
// mentions and nothing due (what every second costs).
func BenchmarkBreachTick(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	d := New(Options{Store: st, SLA: &sla.Policy{}})
	now := time.Now()
	for i := range 10000 {
		d.track.set(fmt.Sprint("x:", i), "vera", now.Add(time.Hour+time.Duration(i)*time.Second), now.Add(50*time.Minute+time.Duration(i)*time.Second))
	}
	b.ResetTimer()
	for range b.N {
		if err := d.Tick(now); err != nil {
			b.Fatal(err)
		}
	}
}
