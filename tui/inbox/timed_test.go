package inbox

import (
	"context"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/themes"
	"switchboard/tui/pane"
)

// TestTimedViewsMeanNow: a view of is:overdue (or after:1h) kept open for
// hours lists what is overdue (or recent) now, not what was when the app
// started: refreshing, switching back to it and its tab count all read
// the clock again.
func TestTimedViewsMeanNow(t *testing.T) {
	st := openStore(t, 0)
	clock := now
	high := domain.OperatorState{Priority: domain.PriorityHigh} // the default clock's target: an hour
	ms := []domain.Mention{
		{Platform: domain.PlatformX, NativeID: "late", Author: domain.Author{Handle: "@a"}, Text: "where is my order?", CreatedAt: now.Add(-2 * time.Hour), State: high},
		{Platform: domain.PlatformX, NativeID: "soon", Author: domain.Author{Handle: "@b"}, Text: "where is my parcel?", CreatedAt: now.Add(-40 * time.Minute), State: high},
	}
	if _, err := st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	m, err := New(pane.Session{Ctx: context.Background(), Store: st, Actor: "ana", Styles: themes.New("dark", true), Now: func() time.Time { return clock }},
		Options{Views: []config.InboxView{{Name: "late", Query: "is:overdue"}, {Name: "recent", Query: "after:1h"}}})
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(120, 30)
	run(m, m.Init())
	if got := m.Loaded(); got != 1 {
		t.Fatalf("at start is:overdue lists %d, want the one 2h old", got)
	}
	clock = now.Add(30 * time.Minute) // "soon" has now waited 70 minutes
	press(m, "ctrl+r")
	if got := m.Loaded(); got != 2 {
		t.Fatalf("half an hour later, after a refresh, is:overdue lists %d, want 2", got)
	}
	press(m, "]") // recent: after:1h, as of now
	if got := m.Loaded(); got != 0 {
		t.Fatalf("after:1h lists %d mentions older than an hour", got)
	}
	clock = now.Add(2 * time.Hour)
	press(m, "[")
	if got := m.Loaded(); got != 2 {
		t.Fatalf("switching back to is:overdue lists %d, want 2", got)
	}
	if got := m.viewFilter(1).Since; !got.Equal(clock.Add(-time.Hour)) {
		t.Fatalf("the recent tab counts from %v, want an hour before now (%v)", got, clock.Add(-time.Hour))
	}
}
