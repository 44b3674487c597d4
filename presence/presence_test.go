package presence

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"switchboard/domain"
)

func names(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Operator
	}
	return out
}

func woken(s *Session) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	return s.Wait(ctx)
}

func TestHereWakesOthersOnlyOnChange(t *testing.T) {
	h := New(Options{})
	ana := h.Join("ana", domain.RoleLead)
	bob := h.Join("bob", domain.RoleAgent)
	if !woken(ana) {
		t.Fatal("ana was not told bob joined")
	}
	if woken(bob) {
		t.Fatal("bob was woken by his own join")
	}
	bob.Here("Inbox", "x:1")
	if !woken(ana) {
		t.Fatal("ana not woken by bob moving")
	}
	bob.Here("Inbox", "x:1")
	if woken(ana) {
		t.Fatal("ana woken though bob did not move")
	}
	// many changes coalesce into one wake-up
	for i := 0; i < 10; i++ {
		bob.Here("Inbox", string(rune('a'+i)))
	}
	if !woken(ana) || woken(ana) {
		t.Fatal("wake-ups did not coalesce into one")
	}
	on := ana.Others()
	if len(on) != 1 || on[0].Operator != "bob" || on[0].Pane != "Inbox" || on[0].Viewing != "j" {
		t.Fatalf("ana sees %+v", on)
	}
}

func TestCollisionOnMention(t *testing.T) {
	h := New(Options{})
	ana := h.Join("ana", domain.RoleAgent)
	bob := h.Join("bob", domain.RoleAgent)
	carl := h.Join("carl", domain.RoleLegal)
	ana.Here("Inbox", "x:1")
	bob.Here("Inbox", "x:1")
	carl.Here("Inbox", "x:2")
	v, d := ana.OnMention("x:1")
	if len(v) != 1 || v[0].Operator != "bob" || len(d) != 0 {
		t.Fatalf("ana on x:1: viewing %v drafting %v", names(v), names(d))
	}
	if others := bob.StartDraft("x:1"); len(others) != 0 {
		t.Fatalf("first draft collided with %v", names(others))
	}
	others := ana.StartDraft("x:1")
	if len(others) != 1 || others[0].Operator != "bob" {
		t.Fatalf("second draft: others %v", names(others))
	}
	v, d = carl.OnMention("x:1")
	if len(v) != 0 || len(d) != 2 {
		t.Fatalf("carl on x:1: viewing %v drafting %v (drafters are not listed as viewers too)", names(v), names(d))
	}
	if got := h.Drafting("x:1", bob.ID()); len(got) != 1 || got[0].Operator != "ana" {
		t.Fatalf("Drafting except bob = %v", names(got))
	}
	bob.StopDraft()
	if got := h.Drafting("x:1", 0); len(got) != 1 || got[0].Operator != "ana" {
		t.Fatalf("after bob stopped: %v", names(got))
	}
	ana.Leave()
	if got := h.Drafting("x:1", 0); len(got) != 0 {
		t.Fatalf("ana left but still drafts: %v", names(got))
	}
	if got := h.Viewing("x:1", 0); len(got) != 1 || got[0].Operator != "bob" {
		t.Fatalf("viewing after leave: %v", names(got))
	}
}

func TestWarRoomRolesAndLiveRole(t *testing.T) {
	var mu sync.Mutex
	roles := map[string]domain.Role{"ana": domain.RoleLead, "bob": domain.RoleAgent, "vera": domain.RoleViewer}
	h := New(Options{Role: func(n string) domain.Role { mu.Lock(); defer mu.Unlock(); return roles[n] }})
	a1 := h.Join("ana", domain.RoleLead)
	a2 := h.Join("ana", domain.RoleLead)
	h.Join("vera", domain.RoleViewer)
	h.Join("bob", domain.RoleAgent)
	a1.Here("Crisis", "")
	a2.Here("Inbox", "x:1")
	wr := h.WarRoom()
	if len(wr) != 3 || wr[0].Operator != "ana" || wr[0].Sessions != 2 || len(wr[0].Panes) != 2 || wr[0].Panes[0] != "Crisis" ||
		wr[1].Operator != "bob" || wr[2].Operator != "vera" || wr[2].Role != domain.RoleViewer {
		t.Fatalf("war room %+v", wr)
	}
	mu.Lock()
	roles["vera"] = domain.RoleAdmin
	mu.Unlock()
	if wr := h.WarRoom(); wr[0].Operator != "vera" || wr[0].Role != domain.RoleAdmin {
		t.Fatalf("role change not seen: %+v", wr)
	}
}

func TestLeaveEndsWaitAndWatchers(t *testing.T) {
	before := runtime.NumGoroutine()
	h := New(Options{})
	w := h.Watch()
	defer w.Close()
	s := h.Join("ana", domain.RoleAgent)
	select {
	case <-w.C():
	case <-time.After(time.Second):
		t.Fatal("watcher not woken by a join")
	}
	done := make(chan bool)
	go func() { done <- s.Wait(context.Background()) }()
	s.Leave()
	s.Leave() // twice is harmless
	if ok := <-done; ok {
		t.Fatal("Wait returned true after Leave")
	}
	s.Here("Inbox", "x:1") // after leaving: ignored, no panic
	if len(h.Online()) != 0 {
		t.Fatal("left session still online")
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("goroutines %d > %d", n, before)
	}
}
