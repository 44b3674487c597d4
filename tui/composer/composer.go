// Package composer is the reply composer (`r` on a mention) and the
// Outbox pane (approval queue, send queue, pause switch).
//
// The composer holds two replies to one mention: a short public
// acknowledgement, prefilled from the policy pack's templates with the
// author filled in, and a private message; tab switches between them.
// Each is a draft in the store, saved as the operator types (at most
// SaveEvery of typing is ever lost), checked against the pack after a
// pause in typing (in a Cmd, stale answers dropped), with a per-platform
// counter, findings listed, their spans highlighted, and a fix applied by
// key. A block finding disables sending and says why; an approval finding
// turns "send" into "ask for approval".
package composer

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"switchboard/domain"
	"switchboard/internal/words"
	"switchboard/keymap"
	"switchboard/policy"
	"switchboard/policy/textlen"
	"switchboard/reply"
	"switchboard/safetext"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui/pane"
)

// Options tune the composer.
type Options struct {
	// Pack checks the drafts (policy.Default() if nil and PackErr is nil).
	Pack *policy.Pack
	// PackErr is why the team's configured pack does not load: then
	// nothing is checked against another pack and nothing can be queued
	// until it loads.
	PackErr error
	// Debounce is the pause in typing before a check (default 250 ms).
	Debounce time.Duration
	// SaveEvery bounds how much typing a crash can lose (default 500 ms).
	SaveEvery time.Duration
}

func (o *Options) defaults() {
	if o.Pack == nil && o.PackErr == nil {
		o.Pack = policy.Default()
	}
	if o.Debounce <= 0 {
		o.Debounce = 250 * time.Millisecond
	}
	if o.SaveEvery <= 0 {
		o.SaveEvery = 500 * time.Millisecond
	}
}

// Factory returns the tui.Options.Composer hook.
func Factory(o Options) func(pane.Session, pane.ComposeMsg) pane.Pane {
	o.defaults()
	return func(s pane.Session, msg pane.ComposeMsg) pane.Pane {
		if msg.Post != "" {
			c := New(s, reply.PostOn(msg.Post), o)
			c.post, c.mode, c.initial = true, public, msg.Text
			return c
		}
		c := New(s, msg.Mention, o)
		c.initial = msg.Text
		return c
	}
}

// KeyMap is the composer's keys.
type KeyMap struct {
	Switch, Send, Fix, Template, NewDraft, Public, Close key.Binding
	// NextFinding selects the next policy finding, shown in full.
	NextFinding key.Binding
}

// DefaultKeyMap is the composer's keys as the README documents them.
func DefaultKeyMap() KeyMap { return NewKeyMap(nil) }

// NewKeyMap is the composer's keys with the config's remaps (package
// keymap names them composer.send …).
func NewKeyMap(k keymap.Keys) KeyMap {
	b := k.Binding
	return KeyMap{
		Switch:   b("composer.switch"),
		Send:     b("composer.send"),
		Fix:      b("composer.fix"),
		Template: b("composer.template"),
		NewDraft: b("composer.new_draft"),
		Public:   b("composer.public"),
		Close:    b("composer.close"),
		// the policy pane's key for it while editing
		NextFinding: b("composer.next_finding"),
	}
}

const (
	public  = 0
	private = 1
)

var visOf = [2]domain.Visibility{domain.VisibilityPublic, domain.VisibilityPrivate}

// side is one of the two replies.
type side struct {
	ed       editor
	draft    domain.Draft // ID "" until the first save
	dirty    bool         // typed since the last save began
	saving   bool         // a save is in flight
	tick     bool         // a save tick is scheduled
	saveErr  string
	sendNext bool // send once the save in flight lands
	checkSeq int
	checked  int // the checkSeq the findings are for
	findings []policy.Finding
	sel      int // the finding shown in full (ctrl+o)
	count    textlen.Count
	sent     string // set once queued or sent for approval
}

// Model is the composer of one mention in one session.
type Model struct {
	sess pane.Session
	o    Options
	keys KeyMap
	m    domain.Mention

	mode     int
	sides    [2]*side
	loaded   bool
	others   []domain.Draft // open drafts of this mention not in the editor
	warnNew  bool           // ctrl+n pressed once with drafts open
	cannotDM string         // why a private message failed before
	refused  string         // why this author may not be answered at all (an impostor)
	post     bool           // a post on the brand's account on m.Platform, answering no one
	tpls     []policy.Template
	saved    map[string]domain.SavedReply // the saved replies among tpls, by template id
	picker   *picker                      // ctrl+t: choosing a template
	asker    *asker                       // then filling its fields in turn
	initial  string                       // text to start the public reply with, instead of a template
	notice   string
	bad      bool
	w, h     int
}

// Messages of the composer's commands.
type (
	loadedMsg struct {
		drafts  []domain.Draft
		refused error // the author may not be answered at all
		err     error
	}
	checkTickMsg struct{ side, seq int }
	checkedMsg   struct {
		side, seq int
		findings  []policy.Finding
		count     textlen.Count
	}
	saveTickMsg struct{ side int }
	savedMsg    struct {
		side  int
		draft domain.Draft
		err   error
	}
	sendDoneMsg struct {
		side    int
		draft   domain.Draft
		blocked []policy.Finding
		asked   []string
		err     error
	}
)

// New opens the composer on mention m.
func New(s pane.Session, m domain.Mention, o Options) *Model {
	o.defaults()
	c := &Model{sess: s, o: o, keys: NewKeyMap(s.Keys), m: m, sides: [2]*side{{}, {}}, tpls: reply.Templates(o.Pack, m.Platform)}
	if s.Store != nil {
		if rs, err := s.Store.SavedReplies(); err == nil && len(rs) > 0 {
			c.saved = map[string]domain.SavedReply{}
			for _, r := range rs {
				c.saved[reply.SavedPrefix+r.ID] = r
			}
			c.tpls = append(reply.SavedTemplates(rs, m.Platform), c.tpls...)
		}
	}
	if !reply.CanPrivate(m.Platform) {
		c.mode = public
	}
	return c
}

// PackHeld says that nothing is sent because the configured pack does not
// load, and why.
func PackHeld(err error) string {
	return "the policy pack does not load, so nothing is checked or sent until it is fixed: " + safetext.Line(policy.Summary(err))
}

// Init loads the mention's drafts.
func (c *Model) Init() tea.Cmd {
	st, key := c.sess.Store, c.m.Key()
	m := c.m
	if c.post {
		return func() tea.Msg { return loadedMsg{} }
	}
	return func() tea.Msg {
		ds, err := st.DraftsFor(key)
		return loadedMsg{drafts: ds, refused: refusal(st.CheckRecipient(m)), err: err}
	}
}

func editable(st domain.DraftState) bool {
	switch st {
	case domain.DraftEditing, domain.DraftAwaitingApproval, domain.DraftApproved, domain.DraftRejected, domain.DraftFailed:
		return true
	}
	return false
}

// refusal is err when it refuses the recipient (store.ErrImpostor), else nil.
func refusal(err error) error {
	if errors.Is(err, store.ErrImpostor) {
		return err
	}
	return nil
}

func (c *Model) onLoaded(msg loadedMsg) tea.Cmd {
	c.loaded = true
	if msg.err != nil {
		c.say("could not read this mention's drafts: "+msg.err.Error(), true)
	}
	if msg.refused != nil {
		c.refused = msg.refused.Error()
	}
	// resume this operator's newest editable draft of each kind
	for i := len(msg.drafts) - 1; i >= 0; i-- {
		d := msg.drafts[i]
		if d.Visibility == domain.VisibilityPrivate && d.State == domain.DraftFailed && strings.Contains(d.LastError, "cannot send a private message") && c.cannotDM == "" {
			c.cannotDM = d.LastError
		}
		s := c.sides[sideOf(d.Visibility)]
		if s.draft.ID == "" && d.Author == c.sess.Actor && editable(d.State) {
			s.draft = d
			s.ed.SetText(d.Text)
			continue
		}
		if d.State != domain.DraftSent && d.State != domain.DraftCancelled {
			c.others = append(c.others, d)
		}
	}
	if c.sides[public].draft.ID == "" {
		if c.initial != "" {
			c.sides[public].ed.SetText(c.initial)
		} else {
			c.fillTemplate()
		}
	}
	if c.sides[private].draft.ID != "" && c.sides[public].draft.ID == "" {
		c.mode = private
	}
	if c.sides[public].draft.ID != "" || c.sides[private].draft.ID != "" {
		c.say("resumed your draft; it is saved as you type", false)
	}
	if c.refused != "" {
		c.say(c.refused, true)
	}
	return tea.Batch(c.check(public), c.check(private))
}

func sideOf(v domain.Visibility) int {
	if v == domain.VisibilityPrivate {
		return private
	}
	return public
}

// fillTemplate starts a new public reply with the first template in the
// mention's language when the composer knows every field of it (the
// author); otherwise, and for the rest, ctrl+t picks one.
func (c *Model) fillTemplate() {
	if len(c.tpls) == 0 {
		return
	}
	t := newPicker(c.tpls, c.m.Lang, c.boost).all[0]
	known := c.fields(t)
	for _, f := range t.Fields() {
		if _, ok := known[f]; !ok {
			return
		}
	}
	text, _ := t.Render(known)
	c.sides[public].ed.SetText(text)
}

// preview is a template with the fields the composer knows filled in.
func (c *Model) preview(t policy.Template) string {
	v := c.fields(t)
	for _, f := range t.Fields() {
		if _, ok := v[f]; !ok {
			v[f] = "{{" + f + "}}"
		}
	}
	s, _ := t.Render(v)
	return s
}

// onTemplateKey drives the picker and then the field prompts.
func (c *Model) onTemplateKey(k tea.KeyPressMsg) tea.Cmd {
	if c.picker != nil {
		t, cancelled, cmd := c.picker.key(k)
		switch {
		case cancelled:
			c.picker = nil
		case t != nil:
			c.picker = nil
			c.asker = newAsker(*t, c.fields(*t))
			if c.asker.done() {
				return c.useTemplate()
			}
		}
		return cmd
	}
	finished, cancelled, cmd := c.asker.key(k)
	switch {
	case cancelled:
		c.asker = nil
		c.say("template not used", false)
	case finished:
		return c.useTemplate()
	}
	return cmd
}

func (c *Model) useTemplate() tea.Cmd {
	a := c.asker
	c.asker = nil
	c.sides[c.mode].ed.SetText(a.text())
	c.say("template: "+a.t.Title, false)
	cmd := c.edited(c.mode)
	if r, ok := c.saved[a.t.ID]; ok && c.sess.Store != nil {
		st := c.sess.Store
		c.say("saved reply: "+a.t.Title, false)
		return tea.Batch(cmd, func() tea.Msg { _ = st.ReplyUsed(r.ID); return nil })
	}
	return cmd
}

// boost ranks templates for this mention: saved replies for its tags and
// its team first, then by use; the pack's templates after them.
func (c *Model) boost(t policy.Template) int {
	r, ok := c.saved[t.ID]
	if !ok {
		return 0
	}
	score := 1 + min(r.Uses, 1000)
	for _, tag := range r.Tags {
		if c.m.State.HasTag(tag) {
			score += 1_000_000
		}
	}
	if r.Team != "" && r.Team == c.m.State.Team {
		score += 10_000
	}
	return score
}

// fields are the template values the composer knows (the author); the
// others are asked for when the template is picked.
func (c *Model) fields(t policy.Template) map[string]string {
	v := map[string]string{}
	maps.Copy(v, reply.Fields(c.m))
	return v
}

func (c *Model) say(text string, bad bool) { c.notice, c.bad = text, bad }

// check schedules a debounced policy check of side i.
func (c *Model) check(i int) tea.Cmd {
	s := c.sides[i]
	s.checkSeq++
	seq := s.checkSeq
	return tea.Tick(c.o.Debounce, func(time.Time) tea.Msg { return checkTickMsg{side: i, seq: seq} })
}

func (c *Model) runCheck(i int) tea.Cmd {
	s := c.sides[i]
	text, seq, pack := s.ed.Text(), s.checkSeq, c.o.Pack
	ctx := c.policyContext(i)
	if pack == nil {
		return nil // the pack does not load: the banner says so
	}
	return func() tea.Msg {
		// The counter is the side's own: a private reply is a direct
		// message with the platform's message limit, not a post's.
		return checkedMsg{side: i, seq: seq, findings: pack.Check(text, ctx), count: pack.LengthFor(ctx.Platform, ctx.Visibility, text)}
	}
}

func (c *Model) policyContext(i int) policy.Context {
	return reply.Context(c.m, visOf[i], c.sides[i].draft)
}

// edited notes a change to side i: save soon, check after a pause.
func (c *Model) edited(i int) tea.Cmd {
	s := c.sides[i]
	s.dirty = true
	s.sent = ""
	c.warnNew = false
	var save tea.Cmd
	if !s.tick && !s.saving {
		s.tick = true
		save = tea.Tick(c.o.SaveEvery, func(time.Time) tea.Msg { return saveTickMsg{side: i} })
	}
	return tea.Batch(save, c.check(i))
}

// save writes side i now (a Cmd), unless a save is in flight.
func (c *Model) save(i int) tea.Cmd {
	s := c.sides[i]
	if s.saving || !s.dirty {
		return nil
	}
	s.saving, s.dirty = true, false
	st, actor, d, text, vis := c.sess.Store, c.sess.Actor, s.draft, s.ed.Text(), visOf[i]
	create := c.creator()
	return func() tea.Msg {
		if d.ID == "" {
			nd, err := create(vis, text)
			return savedMsg{side: i, draft: nd, err: err}
		}
		nd, err := st.EditDraft(actor, d.ID, d.Version, vis, text)
		if errors.Is(err, store.ErrNoChange) {
			return savedMsg{side: i, draft: d}
		}
		return savedMsg{side: i, draft: nd, err: err}
	}
}

func (c *Model) onSaved(msg savedMsg) tea.Cmd {
	s := c.sides[msg.side]
	s.saving = false
	if msg.err != nil {
		s.saveErr = msg.err.Error()
		if errors.Is(msg.err, store.ErrStaleDraft) || errors.Is(msg.err, store.ErrDraftState) {
			s.saveErr = "someone else changed this draft meanwhile; your text is kept here — " + c.keys.NewDraft.Help().Key + " saves it as a new draft"
			s.draft = domain.Draft{}
			c.warnNew = true
		}
		s.sendNext = false
		return nil
	}
	s.saveErr = ""
	s.draft = msg.draft
	var cmds []tea.Cmd
	if s.dirty {
		cmds = append(cmds, c.save(msg.side))
	}
	if s.sendNext && !s.dirty {
		s.sendNext = false
		cmds = append(cmds, c.send(msg.side))
	}
	return tea.Batch(cmds...)
}

// creator is how a first save makes the draft: a reply to the mention, or
// a post on the brand's account.
func (c *Model) creator() func(vis domain.Visibility, text string) (domain.Draft, error) {
	st, actor, key, p := c.sess.Store, c.sess.Actor, c.m.Key(), c.m.Platform
	if c.post {
		return func(_ domain.Visibility, text string) (domain.Draft, error) { return st.NewPost(actor, p, text) }
	}
	return func(vis domain.Visibility, text string) (domain.Draft, error) {
		return st.NewDraft(actor, key, vis, text)
	}
}

// blocking is the block findings of side i's last check (approval ones
// aside), or nil.
func (s *side) blocking() []policy.Finding {
	var out []policy.Finding
	for _, f := range s.findings {
		if f.Blocking() && f.Severity != policy.Approval {
			out = append(out, f)
		}
	}
	return out
}

func (s *side) needsApproval() []string {
	var roles []string
	for _, f := range s.findings {
		if f.Blocking() && f.Severity == policy.Approval && !slices.Contains(roles, f.Role) {
			roles = append(roles, f.Role)
		}
	}
	return roles
}

// send saves side i and then queues it, or asks for approval, or says
// what blocks it. The pack decides again inside the Cmd on the exact text
// saved.
func (c *Model) send(i int) tea.Cmd {
	s := c.sides[i]
	if s.saving {
		s.sendNext = true
		return nil
	}
	st, actor, m, d, text, vis, pack := c.sess.Store, c.sess.Actor, c.m, s.draft, s.ed.Text(), visOf[i], c.o.Pack
	if c.o.PackErr != nil {
		return pane.ToastError(PackHeld(c.o.PackErr))
	}
	s.saving, s.dirty = true, false
	return func() tea.Msg {
		res, err := reply.Submit(st, pack, actor, m, d, vis, text)
		return sendDoneMsg{side: i, draft: res.Draft, blocked: res.Blocked, asked: res.Asked, err: err}
	}
}

func (c *Model) onSendDone(msg sendDoneMsg) tea.Cmd {
	s := c.sides[msg.side]
	s.saving = false
	if msg.draft.ID != "" {
		s.draft = msg.draft
	}
	what := [2]string{"public reply", "private message"}[msg.side]
	if c.post {
		what = "post on the brand's " + string(c.m.Platform) + " account"
	}
	switch {
	case msg.err != nil:
		if refusal(msg.err) != nil {
			c.refused = msg.err.Error()
		}
		c.say("not sent: "+msg.err.Error(), true)
		return nil
	case len(msg.blocked) > 0:
		s.findings, s.sel = msg.blocked, 0
		c.say("not sent: "+blockReason(msg.blocked), true)
		return nil
	case len(msg.asked) > 0:
		s.sent = "waiting for approval by " + strings.Join(msg.asked, ", ")
		c.say(what+" "+s.draft.ID+" went to the approval queue of "+strings.Join(msg.asked, ", ")+"; once approved, "+c.keys.Send.Help().Key+" here (or switchboard drafts queue "+s.draft.ID+") sends it", false)
	default:
		s.sent = "queued"
		c.say(what+" "+s.draft.ID+" queued; it goes out as soon as the platform takes it (Outbox, 4)", false)
	}
	// the other side still has unsent words: stay, and go there
	o := 1 - msg.side
	if c.sides[o].draft.ID != "" && c.sides[o].sent == "" && strings.TrimSpace(c.sides[o].ed.Text()) != "" {
		c.mode = o
		return nil
	}
	note := c.notice
	return tea.Batch(pane.Toast(note), func() tea.Msg { return pane.FocusMsg{Index: -1} })
}

func blockReason(fs []policy.Finding) string {
	var ids []string
	for _, f := range fs {
		if !slices.Contains(ids, f.RuleID) {
			ids = append(ids, f.RuleID)
		}
	}
	n := len(fs)
	if n == 1 {
		return "the policy blocks it (" + ids[0] + ": " + safetext.Line(fs[0].Message) + ")"
	}
	return fmt.Sprintf("the policy blocks it: %s (%s)", words.Plural(n, "finding"), strings.Join(ids, ", "))
}

// fix applies the first blocking finding's fix, or the first fix of any
// finding; a block finding without a fix has its flagged words cut.
func (c *Model) fix() tea.Cmd {
	s := c.sides[c.mode]
	f, ok := c.fixable(s)
	if !ok {
		c.say("nothing to fix", false)
		return nil
	}
	text := s.ed.Text()
	var nt string
	if f.HasFix {
		nt = policy.ApplyFix(text, f)
	} else if f.Start >= 0 && f.End <= len(text) && f.Start < f.End {
		nt = strings.Join(strings.Fields(text[:f.Start]+text[f.End:]), " ")
		if strings.Contains(text, "\n") {
			nt = text[:f.Start] + text[f.End:]
		}
	}
	if nt == "" || nt == text {
		c.say("that fix no longer applies; the check runs again", false)
		return c.check(c.mode)
	}
	s.ed.SetText(nt)
	c.say("applied: "+fixLabel(f), false)
	return c.edited(c.mode)
}

func (c *Model) fixable(s *side) (policy.Finding, bool) {
	if s.checked != s.checkSeq && c.o.Pack != nil {
		// the findings are for older text and the debounced check has not
		// run yet: a check takes microseconds, so run it now rather than
		// answer "nothing to fix" about text the operator can see
		i := c.mode
		ctx := c.policyContext(i)
		text := s.ed.Text()
		s.findings, s.count, s.checked = c.o.Pack.Check(text, ctx), c.o.Pack.LengthFor(ctx.Platform, ctx.Visibility, text), s.checkSeq
	}
	if s.checked != s.checkSeq {
		return policy.Finding{}, false
	}
	for _, f := range s.findings {
		if f.Blocking() && f.Severity != policy.Approval {
			return f, true
		}
	}
	for _, f := range s.findings {
		if f.HasFix {
			return f, true
		}
	}
	return policy.Finding{}, false
}

func fixLabel(f policy.Finding) string {
	m := safetext.Truncate(f.Match, 30, "…")
	if f.HasFix {
		if f.Fix == "" {
			return "delete “" + m + "”"
		}
		return "“" + m + "” → “" + safetext.Truncate(f.Fix, 30, "…") + "”"
	}
	return "cut “" + m + "”"
}

// Update handles keys and command results.
func (c *Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case pane.StylesMsg:
		c.sess.Styles = msg.Styles
	case loadedMsg:
		return c, c.onLoaded(msg)
	case checkTickMsg:
		if msg.seq == c.sides[msg.side].checkSeq {
			return c, c.runCheck(msg.side)
		}
	case checkedMsg:
		s := c.sides[msg.side]
		if msg.seq == s.checkSeq {
			s.findings, s.count, s.checked = msg.findings, msg.count, msg.seq
			s.sel = min(s.sel, max(0, len(s.findings)-1))
		}
	case saveTickMsg:
		c.sides[msg.side].tick = false
		return c, c.save(msg.side)
	case savedMsg:
		return c, c.onSaved(msg)
	case sendDoneMsg:
		return c, c.onSendDone(msg)
	case pane.StoreMsg:
		// someone approved or rejected one of ours: show it
		var cmds []tea.Cmd
		for _, ch := range msg.Update.Changes {
			for i, s := range c.sides {
				if ch.Kind == "draft" && ch.ID == s.draft.ID && !s.saving {
					cmds = append(cmds, c.reload(i, s.draft.ID))
				}
			}
		}
		return c, tea.Batch(cmds...)
	case reloadedMsg:
		s := c.sides[msg.side]
		if msg.err == nil && msg.draft.ID == s.draft.ID && !s.saving && !s.dirty && msg.draft.Version >= s.draft.Version {
			s.draft = msg.draft
			return c, c.check(msg.side)
		}
	case tea.PasteMsg:
		if c.sides[c.mode].ed.Paste(msg.Content) {
			return c, c.edited(c.mode)
		}
	case tea.KeyPressMsg:
		return c, c.onKey(msg)
	}
	return c, nil
}

type reloadedMsg struct {
	side  int
	draft domain.Draft
	err   error
}

func (c *Model) reload(i int, id string) tea.Cmd {
	st := c.sess.Store
	return func() tea.Msg {
		d, err := st.Draft(id)
		return reloadedMsg{side: i, draft: d, err: err}
	}
}

func (c *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	if c.picker != nil || c.asker != nil {
		return c.onTemplateKey(k)
	}
	s := c.sides[c.mode]
	switch {
	case key.Matches(k, c.keys.Close):
		var cmds []tea.Cmd
		for i := range c.sides {
			cmds = append(cmds, c.save(i))
		}
		cmds = append(cmds, func() tea.Msg { return pane.FocusMsg{Index: -1} })
		return tea.Batch(append(cmds, pane.Toast(c.closeNote()))...)
	case key.Matches(k, c.keys.Switch):
		if c.post {
			c.say("a post on the brand's account is public; it has no private side", true)
			return nil
		}
		if !reply.CanPrivate(c.m.Platform) {
			c.say("news articles take no private message", true)
			return nil
		}
		c.mode = 1 - c.mode
		c.notice = ""
		return nil
	case key.Matches(k, c.keys.Public):
		if c.mode == private {
			c.mode = public
			c.say("public reply: keep it short and move the details to a private channel", false)
		}
		return nil
	case key.Matches(k, c.keys.Send):
		if c.refused != "" {
			c.say("not sent: "+c.refused, true)
			return nil
		}
		if b := s.blocking(); len(b) > 0 && s.checked == s.checkSeq {
			c.say("sending is disabled: "+blockReason(b), true)
			return nil
		}
		if strings.TrimSpace(s.ed.Text()) == "" {
			c.say("nothing to send", true)
			return nil
		}
		return c.send(c.mode)
	case key.Matches(k, c.keys.Fix):
		return c.fix()
	case key.Matches(k, c.keys.NextFinding):
		if n := len(s.findings); n > 0 {
			s.sel = (s.sel + 1) % n
		}
		return nil
	case key.Matches(k, c.keys.Template):
		if len(c.tpls) == 0 {
			c.say("the policy pack has no template for "+string(c.m.Platform), true)
			return nil
		}
		c.picker = newPicker(c.tpls, c.m.Lang, c.boost)
		return nil
	case key.Matches(k, c.keys.NewDraft):
		open := len(c.others)
		if s.draft.ID != "" {
			open++
		}
		if open > 0 && !c.warnNew {
			c.warnNew = true
			c.say("this mention already has "+words.Plural(open, "open draft")+"; "+c.keys.NewDraft.Help().Key+" again starts another one beside them", true)
			return nil
		}
		c.warnNew = false
		if s.draft.ID != "" {
			c.others = append(c.others, s.draft)
		}
		s.draft = domain.Draft{}
		s.sent = ""
		if c.mode == public {
			c.fillTemplate()
		} else {
			s.ed.SetText("")
		}
		c.say("new draft", false)
		return c.edited(c.mode)
	}
	if changed, _ := s.ed.Key(k); changed {
		return c.edited(c.mode)
	}
	return nil
}

func (c *Model) closeNote() string {
	var ids []string
	for _, s := range c.sides {
		if s.draft.ID != "" && s.sent == "" {
			ids = append(ids, s.draft.ID)
		}
	}
	if len(ids) == 0 {
		return "composer closed"
	}
	if c.post {
		return "post " + strings.Join(ids, ", ") + " saved as a draft; it is not sent"
	}
	return "draft " + strings.Join(ids, ", ") + " saved; r on the mention resumes it"
}

// SetSize sets the composer's size.
func (c *Model) SetSize(w, h int) { c.w, c.h = w, h }

// ShortHelp is the footer's keys.
func (c *Model) ShortHelp() []key.Binding {
	return []key.Binding{c.keys.Switch, c.keys.Send, c.keys.Fix, c.keys.Close}
}

// FullHelp is every key.
func (c *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{c.keys.Switch, c.keys.Send, c.keys.Fix, c.keys.NextFinding, c.keys.Template, c.keys.NewDraft, c.keys.Public, c.keys.Close}}
}

// Title names the pane.
func (c *Model) Title() string { return "Reply" }

// Badge is empty.
func (c *Model) Badge() string { return "" }

// Capturing: the composer is a text editor, it takes every key.
func (c *Model) Capturing() bool { return true }

// Text is side i's text (tests).
func (c *Model) Text(private bool) string {
	if private {
		return c.sides[1].ed.Text()
	}
	return c.sides[0].ed.Text()
}

// Draft is the draft behind the current side (tests).
func (c *Model) Draft() domain.Draft { return c.sides[c.mode].draft }

// Notice is the composer's status message (tests).
func (c *Model) Notice() string { return c.notice }

// honesty says what a reply of visibility v really is on platform p.
func honesty(p domain.Platform, v domain.Visibility) string {
	if v == domain.VisibilityPublic {
		switch p {
		case domain.PlatformNews:
			return "News articles cannot be answered from here; copy the URL (o in the inbox) to respond on the site."
		}
		return "Public: everyone can see this reply, and screenshots outlive deletions."
	}
	switch p {
	case domain.PlatformMastodon:
		return "Mastodon has no private chat: this goes as a \"direct\" post, visible to every account it mentions and to the admins of the servers involved. It is not encrypted."
	case domain.PlatformBluesky:
		return "Bluesky chat message. The author may accept messages only from accounts they follow; then reply in public."
	case domain.PlatformX:
		return "X direct message. It arrives only if the author's DM settings accept messages from this account."
	case domain.PlatformReddit:
		return "Reddit private message to the author's inbox."
	}
	return "Private message."
}

// View draws the composer.
func (c *Model) View() string {
	st := c.sess.Styles
	w, h := max(20, c.w), max(8, c.h)
	var top []string
	add := func(s ...string) { top = append(top, s...) }
	who := c.m.Author.Handle
	if c.m.Author.Name != "" {
		who = c.m.Author.Name + " (" + c.m.Author.Handle + ")"
	}
	title := "Reply to " + who + " on " + string(c.m.Platform)
	if c.post {
		title = "Post on the brand's " + string(c.m.Platform) + " account (a new post: it replies to no one)"
	}
	add(pane.WrapIndent("", title, w, st.Dialog.Title)...)
	for i, l := range strings.Split(safetext.Wrap(c.m.Text, max(10, w-4)), "\n") {
		if c.post {
			break
		}
		if i == 2 {
			add(st.Detail.Event.Render(safetext.Truncate("  … the rest: esc (the draft is kept), then enter on the mention", w, "…")))
			break
		}
		add(st.Detail.Event.Render("  " + l))
	}
	// tabs and the counter
	s := c.sides[c.mode]
	tabs := ""
	for i, name := range []string{"Public reply", "Private message"} {
		if c.post && i == private {
			break
		}
		if c.post {
			name = "Public post"
		}
		label := name
		if c.sides[i].draft.ID != "" {
			label += " · " + c.sides[i].draft.ID
		}
		if i == c.mode {
			tabs += st.Dialog.ItemActive.Render("▸ "+label+" ") + " "
		} else {
			tabs += st.Dialog.Item.Render("  "+label+" ") + " "
		}
	}
	counter := ""
	if s.count.Limit > 0 {
		counter = fmt.Sprintf("%d/%d", s.count.Length, s.count.Limit)
		if s.count.Exceeded() {
			counter = st.Health.Bad.Render("✗ " + counter)
		}
	}
	gap := w - lipgloss.Width(tabs) - lipgloss.Width(counter)
	add(tabs + strings.Repeat(" ", max(1, gap)) + counter)
	if c.o.PackErr != nil {
		for _, l := range strings.Split(safetext.Wrap("✗ "+PackHeld(c.o.PackErr), w), "\n") {
			add(st.Health.Bad.Render(l))
		}
	}
	note := honesty(c.m.Platform, visOf[c.mode])
	if c.post {
		note = "Public post on the brand's own account: every follower sees it, and it answers no one, so no impostor is ever replied to."
	}
	noteStyle := st.Dialog.Hint
	if c.mode == private && c.m.Platform == domain.PlatformMastodon {
		noteStyle = st.Warning
	}
	for _, l := range strings.Split(safetext.Wrap(note, w), "\n") {
		add(noteStyle.Render(l))
	}
	if c.refused != "" {
		for _, l := range strings.Split(safetext.Wrap("✗ "+c.refused+": no reply of any kind goes to this author", w), "\n") {
			add(st.Health.Bad.Render(l))
		}
	}
	if c.mode == private && c.cannotDM != "" {
		for _, l := range strings.Split(safetext.Wrap("✗ A private message to this author failed before: "+c.cannotDM, w), "\n") {
			add(st.Health.Bad.Render(l))
		}
		add(st.Dialog.Hint.Render("  " + c.keys.Public.Help().Key + " replies in public instead"))
	}
	// findings and state, below the editor
	var after []string // under the findings
	after = append(after, c.stateLine(s, w)...)
	if n := len(c.others); n > 0 {
		after = append(after, pane.WrapIndent("", words.Plural(n, "other open draft")+" on this mention: "+c.othersText(), w, st.Dialog.Hint)...)
	}
	if c.notice != "" {
		style := st.Footer.Toast
		mark := "› "
		if c.bad {
			style, mark = st.Health.Bad, "✗ "
		}
		after = append(after, pane.WrapIndent(style.Render(mark), c.notice, w, style)...)
	}
	// the findings get what the editor (at least minEditor lines) leaves
	room := max(1, h-len(top)-2-minEditor-len(after))
	bottom := c.findingLines(s, w, room)
	if len(s.findings) == 0 && s.checked == s.checkSeq && c.loaded {
		bottom = append(bottom, st.Health.OK.Render("✓ no policy findings"))
	}
	bottom = append(bottom, after...)
	edH := max(2, h-len(top)-len(bottom)-2)
	rule := st.Detail.Label.Render(strings.Repeat("─", w))
	var spans []span
	if s.checked == s.checkSeq {
		for _, f := range s.findings {
			style := st.Health.Warn.Underline(true)
			if f.Blocking() {
				style = st.Health.Bad.Reverse(true)
			}
			spans = append(spans, span{f.Start, f.End, style})
		}
	}
	lines := append(top, rule)
	lines = append(lines, s.ed.render(w, edH, spans, st.Dialog.ItemActive, true)...)
	lines = append(lines, rule)
	lines = append(lines, bottom...)
	for len(lines) < h {
		lines = append(lines, "")
	}
	out := strings.Join(lines[:h], "\n")
	switch {
	case c.picker != nil:
		box := c.picker.view(st, w, h, c.preview)
		out = pane.Overlay(out, box, w, h, max(0, (h-lipgloss.Height(box))/3))
	case c.asker != nil:
		box := c.asker.view(st, w)
		out = pane.Overlay(out, box, w, h, max(0, (h-lipgloss.Height(box))/3))
	}
	return out
}

// minEditor is the fewest lines the editor keeps when findings, notices
// and the state take the rest.
const minEditor = 3

// findingLines lists side s's findings in at most h lines: one line each,
// cut to the width, but the selected one (ctrl+o) in full, its message
// and cite wrapped; when they do not all fit, a line says how many more
// there are and that ctrl+o shows them.
func (c *Model) findingLines(s *side, w, h int) []string {
	if len(s.findings) == 0 {
		return nil
	}
	st := c.sess.Styles
	fixF, canFix := c.fixable(s)
	var lines []string
	var owner []int
	selStart, selEnd := 0, 0
	for i, f := range s.findings {
		mark, style := findingMark(st, f)
		if len(s.findings) > 1 {
			if i == s.sel {
				mark = "▸ " + mark
			} else {
				mark = "  " + mark
			}
		}
		line := safetext.Line(f.RuleID) + ": " + safetext.Line(f.Message)
		if canFix && f == fixF {
			line += "  [" + c.keys.Fix.Help().Key + " " + fixLabel(f) + "]"
		}
		var ls []string
		if i == s.sel {
			selStart = len(lines)
			// hanging under the rule, the mark in the same style
			ind := lipgloss.Width(mark) + 1
			for j, l := range strings.Split(safetext.Wrap(mark+" "+line, max(10, w-ind)), "\n") {
				if j > 0 {
					l = strings.Repeat(" ", ind) + l
				}
				ls = append(ls, style.Render(strings.TrimRight(l, " ")))
			}
			if f.Cite != "" {
				ls = append(ls, pane.WrapIndent(strings.Repeat(" ", lipgloss.Width(mark)+1)+st.Dialog.Hint.Render("cite: "), f.Cite, w, st.Dialog.Hint)...)
			}
		} else {
			ls = []string{style.Render(safetext.Truncate(mark+" "+line, w, "…"))}
		}
		for _, l := range ls {
			lines = append(lines, l)
			owner = append(owner, i)
		}
		if i == s.sel {
			selEnd = len(lines)
		}
	}
	n := len(lines)
	from, to := pane.Window(n, h, pane.Reveal(n, h, 0, selStart, selEnd))
	hint := func(dir string, k int) string {
		return st.Dialog.Hint.Render(safetext.Truncate(fmt.Sprintf("  %s %s · %s shows the next", dir, words.Plural(k, "more finding"), c.keys.NextFinding.Help().Key), w, "…"))
	}
	var out []string
	if from > 0 {
		above := owner[from]
		if owner[from-1] == owner[from] {
			above++
		}
		out = append(out, hint("↑", above))
	}
	out = append(out, lines[from:to]...)
	if to < n {
		below := len(s.findings) - 1 - owner[to-1]
		if owner[to] == owner[to-1] {
			below++
		}
		out = append(out, hint("↓", below))
	}
	return out
}

// findingMark is a finding's mark and style: its severity in a word and
// a symbol, or that it was allowed or approved.
func findingMark(st *themes.Styles, f policy.Finding) (string, lipgloss.Style) {
	switch {
	case f.Overridden:
		return "· allowed", st.Dialog.Hint
	case f.Severity == policy.Block:
		return "✗ block", st.Health.Bad
	case f.Severity == policy.Approval && f.Approved:
		return "✓ approved", st.Health.OK
	case f.Severity == policy.Approval:
		return "◆ needs " + f.Role, st.Health.Warn
	case f.Severity == policy.Warn:
		return "! warn", st.Health.Warn
	}
	return "i info", st.Dialog.Hint
}

func (c *Model) stateLine(s *side, w int) []string {
	st := c.sess.Styles
	var parts []string
	d := s.draft
	switch {
	case d.ID == "":
		parts = append(parts, "not saved yet (saved as you type)")
	default:
		parts = append(parts, fmt.Sprintf("%s v%d · %s", d.ID, d.Version, strings.ReplaceAll(string(d.State), "_", " ")))
		if d.ApprovalRole != "" && d.State == domain.DraftAwaitingApproval {
			parts = append(parts, "waiting for "+d.ApprovalRole)
		}
		if d.ApprovedBy != "" {
			if _, ok := store.Approved(d); ok {
				parts = append(parts, "approved by "+d.ApprovedBy)
			}
		}
		if d.State == domain.DraftRejected && d.ReviewComment != "" {
			parts = append(parts, "rejected: "+safetext.Line(d.ReviewComment))
		}
		if s.saving || s.dirty {
			parts = append(parts, "saving…")
		} else {
			parts = append(parts, "saved")
		}
	}
	if s.saveErr != "" {
		return pane.WrapIndent(st.Health.Bad.Render("✗ "), s.saveErr, w, st.Health.Bad)
	}
	if b := s.blocking(); len(b) > 0 && s.checked == s.checkSeq {
		parts = append(parts, "sending disabled: fix the block findings")
	} else if roles := s.needsApproval(); len(roles) > 0 {
		parts = append(parts, c.keys.Send.Help().Key+" asks "+strings.Join(roles, ", ")+" to approve")
	}
	return pane.WrapIndent("", strings.Join(parts, " · "), w, st.Dialog.Hint)
}

var _ pane.Pane = (*Model)(nil)

func (c *Model) othersText() string {
	var out []string
	for _, d := range c.others {
		out = append(out, fmt.Sprintf("%s by %s (%s, %s)", d.ID, d.Author, d.Visibility, strings.ReplaceAll(string(d.State), "_", " ")))
	}
	return strings.Join(out, "; ")
}
