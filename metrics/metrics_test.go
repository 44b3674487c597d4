package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

func exposition(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestCountsFromTheFeedRoundsAndFrames(t *testing.T) {
	depth := 3
	m := New(Options{Sessions: func() int { return 2 }, QueueDepth: func() (int, error) { return depth, nil }})
	state := func(before, after string) domain.Event {
		return domain.Event{Kind: domain.EventDraft, Field: "state", Before: before, After: after}
	}
	m.Update(store.Update{New: []uint64{1, 2, 3}, Changed: []uint64{1}})
	m.Update(store.Update{New: []uint64{4}, Events: []domain.Event{
		state("queued", "sending"),             // not a result
		state("sending", "sent"),               // a result
		state("sending", "failed: 401 denied"), // with the outbox's note
		state("sending", "queued: 503, retry at 10:00"),
		state("sending", "unknown"),
		{Kind: domain.EventDraft, Field: "approval", Before: "sending", After: "sent"}, // not a state change
		{Kind: domain.EventStatus, Field: "state", Before: "sending", After: "sent"},   // not a draft
	}})
	m.Update(store.Update{Resync: true})
	m.Round(connectors.RoundResult{Name: "x"})
	m.Round(connectors.RoundResult{Name: "x", Err: errors.New("503")})
	m.Round(connectors.RoundResult{Name: "x", Err: context.Canceled}) // shutting down is no error
	m.Frame(3 * time.Millisecond)
	m.Frame(300 * time.Millisecond)

	out := exposition(t, m)
	for _, want := range []string{
		"switchboard_mentions_ingested_total 4\n",
		"switchboard_mentions_changed_total 1\n",
		`switchboard_outbox_sends_total{result="sent"} 1` + "\n",
		`switchboard_outbox_sends_total{result="failed"} 1` + "\n",
		`switchboard_outbox_sends_total{result="retry"} 1` + "\n",
		`switchboard_outbox_sends_total{result="unknown"} 1` + "\n",
		`switchboard_poll_rounds_total{connector="x"} 3` + "\n",
		`switchboard_poll_errors_total{connector="x"} 1` + "\n",
		"switchboard_feed_resyncs_total 1\n",
		"switchboard_ssh_sessions 2\n",
		"switchboard_outbox_queue_depth 3\n",
		"switchboard_frame_latency_seconds_count 2\n",
		`switchboard_frame_latency_seconds_bucket{le="0.005"} 1` + "\n",
		`switchboard_frame_latency_seconds_bucket{le="0.5"} 2` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	if strings.Contains(out, `result="other"`) || strings.Contains(out, `result="cancelled"`) {
		t.Errorf("counted a non-result:\n%s", out)
	}
	depth = 0
	if out := exposition(t, m); !strings.Contains(out, "switchboard_outbox_queue_depth 0\n") {
		t.Error("the queue gauge is not read at scrape time")
	}
}

// Follow counts the real feed of a store: ingest and a draft's send.
func TestFollowCountsAStoresFeed(t *testing.T) {
	s, err := store.Open(t.TempDir()+"/sb.db", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Follow(ctx, s.Subscribe()); close(done) }()
	items := []domain.Mention{
		{Platform: domain.PlatformMastodon, NativeID: "1", Author: domain.Author{Handle: "@a@x"}, Text: "hi", CreatedAt: time.Now()},
		{Platform: domain.PlatformMastodon, NativeID: "2", Author: domain.Author{Handle: "@b@x"}, Text: "yo", CreatedAt: time.Now()},
	}
	if _, err := s.Ingest(items); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(items); err != nil { // duplicates: not new
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(exposition(t, m), "switchboard_mentions_ingested_total 2\n") {
		if time.Now().After(deadline) {
			t.Fatalf("feed not counted:\n%s", exposition(t, m))
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}
