package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/domain"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func openTemp(t testing.TB, opts Options) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "sb.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mention(p domain.Platform, id string, at time.Time, text string) domain.Mention {
	return domain.Mention{Platform: p, NativeID: id, Author: domain.Author{Handle: "@user" + id, Name: "User " + id},
		Text: text, CreatedAt: at}
}

func TestIngestIsIdempotentAndKeepsOperatorState(t *testing.T) {
	s := openTemp(t, Options{})
	m := mention(domain.PlatformMastodon, "1", t0, "the app is broken")
	res, err := s.Ingest([]domain.Mention{m})
	if err != nil || res.New != 1 {
		t.Fatalf("first ingest: %+v %v", res, err)
	}
	if _, err := s.Apply("ana", res.IDs, Action{Kind: domain.EventTag, Value: "bug"}); err != nil {
		t.Fatal(err)
	}
	m.Text = "the app is broken again" // edited on the platform
	m.State.Tags = []string{"ignored"} // a fetch never sets operator state
	res2, err := s.Ingest([]domain.Mention{m, m})
	if err != nil {
		t.Fatal(err)
	}
	if res2.New != 0 || res2.Duplicates != 2 || res2.Updated != 1 || res2.IDs[0] != res.IDs[0] {
		t.Fatalf("second ingest: %+v", res2)
	}
	got, _ := s.Get(res.IDs[0])
	if got.Text != "the app is broken again" || len(got.State.Tags) != 1 || got.State.Tags[0] != "bug" {
		t.Fatalf("refresh lost state or text: %+v", got)
	}
	// the edited word is searchable, the old index entry gone
	p, _ := s.Query(Filter{Text: "again"}, "", 10)
	if len(p.Mentions) != 1 {
		t.Fatalf("search for refreshed word found %d", len(p.Mentions))
	}
	c, _ := s.Counts()
	if c.Total() != 1 || c.Get(IndexTag, "bug") != 1 {
		t.Fatalf("counts wrong: total %d bug %d", c.Total(), c.Get(IndexTag, "bug"))
	}
}

func TestRepeatWithinABatchRefreshes(t *testing.T) {
	s := openTemp(t, Options{})
	a := mention(domain.PlatformX, "1", t0, "first text")
	b := a
	b.Text = "edited text"
	res, err := s.Ingest([]domain.Mention{a, b})
	if err != nil || res.New != 1 || res.Duplicates != 1 || res.Updated != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	got, _ := s.Get(res.IDs[0])
	if got.Text != "edited text" {
		t.Fatalf("the later copy in the batch was dropped: %q", got.Text)
	}
	if probs, _ := s.Check(); len(probs) > 0 {
		t.Fatalf("indexes after an in-batch refresh: %v", probs)
	}
}

func TestQueryFiltersPagesAndOrder(t *testing.T) {
	s := openTemp(t, Options{})
	var batch []domain.Mention
	for i := 0; i < 250; i++ {
		p := domain.Platforms[i%3]
		// an hour apart: the mentions span eleven days of the day-partitioned word index
		m := mention(p, fmt.Sprint(i), t0.Add(time.Duration(i)*time.Hour), fmt.Sprintf("message number %d about pricing", i))
		if i%10 == 0 {
			m.Text += " refund"
		}
		batch = append(batch, m)
	}
	res, err := s.Ingest(batch)
	if err != nil {
		t.Fatal(err)
	}
	// tag every 5th as urgent-ish and assign every 7th
	var fifth, seventh []uint64
	for i, id := range res.IDs {
		if i%5 == 0 {
			fifth = append(fifth, id)
		}
		if i%7 == 0 {
			seventh = append(seventh, id)
		}
	}
	s.Apply("ana", fifth, Action{Kind: domain.EventTag, Value: "billing"})
	s.Apply("ana", seventh, Action{Kind: domain.EventAssign, Value: "bob"})

	want := func(f Filter, pred func(i int) bool) {
		t.Helper()
		var exp []string
		for i := 249; i >= 0; i-- {
			if pred(i) {
				exp = append(exp, fmt.Sprint(i))
			}
		}
		if f.Oldest {
			slices.Reverse(exp)
		}
		var got []string
		cursor := ""
		for {
			p, err := s.Query(f, cursor, 17)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range p.Mentions {
				got = append(got, m.NativeID)
			}
			if p.Next == "" {
				break
			}
			cursor = p.Next
		}
		if fmt.Sprint(got) != fmt.Sprint(exp) {
			t.Fatalf("filter %+v:\n got %v\nwant %v", f, got, exp)
		}
	}
	want(Filter{}, func(i int) bool { return true })
	want(Filter{Platforms: []domain.Platform{domain.PlatformMastodon}}, func(i int) bool { return i%3 == 1 })
	want(Filter{Tags: []string{"billing"}}, func(i int) bool { return i%5 == 0 })
	want(Filter{Tags: []string{"billing"}, Assignees: []string{"bob"}}, func(i int) bool { return i%35 == 0 })
	want(Filter{Assignees: []string{""}, Platforms: []domain.Platform{domain.PlatformX}}, func(i int) bool { return i%7 != 0 && i%3 == 0 })
	want(Filter{Text: "refund"}, func(i int) bool { return i%10 == 0 })
	want(Filter{Text: "REFUND pricing", Tags: []string{"billing"}}, func(i int) bool { return i%10 == 0 })
	want(Filter{Text: "number 42"}, func(i int) bool { return i == 42 })
	want(Filter{Since: t0.Add(100 * time.Hour), Until: t0.Add(120 * time.Hour)}, func(i int) bool { return i >= 100 && i <= 120 })
	want(Filter{Text: "refund", Since: t0.Add(30 * time.Hour), Until: t0.Add(200 * time.Hour)}, func(i int) bool { return i%10 == 0 && i >= 30 && i <= 200 })
	want(Filter{Text: "number 3"}, func(i int) bool { return i == 3 })
	want(Filter{Text: "number 249"}, func(i int) bool { return i == 249 })
	want(Filter{Text: "refund", Oldest: true}, func(i int) bool { return i%10 == 0 })
	want(Filter{Status: []domain.Status{domain.StatusOpen, domain.StatusDone}, Platforms: []domain.Platform{domain.PlatformX, domain.PlatformBluesky}}, func(i int) bool { return i%3 != 1 })
	want(Filter{Text: "the"}, func(i int) bool { return false })

	// oldest first
	p, _ := s.Query(Filter{Oldest: true, Tags: []string{"billing"}}, "", 3)
	if len(p.Mentions) != 3 || p.Mentions[0].NativeID != "0" || p.Mentions[2].NativeID != "10" {
		t.Fatalf("oldest-first page wrong: %+v", p.Mentions)
	}
}

func TestApplyUndoAndAudit(t *testing.T) {
	s := openTemp(t, Options{})
	res, _ := s.Ingest([]domain.Mention{mention(domain.PlatformX, "a", t0, "x"), mention(domain.PlatformX, "b", t0, "y")})
	if _, err := s.Apply("ana", res.IDs, Action{Kind: domain.EventStatus, Value: "done"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("ana", res.IDs[:1], Action{Kind: domain.EventAssign, Value: "bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("ana", res.IDs[:1], Action{Kind: domain.EventAssign, Value: "bob"}); !errors.Is(err, ErrNoChange) {
		t.Fatalf("repeated action should be ErrNoChange, got %v", err)
	}
	// undo the assignment, then the status change on both
	if evs, err := s.Undo("ana"); err != nil || len(evs) != 1 {
		t.Fatalf("undo assign: %v %v", evs, err)
	}
	if evs, err := s.Undo("ana"); err != nil || len(evs) != 2 {
		t.Fatalf("undo status: %v %v", evs, err)
	}
	if _, err := s.Undo("ana"); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("expected nothing to undo, got %v", err)
	}
	for _, id := range res.IDs {
		m, _ := s.Get(id)
		if m.State.Status != domain.StatusOpen || m.State.Assignee != "" {
			t.Fatalf("undo left %+v", m.State)
		}
	}
	c, _ := s.Counts()
	if c.Total(domain.StatusOpen) != 2 || c.Total(domain.StatusDone) != 0 {
		t.Fatalf("counters after undo: %+v", c)
	}
	evs, _ := s.Events("x:a")
	kinds := ""
	for _, e := range evs {
		kinds += string(e.Kind) + " "
	}
	if kinds != "status assign undo undo " {
		t.Fatalf("audit log for x:a: %q", kinds)
	}
}

func TestUndoDoesNotClobberLaterChange(t *testing.T) {
	s := openTemp(t, Options{})
	res, _ := s.Ingest([]domain.Mention{mention(domain.PlatformX, "a", t0, "x")})
	s.Apply("ana", res.IDs, Action{Kind: domain.EventAssign, Value: "ana"})
	s.Apply("bob", res.IDs, Action{Kind: domain.EventAssign, Value: "bob"})
	if _, err := s.Undo("ana"); !errors.Is(err, ErrNoChange) {
		t.Fatalf("undo over a later change should refuse, got %v", err)
	}
	m, _ := s.Get(res.IDs[0])
	if m.State.Assignee != "bob" {
		t.Fatalf("bob's assignment was clobbered: %q", m.State.Assignee)
	}
}

func TestRulesAtIngestAreUndoableEvents(t *testing.T) {
	s := openTemp(t, Options{Enrich: func(m *domain.Mention) []domain.Event {
		m.Sentiment = -0.8
		m.State.Tags = append(m.State.Tags, "complaint")
		return []domain.Event{{Kind: domain.EventTag, Field: "tags", After: "complaint"}}
	}})
	res, _ := s.Ingest([]domain.Mention{mention(domain.PlatformX, "a", t0, "awful")})
	evs, _ := s.Events("x:a")
	if len(evs) != 1 || evs[0].Actor != ActorRules {
		t.Fatalf("rule event missing: %+v", evs)
	}
	p, _ := s.Query(Filter{Bands: []domain.Band{domain.BandNegative}}, "", 10)
	if len(p.Mentions) != 1 {
		t.Fatalf("negative band not indexed")
	}
	if _, err := s.UndoGroup("ana", evs[0].Group); err != nil {
		t.Fatal(err)
	}
	m, _ := s.Get(res.IDs[0])
	if m.State.HasTag("complaint") {
		t.Fatalf("rule tag not undone")
	}
}

func TestChangeFeedDeliversAndNeverBlocks(t *testing.T) {
	s := openTemp(t, Options{})
	sub := s.Subscribe()
	defer sub.Close()
	slow := s.Subscribe() // never read until the end
	defer slow.Close()
	res, _ := s.Ingest([]domain.Mention{mention(domain.PlatformX, "a", t0, "x")})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	u, err := sub.Next(ctx)
	if err != nil || len(u.New) != 1 || u.New[0] != res.IDs[0] {
		t.Fatalf("feed: %+v %v", u, err)
	}
	const n = maxQueued + 10
	events := 0
	for i := 0; i < n; i++ {
		if _, err := s.Apply("ana", res.IDs, Action{Kind: domain.EventNote, Value: fmt.Sprint("note ", i)}); err != nil {
			t.Fatal(err)
		}
		u, err := sub.Next(ctx) // this subscriber keeps up
		if err != nil || u.Resync {
			t.Fatalf("subscriber that kept up got %+v %v", u, err)
		}
		events += len(u.Events)
	}
	if events != n {
		t.Fatalf("subscriber that kept up saw %d of %d events", events, n)
	}
	u, err = slow.Next(ctx)
	if err != nil || !u.Resync {
		t.Fatalf("slow subscriber should get a resync, got %+v %v", u, err)
	}
}

func TestCursorStoredWithPage(t *testing.T) {
	s := openTemp(t, Options{})
	if _, err := s.IngestPage("masto", []domain.Mention{mention(domain.PlatformMastodon, "9", t0, "x")}, "9"); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Cursor("masto"); c != "9" {
		t.Fatalf("cursor %q", c)
	}
	bad := mention(domain.PlatformMastodon, "10", t0, "y")
	bad.CreatedAt = time.Time{}
	if _, err := s.IngestPage("masto", []domain.Mention{mention(domain.PlatformMastodon, "11", t0, "z"), bad}, "11"); err == nil {
		t.Fatal("invalid item should fail the page")
	}
	if c, _ := s.Cursor("masto"); c != "9" {
		t.Fatalf("cursor moved on a failed page: %q", c)
	}
	if _, err := s.GetByKey("mastodon:11"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("half a failed page was stored")
	}
}

func TestLockedStoreFailsFastAndSaysWho(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{Holder: "connect with: ssh -p 2222 localhost"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = Open(path, Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("want ErrLocked, got %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("open hung")
	}
	if msg := err.Error(); !strings.Contains(msg, "ssh -p 2222") {
		t.Fatalf("message does not say how to reach the holder: %s", msg)
	}
}

func TestAuthorizeRefusesInTheCore(t *testing.T) {
	roles := map[string]domain.Role{"vera": domain.RoleViewer, "ana": domain.RoleAgent, "lee": domain.RoleLead}
	s := openTemp(t, Options{Authorize: func(actor string, p domain.Permission) error {
		if !roles[actor].Can(p) {
			return fmt.Errorf("%s is a %s and may not %s", actor, roles[actor], p)
		}
		return nil
	}})
	res, _ := s.Ingest([]domain.Mention{mention(domain.PlatformX, "a", t0, "x")})
	_, err := s.Apply("vera", res.IDs, Action{Kind: domain.EventTag, Value: "x"})
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "vera is a viewer") {
		t.Fatalf("viewer tagged: %v", err)
	}
	if _, err := s.Apply("ana", res.IDs, Action{Kind: domain.EventTag, Value: "x"}); err != nil {
		t.Fatalf("agent refused: %v", err)
	}
	if _, err := s.Apply("ana", res.IDs, Action{Kind: domain.EventEscalate, Value: "INC-1"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("agent escalated: %v", err)
	}
	if _, err := s.Apply("lee", res.IDs, Action{Kind: domain.EventEscalate, Value: "INC-1"}); err != nil {
		t.Fatalf("lead refused: %v", err)
	}
	if _, err := s.Undo("vera"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("viewer undid: %v", err)
	}
}

func TestCursorAtMatchesPageCursors(t *testing.T) {
	s := openTemp(t, Options{})
	seed(t, s, 10)
	p, err := s.Query(Filter{}, "", 3)
	if err != nil || p.Next == "" {
		t.Fatal(err)
	}
	last := p.Mentions[2]
	if got := CursorAt(last.CreatedAt, uint32(last.ID)); got != p.Next {
		t.Fatalf("CursorAt %s, page cursor %s", got, p.Next)
	}
	// a cursor at an arbitrary position continues just past it
	mid := p.Mentions[1]
	q, _ := s.Query(Filter{}, CursorAt(mid.CreatedAt, uint32(mid.ID)), 1)
	if len(q.Mentions) != 1 || q.Mentions[0].ID != last.ID {
		t.Fatalf("query after CursorAt(second) gave %+v", q.Mentions)
	}
}
