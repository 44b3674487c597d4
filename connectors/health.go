package connectors

import (
	"errors"
	"sync"
	"time"
)

// HealthTracker keeps a connector's Health from the outcome of its calls.
// The zero value reports HealthUnknown; it is safe for concurrent use.
type HealthTracker struct {
	mu sync.Mutex
	h  Health
}

// Get returns the current health.
func (t *HealthTracker) Get() Health {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.h
	if h.State == "" {
		h.State = HealthUnknown
	}
	return h
}

// OK records a successful call at now; note, if not empty, is kept as
// LastError (e.g. a partial answer that left items out).
func (t *HealthTracker) OK(now time.Time, note string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.h.State, t.h.Until, t.h.LastSuccess, t.h.LastError = HealthOK, time.Time{}, now, note
}

// Fail records a failed call and returns err, so callers can write
// `return c.health.Fail(err)`. The error text must hold no secret.
func (t *HealthTracker) Fail(err error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var rl *RateLimitError
	switch {
	case errors.As(err, &rl):
		t.h.State, t.h.Until = HealthRateLimited, rl.Reset
	case errors.Is(err, ErrAuth):
		t.h.State = HealthAuthFailed
	case errors.Is(err, ErrUnavailable):
		t.h.State = HealthUnreachable
	}
	t.h.LastError = err.Error()
	return err
}

// SetRateLimit records the latest rate-limit headers.
func (t *HealthTracker) SetRateLimit(rl RateLimit) {
	t.mu.Lock()
	t.h.RateLimit = rl
	t.mu.Unlock()
}

// Note sets LastError without changing the state (e.g. a warning).
func (t *HealthTracker) Note(msg string) {
	t.mu.Lock()
	t.h.LastError = msg
	t.mu.Unlock()
}

// Describe says the health in words for an operator, with times in loc
// formatted by layout (e.g. time.TimeOnly): "ok, last success 10:04:05",
// "rate-limited until 10:05:00", "auth failed", "unreachable" or
// "unknown"; then ", live" while its stream is connected; a state other
// than ok adds ", last success T" when there was
// one. It never includes LastError (callers show it, made safe, if they
// want it).
func (h Health) Describe(layout string, loc *time.Location) string {
	if loc == nil {
		loc = time.Local
	}
	var s string
	switch h.State {
	case HealthOK:
		s = "ok"
	case HealthRateLimited:
		s = "rate-limited"
		if !h.Until.IsZero() {
			s += " until " + h.Until.In(loc).Format(layout)
		}
	case HealthAuthFailed:
		s = "auth failed"
	case HealthUnreachable:
		s = "unreachable"
	default:
		s = "unknown"
	}
	if h.Mode == ModeLive {
		s += ", live"
	}
	if !h.LastSuccess.IsZero() {
		s += ", last success " + h.LastSuccess.In(loc).Format(layout)
	}
	return s
}
