package tui

import (
	"strings"
	"testing"

	"switchboard/domain"
	"switchboard/store"
	"switchboard/tui/composer"
	crisistui "switchboard/tui/crisis"
)

func addNotice(t *testing.T, h *harness, n store.Notice) store.Notice {
	t.Helper()
	if n.For == "" {
		n.For = "ana"
	}
	added, err := h.st.AddNotices([]store.Notice{n}, 0)
	if err != nil || len(added) != 1 {
		t.Fatalf("add: %v %v", added, err)
	}
	return added[0]
}

// selectedLine reports whether the line under a cursor (›) holds want.
func selectedLine(screen, want string) bool {
	for _, l := range strings.Split(stripANSI(screen), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "›") && strings.Contains(l, want) {
			return true
		}
	}
	return false
}

func TestNotificationCentreCountsListsAndJumps(t *testing.T) {
	h := newHarnessWith(t, store.Options{}, seed(12), Options{Theme: "mono", Outbox: composer.OutboxFactory(nil, nil),
		Crisis: crisistui.Factory(crisistui.Options{})}, 120, 30)
	if strings.Contains(h.screen(), "unread") {
		t.Fatalf("an unread count with no notices:\n%s", h.screen())
	}
	addNotice(t, h, store.Notice{Kind: store.NoticeAssigned, By: "ben", Urgent: true, Title: "ben assigned you x:1005",
		Text: "@user5: \x1b]0;pwned\x07 refund please", Link: store.NoticeLink{Kind: "mention", ID: "x:1005"}})
	addNotice(t, h, store.Notice{For: "ben", Kind: store.NoticeAssigned, Title: "not ana's"})
	h.until("the header's count", func() bool { return strings.Contains(stripANSI(h.screen()), "✉ 1 unread") })
	if msg, _ := h.m.Toast(); !strings.Contains(msg, "ben assigned you x:1005") {
		t.Fatalf("toast %q", msg)
	}
	h.keys("!")
	h.until("the list", func() bool { return strings.Contains(stripANSI(h.screen()), "ben assigned you x:1005") })
	scr := stripANSI(h.screen())
	if !strings.Contains(scr, "Notifications · 1 unread · terminal: off") || strings.Contains(scr, "not ana's") {
		t.Fatalf("centre:\n%s", scr)
	}
	if strings.ContainsAny(scr, "\x1b\x07") || !strings.Contains(scr, "␛]0;pwned␇") {
		t.Fatalf("platform text not made safe:\n%q", scr)
	}
	h.keys("enter")
	h.until("the mention opened", func() bool {
		return !h.m.CentreOpen() && h.m.Focus() == 0 && strings.Contains(stripANSI(h.screen()), "https://example.com/5")
	})
	if n, _, _ := h.st.UnreadNotices("ana"); n != 0 || h.m.Unread() != 0 {
		t.Fatalf("still unread: store %d, header %d", n, h.m.Unread())
	}
	h.keys("esc")

	// a draft: the Outbox with its cursor on it
	d, err := h.st.NewDraft("ana", "x:1005", domain.VisibilityPublic, "on it")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.QueueDraft("ana", d.ID, d.Version); err != nil {
		t.Fatal(err)
	}
	// a failed draft is listed first: the jump has to move the cursor
	f, _ := h.st.NewDraft("ana", "x:1000", domain.VisibilityPublic, "sorry")
	if f, err = h.st.QueueDraft("ana", f.ID, f.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.FailDraft(f.ID, "x: 429", true); err != nil {
		t.Fatal(err)
	}
	addNotice(t, h, store.Notice{Kind: store.NoticeApproved, Title: "lea approved your draft " + d.ID, Link: store.NoticeLink{Kind: "draft", ID: d.ID}})
	h.until("the count", func() bool { return h.m.Unread() == 1 })
	h.keys("!")
	h.until("the list", func() bool { return strings.Contains(stripANSI(h.screen()), "lea approved") })
	h.keys("enter")
	h.until("the Outbox", func() bool { return h.m.Focus() == 3 && selectedLine(h.screen(), " "+d.ID+" ") })

	// an incident: opened on the board
	inc, err := h.st.DeclareIncident("ben", store.IncidentSpec{Title: "Fake support", Severity: domain.Sev2, Scenario: domain.ScenarioSecurity, Lead: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	addNotice(t, h, store.Notice{Kind: store.NoticeRole, Title: "ben made you lead of " + inc.ID, Link: store.NoticeLink{Kind: "incident", ID: inc.ID}})
	h.until("the count", func() bool { return h.m.Unread() == 1 })
	h.keys("!")
	h.until("the list", func() bool { return strings.Contains(stripANSI(h.screen()), "made you lead") })
	h.keys("enter")
	h.until("the incident", func() bool {
		cp := h.m.panes[1].(*crisistui.Model)
		return h.m.Focus() == 1 && cp.Viewing() == inc.ID
	})

	// space marks read, R all read; both kept in the store
	for i := range 3 {
		addNotice(t, h, store.Notice{Kind: store.NoticeMention, Title: "mentioned " + string(rune('a'+i))})
	}
	h.until("the count", func() bool { return h.m.Unread() == 3 })
	h.keys("!")
	h.until("the list", func() bool { return strings.Contains(stripANSI(h.screen()), "mentioned c") })
	h.keys("space")
	h.until("one read", func() bool { n, _, _ := h.st.UnreadNotices("ana"); return n == 2 && h.m.Unread() == 2 })
	h.keys("R")
	h.until("all read", func() bool { n, _, _ := h.st.UnreadNotices("ana"); return n == 0 && h.m.Unread() == 0 })
	if strings.Contains(stripANSI(h.screen()), "unread ·") && !strings.Contains(stripANSI(h.screen()), "0 unread") {
		t.Fatalf("header:\n%s", stripANSI(h.screen()))
	}
	h.keys("esc")
	if h.m.CentreOpen() {
		t.Fatal("esc did not close the centre")
	}
}

func TestTerminalNotificationsOnlyWhenChosen(t *testing.T) {
	h := newHarnessWith(t, store.Options{}, seed(3), Options{Theme: "mono"}, 120, 30)
	urgent := store.Notice{Kind: store.NoticeAssigned, Urgent: true, Title: "ben assigned you x:1000\x1b]52;c;ZXZpbA==\x07",
		Link: store.NoticeLink{Kind: "mention", ID: "x:1000"}}
	addNotice(t, h, urgent)
	h.until("the count", func() bool { return h.m.Unread() == 1 })
	if len(h.raw) != 0 || h.m.TerminalMode() != "off" {
		t.Fatalf("off by default, wrote %q", h.raw)
	}
	// the toggle walks the modes and is remembered for the operator
	h.keys("!", "t")
	if h.m.TerminalMode() != "bell" {
		t.Fatalf("mode %q", h.m.TerminalMode())
	}
	h.until("the preference stored", func() bool { p, _ := h.st.NoticePref("ana"); return p == "bell" })
	h.keys("esc")
	addNotice(t, h, urgent)
	addNotice(t, h, store.Notice{Kind: store.NoticeMention, Title: "not urgent"})
	h.until("the bell", func() bool { return len(h.raw) > 0 })
	h.settle()
	if len(h.raw) != 1 || h.raw[0] != "\a" {
		t.Fatalf("bell mode wrote %q", h.raw)
	}
	h.raw = nil
	h.keys("!", "t", "esc")
	if h.m.TerminalMode() != "osc9" {
		t.Fatalf("mode %q", h.m.TerminalMode())
	}
	addNotice(t, h, urgent)
	h.until("the OSC 9", func() bool { return len(h.raw) > 0 })
	if len(h.raw) != 1 || !strings.HasPrefix(h.raw[0], "\x1b]9;switchboard: ben assigned you x:1000") ||
		strings.Count(h.raw[0], "\x1b") != 1 || strings.Count(h.raw[0], "\a") != 1 {
		t.Fatalf("osc9 wrote %q", h.raw)
	}
	// the palette runs the toggle too, without the centre open
	h.raw = nil
	h.keys(":")
	h.typeText("terminal notifications")
	h.keys("enter")
	if h.m.TerminalMode() != "osc777" || h.m.CentreOpen() {
		t.Fatalf("palette toggle: mode %q, centre open %v", h.m.TerminalMode(), h.m.CentreOpen())
	}
	addNotice(t, h, urgent)
	h.until("the OSC 777", func() bool { return len(h.raw) > 0 })
	if !strings.HasPrefix(h.raw[0], "\x1b]777;notify;switchboard;ben assigned you x:1000") {
		t.Fatalf("osc777 wrote %q", h.raw)
	}

	// a new session of the same operator starts in the chosen mode
	m2, err := New(Options{Store: h.st, Actor: "ana", Theme: "mono", Now: h.m.opts.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	msg := m2.loadNotices()()
	m2.Update(msg)
	if m2.TerminalMode() != "osc777" {
		t.Fatalf("new session mode %q", m2.TerminalMode())
	}
}
