// Package presence is who is in the war room right now: every live
// terminal session of a switchboard server, its operator and role, the
// pane it shows, the mention under its cursor and the mention it drafts a
// reply to. The root model of a session reports where it is; the header
// shows who else is online and where; a mention shows who else views it or
// drafts on it, and starting a second draft on one warns first (the
// collision check); the crisis board lists the war room with roles.
//
// Changes reach every session through a channel of its own (Wait), not
// through the store's change feed, so that moving a cursor never makes a
// pane reload from the store. Nothing here is package-level state: a Hub
// belongs to one server process.
package presence

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"switchboard/domain"
)

// Entry is one live session.
type Entry struct {
	ID       uint64
	Operator string
	Role     domain.Role
	// Pane is the title of the pane the session shows ("Inbox").
	Pane string
	// Viewing is the key of the mention under the cursor ("" for none).
	Viewing string
	// Drafting is the key of the mention whose reply the session drafts.
	Drafting string
	Since    time.Time
}

// Member is one operator in the war room, however many sessions they have.
type Member struct {
	Operator string
	Role     domain.Role
	// Panes are the panes their sessions show, sorted, without repeats.
	Panes    []string
	Sessions int
}

// Options configure a Hub.
type Options struct {
	// Role is an operator's current role (the team file can change while
	// they are connected); nil leaves the role given at Join.
	Role func(operator string) domain.Role
	// Now is the clock (time.Now by default).
	Now func() time.Time
}

// Hub holds the presence of every session of one process.
type Hub struct {
	opts Options

	mu       sync.Mutex
	next     uint64
	sessions map[uint64]*Session
	watchers map[*Watcher]struct{}
	version  uint64
}

// New starts an empty hub.
func New(opts Options) *Hub {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Hub{opts: opts, sessions: map[uint64]*Session{}, watchers: map[*Watcher]struct{}{}}
}

// Session is one terminal session's handle on the hub.
type Session struct {
	h      *Hub
	e      Entry // guarded by h.mu
	notify chan struct{}
	left   bool
}

// Join adds a session of operator with role; Leave it when it ends.
func (h *Hub) Join(operator string, role domain.Role) *Session {
	h.mu.Lock()
	h.next++
	s := &Session{h: h, e: Entry{ID: h.next, Operator: operator, Role: role, Since: h.opts.Now()}, notify: make(chan struct{}, 1)}
	h.sessions[s.e.ID] = s
	h.changedLocked(s)
	h.mu.Unlock()
	return s
}

// changedLocked wakes every session and watcher but except (its own
// change is no news to it). Wake-ups coalesce: a session that has not
// read the last one gets one, not many.
func (h *Hub) changedLocked(except *Session) {
	h.version++
	for _, s := range h.sessions {
		if s != except {
			wake(s.notify)
		}
	}
	for w := range h.watchers {
		wake(w.c)
	}
}

func wake(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// ID is the session's id in the hub.
func (s *Session) ID() uint64 { return s.e.ID }

// Hub is the hub the session joined.
func (s *Session) Hub() *Hub { return s.h }

// Operator is the session's operator.
func (s *Session) Operator() string { return s.e.Operator }

// Here reports the pane the session shows and the mention under its
// cursor ("" for none). Only a change wakes the others.
func (s *Session) Here(pane, viewing string) {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.left || (s.e.Pane == pane && s.e.Viewing == viewing) {
		return
	}
	s.e.Pane, s.e.Viewing = pane, viewing
	h.changedLocked(s)
}

// StartDraft records that the session drafts a reply to mention key and
// returns the other sessions already drafting on it (the collision a
// composer warns about before it opens).
func (s *Session) StartDraft(key string) []Entry {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	others := h.onLocked(key, s.e.ID, func(e *Entry) bool { return e.Drafting == key })
	if !s.left && s.e.Drafting != key {
		s.e.Drafting = key
		h.changedLocked(s)
	}
	return others
}

// StopDraft records that the session no longer drafts.
func (s *Session) StopDraft() {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.left || s.e.Drafting == "" {
		return
	}
	s.e.Drafting = ""
	h.changedLocked(s)
}

// Leave removes the session; its Wait returns false from then on.
func (s *Session) Leave() {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.left {
		return
	}
	s.left = true
	delete(h.sessions, s.e.ID)
	h.changedLocked(s)
	close(s.notify)
}

// Wait blocks until someone else's presence changed (true) or ctx ended
// or the session left (false). A Bubble Tea Cmd calls it once and the
// model re-arms it.
func (s *Session) Wait(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case _, ok := <-s.notify:
		return ok
	}
}

// Others are the other sessions, sorted by operator then id.
func (s *Session) Others() []Entry {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.listLocked(func(e *Entry) bool { return e.ID != s.e.ID })
}

// OnMention are the other sessions viewing mention key and those drafting
// a reply to it.
func (s *Session) OnMention(key string) (viewing, drafting []Entry) {
	if key == "" {
		return nil, nil
	}
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	viewing = h.onLocked(key, s.e.ID, func(e *Entry) bool { return e.Viewing == key && e.Drafting != key })
	drafting = h.onLocked(key, s.e.ID, func(e *Entry) bool { return e.Drafting == key })
	return viewing, drafting
}

// Drafting are the other sessions (not the one with id except, 0 for
// none) drafting a reply to mention key.
func (h *Hub) Drafting(key string, except uint64) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.onLocked(key, except, func(e *Entry) bool { return e.Drafting == key })
}

// Viewing are the sessions (but except) with mention key under the cursor.
func (h *Hub) Viewing(key string, except uint64) []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.onLocked(key, except, func(e *Entry) bool { return e.Viewing == key })
}

func (h *Hub) onLocked(key string, except uint64, f func(*Entry) bool) []Entry {
	if key == "" {
		return nil
	}
	return h.listLocked(func(e *Entry) bool { return e.ID != except && f(e) })
}

// Online is every session, sorted by operator then id.
func (h *Hub) Online() []Entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.listLocked(func(*Entry) bool { return true })
}

func (h *Hub) listLocked(keep func(*Entry) bool) []Entry {
	out := make([]Entry, 0, len(h.sessions))
	for _, s := range h.sessions {
		if keep(&s.e) {
			e := s.e
			if h.opts.Role != nil {
				if r := h.opts.Role(e.Operator); r != "" {
					e.Role = r
				}
			}
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if c := strings.Compare(a.Operator, b.Operator); c != 0 {
			return c
		}
		return int(a.ID) - int(b.ID)
	})
	return out
}

// WarRoom lists the operators online, one entry each, sorted by role
// (most powerful first) then name: who is in the war room and their role.
func (h *Hub) WarRoom() []Member {
	var out []Member
	for _, e := range h.Online() {
		if n := len(out); n > 0 && out[n-1].Operator == e.Operator {
			m := &out[n-1]
			m.Sessions++
			if e.Pane != "" && !slices.Contains(m.Panes, e.Pane) {
				m.Panes = append(m.Panes, e.Pane)
				slices.Sort(m.Panes)
			}
			continue
		}
		m := Member{Operator: e.Operator, Role: e.Role, Sessions: 1}
		if e.Pane != "" {
			m.Panes = []string{e.Pane}
		}
		out = append(out, m)
	}
	rank := func(r domain.Role) int { return -slices.Index(domain.Roles, r) }
	slices.SortStableFunc(out, func(a, b Member) int { return rank(a.Role) - rank(b.Role) })
	return out
}

// Version increases with every change (for caches and tests).
func (h *Hub) Version() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.version
}

// Watcher is woken on every presence change, for a pane or service that
// is not a session (e.g. a crisis board that lists the war room).
type Watcher struct {
	h *Hub
	c chan struct{}
}

// Watch starts a watcher; Close it when done.
func (h *Hub) Watch() *Watcher {
	w := &Watcher{h: h, c: make(chan struct{}, 1)}
	h.mu.Lock()
	h.watchers[w] = struct{}{}
	h.mu.Unlock()
	return w
}

// C receives a value after a change (coalesced).
func (w *Watcher) C() <-chan struct{} { return w.c }

// Close stops the watcher.
func (w *Watcher) Close() {
	w.h.mu.Lock()
	delete(w.h.watchers, w)
	w.h.mu.Unlock()
}

// ChangedMsg is what a session's root model hands its panes after the
// presence of another session changed (a pane that shows the war room
// re-reads Hub.WarRoom on it).
type ChangedMsg struct{}
