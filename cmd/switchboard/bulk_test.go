package main

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestTUIBulkSelectAllAndUndo: in the real binary, * selects every match
// of the filter (more than one screen), one x closes them all, one u
// brings them all back; V selects a range.
func TestTUIBulkSelectAllAndUndo(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, 300, func(i int) string {
		if i%3 == 0 {
			return fmt.Sprintf("refund please for order %d", i)
		}
		return fmt.Sprintf("nice product %d", i)
	})
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --theme mono", bin, db))
	s.waitFor("● live")
	s.keys("/")
	s.text("refund")
	s.keys("Enter")
	s.waitFor("search: refund")
	s.keys("*")
	s.waitFor("100 selected")
	s.keys("x")
	s.waitFor("marked 100 mentions done")
	s.keys("u")
	s.waitFor("undid your last action (100 changes)")
	s.keys("V", "j", "j")
	s.waitFor("3 selected")
	s.keys("Escape", "t")
	s.text("billing")
	s.keys("Enter")
	s.waitFor("tagged 3 mentions billing")
	s.keys("q")
	waitQuit(t, s)

	got := exportState(t, db)
	tagged, done := 0, 0
	for _, e := range got {
		if len(e.Tags) == 1 && e.Tags[0] == "billing" {
			tagged++
		}
		if e.Status == "done" {
			done++
		}
	}
	if tagged != 3 || done != 0 {
		t.Fatalf("after the session: %d tagged billing (want 3), %d done (want 0)", tagged, done)
	}
}
