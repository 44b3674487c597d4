package crisis

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/store"
	"switchboard/themes"
)

// TestPickerShowsTheChoiceUnderTheCursorWhole: at 80 columns a picker's
// choice longer than the box (an open incident's long title) is cut
// except under the cursor, where it wraps whole.
func TestPickerShowsTheChoiceUnderTheCursorWhole(t *testing.T) {
	f := newFixture(t, themes.Dark, false)
	f.m.SetSize(80, 22)
	title := "Checkout loops back to the cart for every customer who pays by card on the mobile app since the release"
	f.declare(store.IncidentSpec{Title: title, Scenario: domain.ScenarioReputation, Severity: domain.Sev2, Lead: "ana"})
	f.key("esc")
	a, _ := f.s.GetByKey("x:0")
	f.run(func() tea.Msg { return EscalateMsg{Mentions: []domain.Mention{a}} })
	f.key("j")                                             // onto the open incident
	plain := ansi.Strip(f.m.dlg.view(f.m.sess.Styles, 80)) // the box, not the board's line under it
	for _, w := range strings.Fields(title) {
		if !strings.Contains(plain, w) {
			t.Errorf("the picker never shows %q of the title:\n%s", w, plain)
		}
	}
	checkScreen(t, f.m.View(), 80, 22)
}
