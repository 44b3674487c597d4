package composer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"switchboard/internal/golden"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/policy"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui/pane"
)

var fixed = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}

var kim = domain.Mention{Platform: domain.PlatformMastodon, NativeID: "109", Connector: "masto",
	Author: domain.Author{Handle: "@kim@social.example", Name: "Kim"}, Text: "My order never arrived and nobody answers. @acme", CreatedAt: fixed.Add(-time.Hour), Lang: "en"}

// harness runs a pane's commands synchronously, like a program would.
type harness struct {
	t      *testing.T
	st     *store.Store
	p      pane.Pane
	toasts []string
	closed bool
}

func newStore(t *testing.T, ms ...domain.Mention) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{Now: func() time.Time { return fixed }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	return st
}

func session(st *store.Store, actor, theme string) pane.Session {
	return pane.Session{Ctx: context.Background(), Store: st, Actor: actor, Styles: themes.New(theme, true), Now: func() time.Time { return fixed }}
}

func open(t *testing.T, st *store.Store, actor string, m domain.Mention) (*harness, *Model) {
	t.Helper()
	got, err := st.GetByKey(m.Key())
	if err != nil {
		t.Fatal(err)
	}
	f := Factory(Options{Debounce: time.Millisecond, SaveEvery: time.Millisecond})
	c := f(session(st, actor, themes.Dark), pane.ComposeMsg{Mention: got}).(*Model)
	c.SetSize(90, 22)
	h := &harness{t: t, st: st, p: c}
	h.run(c.Init())
	return h, c
}

func (h *harness) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			h.t.Fatal("commands never settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case pane.ToastMsg:
			h.toasts = append(h.toasts, msg.Text)
		case pane.FocusMsg:
			h.closed = msg.Index < 0
		default:
			np, next := h.p.Update(msg)
			h.p = np
			queue = append(queue, next)
		}
	}
}

func (h *harness) keys(ks ...string) {
	for _, k := range ks {
		_, cmd := h.p.Update(pane.KeyPress(k))
		h.run(cmd)
	}
}

func (h *harness) typeText(s string) {
	for _, r := range s {
		_, cmd := h.p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		h.run(cmd)
	}
}

func TestPublicTemplateFilledAndPrivateHonesty(t *testing.T) {
	st := newStore(t, kim)
	h, c := open(t, st, "ana", kim)
	if got := c.Text(false); !strings.HasPrefix(got, "Hi Kim, we're sorry") {
		t.Fatalf("public text %q: want the first template with the author", got)
	}
	if v := c.View(); !strings.Contains(v, "▸ Public reply") || !strings.Contains(v, "/500") {
		t.Fatalf("public view:\n%s", v)
	}
	h.keys("tab")
	v := c.View()
	if !strings.Contains(v, "▸ Private message") || !strings.Contains(v, "not encrypted") || !strings.Contains(v, "admins") {
		t.Fatalf("private view lacks the Mastodon warning:\n%s", v)
	}
	// nothing typed: nothing stored
	if ds, _ := st.DraftsFor(kim.Key()); len(ds) != 0 {
		t.Fatalf("opening the composer stored %d drafts", len(ds))
	}
	h.keys("ctrl+t")
	if c.mode != private || !strings.HasPrefix(c.Text(false), "Hi Kim") {
		t.Fatal("ctrl+t in private mode changed something")
	}
}

func TestAutosaveAndResume(t *testing.T) {
	st := newStore(t, kim)
	h, c := open(t, st, "ana", kim)
	h.keys("tab")
	h.typeText("Could you send us your order number?")
	ds, _ := st.DraftsFor(kim.Key())
	if len(ds) != 1 || ds[0].Text != "Could you send us your order number?" || ds[0].Visibility != domain.VisibilityPrivate || ds[0].State != domain.DraftEditing {
		t.Fatalf("saved drafts: %+v", ds)
	}
	if c.Draft().ID != ds[0].ID {
		t.Fatalf("composer holds %q, store has %q", c.Draft().ID, ds[0].ID)
	}
	if m, _ := st.GetByKey(kim.Key()); m.State.Drafts != 1 {
		t.Fatalf("mention shows %d drafts", m.State.Drafts)
	}
	h.keys("esc")
	if !h.closed {
		t.Fatal("esc did not close the composer")
	}
	// a new session resumes it
	_, c2 := open(t, st, "ana", kim)
	if c2.Text(true) != "Could you send us your order number?" || c2.mode != private || c2.Draft().ID != ds[0].ID {
		t.Fatalf("resume: mode %d text %q", c2.mode, c2.Text(true))
	}
}

func TestBlockFindingStopsSendUntilFixed(t *testing.T) {
	st := newStore(t, kim)
	h, c := open(t, st, "ana", kim)
	h.keys("tab")
	h.typeText("Please send us your password and order number.")
	v := c.View()
	if !strings.Contains(v, "✗ block never-ask-credentials") || !strings.Contains(v, "sending disabled") {
		t.Fatalf("block finding not shown:\n%s", v)
	}
	h.keys("ctrl+s")
	if !strings.Contains(c.Notice(), "sending is disabled") || !strings.Contains(c.Notice(), "never-ask-credentials") || h.closed {
		t.Fatalf("send with a block finding: notice %q closed %v", c.Notice(), h.closed)
	}
	if d, _ := st.Draft(c.Draft().ID); d.State != domain.DraftEditing {
		t.Fatalf("blocked draft went to %s", d.State)
	}
	h.keys("ctrl+f")
	if strings.Contains(c.Text(true), "password") {
		t.Fatalf("fix left %q", c.Text(true))
	}
	if strings.Contains(c.View(), "✗ block") {
		t.Fatalf("block finding still shown after the fix:\n%s", c.View())
	}
	h.keys("ctrl+s")
	d, _ := st.Draft(c.Draft().ID)
	if d.State != domain.DraftQueued || d.Text != c.Text(true) || d.Visibility != domain.VisibilityPrivate {
		t.Fatalf("after fix and send: %+v", d)
	}
	if !h.closed || len(h.toasts) == 0 || !strings.Contains(h.toasts[len(h.toasts)-1], "queued") {
		t.Fatalf("closed %v toasts %v", h.closed, h.toasts)
	}
}

func TestApprovalFindingGoesToTheQueue(t *testing.T) {
	st := newStore(t, kim)
	h, c := open(t, st, "ana", kim)
	h.keys("tab")
	h.typeText("This was our fault; we will make it right.")
	if !strings.Contains(c.View(), "ctrl+s asks legal to approve") {
		t.Fatalf("approval hint missing:\n%s", c.View())
	}
	h.keys("ctrl+s")
	d, _ := st.Draft(c.Draft().ID)
	if d.State != domain.DraftAwaitingApproval || d.ApprovalRole != "legal" {
		t.Fatalf("draft: %+v", d)
	}
	// the approver approves in the Outbox pane
	ob := OutboxFactory(nil, nil)(session(st, "lou", themes.Dark))
	ob.SetSize(100, 30)
	oh := &harness{t: t, st: st, p: ob}
	oh.run(ob.Init())
	if v := ob.View(); !strings.Contains(v, "awaiting approval") || !strings.Contains(v, "◆ needs legal") || !strings.Contains(v, "My order never arrived") {
		t.Fatalf("approval queue:\n%s", v)
	}
	oh.keys("A")
	oh.typeText("ok to admit")
	oh.keys("enter")
	d, _ = st.Draft(d.ID)
	if d.State != domain.DraftApproved || d.ApprovedBy != "lou" || d.ReviewComment != "ok to admit" {
		t.Fatalf("after approve: %+v", d)
	}
	// the author sends it now (the composer sees the approval)
	h2, c2 := open(t, st, "ana", kim)
	h2.keys("ctrl+s")
	if d, _ = st.Draft(d.ID); d.State != domain.DraftQueued {
		t.Fatalf("approved draft not queued: %+v (%s)", d, c2.Notice())
	}
}

func TestEditAfterApprovalVoidsIt(t *testing.T) {
	st := newStore(t, kim)
	h, c := open(t, st, "ana", kim)
	h.keys("tab")
	h.typeText("This was our fault.")
	h.keys("ctrl+s")
	id := c.Draft().ID
	d, _ := st.Draft(id)
	if _, err := st.Approve("lou", id, d.Version, ""); err != nil {
		t.Fatal(err)
	}
	_, c2 := open(t, st, "ana", kim)
	h2 := &harness{t: t, st: st, p: c2}
	h2.typeText(" Sorry.")
	d, _ = st.Draft(id)
	if d.State != domain.DraftEditing || d.ApprovedBy != "" {
		t.Fatalf("edit after approval kept it: %+v", d)
	}
	h2.keys("ctrl+s")
	if d, _ = st.Draft(id); d.State != domain.DraftAwaitingApproval {
		t.Fatalf("re-send after a voided approval: %+v", d)
	}
}

func TestSecondDraftIsWarnedFirst(t *testing.T) {
	st := newStore(t, kim)
	if _, err := st.NewDraft("bob", kim.Key(), domain.VisibilityPrivate, "bob's reply"); err != nil {
		t.Fatal(err)
	}
	h, c := open(t, st, "ana", kim)
	if !strings.Contains(c.View(), "1 other open draft") {
		t.Fatalf("other draft not shown:\n%s", c.View())
	}
	h.keys("ctrl+n")
	if !strings.Contains(c.Notice(), "already has 1 open draft") {
		t.Fatalf("no warning: %q", c.Notice())
	}
	h.keys("ctrl+n")
	h.typeText(" Thanks!")
	if ds, _ := st.DraftsFor(kim.Key()); len(ds) != 2 {
		t.Fatalf("%d drafts, want 2", len(ds))
	}
}

func TestCounterPerPlatform(t *testing.T) {
	x := domain.Mention{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@kim"}, Text: "hi", CreatedAt: fixed}
	st := newStore(t, x)
	h, c := open(t, st, "ana", x)
	h.keys("ctrl+u") // clear the template line
	h.typeText(strings.Repeat("a", 241))
	if v := c.View(); !strings.Contains(v, "241/280") {
		t.Fatalf("no X counter:\n%s", v)
	}
	h.typeText(strings.Repeat("b", 50))
	if v := c.View(); !strings.Contains(v, "✗ 291/280") || !strings.Contains(v, "too-long") {
		t.Fatalf("over the limit not flagged:\n%s", v)
	}
}

func TestCounterPrivateIsTheMessageLimit(t *testing.T) {
	for _, tc := range []struct {
		platform domain.Platform
		want     string // counter for 363 characters in private mode
		public   string // the same text as a public reply
	}{
		{domain.PlatformX, "363/10000", "✗ 363/280"},
		{domain.PlatformBluesky, "363/1000", "✗ 363/300"},
		{domain.PlatformMastodon, "363/500", "363/500"}, // a direct status is a status
	} {
		t.Run(string(tc.platform), func(t *testing.T) {
			m := domain.Mention{Platform: tc.platform, NativeID: "1", Author: domain.Author{Handle: "@kim"}, Text: "hi", CreatedAt: fixed}
			st := newStore(t, m)
			h, c := open(t, st, "ana", m)
			h.keys("ctrl+u")
			h.typeText(strings.Repeat("a", 363))
			if v := c.View(); !strings.Contains(v, tc.public) {
				t.Fatalf("public counter is not %q:\n%s", tc.public, v)
			}
			h.keys("tab")
			if c.mode != private {
				t.Fatalf("tab did not switch to private (mode %d)", c.mode)
			}
			h.keys("ctrl+u")
			h.typeText(strings.Repeat("a", 363))
			v := c.View()
			if !strings.Contains(v, tc.want) || strings.Contains(v, "✗ "+tc.want) || strings.Contains(v, "too-long") {
				t.Fatalf("private counter is not %q within the limit:\n%s", tc.want, v)
			}
		})
	}
}

func TestCannotDMOffersPublic(t *testing.T) {
	st := newStore(t, kim)
	d, _ := st.NewDraft("ana", kim.Key(), domain.VisibilityPrivate, "DM us")
	d, _ = st.QueueDraft("ana", d.ID, 0)
	st.BeginSend(d.ID)
	st.FinishSend(d.ID, store.SendOutcome{State: domain.DraftFailed, Err: "cannot send a private message: this author accepts messages only from accounts they follow; reply in public instead"})
	h, c := open(t, st, "ana", kim)
	if c.mode != private || !strings.Contains(c.View(), "only from accounts they follow") || !strings.Contains(c.View(), "ctrl+p replies in public") {
		t.Fatalf("cannot-DM not shown (mode %d):\n%s", c.mode, c.View())
	}
	h.keys("ctrl+p")
	if c.mode != public {
		t.Fatal("ctrl+p did not switch to public")
	}
}

func TestPauseSwitchInOutboxPane(t *testing.T) {
	st := newStore(t, kim)
	ob := OutboxFactory(nil, nil)(session(st, "lee", themes.Dark))
	ob.SetSize(100, 20)
	h := &harness{t: t, st: st, p: ob}
	h.run(ob.Init())
	h.keys("P")
	h.typeText("account compromise")
	h.keys("enter")
	if p, _ := st.SendingPause(); !p.Paused || p.By != "lee" || p.Reason != "account compromise" {
		t.Fatalf("pause: %+v", p)
	}
	if !strings.Contains(ob.View(), "ALL SENDING PAUSED by lee") || ob.Badge() != "⏸" {
		t.Fatalf("pause not shown:\n%s", ob.View())
	}
}

func TestHostileMentionTextIsMadeSafe(t *testing.T) {
	evil := kim
	evil.NativeID = "666"
	evil.Author.Handle = "@evil\x1b]0;pwned\x07"
	evil.Text = "click \x1b[31mhere\x1b[0m \u202eevil"
	st := newStore(t, evil)
	_, c := open(t, st, "ana", evil)
	v := c.View()
	if strings.Contains(v, "\x1b]0;") || strings.Contains(v, "\x07") || strings.Contains(v, "\u202e") || strings.Contains(v, "\x1b[31m") {
		t.Fatalf("unsafe text reached the screen: %q", v)
	}
	if strings.Contains(c.Text(false), "\x1b") {
		t.Fatalf("template filled with raw escape: %q", c.Text(false))
	}
}

func TestGolden(t *testing.T) {
	for _, theme := range []string{themes.Dark, themes.Mono} {
		t.Run(theme, func(t *testing.T) {
			st := newStore(t, kim)
			got, _ := st.GetByKey(kim.Key())
			c := New(session(st, "ana", theme), got, Options{Debounce: time.Millisecond, SaveEvery: time.Millisecond})
			c.SetSize(90, 22)
			h := &harness{t: t, st: st, p: c}
			h.run(c.Init())
			h.keys("tab")
			h.typeText("Sorry Kim! Please send us your password and order number.")
			golden.Check(t, theme+"-private-block", c.View())
		})
	}
}

// ctrl+t is a picker (title, platform, language, preview; typing filters)
// and, once a template is picked, the composer asks for each field the
// mention does not supply, in turn.
func TestTemplatePickerAsksForEachField(t *testing.T) {
	st := newStore(t, kim)
	h, c := open(t, st, "ana", kim)
	h.keys("ctrl+t")
	v := c.View()
	for _, want := range []string{"Templates", "Outage acknowledgement · outage-ack · all platforms · en", "Hi Kim, thanks for flagging. We know {{service}}"} {
		if !strings.Contains(v, want) && !strings.Contains(ansi.Strip(v), want) {
			t.Fatalf("picker lacks %q:\n%s", want, ansi.Strip(v))
		}
	}
	h.typeText("outage")
	if v := ansi.Strip(c.View()); strings.Contains(v, "Thank you ·") || !strings.Contains(v, "outage-ack") {
		t.Fatalf("filter did not narrow the list:\n%s", v)
	}
	h.keys("enter")
	if v := ansi.Strip(c.View()); !strings.Contains(v, "fill in service") || !strings.Contains(v, "field 1 of 2") {
		t.Fatalf("no prompt for the first field:\n%s", v)
	}
	h.keys("enter") // empty: stays on the field
	if v := ansi.Strip(c.View()); !strings.Contains(v, "fill in service") {
		t.Fatalf("an empty answer moved on:\n%s", v)
	}
	h.typeText("checkout")
	h.keys("enter")
	h.typeText("https://status.example")
	h.keys("enter")
	want := "Hi Kim, thanks for flagging. We know checkout is having problems and are working on it; updates at https://status.example."
	if got := c.Text(false); got != want {
		t.Fatalf("text %q, want %q", got, want)
	}
	// esc in the middle leaves the draft as it was
	h.keys("ctrl+t")
	h.typeText("outage")
	h.keys("enter", "esc")
	if got := c.Text(false); got != want {
		t.Fatalf("a cancelled template changed the text to %q", got)
	}
}

// The mention's language comes first in the picker.
func TestTemplatePickerListsTheMentionsLanguageFirst(t *testing.T) {
	nl := kim
	nl.NativeID, nl.Lang, nl.Text = "110", "nl", "Mijn bestelling is nooit aangekomen"
	st := newStore(t, nl)
	h, c := open(t, st, "ana", nl)
	if got := c.Text(false); !strings.HasPrefix(got, "Hoi Kim") {
		t.Fatalf("a Dutch mention starts with %q, want the Dutch template", got)
	}
	h.keys("ctrl+t")
	v := ansi.Strip(c.View())
	if i, j := strings.Index(v, "apology-dm-nl"), strings.Index(v, "outage-ack"); i < 0 || j < 0 || i > j {
		t.Fatalf("Dutch template not first:\n%s", v)
	}
}

// The Outbox pane checks a draft in the mention's language, as the
// composer and the outbox do: a rule for English text does not flag a
// Dutch reply there.
func TestOutboxPaneChecksInTheMentionsLanguage(t *testing.T) {
	pack, errs := policy.Parse([]byte(`id: t
version: "1"
owner: comms
rules:
  - id: en-only
    kind: deny
    severity: block
    terms: [slim]
    when: {lang: [en]}
    message: "say smart"
    cite: "house style"
    examples: {bad: ["a slim chance"], good: ["a small chance"]}
`), "t.yaml")
	if pack == nil {
		t.Fatal(errs)
	}
	nl := kim
	nl.NativeID, nl.Lang = "111", "nl"
	st := newStore(t, nl)
	d, err := st.NewDraft("ana", nl.Key(), domain.VisibilityPrivate, "Dat is slim bedacht")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.QueueDraft("ana", d.ID, d.Version); err != nil {
		t.Fatal(err)
	}
	ob := OutboxFactory(pack, nil)(session(st, "ana", themes.Dark))
	ob.SetSize(100, 30)
	oh := &harness{t: t, st: st, p: ob}
	oh.run(ob.Init())
	if v := ansi.Strip(ob.View()); !strings.Contains(v, "Dat is slim") || strings.Contains(v, "en-only") {
		t.Fatalf("outbox pane applied an English rule to a Dutch reply:\n%s", v)
	}
}

func TestComposerRefusesAnImpostorPublicAndPrivate(t *testing.T) {
	imp := kim
	imp.NativeID, imp.Author = "110", domain.Author{Handle: "@acme_support@social.example", Name: "✔ Acme Support"}
	st := newStore(t, imp)
	if _, err := st.FlagImpostor("ana", store.Impostor{Platform: imp.Platform, Handle: imp.Author.Handle, Incident: "INC-3"}); err != nil {
		t.Fatal(err)
	}
	h, c := open(t, st, "ana", imp)
	want := "refused: @acme_support@social.example is flagged as impersonating the brand (incident INC-3)"
	if !strings.Contains(c.Notice(), want) || !strings.Contains(c.View(), "no reply of any kind goes to this author") {
		t.Fatalf("notice %q\n%s", c.Notice(), c.View())
	}
	h.keys("ctrl+s")
	h.keys("tab")
	h.typeText("hello")
	h.keys("ctrl+s")
	if !strings.Contains(c.Notice(), "not sent: "+want) {
		t.Fatalf("notice after send %q", c.Notice())
	}
	if ds, _ := st.DraftsFor(imp.Key()); len(ds) != 0 {
		t.Fatalf("drafts to the impostor: %+v", ds)
	}
}

func TestHoldingStatementIsAPostOnTheBrandAccount(t *testing.T) {
	st := newStore(t, kim)
	f := Factory(Options{Debounce: time.Millisecond, SaveEvery: time.Millisecond})
	c := f(session(st, "ana", themes.Dark), pane.ComposeMsg{Post: domain.PlatformMastodon, Text: "We are aware of an account imitating us."}).(*Model)
	c.SetSize(90, 22)
	h := &harness{t: t, st: st, p: c}
	h.run(c.Init())
	v := c.View()
	if !strings.Contains(v, "Post on the brand's mastodon account") || strings.Contains(v, "Private message") || c.Text(false) != "We are aware of an account imitating us." {
		t.Fatalf("post composer:\n%s", v)
	}
	h.keys("tab")
	if c.mode != public || !strings.Contains(c.Notice(), "no private side") {
		t.Fatalf("tab in a post: mode %d, %q", c.mode, c.Notice())
	}
	h.keys("ctrl+s")
	d := c.Draft()
	if d.ID == "" || d.MentionKey != "" || d.Platform != domain.PlatformMastodon || d.Visibility != domain.VisibilityPublic || d.State != domain.DraftQueued {
		t.Fatalf("post draft %+v (notice %q)", d, c.Notice())
	}
	if ds, _ := st.DraftsFor(kim.Key()); len(ds) != 0 {
		t.Fatalf("the post became a reply: %+v", ds)
	}
}

// A saved reply for the mention's tag comes first in the picker, fills
// in like a template, and counts its use.
func TestSavedReplySuggestedForTheMentionsTags(t *testing.T) {
	m := kim
	m.State.Tags = []string{"billing"}
	st := newStore(t, m)
	if _, err := st.SaveReply("ana", domain.SavedReply{Title: "Double charge", Text: "Hi {{author}}, we are looking into the double charge today.", Lang: "en", Tags: []string{"billing"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveReply("ana", domain.SavedReply{Title: "Shipping delay", Text: "Hi {{author}}, parcels are late this week.", Lang: "en", Tags: []string{"shipping"}}); err != nil {
		t.Fatal(err)
	}
	h, c := open(t, st, "ana", m)
	h.keys("ctrl+t")
	v := ansi.Strip(c.View())
	i, j, k := strings.Index(v, "Double charge · saved:r1"), strings.Index(v, "Shipping delay"), strings.Index(v, "outage-ack")
	if i < 0 || j < 0 || k < 0 || i > j || i > k {
		t.Fatalf("the saved reply for billing is not first:\n%s", v)
	}
	h.typeText("double")
	h.keys("enter")
	if got := c.Text(false); got != "Hi Kim, we are looking into the double charge today." {
		t.Fatalf("text %q", got)
	}
	if r, _ := st.SavedReply("r1"); r.Uses != 1 {
		t.Fatalf("uses %d, want 1", r.Uses)
	}
	// checked like any draft, and sent
	if !strings.Contains(ansi.Strip(c.View()), "no policy findings") {
		t.Fatalf("the saved reply was not checked clean:\n%s", ansi.Strip(c.View()))
	}
	h.keys("ctrl+s")
	if d, _ := st.Draft(c.Draft().ID); d.State != domain.DraftQueued || d.Text != "Hi Kim, we are looking into the double charge today." {
		t.Fatalf("the saved reply was not queued: %+v (%s)", d, c.Notice())
	}
}
