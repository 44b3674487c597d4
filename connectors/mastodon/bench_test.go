package mastodon

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"

	"switchboard/connectors"
	"switchboard/store"
)

// BenchmarkDecodeAndStorePage80 decodes a page of 80 documented-shape
// notifications and stores them (new each time) with the cursor in one
// transaction.
func BenchmarkDecodeAndStorePage80(b *testing.B) {
	page := make([]any, 80)
	for i := range page {
		page[i] = note(b, 80-i, "mention", "alice", `<p><span class="h-card"><a href="https://social.example/@acme" class="u-url mention">@<span>acme</span></a></span> my Rocket Skates arrived broken, order <a href="https://shop.example/o/1">#A1234</a>. Who do I talk to?</p>`)
	}
	body := mustJSON(page)
	s, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ms, newest, err := DecodeNotifications(body, "social.example")
		if err != nil || len(ms) != 80 {
			b.Fatal(err)
		}
		suffix := "-" + strconv.Itoa(i)
		for k := range ms {
			ms[k].NativeID += suffix // new mentions every round
		}
		if res, err := s.IngestPage("m", ms, newest+suffix); err != nil || res.New != 80 {
			b.Fatal(res, err)
		}
	}
}

// BenchmarkPollRound80 is one poller round against a local test server
// serving a page of 80 mentions: HTTP, decode, store.
func BenchmarkPollRound80(b *testing.B) {
	f := newFake(b)
	f.add(80, "mention")
	s, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := New("m", f.srv.URL, testToken, &http.Client{})
	c.limit = 80
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := connectors.NewPoller(s, connectors.PollerOptions{})
		p.Add(&renamed{c, "m" + strconv.Itoa(i)}, 0) // a fresh cursor each round
		if res := p.Once(ctx); res[0].Err != nil || res[0].New+res[0].Duplicates != 80 {
			b.Fatal(res[0])
		}
	}
}

type renamed struct {
	*Connector
	n string
}

func (r *renamed) Name() string { return r.n }

// BenchmarkDecodePage80 is the decoding half alone.
func BenchmarkDecodePage80(b *testing.B) {
	page := make([]any, 80)
	for i := range page {
		page[i] = note(b, 80-i, "mention", "alice", `<p><span class="h-card"><a href="https://social.example/@acme" class="u-url mention">@<span>acme</span></a></span> my Rocket Skates arrived broken, order <a href="https://shop.example/o/1">#A1234</a>. Who do I talk to?</p>`)
	}
	body := mustJSON(page)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if ms, _, err := DecodeNotifications(body, "social.example"); err != nil || len(ms) != 80 {
			b.Fatal(err)
		}
	}
}
