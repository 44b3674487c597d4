package tui

import (
	"testing"

	"switchboard/store"
	"switchboard/tui/pane"
)

// The crisis board's "jump to the inbox": the root focuses the inbox and
// shows the incident's mentions in the Escalated view.
func TestShowMentionsFocusesAndFiltersTheInbox(t *testing.T) {
	h := newHarness(t, seed(12), nil, "dark", 120, 30)
	inc, err := h.m.opts.Store.DeclareIncident("ana", store.IncidentSpec{Title: "x", Severity: 2,
		Mentions: []uint64{h.mention("x:1000").ID, h.mention("x:1005").ID}})
	if err != nil {
		t.Fatal(err)
	}
	h.keys("2")
	h.send(pane.ShowMentionsMsg{Expr: "incident:" + inc.ID})
	h.settle()
	if h.m.Focus() != 0 || h.m.Inbox().ViewName() != "Escalated" || h.m.Inbox().Loaded() != 2 {
		t.Fatalf("focus %d view %q rows %d", h.m.Focus(), h.m.Inbox().ViewName(), h.m.Inbox().Loaded())
	}
	h.send(pane.ShowMentionsMsg{Expr: "status:banana"})
	h.settle()
	if _, isErr := h.m.Toast(); !isErr {
		t.Fatal("a bad expression is not reported")
	}
}
