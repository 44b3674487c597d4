package inbox

import (
	"testing"

	"switchboard/keymap"
)

// TestKeyMapCoversActions: every inbox action of package keymap has its
// field in the key map, and every field is one.
func TestKeyMapCoversActions(t *testing.T) {
	if err := keymap.Covered("inbox", DefaultKeyMap(), nil); err != nil {
		t.Fatal(err)
	}
}
