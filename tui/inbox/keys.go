package inbox

import (
	"charm.land/bubbles/v2/key"

	"switchboard/keymap"
)

// KeyMap is every inbox key, with its help.
type KeyMap struct {
	Up, Down, Top, Bottom, PageDown, PageUp key.Binding
	Open, Back                              key.Binding
	Search, Filter, PrevView, NextView      key.Binding
	Select, Tag, Assign, Status, Done, Note key.Binding
	Snooze, Answered                        key.Binding
	Escalate, Reply, Undo, UndoRules, Copy  key.Binding
	Impostor                                key.Binding
	JumpNew, Refresh                        key.Binding
	Range, SelectAll, Invert                key.Binding
	SaveView, Merge, Conversations          key.Binding
}

// DefaultKeyMap is the inbox's keys as the README documents them.
func DefaultKeyMap() KeyMap { return NewKeyMap(nil) }

// NewKeyMap is the inbox's keys with the config's remaps (package keymap
// names them inbox.up, inbox.done …).
func NewKeyMap(k keymap.Keys) KeyMap {
	b := k.Binding
	return KeyMap{
		Up:        b("inbox.up"),
		Down:      b("inbox.down"),
		Top:       b("inbox.top"),
		Bottom:    b("inbox.bottom"),
		PageDown:  b("inbox.page_down"),
		PageUp:    b("inbox.page_up"),
		Open:      b("inbox.open"),
		Back:      b("inbox.back"),
		Search:    b("inbox.search"),
		Filter:    b("inbox.filter"),
		PrevView:  b("inbox.prev_view"),
		NextView:  b("inbox.next_view"),
		Select:    b("inbox.select"),
		Range:     b("inbox.range"),
		SelectAll: b("inbox.select_all"),
		Invert:    b("inbox.invert"),
		Tag:       b("inbox.tag"),
		Assign:    b("inbox.assign"),
		Status:    b("inbox.status"),
		// Snooze asks until when (the status picker offers set times too).
		Snooze: b("inbox.snooze"),
		Done:   b("inbox.done"),
		Note:   b("inbox.note"),
		// Answered marks the first response as given outside switchboard
		// (by phone, on the platform's own app); closing is not a response.
		Answered: b("inbox.answered"),
		Escalate: b("inbox.escalate"),
		Reply:    b("inbox.reply"),
		Undo:     b("inbox.undo"),
		// UndoRules undoes what the routing rules changed on the mention
		// in the detail view (or under the cursor).
		UndoRules: b("inbox.undo_rules"),
		Copy:      b("inbox.copy"),
		// Impostor flags the author as impersonating the brand (no reply
		// goes to them), or clears the flag.
		Impostor: b("inbox.impostor"),
		JumpNew:  b("inbox.jump_new"),
		Refresh:  b("inbox.refresh"),
		// SaveView saves the current query as a named view in the config.
		SaveView: b("inbox.save_view"),
		// Merge marks the selected mentions as one conversation.
		Merge: b("inbox.merge"),
		// Conversations shows one row per conversation, or per mention.
		Conversations: b("inbox.conversations"),
	}
}
