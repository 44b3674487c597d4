// Package safetext is the one place where untrusted text (mention bodies,
// author names, handles, anything a platform sends) is made safe to draw on
// a terminal. The original bytes are kept elsewhere for export; what this
// package returns is valid UTF-8 with no byte that a terminal would take as
// a control: C0 and C1 controls and DEL become visible symbols, escape
// sequences are broken by showing ESC as "␛", bidi overrides and isolates
// become a visible mark, and invalid UTF-8 becomes U+FFFD.
package safetext

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

const (
	// Replacement stands in for invalid UTF-8 and C1 controls.
	Replacement = '\uFFFD'
	// BidiMark stands in for bidi embedding, override and isolate controls.
	BidiMark = '\u2E2E' // ⸮ reversed question mark: visible, one column
)

// Line makes s safe to draw on one line: newlines and tabs become spaces,
// runs of whitespace are kept as they are.
func Line(s string) string { return clean(s, false) }

// Text makes s safe to draw as a block: newlines are kept ("\r\n" and "\r"
// become "\n"), tabs become four spaces.
func Text(s string) string { return clean(s, true) }

// Safe reports whether s would pass through Line unchanged.
func Safe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\t' || r == '\n' || r == '\r' || dangerous(r) {
			return false
		}
	}
	return true
}

func clean(s string, multiline bool) string {
	if Safe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(Replacement)
			i++
			continue
		}
		i += size
		switch {
		case r == '\n':
			if multiline {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\r':
			if multiline {
				if i < len(s) && s[i] == '\n' {
					continue // "\r\n": the "\n" follows
				}
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			if multiline {
				b.WriteString("    ")
			} else {
				b.WriteByte(' ')
			}
		case r == '\u2028' || r == '\u2029':
			if multiline {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r < 0x20:
			b.WriteRune(0x2400 + r) // control pictures: ␀ … ␟, ESC is ␛
		case r == 0x7f:
			b.WriteRune('\u2421') // ␡
		case r >= 0x80 && r < 0xa0:
			b.WriteRune(Replacement)
		case isBidiControl(r):
			b.WriteRune(BidiMark)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// dangerous reports whether r must not reach the terminal as it is.
func dangerous(r rune) bool {
	// (a real U+FFFD is harmless: Safe has checked the string is valid
	// UTF-8 before asking, and Line writes U+FFFD for invalid bytes)
	return r < 0x20 || (r >= 0x7f && r < 0xa0) || isBidiControl(r) ||
		r == '\u2028' || r == '\u2029'
}

// isBidiControl reports the explicit bidi formatting characters that can
// reorder the rest of a line: LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
// The plain marks LRM, RLM and ALM do not reorder neighbours and are kept.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// Width is the number of terminal cells s takes once made safe; wide
// characters and emoji sequences are measured as terminals draw them.
func Width(s string) int { return ansi.StringWidth(Line(s)) }

// Truncate makes s safe for one line and cuts it to at most width cells,
// ending with tail (e.g. "…") when it had to cut. It never splits a
// grapheme cluster.
func Truncate(s string, width int, tail string) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(Line(s), width, tail)
}

// Fit makes s safe for one line and pads or cuts it to exactly width cells.
func Fit(s string, width int) string {
	t := Truncate(s, width, "…")
	if w := ansi.StringWidth(t); w < width {
		t += strings.Repeat(" ", width-w)
	}
	return t
}

// Wrap makes s safe as a block and wraps it to width cells.
func Wrap(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Wrap(Text(s), width, " -")
}
