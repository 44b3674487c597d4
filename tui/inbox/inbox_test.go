package inbox

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui/pane"
)

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func openStore(t testing.TB, n int) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ms := make([]domain.Mention, n)
	for i := range ms {
		ms[i] = domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprint(i), Author: domain.Author{Handle: "@a"},
			Text: "hello", CreatedAt: now.Add(-time.Duration(i) * 37 * time.Second),
			State: domain.OperatorState{Priority: domain.Priorities[i%4]}}
	}
	for len(ms) > 0 {
		k := min(len(ms), 5000)
		if _, err := st.Ingest(ms[:k]); err != nil {
			t.Fatal(err)
		}
		ms = ms[k:]
	}
	return st
}

// run executes a command synchronously, batches included, and feeds the
// messages back (the test stand-in for the Bubble Tea runtime).
func run(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			run(m, c)
		}
		return
	}
	switch msg.(type) {
	case pageMsg, countsMsg, refreshedMsg, actionMsg, detailMsg, newMatchedMsg, matchedMsg, threadMsg, threadFetchedMsg:
		_, next := m.Update(msg)
		run(m, next)
	}
}

func newModel(t testing.TB, st *store.Store, opts Options) *Model {
	t.Helper()
	m, err := New(pane.Session{Ctx: context.Background(), Store: st, Actor: "ana", Styles: themes.New("dark", true), Now: func() time.Time { return now }}, opts)
	if err != nil {
		t.Fatal(err)
	}
	m.SetSize(120, 30)
	run(m, m.Init())
	return m
}

func press(m *Model, k string) {
	_, cmd := m.Update(pane.KeyPress(k))
	run(m, cmd)
}

// TestPagingWalksEverything moves through 1,000 mentions with 50-row
// pages and a 200-row window, down and back up, and checks every mention
// passes under the cursor exactly once each way, in order.
func TestPagingWalksEverything(t *testing.T) {
	st := openStore(t, 1000)
	m := newModel(t, st, Options{PageSize: 50, MaxRows: 200, BuiltinViews: false, Views: []config.InboxView{{Name: "all"}}})
	var down []uint64
	for i := 0; i < 1000; i++ {
		c, ok := m.Cursor()
		if !ok {
			t.Fatal("no cursor")
		}
		down = append(down, c.ID)
		press(m, "j")
	}
	if m.Loaded() > 200 {
		t.Fatalf("window holds %d rows", m.Loaded())
	}
	want := make([]uint64, 1000)
	for i := range want {
		want[i] = uint64(i + 1) // newest first: ingest order
	}
	if !slices.Equal(down, want) {
		t.Fatalf("walk down out of order: %v…", down[:10])
	}
	var up []uint64
	for i := 0; i < 1000; i++ {
		c, _ := m.Cursor()
		up = append(up, c.ID)
		press(m, "k")
	}
	slices.Reverse(up)
	if !slices.Equal(up, want) {
		t.Fatal("walk up out of order")
	}
	press(m, "G")
	if c, _ := m.Cursor(); c.ID != 1000 {
		t.Fatalf("G: %d", c.ID)
	}
	press(m, "k")
	if c, _ := m.Cursor(); c.ID != 999 {
		t.Fatalf("G k: %d", c.ID)
	}
	press(m, "g")
	if c, _ := m.Cursor(); c.ID != 1 {
		t.Fatalf("g: %d", c.ID)
	}
}

// TestDueOrder checks the merged "due" order against sorting everything.
func TestDueOrder(t *testing.T) {
	st := openStore(t, 600)
	clock := config.Clock{Urgent: 10 * time.Minute, High: time.Hour, Normal: 3 * time.Hour, Low: 24 * time.Hour}
	m := newModel(t, st, Options{PageSize: 40, MaxRows: 160, Clock: clock, Views: []config.InboxView{{Name: "due", Sort: "due"}}})
	var got []uint64
	for i := 0; i < 600; i++ {
		c, _ := m.Cursor()
		got = append(got, c.ID)
		press(m, "j")
	}
	all, _ := st.Query(store.Filter{}, "", 1000)
	ms := all.Mentions
	sort.SliceStable(ms, func(i, j int) bool {
		di := ms[i].CreatedAt.Add(clock.Target(string(ms[i].State.Priority)))
		dj := ms[j].CreatedAt.Add(clock.Target(string(ms[j].State.Priority)))
		if !di.Equal(dj) {
			return di.Before(dj)
		}
		return ms[i].ID < ms[j].ID
	})
	for i := range ms {
		if ms[i].ID != got[i] {
			t.Fatalf("position %d: got %d, want %d", i, got[i], ms[i].ID)
		}
	}
}

func TestStalePageDropped(t *testing.T) {
	st := openStore(t, 50)
	m := newModel(t, st, Options{BuiltinViews: true})
	old := m.load(loadTop, nil) // a load of the current generation …
	press(m, "]")               // … made stale by a view change
	before := m.Loaded()
	msg := old().(pageMsg)
	msg.rows = nil
	m.Update(msg)
	if m.Loaded() != before {
		t.Fatal("stale page replaced the window")
	}
}

func TestParseFilter(t *testing.T) {
	f, err := ParseFilter("status:open,pending tag:a tag:b assignee:me,none team:none platform:x sentiment:neg priority:urgent is:escalated since:24h refund please", "ana", now)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Status) != 2 || len(f.Tags) != 2 || !slices.Equal(f.Assignees, []string{"ana", ""}) || !slices.Equal(f.Teams, []string{""}) ||
		f.Platforms[0] != domain.PlatformX || f.Bands[0] != domain.BandNegative || f.Priorities[0] != domain.PriorityUrgent ||
		!f.Escalated || !f.Since.Equal(now.Add(-24*time.Hour)) || f.Text != "refund please" {
		t.Fatalf("%+v", f)
	}
	for _, bad := range []string{"status:closed", "platform:myspace", "since:yesterday", "is:cool", "priority:", "sentiment:angry"} {
		if _, err := ParseFilter(bad, "ana", now); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	g := Merge(store.Filter{Status: []domain.Status{"open", "pending"}}, store.Filter{Status: []domain.Status{"pending", "done"}})
	if !slices.Equal(g.Status, []domain.Status{"pending"}) {
		t.Fatalf("merge %v", g.Status)
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"status:open tag:x", "since:24h until:2026-11-20", "assignee:me,none words here", "is:escalated", "::::", "tag:,,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fl, err := ParseFilter(s, "ana", now)
		if err != nil {
			return
		}
		for _, st := range fl.Status {
			if !st.Valid() {
				t.Fatalf("invalid status %q accepted", st)
			}
		}
		for _, p := range fl.Platforms {
			if !p.Valid() {
				t.Fatalf("invalid platform %q accepted", p)
			}
		}
	})
}

func FuzzParseUntil(f *testing.F) {
	for _, s := range []string{"2h", "3d", "2026-11-21", "2026-11-21 14:00", "-1h", "0d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseUntil(s, now)
		if err == nil && !u.After(now) {
			t.Fatalf("%q: %v is not in the future", s, u)
		}
	})
}

// TestNewMarkerCountsOnlyTheView: the "N new" marker counts the new
// mentions that belong in the view, and starts again in another view.
func TestNewMarkerCountsOnlyTheView(t *testing.T) {
	st := openStore(t, 5)
	// the view has a row already (an empty view reads itself again instead)
	if _, err := st.Ingest([]domain.Mention{{Platform: domain.PlatformX, NativeID: "old", Author: domain.Author{Handle: "@e"}, Text: "refund", CreatedAt: now.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	m := newModel(t, st, Options{PageSize: 50, MaxRows: 200, BuiltinViews: false,
		Views: []config.InboxView{{Name: "x refunds", Filter: "platform:x refund"}, {Name: "all"}}})
	if m.Loaded() != 1 {
		t.Fatalf("x refunds shows %d rows", m.Loaded())
	}
	sub := st.Subscribe()
	defer sub.Close()
	fresh := []domain.Mention{
		{Platform: domain.PlatformX, NativeID: "n1", Author: domain.Author{Handle: "@b"}, Text: "refund please", CreatedAt: now},
		{Platform: domain.PlatformX, NativeID: "n2", Author: domain.Author{Handle: "@c"}, Text: "hello again", CreatedAt: now},
		{Platform: domain.PlatformMastodon, NativeID: "n3", Author: domain.Author{Handle: "@d"}, Text: "refund too", CreatedAt: now},
	}
	if _, err := st.Ingest(fresh); err != nil {
		t.Fatal(err)
	}
	u, err := sub.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, cmd := m.Update(pane.StoreMsg{Update: u})
	run(m, cmd)
	if m.newCount != 1 {
		t.Fatalf("x-refund view counts %d new, want 1", m.newCount)
	}
	press(m, "]") // the "all" view: the old count does not carry over
	if m.newCount != 0 {
		t.Fatalf("after switching views the marker says %d", m.newCount)
	}
}

// TestDetailCountsReadAsWords: "1 follower", "2 followers", "1,500
// followers" in the open mention.
func TestDetailCountsReadAsWords(t *testing.T) {
	for n, want := range map[int64]string{1: "1 follower ·", 2: "2 followers ·", 1500: "1,500 followers ·"} {
		st := openStore(t, 0)
		if _, err := st.Ingest([]domain.Mention{{Platform: domain.PlatformX, NativeID: "f", Author: domain.Author{Handle: "@f", Followers: n}, Text: "hi", CreatedAt: now}}); err != nil {
			t.Fatal(err)
		}
		m := newModel(t, st, Options{})
		press(m, "enter")
		if v := ansi.Strip(m.View()); !strings.Contains(v, want) {
			t.Errorf("%d followers: detail lacks %q:\n%s", n, want, v)
		}
	}
}

// typeIn types s into the open dialog (typing only returns the input's
// cursor blink, which the test does not wait for).
func typeIn(m *Model, s string) {
	for _, r := range s {
		m.Update(pane.KeyPress(string(r)))
	}
}

// TestAssignOffersKnownOperatorsOnly: `a` offers you, the config's
// operators and the operators file's (with their teams), and refuses a
// name that is none of them, saying so; without any list the assignees
// in use are offered.
func TestAssignOffersKnownOperatorsOnly(t *testing.T) {
	st := openStore(t, 3)
	all, err := st.Query(store.Filter{}, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply("ana", []uint64{all.Mentions[2].ID}, store.Action{Kind: domain.EventAssign, Value: "gone"}); err != nil {
		t.Fatal(err)
	}
	team := func() ([]string, []string) { return []string{"cem", "dora"}, []string{"legal"} }
	m := newModel(t, st, Options{Operators: []string{"ben"}, Team: team, Views: []config.InboxView{{Name: "all"}}})
	first, _ := m.Cursor()
	press(m, "a")
	v := ansi.Strip(m.View())
	for _, want := range []string{"me (ana)", "@ben", "@cem", "@dora", "team legal", "unassign"} {
		if !strings.Contains(v, want) {
			t.Errorf("assign picker lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "@gone") {
		t.Errorf("picker offers an assignee no list names:\n%s", v)
	}
	typeIn(m, "zed")
	press(m, "enter")
	if !m.Capturing() {
		t.Fatal("an unknown name closed the picker")
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "✗ “zed” is not an operator or team: pick one from the list") {
		t.Fatalf("no message for an unknown name:\n%s", v)
	}
	if got, _ := st.Get(first.ID); got.State.Assignee != "" {
		t.Fatalf("assigned to %q", got.State.Assignee)
	}
	for range 3 {
		m.Update(pane.KeyPress("backspace"))
	}
	typeIn(m, "dora")
	press(m, "enter")
	if got, _ := st.Get(first.ID); got.State.Assignee != "dora" {
		t.Fatalf("assignee %q, want dora", got.State.Assignee)
	}

	// no list at all: you and the assignees in use
	m = newModel(t, st, Options{Views: []config.InboxView{{Name: "all"}}})
	press(m, "a")
	v = ansi.Strip(m.View())
	for _, want := range []string{"me (ana)", "@gone", "@dora"} {
		if !strings.Contains(v, want) {
			t.Errorf("picker without lists lacks %q:\n%s", want, v)
		}
	}
	// and nobody at all: where to name them
	m = newModel(t, openStore(t, 1), Options{Views: []config.InboxView{{Name: "all"}}})
	press(m, "a")
	typeIn(m, "zed")
	press(m, "enter")
	if v := ansi.Strip(m.View()); !strings.Contains(v, "✗ “zed” is not an operator: add to operators.yaml or inbox.operators") {
		t.Fatalf("no hint for where operators come from:\n%s", v)
	}
}

func TestLayoutColumnsPerViewAndAuthorWidth(t *testing.T) {
	if a, b, c := layout(60, nil).author, layout(120, nil).author, layout(240, nil).author; a != 12 || b != 18 || c != 30 {
		t.Fatalf("author widths at 60/120/240 columns: %d %d %d", a, b, c)
	}
	c := layout(100, []string{"author", "text", "tags"})
	if c.age != 0 || c.platform != 0 || c.status != 0 || c.sentiment != 0 || c.clock != 0 || c.assignee != 0 {
		t.Fatalf("columns the view did not choose are shown: %+v", c)
	}
	// the cursor mark, each column and its space, the text and its space: the width exactly
	if c.tags == 0 || c.author == 0 || c.text != 100-2-(c.author+1)-(c.tags+1)-1 {
		t.Fatalf("chosen columns: %+v", c)
	}
	if d := layout(70, nil); d.clock != 0 || d.assignee != 0 || d.tags != 0 {
		t.Fatalf("the default set at 70 columns: %+v", d)
	}
}
