// Package demo is the simulated source behind `switchboard demo`: hours of
// realistic history and a live stream of mentions about the brand "Acme"
// across every platform, in English and Dutch, with scripted crises, and a
// sink for replies that fails and rate-limits some of them. Everything is
// deterministic for a seed.
package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

// Scripted crises, as offsets into each 30-minute cycle of simulated time.
const (
	Cycle           = 30 * time.Minute
	ImpersonationAt = 60 * time.Second // the fake account's first "free" post
	OutageAt        = 9 * time.Minute
	LeakAt          = 18 * time.Minute
)

// Opening is how many mentions the stream opens with, due at its start:
// the first poll finds them, so a new store is not empty until the first
// Poisson arrival and the next round of polling.
const Opening = 3

// DefaultEvery is how often the poller fetches a demo connector whose
// config entry sets no `every:` (the stream brings a mention every few
// seconds; the poller's default minute would leave it silent).
const DefaultEvery = 5 * time.Second

// Options configure a live Connector.
type Options struct {
	Name  string    // connector name, default "demo"
	Seed  int64     // the same seed gives the same stream
	Start time.Time // when the stream starts; default Now()
	// Speed multiplies simulated time: 10 runs ten simulated seconds per
	// real second. Default 1.
	Speed float64
	// Now is the clock (time.Now unless a test sets it).
	Now func() time.Time
	// PageSize caps a fetch; default 100.
	PageSize int
}

// Sent is one call of Send, as the simulator received it.
type Sent struct {
	At     time.Time
	Msg    connectors.Message
	Result connectors.SendResult
	Err    error
	// Replay is true when the idempotency key had already succeeded and
	// the earlier result was returned without sending again.
	Replay bool
}

// Connector is the live simulated stream. It implements
// connectors.Connector; its items span every platform, so Platform
// reports "" (mixed). Safe for concurrent use.
type Connector struct {
	opts Options

	mu       sync.Mutex
	g        *gen
	events   []domain.Mention
	tick     int // simulated seconds generated so far
	opened   bool
	attempts int
	sends    []Sent
	done     map[string]connectors.SendResult
	sentOK   int
	last     time.Time
}

// New returns a live simulated connector.
func New(o Options) *Connector {
	if o.Name == "" {
		o.Name = "demo"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Start.IsZero() {
		o.Start = o.Now()
	}
	if o.Speed <= 0 {
		o.Speed = 1
	}
	if o.PageSize <= 0 {
		o.PageSize = 100
	}
	return &Connector{opts: o, g: newGen(o.Seed, 1), done: map[string]connectors.SendResult{}}
}

// Name implements connectors.Connector.
func (c *Connector) Name() string { return c.opts.Name }

// Platform implements connectors.Connector: "" because the stream is mixed.
func (c *Connector) Platform() domain.Platform { return "" }

// DefaultEvery implements connectors.Scheduler: DefaultEvery.
func (c *Connector) DefaultEvery() time.Duration { return DefaultEvery }

// Health implements connectors.Connector.
func (c *Connector) Health() connectors.Health {
	c.mu.Lock()
	defer c.mu.Unlock()
	return connectors.Health{State: connectors.HealthOK, LastSuccess: c.last}
}

// realAt is when simulated offset sec (seconds since Start) happens.
func (c *Connector) realAt(sec float64) time.Time {
	return c.opts.Start.Add(time.Duration(sec / c.opts.Speed * float64(time.Second)))
}

// crisisRates returns the per-second rates of the scripted scenarios at
// simulated second s of a cycle.
func crisisRates(s float64) (imp, outage, leak float64) {
	ramp := func(s, from, peakFrom, peakTo, to, peak float64) float64 {
		switch {
		case s < from || s >= to:
			return 0
		case s < peakFrom:
			return peak * (s - from) / (peakFrom - from)
		case s < peakTo:
			return peak
		default:
			return peak * (to - s) / (to - peakTo)
		}
	}
	i0 := ImpersonationAt.Seconds()
	imp = ramp(s, i0+10, i0+120, i0+240, i0+420, 1.5)
	o0 := OutageAt.Seconds()
	outage = ramp(s, o0, o0+60, o0+300, o0+420, 1.2)
	l0 := LeakAt.Seconds()
	leak = ramp(s, l0, l0+90, l0+240, l0+420, 0.8)
	return
}

// generate extends the stream through simulated second upTo.
func (c *Connector) generate(upTo float64) {
	if !c.opened {
		c.opened = true
		for k := 0; k < Opening; k++ {
			c.events = append(c.events, c.g.ordinary(c.realAt(0)))
		}
	}
	cycle := int(Cycle / time.Second)
	for ; float64(c.tick+1) <= upTo; c.tick++ {
		s := c.tick % cycle
		at := func() time.Time { return c.realAt(float64(c.tick) + c.g.r.Float64()) }
		var batch []domain.Mention
		// The impostor posts three times, a minute and a half apart.
		for k := 0; k < 3; k++ {
			if s == int(ImpersonationAt.Seconds())+90*k {
				batch = append(batch, c.g.impostorPost(c.realAt(float64(c.tick)), k))
			}
		}
		for n := c.g.poisson(0.25); n > 0; n-- {
			batch = append(batch, c.g.ordinary(at()))
		}
		imp, outage, leak := crisisRates(float64(s))
		for n := c.g.poisson(imp); n > 0; n-- {
			batch = append(batch, c.g.scripted(at(), impersonationFollowups, nil))
		}
		for n := c.g.poisson(outage); n > 0; n-- {
			batch = append(batch, c.g.scripted(at(), outagePosts, nil))
		}
		for n := c.g.poisson(leak); n > 0; n-- {
			batch = append(batch, c.g.scripted(at(), leakPosts, leakNews))
		}
		sortByTime(batch)
		c.events = append(c.events, batch...)
	}
}

// Fetch implements connectors.Connector: every simulated mention due by
// now that follows cursor, at most PageSize of them.
func (c *Connector) Fetch(ctx context.Context, cursor string) (connectors.Page, error) {
	if err := ctx.Err(); err != nil {
		return connectors.Page{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	c.generate(now.Sub(c.opts.Start).Seconds() * c.opts.Speed)
	run := strconv.FormatInt(c.opts.Start.UnixNano(), 36)
	from := 0
	if r, n, ok := strings.Cut(cursor, ":"); ok && r == run {
		if v, err := strconv.Atoi(n); err == nil && v >= 0 && v <= len(c.events) {
			from = v
		}
	}
	// A cursor of another run (or none) starts from the stream's beginning.
	to := min(len(c.events), from+c.opts.PageSize)
	items := make([]domain.Mention, 0, to-from)
	for _, m := range c.events[from:to] {
		m.FetchedAt = now
		m.Connector = c.opts.Name
		items = append(items, m)
	}
	c.last = now
	return connectors.Page{Items: items, Cursor: run + ":" + strconv.Itoa(to), More: to < len(c.events)}, nil
}

// Send implements connectors.Connector. Deterministically, every fifth
// attempt is rate-limited for 20 simulated seconds, every seventh fails as
// unavailable, and private messages to some authors are refused as
// impossible; a key that already succeeded returns its first result.
func (c *Connector) Send(ctx context.Context, msg connectors.Message) (connectors.SendResult, error) {
	if err := ctx.Err(); err != nil {
		return connectors.SendResult{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.opts.Now()
	rec := Sent{At: now, Msg: msg}
	defer func() { c.sends = append(c.sends, rec) }()
	if res, ok := c.done[msg.IdempotencyKey]; ok && msg.IdempotencyKey != "" {
		rec.Result, rec.Replay = res, true
		return res, nil
	}
	c.attempts++
	n := c.attempts
	switch {
	case strings.TrimSpace(msg.Text) == "":
		rec.Err = fmt.Errorf("demo: %w: empty message", connectors.ErrPermanent)
	case n%5 == 0:
		rec.Err = &connectors.RateLimitError{Reset: now.Add(time.Duration(20 / c.opts.Speed * float64(time.Second))), Msg: "demo: simulated rate limit"}
	case n%7 == 0:
		rec.Err = fmt.Errorf("demo: %w: simulated 503", connectors.ErrUnavailable)
	case msg.Visibility == domain.VisibilityPrivate && refusesDMs(msg.InReplyTo.Author.Handle):
		rec.Err = &connectors.CannotDMError{Reason: "this author accepts messages only from accounts they follow"}
	default:
		rec.Result = connectors.SendResult{RemoteID: "demo-" + strconv.Itoa(n), URL: "https://demo.example/sent/" + strconv.Itoa(n)}
		c.sentOK++
		if msg.IdempotencyKey != "" {
			c.done[msg.IdempotencyKey] = rec.Result
		}
	}
	return rec.Result, rec.Err
}

// refusesDMs picks about one author in ten, the same ones every run.
func refusesDMs(handle string) bool {
	h := fnv.New32a()
	h.Write([]byte(handle))
	return h.Sum32()%10 == 0
}

// Lookup implements connectors.Reconciler from what the simulator recorded.
func (c *Connector) Lookup(ctx context.Context, msg connectors.Message) (connectors.SendResult, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	res, ok := c.done[msg.IdempotencyKey]
	return res, ok && msg.IdempotencyKey != "", nil
}

// Sends returns a copy of every Send call received so far, in order.
func (c *Connector) Sends() []Sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Sent(nil), c.sends...)
}

// Delivered counts the distinct messages that really went out.
func (c *Connector) Delivered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sentOK
}

var _ connectors.Connector = (*Connector)(nil)
var _ connectors.Reconciler = (*Connector)(nil)
var _ connectors.Scheduler = (*Connector)(nil)

// Settings are the fields of a `type: demo` config entry.
type Settings struct {
	Seed  int64   `yaml:"seed"`
	Speed float64 `yaml:"speed"`
}

// Factory is the connectors.Factory for type "demo": the live simulated
// stream, starting when the connector is built.
func Factory(spec connectors.Spec) (connectors.Connector, error) {
	var s Settings
	if spec.Decode != nil {
		if err := spec.Decode(&s); err != nil {
			return nil, err
		}
	}
	if s.Speed < 0 || s.Speed > 1000 {
		return nil, fmt.Errorf("connector %s: speed %v is not between 0 and 1000", spec.Name, s.Speed)
	}
	return New(Options{Name: spec.Name, Seed: s.Seed, Speed: s.Speed}), nil
}
