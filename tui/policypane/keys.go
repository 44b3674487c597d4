package policypane

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the policy pane, with its help. While the draft
// is being edited the pane captures every key, so the edit-mode keys are
// control keys the textarea does not use.
type KeyMap struct {
	Edit, Done                           key.Binding
	NextFinding, PrevFinding             key.Binding
	Fix, FixAll                          key.Binding
	Platform, Visibility, Reply          key.Binding
	Tab, Up, Down, PageUp, PageDown, Top key.Binding
	Bottom, Clear                        key.Binding
	// Edit-mode equivalents.
	EditFix, EditNext, EditPlatform key.Binding
}

// DefaultKeyMap is the pane's keys as the README documents them.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Edit:         b("enter/i", "edit draft", "enter", "i"),
		Done:         b("esc", "stop editing", "esc"),
		NextFinding:  b("n", "next finding", "n"),
		PrevFinding:  b("N", "previous finding", "N"),
		Fix:          b("f", "apply fix", "f"),
		FixAll:       b("F", "apply all fixes", "F"),
		Platform:     b("p", "platform", "p"),
		Visibility:   b("v", "public/private", "v"),
		Reply:        b("r", "reply/post", "r"),
		Tab:          b("tab", "rules/guidelines", "tab"),
		Up:           b("↑/k", "scroll up", "up", "k"),
		Down:         b("↓/j", "scroll down", "down", "j"),
		PageUp:       b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown:     b("pgdn", "page down", "pgdown", "ctrl+d"),
		Top:          b("g", "top", "g", "home"),
		Bottom:       b("G", "bottom", "G", "end"),
		Clear:        b("X", "clear draft", "X"),
		EditFix:      b("ctrl+x", "apply fix", "ctrl+x"),
		EditNext:     b("ctrl+o", "next finding", "ctrl+o"),
		EditPlatform: b("ctrl+y", "platform", "ctrl+y"),
	}
}
