package pane

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"switchboard/keymap"
)

func TestKeyPressNamesTheKeysBindingsUse(t *testing.T) {
	cases := map[string]tea.KeyPressMsg{
		"enter":  {Code: tea.KeyEnter},
		"esc":    {Code: tea.KeyEscape},
		"space":  {Code: tea.KeySpace, Text: " "},
		"ctrl+s": {Code: 's', Mod: tea.ModCtrl},
		"x":      {Code: 'x', Text: "x"},
		"?":      {Code: '?', Text: "?"},
		"é":      {Code: 'é', Text: "é"},
	}
	for name, want := range cases {
		got := KeyPress(name)
		if got.Code != want.Code || got.Mod != want.Mod || got.Text != want.Text {
			t.Errorf("KeyPress(%q) = %+v, want %+v", name, got, want)
		}
		// the round trip the palette relies on: the press reads as its name
		if got.String() != name {
			t.Errorf("KeyPress(%q).String() = %q", name, got.String())
		}
	}
}

// TestKeyPressReadsBackEveryKey: every default key and every form a
// remap may take reads back as its name, so the palette runs remapped
// actions too.
func TestKeyPressReadsBackEveryKey(t *testing.T) {
	names := []string{"ctrl+enter", "alt+d", "ctrl+alt+x", "ctrl+shift+t", "shift+tab", "alt+space",
		"f1", "f12", "f20", "ctrl+f5", "delete", "insert", "T", ":", "+", "ctrl++", "alt+up"}
	for _, a := range keymap.All() {
		names = append(names, a.Keys...)
	}
	for _, name := range names {
		n, err := keymap.Normalize(name)
		if err != nil || n != name {
			t.Errorf("%q does not normalize to itself: %q %v", name, n, err)
		}
		if got := KeyPress(name).String(); got != name {
			t.Errorf("KeyPress(%q).String() = %q", name, got)
		}
	}
}

func TestWindowKeepsRoomForHints(t *testing.T) {
	for _, c := range []struct{ n, h, top, from, to int }{
		{5, 10, 3, 0, 5},   // fits: all of it
		{20, 10, 0, 0, 9},  // a "↓ more" line at the bottom
		{20, 10, 5, 5, 13}, // "↑" and "↓" lines
		{20, 10, 11, 11, 20},
	} {
		if from, to := Window(c.n, c.h, c.top); from != c.from || to != c.to {
			t.Errorf("Window(%d, %d, %d) = %d, %d; want %d, %d", c.n, c.h, c.top, from, to, c.from, c.to)
		}
	}
	if got := MaxTop(20, 10); got != 11 {
		t.Errorf("MaxTop(20, 10) = %d, want 11", got)
	}
	if got := Reveal(20, 10, 0, 12, 14); got != 6 {
		t.Errorf("Reveal of lines 12–14 from the top = %d, want 6", got)
	}
	if got := Reveal(20, 10, 8, 1, 2); got != 0 {
		t.Errorf("Reveal of line 1 = %d, want 0 (no hint for one line)", got)
	}
}
