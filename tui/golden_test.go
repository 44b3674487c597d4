package tui

import (
	"strings"
	"switchboard/internal/golden"
	"testing"

	"switchboard/themes"
)

// TestGolden renders each screen state at 100×24 (the size message at
// 50×10) in every theme and compares it, escape sequences and all, with
// testdata/*.golden.
func TestGolden(t *testing.T) {
	states := []struct {
		name  string
		empty bool
		keys  []string
		text  string
		w, h  int
		// setup builds the session instead of the default one
		setup func(t *testing.T, theme string) *harness
		// before runs ahead of the keys
		before func(t *testing.T, h *harness)
		// shown, when set, is text the screen must show before the
		// snapshot (an answer that comes back from a command)
		shown string
	}{
		{name: "list", keys: []string{"j", "space", "j"}},
		{name: "detail", keys: []string{"enter"}},
		{name: "tagpicker", keys: []string{"t"}, text: "re"},
		{name: "palette", keys: []string{":"}, text: "as"},
		{name: "help", keys: []string{"?"}},
		{name: "empty", empty: true},
		{name: "crisis", keys: []string{"2"}},
		{name: "search", keys: []string{"/"}, text: "refund"},
		{name: "filter", keys: []string{"f"}, text: "status:open tag:"},
		{name: "assign", keys: []string{"space", "j", "space", "a"}},
		{name: "status", keys: []string{"s"}},
		{name: "note", keys: []string{"n"}, text: "called back, waiting on billing"},
		{name: "toosmall", w: 50, h: 10},
		{name: "storeerror", keys: []string{"ctrl+r"}, shown: "could not read the store", before: func(t *testing.T, h *harness) {
			// the store goes away under the session (disk gone, file
			// closed): the next read fails and the list says so
			if err := h.st.Close(); err != nil {
				t.Fatal(err)
			}
			h.settle()
		}},
		{name: "outbox", keys: []string{"4"}, setup: func(t *testing.T, theme string) *harness {
			return outboxHarness(t, theme, 100, 24)
		}},
	}
	for _, theme := range []string{themes.Dark, themes.Light, themes.HighContrast, themes.Mono} {
		for _, st := range states {
			t.Run(theme+"/"+st.name, func(t *testing.T) {
				t.Parallel() // each has its own store; the time is spent waiting for quiet
				var h *harness
				if st.setup != nil {
					h = st.setup(t, theme)
				} else {
					ms := seed(40)
					if st.empty {
						ms = nil
					}
					w, hh := 100, 24
					if st.w > 0 {
						w, hh = st.w, st.h
					}
					h = newHarness(t, ms, nil, theme, w, hh)
				}
				if st.before != nil {
					st.before(t, h)
				}
				h.keys(st.keys...)
				if st.text != "" {
					h.typeText(st.text)
				}
				if st.shown != "" {
					h.until(st.shown, func() bool { return strings.Contains(h.screen(), st.shown) })
				}
				golden.Check(t, theme+"-"+st.name, h.screen())
			})
		}
	}
}
