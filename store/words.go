package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxWordBytes caps one indexed word; longer runs are cut.
const maxWordBytes = 40

// maxWordsPerMention caps the distinct words indexed per mention.
const maxWordsPerMention = 96

// Words splits text into the search index's words: lower case, accents
// removed, split at anything that is not a letter or digit; Han, Hiragana,
// Katakana and Hangul characters are words of their own (those scripts do
// not separate words with spaces). Stop words are left out. The result has
// no duplicates and keeps first-seen order.
func Words(text string) []string {
	return appendWords(nil, text)
}

// appendWords appends the words of text that dst does not hold yet. A
// mention has a few dozen words at most (maxWordsPerMention), so a linear
// look in dst is cheaper than a map.
func appendWords(dst []string, text string) []string {
	foldWords(text, func(w []byte) {
		if isStopWord(w) {
			return
		}
		for _, d := range dst {
			if d == string(w) {
				return
			}
		}
		if len(dst) >= maxWordsPerMention {
			return
		}
		dst = append(dst, string(w))
	})
	return dst
}

// Tokens are the words of text folded as Words folds them, in order, with
// repeats and stop words: what a phrase or a prefix is matched against.
func Tokens(text string) []string {
	var out []string
	foldWords(text, func(w []byte) { out = append(out, string(w)) })
	return out
}

// foldWords calls fn with each word of text: lower case, accents removed,
// split at anything that is not a letter or digit, each Han, Hiragana,
// Katakana and Hangul character a word of its own. w is only valid during
// the call.
func foldWords(text string, fn func(w []byte)) {
	var buf [maxWordBytes]byte
	n := 0
	flush := func() {
		if n == 0 {
			return
		}
		w := buf[:n]
		n = 0
		fn(w)
	}
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		text = norm.NFKD.String(text)
	}
	for _, r := range text {
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
				if n < maxWordBytes {
					buf[n] = c
					n++
				}
				continue
			}
			flush()
		case unicode.Is(unicode.Mn, r):
			// combining mark: dropped, so "café" is "cafe"
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			flush()
			n = utf8.EncodeRune(buf[:], unicode.ToLower(r))
			flush()
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if n+utf8.RuneLen(r) <= maxWordBytes {
				n += utf8.EncodeRune(buf[n:], r)
			}
		default:
			flush()
		}
	}
	flush()
}

var stopWords = func() map[string]struct{} {
	m := map[string]struct{}{}
	// English and Dutch function words: too common to be worth an index
	// entry, and searching for them finds nothing useful.
	for _, w := range strings.Fields(`a an and are as at be but by for from has have i in is it its
		me my of on or our so that the their them they this to was we were with you your
		de het een en van in is dat op te met voor niet zijn er aan ik je we wij jij hij zij
		ze die dan maar om ook als bij of uit nog wel naar heb hebben was`) {
		m[w] = struct{}{}
	}
	return m
}()

func isStopWord(w []byte) bool {
	if len(w) > 8 {
		return false
	}
	_, ok := stopWords[string(w)]
	return ok
}
