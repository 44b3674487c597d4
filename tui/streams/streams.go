// Package streams is the Streams pane: one column per keyword stream
// (config streams:), each with its items per hour and the newest items
// waiting in it, to promote into the inbox, dismiss or open. A stream can
// be made here too (it is saved to the config and starts searching).
package streams

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/keymap"
	"switchboard/safetext"
	"switchboard/store"
	"switchboard/tui/pane"
)

// DismissedTag marks a stream item an operator dismissed: it stays out of
// the inbox and leaves the Streams pane (undo: remove the tag).
const DismissedTag = "dismissed"

// PerColumn is how many of a stream's newest waiting items are read.
const PerColumn = 200

// Options are what the pane needs beyond the session.
type Options struct {
	// Streams are the configured streams, in config order.
	Streams []config.Stream
	// Add saves a stream made in the pane and starts its searches,
	// returning how many searches started (nil: the pane cannot add).
	Add func(config.Stream) (int, error)
}

// KeyMap is the pane's keys.
type KeyMap struct {
	Left, Right, Up, Down, Promote, Dismiss, Open, Back, New, Confirm key.Binding
}

// NewKeyMap is the pane's keys with the config's remaps.
func NewKeyMap(k keymap.Keys) KeyMap {
	b := k.Binding
	return KeyMap{Left: b("streams.left"), Right: b("streams.right"), Up: b("streams.up"), Down: b("streams.down"),
		Promote: b("streams.promote"), Dismiss: b("streams.dismiss"), Open: b("streams.open"), Back: b("streams.back"),
		New: b("streams.new"), Confirm: b("streams.confirm")}
}

// Model is the Streams pane of one session.
type Model struct {
	sess pane.Session
	opts Options
	keys KeyMap
	w, h int

	names   []string
	cols    []column
	col     int
	gen     int
	err     error
	waiting int
	open    *domain.Mention // the item opened (enter), nil in the columns
	input   *textinput.Model
}

type column struct {
	name    string
	perHour int
	items   []domain.Mention
	cur     int
}

type loadedMsg struct {
	gen     int
	cols    []column
	waiting int
	err     error
}

type actedMsg struct {
	text string
	err  error
}

type addedMsg struct {
	st  config.Stream
	n   int
	err error
}

// Factory builds the pane for a session.
func Factory(o Options) pane.Factory {
	return func(s pane.Session) pane.Pane {
		m := &Model{sess: s, opts: o, keys: NewKeyMap(s.Keys)}
		for _, st := range o.Streams {
			m.names = append(m.names, st.Name)
		}
		return m
	}
}

func (m *Model) Init() tea.Cmd { return m.load() }

func (m *Model) Title() string { return "Streams" }

// Badge is how many stream items wait to be promoted or dismissed.
func (m *Model) Badge() string {
	if m.waiting == 0 {
		return ""
	}
	return strconv.Itoa(m.waiting)
}

func (m *Model) Capturing() bool { return m.input != nil }

func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

func (m *Model) ShortHelp() []key.Binding {
	if m.input != nil {
		return []key.Binding{m.keys.Confirm, m.keys.Back}
	}
	if m.open != nil {
		return []key.Binding{m.keys.Back, m.keys.Promote, m.keys.Dismiss}
	}
	return []key.Binding{m.keys.Left, m.keys.Right, m.keys.Up, m.keys.Down, m.keys.Promote, m.keys.Dismiss, m.keys.Open, m.keys.New}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// load reads every column in the background, tagged with a generation so
// that an older answer is dropped.
func (m *Model) load() tea.Cmd {
	m.gen++
	gen, st, names := m.gen, m.sess.Store, append([]string(nil), m.names...)
	now := m.sess.Now()
	return func() tea.Msg {
		msg := loadedMsg{gen: gen}
		for _, name := range names {
			c := column{name: name}
			n, _, err := st.Count(store.Filter{Streams: []string{name}, Since: now.Add(-time.Hour)}, 0)
			if err != nil {
				msg.err = err
				return msg
			}
			c.perHour = n
			err = st.Each(store.Filter{Status: []domain.Status{domain.StatusStream}, Streams: []string{name}}, func(mm *domain.Mention) bool {
				if !mm.State.HasTag(DismissedTag) {
					c.items = append(c.items, *mm)
				}
				return len(c.items) < PerColumn
			})
			if err != nil {
				msg.err = err
				return msg
			}
			msg.cols = append(msg.cols, c)
		}
		counts, err := st.Counts()
		if err != nil {
			msg.err = err
			return msg
		}
		msg.waiting = counts.Get(store.IndexStatus, string(domain.StatusStream))
		return msg
	}
}

func (m *Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil
		}
		m.err, m.waiting = msg.err, msg.waiting
		if msg.err == nil {
			for i := range msg.cols { // keep each column's cursor on its item
				if i < len(m.cols) {
					msg.cols[i].cur = keepCursor(m.cols[i], msg.cols[i].items)
				}
			}
			m.cols = msg.cols
		}
		m.col = min(m.col, max(0, len(m.cols)-1))
		return m, nil
	case pane.StoreMsg:
		if len(msg.Update.New) > 0 || len(msg.Update.Changed) > 0 || msg.Update.Resync {
			return m, m.load()
		}
		return m, nil
	case actedMsg:
		if msg.err != nil {
			return m, pane.ToastError(msg.err.Error())
		}
		return m, tea.Batch(pane.Toast(msg.text), m.load())
	case addedMsg:
		if msg.err != nil && msg.n == 0 && !strings.HasPrefix(msg.err.Error(), "saved") {
			return m, pane.ToastError("stream not added: " + msg.err.Error())
		}
		m.names = append(m.names, msg.st.Name)
		m.col = len(m.names) - 1
		text := fmt.Sprintf("stream %s saved to the config; searching on %d connectors", msg.st.Name, msg.n)
		if msg.err != nil {
			text = "stream " + msg.st.Name + " " + msg.err.Error()
		}
		return m, tea.Batch(pane.Toast(text), m.load())
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	if m.input != nil {
		in, cmd := m.input.Update(msg)
		m.input = &in
		return m, cmd
	}
	return m, nil
}

// keepCursor is the index in items of the item old's cursor was on (the
// same position when it left).
func keepCursor(old column, items []domain.Mention) int {
	if old.cur < len(old.items) {
		id := old.items[old.cur].ID
		for i, it := range items {
			if it.ID == id {
				return i
			}
		}
	}
	return min(old.cur, max(0, len(items)-1))
}

func (m *Model) current() *domain.Mention {
	if m.open != nil {
		return m.open
	}
	if m.col >= len(m.cols) {
		return nil
	}
	c := &m.cols[m.col]
	if c.cur >= len(c.items) {
		return nil
	}
	return &c.items[c.cur]
}

func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	if m.input != nil {
		switch {
		case key.Matches(k, m.keys.Back):
			m.input = nil
			return nil
		case key.Matches(k, m.keys.Confirm):
			st, err := ParseNew(m.input.Value())
			if err != nil {
				return pane.ToastError(err.Error())
			}
			m.input = nil
			add := m.opts.Add
			return func() tea.Msg {
				n, err := add(st)
				return addedMsg{st: st, n: n, err: err}
			}
		}
		in, cmd := m.input.Update(k)
		m.input = &in
		return cmd
	}
	switch {
	case key.Matches(k, m.keys.Back):
		m.open = nil
		return nil
	case key.Matches(k, m.keys.Promote):
		return m.act(domain.EventStatus, string(domain.StatusOpen), "promoted to the inbox")
	case key.Matches(k, m.keys.Dismiss):
		return m.act(domain.EventTag, DismissedTag, "dismissed")
	case key.Matches(k, m.keys.New):
		if m.opts.Add == nil {
			return pane.Toast("adding a stream is not available in this session; add it to streams: in the config")
		}
		in := textinput.New()
		in.Prompt = "new stream › "
		in.Placeholder = `launch: #acmelaunch, "acme x1"`
		in.SetWidth(max(20, m.w-20))
		in.Focus()
		m.input = &in
		return textinput.Blink
	}
	if m.open != nil {
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Left):
		m.col = max(0, m.col-1)
	case key.Matches(k, m.keys.Right):
		m.col = min(max(0, len(m.cols)-1), m.col+1)
	case key.Matches(k, m.keys.Up):
		if m.col < len(m.cols) {
			m.cols[m.col].cur = max(0, m.cols[m.col].cur-1)
		}
	case key.Matches(k, m.keys.Down):
		if m.col < len(m.cols) {
			c := &m.cols[m.col]
			c.cur = min(max(0, len(c.items)-1), c.cur+1)
		}
	case key.Matches(k, m.keys.Open):
		if it := m.current(); it != nil {
			cp := *it
			m.open = &cp
		}
	}
	return nil
}

// act applies an operator action to the item under the cursor (or the
// one opened), as the session's actor: an audit event, undoable.
func (m *Model) act(kind domain.EventKind, value, done string) tea.Cmd {
	it := m.current()
	if it == nil {
		return pane.Toast("no stream item here")
	}
	id, st, actor := it.ID, m.sess.Store, m.sess.Actor
	m.open = nil
	return func() tea.Msg {
		_, err := st.Apply(actor, []uint64{id}, store.Action{Kind: kind, Value: value})
		return actedMsg{text: done, err: err}
	}
}

// ParseNew reads the new-stream prompt: "name: term, #tag, term".
func ParseNew(s string) (config.Stream, error) {
	name, rest, ok := strings.Cut(s, ":")
	if !ok {
		return config.Stream{}, fmt.Errorf("write the name, a colon and the terms: launch: #acmelaunch, acme x1")
	}
	st := config.Stream{Name: strings.TrimSpace(name)}
	for _, t := range strings.Split(rest, ",") {
		if t = strings.Trim(strings.TrimSpace(t), `"`); t != "" {
			st.Terms = append(st.Terms, t)
		}
	}
	return st, st.Check()
}

// View draws the columns, or the item opened.
func (m *Model) View() string {
	st := m.sess.Styles
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var body string
	switch {
	case m.open != nil:
		body = m.detail()
	case len(m.names) == 0:
		body = st.Inbox.Empty.Render("No streams yet. Add a streams: section to the config (see README, Streams), or press " +
			m.keys.New.Help().Key + " to make one.")
	case m.err != nil:
		body = st.Inbox.Error.Render("streams: " + safetext.Line(m.err.Error()))
	default:
		body = m.columns()
	}
	if m.input != nil {
		body = lipgloss.JoinVertical(lipgloss.Left, st.Dialog.Input.Render(m.input.View()), body)
	}
	return lipgloss.NewStyle().Width(m.w).Height(m.h).MaxHeight(m.h).Render(body)
}

func (m *Model) columns() string {
	st := m.sess.Styles
	n := len(m.cols)
	if n == 0 {
		return st.Inbox.Empty.Render("loading…")
	}
	const minW = 28
	fit := max(1, min(n, m.w/minW))
	first := 0
	if m.col >= fit {
		first = m.col - fit + 1
	}
	cw := m.w/fit - 1 // a separator after each column
	var cols [][]string
	for i := first; i < min(n, first+fit); i++ {
		cols = append(cols, m.column(i, cw))
	}
	sep := st.Inbox.Dim.Render("│")
	blank := strings.Repeat(" ", cw)
	rows := make([]string, 0, m.h)
	for r := 0; r < m.h; r++ {
		var b strings.Builder
		for _, c := range cols {
			if r < len(c) {
				b.WriteString(c[r])
			} else {
				b.WriteString(blank)
			}
			b.WriteString(sep)
		}
		rows = append(rows, b.String())
	}
	return strings.Join(rows, "\n")
}

// column is one stream's lines, each exactly w cells wide.
func (m *Model) column(i, w int) []string {
	st := m.sess.Styles
	c := m.cols[i]
	head := fmt.Sprintf("%s · %d/h · %d waiting", c.name, c.perHour, len(c.items))
	if len(c.items) >= PerColumn {
		head = fmt.Sprintf("%s · %d/h · %d+ waiting", c.name, c.perHour, PerColumn)
	}
	hs := st.Crisis.Column
	if i == m.col {
		hs = st.Crisis.ColumnActive
	}
	lines := []string{hs.Render(safetext.Fit(head, w))}
	rows := max(1, (m.h-2)/2)
	top := 0
	if c.cur >= rows {
		top = c.cur - rows + 1
	}
	if len(c.items) == 0 {
		lines = append(lines, st.Inbox.Dim.Render(safetext.Fit("nothing waiting", w)))
	}
	for j := top; j < min(len(c.items), top+rows); j++ {
		it := c.items[j]
		mark := " " // the band, in words as well as colour in the item opened
		switch it.Band() {
		case domain.BandNegative:
			mark = "−"
		case domain.BandPositive:
			mark = "+"
		}
		who := safetext.Fit(fmt.Sprintf("%s %s %s %s", mark, it.Platform, safetext.Line(it.Author.Handle), followers(it.Author.Followers)), w-1)
		text := safetext.Fit(it.Text, w-1)
		if i == m.col && j == c.cur {
			lines = append(lines, st.Inbox.Cursor.Render("▸"+who), st.Inbox.Cursor.Render(" "+text))
			continue
		}
		ws := st.Inbox.Row
		switch it.Band() {
		case domain.BandNegative:
			ws = st.Mark.Negative
		case domain.BandPositive:
			ws = st.Mark.Positive
		}
		lines = append(lines, ws.Render(" "+who), st.Inbox.Dim.Render(" "+text))
	}
	return lines
}

func followers(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	case n > 0:
		return strconv.FormatInt(n, 10)
	}
	return ""
}

func (m *Model) detail() string {
	st := m.sess.Styles
	it := m.open
	w := max(10, m.w-4)
	field := func(label, v string) string {
		return st.Detail.Label.Render(fmt.Sprintf("%-10s", label)) + st.Detail.Value.Render(safetext.Truncate(v, w-10, "…"))
	}
	lines := []string{
		st.Detail.Title.Render(safetext.Truncate("stream "+it.Stream+" · "+string(it.Platform), w, "…")),
		field("author", it.Author.Handle+" "+it.Author.Name),
		field("followers", strconv.FormatInt(it.Author.Followers, 10)),
		field("sentiment", fmt.Sprintf("%s (%.2f)", it.Band(), it.Sentiment)),
		field("posted", it.CreatedAt.In(m.sess.Now().Location()).Format("2006-01-02 15:04")),
		field("url", it.URL),
		"",
		st.Detail.Body.Render(safetext.Wrap(it.Text, w)),
	}
	return lipgloss.NewStyle().Padding(0, 1).Render(strings.Join(lines, "\n"))
}
