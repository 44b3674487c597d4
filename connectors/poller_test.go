package connectors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// memSink is an in-memory Sink: items and cursor change together.
type memSink struct {
	mu      sync.Mutex
	items   map[string]domain.Mention
	cursors map[string]string
	fail    error
	pages   int
}

func newMemSink() *memSink {
	return &memSink{items: map[string]domain.Mention{}, cursors: map[string]string{}}
}

func (s *memSink) IngestPage(conn string, items []domain.Mention, cursor string) (store.IngestResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return store.IngestResult{}, s.fail
	}
	var r store.IngestResult
	for _, m := range items {
		if _, ok := s.items[m.Key()]; ok {
			r.Duplicates++
		} else {
			r.New++
		}
		s.items[m.Key()] = m
	}
	s.cursors[conn] = cursor
	s.pages++
	return r, nil
}

func (s *memSink) Cursor(conn string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursors[conn], nil
}

// seqConn serves items 0..total-1 in pages of size; the cursor is the
// offset. errs, if set, is consulted before each fetch.
type seqConn struct {
	name    string
	total   int
	size    int
	mu      sync.Mutex
	calls   []string // cursors asked for
	errs    func(call int) error
	block   chan struct{} // when set, a fetch at offset blockAt waits on it or ctx
	blockAt int
	rl      RateLimit
}

func item(i int) domain.Mention {
	return domain.Mention{Platform: domain.PlatformMastodon, NativeID: strconv.Itoa(i), Author: domain.Author{Handle: "@u" + strconv.Itoa(i%7)},
		Text: fmt.Sprintf("mention %d", i), CreatedAt: time.Unix(1.7e9+int64(i), 0)}
}

func (c *seqConn) Name() string              { return c.name }
func (c *seqConn) Platform() domain.Platform { return domain.PlatformMastodon }
func (c *seqConn) Send(context.Context, Message) (SendResult, error) {
	return SendResult{}, ErrPermanent
}
func (c *seqConn) Health() Health {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Health{RateLimit: c.rl}
}
func (c *seqConn) Fetch(ctx context.Context, cursor string) (Page, error) {
	c.mu.Lock()
	call := len(c.calls)
	c.calls = append(c.calls, cursor)
	errs := c.errs
	c.mu.Unlock()
	if errs != nil {
		if err := errs(call); err != nil {
			return Page{}, err
		}
	}
	from, _ := strconv.Atoi(cursor)
	if c.block != nil && from == c.blockAt {
		select {
		case <-c.block:
		case <-ctx.Done():
			return Page{}, fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err())
		}
	}
	to := min(c.total, from+c.size)
	var p Page
	for i := from; i < to; i++ {
		m := item(i)
		m.NativeID = c.name + m.NativeID
		p.Items = append(p.Items, m)
	}
	p.Cursor = strconv.Itoa(to)
	p.More = to < c.total
	return p, nil
}

func (c *seqConn) cursors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

func TestOncePagesAndCursor(t *testing.T) {
	sink := newMemSink()
	c := &seqConn{name: "m", total: 25, size: 10}
	p := NewPoller(sink, PollerOptions{})
	p.Add(c, 0)
	if h := p.Health()["m"]; h.State != HealthUnknown {
		t.Fatalf("initial state %s", h.State)
	}
	res := p.Once(context.Background())
	if len(res) != 1 || res[0].New != 25 || res[0].Pages != 3 || res[0].Err != nil {
		t.Fatalf("round %+v", res)
	}
	if got := c.cursors(); fmt.Sprint(got) != "[ 10 20]" {
		t.Fatalf("cursors asked %q", got)
	}
	if len(sink.items) != 25 || sink.cursors["m"] != "25" {
		t.Fatalf("stored %d, cursor %q", len(sink.items), sink.cursors["m"])
	}
	if m := sink.items["mastodon:m3"]; m.Connector != "m" || m.FetchedAt.IsZero() {
		t.Fatalf("item not stamped: %+v", m)
	}
	h := p.Health()["m"]
	if h.State != HealthOK || h.LastSuccess.IsZero() || h.LastError != "" {
		t.Fatalf("health %+v", h)
	}
	// Next round starts from the stored cursor; nothing new, nothing written.
	c.total = 27
	res = p.Once(context.Background())
	if res[0].New != 2 || res[0].Duplicates != 0 || c.cursors()[3] != "25" {
		t.Fatalf("second round %+v from %q", res[0], c.cursors()[3])
	}
	pages := sink.pages
	p.Once(context.Background())
	if sink.pages != pages {
		t.Fatal("an empty fetch with the same cursor wrote to the store")
	}
}

func TestHealthFromErrors(t *testing.T) {
	reset := time.Now().Add(5 * time.Minute).Truncate(time.Second)
	cases := []struct {
		err   error
		state HealthState
	}{
		{fmt.Errorf("401: %w", ErrAuth), HealthAuthFailed},
		{&RateLimitError{Reset: reset, Msg: "429"}, HealthRateLimited},
		{fmt.Errorf("503: %w", ErrUnavailable), HealthUnreachable},
		{fmt.Errorf("bad json: %w", ErrBadPayload), HealthUnreachable},
	}
	for _, tc := range cases {
		sink := newMemSink()
		fail := true
		c := &seqConn{name: "m", total: 3, size: 10, errs: func(int) error {
			if fail {
				return tc.err
			}
			return nil
		}}
		var changes []HealthState
		p := NewPoller(sink, PollerOptions{OnChange: func(_ string, h Health) { changes = append(changes, h.State) }})
		p.Add(c, 0)
		p.Once(context.Background()) // first a success? no: fails
		h := p.Health()["m"]
		if h.State != tc.state || h.LastError != tc.err.Error() {
			t.Fatalf("%v: health %+v", tc.err, h)
		}
		if tc.state == HealthRateLimited && !h.Until.Equal(reset) {
			t.Fatalf("until %v, want %v", h.Until, reset)
		}
		select {
		case <-p.Changes():
		default:
			t.Fatal("no change notification")
		}
		if len(sink.items) != 0 {
			t.Fatal("stored on error")
		}
		fail = false
		p.Once(context.Background())
		if h := p.Health()["m"]; h.State != HealthOK || h.Until != (time.Time{}) || h.LastError != "" {
			t.Fatalf("after recovery %+v", h)
		}
		if len(changes) != 2 || changes[1] != HealthOK {
			t.Fatalf("changes %v", changes)
		}
	}
}

func TestStoreFailureKeepsCursor(t *testing.T) {
	sink := newMemSink()
	sink.fail = errors.New("disk full")
	c := &seqConn{name: "m", total: 5, size: 10}
	p := NewPoller(sink, PollerOptions{})
	p.Add(c, 0)
	res := p.Once(context.Background())
	if res[0].Err == nil || sink.cursors["m"] != "" {
		t.Fatalf("%+v cursor %q", res[0], sink.cursors["m"])
	}
	sink.fail = nil
	res = p.Once(context.Background())
	if res[0].New != 5 || c.cursors()[1] != "" {
		t.Fatalf("retry %+v from %q", res[0], c.cursors()[1])
	}
}

// badConn serves one valid and two invalid items.
type badConn struct{ seqConn }

func (c *badConn) Fetch(ctx context.Context, cursor string) (Page, error) {
	ok := item(1)
	noID := item(2)
	noID.NativeID = ""
	noAuthor := item(3)
	noAuthor.Author.Handle = ""
	return Page{Items: []domain.Mention{noID, ok, noAuthor}, Cursor: "next"}, nil
}

func TestInvalidItemsDoNotBlock(t *testing.T) {
	sink := newMemSink()
	p := NewPoller(sink, PollerOptions{})
	p.Add(&badConn{seqConn{name: "b"}}, 0)
	res := p.Once(context.Background())
	if res[0].New != 1 || res[0].Invalid != 2 || sink.cursors["b"] != "next" {
		t.Fatalf("%+v, cursor %q", res[0], sink.cursors["b"])
	}
}

func TestFetchTimeout(t *testing.T) {
	sink := newMemSink()
	c := &seqConn{name: "slow", total: 5, size: 10, block: make(chan struct{}), blockAt: 0}
	p := NewPoller(sink, PollerOptions{FetchTimeout: 30 * time.Millisecond})
	p.Add(c, 0)
	start := time.Now()
	res := p.Once(context.Background())
	if !errors.Is(res[0].Err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("%v after %v", res[0].Err, time.Since(start))
	}
	if h := p.Health()["slow"]; h.State != HealthUnreachable {
		t.Fatalf("health %+v", h)
	}
}

func TestRunScheduleAndShutdown(t *testing.T) {
	sink := newMemSink()
	fast := &seqConn{name: "fast", total: 3, size: 10}
	// slow blocks in its second fetch until cancelled.
	slow := &seqConn{name: "slow", total: 3, size: 10, block: make(chan struct{}), blockAt: 3}
	p := NewPoller(sink, PollerOptions{})
	p.Add(fast, 10*time.Millisecond)
	p.Add(slow, 10*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(fast.cursors()) < 5 || len(slow.cursors()) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("fast polled %d times, slow %d", len(fast.cursors()), len(slow.cursors()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
	// Cancelling a blocked fetch is shutdown, not a connector fault.
	if h := p.Health()["slow"]; h.State != HealthOK {
		t.Fatalf("slow health after shutdown %+v", h)
	}
	if len(sink.items) != 6 {
		t.Fatalf("stored %d", len(sink.items))
	}
}

// scheduledConn is a seqConn with a default schedule of its own.
type scheduledConn struct{ seqConn }

func (c *scheduledConn) DefaultEvery() time.Duration { return 10 * time.Millisecond }

// TestSchedulerDefault: a connector added without a schedule runs on its
// own default (demo: every few seconds) when it has one, and first at
// start; an explicit schedule wins.
func TestSchedulerDefault(t *testing.T) {
	sink := newMemSink()
	own := &scheduledConn{seqConn{name: "own", total: 1, size: 10}}
	plain := &seqConn{name: "plain", total: 1, size: 10}
	p := NewPoller(sink, PollerOptions{Every: time.Hour})
	p.Add(own, 0)
	p.Add(plain, 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(own.cursors()) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("own polled %d times in 5 s", len(own.cursors()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if n := len(plain.cursors()); n != 1 {
		t.Fatalf("plain (the poller's hourly default) polled %d times, want once at start", n)
	}
	p = NewPoller(sink, PollerOptions{})
	p.Add(own, time.Hour)
	if e := p.entries[0]; e.every != time.Hour {
		t.Fatalf("explicit schedule became %v", e.every)
	}
}

func TestRunBacksOffAndHonoursReset(t *testing.T) {
	now := time.Now()
	p := NewPoller(newMemSink(), PollerOptions{MinBackoff: time.Second, MaxBackoff: time.Minute, Now: func() time.Time { return now }})
	if d := p.waitAfter(&RateLimitError{Reset: now.Add(90 * time.Second)}, 1, time.Minute); d < 90*time.Second || d > 92*time.Second {
		t.Fatalf("rate-limit wait %v", d)
	}
	if d := p.waitAfter(fmt.Errorf("x: %w", ErrAuth), 1, 10*time.Second); d != time.Minute {
		t.Fatalf("auth wait %v", d)
	}
	for n := 1; n <= 10; n++ {
		want := min(time.Second<<(n-1), time.Minute)
		d := p.waitAfter(ErrUnavailable, n, time.Minute)
		if d < want/2 || d > want {
			t.Fatalf("failure %d: wait %v, want in [%v, %v]", n, d, want/2, want)
		}
	}
	// Jitter: not every wait is the same.
	seen := map[time.Duration]bool{}
	for i := 0; i < 20; i++ {
		seen[Backoff(3, time.Second, time.Minute)] = true
	}
	if len(seen) < 2 {
		t.Fatal("backoff has no jitter")
	}
}

func TestRateLimitHelpers(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	if tm, ok := ParseResetISO("2026-03-10T12:05:00.000Z"); !ok || !tm.Equal(now.Add(5*time.Minute)) {
		t.Fatalf("iso %v %v", tm, ok)
	}
	if tm, ok := ParseResetUnix(strconv.FormatInt(now.Unix()+60, 10)); !ok || !tm.Equal(now.Add(time.Minute)) {
		t.Fatalf("unix %v", tm)
	}
	if tm, ok := ParseResetSeconds("412.0", now); !ok || !tm.Equal(now.Add(412*time.Second)) {
		t.Fatalf("seconds %v", tm)
	}
	if tm, ok := ParseResetAuto("30", now); !ok || !tm.Equal(now.Add(30*time.Second)) {
		t.Fatalf("auto delta %v", tm)
	}
	if tm, ok := ParseResetAuto(strconv.FormatInt(now.Unix()+30, 10), now); !ok || !tm.Equal(now.Add(30*time.Second)) {
		t.Fatalf("auto unix %v", tm)
	}
	for _, bad := range []string{"", "soon", "-5", "NaN", "Inf"} {
		if _, ok := ParseResetSeconds(bad, now); ok {
			t.Fatalf("accepted %q", bad)
		}
		if _, ok := ParseResetISO(bad); ok {
			t.Fatalf("iso accepted %q", bad)
		}
	}
	if tm, ok := ParseRetryAfter("Tue, 10 Mar 2026 12:01:00 GMT", now); !ok || !tm.Equal(now.Add(time.Minute)) {
		t.Fatalf("retry-after date %v", tm)
	}

	h := http.Header{}
	h.Set("X-RateLimit-Limit", "300")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", "2026-03-10T12:05:00.000Z")
	if rl, ok := RateLimitFromHeaders(h, StyleMastodon, now); !ok || rl.Limit != 300 || rl.Remaining != 0 || !rl.Reset.Equal(now.Add(5*time.Minute)) {
		t.Fatalf("mastodon %+v", rl)
	}
	h = http.Header{}
	h.Set("x-ratelimit-used", "10")
	h.Set("x-ratelimit-remaining", "590.0")
	h.Set("x-ratelimit-reset", "120")
	if rl, ok := RateLimitFromHeaders(h, StyleReddit, now); !ok || rl.Limit != 600 || rl.Remaining != 590 || !rl.Reset.Equal(now.Add(2*time.Minute)) {
		t.Fatalf("reddit %+v", rl)
	}
	h = http.Header{}
	h.Set("x-rate-limit-limit", "15")
	h.Set("x-rate-limit-remaining", "14")
	h.Set("x-rate-limit-reset", strconv.FormatInt(now.Unix()+900, 10))
	if rl, ok := RateLimitFromHeaders(h, StyleX, now); !ok || rl.Limit != 15 || !rl.Reset.Equal(now.Add(15*time.Minute)) {
		t.Fatalf("x %+v", rl)
	}
	h = http.Header{}
	h.Set("ratelimit-limit", "3000")
	h.Set("ratelimit-remaining", "2999")
	h.Set("ratelimit-reset", strconv.FormatInt(now.Unix()+300, 10))
	if rl, ok := RateLimitFromHeaders(h, StyleBluesky, now); !ok || rl.Remaining != 2999 || !rl.Reset.Equal(now.Add(5*time.Minute)) {
		t.Fatalf("bluesky %+v", rl)
	}
	h = http.Header{}
	h.Set("Retry-After", "7")
	if rl, ok := RateLimitFromHeaders(h, StyleMastodon, now); !ok || rl.Remaining != -1 || !rl.Reset.Equal(now.Add(7*time.Second)) {
		t.Fatalf("retry-after only %+v", rl)
	}
	if _, ok := RateLimitFromHeaders(http.Header{}, StyleX, now); ok {
		t.Fatal("no headers reported as a rate limit")
	}
}

func FuzzRateLimitHeaders(f *testing.F) {
	for _, s := range []string{"2026-03-10T12:05:00.000Z", "1741608300", "412.0", "", "-1", "1e308", "Tue, 10 Mar 2026 12:01:00 GMT"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		for _, st := range []HeaderStyle{StyleMastodon, StyleX, StyleReddit, StyleBluesky} {
			h := http.Header{}
			for _, k := range []string{"X-RateLimit-Reset", "X-Rate-Limit-Reset", "X-Ratelimit-Reset", "RateLimit-Reset", "X-RateLimit-Remaining", "Retry-After"} {
				h.Set(k, v)
			}
			rl, _ := RateLimitFromHeaders(h, st, now)
			if st == StyleReddit && !rl.Reset.IsZero() && rl.Reset.Before(now) {
				t.Fatalf("reddit reset in the past for %q", v)
			}
		}
	})
}
