package inbox

import (
	"fmt"
	"maps"

	tea "charm.land/bubbletea/v2"

	"switchboard/domain"
	"switchboard/tui/pane"
)

// Bulk selection: `V` selects a range as the cursor moves, `*` selects
// every mention the current view, filter and search match (not only the
// loaded rows), `~` inverts the selection within those. Every action then
// applies to the whole selection as one store group, so one `u` undoes it.

// rangeSel is a range selection in progress (V): the row it started on and
// the selection before it, which the range is added to.
type rangeSel struct {
	anchor uint64 // mention id of the row V was pressed on
	base   map[uint64]domain.Mention
}

// selectPageSize is how many mentions one read of select-all fetches.
const selectPageSize = 5000

type matchedMsg struct {
	src    *source // the source it read; stale when the view changed
	all    []domain.Mention
	invert bool
	err    error
}

// toggleRange starts or ends a range selection at the cursor.
func (m *Model) toggleRange() tea.Cmd {
	if m.rng != nil {
		m.rng = nil
		return pane.Toast(plural(len(m.selected), "mention") + " selected")
	}
	if m.detail != nil || m.cur >= len(m.rows) {
		return nil
	}
	m.rng = &rangeSel{anchor: m.rows[m.cur].m.ID, base: maps.Clone(m.selected)}
	m.extendRange()
	return pane.Toast("range: move to extend it · V or esc ends")
}

// extendRange makes the selection the base plus every row between the
// anchor and the cursor.
func (m *Model) extendRange() {
	if m.rng == nil || m.cur >= len(m.rows) {
		return
	}
	a := -1
	for i, r := range m.rows {
		if r.m.ID == m.rng.anchor {
			a = i
		}
	}
	if a < 0 { // the anchor left the loaded window: keep what is selected
		return
	}
	sel := maps.Clone(m.rng.base)
	for i := min(a, m.cur); i <= max(a, m.cur); i++ {
		sel[m.rows[i].m.ID] = m.rows[i].m
	}
	m.selected = sel
}

// matchAll reads every mention the current source matches, in pages.
func (m *Model) matchAll(invert bool) tea.Cmd {
	if m.src == nil {
		return nil
	}
	src, st, streams := m.src, m.sess.Store, m.src.streams
	return func() tea.Msg {
		seen := map[uint64]bool{}
		var all []domain.Mention
		for _, s := range streams {
			after := ""
			for {
				p, err := st.Query(s.f, after, selectPageSize)
				if err != nil {
					return matchedMsg{src: src, err: err}
				}
				for _, x := range p.Mentions {
					if !seen[x.ID] {
						seen[x.ID] = true
						all = append(all, x)
					}
				}
				if p.Next == "" {
					break
				}
				after = p.Next
			}
		}
		return matchedMsg{src: src, all: all, invert: invert}
	}
}

func (m *Model) onMatched(msg matchedMsg) tea.Cmd {
	if msg.err != nil {
		return pane.ToastError("selecting: " + msg.err.Error())
	}
	if msg.src != m.src {
		return nil // the view changed meanwhile
	}
	m.rng = nil
	sel := make(map[uint64]domain.Mention, len(msg.all))
	for _, x := range msg.all {
		if _, was := m.selected[x.ID]; msg.invert && was {
			continue
		}
		sel[x.ID] = x
	}
	m.selected = sel
	what := "selected"
	if msg.invert {
		what = "selected (inverted)"
	}
	return pane.Toast(fmt.Sprintf("%s %s", thousands(len(sel)), what))
}

func (m *Model) clearSelection() {
	m.selected = map[uint64]domain.Mention{}
	m.rng = nil
}
