package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTUIRemappedKeys runs the binary under tmux with a config whose
// keys: section moves inbox.done from x to d: x no longer closes the
// mention, d does, and ? help shows d for done.
func TestTUIRemappedKeys(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in, cfg := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl"), filepath.Join(dir, "config.yaml")
	writeJSONL(t, in, 3, func(i int) string { return fmt.Sprintf("where is my order %d", i) })
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	if err := os.WriteFile(cfg, []byte("keys:\n  inbox.done: \"d\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --config %s --theme mono", bin, db, cfg))
	s.waitFor("● live")
	// the newest is under the cursor (@user2); x is not done any more
	// (had it been, d would close a second mention: export counts them)
	s.keys("x")
	time.Sleep(500 * time.Millisecond)
	if scr := s.screen(); strings.Contains(scr, "marked 1 mention done") {
		t.Fatalf("x still marks done:\n%s", scr)
	}
	s.keys("d")
	s.waitFor("marked 1 mention done")
	s.keys("?")
	scr := s.waitFor("commands")
	if sq := strings.Join(strings.Fields(scr), " "); !strings.Contains(sq, "d done") || strings.Contains(sq, "x done") {
		t.Fatalf("? help does not show d for done:\n%s", scr)
	}
	s.keys("q")
	waitQuit(t, s)
	got := exportState(t, db)
	for k, e := range got {
		want := "open"
		if k == "bluesky:2" {
			want = "done"
		}
		if e.Status != want {
			t.Errorf("%s is %s, want %s", k, e.Status, want)
		}
	}
}

// TestKeysConfigErrors: a bad keys: section stops the app before it
// starts, naming the file and the line.
func TestKeysConfigErrors(t *testing.T) {
	dir := t.TempDir()
	db, in, cfg := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl"), filepath.Join(dir, "config.yaml")
	writeJSONL(t, in, 1, func(int) string { return "hello" })
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	for _, tc := range []struct{ yaml, want string }{
		{"brand: {name: Acme}\nkeys:\n  inbox.finish: d\n", "config.yaml: line 3: keys: inbox.finish: unknown action"},
		{"keys:\n  inbox.done: t\n", `config.yaml: line 2: keys: inbox.done: "t" is also inbox.tag's key in the inbox`},
		{"keys:\n  inbox.done: []\n", "config.yaml: line 2: keys: inbox.done: empty keys"},
	} {
		if err := os.WriteFile(cfg, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		r := run(t, "", "--db", db, "--config", cfg)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %q", tc.yaml, r.code, r.stderr, tc.want)
		}
	}
}
