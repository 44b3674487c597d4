package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/keymap"
	"switchboard/notices"
	"switchboard/safetext"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui/pane"
)

// The notification centre: `!` opens a list of the operator's notices
// (package notices derives them, the store keeps them with the read
// marks); the header counts the unread; enter jumps to what a notice is
// about. Urgent notices that arrive while the session runs ring the
// terminal as the operator chose (bell, OSC 9, OSC 777; off by default).

// NoticeKeyMap is the notification centre's keys.
type NoticeKeyMap struct {
	Up, Down, Open, Read, ReadAll, Terminal, Close key.Binding
}

// NewNoticeKeyMap is the centre's keys with the config's remaps.
func NewNoticeKeyMap(k keymap.Keys) NoticeKeyMap {
	b := k.Binding
	return NoticeKeyMap{
		Up: b("notifications.up"), Down: b("notifications.down"), Open: b("notifications.open"),
		Read: b("notifications.read"), ReadAll: b("notifications.read_all"),
		Terminal: b("notifications.terminal"), Close: b("notifications.close"),
	}
}

func (k NoticeKeyMap) short() []key.Binding {
	return []key.Binding{k.Open, k.Read, k.ReadAll, k.Terminal, k.Close}
}

func (k NoticeKeyMap) full() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Open}, {k.Read, k.ReadAll, k.Terminal, k.Close}}
}

// paneCentre is the palette's pane index of the centre's actions.
const paneCentre = -2

// centreSize is how many notices the centre lists.
const centreSize = 200

type centre struct {
	items  []store.Notice
	sel    int
	top    int
	loaded bool
	err    error
}

type noticesMsg struct {
	seq    int
	first  bool
	unread int
	newest uint64
	// items is the centre's list (when it is open)
	items []store.Notice
	list  bool
	// fresh are the notices that came after the session's last look
	fresh []store.Notice
	pref  string
	err   error
}

type noticeDoneMsg struct{ err error }

// loadNotices reads the unread count, the centre's list when it is open,
// and the notices new since the last look (to ring the terminal for).
func (m *Model) loadNotices() tea.Cmd {
	m.noticeSeq++
	seq, st, actor := m.noticeSeq, m.opts.Store, m.opts.Actor
	first, after, list := !m.noticeReady, m.noticeNewest, m.centre != nil
	return func() tea.Msg {
		msg := noticesMsg{seq: seq, first: first, list: list}
		msg.unread, msg.newest, msg.err = st.UnreadNotices(actor)
		if msg.err != nil {
			return msg
		}
		if list {
			msg.items, msg.unread, msg.err = st.Notices(actor, centreSize)
		}
		if first {
			msg.pref, _ = st.NoticePref(actor)
		} else if msg.newest > after {
			msg.fresh, _ = st.NoticesAfter(actor, after, 20)
		}
		return msg
	}
}

func (m *Model) onNotices(msg noticesMsg) tea.Cmd {
	if msg.seq != m.noticeSeq {
		return nil // a newer look is on its way
	}
	if msg.err != nil {
		if m.centre != nil {
			m.centre.err = msg.err
		}
		return nil
	}
	m.unread = msg.unread
	if msg.list && m.centre != nil {
		m.centre.items, m.centre.loaded, m.centre.err = msg.items, true, nil
		m.centre.sel = min(m.centre.sel, max(0, len(msg.items)-1))
	}
	if msg.first {
		m.noticeReady = true
		m.noticeNewest = msg.newest
		if msg.pref != "" {
			m.termMode = msg.pref
		}
		return nil
	}
	m.noticeNewest = max(m.noticeNewest, msg.newest)
	var cmds []tea.Cmd
	var latest *store.Notice
	oscs := 0
	rang := false
	for i := range msg.fresh {
		n := msg.fresh[i]
		if n.Read {
			continue
		}
		latest = &msg.fresh[i]
		if !n.Urgent {
			continue
		}
		switch m.termMode {
		case notices.ModeBell:
			if !rang { // one bell for a burst
				rang = true
				cmds = append(cmds, tea.Raw(notices.Sequence(m.termMode, n)))
			}
		case notices.ModeOSC9, notices.ModeOSC777:
			if oscs < 3 { // a burst is not a storm of pop-ups
				oscs++
				cmds = append(cmds, tea.Raw(notices.Sequence(m.termMode, n)))
			}
		}
	}
	if latest != nil {
		cmds = append(cmds, pane.Toast("✉ "+latest.Title+" · "+m.keys.Notifications.Help().Key+" shows it"))
	}
	return tea.Batch(cmds...)
}

// noticeChange reports whether an update touches this operator's notices.
func (m *Model) noticeChange(u store.Update) bool {
	if u.Resync {
		return true
	}
	for _, c := range u.Changes {
		if c.Kind == store.ChangeNotice && (c.ID == m.opts.Actor || c.ID == store.NoticeEveryone) {
			return true
		}
	}
	return false
}

func (m *Model) openCentre() tea.Cmd {
	if m.centre == nil {
		m.centre = &centre{}
	}
	return m.loadNotices()
}

// TerminalMode is the session's terminal notification mode (tests).
func (m *Model) TerminalMode() string { return m.termMode }

// Unread is the header's unread count (tests).
func (m *Model) Unread() int { return m.unread }

// CentreOpen reports whether the notification centre is open (tests).
func (m *Model) CentreOpen() bool { return m.centre != nil }

func (m *Model) onCentreKey(k tea.KeyPressMsg) tea.Cmd {
	c, nk := m.centre, m.noticeKeys
	st, actor := m.opts.Store, m.opts.Actor
	switch {
	case key.Matches(k, nk.Close), key.Matches(k, m.keys.Notifications):
		m.centre = nil
		return nil
	case key.Matches(k, nk.Up):
		c.sel = max(0, c.sel-1)
	case key.Matches(k, nk.Down):
		c.sel = min(max(0, len(c.items)-1), c.sel+1)
	case key.Matches(k, nk.Read):
		if c.sel < len(c.items) && !c.items[c.sel].Read {
			seq := c.items[c.sel].Seq
			c.items[c.sel].Read = true
			m.unread = max(0, m.unread-1)
			c.sel = min(max(0, len(c.items)-1), c.sel+1)
			return func() tea.Msg { return noticeDoneMsg{err: st.MarkNoticeRead(actor, seq)} }
		}
	case key.Matches(k, nk.ReadAll):
		for i := range c.items {
			c.items[i].Read = true
		}
		m.unread = 0
		return tea.Batch(func() tea.Msg { return noticeDoneMsg{err: st.MarkNoticesRead(actor)} },
			pane.Toast("every notification marked read"))
	case key.Matches(k, nk.Terminal):
		m.termMode = notices.Next(m.termMode)
		mode := m.termMode
		return tea.Batch(func() tea.Msg { return noticeDoneMsg{err: st.SetNoticePref(actor, mode)} },
			pane.Toast("terminal notifications: "+mode+" ("+notices.Describe(mode)+"), in this session and your next ones"))
	case key.Matches(k, nk.Open):
		if c.sel >= len(c.items) {
			return nil
		}
		return m.jump(c.items[c.sel])
	case key.Matches(k, m.keys.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(k, m.keys.Help):
		m.showHelp = !m.showHelp
	case key.Matches(k, m.keys.Palette):
		m.palette = newPalette(m.commands())
	case key.Matches(k, m.keys.Pane1), key.Matches(k, m.keys.Pane2), key.Matches(k, m.keys.Pane3), key.Matches(k, m.keys.Pane4):
		m.centre = nil
		return m.onKey(k)
	}
	return nil
}

// jump closes the centre, marks n read and shows what it is about.
func (m *Model) jump(n store.Notice) tea.Cmd {
	st, actor := m.opts.Store, m.opts.Actor
	cmds := []tea.Cmd{}
	if !n.Read {
		m.unread = max(0, m.unread-1)
		seq := n.Seq
		cmds = append(cmds, func() tea.Msg { return noticeDoneMsg{err: st.MarkNoticeRead(actor, seq)} })
	}
	m.centre = nil
	var msg tea.Msg
	switch n.Link.Kind {
	case "mention":
		m.focus, msg = 0, pane.OpenMentionMsg{Key: n.Link.ID}
	case "draft":
		if len(m.panes) < 4 {
			return tea.Batch(append(cmds, pane.Toast("the Outbox is not available in this session: `switchboard drafts show "+n.Link.ID+"` shows the draft"))...)
		}
		m.focus, msg = 3, pane.OpenDraftMsg{ID: n.Link.ID}
	case "incident":
		m.focus, msg = 1, pane.OpenIncidentMsg{ID: n.Link.ID}
	case "alert":
		m.focus, msg = 1, pane.ShowAlertMsg{ID: n.Link.ID}
	default:
		return tea.Batch(cmds...)
	}
	return tea.Batch(append(cmds, func() tea.Msg { return msg })...)
}

// noticeMark is the symbol of a notice's kind.
func noticeMark(kind string) string {
	switch kind {
	case store.NoticeAssigned:
		return "→"
	case store.NoticeMention:
		return "@"
	case store.NoticeApproval:
		return "◆"
	case store.NoticeApproved:
		return "✓"
	case store.NoticeRejected:
		return "✗"
	case store.NoticeBreach:
		return "◷"
	case store.NoticeAlert:
		return "▲"
	case store.NoticeRole:
		return "★"
	}
	return "•"
}

// centreView is the centre's box, drawn over the pane.
func (m *Model) centreView(st *themes.Styles, w, h int) string {
	c := m.centre
	inner := max(30, min(w-6, 96))
	head := fmt.Sprintf("Notifications · %d unread · terminal: %s", m.unread, m.termMode)
	lines := []string{st.Dialog.Title.Render(ansi.Truncate(head, inner, "…"))}
	room := max(1, (h-5)/2) // two lines a notice
	switch {
	case c.err != nil:
		lines = append(lines, st.Footer.Error.Render(safetext.Truncate("✗ "+c.err.Error(), inner, "…")))
	case !c.loaded:
		lines = append(lines, st.Dialog.Hint.Render("  loading…"))
	case len(c.items) == 0:
		lines = append(lines, st.Dialog.Hint.Render("  nothing yet: assignments, @mentions, approvals, breach warnings,"),
			st.Dialog.Hint.Render("  crisis alerts and incident roles for you show here"))
	}
	if c.sel < c.top {
		c.top = c.sel
	}
	if c.sel >= c.top+room {
		c.top = c.sel - room + 1
	}
	loc := m.opts.Now().Location()
	now := m.opts.Now()
	for i := c.top; i < len(c.items) && i < c.top+room; i++ {
		n := c.items[i]
		dot := " "
		if !n.Read {
			dot = "●"
		}
		when := n.At.In(loc).Format("15:04")
		if now.Sub(n.At) > 20*time.Hour {
			when = n.At.In(loc).Format("Jan 2")
		}
		first := dot + " " + noticeMark(n.Kind) + " " + fmt.Sprintf("%-6s", when) + " " + safetext.Line(n.Title)
		first = safetext.Truncate(first, inner-2, "…")
		second := "           " + safetext.Line(n.Text)
		second = safetext.Truncate(second, inner-2, "…")
		if i == c.sel {
			lines = append(lines, st.Dialog.ItemActive.Render("› "+first))
		} else if !n.Read {
			lines = append(lines, st.Dialog.Item.Bold(true).Render("  "+first))
		} else {
			lines = append(lines, st.Dialog.Item.Render("  "+first))
		}
		lines = append(lines, st.Dialog.Hint.Render("  "+second))
	}
	if len(c.items) > c.top+room {
		lines = append(lines, st.Dialog.Hint.Render(fmt.Sprintf("  … %d more", len(c.items)-c.top-room)))
	}
	nk := m.noticeKeys
	hint := fmt.Sprintf("%s open · %s read · %s all read · %s terminal · %s close", nk.Open.Help().Key, nk.Read.Help().Key,
		nk.ReadAll.Help().Key, nk.Terminal.Help().Key, nk.Close.Help().Key)
	lines = append(lines, st.Dialog.Hint.Render(ansi.Truncate(hint, inner, "…")))
	return st.Dialog.Box.Width(inner + 4).Render(lipgloss.JoinVertical(lipgloss.Left, lines...))
}

// noticeCommands are the centre's actions for the palette: all of them
// while it is open, else those that make sense from anywhere (the
// terminal notifications toggle, mark all read).
func (m *Model) noticeCommands(add func(b key.Binding, prefix, title string, paneIdx int), idx int) {
	if m.centre == nil {
		add(m.noticeKeys.Terminal, "notifications", "Notifications", idx)
		add(m.noticeKeys.ReadAll, "notifications", "Notifications", idx)
		return
	}
	for _, group := range m.noticeKeys.full() {
		for _, b := range group {
			add(b, "notifications", "Notifications", idx)
		}
	}
}
