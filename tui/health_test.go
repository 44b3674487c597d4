package tui

import (
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
)

// TestHeaderHealth: the header shows each connector's state, with the time
// a rate limit ends; the full help (`?`) lists each connector's last
// success and the error of a failed one, made safe.
func TestHeaderHealth(t *testing.T) {
	h := newHarness(t, seed(3), nil, "mono", 160, 30)
	health := map[string]connectors.Health{
		"mastodon-main": {State: connectors.HealthOK, LastSuccess: fixed.Add(-56 * time.Second)},
		"news":          {State: connectors.HealthRateLimited, Until: fixed.Add(5*time.Minute + 30*time.Second), LastSuccess: fixed.Add(-10 * time.Minute)},
		"x-brand":       {State: connectors.HealthAuthFailed, LastError: "token rejected\x1b[31m"},
	}
	h.m.opts.Health = func() map[string]connectors.Health { return health }
	h.send(healthTickMsg{})
	header := strings.SplitN(stripANSI(h.screen()), "\n", 2)[0]
	for _, want := range []string{"✓mastodon-main", "◷news rate-limited until 12:05", "✗x-brand auth failed"} {
		if !strings.Contains(header, want) {
			t.Errorf("header lacks %q:\n%s", want, header)
		}
	}
	if strings.Contains(h.screen(), "last success") {
		t.Fatalf("last success shown before ?:\n%s", h.screen())
	}
	h.keys("?")
	screen := h.screen()
	for _, want := range []string{
		"mastodon-main: ok, last success 11:59:04",
		"news: rate-limited until 12:05:30, last success 11:50:00",
		"x-brand: auth failed — token rejected",
	} {
		if !strings.Contains(stripANSI(screen), want) {
			t.Errorf("full help lacks %q:\n%s", want, stripANSI(screen))
		}
	}
	if strings.Contains(screen, "\x1b[31m") {
		t.Errorf("error text reached the terminal raw")
	}
}
