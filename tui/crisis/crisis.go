// Package crisis is the Crisis pane (2) of switchboard's terminal UI: a
// board with a column per incident status and a card per incident, the
// open detection alerts beside it (declare, dismiss), and an incident view
// with the timeline, checklist, roles, linked mentions and a volume chart.
// It also handles `e` from the inbox (Escalate): link mentions to a new or
// an open incident.
package crisis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"switchboard/crisis"
	"switchboard/detect"
	"switchboard/domain"
	"switchboard/internal/words"
	"switchboard/policy"
	"switchboard/presence"
	"switchboard/safetext"
	"switchboard/store"
	"switchboard/tui/pane"
)

// Options configure the pane.
type Options struct {
	// Watcher supplies the alerts (nil: the pane shows incidents only).
	Watcher *crisis.Watcher
	// Pack has the playbooks (nil: the default pack, unless PackErr).
	Pack *policy.Pack
	// PackErr is why the configured pack does not load: then no
	// playbook or holding statement of another pack is offered.
	PackErr error
	// Hours is the span of a card's sparkline (default 12).
	Hours int
	// Location is the time zone times are drawn in (default time.Local).
	Location *time.Location
	// WarRoom lists who is in the war room with their role
	// (presence.Hub.WarRoom on a shared server); the pane re-reads it on
	// presence.ChangedMsg. Nil outside a server: the incident view shows
	// the local operator alone.
	WarRoom func() []presence.Member
}

// Factory builds the pane for each session.
func Factory(opts Options) pane.Factory {
	if opts.PackErr != nil && opts.Pack == nil {
		// no playbook of another pack: an empty one offers none
		opts.Pack = new(policy.Pack)
	}
	return func(s pane.Session) pane.Pane { return New(s, opts) }
}

// EscalateMsg asks the crisis pane to link mentions to an incident; the
// inbox's `e` reaches it through Escalate.
type EscalateMsg struct{ Mentions []domain.Mention }

// Escalate is the tui.Options.Escalate hook: it focuses the crisis pane
// and hands it the mentions, where a picker offers a new incident or an
// open one.
func Escalate(_ pane.Session, msg pane.EscalateMsg) tea.Cmd {
	ms := msg.Mentions
	return tea.Sequence(
		func() tea.Msg { return pane.FocusMsg{Index: 1} },
		func() tea.Msg { return EscalateMsg{Mentions: ms} },
	)
}

// Model is the crisis pane of one session.
type Model struct {
	sess pane.Session
	opts Options
	keys KeyMap
	w, h int

	incidents []domain.Incident
	sparks    map[string][]int
	alerts    []detect.Alert
	groups    []crisis.AlertGroup // the alerts, one group per crisis
	// dismissed is the alert group this session dismissed last (u in
	// the alerts column brings it back).
	dismissed []string
	room      []presence.Member // the war room, when Options.WarRoom is set
	loaded    bool
	loadErr   error
	col, row  int // board cursor; col len(columns) is the alerts column

	view *incView
	dlg  *dialog
	// draft of a new incident being asked for step by step
	pending struct {
		mentions []domain.Mention
		title    string
		sev      domain.Severity
		role     string
		dismiss  []string        // alert ids the dismiss dialog is about
		hijack   detect.Alert    // the account alert the hijack dialog is about
		holding  string          // the holding statement waiting for where it goes
		incident domain.Incident // its incident
	}
	req int
	// noWait stops following the watcher (tests drive the pane by hand)
	noWait bool
}

// columns are the board's status columns, in lifecycle order.
var columns = domain.IncidentStatuses

type incView struct {
	id       string
	inc      domain.Incident
	tl       []crisis.Entry
	vol      crisis.Volume
	mentions []domain.Mention
	// sel is the checklist cursor; len(inc.Checklist) when j went past
	// the last item to read the rest of the column
	sel     int
	lscroll int // the left column's first line (see leftTop)
	scroll  int // timeline lines scrolled up from the newest
	loaded  bool
	err     error
}

type (
	boardMsg struct {
		incidents []domain.Incident
		sparks    map[string][]int
		alerts    []detect.Alert
		err       error
	}
	alertsChangedMsg struct{}
	incidentMsg      struct {
		req      int
		inc      domain.Incident
		tl       []crisis.Entry
		vol      crisis.Volume
		mentions []domain.Mention
		err      error
	}
	doneMsg struct {
		text string
		err  error
		open string // incident to open
	}
	// postMortemMsg is an incident's post-mortem in Markdown, for the
	// clipboard.
	postMortemMsg struct {
		id  string
		md  string
		err error
	}
)

// New builds the pane.
func New(sess pane.Session, opts Options) *Model {
	if opts.Hours <= 0 {
		opts.Hours = 12
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if sess.Now == nil {
		sess.Now = time.Now
	}
	if sess.Ctx == nil {
		sess.Ctx = context.Background()
	}
	m := &Model{sess: sess, opts: opts, keys: NewKeyMap(sess.Keys), sparks: map[string][]int{}}
	m.readWarRoom()
	return m
}

// readWarRoom re-reads who is in the war room (an in-memory list).
func (m *Model) readWarRoom() {
	if m.opts.WarRoom != nil {
		m.room = m.opts.WarRoom()
	}
}

// WarRoom is the war room as last read (tests).
func (m *Model) WarRoom() []presence.Member { return m.room }

// Init loads the board and starts following the watcher.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.load(), m.waitAlerts()) }

func (m *Model) waitAlerts() tea.Cmd {
	if m.opts.Watcher == nil || m.noWait {
		return nil
	}
	ch, ctx := m.opts.Watcher.Changed(), m.sess.Ctx
	return func() tea.Msg {
		select {
		case <-ch:
			// let a burst of ingest settle before reloading
			select {
			case <-time.After(300 * time.Millisecond):
			case <-ctx.Done():
				return nil
			}
			return alertsChangedMsg{}
		case <-ctx.Done():
			return nil
		}
	}
}

// load reads incidents, sparklines and alerts in a Cmd.
func (m *Model) load() tea.Cmd {
	s, w, now, hours := m.sess.Store, m.opts.Watcher, m.sess.Now(), m.opts.Hours
	return func() tea.Msg {
		var msg boardMsg
		msg.incidents, msg.err = s.Incidents()
		if msg.err != nil {
			return msg
		}
		msg.sparks = map[string][]int{}
		for _, inc := range msg.incidents {
			if len(inc.Mentions) == 0 {
				continue
			}
			sp, err := crisis.Hourly(s, inc.ID, now, hours)
			if err != nil {
				msg.err = err
				return msg
			}
			msg.sparks[inc.ID] = sp
		}
		if w != nil {
			msg.alerts, msg.err = w.Alerts()
		}
		return msg
	}
}

func (m *Model) loadIncident(id string) tea.Cmd {
	m.req++
	req, s, ctx, now := m.req, m.sess.Store, m.sess.Ctx, m.sess.Now()
	rows := max(6, m.h/3)
	return func() tea.Msg {
		msg := incidentMsg{req: req}
		msg.inc, msg.err = s.Incident(id)
		if msg.err != nil {
			return msg
		}
		if msg.tl, msg.err = crisis.Timeline(s, msg.inc, crisis.TimelineOptions{}); msg.err != nil {
			return msg
		}
		var first time.Time
		for i, key := range msg.inc.Mentions {
			mm, err := s.GetByKey(key)
			if err != nil {
				continue
			}
			if first.IsZero() || mm.CreatedAt.Before(first) {
				first = mm.CreatedAt
			}
			if i < 50 {
				msg.mentions = append(msg.mentions, mm)
			}
		}
		from, to := crisis.Span(msg.inc, first, now)
		msg.vol, msg.err = crisis.VolumeOf(ctx, s, msg.inc, from, to, rows)
		return msg
	}
}

// Title is the tab name.
func (m *Model) Title() string { return "Crisis" }

// Badge counts open incidents and alerts: "2 ▲1".
func (m *Model) Badge() string {
	open := 0
	for _, inc := range m.incidents {
		if crisis.Open(inc) {
			open++
		}
	}
	b := ""
	if open > 0 {
		b = fmt.Sprint(open)
	}
	if len(m.groups) > 0 {
		b = strings.TrimSpace(b + " ▲" + fmt.Sprint(len(m.groups)))
	}
	return b
}

// Capturing is true while a dialog is open.
func (m *Model) Capturing() bool { return m.dlg != nil }

// SetSize sets the pane's size.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// Incidents are the incidents loaded (tests).
func (m *Model) Incidents() []domain.Incident { return m.incidents }

// Alerts are the alerts shown (tests).
func (m *Model) Alerts() []detect.Alert { return m.alerts }

// Groups are the alert groups shown, one row each (tests).
func (m *Model) Groups() []crisis.AlertGroup { return m.groups }

// Viewing is the id of the open incident ("" on the board).
func (m *Model) Viewing() string {
	if m.view == nil {
		return ""
	}
	return m.view.id
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case pane.StylesMsg:
		m.sess.Styles = msg.Styles
	case presence.ChangedMsg:
		m.readWarRoom()
	case postMortemMsg:
		if msg.err != nil {
			return m, pane.ToastError("post-mortem of " + msg.id + ": " + msg.err.Error())
		}
		lines := strings.Count(msg.md, "\n")
		return m, tea.Batch(tea.SetClipboard(msg.md),
			pane.Toast(fmt.Sprintf("post-mortem of %s (%s of Markdown) copied to the clipboard by OSC 52: paste it into a file", msg.id, words.Plural(lines, "line"))))
	case boardMsg:
		m.loaded = true
		m.loadErr = msg.err
		if msg.err == nil {
			m.incidents, m.sparks, m.alerts = msg.incidents, msg.sparks, msg.alerts
			m.groups = crisis.Group(m.alerts)
			m.clamp()
		}
	case alertsChangedMsg:
		return m, tea.Batch(m.load(), m.waitAlerts())
	case incidentMsg:
		if m.view == nil || msg.req != m.req {
			return m, nil
		}
		m.view.loaded, m.view.err = true, msg.err
		m.readWarRoom()
		if msg.err == nil {
			m.view.inc, m.view.tl, m.view.vol, m.view.mentions = msg.inc, collapseLinks(msg.tl), msg.vol, msg.mentions
			m.view.sel = min(m.view.sel, len(msg.inc.Checklist))
		}
	case doneMsg:
		var cmds []tea.Cmd
		if msg.err != nil {
			cmds = append(cmds, pane.ToastError(msg.err.Error()))
		} else if msg.text != "" {
			cmds = append(cmds, pane.Toast(msg.text))
		}
		if msg.open != "" {
			cmds = append(cmds, m.open(msg.open))
		}
		return m, tea.Batch(append(cmds, m.refresh())...)
	case pane.StoreMsg:
		if m.relevant(msg.Update) {
			return m, m.refresh()
		}
	case EscalateMsg:
		return m, m.startEscalate(msg.Mentions)
	case pane.OpenIncidentMsg:
		m.dlg = nil
		return m, m.open(msg.ID)
	case pane.ShowAlertMsg:
		return m, m.showAlert(msg.ID)
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	return m, nil
}

// showAlert puts the board's cursor on the alert group holding alert id
// (a notification's jump); the alert may be gone (closed, dismissed).
func (m *Model) showAlert(id string) tea.Cmd {
	m.dlg, m.view = nil, nil
	for i, g := range m.groups {
		if slices.Contains(g.IDs(), id) {
			m.col, m.row = len(columns), i
			return nil
		}
	}
	m.col, m.row = len(columns), 0
	m.clamp()
	return pane.Toast("that alert is no longer open (closed or dismissed): the open ones are in the alerts column")
}

// relevant reports whether an update may change what the pane shows.
func (m *Model) relevant(u store.Update) bool {
	if u.Resync {
		return true
	}
	for _, c := range u.Changes {
		if c.Kind != store.ChangeNotice {
			return true
		}
	}
	for _, ev := range u.Events {
		switch ev.Kind {
		case domain.EventEscalate, domain.EventUndo, domain.EventIncident, domain.EventChecklist,
			domain.EventOutbox, domain.EventDraft:
			return true
		}
	}
	return false
}

func (m *Model) refresh() tea.Cmd {
	cmds := []tea.Cmd{m.load()}
	if m.view != nil {
		cmds = append(cmds, m.loadIncident(m.view.id))
	}
	return tea.Batch(cmds...)
}

func (m *Model) open(id string) tea.Cmd {
	m.view = &incView{id: id}
	return m.loadIncident(id)
}

// byStatus lists the incidents of column c, most severe then newest first.
func (m *Model) byStatus(c int) []domain.Incident {
	var out []domain.Incident
	for _, inc := range m.incidents {
		if inc.Status == columns[c] {
			out = append(out, inc)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && less(out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func less(a, b domain.Incident) bool {
	if a.Severity != b.Severity {
		return a.Severity < b.Severity
	}
	return a.CreatedAt.After(b.CreatedAt)
}

func (m *Model) colLen(c int) int {
	if c == len(columns) {
		return len(m.groups)
	}
	return len(m.byStatus(c))
}

func (m *Model) clamp() {
	m.col = max(0, min(m.col, len(columns)))
	m.row = max(0, min(m.row, m.colLen(m.col)-1))
}

// current is the incident under the board cursor.
func (m *Model) current() (domain.Incident, bool) {
	if m.col >= len(columns) {
		return domain.Incident{}, false
	}
	incs := m.byStatus(m.col)
	if m.row < 0 || m.row >= len(incs) {
		return domain.Incident{}, false
	}
	return incs[m.row], true
}

func (m *Model) currentAlert() (crisis.AlertGroup, bool) {
	if m.col != len(columns) || m.row < 0 || m.row >= len(m.groups) {
		return crisis.AlertGroup{}, false
	}
	return m.groups[m.row], true
}

// target is the incident keys act on: the open one, or the card under the
// cursor.
func (m *Model) target() (domain.Incident, bool) {
	if m.view != nil {
		return m.view.inc, m.view.loaded && m.view.err == nil
	}
	return m.current()
}

func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	if m.dlg != nil {
		return m.onDialogKey(k)
	}
	km := m.keys
	if m.view != nil {
		return m.onViewKey(k)
	}
	switch {
	case key.Matches(k, km.Left):
		m.col = max(0, m.col-1)
		m.clamp()
	case key.Matches(k, km.Right):
		m.col = min(len(columns), m.col+1)
		m.clamp()
	case key.Matches(k, km.Up):
		m.row = max(0, m.row-1)
	case key.Matches(k, km.Down):
		m.row = min(m.colLen(m.col)-1, m.row+1)
		m.clamp()
	case key.Matches(k, km.Alerts):
		m.col, m.row = len(columns), 0
		m.clamp()
	case key.Matches(k, km.Open):
		if inc, ok := m.current(); ok {
			return m.open(inc.ID)
		}
		if _, ok := m.currentAlert(); ok {
			return m.declareAlert()
		}
	case key.Matches(k, km.Declare):
		if _, ok := m.currentAlert(); ok {
			return m.declareAlert()
		}
		return pane.Toast("move to an alert (a, or → past learning) to declare from it; e in the inbox declares from mentions")
	case key.Matches(k, km.Dismiss):
		g, ok := m.currentAlert()
		if !ok {
			return nil
		}
		m.pending.dismiss = g.IDs()
		title := "Dismiss this alert?"
		if len(g.Alerts) > 1 {
			title = fmt.Sprintf("Dismiss these %s (%s)?", words.Plural(len(g.Alerts), "alert"), g.Kinds())
		}
		m.dlg = newPicker(stepDismiss, title, []choice{
			{"Dismiss: a false alarm", "false alarm"},
			{"Dismiss: not about us", "not about us"},
			{"Dismiss: handled elsewhere", "handled elsewhere"},
			{"Keep it", ""},
		})
	case key.Matches(k, km.Update) && m.col == len(columns) && len(m.dismissed) > 0:
		ids, s, actor := m.dismissed, m.sess.Store, m.sess.Actor
		m.dismissed = nil
		return func() tea.Msg {
			err := s.RestoreAlerts(actor, ids)
			return doneMsg{text: "brought back " + words.Plural(len(ids), "dismissed alert"), err: err}
		}
	case key.Matches(k, km.Hijack):
		g, ok := m.currentAlert()
		if !ok || !crisis.IsAccount(g.Lead) {
			return pane.Toast("move to an alert about a brand account (a post switchboard did not send, a profile change) to act on it")
		}
		m.pending.hijack = g.Lead
		m.dlg = newPicker(stepHijack, "Possible account takeover: "+safetext.Truncate(g.Lead.Reason, 200, "…"), []choice{
			{"Pause all sending and declare a SEV1 security incident", "both"},
			{"Only pause all sending", "pause"},
			{"Cancel", ""},
		})
	case key.Matches(k, km.New):
		return m.startEscalate(nil)
	default:
		return m.onIncidentKey(k)
	}
	return nil
}

// onIncidentKey handles keys that act on the target incident from the
// board or the incident view.
func (m *Model) onIncidentKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.keys
	inc, ok := m.target()
	if !ok {
		return nil
	}
	s, actor := m.sess.Store, m.sess.Actor
	set := func(field, value, text string) tea.Cmd {
		return func() tea.Msg {
			_, err := s.UpdateIncident(actor, inc.ID, field, value)
			return result(err, text, inc.ID+" is already "+value)
		}
	}
	switch {
	case key.Matches(k, km.Forward), key.Matches(k, km.Back):
		i := statusIndex(inc.Status)
		if key.Matches(k, km.Forward) {
			i++
		} else {
			i--
		}
		if i < 0 || i >= len(columns) {
			return nil
		}
		if m.view == nil {
			m.col, m.row = i, 0
		}
		return set(store.FieldStatus, string(columns[i]), inc.ID+" → "+string(columns[i]))
	case key.Matches(k, km.SevUp), key.Matches(k, km.SevDown):
		sev := inc.Severity
		if key.Matches(k, km.SevUp) {
			sev--
		} else {
			sev++
		}
		if sev < domain.Sev1 || sev > domain.Sev4 {
			return nil
		}
		return set(store.FieldSeverity, sev.String(), inc.ID+" is "+sev.String())
	case key.Matches(k, km.Holding):
		return m.holding(inc)
	case key.Matches(k, km.Mentions):
		if len(inc.Mentions) == 0 {
			return pane.Toast(inc.ID + " has no linked mentions yet: e on mentions in the inbox links them")
		}
		expr := "incident:" + inc.ID
		return func() tea.Msg { return pane.ShowMentionsMsg{Expr: expr} }
	}
	return nil
}

func quiet(err error) error {
	if errors.Is(err, store.ErrNoChange) {
		return nil
	}
	return err
}

// scenarioPhrase says what an incident of scenario sc is: "a security
// incident", "an incident of another kind" (other).
func scenarioPhrase(sc string) string {
	switch {
	case sc == string(domain.ScenarioOther):
		return "an incident of another kind"
	case sc != "" && strings.ContainsRune("aeiou", rune(sc[0])):
		return "an " + sc + " incident"
	}
	return "a " + sc + " incident"
}

// result is the toast of a change: text when it changed something,
// "nothing changed: " and same when it was so already, else the error.
func result(err error, text, same string) doneMsg {
	if errors.Is(err, store.ErrNoChange) {
		return doneMsg{text: "nothing changed: " + same}
	}
	return doneMsg{text: text, err: err}
}

func statusIndex(st domain.IncidentStatus) int {
	for i, c := range columns {
		if c == st {
			return i
		}
	}
	return 0
}

func (m *Model) onViewKey(k tea.KeyPressMsg) tea.Cmd {
	km := m.keys
	v := m.view
	s, actor := m.sess.Store, m.sess.Actor
	switch {
	case key.Matches(k, km.Close):
		m.view = nil
		return nil
	case key.Matches(k, km.Up), key.Matches(k, km.Down):
		if v.loaded && v.err == nil {
			m.moveLeft(key.Matches(k, km.Down))
		}
	case key.Matches(k, km.ScrollUp), key.Matches(k, km.ScrollDown):
		if !v.loaded || v.err != nil {
			return nil
		}
		lay := m.layoutIncident()
		step, most := max(1, (lay.tlH-1)/2), m.tlMaxScroll(lay)
		if key.Matches(k, km.ScrollUp) {
			v.scroll = min(most, v.scroll+step)
		} else {
			v.scroll = max(0, min(most, v.scroll)-step)
		}
	case key.Matches(k, km.Tick):
		if !v.loaded || v.sel >= len(v.inc.Checklist) {
			return nil
		}
		i, done, id := v.sel, !v.inc.Checklist[v.sel].Done, v.id
		return func() tea.Msg {
			_, err := s.TickChecklist(actor, id, i, done)
			return doneMsg{err: quiet(err)}
		}
	case key.Matches(k, km.Update):
		m.dlg = newInput(stepUpdate, "Status update on "+v.id+" (resets the update reminder)", "")
	case key.Matches(k, km.Note):
		m.dlg = newInput(stepNote, "Note on "+v.id, "")
	case key.Matches(k, km.Summary):
		m.dlg = newInput(stepSummary, "Summary of "+v.id, v.inc.Summary)
	case key.Matches(k, km.AddItem):
		m.dlg = newInput(stepAddItem, "New checklist item for "+v.id, "")
	case key.Matches(k, km.Impact):
		m.dlg = newInput(stepImpact, "Impact of "+v.id+" (who and what was affected; the post-mortem's Impact)", v.inc.Impact)
	case key.Matches(k, km.EditTitle):
		m.dlg = newInput(stepEditTitle, "Title of "+v.id, v.inc.Title)
	case key.Matches(k, km.Scenario):
		var items []choice
		sel := 0
		for i, sc := range domain.Scenarios {
			label := string(sc)
			if sc == v.inc.Scenario {
				label, sel = label+" (now)", i
			}
			items = append(items, choice{label, string(sc)})
		}
		m.dlg = newPicker(stepEditScenario, "Scenario of "+v.id+" (its playbook's missing items join the checklist)", items)
		m.dlg.sel = sel
	case key.Matches(k, km.Copy):
		if !v.loaded || v.err != nil {
			return nil
		}
		id, ctx, now := v.id, m.sess.Ctx, m.sess.Now()
		return func() tea.Msg {
			r, err := crisis.PostMortem(ctx, s, id, crisis.ReportOptions{Now: now})
			if err != nil {
				return postMortemMsg{id: id, err: err}
			}
			return postMortemMsg{id: id, md: r.Markdown()}
		}
	case key.Matches(k, km.Role):
		items := []choice{{"lead · " + orNone(v.inc.Lead), store.FieldLead}}
		for _, r := range domain.IncidentRoles {
			items = append(items, choice{r + " · " + orNone(v.inc.Roles[r]), r})
		}
		m.dlg = newPicker(stepRole, "Hand a role over on "+v.id, items)
	default:
		return m.onIncidentKey(k)
	}
	return nil
}

// moveLeft moves the checklist cursor a step; past the last item (or
// with no checklist) it scrolls the left column (roles, war room, linked
// mentions) half a page at a time, and back up to the last item.
func (m *Model) moveLeft(down bool) {
	v := m.view
	n := len(v.inc.Checklist)
	lay := m.layoutIncident()
	step := max(1, lay.bodyH/2)
	top := m.leftTop(lay)
	switch {
	case down && v.sel < n-1:
		v.sel++
	case down:
		if m.leftMoreBelow(lay) {
			v.sel = n
			v.lscroll = min(pane.MaxTop(len(lay.left), lay.bodyH), top+step)
			return
		}
	case v.sel >= n && top > 0:
		v.lscroll = max(0, top-step)
		if n > 0 {
			last := lay.items[n-1]
			if from, to := pane.Window(len(lay.left), lay.bodyH, v.lscroll); from <= last[0] && last[1] <= to {
				v.sel = n - 1
			}
		}
		return
	default:
		v.sel = max(0, min(n-1, v.sel-1))
	}
	lay = m.layoutIncident() // the selected item is drawn highlighted
	v.lscroll = m.leftTop(lay)
}

func orNone(s string) string {
	if s == "" {
		return "vacant"
	}
	return s
}

// postable are the platforms the brand's account can post a holding
// statement on (a Reddit post needs a subreddit, news has no account).
var postable = []domain.Platform{domain.PlatformX, domain.PlatformMastodon, domain.PlatformBluesky}

// holdingAuthors is the holding picker's choice of drafts to the authors.
const holdingAuthors = "authors"

// holding asks where the scenario's holding statement for the severity
// goes: into the composer as a post on the brand's own account (on a
// platform of the linked mentions, or any when none is linked), or as a
// draft reply to each affected author. Never as a reply to the impostor.
func (m *Model) holding(inc domain.Incident) tea.Cmd {
	if m.opts.PackErr != nil {
		return pane.ToastError("no holding statement: the policy pack does not load: " + policy.Summary(m.opts.PackErr))
	}
	text := crisis.Holding(m.opts.Pack, inc.Scenario, inc.Severity)
	if text == "" {
		return pane.ToastError("the policy pack has no holding statement for " + string(inc.Scenario))
	}
	var ps []domain.Platform
	for _, k := range inc.Mentions {
		if p, _, _ := domain.SplitMentionKey(k); slices.Contains(postable, p) && !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		ps = postable
	}
	var items []choice
	for _, p := range ps {
		items = append(items, choice{"Post on the brand's " + string(p) + " account (replies to no one)", string(p)})
	}
	if len(inc.Mentions) > 0 {
		items = append(items, choice{"Draft it as a reply to each affected author (never the impostor)", holdingAuthors})
	}
	m.pending.holding, m.pending.incident = text, inc
	m.dlg = newPicker(stepHolding, "Holding statement of "+inc.ID, items)
	return nil
}

// declareAlert declares an incident from the alert under the cursor with
// the suggested title, scenario and severity, and opens it.
func (m *Model) declareAlert() tea.Cmd {
	g, ok := m.currentAlert()
	if !ok {
		return nil
	}
	s, actor, pack := m.sess.Store, m.sess.Actor, m.opts.Pack
	return func() tea.Msg {
		inc, err := crisis.DeclareFromGroup(s, pack, actor, g, store.IncidentSpec{})
		if err != nil {
			return doneMsg{err: err}
		}
		_ = s.DismissAlerts(actor, g.IDs(), "declared "+inc.ID)
		return doneMsg{text: fmt.Sprintf("declared %s %s from the alert; + and - change severity", inc.ID, inc.Severity), open: inc.ID}
	}
}

// startEscalate asks where mentions go: a new incident or an open one.
func (m *Model) startEscalate(ms []domain.Mention) tea.Cmd {
	m.pending.mentions = ms
	items := []choice{{"＋ New incident…", ""}}
	for _, inc := range m.incidents {
		if crisis.Open(inc) {
			items = append(items, choice{fmt.Sprintf("%s %s %s · %s", inc.ID, crisis.SeveritySymbol(inc.Severity), inc.Severity, inc.Title), inc.ID})
		}
	}
	if len(ms) == 0 {
		return m.askTitle()
	}
	m.dlg = newPicker(stepEscalate, "Escalate "+words.Plural(len(ms), "mention")+" to…", items)
	return nil
}

func (m *Model) askTitle() tea.Cmd {
	title := ""
	if len(m.pending.mentions) > 0 {
		title = strings.Join(strings.Fields(m.pending.mentions[0].Text), " ")
		if r := []rune(title); len(r) > 60 {
			title = string(r[:60]) + "…"
		}
	}
	m.dlg = newInput(stepTitle, "Title of the new incident", title)
	return nil
}

func (m *Model) onDialogKey(k tea.KeyPressMsg) tea.Cmd {
	value, done, cancelled, cmd := m.dlg.update(k)
	if cancelled {
		m.dlg = nil
		return nil
	}
	if !done {
		return cmd
	}
	st := m.dlg.step
	m.dlg = nil
	s, actor, pack := m.sess.Store, m.sess.Actor, m.opts.Pack
	ids := func() []uint64 {
		var out []uint64
		for _, mm := range m.pending.mentions {
			out = append(out, mm.ID)
		}
		return out
	}
	switch st {
	case stepHijack:
		a, pack := m.pending.hijack, m.opts.Pack
		if value == "" || a.ID == "" {
			return nil
		}
		declare := value == "both"
		return func() tea.Msg {
			res, err := crisis.Hijack(s, pack, actor, a, true, declare)
			if err != nil {
				return doneMsg{err: err}
			}
			paused := "sending was already paused"
			if res.Paused {
				paused = "paused all sending"
			}
			if !declare {
				return doneMsg{text: paused + " (P in the Outbox resumes it)"}
			}
			return doneMsg{text: fmt.Sprintf("%s and declared %s %s (security: account compromise)", paused, res.Incident.ID, res.Incident.Severity), open: res.Incident.ID}
		}
	case stepDismiss:
		ids := m.pending.dismiss
		if value == "" || len(ids) == 0 {
			return nil
		}
		m.dismissed = ids
		return func() tea.Msg {
			err := s.DismissAlerts(actor, ids, value)
			return doneMsg{text: fmt.Sprintf("dismissed %s as %s · u brings them back", words.Plural(len(ids), "alert"), value), err: err}
		}
	case stepEscalate:
		if value == "" {
			return m.askTitle()
		}
		id, mids := value, ids()
		return func() tea.Msg {
			inc, err := s.LinkMentions(actor, id, mids)
			if err != nil {
				return doneMsg{err: quiet(err), text: "already linked to " + id}
			}
			return doneMsg{text: fmt.Sprintf("linked %s to %s (%d in all)", words.Plural(len(mids), "mention"), id, len(inc.Mentions)), open: id}
		}
	case stepTitle:
		if value == "" {
			return pane.ToastError("an incident needs a title")
		}
		m.pending.title = value
		var items []choice
		for sev := domain.Sev1; sev <= domain.Sev4; sev++ {
			items = append(items, choice{crisis.SeveritySymbol(sev) + " " + sev.String() + " · update every " + crisis.Age(crisis.UpdateEvery(sev)), sev.String()})
		}
		m.dlg = newPicker(stepSeverity, "Severity", items)
		m.dlg.sel = 2
	case stepSeverity:
		sev, _ := store.ParseSeverity(value)
		m.pending.sev = sev
		var items []choice
		for _, sc := range domain.Scenarios {
			items = append(items, choice{string(sc), string(sc)})
		}
		m.dlg = newPicker(stepScenario, "Scenario (its playbook becomes the checklist)", items)
	case stepScenario:
		spec := store.IncidentSpec{Title: m.pending.title, Severity: m.pending.sev, Scenario: domain.Scenario(value), Lead: actor, Mentions: ids()}
		return func() tea.Msg {
			inc, err := crisis.Declare(s, pack, actor, spec)
			if err != nil {
				return doneMsg{err: err}
			}
			return doneMsg{text: fmt.Sprintf("declared %s %s with %s", inc.ID, inc.Severity, words.Plural(len(inc.Mentions), "mention")), open: inc.ID}
		}
	case stepNote, stepUpdate:
		if m.view == nil || value == "" {
			return nil
		}
		id := m.view.id
		return func() tea.Msg {
			_, err := s.IncidentNote(actor, id, value, st == stepUpdate)
			return doneMsg{err: err}
		}
	case stepSummary, stepImpact, stepEditTitle:
		if m.view == nil {
			return nil
		}
		id := m.view.id
		field := map[step]string{stepSummary: store.FieldSummary, stepImpact: store.FieldImpact, stepEditTitle: store.FieldTitle}[st]
		if field == store.FieldTitle && value == "" {
			return pane.ToastError("an incident needs a title")
		}
		return func() tea.Msg {
			_, err := s.UpdateIncident(actor, id, field, value)
			return result(err, "", "the "+field+" of "+id+" is as it was")
		}
	case stepAddItem:
		if m.view == nil {
			return nil
		}
		if strings.TrimSpace(value) == "" {
			return pane.ToastError("a checklist item needs words")
		}
		id := m.view.id
		return func() tea.Msg {
			_, err := s.AddChecklistItem(actor, id, value)
			return doneMsg{text: "added to the checklist of " + id, err: quiet(err)}
		}
	case stepEditScenario:
		if m.view == nil {
			return nil
		}
		id := m.view.id
		return func() tea.Msg {
			_, added, err := crisis.ChangeScenario(s, pack, actor, id, domain.Scenario(value))
			text := id + " is " + scenarioPhrase(value)
			if added > 0 {
				text += "; " + words.Plural(added, "playbook item") + " added to the checklist"
			}
			return result(err, text, id+" is already "+scenarioPhrase(value))
		}
	case stepHolding:
		text, inc := m.pending.holding, m.pending.incident
		if value != holdingAuthors {
			post := pane.ComposeMsg{Post: domain.Platform(value), Text: text}
			return func() tea.Msg { return post }
		}
		return func() tea.Msg {
			made, imps, err := crisis.OfferHolding(s, actor, inc, text)
			msg := fmt.Sprintf("drafted the holding statement as a reply to %s: r on each of %s's mentions reviews and sends it", words.Plural(len(made), "author"), inc.ID)
			if len(imps) > 0 {
				msg += "; none to " + words.Plural(len(imps), "flagged impostor")
			}
			return doneMsg{text: msg, err: err}
		}
	case stepRole:
		m.pending.role = value
		m.dlg = newInput(stepRoleOp, "Who holds "+value+" now? (empty leaves it vacant)", actor)
	case stepRoleOp:
		if m.view == nil {
			return nil
		}
		id, role := m.view.id, m.pending.role
		return func() tea.Msg {
			_, err := s.SetIncidentRole(actor, id, role, value)
			same := value + " already holds " + role
			if value == "" {
				same = role + " is already vacant"
			}
			return result(err, role+" → "+orNone(value), same)
		}
	}
	return nil
}

// collapseLinks shows a run of mentions linked by one operator within one
// minute (declaring from an alert links its samples) as one timeline line,
// "linked N mentions"; the post-mortem export keeps every entry.
func collapseLinks(tl []crisis.Entry) []crisis.Entry {
	out := make([]crisis.Entry, 0, len(tl))
	run := 0 // length of the run ending at out[len(out)-1]
	for _, e := range tl {
		if n := len(out); n > 0 && e.Kind == crisis.EntryMention && strings.HasPrefix(e.Text, "linked ") {
			last := &out[n-1]
			if last.Kind == crisis.EntryMention && last.Actor == e.Actor && strings.HasPrefix(last.Text, "linked ") &&
				e.At.Truncate(time.Minute).Equal(last.At.Truncate(time.Minute)) {
				run++
				last.Text = "linked " + words.Plural(run, "mention")
				continue
			}
		}
		run = 1
		out = append(out, e)
	}
	return out
}
