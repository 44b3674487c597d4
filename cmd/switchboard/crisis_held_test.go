package main

import (
	"path/filepath"
	"strings"
	"testing"

	"switchboard/store"
)

// TestIncidentAndAlertsWhenStoreHeld: while a running switchboard holds
// the store, incident and alerts say who holds it and where the same
// post-mortem is (y in the app's incident view).
func TestIncidentAndAlertsWhenStoreHeld(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	s, err := store.Open(db, store.Options{Holder: "switchboard serve on 127.0.0.1:2222"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, args := range [][]string{{"incident", "export", "INC-1"}, {"incident", "list"}, {"alerts"}} {
		r := run(t, "", append(args, "--db", db)...)
		if r.code == 0 || !strings.Contains(r.stderr, "in use by another switchboard process") ||
			!strings.Contains(r.stderr, "switchboard serve on 127.0.0.1:2222") || !strings.Contains(r.stderr, "press y to copy its Markdown post-mortem") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}
