// Package notices derives the notification centre's notices from the
// audit log and the clock: a mention assigned to you, @you in a note, a
// draft waiting for an approval you can give, your draft approved or
// rejected, a mention of yours about to breach its response target, a new
// crisis alert, an incident role given to you. One Deriver runs in the
// process that holds the store (serve, the local app, the demo); it reads
// the log from where it stopped and stores what it derives with the new
// position in one transaction (store.AddNotices), so a restart neither
// loses nor repeats a notice. Nothing else writes notices: the features
// that act only write their audit events, as they always did.
//
// It follows the change feed, whose updates carry the events already
// decoded, and reads the log itself only at start and when the feed
// dropped updates; an event that concerns nobody costs a type switch and a
// map lookup. Breach warnings come from a heap of the assigned mentions
// with a running response clock, looked at every second.
package notices

import (
	"context"
	"errors"
	"time"

	"switchboard/crisis"
	"switchboard/domain"
	"switchboard/sla"
	"switchboard/store"
)

// Store is what the deriver needs of the store: the change feed and the
// audit log it derives notices from, its position in that log, the
// notices it adds and the records they are about. *store.Store is one.
type Store interface {
	Subscribe() *store.Subscription
	LastEvent() (uint64, error)
	Log(after uint64, fn func(domain.Event) bool) error
	NoticesLog() (uint64, error)
	SetNoticesLog(pos uint64) error
	AddNotices(ns []store.Notice, logPos uint64) ([]store.Notice, error)
	// what the notices are about: mentions (and the clock's counters),
	// incidents, drafts and who may approve them
	GetByKey(key string) (domain.Mention, error)
	Counts() (store.Counts, error)
	Each(f store.Filter, fn func(m *domain.Mention) bool) error
	Incident(id string) (domain.Incident, error)
	Draft(id string) (domain.Draft, error)
	MayApprove(actor string, d domain.Draft) error
}

// Options configure a Deriver.
type Options struct {
	Store Store
	// SLA is the response clocks (nil: the default targets, always open).
	SLA *sla.Policy
	// Warning is how long before a breach its warning comes (10m).
	Warning time.Duration
	// Operators lists the team as it is now: the operators a draft's
	// approval request may go to. Nil: nobody.
	Operators func() []string
	// Known says whether @name in a note names an operator (nil: any name
	// that could be one).
	Known func(name string) bool
	// Watcher, when set, raises the crisis alerts (a notice for everyone).
	Watcher *crisis.Watcher
	// Now is the clock (time.Now).
	Now func() time.Time
	// Logf reports problems (nil: dropped).
	Logf func(format string, a ...any)
	// Tick is how often the clock and the alerts are looked at (1s).
	Tick time.Duration
}

// Deriver turns the audit log and the clock into notices.
type Deriver struct {
	o      Options
	pos    uint64 // audit-log position derived to
	saved  uint64 // position last stored
	saveAt time.Time
	track  tracker
	// pending are notices derived and not yet stored
	pending []store.Notice
	// fired are the warnings given in this run, by mention key
	fired map[string]watch
	// alertsDirty says the watcher may have raised alerts since the last
	// look
	alertsDirty bool
}

// New builds a deriver; Run starts it.
func New(o Options) *Deriver {
	if o.Warning <= 0 {
		o.Warning = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	return &Deriver{o: o, track: newTracker(), fired: map[string]watch{}}
}

func (d *Deriver) logf(format string, a ...any) {
	if d.o.Logf != nil {
		d.o.Logf(format, a...)
	}
}

// Start reads where the last run stopped (the first time: the end of the
// log, so that history makes no notices) and catches up with the log,
// then loads the mentions whose clocks it watches.
func (d *Deriver) Start() error {
	pos, err := d.o.Store.NoticesLog()
	if err != nil {
		return err
	}
	if pos == 0 {
		if pos, err = d.o.Store.LastEvent(); err != nil {
			return err
		}
	}
	d.pos, d.saved = pos, pos
	if err := d.catchUp(); err != nil {
		return err
	}
	return d.loadTracked()
}

// Run derives notices until ctx ends or the store closes.
func (d *Deriver) Run(ctx context.Context) error {
	sub := d.o.Store.Subscribe()
	defer sub.Close()
	if err := d.Start(); err != nil {
		d.logf("notices: %v", err)
		return err
	}
	updates := make(chan store.Update, 64)
	go func() {
		defer close(updates)
		for {
			u, err := sub.Next(ctx)
			if err != nil {
				return
			}
			select {
			case updates <- u:
			case <-ctx.Done():
				return
			}
		}
	}()
	tick := time.NewTicker(d.o.Tick)
	defer tick.Stop()
	var alertsCh <-chan struct{}
	if d.o.Watcher != nil {
		alertsCh = d.o.Watcher.Changed()
		d.alertsDirty = true
	}
	for {
		select {
		case <-ctx.Done():
			d.flushPos(true)
			return nil
		case u, ok := <-updates:
			if !ok {
				return nil
			}
			if err := d.Apply(u); err != nil && !errors.Is(err, store.ErrClosed) {
				d.logf("notices: %v", err)
			}
		case <-alertsCh:
			d.alertsDirty = true
			alertsCh = d.o.Watcher.Changed()
		case <-tick.C:
			if err := d.Tick(d.o.Now()); err != nil {
				d.logf("notices: %v", err)
			}
		}
	}
}

// Apply derives the notices of one change-feed update and stores them
// with the log position they come from.
func (d *Deriver) Apply(u store.Update) error {
	if u.Resync {
		return d.catchUp()
	}
	for _, ev := range u.Events {
		if ev.Seq <= d.pos {
			continue
		}
		if ev.Seq != d.pos+1 {
			// the feed began after these, or dropped some: the log has them
			return d.catchUp()
		}
		d.handle(ev)
		d.pos = ev.Seq
	}
	return d.store()
}

// catchUp reads the log from the position to its end.
func (d *Deriver) catchUp() error {
	for {
		n := 0
		err := d.o.Store.Log(d.pos, func(ev domain.Event) bool {
			d.handle(ev)
			d.pos = ev.Seq
			n++
			return n < 1000
		})
		if err != nil {
			return err
		}
		if err := d.store(); err != nil {
			return err
		}
		if n < 1000 {
			return nil
		}
	}
}

// store writes the pending notices with the position.
func (d *Deriver) store() error {
	if len(d.pending) == 0 {
		return nil
	}
	_, err := d.o.Store.AddNotices(d.pending, d.pos)
	if err != nil {
		return err
	}
	d.pending = d.pending[:0]
	d.saved = d.pos
	return nil
}

// flushPos stores the position when events that made no notice moved it
// (at most every 10 s, or now when forced), so that a restart reads
// little of the log again.
func (d *Deriver) flushPos(force bool) {
	if d.pos == d.saved {
		return
	}
	now := d.o.Now()
	if !force && now.Sub(d.saveAt) < 10*time.Second {
		return
	}
	if err := d.o.Store.SetNoticesLog(d.pos); err == nil {
		d.saved, d.saveAt = d.pos, now
	}
}

// Tick fires the breach warnings due at now, adds the crisis alerts
// raised since the last tick, and stores the position now and then.
func (d *Deriver) Tick(now time.Time) error {
	d.breaches(now)
	if d.alertsDirty && d.o.Watcher != nil {
		if ready, _, _ := d.o.Watcher.Status(); ready {
			d.alertsDirty = false
			alerts, err := d.o.Watcher.Alerts()
			if err != nil {
				return err
			}
			for _, a := range alerts {
				if a.Open {
					d.pending = append(d.pending, alertNotice(a, now))
				}
			}
		}
	}
	if len(d.pending) > 0 {
		if _, err := d.o.Store.AddNotices(d.pending, 0); err != nil {
			return err
		}
		d.pending = d.pending[:0]
	}
	d.flushPos(false)
	return nil
}

// Position is the audit-log position derived to (tests).
func (d *Deriver) Position() uint64 { return d.pos }
