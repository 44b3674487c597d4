package store

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/domain"
)

// benchN is the size of the benchmark store: SWITCHBOARD_BENCH_N, default
// 20,000 so that CI's one-iteration run stays quick. The figures in
// docs/benchmarks.md were measured with SWITCHBOARD_BENCH_N=1000000.
func benchN() int {
	if v, err := strconv.Atoi(os.Getenv("SWITCHBOARD_BENCH_N")); err == nil && v > 0 {
		return v
	}
	return 20000
}

var benchWords = strings.Fields(`order delivery refund app login password crash slow support price
	love great thanks broken late package store update account card payment help waiting
	bestelling levering terugbetaling inloggen kapot traag klantenservice prijs geweldig dank
	pakket winkel rekening wachten storing rocket skates portable hole jet bike anvil tornado
	kit giant magnet amsterdam utrecht rotterdam berlin london today yesterday week again still`)

// benchMentions generates n realistic mentions (Zipf-distributed words,
// every platform, a tenth tagged, some assigned), deterministic for seed.
// Mention number rareAt carries the word "zeldzaamwoord", found nowhere else.
func benchMentions(seed uint64, from, n, rareAt int) []domain.Mention {
	rng := rand.New(rand.NewPCG(seed, uint64(from)))
	zipf := rand.NewZipf(rng, 1.2, 2, uint64(len(benchWords)-1))
	out := make([]domain.Mention, n)
	base := time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC)
	for i := range out {
		k := from + i
		var sb strings.Builder
		for w := 0; w < 8+rng.IntN(16); w++ {
			sb.WriteString(benchWords[zipf.Uint64()])
			sb.WriteByte(' ')
		}
		sb.WriteString("@acme #")
		sb.WriteString(strconv.Itoa(k % 997))
		if k == rareAt {
			sb.WriteString(" zeldzaamwoord")
		}
		m := domain.Mention{
			Platform: domain.Platforms[rng.IntN(len(domain.Platforms))], NativeID: nativeID(k),
			Author:    domain.Author{ID: strconv.Itoa(k % 50000), Handle: "@user" + strconv.Itoa(k%50000), Name: "User " + strconv.Itoa(k%50000), Followers: int64(rng.IntN(100000))},
			Text:      sb.String(),
			Lang:      "en",
			CreatedAt: base.Add(time.Duration(k) * 30 * time.Second),
			Sentiment: rng.Float64()*2 - 1,
		}
		if k%10 == 0 {
			m.State.Tags = []string{[]string{"billing", "shipping", "bug", "praise"}[k%4]}
		}
		if k%7 == 0 {
			m.State.Assignee = []string{"ana", "bob", "cem"}[k%3]
			m.State.Status = domain.StatusPending
		}
		if k%3 == 0 {
			m.State.Status = domain.StatusDone
		}
		if k%11 == 0 {
			m.State.Team = []string{"support", "billing"}[k%2]
		}
		if k%5000 == 0 {
			m.State.IncidentID = "INC-" + strconv.Itoa(1+k/100000)
		}
		out[i] = m
	}
	return out
}

// fixtureVersion changes whenever benchMentions or the layout does (5:
// contacts and the author index), so an old fixture
// left in the temp directory is not reused.
const fixtureVersion = 5

// nativeID is a platform id like the real ones: X and Mastodon ids are
// fixed-width snowflakes that grow with time (Bluesky TIDs and Reddit's
// base-36 ids grow too), so new mentions' keys land at the end of the
// key index, as they do in production.
func nativeID(k int) string { return fmt.Sprintf("18%017d", k) }

var (
	fixtureOnce sync.Once
	fixturePath string
	fixtureErr  error
)

// fixture is a store holding benchN() mentions, built once and kept in the
// temp directory across runs (it is big at a million).
func fixture(b *testing.B) string {
	fixtureOnce.Do(func() {
		n := benchN()
		fixturePath = filepath.Join(os.TempDir(), fmt.Sprintf("switchboard-bench-v%d.%d-%d.db", SchemaVersion, fixtureVersion, n))
		if _, err := os.Stat(fixturePath); err == nil {
			return
		}
		tmp := fixturePath + ".building"
		os.Remove(tmp)
		s, err := Open(tmp, Options{})
		if err != nil {
			fixtureErr = err
			return
		}
		for from := 0; from < n; from += 10000 {
			if _, err := s.Ingest(benchMentions(1, from, min(10000, n-from), n/2)); err != nil {
				fixtureErr = err
				s.Close()
				return
			}
		}
		s.Close()
		fixtureErr = os.Rename(tmp, fixturePath)
	})
	if fixtureErr != nil {
		b.Fatal(fixtureErr)
	}
	return fixturePath
}

func copyFile(b testing.TB, src, dst string) {
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	// flush the copy now, or the kernel's write-back of it throttles the
	// writes being measured
	if err := out.Sync(); err != nil {
		b.Fatal(err)
	}
	out.Close()
}

// BenchmarkIngest stores batches of 1,000 new mentions into a store that
// already holds benchN() of them, every index and word search included.
func BenchmarkIngest(b *testing.B) {
	path := filepath.Join(b.TempDir(), "ingest.db")
	copyFile(b, fixture(b), path)
	s, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := 1000
	if v, err := strconv.Atoi(os.Getenv("SWITCHBOARD_BENCH_BATCH")); err == nil && v > 0 {
		batch = v
	}
	batches := make([][]domain.Mention, b.N)
	for i := range batches {
		batches[i] = benchMentions(2, benchN()+i*batch, batch, -1)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Ingest(batches[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "mentions/s")
	st, _ := s.Stats()
	b.ReportMetric(float64(st.FileSize)/float64(st.Mentions), "file-bytes/mention")
}

// BenchmarkOpenFirstPage opens the store and reads the newest 100.
func BenchmarkOpenFirstPage(b *testing.B) {
	path := fixture(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Open(path, Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		p, err := s.Query(Filter{}, "", 100)
		if err != nil || len(p.Mentions) != 100 {
			b.Fatalf("%d %v", len(p.Mentions), err)
		}
		s.Close()
	}
}

func benchQuery(b *testing.B, f Filter, wantSome bool) {
	s, err := Open(fixture(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := s.Query(f, "", 100)
		if err != nil {
			b.Fatal(err)
		}
		if wantSome && len(p.Mentions) == 0 {
			b.Fatal("query found nothing")
		}
	}
}

func BenchmarkQueryOneFilter(b *testing.B) {
	b.Run("status=open", func(b *testing.B) { benchQuery(b, Filter{Status: []domain.Status{domain.StatusOpen}}, true) })
	b.Run("tag=bug", func(b *testing.B) { benchQuery(b, Filter{Tags: []string{"bug"}}, true) })
	b.Run("assignee=ana", func(b *testing.B) { benchQuery(b, Filter{Assignees: []string{"ana"}}, true) })
	b.Run("platform=reddit", func(b *testing.B) { benchQuery(b, Filter{Platforms: []domain.Platform{domain.PlatformReddit}}, true) })
	b.Run("team=support", func(b *testing.B) { benchQuery(b, Filter{Teams: []string{"support"}}, true) })
	b.Run("incident=INC-1", func(b *testing.B) { benchQuery(b, Filter{Incidents: []string{"INC-1"}}, true) })
	b.Run("escalated", func(b *testing.B) { benchQuery(b, Filter{Escalated: true}, true) })
	b.Run("sentiment=negative", func(b *testing.B) { benchQuery(b, Filter{Bands: []domain.Band{domain.BandNegative}}, true) })
	b.Run("priority=normal", func(b *testing.B) { benchQuery(b, Filter{Priorities: []domain.Priority{domain.PriorityNormal}}, true) })
	b.Run("date-range", func(b *testing.B) {
		mid := time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC).Add(time.Duration(benchN()/2) * 30 * time.Second)
		benchQuery(b, Filter{Since: mid.Add(-24 * time.Hour), Until: mid}, true)
	})
}

func BenchmarkQueryTwoFilters(b *testing.B) {
	b.Run("open+negative", func(b *testing.B) {
		benchQuery(b, Filter{Status: []domain.Status{domain.StatusOpen}, Bands: []domain.Band{domain.BandNegative}}, true)
	})
	b.Run("tag=bug+platform=x", func(b *testing.B) {
		benchQuery(b, Filter{Tags: []string{"bug"}, Platforms: []domain.Platform{domain.PlatformX}}, true)
	})
	b.Run("pending+unassigned(rare)", func(b *testing.B) {
		benchQuery(b, Filter{Status: []domain.Status{domain.StatusPending}, Assignees: []string{""}}, false)
	})
}

func BenchmarkSearch(b *testing.B) {
	b.Run("rare", func(b *testing.B) { benchQuery(b, Filter{Text: "zeldzaamwoord"}, true) })
	b.Run("common", func(b *testing.B) { benchQuery(b, Filter{Text: "refund"}, true) })
	b.Run("two-words", func(b *testing.B) { benchQuery(b, Filter{Text: "refund delivery"}, true) })
	b.Run("word+status", func(b *testing.B) {
		benchQuery(b, Filter{Text: "storing", Status: []domain.Status{domain.StatusOpen}}, true)
	})
}
