package connectors

import (
	"fmt"
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
