package policypane

import (
	"charm.land/bubbles/v2/key"

	"switchboard/keymap"
)

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
func DefaultKeyMap() KeyMap { return NewKeyMap(nil) }

// NewKeyMap is the pane's keys with the config's remaps (package keymap
// names them policy.edit, policy.fix …).
func NewKeyMap(k keymap.Keys) KeyMap {
	b := k.Binding
	return KeyMap{
		Edit:         b("policy.edit"),
		Done:         b("policy.done"),
		NextFinding:  b("policy.next_finding"),
		PrevFinding:  b("policy.prev_finding"),
		Fix:          b("policy.fix"),
		FixAll:       b("policy.fix_all"),
		Platform:     b("policy.platform"),
		Visibility:   b("policy.visibility"),
		Reply:        b("policy.reply"),
		Tab:          b("policy.tab"),
		Up:           b("policy.up"),
		Down:         b("policy.down"),
		PageUp:       b("policy.page_up"),
		PageDown:     b("policy.page_down"),
		Top:          b("policy.top"),
		Bottom:       b("policy.bottom"),
		Clear:        b("policy.clear"),
		EditFix:      b("policy.edit_fix"),
		EditNext:     b("policy.edit_next"),
		EditPlatform: b("policy.edit_platform"),
	}
}
