package connectors

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Each platform says when a rate limit resets in its own way. These
// helpers turn the header values into a time; ok is false when the value
// is missing or cannot be read.

// ParseResetISO reads an ISO 8601 time (Mastodon's X-RateLimit-Reset,
// e.g. "2026-03-10T12:05:00.000Z").
func ParseResetISO(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ParseResetUnix reads a time in seconds since 1970 (X's x-rate-limit-reset).
func ParseResetUnix(v string) (time.Time, bool) {
	f, ok := parseSeconds(v)
	if !ok || f < 1e9 || f > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(f*1e9)), true
}

// ParseResetSeconds reads seconds remaining from now (Reddit's
// x-ratelimit-reset, e.g. "412" or "412.0").
func ParseResetSeconds(v string, now time.Time) (time.Time, bool) {
	f, ok := parseSeconds(v)
	if !ok || f > 7*24*3600 {
		return time.Time{}, false
	}
	return now.Add(time.Duration(f * float64(time.Second))), true
}

// ParseResetAuto reads a value that is either a unix time or seconds
// remaining, telling them apart by size (Bluesky's RateLimit-Reset is a
// unix time; the IETF draft's is seconds remaining).
func ParseResetAuto(v string, now time.Time) (time.Time, bool) {
	f, ok := parseSeconds(v)
	if !ok {
		return time.Time{}, false
	}
	if f >= 1e9 {
		return ParseResetUnix(v)
	}
	return ParseResetSeconds(v, now)
}

// ParseRetryAfter reads an HTTP Retry-After value: seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) (time.Time, bool) {
	if t, ok := ParseResetSeconds(v, now); ok {
		return t, true
	}
	if t, err := http.ParseTime(strings.TrimSpace(v)); err == nil {
		return t, true
	}
	return time.Time{}, false
}

func parseSeconds(v string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// HeaderStyle names a platform's rate-limit header convention.
type HeaderStyle int

const (
	// StyleMastodon: X-RateLimit-Limit, -Remaining, -Reset (ISO 8601).
	StyleMastodon HeaderStyle = iota
	// StyleX: x-rate-limit-limit, -remaining, -reset (unix seconds).
	StyleX
	// StyleReddit: x-ratelimit-used, -remaining (may be fractional),
	// -reset (seconds remaining).
	StyleReddit
	// StyleBluesky: RateLimit-Limit, -Remaining, -Reset (unix seconds or
	// seconds remaining), -Policy.
	StyleBluesky
)

// RateLimitFromHeaders reads a response's rate-limit headers in a
// platform's style. ok is false when the response carries none. A
// Retry-After header, when present, sets Reset if the style's own header
// is missing.
func RateLimitFromHeaders(h http.Header, style HeaderStyle, now time.Time) (RateLimit, bool) {
	var rl RateLimit
	num := func(name string) (int, bool) {
		f, ok := parseSeconds(h.Get(name))
		if !ok || f >= 1e9 { // absent, or no count a platform would send
			return 0, false
		}
		return int(f), true
	}
	var okL, okR, okT bool
	switch style {
	case StyleMastodon:
		rl.Limit, okL = num("X-RateLimit-Limit")
		rl.Remaining, okR = num("X-RateLimit-Remaining")
		rl.Reset, okT = ParseResetISO(h.Get("X-RateLimit-Reset"))
	case StyleX:
		rl.Limit, okL = num("X-Rate-Limit-Limit")
		rl.Remaining, okR = num("X-Rate-Limit-Remaining")
		rl.Reset, okT = ParseResetUnix(h.Get("X-Rate-Limit-Reset"))
	case StyleReddit:
		var used int
		var okU bool
		used, okU = num("X-Ratelimit-Used")
		rl.Remaining, okR = num("X-Ratelimit-Remaining")
		if okU && okR {
			rl.Limit, okL = used+rl.Remaining, true
		}
		rl.Reset, okT = ParseResetSeconds(h.Get("X-Ratelimit-Reset"), now)
	case StyleBluesky:
		rl.Limit, okL = num("RateLimit-Limit")
		rl.Remaining, okR = num("RateLimit-Remaining")
		rl.Reset, okT = ParseResetAuto(h.Get("RateLimit-Reset"), now)
	}
	if !okT {
		rl.Reset, okT = ParseRetryAfter(h.Get("Retry-After"), now)
	}
	if !okR {
		rl.Remaining = -1 // unknown
	}
	return rl, okL || okR || okT
}
