package sshserver

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// frameModel limits how often a session's View is computed. Bubble Tea
// asks for the View after every message; a busy store sends each session
// several messages per change (the update, then the panes' reloads), and
// with dozens of sessions on one server the rendering dominates the CPU.
// Here a View is computed at most once per frame: messages within a frame
// share one, and a timer makes sure the last change of a burst is drawn
// at the end of its frame. A key press after a quiet frame is drawn at
// once.
type frameModel struct {
	inner    tea.Model
	every    time.Duration
	view     tea.View
	have     bool
	rendered time.Time
	dirty    bool
	pending  bool // a frameMsg is on its way
	due      bool // the frameMsg arrived: draw now
	// since is when the oldest change not yet drawn arrived; onFrame (if
	// set) is told how long it waited once a View draws it.
	since   time.Time
	onFrame func(time.Duration)
}

type frameMsg struct{}

func (f *frameModel) Init() tea.Cmd { return f.inner.Init() }

func (f *frameModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(frameMsg); ok {
		f.pending, f.due = false, true
		return f, nil
	}
	m, cmd := f.inner.Update(msg)
	if !f.dirty {
		f.since = time.Now()
	}
	f.inner, f.dirty = m, true
	if wait := f.every - time.Since(f.rendered); wait > 0 && !f.pending {
		f.pending = true
		cmd = tea.Batch(cmd, tea.Tick(wait, func(time.Time) tea.Msg { return frameMsg{} }))
	}
	return f, cmd
}

func (f *frameModel) View() tea.View {
	if !f.have || (f.dirty && (f.due || time.Since(f.rendered) >= f.every)) {
		f.view, f.have = f.inner.View(), true
		now := time.Now()
		if f.onFrame != nil && f.dirty {
			f.onFrame(now.Sub(f.since))
		}
		f.rendered, f.dirty, f.due = now, false, false
	}
	return f.view
}
