package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTUIBrokenPackHoldsSending: a configured pack that does not load is
// never replaced by the built-in one. The app says which file and which
// error under the header, the composer refuses to queue, and the store
// keeps the draft as a draft.
func TestTUIBrokenPackHoldsSending(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, 2, func(i int) string { return fmt.Sprintf("my order %d never arrived", i) })
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	pack := filepath.Join(dir, "team.yaml")
	if err := os.WriteFile(pack, []byte("id: team\nversion: \"2\"\nrules:\n  - id: a\n    kind: denny\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("policy: team.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --config %s --theme mono", bin, db, cfg))
	scr := s.waitFor("SENDING HELD")
	if !strings.Contains(scr, "team.yaml") {
		t.Fatalf("the banner does not name the file:\n%s", scr)
	}
	s.keys("r")
	s.waitFor("Reply to")
	s.text("Sorry, we are on it")
	s.keys("C-s")
	s.waitFor("nothing is checked or sent until it is fixed")
	s.keys("Escape")
	s.keys("4")
	s.waitFor("the policy pack does not load")
	s.keys("q")
	waitQuit(t, s)

	r := run(t, "", "outbox", "list", "--json", "--db", db)
	if r.code != 0 {
		t.Fatalf("outbox list: %d %s", r.code, r.stderr)
	}
	var ds []struct{ State string }
	if err := json.Unmarshal([]byte(r.stdout), &ds); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if len(ds) != 1 || ds[0].State != "draft" {
		t.Fatalf("drafts after a refused queue: %+v (want one, still a draft)", ds)
	}
}

// TestTUICloseIsNotAResponse: x closes without touching the response
// clock, A records an answer given elsewhere, and r on a news article
// says it cannot be answered instead of opening the composer.
func TestTUICloseIsNotAResponse(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, 5, func(i int) string { return fmt.Sprintf("message number %d", i) })
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --theme mono", bin, db))
	s.waitFor("● live")
	s.keys("f")
	s.text("platform:news")
	s.keys("Enter")
	s.waitFor("filter: platform:news")
	s.keys("r")
	s.waitFor("is a news article")
	s.keys("f", "C-u")
	s.text("platform:x")
	s.keys("Enter")
	s.waitFor("filter: platform:x")
	s.keys("x")
	s.waitFor("marked 1 mention done")
	s.keys("f", "C-u")
	s.text("platform:mastodon")
	s.keys("Enter")
	s.waitFor("filter: platform:mastodon")
	s.keys("A")
	s.waitFor("answered elsewhere")
	s.keys("q")
	waitQuit(t, s)

	r := run(t, "", "export", "--db", db)
	var closed, answered map[string]any
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		switch m["platform"] {
		case "x":
			closed = m
		case "mastodon":
			answered = m
		}
	}
	if closed["status"] != "done" || closed["responded_at"] != nil && closed["responded_at"] != "" {
		t.Fatalf("closed mention: status %v responded_at %v, want done and no response", closed["status"], closed["responded_at"])
	}
	if answered["responded_at"] == nil || answered["responded_at"] == "" {
		t.Fatalf("answered-elsewhere mention has no responded_at: %v", answered)
	}
}

// TestTruncatedStoreEveryCommand: every command that opens a truncated
// store, the terminal UI included, exits 1 naming the file and what to do,
// never with a Go panic or stack trace.
func TestTruncatedStoreEveryCommand(t *testing.T) {
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, 3000, func(i int) string { return fmt.Sprintf("my order %d never arrived, where is my refund", i) })
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	fi, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(db, fi.Size()/3/4096*4096); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"export"}, {"import", in}, {"db", "check"}, {"db", "stats"}, {"outbox", "list"},
		{"incident", "list"}, {}, // the TUI
	} {
		r := run(t, "", append(args, "--db", db)...)
		if r.code != 1 || !strings.Contains(r.stderr, "sb.db is damaged") || !strings.Contains(r.stderr, "backup") ||
			strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}

// TestTUITemplatePicker: in the real binary, ctrl+t lists the templates,
// typing filters, and the composer asks for each field before the text
// goes into the draft.
func TestTUITemplatePicker(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, 2, func(i int) string { return "is the checkout down? cannot pay" })
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --theme mono", bin, db))
	s.waitFor("● live")
	s.keys("r")
	s.waitFor("Reply to")
	s.keys("C-t")
	s.waitFor("Outage acknowledgement · outage-ack")
	s.text("outage")
	s.keys("Enter")
	s.waitFor("fill in service")
	s.text("checkout")
	s.keys("Enter")
	s.waitFor("fill in status_url")
	s.text("https://status.example")
	s.keys("Enter")
	s.waitFor("We know checkout is having problems")
	s.waitFor("no policy findings")
}
