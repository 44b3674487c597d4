package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// mentionsFixture writes 40 mentions with varied platforms, kinds,
// languages, followers, tags and texts and imports them into a new store.
func mentionsFixture(t *testing.T, dir string) (db string) {
	t.Helper()
	db = filepath.Join(dir, "sb.db")
	texts := []string{"my refund is late", "late delivery again, refund please", "love the new app", "spam spam buy now",
		"Where is my order?", "the refunded amount was wrong"}
	platforms := []string{"x", "mastodon", "bluesky", "reddit", "news"}
	kinds := []string{"mention", "dm", "comment", "reply"}
	var lines []map[string]any
	now := time.Now().UTC()
	for i := 0; i < 40; i++ {
		m := map[string]any{
			"platform": platforms[i%5], "id": fmt.Sprint(1000 + i), "kind": kinds[i%4],
			"author":     map[string]any{"handle": fmt.Sprintf("@user%d", i%7), "followers": i * 1000},
			"text":       texts[i%6],
			"lang":       []string{"en", "nl", "en-GB"}[i%3],
			"created_at": now.Add(-time.Duration(i) * time.Hour).Format(time.RFC3339),
		}
		if i%3 == 0 {
			m["tags"] = []string{"billing"}
		}
		if i%8 == 0 {
			m["status"] = "done"
		}
		lines = append(lines, m)
	}
	in := filepath.Join(dir, "in.jsonl")
	writeMentions(t, in, lines...)
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	return db
}

type listedMention struct {
	Platform, ID, Status, Assignee, Team, Kind, Lang, Text string
	Tags                                                   []string
	Author                                                 struct {
		Handle    string
		Followers int64
	}
}

func (m listedMention) key() string { return m.Platform + ":" + m.ID }

func mentionsJSON(t *testing.T, r result) []listedMention {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var ms []listedMention
	if err := json.Unmarshal([]byte(r.stdout), &ms); err != nil {
		t.Fatalf("not one JSON array: %v\n%s", err, r.stdout)
	}
	return ms
}

func keysOf(ms []listedMention) []string {
	var ks []string
	for _, m := range ms {
		ks = append(ks, m.key())
	}
	return ks
}

// TestMentionsListAndExportAgreeOnQueries: the same query gives the same
// mentions to `mentions list` and `export`, and each is what the query
// says, checked against the fixture independently.
func TestMentionsListAndExportAgreeOnQueries(t *testing.T) {
	db := mentionsFixture(t, t.TempDir())
	all := mentionsJSON(t, run(t, "", "mentions", "list", "--json", "--db", db))
	if len(all) != 40 {
		t.Fatalf("mentions list without --limit listed %d of 40", len(all))
	}
	tests := []struct {
		q    string
		want func(m listedMention) bool
	}{
		{`refund`, func(m listedMention) bool {
			return strings.Contains(m.Text, "refund ") || strings.HasSuffix(m.Text, "refund")
		}},
		{`refund*`, func(m listedMention) bool { return strings.Contains(m.Text, "refund") }},
		{`"late delivery"`, func(m listedMention) bool { return strings.Contains(m.Text, "late delivery") }},
		{`refund* -late`, func(m listedMention) bool {
			return strings.Contains(m.Text, "refund") && !strings.Contains(m.Text, "late")
		}},
		{`author:@user3`, func(m listedMention) bool { return m.Author.Handle == "@user3" }},
		{`tag:billing is:open`, func(m listedMention) bool { return slices.Contains(m.Tags, "billing") && m.Status == "open" }},
		{`kind:dm platform:mastodon,reddit`, func(m listedMention) bool {
			return m.Kind == "dm" && (m.Platform == "mastodon" || m.Platform == "reddit")
		}},
		{`lang:en`, func(m listedMention) bool { return m.Lang == "en" || m.Lang == "en-GB" }},
		{`followers:>30000`, func(m listedMention) bool { return m.Author.Followers > 30000 }},
		{`is:done`, func(m listedMention) bool { return m.Status == "done" }},
		{`is:unassigned after:10h30m`, func(m listedMention) bool { return m.Assignee == "" && m.ID < "1011" }},
	}
	for _, tc := range tests {
		listed := mentionsJSON(t, run(t, "", "mentions", "list", "--query", tc.q, "--json", "--db", db))
		var want []string
		for _, m := range all {
			if tc.want(m) {
				want = append(want, m.key())
			}
		}
		if got := keysOf(listed); !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("mentions list --query %q = %v, want %v", tc.q, got, want)
		}
		r := run(t, "", "export", "--query", tc.q, "--db", db)
		var exported []string
		sc := bufio.NewScanner(strings.NewReader(r.stdout))
		for sc.Scan() {
			var m listedMention
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("export line: %v", err)
			}
			exported = append(exported, m.key())
		}
		slices.Reverse(exported) // export is oldest first
		if !slices.Equal(exported, want) {
			t.Errorf("export --query %q = %v, want %v", tc.q, exported, want)
		}
	}
	// --limit, sort:, and the old flags with the query
	if ms := mentionsJSON(t, run(t, "", "mentions", "list", "--query", "sort:followers", "--limit", "3", "--json", "--db", db)); len(ms) != 3 || ms[0].Author.Followers != 39000 || ms[2].Author.Followers != 37000 {
		t.Errorf("sort:followers --limit 3: %+v", ms)
	}
	if ms := mentionsJSON(t, run(t, "", "mentions", "list", "--query", "sort:oldest", "--platform", "x", "--since", "24h", "--json", "--db", db)); len(ms) != 5 || ms[0].ID != "1020" {
		t.Errorf("sort:oldest --platform x --since 24h: %v", keysOf(ms))
	}
	// an unknown key is an error that lists the known ones, exit 2
	r := run(t, "", "mentions", "list", "--query", "colour:red", "--db", db)
	if r.code != 2 || !strings.Contains(r.stderr, `unknown key "colour"; known keys: author, tag, team`) {
		t.Errorf("unknown key: %+v", r)
	}
	if r := run(t, "", "export", "--since", "yesterday", "--db", db); r.code != 2 || !strings.Contains(r.stderr, "want a duration") {
		t.Errorf("--since yesterday: %+v", r)
	}
	// the table names every match and says how many
	r = run(t, "", "mentions", "list", "--query", "author:@user3", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "KEY") || !strings.Contains(r.stdout, "reddit:1003") || !strings.HasSuffix(r.stdout, "6 mentions\n") {
		t.Errorf("table: %+v", r)
	}
}

// TestMentionsActOnKeysAndQueries: each action on keys and on a query,
// the count it prints, the audit trail under the acting operator, and
// the refusals.
func TestMentionsActOnKeysAndQueries(t *testing.T) {
	db := mentionsFixture(t, t.TempDir())
	me := run(t, "", "mentions", "tag", "--tag", "vip", "x:1000", "mastodon:1001", "--db", db)
	if me.code != 0 || me.stdout != "tagged 2\n" {
		t.Fatalf("tag two keys: %+v", me)
	}
	if r := run(t, "", "mentions", "tag", "--tag", "vip", "x:1000", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "nothing changed") {
		t.Fatalf("tag again: %+v", r)
	}
	open := len(mentionsJSON(t, run(t, "", "mentions", "list", "--query", "tag:billing is:open", "--json", "--db", db)))
	r := run(t, "", "mentions", "close", "--query", "tag:billing is:open", "--db", db)
	if r.code != 0 || r.stdout != fmt.Sprintf("closed %d\n", open) || open == 0 {
		t.Fatalf("close by query (%d open): %+v", open, r)
	}
	if n := len(mentionsJSON(t, run(t, "", "mentions", "list", "--query", "tag:billing is:open", "--json", "--db", db))); n != 0 {
		t.Fatalf("%d still open after close", n)
	}
	steps := [][]string{
		{"assign", "--to", "ana", "reddit:1003"},
		{"route", "--team", "support", "reddit:1003"},
		{"snooze", "--until", "2h", "reddit:1003"},
		{"reopen", "reddit:1003"},
		{"note", "--text", "called them back", "reddit:1003"},
		{"untag", "--tag", "billing", "reddit:1003"},
	}
	for _, s := range steps {
		r := run(t, "", append(append([]string{"mentions"}, s...), "--db", db)...)
		if r.code != 0 || !strings.HasSuffix(r.stdout, " 1\n") {
			t.Fatalf("mentions %v: %+v", s, r)
		}
	}
	show := mentionsJSON(t, result{stdout: "[" + run(t, "", "mentions", "show", "reddit:1003", "--json", "--db", db).stdout + "]"})[0]
	if show.Assignee != "ana" || show.Team != "support" || show.Status != "open" || slices.Contains(show.Tags, "billing") {
		t.Fatalf("after the actions: %+v", show)
	}
	r = run(t, "", "mentions", "show", "reddit:1003", "--db", db)
	for _, want := range []string{"called them back", "assignee", "status", "history:"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Fatalf("show lacks %q: %+v", want, r)
		}
	}
	// refusals: no value, keys and a query at once, not a key, unknown
	for _, bad := range [][]string{
		{"tag", "x:1000"},
		{"close", "x:1000", "--query", "is:open"},
		{"close"},
		{"close", "1000"},
		{"close", "--query", "colour:red"},
		{"snooze", "--until", "yesterday", "x:1000"},
	} {
		if r := run(t, "", append(append([]string{"mentions"}, bad...), "--db", db)...); r.code != 2 {
			t.Errorf("mentions %v: exit %d, want 2: %s", bad, r.code, r.stderr)
		}
	}
	if r := run(t, "", "mentions", "close", "x:999999", "--db", db); r.code != 1 {
		t.Errorf("closing a missing mention: %+v", r)
	}
}

// TestMentionsOverSSH: OpenSSH's ssh against serve; the caller's key
// decides who acts, an agent may triage and a viewer may not, and the
// audit trail names the agent.
func TestMentionsOverSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh is not installed: the SSH end-to-end test needs OpenSSH's ssh (apt-get install openssh-client)")
	}
	dir := t.TempDir()
	db := mentionsFixture(t, dir)
	ops := filepath.Join(dir, "ops.yaml")
	keys := map[string]string{}
	for _, a := range [][]string{{"ana", "agent"}, {"vera", "viewer"}} {
		priv, pub := writeKeyPair(t, dir, a[0])
		keys[a[0]] = priv
		if r := run(t, "", "operators", "add", a[0], "--role", a[1], "--key", pub, "--operators", ops); r.code != 0 {
			t.Fatalf("add %s: %+v", a[0], r)
		}
	}
	srv := startServe(t, nil, "--db", db, "--operators", ops, "--host-key", filepath.Join(dir, "hostkey"))
	as := func(who, command string) result {
		t.Helper()
		return opensshRun(t, srv.addr, keys[who], "", command)
	}
	if ms := mentionsJSON(t, as("vera", "mentions list --query 'author:@user3 is:open' --json")); len(ms) != 5 {
		t.Fatalf("vera lists %d of user3's open mentions, want 5", len(ms))
	}
	if r := as("vera", "mentions close --query 'author:@user3'"); r.code != 1 || !strings.Contains(r.stderr, "vera is a viewer") {
		t.Fatalf("a viewer closing: %+v", r)
	}
	if r := as("ana", "mentions close --query 'author:@user3 is:open'"); r.code != 0 || r.stdout != "closed 5\n" {
		t.Fatalf("an agent closing: %+v\n%s", r, srv.logs())
	}
	if r := as("ana", "mentions list --query 'author:@user3' --db /etc/passwd"); r.code != 2 {
		t.Fatalf("--db over ssh: %+v", r)
	}
	r := as("vera", "mentions show reddit:1003")
	if r.code != 0 || !strings.Contains(r.stdout, "ana") || !strings.Contains(r.stdout, "status") {
		t.Fatalf("the audit trail does not name ana: %+v", r)
	}
}

// TestMentionsSortDueFollowsTheClock: sort:due orders by each mention's
// first-response deadline (creation plus its priority's target), not by
// age: an urgent mention an hour old is due before a normal one two
// hours old.
func TestMentionsSortDueFollowsTheClock(t *testing.T) {
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	now := time.Now().UTC()
	writeMentions(t, in,
		map[string]any{"platform": "x", "id": "old", "author": map[string]any{"handle": "@a"}, "text": "where is it?", "created_at": now.Add(-2 * time.Hour).Format(time.RFC3339)},
		map[string]any{"platform": "x", "id": "urgent", "author": map[string]any{"handle": "@b"}, "text": "hacked?", "priority": "urgent", "created_at": now.Add(-time.Hour).Format(time.RFC3339)},
	)
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	ms := mentionsJSON(t, run(t, "", "mentions", "list", "--query", "sort:due", "--json", "--db", db))
	if got := strings.Join(keysOf(ms), ","); got != "x:urgent,x:old" {
		t.Fatalf("sort:due = %s, want the urgent one first", got)
	}
}
