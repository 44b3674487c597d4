package inbox

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"switchboard/connectors"
	"switchboard/policy"
	"switchboard/safetext"
	"switchboard/store"
	"switchboard/themes"
)

// The conversation in the detail view: a window of the mention's thread
// (store.Thread), one line a message, indented by depth, ours marked and
// the mention itself highlighted. The window is read around the mention
// and grows as j/k (or pgdn/pgup) scroll to its ends, up to threadMax
// messages, dropping the far end: a thread with thousands of replies is
// never read whole to draw the screen. When the thread answers a message
// that is not in the store, the platform is asked for the conversation
// once (Options.FetchThread), and what it gives is stored.

const (
	threadBefore = 10  // messages read before the mention when it opens
	threadAfter  = 60  // from the mention on
	threadStep   = 50  // read at an end when scrolling reaches it
	threadMax    = 300 // the most messages held at once
	// threadRefetch is how long a conversation fetched from the platform
	// is not asked for again in this session.
	threadRefetch = 10 * time.Minute
)

// threadView is the conversation part of the detail view.
type threadView struct {
	key                   string // the mention's key
	loaded                bool
	msgs                  []store.ThreadMessage
	moreBefore, moreAfter bool
	// ancestors are what the mention answers: shown above the window
	// while it does not reach back to them
	ancestors   []store.ThreadMessage
	dm          bool
	person      string
	cycle, deep bool
	loading     bool // a read at an end is on its way
	seq         int  // drops stale reads
	err         error
	// fetch says what asking the platform did ("" before)
	fetch    string
	fetchErr bool
	// top is the line of the detail view the section starts at, lines
	// how many it has, and markTop and markBottom the lines (from top) of
	// its marks of more before and after (-1: none), as last drawn
	top, lines          int
	markTop, markBottom int
}

type (
	// threadMsg is a window read; dir is 0 (a new window), -1 (earlier
	// messages, to put before) or 1 (later ones, to put after).
	threadMsg struct {
		req, seq, dir int
		th            store.Thread
		err           error
	}
	// threadFetchedMsg is what asking the platform did.
	threadFetchedMsg struct {
		req int
		res connectors.ThreadResult
		err error
	}
)

// loadThread reads the window around the open mention.
func (m *Model) loadThread() tea.Cmd {
	d := m.detail
	if d == nil || d.m == nil {
		return nil
	}
	if d.thread == nil || d.thread.key != d.m.Key() {
		d.thread = &threadView{key: d.m.Key()}
	}
	return m.readThread(0, store.ThreadWindow{Before: threadBefore, After: threadAfter})
}

// reloadThread reads the window again where it is (after a change in the
// store), or around the mention when none is loaded.
func (m *Model) reloadThread() tea.Cmd {
	d := m.detail
	if d == nil || d.thread == nil || !d.thread.loaded || len(d.thread.msgs) == 0 {
		return m.loadThread()
	}
	t := d.thread
	return m.readThread(0, store.ThreadWindow{At: t.msgs[0].Key, After: min(len(t.msgs)+1, threadMax)})
}

func (m *Model) readThread(dir int, w store.ThreadWindow) tea.Cmd {
	d := m.detail
	t := d.thread
	t.seq++
	if dir != 0 {
		t.loading = true
	}
	req, seq, key, st := d.req, t.seq, t.key, m.sess.Store
	return func() tea.Msg {
		th, err := st.Thread(key, w)
		if errors.Is(err, store.ErrNotInThread) && w.At != "" {
			// the message it was placed at left the conversation: start again
			th, err = st.Thread(key, store.ThreadWindow{Before: threadBefore, After: threadAfter})
			dir = 0
		}
		return threadMsg{req: req, seq: seq, dir: dir, th: th, err: err}
	}
}

// onThread takes a window read.
func (m *Model) onThread(msg threadMsg) tea.Cmd {
	d := m.detail
	if d == nil || msg.req != d.req || d.thread == nil || msg.seq != d.thread.seq {
		return nil
	}
	t := d.thread
	t.loading = false
	if msg.err != nil {
		t.err = msg.err
		return nil
	}
	t.err = nil
	th := msg.th
	t.dm, t.person, t.cycle, t.deep = th.DM, th.Person, th.Cycle, th.Deep
	if th.Focus == t.key {
		t.ancestors = th.Ancestors
	}
	above := t.before() // lines above the first message, before the change
	switch msg.dir {
	case 0:
		t.msgs, t.moreBefore, t.moreAfter = th.Messages, th.MoreBefore, th.MoreAfter
	case -1:
		t.msgs, t.moreBefore = append(slices.Clone(th.Messages), t.msgs...), th.MoreBefore
		if n := len(t.msgs) - threadMax; n > 0 {
			t.msgs, t.moreAfter = t.msgs[:threadMax], true
		}
		m.keepThreadInView(t.before() - above)
	case 1:
		if len(th.Messages) > 0 {
			t.msgs = append(t.msgs, th.Messages[1:]...) // the first is the last held
		}
		t.moreAfter = th.MoreAfter
		if n := len(t.msgs) - threadMax; n > 0 {
			t.msgs, t.moreBefore = slices.Clone(t.msgs[n:]), true
			m.keepThreadInView(t.before() - above - n)
		}
	}
	first := !t.loaded
	t.loaded = true
	if first && th.RootMissing && !th.DM {
		return m.fetchThread()
	}
	return nil
}

// before counts the lines of the section above its first message.
func (t *threadView) before() int {
	if t.moreBefore {
		return 1 + len(t.pinned())
	}
	return 0
}

// pinned are the mention's ancestors the window does not hold.
func (t *threadView) pinned() []store.ThreadMessage {
	if !t.moreBefore || len(t.ancestors) == 0 {
		return nil
	}
	in := make(map[string]bool, len(t.msgs))
	for _, m := range t.msgs {
		in[m.Key] = true
	}
	var out []store.ThreadMessage
	for _, a := range t.ancestors {
		if !in[a.Key] {
			out = append(out, a)
		}
	}
	return out
}

// keepThreadInView moves the detail's scroll by delta lines when the
// screen's top is inside the section below where lines came or went, so
// what is on screen stays where it is.
func (m *Model) keepThreadInView(delta int) {
	d := m.detail
	if t := d.thread; t.markTop >= 0 && d.scroll > t.top+t.markTop {
		d.scroll = max(t.top+t.markTop, d.scroll+delta)
	}
}

// threadScrolled reads more of the conversation when a scroll brought
// one of the window's ends on screen.
func (m *Model) threadScrolled(up bool) tea.Cmd {
	d := m.detail
	if d == nil || d.thread == nil || !d.thread.loaded || d.thread.loading || len(d.thread.msgs) == 0 {
		return nil
	}
	t := d.thread
	switch {
	case up && t.moreBefore && t.markTop >= 0 && d.scroll <= t.top+t.markTop:
		return m.readThread(-1, store.ThreadWindow{At: t.msgs[0].Key, Before: threadStep})
	case !up && t.moreAfter && t.markBottom >= 0 && d.scroll+m.h > t.top+t.markBottom:
		return m.readThread(1, store.ThreadWindow{At: t.msgs[len(t.msgs)-1].Key, After: threadStep + 1})
	}
	return nil
}

// fetchThread asks the platform for the conversation, once in a while per
// mention.
func (m *Model) fetchThread() tea.Cmd {
	d := m.detail
	if m.opts.FetchThread == nil || d == nil || d.m == nil {
		return nil
	}
	key := d.m.Key()
	if at, ok := m.threadFetched[key]; ok && m.sess.Now().Sub(at) < threadRefetch {
		return nil
	}
	if m.threadFetched == nil {
		m.threadFetched = map[string]time.Time{}
	}
	m.threadFetched[key] = m.sess.Now()
	d.thread.fetch = "asking " + string(d.m.Platform) + " for the rest of the conversation…"
	req, mm, fetch, ctx := d.req, *d.m, m.opts.FetchThread, m.sess.Ctx
	return func() tea.Msg {
		res, err := fetch(ctx, mm)
		return threadFetchedMsg{req: req, res: res, err: err}
	}
}

// onThreadFetched says what the platform gave and reads the window again.
func (m *Model) onThreadFetched(msg threadFetchedMsg) tea.Cmd {
	d := m.detail
	if d == nil || msg.req != d.req || d.thread == nil {
		return nil
	}
	t := d.thread
	t.fetchErr = false
	switch {
	case errors.Is(msg.err, connectors.ErrNoThreadFetcher):
		t.fetch = ""
		return nil
	case msg.err != nil:
		t.fetch, t.fetchErr = "✗ could not fetch the conversation: "+msg.err.Error(), true
		return nil
	case msg.res.New > 0:
		t.fetch = fmt.Sprintf("fetched %s from %s (stored: it reads offline now)", plural(msg.res.New, "message"), msg.res.Connector)
	default:
		t.fetch = msg.res.Connector + " has nothing more of this conversation"
	}
	if len(msg.res.Missing) > 0 {
		t.fetch += fmt.Sprintf(" · %s no longer there (deleted, or not visible to the account)", plural(len(msg.res.Missing), "message"))
	}
	return m.reloadThread()
}

// threadSection draws the conversation: a title, the window's messages
// one a line and a mark at each end with more beyond it. It returns
// nothing for a mention alone in its conversation.
func (m *Model) threadSection(st *themes.Styles, w int) []string {
	d := m.detail
	t := d.thread
	if t == nil || !t.loaded {
		if d.parent != nil { // while the thread is read: what it answers
			return []string{st.Detail.Section.Render("In reply to"),
				st.Detail.Event.Render(safetext.Truncate(d.parent.Author.Handle+": "+d.parent.Text, w, "…")), ""}
		}
		return nil
	}
	if t.err != nil {
		return []string{st.Inbox.Error.Render(safetext.Truncate("✗ the conversation: "+t.err.Error(), w, "…")), ""}
	}
	if len(t.msgs) <= 1 && !t.moreBefore && !t.moreAfter && t.fetch == "" {
		return nil
	}
	title := "Conversation"
	if t.dm {
		title = "Direct messages with " + safetext.Line(t.person) + ", oldest first"
	}
	if t.cycle {
		title += " (its replies loop back: shown from where the loop closes)"
	}
	if t.deep {
		title += fmt.Sprintf(" (more than %d messages up: shown from there)", store.MaxAncestors)
	}
	lines := []string{st.Detail.Section.Render(safetext.Truncate(title, w, "…"))}
	if t.fetch != "" {
		style := st.Detail.Event
		if t.fetchErr {
			style = st.Inbox.Error
		}
		lines = append(lines, style.Render(safetext.Truncate("  "+t.fetch, w, "…")))
	}
	now := m.sess.Now()
	t.markTop, t.markBottom = -1, -1
	if t.moreBefore {
		for _, a := range t.pinned() {
			lines = append(lines, threadLine(st, a, w, now))
		}
		t.markTop = len(lines)
		lines = append(lines, st.Detail.Event.Render("  ⋯ earlier messages (k at the top reads them)"))
	}
	for _, msg := range t.msgs {
		lines = append(lines, threadLine(st, msg, w, now))
	}
	if t.moreAfter {
		t.markBottom = len(lines)
		lines = append(lines, st.Detail.Event.Render("  ⋯ later messages (j reads them)"))
	}
	return append(lines, "")
}

// threadLine is one message: indent, mark, age, who and the text on one
// line, cut to the width.
func threadLine(st *themes.Styles, msg store.ThreadMessage, w int, now time.Time) string {
	depth := msg.Depth
	indent := strings.Repeat("  ", min(depth, max(1, w/6)))
	if depth > max(1, w/6) {
		indent += fmt.Sprintf("[%d]", depth)
	}
	mark := "  "
	if msg.Focus {
		mark = "▶ "
	}
	var text string
	style := st.Detail.Value
	switch {
	case msg.Missing:
		text = "· not in the store (not fetched, or deleted) " + msg.Key
		style = st.Detail.Event
	case msg.Ours != nil:
		text = fmt.Sprintf("%-4s ◆ ours · %s: %s", age(now.Sub(msg.Ours.SentAt)), msg.SentBy, policy.StripOverrides(msg.Ours.Text))
		style = st.Inbox.Selected
	default:
		mm := msg.Mention
		text = fmt.Sprintf("%-4s %s: %s", age(now.Sub(mm.CreatedAt)), mm.Author.Handle, mm.Text)
	}
	if msg.Focus {
		style = st.Inbox.Cursor
	}
	return style.Render(safetext.Truncate(indent+mark+text, w, "…"))
}
