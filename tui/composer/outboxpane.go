package composer

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"switchboard/domain"
	"switchboard/keymap"
	"switchboard/policy"
	"switchboard/reply"
	"switchboard/safetext"
	"switchboard/store"
	"switchboard/tui/pane"
)

// OutboxKeyMap is the Outbox pane's keys.
type OutboxKeyMap struct {
	Up, Down, Approve, Reject, Retry, Cancel, Pause, Mine, Confirm, Back key.Binding
}

// DefaultOutboxKeyMap is the Outbox pane's keys as the README documents them.
func DefaultOutboxKeyMap() OutboxKeyMap { return NewOutboxKeyMap(nil) }

// NewOutboxKeyMap is the Outbox pane's keys with the config's remaps
// (package keymap names them outbox.approve …).
func NewOutboxKeyMap(k keymap.Keys) OutboxKeyMap {
	b := k.Binding
	return OutboxKeyMap{
		Up:      b("outbox.up"),
		Down:    b("outbox.down"),
		Approve: b("outbox.approve"),
		Reject:  b("outbox.reject"),
		Retry:   b("outbox.retry"),
		Cancel:  b("outbox.cancel"),
		Pause:   b("outbox.pause"),
		Mine:    b("outbox.mine"),
		Confirm: b("outbox.confirm"),
		Back:    b("outbox.back"),
	}
}

// Outbox is the approval queue and the send queue: drafts waiting for
// approval (with their findings and the mention they answer), and every
// draft queued, sending, failed or of unknown fate, with the pause switch.
// `m` narrows it to "Needs my approval": the drafts waiting for an
// approval the operator can give (someone else's, for roles on their
// approves: list).
type Outbox struct {
	sess    pane.Session
	pack    *policy.Pack
	packErr error
	keys    OutboxKeyMap
	items   []domain.Draft
	cur     int
	mine    bool // the "Needs my approval" view
	pause   store.Pause
	// the mention of the selected draft, loaded with the list
	mentions map[string]domain.Mention
	findings map[string][]policy.Finding // by draft id, checked at load
	err      error
	// input is the comment prompt for approve/reject/pause; "" none
	input   string
	comment []rune
	w, h    int
	seq     int
	// want is a draft to put the cursor on once the list has loaded (a
	// notification's jump)
	want string
}

// OutboxFactory returns the pane factory for tui.Options.Outbox.
//
// packErr is why the configured pack does not load: the pane then says
// so and checks nothing against another pack.
func OutboxFactory(pack *policy.Pack, packErr error) pane.Factory {
	if pack == nil && packErr == nil {
		pack = policy.Default()
	}
	return func(s pane.Session) pane.Pane {
		return &Outbox{sess: s, pack: pack, packErr: packErr, keys: NewOutboxKeyMap(s.Keys)}
	}
}

// shownStates are the drafts the Outbox lists, in this order.
var shownStates = []domain.DraftState{domain.DraftAwaitingApproval, domain.DraftUnknown, domain.DraftFailed,
	domain.DraftSending, domain.DraftQueued, domain.DraftApproved, domain.DraftRejected}

type outboxLoadedMsg struct {
	seq      int
	items    []domain.Draft
	mentions map[string]domain.Mention
	findings map[string][]policy.Finding
	pause    store.Pause
	err      error
}

type outboxDoneMsg struct {
	text string
	err  error
}

func (o *Outbox) load() tea.Cmd {
	o.seq++
	seq, st, pack, mine, actor := o.seq, o.sess.Store, o.pack, o.mine, o.sess.Actor
	return func() tea.Msg {
		msg := outboxLoadedMsg{seq: seq, mentions: map[string]domain.Mention{}, findings: map[string][]policy.Finding{}}
		if mine {
			msg.items, msg.err = st.AwaitingApprovalBy(actor)
		} else {
			ds, err := st.Drafts(shownStates...)
			msg.err = err
			for _, want := range shownStates {
				for _, d := range ds {
					if d.State == want {
						msg.items = append(msg.items, d)
					}
				}
			}
		}
		if msg.err != nil {
			return msg
		}
		for _, d := range msg.items {
			m, ok := msg.mentions[d.MentionKey]
			if !ok {
				if got, err := st.GetByKey(d.MentionKey); err == nil {
					m, msg.mentions[d.MentionKey] = got, got
				}
			}
			if pack != nil {
				// the same context as the composer and the outbox: the
				// mention's language picks the language's rules
				ctx := reply.Context(m, d.Visibility, d)
				ctx.Platform = d.Platform
				msg.findings[d.ID] = pack.Check(d.Text, ctx)
			}
		}
		msg.pause, msg.err = st.SendingPause()
		return msg
	}
}

// Init loads the queue.
func (o *Outbox) Init() tea.Cmd { return o.load() }

// Update handles keys, loads and live updates.
func (o *Outbox) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case pane.StylesMsg:
		o.sess.Styles = msg.Styles
	case outboxLoadedMsg:
		if msg.seq == o.seq {
			o.items, o.mentions, o.findings, o.pause, o.err = msg.items, msg.mentions, msg.findings, msg.pause, msg.err
			o.cur = min(o.cur, max(0, len(o.items)-1))
			if want := o.want; want != "" && msg.err == nil {
				o.want = ""
				return o, o.show(want)
			}
		}
	case pane.OpenDraftMsg:
		o.input, o.mine, o.want = "", false, msg.ID
		return o, o.load()
	case pane.StoreMsg:
		if msg.Update.Resync {
			return o, o.load()
		}
		for _, c := range msg.Update.Changes {
			if c.Kind == "draft" || c.Kind == "outbox" || (o.mine && c.Kind == store.ChangeOperator) {
				return o, o.load()
			}
		}
	case outboxDoneMsg:
		if msg.err != nil {
			return o, pane.ToastError(msg.err.Error())
		}
		return o, tea.Batch(pane.Toast(msg.text), o.load())
	case tea.KeyPressMsg:
		return o, o.onKey(msg)
	}
	return o, nil
}

// show puts the cursor on draft id, or says where it went.
func (o *Outbox) show(id string) tea.Cmd {
	for i, d := range o.items {
		if d.ID == id {
			o.cur = i
			return nil
		}
	}
	st := o.sess.Store
	return func() tea.Msg {
		d, err := st.Draft(id)
		if err != nil {
			return pane.ToastMsg{Text: id + ": " + err.Error(), Error: true}
		}
		return pane.ToastMsg{Text: id + " is " + string(d.State) + " now: the Outbox lists it no more"}
	}
}

func (o *Outbox) selected() (domain.Draft, bool) {
	if o.cur < 0 || o.cur >= len(o.items) {
		return domain.Draft{}, false
	}
	return o.items[o.cur], true
}

func (o *Outbox) onKey(k tea.KeyPressMsg) tea.Cmd {
	if o.input != "" {
		return o.onInputKey(k)
	}
	d, ok := o.selected()
	st, actor := o.sess.Store, o.sess.Actor
	do := func(what string, f func() error) tea.Cmd {
		return func() tea.Msg { return outboxDoneMsg{text: what, err: f()} }
	}
	switch {
	case key.Matches(k, o.keys.Up):
		o.cur = max(0, o.cur-1)
	case key.Matches(k, o.keys.Down):
		o.cur = min(max(0, len(o.items)-1), o.cur+1)
	case key.Matches(k, o.keys.Approve), key.Matches(k, o.keys.Reject):
		if !ok || d.State != domain.DraftAwaitingApproval {
			return pane.ToastError("select a draft that is awaiting approval")
		}
		o.input = "approve"
		if key.Matches(k, o.keys.Reject) {
			o.input = "reject"
		}
		o.comment = nil
	case key.Matches(k, o.keys.Pause):
		o.input = "pause"
		o.comment = nil
	case key.Matches(k, o.keys.Mine):
		o.mine = !o.mine
		o.cur = 0
		return o.load()
	case key.Matches(k, o.keys.Retry):
		if !ok {
			return nil
		}
		id := d.ID
		return do(id+" is back in the queue", func() error { _, err := st.RetryDraft(actor, id); return err })
	case key.Matches(k, o.keys.Cancel):
		if !ok {
			return nil
		}
		id := d.ID
		return do(id+" cancelled", func() error { _, err := st.CancelDraft(actor, id); return err })
	}
	return nil
}

func (o *Outbox) onInputKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, o.keys.Back):
		o.input = ""
		return nil
	case key.Matches(k, o.keys.Confirm):
		what, comment := o.input, strings.TrimSpace(string(o.comment))
		o.input = ""
		st, actor := o.sess.Store, o.sess.Actor
		if what == "pause" {
			paused := !o.pause.Paused
			return func() tea.Msg {
				_, err := st.SetSendingPaused(actor, paused, comment)
				text := "all sending paused"
				if !paused {
					text = "sending resumed"
				}
				return outboxDoneMsg{text: text, err: err}
			}
		}
		d, ok := o.selected()
		if !ok {
			return nil
		}
		return func() tea.Msg {
			var err error
			if what == "approve" {
				_, err = st.Approve(actor, d.ID, d.Version, comment)
				return outboxDoneMsg{text: fmt.Sprintf("%s v%d approved; its author can send it", d.ID, d.Version), err: err}
			}
			_, err = st.Reject(actor, d.ID, d.Version, comment)
			return outboxDoneMsg{text: d.ID + " rejected", err: err}
		}
	case k.String() == "backspace":
		if n := len(o.comment); n > 0 {
			o.comment = o.comment[:n-1]
		}
	default:
		if k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 && len(o.comment) < 500 {
			o.comment = append(o.comment, []rune(clean(k.Text))...)
		}
	}
	return nil
}

// SetSize sets the pane's size.
func (o *Outbox) SetSize(w, h int) { o.w, o.h = w, h }

// ShortHelp is the footer's keys.
func (o *Outbox) ShortHelp() []key.Binding {
	if o.input != "" {
		return []key.Binding{o.keys.Confirm, o.keys.Back}
	}
	return []key.Binding{o.keys.Mine, o.keys.Approve, o.keys.Reject, o.keys.Retry, o.keys.Cancel, o.keys.Pause}
}

// FullHelp is every key.
func (o *Outbox) FullHelp() [][]key.Binding {
	return [][]key.Binding{{o.keys.Up, o.keys.Down, o.keys.Mine}, {o.keys.Approve, o.keys.Reject, o.keys.Retry, o.keys.Cancel, o.keys.Pause}}
}

// Title names the tab.
func (o *Outbox) Title() string { return "Outbox" }

// Badge counts what needs a person: approvals, failures, unknowns.
func (o *Outbox) Badge() string {
	n := 0
	for _, d := range o.items {
		switch d.State {
		case domain.DraftAwaitingApproval, domain.DraftFailed, domain.DraftUnknown:
			n++
		}
	}
	if o.pause.Paused {
		return "⏸"
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprint(n)
}

// Capturing while a comment is being typed.
func (o *Outbox) Capturing() bool { return o.input != "" }

// View lists the queue on the left third and the selected draft below it.
func (o *Outbox) View() string {
	st := o.sess.Styles
	w, h := max(20, o.w), max(6, o.h)
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	if o.pause.Paused {
		text := "⏸ ALL SENDING PAUSED by " + o.pause.By
		if o.pause.Reason != "" {
			text += ": " + o.pause.Reason
		}
		add(st.Warning.Render(safetext.Truncate(text+" — P resumes (leads only)", w, "…")))
	}
	if o.mine {
		add(st.Detail.Section.Render(safetext.Truncate(fmt.Sprintf("◆ Needs my approval (%d) — m shows the whole outbox", len(o.items)), w, "…")))
	}
	if o.err != nil {
		add(st.Inbox.Error.Render(safetext.Truncate("✗ "+o.err.Error(), w, "…")))
	}
	if o.packErr != nil {
		for _, l := range strings.Split(safetext.Wrap("✗ "+PackHeld(o.packErr), w), "\n") {
			add(st.Inbox.Error.Render(l))
		}
	}
	switch {
	case len(o.items) == 0 && o.mine:
		add(st.Inbox.Empty.Render("Nothing needs your approval: no draft waits for a role you approve for (approves: in operators.yaml)."))
	case len(o.items) == 0:
		add(st.Inbox.Empty.Render("Nothing waiting: no draft needs approval and the send queue is empty."))
	}
	listH := min(len(o.items), max(3, h/3))
	start := max(0, min(o.cur-listH/2, len(o.items)-listH))
	for i := start; i < start+listH && i < len(o.items); i++ {
		d := o.items[i]
		m := o.mentions[d.MentionKey]
		row := fmt.Sprintf("%-18s %-6s %-8s %-7s %-10s ", strings.ReplaceAll(string(d.State), "_", " "), d.ID, d.Platform, d.Visibility, safetext.Truncate(d.Author, 10, "…"))
		to := safetext.Line(m.Author.Handle)
		if store.IsPost(d) {
			to = "post on the brand's account"
		}
		row += to + ": " + safetext.Line(d.Text)
		row = safetext.Truncate(row, w-2, "…")
		if i == o.cur {
			add(st.Inbox.Cursor.Render("› " + safetext.Fit(row, w-2)))
		} else {
			add("  " + row)
		}
	}
	if d, ok := o.selected(); ok {
		add(st.Detail.Label.Render(strings.Repeat("─", w)))
		add(o.detail(d, w)...)
	}
	if o.input != "" {
		prompt := map[string]string{"approve": "Approve with comment (optional): ", "reject": "Reject — say why: ", "pause": "Pause all sending — reason: "}[o.input]
		if o.input == "pause" && o.pause.Paused {
			prompt = "Resume sending — note: "
		}
		box := st.Dialog.Title.Render(prompt) + st.Dialog.Input.Render(string(o.comment)) + "▏  " + st.Dialog.Hint.Render("enter confirms · esc cancels")
		if len(lines) >= h {
			lines = lines[:h-1]
		}
		add(box)
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:h], "\n")
}

func (o *Outbox) detail(d domain.Draft, w int) []string {
	st := o.sess.Styles
	var out []string
	field := func(label, v string) {
		out = append(out, st.Detail.Label.Render(fmt.Sprintf("%-10s ", label))+st.Detail.Value.Render(safetext.Truncate(v, max(1, w-11), "…")))
	}
	field("draft", fmt.Sprintf("%s v%d by %s, %s %s reply, %s", d.ID, d.Version, d.Author, d.Platform, d.Visibility, strings.ReplaceAll(string(d.State), "_", " ")))
	if d.ApprovalRole != "" {
		a := "needs " + d.ApprovalRole
		if roles, ok := store.Approved(d); ok {
			a = "approved by " + d.ApprovedBy + " for " + strings.Join(roles, ", ")
		}
		field("approval", a)
	}
	if d.ReviewComment != "" {
		field("comment", safetext.Line(d.ReviewComment))
	}
	if d.LastError != "" {
		field("last", safetext.Line(d.LastError))
	}
	if d.Attempts > 0 {
		a := fmt.Sprintf("%d", d.Attempts)
		if !d.NextAttempt.IsZero() && d.State == domain.DraftQueued {
			a += ", next " + d.NextAttempt.Local().Format("15:04:05")
		}
		field("attempts", a)
	}
	if m, ok := o.mentions[d.MentionKey]; ok {
		field("answers", safetext.Line(m.Author.Handle)+": "+safetext.Line(m.Text))
	}
	out = append(out, st.Detail.Section.Render("Text"))
	for _, l := range strings.Split(safetext.Wrap(d.Text, max(10, w-2)), "\n") {
		out = append(out, " "+st.Detail.Body.Render(l))
	}
	if fs := o.findings[d.ID]; len(fs) > 0 {
		out = append(out, st.Detail.Section.Render("Findings"))
		for _, f := range fs {
			mark, style := "! "+string(f.Severity), st.Health.Warn
			if f.Severity == policy.Block {
				mark, style = "✗ block", st.Health.Bad
			} else if f.Severity == policy.Approval {
				mark = "◆ needs " + f.Role
				if f.Approved {
					mark, style = "✓ approved", st.Health.OK
				}
			}
			out = append(out, style.Render(safetext.Truncate(" "+mark+" "+f.RuleID+": "+safetext.Line(f.Message), w, "…")))
		}
	}
	return out
}

var _ pane.Pane = (*Outbox)(nil)
