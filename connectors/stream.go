package connectors

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// Streamer is a connector that can push: a platform stream (Mastodon's
// streaming API, Bluesky's Jetstream, X's filtered stream) delivers items
// as they are posted. The poller runs Stream beside its schedule; while a
// stream is connected the connector is live and the schedule only
// back-fills (every LiveEvery), when it is not the connector polls as a
// plain Connector does.
type Streamer interface {
	// Stream connects, calls sink.Live once the platform accepted the
	// stream, then pushes what arrives through sink.Push until ctx ends or
	// the stream breaks, and returns why it stopped. It returns an error
	// wrapping ErrNoStream at once when the connector is not configured
	// to stream, and one wrapping ErrStreamNotAllowed when the platform
	// (e.g. the account's plan) refuses the stream for good.
	Stream(ctx context.Context, sink StreamSink) error
}

// StreamSink is what a Streamer pushes into; the poller provides it.
type StreamSink interface {
	// Live says the stream is connected. Before it returns, the poller
	// fetches once through Fetch from the stored cursor, so that what was
	// posted while the stream was down is stored; items the stream then
	// delivers again are stored once (ingest is idempotent on platform and
	// native id).
	Live(ctx context.Context) error
	// Push stores items that arrived on the stream, and cursor (when not
	// "") as the stream's own position in the same transaction.
	Push(items []domain.Mention, cursor string) (store.IngestResult, error)
	// Cursor is the stream's own stored position ("" before the first),
	// kept apart from the Fetch cursor.
	Cursor() (string, error)
}

// Follow is what a stream follows besides the account's own
// notifications: terms matched in post text and hashtags. Connectors that
// stream take one (SetFollow); an empty Follow follows the account only.
type Follow struct {
	Terms    []string
	Hashtags []string
	// Mark, if set, is called for every item that arrived because it
	// matched a term or hashtag (not because it addresses the account),
	// with what it matched, before it is pushed.
	Mark func(m *domain.Mention, matched string)
}

// Follower is a Streamer that can follow terms and hashtags.
type Follower interface {
	SetFollow(Follow)
}

// MatchTerm returns the first of terms found in text (case-insensitive,
// on word boundaries for terms that start and end with a letter or digit),
// and "" when none is. A term starting with '#' matches that hashtag.
func MatchTerm(text string, terms []string) string {
	if len(terms) == 0 {
		return ""
	}
	lower := strings.ToLower(text)
	for _, t := range terms {
		lt := strings.ToLower(strings.TrimSpace(t))
		if lt == "" {
			continue
		}
		for i := 0; ; {
			j := strings.Index(lower[i:], lt)
			if j < 0 {
				break
			}
			start, end := i+j, i+j+len(lt)
			if wordEdge(lower, start-1) && wordEdge(lower, end) {
				return t
			}
			i = start + 1
		}
	}
	return ""
}

// wordEdge reports whether byte i of s is outside a word (or outside s).
func wordEdge(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80)
}

var (
	// ErrNoStream: the connector is not configured to stream; it polls.
	ErrNoStream = errors.New("streaming is off")
	// ErrStreamNotAllowed: the platform refuses the stream for this
	// account (its plan or its app's access level); the connector polls
	// and the stream is not tried again until a restart.
	ErrStreamNotAllowed = errors.New("the platform does not allow this stream for the account")
)

// Stream tuning defaults (PollerOptions fields of the same names).
const (
	DefaultLiveEvery        = 5 * time.Minute
	DefaultStreamMinBackoff = time.Second
	DefaultStreamMaxBackoff = 2 * time.Minute
)

// streamSink is the poller's StreamSink for one entry.
type streamSink struct {
	p *Poller
	e *entry
}

// StreamCursorKey is where a connector's stream position is kept, beside
// its Fetch cursor (connector names cannot hold a '/').
func StreamCursorKey(connector string) string { return connector + "/stream" }

func (s streamSink) Live(ctx context.Context) error {
	name := s.e.c.Name()
	s.e.live.Store(true)
	s.p.setHealth(name, func(h *Health) { h.Mode, h.StreamNote = ModeLive, "" })
	res := s.p.round(ctx, s.e)
	if s.p.opts.OnRound != nil {
		s.p.opts.OnRound(res)
	}
	if res.Err != nil && ctx.Err() == nil {
		// The stream is up; the catch-up failed. The schedule tries again.
		return nil
	}
	return ctx.Err()
}

func (s streamSink) Push(items []domain.Mention, cursor string) (store.IngestResult, error) {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	name := s.e.c.Name()
	now := s.p.opts.Now()
	valid := items[:0:0]
	for _, m := range items {
		if m.Connector == "" {
			m.Connector = name
		}
		if m.FetchedAt.IsZero() {
			m.FetchedAt = now
		}
		if store.Validate(&m) != nil {
			continue
		}
		valid = append(valid, m)
	}
	key := ""
	if cursor != "" {
		key = StreamCursorKey(name)
	}
	if len(valid) == 0 && key == "" {
		return store.IngestResult{}, nil
	}
	r, err := s.p.sink.IngestPage(key, valid, cursor)
	if err != nil {
		err = fmt.Errorf("storing: %w", err)
		s.p.setHealth(name, func(h *Health) { h.LastError = err.Error() })
		return r, err
	}
	if s.p.opts.OnPush != nil {
		s.p.opts.OnPush(name, r)
	}
	s.p.setHealth(name, func(h *Health) {
		h.State, h.Until, h.LastSuccess, h.LastError = HealthOK, time.Time{}, now, ""
	})
	return r, nil
}

func (s streamSink) Cursor() (string, error) { return s.p.sink.Cursor(StreamCursorKey(s.e.c.Name())) }

// streamLoop keeps e's stream connected until ctx ends: after a break it
// waits (exponential backoff with jitter, from StreamMinBackoff, reset
// after a stream that stayed up a minute) and connects again; meanwhile
// the poll loop fetches on the connector's own schedule.
func (p *Poller) streamLoop(ctx context.Context, e *entry, st Streamer) {
	name := e.c.Name()
	failures := 0
	for {
		start := p.opts.Now()
		err := st.Stream(ctx, streamSink{p, e})
		wasLive := e.live.Swap(false)
		if ctx.Err() != nil {
			return
		}
		select { // the poll loop back-fills the gap now
		case e.wake <- struct{}{}:
		default:
		}
		switch {
		case errors.Is(err, ErrNoStream):
			p.setHealth(name, func(h *Health) { h.Mode = ModePolling })
			return
		case errors.Is(err, ErrStreamNotAllowed):
			note := err.Error()
			p.setHealth(name, func(h *Health) { h.Mode, h.StreamNote = ModePolling, note })
			if p.opts.OnStreamNote != nil {
				p.opts.OnStreamNote(name, note) // said once: the stream is not tried again
			}
			return
		}
		msg := "stream closed"
		if err != nil {
			msg = "stream: " + err.Error()
		}
		p.setHealth(name, func(h *Health) { h.Mode, h.StreamNote = ModePolling, msg })
		if wasLive && p.opts.Now().Sub(start) > time.Minute {
			failures = 0
		}
		failures++
		t := time.NewTimer(Backoff(failures, p.opts.StreamMinBackoff, p.opts.StreamMaxBackoff))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
