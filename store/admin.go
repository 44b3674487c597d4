package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// Stats describe the store's contents and its file.
type Stats struct {
	Mentions   int
	Events     int
	Cursors    int
	Buckets    map[string]int // keys per bucket
	FileSize   int64          // bytes on disk
	InUse      int64          // bytes holding live data (file less free pages)
	PageSize   int
	FreePages  int
	ByStatus   map[domain.Status]int
	ByPlatform map[string]int
}

// Stats reads counts and sizes.
func (s *Store) Stats() (Stats, error) {
	st := Stats{Buckets: map[string]int{}, ByStatus: map[domain.Status]int{}, ByPlatform: map[string]int{}}
	err := s.view(func(tx *bolt.Tx) error {
		err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			st.Buckets[string(name)] = b.Stats().KeyN
			return nil
		})
		if err != nil {
			return err
		}
		st.Mentions = st.Buckets[string(bMentions)]
		st.Events = st.Buckets[string(bEvents)]
		st.Cursors = st.Buckets[string(bCursors)]
		st.PageSize = tx.DB().Info().PageSize
		st.InUse = tx.Size()
		return nil
	})
	if err != nil {
		return st, err
	}
	dbs := s.db.Stats()
	st.FreePages = dbs.FreePageN + dbs.PendingPageN
	st.InUse -= int64(st.FreePages) * int64(st.PageSize)
	if fi, err := os.Stat(s.path); err == nil {
		st.FileSize = fi.Size()
	}
	c, err := s.Counts()
	if err != nil {
		return st, err
	}
	for _, v := range c.Values(IndexStatus) {
		st.ByStatus[domain.Status(v)] = c.Get(IndexStatus, v)
	}
	for _, v := range c.Values(IndexPlatform) {
		st.ByPlatform[v] = c.Get(IndexPlatform, v)
	}
	return st, nil
}

// Problem is one inconsistency found by Check.
type Problem struct {
	Where  string // bucket or record
	Detail string
}

func (p Problem) String() string { return p.Where + ": " + p.Detail }

// maxProblems caps the report of one check.
const maxProblems = 200

// Check verifies that every index entry, counter and lookup agrees with the
// records, and the audit log with its indexes. It returns every problem
// found (up to 200); none means the store is consistent.
func (s *Store) Check() ([]Problem, error) {
	var probs []Problem
	report := func(where, format string, a ...any) {
		if len(probs) < maxProblems {
			probs = append(probs, Problem{where, fmt.Sprintf(format, a...)})
		}
	}
	err := s.view(func(tx *bolt.Tx) error {
		for _, name := range allBuckets() {
			if tx.Bucket(name) == nil {
				report(string(name), "bucket is missing")
			}
		}
		if len(probs) > 0 {
			return nil
		}
		ids, keys := tx.Bucket(bIDs), tx.Bucket(bKeys)
		expectCounts := map[string]uint64{}
		expectKeys := map[string]int{}
		contacts := newContactCheck()
		stats := newStatsCheck(tx)
		n := 0
		err := tx.Bucket(bMentions).ForEach(func(tk, v []byte) error {
			n++
			where := fmt.Sprintf("mention %x", tk)
			if len(tk) != timekeyLen {
				report(where, "key has length %d, want %d", len(tk), timekeyLen)
				return nil
			}
			m, err := loadMention(tx, tk, v)
			if err != nil {
				report(where, "record does not decode: %v", err)
				return nil
			}
			where = fmt.Sprintf("mention %d (%s)", m.ID, m.Key())
			if !bytes.Equal(tk[:4], timekey(m.CreatedAt, 0)[:4]) {
				report(where, "key time does not match created_at %s", m.CreatedAt.Format("2006-01-02T15:04:05Z"))
			}
			if got := ids.Get(u32(uint32(m.ID))); !bytes.Equal(got, tk) {
				report(where, "ids entry is %x, want %x", got, tk)
			}
			if got := keys.Get([]byte(m.Key())); getU32(got) != uint32(m.ID) {
				report(where, "keys entry points at id %d", getU32(got))
			}
			contacts.add(m)
			stats.add(m, tk, report)
			st := storedStatus(m)
			for _, ix := range indexes {
				b := tx.Bucket(ix.bucket)
				for _, val := range ix.values(m) {
					if b.Get(ixkey(val, tk)) == nil {
						// a nil value and a missing key look alike to Get: ask a cursor
						c := b.Cursor()
						k, _ := c.Seek(ixkey(val, tk))
						if !bytes.Equal(k, ixkey(val, tk)) {
							report(where, "index %s has no entry for %q", ix.name, val)
						}
					}
					expectKeys[ix.name]++
					if ix.counted {
						expectCounts[counterKey(ix.name, val, st)]++
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if k := ids.Stats().KeyN; k != n {
			report("ids", "%d entries for %d mentions", k, n)
		}
		if k := keys.Stats().KeyN; k != n {
			report("keys", "%d entries for %d mentions", k, n)
		}
		for _, ix := range indexes {
			b := tx.Bucket(ix.bucket)
			if got := b.Stats().KeyN; got != expectKeys[ix.name] {
				report("index "+ix.name, "%d entries, the records need %d", got, expectKeys[ix.name])
				strayEntries(tx, ix, report)
			}
		}
		cb := tx.Bucket(bCounts)
		_ = cb.ForEach(func(k, v []byte) error {
			want, ok := expectCounts[string(k)]
			if !ok {
				report("counts", "counter %s is %d, the records give 0", printableKey(k), getU64(v))
			} else if getU64(v) != want {
				report("counts", "counter %s is %d, the records give %d", printableKey(k), getU64(v), want)
			}
			delete(expectCounts, string(k))
			return nil
		})
		missing := make([]string, 0, len(expectCounts))
		for k := range expectCounts {
			missing = append(missing, k)
		}
		sort.Strings(missing)
		for _, k := range missing {
			report("counts", "counter %s is missing, the records give %d", printableKey([]byte(k)), expectCounts[k])
		}
		contacts.report(tx, report)
		stats.report(tx, report)
		checkEvents(tx, report)
		return nil
	})
	return probs, err
}

// strayEntries reports index entries whose record is gone or no longer has
// the value.
func strayEntries(tx *bolt.Tx, ix *index, report func(string, string, ...any)) {
	mb := tx.Bucket(bMentions)
	_ = tx.Bucket(ix.bucket).ForEach(func(k, _ []byte) error {
		val, tk, ok := splitIxkey(k)
		if !ok {
			report("index "+ix.name, "malformed key %x", k)
			return nil
		}
		v := mb.Get(tk)
		if v == nil {
			report("index "+ix.name, "entry %q points at missing mention %x", val, tk)
			return nil
		}
		m, err := loadMention(tx, tk, v)
		if err == nil && !slices.Contains(ix.values(m), val) {
			report("index "+ix.name, "entry %q on mention %d, which no longer has that value", val, m.ID)
		}
		return nil
	})
}

func checkEvents(tx *bolt.Tx, report func(string, string, ...any)) {
	evs := tx.Bucket(bEvents)
	n := 0
	_ = evs.ForEach(func(k, v []byte) error {
		n++
		var ev domain.Event
		if err := json.Unmarshal(v, &ev); err != nil {
			report("events", "event %d does not decode: %v", getU64(k), err)
			return nil
		}
		if ev.Seq != getU64(k) {
			report("events", "event at %d says seq %d", getU64(k), ev.Seq)
		}
		if tx.Bucket(bEvTarget).Get(evIndexKey(ev.Target, ev.Seq)) == nil {
			c := tx.Bucket(bEvTarget).Cursor()
			if k2, _ := c.Seek(evIndexKey(ev.Target, ev.Seq)); !bytes.Equal(k2, evIndexKey(ev.Target, ev.Seq)) {
				report("events", "event %d is missing from the target index", ev.Seq)
			}
		}
		return nil
	})
	if got := tx.Bucket(bEvTarget).Stats().KeyN; got != n {
		report("ev_target", "%d entries for %d events", got, n)
	}
	if got := tx.Bucket(bEvActor).Stats().KeyN; got != n {
		report("ev_actor", "%d entries for %d events", got, n)
	}
}

func printableKey(k []byte) string {
	return strings.ReplaceAll(fmt.Sprintf("%q", k), `\x00`, "|")
}

// WriteTo writes a consistent copy of the store to w in one read
// transaction, while the store stays in use (e.g. streamed over ssh).
func (s *Store) WriteTo(w io.Writer) (int64, error) {
	var n int64
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Backup writes a consistent copy of the store to path while it stays in
// use (one read transaction); the copy appears whole or not at all.
func (s *Store) Backup(path string) (int64, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".switchboard-backup-*")
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	var n int64
	err = s.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(tmp)
		return err
	})
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return n, nil
}

// Compact rewrites the store at path into a new file without free pages
// and puts it in place of the old one. The store must not be open.
func Compact(path string) (before, after int64, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	before = fi.Size()
	src, err := Open(path, Options{})
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		if src != nil {
			src.Close()
		}
	}()
	tmp := path + ".compacting"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	if err := bolt.Compact(dst, src.db, 64<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	src.Close()
	src = nil
	if err := os.Rename(tmp, path); err != nil {
		return 0, 0, fmt.Errorf("compact: %w", err)
	}
	fi, err = os.Stat(path)
	if err != nil {
		return before, 0, err
	}
	return before, fi.Size(), nil
}
