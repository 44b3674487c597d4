package policypane

import (
	"testing"

	"switchboard/keymap"
)

// TestKeyMapCoversActions: every policy action of package keymap has its
// field in the key map, and every field is one.
func TestKeyMapCoversActions(t *testing.T) {
	if err := keymap.Covered("policy", DefaultKeyMap(), nil); err != nil {
		t.Fatal(err)
	}
}
