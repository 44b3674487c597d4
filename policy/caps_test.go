package policy

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// longestCapsRunRef is longestCapsRun as it was before it skipped the rest
// of a word once a lower-case letter showed it was not in capitals: the
// reference the faster one must agree with.
func longestCapsRunRef(s string) capsRun {
	var best, cur capsRun
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			i++ // ASCII that is not a letter
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		st := i
		letters, upper, lower := 0, 0, 0
		for i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				switch {
				case c >= 'A' && c <= 'Z':
					letters, upper, i = letters+1, upper+1, i+1
					continue
				case c >= 'a' && c <= 'z':
					letters, lower, i = letters+1, lower+1, i+1
					continue
				}
				break // ASCII, not a letter: the word ends
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsLetter(r) && !unicode.IsMark(r) {
				break
			}
			if unicode.IsLetter(r) {
				letters++
			}
			if unicode.IsUpper(r) {
				upper++
			} else if unicode.IsLower(r) {
				lower++
			}
			i += size
		}
		if letters >= 2 && upper > 0 && lower == 0 {
			if cur.n == 0 {
				cur.start = st
			}
			cur.end, cur.n = i, cur.n+1
			if cur.n > best.n {
				best = cur
			}
		} else if upper > 0 || lower > 0 {
			cur = capsRun{}
		}
	}
	return best
}

func TestLongestCapsRunMatchesReference(t *testing.T) {
	pieces := []string{"WORD", "Word", "word", "A", "a", "I", "OK", "ÉTÉ", "été", "Été", "ΑΒΓ", "αβ", "中文", "x\u0301", "X\u0301Y", "ǅ", "ǅA", " ", "  ", ", ", "-", "!", "\n", "1", "A1B", "É", "ÀB", "__", "İ", "ß"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50000 {
		var b strings.Builder
		for n := rng.IntN(12); n >= 0; n-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := b.String()
		if got, want := longestCapsRun(s), longestCapsRunRef(s); got != want {
			t.Fatalf("longestCapsRun(%q) = %+v, the reference says %+v", s, got, want)
		}
	}
	for _, s := range []string{draft280, "BUY NOW NOW NOW free", "STOP. CALL US NOW!", "ǅungla ǅUNGLA"} {
		if got, want := longestCapsRun(s), longestCapsRunRef(s); got != want {
			t.Errorf("longestCapsRun(%q) = %+v, the reference says %+v", s, got, want)
		}
	}
	if got := longestCapsRun("we SAY THIS LOUD ok"); got.n != 3 {
		t.Errorf("a run of three words in capitals measured %d", got.n)
	}
}
