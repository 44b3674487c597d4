package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// contactsFixture imports mentions by one person on Mastodon and Bluesky
// (same display name), two @bob on two platforms, and others.
func contactsFixture(t *testing.T, dir string) (db string, lines []map[string]any) {
	t.Helper()
	db = filepath.Join(dir, "sb.db")
	base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC) // a Monday
	add := func(p, id, handle, name string, followers int, at time.Duration, sentiment float64) {
		lines = append(lines, map[string]any{"platform": p, "id": id, "author": map[string]any{"handle": handle, "name": name, "followers": followers},
			"text": "about acme order " + id, "created_at": base.Add(at).Format(time.RFC3339), "sentiment": sentiment})
	}
	add("mastodon", "m1", "@ana@social.example", "Ana Jansen", 100, 0, -0.5)
	add("mastodon", "m2", "@ana@social.example", "Ana Jansen", 110, 24*time.Hour, 0.25)
	add("mastodon", "m3", "@Ana@social.example", "Ana J.", 120, 9*24*time.Hour, -0.25)
	add("bluesky", "b1", "ana.bsky.social", "Ana Jansen", 40, 2*time.Hour, 0.5)
	add("bluesky", "b2", "ana.bsky.social", "Ana Jansen", 45, 10*24*time.Hour, 0.1)
	add("x", "x1", "@bob", "Bob", 5000, time.Hour, 0)
	add("reddit", "r1", "bob", "bob", 3, time.Hour, 0)
	add("x", "x2", "@cem", "Cem", 1, 3*time.Hour, -0.9)
	in := filepath.Join(dir, "in.jsonl")
	writeMentions(t, in, lines...)
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	return db, lines
}

type shownContact struct {
	Handles   []string `json:"handles"`
	Mentions  int      `json:"mentions"`
	Names     []string `json:"names"`
	Followers int64    `json:"followers"`
	Verified  bool     `json:"verified"`
	FirstSeen string   `json:"first_seen"`
	LastSeen  string   `json:"last_seen"`
	Tags      []string `json:"tags"`
	Notes     []struct {
		Author, Text string
	} `json:"notes"`
	Sentiment struct {
		Average float64 `json:"average"`
		Weeks   []struct {
			Week     string  `json:"week"`
			Mentions int     `json:"mentions"`
			Average  float64 `json:"average"`
		} `json:"weeks"`
	} `json:"sentiment"`
	Recent []struct {
		Key string `json:"key"`
	} `json:"recent"`
	Suggestions []struct {
		Key string `json:"key"`
	} `json:"suggestions"`
	History []struct {
		Actor, Kind, Target string
	} `json:"history"`
}

func showContact(t *testing.T, args ...string) shownContact {
	t.Helper()
	r := run(t, "", append([]string{"contacts", "show", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("contacts show %v: %+v", args, r)
	}
	var c shownContact
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatalf("contacts show %v: %v\n%s", args, err, r.stdout)
	}
	return c
}

// expected recounts what contacts show must say about the handles from
// the imported lines themselves.
func expected(lines []map[string]any, handles ...string) (n int, first, last string, followers int64, avg float64) {
	var times []string
	var sum float64
	newest := map[string]string{}
	for _, l := range lines {
		h := strings.ToLower(strings.TrimPrefix(l["author"].(map[string]any)["handle"].(string), "@"))
		for _, want := range handles {
			if h != strings.ToLower(strings.TrimPrefix(want, "@")) {
				continue
			}
			n++
			at := l["created_at"].(string)
			times = append(times, at)
			sum += l["sentiment"].(float64)
			if at > newest[want] {
				newest[want] = at
			}
		}
	}
	for _, want := range handles {
		for _, l := range lines {
			a := l["author"].(map[string]any)
			if strings.EqualFold(strings.TrimPrefix(a["handle"].(string), "@"), strings.TrimPrefix(want, "@")) && l["created_at"] == newest[want] {
				followers += int64(a["followers"].(int))
			}
		}
	}
	sort.Strings(times)
	return n, times[0], times[len(times)-1], followers, sum / float64(n)
}

// TestContactsFromImportedData: contacts show and list agree with the
// imported data; a cross-platform link shows in both contacts' histories;
// author: follows the link; tags, notes and links survive export →
// import → export unchanged.
func TestContactsFromImportedData(t *testing.T) {
	dir := t.TempDir()
	db, lines := contactsFixture(t, dir)
	c := showContact(t, "@ana@social.example", "--db", db)
	n, first, last, followers, avg := expected(lines, "@ana@social.example")
	if c.Mentions != n || c.FirstSeen != first || c.LastSeen != last || c.Followers != followers || fmt.Sprintf("%.3f", c.Sentiment.Average) != fmt.Sprintf("%.3f", avg) {
		t.Fatalf("show: %+v, want %d mentions %s..%s, %d followers, sentiment %.3f", c, n, first, last, followers, avg)
	}
	if !slices.Equal(c.Handles, []string{"@Ana@social.example"}) || !slices.Equal(c.Names, []string{"Ana Jansen", "Ana J."}) {
		t.Fatalf("handles and names: %+v", c)
	}
	if len(c.Sentiment.Weeks) != 2 || c.Sentiment.Weeks[0].Week != "2026-11-02" || c.Sentiment.Weeks[0].Mentions != 2 {
		t.Fatalf("weeks: %+v", c.Sentiment.Weeks)
	}
	if len(c.Suggestions) != 1 || c.Suggestions[0].Key != "bluesky:ana.bsky.social" {
		t.Fatalf("suggestions: %+v", c.Suggestions)
	}
	// an ambiguous handle is a usage error naming the candidates
	if r := run(t, "", "contacts", "show", "bob", "--db", db); r.code != 2 || !strings.Contains(r.stderr, "x:@bob") || !strings.Contains(r.stderr, "reddit:bob") {
		t.Fatalf("ambiguous handle: %+v", r)
	}
	if c := showContact(t, "x:@bob", "--db", db); c.Mentions != 1 || c.Followers != 5000 {
		t.Fatalf("x:@bob: %+v", c)
	}
	if r := run(t, "", "contacts", "show", "@nobody", "--db", db); r.code != 1 {
		t.Fatalf("unknown handle: %+v", r)
	}

	// link the two handles: both show all of it, with the link in the history
	if r := run(t, "", "contacts", "link", "@ana@social.example", "ana.bsky.social", "--db", db); r.code != 0 || !strings.Contains(r.stdout, "linked") {
		t.Fatalf("link: %+v", r)
	}
	me, _ := localIdentity()
	n, first, last, followers, avg = expected(lines, "@ana@social.example", "ana.bsky.social")
	for _, h := range []string{"@ana@social.example", "ana.bsky.social"} {
		c := showContact(t, h, "--db", db)
		if c.Mentions != n || c.FirstSeen != first || c.LastSeen != last || c.Followers != followers || len(c.Handles) != 2 ||
			fmt.Sprintf("%.3f", c.Sentiment.Average) != fmt.Sprintf("%.3f", avg) {
			t.Fatalf("%s after linking: %+v, want %d mentions %s..%s, %d followers", h, c, n, first, last, followers)
		}
		if len(c.Recent) != 5 || c.Recent[0].Key != "bluesky:b2" || c.Recent[4].Key != "mastodon:m1" {
			t.Fatalf("%s: one history across platforms: %+v", h, c.Recent)
		}
		if len(c.History) != 2 || c.History[0].Actor != me || c.History[0].Kind != "link" {
			t.Fatalf("%s: the link is not in its history: %+v", h, c.History)
		}
	}
	if ms := mentionsJSON(t, run(t, "", "mentions", "list", "--db", db, "--query", "author:ana.bsky.social", "--json")); len(ms) != 5 {
		t.Fatalf("author: follows the link: %d mentions, want 5", len(ms))
	}
	if ms := mentionsJSON(t, run(t, "", "mentions", "list", "--db", db, "--query", "author:@ana@social.example sentiment:negative", "--json")); len(ms) != 2 {
		t.Fatalf("author: with another term: %d mentions", len(ms))
	}

	for _, args := range [][]string{{"tag", "ana.bsky.social", "vip", "journalist"}, {"note", "@ana@social.example", "prefers", "DMs"}, {"tag", "@cem", "employee"}} {
		if r := run(t, "", append(append([]string{"contacts"}, args...), "--db", db)...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	c = showContact(t, "@ana@social.example", "--db", db)
	if !slices.Equal(c.Tags, []string{"vip", "journalist"}) || len(c.Notes) != 1 || c.Notes[0].Text != "prefers DMs" || c.Notes[0].Author != me {
		t.Fatalf("tags and notes: %+v", c)
	}
	r := run(t, "", "contacts", "list", "--db", db, "--tag", "vip", "--json")
	var listed []shownContact
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &listed) != nil || len(listed) != 1 || listed[0].Mentions != 5 {
		t.Fatalf("list --tag vip: %+v", r)
	}
	r = run(t, "", "contacts", "list", "--db", db, "--query", "sentiment:negative", "--json")
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &listed) != nil || len(listed) != 2 {
		t.Fatalf("list --query: %+v", r)
	}
	if r := run(t, "", "contacts", "list", "--db", db); r.code != 0 || !strings.HasSuffix(r.stdout, "4 people\n") {
		t.Fatalf("list: %+v", r)
	}

	// export carries the contacts; export → import → export is identical
	first1 := run(t, "", "export", "--db", db)
	if first1.code != 0 || strings.Count(first1.stdout, `"record":"contact"`) != 3 {
		t.Fatalf("export: %+v", first1)
	}
	db2 := filepath.Join(dir, "two.db")
	if r := run(t, first1.stdout, "import", "--db", db2, "-"); r.code != 0 || !strings.Contains(r.stdout, "contacts 3") {
		t.Fatalf("import: %+v", r)
	}
	if second := run(t, "", "export", "--db", db2); second.stdout != first1.stdout {
		t.Fatalf("export → import → export differs:\n%s\n---\n%s", first1.stdout, second.stdout)
	}
	if c := showContact(t, "ana.bsky.social", "--db", db2); c.Mentions != 5 || len(c.Tags) != 2 {
		t.Fatalf("imported person: %+v", c)
	}
	// a filtered export carries the contacts of its mentions and their links
	if r := run(t, "", "export", "--db", db, "--platform", "bluesky"); strings.Count(r.stdout, `"record":"contact"`) != 2 {
		t.Fatalf("filtered export: %s", r.stdout)
	}
	// undo the tag of the employee, then the note
	if r := run(t, "", "contacts", "undo", "--db", db); r.code != 0 {
		t.Fatalf("undo: %+v", r)
	}
	if c := showContact(t, "@cem", "--db", db); len(c.Tags) != 0 {
		t.Fatalf("undo left the tag: %+v", c)
	}
	if r := run(t, "", "contacts", "unlink", "ana.bsky.social", "--db", db); r.code != 0 {
		t.Fatalf("unlink: %+v", r)
	}
	if c := showContact(t, "@ana@social.example", "--db", db); len(c.Handles) != 1 || c.Mentions != 3 {
		t.Fatalf("after unlinking: %+v", c)
	}
	if r := run(t, "", "db", "check", "--db", db); r.code != 0 {
		t.Fatalf("db check: %+v", r)
	}
}

// TestDBCheckFindsDamagedContactCounter: a contact's counter that does
// not match its mentions is a problem db check reports.
func TestDBCheckFindsDamagedContactCounter(t *testing.T) {
	db, _ := contactsFixture(t, t.TempDir())
	b, err := bolt.Open(db, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("contacts"))
		k := []byte("x:cem")
		var c map[string]any
		if err := json.Unmarshal(bk.Get(k), &c); err != nil {
			return err
		}
		c["mentions"] = 41
		v, _ := json.Marshal(c)
		return bk.Put(k, v)
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "db", "check", "--db", db)
	if r.code != 1 || !strings.Contains(r.stdout+r.stderr, `contact "x:cem": counter mentions is 41, the records give 1`) {
		t.Fatalf("db check: %+v", r)
	}
}

// TestContactsConfigTags: the config's contacts: section tags contacts,
// which untag cannot remove.
func TestContactsConfigTags(t *testing.T) {
	dir := t.TempDir()
	db, _ := contactsFixture(t, dir)
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("contacts:\n  \"x:@bob\": [partner]\n  \"@cem\": employee\n"), 0o600)
	if c := showContact(t, "x:@bob", "--db", db, "--config", cfg); !slices.Equal(c.Tags, []string{"partner"}) {
		t.Fatalf("config tags: %+v", c.Tags)
	}
	if r := run(t, "", "contacts", "untag", "@cem", "employee", "--db", db, "--config", cfg); r.code != 1 || !strings.Contains(r.stderr, "contacts: section") {
		t.Fatalf("untag a config tag: %+v", r)
	}
}

// TestContactsOverSSH: over ssh, any operator reads contacts and the
// store lets an agent write them and refuses a viewer.
func TestContactsOverSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("ssh is not installed: the SSH end-to-end test needs OpenSSH's ssh (apt-get install openssh-client)")
	}
	dir := t.TempDir()
	db, _ := contactsFixture(t, dir)
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
	if r := as("vera", "contacts link @ana@social.example ana.bsky.social"); r.code != 1 || !strings.Contains(r.stderr, "vera is a viewer") {
		t.Fatalf("a viewer linking: %+v", r)
	}
	if r := as("ana", "contacts link @ana@social.example ana.bsky.social"); r.code != 0 || !strings.Contains(r.stdout, "linked mastodon:@Ana@social.example and bluesky:ana.bsky.social") {
		t.Fatalf("an agent linking: %+v\n%s", r, srv.logs())
	}
	if r := as("ana", "contacts tag x:@bob vip"); r.code != 0 {
		t.Fatalf("an agent tagging: %+v", r)
	}
	if r := as("vera", "contacts note x:@bob 'nice person'"); r.code != 1 || !strings.Contains(r.stderr, "viewer") {
		t.Fatalf("a viewer noting: %+v", r)
	}
	r := as("vera", "contacts show ana.bsky.social --json")
	var c shownContact
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &c) != nil || c.Mentions != 5 || len(c.History) != 2 || c.History[0].Actor != "ana" {
		t.Fatalf("a viewer reading the linked person: %+v", r)
	}
	if r := as("vera", "contacts show bob"); r.code != 2 || !strings.Contains(r.stderr, "reddit:bob") {
		t.Fatalf("ambiguous over ssh: %+v", r)
	}
	if r := as("vera", "contacts list --tag vip"); r.code != 0 || !strings.Contains(r.stdout, "@bob (x)") || !strings.HasSuffix(r.stdout, "1 person\n") {
		t.Fatalf("list over ssh: %+v", r)
	}
	if r := as("ana", "mentions list --query 'author:ana.bsky.social' --json"); len(mentionsJSON(t, r)) != 5 {
		t.Fatalf("author: over ssh follows the link: %+v", r)
	}
}
