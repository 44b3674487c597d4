package store

import (
	"context"
	"errors"
	"sync"

	"switchboard/domain"
)

// Update is one committed change, as the change feed delivers it.
type Update struct {
	// Events are the audit events the change appended.
	Events []domain.Event
	// New are the ids of mentions ingested for the first time.
	New []uint64
	// Changed are the ids of mentions whose record changed (refreshed by a
	// fetch, or changed by an operator action).
	Changed []uint64
	// Changes are other records that changed (incidents, drafts …).
	Changes []Change
	// Resync says the subscriber fell behind and updates were dropped:
	// reload whatever it shows from the store.
	Resync bool
}

// Change names a record of another kind that changed.
type Change struct {
	Kind string // "incident", "draft", "outbox", "presence" …
	ID   string
}

// ErrClosed is returned by Next after the subscription or store closed.
var ErrClosed = errors.New("store: subscription closed")

// maxQueued is how many updates a subscriber may fall behind before they
// collapse into one Resync.
const maxQueued = 256

// Subscription receives every committed update, in commit order. A slow
// subscriber never stalls writers: past maxQueued pending updates its queue
// collapses into a single Resync update.
type Subscription struct {
	f      *feed
	mu     sync.Mutex
	queue  []Update
	notify chan struct{}
	closed bool
}

type feed struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// Subscribe starts a subscription; Close it when done.
func (s *Store) Subscribe() *Subscription {
	sub := &Subscription{f: &s.feed, notify: make(chan struct{}, 1)}
	s.feed.mu.Lock()
	if s.feed.subs == nil {
		s.feed.subs = map[*Subscription]struct{}{}
	}
	s.feed.subs[sub] = struct{}{}
	s.feed.mu.Unlock()
	return sub
}

// Publish sends an update that is not a store write (e.g. presence) to
// every subscriber.
func (s *Store) Publish(u Update) { s.feed.publish(u) }

func (f *feed) publish(u Update) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for sub := range f.subs {
		sub.push(u)
	}
}

func (f *feed) closeAll() {
	f.mu.Lock()
	subs := f.subs
	f.subs = nil
	f.mu.Unlock()
	for sub := range subs {
		sub.close()
	}
}

func (sub *Subscription) push(u Update) {
	sub.mu.Lock()
	if sub.closed {
		sub.mu.Unlock()
		return
	}
	if len(sub.queue) >= maxQueued {
		sub.queue = append(sub.queue[:0], Update{Resync: true})
	} else {
		sub.queue = append(sub.queue, u)
	}
	sub.mu.Unlock()
	select {
	case sub.notify <- struct{}{}:
	default:
	}
}

// Next waits for the next update.
func (sub *Subscription) Next(ctx context.Context) (Update, error) {
	for {
		sub.mu.Lock()
		if len(sub.queue) > 0 {
			u := sub.queue[0]
			sub.queue[0] = Update{}
			sub.queue = sub.queue[1:]
			sub.mu.Unlock()
			return u, nil
		}
		closed := sub.closed
		sub.mu.Unlock()
		if closed {
			return Update{}, ErrClosed
		}
		select {
		case <-ctx.Done():
			return Update{}, ctx.Err()
		case <-sub.notify:
		}
	}
}

// Close ends the subscription; a waiting Next returns ErrClosed.
func (sub *Subscription) Close() {
	sub.f.mu.Lock()
	delete(sub.f.subs, sub)
	sub.f.mu.Unlock()
	sub.close()
}

func (sub *Subscription) close() {
	sub.mu.Lock()
	sub.closed = true
	sub.queue = nil
	sub.mu.Unlock()
	select {
	case sub.notify <- struct{}{}:
	default:
	}
}
