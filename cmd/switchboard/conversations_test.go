package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTUIConversationRows: C shows one row per conversation (a thread of
// three, a person's two direct messages, a single mention), x on a
// conversation row closes its open mentions, and u undoes that.
func TestTUIConversationRows(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	base := time.Now().Add(-time.Hour).UTC()
	at := func(m int) string { return base.Add(time.Duration(m) * time.Minute).Format(time.RFC3339) }
	writeMentions(t, in,
		map[string]any{"platform": "x", "id": "1", "thread": "1", "author": map[string]any{"handle": "@ana"}, "text": "app down again", "created_at": at(1)},
		map[string]any{"platform": "x", "id": "2", "thread": "1", "in_reply_to": "1", "author": map[string]any{"handle": "@bo"}, "text": "same here", "created_at": at(2)},
		map[string]any{"platform": "x", "id": "3", "thread": "1", "in_reply_to": "1", "author": map[string]any{"handle": "@cy"}, "text": "me too since noon", "created_at": at(3)},
		map[string]any{"platform": "mastodon", "id": "4", "kind": "dm", "author": map[string]any{"handle": "@kim@social.example"}, "text": "hello? order 42", "created_at": at(4)},
		map[string]any{"platform": "mastodon", "id": "5", "kind": "dm", "author": map[string]any{"handle": "@Kim@social.example"}, "text": "still no answer", "created_at": at(5)},
		map[string]any{"platform": "reddit", "id": "t1_6", "author": map[string]any{"handle": "u/dee"}, "text": "is the shop open sunday?", "created_at": at(6)},
	)
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --theme mono", bin, db))
	s.waitFor("● live")
	s.keys("C")
	scr := s.waitFor("one row per conversation")
	for _, want := range []string{"⟨2⟩ still no answer", "⟨3⟩ me too since noon", "is the shop open sunday?"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("conversation rows lack %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "same here") || strings.Contains(scr, "hello? order 42") {
		t.Fatalf("a conversation shows more than one row:\n%s", scr)
	}
	// the cursor starts on the newest row (the Reddit one); go to the thread
	for i := 0; i < 3; i++ {
		if line := cursorLine(s.screen()); strings.Contains(line, "⟨3⟩") {
			break
		}
		s.keys("j")
	}
	if line := cursorLine(s.screen()); !strings.Contains(line, "⟨3⟩") {
		t.Fatalf("cursor not on the thread:\n%s", s.screen())
	}
	s.keys("x")
	s.waitFor("marked 3 mentions done")
	s.keys("q")
	waitQuit(t, s)
	state := exportState(t, db)
	for _, k := range []string{"x:1", "x:2", "x:3"} {
		if state[k].Status != "done" {
			t.Fatalf("%s is %s after x on its conversation", k, state[k].Status)
		}
	}
	if state["mastodon:4"].Status != "open" || state["reddit:t1_6"].Status != "open" {
		t.Fatalf("x closed other conversations: %+v", state)
	}
	// one undo undoes the whole conversation
	s = newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --theme mono", bin, db))
	s.waitFor("● live")
	s.keys("u")
	s.waitFor("undid your last action")
	s.keys("q")
	waitQuit(t, s)
	after := exportState(t, db)
	for _, k := range []string{"x:1", "x:2", "x:3"} {
		if after[k].Status != "open" {
			t.Fatalf("%s is %s after undo", k, after[k].Status)
		}
	}
}

func cursorLine(scr string) string {
	for _, l := range strings.Split(scr, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, " "), "›") {
			return l
		}
	}
	return ""
}
