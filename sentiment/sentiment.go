// Package sentiment scores the sentiment of a short text offline, for
// English and Dutch, in the manner of VADER (Hutto & Gilbert, 2014): a
// valence lexicon plus rules for negation, intensifiers, contrast ("but",
// "maar"), capitals, exclamation marks, emoji and emoticons, summed and
// squashed into a compound score in [-1, 1].
//
// The lexicons are compact and written for brand mentions (complaints,
// outages, fraud, praise); they are not VADER's own list. Text in another
// language gets a neutral fallback: only emoji and emoticons count.
//
// github.com/jonreiter/govader (MIT, ships VADER's 7,500-word lexicon)
// was considered and not used: it is English only, so Dutch would need
// this engine anyway, and it pulls in gonum and unpacks its lexicon at
// start-up; see docs/benchmarks.md.
//
// Score is pure, safe for concurrent use and allocation-free for texts up
// to a few hundred words.
package sentiment

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

const (
	bIncr    = 0.293 // intensifier step ("very good")
	bDecr    = -0.293
	nScalar  = -0.74 // negation flips and dampens ("not good")
	capsIncr = 0.733 // an ALL CAPS word in mixed-case text
	exclStep = 0.292 // per "!", up to four
	alpha    = 15.0  // compound normalisation, as in VADER
)

// Language identifiers accepted by Score besides "" (guess).
const (
	English = "en"
	Dutch   = "nl"
)

type language struct {
	name  string
	lex   map[string]float64
	boost map[string]float64
	neg   map[string]bool
	but   map[string]bool
	fn    map[string]bool
	stop  map[string]bool
	// prefixes that intensify a compound word ("superslecht").
	boostPrefix []string
	// prefixes that make a compound word negative ("kutapp").
	negPrefix []string
}

// wordLists are the lexicons and the other word lists, built on first
// use: a process that never scores (switchboard check) does not build them.
type wordLists struct {
	en, nl    *language
	emoji     map[rune]float64
	emoticons map[string]float64
	// noNegate are complaint nouns that stay negative when negated: "no
	// refund", "geen terugbetaling".
	noNegate map[string]bool
}

var lists = sync.OnceValue(func() *wordLists {
	return &wordLists{
		en: &language{name: English, lex: newLexEN(), boost: newBoostEN(), neg: newNegEN(), but: newButEN(), fn: newFunctionEN(),
			stop: newStopEN(), boostPrefix: []string{"super", "mega", "ultra"}},
		nl: &language{name: Dutch, lex: newLexNL(), boost: newBoostNL(), neg: newNegNL(), but: newButNL(), fn: newFunctionNL(),
			stop: newStopNL(), boostPrefix: []string{"super", "mega", "kei", "bere", "oer", "hyper", "loei"},
			negPrefix: []string{"kut", "klote", "tering", "kanker"}},
		emoji:     newEmoji(),
		emoticons: newEmoticons(),
		noNegate: map[string]bool{
			"refund": true, "refunds": true, "terugbetaling": true, "restitutie": true, "compensatie": true,
		},
	}
})

// token is one word, emoji or emoticon of the text.
type token struct {
	lo, hi int32   // the lower-cased word in the scratch buffer
	sent   int32   // sentence number, to scope negation and intensifiers
	emo    float64 // valence of an emoji or emoticon
	isEmo  bool
	caps   bool // ALL CAPS word of two or more letters
}

// scan holds one text split into tokens, with fixed-size backing arrays
// so that ordinary mentions need no heap allocation.
type scan struct {
	toks     []token
	buf      []byte
	excl     int
	quest    int
	hasLower bool
}

// newScan tokenizes text into the caller's backing arrays (kept in the
// caller's frame so they stay on the stack).
func newScan(text string, toks []token, buf []byte) scan {
	var z tokenizer
	toks, buf = z.split(text, toks, buf)
	return scan{toks: toks, buf: buf, excl: z.excl, quest: z.quest, hasLower: z.hasLower}
}

// word is token t's lower-cased text. It aliases the scratch buffer, so it
// is only valid during the Score call and is never stored: it serves map
// lookups without copying.
func (s *scan) word(t token) string {
	if t.hi == t.lo {
		return ""
	}
	return unsafe.String(&s.buf[t.lo], int(t.hi-t.lo))
}

// Score returns the compound sentiment of text in [-1, 1]: below -0.05
// is negative, above 0.05 positive (see domain.SentimentBand). lang is a
// BCP 47 tag or prefix ("en", "nl", "nl-BE"); "" or "und" guesses between
// English and Dutch from frequent function words; any other language is
// scored by emoji and emoticons only.
func Score(text, lang string) float64 {
	var tokArr [96]token
	var bufArr [640]byte
	s := newScan(text, tokArr[:0], bufArr[:0])
	if len(s.toks) == 0 {
		return 0
	}
	var l *language
	switch normLang(lang) {
	case English:
		l = lists().en
	case Dutch:
		l = lists().nl
	case "":
		l = s.guess()
	}
	return s.score(l)
}

// Guess reports which of English ("en") and Dutch ("nl") text is more
// likely written in, by counting frequent function words and lexicon
// words. It is a cheap heuristic for short mentions, not a language
// identifier; ties go to English.
func Guess(text string) string {
	var tokArr [96]token
	var bufArr [640]byte
	s := newScan(text, tokArr[:0], bufArr[:0])
	return s.guess().name
}

// normLang maps a language tag to "en", "nl", "" (guess) or "other".
func normLang(lang string) string {
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	switch {
	case lang == "" || strings.EqualFold(lang, "und"):
		return ""
	case strings.EqualFold(lang, "en"):
		return English
	case strings.EqualFold(lang, "nl"):
		return Dutch
	}
	return "other"
}

func (s *scan) guess() *language {
	w := lists()
	langEN, langNL := w.en, w.nl
	var en, nl, enLex, nlLex int
	for _, t := range s.toks {
		if t.isEmo {
			continue
		}
		word := s.buf[t.lo:t.hi]
		if langEN.stop[string(word)] {
			en++
		}
		if langNL.stop[string(word)] {
			nl++
		}
		if _, ok := langEN.lex[string(word)]; ok {
			enLex++
		}
		if _, ok := langNL.lex[string(word)]; ok {
			nlLex++
		}
	}
	switch {
	case nl > en:
		return langNL
	case en > nl:
		return langEN
	case nlLex > enLex:
		return langNL
	}
	return langEN
}

// tokenizer splits a text into tokens. Its slices are passed and returned
// by value (never appended through a pointer) so that the caller's
// fixed-size backing arrays can stay on the stack.
type tokenizer struct {
	excl, quest int
	hasLower    bool
}

// split tokenizes text: whitespace-separated fields, each an emoticon, a
// URL (skipped) or a run of words, emoji and punctuation.
func (z *tokenizer) split(text string, toks []token, buf []byte) ([]token, []byte) {
	sent := int32(0)
	for len(text) > 0 {
		r, n := utf8.DecodeRuneInString(text)
		if unicode.IsSpace(r) {
			text = text[n:]
			continue
		}
		end := 0
		for end < len(text) {
			r, n := utf8.DecodeRuneInString(text[end:])
			if unicode.IsSpace(r) {
				break
			}
			end += n
		}
		toks, buf, sent = z.field(text[:end], sent, toks, buf)
		text = text[end:]
	}
	return toks, buf
}

func (z *tokenizer) field(f string, sent int32, toks []token, buf []byte) ([]token, []byte, int32) {
	if strings.Contains(f, "://") || hasPrefixFold(f, "www.") {
		return toks, buf, sent
	}
	if v, ok := emoticon(f); ok {
		return append(toks, token{sent: sent, emo: v, isEmo: true}), buf, sent
	}
	if trimmed := strings.TrimRight(f, ".,!?;"); trimmed != f && len(trimmed) > 0 {
		if v, ok := emoticon(trimmed); ok {
			z.excl += strings.Count(f[len(trimmed):], "!")
			z.quest += strings.Count(f[len(trimmed):], "?")
			return append(toks, token{sent: sent, emo: v, isEmo: true}), buf, sent + 1
		}
	}
	start := -1       // start of the current word in f
	skipping := false // inside an @handle
	for i := 0; i < len(f); {
		r, n := utf8.DecodeRuneInString(f[i:])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_':
			if start < 0 && !skipping {
				start = i
			}
		case (r == '\'' || r == '’' || r == '-') && start >= 0:
			// inside a word: "don't", "rip-off"
		case r == '@' && start < 0:
			skipping = true
		default:
			if start >= 0 {
				toks, buf = z.addWord(f[start:i], sent, toks, buf)
				start = -1
			}
			skipping = false
			switch r {
			case '!':
				z.excl++
				sent++
			case '?':
				z.quest++
				sent++
			case '.', ';', ',', ':':
				sent++ // negation and intensifiers stop at a clause
			default:
				if v, ok := lists().emoji[r]; ok {
					toks = append(toks, token{sent: sent, emo: v, isEmo: true})
				}
			}
		}
		i += n
	}
	if start >= 0 && !skipping {
		toks, buf = z.addWord(f[start:], sent, toks, buf)
	}
	return toks, buf, sent
}

// addWord lower-cases w into buf, dropping apostrophes and trailing
// hyphens, and records its capitalisation.
func (z *tokenizer) addWord(w string, sent int32, toks []token, buf []byte) ([]token, []byte) {
	lo := len(buf)
	letters, upper := 0, 0
	for _, r := range w {
		switch {
		case r == '\'' || r == '’':
			continue
		case unicode.IsUpper(r):
			letters++
			upper++
			r = unicode.ToLower(r)
		case unicode.IsLetter(r):
			letters++
			z.hasLower = true
		}
		buf = utf8.AppendRune(buf, r)
	}
	for len(buf) > lo && buf[len(buf)-1] == '-' {
		buf = buf[:len(buf)-1]
	}
	if len(buf) == lo {
		return toks, buf
	}
	return append(toks, token{lo: int32(lo), hi: int32(len(buf)), sent: sent, caps: letters >= 2 && upper == letters}), buf
}

func emoticon(f string) (float64, bool) {
	if len(f) < 2 || len(f) > 4 {
		return 0, false
	}
	var b [4]byte
	for i := 0; i < len(f); i++ {
		c := f[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	v, ok := lists().emoticons[string(b[:len(f)])]
	return v, ok
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// score sums the valences of the tokens under language l (nil: emoji and
// emoticons only) and normalises the sum.
func (s *scan) score(l *language) float64 {
	mixed := s.hasLower // ALL CAPS only stands out in mixed-case text
	var pre, post float64
	butSeen := false
	for i, t := range s.toks {
		var v float64
		switch {
		case t.isEmo:
			v = t.emo
		case l == nil:
			continue
		default:
			w := s.word(t)
			if l.but[w] {
				if !butSeen {
					butSeen = true
				}
				continue
			}
			v = s.valence(l, i, w, mixed)
		}
		if butSeen {
			post += v
		} else {
			pre += v
		}
	}
	sum := pre
	if butSeen {
		sum = 0.5*pre + 1.5*post
	}
	if sum == 0 {
		return 0
	}
	emph := float64(min(s.excl, 4)) * exclStep
	if s.quest > 1 {
		if s.quest <= 3 {
			emph += float64(s.quest) * 0.18
		} else {
			emph += 0.96
		}
	}
	if sum > 0 {
		sum += emph
	} else {
		sum -= emph
	}
	c := sum / math.Sqrt(sum*sum+alpha)
	return max(-1, min(1, c))
}

// valence is the contribution of word w at token i.
func (s *scan) valence(l *language, i int, w string, mixed bool) float64 {
	t := s.toks[i]
	v, ok := l.lex[w]
	if ok {
		// An intensifier that is also a word of its own ("super",
		// "damn") only intensifies when a sentiment word follows.
		if _, isBoost := l.boost[w]; isBoost && i+1 < len(s.toks) && s.hasValence(l, i+1) {
			return 0
		}
	} else {
		v = compound(l, w)
	}
	negated := s.negated(l, i)
	if v == 0 {
		if l.fn[w] && (negated || s.negatedAfter(l, i)) {
			return -1.8 // "doesn't work", "werkt niet"
		}
		return 0
	}
	sign := 1.0
	if v < 0 {
		sign = -1
	}
	if t.caps && mixed {
		v += sign * capsIncr
	}
	decay := [3]float64{1, 0.95, 0.9}
	for k := 1; k <= 3 && i-k >= 0; k++ {
		p := s.toks[i-k]
		if p.isEmo || p.sent != t.sent {
			break
		}
		b := l.boost[s.word(p)]
		if b == 0 {
			continue
		}
		b *= sign
		if p.caps && mixed {
			b += sign * capsIncr
		}
		v += b * decay[k-1]
	}
	if negated && !lists().noNegate[w] {
		v *= nScalar
	}
	return v
}

// compound scores a word missing from the lexicon that is an intensifying
// or swearing prefix plus a known word: "superslecht", "kutservice".
func compound(l *language, w string) float64 {
	for _, p := range l.boostPrefix {
		if len(w) > len(p)+2 && strings.HasPrefix(w, p) {
			if v, ok := l.lex[strings.TrimPrefix(w[len(p):], "-")]; ok && v != 0 {
				if v > 0 {
					return v + bIncr*2
				}
				return v - bIncr*2
			}
		}
	}
	for _, p := range l.negPrefix {
		if len(w) > len(p)+2 && strings.HasPrefix(w, p) {
			return -2.5
		}
	}
	return 0
}

func (s *scan) hasValence(l *language, i int) bool {
	t := s.toks[i]
	if t.isEmo {
		return false
	}
	v, ok := l.lex[s.word(t)]
	return ok && v != 0 || compound(l, s.word(t)) != 0
}

// negated reports whether one of the three words before token i, in the
// same sentence, is a negator.
func (s *scan) negated(l *language, i int) bool {
	t := s.toks[i]
	for k := 1; k <= 3 && i-k >= 0; k++ {
		p := s.toks[i-k]
		if p.isEmo || p.sent != t.sent {
			return false
		}
		w := s.word(p)
		if l.neg[w] {
			return true
		}
	}
	return false
}

// negatedAfter reports a negator within two words after token i in the
// same sentence: Dutch "het werkt niet", "doet het niet".
func (s *scan) negatedAfter(l *language, i int) bool {
	if l == nil || l.name != Dutch {
		return false
	}
	t := s.toks[i]
	for k := 1; k <= 2 && i+k < len(s.toks); k++ {
		p := s.toks[i+k]
		if p.isEmo || p.sent != t.sent {
			return false
		}
		if l.neg[s.word(p)] {
			return true
		}
	}
	return false
}
