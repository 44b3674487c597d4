package pane

import (
	"testing"

	tea "charm.land/bubbletea/v2"
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
