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
	clock := now
	m := timedModel(t, &clock, false)
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

// TestTimedViewsFollowTheClock: an idle is:overdue view shows what became
// overdue without ctrl+r (it is read again every 30 s, and at rest
// that reloads it), and an after:1h view in use loses what grew too old while the
// cursor stays on a mention that still belongs.
func TestTimedViewsFollowTheClock(t *testing.T) {
	clock := now
	m := timedModel(t, &clock, true)
	if got := m.Loaded(); got != 1 {
		t.Fatalf("at start is:overdue lists %d, want the one 2h old", got)
	}
	tick := func() {
		run(m, m.ReadTimed()) // what the session does every 30 s
	}
	tick()
	if got := m.Loaded(); got != 1 {
		t.Fatalf("a tick with the clock standing still lists %d, want 1", got)
	}
	clock = now.Add(30 * time.Minute) // "soon" has now waited 70 minutes
	tick()
	if got := m.Loaded(); got != 2 {
		t.Fatalf("half an hour later, idle, is:overdue lists %d, want 2 without a refresh", got)
	}

	press(m, "]") // recent: after:1h as of now (now+30m): "soon" (70m) is out, "new" (40m) is in
	if got := m.Loaded(); got != 1 {
		t.Fatalf("after:1h lists %d, want 1", got)
	}
	clock = now.Add(-25 * time.Minute) // back before: all three but "late" are recent
	press(m, "ctrl+r")
	if got := m.Loaded(); got != 2 {
		t.Fatalf("after:1h at now-25m lists %d, want 2", got)
	}
	press(m, "j") // in use: the cursor on the older one, "soon"
	if c, _ := m.Cursor(); c.NativeID != "soon" {
		t.Fatalf("cursor on %q, want soon", c.NativeID)
	}
	press(m, "k") // and back to "new", but the list is no longer at rest once selected
	press(m, "space")
	clock = now.Add(25 * time.Minute) // "soon" is 65m old now, "new" 35m
	tick()
	if got := m.Loaded(); got != 1 {
		t.Fatalf("in use, after the tick, after:1h lists %d, want 1 (soon grew too old)", got)
	}
	if c, _ := m.Cursor(); c.NativeID != "new" {
		t.Fatalf("the cursor moved to %q, want it kept on new", c.NativeID)
	}
	if len(m.selected) != 1 {
		t.Fatalf("the tick lost the selection: %d selected", len(m.selected))
	}
}

// timedModel is an inbox on *clock with the views "late" (is:overdue) and
// "recent" (after:1h) over high-priority mentions (an hour's target) 2h
// ("late") and 40m ("soon") old, and with a third one 10m ("new").
func timedModel(t *testing.T, clock *time.Time, third bool) *Model {
	t.Helper()
	st := openStore(t, 0)
	high := domain.OperatorState{Priority: domain.PriorityHigh} // the default clock's target: an hour
	ms := []domain.Mention{
		{Platform: domain.PlatformX, NativeID: "late", Author: domain.Author{Handle: "@a"}, Text: "where is my order?", CreatedAt: now.Add(-2 * time.Hour), State: high},
		{Platform: domain.PlatformX, NativeID: "soon", Author: domain.Author{Handle: "@b"}, Text: "where is my parcel?", CreatedAt: now.Add(-40 * time.Minute), State: high},
	}
	if third {
		ms = append(ms, domain.Mention{Platform: domain.PlatformX, NativeID: "new", Author: domain.Author{Handle: "@c"}, Text: "hello", CreatedAt: now.Add(-10 * time.Minute), State: high})
	}
	if _, err := st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	m, err := New(pane.Session{Ctx: context.Background(), Store: st, Actor: "ana", Styles: themes.New("dark", true), Now: func() time.Time { return *clock }},
		Options{Views: []config.InboxView{{Name: "late", Query: "is:overdue"}, {Name: "recent", Query: "after:1h"}}})
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(120, 30)
	run(m, m.Init())
	return m
}
