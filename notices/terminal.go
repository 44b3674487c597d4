package notices

import (
	"strings"
	"unicode"

	"switchboard/safetext"
	"switchboard/store"
)

// Terminal notification modes (inbox.terminal_notifications).
const (
	ModeOff    = "off"
	ModeBell   = "bell"
	ModeOSC9   = "osc9"
	ModeOSC777 = "osc777"
)

// Modes are the modes in the order a session's toggle walks them.
var Modes = store.NoticeModes

// Next is the mode after m in the toggle's order.
func Next(m string) string {
	for i, x := range Modes {
		if x == m {
			return Modes[(i+1)%len(Modes)]
		}
	}
	return ModeBell
}

// Describe says what a mode does, for the footer.
func Describe(m string) string {
	switch m {
	case ModeBell:
		return "the terminal bell"
	case ModeOSC9:
		return "desktop notifications (OSC 9: iTerm2, WezTerm, kitty, Windows Terminal …)"
	case ModeOSC777:
		return "desktop notifications (OSC 777: urxvt, foot, Ghostty, VTE terminals …)"
	}
	return "off"
}

// maxText is the most runes of a notice a desktop notification carries.
const maxText = 120

// clean makes text fit inside an OSC sequence: made safe as for the
// screen (escape sequences and controls become visible marks), then any
// control character that is left and the fields' separator ';' are
// replaced, and it is cut short.
func clean(s string, n int) string {
	s = safetext.Line(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == ';':
			return ','
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// Sequence is what a session writes to its terminal for an urgent notice
// in mode m: BEL, an OSC 9 or an OSC 777 desktop notification ("" for
// off). The notice's text is never written as it came.
func Sequence(m string, n store.Notice) string {
	switch m {
	case ModeBell:
		return "\a"
	case ModeOSC9:
		// "switchboard: " first: OSC 9 text that starts with a digit and
		// ';' is a ConEmu / Windows Terminal command, not a message
		return "\x1b]9;" + clean("switchboard: "+n.Title, maxText) + "\a"
	case ModeOSC777:
		return "\x1b]777;notify;" + clean("switchboard", 32) + ";" + clean(n.Title, maxText) + "\a"
	}
	return ""
}
