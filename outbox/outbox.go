// Package outbox sends queued replies through the connector of their
// mention's platform, exactly once.
//
// The state of every send lives in the store (store/drafts.go); this
// package is the worker that walks it:
//
//	queued → sending → sent | failed (retryable or permanent) | unknown
//	   ↑________|  (429 / 5xx: back to the queue until the reset or a backoff)
//
// Exactly once: BeginSend commits the draft as sending, with its
// idempotency key, before the network call. A process that finds drafts
// still sending at start never sends them blindly: a connector that is a
// connectors.Reconciler is asked whether the message arrived; otherwise
// the draft becomes unknown for an operator to decide (retry or cancel).
// The policy pack checks every draft again just before it goes, so a draft
// that the policy blocks never leaves, whatever the screen allowed; so is
// its recipient, so nothing ever goes to an author flagged as
// impersonating the brand.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/policy"
	"switchboard/store"
)

// Options tune a Sender.
type Options struct {
	// Pack checks each draft before it goes (policy.Default() if nil).
	Pack *policy.Pack
	// PackErr is why the team's own pack did not load: then nothing is
	// sent (queued replies wait) until it is fixed, because a broken
	// pack must never let a draft through unchecked.
	PackErr error
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// Jitter returns a number in [0, 1) for backoff jitter (math/rand/v2
	// by default).
	Jitter func() float64
	// MinBackoff and MaxBackoff bound the wait after a failed attempt
	// (default 2 s and 10 min); it doubles per attempt, with jitter.
	MinBackoff, MaxBackoff time.Duration
	// MaxAttempts before a retryable failure stops retrying by itself and
	// waits for an operator (default 8).
	MaxAttempts int
	// SendTimeout bounds one network call (default 60 s).
	SendTimeout time.Duration
	// Idle is how often Run looks at the queue with nothing due (default
	// 30 s); changes in the store wake it at once.
	Idle time.Duration
	// Logf, if set, reports each outcome (never a secret).
	Logf func(format string, args ...any)
}

// Store is what the outbox needs of the store: the queue, the send
// protocol (begin, finish, fail, hold), the recipient guard and the feed
// that wakes it. *store.Store is one.
type Store interface {
	Drafts(states ...domain.DraftState) ([]domain.Draft, error)
	BeginCheckedSend(id, packVersion string, overrides []store.PolicyOverride) (domain.Draft, error)
	FinishSend(id string, o store.SendOutcome) (domain.Draft, error)
	FailDraft(id, reason string, retryable bool) (domain.Draft, error)
	HoldDraft(id string, next time.Time, reason string) (domain.Draft, error)
	CheckRecipient(m domain.Mention) error
	GetByKey(key string) (domain.Mention, error)
	SendingPause() (store.Pause, error)
	Subscribe() *store.Subscription
}

// Sender is the outbox worker of one process.
type Sender struct {
	st    Store
	conns []connectors.Connector
	o     Options
}

// New returns a sender for the store over the given connectors.
func New(st Store, conns []connectors.Connector, o Options) *Sender {
	if o.Pack == nil {
		o.Pack = policy.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 2 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = time.Minute
	}
	if o.Idle <= 0 {
		o.Idle = 30 * time.Second
	}
	return &Sender{st: st, conns: conns, o: o}
}

func (x *Sender) logf(format string, args ...any) {
	if x.o.Logf != nil {
		x.o.Logf(format, args...)
	}
}

// ConnectorFor picks the connector that answers mention m: the one that
// fetched it (m.Connector), else the only one of its platform, else the
// only mixed-platform one (the demo simulator). Nil if none fits.
func (x *Sender) ConnectorFor(m domain.Mention) connectors.Connector {
	return connectorFor(x.conns, m)
}

func connectorFor(conns []connectors.Connector, m domain.Mention) connectors.Connector {
	if m.Connector != "" {
		for _, c := range conns {
			if c.Name() == m.Connector {
				return c
			}
		}
	}
	var byPlatform, mixed []connectors.Connector
	for _, c := range conns {
		switch c.Platform() {
		case m.Platform:
			byPlatform = append(byPlatform, c)
		case "":
			mixed = append(mixed, c)
		}
	}
	if len(byPlatform) > 0 {
		return byPlatform[0]
	}
	if len(mixed) == 1 {
		return mixed[0]
	}
	return nil
}

func message(d domain.Draft, m domain.Mention) connectors.Message {
	// the inline policy:allow lines are for the audit log, never the platform
	msg := connectors.Message{IdempotencyKey: d.IdempotencyKey, Visibility: d.Visibility, Text: policy.StripOverrides(d.Text), InReplyTo: m}
	if store.IsPost(d) {
		msg.Post, msg.InReplyTo = true, domain.Mention{}
	}
	return msg
}

// target is the mention draft d answers, or for a post on the brand's
// account a mention of nobody on its platform (which picks the connector).
func (x *Sender) target(d domain.Draft) (domain.Mention, error) {
	if store.IsPost(d) {
		return domain.Mention{Platform: d.Platform}, nil
	}
	return x.st.GetByKey(d.MentionKey)
}

// Recover settles the drafts a crash left in the sending state. It must
// run before any send of this process (Run does). A connector that can
// look a message up says whether it arrived (sent) or not (back to the
// queue, same idempotency key); otherwise the draft becomes unknown.
func (x *Sender) Recover(ctx context.Context) (int, error) {
	ds, err := x.st.Drafts(domain.DraftSending)
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		o := x.reconcile(ctx, d)
		if _, err := x.st.FinishSend(d.ID, o); err != nil {
			return 0, err
		}
		x.logf("outbox: %s was sending when the last run stopped: %s %s", d.ID, o.State, o.Err)
	}
	return len(ds), nil
}

func (x *Sender) reconcile(ctx context.Context, d domain.Draft) store.SendOutcome {
	if store.IsPost(d) {
		// lookups search a thread by its parent; a post has none
		return store.SendOutcome{State: domain.DraftUnknown,
			Err: "stopped while posting: check the account's timeline, then retry or cancel"}
	}
	m, err := x.st.GetByKey(d.MentionKey)
	if err != nil {
		return store.SendOutcome{State: domain.DraftUnknown, Err: "stopped while sending; the mention is gone, so the platform cannot be asked"}
	}
	c := connectorFor(x.conns, m)
	rec, ok := c.(connectors.Reconciler)
	if c == nil || !ok {
		return store.SendOutcome{State: domain.DraftUnknown,
			Err: "stopped while sending and the platform cannot be asked whether it arrived: check the thread, then retry or cancel"}
	}
	cctx, cancel := context.WithTimeout(ctx, x.o.SendTimeout)
	defer cancel()
	res, found, err := rec.Lookup(cctx, message(d, m))
	switch {
	case err != nil:
		return store.SendOutcome{State: domain.DraftUnknown, Err: "stopped while sending; looking it up failed: " + errText(err)}
	case found:
		return store.SendOutcome{State: domain.DraftSent, RemoteID: res.RemoteID}
	default:
		return store.SendOutcome{State: domain.DraftQueued, Retryable: true, NextAttempt: x.o.Now(),
			Err: "stopped while sending; the platform has no such message, so it goes again"}
	}
}

// Step sends every queued draft that is due, one at a time, and returns
// when the next one is due (zero: nothing waits on a time). It does
// nothing while sending is paused.
func (x *Sender) Step(ctx context.Context) (time.Time, error) {
	p, err := x.st.SendingPause()
	if err != nil || p.Paused {
		return time.Time{}, err
	}
	ds, err := x.st.Drafts(domain.DraftQueued)
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	later := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for i := len(ds) - 1; i >= 0; i-- { // oldest first
		if err := ctx.Err(); err != nil {
			return next, err
		}
		d := ds[i]
		if now := x.o.Now(); d.NextAttempt.After(now) {
			later(d.NextAttempt)
			continue
		}
		d2, err := x.one(ctx, d)
		if errors.Is(err, store.ErrSendingPaused) {
			return time.Time{}, nil
		}
		if errors.Is(err, store.ErrDraftState) || errors.Is(err, store.ErrNotFound) {
			continue // an operator cancelled or changed it meanwhile
		}
		if err != nil {
			return next, err
		}
		if d2.State == domain.DraftQueued {
			later(d2.NextAttempt)
		}
	}
	return next, nil
}

// one tries to send one due draft.
func (x *Sender) one(ctx context.Context, d domain.Draft) (domain.Draft, error) {
	now := x.o.Now()
	m, err := x.target(d)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return x.st.FailDraft(d.ID, "the mention it answers is no longer in the store", false)
		}
		return d, err
	}
	if x.o.PackErr != nil {
		return x.hold(d, now.Add(x.o.Idle), "waiting: the team's policy pack does not load, so nothing is sent until it is fixed: "+errText(x.o.PackErr))
	}
	if err := x.st.CheckRecipient(m); err != nil {
		// flagged as an impostor since it was queued, perhaps by another
		// process: never answer them, whatever the draft says
		if !errors.Is(err, store.ErrImpostor) {
			return d, err
		}
		x.logf("outbox: %s not sent: %v", d.ID, err)
		return x.st.FailDraft(d.ID, err.Error(), false)
	}
	if why := x.blocked(d, m); why != "" {
		x.logf("outbox: %s not sent: %s", d.ID, why)
		return x.st.FailDraft(d.ID, why, false)
	}
	c := connectorFor(x.conns, m)
	if c == nil {
		return x.hold(d, now.Add(x.o.Idle), fmt.Sprintf("waiting: no %s connector is running; it goes when one is", m.Platform))
	}
	if h := c.Health(); h.State == connectors.HealthRateLimited && h.Until.After(now) {
		return x.hold(d, h.Until, "waiting: "+c.Name()+" is rate-limited until "+h.Until.Local().Format("15:04:05"))
	}
	var ovs []store.PolicyOverride
	for _, o := range policy.Overrides(d.Text) {
		ovs = append(ovs, store.PolicyOverride{Rule: o.RuleID, Reason: o.Reason})
	}
	d, err = x.st.BeginCheckedSend(d.ID, x.o.Pack.Ref(), ovs)
	if err != nil {
		return d, err
	}
	// the draft is committed as sending with its key: only now go out
	sctx, cancel := context.WithTimeout(ctx, x.o.SendTimeout)
	res, serr := c.Send(sctx, message(d, m))
	cancel()
	if serr != nil && ctx.Err() != nil {
		// shutting down mid-call: whether it arrived is unknown; the
		// next start reconciles it (the draft stays sending)
		return d, ctx.Err()
	}
	o := x.outcome(ctx, c, d, m, res, serr)
	x.logf("outbox: %s via %s: %s %s", d.ID, c.Name(), o.State, o.Err)
	return x.st.FinishSend(d.ID, o)
}

func (x *Sender) hold(d domain.Draft, until time.Time, why string) (domain.Draft, error) {
	d2, err := x.st.HoldDraft(d.ID, until, why)
	if errors.Is(err, store.ErrNoChange) {
		return d, nil
	}
	return d2, err
}

// blocked re-checks the policy: the reason the draft must not go, or "".
func (x *Sender) blocked(d domain.Draft, m domain.Mention) string {
	roles, _ := store.Approved(d)
	fs := x.o.Pack.Check(d.Text, policy.Context{Platform: d.Platform, Visibility: d.Visibility, Reply: !store.IsPost(d), Lang: m.Lang, Approvals: roles})
	var why []string
	for _, f := range fs {
		if !f.Blocking() {
			continue
		}
		if f.Severity == policy.Approval {
			why = append(why, f.RuleID+" needs approval by "+f.Role)
		} else {
			why = append(why, f.RuleID+": "+f.Message)
		}
	}
	if len(why) == 0 {
		return ""
	}
	return "the policy blocks it: " + strings.Join(why, "; ")
}

// outcome turns a send's result into the draft's next state.
func (x *Sender) outcome(ctx context.Context, c connectors.Connector, d domain.Draft, m domain.Mention, res connectors.SendResult, err error) store.SendOutcome {
	now := x.o.Now()
	if err == nil {
		return store.SendOutcome{State: domain.DraftSent, RemoteID: res.RemoteID}
	}
	msg := errText(err)
	var rl *connectors.RateLimitError
	var dm *connectors.CannotDMError
	switch {
	case errors.As(err, &dm):
		return store.SendOutcome{State: domain.DraftFailed, Err: "cannot send a private message: " + dm.Reason + "; reply in public instead"}
	case errors.As(err, &rl) || errors.Is(err, connectors.ErrRateLimited):
		next := now.Add(x.backoff(d.Attempts))
		if rl != nil && !rl.Reset.IsZero() {
			// honour the platform's reset, plus a little jitter so that
			// many queued items do not all arrive at the same instant
			wait := rl.Reset.Sub(now)
			next = rl.Reset.Add(time.Duration(x.o.Jitter() * float64(min(max(wait/10, 100*time.Millisecond), 5*time.Second))))
		}
		// a rate limit is the platform saying "later", not a failure: it
		// never gives up by itself, it waits
		return store.SendOutcome{State: domain.DraftQueued, Retryable: true, NextAttempt: next, Err: msg}
	case errors.Is(err, connectors.ErrBadPayload):
		return store.SendOutcome{State: domain.DraftUnknown, Err: "the platform's answer could not be read, so it may have arrived: check the thread, then retry or cancel (" + msg + ")"}
	case errors.Is(err, context.DeadlineExceeded):
		// a timeout may have arrived: ask the platform if it can tell
		if rec, ok := c.(connectors.Reconciler); ok && !store.IsPost(d) {
			lctx, cancel := context.WithTimeout(ctx, x.o.SendTimeout)
			r, found, lerr := rec.Lookup(lctx, message(d, m))
			cancel()
			if lerr == nil && found {
				return store.SendOutcome{State: domain.DraftSent, RemoteID: r.RemoteID}
			}
			if lerr == nil {
				return x.retry(d, now, "timed out; the platform has no such message")
			}
		}
		return store.SendOutcome{State: domain.DraftUnknown, Err: "timed out, so it may have arrived: check the thread, then retry or cancel"}
	case errors.Is(err, connectors.ErrUnavailable):
		return x.retry(d, now, msg)
	case errors.Is(err, connectors.ErrAuth):
		return store.SendOutcome{State: domain.DraftFailed, Retryable: true, Err: msg + "; fix the account's credentials, then retry"}
	}
	return store.SendOutcome{State: domain.DraftFailed, Err: msg}
}

func (x *Sender) retry(d domain.Draft, now time.Time, msg string) store.SendOutcome {
	if d.Attempts >= x.o.MaxAttempts {
		return store.SendOutcome{State: domain.DraftFailed, Retryable: true, Err: fmt.Sprintf("%s (gave up after %d attempts; retry when the platform is back)", msg, d.Attempts)}
	}
	return store.SendOutcome{State: domain.DraftQueued, Retryable: true, NextAttempt: now.Add(x.backoff(d.Attempts)), Err: msg}
}

// backoff is the wait after attempt n (1-based): doubling from MinBackoff
// up to MaxBackoff, with "equal jitter" (half fixed, half random).
func (x *Sender) backoff(n int) time.Duration {
	d := x.o.MinBackoff
	for i := 1; i < n && d < x.o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, x.o.MaxBackoff)
	return d/2 + time.Duration(x.o.Jitter()*float64(d/2))
}

func errText(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Run recovers, then sends due drafts until ctx ends, waking when the
// store's drafts or pause switch change, when a retry is due, and every
// Idle otherwise.
func (x *Sender) Run(ctx context.Context) error {
	sub := x.st.Subscribe()
	defer sub.Close()
	wake := make(chan struct{}, 1)
	go func() {
		for {
			u, err := sub.Next(ctx)
			if err != nil {
				return
			}
			if relevant(u) {
				select {
				case wake <- struct{}{}:
				default:
				}
			}
		}
	}()
	if _, err := x.Recover(ctx); err != nil {
		x.logf("outbox: recover: %v", err)
	}
	for {
		next, err := x.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			x.logf("outbox: %v", err)
		}
		wait := x.o.Idle
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(x.o.Now()), 10*time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-wake:
		case <-t.C:
		}
		t.Stop()
	}
}

func relevant(u store.Update) bool {
	if u.Resync {
		return true
	}
	for _, c := range u.Changes {
		if c.Kind == "draft" || c.Kind == "outbox" {
			return true
		}
	}
	return false
}
