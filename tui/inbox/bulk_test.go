package inbox

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/store"
)

func statusCount(t *testing.T, st *store.Store, s domain.Status) int {
	t.Helper()
	p, err := st.Query(store.Filter{Status: []domain.Status{s}}, "", 100000)
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Mentions)
}

// V selects a range as the cursor moves; the action applies to it and one
// undo reverses it.
func TestRangeSelectAndOneUndo(t *testing.T) {
	st := openStore(t, 40)
	m := newModel(t, st, Options{})
	press(m, "j")
	press(m, "V")
	press(m, "j")
	press(m, "j")
	press(m, "j")
	if got := len(m.Selected()); got != 4 {
		t.Fatalf("range selected %d, want 4", got)
	}
	press(m, "k") // shrinking the range drops the row left behind
	if got := len(m.Selected()); got != 3 {
		t.Fatalf("after moving back %d selected, want 3", got)
	}
	press(m, "esc") // ends the range, keeps the selection
	press(m, "j")
	if got := len(m.Selected()); got != 3 {
		t.Fatalf("after ending the range %d selected, want 3", got)
	}
	press(m, "x")
	if got := statusCount(t, st, domain.StatusDone); got != 3 {
		t.Fatalf("%d done, want 3", got)
	}
	press(m, "u")
	if got := statusCount(t, st, domain.StatusDone); got != 0 {
		t.Fatalf("%d done after one undo, want 0", got)
	}
}

// * selects every match of the view, not only the loaded rows; ~ inverts
// it within the matches; one undo reverses a batch of thousands.
func TestSelectAllMatchingAndInvert(t *testing.T) {
	st := openStore(t, 3000)
	m := newModel(t, st, Options{PageSize: 50})
	if m.Loaded() >= 3000 {
		t.Fatalf("the test needs a view that is not all loaded (%d rows)", m.Loaded())
	}
	press(m, "space") // select the first row
	press(m, "~")
	if got := len(m.Selected()); got != 2999 {
		t.Fatalf("inverted: %d selected, want 2999", got)
	}
	press(m, "*")
	if got := len(m.Selected()); got != 3000 {
		t.Fatalf("select all: %d selected, want 3000", got)
	}
	press(m, "x")
	if got := statusCount(t, st, domain.StatusDone); got != 3000 {
		t.Fatalf("%d done, want 3000", got)
	}
	if len(m.Selected()) != 0 {
		t.Fatal("selection kept after the action")
	}
	press(m, "u")
	if got := statusCount(t, st, domain.StatusDone); got != 0 {
		t.Fatalf("%d done after one undo, want 0", got)
	}
}

// The view tabs scroll so the active one is always in sight, and the new
// views (Pending, Snoozed, All) are there.
func TestTabsScrollToTheActiveView(t *testing.T) {
	st := openStore(t, 5)
	m := newModel(t, st, Options{})
	m.SetSize(60, 20)
	for range len(m.views) - 1 {
		press(m, "]")
	}
	if m.ViewName() != "Spam" {
		t.Fatalf("last view is %q, want Spam", m.ViewName())
	}
	line := ansi.Strip(m.tabsLine(m.sess.Styles))
	if !strings.Contains(line, "▸Spam 0") || !strings.HasPrefix(line, "‹") {
		t.Fatalf("tabs at 60 columns: %q", line)
	}
}
