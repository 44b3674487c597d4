package store

import (
	"testing"

	"switchboard/domain"
)

// A post found by a keyword stream waits outside the inbox; the same post
// arriving later as a notification is the same record, promoted to the
// inbox with an event, and keeps the stream's name.
func TestStreamItemThenNotificationIsOneRecordPromoted(t *testing.T) {
	s := openTemp(t, Options{})
	m := mention(domain.PlatformMastodon, "109", t0, "acme pharmacy lost my order")
	m.Stream = "brand"
	res, err := s.IngestPage("brand@masto", []domain.Mention{m}, "c1")
	if err != nil || res.New != 1 {
		t.Fatalf("stream ingest: %+v %v", res, err)
	}
	got, _ := s.Get(res.IDs[0])
	if got.State.Status != domain.StatusStream || got.Stream != "brand" {
		t.Fatalf("stream item stored as %q/%q", got.State.Status, got.Stream)
	}
	if p, _ := s.Query(Filter{Status: []domain.Status{domain.StatusOpen}}, "", 10); len(p.Mentions) != 0 {
		t.Fatalf("a stream item is in the open inbox: %+v", p.Mentions)
	}
	// the stream finds it again: nothing changes
	if res, err := s.IngestPage("brand@masto", []domain.Mention{m}, "c2"); err != nil || res.Duplicates != 1 || res.Updated != 0 {
		t.Fatalf("stream again: %+v %v", res, err)
	}

	n := m
	n.Stream = "" // the notification
	res2, err := s.IngestPage("masto", []domain.Mention{n}, "n1")
	if err != nil || res2.New != 0 || res2.Duplicates != 1 || res2.IDs[0] != res.IDs[0] {
		t.Fatalf("notification ingest: %+v %v", res2, err)
	}
	got, _ = s.Get(res.IDs[0])
	if got.State.Status != domain.StatusOpen || got.Stream != "brand" {
		t.Fatalf("after the notification: %q/%q", got.State.Status, got.Stream)
	}
	c, _ := s.Counts()
	if c.Total() != 1 || c.Get(IndexStatus, "open") != 1 || c.Get(IndexStatus, "stream") != 0 {
		t.Fatalf("counts: total %d open %d stream %d", c.Total(), c.Get(IndexStatus, "open"), c.Get(IndexStatus, "stream"))
	}
	evs, _ := s.Events(got.Key())
	if len(evs) != 1 || evs[0].Actor != ActorIngest || evs[0].Before != "stream" || evs[0].After != "open" {
		t.Fatalf("events %+v", evs)
	}
}

// A notification first, then the stream: the record keeps its state (an
// operator's work is never undone by a stream) and notes the stream.
func TestNotificationThenStreamKeepsState(t *testing.T) {
	s := openTemp(t, Options{})
	n := mention(domain.PlatformX, "42", t0, "@acme where is my refund")
	res, err := s.IngestPage("x", []domain.Mention{n}, "1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("ana", res.IDs, Action{Kind: domain.EventStatus, Value: "done"}); err != nil {
		t.Fatal(err)
	}
	m := n
	m.Stream = "refunds"
	if _, err := s.IngestPage("refunds@x", []domain.Mention{m}, "2"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(res.IDs[0])
	if got.State.Status != domain.StatusDone || got.Stream != "refunds" {
		t.Fatalf("got %q/%q", got.State.Status, got.Stream)
	}
	if p, _ := s.Query(Filter{Streams: []string{"refunds"}}, "", 10); len(p.Mentions) != 1 {
		t.Fatalf("stream filter found %d", len(p.Mentions))
	}
	// a thread fetch or an import (no connector) never promotes
	o := mention(domain.PlatformX, "43", t0, "acme again")
	o.Stream = "refunds"
	r, _ := s.IngestPage("refunds@x", []domain.Mention{o}, "3")
	o.Stream = ""
	if _, err := s.Ingest([]domain.Mention{o}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(r.IDs[0]); got.State.Status != domain.StatusStream {
		t.Fatalf("an import promoted a stream item: %q", got.State.Status)
	}
}

// Promoting by hand is an undoable status change.
func TestPromoteAndUndo(t *testing.T) {
	s := openTemp(t, Options{})
	m := mention(domain.PlatformBluesky, "at://did:plc:a/app.bsky.feed.post/1", t0, "acme is down")
	m.Stream = "brand"
	res, _ := s.IngestPage("brand@bsky", []domain.Mention{m}, "")
	evs, err := s.Apply("ana", res.IDs, Action{Kind: domain.EventStatus, Value: string(domain.StatusOpen)})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(res.IDs[0]); got.State.Status != domain.StatusOpen {
		t.Fatalf("promote: %q", got.State.Status)
	}
	if _, err := s.UndoGroup("ana", evs[0].Group); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(res.IDs[0]); got.State.Status != domain.StatusStream {
		t.Fatalf("undo promote: %q", got.State.Status)
	}
}
