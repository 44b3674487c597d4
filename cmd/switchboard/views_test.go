package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/config"
)

// TestTUISavedViewRoundTrip: a search saved with S becomes a view in the
// config file (the file's own lines kept), a tab with its count at once,
// and the same tab with the same mentions after a restart.
func TestTUISavedViewRoundTrip(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in, cfg := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl"), filepath.Join(dir, "config.yaml")
	writeJSONL(t, in, 12, func(i int) string {
		if i%3 == 0 {
			return fmt.Sprintf("I want a refund for order %d", i)
		}
		return fmt.Sprintf("nice product number %d", i)
	})
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	if err := os.WriteFile(cfg, []byte("# team config\ninbox:\n  teams: [support]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmdline := fmt.Sprintf("env TERM=xterm-256color %s --db %s --config %s --theme mono", bin, db, cfg)
	s := newTmux(t, cmdline)
	s.waitFor("● live")
	s.keys("/")
	s.text("refund* -order9")
	s.keys("Enter")
	s.waitFor("search: refund* -order9 (all history)")
	s.keys("S")
	s.waitFor("Save as a view")
	s.text("Refunds")
	s.keys("Enter")
	scr := s.waitFor("saved view “Refunds” to the config")
	scr = s.waitFor("▸Refunds 4")
	if !strings.Contains(scr, "@user6") || strings.Contains(scr, "@user1 ") {
		t.Fatalf("the saved view is not the current tab with its mentions:\n%s", scr)
	}
	s.keys("q")
	waitQuit(t, s)

	b, _ := os.ReadFile(cfg)
	c, err := config.Load(cfg)
	if err != nil || !strings.Contains(string(b), "# team config") || len(c.Inbox.Views) != 1 || c.Inbox.Views[0].Query != "refund* -order9" {
		t.Fatalf("config after saving (%v):\n%s", err, b)
	}
	// order9's "order 9" is two words: -order9 excludes nothing; 4 refunds
	s = newTmux(t, cmdline)
	s.waitFor("● live")
	for i := 0; i < 11; i++ {
		s.keys("]")
		if strings.Contains(s.screen(), "▸Refunds") {
			break
		}
	}
	scr = s.waitFor("▸Refunds 4")
	for _, want := range []string{"@user0 ", "@user3 ", "@user6 ", "@user9 "} {
		if !strings.Contains(scr, want) {
			t.Fatalf("after a restart the view lacks %s:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "@user1 ") {
		t.Fatalf("after a restart the view shows a non-match:\n%s", scr)
	}
	s.keys("q")
	waitQuit(t, s)
}
