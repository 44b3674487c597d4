package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyPaneTmux runs the built binary in tmux as a person would:
// open the policy pane, type a draft with a weak partnership disclosure,
// see the finding with its span marked, apply the fix, see it pass.
func TestPolicyPaneTmux(t *testing.T) {
	dir := t.TempDir()
	tm := newTmux(t, fmt.Sprintf("env XDG_CONFIG_HOME=%s XDG_DATA_HOME=%s %s --db %s --theme dark",
		filepath.Join(dir, "config"), filepath.Join(dir, "data"), binary(t), filepath.Join(dir, "sb.db")))
	waitFor, keys := tm.waitFor, tm.keys

	waitFor("Inbox")
	keys("3")
	waitFor("Pack switchboard-default")
	waitFor("REPUTATION")
	keys("Enter")
	waitFor("editing")
	tm.text("Use my code SAVE10 at the checkout! #sp")
	// the rules column names ftc-disclosure from the start: wait for the
	// finding's own fix line, which appears only once the draft is checked
	s := waitFor("fix → “#ad”")
	if !strings.Contains(s, "✖ block") || !strings.Contains(s, "ftc-disclosure") {
		t.Fatalf("finding without severity or fix:\n%s", s)
	}
	keys("Escape")
	s = waitFor("enter to edit")
	// The span: the excerpt line, and carets under exactly "#sp".
	lines := strings.Split(s, "\n")
	ok := false
	for i := 0; i+1 < len(lines); i++ {
		k := strings.Index(lines[i], "checkout! #sp")
		c := strings.Index(lines[i+1], "^^^")
		if k >= 0 && c >= 0 && len([]rune(lines[i][:k]))+len("checkout! ") == len([]rune(lines[i+1][:c])) &&
			!strings.Contains(lines[i+1], "^^^^") {
			ok = true
		}
	}
	if !ok {
		t.Fatalf("span not marked under #sp:\n%s", s)
	}
	if !strings.Contains(s, "X · public · post  39/280") {
		t.Fatalf("no length counter:\n%s", s)
	}
	keys("f")
	s = waitFor("the draft passes the pack")
	if !strings.Contains(s, "Use my code SAVE10 at the checkout! #ad") || strings.Contains(s, "fix → ") {
		t.Fatalf("fix not applied:\n%s", s)
	}
	keys("p")
	waitFor("Mastodon · public · post  39/500")
	keys("q")
}

// TestCheckUsesConfigPolicy: without --policy, check uses the config's
// policy: pack (relative to the config file), not the built-in one.
func TestCheckUsesConfigPolicy(t *testing.T) {
	dir := t.TempDir()
	pack := `id: team-pack
version: "1"
owner: comms
rules:
  - id: no-widgets
    kind: deny
    severity: block
    terms: [widget]
    message: "say gadget"
    cite: "house style"
    examples: {bad: ["a widget"], good: ["a gadget"]}
`
	if err := os.WriteFile(filepath.Join(dir, "team.yaml"), []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("policy: team.yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, "a widget, you idiot", "--config", cfg, "check", "-")
	if r.code != 1 || !strings.Contains(r.stdout, "no-widgets") || strings.Contains(r.stdout, "no-insults") {
		t.Fatalf("config pack not used: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// --policy still wins over the config.
	r = run(t, "a widget, you idiot", "--config", cfg, "check", "--policy", filepath.Join(dir, "missing.yaml"), "-")
	if r.code != 2 {
		t.Fatalf("--policy ignored: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A config whose pack is broken fails as a bad pack (exit 2).
	os.WriteFile(filepath.Join(dir, "team.yaml"), []byte("id: x\nrules:\n  - id: a\n    kind: nope\n"), 0o644)
	r = run(t, "hello", "--config", cfg, "check", "-")
	if r.code != 2 {
		t.Fatalf("broken config pack: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
