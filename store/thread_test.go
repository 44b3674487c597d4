package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// reply is a mention answering parent (a native id) at t0 plus min minutes.
func reply(p domain.Platform, id, parent string, min int, text string) domain.Mention {
	m := mention(p, id, t0.Add(time.Duration(min)*time.Minute), text)
	m.InReplyTo = parent
	if parent != "" {
		m.Kind = domain.KindReply
	}
	return m
}

// sendReply sends a reply by actor to the mention with key and returns it.
func sendReply(t *testing.T, s *Store, actor, key string, vis domain.Visibility, text, remote string) domain.Draft {
	t.Helper()
	must := mk(t)
	d := must(s.NewDraft(actor, key, vis, text))
	must(s.QueueDraft(actor, d.ID, 0))
	must(s.BeginSend(d.ID))
	return must(s.FinishSend(d.ID, SendOutcome{State: domain.DraftSent, RemoteID: remote}))
}

// clockStore is a store whose clock is set by the returned func.
func clockStore(t *testing.T) (*Store, func(time.Time)) {
	now := t0
	s := openTemp(t, Options{Now: func() time.Time { return now }})
	return s, func(t time.Time) { now = t }
}

func ingest(t *testing.T, s *Store, ms ...domain.Mention) {
	t.Helper()
	if _, err := s.Ingest(ms); err != nil {
		t.Fatal(err)
	}
}

// outline renders a window as one line per message: depth dots, the key,
// "*" for the focus, "(ours by X)" and "(missing)".
func outline(th Thread) string {
	var b strings.Builder
	for _, m := range th.Messages {
		b.WriteString(strings.Repeat(".", m.Depth) + m.Key)
		if m.Focus {
			b.WriteString("*")
		}
		if m.Ours != nil {
			b.WriteString(" (ours by " + m.SentBy + ")")
		}
		if m.Missing {
			b.WriteString(" (missing)")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func thread(t *testing.T, s *Store, key string, w ThreadWindow) Thread {
	t.Helper()
	th, err := s.Thread(key, w)
	if err != nil {
		t.Fatalf("thread %s: %v", key, err)
	}
	return th
}

func TestThreadAssemblesAncestorsRepliesAndOurs(t *testing.T) {
	s, setNow := clockStore(t)
	const P = domain.PlatformMastodon
	ingest(t, s,
		reply(P, "1", "", 0, "the brand's post"),
		reply(P, "2", "1", 1, "where is my order?"),
		reply(P, "3", "2", 2, "same here"),
		reply(P, "4", "1", 3, "unrelated reply to the post"),
		reply(P, "5", "2", 5, "me too"),
		reply(domain.PlatformX, "2", "1", 1, "another platform, same ids"),
	)
	setNow(t0.Add(4 * time.Minute))
	sendReply(t, s, "ana", "mastodon:2", domain.VisibilityPublic, "We are on it", "90")
	// a reply to our reply, and the platform giving our reply back as a mention
	ingest(t, s, reply(P, "6", "90", 6, "thanks!"), reply(P, "90", "2", 4, "@user2 We are on it"))

	want := "mastodon:1\n.mastodon:2*\n..mastodon:3\n..mastodon:90 (ours by ana)\n...mastodon:6\n..mastodon:5\n.mastodon:4\n"
	th := thread(t, s, "mastodon:2", ThreadWindow{Start: true, After: 100})
	if got := outline(th); got != want {
		t.Fatalf("thread:\n%s\nwant:\n%s", got, want)
	}
	if th.Root != "mastodon:1" || th.MoreBefore || th.MoreAfter || th.DM || th.Cycle {
		t.Fatalf("thread: %+v", th)
	}
	ours := th.Messages[3]
	if ours.Ours == nil || ours.Ours.Text != "We are on it" || ours.Parent != "mastodon:2" || ours.Mention != nil {
		t.Fatalf("our reply: %+v", ours)
	}
	// the same conversation from any of its messages, our reply included
	for _, k := range []string{"mastodon:1", "mastodon:6", "mastodon:90", "mastodon:4"} {
		got := outline(thread(t, s, k, ThreadWindow{Start: true, After: 100}))
		if strings.ReplaceAll(got, "*", "") != strings.ReplaceAll(want, "*", "") {
			t.Fatalf("thread of %s:\n%s", k, got)
		}
	}
	// a window around the focus
	th = thread(t, s, "mastodon:90", ThreadWindow{Before: 1, After: 2})
	if got := outline(th); got != "..mastodon:3\n..mastodon:90* (ours by ana)\n...mastodon:6\n" || !th.MoreBefore || !th.MoreAfter {
		t.Fatalf("window: %s %+v", got, th)
	}
	if got := outline(Thread{Messages: th.Ancestors}); got != "mastodon:1\n.mastodon:2\n" {
		t.Fatalf("ancestors of our reply:\n%s", got)
	}
	if _, err := s.Thread("mastodon:404", ThreadWindow{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}
	if _, err := s.Thread("mastodon:2", ThreadWindow{At: "x:2"}); !errors.Is(err, ErrNotInThread) {
		t.Fatalf("a window at another conversation's message: %v", err)
	}
	if probs, err := s.Check(); err != nil || len(probs) > 0 {
		t.Fatalf("check: %v %v", probs, err)
	}
}

func TestThreadMissingParentsCyclesAndSelfReplies(t *testing.T) {
	s := openTemp(t, Options{})
	const P = domain.PlatformBluesky
	ingest(t, s,
		// 11 answers 10, which was never fetched (or is deleted); 12 also answers it
		reply(P, "11", "10", 1, "reply to a deleted post"),
		reply(P, "12", "10", 2, "another"),
		// 21 and 22 answer each other
		reply(P, "21", "22", 1, "a"),
		reply(P, "22", "21", 2, "b"),
		// 31 answers itself
		reply(P, "31", "31", 1, "self"),
	)
	th := thread(t, s, "bluesky:12", ThreadWindow{Start: true, After: 10})
	if got := outline(th); got != "bluesky:10 (missing)\n.bluesky:11\n.bluesky:12*\n" || th.Root != "bluesky:10" || !th.RootMissing {
		t.Fatalf("missing parent:\n%s", got)
	}
	if m := th.Messages[0]; m.Mention != nil || m.Ours != nil {
		t.Fatalf("missing message carries data: %+v", m)
	}
	for _, k := range []string{"bluesky:21", "bluesky:22"} {
		th := thread(t, s, k, ThreadWindow{Start: true, After: 10})
		if len(th.Messages) != 2 || !th.Cycle || th.Messages[1].Key != k || th.Messages[0].Depth != 0 || th.Messages[1].Depth != 1 {
			t.Fatalf("cycle from %s: %s %+v", k, outline(th), th)
		}
		back := thread(t, s, k, ThreadWindow{Before: 10})
		if back.MoreBefore || len(back.Messages) != 1 {
			t.Fatalf("cycle backwards from %s: %s", k, outline(back))
		}
	}
	th = thread(t, s, "bluesky:31", ThreadWindow{Before: 5, After: 5})
	if got := outline(th); got != "bluesky:31*\n" || !th.Cycle || th.MoreAfter || th.MoreBefore {
		t.Fatalf("self reply: %s %+v", got, th)
	}
}

func TestThreadDeepChainsAreBounded(t *testing.T) {
	s := openTemp(t, Options{})
	var ms []domain.Mention
	for i := 1; i <= MaxThreadDepth+50; i++ {
		ms = append(ms, reply(domain.PlatformReddit, fmt.Sprint("t1_", i), fmt.Sprint("t1_", i-1), i, "deeper"))
	}
	ms[0].InReplyTo = ""
	ingest(t, s, ms...)
	last := fmt.Sprint("reddit:t1_", MaxThreadDepth+50)
	th := thread(t, s, last, ThreadWindow{Before: 1000, After: 1000})
	if !th.Deep || len(th.Messages) != MaxAncestors+1 || th.Messages[len(th.Messages)-1].Key != last {
		t.Fatalf("deep chain: deep %v, %d messages", th.Deep, len(th.Messages))
	}
	// from the top, the walk down stops at MaxThreadDepth
	th = thread(t, s, "reddit:t1_1", ThreadWindow{After: 1000})
	if n := len(th.Messages); n != MaxThreadDepth+1 || th.Messages[n-1].Depth != MaxThreadDepth || th.MoreAfter {
		t.Fatalf("walk down: %d messages, deepest %d", n, th.Messages[n-1].Depth)
	}
}

func TestThreadWithThousandsOfRepliesPagesBothWays(t *testing.T) {
	s := openTemp(t, Options{})
	const P = domain.PlatformX
	ms := []domain.Mention{reply(P, "1", "", 0, "the post")}
	for i := 0; i < 3000; i++ {
		id := fmt.Sprint(1000 + i)
		ms = append(ms, reply(P, id, "1", i%600, "reply"))
		if i%100 == 0 {
			ms = append(ms, reply(P, fmt.Sprint(9000+i), id, 700, "nested"))
		}
	}
	ingest(t, s, ms...)
	// every message once, forwards, in windows of 97
	var keys []string
	w := ThreadWindow{Start: true, After: 97}
	for {
		th := thread(t, s, "x:1", w)
		keys = append(keys, keysOfThread(th)...)
		if !th.MoreAfter {
			break
		}
		if len(th.Messages) != w.After {
			t.Fatalf("a window in the middle has %d messages", len(th.Messages))
		}
		w = ThreadWindow{At: th.Messages[len(th.Messages)-1].Key, After: 98}
		keys = keys[:len(keys)-1] // the next window starts with the last one
	}
	if len(keys) != len(ms) {
		t.Fatalf("walked %d messages, stored %d", len(keys), len(ms))
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			t.Fatalf("%s twice", k)
		}
		seen[k] = true
	}
	// and backwards from the end gives the same order
	var back []string
	w = ThreadWindow{At: keys[len(keys)-1], Before: 89, After: 1}
	for {
		th := thread(t, s, "x:1", w)
		back = append(keysOfThread(th), back...)
		if !th.MoreBefore {
			break
		}
		w = ThreadWindow{At: th.Messages[0].Key, Before: 89}
	}
	if strings.Join(back, " ") != strings.Join(keys, " ") {
		t.Fatalf("backwards differs from forwards: %d vs %d", len(back), len(keys))
	}
	// a window around a deep reply: the rest is not read to draw it
	th := thread(t, s, "x:9500", ThreadWindow{Before: 3, After: 3})
	// siblings are in time order: x:3899 (minute 499) comes before x:1500
	// (500), whose reply x:9500 is followed by x:2100 (also 500) and its reply
	if got := strings.Join(keysOfThread(th), " "); got != "x:3299 x:3899 x:1500 x:9500 x:2100 x:10100" {
		t.Fatalf("around x:9500: %v", got)
	}
	if th.Messages[3].Key != "x:9500" || !th.Messages[3].Focus || th.Messages[3].Depth != 2 || !th.MoreBefore || !th.MoreAfter {
		t.Fatalf("around x:9500: %s", outline(th))
	}
}

func keysOfThread(th Thread) []string {
	var ks []string
	for _, m := range th.Messages {
		ks = append(ks, m.Key)
	}
	return ks
}

func TestDirectMessagesGroupByPersonOldestFirst(t *testing.T) {
	s, setNow := clockStore(t)
	dm := func(p domain.Platform, id, handle string, min int, text string) domain.Mention {
		m := mention(p, id, t0.Add(time.Duration(min)*time.Minute), text)
		m.Kind, m.Author.Handle = domain.KindDM, handle
		return m
	}
	ingest(t, s,
		dm(domain.PlatformX, "3", "@Ana", 30, "are you there?"),
		dm(domain.PlatformX, "1", "@ana", 10, "hi"),
		dm(domain.PlatformX, "2", "@bob", 20, "hello"),
		dm(domain.PlatformMastodon, "1", "@ana", 15, "other platform"),
		dm(domain.PlatformX, "4", "ana", 40, "order 123"),
		mention(domain.PlatformX, "5", t0.Add(50*time.Minute), "a public post, not a DM"),
	)
	setNow(t0.Add(35 * time.Minute))
	sendReply(t, s, "vera", "x:3", domain.VisibilityPrivate, "yes, how can we help?", "ev77")
	th := thread(t, s, "x:4", ThreadWindow{Start: true, After: 10})
	if got := outline(th); got != "x:1\nx:3\n.x:ev77 (ours by vera)\nx:4*\n" || !th.DM || th.Person != "x:ana" || th.Root != "" {
		t.Fatalf("DMs:\n%s %+v", got, th)
	}
	// the newest at the bottom: a window at the focus reaches back
	th = thread(t, s, "x:4", ThreadWindow{Before: 2, After: 2})
	if got := outline(th); got != "x:3\n.x:ev77 (ours by vera)\nx:4*\n" || !th.MoreBefore || th.MoreAfter {
		t.Fatalf("DM window:\n%s %+v", got, th)
	}
	// opened on our reply
	if got := outline(thread(t, s, "x:ev77", ThreadWindow{Start: true})); got != "x:1\nx:3\n.x:ev77* (ours by vera)\nx:4\n" {
		t.Fatalf("DMs from our reply:\n%s", got)
	}
	if _, err := s.Thread("x:4", ThreadWindow{At: "x:2"}); !errors.Is(err, ErrNotInThread) {
		t.Fatalf("another person's DM: %v", err)
	}
}

func TestThreadIndexesAreFilledForOlderStores(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ingest(t, s, reply(domain.PlatformMastodon, "1", "", 0, "post"), reply(domain.PlatformMastodon, "2", "1", 1, "answer"))
	sendReply(t, s, "ana", "mastodon:2", domain.VisibilityPublic, "ok", "3")
	s.Close()
	// an older binary's store: no reply_to, dm or draft_remote buckets
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range []string{"ix_reply_to", "ix_dm", "draft_remote"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got := outline(thread(t, ro, "mastodon:1", ThreadWindow{})); got != "mastodon:1*\n.mastodon:2\n..mastodon:3 (ours by ana)\n" {
		t.Fatalf("after the upgrade:\n%s", got)
	}
	if probs, err := ro.Check(); err != nil || len(probs) > 0 {
		t.Fatalf("check: %v %v", probs, err)
	}
}
