package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"switchboard/internal/words"
	"switchboard/tui/pane"
)

// The full help (`?`) is laid out to the width: the focused pane's key
// groups are columns, as many side by side as fit, the rest in rows
// below; the global keys wrap; connector health wraps. When it all fits
// under the pane it covers the bottom of the pane as before; when it is
// taller than the pane it takes the whole pane and scrolls with these
// keys, a line saying how much is above and below.
var helpScroll = struct{ Up, Down, PageUp, PageDown, Close key.Binding }{
	Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
	Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
	PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
	PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdown", "page down")),
	Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close help")),
}

// helpLines is the full help at the screen's width, top to bottom.
func (m *Model) helpLines() []string {
	var lines []string
	if c := m.connectorHelp(); c != "" {
		lines = append(lines, strings.Split(c, "\n")...)
	}
	// the pane's groups, each a column, packed into rows that fit
	sep := m.help.Styles.FullSeparator.Inline(true).Render(m.help.FullSeparator)
	var row []string
	rowW := 0
	flush := func() {
		if len(row) == 0 {
			return
		}
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, row...), "\n")...)
		row, rowW = nil, 0
	}
	groups := m.focused().FullHelp()
	if m.centre != nil {
		groups = m.noticeKeys.full()
	}
	for _, g := range groups {
		col := m.columnHelp(g)
		if col == "" {
			continue
		}
		w := lipgloss.Width(col)
		if len(row) > 0 && rowW+lipgloss.Width(sep)+w > m.w {
			flush()
		}
		if len(row) > 0 {
			col = lipgloss.JoinHorizontal(lipgloss.Top, sep, col)
			w += lipgloss.Width(sep)
		}
		row = append(row, col)
		rowW += w
	}
	flush()
	// the global keys, wrapped
	gsep := m.help.Styles.ShortSeparator.Inline(true).Render(m.help.ShortSeparator)
	line := ""
	for _, b := range m.keys.Global() {
		item := m.help.ShortHelpView([]key.Binding{b})
		if item == "" {
			continue
		}
		switch {
		case line == "":
			line = item
		case lipgloss.Width(line+gsep+item) > m.w:
			lines = append(lines, line)
			line = item
		default:
			line += gsep + item
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// columnHelp is one group of keys as a column: keys, then what they do,
// a description too wide for the screen wrapped within it.
func (m *Model) columnHelp(g []key.Binding) string {
	var keys, descs []string
	kw := 0
	for _, b := range g {
		if b.Enabled() {
			kw = max(kw, lipgloss.Width(b.Help().Key))
		}
	}
	dw := max(8, m.w-kw-1)
	for _, b := range g {
		if !b.Enabled() {
			continue
		}
		for i, d := range pane.WrapIndent("", b.Help().Desc, dw, lipgloss.NewStyle()) {
			k := ""
			if i == 0 {
				k = b.Help().Key
			}
			keys = append(keys, k)
			descs = append(descs, d)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	st := m.help.Styles
	return lipgloss.JoinHorizontal(lipgloss.Top, st.FullKey.Render(strings.Join(keys, "\n")), " ", st.FullDesc.Render(strings.Join(descs, "\n")))
}

// helpScrolls reports whether the help is taller than the pane (and so
// takes all of it and scrolls).
func (m *Model) helpScrolls() bool { return len(m.helpLines()) > m.bodyHeight() }

// helpKey scrolls or closes the help when it fills the pane; it reports
// whether it took the key.
func (m *Model) helpKey(k tea.KeyPressMsg) bool {
	if !m.helpScrolls() {
		return false
	}
	n, h := len(m.helpLines()), m.bodyHeight()
	page := max(1, h/2)
	switch {
	case key.Matches(k, helpScroll.Close):
		m.showHelp = false
	case key.Matches(k, helpScroll.Up):
		m.helpTop--
	case key.Matches(k, helpScroll.Down):
		m.helpTop++
	case key.Matches(k, helpScroll.PageUp):
		m.helpTop -= page
	case key.Matches(k, helpScroll.PageDown):
		m.helpTop += page
	default:
		return false
	}
	m.helpTop = max(0, min(m.helpTop, pane.MaxTop(n, h)))
	return true
}

// helpView puts the help over body: at its bottom when it fits, else in
// all of it, scrolled, with a line above and below saying what is left.
func (m *Model) helpView(body string) string {
	fl := m.helpLines()
	bl := strings.Split(body, "\n")
	h := m.bodyHeight()
	if len(fl) <= h {
		if n := len(fl); n < len(bl) {
			bl = append(bl[:len(bl)-n], fl...)
		}
		return strings.Join(bl, "\n")
	}
	hint := m.styles.Help.Desc
	// (another pane's help may be shorter than the one scrolled)
	from, to := pane.Window(len(fl), h, min(m.helpTop, pane.MaxTop(len(fl), h)))
	out := make([]string, 0, h)
	if from > 0 {
		out = append(out, hint.Render(fmt.Sprintf("↑ %s above · %s/%s scroll · ? or esc closes", words.Plural(from, "more line"), helpScroll.Up.Help().Key, helpScroll.PageUp.Help().Key)))
	}
	out = append(out, fl[from:to]...)
	if to < len(fl) {
		out = append(out, hint.Render(fmt.Sprintf("↓ %s below · %s/%s scroll · ? or esc closes", words.Plural(len(fl)-to, "more line"), helpScroll.Down.Help().Key, helpScroll.PageDown.Help().Key)))
	}
	for len(out) < h {
		out = append(out, "")
	}
	for i, l := range out {
		out[i] = cutLine(l, m.w)
	}
	return strings.Join(out, "\n")
}
