package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completions runs the hidden __complete command and returns the words it
// offers (without the trailing :directive line).
func completions(t *testing.T, args ...string) []string {
	t.Helper()
	r := run(t, "", append([]string{"__complete"}, args...)...)
	if r.code != 0 {
		t.Fatalf("__complete %v: exit %d\n%s", args, r.code, r.stderr)
	}
	var words []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !strings.HasPrefix(l, ":") {
			words = append(words, strings.SplitN(l, "\t", 2)[0])
		}
	}
	return words
}

func TestCompletionUnknownShellIsAUsageError(t *testing.T) {
	for _, args := range [][]string{{"completion", "tcsh"}, {"completion"}} {
		r := run(t, "", args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
		for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
			if !strings.Contains(r.stderr, sh) {
				t.Errorf("%v: message does not list %s: %q", args, sh, r.stderr)
			}
		}
	}
	if r := run(t, "", "completion", "zsh"); r.code != 0 || !strings.Contains(r.stdout, "switchboard") {
		t.Fatalf("completion zsh: %+v", r)
	}
}

func TestCompletionOfFlagValues(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(filepath.Join(dir, "operators.yaml"), []byte("operators:\n  - name: lou\n    role: legal\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := jsonl(goodA, `{"platform":"x","id":"1","author":{"handle":"@z"},"text":"t","created_at":"2026-11-20T10:00:00Z","tags":["billing","vip"],"team":"social","assignee":"ana"}`)
	if r := run(t, in, "import", "--db", db, "-"); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"export", "--platform", ""}, []string{"x", "mastodon", "bluesky", "reddit", "news"}},
		{[]string{"export", "--status", ""}, []string{"open", "pending", "done", "snoozed", "spam", "stream"}},
		{[]string{"export", "--status", "open,s"}, []string{"open,snoozed", "open,spam", "open,stream"}},
		{[]string{"export", "--db", db, "--tag", ""}, []string{"billing", "shipping", "vip"}},
		{[]string{"export", "--db", db, "--tag", "v"}, []string{"vip"}},
		{[]string{"export", "--db", db, "--team", ""}, []string{"social", "support"}},
		{[]string{"export", "--db", db, "--config", cfg, "--assignee", ""}, []string{"ana", "lou"}},
		{[]string{"operators", "add", "vera", "--db", db, "--team", "so"}, []string{"social"}},
		{[]string{"check", "--platform", ""}, []string{"x", "mastodon", "bluesky", "reddit", "generic"}},
		// no store: nothing to offer, and no store file made
		{[]string{"export", "--db", filepath.Join(dir, "none.db"), "--tag", ""}, nil},
	} {
		if got := completions(t, c.args...); !slices.Equal(got, c.want) {
			t.Errorf("__complete %v: %q, want %q", c.args, got, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !os.IsNotExist(err) {
		t.Errorf("completing against a missing store created it (%v)", err)
	}
}
