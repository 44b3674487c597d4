package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// txw is one write transaction: it collects counter deltas and events, and
// after commit the store publishes what changed on the change feed.
type txw struct {
	s       *Store
	tx      *bolt.Tx
	counts  map[countRef]int64
	events  []domain.Event
	changed []uint64
	added   []uint64
	group   uint64 // current event group, 0 = start a new one per event
	// index key writes, sorted before they are applied (bbolt is fastest
	// when keys arrive in order); for a key written more than once in the
	// transaction the last write wins.
	ops map[*index][]ixop
	// extra lets feature files publish their own changes.
	extra []Change
	// event index keys not written yet (see appendEvent)
	evTarget, evActor [][]byte
	// contactsTx holds the contacts the transaction changes (contacts.go).
	contactsTx *contactTx
}

// update runs fn in one write transaction and publishes the result.
func (s *Store) update(fn func(w *txw) error) (*txw, error) {
	if s.readHandle {
		return nil, ErrReadHandle
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var w *txw
	err := s.guard(func() error {
		return s.db.Update(func(tx *bolt.Tx) error {
			w = &txw{s: s, tx: tx, counts: map[countRef]int64{}, ops: map[*index][]ixop{}}
			if err := fn(w); err != nil {
				return err
			}
			return w.flush()
		})
	})
	if err != nil {
		return nil, diskError(err)
	}
	if len(w.events) > 0 || len(w.changed) > 0 || len(w.added) > 0 || len(w.extra) > 0 {
		s.feed.publish(Update{Events: w.events, New: w.added, Changed: w.changed, Changes: w.extra})
	}
	return w, nil
}

// ErrDiskFull wraps a write that failed for want of space.
var ErrDiskFull = errors.New("the disk is full")

// diskError turns "no space" and "file too large" into one clear error:
// the transaction was rolled back, nothing of it is stored.
func diskError(err error) error {
	full := false
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EFBIG, syscall.EDQUOT} {
		// bbolt wraps some of these with %s, not %w: match the text too
		full = full || errors.Is(err, errno) || strings.Contains(err.Error(), errno.Error())
	}
	if full {
		return fmt.Errorf("%w (or the file size limit was reached): nothing of this change was stored; free some space and try again (%v)", ErrDiskFull, err)
	}
	return err
}

func (w *txw) flush() error {
	if err := w.flushEvents(); err != nil {
		return err
	}
	for ix, ops := range w.ops {
		b := w.tx.Bucket(ix.bucket)
		// keys of a value arrive in time order, at the end of its range:
		// full pages on split waste less space than bbolt's default half
		b.FillPercent = fillPercent
		byKey := func(a, b ixop) int { return bytes.Compare(a.key, b.key) }
		if slices.ContainsFunc(ops, func(o ixop) bool { return !o.put }) {
			slices.SortStableFunc(ops, byKey) // order of writes to one key matters
		} else {
			slices.SortFunc(ops, byKey) // puts only: equal keys are the same write
		}
		for i, o := range ops {
			if i+1 < len(ops) && bytes.Equal(ops[i+1].key, o.key) {
				continue // a later write of the same key decides
			}
			var err error
			if o.put {
				err = b.Put(o.key, nil)
			} else {
				err = b.Delete(o.key)
			}
			if err != nil {
				return fmt.Errorf("store: index %s: %w", ix.name, err)
			}
		}
	}
	if err := w.flushContacts(); err != nil {
		return err
	}
	cb := w.tx.Bucket(bCounts)
	for ref, d := range w.counts {
		if d == 0 {
			continue
		}
		k := counterKey(ref.index, ref.value, ref.status)
		n := int64(getU64(cb.Get([]byte(k)))) + d
		if n <= 0 {
			if err := cb.Delete([]byte(k)); err != nil {
				return err
			}
			continue
		}
		if err := cb.Put([]byte(k), u64(uint64(n))); err != nil {
			return err
		}
	}
	return nil
}

// countRef names one counter while a transaction adds up its change; the
// key is built once per counter at flush, not once per mention.
type countRef struct {
	index, value string
	status       domain.Status
}

// ixop is one pending index write: put (true) or delete (false) a key.
type ixop struct {
	key []byte
	put bool
}

// counterKey is the counter of mentions with value in index and status st.
func counterKey(index, value string, st domain.Status) string {
	return index + "\x00" + value + "\x00" + string(st)
}

// addIndex schedules the index keys and counters of m at tk.
func (w *txw) addIndex(m *domain.Mention, tk []byte) {
	st := storedStatus(m)
	for _, ix := range indexes {
		for _, v := range ix.values(m) {
			w.ops[ix] = append(w.ops[ix], ixop{ixkey(v, tk), true})
			if ix.counted {
				w.counts[countRef{ix.name, v, st}]++
			}
		}
	}
}

// reindex schedules the index changes from old to m (same timekey).
func (w *txw) reindex(old, m *domain.Mention, tk []byte) {
	ost, nst := storedStatus(old), storedStatus(m)
	for _, ix := range indexes {
		if !ix.counted && ix.name == IndexWord && sameIndexedWords(old, m) {
			continue // the words of an uncounted index did not move
		}
		ov, nv := ix.values(old), ix.values(m)
		for _, v := range ov {
			if !slices.Contains(nv, v) {
				w.ops[ix] = append(w.ops[ix], ixop{ixkey(v, tk), false})
			}
			if ix.counted {
				w.counts[countRef{ix.name, v, ost}]--
			}
		}
		for _, v := range nv {
			if !slices.Contains(ov, v) {
				w.ops[ix] = append(w.ops[ix], ixop{ixkey(v, tk), true})
			}
			if ix.counted {
				w.counts[countRef{ix.name, v, nst}]++
			}
		}
	}
}

// sameIndexedWords reports whether a and b have the same word index entries.
func sameIndexedWords(a, b *domain.Mention) bool {
	return a.Text == b.Text && a.Author.Handle == b.Author.Handle && a.Author.Name == b.Author.Name &&
		dayOf(a.CreatedAt.Unix()) == dayOf(b.CreatedAt.Unix())
}

// putMention writes the record, operator state included, and its stats
// record (stats.go): every write of a whole mention record goes through
// here (an action that changes only the operator state goes through
// putState).
func (w *txw) putMention(m *domain.Mention, tk []byte) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("store: encode mention: %w", err)
	}
	mb := w.tx.Bucket(bMentions)
	mb.FillPercent = fillPercent
	if err := mb.Put(tk, b); err != nil {
		return err
	}
	// the record holds the state now: drop a state written by an action
	if sb := w.tx.Bucket(bState); sb.Get(tk) != nil {
		if err := sb.Delete(tk); err != nil {
			return err
		}
	}
	return w.putStats(m, tk)
}

// putState writes m's operator state alone, over the state in its record
// (see bState), and m's stats record, which holds much of that state
// (stats.go): every change of a stored mention's operator state that
// leaves the rest of the record alone goes through here, as every whole
// record goes through putMention, so a hook that must see each mention
// write (derived per-mention data) is called from both. m is the whole
// mention as it now is (loadMention's, changed), not its state alone.
func (w *txw) putState(m *domain.Mention, tk []byte) error {
	b, err := json.Marshal(&m.State)
	if err != nil {
		return fmt.Errorf("store: encode mention state: %w", err)
	}
	sb := w.tx.Bucket(bState)
	sb.FillPercent = fillPercent
	if err := sb.Put(tk, b); err != nil {
		return err
	}
	return w.putStats(m, tk)
}

// fillPercent is how full bbolt fills a page it splits; the store's keys
// mostly grow at the end of their ranges, so pages are filled nearly full.
const fillPercent = 0.9

// appendEvent writes ev to the audit log with the next sequence number.
// Events of one call of startGroup share a group.
func (w *txw) appendEvent(ev domain.Event) (domain.Event, error) {
	b := w.tx.Bucket(bEvents)
	seq, err := b.NextSequence()
	if err != nil {
		return ev, err
	}
	ev.Seq = seq
	if ev.At.IsZero() {
		ev.At = w.s.now()
	}
	if w.group == 0 {
		w.group = seq
	}
	if ev.Group == 0 {
		ev.Group = w.group
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return ev, err
	}
	if err := b.Put(u64(seq), data); err != nil {
		return ev, err
	}
	// the target and actor index keys are written sorted at flush: the
	// targets of a bulk action arrive in any order, and bbolt inserts
	// into a node's sorted slice, which is quadratic for many keys in
	// reverse order (30 s for 100,000 new keys)
	w.evTarget = append(w.evTarget, evIndexKey(ev.Target, seq))
	w.evActor = append(w.evActor, evIndexKey(ev.Actor, seq))
	w.events = append(w.events, ev)
	return ev, nil
}

// flushEvents writes the event index keys appendEvent collected.
func (w *txw) flushEvents() error {
	for _, x := range []struct {
		bucket []byte
		keys   *[][]byte
	}{{bEvTarget, &w.evTarget}, {bEvActor, &w.evActor}} {
		keys := *x.keys
		if len(keys) == 0 {
			continue
		}
		slices.SortFunc(keys, bytes.Compare)
		b := w.tx.Bucket(x.bucket)
		for _, k := range keys {
			if err := b.Put(k, nil); err != nil {
				return err
			}
		}
		*x.keys = keys[:0]
	}
	return nil
}

// lastEvent is the newest audit event about target, written before this
// transaction or in it.
func (w *txw) lastEvent(target string) (domain.Event, bool) {
	if w.flushEvents() != nil {
		return domain.Event{}, false
	}
	c := w.tx.Bucket(bEvTarget).Cursor()
	prefix := append([]byte(target), 0)
	k, _ := c.Seek(append(append([]byte(nil), prefix...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || len(k) != len(prefix)+8 || !bytes.HasPrefix(k, prefix) {
		return domain.Event{}, false
	}
	var ev domain.Event
	if json.Unmarshal(w.tx.Bucket(bEvents).Get(k[len(prefix):]), &ev) != nil {
		return domain.Event{}, false
	}
	return ev, true
}

// newGroup makes the next event start a new group.
func (w *txw) newGroup() { w.group = 0 }

func evIndexKey(s string, seq uint64) []byte {
	k := make([]byte, 0, len(s)+9)
	k = append(k, s...)
	k = append(k, 0)
	return append(k, u64(seq)...)
}

// getMention loads the mention at tk, its operator state as it is now.
func getMention(tx *bolt.Tx, tk []byte) (*domain.Mention, error) {
	v := tx.Bucket(bMentions).Get(tk)
	if v == nil {
		return nil, ErrNotFound
	}
	return loadMention(tx, tk, v)
}

// loadMention decodes the record v at tk with its operator state as it is
// now (from bState when an action wrote it there).
func loadMention(tx *bolt.Tx, tk, v []byte) (*domain.Mention, error) {
	return withState(tk, v, tx.Bucket(bState).Get(tk))
}

// withState decodes the record v at tk and, when st is not nil, puts the
// operator state st in place of the record's.
func withState(tk, v, st []byte) (*domain.Mention, error) {
	m, err := decodeMention(tk, v)
	if err != nil || st == nil {
		return m, err
	}
	m.State = domain.OperatorState{}
	if err := json.Unmarshal(st, &m.State); err != nil {
		return nil, fmt.Errorf("store: damaged operator state of %x: %w", tk, err)
	}
	return m, nil
}

// decodeMention decodes the record v at tk as written, without the
// operator state an action wrote since (see loadMention): for what does
// not depend on the state.
func decodeMention(tk, v []byte) (*domain.Mention, error) {
	m := new(domain.Mention)
	if err := json.Unmarshal(v, m); err != nil {
		return nil, fmt.Errorf("store: damaged record %x: %w", tk, err)
	}
	m.ID = uint64(timekeyID(tk))
	return m, nil
}

// timekeyOf finds a mention's timekey by id.
func timekeyOf(tx *bolt.Tx, id uint64) ([]byte, error) {
	if id == 0 || id > 0xffffffff {
		return nil, ErrNotFound
	}
	tk := tx.Bucket(bIDs).Get(u32(uint32(id)))
	if tk == nil {
		return nil, ErrNotFound
	}
	return append([]byte(nil), tk...), nil
}

// mentionByKey loads a mention and its timekey by mention key.
func mentionByKey(tx *bolt.Tx, key string) (*domain.Mention, []byte, error) {
	v := tx.Bucket(bKeys).Get([]byte(key))
	if v == nil {
		return nil, nil, ErrNotFound
	}
	tk, err := timekeyOf(tx, uint64(getU32(v)))
	if err != nil {
		return nil, nil, err
	}
	m, err := getMention(tx, tk)
	return m, tk, err
}
