package sshserver

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

type countModel struct{ n, views int }

func (c *countModel) Init() tea.Cmd { return nil }
func (c *countModel) Update(tea.Msg) (tea.Model, tea.Cmd) {
	c.n++
	return c, nil
}
func (c *countModel) View() tea.View {
	c.views++
	return tea.NewView(string(rune('a' + c.n)))
}

func TestFrameModelDrawsOncePerFrameAndTheLastChange(t *testing.T) {
	in := &countModel{}
	f := &frameModel{inner: in, every: time.Hour}
	if v := f.View(); v.Content != "a" || in.views != 1 {
		t.Fatalf("first view %q after %d", v.Content, in.views)
	}
	var tick tea.Cmd
	for i := 0; i < 5; i++ {
		_, cmd := f.Update(struct{}{})
		if cmd != nil {
			if tick != nil {
				t.Fatal("more than one frame timer for one frame")
			}
			tick = cmd
		}
		if v := f.View(); v.Content != "a" {
			t.Fatalf("drawn within the frame: %q", v.Content)
		}
	}
	if in.views != 1 || tick == nil {
		t.Fatalf("views %d, timer %v", in.views, tick != nil)
	}
	f.Update(frameMsg{}) // the timer fired
	if v := f.View(); v.Content != "f" || in.views != 2 {
		t.Fatalf("end of frame drew %q after %d views, want the last change f", v.Content, in.views)
	}
	if f.View(); in.views != 2 {
		t.Fatal("drew again without a change")
	}
	// after a quiet frame, a change is drawn at once
	g := &frameModel{inner: &countModel{}, every: time.Millisecond}
	g.View()
	time.Sleep(2 * time.Millisecond)
	g.Update(struct{}{})
	if v := g.View(); v.Content != "b" {
		t.Fatalf("change after a quiet frame not drawn at once: %q", v.Content)
	}
}

// onFrame is told how long the oldest undrawn change waited: a burst
// drawn at the end of its frame waited about the frame, not the last
// message's share of it; a frame with nothing new reports nothing.
func TestFrameModelReportsHowLongAChangeWaited(t *testing.T) {
	var waits []time.Duration
	f := &frameModel{inner: &countModel{}, every: 30 * time.Millisecond, onFrame: func(d time.Duration) { waits = append(waits, d) }}
	f.View()
	f.Update(struct{}{}) // within the first frame: waits for the timer
	time.Sleep(20 * time.Millisecond)
	f.Update(struct{}{})
	f.View() // still inside the frame
	if len(waits) != 0 {
		t.Fatalf("reported before drawing: %v", waits)
	}
	time.Sleep(15 * time.Millisecond)
	f.Update(frameMsg{})
	f.View()
	if len(waits) != 1 || waits[0] < 35*time.Millisecond {
		t.Fatalf("waits %v, want one of at least the 35 ms since the first change", waits)
	}
	f.View()
	f.Update(frameMsg{})
	f.View()
	if len(waits) != 1 {
		t.Fatalf("a frame with no change reported a wait: %v", waits)
	}
}
