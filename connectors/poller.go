package connectors

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// Sink is where the poller puts what it fetched: *store.Store. IngestPage
// stores the items and the connector's new cursor in one transaction and
// is idempotent on platform and native id.
type Sink interface {
	IngestPage(connector string, items []domain.Mention, cursor string) (store.IngestResult, error)
	Cursor(connector string) (string, error)
}

// PollerOptions tune a Poller; zero values take the defaults.
type PollerOptions struct {
	// Every is the schedule for connectors added with every 0 (default 60 s).
	Every time.Duration
	// FetchTimeout bounds one Fetch call (default 60 s).
	FetchTimeout time.Duration
	// MinBackoff and MaxBackoff bound the wait after consecutive errors
	// (defaults 5 s and 15 min); the wait doubles per error, with jitter.
	MinBackoff, MaxBackoff time.Duration
	// MaxPages bounds the pages fetched back to back in one round while
	// the platform says there is more (default 50).
	MaxPages int
	// Now is the clock (time.Now unless a test sets it).
	Now func() time.Time
	// OnChange, if set, is called (outside the poller's lock) whenever a
	// connector's health changes.
	OnChange func(name string, h Health)
	// OnRound, if set, is called after every round Run makes (for logs).
	OnRound func(RoundResult)
	// Apps are the brand's posting apps (config brand.apps) the hijack
	// watch allows; see store.RecordOwn.
	Apps []string
	// LiveEvery is the schedule of a connector while its stream is live:
	// a back-fill through Fetch in case the stream dropped something
	// (default 5 min; never more often than the connector's own schedule).
	LiveEvery time.Duration
	// StreamMinBackoff and StreamMaxBackoff bound the wait before a
	// broken stream connects again (defaults 1 s and 2 min).
	StreamMinBackoff, StreamMaxBackoff time.Duration
	// OnPush, if set, is called after a stream's items were stored.
	OnPush func(name string, r store.IngestResult)
	// OnStreamNote, if set, is called once when a connector's stream is
	// refused for good (e.g. not in the account's plan) and it polls.
	OnStreamNote func(name, note string)
	// Lookalike, when set, is the look-alike account watch (lookalike.go).
	Lookalike *LookalikeOptions
}

// OwnSink is a Sink that also keeps the hijack watch (*store.Store):
// connectors that are OwnPostsFetchers have their own account looked at
// every round.
type OwnSink interface {
	OwnCursor(connector string) (string, error)
	RecordOwn(p store.OwnPage, apps []string) ([]domain.AccountAlert, error)
}

// RoundResult is what one round of one connector did.
type RoundResult struct {
	Name       string
	New        int
	Duplicates int
	Pages      int
	// Invalid counts items dropped because the store cannot keep them
	// (no id, no author …); they never block the cursor.
	Invalid int
	// Alerts are the hijack-watch alerts the round raised.
	Alerts []domain.AccountAlert
	// OwnErr is why the hijack watch could not look at the account this
	// round (the mentions were still fetched).
	OwnErr error
	Err    error
}

// Poller runs connectors against a Sink, each on its own schedule.
type Poller struct {
	sink Sink
	opts PollerOptions

	mu      sync.Mutex
	entries []*entry
	health  map[string]Health
	changes chan struct{}
}

type entry struct {
	c     Connector
	every time.Duration
	// mu makes rounds of one connector sequential (Run and Once may
	// overlap), and stream pushes wait for a round.
	mu sync.Mutex
	// live is true while the connector's stream is connected.
	live atomic.Bool
	// wake makes the poll loop fetch now (the stream broke).
	wake chan struct{}
	// lookedAt is the last look-alike search through it (under mu).
	lookedAt time.Time
}

// NewPoller returns a poller that stores into sink.
func NewPoller(sink Sink, opts PollerOptions) *Poller {
	if opts.Every <= 0 {
		opts.Every = time.Minute
	}
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = time.Minute
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 5 * time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 15 * time.Minute
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = 50
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LiveEvery <= 0 {
		opts.LiveEvery = DefaultLiveEvery
	}
	if opts.StreamMinBackoff <= 0 {
		opts.StreamMinBackoff = DefaultStreamMinBackoff
	}
	if opts.StreamMaxBackoff <= 0 {
		opts.StreamMaxBackoff = DefaultStreamMaxBackoff
	}
	return &Poller{sink: sink, opts: opts, health: map[string]Health{}, changes: make(chan struct{}, 1)}
}

// Add registers a connector with its schedule (0: the connector's own
// default if it is a Scheduler, else the poller's). Add it before Run.
func (p *Poller) Add(c Connector, every time.Duration) {
	if s, ok := c.(Scheduler); ok && every <= 0 {
		every = s.DefaultEvery()
	}
	if every <= 0 {
		every = p.opts.Every
	}
	p.mu.Lock()
	p.entries = append(p.entries, &entry{c: c, every: every, wake: make(chan struct{}, 1)})
	p.health[c.Name()] = Health{State: HealthUnknown, Mode: ModePolling}
	p.mu.Unlock()
}

// Start adds a connector while the poller runs (a stream made in the
// UI): its loop runs until ctx ends. Before Run, use Add.
func (p *Poller) Start(ctx context.Context, c Connector, every time.Duration) {
	p.Add(c, every)
	p.mu.Lock()
	e := p.entries[len(p.entries)-1]
	p.mu.Unlock()
	go p.loop(ctx, e)
}

// Health returns every connector's health by name.
func (p *Poller) Health() map[string]Health {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]Health, len(p.health))
	for k, v := range p.health {
		out[k] = v
	}
	return out
}

// Changes receives a value (coalesced) after any health change; read
// Health then. One reader per poller.
func (p *Poller) Changes() <-chan struct{} { return p.changes }

func (p *Poller) setHealth(name string, f func(h *Health)) {
	p.mu.Lock()
	h := p.health[name]
	before := h
	f(&h)
	p.health[name] = h
	p.mu.Unlock()
	if h != before {
		select {
		case p.changes <- struct{}{}:
		default:
		}
		if p.opts.OnChange != nil {
			p.opts.OnChange(name, h)
		}
	}
}

// Once runs one round of every connector, concurrently, and returns the
// results in the order the connectors were added.
func (p *Poller) Once(ctx context.Context) []RoundResult {
	p.mu.Lock()
	entries := append([]*entry(nil), p.entries...)
	p.mu.Unlock()
	out := make([]RoundResult, len(entries))
	var wg sync.WaitGroup
	for i, e := range entries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = p.round(ctx, e)
		}()
	}
	wg.Wait()
	return out
}

// Run polls every connector on its schedule until ctx ends, then waits
// for the loops to stop and returns ctx's error. A connector that is a
// Streamer also has its stream kept connected.
func (p *Poller) Run(ctx context.Context) error {
	p.mu.Lock()
	entries := append([]*entry(nil), p.entries...)
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, e := range entries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.loop(ctx, e)
		}()
		if st, ok := e.c.(Streamer); ok {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.streamLoop(ctx, e, st)
			}()
		}
	}
	wg.Wait()
	return ctx.Err()
}

func (p *Poller) loop(ctx context.Context, e *entry) {
	failures := 0
	for {
		res := p.round(ctx, e)
		if ctx.Err() != nil {
			return
		}
		if p.opts.OnRound != nil {
			p.opts.OnRound(res)
		}
		wait := e.every
		if e.live.Load() {
			wait = max(wait, p.opts.LiveEvery)
		}
		if res.Err != nil {
			failures++
			wait = p.waitAfter(res.Err, failures, e.every)
		} else {
			failures = 0
			// A connector that knows its budget is spent waits for the reset.
			if rl := e.c.Health().RateLimit; rl.Limit > 0 && rl.Remaining == 0 {
				if d := rl.Reset.Sub(p.opts.Now()); d > wait {
					wait = d + jitter(time.Second)
				}
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-e.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// waitAfter is how long to wait after the failures-th error in a row.
func (p *Poller) waitAfter(err error, failures int, every time.Duration) time.Duration {
	var rl *RateLimitError
	if errors.As(err, &rl) && !rl.Reset.IsZero() {
		// Wait for the reset, plus a little so the fleet does not stampede.
		return max(rl.Reset.Sub(p.opts.Now()), time.Second) + jitter(2*time.Second)
	}
	if errors.Is(err, ErrAuth) {
		// A bad token will not mend itself soon; keep trying slowly so a
		// fixed token is picked up.
		return max(p.opts.MaxBackoff, every)
	}
	return Backoff(failures, p.opts.MinBackoff, p.opts.MaxBackoff)
}

// Backoff is the wait after the n-th consecutive failure (n ≥ 1): min
// doubled n-1 times, capped at max, with "equal jitter" (a random point
// in the upper half) so that many clients do not retry in step.
func Backoff(n int, min, max time.Duration) time.Duration {
	d := min
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d/2 + jitter(d/2)
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// round fetches one connector until it has nothing more (or MaxPages),
// storing each page with its cursor.
func (p *Poller) round(ctx context.Context, e *entry) RoundResult {
	e.mu.Lock()
	defer e.mu.Unlock()
	name := e.c.Name()
	res := RoundResult{Name: name}
	cursor, err := p.sink.Cursor(name)
	if err != nil {
		res.Err = fmt.Errorf("reading cursor: %w", err)
		p.setHealth(name, func(h *Health) { h.LastError = res.Err.Error() })
		return res
	}
	for res.Pages < p.opts.MaxPages {
		if err := ctx.Err(); err != nil {
			res.Err = err
			return res
		}
		fctx, cancel := context.WithTimeout(ctx, p.opts.FetchTimeout)
		page, err := e.c.Fetch(fctx, cursor)
		cancel()
		if err != nil {
			if ctx.Err() != nil { // shutting down: not the connector's fault
				res.Err = ctx.Err()
				return res
			}
			res.Err = err
			p.setHealth(name, func(h *Health) { p.failed(h, err, e.c) })
			return res
		}
		res.Pages++
		now := p.opts.Now()
		if page.Cursor == "" {
			page.Cursor = cursor
		}
		items := page.Items[:0:0]
		for _, m := range page.Items {
			if m.Connector == "" {
				m.Connector = name
			}
			if m.FetchedAt.IsZero() {
				m.FetchedAt = now
			}
			if store.Validate(&m) != nil {
				res.Invalid++
				continue
			}
			items = append(items, m)
		}
		page.Items = items
		if len(page.Items) > 0 || page.Cursor != cursor {
			r, err := p.sink.IngestPage(name, page.Items, page.Cursor)
			if err != nil {
				res.Err = fmt.Errorf("storing: %w", err)
				p.setHealth(name, func(h *Health) { h.LastError = res.Err.Error() })
				return res
			}
			res.New += r.New
			res.Duplicates += r.Duplicates
		}
		cursor = page.Cursor
		rl := e.c.Health().RateLimit
		p.setHealth(name, func(h *Health) {
			*h = Health{State: HealthOK, Mode: h.Mode, StreamNote: h.StreamNote, LastSuccess: now, RateLimit: rl}
		})
		if !page.More {
			break
		}
	}
	if err := p.own(ctx, e, &res); err != nil && ctx.Err() == nil {
		// The mentions came in; the hijack watch could not look. Say so
		// beside the health, without failing the round (a server without
		// the endpoint still delivers mentions).
		res.OwnErr = err
		p.setHealth(name, func(h *Health) { h.LastError = err.Error() })
	}
	if err := p.lookalike(ctx, e, &res); err != nil && ctx.Err() == nil {
		res.OwnErr = errors.Join(res.OwnErr, err)
		p.setHealth(name, func(h *Health) { h.LastError = err.Error() })
	}
	return res
}

// own looks at the brand's own account (posts and profile) through a
// connector that can, and has the sink judge what it found.
func (p *Poller) own(ctx context.Context, e *entry, res *RoundResult) error {
	f, ok := e.c.(OwnPostsFetcher)
	sink, ok2 := p.sink.(OwnSink)
	if !ok || !ok2 {
		return nil
	}
	name := e.c.Name()
	cursor, err := sink.OwnCursor(name)
	if err != nil {
		return fmt.Errorf("reading the own-posts cursor: %w", err)
	}
	fctx, cancel := context.WithTimeout(ctx, p.opts.FetchTimeout)
	page, err := f.FetchOwn(fctx, cursor)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("hijack watch: %w", err)
	}
	alerts, err := sink.RecordOwn(store.OwnPage{Connector: name, Platform: e.c.Platform(), Handle: page.Handle,
		Posts: page.Posts, Cursor: page.Cursor, Profile: page.Profile}, p.opts.Apps)
	if err != nil {
		return fmt.Errorf("storing the own-account look: %w", err)
	}
	res.Alerts = append(res.Alerts, alerts...)
	return nil
}

// failed records a fetch error in h.
func (p *Poller) failed(h *Health, err error, c Connector) {
	h.LastError = err.Error()
	h.RateLimit = c.Health().RateLimit
	h.Until = time.Time{}
	var rl *RateLimitError
	switch {
	case errors.As(err, &rl):
		h.State, h.Until = HealthRateLimited, rl.Reset
	case errors.Is(err, ErrRateLimited):
		h.State = HealthRateLimited
	case errors.Is(err, ErrAuth):
		h.State = HealthAuthFailed
	default:
		// Unavailable, timed out, unreachable or talking nonsense: the
		// operator sees the error text beside the state.
		h.State = HealthUnreachable
	}
}
