package connectors

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"switchboard/store"
)

var _ Sink = (*store.Store)(nil)

func countStored(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	seen := map[string]int{}
	after := ""
	for {
		pg, err := s.Query(store.Filter{}, after, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pg.Mentions {
			seen[m.Key()]++
		}
		if pg.Next == "" {
			return seen
		}
		after = pg.Next
	}
}

// TestRestartMidPage stops the poller while a page is being fetched and
// starts it again over the same store file: every mention is stored
// exactly once and the second run resumes at the stored cursor.
func TestRestartMidPage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &seqConn{name: "m", total: 95, size: 10, block: make(chan struct{}), blockAt: 40}
	p := NewPoller(s, PollerOptions{})
	p.Add(c, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(c.cursors()) < 5 {
		if time.Now().After(deadline) {
			t.Fatal("poller never reached the blocking page")
		}
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	<-done
	if cur, _ := s.Cursor("m"); cur != "40" {
		t.Fatalf("cursor after stop %q", cur)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c2 := &seqConn{name: "m", total: 95, size: 10}
	p = NewPoller(s, PollerOptions{})
	p.Add(c2, 0)
	res := p.Once(context.Background())
	if res[0].Err != nil || res[0].New != 55 || res[0].Duplicates != 0 || c2.cursors()[0] != "40" {
		t.Fatalf("after restart %+v, first cursor %q", res[0], c2.cursors()[0])
	}
	seen := countStored(t, s)
	if len(seen) != 95 {
		t.Fatalf("%d mentions stored, want 95", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s stored %d times", k, n)
		}
	}

	// A platform that re-serves items it sent before (an inexact cursor)
	// gives duplicates, never second copies.
	again := &seqConn{name: "m2", total: 95, size: 50}
	again.name = "m" // same ids as before
	p = NewPoller(s, PollerOptions{})
	p.Add(&renamed{again, "m-replay"}, 0)
	res = p.Once(context.Background())
	if res[0].New != 0 || res[0].Duplicates != 95 {
		t.Fatalf("replay %+v", res[0])
	}
	if n := len(countStored(t, s)); n != 95 {
		t.Fatalf("%d stored after replay", n)
	}
}

type renamed struct {
	*seqConn
	n string
}

func (r *renamed) Name() string { return r.n }
