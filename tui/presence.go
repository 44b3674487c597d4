package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/presence"
	"switchboard/safetext"
)

// waitPresence waits for another session's presence to change; Update
// re-arms it.
func (m *Model) waitPresence() tea.Cmd {
	p, ctx := m.opts.Presence, m.opts.Ctx
	return func() tea.Msg { return presenceMsg{ok: p.Wait(ctx)} }
}

// reportPresence tells the war room which pane this session shows and
// which mention is under its cursor (only changes wake the others).
func (m *Model) reportPresence() {
	var viewing string
	if m.focus == 0 && m.overlay == nil {
		if c, ok := m.Inbox().Cursor(); ok {
			viewing = c.Key()
		}
	}
	m.opts.Presence.Here(m.panes[m.focus].Title(), viewing)
}

// cursorKey is the key of the mention under the inbox cursor ("" none).
func (m *Model) cursorKey() string {
	if c, ok := m.Inbox().Cursor(); ok && m.focus == 0 {
		return c.Key()
	}
	return ""
}

// draftCollision returns the warning to show before a second draft on
// mention key: the first r on a mention someone else drafts on warns,
// the second goes ahead.
func (m *Model) draftCollision(key string) string {
	if m.opts.Presence == nil || key == "" {
		return ""
	}
	others := m.opts.Presence.Hub().Drafting(key, m.opts.Presence.ID())
	if len(others) == 0 || m.draftWarned == key {
		return ""
	}
	m.draftWarned = key
	return fmt.Sprintf("%s already drafting a reply to this mention; press r again to draft one anyway", joinNames(others, len(others) == 1, " is", " are"))
}

func joinNames(es []presence.Entry, one bool, single, plural string) string {
	seen := map[string]bool{}
	var ns []string
	for _, e := range es {
		if !seen[e.Operator] {
			seen[e.Operator] = true
			ns = append(ns, e.Operator)
		}
	}
	if len(ns) == 1 {
		return ns[0] + single
	}
	return strings.Join(ns, ", ") + plural
}

// presenceLine is the line under the header: who else is online and in
// which pane, and who else views or drafts on the mention under the
// cursor.
func (m *Model) presenceLine() string {
	st := m.styles
	p := m.opts.Presence
	var parts []string
	seen := map[string]bool{}
	for _, e := range p.Others() {
		label := e.Operator
		if e.Pane != "" {
			label += "·" + e.Pane
		}
		if seen[label] {
			continue
		}
		seen[label] = true
		parts = append(parts, safetext.Truncate(label, 24, "…"))
	}
	left := "◉ only you online"
	if len(parts) > 0 {
		left = "◉ online: " + strings.Join(parts, " ")
	}
	left = st.Header.Badge.Render(left)
	right := ""
	if key := m.cursorKey(); key != "" {
		viewing, drafting := p.OnMention(key)
		var on []string
		if len(drafting) > 0 {
			on = append(on, "✎ "+joinNames(drafting, true, " drafting", " drafting"))
		}
		if len(viewing) > 0 {
			on = append(on, "◎ "+joinNames(viewing, true, " viewing", " viewing"))
		}
		if len(on) > 0 {
			right = st.Warning.Render("this mention: " + strings.Join(on, " · "))
		}
	}
	if right == "" {
		return ansi.Truncate(left, m.w, "…")
	}
	rw := lipgloss.Width(right)
	if rw >= m.w {
		return ansi.Truncate(right, m.w, "…")
	}
	left = ansi.Truncate(left, m.w-rw-1, "…")
	return left + strings.Repeat(" ", m.w-lipgloss.Width(left)-rw) + right
}
