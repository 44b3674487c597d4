package tui

import (
	"charm.land/bubbles/v2/key"
)

// KeyMap is the root's global keys; each pane has its own KeyMap.
type KeyMap struct {
	Quit, ForceQuit, Help, Palette, Pane1, Pane2, Pane3, Pane4 key.Binding
}

// DefaultKeyMap is the global keys as the README documents them.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Quit:      b("q", "quit", "q"),
		ForceQuit: b("ctrl+c", "quit", "ctrl+c"),
		Help:      b("?", "help", "?"),
		Palette:   b(":/ctrl+k", "commands", ":", "ctrl+k"),
		Pane1:     b("1", "inbox", "1"),
		Pane2:     b("2", "crisis", "2"),
		Pane3:     b("3", "policy", "3"),
		// Pane4 is the Outbox; New disables it when the session has none.
		Pane4: b("4", "outbox", "4"),
	}
}

// Global lists the global keys for help.
func (k KeyMap) Global() []key.Binding {
	return []key.Binding{k.Pane1, k.Pane2, k.Pane3, k.Pane4, k.Palette, k.Help, k.Quit}
}
