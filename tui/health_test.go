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

// TestHeaderLivePollingFailing: the header says per connector whether it
// is live (its stream connected), polling, or failing; the full help
// gives the reason a connector that could stream polls, made safe.
func TestHeaderLivePollingFailing(t *testing.T) {
	h := newHarness(t, seed(3), nil, "mono", 200, 30)
	health := map[string]connectors.Health{
		"mastodon-main": {State: connectors.HealthOK, Mode: connectors.ModeLive, LastSuccess: fixed.Add(-3 * time.Second)},
		"x-brand": {State: connectors.HealthOK, Mode: connectors.ModePolling, LastSuccess: fixed.Add(-40 * time.Second),
			StreamNote: "x: the filtered stream is not in this app's plan (Client Forbidden)\x1b[31m; polling mentions instead"},
		"bsky": {State: connectors.HealthUnreachable, Mode: connectors.ModePolling, LastError: "jetstream: platform unavailable"},
	}
	h.m.opts.Health = func() map[string]connectors.Health { return health }
	h.send(healthTickMsg{})
	header := strings.SplitN(stripANSI(h.screen()), "\n", 2)[0]
	for _, want := range []string{"✗bsky unreachable", "●mastodon-main live", "✓x-brand polling"} {
		if !strings.Contains(header, want) {
			t.Errorf("header lacks %q:\n%s", want, header)
		}
	}
	h.keys("?")
	screen := stripANSI(h.screen())
	for _, want := range []string{
		"mastodon-main: ok, live, last success 11:59:57",
		"x-brand: ok, last success 11:59:20 — x: the filtered stream is not in this app's plan",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("full help lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(h.screen(), "\x1b[31m") {
		t.Errorf("a stream note reached the terminal raw")
	}
}
