package reports

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui/pane"
)

var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func run(t *testing.T, p pane.Pane, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	if msg := cmd(); msg != nil {
		p.Update(msg)
	}
}

// TestReportsPaneShowsTheFigures: the window's totals and groups, the
// slowest open mention and the load per operator; b regroups, w changes
// the window.
func TestReportsPaneShowsTheFigures(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ms := []domain.Mention{
		{Platform: "x", NativeID: "1", Author: domain.Author{Handle: "@slowpoke"}, Text: "still waiting for my refund", CreatedAt: now.Add(-30 * time.Hour),
			State: domain.OperatorState{Team: "support", Assignee: "ana"}},
		{Platform: "mastodon", NativeID: "2", Author: domain.Author{Handle: "@kim"}, Text: "thanks", CreatedAt: now.Add(-2 * time.Hour),
			State: domain.OperatorState{Team: "social", RespondedAt: now.Add(-time.Hour)}},
	}
	if _, err := st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	p := Factory(nil)(pane.Session{Ctx: context.Background(), Store: st, Actor: "ana", Styles: themes.New(themes.Mono, true), Now: func() time.Time { return now }})
	p.SetSize(100, 40)
	run(t, p, p.Init())
	v := ansi.Strip(p.View())
	for _, want := range []string{"Reports · last 7 days · by team", "2 mentions · 50% answered · first response p50 1.0h", "support", "social",
		"Slowest open mentions", "@slowpoke", "still waiting for my refund", "ana", "1 overdue"} {
		if !strings.Contains(v, want) {
			t.Errorf("the pane lacks %q:\n%s", want, v)
		}
	}
	p.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	_, cmd := p.Update(tea.KeyPressMsg{Code: 'w', Text: "w"})
	run(t, p, cmd)
	v = ansi.Strip(p.View())
	if !strings.Contains(v, "last 30 days · by assignee") || !strings.Contains(v, "ana ") {
		t.Fatalf("after b and w:\n%s", v)
	}
}
