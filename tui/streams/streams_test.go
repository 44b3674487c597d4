package streams

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/keymap"
	"switchboard/store"
	"switchboard/themes"
	"switchboard/tui/pane"
)

func TestKeyMapCoversEveryAction(t *testing.T) {
	if err := keymap.Covered("streams", NewKeyMap(nil), nil); err != nil {
		t.Fatal(err)
	}
}

var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func newPane(t *testing.T, add func(config.Stream) (int, error)) (*Model, *store.Store) {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var items []domain.Mention
	for i, tx := range []string{"acme is broken", "acme is fine", "acme again"} {
		items = append(items, domain.Mention{Platform: domain.PlatformMastodon, NativeID: "b" + string(rune('1'+i)), Stream: "brand",
			Author: domain.Author{Handle: "@u" + string(rune('1'+i)) + "@social.example", Followers: 1500}, Text: tx,
			CreatedAt: now.Add(-time.Duration(10*(3-i)) * time.Minute)})
	}
	items = append(items, domain.Mention{Platform: domain.PlatformX, NativeID: "r1", Stream: "rivals", Author: domain.Author{Handle: "@z"},
		Text: "globex \x1b[31mred\x1b[0m", CreatedAt: now.Add(-2 * time.Hour)})
	if _, err := s.Ingest(items); err != nil {
		t.Fatal(err)
	}
	f := Factory(Options{Streams: []config.Stream{{Name: "brand"}, {Name: "rivals"}}, Add: add})
	m := f(pane.Session{Ctx: context.Background(), Store: s, Actor: "ana", Styles: themes.New("dark", true), Now: func() time.Time { return now }}).(*Model)
	m.SetSize(100, 20)
	run(t, m, m.Init())
	return m, s
}

// run applies a command's message (and what follows it) to the pane.
func run(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	for cmd != nil {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				run(t, m, c)
			}
			return
		}
		if _, ok := msg.(pane.ToastMsg); ok {
			return
		}
		_, cmd = m.Update(msg)
	}
}

func press(t *testing.T, m *Model, k string) {
	t.Helper()
	_, cmd := m.Update(pane.KeyPress(k))
	run(t, m, cmd)
}

func TestColumnsCountsPromoteDismiss(t *testing.T) {
	m, s := newPane(t, nil)
	v := ansi.Strip(m.View())
	for _, want := range []string{"brand · 3/h · 3 waiting", "rivals · 0/h · 1 waiting", "acme again", "1.5k"} {
		if !strings.Contains(v, want) {
			t.Fatalf("view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(m.View(), "\x1b[31mred") || !strings.Contains(v, "␛[31mred") {
		t.Fatal("platform escape codes reached the screen")
	}
	if m.Badge() != "4" {
		t.Fatalf("badge %q", m.Badge())
	}
	press(t, m, "p") // the newest brand item: "acme again"
	got, _ := s.GetByKey("mastodon:b3")
	if got.State.Status != domain.StatusOpen {
		t.Fatalf("promote: %q", got.State.Status)
	}
	evs, _ := s.Events("mastodon:b3")
	if len(evs) != 1 || evs[0].Actor != "ana" {
		t.Fatalf("events %+v", evs)
	}
	press(t, m, "x")
	got, _ = s.GetByKey("mastodon:b2")
	if got.State.Status != domain.StatusStream || !got.State.HasTag(DismissedTag) {
		t.Fatalf("dismiss: %+v", got.State)
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, "brand · 3/h · 1 waiting") || strings.Contains(v, "acme is fine") {
		t.Fatalf("after promote and dismiss:\n%s", v)
	}
	press(t, m, "l")
	press(t, m, "enter")
	if v := ansi.Strip(m.View()); !strings.Contains(v, "stream rivals · x") || !strings.Contains(v, "globex") {
		t.Fatalf("open:\n%s", v)
	}
	press(t, m, "esc")
	if m.open != nil {
		t.Fatal("esc did not close the item")
	}
}

func TestNewStreamPrompt(t *testing.T) {
	var saved config.Stream
	m, _ := newPane(t, func(st config.Stream) (int, error) { saved = st; return 2, nil })
	m.Update(pane.KeyPress("n")) // its command is the cursor's blink
	if !m.Capturing() {
		t.Fatal("the prompt does not capture keys")
	}
	_, _ = m.Update(tea.PasteMsg{Content: `launch: #acmelaunch, "acme x1"`})
	press(t, m, "enter")
	if saved.Name != "launch" || len(saved.Terms) != 2 || saved.Terms[0] != "#acmelaunch" || saved.Terms[1] != "acme x1" {
		t.Fatalf("saved %+v", saved)
	}
	if m.Capturing() || len(m.cols) != 3 || m.cols[2].name != "launch" {
		t.Fatalf("after saving: %d columns", len(m.cols))
	}
	if _, err := ParseNew("no colon"); err == nil {
		t.Fatal("no colon accepted")
	}
}
