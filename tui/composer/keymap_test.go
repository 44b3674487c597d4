package composer

import (
	"testing"

	"switchboard/keymap"
)

// TestKeyMapCoversActions: every composer and outbox action of package keymap has its
// field in the key map, and every field is one.
func TestKeyMapCoversActions(t *testing.T) {
	if err := keymap.Covered("composer", DefaultKeyMap(), nil); err != nil {
		t.Fatal(err)
	}
	if err := keymap.Covered("outbox", DefaultOutboxKeyMap(), nil); err != nil {
		t.Fatal(err)
	}
}
