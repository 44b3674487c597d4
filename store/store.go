// Package store is switchboard's embedded database, on bbolt. It holds every
// mention with the operator state on it, the append-only audit log of
// operator actions, connector cursors, and (through files added by the
// features that need them) incidents and drafts.
//
// Layout: mentions are keyed by time (big-endian unix seconds) and id, so a
// reverse cursor walk is newest-first. Every filterable field has a flat
// index bucket of value|time|id keys, and a counter per index value, both
// written in the same transaction as the record. Word search is an index
// too. Subscribers get each committed change through the change feed.
package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// SchemaVersion is the layout this binary reads and writes.
// 2 added the kind, lang and followers indexes (filled at the first open
// of a schema 1 store) and the operator state bucket (bState), which a
// schema 1 binary would not read.
const SchemaVersion = 2

// Bucket names.
var (
	bMeta     = []byte("meta")
	bMentions = []byte("mentions") // timekey → record JSON
	// bState holds the operator state of a mention an action changed
	// since its record was last written (timekey → OperatorState JSON):
	// an action then writes a few dozen bytes instead of the whole record,
	// which for a bulk action is most of the store's pages. It overrides
	// the record's "state"; writing the record (putMention) folds it back.
	bState    = []byte("mention_state")
	bIDs      = []byte("ids")     // id(4) → timekey
	bKeys     = []byte("keys")    // "platform:native" → id(4)
	bCounts   = []byte("counts")  // index name 0 value → uint64
	bCursors  = []byte("cursors") // connector name → cursor
	bEvents   = []byte("events")  // seq(8) → event JSON
	bEvTarget = []byte("ev_target")
	bEvActor  = []byte("ev_actor")
	bUndone   = []byte("undone") // group(8) → undo group(8)
)

var (
	keySchema = []byte("schema")
	keyIDSeq  = []byte("mention_seq")
)

// Options tune Open.
type Options struct {
	// Timeout to wait for another process's lock (default 1 s).
	Timeout time.Duration
	// ReadOnly opens the file for reading only (shared lock).
	ReadOnly bool
	// Enrich is called for every mention ingested for the first time,
	// inside the write transaction, before it is indexed: it may set the
	// sentiment score and operator state (routing rules) and returns the
	// events that describe the state it set (actor "rules"), which are
	// logged with the mention and can be undone like any other action.
	Enrich func(m *domain.Mention) []domain.Event
	// Impostor, when set, is asked about the author of every mention
	// ingested for the first time; a suspect is flagged as impersonating
	// the brand (actor ActorDetector, with the reason) in the same
	// transaction, so no reply to them is ever drafted or sent.
	Impostor func(a domain.Author) (suspect bool, reason string)
	// Holder describes this process to others that find the store locked,
	// e.g. "switchboard serve; connect with: ssh -p 2222 localhost".
	Holder string
	// Now is the clock for events (time.Now by default).
	Now func() time.Time
	// Authorize, when set, is asked before every write an actor makes;
	// an error refuses the write and says why. Permissions are enforced
	// here, in the core, not only by the keys a screen offers. Nil allows
	// everything (a single local user).
	Authorize func(actor string, p domain.Permission) error
	// ContactTags, when set, gives the tags the config's contacts:
	// section puts on the contact handle on platform p (they show with
	// the operators' tags and only the config changes them).
	ContactTags func(p domain.Platform, handle string) []string
}

// ErrForbidden wraps a refusal by Options.Authorize.
var ErrForbidden = errors.New("not allowed")

// authorize checks that actor may do p.
func (s *Store) authorize(actor string, p domain.Permission) error {
	if s.opts.Authorize == nil {
		return nil
	}
	if err := s.opts.Authorize(actor, p); err != nil {
		return fmt.Errorf("%w: %v", ErrForbidden, err)
	}
	return nil
}

// Authorize checks that actor may do p, for feature code outside the
// store that must refuse early (e.g. before a network call).
func (s *Store) Authorize(actor string, p domain.Permission) error { return s.authorize(actor, p) }

// Store is an open switchboard database.
type Store struct {
	db   *bolt.DB
	path string
	opts Options
	feed feed
	// writeMu serialises our own writers so that publish order matches
	// commit order.
	writeMu sync.Mutex
	// readHandle marks a ReadHandle: no writes, Close does nothing.
	readHandle bool
}

// ErrLocked is returned (wrapped) when another process holds the store.
var ErrLocked = errors.New("store is in use by another process")

// ErrNewerSchema is returned when the file was written by a newer binary.
var ErrNewerSchema = errors.New("store was written by a newer switchboard")

// ErrNotFound is returned for a missing mention, incident or draft.
var ErrNotFound = errors.New("not found")

// holderInfo is written beside the store while a writer holds it.
type holderInfo struct {
	PID     int       `json:"pid"`
	Since   time.Time `json:"since"`
	Holder  string    `json:"holder"`
	Command string    `json:"command"`
}

func holderPath(path string) string { return path + ".holder" }

// Open opens (creating if needed) the store at path.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	if err := checkFile(path); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        opts.Timeout,
		ReadOnly:       opts.ReadOnly,
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: false,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, lockedError(path)
	}
	if err != nil {
		return nil, openError(path, err)
	}
	s := &Store{db: db, path: path, opts: opts}
	if opts.ReadOnly && s.missingBuckets() {
		// written by an older binary that lacked a feature's buckets:
		// add them once with a short write, then read as asked
		db.Close()
		rw := opts
		rw.ReadOnly = false
		w, err := Open(path, rw)
		if err != nil {
			return nil, err
		}
		w.Close()
		return Open(path, opts)
	}
	if err := s.init(); err != nil {
		db.Close()
		var de *DamagedError
		if errors.As(err, &de) {
			de.Opened = false // it did not open: db check cannot read it either
		}
		return nil, err
	}
	if !opts.ReadOnly {
		s.writeHolder()
	}
	return s, nil
}

func lockedError(path string) error {
	msg := fmt.Sprintf("%s is in use by another switchboard process", path)
	if b, err := os.ReadFile(holderPath(path)); err == nil {
		var h holderInfo
		if json.Unmarshal(b, &h) == nil {
			msg += fmt.Sprintf(" (pid %d, since %s", h.PID, h.Since.Local().Format("2006-01-02 15:04"))
			if h.Command != "" {
				msg += ", " + h.Command
			}
			msg += ")"
			if h.Holder != "" {
				msg += "; " + h.Holder
			}
		}
	}
	msg += ". Use that process (for `switchboard serve`, connect to it with ssh), or stop it, or give another --db"
	return fmt.Errorf("%w: %s", ErrLocked, msg)
}

func (s *Store) writeHolder() {
	h := holderInfo{PID: os.Getpid(), Since: time.Now(), Holder: s.opts.Holder}
	if len(os.Args) > 1 {
		h.Command = "switchboard " + os.Args[1]
	}
	b, _ := json.Marshal(h)
	_ = os.WriteFile(holderPath(s.path), b, 0o600)
}

func (s *Store) init() error {
	if s.opts.ReadOnly {
		return s.view(func(tx *bolt.Tx) error {
			m := tx.Bucket(bMeta)
			if m == nil {
				return fmt.Errorf("store: %s is not a switchboard store (no meta bucket)", s.path)
			}
			return checkSchema(m)
		})
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		missing := map[string]bool{}
		// a store written before contacts: build them from its mentions
		needContacts := tx.Bucket(bMeta) != nil && tx.Bucket(bContacts) == nil
		for _, name := range allBuckets() {
			if tx.Bucket(name) == nil {
				missing[string(name)] = true
			}
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("store: create bucket %s: %w", name, err)
			}
		}
		m := tx.Bucket(bMeta)
		if m.Get(keySchema) == nil {
			if err := markStatsCurrent(tx); err != nil { // a new store: no mentions to build them from
				return err
			}
			return m.Put(keySchema, u64(SchemaVersion))
		}
		if err := checkSchema(m); err != nil {
			return err
		}
		if err := backfill(tx, func(b []byte) bool { return missing[string(b)] }); err != nil {
			return err
		}
		if needContacts {
			if err := s.backfillContacts(tx); err != nil {
				return err
			}
		}
		// the buckets a newer schema adds are filled now: record it, so
		// that an older binary, which would not keep them, refuses the file
		if getU64(m.Get(keySchema)) < SchemaVersion {
			return m.Put(keySchema, u64(SchemaVersion))
		}
		return nil
	})
}

// backfill fills the buckets a store written by an older binary did not
// have (created empty just now) from the records they derive from, in the
// transaction that created them: an index added by a later feature is
// complete from the first open, and `db check` finds it so.
func backfill(tx *bolt.Tx, isNew func(bucket []byte) bool) error {
	var fill []*index
	for _, ix := range indexes {
		if isNew(ix.bucket) {
			fill = append(fill, ix)
		}
	}
	if len(fill) > 0 {
		// a counted index added later (kind, lang, followers: schema 2)
		// gets its counters here too
		counts := map[countRef]int64{}
		keys := make([][][]byte, len(fill))
		err := tx.Bucket(bMentions).ForEach(func(tk, v []byte) error {
			m, err := loadMention(tx, tk, v)
			if err != nil {
				return nil // db check reports a damaged record; it has no entries to add
			}
			st := storedStatus(m)
			for i, ix := range fill {
				for _, val := range ix.values(m) {
					keys[i] = append(keys[i], ixkey(val, tk))
					if ix.counted {
						counts[countRef{ix.name, val, st}]++
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: fill new indexes: %w", err)
		}
		// written in key order: bbolt inserts into a node's sorted slice
		// and splits nodes only at commit, so a million keys in record
		// order (spread over each value's range) would take minutes
		for i, ix := range fill {
			slices.SortFunc(keys[i], bytes.Compare)
			b := tx.Bucket(ix.bucket)
			b.FillPercent = fillPercent
			for _, k := range keys[i] {
				if err := b.Put(k, nil); err != nil {
					return fmt.Errorf("store: fill new indexes: %w", err)
				}
			}
			keys[i] = nil
		}
		cb := tx.Bucket(bCounts)
		for ref, n := range counts {
			if err := cb.Put([]byte(counterKey(ref.index, ref.value, ref.status)), u64(uint64(n))); err != nil {
				return fmt.Errorf("store: fill new indexes: %w", err)
			}
		}
	}
	for _, f := range extraBackfills {
		if err := f(tx, isNew); err != nil {
			return err
		}
	}
	return nil
}

// extraBackfills fill feature files' buckets that were just created (see
// backfill).
var extraBackfills []func(tx *bolt.Tx, isNew func(bucket []byte) bool) error

func checkSchema(m *bolt.Bucket) error {
	v := m.Get(keySchema)
	if len(v) != 8 {
		return fmt.Errorf("store: schema version is missing or damaged")
	}
	if n := getU64(v); n > SchemaVersion {
		return fmt.Errorf("%w: it has schema %d and this binary knows schema %d; upgrade switchboard to open it", ErrNewerSchema, n, SchemaVersion)
	}
	return nil
}

// missingBuckets reports whether the file lacks a bucket this binary uses.
func (s *Store) missingBuckets() bool {
	missing := false
	_ = s.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta) == nil {
			return nil // not a store at all: init says so
		}
		for _, name := range allBuckets() {
			missing = missing || tx.Bucket(name) == nil
		}
		missing = missing || !statsCurrent(tx)
		return nil
	})
	return missing
}

func allBuckets() [][]byte {
	bs := [][]byte{bMeta, bMentions, bState, bIDs, bKeys, bCounts, bCursors, bEvents, bEvTarget, bEvActor, bUndone}
	for _, ix := range indexes {
		bs = append(bs, ix.bucket)
	}
	return append(bs, extraBuckets...)
}

// extraBuckets are created at open by feature files (incidents, drafts …)
// that add their own buckets in an init function.
var extraBuckets [][]byte

// ReadHandle is a handle on the same open store for code that reads and
// then closes what it was given (e.g. a command run over ssh while serve
// holds the store): its Close does nothing and its writes are refused.
func (s *Store) ReadHandle() *Store {
	return &Store{db: s.db, path: s.path, opts: s.opts, readHandle: true}
}

// ErrReadHandle is returned by writes through a ReadHandle.
var ErrReadHandle = errors.New("store: this handle only reads")

// Close closes the store and ends every subscription.
func (s *Store) Close() error {
	if s.readHandle {
		return nil
	}
	s.feed.closeAll()
	if !s.opts.ReadOnly {
		_ = os.Remove(holderPath(s.path))
	}
	return s.db.Close()
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// now is the store's clock.
func (s *Store) now() time.Time { return s.opts.Now().UTC() }
