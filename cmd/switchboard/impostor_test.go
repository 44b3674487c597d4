package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestImpostorEndToEnd, in the real binary under tmux: an account that
// imitates the brand is flagged as it is imported; `reply` refuses to
// answer it; the inbox warns of its
// trust-imitating name and of the flag; the composer refuses a public and
// a private reply to it; escalated, its incident's holding statement (s)
// is a post on the brand's own account, not a reply to the impostor.
func TestImpostorEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("tmux end-to-end test skipped in -short mode")
	}
	bin := binary(t)
	dir := t.TempDir()
	db, in, cfg := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl"), filepath.Join(dir, "config.yaml")
	at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	writeMentions(t, in,
		map[string]any{"platform": "x", "id": "1", "author": map[string]any{"id": "66", "handle": "@acme_support", "name": "✔ Official Acme"},
			"text": "zanzibar: FREE refunds today, DM us your card number", "lang": "en", "created_at": at},
		map[string]any{"platform": "x", "id": "2", "author": map[string]any{"handle": "@kim"}, "text": "is @acme_support really you?", "lang": "en", "created_at": at},
	)
	os.WriteFile(cfg, []byte("brand:\n  name: Acme\n  handles: [\"@acme\"]\n"), 0o600)
	if r := run(t, "", "import", "--db", db, "--config", cfg, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	// the reply command takes the store's draft path, so it is refused too
	for _, args := range [][]string{{"x:1", "--text", "Thanks!"}, {"x:1", "--private", "--text", "Hello"}} {
		r := run(t, "", append([]string{"reply", "--db", db, "--config", cfg}, args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, "refused: @acme_support is flagged as impersonating the brand") {
			t.Fatalf("reply %v: %d %s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --config %s --theme mono", bin, db, cfg))
	s.waitFor("● live")
	s.keys("/")
	s.text("zanzibar")
	s.keys("Enter")
	s.waitFor("search: zanzibar")
	s.keys("Enter")
	s.waitFor("⚠ display name imitates trust: ✔ official")
	s.waitFor("⛔ flagged as impersonating the brand")
	s.keys("Escape")

	// the composer refuses a reply of any kind
	s.keys("r")
	s.waitFor("refused: @acme_support is flagged as impersonating the brand")
	s.keys("C-s")
	s.waitFor("not sent: refused: @acme_support")
	s.keys("Tab")
	s.text("Please tell us more")
	s.keys("C-s")
	s.waitFor("not sent: refused: @acme_support")
	s.keys("Escape")
	s.waitFor("search: zanzibar")

	// escalated: the holding statement is a post on the brand's account
	s.keys("e")
	s.waitFor("Escalate 1 mention to")
	s.keys("Enter")
	s.waitFor("Title of the new incident")
	s.keys("C-u")
	s.text("Impostor account")
	s.keys("Enter")
	s.waitFor("Severity")
	s.keys("Enter")
	s.waitFor("Scenario")
	s.keys("Down", "Enter") // security
	s.waitFor("INC-1")
	s.keys("s")
	s.waitFor("Holding statement of INC-1")
	s.waitFor("never the impostor")
	s.keys("Enter") // the first choice: a post on X
	scr := s.waitFor("Post on the brand's x account (a new post")
	if strings.Contains(scr, "Reply to") || strings.Contains(scr, "refused") {
		t.Fatalf("the holding statement is a reply:\n%s", scr)
	}
	// the default pack's own holding statement passes its own rules
	// (`policy test` checks every shipped text)
	s.waitFor("no policy findings")
	s.keys("C-s")
	s.waitFor("queued", "approval queue")
	s.quit()

	ds := outboxList(t, db)
	if len(ds) != 1 || ds[0].Visibility != "public" || ds[0].Text == "" {
		t.Fatalf("outbox: %+v", ds)
	}
	if r := run(t, "", "drafts", "show", ds[0].ID, "--db", db); r.code != 0 || !strings.Contains(r.stdout, "a post on the brand's x account") {
		t.Fatalf("drafts show: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := run(t, "", "outbox", "list", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "(post)") || strings.Contains(r.stdout, "acme_support") {
		t.Fatalf("outbox list: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", "outbox", "list", "--db", db, "--json")
	var posts []struct {
		Mention, Platform string
	}
	if err := json.Unmarshal([]byte(r.stdout), &posts); err != nil || len(posts) != 1 || posts[0].Mention != "" || posts[0].Platform != "x" {
		t.Fatalf("the post answers a mention (%v):\n%s", err, r.stdout)
	}
}
