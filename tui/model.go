// Package tui is switchboard's terminal UI: one root Bubble Tea model per
// terminal session that owns focus, the header (pane tabs with live counts,
// connector health, live indicator), the footer (key help, confirmations),
// the command palette, and the panes (Inbox, Crisis, Policy) behind the
// pane.Pane interface. Nothing here is package-level mutable state: a
// process serving many SSH sessions builds one Model per session.
package tui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/config"
	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/notices"
	"switchboard/policy"
	"switchboard/presence"
	"switchboard/safetext"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui/inbox"
	"switchboard/tui/pane"
)

// Minimum terminal size; below it the screen says so.
const (
	MinWidth  = 60
	MinHeight = 12
)

// Options configure one session's model.
type Options struct {
	// Ctx ends with the session; every store call of the session uses it.
	Ctx   context.Context
	Store *store.Store
	// Actor is the operator's name, recorded on every action.
	Actor string
	// Theme is a theme name (themes.Names); "" or "auto" follows the
	// terminal's background, which the model asks for at start.
	Theme string
	// Environ is the session's environment (for NO_COLOR); nil means none.
	Environ []string
	// Config is the loaded configuration (may be nil).
	Config *config.Config
	// Health reports connector health for the header (may be nil).
	Health func() map[string]connectors.Health
	// Crisis and Policy build panes 2 and 3; nil shows a placeholder.
	Crisis, Policy pane.Factory
	// Outbox, when set, builds pane 4 (the approval queue and the send
	// queue, key 4).
	Outbox pane.Factory
	// Composer, when set, opens the reply composer for a mention (`r`)
	// as a dialog pane over the current one; it should return a pane
	// that sends pane.FocusMsg{Index: -1} (or any CloseMsg) when done.
	Composer func(pane.Session, pane.ComposeMsg) pane.Pane
	// Escalate handles `e` in the inbox; without it the footer says
	// incidents are not available. It returns a command.
	Escalate func(pane.Session, pane.EscalateMsg) tea.Cmd
	// Now is the clock (time.Now by default); tests fix it.
	Now func() time.Time
	// Brand overrides the header's brand name.
	Brand string
	// Presence, on a shared server (switchboard serve), is this session
	// in the war room: the model reports its pane and the mention under
	// the cursor, shows who else is online and on that mention in a line
	// under the header, and warns before a second draft on a mention.
	// Nil for a single local user.
	Presence *presence.Session
	// Team, when set, names the operators of the operators file and their
	// teams as they are now (serve follows the file): the inbox's assign
	// picker offers them and refuses anyone else.
	Team func() (operators, teams []string)
	// PolicyErr is why the configured policy pack does not load: a banner
	// under the header says which file and what error, and that sending
	// is held until it loads.
	PolicyErr error
	// Reports, when set, builds the Reports pane (key 5).
	Reports pane.Factory
	// Streams, when set, builds the Streams pane (key 6).
	Streams pane.Factory
	// SaveView, when set, saves a view from the inbox (S) in the config.
	SaveView func(config.InboxView) error
	// FetchThread, when set, asks a mention's platform for its
	// conversation and stores it (the inbox's detail view, when the thread
	// answers a message that is not in the store).
	FetchThread func(ctx context.Context, m domain.Mention) (connectors.ThreadResult, error)
	// TerminalNotifications is how urgent notifications reach this
	// session's terminal (off, bell, osc9, osc777) until the operator
	// chooses otherwise; "" is the config's inbox.terminal_notifications.
	TerminalNotifications string
}

// CloseMsg closes an overlay pane (the composer).
type CloseMsg struct{}

// Model is the root model of one terminal session.
type Model struct {
	opts   Options
	sess   pane.Session
	styles *themes.Styles
	keys   KeyMap
	// reportsIdx is the Reports pane's index in panes (-1: none).
	reportsIdx int
	// streamsIdx is the Streams pane's index in panes (-1: none).
	streamsIdx int
	help       help.Model

	panes   []pane.Pane
	focus   int
	overlay pane.Pane // the composer, when open

	w, h     int
	showHelp bool
	helpTop  int // the full help's first line, when it scrolls
	palette  *palette
	toast    pane.ToastMsg
	toastSeq int
	sub      *store.Subscription
	live     bool
	health   map[string]connectors.Health
	quitting bool
	ticks    int // health ticks so far (one every 2 s)
	// draftWarned is the mention a second-draft warning was shown for.
	draftWarned string
	// sending is the outbox's "pause all sending" switch, for the header.
	sending store.Pause
	// toApprove counts the drafts waiting for an approval this operator
	// can give (the Outbox's "Needs my approval"), for the header;
	// approveSeq drops stale counts.
	toApprove, approveSeq int

	// the notification centre (notices.go): its keys, the list when it
	// is open, the header's unread count, the newest notice seen (newer
	// urgent ones ring the terminal in termMode)
	noticeKeys   NoticeKeyMap
	centre       *centre
	unread       int
	noticeNewest uint64
	noticeReady  bool
	noticeSeq    int
	termMode     string
}

type (
	storeUpdateMsg struct {
		u   store.Update
		err error
	}
	toastExpiredMsg struct{ seq int }
	healthTickMsg   struct{}
	presenceMsg     struct{ ok bool }
)

// New builds the root model of one session. It fails only on bad config
// (e.g. a view whose filter does not parse).
func New(opts Options) (*Model, error) {
	if opts.Store == nil {
		return nil, errors.New("tui: no store")
	}
	if opts.Ctx == nil {
		opts.Ctx = context.Background()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Actor == "" {
		opts.Actor = "operator"
	}
	if opts.Config == nil {
		opts.Config = &config.Config{}
	}
	if opts.Theme == "" {
		opts.Theme = opts.Config.Inbox.Theme
	}
	if !themes.Valid(opts.Theme) {
		return nil, fmt.Errorf("unknown theme %q (want %s)", opts.Theme, strings.Join(themes.Names, ", "))
	}
	keys := opts.Config.Keys.Actions
	m := &Model{opts: opts, keys: NewKeyMap(keys), help: help.New(), noticeKeys: NewNoticeKeyMap(keys)}
	m.termMode = cmp.Or(opts.TerminalNotifications, opts.Config.Inbox.TerminalNotifications, notices.ModeOff)
	m.setStyles(themes.New(themes.Resolve(opts.Theme, true, opts.Environ), true))
	m.sess = pane.Session{Ctx: opts.Ctx, Store: opts.Store, Actor: opts.Actor, Styles: m.styles, Now: opts.Now, Keys: keys}
	ic := opts.Config.Inbox
	brand := opts.Brand
	if brand == "" {
		brand = opts.Config.Brand.Name
	}
	pol, err := ic.SLA()
	if err != nil {
		return nil, err
	}
	in, err := inbox.New(m.sess, inbox.Options{SLA: pol,
		Teams: ic.Teams, Operators: ic.Operators, Team: opts.Team, Clock: ic.Clock,
		Views: ic.Views, BuiltinViews: ic.ShowBuiltinViews(), SaveView: opts.SaveView,
		BrandName: brand, BrandHandles: opts.Config.Brand.Handles, FetchThread: opts.FetchThread,
	})
	if err != nil {
		return nil, err
	}
	m.panes = []pane.Pane{in, m.build(opts.Crisis, "Crisis", crisisText), m.build(opts.Policy, "Policy", policyText)}
	if opts.Outbox != nil {
		m.panes = append(m.panes, opts.Outbox(m.sess))
	}
	m.keys.Pane4.SetEnabled(opts.Outbox != nil)
	m.reportsIdx = -1
	if opts.Reports != nil {
		m.reportsIdx = len(m.panes)
		m.panes = append(m.panes, opts.Reports(m.sess))
	}
	m.keys.Pane5.SetEnabled(m.reportsIdx >= 0)
	m.streamsIdx = -1
	if opts.Streams != nil {
		m.streamsIdx = len(m.panes)
		m.panes = append(m.panes, opts.Streams(m.sess))
	}
	m.keys.Pane6.SetEnabled(m.streamsIdx >= 0)
	return m, nil
}

const (
	crisisText = "The crisis board (volume spikes, incidents, war room) is not available in this session.\n`switchboard alerts` and `switchboard incident list` show the same from the command line."
	policyText = "The policy pane (the team's rule pack and findings on drafts) is not available in this session.\n`switchboard check` checks a draft from the command line."
)

func (m *Model) build(f pane.Factory, title, text string) pane.Pane {
	if f != nil {
		return f(m.sess)
	}
	return &placeholder{title: title, text: text, styles: m.styles}
}

func (m *Model) setStyles(s *themes.Styles) {
	m.styles = s
	m.sess.Styles = s
	m.help.Styles = help.Styles{
		ShortKey: s.Help.Key, ShortDesc: s.Help.Desc, ShortSeparator: s.Help.Sep, Ellipsis: s.Help.Sep,
		FullKey: s.Help.Key, FullDesc: s.Help.Desc, FullSeparator: s.Help.Sep,
	}
}

// Styles are the session's current styles.
func (m *Model) Styles() *themes.Styles { return m.styles }

// Inbox returns the inbox pane (tests, benchmarks).
func (m *Model) Inbox() *inbox.Model { return m.panes[0].(*inbox.Model) }

// Focus is the index of the focused pane.
func (m *Model) Focus() int { return m.focus }

// Toast is the footer's current message.
func (m *Model) Toast() (string, bool) { return m.toast.Text, m.toast.Error }

// Init subscribes to the store's change feed, asks the terminal for its
// background colour (for the auto theme) and starts every pane.
func (m *Model) Init() tea.Cmd {
	m.sub = m.opts.Store.Subscribe()
	m.live = true
	cmds := []tea.Cmd{m.waitUpdate(), m.loadSending(), m.loadToApprove(), m.loadNotices()}
	if m.opts.Theme == "" || m.opts.Theme == themes.Auto {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.opts.Health != nil {
		m.health = m.opts.Health()
		cmds = append(cmds, tea.Tick(2*time.Second, func(time.Time) tea.Msg { return healthTickMsg{} }))
	}
	for _, p := range m.panes {
		cmds = append(cmds, p.Init())
	}
	if m.opts.Presence != nil {
		m.reportPresence()
		cmds = append(cmds, m.waitPresence())
	}
	return tea.Batch(cmds...)
}

// waitUpdate reads one update of the change feed; Update re-arms it.
func (m *Model) waitUpdate() tea.Cmd {
	sub, ctx := m.sub, m.opts.Ctx
	return func() tea.Msg {
		u, err := sub.Next(ctx)
		return storeUpdateMsg{u: u, err: err}
	}
}

// Close ends the model's subscription (the program has ended).
func (m *Model) Close() {
	if m.sub != nil {
		m.sub.Close()
	}
}

func (m *Model) bodyHeight() int {
	h := m.h - 2
	if m.opts.Presence != nil {
		h--
	}
	if m.opts.PolicyErr != nil {
		h--
	}
	return max(1, h)
}

func (m *Model) resize() {
	for _, p := range m.panes {
		p.SetSize(m.w, m.bodyHeight())
	}
	if m.overlay != nil {
		m.overlay.SetSize(m.w, m.bodyHeight())
	}
	m.help.SetWidth(m.w)
}

// Update routes a message: dialogs and capturing panes get keys first,
// then the global keys, then the focused pane. Afterwards the session's
// presence learns where it now is.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	mm, cmd := m.update(msg)
	if m.opts.Presence != nil {
		m.reportPresence()
	}
	return mm, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case presenceMsg:
		if !msg.ok {
			return m, nil
		}
		return m, tea.Batch(m.broadcast(presence.ChangedMsg{}), m.waitPresence())
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		name := themes.Resolve(m.opts.Theme, msg.IsDark(), m.opts.Environ)
		m.setStyles(themes.New(name, msg.IsDark()))
		return m, m.broadcast(pane.StylesMsg{Styles: m.styles})
	case storeUpdateMsg:
		if msg.err != nil {
			m.live = false
			if !errors.Is(msg.err, context.Canceled) && !errors.Is(msg.err, store.ErrClosed) {
				return m, pane.ToastError("live updates stopped: " + msg.err.Error())
			}
			return m, nil
		}
		cmds := []tea.Cmd{m.broadcast(pane.StoreMsg{Update: msg.u}), m.waitUpdate()}
		var sending, approvals bool
		for _, c := range msg.u.Changes {
			sending = sending || c.Kind == "outbox"
			approvals = approvals || c.Kind == "draft" || c.Kind == store.ChangeOperator
		}
		if sending {
			cmds = append(cmds, m.loadSending())
		}
		if approvals || msg.u.Resync {
			cmds = append(cmds, m.loadToApprove())
		}
		if m.noticeChange(msg.u) {
			cmds = append(cmds, m.loadNotices())
		}
		return m, tea.Batch(cmds...)
	case noticesMsg:
		return m, m.onNotices(msg)
	case noticeDoneMsg:
		if msg.err != nil {
			return m, pane.ToastError(msg.err.Error())
		}
		return m, nil
	case pane.ToastMsg:
		m.toast = msg
		m.toastSeq++
		seq := m.toastSeq
		return m, tea.Tick(6*time.Second, func(time.Time) tea.Msg { return toastExpiredMsg{seq} })
	case toastExpiredMsg:
		if msg.seq == m.toastSeq {
			m.toast = pane.ToastMsg{}
		}
		return m, nil
	case healthTickMsg:
		if m.opts.Health != nil {
			m.health = m.opts.Health()
		}
		next := tea.Tick(2*time.Second, func(time.Time) tea.Msg { return healthTickMsg{} })
		if m.ticks++; m.ticks%15 == 0 { // every 30 s: is:overdue and after:24h as of now
			return m, tea.Batch(next, m.Inbox().ReadTimed())
		}
		return m, next
	case sendingMsg:
		m.sending = store.Pause(msg)
		return m, nil
	case toApproveMsg:
		if msg.seq == m.approveSeq {
			m.toApprove = msg.n
		}
		return m, nil
	case pane.FocusMsg:
		if msg.Index < 0 && m.overlay != nil {
			return m.Update(CloseMsg{})
		}
		if msg.Index >= 0 && msg.Index < len(m.panes) {
			m.focus = msg.Index
		}
		return m, nil
	case CloseMsg:
		m.overlay = nil
		if m.opts.Presence != nil {
			m.opts.Presence.StopDraft()
		}
		return m, nil
	case pane.ComposeMsg:
		if msg.Post != "" {
			if m.opts.Composer == nil {
				return m, pane.Toast("posting is not available in this session")
			}
			m.overlay = m.opts.Composer(m.sess, msg)
			m.overlay.SetSize(m.w, m.bodyHeight())
			return m, m.overlay.Init()
		}
		if warn := m.draftCollision(msg.Mention.Key()); warn != "" {
			return m, pane.ToastError(warn)
		}
		if m.opts.Composer == nil {
			return m, pane.Toast("replying is not available in this session: copy the URL with " + m.Inbox().Keys().Copy.Help().Key + " and answer on the platform")
		}
		m.overlay = m.opts.Composer(m.sess, msg)
		m.overlay.SetSize(m.w, m.bodyHeight())
		if m.opts.Presence != nil {
			m.opts.Presence.StartDraft(msg.Mention.Key())
		}
		return m, m.overlay.Init()
	case pane.ShowMentionsMsg:
		m.focus = 0
		return m, m.Inbox().ShowMentions(msg.Expr)
	case pane.EscalateMsg:
		if m.opts.Escalate == nil {
			return m, pane.Toast("escalating is not available in this session; tag the mentions for now")
		}
		return m, m.opts.Escalate(m.sess, msg)
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	case tea.MouseMsg:
		mouse := msg.Mouse()
		top := m.h - 1 - m.bodyHeight() // header lines above the pane
		if mouse.Y < top {
			return m, nil
		}
		switch msg := msg.(type) {
		case tea.MouseClickMsg:
			msg.Y -= top
			return m, m.toFocused(msg)
		case tea.MouseWheelMsg:
			return m, m.toFocused(msg)
		}
		return m, nil
	case tea.PasteMsg, tea.KeyReleaseMsg:
		return m, m.toFocused(msg)
	}
	// a command's result: every pane sees it, so that a pane that is not
	// focused (the Outbox loading its queue, the crisis board its
	// incidents) still gets its own answers; panes ignore the others
	return m, m.broadcast(msg)
}

// broadcast sends a message every pane must see.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, 0, len(m.panes)+1)
	for i, p := range m.panes {
		np, cmd := p.Update(msg)
		m.panes[i] = np
		cmds = append(cmds, cmd)
	}
	if m.overlay != nil {
		np, cmd := m.overlay.Update(msg)
		m.overlay = np
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

func (m *Model) toFocused(msg tea.Msg) tea.Cmd {
	if m.overlay != nil {
		np, cmd := m.overlay.Update(msg)
		m.overlay = np
		return cmd
	}
	np, cmd := m.panes[m.focus].Update(msg)
	m.panes[m.focus] = np
	return cmd
}

func (m *Model) focused() pane.Pane {
	if m.overlay != nil {
		return m.overlay
	}
	return m.panes[m.focus]
}

func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	if m.palette != nil {
		return m.onPaletteKey(k)
	}
	if key.Matches(k, m.keys.ForceQuit) {
		m.quitting = true
		return tea.Quit
	}
	if m.centre != nil {
		return m.onCentreKey(k)
	}
	if m.focused().Capturing() {
		return m.toFocused(k)
	}
	switch {
	case key.Matches(k, m.keys.Notifications):
		return m.openCentre()
	case key.Matches(k, m.keys.Quit):
		m.quitting = true
		return tea.Quit
	case key.Matches(k, m.keys.Help):
		m.showHelp, m.helpTop = !m.showHelp, 0
		return nil
	case m.showHelp && m.helpKey(k):
		return nil
	case key.Matches(k, m.keys.Palette):
		m.palette = newPalette(m.commands())
		return nil
	case key.Matches(k, m.keys.Pane1):
		m.focus = 0
		return nil
	case key.Matches(k, m.keys.Pane2):
		m.focus = 1
		return nil
	case key.Matches(k, m.keys.Pane3):
		m.focus = 2
		return nil
	case key.Matches(k, m.keys.Pane4):
		m.focus = 3
		return nil
	case key.Matches(k, m.keys.Pane5):
		m.focus = m.reportsIdx
		return nil
	case key.Matches(k, m.keys.Pane6):
		m.focus = m.streamsIdx
		return nil
	}
	return m.toFocused(k)
}

// View renders header, focused pane and footer.
func (m *Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "switchboard"
	return v
}

// Render is the screen as a string (tests, benchmarks).
func (m *Model) Render() string { return m.render() }

func (m *Model) render() string {
	if m.quitting {
		return ""
	}
	if m.w == 0 || m.h == 0 {
		return "starting…"
	}
	if m.w < MinWidth || m.h < MinHeight {
		msg := fmt.Sprintf("switchboard needs at least %d×%d;\nthis terminal is %d×%d.\nMake it larger, or press %s to quit.", MinWidth, MinHeight, m.w, m.h, m.keys.Quit.Help().Key)
		return lipgloss.Place(m.w, m.h, lipgloss.Center, lipgloss.Center, m.styles.Warning.Render(msg))
	}
	header := m.header()
	if m.opts.PolicyErr != nil {
		text := "✗ SENDING HELD: the policy pack does not load: " + safetext.Line(policy.Summary(m.opts.PolicyErr)) + " — fix it (switchboard policy lint) and restart"
		header += "\n" + m.styles.Warning.Reverse(true).Bold(true).Render(safetext.Truncate(text, m.w, "…"))
	}
	if m.opts.Presence != nil {
		header += "\n" + m.presenceLine()
	}
	body := m.focused().View()
	if m.centre != nil {
		box := m.centreView(m.styles, m.w, m.bodyHeight())
		body = pane.Overlay(body, box, m.w, m.bodyHeight(), 0)
	}
	if m.palette != nil {
		box := m.palette.view(m.styles, m.w, m.bodyHeight())
		body = pane.Overlay(body, box, m.w, m.bodyHeight(), (m.bodyHeight()-lipgloss.Height(box))/4)
	}
	footer := m.footer()
	if m.showHelp {
		body = m.helpView(body)
	}
	return header + "\n" + body + "\n" + footer
}

func (m *Model) header() string {
	st := m.styles
	brand := m.opts.Brand
	if brand == "" {
		brand = m.opts.Config.Brand.Name
	}
	left := st.Header.Brand.Render("switchboard")
	if brand != "" {
		left += " " + st.Header.Badge.Render(safetext.Truncate(brand, 20, "…"))
	}
	tabs := func(short bool) string {
		var out string
		for i, p := range m.panes {
			n := i + 1
			if i == m.reportsIdx {
				n = 5 // its key, with or without an Outbox before it
			}
			if i == m.streamsIdx {
				n = 6
			}
			label := fmt.Sprintf("%d %s", n, p.Title())
			if short && i != m.focus {
				label = fmt.Sprint(n) // a narrow terminal: the other panes by key
			}
			if b := p.Badge(); b != "" {
				label += " " + b
			}
			if i == m.focus {
				out += st.Header.TabActive.Render("▸" + label)
			} else {
				out += st.Header.Tab.Render(label)
			}
		}
		return out
	}
	var right []string
	if len(m.health) > 0 {
		names := make([]string, 0, len(m.health))
		for n := range m.health {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			right = append(right, healthMark(st, n, m.health[n], m.opts.Now().Location()))
		}
	}
	if m.sending.Paused {
		right = append(right, st.Warning.Reverse(true).Bold(true).Render("⏸ SENDING PAUSED"))
	}
	if m.toApprove > 0 {
		right = append(right, st.Health.Warn.Render(fmt.Sprintf("◆ %d to approve", m.toApprove)))
	}
	if m.unread > 0 {
		right = append(right, st.Health.Warn.Bold(true).Render(fmt.Sprintf("✉ %d unread", m.unread)))
	}
	if m.live {
		right = append(right, st.Header.Live.Render("● live"))
	} else {
		right = append(right, st.Header.Paused.Render("○ not live"))
	}
	// the inbox's own count, so the header and the inbox agree
	if l := m.Inbox().NewLabel(); l != "" {
		right = append(right, st.Header.Badge.Render(l))
	}
	r := strings.Join(right, " ")
	full := left + tabs(false)
	gap := m.w - lipgloss.Width(full) - lipgloss.Width(r)
	if gap >= 1 {
		return full + strings.Repeat(" ", gap) + r
	}
	// too narrow: the other tabs shrink to their keys, then the tabs are
	// cut, so the connectors and the live mark on the right stay in view
	short := left + tabs(true)
	if gap = m.w - lipgloss.Width(short) - lipgloss.Width(r); gap >= 1 {
		return short + strings.Repeat(" ", gap) + r
	}
	if room := m.w - lipgloss.Width(r) - 1; room >= 20 {
		return ansi.Truncate(short, room, "…") + " " + r
	}
	return ansi.Truncate(short+" "+r, m.w, "…")
}

func healthMark(st *themes.Styles, name string, h connectors.Health, loc *time.Location) string {
	name = safetext.Truncate(name, 16, "…")
	switch h.State {
	case connectors.HealthOK:
		if h.Mode == connectors.ModeLive {
			return st.Health.OK.Render("●" + name + " live")
		}
		return st.Health.OK.Render("✓" + name + " polling")
	case connectors.HealthRateLimited:
		label := "◷" + name + " rate-limited"
		if !h.Until.IsZero() {
			label += " until " + h.Until.In(loc).Format("15:04")
		}
		return st.Health.Warn.Render(label)
	case connectors.HealthAuthFailed:
		return st.Health.Bad.Render("✗" + name + " auth failed")
	case connectors.HealthUnreachable:
		return st.Health.Bad.Render("✗" + name + " unreachable")
	}
	return st.Health.Unknown.Render("?" + name)
}

// connectorHelp is the full help's (`?`) line per connector: its health in
// words with its last success ("news: ok, last success 10:04:05") and,
// when it failed, the error, made safe and wrapped to the width.
func (m *Model) connectorHelp() string {
	if len(m.health) == 0 {
		return ""
	}
	names := make([]string, 0, len(m.health))
	for n := range m.health {
		names = append(names, n)
	}
	sort.Strings(names)
	loc := m.opts.Now().Location()
	lines := make([]string, 0, len(names)+1)
	lines = append(lines, m.styles.Header.Brand.Render("connectors"))
	for _, n := range names {
		h := m.health[n]
		line := safetext.Line(n) + ": " + h.Describe(time.TimeOnly, loc)
		if h.LastError != "" && h.State != connectors.HealthOK {
			line += " — " + safetext.Line(h.LastError)
		}
		if h.StreamNote != "" {
			line += " — " + safetext.Line(h.StreamNote)
		}
		lines = append(lines, pane.WrapIndent("", line, max(1, m.w), lipgloss.NewStyle())...)
	}
	return strings.Join(lines, "\n")
}

func (m *Model) footer() string {
	st := m.styles
	if m.toast.Text != "" {
		text := safetext.Truncate(m.toast.Text, m.w, "…")
		if m.toast.Error {
			return st.Footer.Error.Render("✗ " + safetext.Truncate(m.toast.Text, m.w-2, "…"))
		}
		return st.Footer.Toast.Render(text)
	}
	short := m.focused().ShortHelp()
	if m.centre != nil {
		short = m.noticeKeys.short()
	}
	keys := append([]key.Binding{m.keys.Help, m.keys.Quit}, short...)
	// help's own cut leaves the line whole when its "…" would not fit
	return cutLine(m.help.ShortHelpView(keys), m.w)
}

// cutLine cuts a line of key help that is wider than w, ending it with
// "…" (? shows every key).
func cutLine(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// placeholder stands in for a pane another part of switchboard supplies.
type placeholder struct {
	title, text string
	styles      *themes.Styles
	w, h        int
}

func (p *placeholder) Init() tea.Cmd { return nil }
func (p *placeholder) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	if s, ok := msg.(pane.StylesMsg); ok {
		p.styles = s.Styles
	}
	return p, nil
}
func (p *placeholder) SetSize(w, h int)          { p.w, p.h = w, h }
func (p *placeholder) ShortHelp() []key.Binding  { return nil }
func (p *placeholder) FullHelp() [][]key.Binding { return nil }
func (p *placeholder) Title() string             { return p.title }
func (p *placeholder) Badge() string             { return "" }
func (p *placeholder) Capturing() bool           { return false }
func (p *placeholder) View() string {
	return lipgloss.Place(p.w, p.h, lipgloss.Center, lipgloss.Center,
		p.styles.Placeholder.Render(p.text+"\n\n1 goes back to the inbox."))
}

// sendingMsg carries the outbox's pause switch to the header.
type sendingMsg store.Pause

// loadSending reads the pause switch (at start and when it changes).
func (m *Model) loadSending() tea.Cmd {
	st := m.opts.Store
	return func() tea.Msg {
		p, _ := st.SendingPause()
		return sendingMsg(p)
	}
}

// toApproveMsg is how many drafts wait for an approval the operator can give.
type toApproveMsg struct{ seq, n int }

// loadToApprove counts the operator's "Needs my approval" queue (at start,
// and when a draft or the team changes).
func (m *Model) loadToApprove() tea.Cmd {
	m.approveSeq++
	seq, st, actor := m.approveSeq, m.opts.Store, m.opts.Actor
	return func() tea.Msg {
		ds, err := st.AwaitingApprovalBy(actor)
		if err != nil {
			return nil
		}
		return toApproveMsg{seq: seq, n: len(ds)}
	}
}
