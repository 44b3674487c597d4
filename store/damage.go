package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged is a store file that is truncated or corrupt.
var ErrDamaged = errors.New("store file is damaged")

// DamagedError says which file is damaged, how, and what to do.
type DamagedError struct {
	Path   string
	Detail string
	// Opened is true when the file opened and a read of it failed:
	// `db check` can then say what else is wrong.
	Opened bool
}

func (e *DamagedError) Error() string {
	advice := "restore the last backup (`switchboard db backup FILE` makes one) or re-import an export"
	if e.Opened {
		advice = "run `switchboard db check --db " + e.Path + "` to see what else is wrong, then " + advice
	}
	return fmt.Sprintf("the store %s is damaged (%s): %s", e.Path, e.Detail, advice)
}

func (e *DamagedError) Unwrap() error { return ErrDamaged }

func damaged(path, format string, a ...any) error {
	return &DamagedError{Path: path, Detail: fmt.Sprintf(format, a...)}
}

// bbolt's file format: every page starts with a 16-byte header; pages 0
// and 1 hold the two meta pages (the newer valid one is in force).
const (
	boltMagic     = 0xED0CDAED
	boltVersion   = 2
	pageHeaderLen = 16
	metaLen       = 64
)

type boltMeta struct {
	pageSize uint32
	pgid     uint64 // the high-water mark: pages the file must hold
	txid     uint64
}

// readMeta decodes one meta page at off; ok is false when it is not a
// valid one (wrong magic, version or checksum).
func readMeta(f *os.File, off int64) (boltMeta, bool) {
	var b [pageHeaderLen + metaLen]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		return boltMeta{}, false
	}
	m := b[pageHeaderLen:]
	le := binary.LittleEndian
	if le.Uint32(m[0:]) != boltMagic || le.Uint32(m[4:]) != boltVersion {
		return boltMeta{}, false
	}
	h := fnv.New64a()
	h.Write(m[:56])
	if h.Sum64() != le.Uint64(m[56:]) {
		return boltMeta{}, false
	}
	return boltMeta{pageSize: le.Uint32(m[8:]), pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, true
}

// checkFile finds a truncated or unreadable store before bbolt maps it:
// bbolt trusts the file's length, and reading a page past the end of a
// truncated file is a fault, not an error. A missing or empty file is
// fine (Open creates the store).
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	size := fi.Size()
	if size == 0 {
		return nil
	}
	m0, ok0 := readMeta(f, 0)
	pageSize := int64(m0.pageSize)
	if !ok0 {
		pageSize = int64(os.Getpagesize())
	}
	m1, ok1 := readMeta(f, pageSize)
	if !ok1 && !ok0 {
		var head [4]byte
		if _, err := f.ReadAt(head[:], pageHeaderLen); err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("store: %w", err)
		}
		if size < 2*pageSize || binary.LittleEndian.Uint32(head[:]) == boltMagic {
			return damaged(path, "both header pages are unreadable; the file is %d bytes", size)
		}
		return damaged(path, "it is not a switchboard store file")
	}
	m := m0
	if !ok0 || (ok1 && m1.txid > m0.txid) {
		m = m1
	}
	if want := int64(m.pgid) * int64(m.pageSize); size < want {
		return damaged(path, "it is truncated: %d of its %d bytes are there", size, want)
	}
	return nil
}

// openError turns bbolt's refusals to open a file into a DamagedError.
func openError(path string, err error) error {
	switch {
	case errors.Is(err, bolt.ErrInvalid), errors.Is(err, bolt.ErrChecksum), errors.Is(err, bolt.ErrVersionMismatch):
		return damaged(path, "%v", err)
	}
	return fmt.Errorf("store: open %s: %w", path, err)
}

// guard runs fn, turning a panic or a memory fault inside bbolt (what a
// corrupt page causes) into a DamagedError: the transaction is rolled back
// by bbolt's own deferred rollback, and the caller gets an error to show.
func (s *Store) guard(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = &DamagedError{Path: s.path, Detail: fmt.Sprintf("reading it failed: %v", r), Opened: true}
		}
	}()
	return fn()
}

// view is db.View behind guard.
func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	return s.guard(func() error { return s.db.View(fn) })
}
