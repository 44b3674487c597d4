package tui

import (
	"charm.land/bubbles/v2/key"

	"switchboard/keymap"
)

// KeyMap is the root's global keys; each pane has its own KeyMap.
type KeyMap struct {
	Quit, ForceQuit, Help, Palette, Pane1, Pane2, Pane3, Pane4 key.Binding
	Pane5, Pane6                                               key.Binding
	// Notifications opens the notification centre.
	Notifications key.Binding
}

// DefaultKeyMap is the global keys as the README documents them.
func DefaultKeyMap() KeyMap { return NewKeyMap(nil) }

// NewKeyMap is the global keys with the config's remaps (package keymap
// names them global.quit, global.palette …).
func NewKeyMap(k keymap.Keys) KeyMap {
	b := k.Binding
	return KeyMap{
		Quit:      b("global.quit"),
		ForceQuit: b("global.force_quit"),
		Help:      b("global.help"),
		Palette:   b("global.palette"),
		Pane1:     b("global.inbox"),
		Pane2:     b("global.crisis"),
		Pane3:     b("global.policy"),
		// Pane4 is the Outbox; New disables it when the session has none.
		Pane4: b("global.outbox"),
		// Pane5 is Reports; New disables it when the session has none.
		Pane5: b("global.reports"),
		// Pane6 is Streams; New disables it when the session has none.
		Pane6:         b("global.streams"),
		Notifications: b("global.notifications"),
	}
}

// Global lists the global keys for help.
func (k KeyMap) Global() []key.Binding {
	return []key.Binding{k.Pane1, k.Pane2, k.Pane3, k.Pane4, k.Pane5, k.Pane6, k.Notifications, k.Palette, k.Help, k.Quit}
}
