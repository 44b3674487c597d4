package crisis

import (
	"charm.land/bubbles/v2/key"

	"switchboard/keymap"
)

// KeyMap is the crisis pane's keys.
type KeyMap struct {
	Up, Down, Left, Right, Open, Close, Alerts key.Binding
	Declare, Dismiss, New                      key.Binding
	Forward, Back, SevUp, SevDown              key.Binding
	Tick, Update, Note, Summary, Role, Holding key.Binding
	Mentions, ScrollUp, ScrollDown             key.Binding
	Impact, EditTitle, Scenario, Copy          key.Binding
	AddItem, Hijack                            key.Binding
}

// DefaultKeyMap is the pane's keys as the README documents them.
func DefaultKeyMap() KeyMap { return NewKeyMap(nil) }

// NewKeyMap is the pane's keys with the config's remaps (package keymap
// names them crisis.up, crisis.tick …).
func NewKeyMap(k keymap.Keys) KeyMap {
	b := k.Binding
	return KeyMap{
		Up:         b("crisis.up"),
		Down:       b("crisis.down"),
		Left:       b("crisis.left"),
		Right:      b("crisis.right"),
		Open:       b("crisis.open"),
		Close:      b("crisis.close"),
		Alerts:     b("crisis.alerts"),
		Declare:    b("crisis.declare"),
		Dismiss:    b("crisis.dismiss"),
		New:        b("crisis.new"),
		Forward:    b("crisis.forward"),
		Back:       b("crisis.back"),
		SevUp:      b("crisis.sev_up"),
		SevDown:    b("crisis.sev_down"),
		Tick:       b("crisis.tick"),
		Update:     b("crisis.update"),
		Note:       b("crisis.note"),
		Summary:    b("crisis.summary"),
		Role:       b("crisis.role"),
		Holding:    b("crisis.holding"),
		Mentions:   b("crisis.mentions"),
		ScrollUp:   b("crisis.scroll_up"),
		ScrollDown: b("crisis.scroll_down"),
		Impact:     b("crisis.impact"),
		EditTitle:  b("crisis.edit_title"),
		Scenario:   b("crisis.scenario"),
		Copy:       b("crisis.copy"),
		AddItem:    b("crisis.add_item"),
		Hijack:     b("crisis.hijack"),
	}
}

// ShortHelp is the footer's keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.view != nil {
		return []key.Binding{k.Close, k.Tick, k.Update, k.Role, k.Holding, k.Impact, k.Copy, k.Forward, k.SevUp}
	}
	return []key.Binding{k.Left, k.Open, k.Alerts, k.Declare, k.Dismiss, k.New, k.Forward, k.SevUp}
}

// FullHelp is every key, grouped.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.Left, k.Right, k.Open, k.Close},
		{k.Alerts, k.Declare, k.Dismiss, k.New, k.Hijack},
		{k.Forward, k.Back, k.SevUp, k.SevDown, k.Holding, k.Mentions},
		{k.Tick, k.AddItem, k.Update, k.Note, k.Summary, k.Impact, k.EditTitle, k.Scenario, k.Role, k.Copy, k.ScrollUp, k.ScrollDown},
	}
}
