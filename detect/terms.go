package detect

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// unsafeString views b as a string without copying; the caller must not
// keep the string past the next change to b.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// stopwords are English and Dutch function words left out of top terms.
var stopwords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		a an the and or but if of to in on at for from by with about as into over after before
		is are was were be been being am do does did doing have has had having will would can could
		should shall may might must not no nor so than too very just also only then there here
		this that these those it its it's i me my we our us you your he him his she her they them
		their what which who whom why how when where all any some each every more most other such
		own same again still up down out off now dont don't cant can't im i'm ive i've get got
		de het een en of maar als dan van voor met op aan bij in uit over naar door om te tot
		is zijn was waren ben bent wordt worden werd heb hebt heeft hebben had kan kun kunnen
		zal zou wil wilt willen moet moeten niet geen wel nog al ook er hier daar dit dat die deze
		ik mij me mijn je jij jou jouw u uw we wij ons onze ze zij hun hen hij hem zijn haar het
		wat wie waarom hoe wanneer waar alle nu weer dus toch echt heel zo
		rt via amp http https www com`) {
		m[w] = true
	}
	return m
})

// topTerms counts the words of texts (lower-cased, at least three
// letters, no stopwords, handles, links or brand terms) and returns the n
// most frequent, ties in alphabetical order.
func topTerms(texts []string, excluded map[string]bool, n int) []Count {
	counts := map[string]int{}
	for _, t := range texts {
		seen := map[string]bool{}
		for _, f := range strings.Fields(t) {
			if strings.HasPrefix(f, "@") || strings.Contains(f, "://") {
				continue
			}
			w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r)
			}))
			if utf8.RuneCountInString(w) < 3 || stopwords()[w] || excluded[w] || seen[w] || !utf8.ValidString(w) {
				continue
			}
			seen[w] = true // count each term once per mention
			counts[w]++
		}
	}
	return topCounts(counts, n)
}

// topCounts returns the n largest counts, ties by key.
func topCounts(m map[string]int, n int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{Key: k, N: v})
	}
	slices.SortFunc(out, func(a, b Count) int {
		if c := cmp.Compare(b.N, a.N); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
