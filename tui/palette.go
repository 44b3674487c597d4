package tui

import (
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/sahilm/fuzzy"

	"switchboard/themes"
	"switchboard/tui/pane"
)

// command is one entry of the palette: an action by its keymap name
// ("inbox.done"), what it does, the keys that run it, and the key press
// it is run by, in pane (-1: the focused pane or the root).
type command struct {
	name, desc, keys string
	press            tea.KeyPressMsg
	pane             int
}

type palette struct {
	input textinput.Model
	all   []command
	sel   int
	// query and shown cache the last visible() answer
	query string
	shown []command
}

// panePrefixes are the keymap pane names of the root's panes by index.
var panePrefixes = []string{"inbox", "crisis", "policy", "outbox"}

// commands lists every action with the keys in force: the focused pane's,
// the global ones, then those of the other panes (running one focuses
// its pane first). Each is named as the config's keys: section names it.
func (m *Model) commands() []command {
	var out []command
	seen := map[string]bool{}
	add := func(b key.Binding, prefix, title string, paneIdx int) {
		if !b.Enabled() || len(b.Keys()) == 0 {
			return
		}
		name := m.sess.Keys.Name(prefix, b)
		if name == "" { // a pane whose keys keymap does not name
			name = title + ": " + b.Help().Desc
		}
		if seen[name] {
			return
		}
		seen[name] = true
		out = append(out, command{name: name, desc: b.Help().Desc, keys: b.Help().Key, press: pane.KeyPress(b.Keys()[0]), pane: paneIdx})
	}
	prefix := func(i int) string {
		if i < len(panePrefixes) {
			return panePrefixes[i]
		}
		return ""
	}
	focused, title := prefix(m.focus), m.focused().Title()
	if m.overlay != nil {
		focused = "composer"
	}
	if m.centre != nil {
		m.noticeCommands(add, paneCentre)
	}
	for _, group := range m.focused().FullHelp() {
		for _, b := range group {
			add(b, focused, title, -1)
		}
	}
	for _, b := range m.keys.Global() {
		if b.Help() != m.keys.Palette.Help() {
			add(b, "global", "", -1)
		}
	}
	if m.overlay != nil {
		return out // the composer is open: only its own actions
	}
	m.noticeCommands(add, paneCentre)
	for i, p := range m.panes {
		if i == m.focus {
			continue
		}
		for _, group := range p.FullHelp() {
			for _, b := range group {
				add(b, prefix(i), p.Title(), i)
			}
		}
	}
	return out
}

func newPalette(cmds []command) *palette {
	in := textinput.New()
	in.Prompt = ": "
	in.Placeholder = "type an action or what it does"
	in.Focus()
	return &palette{input: in, all: cmds}
}

// visible are the commands that match what is typed, best first: a
// command whose key is what was typed, then fuzzy matches of the name or
// the description (the letters in order, not necessarily together, so
// "snz" finds inbox.snooze), scored by github.com/sahilm/fuzzy (matches
// at the start and after a "." or "_", and runs of adjacent letters,
// score higher). Equal scores keep the palette's order.
func (p *palette) visible() []command {
	q := strings.TrimSpace(p.input.Value())
	if q == "" {
		return p.all
	}
	if q == p.query && p.shown != nil {
		return p.shown
	}
	score := make(map[int]int, len(p.all))
	best := func(ms fuzzy.Matches) {
		for _, m := range ms {
			if s, ok := score[m.Index]; !ok || m.Score > s {
				score[m.Index] = m.Score
			}
		}
	}
	names := make([]string, len(p.all))
	descs := make([]string, len(p.all))
	for i, c := range p.all {
		names[i], descs[i] = c.name, c.desc
		if c.press.String() == q || c.keys == q || slices.Contains(strings.Split(c.keys, "/"), q) {
			score[i] = 1 << 20 // the key itself
		}
	}
	best(fuzzy.Find(q, names))
	best(fuzzy.Find(q, descs))
	idx := make([]int, 0, len(score))
	for i := range score {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool {
		if score[idx[a]] != score[idx[b]] {
			return score[idx[a]] > score[idx[b]]
		}
		return idx[a] < idx[b]
	})
	out := make([]command, len(idx))
	for i, j := range idx {
		out[i] = p.all[j]
	}
	p.query, p.shown = q, out
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
			m.centre = nil
		}
		if c.pane == paneCentre && m.centre == nil {
			// the centre's action from anywhere (the terminal toggle,
			// mark all read): run it without leaving the centre open
			m.centre = &centre{}
			cmd := m.onKey(c.press)
			m.centre = nil
			return cmd
		}
		return m.onKey(c.press)
	}
	var cmd tea.Cmd
	before := p.input.Value()
	p.input, cmd = p.input.Update(k)
	if p.input.Value() != before {
		p.sel = 0 // the best match first
	}
	return cmd
}

func (p *palette) view(st *themes.Styles, w, h int) string {
	inner := max(20, min(w-6, 72))
	p.input.SetWidth(inner - 3)
	lines := []string{st.Dialog.Title.Render("Commands"), p.input.View()}
	vis := p.visible()
	room := max(1, h-6)
	start := 0
	if p.sel >= room {
		start = p.sel - room + 1
	}
	nameW := 0
	for i := start; i < len(vis) && i < start+room; i++ {
		nameW = max(nameW, ansi.StringWidth(vis[i].name))
	}
	nameW = min(nameW, inner/2)
	for i := start; i < len(vis) && i < start+room; i++ {
		c := vis[i]
		name := ansi.Truncate(c.name, nameW, "…")
		keys := c.keys
		fit := inner - 2 - nameW - 2 - ansi.StringWidth(keys) - 1
		desc := ansi.Truncate(c.desc, max(0, fit), "…")
		if strings.HasSuffix(c.name, ": "+c.desc) {
			desc = "" // unnamed: the name says it
		}
		line := name + strings.Repeat(" ", nameW-ansi.StringWidth(name)+2) + desc
		line += strings.Repeat(" ", max(1, inner-2-ansi.StringWidth(line)-ansi.StringWidth(keys))) + keys
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
