package bluesky

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// storeSink is a StreamSink straight onto a store (what the poller does,
// without its schedule).
type storeSink struct {
	s     *store.Store
	items atomic.Int64
}

func (k *storeSink) Live(context.Context) error { return nil }
func (k *storeSink) Cursor() (string, error) {
	return k.s.Cursor(connectors.StreamCursorKey("bsky-main"))
}
func (k *storeSink) Push(items []domain.Mention, cursor string) (store.IngestResult, error) {
	for i := range items {
		items[i].Connector = "bsky-main"
		items[i].FetchedAt = time.Now()
	}
	k.items.Add(int64(len(items)))
	key := ""
	if cursor != "" {
		key = connectors.StreamCursorKey("bsky-main")
	}
	return k.s.IngestPage(key, items, cursor)
}

// jetFixture is a replay of n Jetstream events shaped like the network's
// post traffic: posts of 40–300 characters in several languages, a third
// with a link facet, a tenth replies, 1% identity/account events, and
// one post in 500 mentioning the brand.
func jetFixture(n int) []map[string]any {
	words := strings.Fields("the a new today just really think love this that post morning coffee city game music photo news " +
		"vandaag echt mooi heute wirklich 今日は とても 좋아요 hoje muito bom")
	out := make([]map[string]any, 0, n)
	for i := 0; i < n; i++ {
		author := fmt.Sprintf("did:plc:%024d", i%9973)
		if i%100 == 99 {
			ev := jetIdentity(i)
			ev["did"] = author
			out = append(out, ev)
			continue
		}
		var b strings.Builder
		for w := 0; b.Len() < 40+(i*37)%260; w++ {
			b.WriteString(words[(i*7+w*13)%len(words)])
			b.WriteByte(' ')
		}
		text := b.String()
		var facets []any
		var reply map[string]any
		switch {
		case i%500 == 250:
			text = "@brand.example.com " + text
			facets = mentionFacet(testDID, 0, 18)
		case i%3 == 0:
			text += "https://example.com/some/article"
			facets = []any{map[string]any{"index": map[string]any{"byteStart": len(text) - 32, "byteEnd": len(text)},
				"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/some/article"}}}}
		}
		if i%10 == 5 {
			ref := map[string]any{"uri": fmt.Sprintf("at://did:plc:%024d/app.bsky.feed.post/3l3qo2vutsx%02d", (i+1)%9973, i%97), "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"}
			reply = map[string]any{"root": ref, "parent": ref}
		}
		ev := jetPost(i, author, text, facets, reply)
		ev["commit"].(map[string]any)["rkey"] = fmt.Sprintf("3l%011d", i)
		out = append(out, ev)
	}
	return out
}

// BenchmarkJetstreamReplay replays 20,000 events through a local
// WebSocket server into the consumer and a real store; it reports the
// events per second consumed and the heap in use at its peak above
// what it was before. "terms" also matches three terms in every post,
// which decodes every event (without terms only events naming the
// account's DID are decoded).
func BenchmarkJetstreamReplay(b *testing.B) {
	const n = 20000
	for _, terms := range [][]string{nil, {"rocket skates", "acme", "#acmefail"}} {
		name := "account"
		if terms != nil {
			name = "terms"
		}
		b.Run(name, func(b *testing.B) {
			pds := newFakePDS(b)
			js := newFakeJetstream(b)
			js.close = true
			js.add(jetFixture(n)...)
			s, err := store.Open(filepath.Join(b.TempDir(), "sb.db"), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			c := pds.connector(b, b.TempDir())
			c.live, c.jetstream = true, js.url()
			c.SetFollow(connectors.Follow{Terms: terms})
			sink := &storeSink{s: s}
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			var peak atomic.Uint64
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() {
				defer close(sampled)
				var ms runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-time.After(20 * time.Millisecond):
					}
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peak.Load() {
						peak.Store(ms.HeapInuse)
					}
				}
			}()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				// a fresh cursor each round: the whole replay again
				if _, err := s.IngestPage(connectors.StreamCursorKey("bsky-main"), nil, ""); err != nil {
					b.Fatal(err)
				}
				err := c.Stream(context.Background(), sink)
				if err == nil || !strings.Contains(err.Error(), "replayed") && !strings.Contains(err.Error(), "1000") {
					b.Fatalf("stream ended with %v", err)
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			close(stop)
			<-sampled
			b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "events/s")
			extra := int64(peak.Load()) - int64(before.HeapInuse)
			b.ReportMetric(float64(max(extra, 0))/(1<<20), "peak-extra-heap-MB")
			if got := sink.items.Load(); got != int64(n/500*b.N) {
				b.Fatalf("%d mentions pushed, want %d", got, n/500*b.N)
			}
		})
	}
}
