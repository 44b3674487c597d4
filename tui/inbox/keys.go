package inbox

import "charm.land/bubbles/v2/key"

// KeyMap is every inbox key, with its help.
type KeyMap struct {
	Up, Down, Top, Bottom, PageDown, PageUp key.Binding
	Open, Back                              key.Binding
	Search, Filter, PrevView, NextView      key.Binding
	Select, Tag, Assign, Status, Done, Note key.Binding
	Answered                                key.Binding
	Escalate, Reply, Undo, UndoRules, Copy  key.Binding
	Impostor                                key.Binding
	JumpNew, Refresh                        key.Binding
	Range, SelectAll, Invert                key.Binding
	SaveView, Merge                         key.Binding
}

// DefaultKeyMap is the inbox's keys as the README documents them.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		Top:       b("g", "top", "g", "home"),
		Bottom:    b("G", "bottom", "G", "end"),
		PageDown:  b("ctrl+d", "half page down", "ctrl+d", "pgdown"),
		PageUp:    b("ctrl+u", "half page up", "ctrl+u", "pgup"),
		Open:      b("enter", "open", "enter"),
		Back:      b("esc", "back", "esc"),
		Search:    b("/", "search", "/"),
		Filter:    b("f", "filter", "f"),
		PrevView:  b("[", "previous view", "["),
		NextView:  b("]", "next view", "]"),
		Select:    b("space", "select", "space"),
		Range:     b("V", "select a range", "V"),
		SelectAll: b("*", "select all matching", "*"),
		Invert:    b("~", "invert selection", "~"),
		Tag:       b("t", "tag", "t"),
		Assign:    b("a", "assign", "a"),
		Status:    b("s", "status", "s"),
		Done:      b("x", "done", "x"),
		Note:      b("n", "note", "n"),
		// Answered marks the first response as given outside switchboard
		// (by phone, on the platform's own app); closing is not a response.
		Answered: b("A", "answered elsewhere", "A"),
		Escalate: b("e", "escalate", "e"),
		Reply:    b("r", "reply", "r"),
		Undo:     b("u", "undo", "u"),
		// UndoRules undoes what the routing rules changed on the mention
		// in the detail view (or under the cursor).
		UndoRules: b("U", "undo routing rules", "U"),
		Copy:      b("o", "copy URL", "o"),
		// Impostor flags the author as impersonating the brand (no reply
		// goes to them), or clears the flag.
		Impostor: b("I", "flag/clear impostor", "I"),
		JumpNew:  b("N", "jump to new", "N"),
		Refresh:  b("ctrl+r", "reload", "ctrl+r"),
		// SaveView saves the current query as a named view in the config.
		SaveView: b("S", "save as view", "S"),
		// Merge marks the selected mentions as one conversation.
		Merge: b("M", "merge into one conversation", "M"),
	}
}
