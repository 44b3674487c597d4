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

// TestStreamsEndToEnd imports stream items (as a stream search stores
// them) under a config with a stream and a promote rule, then: the rule
// promoted the loud negative one; in the real binary under tmux the
// Streams pane shows the column, p promotes the newest item and x
// dismisses the next; the inbox shows the promoted ones only; export and
// the stream: query give the same state back.
func TestStreamsEndToEnd(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in, cfg := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl"), filepath.Join(dir, "config.yaml")
	conf := `brand: {name: Acme}
streams:
  - name: brand
    terms: [acme, "#acmefail"]
inbox:
  rules:
    - name: loud and angry
      match: {sentiment_below: -0.05, min_followers: 1000, streams: [brand]}
      set: {promote: true, team: comms}
`
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-30 * time.Minute).UTC().Truncate(time.Second)
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	recs := []map[string]any{
		{"id": "s1", "text": "acme lost my parcel, furious", "sentiment": -0.7, "followers": 5000},
		{"id": "s2", "text": "acme pharmacy open late today", "sentiment": 0.0, "followers": 10},
		{"id": "s3", "text": "trying the acme app", "sentiment": 0.0, "followers": 10},
		{"id": "s4", "text": "is acme down?", "sentiment": 0.0, "followers": 10},
	}
	for i, r := range recs {
		b, _ := json.Marshal(map[string]any{"platform": "mastodon", "id": r["id"], "stream": "brand",
			"author": map[string]any{"handle": fmt.Sprintf("@fan%d@social.example", i), "followers": r["followers"]},
			"text":   r["text"], "sentiment": r["sentiment"], "created_at": base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)})
		fmt.Fprintln(f, string(b))
	}
	f.Close()
	if r := run(t, "", "import", "--db", db, "--config", cfg, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	got := exportState(t, db)
	if got["mastodon:s1"].Status != "open" || got["mastodon:s1"].Team != "comms" || got["mastodon:s2"].Status != "stream" {
		t.Fatalf("after import: %+v", got)
	}

	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --config %s --theme mono", bin, db, cfg))
	s.waitFor("● live")
	if scr := s.screen(); strings.Contains(scr, "acme app") {
		t.Fatalf("a stream item is in the inbox:\n%s", scr)
	}
	s.keys("6")
	s.waitFor("brand · 4/h · 3 waiting")
	s.waitFor("is acme down?")
	s.keys("p")
	s.waitFor("promoted to the inbox")
	s.waitFor("brand · 4/h · 2 waiting")
	s.keys("x")
	s.waitFor("brand · 4/h · 1 waiting")
	s.keys("1", "C-r") // the inbox keeps its rows still until reloaded
	scr := s.waitFor("is acme down?")
	if strings.Contains(scr, "acme app") || strings.Contains(scr, "pharmacy") {
		t.Fatalf("inbox shows an item not promoted:\n%s", scr)
	}
	s.keys("q")
	waitQuit(t, s)

	got = exportState(t, db)
	for id, want := range map[string]string{"s1": "open", "s2": "stream", "s3": "stream", "s4": "open"} {
		if got["mastodon:"+id].Status != want {
			t.Errorf("%s: status %q, want %q", id, got["mastodon:"+id].Status, want)
		}
	}
	if tags := got["mastodon:s3"].Tags; len(tags) != 1 || tags[0] != "dismissed" {
		t.Errorf("s3 tags %v", tags)
	}
	r := run(t, "", "mentions", "list", "--db", db, "--query", "stream:brand is:stream", "--json")
	if r.code != 0 {
		t.Fatalf("list: %s", r.stderr)
	}
	var listed []struct {
		ID     string `json:"id"`
		Stream string `json:"stream"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 2 || listed[0].Stream != "brand" {
		t.Fatalf("stream:brand is:stream listed %+v", listed)
	}
	// round trip: the export imports into a new store with the same state
	r = run(t, "", "export", "--db", db)
	again := filepath.Join(dir, "again.jsonl")
	os.WriteFile(again, []byte(r.stdout), 0o600)
	db2 := filepath.Join(dir, "sb2.db")
	if r := run(t, "", "import", "--db", db2, again); r.code != 0 {
		t.Fatalf("re-import: %s", r.stderr)
	}
	got2 := exportState(t, db2)
	for k, e := range got {
		if got2[k].Status != e.Status {
			t.Errorf("round trip %s: %q → %q", k, e.Status, got2[k].Status)
		}
	}
	if !strings.Contains(r.stdout, `"stream":"brand"`) {
		t.Fatal("export lacks the stream field")
	}
}
