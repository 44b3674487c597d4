package store_test

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"switchboard/domain"
	"switchboard/query"
	"switchboard/store"
)

// bruteStore is a store of mentions like the benchmark's, spread over its
// whole time span, with the fields the fixture keeps uniform made varied:
// every kind, languages with and without region (and in capitals), follower
// counts at every scale, handles and texts that JSON escapes, FYI marks;
// then operator actions and refetches that change indexed fields.
func bruteStore(t *testing.T, n int) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "brute.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := rand.New(rand.NewPCG(3, 4))
	langs := []string{"en", "en", "nl", "nl-BE", "NL-be", "de", "de-AT-x", "fr", ""}
	kinds := append([]domain.Kind{""}, domain.Kinds...)
	var ms []domain.Mention
	for range n {
		m := store.BenchMentions(uint64(r.Int64()), r.IntN(store.BenchN()), 1)[0]
		m.Kind = kinds[r.IntN(len(kinds))]
		m.Lang = langs[r.IntN(len(langs))]
		switch r.IntN(4) {
		case 0:
			m.Author.Followers = int64(r.IntN(120))
		case 1:
			m.Author.Followers = int64(r.IntN(100000))
		case 2:
			m.Author.Followers = int64(r.IntN(20_000_000))
		}
		switch r.IntN(12) {
		case 0:
			m.Author.Handle = `@quote"` + m.Author.Handle
		case 1:
			m.Author.Handle = "@<b>" + m.Author.Handle[1:]
		case 2:
			m.Text += ` "kind":"dm" "lang":"nl" "followers":5 "fyi":true \ café`
		}
		m.State.FYI = r.IntN(3) == 0
		ms = append(ms, m)
	}
	if _, err := s.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	// refetches that move a mention to another kind, language or band
	var re []domain.Mention
	for _, m := range ms[:n/10] {
		m.Kind = kinds[1+r.IntN(len(kinds)-1)]
		m.Lang = langs[r.IntN(len(langs)-1)]
		m.Author.Followers = int64(r.IntN(1_000_000))
		re = append(re, m)
	}
	if _, err := s.Ingest(re); err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	if err := s.Each(store.Filter{}, func(m *domain.Mention) bool { ids = append(ids, m.ID); return true }); err != nil {
		t.Fatal(err)
	}
	for _, a := range []store.Action{
		{Kind: domain.EventStatus, Value: string(domain.StatusDone)},
		{Kind: domain.EventTag, Value: "billing"},
		{Kind: domain.EventAssign, Value: "ana"},
		{Kind: domain.EventStatus, Value: string(domain.StatusOpen)},
	} {
		var pick []uint64
		for _, id := range ids {
			if r.IntN(5) == 0 {
				pick = append(pick, id)
			}
		}
		if _, err := s.Apply("bench", pick, a); err != nil && !errors.Is(err, store.ErrNoChange) {
			t.Fatal(err)
		}
	}
	// refetches after the actions: the record is written whole again
	re = re[:0]
	for _, m := range ms[n/10 : n/5] {
		m.Text += " edited"
		m.Author.Followers++
		re = append(re, m)
	}
	if _, err := s.Ingest(re); err != nil {
		t.Fatal(err)
	}
	if probs, err := s.Check(); err != nil || len(probs) != 0 {
		t.Fatalf("db check: %v %v", probs, err)
	}
	return s
}

// TestQueryAgreesWithBruteForce runs many random queries of the query
// language through every way the store answers them (Query page by page,
// Each, IDs, Count) and checks each against a decode-and-match scan of
// every record (Filter.Matches): the indexes and raw-record checks must
// neither lose nor add a mention, nor change the order.
func TestQueryAgreesWithBruteForce(t *testing.T) {
	s := bruteStore(t, 2000)
	var all []domain.Mention
	if err := s.Each(store.Filter{}, func(m *domain.Mention) bool { all = append(all, *m); return true }); err != nil {
		t.Fatal(err)
	}
	if len(all) < 1900 { // a few random positions repeat
		t.Fatalf("store holds %d mentions, want about 2000", len(all))
	}
	g := newQueryGen(9)
	o := query.Options{Me: "ana", Now: store.BenchEnd()}
	nonEmpty := 0
	for i := range 600 {
		expr := g.query()
		if i%5 == 0 {
			expr += " " + []string{"kind:dm", "lang:nl", "lang:NL-be", "followers:<50", "followers:100..120", "followers:>5m", "kind:review lang:de", "followers:<100000"}[i/5%8]
		}
		q, err := query.Parse(expr, o)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		f := q.Filter
		var want []uint64
		for _, m := range all {
			if f.Matches(&m) {
				want = append(want, m.ID)
			}
		}
		if f.Oldest {
			slices.Reverse(want)
		}
		if len(want) > 0 {
			nonEmpty++
		}
		var paged []uint64
		after := ""
		for {
			p, err := s.Query(f, after, 37)
			if err != nil {
				t.Fatalf("%s: %v", expr, err)
			}
			for _, m := range p.Mentions {
				paged = append(paged, m.ID)
			}
			if p.Next == "" {
				break
			}
			after = p.Next
		}
		var each []uint64
		if err := s.Each(f, func(m *domain.Mention) bool { each = append(each, m.ID); return true }); err != nil {
			t.Fatal(err)
		}
		ids, err := s.IDs(f)
		if err != nil {
			t.Fatal(err)
		}
		n, _, err := s.Count(f, 0)
		if err != nil {
			t.Fatal(err)
		}
		for what, got := range map[string][]uint64{"Query": paged, "Each": each, "IDs": ids} {
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %s gives %d mentions, a scan of every record %d\n got %v\nwant %v", expr, what, len(got), len(want), head(got), head(want))
			}
		}
		if n != len(want) {
			t.Fatalf("%s: Count %d, a scan %d", expr, n, len(want))
		}
	}
	if nonEmpty < 120 {
		t.Fatalf("only %d of 600 queries match anything: the test does not test much", nonEmpty)
	}
}

func head(ids []uint64) string {
	s := ""
	for i, id := range ids {
		if i == 8 {
			return s + " …"
		}
		s += " " + strconv.FormatUint(id, 10)
	}
	return s
}
