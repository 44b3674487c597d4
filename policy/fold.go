package policy

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"switchboard/policy/confusable"
	"switchboard/policy/textlen"
)

// folded is a text reduced for term matching: compatibility-decomposed,
// accents dropped, default-ignorable code points removed, look-alike
// letters of other scripts made the Latin letter they imitate (UTS #39
// confusables), lower-cased, whitespace runs collapsed to one space,
// typographic apostrophes and hyphens made ASCII. src maps every folded
// byte to the byte offset of the original rune it came from.
type folded struct {
	b   []byte
	src []int32
}

// isAccent reports whether r is a combining mark that only decorates a
// letter (Latin, Greek, Cyrillic diacritics, Hebrew points, Arabic
// harakat); marks that change a letter in other scripts are kept.
func isAccent(r rune) bool {
	return (r >= 0x300 && r <= 0x36F) || (r >= 0x1AB0 && r <= 0x1AFF) || (r >= 0x1DC0 && r <= 0x1DFF) ||
		(r >= 0x20D0 && r <= 0x20DC) || (r >= 0xFE20 && r <= 0xFE2F) || (r >= 0x591 && r <= 0x5C7) ||
		(r >= 0x64B && r <= 0x65F) || r == 0x670
}

func foldRune(r rune) rune {
	switch r {
	case '\u2019', '\u2018', '\u02BC', '\u2032', '`':
		return '\''
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2212':
		return '-'
	case 'ς':
		r = 'σ'
	case '\uFF03':
		return '#'
	case '\uFF20':
		return '@'
	}
	r = unicode.ToLower(r)
	if b, ok := confusable.Latin(r); ok {
		return rune(b) // а, ο, Ꭺ: the Latin letter it imitates
	}
	return r
}

// asciiFold is the fold of each ASCII byte: lower case, whitespace to ' ',
// the backtick to an apostrophe.
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		t[c] = byte(c)
		switch {
		case c >= 'A' && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		case c == '`':
			t[c] = '\''
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			t[c] = ' '
		}
	}
	return t
}()

// fold appends the folded form of s to f.
func (f *folded) fold(s string) {
	f.b, f.src = f.b[:0], f.src[:0]
	if cap(f.b) < len(s) {
		f.b = make([]byte, 0, len(s)+len(s)/4)
		f.src = make([]int32, 0, len(s)+len(s)/4)
	}
	space := true // drop leading whitespace
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			// ASCII fast path: a run of ASCII bytes, one table look-up each,
			// written in place (the run folds to at most its length).
			j := i + textlen.ASCIIPrefix(s[i:])
			n := len(f.b)
			b, src := slices.Grow(f.b, j-i)[:n+j-i], slices.Grow(f.src, j-i)[:n+j-i]
			for ; i < j; i++ {
				c := asciiFold[s[i]]
				b[n], src[n] = c, int32(i)
				// a run of whitespace is one space; no branch on the
				// spaces, which alternate with words too often to predict
				sp := c == ' '
				if !(sp && space) {
					n++
				}
				space = sp
			}
			f.b, f.src = b[:n], src[:n]
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			if !space {
				f.b = append(f.b, ' ')
				f.src = append(f.src, int32(i))
				space = true
			}
			i += size
			continue
		}
		if confusable.Ignorable(r) {
			i += size // drawn as nothing: zero widths, joiners, bidi controls, tags, fillers
			continue
		}
		if r == 'ß' || r == 'ẞ' {
			// full case folding: ß is "ss", so Straße, STRASSE and strasse meet
			f.addRune('s', i)
			f.addRune('s', i)
			space = false
			i += size
			continue
		}
		d := norm.NFKD.PropertiesString(s[i : i+size]).Decomposition()
		if len(d) == 0 {
			f.addRune(foldRune(r), i)
		} else {
			sep := compatSymbol(r, d)
			if sep && !space {
				f.b = append(f.b, ' ')
				f.src = append(f.src, int32(i))
			}
			for len(d) > 0 {
				dr, ds := utf8.DecodeRune(d)
				d = d[ds:]
				if isAccent(dr) {
					continue
				}
				f.addRune(foldRune(dr), i)
			}
			if sep {
				// the symbol stands apart from the word it touches
				f.b = append(f.b, ' ')
				f.src = append(f.src, int32(i))
				space = true
				i += size
				continue
			}
		}
		space = false
		i += size
	}
}

// compatSymbol reports whether r, a character that is not a letter or a
// decimal digit, decomposes (NFKD, d) into letters or digits that would
// glue onto a neighbouring word: ™ is "TM", ¹ is "1", ½ is "1⁄2", ㎏ is
// "kg". Such a symbol folds to its decomposition set apart by spaces, so
// "Detox™" still holds the word "detox". A symbol that stands for one
// letter (Ⓐ) folds to that letter.
func compatSymbol(r rune, d []byte) bool {
	if unicode.IsLetter(r) || unicode.Is(unicode.Nd, r) {
		return false
	}
	alnum, letters, n := false, 0, 0
	for len(d) > 0 {
		dr, ds := utf8.DecodeRune(d)
		d = d[ds:]
		if isAccent(dr) {
			continue
		}
		n++
		if unicode.IsLetter(dr) {
			letters++
			alnum = true
		} else if unicode.IsDigit(dr) {
			alnum = true
		}
	}
	return alnum && !(n == 1 && letters == 1)
}

func (f *folded) addRune(r rune, src int) {
	if isAccent(r) {
		return
	}
	n := len(f.b)
	f.b = utf8.AppendRune(f.b, r)
	for k := n; k < len(f.b); k++ {
		f.src = append(f.src, int32(src))
	}
}

// foldString folds a term the same way as text.
func foldString(s string) string {
	f := &folded{}
	f.fold(s)
	// Trim a trailing collapsed space.
	b := f.b
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// noSpaceScript reports whether r belongs to a script written without
// spaces between words, where whole-word matching cannot ask for a boundary.
func noSpaceScript(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// boundaryOK reports whether a term edge rune e meets its neighbour n (n < 0
// at the text's edge) at a word boundary.
func boundaryOK(e, n rune) bool {
	if n < 0 || !isWord(e) || !isWord(n) {
		return true
	}
	return noSpaceScript(e) || noSpaceScript(n)
}
