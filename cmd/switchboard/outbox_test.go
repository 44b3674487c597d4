package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/store"
)

// acceptsDMs mirrors the demo connector's deterministic choice of the
// authors (one in ten) that refuse private messages.
func acceptsDMs(handle string) bool {
	h := fnv.New32a()
	h.Write([]byte(handle))
	return h.Sum32()%10 != 0
}

func writeMentions(t *testing.T, path string, lines ...map[string]any) {
	t.Helper()
	var b strings.Builder
	for _, l := range lines {
		j, _ := json.Marshal(l)
		b.Write(j)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

type listedDraft struct {
	ID, State, Visibility, Text, Author, ApprovedBy string
	RemoteID                                        string `json:"remote_id"`
	ApprovedByJSON                                  string `json:"approved_by"`
}

func outboxList(t *testing.T, db string) []listedDraft {
	t.Helper()
	r := run(t, "", "outbox", "list", "--db", db, "--json")
	if r.code != 0 {
		t.Fatalf("outbox list: %d %s", r.code, r.stderr)
	}
	var ds []listedDraft
	if err := json.Unmarshal([]byte(r.stdout), &ds); err != nil {
		t.Fatalf("outbox list --json: %v\n%s", err, r.stdout)
	}
	return ds
}

func (s *tmuxSession) quit() {
	s.t.Helper()
	s.keys("q")
	deadline := time.Now().Add(5 * time.Second)
	for exec.Command("tmux", "-L", s.socket, "has-session", "-t", "main").Run() == nil {
		if time.Now().After(deadline) {
			s.t.Fatalf("q did not quit:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestOutboxEndToEnd, in the real binary under tmux on an imported store
// with the demo connector sending: reply in private, see a block finding
// stop it, fix it, send, see it sent in `outbox list`; then an approval
// round trip between two operators.
func TestOutboxEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("tmux end-to-end test skipped in -short mode")
	}
	bin := binary(t)
	dir := t.TempDir()
	db, in, cfg := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl"), filepath.Join(dir, "config.yaml")
	handle := ""
	for i := 0; handle == ""; i++ {
		if h := fmt.Sprintf("@kim%d@social.example", i); acceptsDMs(h) {
			handle = h
		}
	}
	at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	writeMentions(t, in,
		map[string]any{"platform": "mastodon", "id": "1", "author": map[string]any{"handle": handle, "name": "Kim"}, "text": "my zanzibar order never arrived", "lang": "en", "created_at": at},
		map[string]any{"platform": "mastodon", "id": "2", "author": map[string]any{"handle": "@lee@social.example"}, "text": "love the product", "lang": "en", "created_at": at},
	)
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	os.WriteFile(cfg, []byte("connectors:\n  - name: demo\n    type: demo\n    every: 1h\n"), 0o600)
	app := func() *tmuxSession {
		s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --config %s --theme mono", bin, db, cfg))
		s.waitFor("● live")
		return s
	}
	openReply := func(s *tmuxSession) {
		s.keys("/")
		s.text("zanzibar")
		s.keys("Enter")
		s.waitFor("search: zanzibar")
		s.keys("r")
		s.waitFor("Reply to Kim")
	}

	// 1. private reply, blocked, fixed, sent
	s := app()
	openReply(s)
	s.keys("Tab")
	s.waitFor("not encrypted")
	s.keys("C-u") // the private side starts empty; clear anyway
	s.text("Please send us your password and order number.")
	s.waitFor("✗ block never-ask-credentials")
	s.keys("C-s")
	// refused before sending; if the last keystrokes' check was still
	// running, the send itself re-checks and refuses with "not sent"
	s.waitFor("sending is disabled", "not sent: ")
	s.keys("C-f")
	s.waitFor("✓ no policy findings")
	s.keys("C-s")
	s.waitFor("queued")
	s.keys("4")
	s.waitFor("Nothing waiting") // sent: it left the queue
	s.quit()
	ds := outboxList(t, db)
	if len(ds) != 1 || ds[0].State != "sent" || ds[0].Visibility != "private" || strings.Contains(ds[0].Text, "password") || ds[0].RemoteID == "" {
		t.Fatalf("outbox after the private reply: %+v", ds)
	}
	if r := run(t, "", "outbox", "list", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "sent") || !strings.Contains(r.stdout, ds[0].ID) {
		t.Fatalf("outbox list text: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// 2. approval round trip: I draft and ask, lou approves (another
	// person: written to the store as lou, the app closed), I send
	s = app()
	openReply(s)
	s.keys("Tab")
	s.text("This was our fault and we are sorry.")
	s.waitFor("ctrl+s asks legal to approve")
	s.keys("C-s")
	s.waitFor("approval queue of legal")
	s.quit()
	ds = outboxList(t, db)
	if len(ds) != 2 || ds[0].State != "awaiting_approval" {
		t.Fatalf("after asking for approval: %+v", ds)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.Draft(ds[0].ID)
	if err == nil {
		_, err = st.Approve("lou", d.ID, d.Version, "ok, approved by legal")
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	s = app()
	openReply(s)
	s.waitFor("approved by lou")
	s.keys("C-s")
	s.waitFor("queued")
	s.keys("4")
	s.waitFor("Nothing waiting")
	s.quit()
	ds = outboxList(t, db)
	if len(ds) != 2 || ds[0].State != "sent" || ds[0].ApprovedByJSON != "lou" || ds[0].Text != "This was our fault and we are sorry." {
		t.Fatalf("outbox after the approval round trip: %+v", ds)
	}
	// retry and cancel refuse a sent reply
	if r := run(t, "", "outbox", "cancel", ds[0].ID, "--db", db); r.code != 1 || !strings.Contains(r.stderr, "cannot be cancelled") {
		t.Fatalf("cancel a sent reply: %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "outbox", "retry", "d999", "--db", db); r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Fatalf("retry a missing draft: %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "outbox", "frobnicate", "--db", db); r.code != 2 {
		t.Fatalf("unknown action: %d %q", r.code, r.stderr)
	}
}
