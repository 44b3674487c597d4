package crisis

import "charm.land/bubbles/v2/key"

// KeyMap is the crisis pane's keys.
type KeyMap struct {
	Up, Down, Left, Right, Open, Close, Alerts key.Binding
	Declare, Dismiss, New                      key.Binding
	Forward, Back, SevUp, SevDown              key.Binding
	Tick, Update, Note, Summary, Role, Holding key.Binding
	Mentions, ScrollUp, ScrollDown             key.Binding
	Impact, EditTitle, Scenario, Copy          key.Binding
	AddItem                                    key.Binding
}

// DefaultKeyMap is the pane's keys as the README documents them.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:         b("↑/k", "up", "up", "k"),
		Down:       b("↓/j", "down", "down", "j"),
		Left:       b("←/h", "column", "left", "h"),
		Right:      b("→/l", "column", "right", "l"),
		Open:       b("enter", "open", "enter"),
		Close:      b("esc", "board", "esc", "backspace"),
		Alerts:     b("a", "alerts", "a"),
		Declare:    b("d", "declare from alert", "d"),
		Dismiss:    b("x", "dismiss alert", "x"),
		New:        b("n", "new incident", "n"),
		Forward:    b(">", "next status", ">", "."),
		Back:       b("<", "previous status", "<", ","),
		SevUp:      b("+", "more severe", "+", "="),
		SevDown:    b("-", "less severe", "-"),
		Tick:       b("space", "tick", "space", "x"),
		Update:     b("u", "status update", "u"),
		Note:       b("N", "note", "N"),
		Summary:    b("S", "summary", "S"),
		Role:       b("r", "roles", "r"),
		Holding:    b("s", "holding statement", "s"),
		Mentions:   b("m", "mentions in inbox", "m"),
		ScrollUp:   b("pgup", "older timeline", "pgup"),
		ScrollDown: b("pgdown", "newer timeline", "pgdown"),
		Impact:     b("i", "impact", "i"),
		EditTitle:  b("t", "title", "t"),
		Scenario:   b("c", "scenario", "c"),
		Copy:       b("y", "copy post-mortem", "y"),
		AddItem:    b("A", "add checklist item", "A"),
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
		{k.Alerts, k.Declare, k.Dismiss, k.New},
		{k.Forward, k.Back, k.SevUp, k.SevDown, k.Holding, k.Mentions},
		{k.Tick, k.AddItem, k.Update, k.Note, k.Summary, k.Impact, k.EditTitle, k.Scenario, k.Role, k.Copy, k.ScrollUp, k.ScrollDown},
	}
}
