package tui

import (
	"image/color"
	"testing"

	tea "charm.land/bubbletea/v2"

	"switchboard/domain"
	"switchboard/store"
)

// TestAutoThemeFollowsTheTerminal: with theme auto the session takes the
// light or dark styles from the background its own terminal reports, and
// a fixed theme ignores it.
func TestAutoThemeFollowsTheTerminal(t *testing.T) {
	h := newHarness(t, seed(3), nil, "auto", 100, 24)
	h.send(tea.BackgroundColorMsg{Color: color.RGBA{R: 250, G: 250, B: 250, A: 255}})
	h.settle()
	if s := h.m.Styles(); s.Name != "light" || s.IsDark {
		t.Fatalf("a light terminal gave %q (dark %v)", s.Name, s.IsDark)
	}
	h.send(tea.BackgroundColorMsg{Color: color.RGBA{R: 10, G: 10, B: 12, A: 255}})
	h.settle()
	if s := h.m.Styles(); s.Name != "dark" || !s.IsDark {
		t.Fatalf("a dark terminal gave %q (dark %v)", s.Name, s.IsDark)
	}
	fixed := newHarness(t, seed(3), nil, "high-contrast", 100, 24)
	fixed.send(tea.BackgroundColorMsg{Color: color.RGBA{R: 250, G: 250, B: 250, A: 255}})
	fixed.settle()
	if s := fixed.m.Styles(); s.Name != "high-contrast" {
		t.Fatalf("a fixed theme changed to %q", s.Name)
	}
}

// TestMouseClickSelectsTheRowUnderIt: a click on a row (screen line 1 is
// the header, then the inbox's tabs, status line and column header) puts
// the cursor there, and the wheel scrolls.
func TestMouseClickSelectsTheRowUnderIt(t *testing.T) {
	h := newHarness(t, seed(10), nil, "dark", 100, 24)
	first, _ := h.m.Inbox().Cursor()
	h.send(tea.MouseClickMsg{Button: tea.MouseLeft, X: 10, Y: 1 + 3 + 2}) // the third row
	h.settle()
	got, _ := h.m.Inbox().Cursor()
	if got.ID == first.ID {
		t.Fatalf("the click did not move the cursor")
	}
	page, err := h.st.Query(store.Filter{Status: []domain.Status{domain.StatusOpen}}, "", 3)
	if err != nil || len(page.Mentions) != 3 {
		t.Fatal(err)
	}
	if got.ID != page.Mentions[2].ID {
		t.Fatalf("the click put the cursor on %s, want the third row %s", got.NativeID, page.Mentions[2].NativeID)
	}
	h.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown, X: 10, Y: 10})
	h.settle()
	after, _ := h.m.Inbox().Cursor()
	if after.ID == got.ID {
		t.Fatalf("the wheel did not move the cursor")
	}
}
