package crisis

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"switchboard/detect"
	"switchboard/domain"
	"switchboard/store"
)

// Watcher is a detector fed from the store: Run replays every stored
// mention oldest-first through it, then follows the change feed, reading
// the mentions ingested since (by id) so that each is observed exactly
// once, in constant time per mention. One Watcher serves a whole process;
// it is safe for concurrent use.
type Watcher struct {
	s *store.Store
	d *detect.Detector

	mu      sync.Mutex
	last    uint64 // highest mention id observed
	ready   bool
	seen    int
	err     error
	changed chan struct{} // closed and replaced when alerts may have changed
}

// NewWatcher builds a watcher over s with detection config cfg.
func NewWatcher(s *store.Store, cfg detect.Config) *Watcher {
	return &Watcher{s: s, d: detect.New(cfg), changed: make(chan struct{})}
}

// Detector is the watcher's detector.
func (w *Watcher) Detector() *detect.Detector { return w.d }

// Replay observes every mention in the store that is not observed yet,
// oldest-first from since (zero: all), and returns how many it observed.
// Run calls it; `switchboard alerts` calls it alone.
func (w *Watcher) Replay(ctx context.Context, since time.Time) (int, error) {
	n := 0
	maxID, err := w.s.StreamMentions(ctx, store.StreamOptions{Since: since}, func(ms []domain.Mention) error {
		for i := range ms {
			w.observe(&ms[i])
		}
		n += len(ms)
		return nil
	})
	if err != nil {
		return n, err
	}
	w.mu.Lock()
	w.last = maxID
	w.seen += n
	w.ready = true
	w.notifyLocked()
	w.mu.Unlock()
	return n, nil
}

// catchUp observes the mentions ingested after the last one observed.
func (w *Watcher) catchUp() (int, error) {
	total := 0
	for {
		w.mu.Lock()
		last := w.last
		w.mu.Unlock()
		ms, next, err := w.s.MentionsAfter(last, 1000)
		if err != nil || len(ms) == 0 {
			return total, err
		}
		var raised bool
		for i := range ms {
			if w.observe(&ms[i]) {
				raised = true
			}
		}
		total += len(ms)
		w.mu.Lock()
		w.last = next
		w.seen += len(ms)
		if raised || len(ms) > 0 {
			w.notifyLocked()
		}
		w.mu.Unlock()
	}
}

// observe feeds m to the detector and reports whether it raised an alert.
// The suspect of a new impersonation alert is flagged in the store (unless
// a flag is there already, perhaps an operator's), so that no reply goes
// to them even when the mention was ingested without the store's
// impostor hook; on a read-only store the flag is left to the ingest.
func (w *Watcher) observe(m *domain.Mention) bool {
	raised := w.d.Observe(m)
	for _, a := range raised {
		if a.Kind != detect.KindImpersonation || a.Suspect == nil {
			continue
		}
		if _, had, err := w.s.ImpostorOf(m.Platform, a.Suspect.Handle); err == nil && !had {
			_, _ = w.s.FlagImpostor(store.ActorDetector, store.Impostor{Platform: m.Platform, Handle: a.Suspect.Handle, Reason: a.Reason})
		}
	}
	return len(raised) > 0
}

func (w *Watcher) notifyLocked() {
	close(w.changed)
	w.changed = make(chan struct{})
}

// Changed returns a channel that is closed the next time the watcher
// observes mentions or finishes its replay.
func (w *Watcher) Changed() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.changed
}

// Run replays the store and follows its change feed until ctx ends.
func (w *Watcher) Run(ctx context.Context) error {
	sub := w.s.Subscribe()
	defer sub.Close()
	_, err := w.Replay(ctx, time.Time{})
	if err != nil {
		w.fail(err)
		return err
	}
	for {
		if _, err := w.catchUp(); err != nil {
			w.fail(err)
			return err
		}
		for {
			u, err := sub.Next(ctx)
			if err != nil {
				if errors.Is(err, store.ErrClosed) || ctx.Err() != nil {
					return nil
				}
				w.fail(err)
				return err
			}
			if len(u.New) > 0 || u.Resync {
				break
			}
			if accountChange(u) {
				w.mu.Lock()
				w.notifyLocked()
				w.mu.Unlock()
			}
		}
	}
}

func (w *Watcher) fail(err error) {
	w.mu.Lock()
	w.err = err
	w.notifyLocked()
	w.mu.Unlock()
}

// Status reports whether the replay finished, how many mentions were
// observed, and the error that stopped the watcher, if any.
func (w *Watcher) Status() (ready bool, observed int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ready, w.seen, w.err
}

func accountChange(u store.Update) bool {
	for _, c := range u.Changes {
		if c.Kind == store.ChangeAccountAlert {
			return true
		}
	}
	return false
}

// Alerts are the open alerts nobody dismissed, earliest raised first:
// the detector's and the hijack watch's (kept in the store).
func (w *Watcher) Alerts() ([]detect.Alert, error) {
	ds, err := w.s.AlertDismissals()
	if err != nil {
		return nil, err
	}
	all, err := w.All()
	if err != nil {
		return nil, err
	}
	var out []detect.Alert
	for _, a := range all {
		if _, gone := ds[a.ID]; !gone && a.Open {
			out = append(out, a)
		}
	}
	return out, nil
}

// All is every alert raised: the detector's (see detect.Detector.All)
// and the hijack watch's, earliest raised first.
func (w *Watcher) All() ([]detect.Alert, error) {
	out := w.d.All()
	acc, err := w.s.AccountAlerts()
	if err != nil {
		return nil, err
	}
	for _, a := range acc {
		out = append(out, AccountAlert(a))
	}
	slices.SortStableFunc(out, func(a, b detect.Alert) int {
		if c := a.RaisedAt.Compare(b.RaisedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Alert finds an alert by id among every alert raised.
func (w *Watcher) Alert(id string) (detect.Alert, bool) {
	if a, err := w.s.AccountAlert(id); err == nil {
		return AccountAlert(a), true
	}
	for _, a := range w.d.All() {
		if a.ID == id {
			return a, true
		}
	}
	return detect.Alert{}, false
}
