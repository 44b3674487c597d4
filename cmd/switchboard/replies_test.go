package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestSavedRepliesLibrary: add (checked against the policy), list most
// used first, show, remove; a reply the pack blocks is refused.
func TestSavedRepliesLibrary(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	r := run(t, "", "replies", "add", "--title", "Double charge", "--text", "Hi {{author}}, we refund double charges.", "--lang", "en", "--tag", "billing", "--platform", "x", "--db", db)
	if r.code != 0 || r.stdout != "saved r1: Double charge\n" {
		t.Fatalf("add: %+v", r)
	}
	r = run(t, "", "replies", "add", "--title", "Reset", "--text", "DM us your password and we will reset it.", "--db", db)
	if r.code != 1 || !strings.Contains(r.stderr, "never-ask-credentials") || !strings.Contains(r.stderr, "it is not saved") {
		t.Fatalf("a reply the pack blocks: %+v", r)
	}
	if r := run(t, "", "replies", "add", "--title", "x", "--db", db); r.code != 2 {
		t.Fatalf("add without --text: %+v", r)
	}
	if r := run(t, "", "replies", "add", "--title", "x", "--text", "y", "--platform", "myspace", "--db", db); r.code != 2 {
		t.Fatalf("bad platform: %+v", r)
	}
	r = run(t, "", "replies", "list", "--json", "--db", db)
	var rs []struct {
		ID, Title, Text, Lang string
		Tags, Platforms       []string
		Uses                  int
		CreatedBy             string `json:"created_by"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rs) != nil || len(rs) != 1 || rs[0].ID != "r1" || rs[0].Tags[0] != "billing" || rs[0].CreatedBy == "" {
		t.Fatalf("list: %+v %+v", r, rs)
	}
	if r := run(t, "", "replies", "show", "r1", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "we refund double charges") {
		t.Fatalf("show: %+v", r)
	}
	if r := run(t, "", "replies", "remove", "r1", "--db", db); r.code != 0 {
		t.Fatalf("remove: %+v", r)
	}
	if r := run(t, "", "replies", "remove", "r1", "--db", db); r.code != 1 || !strings.Contains(r.stderr, "no saved reply r1") {
		t.Fatalf("remove twice: %+v", r)
	}
}
