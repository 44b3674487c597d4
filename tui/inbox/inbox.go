// Package inbox is the Inbox pane of switchboard's terminal UI: a
// virtualised list of mentions over store pages, views as tabs, search and
// filters, pickers for tags, assignment and status, a detail view with the
// mention's audit history, and live updates from the store's change feed.
package inbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"switchboard/config"
	"switchboard/connectors"
	"switchboard/detect"
	"switchboard/domain"
	"switchboard/internal/words"
	"switchboard/query"
	"switchboard/safetext"
	"switchboard/sla"
	"switchboard/store"
	"switchboard/tui/pane"
)

// Options configure the pane.
type Options struct {
	// Teams and Operators are the config's (inbox.teams, inbox.operators).
	Teams, Operators []string
	// Team, when set, names the operators file's operators and their
	// teams as they are now. The assign picker offers these and the
	// config's; when neither names anyone, the assignees in use.
	Team  func() (operators, teams []string)
	Clock config.Clock
	// SLA is the teams' response clocks (targets and business hours);
	// nil is the default targets, always open.
	SLA *sla.Policy
	// Views are the configured views; with BuiltinViews the built-in
	// ones come first.
	Views        []config.InboxView
	BuiltinViews bool
	// SaveView, when set, saves a view in the config file (S); without it
	// S says views cannot be saved in this session.
	SaveView func(config.InboxView) error
	// PageSize is how many mentions one store read loads (default 200).
	PageSize int
	// MaxRows bounds the loaded window (default 4000).
	MaxRows int
	// BrandName and BrandHandles are the brand's name and own accounts: a
	// mention whose author's display name imitates trust shows a warning.
	BrandName    string
	BrandHandles []string
	// FetchThread, when set, asks the platform for a mention's
	// conversation and stores it: the detail view calls it when the
	// thread answers a message that is not in the store.
	FetchThread func(ctx context.Context, m domain.Mention) (connectors.ThreadResult, error)
}

// View is one tab of the inbox.
type View struct {
	Name   string
	Expr   string
	Sort   string // newest, oldest, due, followers
	Filter store.Filter
	// Timed says Filter depends on the time it was parsed (is:overdue,
	// after:24h): it is parsed again, as of now, each time it is used.
	Timed bool
	// Columns are the list's columns (config.ViewColumns); nil is the
	// default set for the width.
	Columns []string
}

// BuiltinViews are the views that ship with switchboard.
var BuiltinViews = []config.InboxView{
	{Name: "All open", Filter: "status:open"},
	{Name: "Due", Filter: "status:open,pending", Sort: "due"},
	{Name: "Unassigned", Filter: "status:open assignee:none"},
	{Name: "Mine", Filter: "status:open,pending assignee:me"},
	{Name: "Negative", Filter: "status:open sentiment:negative"},
	{Name: "Escalated", Filter: "is:escalated"},
	{Name: "Pending", Filter: "status:pending"},
	{Name: "Snoozed", Filter: "status:snoozed", Sort: "oldest"},
	{Name: "Done", Filter: "status:done"},
	{Name: "All", Filter: "is:open,pending,snoozed,done"},
	{Name: "Spam", Filter: "is:spam"},
}

// Model is the inbox pane of one session.
type Model struct {
	sess pane.Session
	opts Options
	keys KeyMap

	views    []View
	viewIdx  int
	byConv   bool        // one row per conversation (C)
	search   string      // the search query (/), over all history
	searchQ  query.Query // search, parsed
	userSort string      // sort: of the filter (f)
	expr     string      // the user's filter expression (f)
	user     store.Filter
	// userTimed: user depends on the time (see View.Timed)
	userTimed bool
	src       *source
	filter    store.Filter // view ∧ user ∧ search, what src reads

	gen                        int // bumped whenever the window is rebuilt
	rows                       []row
	cur, off                   int
	moreAbove, moreBelow       bool
	loadingAbove, loadingBelow bool
	loaded                     bool
	topIndex                   int // absolute position of rows[0]; -1 unknown
	err                        error
	jump                       int    // after a load, put the cursor on: -1 none, -2 last
	keep                       uint64 // after a reload, keep the cursor on this mention

	selected map[uint64]domain.Mention
	rng      *rangeSel // V: a range selection in progress
	newCount int       // new mentions that belong in this view since it was loaded
	// filterSeq changes with the view's filter; counts of new mentions
	// made for an older filter are dropped
	filterSeq int

	counts        store.Counts
	exact         map[int]tabCount // see countsMsg
	countsLoading bool
	countsDirty   bool

	// person is the open mention's person panel (person.go)
	person *personState

	w, h   int
	dlg    *dialog
	detail *detailState
	reqSeq int
	// threadFetched is when each conversation was last asked of its platform
	threadFetched map[string]time.Time
}

type detailState struct {
	req    int
	id     uint64
	m      *domain.Mention
	events []domain.Event
	parent *domain.Mention
	err    error
	scroll int
	// trust is what the author's display name borrows to look official;
	// impostor the author's flag, if they are flagged as impersonating
	// the brand (then no reply goes to them)
	trust    []string
	impostor *store.Impostor
	// thread is the mention's conversation (thread.go)
	thread *threadView
}

// Messages of this pane's commands; stale ones (old gen or req) are dropped.
type (
	pageMsg struct {
		gen     int
		dir     loadDir
		rows    []row
		more    bool
		err     error
		elapsed time.Duration
	}
	countsMsg struct {
		counts store.Counts
		// exact are the tabs' counts the counters cannot tell, counted
		// (to maxTabCount), by the filter they were counted for
		exact map[int]tabCount
		err   error
	}
	refreshedMsg struct {
		gen      int
		mentions []domain.Mention
		gone     []uint64
	}
	// newMatchedMsg counts the new mentions that belong in the view whose
	// filter had sequence seq.
	newMatchedMsg struct {
		seq, n int
	}
	actionMsg struct {
		desc string // what was done ("marked 1 mention done")
		fail string // what was tried, for "could not …: why"
		// act is the action applied to n mentions, to say which of them
		// it left as they were
		act    *store.Action
		n      int
		events []domain.Event
		err    error
		clear  bool
		// rules: the action undid the routing rules' changes (U)
		rules bool
	}
	detailMsg struct {
		req      int
		m        *domain.Mention
		events   []domain.Event
		parent   *domain.Mention
		trust    []string
		impostor *store.Impostor
		err      error
	}
)

type loadDir int

const (
	loadTop loadDir = iota
	loadBelow
	loadAbove
	loadBottom
)

// New builds the inbox pane for one session.
func New(sess pane.Session, opts Options) (*Model, error) {
	if opts.PageSize <= 0 {
		opts.PageSize = 200
	}
	if opts.MaxRows < 4*opts.PageSize {
		opts.MaxRows = max(4000, 4*opts.PageSize)
	}
	if sess.Now == nil {
		sess.Now = time.Now
	}
	if sess.Ctx == nil {
		sess.Ctx = context.Background()
	}
	if opts.SLA == nil {
		pol, err := (config.Inbox{Clock: opts.Clock}).SLA()
		if err != nil {
			return nil, err
		}
		opts.SLA = pol
	}
	m := &Model{sess: sess, opts: opts, keys: NewKeyMap(sess.Keys), selected: map[uint64]domain.Mention{}, topIndex: -1, jump: -1}
	var defs []config.InboxView
	if opts.BuiltinViews {
		defs = append(defs, BuiltinViews...)
	}
	defs = append(defs, opts.Views...)
	if len(defs) == 0 {
		defs = BuiltinViews
	}
	for _, d := range defs {
		q, err := m.parse(d.Expr())
		if err != nil {
			return nil, fmt.Errorf("inbox view %q: %w", d.Name, err)
		}
		sortBy := d.Sort
		if sortBy == "" {
			sortBy = q.Sort
		}
		if sortBy == "" {
			sortBy = "newest"
		}
		m.views = append(m.views, View{Name: d.Name, Expr: d.Expr(), Sort: sortBy, Filter: q.Filter, Timed: q.Timed, Columns: d.Columns})
	}
	m.rebuildSource()
	return m, nil
}

// conversationOf is the conversation merged mentions join: one that some
// of them are in already (the earliest such), else the earliest mention's.
func conversationOf(ts []domain.Mention) string {
	first := ts[0]
	var conv *domain.Mention
	for i := range ts {
		t := &ts[i]
		if t.CreatedAt.Before(first.CreatedAt) {
			first = *t
		}
		if t.State.Conversation != "" && (conv == nil || t.CreatedAt.Before(conv.CreatedAt)) {
			conv = t
		}
	}
	if conv != nil {
		return conv.State.Conversation
	}
	return first.Key()
}

// savedViewMsg reports a view saved to the config (or why not).
type savedViewMsg struct {
	view config.InboxView
	err  error
}

// currentAsView is what the list shows now as a view to save: the search
// (over all history) or the view's query and the filter on top, the sort
// in force and the view's columns.
func (m *Model) currentAsView(name string) config.InboxView {
	v := m.views[m.viewIdx]
	expr, sortBy := strings.TrimSpace(v.Expr+" "+m.expr), v.Sort
	if m.userSort != "" {
		sortBy = m.userSort
	}
	if m.search != "" {
		expr = strings.TrimSpace(m.search + " " + m.expr)
		if m.searchQ.Sort != "" {
			sortBy = m.searchQ.Sort
		}
	}
	if sortBy == "newest" {
		sortBy = ""
	}
	return config.InboxView{Name: name, Query: expr, Sort: sortBy, Columns: v.Columns}
}

// Keys returns the pane's key map, with the config's remaps.
func (m *Model) Keys() KeyMap { return m.keys }

func (m *Model) target(p domain.Priority) time.Duration { return m.opts.SLA.For("").Target(p) }

// dueText says when m's first response is due by its team's clock: "due
// in 25m (support, business hours)", "overdue by 1h10m (target 4h)".
func (m *Model) dueText(r *domain.Mention, now time.Time) string {
	c := m.opts.SLA.For(r.State.Team)
	var ctx []string
	if c.Team != "" {
		ctx = append(ctx, c.Team)
	}
	if c.Hours != nil {
		ctx = append(ctx, "business hours")
		if !c.Hours.IsOpen(now) {
			ctx = append(ctx, "clock stopped now")
		}
	}
	target := c.Target(r.State.Priority)
	left := target - c.Waited(r, now)
	when := "due in " + shortDuration(left)
	if left <= 0 {
		when = "overdue by " + shortDuration(-left)
	}
	if len(ctx) > 0 {
		when += " (" + strings.Join(ctx, ", ") + ")"
	}
	return when + " · target " + shortDuration(target)
}

// shortDuration is 25m, 1h10m, 2d3h (rounded to the minute).
func shortDuration(d time.Duration) string { return words.Short(d) }

// now re-reads a filter that depends on the time it was parsed
// (query.Query.Timed), so that is:overdue and after:24h in a view or a
// filter kept open for hours mean what they say now.
func (m *Model) now(expr string, f store.Filter, timed bool) store.Filter {
	if !timed {
		return f
	}
	q, err := m.parse(expr)
	if err != nil { // it parsed before; the clock cannot break it
		return f
	}
	return q.Filter
}

func (m *Model) viewFilter(i int) store.Filter {
	v := m.views[i]
	return m.now(v.Expr, v.Filter, v.Timed)
}

func (m *Model) userFilter() store.Filter { return m.now(m.expr, m.user, m.userTimed) }

func (m *Model) searchFilter() store.Filter {
	return m.now(m.search, m.searchQ.Filter, m.searchQ.Timed)
}

func (m *Model) rebuildSource() {
	v := m.views[m.viewIdx]
	f := Merge(m.viewFilter(m.viewIdx), m.userFilter())
	sortBy := v.Sort
	if m.userSort != "" {
		sortBy = m.userSort
	}
	if m.search != "" {
		// a search covers all history, not the view
		f = Merge(m.searchFilter(), m.userFilter())
		if m.searchQ.Sort != "" {
			sortBy = m.searchQ.Sort
		}
	}
	f = m.sess.Store.ExpandAuthors(f) // author: follows linked contacts, for new mentions too
	if m.src != nil && !sameFilter(m.filter, f) {
		m.newCount = 0 // the count was of another view's new mentions
	}
	m.filter = f
	m.filterSeq++
	m.src = newSource(f, sortBy, m.target)
	m.src.byConversation = m.byConv
}

// Init loads the first page and the counters.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.reload(), m.loadCounts()) }

// timed reports whether what the list shows depends on the clock.
func (m *Model) timed() bool {
	if m.search != "" {
		return m.searchQ.Timed || m.userTimed
	}
	return m.views[m.viewIdx].Timed || m.userTimed
}

// ReadTimed reads a clock-dependent filter as of now (the session calls
// it every 30 seconds): mentions leave and join such a filter as time
// passes, with no change in the store to say so. A list at rest
// (cursor on the first row, nothing selected, no mention open, no dialog)
// reads its first page again, so what became overdue shows; one in use
// keeps its cursor: the rows that left (a mention answered in time, one
// older than after:24h) are taken out in place, and ctrl+r shows what
// joined.
func (m *Model) ReadTimed() tea.Cmd {
	if !m.timed() {
		return nil
	}
	newCount := m.newCount
	m.rebuildSource()
	m.newCount = newCount // the same view, only later
	if m.cur == 0 && m.off == 0 && len(m.selected) == 0 && m.rng == nil && m.detail == nil && m.dlg == nil {
		m.newCount = 0
		return tea.Batch(m.reload(), m.loadCounts())
	}
	left := refreshedMsg{gen: m.gen}
	for _, r := range m.rows {
		if len(r.members) == 0 && !m.filter.Matches(&r.m) {
			left.gone = append(left.gone, r.m.ID)
		}
	}
	if len(left.gone) > 0 {
		m.onRefreshed(left)
	}
	return tea.Batch(m.loadCounts(), m.prefetch())
}

// reload rebuilds the window from the start of the view.
func (m *Model) reload() tea.Cmd {
	m.gen++
	m.loadingAbove, m.loadingBelow = false, true
	m.jump = 0
	return m.load(loadTop, nil)
}

func (m *Model) load(dir loadDir, anchor *row) tea.Cmd {
	gen, src, st, ctx, n := m.gen, m.src, m.sess.Store, m.sess.Ctx, m.opts.PageSize
	var a *row
	if anchor != nil {
		c := *anchor
		a = &c
	}
	return func() tea.Msg {
		t0 := time.Now()
		forward := dir == loadTop || dir == loadBelow
		rows, more, err := src.fetch(ctx, st, a, forward, n)
		return pageMsg{gen: gen, dir: dir, rows: rows, more: more, err: err, elapsed: time.Since(t0)}
	}
}

func (m *Model) loadCounts() tea.Cmd {
	if m.countsLoading {
		m.countsDirty = true
		return nil
	}
	m.countsLoading, m.countsDirty = true, false
	st, ctx, cur, seq := m.sess.Store, m.sess.Ctx, m.viewIdx, m.filterSeq
	fs := make([]store.Filter, 0, len(m.views))
	for i := range m.views {
		fs = append(fs, m.tabFilter(i))
	}
	return func() tea.Msg {
		c, err := st.Counts()
		if err != nil {
			return countsMsg{err: err}
		}
		exact := map[int]tabCount{}
		for i, f := range fs {
			if _, ok := countFor(f, c); ok || ctx.Err() != nil {
				continue
			}
			if n, capped, err := st.Count(f, maxTabCount); err == nil {
				exact[i] = tabCount{n: n, capped: capped, current: i == cur, seq: seq}
			}
		}
		return countsMsg{counts: c, exact: exact}
	}
}

// maxTabCount bounds counting a tab the counters cannot tell.
const maxTabCount = 10000

// tabCount is a counted tab: n, or at least n when capped. current and
// seq say what was counted: the tab as the current one (with the filter
// and search of filterSeq seq) or as another.
type tabCount struct {
	n       int
	capped  bool
	current bool
	seq     int
}

// tabFilter is what tab i lists: its view, with the filter (and the
// search, over all history) on top when it is the current tab.
func (m *Model) tabFilter(i int) store.Filter {
	if i != m.viewIdx {
		return m.viewFilter(i)
	}
	if m.search != "" {
		return Merge(m.searchFilter(), m.userFilter())
	}
	return Merge(m.viewFilter(i), m.userFilter())
}

// tabTotal is tab i's count: from the counters when they can tell, else
// as last counted for what the tab shows now.
func (m *Model) tabTotal(i int) (string, bool) {
	f := m.tabFilter(i)
	if n, ok := countFor(f, m.counts); ok {
		return thousands(n), true
	}
	if c, ok := m.exact[i]; ok && c.current == (i == m.viewIdx) && (!c.current || c.seq == m.filterSeq) {
		if c.capped {
			return thousands(c.n) + "+", true
		}
		return thousands(c.n), true
	}
	return "", false
}

// NewCount is the number of new mentions: those that arrived, live,
// since the list was last read and that belong in what it shows (the
// view with its filter, or the search), not yet in the list; N (or
// ctrl+r, or another view) shows them and starts again from 0. The
// header shows the same number.
func (m *Model) NewCount() int { return m.newCount }

// NewLabel is NewCount as the header and the status line say it: "3 new",
// or "" when there are none.
func (m *Model) NewLabel() string {
	if m.newCount <= 0 {
		return ""
	}
	return thousands(m.newCount) + " new"
}

// Title implements pane.Pane.
func (m *Model) Title() string { return "Inbox" }

// Badge is the number of open mentions, from the store's counters.
func (m *Model) Badge() string {
	if m.counts == nil {
		return ""
	}
	return thousands(m.counts.Total(domain.StatusOpen))
}

// Capturing reports an open dialog.
func (m *Model) Capturing() bool { return m.dlg != nil }

// SetSize implements pane.Pane.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.clampOffset()
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.detail != nil {
		return []key.Binding{k.Back, k.Up, k.Down, k.Tag, k.Assign, k.Status, k.Done, k.Note, k.Reply, k.UndoRules}
	}
	return []key.Binding{k.Down, k.Up, k.Open, k.Select, k.Done, k.Tag, k.Assign, k.Search, k.Filter, k.NextView}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageDown, k.PageUp},
		{k.Open, k.Back, k.Search, k.Filter, k.PrevView, k.NextView, k.SaveView},
		{k.Select, k.Range, k.SelectAll, k.Invert, k.Tag, k.Assign, k.Status},
		{k.Done, k.Snooze, k.Answered, k.Note, k.Merge, k.Conversations},
		{k.Escalate, k.Reply, k.Undo, k.UndoRules, k.Copy, k.Impostor, k.JumpNew, k.Refresh},
	}
}

func (m *Model) listHeight() int { return max(1, m.h-3) }

// Update implements pane.Pane.
func (m *Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case pane.StylesMsg:
		m.sess.Styles = msg.Styles
		return m, nil
	case pageMsg:
		return m, m.onPage(msg)
	case countsMsg:
		m.countsLoading = false
		if msg.err == nil {
			m.counts, m.exact = msg.counts, msg.exact
		}
		if m.countsDirty {
			return m, m.loadCounts()
		}
		return m, nil
	case refreshedMsg:
		m.onRefreshed(msg)
		return m, m.prefetch()
	case newMatchedMsg:
		if msg.seq == m.filterSeq {
			m.newCount += msg.n
		}
		return m, nil
	case matchedMsg:
		return m, m.onMatched(msg)
	case savedViewMsg:
		if msg.err != nil {
			return m, pane.ToastError("✗ view not saved: " + msg.err.Error())
		}
		q, err := m.parse(msg.view.Query)
		if err != nil {
			return m, pane.ToastError(err.Error())
		}
		m.views = append(m.views, View{Name: msg.view.Name, Expr: msg.view.Query, Sort: cmp.Or(msg.view.Sort, q.Sort, "newest"), Filter: q.Filter, Timed: q.Timed, Columns: msg.view.Columns})
		m.search, m.searchQ, m.expr, m.user, m.userSort, m.userTimed = "", query.Query{}, "", store.Filter{}, "", false
		return m, tea.Batch(m.setView(len(m.views)-1), pane.Toast("saved view “"+msg.view.Name+"” to the config"))
	case actionMsg:
		return m, m.onAction(msg)
	case personMsg:
		m.onPerson(msg)
		return m, nil
	case detailMsg:
		if m.detail != nil && msg.req == m.detail.req {
			m.detail.m, m.detail.events, m.detail.parent, m.detail.err = msg.m, msg.events, msg.parent, msg.err
			m.detail.trust, m.detail.impostor = msg.trust, msg.impostor
		}
		return m, nil
	case threadMsg:
		return m, m.onThread(msg)
	case threadFetchedMsg:
		return m, m.onThreadFetched(msg)
	case pane.StoreMsg:
		return m, m.onStore(msg.Update)
	case pane.OpenMentionMsg:
		return m, m.OpenMention(msg.Key)
	case mentionByKeyMsg:
		return m, m.onMentionByKey(msg)
	case tea.MouseWheelMsg:
		if m.dlg == nil && m.detail == nil {
			if msg.Button == tea.MouseWheelUp {
				return m, m.move(-3)
			}
			if msg.Button == tea.MouseWheelDown {
				return m, m.move(3)
			}
		}
		return m, nil
	case tea.MouseClickMsg:
		// rows start 3 lines below the pane's top (the root passes y
		// relative to the pane)
		if m.dlg == nil && m.detail == nil && msg.Button == tea.MouseLeft {
			if i := m.off + msg.Y - 3; msg.Y >= 3 && i < len(m.rows) {
				return m, m.move(i - m.cur)
			}
		}
		return m, nil
	case tea.KeyPressMsg:
		if m.dlg != nil {
			return m, m.onDialogKey(msg)
		}
		return m, m.onKey(msg)
	}
	if m.dlg != nil {
		_, _, _, cmd := m.dlg.update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) onPage(msg pageMsg) tea.Cmd {
	if msg.gen != m.gen {
		return nil // a stale answer: the view or filter changed since
	}
	switch msg.dir {
	case loadBelow, loadTop:
		m.loadingBelow = false
	default:
		m.loadingAbove = false
	}
	if msg.err != nil {
		if !errors.Is(msg.err, context.Canceled) {
			m.err = msg.err
		}
		return nil
	}
	m.err = nil
	m.loaded = true
	switch msg.dir {
	case loadTop:
		m.rows, m.off, m.cur = msg.rows, 0, 0
		m.moreAbove, m.moreBelow, m.topIndex = false, msg.more, 0
		if m.keep != 0 {
			for i, r := range m.rows {
				if r.m.ID == m.keep {
					m.cur = i
				}
			}
			m.keep = 0
		}
	case loadBottom:
		slices.Reverse(msg.rows)
		m.rows, m.moreAbove, m.moreBelow = msg.rows, msg.more, false
		m.cur = max(0, len(m.rows)-1)
		m.off = max(0, len(m.rows)-m.listHeight())
		m.topIndex = -1
		if total, ok := m.viewTotal(); ok {
			m.topIndex = total - len(m.rows)
		}
	case loadBelow:
		m.rows = append(m.rows, msg.rows...)
		m.moreBelow = msg.more
		if over := len(m.rows) - m.opts.MaxRows; over > 0 {
			m.rows = slices.Delete(m.rows, 0, over)
			m.cur, m.off = max(0, m.cur-over), max(0, m.off-over)
			m.moreAbove = true
			if m.topIndex >= 0 {
				m.topIndex += over
			}
		}
		if m.jump == -3 { // a page move waited for these rows
			m.jump = -1
		}
	case loadAbove:
		slices.Reverse(msg.rows)
		k := len(msg.rows)
		m.rows = append(msg.rows, m.rows...)
		m.cur, m.off = m.cur+k, m.off+k
		m.moreAbove = msg.more
		if m.topIndex >= 0 {
			m.topIndex -= k
		}
		if over := len(m.rows) - m.opts.MaxRows; over > 0 {
			m.rows = m.rows[:len(m.rows)-over]
			m.moreBelow = true
			m.cur = min(m.cur, len(m.rows)-1)
		}
	}
	m.clampOffset()
	return m.prefetch()
}

// prefetch loads the next page before the cursor reaches the edge.
func (m *Model) prefetch() tea.Cmd {
	if !m.loaded || len(m.rows) == 0 {
		return nil
	}
	edge := max(m.listHeight(), m.opts.PageSize/4)
	var cmds []tea.Cmd
	if m.moreBelow && !m.loadingBelow && len(m.rows)-1-m.cur < edge {
		m.loadingBelow = true
		last := m.rows[len(m.rows)-1]
		cmds = append(cmds, m.load(loadBelow, &last))
	}
	if m.moreAbove && !m.loadingAbove && m.cur < edge {
		m.loadingAbove = true
		first := m.rows[0]
		cmds = append(cmds, m.load(loadAbove, &first))
	}
	return tea.Batch(cmds...)
}

func (m *Model) clampOffset() {
	if m.cur >= len(m.rows) {
		m.cur = max(0, len(m.rows)-1)
	}
	lh := m.listHeight()
	if m.cur < m.off {
		m.off = m.cur
	}
	if m.cur >= m.off+lh {
		m.off = m.cur - lh + 1
	}
	if m.off > max(0, len(m.rows)-lh) && !m.moreBelow {
		m.off = max(0, len(m.rows)-lh)
	}
	if m.off < 0 {
		m.off = 0
	}
}

func (m *Model) move(d int) tea.Cmd {
	if len(m.rows) == 0 {
		return nil
	}
	m.cur = max(0, min(len(m.rows)-1, m.cur+d))
	m.clampOffset()
	m.extendRange()
	return m.prefetch()
}

// current is the mention under the cursor (or in the detail view).
func (m *Model) current() *domain.Mention {
	if m.detail != nil && m.detail.m != nil {
		return m.detail.m
	}
	if m.cur < len(m.rows) {
		return &m.rows[m.cur].m
	}
	return nil
}

// targets are what an action applies to: the selection, else the
// mention under the cursor (or in the detail view).
func (m *Model) targets() []domain.Mention {
	if m.detail == nil && len(m.selected) > 0 {
		out := make([]domain.Mention, 0, len(m.selected))
		for _, x := range m.selected {
			out = append(out, m.conversationOf(x)...)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		return out
	}
	if c := m.current(); c != nil {
		if m.detail != nil {
			return []domain.Mention{*c}
		}
		return m.conversationOf(*c)
	}
	return nil
}

// conversationOf is what acting on row x means: on a conversation row
// (C), its open mentions (not done or spam; all of them when none is
// open); otherwise x.
func (m *Model) conversationOf(x domain.Mention) []domain.Mention {
	if !m.byConv {
		return []domain.Mention{x}
	}
	for _, r := range m.rows {
		if r.m.ID != x.ID || len(r.members) < 2 {
			continue
		}
		var open []domain.Mention
		now := m.sess.Now()
		for _, mm := range r.members {
			if st := mm.EffectiveStatus(now); st != domain.StatusDone && st != domain.StatusSpam {
				open = append(open, mm)
			}
		}
		if len(open) == 0 {
			return r.members
		}
		return open
	}
	return []domain.Mention{x}
}

func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.keys
	if m.detail != nil {
		switch {
		case key.Matches(k, km.Back):
			m.detail = nil
			return nil
		case key.Matches(k, km.Down):
			m.detail.scroll++
			return m.threadScrolled(false)
		case key.Matches(k, km.Up):
			m.detail.scroll = max(0, m.detail.scroll-1)
			return m.threadScrolled(true)
		case key.Matches(k, km.PageDown):
			m.detail.scroll += max(1, m.h/2)
			return m.threadScrolled(false)
		case key.Matches(k, km.PageUp):
			m.detail.scroll = max(0, m.detail.scroll-m.h/2)
			return m.threadScrolled(true)
		}
	}
	switch {
	case key.Matches(k, km.Down):
		return m.move(1)
	case key.Matches(k, km.Up):
		return m.move(-1)
	case key.Matches(k, km.PageDown):
		return m.move(max(1, m.listHeight()/2))
	case key.Matches(k, km.PageUp):
		return m.move(-max(1, m.listHeight()/2))
	case key.Matches(k, km.Top):
		if !m.moreAbove {
			return m.move(-m.cur)
		}
		return m.reload()
	case key.Matches(k, km.Bottom):
		if !m.moreBelow {
			return m.move(len(m.rows))
		}
		m.gen++
		m.loadingBelow, m.loadingAbove = false, true
		return m.load(loadBottom, nil)
	case key.Matches(k, km.Refresh), key.Matches(k, km.JumpNew):
		m.newCount = 0
		m.rebuildSource() // as of now: is:overdue, after:24h
		return tea.Batch(m.reload(), m.loadCounts())
	case key.Matches(k, km.Open):
		return m.openDetail()
	case key.Matches(k, km.Back) && m.rng != nil:
		m.rng = nil
		return pane.Toast(plural(len(m.selected), "mention") + " selected")
	case key.Matches(k, km.Range):
		return m.toggleRange()
	case key.Matches(k, km.SelectAll):
		return m.matchAll(false)
	case key.Matches(k, km.Invert):
		return m.matchAll(true)
	case key.Matches(k, km.Back):
		if len(m.selected) > 0 {
			m.clearSelection()
			return pane.Toast("selection cleared")
		}
		return nil
	case key.Matches(k, km.NextView), key.Matches(k, km.PrevView):
		d := 1
		if key.Matches(k, km.PrevView) {
			d = len(m.views) - 1
		}
		return m.setView((m.viewIdx + d) % len(m.views))
	case key.Matches(k, km.Select):
		if m.detail != nil || m.cur >= len(m.rows) {
			return nil
		}
		r := m.rows[m.cur].m
		if _, ok := m.selected[r.ID]; ok {
			delete(m.selected, r.ID)
		} else {
			m.selected[r.ID] = r
		}
		return m.move(1)
	case key.Matches(k, km.Search):
		m.dlg = newDialog(dlgSearch, "Search all history", "enter search · empty enter clears · esc cancel\n"+FilterHelp, m.search, nil, "")
	case key.Matches(k, km.SaveView):
		if m.opts.SaveView == nil {
			return pane.ToastError("views cannot be saved in this session (no config file)")
		}
		v := m.currentAsView("")
		m.dlg = newDialog(dlgSaveView, "Save as a view", "enter saves to the config · esc cancels\nquery: "+v.Query+" · sort: "+v.Sort, "", nil, "")
	case key.Matches(k, km.Filter):
		m.dlg = newDialog(dlgFilter, "Filter (on top of the view: "+m.views[m.viewIdx].Expr+")", FilterHelp, m.expr, nil, "")
	case key.Matches(k, km.Undo):
		st, actor := m.sess.Store, m.sess.Actor
		return func() tea.Msg {
			evs, err := st.Undo(actor)
			return actionMsg{desc: "undid your last action", fail: "undo your last action", events: evs, err: err}
		}
	case key.Matches(k, km.UndoRules):
		c := m.current()
		if c == nil {
			return pane.ToastError("no mention here")
		}
		return m.undoRules(*c)
	case key.Matches(k, km.Impostor):
		c := m.current()
		if c == nil {
			return pane.ToastError("no mention here")
		}
		return m.toggleImpostor(*c)
	}
	// actions on targets
	ts := m.targets()
	if len(ts) == 0 {
		switch {
		case key.Matches(k, km.Tag, km.Assign, km.Status, km.Snooze, km.Done, km.Answered, km.Note, km.Escalate, km.Reply, km.Copy):
			return pane.ToastError("no mention here")
		}
		return nil
	}
	switch {
	case key.Matches(k, km.Done):
		return m.apply(ts, store.Action{Kind: domain.EventStatus, Value: string(domain.StatusDone)})
	case key.Matches(k, km.Answered):
		return m.apply(ts, store.Action{Kind: domain.EventAnswered, Value: "answered"})
	case key.Matches(k, km.Tag):
		m.dlg = newDialog(dlgTag, "Tag "+plural(len(ts), "mention"), "enter adds the tag, or removes it when all have it · type to filter or create", "", m.tagItems(ts), "new tag")
	case key.Matches(k, km.Assign):
		m.dlg = newDialog(dlgAssign, "Assign "+plural(len(ts), "mention"), "assign to an operator or route to a team · type to filter", "", m.assignItems(), "")
	case key.Matches(k, km.Status):
		m.dlg = newDialog(dlgStatus, "Status of "+plural(len(ts), "mention"), "", "", statusItems(m.sess.Now()), "")
	case key.Matches(k, km.Snooze):
		m.dlg = newDialog(dlgSnooze, "Snooze "+plural(len(ts), "mention")+" until", snoozeHint, "", nil, "")
	case key.Matches(k, km.Note):
		m.dlg = newDialog(dlgNote, "Internal note on "+plural(len(ts), "mention"), "enter saves · esc cancels · notes are never sent", "", nil, "")
	case key.Matches(k, km.Escalate):
		return func() tea.Msg { return pane.EscalateMsg{Mentions: ts} }
	case key.Matches(k, km.Conversations):
		m.byConv = !m.byConv
		m.clearSelection()
		m.rebuildSource()
		if m.byConv {
			return tea.Batch(m.reload(), pane.Toast("one row per conversation: actions act on its open mentions (C again: one per mention)"))
		}
		return tea.Batch(m.reload(), pane.Toast("one row per mention"))
	case key.Matches(k, km.Merge):
		if len(ts) < 2 {
			return pane.ToastError("select the mentions to merge first (space, V or *): at least two")
		}
		return m.apply(ts, store.Action{Kind: domain.EventMerge, Value: conversationOf(ts)})
	case key.Matches(k, km.Reply):
		c := ts[0]
		if cur := m.current(); cur != nil {
			c = *cur
		}
		if err := store.Answerable(&c); err != nil {
			return pane.ToastError(strings.TrimPrefix(err.Error(), store.ErrNotAnswerable.Error()+": "))
		}
		return func() tea.Msg { return pane.ComposeMsg{Mention: c} }
	case key.Matches(k, km.Copy):
		c := m.current()
		if c == nil || c.URL == "" {
			return pane.ToastError("this mention has no URL")
		}
		return tea.Batch(tea.SetClipboard(c.URL), pane.Toast("copied the URL to the clipboard (OSC 52)"))
	}
	return nil
}

// toggleImpostor flags the author of c as impersonating the brand (with
// c's incident, if it is linked to one), or clears their flag.
func (m *Model) toggleImpostor(c domain.Mention) tea.Cmd {
	st, actor := m.sess.Store, m.sess.Actor
	return func() tea.Msg {
		who := safetext.Line(c.Author.Handle)
		f, ok, err := st.ImpostorOf(c.Platform, c.Author.Handle)
		if err == nil && ok && !f.Cleared {
			if _, err = st.ClearImpostor(actor, c.Platform, c.Author.Handle); err == nil {
				return pane.ToastMsg{Text: who + " is no longer flagged as an impostor; replies to them are allowed"}
			}
		} else if err == nil {
			_, err = st.FlagImpostor(actor, store.Impostor{Platform: c.Platform, Handle: c.Author.Handle, Reason: "marked by " + actor, Incident: c.State.IncidentID})
			if err == nil {
				return pane.ToastMsg{Text: who + " flagged as impersonating the brand: no reply of any kind goes to them"}
			}
		}
		return pane.ToastMsg{Text: err.Error(), Error: true}
	}
}

func (m *Model) setView(i int) tea.Cmd {
	m.viewIdx = i
	m.clearSelection()
	m.detail = nil
	m.rebuildSource()
	return tea.Batch(m.reload(), m.loadCounts())
}

func (m *Model) openDetail() tea.Cmd {
	c := m.current()
	if c == nil {
		return nil
	}
	m.reqSeq++
	m.detail = &detailState{req: m.reqSeq, id: c.ID}
	cc := *c
	m.detail.m = &cc
	return tea.Batch(m.loadDetail(), m.loadThread(), m.loadPerson())
}

func (m *Model) loadDetail() tea.Cmd {
	d := m.detail
	req, id, st := d.req, d.id, m.sess.Store
	brand, handles := m.opts.BrandName, m.opts.BrandHandles
	return func() tea.Msg {
		mm, err := st.Get(id)
		if err != nil {
			return detailMsg{req: req, err: err}
		}
		trust := detect.TrustMarks(handles, brand, mm.Author)
		var imp *store.Impostor
		if f, ok, ferr := st.ImpostorOf(mm.Platform, mm.Author.Handle); ferr == nil && ok && !f.Cleared {
			if f.Incident == "" {
				f.Incident = mm.State.IncidentID
			}
			imp = &f
		}
		evs, err := st.Events(mm.Key())
		var parent *domain.Mention
		if mm.InReplyTo != "" {
			if p, perr := st.GetByKey(domain.MentionKey(mm.Platform, mm.InReplyTo)); perr == nil {
				parent = &p
			}
		}
		return detailMsg{req: req, m: &mm, events: evs, parent: parent, trust: trust, impostor: imp, err: err}
	}
}

// errRulesUndone says the routing rules' changes on a mention are undone.
var errRulesUndone = errors.New("the routing rules' changes on this mention were undone already")

// errNoRuleChanges says no routing rule changed a mention.
var errNoRuleChanges = errors.New("no routing rule changed this mention")

// rulesGroup is the newest group of events by the routing rules among a
// mention's events that no undo event reverses yet; errNoRuleChanges or
// errRulesUndone when there is none.
func rulesGroup(evs []domain.Event) (uint64, error) {
	undone := map[uint64]bool{}
	for _, ev := range evs {
		if ev.Kind == domain.EventUndo {
			undone[ev.Undoes] = true
		}
	}
	var any bool
	for i := len(evs) - 1; i >= 0; i-- {
		ev := evs[i]
		if ev.Actor != store.ActorRules || ev.Kind == domain.EventUndo || ev.Group == 0 {
			continue
		}
		any = true
		if !undone[ev.Group] {
			return ev.Group, nil
		}
	}
	if any {
		return 0, errRulesUndone
	}
	return 0, errNoRuleChanges
}

// undoRules undoes the routing rules' newest not yet undone changes on one
// mention (store.UndoGroup), as an action by the operator.
func (m *Model) undoRules(c domain.Mention) tea.Cmd {
	st, actor, key := m.sess.Store, m.sess.Actor, c.Key()
	const desc = "undid the routing rules' changes on this mention"
	return func() tea.Msg {
		evs, err := st.Events(key)
		if err != nil {
			return actionMsg{fail: "undo the routing rules", err: err}
		}
		group, err := rulesGroup(evs)
		if err != nil {
			return actionMsg{fail: "undo the routing rules", err: err, rules: true}
		}
		undo, err := st.UndoGroup(actor, group)
		return actionMsg{desc: desc, fail: "undo the routing rules", events: undo, err: err, rules: true}
	}
}

func (m *Model) apply(ts []domain.Mention, a store.Action) tea.Cmd {
	ids := make([]uint64, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	st, actor, n := m.sess.Store, m.sess.Actor, len(ts)
	desc, fail := describe(a, n)
	return func() tea.Msg {
		evs, err := st.Apply(actor, ids, a)
		return actionMsg{desc: desc, fail: fail, act: &a, n: n, events: evs, err: err, clear: true}
	}
}

// describe says what action a on n mentions did ("marked 2 mentions
// done") and, for a failure, what it was to do ("mark 2 mentions done").
func describe(a store.Action, n int) (did, do string) {
	what := plural(n, "mention")
	both := func(verb, past, rest string) (string, string) { return past + rest, verb + rest }
	switch a.Kind {
	case domain.EventStatus:
		if a.Value == string(domain.StatusSnoozed) {
			return both("snooze", "snoozed", " "+what+" until "+a.Until.Local().Format("Mon 2 Jan 15:04"))
		}
		return both("mark", "marked", " "+what+" "+a.Value)
	case domain.EventAnswered:
		return both("mark", "marked", " "+what+" answered elsewhere")
	case domain.EventTag:
		return both("tag", "tagged", " "+what+" "+a.Value)
	case domain.EventUntag:
		return both("remove", "removed", " tag "+a.Value+" from "+what)
	case domain.EventAssign:
		if a.Value == "" {
			return both("unassign", "unassigned", " "+what)
		}
		return both("assign", "assigned", " "+what+" to "+a.Value)
	case domain.EventRoute:
		if a.Value == "" {
			return both("remove", "removed", " the team of "+what)
		}
		return both("route", "routed", " "+what+" to team "+a.Value)
	case domain.EventNote:
		return both("note", "noted", " on "+what)
	case domain.EventMerge:
		if a.Value == "" {
			return both("split", "split", " "+what+" off their conversation")
		}
		return both("merge", "merged", " "+what+" into one conversation")
	case domain.EventFYI:
		if a.Value == "fyi" {
			return both("mark", "marked", " "+what+" FYI (no reply needed)")
		}
		return both("mark", "marked", " "+what+" as needing a reply")
	}
	return string(a.Kind) + " " + what, string(a.Kind) + " " + what
}

// already says how a mention that action a left unchanged already is
// ("already done", "already tagged vip").
func already(a store.Action) string {
	switch a.Kind {
	case domain.EventStatus:
		if a.Value == string(domain.StatusSnoozed) {
			return "already snoozed until " + a.Until.Local().Format("Mon 2 Jan 15:04")
		}
		return "already " + a.Value
	case domain.EventAnswered:
		return "already answered"
	case domain.EventTag:
		return "already tagged " + a.Value
	case domain.EventUntag:
		return "not tagged " + a.Value
	case domain.EventAssign:
		if a.Value == "" {
			return "already unassigned"
		}
		return "already assigned to " + a.Value
	case domain.EventRoute:
		if a.Value == "" {
			return "already without a team"
		}
		return "already on team " + a.Value
	}
	return "already so"
}

// unchanged is the toast for an action that changed none of its n
// mentions: "nothing changed: the mention is already done".
func unchanged(a store.Action, n int) string {
	if n == 1 {
		return "nothing changed: the mention is " + already(a)
	}
	return "nothing changed: all " + plural(n, "mention") + " are " + already(a)
}

func (m *Model) onAction(msg actionMsg) tea.Cmd {
	if msg.err != nil && msg.rules {
		switch {
		case errors.Is(msg.err, errNoRuleChanges), errors.Is(msg.err, errRulesUndone):
			return pane.Toast(msg.err.Error())
		case errors.Is(msg.err, store.ErrNoChange):
			return pane.Toast("nothing to undo: operators have since changed what the routing rules set")
		}
		return pane.ToastError("could not " + msg.fail + ": " + msg.err.Error())
	}
	if msg.err != nil {
		switch {
		case errors.Is(msg.err, store.ErrNoChange) && msg.act != nil:
			return pane.Toast(unchanged(*msg.act, msg.n))
		case errors.Is(msg.err, store.ErrNoChange):
			why := strings.TrimPrefix(strings.TrimPrefix(msg.err.Error(), store.ErrNoChange.Error()), ": ")
			if why == "" {
				return pane.Toast("nothing changed")
			}
			return pane.Toast("nothing changed: " + why)
		case errors.Is(msg.err, store.ErrNothingToUndo):
			return pane.ToastError("nothing to undo")
		}
		return pane.ToastError("could not " + msg.fail + ": " + msg.err.Error())
	}
	if msg.clear {
		m.clearSelection()
	}
	desc := msg.desc
	if a := msg.act; a != nil && len(msg.events) < msg.n {
		// some of the targets were so already: count what changed
		desc, _ = describe(*a, len(msg.events))
		desc += " (" + thousands(msg.n-len(msg.events)) + " " + already(*a) + ")"
	}
	if len(msg.events) > 0 && strings.HasPrefix(desc, "undid") {
		// undone changes may bring mentions back into the view: reload
		// it, keeping the cursor on the mention it is on
		if c := m.current(); c != nil && m.detail == nil {
			m.keep = c.ID
		}
		cmds := []tea.Cmd{pane.Toast(fmt.Sprintf("%s (%s)", desc, plural(len(msg.events), "change"))), m.reload()}
		if m.detail != nil {
			cmds = append(cmds, m.loadDetail())
		}
		return tea.Batch(cmds...)
	}
	return pane.Toast(desc + " · u undoes")
}

func (m *Model) onDialogKey(k tea.KeyPressMsg) tea.Cmd {
	d := m.dlg
	if typed := strings.TrimSpace(d.input.Value()); d.kind == dlgAssign && k.String() == "enter" && typed != "" && len(d.visible()) == 0 {
		d.hint = "✗ “" + safetext.Truncate(typed, 20, "…") + "” is " + m.whoIsKnown()
		return nil
	}
	value, done, cancelled, cmd := d.update(k)
	if cancelled {
		m.dlg = nil
		return nil
	}
	if !done {
		return cmd
	}
	ts := m.targets()
	switch d.kind {
	case dlgSearch:
		q, err := m.parse(value)
		if err != nil {
			d.hint = "✗ " + err.Error()
			return nil
		}
		m.dlg = nil
		m.search, m.searchQ = strings.TrimSpace(value), q
		m.clearSelection()
		m.rebuildSource()
		return tea.Batch(m.reload(), m.loadCounts())
	case dlgFilter:
		q, err := m.parse(value)
		if err != nil {
			d.hint = "✗ " + err.Error()
			return nil
		}
		m.dlg = nil
		m.expr, m.user, m.userSort, m.userTimed = strings.TrimSpace(value), q.Filter, q.Sort, q.Timed
		m.clearSelection()
		m.rebuildSource()
		return tea.Batch(m.reload(), m.loadCounts())
	case dlgSaveView:
		name := strings.TrimSpace(value)
		if name == "" {
			d.hint = "✗ a view needs a name (esc cancels)"
			return nil
		}
		for _, v := range m.views {
			if v.Name == name {
				d.hint = "✗ there is a view named " + name + " already"
				return nil
			}
		}
		m.dlg = nil
		v, save := m.currentAsView(name), m.opts.SaveView
		return func() tea.Msg { return savedViewMsg{view: v, err: save(v)} }
	case dlgNote:
		if strings.TrimSpace(value) == "" {
			d.hint = "✗ a note needs text (esc cancels)"
			return nil
		}
		m.dlg = nil
		return m.apply(ts, store.Action{Kind: domain.EventNote, Value: value})
	case dlgSnooze:
		until, err := ParseUntil(value, m.sess.Now())
		if err != nil {
			d.hint = "✗ " + err.Error()
			return nil
		}
		m.dlg = nil
		return m.apply(ts, store.Action{Kind: domain.EventStatus, Value: string(domain.StatusSnoozed), Until: until})
	case dlgTag:
		m.dlg = nil
		all := true
		for _, t := range ts {
			all = all && t.State.HasTag(value)
		}
		if all {
			return m.apply(ts, store.Action{Kind: domain.EventUntag, Value: value})
		}
		return m.apply(ts, store.Action{Kind: domain.EventTag, Value: value})
	case dlgAssign:
		m.dlg = nil
		kind, v, ok := strings.Cut(value, ":")
		if !ok {
			kind, v = "assign", value
		}
		if kind == "route" {
			return m.apply(ts, store.Action{Kind: domain.EventRoute, Value: v})
		}
		if v != "" && !m.knownOperator(v) {
			return pane.ToastError("not assigned: " + safetext.Line(v) + " is " + m.whoIsKnown())
		}
		return m.apply(ts, store.Action{Kind: domain.EventAssign, Value: v})
	case dlgStatus:
		m.dlg = nil
		if value == "snooze…" {
			m.dlg = newDialog(dlgSnooze, "Snooze until", snoozeHint, "", nil, "")
			return nil
		}
		if v, ok := strings.CutPrefix(value, "fyi:"); ok {
			return m.apply(ts, store.Action{Kind: domain.EventFYI, Value: v})
		}
		st, until, _ := strings.Cut(value, "@")
		a := store.Action{Kind: domain.EventStatus, Value: st}
		if until != "" {
			t, err := time.Parse(time.RFC3339, until)
			if err != nil {
				return pane.ToastError(err.Error())
			}
			a.Until = t
		}
		return m.apply(ts, a)
	}
	m.dlg = nil
	return nil
}

func (m *Model) tagItems(ts []domain.Mention) []item {
	seen := map[string]bool{}
	var tags []string
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	for _, t := range ts {
		for _, tag := range t.State.Tags {
			add(tag)
		}
	}
	if m.counts != nil {
		vals := m.counts.Values(store.IndexTag)
		sort.Strings(vals)
		for _, v := range vals {
			if m.counts.Get(store.IndexTag, v) > 0 {
				add(v)
			}
		}
	}
	items := make([]item, 0, len(tags))
	for _, t := range tags {
		all := true
		for _, x := range ts {
			all = all && x.State.HasTag(t)
		}
		label := "  " + t
		if all {
			label = "✓ " + t + "  (remove)"
		}
		items = append(items, item{label: label, value: t})
	}
	return items
}

// known are the operators one may assign to and the teams one may route
// to: the config's (inbox.operators, inbox.teams) and the operators
// file's; when neither names an operator, the assignees in use. Teams in
// use are offered too.
func (m *Model) known() (ops, teams []string) {
	ops = append([]string(nil), m.opts.Operators...)
	teams = append([]string(nil), m.opts.Teams...)
	if m.opts.Team != nil {
		o, t := m.opts.Team()
		ops, teams = append(ops, o...), append(teams, t...)
	}
	if m.counts != nil {
		if len(ops) == 0 {
			ops = slices.DeleteFunc(sorted(m.counts.Values(store.IndexAssignee)), func(a string) bool { return a == "" })
		}
		teams = append(teams, sorted(m.counts.Values(store.IndexTeam))...)
	}
	return ops, teams
}

// knownOperator reports whether name is someone the picker offers (you,
// or one of known's operators).
func (m *Model) knownOperator(name string) bool {
	ops, _ := m.known()
	return name == m.sess.Actor || slices.Contains(ops, name)
}

func (m *Model) assignItems() []item {
	items := []item{{label: "me (" + m.sess.Actor + ")", value: "assign:" + m.sess.Actor}}
	seen := map[string]bool{m.sess.Actor: true}
	ops, teams := m.known()
	for _, o := range ops {
		if o != "" && !seen[o] {
			seen[o] = true
			items = append(items, item{label: "@" + o, value: "assign:" + o})
		}
	}
	seenT := map[string]bool{}
	for _, t := range teams {
		if t != "" && !seenT[t] {
			seenT[t] = true
			items = append(items, item{label: "team " + t, value: "route:" + t})
		}
	}
	return append(items, item{label: "unassign", value: "assign:"}, item{label: "no team", value: "route:"})
}

func sorted(v []string) []string { sort.Strings(v); return v }

// whoIsKnown follows "NAME is" when NAME is no one the assign picker
// knows: what to do instead.
func (m *Model) whoIsKnown() string {
	if ops, _ := m.known(); len(ops) == 0 {
		return "not an operator: add to operators.yaml or inbox.operators"
	}
	return "not an operator or team: pick one from the list"
}

// snoozeHint is what the snooze prompt takes.
const snoozeHint = "2h, 3d, 2026-11-21 (09:00) or \"2026-11-21 14:00\""

func statusItems(now time.Time) []item {
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 9, 0, 0, 0, now.Location())
	snooze := func(label string, t time.Time) item {
		return item{label: label, value: "snoozed@" + t.UTC().Format(time.RFC3339)}
	}
	return []item{
		{label: "open", value: "open"},
		{label: "pending (waiting on someone)", value: "pending"},
		{label: "done", value: "done"},
		snooze("snooze 1 hour", now.Add(time.Hour)),
		snooze("snooze 4 hours", now.Add(4*time.Hour)),
		snooze("snooze until tomorrow 09:00", tomorrow),
		{label: "snooze until…", value: "snooze…"},
		{label: "spam (hidden from every view but Spam)", value: "spam"},
		{label: "needs a reply (start the response clock)", value: "fyi:needs-reply"},
		{label: "FYI: no reply needed (no clock)", value: "fyi:fyi"},
	}
}

func (m *Model) onStore(u store.Update) tea.Cmd {
	var cmds []tea.Cmd
	cmds = append(cmds, m.loadCounts())
	if u.Resync {
		return tea.Batch(append(cmds, m.reload())...)
	}
	if len(m.rows) == 0 && !m.moreBelow && (len(u.New) > 0 || len(u.Changed) > 0) {
		// An empty view (or one whose first page is still on its way,
		// perhaps read before this commit) has no rows to refresh in
		// place and no cursor to keep: a new mention, or a changed one
		// that now belongs (a snooze that woke, another operator's
		// action), shows by reading the view again. A view with rows
		// keeps them still and counts the new ones for N.
		m.newCount = 0
		cmds = append(cmds, m.reload())
	} else if len(u.New) > 0 {
		cmds = append(cmds, m.countNew(u.New))
	}
	var ids []uint64
	inWindow := make(map[uint64]bool, len(m.rows))
	for _, r := range m.rows {
		inWindow[r.m.ID] = true
	}
	for _, id := range u.Changed {
		if _, sel := m.selected[id]; inWindow[id] || sel {
			ids = append(ids, id)
		}
	}
	if m.detail != nil && (len(u.New) > 0 || len(u.Changed) > 0 || slices.ContainsFunc(u.Changes, func(c store.Change) bool { return c.Kind == "draft" })) {
		cmds = append(cmds, m.reloadThread()) // a reply came, one was sent, a message changed
	}
	if m.detail != nil && (slices.Contains(u.Changed, m.detail.id) || slices.ContainsFunc(u.Changes, func(c store.Change) bool { return c.Kind == store.ChangeImpostor })) {
		cmds = append(cmds, m.loadDetail())
	}
	if c := m.personOnStore(u); c != nil {
		cmds = append(cmds, c)
	}
	if len(ids) > 0 {
		gen, st := m.gen, m.sess.Store
		cmds = append(cmds, func() tea.Msg {
			out := refreshedMsg{gen: gen}
			for _, id := range ids {
				mm, err := st.Get(id)
				if err != nil {
					out.gone = append(out.gone, id)
					continue
				}
				out.mentions = append(out.mentions, mm)
			}
			return out
		})
	}
	return tea.Batch(cmds...)
}

// countNew reads the new mentions and counts those that belong in the
// view, for the "N new" marker.
func (m *Model) countNew(ids []uint64) tea.Cmd {
	seq, f, st := m.filterSeq, m.filter, m.sess.Store
	if len(ids) > 1000 {
		ids = ids[len(ids)-1000:]
	}
	return func() tea.Msg {
		n := 0
		for _, id := range ids {
			if mm, err := st.Get(id); err == nil && matchesNew(f, &mm) {
				n++
			}
		}
		return newMatchedMsg{seq: seq, n: n}
	}
}

// onRefreshed replaces changed rows in place; rows that left the view
// (e.g. marked done in "All open") are removed without moving the cursor
// off the mention it is on, or, if that one left, onto its neighbour.
func (m *Model) onRefreshed(msg refreshedMsg) {
	byID := make(map[uint64]domain.Mention, len(msg.mentions))
	for _, x := range msg.mentions {
		byID[x.ID] = x
		if _, ok := m.selected[x.ID]; ok {
			m.selected[x.ID] = x
		}
	}
	if msg.gen != m.gen {
		return
	}
	out := m.rows[:0]
	cur := m.cur
	for i, r := range m.rows {
		nm, changed := byID[r.m.ID]
		gone := slices.Contains(msg.gone, r.m.ID)
		if changed {
			if !matches(m.filter, &nm) {
				gone = true
			} else {
				r.m = nm
				r.line = ""
			}
		}
		if gone {
			if i < m.cur {
				cur--
			}
			if i < m.off {
				m.off--
			}
			delete(m.selected, r.m.ID)
			continue
		}
		out = append(out, r)
	}
	m.rows = out
	m.cur = max(0, cur)
	m.clampOffset()
}

// viewTotal is the number of mentions in the current view when the
// counters can tell it without counting (status plus at most one other
// counted field, no search and no dates).
func (m *Model) viewTotal() (int, bool) {
	return countFor(m.filter, m.counts)
}

func countFor(f store.Filter, c store.Counts) (int, bool) {
	if c == nil || strings.TrimSpace(f.Text) != "" || !f.Since.IsZero() || !f.Until.IsZero() || f.HasPost() {
		return 0, false
	}
	var sts []domain.Status
	if f.Status != nil {
		sts = f.Status
		if len(sts) == 0 {
			return 0, true
		}
	}
	one := func(ix string, vals []string) (int, bool) {
		n := 0
		for _, v := range vals {
			n += c.Get(ix, v, sts...)
		}
		return n, true
	}
	others := 0
	var ix string
	var vals []string
	set := func(name string, v []string) {
		if v != nil {
			others++
			ix, vals = name, v
		}
	}
	set(store.IndexTeam, f.Teams)
	set(store.IndexAssignee, f.Assignees)
	set(store.IndexPlatform, strs(f.Platforms))
	set(store.IndexBand, strs(f.Bands))
	set(store.IndexPriority, strs(f.Priorities))
	set(store.IndexIncident, f.Incidents)
	if len(f.Tags) == 1 {
		set(store.IndexTag, f.Tags)
	} else if len(f.Tags) > 1 {
		return 0, false
	}
	if f.Escalated {
		if others > 0 {
			return 0, false
		}
		return c.Total(sts...) - c.Get(store.IndexIncident, "", sts...), true
	}
	switch others {
	case 0:
		return c.Total(sts...), true
	case 1:
		return one(ix, vals)
	}
	return 0, false
}

func strs[T ~string](xs []T) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func plural(n int, what string) string { return words.Plural(n, what) }

func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Selected returns the ids of the selected mentions, ascending (tests).
func (m *Model) Selected() []uint64 {
	out := make([]uint64, 0, len(m.selected))
	for id := range m.selected {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Cursor returns the mention under the cursor, if any (tests).
func (m *Model) Cursor() (domain.Mention, bool) {
	if m.cur < len(m.rows) {
		return m.rows[m.cur].m, true
	}
	return domain.Mention{}, false
}

// Loaded is how many rows are loaded in the window (tests, benchmarks).
func (m *Model) Loaded() int { return len(m.rows) }

// Ready reports whether the first page has arrived (or failed to).
func (m *Model) Ready() bool { return m.loaded || m.err != nil }

// ViewName is the active view's name.
func (m *Model) ViewName() string { return m.views[m.viewIdx].Name }
