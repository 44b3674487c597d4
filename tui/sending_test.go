package tui

import (
	"strings"
	"testing"
)

// TestHeaderShowsPausedSending: a lead's "pause all sending" appears in the
// header of every session at once, and goes when it is lifted.
func TestHeaderShowsPausedSending(t *testing.T) {
	h := newHarness(t, seed(5), nil, "mono", 100, 24)
	header := func() string { return strings.SplitN(h.screen(), "\n", 2)[0] }
	if strings.Contains(header(), "PAUSED") {
		t.Fatalf("paused before anyone paused:\n%s", header())
	}
	if _, err := h.st.SetSendingPaused("lee", true, "incident"); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if !strings.Contains(header(), "⏸ SENDING PAUSED") {
		t.Fatalf("header does not show the pause:\n%s", header())
	}
	if _, err := h.st.SetSendingPaused("lee", false, ""); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if strings.Contains(header(), "PAUSED") {
		t.Fatalf("header still shows the pause:\n%s", header())
	}
}
