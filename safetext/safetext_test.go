package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// hasControl reports any byte a terminal could act on.
func hasControl(s string, allowNewline bool) bool {
	for _, r := range s {
		if r == '\n' && allowNewline {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || isBidiControl(r) {
			return true
		}
	}
	return false
}

func TestHostileSequencesAreNeutralised(t *testing.T) {
	cases := map[string]string{
		"set title":     "hi \x1b]0;pwned\x07 there",
		"clear screen":  "\x1b[2J\x1b[H gone",
		"osc52":         "\x1b]52;c;ZWNobyBoaQ==\x07copy",
		"cursor move":   "a\x1b[10;10Hb",
		"dcs":           "\x1bP1$r\x1b\\",
		"c1 csi":        "x\u009b2Jy",
		"bidi override": "user\u202Egnp.exe",
		"isolate":       "\u2067abc\u2069",
		"invalid utf8":  "bad\xff\xfebytes",
		"nul and bell":  "a\x00b\x07c",
		"del":           "a\x7fb",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			for _, out := range []string{Line(in), Text(in)} {
				if hasControl(out, true) {
					t.Fatalf("output %q still holds a control", out)
				}
				if !utf8.ValidString(out) {
					t.Fatalf("output %q is not valid UTF-8", out)
				}
				if strings.Contains(out, "\x1b") {
					t.Fatalf("ESC survived in %q", out)
				}
			}
		})
	}
}

func TestVisibleMarks(t *testing.T) {
	if got := Line("a\x1b[2Jb"); got != "a␛[2Jb" {
		t.Fatalf("ESC should show as ␛, got %q", got)
	}
	if got := Line("x\u202Ey"); got != "x⸮y" {
		t.Fatalf("RLO should show as a mark, got %q", got)
	}
	if got := Line("a\xffb"); got != "a\uFFFDb" {
		t.Fatalf("invalid byte should become U+FFFD, got %q", got)
	}
	if got := Line("one\ntwo\tthree"); got != "one two three" {
		t.Fatalf("Line should flatten whitespace, got %q", got)
	}
	if got := Text("one\r\ntwo\rthree"); got != "one\ntwo\nthree" {
		t.Fatalf("Text should normalise newlines, got %q", got)
	}
}

func TestPlainTextUnchanged(t *testing.T) {
	for _, s := range []string{"hello", "Goedemorgen, hoe gaat het?", "日本語のテキスト", "مرحبا بالعالم", "👩‍👩‍👧 family", "🇳🇱"} {
		if Line(s) != s {
			t.Fatalf("Line changed plain text %q to %q", s, Line(s))
		}
	}
}

func TestWidthOfWideAndEmoji(t *testing.T) {
	cases := map[string]int{"abc": 3, "日本": 4, "👍": 2, "👩‍👩‍👧": 2, "a\x1b[31mb": 7}
	for s, want := range cases {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestFitExactWidth(t *testing.T) {
	for _, s := range []string{"short", "a much longer piece of text than fits", "日本語のテキストです", "👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧", "\x1b]0;x\x07"} {
		for _, w := range []int{1, 5, 10, 11} {
			got := Fit(s, w)
			if ansi.StringWidth(got) != w {
				t.Errorf("Fit(%q, %d) = %q, width %d", s, w, got, ansi.StringWidth(got))
			}
		}
	}
}

func FuzzSanitise(f *testing.F) {
	for _, s := range []string{"hello", "\x1b]0;t\x07", "\x1b[2J", "\u202e", "\xff", "日本\x9b", "a\r\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line, text := Line(s), Text(s)
		if hasControl(line, false) || hasControl(text, true) {
			t.Fatalf("control survived: %q → %q / %q", s, line, text)
		}
		if !utf8.ValidString(line) || !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		if strings.ContainsRune(line, '\n') {
			t.Fatalf("Line kept a newline: %q", line)
		}
		if Line(line) != line || !Safe(line) {
			t.Fatalf("Line is not idempotent on %q, or its output is not Safe", s)
		}
		_ = Fit(s, 7)
	})
}
