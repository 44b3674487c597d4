package policy

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestAutomatonMatchesNaive scans texts with automata of 16-bit and of
// 32-bit states and compares every hit with a naive search.
func TestAutomatonMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcdefghijklmnopqrstuvwxyz é"[rng.IntN(28)]
		}
		return string(b)
	}
	for _, c := range []struct {
		terms, length int
		wide, offsets bool
	}{{200, 6, false, true}, {3000, 6, false, false}, {8000, 20, true, false}} {
		terms := []string{"ab", "b", "abc"} // overlapping, and one a suffix of another
		for len(terms) < c.terms {
			terms = append(terms, word(2+rng.IntN(c.length)))
		}
		a := buildAutomaton(terms)
		if (a.delta16 == nil) != c.wide || a.offsets != c.offsets {
			t.Fatalf("%d terms: 32-bit table %v, row offsets %v, want %v, %v", len(terms), a.delta16 == nil, a.offsets, c.wide, c.offsets)
		}
		var text strings.Builder
		for range 300 {
			text.WriteString(terms[rng.IntN(len(terms))])
			text.WriteString(word(rng.IntN(4)))
		}
		s := text.String()
		var got, want [][2]int
		a.scan([]byte(s), func(term int32, end int) { got = append(got, [2]int{int(term), end}) })
		for ti, term := range terms {
			for i := 0; ; {
				j := strings.Index(s[i:], term)
				if j < 0 {
					break
				}
				want = append(want, [2]int{ti, i + j + len(term)})
				i += j + 1
			}
		}
		less := func(h [][2]int) func(i, j int) bool {
			return func(i, j int) bool { return h[i][1] < h[j][1] || h[i][1] == h[j][1] && h[i][0] < h[j][0] }
		}
		sort.Slice(got, less(got))
		sort.Slice(want, less(want))
		if len(want) < 300 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%d terms: %d hits, naive %d", len(terms), len(got), len(want))
		}
	}
}
