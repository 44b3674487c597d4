package notices

import (
	"container/heap"
	"time"

	"switchboard/domain"
	"switchboard/sla"
	"switchboard/store"
)

// tracker is the breach watch: every assigned mention whose response
// clock runs, with the time its warning is due, in a heap by that time.
// An entry is replaced (not removed) when the mention changes: a popped
// entry whose generation is not the mention's current one is dropped.
type tracker struct {
	by  map[string]*watch // mention key → its current watch
	h   warnHeap
	gen uint64
}

type watch struct {
	key      string
	assignee string
	due      time.Time
	warnAt   time.Time
	gen      uint64
}

type warnHeap []*watch

func (h warnHeap) Len() int           { return len(h) }
func (h warnHeap) Less(i, j int) bool { return h[i].warnAt.Before(h[j].warnAt) }
func (h warnHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *warnHeap) Push(x any)        { *h = append(*h, x.(*watch)) }
func (h *warnHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return w
}

func newTracker() tracker { return tracker{by: map[string]*watch{}} }

func (t *tracker) has(key string) bool { _, ok := t.by[key]; return ok }

// set watches key (or stops, when assignee is "").
func (t *tracker) set(key, assignee string, due, warnAt time.Time) {
	if w, ok := t.by[key]; ok && w.assignee == assignee && w.due.Equal(due) {
		return
	}
	if assignee == "" {
		delete(t.by, key)
		return
	}
	t.gen++
	w := &watch{key: key, assignee: assignee, due: due, warnAt: warnAt, gen: t.gen}
	t.by[key] = w
	heap.Push(&t.h, w)
	// entries replaced many times over pile up: rebuild now and then
	if len(t.h) > 2*len(t.by)+1024 {
		t.h = t.h[:0]
		for _, w := range t.by {
			t.h = append(t.h, w)
		}
		heap.Init(&t.h)
	}
}

// due pops the watches whose warning time has come by now.
func (t *tracker) due(now time.Time) []*watch {
	var out []*watch
	for len(t.h) > 0 && !t.h[0].warnAt.After(now) {
		w := heap.Pop(&t.h).(*watch)
		if cur, ok := t.by[w.key]; ok && cur.gen == w.gen {
			delete(t.by, w.key) // warned once; a change of due watches again
			out = append(out, w)
		}
	}
	return out
}

// Watched is how many mentions' clocks are watched (tests).
func (d *Deriver) Watched() int { return len(d.track.by) }

// watchOf computes the watch of m at now ("" assignee: none).
func (d *Deriver) watchOf(m *domain.Mention, now time.Time) (string, time.Time, time.Time) {
	if m.State.Assignee == "" || !sla.Running(m, now) {
		return "", time.Time{}, time.Time{}
	}
	due := d.o.SLA.For(m.State.Team).Due(m)
	return m.State.Assignee, due, due.Add(-d.o.Warning)
}

// refresh reads mention key again and watches (or stops watching) it.
func (d *Deriver) refresh(key string) {
	m, err := d.o.Store.GetByKey(key)
	if err != nil {
		d.track.set(key, "", time.Time{}, time.Time{})
		return
	}
	a, due, warn := d.watchOf(&m, d.o.Now())
	if !d.track.has(key) && a != "" && d.warned(key, a, due) {
		return
	}
	d.track.set(key, a, due, warn)
}

// warned remembers the warnings fired in this run, so that a watch
// popped and warned is not set again by the next event on the mention
// while nothing that matters changed.
func (d *Deriver) warned(key, assignee string, due time.Time) bool {
	w, ok := d.fired[key]
	return ok && w.assignee == assignee && w.due.Equal(due)
}

// loadTracked watches every assigned open or pending mention.
func (d *Deriver) loadTracked() error {
	c, err := d.o.Store.Counts()
	if err != nil {
		return err
	}
	var names []string
	for _, v := range c.Values(store.IndexAssignee) {
		if v != "" {
			names = append(names, v)
		}
	}
	if len(names) == 0 {
		return nil
	}
	now := d.o.Now()
	return d.o.Store.Each(store.Filter{Assignees: names, Status: []domain.Status{domain.StatusOpen, domain.StatusPending}}, func(m *domain.Mention) bool {
		if a, due, warn := d.watchOf(m, now); a != "" {
			d.track.set(m.Key(), a, due, warn)
		}
		return true
	})
}

// breaches warns each assignee whose mention's warning time has come,
// once per due time, while the target is still ahead; a mention already
// past it when looked at (after a restart, say) is not warned about.
func (d *Deriver) breaches(now time.Time) {
	if len(d.fired) > 1024 {
		for k, w := range d.fired {
			if w.due.Before(now) {
				delete(d.fired, k)
			}
		}
	}
	for _, w := range d.track.due(now) {
		m, err := d.o.Store.GetByKey(w.key)
		if err != nil {
			continue
		}
		a, due, warn := d.watchOf(&m, now)
		if a == "" {
			continue
		}
		if a != w.assignee || !due.Equal(w.due) {
			d.track.set(w.key, a, due, warn) // moved on: watch it as it is
			continue
		}
		d.fired[w.key] = watch{assignee: a, due: due}
		if !now.Before(due) {
			continue
		}
		d.pending = append(d.pending, breachNotice(&m, due, now))
	}
}
