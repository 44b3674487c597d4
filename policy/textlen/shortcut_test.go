package textlen

import (
	"math/rand/v2"
	"testing"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// TestNextClusterShortcut checks NextCluster's shortcut against the
// segmenter for every pair it covers (a rune below U+0600, then one below
// U+0300, or a dash, quote or bullet first), followed by a rune that could extend a cluster if the shortcut
// were wrong about its start.
func TestNextClusterShortcut(t *testing.T) {
	var firsts []rune
	for r := rune(0); r < 0x600; r++ {
		firsts = append(firsts, r)
	}
	for r := rune(0x2010); r < 0x2028; r++ {
		firsts = append(firsts, r)
	}
	for _, r1 := range firsts {
		for r2 := rune(0); r2 < 0x380; r2++ { // past U+0300, so a shortcut taken too far fails here
			for _, tail := range []string{"", "x", "\u0301", "\u200d\u00a9"} {
				s := string(r1) + string(r2) + tail
				want, _, _, _ := uniseg.FirstGraphemeClusterInString(s, -1)
				if got := NextCluster(s); got != len(want) {
					t.Fatalf("NextCluster(%+q) = %d, the segmenter says %d", s, got, len(want))
				}
			}
		}
	}
	// A rune alone, and the runes the shortcut leaves to the segmenter.
	for _, s := range []string{"é", "\r\n", "a\u0301", "e\u0308\u0301x", "\u0600a", "👍🏽", "🇳🇱", "\u00a9\u200d", "\u2028a", "\u200da", "—\u0301"} {
		want, _, _, _ := uniseg.FirstGraphemeClusterInString(s, -1)
		if got := NextCluster(s); got != len(want) {
			t.Errorf("NextCluster(%+q) = %d, the segmenter says %d", s, got, len(want))
		}
	}
}

// TestIsNFC checks that isNFC agrees with the normalizer: on every pair of
// runes drawn from ASCII and the runes nfcSafe vouches for, on random
// longer texts of them, and on texts that are not in NFC.
func TestIsNFC(t *testing.T) {
	var alphabet []rune
	for r := rune(0); r < 0x80; r++ {
		alphabet = append(alphabet, r)
	}
	safe := 0
	for _, rg := range nfcSafeRanges {
		for r := rg[0]; r < rg[1]; r++ {
			if nfcSafe(r) {
				alphabet = append(alphabet, r)
				safe++
			}
		}
	}
	if safe < 500 {
		t.Fatalf("only %d runes are vouched for; the table is not being built", safe)
	}
	for _, a := range alphabet {
		for _, b := range alphabet {
			s := string(a) + string(b)
			if got, want := isNFC(s), norm.NFC.IsNormalString(s); got != want {
				t.Fatalf("isNFC(%+q) = %v, norm says %v", s, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		rs := make([]rune, 1+rng.IntN(12))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if !isNFC(string(rs)) || !norm.NFC.IsNormalString(string(rs)) {
			t.Fatalf("%+q: isNFC %v, norm %v", string(rs), isNFC(string(rs)), norm.NFC.IsNormalString(string(rs)))
		}
	}
	// Not in NFC: a decomposed accent, a singleton (U+2000 is U+2002 in NFC),
	// the Ångström sign, marks out of order.
	for _, s := range []string{"Cafe\u0301 — ok", "a\u2000b", "\u212b", "a\u0301\u0316", "café \u0344"} {
		if isNFC(s) || isNFC(s) != norm.NFC.IsNormalString(s) {
			t.Errorf("isNFC(%+q) = %v, norm says %v", s, isNFC(s), norm.NFC.IsNormalString(s))
		}
	}
}

func TestASCIIPrefix(t *testing.T) {
	base := "0123456789abcdefghij"
	for n := 0; n <= len(base); n++ {
		for _, tail := range []string{"", "é", "\xff", "a\u2014"} {
			s := base[:n] + tail
			want := n
			if tail == "a\u2014" {
				want++
			}
			if got := ASCIIPrefix(s); got != want {
				t.Errorf("ASCIIPrefix(%q) = %d, want %d", s, got, want)
			}
		}
	}
}
