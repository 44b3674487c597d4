package tui

import (
	"errors"
	"slices"
	"strings"
	"switchboard/tui/pane"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui/inbox"
)

func cursorKey(t *testing.T, h *harness) string {
	t.Helper()
	m, ok := h.m.Inbox().Cursor()
	if !ok {
		t.Fatal("no cursor row")
	}
	return m.Key()
}

func TestMoveAndViews(t *testing.T) {
	h := newHarness(t, seed(30), nil, "dark", 120, 30)
	// newest first
	if got := cursorKey(t, h); got != "news:1029" {
		t.Fatalf("first row %s", got)
	}
	h.keys("j", "j")
	if got := cursorKey(t, h); got != "bluesky:1027" {
		t.Fatalf("after jj %s", got)
	}
	h.keys("G")
	if got := cursorKey(t, h); got != "x:1000" {
		t.Fatalf("after G %s", got)
	}
	h.keys("g")
	if got := cursorKey(t, h); got != "news:1029" {
		t.Fatalf("after g %s", got)
	}
	h.keys("ctrl+d")
	if got := cursorKey(t, h); got == "news:1029" {
		t.Fatal("ctrl+d did not move")
	}
	h.keys("]", "]", "]", "]") // All open → Due → Unassigned → Mine → Negative
	if name := h.m.Inbox().ViewName(); name != "Negative" {
		t.Fatalf("view %s", name)
	}
	for i := 0; i < h.m.Inbox().Loaded(); i++ {
		m, _ := h.m.Inbox().Cursor()
		if m.Band() != domain.BandNegative {
			t.Fatalf("Negative view shows %s (%v)", m.Key(), m.Sentiment)
		}
		h.keys("j")
	}
	h.keys("[")
	if name := h.m.Inbox().ViewName(); name != "Mine" {
		t.Fatalf("view %s", name)
	}
	if !strings.Contains(h.screen(), "Nothing in “Mine” matches") {
		t.Fatalf("empty view has no guidance:\n%s", h.screen())
	}
}

func TestSelectionDoneUndo(t *testing.T) {
	h := newHarness(t, seed(10), nil, "dark", 120, 30)
	h.keys("space", "j", "space") // select rows 0 and 2
	sel := h.m.Inbox().Selected()
	if len(sel) != 2 {
		t.Fatalf("selected %v", sel)
	}
	under := cursorKey(t, h) // row 3, not selected
	h.keys("x")
	// the store's write may outlast settle's quiet spell on a busy machine
	h.until("the selection marked done", func() bool {
		return h.mention("news:1009").State.Status == domain.StatusDone && h.mention("bluesky:1007").State.Status == domain.StatusDone
	})
	if st := h.mention("reddit:1008").State.Status; st != domain.StatusOpen {
		t.Fatalf("unselected mention changed: %s", st)
	}
	if got := cursorKey(t, h); got != under {
		t.Fatalf("cursor moved from %s to %s", under, got)
	}
	if h.m.Inbox().Loaded() != 8 {
		t.Fatalf("done mentions still in All open: %d rows", h.m.Inbox().Loaded())
	}
	if len(h.m.Inbox().Selected()) != 0 {
		t.Fatal("selection not cleared after the action")
	}
	if msg, _ := h.m.Toast(); !strings.Contains(msg, "marked 2 mentions done") {
		t.Fatalf("toast %q", msg)
	}
	h.keys("u")
	for _, k := range []string{"news:1009", "bluesky:1007"} {
		if st := h.mention(k).State.Status; st != domain.StatusOpen {
			t.Fatalf("after undo %s status %s", k, st)
		}
	}
	if msg, _ := h.m.Toast(); !strings.Contains(msg, "undid") {
		t.Fatalf("toast %q", msg)
	}
}

func TestTagAssignNoteStatus(t *testing.T) {
	h := newHarness(t, seed(5), &config.Config{Sections: config.Sections{Inbox: config.Inbox{Teams: []string{"billing"}, Operators: []string{"ben"}}}}, "dark", 120, 30)
	k := cursorKey(t, h)
	h.keys("enter") // act from the detail view, which follows the changes live
	h.keys("t")
	h.typeText("vip")
	h.keys("enter")
	if !h.mention(k).State.HasTag("vip") {
		t.Fatal("new tag not applied")
	}
	h.keys("t")
	h.typeText("vip")
	h.keys("enter") // all have it: removes
	if h.mention(k).State.HasTag("vip") {
		t.Fatal("tag not removed")
	}
	h.keys("a")
	h.typeText("billing")
	h.keys("enter")
	if got := h.mention(k).State.Team; got != "billing" {
		t.Fatalf("team %q", got)
	}
	h.keys("a")
	h.typeText("ben")
	h.keys("enter")
	if got := h.mention(k).State.Assignee; got != "ben" {
		t.Fatalf("assignee %q", got)
	}
	h.keys("n")
	h.typeText("called them back")
	h.keys("enter")
	if n := h.mention(k).State.Notes; len(n) != 1 || n[0].Text != "called them back" || n[0].Author != "ana" {
		t.Fatalf("notes %+v", n)
	}
	h.keys("s")
	h.typeText("pending")
	h.keys("enter")
	if got := h.mention(k).State.Status; got != domain.StatusPending {
		t.Fatalf("status %q", got)
	}
	scr := h.screen()
	for _, want := range []string{"History", "ana  tagged vip", "ana  removed tag vip", "team: ∅ → billing", "called them back", "status: open → pending"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("detail lacks %q:\n%s", want, scr)
		}
	}
	h.keys("esc")
	if strings.Contains(h.screen(), "History") {
		t.Fatal("esc did not leave the detail view")
	}
}

func TestSearchAndFilter(t *testing.T) {
	h := newHarness(t, seed(30), nil, "dark", 120, 30)
	h.keys("/")
	h.typeText("billing")
	h.keys("enter")
	in := h.m.Inbox()
	if in.Loaded() != 5 {
		t.Fatalf("search billing: %d rows", in.Loaded())
	}
	// the tab's count stays right under a search the counters cannot
	// tell: it is counted
	if scr := h.screen(); !strings.Contains(scr, "▸All open 5") {
		t.Fatalf("tab count under a search:\n%s", scr)
	}
	// a search covers all history: a mention closed out of "All open"
	// is still found
	h.keys("x")
	h.keys("/", "ctrl+u")
	h.typeText(`billing is:done`)
	h.keys("enter")
	if in.Loaded() != 1 || !strings.Contains(h.screen(), "search: billing is:done (all history)") {
		t.Fatalf("search over all history: %d rows\n%s", in.Loaded(), h.screen())
	}
	h.keys("/", "ctrl+u")
	h.typeText(`colour:red`)
	h.keys("enter")
	if !h.m.Inbox().Capturing() || !strings.Contains(h.screen(), `unknown key "colour"`) {
		t.Fatalf("unknown key not reported:\n%s", h.screen())
	}
	h.keys("ctrl+u")
	h.keys("enter")
	h.keys("/", "ctrl+u") // clear input (textinput: ctrl+u deletes before cursor)
	h.keys("enter")
	if in.Loaded() != 29 {
		t.Fatalf("cleared search: %d rows", in.Loaded())
	}
	h.keys("f")
	h.typeText("platform:myspace")
	h.keys("enter")
	if !h.m.Inbox().Capturing() || !strings.Contains(h.screen(), "platform:myspace: want x, mastodon") {
		t.Fatalf("bad filter not reported in the dialog:\n%s", h.screen())
	}
	h.keys("ctrl+u")
	h.typeText("platform:x,bluesky sentiment:negative")
	h.keys("enter")
	for i := 0; i < in.Loaded(); i++ {
		m, _ := in.Cursor()
		if (m.Platform != domain.PlatformX && m.Platform != domain.PlatformBluesky) || m.Band() != domain.BandNegative {
			t.Fatalf("filter let %s through", m.Key())
		}
		h.keys("j")
	}
	if in.Loaded() == 0 {
		t.Fatal("filter matched nothing")
	}
}

func TestLiveUpdateKeepsCursor(t *testing.T) {
	h := newHarness(t, seed(10), nil, "dark", 120, 30)
	h.keys("j", "j", "space")
	before := cursorKey(t, h)
	sel := h.m.Inbox().Selected()
	nm := seed(12)[11]
	nm.NativeID = "new-1"
	nm.CreatedAt = fixed
	if _, err := h.st.Ingest([]domainMention{nm}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if got := cursorKey(t, h); got != before {
		t.Fatalf("cursor moved %s → %s", before, got)
	}
	if !slices.Equal(sel, h.m.Inbox().Selected()) {
		t.Fatal("selection changed")
	}
	if !strings.Contains(h.screen(), "1 new · N") {
		t.Fatalf("no new marker:\n%s", h.screen())
	}
	// another operator's action shows up live
	other := h.mention("news:1009")
	if _, err := h.st.Apply("ben", []uint64{other.ID}, storeAction("assign", "ben")); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if !strings.Contains(h.screen(), "ben") {
		t.Fatalf("other operator's assignment not shown:\n%s", h.screen())
	}
	h.keys("N")
	if got := cursorKey(t, h); got != "mastodon:new-1" {
		t.Fatalf("N did not jump to the new mention: %s", got)
	}
}

// TestEmptyViewFillsLive: a view that is empty (a fresh store, or
// everything snoozed) shows mentions as the change feed brings them — the
// first poll's, and a snooze that woke — without ctrl+r.
func TestEmptyViewFillsLive(t *testing.T) {
	h := newHarness(t, nil, nil, "dark", 120, 30)
	if !strings.Contains(h.screen(), "No mentions yet") {
		t.Fatalf("fresh store:\n%s", h.screen())
	}
	ms := seed(3)
	if _, err := h.st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	h.until("the first poll's mentions", func() bool { return h.m.Inbox().Loaded() == 3 })
	if scr := h.screen(); strings.Contains(scr, "No mentions yet") || strings.Contains(scr, "matches") || !strings.Contains(scr, "#2") {
		t.Fatalf("mentions not shown:\n%s", scr)
	}
	// snooze them all: the view empties; when the clock wakes them they show
	ids := make([]uint64, 0, 3)
	for _, m := range ms {
		ids = append(ids, h.mention(m.Key()).ID)
	}
	if _, err := h.st.Apply("ana", ids, store.Action{Kind: domain.EventStatus, Value: string(domain.StatusSnoozed), Until: fixed.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	h.until("the snoozed mentions to leave", func() bool { return h.m.Inbox().Loaded() == 0 })
	if !strings.Contains(h.screen(), "Nothing in “All open” matches") {
		t.Fatalf("all snoozed:\n%s", h.screen())
	}
	if n, err := h.st.WakeSnoozed(fixed.Add(2 * time.Hour)); err != nil || n != 3 {
		t.Fatalf("woke %d: %v", n, err)
	}
	h.until("the woken mentions", func() bool { return h.m.Inbox().Loaded() == 3 })
}

// TestActionToastsSayWhatHappened: a failure reads as one ("could not
// mark 1 mention done: why"), an action that changes nothing says so, and
// one that changes only some of its targets counts what it changed.
func TestActionToastsSayWhatHappened(t *testing.T) {
	var refuse atomic.Bool
	sopts := store.Options{Authorize: func(actor string, p domain.Permission) error {
		if refuse.Load() {
			return errors.New(actor + " is a viewer: viewers cannot tag, route, assign or close mentions")
		}
		return nil
	}}
	h := newHarnessWith(t, sopts, seed(4), Options{Theme: "dark"}, 120, 30)
	toast := func(want string, wantErr bool) {
		t.Helper()
		h.until("the toast "+want, func() bool { got, isErr := h.m.Toast(); return got == want && isErr == wantErr })
	}
	k := cursorKey(t, h)
	h.keys("enter", "x") // from the detail view, which stays on the mention
	toast("marked 1 mention done · u undoes", false)
	if st := h.mention(k).State.Status; st != domain.StatusDone {
		t.Fatalf("status %s", st)
	}
	h.keys("x")
	toast("nothing changed: the mention is already done", false)
	h.keys("esc")

	// two selected, one already tagged vip: only the other is tagged
	h.keys("space", "space")
	sel := h.m.Inbox().Selected()
	if len(sel) != 2 {
		t.Fatalf("selected %v", sel)
	}
	if _, err := h.st.Apply("ana", sel[:1], store.Action{Kind: domain.EventTag, Value: "vip"}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	h.keys("t")
	h.typeText("vip")
	h.keys("enter")
	toast("tagged 1 mention vip (1 already tagged vip) · u undoes", false)

	refuse.Store(true)
	h.keys("x")
	toast("could not mark 1 mention done: not allowed: ana is a viewer: viewers cannot tag, route, assign or close mentions", true)
}

func TestPaletteRunsActions(t *testing.T) {
	h := newHarness(t, seed(5), nil, "dark", 120, 30)
	k := cursorKey(t, h)
	h.keys(":")
	h.typeText("done")
	if !strings.Contains(h.screen(), "Commands") {
		t.Fatalf("no palette:\n%s", h.screen())
	}
	h.keys("enter")
	if st := h.mention(k).State.Status; st != domain.StatusDone {
		t.Fatalf("palette done: %s", st)
	}
	h.keys("ctrl+k")
	h.typeText("quit")
	h.keys("esc")
	if h.m.quitting {
		t.Fatal("esc in the palette quit")
	}
}

func TestKeyPressNamesEveryBinding(t *testing.T) {
	var all []key.Binding
	ik := inbox.DefaultKeyMap()
	all = append(all, ik.Up, ik.Down, ik.Top, ik.Bottom, ik.PageDown, ik.PageUp, ik.Open, ik.Back, ik.Search, ik.Filter,
		ik.PrevView, ik.NextView, ik.Select, ik.Tag, ik.Assign, ik.Status, ik.Done, ik.Note, ik.Escalate, ik.Reply,
		ik.Undo, ik.UndoRules, ik.Copy, ik.JumpNew, ik.Refresh)
	all = append(all, DefaultKeyMap().Global()...)
	for _, b := range all {
		for _, k := range b.Keys() {
			if got := pane.KeyPress(k).String(); got != k {
				t.Errorf("pane.KeyPress(%q).String() = %q", k, got)
			}
		}
	}
}

func TestPlaceholdersAndHooks(t *testing.T) {
	h := newHarness(t, seed(3), nil, "dark", 100, 24)
	h.keys("r")
	if msg, _ := h.m.Toast(); !strings.Contains(msg, "replying is not available") {
		t.Fatalf("reply toast %q", msg)
	}
	h.keys("e")
	if msg, _ := h.m.Toast(); !strings.Contains(msg, "escalating is not available") {
		t.Fatalf("escalate toast %q", msg)
	}
	h.keys("2")
	if h.m.Focus() != 1 || !strings.Contains(h.screen(), "crisis board") {
		t.Fatalf("pane 2:\n%s", h.screen())
	}
	h.keys("1")
	if h.m.Focus() != 0 {
		t.Fatal("1 did not return to the inbox")
	}
}

func TestHostileTextIsInert(t *testing.T) {
	ms := seed(3)
	ms[2].Text = "\x1b]0;PWNED\x07\x1b[2J\x1b[H\x1b]52;c;ZXZpbA==\x07\x1b[10;10H\u202eevil\u202c \xff end"
	ms[2].Author.Handle = "@\x1b[31mred"
	h := newHarness(t, ms, nil, "mono", 120, 30)
	for _, scr := range []string{h.screen(), func() string { h.keys("enter"); return h.screen() }()} {
		plain := stripANSI(scr)
		if strings.ContainsAny(plain, "\x1b\x07\u202e\u202c") {
			t.Fatalf("control characters reached the screen: %q", plain)
		}
		if !strings.Contains(plain, "␛]0;PWNED␇") {
			t.Fatalf("hostile text not shown as visible symbols:\n%s", plain)
		}
	}
}

func TestMinSizeAndThemes(t *testing.T) {
	h := newHarness(t, seed(3), nil, "dark", 50, 10)
	if !strings.Contains(h.screen(), "needs at least 60×12") {
		t.Fatalf("small screen:\n%s", h.screen())
	}
	for _, name := range themes.Names {
		s := themes.New(themes.Resolve(name, false, nil), false)
		if s == nil || s.Name == "" {
			t.Fatalf("theme %s", name)
		}
	}
	if themes.Resolve("dark", true, []string{"NO_COLOR=1"}) != themes.Mono {
		t.Fatal("NO_COLOR ignored")
	}
}
