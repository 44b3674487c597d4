package policy

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// The number detectors once each walked the whole text; they now share one
// pass (numberStarts). These are the walking versions: the shared-pass
// ones must find exactly the same spans.

func findCardsRef(s string) []span {
	var out []span
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && (isDigit(s[i-1]) || isWordAt(s, i-1) && s[i-1] < utf8.RuneSelf)) {
			continue
		}
		end, n := digitRun(s, i, " -")
		if n >= 13 && n <= 19 && s[i] >= '2' && s[i] <= '6' && !isWord(nextRune(s, end)) && Luhn(s[i:end]) {
			out = append(out, span{i, end})
		}
		i = end
	}
	return out
}

func findPhonesRef(s string, cards []span) []span {
	var out []span
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || c == '+' || c == '(') {
			continue
		}
		if i > 0 && (isDigit(s[i-1]) || isWord(prevRune(s, i)) || s[i-1] == '+') {
			continue
		}
		st := i
		j := i
		if c == '+' {
			j++
		}
		end, n := digitRun(s, j, " -.()")
		if end <= j {
			continue
		}
		if n >= 8 && n <= 15 && !isWord(nextRune(s, end)) && !looksLikeDate(s[st:end]) && !inSpans(cards, st) {
			if strings.Count(s[st:end], "(") == strings.Count(s[st:end], ")") {
				out = append(out, span{st, end})
			}
		}
		i = end
	}
	return out
}

func findIBANsRef(s string) []span {
	var out []span
	for i := 0; i+15 <= len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z') || !isDigit(s[i+2]) || !isDigit(s[i+3]) || !(s[i+1] >= 'A' && s[i+1] <= 'Z') {
			continue
		}
		if i > 0 && isWord(prevRune(s, i)) {
			continue
		}
		// Consume alphanumerics with single spaces between groups.
		j, last := i, i
		for j < len(s) && j-i < 42 {
			ch := s[j]
			if isDigit(ch) || (ch >= 'A' && ch <= 'Z') {
				j++
				last = j
				continue
			}
			if ch == ' ' && j+1 < len(s) && (isDigit(s[j+1]) || (s[j+1] >= 'A' && s[j+1] <= 'Z')) {
				j++
				continue
			}
			break
		}
		// Try the longest valid prefix ending at a group end.
		for e := last; e >= i+15; e-- {
			if e < len(s) && s[e] != ' ' && isWord(nextRune(s, e)) {
				continue
			}
			if IBANValid(s[i:e]) {
				out = append(out, span{i, e})
				i = e
				break
			}
		}
	}
	return out
}

func FuzzNumberDetectorsMatchReference(f *testing.F) {
	for _, s := range []string{"4111 1111 1111 1111", "NL91 ABNA 0417 1643 00 en NL91ABNA0417164300", "+31 6 1234 5678 (020) 123-4567",
		"12345678() 0612345678( +(31)612345678", "2024-01-15 15.01.2024 5555555555554444x", "a4111111111111111 ＋31612345678 ++31612345678",
		"GB82 WEST 1234 5698 7654 32 DE89370400440532013000", strings.Repeat("1 ", 40), "é4111111111111111 x+31612345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		starts := numberStarts(s, nil)
		cards, ibans := findCards(s, starts), findIBANs(s, starts)
		if want := findCardsRef(s); !reflect.DeepEqual(cards, want) {
			t.Fatalf("cards in %q: %v, reference %v", s, cards, want)
		}
		if want := findIBANsRef(s); !reflect.DeepEqual(ibans, want) {
			t.Fatalf("IBANs in %q: %v, reference %v", s, ibans, want)
		}
		excl := append(append([]span(nil), cards...), ibans...)
		if got, want := findPhones(s, starts, excl), findPhonesRef(s, excl); !reflect.DeepEqual(got, want) {
			t.Fatalf("phones in %q: %v, reference %v", s, got, want)
		}
	})
}

var _ = utf8.RuneSelf
