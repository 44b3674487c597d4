package tui

import (
	"strings"
	"testing"

	"switchboard/domain"
	"switchboard/store"
	"switchboard/tui/composer"
)

// outboxHarness is a session with the Outbox as pane 4, holding a failed
// draft (on x:1005) and a queued one (on mastodon:1011).
func outboxHarness(t *testing.T, theme string, w, height int) *harness {
	t.Helper()
	h := newHarnessWith(t, store.Options{}, seed(12), Options{Theme: theme, Outbox: composer.OutboxFactory(nil, nil)}, w, height)
	queue := func(key, text string) domain.Draft {
		d, err := h.st.NewDraft("ana", key, domain.VisibilityPublic, text)
		if err != nil {
			t.Fatal(err)
		}
		if d, err = h.st.QueueDraft("ana", d.ID, d.Version); err != nil {
			t.Fatal(err)
		}
		return d
	}
	failed := queue("x:1005", "Sorry about that! Our billing team will reach out today.")
	if _, err := h.st.FailDraft(failed.ID, "x: rate limited (429)", true); err != nil {
		t.Fatal(err)
	}
	queue("mastodon:1011", "Thanks for the patience, a refund is on its way.")
	h.until("the Outbox to list both drafts", func() bool {
		v := h.m.panes[3].View()
		return strings.Contains(v, "d1") && strings.Contains(v, "d2")
	})
	return h
}

func TestGlobalHelpListsEveryPaneAndPaletteKey(t *testing.T) {
	h := outboxHarness(t, "dark", 120, 30)
	h.keys("?")
	s := stripANSI(h.screen())
	for _, want := range []string{"1 inbox", "2 crisis", "3 policy", "4 outbox", ":/ctrl+p commands"} {
		if !strings.Contains(s, want) {
			t.Fatalf("help lacks %q:\n%s", want, s)
		}
	}
	// without an Outbox there is no pane 4 to list, and 4 does nothing
	h2 := newHarness(t, seed(3), nil, "dark", 120, 30)
	h2.keys("?", "4")
	if s := stripANSI(h2.screen()); strings.Contains(s, "4 outbox") || h2.m.Focus() != 0 {
		t.Fatalf("pane 4 offered without an Outbox (focus %d):\n%s", h2.m.Focus(), s)
	}
	h.keys("?", "4")
	if h.m.Focus() != 3 {
		t.Fatalf("4 focused pane %d", h.m.Focus())
	}
}

func TestPaletteListsOutboxAndRunsItsActions(t *testing.T) {
	h := outboxHarness(t, "dark", 120, 30)
	h.keys("ctrl+p")
	h.typeText("outbox.")
	s := stripANSI(h.screen())
	for _, want := range []string{"outbox.approve", "outbox.reject", "outbox.retry", "retry send", "outbox.cancel", "outbox.pause", "pause/resume all sending"} {
		if !strings.Contains(s, want) {
			t.Fatalf("palette (\"out\") lacks %q:\n%s", want, s)
		}
	}
	h.keys("esc")
	// run the Outbox's retry from the inbox: it focuses the Outbox and
	// retries the failed draft under its cursor (failed drafts list first)
	h.keys(":")
	h.typeText("retry")
	h.keys("enter")
	if h.m.Focus() != 3 {
		t.Fatalf("palette did not focus the Outbox (focus %d)", h.m.Focus())
	}
	toastHas(t, h, "is back in the queue", false)
	ds, err := h.st.Drafts(domain.DraftFailed)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 0 {
		t.Fatalf("the failed draft was not retried: %+v", ds)
	}
	queued, _ := h.st.Drafts(domain.DraftQueued)
	if len(queued) != 2 {
		t.Fatalf("%d queued drafts, want 2", len(queued))
	}

	// focused on the Outbox, its own actions list first
	h.keys(":")
	if cmds := h.m.palette.visible(); len(cmds) == 0 || !strings.HasPrefix(cmds[0].name, "outbox.") {
		t.Fatalf("palette in the Outbox does not start with its actions: %+v", cmds)
	}
	h.typeText("tag")
	s = stripANSI(h.screen())
	for _, want := range []string{"inbox.tag"} {
		if !strings.Contains(s, want) {
			t.Fatalf("palette in the Outbox lacks %q:\n%s", want, s)
		}
	}
}
