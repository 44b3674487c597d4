// Package confusable holds the Unicode data that lets two texts that look
// alike compare equal (UTS #39, Unicode Security Mechanisms): the
// default-ignorable code points a renderer draws as nothing, and the
// letters of other scripts that look like Latin ones. The policy checker
// folds drafts with it before matching terms, and the impersonation
// detector builds handle skeletons with it: one table for both.
//
// The tables are generated (go generate; see gen.go for the sources).
package confusable

//go:generate go run gen.go

import "unicode"

// Ignorable reports whether r is a Default_Ignorable_Code_Point: zero
// width spaces and joiners, direction marks and overrides, invisible
// operators, variation selectors, tag characters, Hangul fillers, the
// soft hyphen, and the code points reserved for more of them.
func Ignorable(r rune) bool {
	if r < 0xAD {
		return false
	}
	return unicode.Is(ignorable, r)
}

// Latin returns the lower-case Latin letter that r, a lower-case letter,
// or its capital looks like (Cyrillic а, Greek ο, Armenian օ, Cherokee ꭺ,
// small capitals, …), if any: lower-case first, so both cases of a letter
// fold alike. Letters that NFKD folds (fullwidth, mathematical
// alphanumerics) are not listed: decompose first.
func Latin(r rune) (byte, bool) {
	if r < 0x80 {
		return 0, false
	}
	b, ok := latin[r]
	return b, ok
}
