package inbox

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"switchboard/config"
	"switchboard/domain"
)

// TestTeamClockInTheDetailAndOverdue: a mention routed to a team with its
// own target and business hours shows when it is due by that clock, and
// is:overdue follows it.
func TestTeamClockInTheDetailAndOverdue(t *testing.T) {
	st := openStore(t, 0)
	ms := []domain.Mention{
		{Platform: domain.PlatformX, NativeID: "s", Author: domain.Author{Handle: "@sup"}, Text: "where is my order?", CreatedAt: now.Add(-35 * time.Minute)},
		{Platform: domain.PlatformX, NativeID: "d", Author: domain.Author{Handle: "@def"}, Text: "where is my parcel?", CreatedAt: now.Add(-35 * time.Minute), State: domain.OperatorState{Priority: domain.PriorityUrgent}},
	}
	ms[0].State.Team = "support"
	if _, err := st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	ic := config.Inbox{
		TeamClocks: map[string]config.TeamClock{"support": {Clock: config.Clock{Normal: time.Hour},
			Hours: &config.Hours{Days: "daily", From: "00:00", To: "24:00", Zone: "UTC"}}},
	}
	pol, err := ic.SLA()
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(t, st, Options{SLA: pol, Views: []config.InboxView{{Name: "late", Query: "is:overdue"}, {Name: "all"}}})
	if got := m.Loaded(); got != 1 {
		t.Fatalf("is:overdue lists %d, want the urgent default-clock mention only", got)
	}
	if c, _ := m.Cursor(); c.NativeID != "d" {
		t.Fatalf("overdue: %s", c.NativeID)
	}
	press(m, "]")
	for i := 0; i < m.Loaded(); i++ {
		if c, _ := m.Cursor(); c.NativeID == "s" {
			break
		}
		press(m, "j")
	}
	press(m, "enter")
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "due in 25m (support, business hours) · target 1h") {
		t.Fatalf("detail lacks the team's clock:\n%s", v)
	}
}
