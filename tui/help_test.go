package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/store"
	"switchboard/tui/crisis"
	"switchboard/tui/policypane"
)

// TestHelpReadable80x24: ? at 80×24 shows every key of the focused pane
// and every global key (columns that do not fit side by side go in rows
// below), and connector health with its whole error; when that is taller
// than the pane it scrolls with j/k and pgup/pgdown, saying so.
func TestHelpReadable80x24(t *testing.T) {
	pack, _ := longPack(t, 2)
	health := map[string]connectors.Health{}
	var errs []string
	for i := range 4 {
		e := longText(fmt.Sprintf("e%d", i), 100)
		errs = append(errs, e)
		health[fmt.Sprintf("conn-%d", i)] = connectors.Health{State: connectors.HealthUnreachable, LastError: e}
	}
	h := newHarnessWith(t, store.Options{}, seed(6), Options{
		Crisis: crisis.Factory(crisis.Options{Location: time.UTC}),
		Policy: policypane.Factory(policypane.Options{Pack: pack}),
		Health: func() map[string]connectors.Health { return health },
	}, 80, 24)
	for _, p := range []string{"1", "2", "3"} {
		h.keys(p, "?")
		s := &screens{h: h}
		first := s.look()
		if !strings.Contains(first, "more lines below · ↓/j/pgdown scroll · ? or esc closes") {
			t.Errorf("pane %s: the help is taller than the pane and should say so:\n%s", p, first)
		}
		s.press(3, "j")
		s.press(6, "pgdown")
		if last := s.all[len(s.all)-1]; !strings.Contains(last, "more lines above") || !strings.Contains(last, "q quit") {
			t.Errorf("pane %s: pgdown should reach the end of the help:\n%s", p, last)
		}
		var want []string
		for _, g := range append(h.m.focused().FullHelp(), h.m.keys.Global()) {
			for _, b := range g {
				if b.Enabled() {
					want = append(want, b.Help().Key+" "+b.Help().Desc)
				}
			}
		}
		seen := strings.Join(s.all, "\n")
		for _, w := range want {
			k, d, _ := strings.Cut(w, " ")
			if !strings.Contains(seen, k) || !strings.Contains(seen, d) {
				t.Errorf("pane %s: the help never shows %q", p, w)
			}
		}
		for i, e := range errs {
			if miss := s.missing(e); len(miss) > 0 {
				t.Errorf("pane %s: connector %d's error: words never shown: %q", p, i, miss)
			}
		}
		h.keys("esc")
		if h.m.showHelp {
			t.Fatalf("pane %s: esc should close the help that fills the pane", p)
		}
	}
}

// TestHelpColumnsWrapAt80x24: without connectors the inbox's help fits
// at 80×24 once its key groups that do not fit side by side go below;
// every key shows, no line is wider than the screen, and j still moves
// the list under it.
func TestHelpColumnsWrapAt80x24(t *testing.T) {
	h := newHarness(t, seed(6), nil, "dark", 80, 24)
	h.keys("?")
	s := &screens{h: h}
	scr := s.look()
	if strings.Contains(scr, "more lines below") {
		t.Fatalf("the inbox's help fits at 80×24 and should not scroll:\n%s", scr)
	}
	for _, g := range append(h.m.focused().FullHelp(), h.m.keys.Global()) {
		for _, b := range g {
			if b.Enabled() && !strings.Contains(scr, b.Help().Desc) {
				t.Errorf("the help lacks %q %q:\n%s", b.Help().Key, b.Help().Desc, scr)
			}
		}
	}
	before := cursorKey(t, h)
	h.keys("j")
	if cursorKey(t, h) == before {
		t.Fatal("j under a help that fits should still move the list")
	}
}
