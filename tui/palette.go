package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/themes"
	"switchboard/tui/pane"
)

// command is one entry of the palette: a named action and the key that
// runs it, in pane (-1: the focused pane or the root).
type command struct {
	name, keys string
	press      tea.KeyPressMsg
	pane       int
}

type palette struct {
	input textinput.Model
	all   []command
	sel   int
}

// commands lists every action: the focused pane's, the global ones, then
// those of the other panes, named "Pane: action" (running one focuses its
// pane first).
func (m *Model) commands() []command {
	var out []command
	seen := map[string]bool{}
	add := func(b key.Binding, prefix string, paneIdx int) {
		name := prefix + b.Help().Desc
		if !b.Enabled() || len(b.Keys()) == 0 || seen[name] {
			return
		}
		seen[name] = true
		out = append(out, command{name: name, keys: b.Help().Key, press: pane.KeyPress(b.Keys()[0]), pane: paneIdx})
	}
	for _, group := range m.focused().FullHelp() {
		for _, b := range group {
			add(b, "", -1)
		}
	}
	for _, b := range m.keys.Global() {
		if b.Help() != m.keys.Palette.Help() {
			add(b, "", -1)
		}
	}
	if m.overlay != nil {
		return out // the composer is open: only its own actions
	}
	for i, p := range m.panes {
		if i == m.focus {
			continue
		}
		for _, group := range p.FullHelp() {
			for _, b := range group {
				add(b, p.Title()+": ", i)
			}
		}
	}
	return out
}

func newPalette(cmds []command) *palette {
	in := textinput.New()
	in.Prompt = ": "
	in.Placeholder = "type to filter actions"
	in.Focus()
	return &palette{input: in, all: cmds}
}

func (p *palette) visible() []command {
	q := strings.ToLower(strings.TrimSpace(p.input.Value()))
	if q == "" {
		return p.all
	}
	var out []command
	for _, c := range p.all {
		if strings.Contains(strings.ToLower(c.name), q) || strings.ToLower(c.keys) == q {
			out = append(out, c)
		}
	}
	return out
}

func (m *Model) onPaletteKey(k tea.KeyPressMsg) tea.Cmd {
	p := m.palette
	switch k.String() {
	case "esc", "ctrl+c":
		m.palette = nil
		return nil
	case "up", "ctrl+p":
		p.sel = max(0, p.sel-1)
		return nil
	case "down", "ctrl+n", "tab":
		p.sel = min(max(0, len(p.visible())-1), p.sel+1)
		return nil
	case "enter":
		vis := p.visible()
		m.palette = nil
		if len(vis) == 0 {
			return nil
		}
		c := vis[min(p.sel, len(vis)-1)]
		if c.pane >= 0 && c.pane < len(m.panes) {
			m.focus = c.pane
		}
		return m.onKey(c.press)
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(k)
	p.sel = min(p.sel, max(0, len(p.visible())-1))
	return cmd
}

func (p *palette) view(st *themes.Styles, w, h int) string {
	inner := max(20, min(w-6, 60))
	p.input.SetWidth(inner - 3)
	lines := []string{st.Dialog.Title.Render("Commands"), p.input.View()}
	vis := p.visible()
	room := max(1, h-6)
	start := 0
	if p.sel >= room {
		start = p.sel - room + 1
	}
	for i := start; i < len(vis) && i < start+room; i++ {
		c := vis[i]
		keys := c.keys
		name := c.name
		gap := inner - 2 - ansi.StringWidth(name) - ansi.StringWidth(keys)
		line := name + strings.Repeat(" ", max(1, gap)) + keys
		if i == p.sel {
			lines = append(lines, st.Dialog.ItemActive.Render("› "+line))
		} else {
			lines = append(lines, st.Dialog.Item.Render("  "+line))
		}
	}
	if len(vis) == 0 {
		lines = append(lines, st.Dialog.Hint.Render("  (no action matches)"))
	}
	return st.Dialog.Box.Width(inner + 4).Render(lipgloss.JoinVertical(lipgloss.Left, lines...))
}
