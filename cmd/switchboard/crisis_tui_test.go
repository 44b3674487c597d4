package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestCrisisEscalateEndToEnd: in the real binary under tmux, e on a mention
// in the inbox declares an incident that shows on board 2; m jumps back to
// its mentions in the inbox; incident list sees it afterwards.
func TestCrisisEscalateEndToEnd(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, 12, func(i int) string { return fmt.Sprintf("refund storm number %d", i) })
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --theme mono", bin, db))
	s.waitFor("● live")
	s.keys("e")
	s.waitFor("Escalate 1 mention to")
	s.keys("Enter")
	s.waitFor("Title of the new incident")
	s.keys("C-u")
	s.text("Refund storm")
	s.keys("Enter")
	s.waitFor("Severity")
	s.keys("k", "Enter") // SEV2
	s.waitFor("Scenario")
	s.keys("Enter") // reputation
	scr := s.waitFor("INC-1")
	if !strings.Contains(scr, "! SEV2") || !strings.Contains(scr, "Refund storm") || !strings.Contains(scr, "Checklist") {
		t.Fatalf("incident view:\n%s", scr)
	}
	s.waitFor(me(t) + " linked ")
	s.keys("Escape")
	scr = s.waitFor("TRIAGE (1)")
	if !strings.Contains(scr, "! SEV2 INC-1") || !strings.Contains(scr, "1✉") {
		t.Fatalf("board:\n%s", scr)
	}
	s.keys("Enter")
	s.waitFor("Linked mentions (1)")
	s.keys("m")
	s.waitFor("incident:INC-1")
	s.keys("q")

	r := run(t, "", "incident", "list", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "INC-1") || !strings.Contains(r.stdout, "Refund storm") {
		t.Fatalf("incident list after the session: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
