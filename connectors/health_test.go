package connectors

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestHealthTracker(t *testing.T) {
	var h HealthTracker
	if h.Get().State != HealthUnknown {
		t.Fatalf("zero tracker: %v", h.Get().State)
	}
	reset := time.Unix(2_000_000_000, 0)
	err := h.Fail(&RateLimitError{Reset: reset, Msg: "slow down"})
	if g := h.Get(); g.State != HealthRateLimited || !g.Until.Equal(reset) || err == nil {
		t.Fatalf("rate limited: %+v", g)
	}
	h.Fail(fmt.Errorf("token: %w", ErrAuth))
	if g := h.Get(); g.State != HealthAuthFailed || g.LastError != "token: authentication failed" {
		t.Fatalf("auth: %+v", g)
	}
	now := time.Unix(1_900_000_000, 0)
	h.OK(now, "")
	if g := h.Get(); g.State != HealthOK || !g.LastSuccess.Equal(now) || g.LastError != "" || !g.Until.IsZero() {
		t.Fatalf("ok: %+v", g)
	}
}

func TestHealthDescribe(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	at := func(h, m, s int) time.Time { return time.Date(2026, 11, 20, h, m, s, 0, time.UTC) }
	for _, tc := range []struct {
		h    Health
		want string
	}{
		{Health{State: HealthOK, LastSuccess: at(9, 4, 5)}, "ok, last success 10:04:05"},
		{Health{State: HealthRateLimited, Until: at(9, 5, 0)}, "rate-limited until 10:05:00"},
		{Health{State: HealthRateLimited, Until: at(9, 5, 0), LastSuccess: at(9, 1, 0)}, "rate-limited until 10:05:00, last success 10:01:00"},
		{Health{State: HealthRateLimited}, "rate-limited"},
		{Health{State: HealthAuthFailed, LastError: "token SECRET"}, "auth failed"},
		{Health{State: HealthUnreachable, LastSuccess: at(8, 0, 0)}, "unreachable, last success 09:00:00"},
		{Health{}, "unknown"},
		{Health{State: HealthOK, Mode: ModeLive, LastSuccess: at(9, 4, 5)}, "ok, live, last success 10:04:05"},
		{Health{State: HealthOK, Mode: ModePolling, LastSuccess: at(9, 4, 5)}, "ok, last success 10:04:05"},
	} {
		if got := tc.h.Describe(time.TimeOnly, cet); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.h, got, tc.want)
		}
	}
	if got := (Health{State: HealthRateLimited, Until: at(9, 5, 30)}).Describe("15:04", cet); got != "rate-limited until 10:05" {
		t.Errorf("short layout: %q", got)
	}
}

func TestRateLimitHeadersRejectAbsurdCounts(t *testing.T) {
	h := http.Header{}
	h.Set("X-Rate-Limit-Limit", "1e300")
	h.Set("X-Rate-Limit-Remaining", "99999999999")
	if rl, ok := RateLimitFromHeaders(h, StyleX, time.Unix(1_900_000_000, 0)); ok || rl.Limit != 0 {
		t.Fatalf("absurd counts taken: %+v %v", rl, ok)
	}
}

func TestValidToken(t *testing.T) {
	for tok, want := range map[string]bool{"abc.DEF-123_~+/=": true, "": false, "a b": false, "a\r\nX-Evil: 1": false, "é": false, strings.Repeat("a", MaxTokenBytes+1): false} {
		if ValidToken(tok) != want {
			t.Errorf("ValidToken(%q) = %v", tok, !want)
		}
	}
}
