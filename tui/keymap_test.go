package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/keymap"
)

// TestKeyMapCoversActions: every global action of package keymap has its
// field in the key map, and every field is one.
func TestKeyMapCoversActions(t *testing.T) {
	if err := keymap.Covered("global", DefaultKeyMap(), nil); err != nil {
		t.Fatal(err)
	}
}

// remapped is a config that remaps as the README's example does.
func remapped(t *testing.T) *config.Config {
	t.Helper()
	c, err := config.Parse([]byte(`keys:
  inbox.done: "d"
  inbox.tag: ["T", "ctrl+t"]
  global.help: "f1"
  global.palette: ["ctrl+p", ";"]
`), "config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRemappedKeyRunsItsAction(t *testing.T) {
	h := newHarness(t, seed(5), remapped(t), "dark", 120, 30)
	k := cursorKey(t, h)
	// the old key does nothing any more
	h.keys("x")
	if st := h.mention(k).State.Status; st != domain.StatusOpen {
		t.Fatalf("x still marks done: %s", st)
	}
	if cursorKey(t, h) != k {
		t.Fatal("x moved the cursor")
	}
	h.keys("d")
	if st := h.mention(k).State.Status; st != domain.StatusDone {
		t.Fatalf("d did not mark done: %s", st)
	}
	// either of two keys opens the tag picker; t no longer does
	h.keys("t")
	if h.m.focused().Capturing() {
		t.Fatalf("t opened a dialog:\n%s", h.screen())
	}
	for _, key := range []string{"T", "ctrl+t"} {
		h.keys(key)
		if !strings.Contains(stripANSI(h.screen()), "Tag 1 mention") {
			t.Fatalf("%s did not open the tag picker:\n%s", key, stripANSI(h.screen()))
		}
		h.keys("esc")
	}
	// a remapped global key: f1 is help, ? is not; ; opens the palette, : does not
	h.keys("?")
	if h.m.showHelp {
		t.Fatal("? still shows help")
	}
	h.keys("f1")
	if !h.m.showHelp {
		t.Fatal("f1 did not show help")
	}
	h.keys(":")
	if h.m.palette != nil {
		t.Fatal(": still opens the palette")
	}
	for _, key := range []string{";", "ctrl+p"} {
		h.keys(key)
		if h.m.palette == nil {
			t.Fatalf("%s did not open the palette", key)
		}
		h.keys("esc")
	}
}

func TestHelpShowsRemappedKeys(t *testing.T) {
	h := newHarness(t, seed(5), remapped(t), "dark", 120, 30)
	// the footer's short help
	foot := stripANSI(h.screen())
	if !strings.Contains(foot, "d done") || strings.Contains(foot, "x done") || !strings.Contains(foot, "f1 help") {
		t.Fatalf("footer does not show the remapped keys:\n%s", foot)
	}
	h.keys("f1")
	s := stripANSI(h.screen())
	for _, want := range []string{"d done", "T/ctrl+t tag", "ctrl+p/; commands", "f1 help"} {
		if !strings.Contains(squeeze(s), want) {
			t.Fatalf("help lacks %q:\n%s", want, s)
		}
	}
	for _, old := range []string{"x done", ":/ctrl+p commands", "? help"} {
		if strings.Contains(squeeze(s), old) {
			t.Fatalf("help still shows %q:\n%s", old, s)
		}
	}
}

// squeeze collapses runs of spaces (help aligns keys and descriptions in
// columns).
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestPaletteOpensWithEachKey(t *testing.T) {
	h := newHarness(t, seed(3), nil, "dark", 120, 30)
	for _, k := range []string{":", "ctrl+p", "ctrl+k"} {
		h.keys(k)
		if h.m.palette == nil || !strings.Contains(h.screen(), "Commands") {
			t.Fatalf("%s did not open the palette", k)
		}
		h.keys("esc")
	}
}

func TestPaletteListsEveryActionByName(t *testing.T) {
	h := newHarness(t, seed(3), nil, "dark", 120, 30)
	h.keys(":")
	got := map[string]string{}
	for _, c := range h.m.palette.visible() {
		got[c.name] = c.keys
	}
	var def keymap.Keys
	for _, a := range keymap.All() {
		if a.Pane() != "inbox" && a.Pane() != "global" || a.Name == "global.palette" || a.Name == "global.force_quit" || a.Name == "global.outbox" || a.Name == "global.reports" || a.Name == "global.streams" {
			continue // no crisis, policy, outbox, reports or streams pane in this session
		}
		if keys, ok := got[a.Name]; !ok || keys != def.Label(a.Name) {
			t.Errorf("palette lists %s as %q, want %q", a.Name, keys, def.Label(a.Name))
		}
	}
	// on the screen, by name with description and key
	if s := squeeze(stripANSI(h.screen())); !strings.Contains(s, "inbox.up up ↑/k") {
		t.Fatalf("palette rows:\n%s", s)
	}
}

func TestPaletteFuzzyMatchesBestFirst(t *testing.T) {
	h := newHarness(t, seed(3), nil, "dark", 120, 30)
	for _, tc := range []struct{ typed, first string }{
		{"snz", "inbox.snooze"},
		{"snooze", "inbox.snooze"},
		{"done", "inbox.done"},
		{"slctall", "inbox.select_all"},
		{"undo rules", "inbox.undo_rules"},
		{"x", "inbox.done"}, // the key itself
	} {
		h.keys(":")
		h.typeText(tc.typed)
		vis := h.m.palette.visible()
		if len(vis) == 0 || vis[0].name != tc.first {
			var names []string
			for _, c := range vis {
				names = append(names, c.name)
			}
			t.Errorf("%q: got %v, want %s first", tc.typed, names, tc.first)
		}
		h.keys("esc")
	}
	h.keys(":")
	h.typeText("qqqzzz")
	if len(h.m.palette.visible()) != 0 || !strings.Contains(h.screen(), "no action matches") {
		t.Fatalf("nonsense matched:\n%s", stripANSI(h.screen()))
	}
	h.keys("esc")
	// snz, enter: the snooze prompt for the mention under the cursor
	k := cursorKey(t, h)
	h.keys(":")
	h.typeText("snz")
	h.keys("enter")
	if !strings.Contains(stripANSI(h.screen()), "Snooze 1 mention until") {
		t.Fatalf("no snooze prompt:\n%s", stripANSI(h.screen()))
	}
	h.typeText("2h")
	h.keys("enter")
	// the write runs in a command: on a busy machine it may outlast one
	// settle's quiet spell
	h.until("the mention snoozed", func() bool { return h.mention(k).State.Status == domain.StatusSnoozed })
}

func TestPaletteShowsAndRunsRemappedKeys(t *testing.T) {
	h := newHarness(t, seed(3), remapped(t), "dark", 120, 30)
	k := cursorKey(t, h)
	h.keys(";")
	h.typeText("done")
	s := squeeze(stripANSI(h.screen()))
	if !strings.Contains(s, "inbox.done done d") {
		t.Fatalf("palette does not show the remapped key:\n%s", s)
	}
	if vis := h.m.palette.visible(); vis[0].keys != "d" {
		t.Fatalf("inbox.done's key in the palette: %q", vis[0].keys)
	}
	h.keys("enter")
	// the write runs in a command: on a busy machine it may outlast one
	// settle's quiet spell
	h.until("the palette's done closes the mention", func() bool { return h.mention(k).State.Status == domain.StatusDone })
	h.keys("ctrl+p")
	h.typeText("tag")
	if s := squeeze(stripANSI(h.screen())); !strings.Contains(s, "inbox.tag tag T/ctrl+t") {
		t.Fatalf("palette does not show the remapped tag keys:\n%s", s)
	}
}

// TestHintsNameRemappedKeys: text that tells the user a key names the key
// in force.
func TestHintsNameRemappedKeys(t *testing.T) {
	c, err := config.Parse([]byte("keys:\n  inbox.copy: c\n  global.quit: ctrl+q\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, seed(3), c, "dark", 120, 30)
	h.keys("r")
	if msg, _ := h.m.Toast(); !strings.Contains(msg, "copy the URL with c and") {
		t.Fatalf("reply toast %q", msg)
	}
	h.send(tea.WindowSizeMsg{Width: 50, Height: 10})
	if s := stripANSI(h.screen()); !strings.Contains(s, "press ctrl+q to quit") {
		t.Fatalf("size message:\n%s", s)
	}
}
