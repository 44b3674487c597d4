package inbox

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"switchboard/config"
	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
	"switchboard/tui/pane"
)

func threadStore(t *testing.T) *store.Store {
	t.Helper()
	st := openStore(t, 0)
	m := func(id, parent, handle, text string, ago time.Duration) domain.Mention {
		mm := domain.Mention{Platform: domain.PlatformMastodon, NativeID: id, InReplyTo: parent, Author: domain.Author{Handle: handle},
			Text: text, CreatedAt: now.Add(-ago), Kind: domain.KindReply}
		if parent == "" {
			mm.Kind = domain.KindMention
		}
		return mm
	}
	if _, err := st.Ingest([]domain.Mention{
		m("100", "", "@acme@social.example", "Our new app is out", 5*time.Hour),
		m("101", "100", "@ana@example.social", "It crashes on start", 4*time.Hour),
		m("103", "101", "@cy@example.social", "me too \x1b]0;pwned\x07", 3*time.Hour),
		m("104", "100", "@dee@example.social", "works for me", 2*time.Hour),
		// the newest: under the cursor when the inbox opens
		m("102", "101", "@bob@example.social", "same here, what now?", time.Hour),
	}); err != nil {
		t.Fatal(err)
	}
	d, err := st.NewDraft("vera", "mastodon:102", domain.VisibilityPublic, "Sorry! Try reinstalling.")
	if err == nil {
		_, err = st.QueueDraft("vera", d.ID, 0)
	}
	if err == nil {
		_, err = st.BeginSend(d.ID)
	}
	if err == nil {
		_, err = st.FinishSend(d.ID, store.SendOutcome{State: domain.DraftSent, RemoteID: "900"})
	}
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// screen is the pane as drawn, without styles, one string a line.
func screen(m *Model) []string { return strings.Split(ansi.Strip(m.View()), "\n") }

// section is the conversation part of the screen: from its title to the
// first blank line.
func section(m *Model) []string {
	var out []string
	in := false
	for _, l := range screen(m) {
		switch {
		case strings.HasPrefix(l, "Conversation") || strings.HasPrefix(l, "Direct messages"):
			in = true
		case in && strings.TrimSpace(l) == "":
			return out
		}
		if in {
			out = append(out, strings.TrimRight(l, " "))
		}
	}
	return out
}

func TestDetailShowsTheConversation(t *testing.T) {
	st := threadStore(t)
	m := newModel(t, st, Options{Views: []config.InboxView{{Name: "all"}}})
	press(m, "enter")
	got := section(m)
	want := []string{
		"Conversation",
		"  5h   @acme@social.example: Our new app is out",
		"    4h   @ana@example.social: It crashes on start",
		"      3h   @cy@example.social: me too ␛]0;pwned␇",
		"    ▶ 1h   @bob@example.social: same here, what now?",
		"        now  ◆ ours · vera: Sorry! Try reinstalling.",
		"    2h   @dee@example.social: works for me",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("conversation:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(m.View(), "\x1b]0;") {
		t.Fatal("an escape sequence from the platform reached the terminal")
	}
	// the state follows the conversation (and the contacts panel, later, the state)
	scr := strings.Join(screen(m), "\n")
	if i, j := strings.Index(scr, "Conversation"), strings.Index(scr, "State"); i < 0 || j < i {
		t.Fatalf("the conversation is not above the state:\n%s", scr)
	}
	// the focus line is drawn highlighted: the cursor style, not plain
	for _, l := range strings.Split(m.View(), "\n") {
		if strings.Contains(l, "▶") && l == ansi.Strip(l) {
			t.Fatalf("the mention's line is not highlighted: %q", l)
		}
	}
	// a reply arriving while it is open shows in its place
	r, err := st.Ingest([]domain.Mention{{Platform: domain.PlatformMastodon, NativeID: "106", InReplyTo: "102", Kind: domain.KindReply,
		Author: domain.Author{Handle: "@eli@example.social"}, Text: "did that work?", CreatedAt: now.Add(-30 * time.Minute)}})
	if err != nil {
		t.Fatal(err)
	}
	_, cmd := m.Update(pane.StoreMsg{Update: store.Update{New: r.IDs}})
	run(m, cmd)
	if got := section(m); len(got) != 8 || got[5] != "        30m  @eli@example.social: did that work?" {
		t.Fatalf("after a reply came:\n%s", strings.Join(got, "\n"))
	}
	// a mention alone in its conversation has no section
	m = newModel(t, openStore(t, 1), Options{Views: []config.InboxView{{Name: "all"}}})
	press(m, "enter")
	if got := section(m); got != nil {
		t.Fatalf("a lone mention shows a conversation: %v", got)
	}
}

func TestDetailScrollsALongThreadWithoutReadingItAll(t *testing.T) {
	st := openStore(t, 0)
	ms := []domain.Mention{{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@brand"}, Text: "the post", CreatedAt: now.Add(-48 * time.Hour)}}
	for i := 0; i < 2000; i++ {
		ms = append(ms, domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprint(1000 + i), InReplyTo: "1", Kind: domain.KindReply,
			Author: domain.Author{Handle: fmt.Sprintf("@u%d", i)}, Text: fmt.Sprintf("reply %d", i), CreatedAt: now.Add(-47*time.Hour + time.Duration(i)*time.Minute)})
	}
	// the newest, under the cursor: a reply in the middle of the thread
	ms[1000].CreatedAt = now
	if _, err := st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	m := newModel(t, st, Options{Views: []config.InboxView{{Name: "all"}}})
	if c, _ := m.Cursor(); c.NativeID != "1999" {
		t.Fatalf("cursor on %s", c.NativeID)
	}
	press(m, "enter")
	th := m.detail.thread
	if n := len(th.msgs); n > threadBefore+threadAfter || !th.moreBefore || th.moreAfter {
		t.Fatalf("opened with %d messages, more before %v after %v", n, th.moreBefore, th.moreAfter)
	}
	// what the reply answers, then a mark, then the replies before it
	sec := section(m)
	if len(sec) < 4 || sec[1] != "  2d   @brand: the post" || sec[2] != "  ⋯ earlier messages (k at the top reads them)" ||
		!strings.Contains(strings.Join(sec, "\n"), "  ▶ 0s   @u999: reply 999") {
		t.Fatalf("the conversation:\n%s", strings.Join(sec, "\n"))
	}
	// k at the top reads earlier messages, up to the post, never holding more than threadMax
	for i := 0; i < 3000 && m.detail.thread.moreBefore; i++ {
		press(m, "k")
		if n := len(m.detail.thread.msgs); n > threadMax {
			t.Fatalf("holding %d messages", n)
		}
	}
	th = m.detail.thread
	if th.moreBefore || th.msgs[0].Key != "x:1" || !th.moreAfter || len(th.msgs) != threadMax {
		t.Fatalf("at the top: %d messages from %s, more after %v", len(th.msgs), th.msgs[0].Key, th.moreAfter)
	}
	if !strings.Contains(strings.Join(screen(m), "\n"), "@brand: the post") {
		t.Fatalf("the post is not on screen at the top:\n%s", strings.Join(screen(m), "\n"))
	}
	// and j reads the later ones again, back to the mention
	for i := 0; i < 3000 && m.detail.thread.moreAfter; i++ {
		press(m, "j")
	}
	if th := m.detail.thread; th.moreAfter || th.msgs[len(th.msgs)-1].Key != "x:1999" || len(th.msgs) > threadMax {
		t.Fatalf("at the bottom: %d messages to %s", len(th.msgs), th.msgs[len(th.msgs)-1].Key)
	}
}

func TestDetailFetchesMissingAncestorsOnce(t *testing.T) {
	st := openStore(t, 0)
	orphan := domain.Mention{Platform: domain.PlatformBluesky, NativeID: "at://did:plc:b/app.bsky.feed.post/2", InReplyTo: "at://did:plc:a/app.bsky.feed.post/1",
		Kind: domain.KindReply, Author: domain.Author{Handle: "b.bsky.social"}, Text: "what did they say?", CreatedAt: now.Add(-time.Hour)}
	if _, err := st.Ingest([]domain.Mention{orphan}); err != nil {
		t.Fatal(err)
	}
	calls := 0
	fetch := func(_ context.Context, m domain.Mention) (connectors.ThreadResult, error) {
		calls++
		parent := domain.Mention{Platform: domain.PlatformBluesky, NativeID: m.InReplyTo, Author: domain.Author{Handle: "a.bsky.social"},
			Text: "the parent, fetched", CreatedAt: now.Add(-2 * time.Hour), State: domain.OperatorState{Status: domain.StatusDone, FYI: true}, FYIKnown: true}
		r, err := st.Ingest([]domain.Mention{parent})
		return connectors.ThreadResult{Connector: "bsky", Fetched: 1, New: r.New}, err
	}
	m := newModel(t, st, Options{Views: []config.InboxView{{Name: "open", Filter: "status:open"}}, FetchThread: fetch})
	press(m, "enter")
	got := strings.Join(section(m), "\n")
	if calls != 1 || !strings.Contains(got, "fetched 1 message from bsky") || !strings.Contains(got, "a.bsky.social: the parent, fetched") ||
		!strings.Contains(got, "▶ 1h   b.bsky.social: what did they say?") || strings.Contains(got, "not in the store") {
		t.Fatalf("after the fetch (%d calls):\n%s", calls, got)
	}
	// opened again: the conversation is whole, nothing is asked
	press(m, "esc")
	press(m, "enter")
	if calls != 1 {
		t.Fatalf("asked the platform %d times", calls)
	}
}

func TestDetailShowsOnePersonsDirectMessages(t *testing.T) {
	st := openStore(t, 0)
	dm := func(id, handle, text string, ago time.Duration) domain.Mention {
		return domain.Mention{Platform: domain.PlatformX, NativeID: id, Kind: domain.KindDM, Author: domain.Author{Handle: handle}, Text: text, CreatedAt: now.Add(-ago)}
	}
	if _, err := st.Ingest([]domain.Mention{dm("1", "@kim", "hi, my order?", 3*time.Hour), dm("2", "@lou", "someone else", 2*time.Hour),
		dm("3", "@kim", "hello??", time.Hour)}); err != nil {
		t.Fatal(err)
	}
	m := newModel(t, st, Options{Views: []config.InboxView{{Name: "all"}}})
	press(m, "enter")
	got := strings.Join(section(m), "\n")
	if got != "Direct messages with x:kim, oldest first\n  3h   @kim: hi, my order?\n▶ 1h   @kim: hello??" {
		t.Fatalf("DMs:\n%s", got)
	}
}
