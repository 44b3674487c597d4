package store_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/query"
	"switchboard/store"
)

// queryGen draws random queries from the query language, with values the
// benchmark fixture holds and some it does not (a tag nobody uses, a
// language or kind no mention has, an author who never wrote): those are
// the queries whose first page costs the most, since nothing stops the
// walk early.
type queryGen struct {
	r    *rand.Rand
	zipf *rand.Zipf
	n    int
}

func newQueryGen(seed uint64) *queryGen {
	r := rand.New(rand.NewPCG(seed, 7))
	return &queryGen{r: r, zipf: rand.NewZipf(r, 1.2, 2, uint64(len(store.BenchWords)-1)), n: store.BenchN()}
}

func (g *queryGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

// word is a searched word: mostly as common as in the texts, some drawn
// evenly from the vocabulary, some rare or absent.
func (g *queryGen) word() string {
	switch p := g.r.IntN(10); {
	case p < 6:
		return store.BenchWords[g.zipf.Uint64()]
	case p < 9:
		return store.BenchWords[g.r.IntN(len(store.BenchWords))]
	default:
		return g.pick("zeldzaamwoord", "nergens", strconv.Itoa(g.r.IntN(997)), "acme")
	}
}

// phrase is two or three words: half of them a run from a text like the
// fixture's (so it occurs), half words side by side that may never be.
func (g *queryGen) phrase() string {
	n := 2 + g.r.IntN(2)
	if g.r.IntN(2) == 0 {
		ws := strings.Fields(store.BenchMentions(uint64(g.r.Int64()), g.r.IntN(1<<30), 1)[0].Text)
		i := g.r.IntN(len(ws) - n - 2)
		return strings.Join(ws[i:i+n], " ")
	}
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	return strings.Join(ws, " ")
}

func (g *queryGen) term() string {
	switch g.r.IntN(16) {
	case 0:
		return g.word()
	case 1:
		return `"` + g.phrase() + `"`
	case 2:
		if g.r.IntN(8) == 0 {
			return g.pick("qx*", "zz*", "xyl*")
		}
		w := g.word()
		return w[:min(len(w), 2+g.r.IntN(3))] + "*"
	case 3:
		return "-" + g.word()
	case 4:
		a := func() string { return "@user" + strconv.Itoa(g.r.IntN(60000)) } // 50,000 write
		if g.r.IntN(6) == 0 {
			return "author:" + a() + "," + a()
		}
		return "author:" + a()
	case 5:
		if g.r.IntN(5) == 0 {
			return "tag:billing,bug"
		}
		return "tag:" + g.pick("billing", "shipping", "bug", "praise")
	case 6:
		return "team:" + g.pick("support", "billing", "none")
	case 7:
		return "assignee:" + g.pick("none", "none", "ana", "bob", "cem")
	case 8:
		p := func() string { return string(domain.Platforms[g.r.IntN(len(domain.Platforms))]) }
		if g.r.IntN(5) == 0 {
			return "platform:" + p() + "," + p()
		}
		return "platform:" + p()
	case 9:
		return "kind:" + string(domain.Kinds[g.r.IntN(len(domain.Kinds))])
	case 10:
		return "is:" + g.pick("open", "pending", "snoozed", "done", "unassigned", "overdue")
	case 11:
		return "sentiment:" + g.pick("negative", "neutral", "positive")
	case 12:
		return "lang:" + g.pick("en", "en", "nl", "de", "nl-BE", "fr")
	case 13:
		k := g.pick("after", "before")
		if g.r.IntN(3) == 0 {
			d := store.BenchEnd().Add(-time.Duration(g.r.IntN(int(g.n)*30)) * time.Second)
			return k + ":" + d.Format("2006-01-02")
		}
		return k + ":" + g.pick("1d", "7d", "30d", "90d", "180d", "24h")
	case 14:
		n := g.pick("10", "100", "1k", "5k", "10k", "50k", "90k", "99k", "99900")
		switch g.r.IntN(4) {
		case 0:
			return "followers:<" + n
		case 1:
			return "followers:" + n + ".." + g.pick("20k", "60k", "100k")
		default:
			return "followers:>" + n
		}
	default:
		return "sort:oldest"
	}
}

// query is 1–3 terms.
func (g *queryGen) query() string {
	ts := make([]string, 1+g.r.IntN(3))
	for i := range ts {
		ts[i] = g.term()
	}
	return strings.Join(ts, " ")
}

type timedQuery struct {
	expr  string
	d     time.Duration
	found int
}

// BenchmarkQueryLanguage runs the first page (100) of 1,000 random queries
// of the query language (1–3 terms each, parsed with query.Parse) on the
// benchmark store, and reports the p50, p99 and slowest first page.
func BenchmarkQueryLanguage(b *testing.B) {
	s, err := store.Open(store.Fixture(b), store.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g := newQueryGen(1)
	o := query.Options{Me: "ana", Now: store.BenchEnd()}
	exprs := make([]string, 1000)
	filters := make([]store.Filter, len(exprs))
	for i := range exprs {
		exprs[i] = g.query()
		q, err := query.Parse(exprs[i], o)
		if err != nil {
			b.Fatalf("%s: %v", exprs[i], err)
		}
		filters[i] = q.Filter
	}
	var all []timedQuery
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, f := range filters {
			t := time.Now()
			p, err := s.Query(f, "", 100)
			d := time.Since(t)
			if err != nil {
				b.Fatalf("%s: %v", exprs[j], err)
			}
			all = append(all, timedQuery{exprs[j], d, len(p.Mentions)})
		}
	}
	b.StopTimer()
	slices.SortFunc(all, func(a, b timedQuery) int { return int(a.d - b.d) })
	at := func(q float64) float64 { return ms(all[min(len(all)-1, int(q*float64(len(all))))].d) }
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(ms(all[len(all)-1].d), "max-ms")
	b.ReportMetric(0, "ns/op")
	for _, q := range all[max(0, len(all)-12):] {
		b.Logf("%8.2f ms %4d found  %s", ms(q.d), q.found, q.expr)
	}
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// bulkExpr selects about a tenth of the fixture (114,000 of 1,000,000).
const bulkExpr = "platform:x is:open"

var (
	bulkOnce sync.Once
	bulkPath string
)

// bulkStore is a writable copy of the fixture, shared by the bulk
// benchmarks (each leaves it as it found it: what they close they undo).
func bulkStore(b *testing.B) *store.Store {
	bulkOnce.Do(func() {
		bulkPath = filepath.Join(os.TempDir(), fmt.Sprintf("switchboard-bulk-%d-%d.db", store.BenchN(), os.Getpid()))
		store.CopyFile(b, store.Fixture(b), bulkPath)
		store.AfterTests(func() { os.Remove(bulkPath) })
	})
	s, err := store.Open(bulkPath, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// selectAll collects the ids of every mention expr matches, page by page,
// as the inbox's "select all matching" does (pages of 5,000).
func selectAll(b *testing.B, s *store.Store, expr string) []uint64 {
	q, err := query.Parse(expr, query.Options{Now: store.BenchEnd()})
	if err != nil {
		b.Fatal(err)
	}
	var ids []uint64
	after := ""
	for {
		p, err := s.Query(q.Filter, after, 5000)
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range p.Mentions {
			ids = append(ids, m.ID)
		}
		if p.Next == "" {
			return ids
		}
		after = p.Next
	}
}

var closeAction = store.Action{Kind: domain.EventStatus, Value: string(domain.StatusDone)}

// BenchmarkSelectAllClose selects every match of a query holding a tenth
// of the store and closes them with one Apply; the undo after each
// iteration is not timed.
func BenchmarkSelectAllClose(b *testing.B) {
	s := bulkStore(b)
	var sel, apply time.Duration
	n := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		ids := selectAll(b, s, bulkExpr)
		t1 := time.Now()
		evs, err := s.Apply("bench", ids, closeAction)
		if err != nil {
			b.Fatal(err)
		}
		sel, apply, n = sel+t1.Sub(t), apply+time.Since(t1), len(evs)
		b.StopTimer()
		if _, err := s.Undo("bench"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n), "mentions")
	b.ReportMetric(ms(sel)/float64(b.N), "select-ms")
	b.ReportMetric(ms(apply)/float64(b.N), "apply-ms")
}

// BenchmarkUndoClose undoes the close of a tenth of the store (one
// Store.Undo); the select and close before each iteration are not timed.
func BenchmarkUndoClose(b *testing.B) {
	s := bulkStore(b)
	n := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ids := selectAll(b, s, bulkExpr)
		if _, err := s.Apply("bench", ids, closeAction); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		evs, err := s.Undo("bench")
		if err != nil {
			b.Fatal(err)
		}
		n = len(evs)
	}
	b.ReportMetric(float64(n), "mentions")
}
