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
