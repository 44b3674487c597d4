package crisis

import (
	"testing"

	"switchboard/keymap"
)

// TestKeyMapCoversActions: every crisis action of package keymap has its
// field in the key map, and every field is one.
func TestKeyMapCoversActions(t *testing.T) {
	if err := keymap.Covered("crisis", DefaultKeyMap(), nil); err != nil {
		t.Fatal(err)
	}
}
