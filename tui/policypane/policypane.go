// Package policypane is the policy pane (`3`) of switchboard's TUI: the
// team's rule pack grouped by risk area with its examples, the guidelines
// rendered as Markdown, and a scratchpad whose findings update as you type.
//
// Checking never happens in Update: an edit starts a short debounce tick
// tagged with a request id; when the tick of the latest id fires, a
// tea.Cmd runs policy.Check and the platform's length counter and returns
// the result with its id; results of any older id are dropped.
package policypane

import (
	"context"
	"fmt"
	"sort"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"switchboard/domain"
	"switchboard/internal/words"
	"switchboard/policy"
	"switchboard/policy/textlen"
	"switchboard/themes"
	"switchboard/tui/pane"
)

// DefaultDebounce is how long typing must pause before the draft is
// checked.
const DefaultDebounce = 120 * time.Millisecond

// Platforms are the contexts `p` cycles through, in order.
var Platforms = []domain.Platform{
	domain.PlatformX, domain.PlatformMastodon, domain.PlatformBluesky, domain.PlatformReddit, "generic",
}

// Options configure a pane.
type Options struct {
	// Pack is the rule pack; nil with Err shows why it could not be loaded.
	Pack *policy.Pack
	// Source names where the pack came from ("built-in" or a path).
	Source string
	// Err is a pack that failed to load (its problems are shown).
	Err error
	// Debounce overrides DefaultDebounce (tests use 0).
	Debounce time.Duration
}

// Model is the policy pane of one session.
type Model struct {
	sess     pane.Session
	st       *themes.Styles
	keys     KeyMap
	opts     Options
	pack     *policy.Pack
	debounce time.Duration

	w, h    int
	ta      textarea.Model
	editing bool

	platform   int // index in Platforms
	private    bool
	reply      bool
	seq        uint64 // id of the latest check request
	checked    string // the text the findings were computed for
	findings   []policy.Finding
	count      textlen.Count
	haveResult bool
	sel        int

	tab    int // 0 rules, 1 guidelines
	scroll int
	// side caches the right column's lines by width and styles.
	side      [2][]string
	sideW     int
	sideStyle *themes.Styles
}

// debounceMsg fires when typing paused; only the latest id is checked.
type debounceMsg struct{ id uint64 }

// resultMsg is the outcome of checking the draft of request id.
type resultMsg struct {
	id       uint64
	text     string
	findings []policy.Finding
	count    textlen.Count
}

// New builds the pane for a session.
func New(sess pane.Session, opts Options) *Model {
	m := &Model{sess: sess, st: sess.Styles, keys: NewKeyMap(sess.Keys), opts: opts, pack: opts.Pack, debounce: opts.Debounce}
	if m.debounce < 0 {
		m.debounce = 0
	}
	if m.sess.Now == nil {
		m.sess.Now = time.Now
	}
	if m.sess.Ctx == nil {
		m.sess.Ctx = context.Background()
	}
	m.ta = textarea.New()
	m.ta.ShowLineNumbers = false
	m.ta.CharLimit = 10000
	m.ta.Placeholder = "Type a draft to check it against the pack…"
	m.ta.Prompt = "│ "
	m.styleTextarea()
	return m
}

// Factory returns a pane.Factory for the given options.
func Factory(opts Options) pane.Factory {
	return func(s pane.Session) pane.Pane { return New(s, opts) }
}

func (m *Model) styleTextarea() {
	st := m.st
	ss := textarea.StyleState{
		Base: lipgloss.NewStyle(), Text: st.Detail.Body, Placeholder: st.Placeholder,
		Prompt: st.Help.Sep, CursorLine: st.Detail.Body, EndOfBuffer: st.Help.Sep,
		LineNumber: st.Help.Sep, CursorLineNumber: st.Help.Sep, Selection: st.Dialog.ItemActive,
	}
	s := textarea.Styles{Focused: ss, Blurred: ss}
	s.Blurred.Text = st.Inbox.Dim
	s.Cursor = textarea.CursorStyle{Shape: tea.CursorBlock, Blink: false}
	m.ta.SetStyles(s)
}

// Init checks the (empty) draft once so the counter shows.
func (m *Model) Init() tea.Cmd { return m.recheck() }

// Title is the tab name.
func (m *Model) Title() string { return "Policy" }

// Badge is the number of findings in the draft.
func (m *Model) Badge() string {
	if len(m.findings) == 0 {
		return ""
	}
	return fmt.Sprint(len(m.findings))
}

// Capturing is true while the draft is being edited.
func (m *Model) Capturing() bool { return m.editing }

// SetSize sets the pane's size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	lw := m.leftWidth()
	m.ta.SetWidth(max(10, lw))
	m.ta.SetHeight(m.draftHeight())
	m.buildSide()
	m.scrollBy(0)
}

// Context is the check context the pane's keys selected.
func (m *Model) Context() policy.Context {
	c := policy.Context{Platform: Platforms[m.platform], Visibility: domain.VisibilityPublic, Reply: m.reply}
	if m.private {
		c.Visibility = domain.VisibilityPrivate
	}
	return c
}

// Text is the draft.
func (m *Model) Text() string { return m.ta.Value() }

// SetText replaces the draft and asks for a check (tests, and a composer
// handing a draft over).
func (m *Model) SetText(s string) tea.Cmd {
	m.ta.SetValue(s)
	return m.changed()
}

// Findings are the findings of the last check whose result is current.
func (m *Model) Findings() []policy.Finding { return m.findings }

// Count is the platform length count of the last check.
func (m *Model) Count() textlen.Count { return m.count }

// Selected is the index of the selected finding.
func (m *Model) Selected() int { return m.sel }

// Editing reports whether the draft has the keyboard.
func (m *Model) Editing() bool { return m.editing }

// changed starts the debounce for a new request id.
func (m *Model) changed() tea.Cmd {
	m.seq++
	id := m.seq
	if m.debounce == 0 {
		return func() tea.Msg { return debounceMsg{id} }
	}
	return tea.Tick(m.debounce, func(time.Time) tea.Msg { return debounceMsg{id} })
}

// recheck checks at once under a new id (context switched, fix applied).
func (m *Model) recheck() tea.Cmd {
	m.seq++
	return m.check(m.seq)
}

// check runs the pack over the current draft in a Cmd.
func (m *Model) check(id uint64) tea.Cmd {
	if m.pack == nil {
		return nil
	}
	pack, text, ctx, sctx := m.pack, m.ta.Value(), m.Context(), m.sess.Ctx
	return func() tea.Msg {
		if sctx.Err() != nil {
			return nil
		}
		return resultMsg{id: id, text: text, findings: pack.Check(text, ctx), count: pack.LengthFor(ctx.Platform, ctx.Visibility, text)}
	}
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case pane.StylesMsg:
		m.st = msg.Styles
		m.styleTextarea()
		m.buildSide()
		return m, nil
	case debounceMsg:
		if msg.id != m.seq {
			return m, nil // superseded by later typing
		}
		return m, m.check(msg.id)
	case resultMsg:
		if msg.id != m.seq {
			return m, nil // stale: the draft or context changed since
		}
		m.findings, m.count, m.checked, m.haveResult = msg.findings, msg.count, msg.text, true
		if m.sel >= len(m.findings) {
			m.sel = max(0, len(m.findings)-1)
		}
		return m, nil
	case tea.KeyPressMsg:
		if m.pack == nil {
			return m, nil
		}
		if m.editing {
			return m, m.editKey(msg)
		}
		return m, m.browseKey(msg)
	case tea.PasteMsg:
		if m.editing {
			return m, m.taUpdate(msg)
		}
	}
	return m, nil
}

func (m *Model) taUpdate(msg tea.Msg) tea.Cmd {
	before := m.ta.Value()
	var cmd tea.Cmd
	m.ta, cmd = m.ta.Update(msg)
	if m.ta.Value() != before {
		return tea.Batch(cmd, m.changed())
	}
	return cmd
}

func (m *Model) editKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Done):
		m.editing = false
		m.ta.Blur()
		return nil
	case key.Matches(k, m.keys.EditFix):
		return m.applyFix()
	case key.Matches(k, m.keys.EditNext):
		m.moveSel(1)
		return nil
	case key.Matches(k, m.keys.EditPlatform):
		m.platform = (m.platform + 1) % len(Platforms)
		return m.recheck()
	}
	return m.taUpdate(k)
}

func (m *Model) browseKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Edit):
		m.editing = true
		return m.ta.Focus()
	case key.Matches(k, m.keys.NextFinding):
		m.moveSel(1)
	case key.Matches(k, m.keys.PrevFinding):
		m.moveSel(-1)
	case key.Matches(k, m.keys.Fix):
		return m.applyFix()
	case key.Matches(k, m.keys.FixAll):
		return m.applyAll()
	case key.Matches(k, m.keys.Platform):
		m.platform = (m.platform + 1) % len(Platforms)
		return m.recheck()
	case key.Matches(k, m.keys.Visibility):
		m.private = !m.private
		return m.recheck()
	case key.Matches(k, m.keys.Reply):
		m.reply = !m.reply
		return m.recheck()
	case key.Matches(k, m.keys.Tab):
		m.tab = 1 - m.tab
		m.scroll = 0
	case key.Matches(k, m.keys.Up):
		m.scrollBy(-1)
	case key.Matches(k, m.keys.Down):
		m.scrollBy(1)
	case key.Matches(k, m.keys.PageUp):
		m.scrollBy(-max(1, m.bodyHeight()/2))
	case key.Matches(k, m.keys.PageDown):
		m.scrollBy(max(1, m.bodyHeight()/2))
	case key.Matches(k, m.keys.Top):
		m.scroll = 0
	case key.Matches(k, m.keys.Bottom):
		m.scrollBy(1 << 30)
	case key.Matches(k, m.keys.Clear):
		if m.ta.Value() == "" {
			return nil
		}
		m.ta.Reset()
		return m.recheck()
	}
	return nil
}

func (m *Model) moveSel(d int) {
	if n := len(m.findings); n > 0 {
		m.sel = ((m.sel+d)%n + n) % n
	}
}

// current reports whether the findings describe the draft as it is now.
func (m *Model) current() bool { return m.haveResult && m.checked == m.ta.Value() }

// applyFix applies the selected finding's fix.
func (m *Model) applyFix() tea.Cmd {
	if len(m.findings) == 0 {
		return pane.Toast("no finding to fix")
	}
	f := m.findings[m.sel]
	if !f.HasFix {
		return pane.Toast("rule " + f.RuleID + " has no automatic fix: edit the draft")
	}
	text := m.ta.Value()
	fixed := policy.ApplyFix(text, f)
	if fixed == text {
		return pane.Toast("the draft changed since it was checked: wait for the new findings")
	}
	m.ta.SetValue(fixed)
	return tea.Batch(m.recheck(), pane.Toast("applied the fix of "+f.RuleID))
}

// applyAll applies every fix whose span no other applied fix overlaps,
// from the end of the text so earlier spans stay valid.
func (m *Model) applyAll() tea.Cmd {
	if !m.current() {
		return pane.Toast("the draft changed since it was checked: wait for the new findings")
	}
	var fs []policy.Finding
	for _, f := range m.findings {
		if f.HasFix && !f.Overridden {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 {
		return pane.Toast("no finding has an automatic fix")
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Start > fs[j].Start })
	text, n, limit := m.ta.Value(), 0, len(m.ta.Value())+1
	for _, f := range fs {
		if f.End > limit {
			continue // overlaps a fix already applied
		}
		if t := policy.ApplyFix(text, f); t != text {
			text, n, limit = t, n+1, f.Start
		}
	}
	m.ta.SetValue(text)
	return tea.Batch(m.recheck(), pane.Toast("applied "+words.Plural(n, "fix")))
}

// ShortHelp is the footer's help.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.editing {
		return []key.Binding{k.Done, k.EditFix, k.EditNext, k.EditPlatform}
	}
	return []key.Binding{k.Edit, k.NextFinding, k.Fix, k.Platform, k.Visibility, k.Reply, k.Tab}
}

// FullHelp is the `?` help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	if m.editing {
		return [][]key.Binding{{k.Done}, {k.EditFix, k.EditNext, k.EditPlatform}}
	}
	return [][]key.Binding{
		{k.Edit, k.Clear, k.NextFinding, k.PrevFinding},
		{k.Fix, k.FixAll},
		{k.Platform, k.Visibility, k.Reply},
		{k.Tab, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
	}
}
