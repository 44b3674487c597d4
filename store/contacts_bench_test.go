package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"switchboard/domain"
)

// contactBenchN is how many mentions the benchmark's busy contact has:
// SWITCHBOARD_BENCH_CONTACT_N, default 100,000 (the figure in
// docs/benchmarks.md).
func contactBenchN() int {
	if v, err := strconv.Atoi(os.Getenv("SWITCHBOARD_BENCH_CONTACT_N")); err == nil && v > 0 {
		return v
	}
	return 100000
}

var (
	cardFixtureOnce sync.Once
	cardFixturePath string
	cardFixtureErr  error
)

// cardFixture is a store where @busy on X has contactBenchN() mentions
// over a year, linked to busy.bsky.social with 1,000 more, among as many
// mentions by 20,000 other authors, and our replies to busy's newest
// mentions. Built once and kept in the temp directory.
func cardFixture(b *testing.B) string {
	cardFixtureOnce.Do(func() {
		n := contactBenchN()
		cardFixturePath = filepath.Join(os.TempDir(), fmt.Sprintf("switchboard-card-v%d.%d-%d.db", SchemaVersion, fixtureVersion, n))
		if _, err := os.Stat(cardFixturePath); err == nil {
			return
		}
		tmp := cardFixturePath + ".building"
		os.Remove(tmp)
		s, err := Open(tmp, Options{})
		if err != nil {
			cardFixtureErr = err
			return
		}
		defer s.Close()
		rng := rand.New(rand.NewPCG(7, 7))
		base := time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC)
		step := 365 * 24 * time.Hour / time.Duration(n)
		var batch []domain.Mention
		flush := func() {
			if cardFixtureErr == nil && len(batch) > 0 {
				_, cardFixtureErr = s.Ingest(batch)
			}
			batch = batch[:0]
		}
		for k := 0; k < n; k++ {
			at := base.Add(time.Duration(k) * step)
			batch = append(batch,
				domain.Mention{Platform: domain.PlatformX, NativeID: nativeID(k), Author: domain.Author{Handle: "@busy", Name: "Busy Bee", Followers: int64(50000 + k)},
					Text: "acme order " + strconv.Itoa(k), CreatedAt: at, Sentiment: rng.Float64()*2 - 1},
				domain.Mention{Platform: domain.Platforms[k%4], NativeID: "o" + nativeID(k), Author: domain.Author{Handle: "@user" + strconv.Itoa(k%20000), Name: "User " + strconv.Itoa(k%20000)},
					Text: "acme other " + strconv.Itoa(k), CreatedAt: at.Add(time.Second), Sentiment: rng.Float64()*2 - 1})
			if k%1000 == 0 {
				batch = append(batch, domain.Mention{Platform: domain.PlatformBluesky, NativeID: "b" + nativeID(k), Author: domain.Author{Handle: "busy.bsky.social", Name: "Busy Bee", Followers: 900},
					Text: "acme on bluesky " + strconv.Itoa(k), CreatedAt: at.Add(2 * time.Second)})
			}
			if len(batch) >= 10000 {
				flush()
			}
		}
		flush()
		if cardFixtureErr != nil {
			return
		}
		for k := n - 5; k < n; k++ {
			if _, err := s.NewDraft("ana", domain.MentionKey(domain.PlatformX, nativeID(k)), domain.VisibilityPublic, "thanks, we are on it"); err != nil {
				cardFixtureErr = err
				return
			}
		}
		if _, err := s.LinkContacts("ana", ContactKey(domain.PlatformX, "@busy"), ContactKey(domain.PlatformBluesky, "busy.bsky.social")); err != nil {
			cardFixtureErr = err
			return
		}
		if _, err := s.TagContact("ana", ContactKey(domain.PlatformX, "@busy"), "vip"); err != nil {
			cardFixtureErr = err
			return
		}
		s.Close()
		cardFixtureErr = os.Rename(tmp, cardFixturePath)
	})
	if cardFixtureErr != nil {
		b.Fatal(cardFixtureErr)
	}
	return cardFixturePath
}

// BenchmarkContactCard opens the card of a contact with 100,000 mentions
// (linked to another handle): the person's totals, weekly sentiment, its
// ten newest mentions with our replies, link suggestions and history —
// what `contacts show` and the inbox's person panel read.
func BenchmarkContactCard(b *testing.B) {
	s, err := Open(cardFixture(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	key := ContactKey(domain.PlatformX, "@busy")
	// another contact's card first, as in a running app: what is timed is
	// this contact's pages, not the first use of the decoders
	if _, err := s.ContactCard(ContactKey(domain.PlatformMastodon, "@user1"), 10); err != nil {
		b.Fatal(err)
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		c, err := s.ContactCard(key, 10)
		times = append(times, time.Since(t))
		if err != nil {
			b.Fatal(err)
		}
		if c.Mentions != contactBenchN()+(contactBenchN()+999)/1000 || len(c.Recent) != 10 || len(c.Weeks) < 50 {
			b.Fatalf("card: %d mentions, %d recent, %d weeks", c.Mentions, len(c.Recent), len(c.Weeks))
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "ms-p99")
}
