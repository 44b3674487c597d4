package main

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// threadFixture imports a Mastodon conversation (a post, replies, a reply
// to our reply), a reply whose parent is not stored, two posts that answer
// each other, and direct messages from two people on X; then sends our
// reply to mastodon:102 (as ana) and to the DM x:d2 (as vera), through the
// store as the outbox would.
func threadFixture(t *testing.T, dir string) string {
	t.Helper()
	db := filepath.Join(dir, "sb.db")
	at := func(min int) string { return time.Date(2026, 11, 20, 10, min, 0, 0, time.UTC).Format(time.RFC3339) }
	m := func(p, id, kind, handle, text string, min int, parent string) map[string]any {
		r := map[string]any{"platform": p, "id": id, "kind": kind, "author": map[string]any{"handle": handle, "name": strings.Trim(handle, "@")},
			"text": text, "created_at": at(min), "lang": "en"}
		if parent != "" {
			r["in_reply_to"] = parent
		}
		return r
	}
	in := filepath.Join(dir, "thread.jsonl")
	writeMentions(t, in,
		m("mastodon", "100", "mention", "@acme@social.example", "Our new app is out", 0, ""),
		m("mastodon", "101", "reply", "@ana@example.social", "It crashes on start", 1, "100"),
		m("mastodon", "102", "reply", "@bob@example.social", "same here \x1b[2Jwhat now?", 2, "101"),
		m("mastodon", "103", "reply", "@cy@example.social", "me too", 3, "101"),
		m("mastodon", "105", "reply", "@bob@example.social", "thanks, that worked", 6, "900"),
		m("mastodon", "104", "reply", "@dee@example.social", "unrelated", 4, "100"),
		m("mastodon", "201", "reply", "@eve@example.social", "answering a deleted post", 7, "200"),
		m("bluesky", "a", "reply", "loop.bsky.social", "a", 8, "b"),
		m("bluesky", "b", "reply", "loop.bsky.social", "b", 9, "a"),
		m("x", "d1", "dm", "@kim", "hi, my order?", 10, ""),
		m("x", "d9", "dm", "@lou", "another person", 11, ""),
		m("x", "d2", "dm", "@kim", "order 123", 12, ""),
		m("x", "d3", "dm", "@Kim", "hello??", 14, ""),
	)
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	send := func(actor, key string, vis domain.Visibility, text, remote string) {
		t.Helper()
		d, err := st.NewDraft(actor, key, vis, text)
		if err == nil {
			_, err = st.QueueDraft(actor, d.ID, 0)
		}
		if err == nil {
			_, err = st.BeginSend(d.ID)
		}
		if err == nil {
			_, err = st.FinishSend(d.ID, store.SendOutcome{State: domain.DraftSent, RemoteID: remote})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	send("ana", "mastodon:102", domain.VisibilityPublic, "Sorry! Try reinstalling.", "900")
	send("vera", "x:d2", domain.VisibilityPrivate, "Looking into it now.", "ev5")
	return db
}

var stamp = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d`)

func TestThreadPrintsTheConversationOldestFirst(t *testing.T) {
	dir := t.TempDir()
	db := threadFixture(t, dir)
	r := run(t, "", "thread", "mastodon:102", "--db", db)
	if r.code != 0 {
		t.Fatalf("thread: %+v", r)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	want := []string{
		"conversation of mastodon:102, oldest first",
		"  !  @acme@social.example: Our new app is out  [mastodon:100]",
		"    !  @ana@example.social: It crashes on start  [mastodon:101]",
		"    ▶ !  @bob@example.social: same here ␛[2Jwhat now?  [mastodon:102]",
		"        !  ◆ ours, sent by ana (public): Sorry! Try reinstalling.  [mastodon:900]",
		"          !  @bob@example.social: thanks, that worked  [mastodon:105]",
		"      !  @cy@example.social: me too  [mastodon:103]",
		"    !  @dee@example.social: unrelated  [mastodon:104]",
		"7 messages (1 ours)",
	}
	if len(lines) != len(want) {
		t.Fatalf("thread:\n%s", r.stdout)
	}
	for i, l := range lines {
		// the time is local: check it is there and compare the rest
		if i > 0 && i < len(lines)-1 {
			if !stamp.MatchString(l) {
				t.Fatalf("line %d has no time: %q", i, l)
			}
			l = stamp.ReplaceAllString(l, "!")
		}
		if l != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, l, want[i])
		}
	}
	if strings.Contains(r.stdout, "\x1b") {
		t.Fatal("an escape sequence from the platform reached the terminal")
	}

	// a parent not in the store, and a loop
	r = run(t, "", "thread", "mastodon:201", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "· not in the store (not fetched, or deleted)  [mastodon:200]") ||
		!strings.Contains(r.stdout, "▶ ") || !strings.HasSuffix(r.stdout, "2 messages\n") {
		t.Fatalf("missing parent: %+v", r)
	}
	r = run(t, "", "thread", "bluesky:a", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "loop back") || !strings.HasSuffix(r.stdout, "2 messages\n") {
		t.Fatalf("loop: %+v", r)
	}
	// direct messages: one conversation per person, the newest at the bottom
	r = run(t, "", "thread", "x:d1", "--db", db)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "direct messages with x:kim, oldest first\n") {
		t.Fatalf("DMs: %+v", r)
	}
	var order []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if i := strings.LastIndex(l, "["); i > 0 {
			order = append(order, l[i:])
		}
	}
	if strings.Join(order, " ") != "[x:d1] [x:d2] [x:ev5] [x:d3]" || !strings.Contains(r.stdout, "◆ ours, sent by vera (private): Looking into it now.") {
		t.Fatalf("DMs:\n%s", r.stdout)
	}
	// errors
	if r := run(t, "", "thread", "mastodon", "--db", db); r.code != 2 {
		t.Fatalf("a bad key: %+v", r)
	}
	if r := run(t, "", "thread", "mastodon:999", "--db", db); r.code != 1 || !strings.Contains(r.stderr, "no such mention") {
		t.Fatalf("a missing mention: %+v", r)
	}
}

// TestThreadJSONIsTheImportedData: every message of `thread --json` that
// is not ours is the mention's export record, field for field, with its
// place in the conversation added; ours carry what was sent and by whom.
func TestThreadJSONIsTheImportedData(t *testing.T) {
	dir := t.TempDir()
	db := threadFixture(t, dir)
	exp := run(t, "", "export", "--db", db)
	if exp.code != 0 {
		t.Fatalf("export: %+v", exp)
	}
	exported := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(exp.stdout))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		exported[rec["platform"].(string)+":"+rec["id"].(string)] = rec
	}
	r := run(t, "", "thread", "mastodon:105", "--json", "--db", db)
	if r.code != 0 {
		t.Fatalf("thread --json: %+v", r)
	}
	var msgs []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &msgs); err != nil {
		t.Fatalf("not one JSON array: %v\n%s", err, r.stdout)
	}
	var got []string
	for _, m := range msgs {
		key := m["platform"].(string) + ":" + m["id"].(string)
		got = append(got, key+"@"+strings.Repeat(".", int(m["depth"].(float64))))
		if m["focus"] == true && key != "mastodon:105" {
			t.Errorf("focus on %s", key)
		}
		if m["ours"] == true {
			if key != "mastodon:900" || m["sent_by"] != "ana" || m["text"] != "Sorry! Try reinstalling." || m["in_reply_to"] != "102" ||
				m["visibility"] != "public" || m["kind"] != "reply" || m["parent"] != "mastodon:102" || m["draft"] == "" || m["created_at"] == "" {
				t.Errorf("our reply: %v", m)
			}
			continue
		}
		want, ok := exported[key]
		if !ok {
			t.Fatalf("%s is not in the export", key)
		}
		for _, f := range []string{"depth", "parent", "ours", "focus"} {
			delete(m, f)
		}
		if !reflect.DeepEqual(m, want) {
			t.Errorf("%s differs from its export record:\n%v\n%v", key, m, want)
		}
	}
	if strings.Join(got, " ") != "mastodon:100@ mastodon:101@. mastodon:102@.. mastodon:900@... mastodon:105@.... mastodon:103@.. mastodon:104@." {
		t.Fatalf("order: %v", got)
	}
	// an empty-handed key gives the error, and a missing parent its key
	r = run(t, "", "thread", "mastodon:201", "--json", "--db", db)
	if err := json.Unmarshal([]byte(r.stdout), &msgs); err != nil || len(msgs) != 2 || msgs[0]["missing"] != true || msgs[0]["id"] != "200" {
		t.Fatalf("missing parent: %v %s", err, r.stdout)
	}
}

func TestThreadOverSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh is not installed: the SSH end-to-end test needs OpenSSH's ssh (apt-get install openssh-client)")
	}
	dir := t.TempDir()
	db := threadFixture(t, dir)
	ops := filepath.Join(dir, "ops.yaml")
	priv, pub := writeKeyPair(t, dir, "vera")
	if r := run(t, "", "operators", "add", "vera", "--role", "viewer", "--key", pub, "--operators", ops); r.code != 0 {
		t.Fatalf("add vera: %+v", r)
	}
	local := run(t, "", "thread", "mastodon:102", "--json", "--db", db)
	srv := startServe(t, nil, "--db", db, "--operators", ops, "--host-key", filepath.Join(dir, "hostkey"))
	r := opensshRun(t, srv.addr, priv, "", "thread mastodon:102 --json")
	if r.code != 0 || r.stdout != local.stdout {
		t.Fatalf("over ssh: %+v\nlocally:\n%s", r, local.stdout)
	}
	if r := opensshRun(t, srv.addr, priv, "", "thread mastodon:102 --db /etc/passwd"); r.code != 2 {
		t.Fatalf("--db over ssh: %+v", r)
	}
}
