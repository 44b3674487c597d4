package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"switchboard/tui/pane"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/store"
)

// fixed is the tests' clock.
var fixed = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	time.Local = time.UTC
	os.Exit(m.Run())
}

// harness drives a root model like a Bubble Tea program does: commands
// run in goroutines and their messages come back through Update.
type harness struct {
	t    *testing.T
	m    *Model
	st   *store.Store
	msgs chan tea.Msg
	// raw is what the model wrote to the terminal unrendered (tea.Raw:
	// the bell, OSC notifications)
	raw []string
}

func seed(n int) []domain.Mention {
	texts := []string{
		"Acme app is down again, cannot log in",
		"Love the new Acme release!",
		"Billing charged me twice @acme",
		"שלום עולם acme מה קורה",
		"絵文字 🎉👩‍👩‍👧 acme works great",
		"refund please, acme support is slow",
	}
	out := make([]domain.Mention, n)
	for i := range out {
		p := domain.Platforms[i%len(domain.Platforms)]
		out[i] = domain.Mention{
			Platform: p, NativeID: fmt.Sprint(1000 + i), URL: fmt.Sprintf("https://example.com/%d", i),
			Author:    domain.Author{Handle: fmt.Sprintf("@user%d", i), Name: fmt.Sprintf("User %d", i), Followers: int64(i * 1500), Verified: i%7 == 0},
			Text:      fmt.Sprintf("%s #%d", texts[i%len(texts)], i),
			Lang:      "en",
			CreatedAt: fixed.Add(-time.Duration(n-i) * 11 * time.Minute),
			Sentiment: []float64{-0.6, 0.7, -0.4, 0, 0.5, -0.2}[i%6],
		}
	}
	return out
}

func newHarness(t *testing.T, mentions []domain.Mention, cfg *config.Config, theme string, w, height int) *harness {
	t.Helper()
	return newHarnessWith(t, store.Options{}, mentions, Options{Theme: theme, Config: cfg}, w, height)
}

// newHarnessWith is newHarness with store options (e.g. routing rules as
// Enrich) and session options (e.g. an Outbox); the clock, actor and
// brand are the tests' fixed ones.
func newHarnessWith(t *testing.T, sopts store.Options, mentions []domain.Mention, opts Options, w, height int) *harness {
	t.Helper()
	sopts.Now = func() time.Time { return fixed }
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), sopts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if len(mentions) > 0 {
		if _, err := st.Ingest(mentions); err != nil {
			t.Fatal(err)
		}
	}
	opts.Store, opts.Actor, opts.Brand = st, "ana", "Acme"
	opts.Now = func() time.Time { return fixed }
	m, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	h := &harness{t: t, m: m, st: st, msgs: make(chan tea.Msg, 64)}
	h.run(m.Init())
	h.send(tea.WindowSizeMsg{Width: w, Height: height})
	h.settle()
	// on a busy machine the first page may take longer than settle's
	// quiet spell: wait for it, so no test types into an unloaded list
	h.until("the inbox's first page", func() bool { return h.m.Inbox().Ready() })
	return h
}

// until settles until cond holds (at most 10 s).
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s:\n%s", what, h.screen())
		}
		h.settle()
	}
}

func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { h.msgs <- cmd() }()
}

func (h *harness) send(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// settle handles messages until none come for a while.
func (h *harness) settle() {
	for {
		select {
		case msg := <-h.msgs:
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					h.run(c)
				}
				continue
			}
			if r, ok := msg.(tea.RawMsg); ok {
				h.raw = append(h.raw, fmt.Sprint(r.Msg))
				continue
			}
			if msg != nil {
				h.send(msg)
			}
		case <-time.After(80 * time.Millisecond):
			return
		}
	}
}

// keys types each key (as tmux send-keys would name them) and settles.
func (h *harness) keys(keys ...string) {
	for _, k := range keys {
		h.send(pane.KeyPress(k))
		h.settle()
	}
}

// typeText types text into whatever has focus.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	h.settle()
}

func (h *harness) screen() string { return h.m.Render() }

func (h *harness) mention(key string) domain.Mention {
	h.t.Helper()
	m, err := h.st.GetByKey(key)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

type domainMention = domain.Mention

func storeAction(kind, value string) store.Action {
	return store.Action{Kind: domain.EventKind(kind), Value: value}
}
