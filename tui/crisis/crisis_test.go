package crisis

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"switchboard/internal/golden"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/crisis"
	"switchboard/detect"
	"switchboard/domain"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui/pane"
)

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

type fixture struct {
	t   *testing.T
	s   *store.Store
	now time.Time
	m   *Model
	out []tea.Msg // messages for the root (toasts, focus, compose …)
}

func newFixture(t *testing.T, theme string, withWatcher bool) *fixture {
	f := &fixture{t: t, now: t0}
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f.s = s
	// steady traffic, a spike, and an impersonator
	var items []domain.Mention
	for i := range 120 {
		items = append(items, domain.Mention{Platform: domain.Platforms[i%4], NativeID: fmt.Sprint(i), Author: domain.Author{Handle: fmt.Sprintf("@u%d", i%9)},
			Text: "@acme is insulin free now?", CreatedAt: t0.Add(-6*time.Hour + time.Duration(i*3)*time.Minute)})
	}
	items = append(items, domain.Mention{Platform: domain.PlatformX, NativeID: "fake", Author: domain.Author{Handle: "@acme_support", Name: "Acme \x1b[31mSupport"},
		Text: "Official: insulin is free today \x1b]0;pwned\x07", CreatedAt: t0.Add(-10 * time.Minute)})
	if _, err := s.Ingest(items); err != nil {
		t.Fatal(err)
	}
	opts := Options{Location: time.UTC}
	if withWatcher {
		w := crisis.NewWatcher(s, detect.Config{BrandName: "Acme", Handles: []string{"@acme"}, Keywords: []string{"insulin"}})
		if _, err := w.Replay(context.Background(), time.Time{}); err != nil {
			t.Fatal(err)
		}
		opts.Watcher = w
	}
	sess := pane.Session{Ctx: context.Background(), Store: s, Actor: "ana", Styles: themes.New(theme, true), Now: func() time.Time { return f.now }}
	f.m = New(sess, opts)
	f.m.noWait = true
	f.m.SetSize(120, 30)
	f.run(f.m.Init())
	return f
}

// run executes cmd and every command its messages lead to; a command
// that blocks (waiting for the watcher) is left alone.
func (f *fixture) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		ch := make(chan tea.Msg, 1)
		go func() { ch <- c() }()
		var msg tea.Msg
		select {
		case msg = <-ch:
		case <-time.After(10 * time.Second):
			f.t.Fatalf("a command blocked")
			continue
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case boardMsg, incidentMsg, doneMsg, EscalateMsg, postMortemMsg:
			_, next := f.m.Update(msg)
			queue = append(queue, next)
		default:
			f.out = append(f.out, msg)
		}
	}
}

func (f *fixture) key(keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		_, cmd := f.m.Update(msg)
		f.run(cmd)
	}
}

func (f *fixture) typeText(s string) {
	for _, r := range s {
		// typing only returns the input's cursor blink ticks
		f.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (f *fixture) toasts() []string {
	var out []string
	for _, m := range f.out {
		if t, ok := m.(pane.ToastMsg); ok {
			out = append(out, t.Text)
		}
	}
	return out
}

func checkScreen(t *testing.T, screen string, w, h int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) != h {
		t.Fatalf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) != w {
			t.Fatalf("line %d is %d wide, want %d: %q", i, ansi.StringWidth(l), w, ansi.Strip(l))
		}
	}
	plain := ansi.Strip(screen)
	if strings.Contains(plain, "\x1b") || strings.Contains(plain, "\x07") {
		t.Fatal("control characters from platform text reached the screen")
	}
}

func TestDeclareFromAlertOnTheBoard(t *testing.T) {
	f := newFixture(t, themes.Dark, true)
	as := f.m.Alerts()
	if len(as) == 0 {
		t.Fatal("no alerts on the board")
	}
	var imp int = -1
	for i, a := range as {
		if a.Kind == detect.KindImpersonation {
			imp = i
		}
	}
	if imp < 0 {
		t.Fatalf("no impersonation alert among %+v", as)
	}
	f.key("a")
	for range imp {
		f.key("j")
	}
	f.key("d")
	if f.m.Viewing() != "INC-1" {
		t.Fatalf("declare did not open the incident; toasts %q", f.toasts())
	}
	inc, err := f.s.Incident("INC-1")
	if err != nil || inc.Scenario != domain.ScenarioSecurity || inc.Severity != domain.Sev2 || len(inc.Mentions) != 1 || inc.Mentions[0] != "x:fake" {
		t.Fatalf("incident %+v %v", inc, err)
	}
	// the alert is dismissed as declared, and leaves the board
	for _, a := range f.m.Alerts() {
		if a.ID == as[imp].ID {
			t.Fatal("declared alert still listed")
		}
	}
	// tick the second checklist item, raise severity, go live
	f.key("j", "space", "+", ">")
	inc, _ = f.s.Incident("INC-1")
	if !inc.Checklist[1].Done || inc.Checklist[1].DoneBy != "ana" || inc.Severity != domain.Sev1 || inc.Status != domain.IncidentLive {
		t.Fatalf("after keys: %+v", inc)
	}
	evs, _ := f.s.Events("INC-1")
	if last := evs[len(evs)-1]; last.Field != store.FieldStatus || last.After != "live" {
		t.Fatalf("last event %+v", last)
	}
	// hand comms over to bo
	f.key("r", "down", "enter")
	_, _ = f.m.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) // clear the prefilled actor
	f.typeText("bo")
	f.key("enter")
	if inc, _ = f.s.Incident("INC-1"); inc.Roles["comms"] != "bo" {
		t.Fatalf("roles %+v (toasts %q)", inc.Roles, f.toasts())
	}
	// a status update
	f.key("u")
	f.typeText("Holding statement posted")
	f.key("enter")
	f.now = f.now.Add(5 * time.Minute)
	screen := f.m.View()
	checkScreen(t, screen, 120, 30)
	plain := ansi.Strip(screen)
	for _, want := range []string{"INC-1", "‼ SEV1", "[x] ", "comms: bo", "update: Holding statement posted", "update due in 25m", "Volume"} {
		if !strings.Contains(plain, want) {
			t.Errorf("incident view lacks %q:\n%s", want, plain)
		}
	}
	// the holding statement goes to the composer as a post on the brand's
	// account on the linked mention's platform, not as a reply to the
	// impostor who wrote that mention
	f.key("s")
	plain = ansi.Strip(f.m.View())
	for _, want := range []string{"Holding statement of INC-1", "Post on the brand's x account (replies to no one)", "Draft it as a reply to each affected author (never the impostor)"} {
		if !strings.Contains(plain, want) {
			t.Errorf("holding picker lacks %q:\n%s", want, plain)
		}
	}
	f.key("enter")
	var compose *pane.ComposeMsg
	for _, m := range f.out {
		if c, ok := m.(pane.ComposeMsg); ok {
			compose = &c
		}
	}
	if compose == nil || compose.Post != domain.PlatformX || compose.Mention.NativeID != "" || compose.Mention.Author.Handle != "" ||
		!strings.Contains(compose.Text, "We will never ask for your password") {
		t.Fatalf("compose %+v", compose)
	}
	// offered as drafts to the affected authors: the only one is the
	// impostor (flagged when the incident was declared from its alert)
	f.key("s", "down", "enter")
	if ts := f.toasts(); !strings.Contains(ts[len(ts)-1], "reply to 0 authors") || !strings.Contains(ts[len(ts)-1], "none to 1 flagged impostor") {
		t.Fatalf("toasts %q", ts)
	}
	if ds, _ := f.s.DraftsFor("x:fake"); len(ds) != 0 {
		t.Fatalf("drafts to the impostor: %+v", ds)
	}
	f.key("m")
	if sm, ok := f.out[len(f.out)-1].(pane.ShowMentionsMsg); !ok || sm.Expr != "incident:INC-1" {
		t.Fatalf("jump to inbox: %#v", f.out[len(f.out)-1])
	}
	f.key("esc")
	if f.m.Viewing() != "" {
		t.Fatal("esc did not go back to the board")
	}
}

func TestEscalateNewAndAttach(t *testing.T) {
	f := newFixture(t, themes.Dark, false)
	a, _ := f.s.GetByKey("x:0")
	b, _ := f.s.GetByKey("mastodon:1")
	f.run(func() tea.Msg { return EscalateMsg{Mentions: []domain.Mention{a, b}} })
	if !f.m.Capturing() {
		t.Fatal("no picker for escalation")
	}
	f.key("enter") // new incident
	_, _ = f.m.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	f.typeText("Insulin rumour")
	f.key("enter")           // title
	f.key("k", "enter")      // SEV2 (SEV3 preselected)
	f.key("j", "j", "enter") // compliance
	inc, err := f.s.Incident("INC-1")
	if err != nil || inc.Title != "Insulin rumour" || inc.Severity != domain.Sev2 || inc.Scenario != domain.ScenarioCompliance ||
		inc.Lead != "ana" || len(inc.Mentions) != 2 || len(inc.Checklist) == 0 {
		t.Fatalf("declared %+v %v (toasts %q)", inc, err, f.toasts())
	}
	// attach a third mention to the open incident
	c, _ := f.s.GetByKey("bluesky:2")
	f.key("esc")
	f.run(func() tea.Msg { return EscalateMsg{Mentions: []domain.Mention{c}} })
	f.key("j", "enter")
	if inc, _ = f.s.Incident("INC-1"); len(inc.Mentions) != 3 {
		t.Fatalf("attach: %v (toasts %q)", inc.Mentions, f.toasts())
	}
	if cm, _ := f.s.Get(c.ID); cm.State.IncidentID != "INC-1" {
		t.Fatalf("mention incident %q", cm.State.IncidentID)
	}
	// counts read as words: "1 mention", never "1 mention(s)"
	toasts := strings.Join(f.toasts(), "\n")
	for _, want := range []string{"declared INC-1 SEV2 with 2 mentions", "linked 1 mention to INC-1 (3 in all)"} {
		if !strings.Contains(toasts, want) {
			t.Errorf("toasts lack %q:\n%s", want, toasts)
		}
	}
	// the escalate hook focuses pane 2 first
	if Escalate(pane.Session{}, pane.EscalateMsg{Mentions: []domain.Mention{c}}) == nil {
		t.Fatal("Escalate returned no command")
	}
}

func TestBoardGolden(t *testing.T) {
	for _, theme := range []string{themes.Dark, themes.Mono} {
		t.Run(theme, func(t *testing.T) {
			f := newFixture(t, theme, true)
			ids := func(keys ...string) []uint64 {
				var out []uint64
				for _, k := range keys {
					m, _ := f.s.GetByKey(k)
					out = append(out, m.ID)
				}
				return out
			}
			f.now = t0.Add(-2 * time.Hour)
			crisis.Declare(f.s, nil, "ana", store.IncidentSpec{Title: "Insulin price rumour", Scenario: domain.ScenarioReputation, Severity: domain.Sev1, Lead: "ana",
				Mentions: ids("x:0", "x:4", "x:40", "x:100", "mastodon:101", "reddit:103")})
			f.now = t0.Add(-time.Hour)
			crisis.Declare(f.s, nil, "bo", store.IncidentSpec{Title: "Pharmacy hours complaint", Scenario: domain.ScenarioOther, Severity: domain.Sev3})
			crisis.Declare(f.s, nil, "bo", store.IncidentSpec{Title: "Phishing DMs", Scenario: domain.ScenarioSecurity, Severity: domain.Sev2, Lead: "cy"})
			f.s.UpdateIncident("bo", "INC-3", store.FieldStatus, "live")
			crisis.Declare(f.s, nil, "bo", store.IncidentSpec{Title: "Old outage", Severity: domain.Sev4})
			f.s.UpdateIncident("bo", "INC-4", store.FieldStatus, "closed")
			f.now = t0
			f.run(f.m.load())
			f.key("l")
			screen := f.m.View()
			checkScreen(t, screen, 120, 30)
			plain := ansi.Strip(screen)
			for _, want := range []string{"TRIAGE (2)", "▸LIVE (1)", "CLOSED (1)", "‼ SEV1 INC-1", "! SEV2 INC-3", "2h00m · ana", "6✉ ", "ALERTS (", "▲ impersonation"} {
				if !strings.Contains(plain, want) {
					t.Errorf("board lacks %q:\n%s", want, plain)
				}
			}
			golden.Check(t, "board-"+theme, screen)
			if f.m.Badge() != fmt.Sprintf("3 ▲%d", len(f.m.Alerts())) {
				t.Errorf("badge %q", f.m.Badge())
			}
		})
	}
}
