package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The notification centre: per-operator notices (assigned to you,
// mentioned in a note, approvals, breach warnings, crisis alerts, incident
// roles), derived from the audit log and the clock by package notices and
// kept here with each operator's read marks, so that they survive a
// restart and every session of the operator sees the same unread count.
//
// Layout: notices are keyed by one global sequence (seq(8) → JSON); an
// index by recipient (recipient 0 seq(8)) lists one operator's, with
// NoticeEveryone for those addressed to the whole team (crisis alerts).
// An operator's read marks are a position (every notice up to it is read)
// and the ids read one by one after it. A notice with a dedupe key is
// added once per recipient (a breach warning, an alert, replayed after a
// restart). Each recipient keeps its newest MaxNotices.
var (
	bNotices      = []byte("notices")       // seq(8) → Notice JSON
	bNoticeFor    = []byte("notice_for")    // recipient 0 seq(8) → nil
	bNoticeRead   = []byte("notice_read")   // operator 0 "upto" → seq(8); operator 0 seq(8) → nil; operator 0 "pref" → mode
	bNoticeDedupe = []byte("notice_dedupe") // recipient 0 key → seq(8)
	keyNoticeLog  = []byte("notices_log")   // the audit-log position the notices were derived to
)

func init() { extraBuckets = append(extraBuckets, bNotices, bNoticeFor, bNoticeRead, bNoticeDedupe) }

// ChangeNotice is the change-feed kind of a notice added or read; its ID
// is the recipient (an operator, or NoticeEveryone).
const ChangeNotice = "notice"

// NoticeEveryone is the recipient of notices for the whole team.
const NoticeEveryone = "*"

// MaxNotices is how many notices each recipient keeps (the oldest go).
const MaxNotices = 500

// Notice kinds.
const (
	NoticeAssigned = "assigned" // a mention assigned to you by someone else
	NoticeMention  = "mention"  // @you in a note
	NoticeApproval = "approval" // a draft waits for an approval you can give
	NoticeApproved = "approved" // your draft was approved
	NoticeRejected = "rejected" // your draft was rejected
	NoticeBreach   = "breach"   // a mention of yours is about to breach its response target
	NoticeAlert    = "alert"    // a new crisis alert
	NoticeRole     = "role"     // an incident role given to you
)

// Notice is one entry of an operator's notification centre. Title is
// switchboard's own words; Text may hold platform text (a mention's) and,
// like every field, must pass safetext before it is drawn.
type Notice struct {
	Seq  uint64    `json:"seq"`
	For  string    `json:"for"`
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
	// By is who caused it ("" for the clock or detection).
	By    string `json:"by,omitempty"`
	Title string `json:"title"`
	Text  string `json:"text,omitempty"`
	// Link is what enter jumps to: a mention (its key), a draft, an
	// incident or an alert (their ids).
	Link NoticeLink `json:"link"`
	// Urgent notices may ring the terminal (assigned, approval, breach,
	// alert).
	Urgent bool `json:"urgent,omitempty"`
	// Dedupe, when set, makes the notice one of a kind per recipient.
	Dedupe string `json:"dedupe,omitempty"`
	// Read is the reader's read mark (not stored with the notice).
	Read bool `json:"-"`
}

// NoticeLink names the thing a notice is about.
type NoticeLink struct {
	Kind string `json:"kind"` // "mention", "draft", "incident", "alert"
	ID   string `json:"id"`
}

func noticeForKey(recipient string, seq uint64) []byte {
	k := make([]byte, 0, len(recipient)+9)
	k = append(k, recipient...)
	k = append(k, 0)
	return append(k, u64(seq)...)
}

func noticeSubKey(op, sub string) []byte { return []byte(op + "\x00" + sub) }

func validRecipient(r string) error {
	if r == NoticeEveryone {
		return nil
	}
	return validLabel("recipient", r)
}

// AddNotices stores notices (their Seq is assigned here) and, when
// logPos > 0, records that the audit log was derived to logPos, in one
// transaction: a restart neither loses nor repeats them. A notice whose
// Dedupe key its recipient has had already is skipped. It returns the
// notices it added.
func (s *Store) AddNotices(ns []Notice, logPos uint64) ([]Notice, error) {
	var added []Notice
	_, err := s.update(func(w *txw) error {
		added = added[:0]
		b, fb, db := w.tx.Bucket(bNotices), w.tx.Bucket(bNoticeFor), w.tx.Bucket(bNoticeDedupe)
		touched := map[string]bool{}
		for _, n := range ns {
			if err := validRecipient(n.For); err != nil {
				return err
			}
			if n.Dedupe != "" && db.Get(noticeSubKey(n.For, n.Dedupe)) != nil {
				continue
			}
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			n.Seq, n.Read = seq, false
			if n.At.IsZero() {
				n.At = s.now()
			}
			v, err := json.Marshal(n)
			if err != nil {
				return err
			}
			if err := b.Put(u64(seq), v); err != nil {
				return err
			}
			if err := fb.Put(noticeForKey(n.For, seq), nil); err != nil {
				return err
			}
			if n.Dedupe != "" {
				if err := db.Put(noticeSubKey(n.For, n.Dedupe), u64(seq)); err != nil {
					return err
				}
			}
			added = append(added, n)
			touched[n.For] = true
		}
		for r := range touched {
			if err := pruneNotices(w.tx, r); err != nil {
				return err
			}
			w.extra = append(w.extra, Change{Kind: ChangeNotice, ID: r})
		}
		if logPos > 0 {
			return w.tx.Bucket(bMeta).Put(keyNoticeLog, u64(logPos))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// pruneNotices drops recipient's oldest notices past MaxNotices.
func pruneNotices(tx *bolt.Tx, recipient string) error {
	fb := tx.Bucket(bNoticeFor)
	prefix := append([]byte(recipient), 0)
	c := fb.Cursor()
	n := 0
	var cut []byte // the newest key to drop
	k, _ := c.Seek(append(append([]byte(nil), prefix...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
		n++
		if n > MaxNotices {
			cut = append([]byte(nil), k...)
			break
		}
	}
	if cut == nil {
		return nil
	}
	var drop [][]byte
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, cut) <= 0; k, _ = c.Next() {
		drop = append(drop, append([]byte(nil), k...))
	}
	b, db := tx.Bucket(bNotices), tx.Bucket(bNoticeDedupe)
	for _, k := range drop {
		seq := k[len(prefix):]
		var nt Notice
		if json.Unmarshal(b.Get(seq), &nt) == nil && nt.Dedupe != "" {
			if err := db.Delete(noticeSubKey(recipient, nt.Dedupe)); err != nil {
				return err
			}
		}
		if err := b.Delete(seq); err != nil {
			return err
		}
		if err := fb.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// noticeWalk walks recipient's notices newest first, calling fn with each
// seq until it returns false.
func noticeWalk(tx *bolt.Tx, recipient string, fn func(seq uint64) bool) {
	c := tx.Bucket(bNoticeFor).Cursor()
	prefix := append([]byte(recipient), 0)
	k, _ := c.Seek(append(append([]byte(nil), prefix...), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
		if len(k) == len(prefix)+8 && !fn(getU64(k[len(prefix):])) {
			return
		}
	}
}

// mergedNotices are op's and the team's notice seqs, newest first, at
// most limit (0: all kept).
func mergedNotices(tx *bolt.Tx, op string, limit int) []uint64 {
	var a, b []uint64
	noticeWalk(tx, op, func(seq uint64) bool { a = append(a, seq); return limit <= 0 || len(a) < limit })
	if op != NoticeEveryone {
		noticeWalk(tx, NoticeEveryone, func(seq uint64) bool { b = append(b, seq); return limit <= 0 || len(b) < limit })
	}
	out := make([]uint64, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		if len(b) == 0 || (len(a) > 0 && a[0] > b[0]) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}

type readMarks struct {
	upto uint64
	rb   *bolt.Bucket
	op   string
}

func readMarksOf(tx *bolt.Tx, op string) readMarks {
	rb := tx.Bucket(bNoticeRead)
	return readMarks{upto: getU64(rb.Get(noticeSubKey(op, "upto"))), rb: rb, op: op}
}

func (r readMarks) read(seq uint64) bool {
	return seq <= r.upto || r.rb.Get(noticeForKey(r.op, seq)) != nil
}

// Notices are operator op's notices (theirs and the team's), newest
// first, at most limit (0: every one kept), with their read marks, and
// how many of all of them are unread.
func (s *Store) Notices(op string, limit int) ([]Notice, int, error) {
	var out []Notice
	unread := 0
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bNotices)
		if b == nil {
			return nil // a read-only store older than notices
		}
		marks := readMarksOf(tx, op)
		for _, seq := range mergedNotices(tx, op, 0) {
			read := marks.read(seq)
			if !read {
				unread++
			}
			if limit > 0 && len(out) >= limit {
				continue
			}
			var n Notice
			if err := json.Unmarshal(b.Get(u64(seq)), &n); err != nil {
				return fmt.Errorf("store: damaged notice %d: %w", seq, err)
			}
			n.Read = read
			out = append(out, n)
		}
		return nil
	})
	return out, unread, err
}

// UnreadNotices counts operator op's unread notices and gives the newest
// notice's seq (0 when none). It reads only the notices after the
// operator's read position.
func (s *Store) UnreadNotices(op string) (unread int, newest uint64, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bNotices) == nil {
			return nil
		}
		marks := readMarksOf(tx, op)
		count := func(seq uint64) bool {
			newest = max(newest, seq)
			if seq <= marks.upto {
				return false // older ones are read
			}
			if !marks.read(seq) {
				unread++
			}
			return true
		}
		noticeWalk(tx, op, count)
		if op != NoticeEveryone {
			noticeWalk(tx, NoticeEveryone, count)
		}
		return nil
	})
	return unread, newest, err
}

// NoticesAfter are operator op's notices newer than seq after, oldest
// first, at most limit (the newest of them), with their read marks.
func (s *Store) NoticesAfter(op string, after uint64, limit int) ([]Notice, error) {
	var out []Notice
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bNotices)
		if b == nil {
			return nil
		}
		marks := readMarksOf(tx, op)
		var seqs []uint64
		newer := func(seq uint64) bool {
			if seq <= after {
				return false
			}
			seqs = append(seqs, seq)
			return true
		}
		noticeWalk(tx, op, newer)
		if op != NoticeEveryone {
			noticeWalk(tx, NoticeEveryone, newer)
		}
		slices.Sort(seqs)
		for _, seq := range seqs[max(0, len(seqs)-limit):] {
			var n Notice
			if err := json.Unmarshal(b.Get(u64(seq)), &n); err != nil {
				return fmt.Errorf("store: damaged notice %d: %w", seq, err)
			}
			n.Read = marks.read(seq)
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// MarkNoticeRead marks one of operator op's notices read.
func (s *Store) MarkNoticeRead(op string, seq uint64) error {
	if err := validLabel("operator", op); err != nil {
		return err
	}
	_, err := s.update(func(w *txw) error {
		marks := readMarksOf(w.tx, op)
		if marks.read(seq) {
			return nil
		}
		w.extra = append(w.extra, Change{Kind: ChangeNotice, ID: op})
		return marks.rb.Put(noticeForKey(op, seq), nil)
	})
	return err
}

// MarkNoticesRead marks every notice of operator op read (up to the
// newest notice now).
func (s *Store) MarkNoticesRead(op string) error {
	if err := validLabel("operator", op); err != nil {
		return err
	}
	_, err := s.update(func(w *txw) error {
		var newest uint64
		if k, _ := w.tx.Bucket(bNotices).Cursor().Last(); k != nil {
			newest = getU64(k)
		}
		rb := w.tx.Bucket(bNoticeRead)
		// the marks one by one are all covered by the position now
		prefix := append([]byte(op), 0)
		var drop [][]byte
		c := rb.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) == len(prefix)+8 {
				drop = append(drop, append([]byte(nil), k...))
			}
		}
		for _, k := range drop {
			if err := rb.Delete(k); err != nil {
				return err
			}
		}
		w.extra = append(w.extra, Change{Kind: ChangeNotice, ID: op})
		return rb.Put(noticeSubKey(op, "upto"), u64(newest))
	})
	return err
}

// Terminal notification modes (inbox.terminal_notifications).
var NoticeModes = []string{"off", "bell", "osc9", "osc777"}

// NoticePref is operator op's terminal notification mode as they last
// chose it in a session ("" when they never did).
func (s *Store) NoticePref(op string) (string, error) {
	var mode string
	err := s.view(func(tx *bolt.Tx) error {
		if rb := tx.Bucket(bNoticeRead); rb != nil {
			mode = string(rb.Get(noticeSubKey(op, "pref")))
		}
		return nil
	})
	return mode, err
}

// SetNoticePref records operator op's terminal notification mode (one of
// NoticeModes), for their sessions started later.
func (s *Store) SetNoticePref(op, mode string) error {
	if err := validLabel("operator", op); err != nil {
		return err
	}
	ok := false
	for _, m := range NoticeModes {
		ok = ok || m == mode
	}
	if !ok {
		return fmt.Errorf("terminal notifications %q: want %s", mode, strings.Join(NoticeModes, ", "))
	}
	_, err := s.update(func(w *txw) error {
		return w.tx.Bucket(bNoticeRead).Put(noticeSubKey(op, "pref"), []byte(mode))
	})
	return err
}

// NoticesLog is the audit-log position the notices were derived to (0:
// none yet).
func (s *Store) NoticesLog() (uint64, error) {
	var pos uint64
	err := s.view(func(tx *bolt.Tx) error {
		pos = getU64(tx.Bucket(bMeta).Get(keyNoticeLog))
		return nil
	})
	return pos, err
}

// SetNoticesLog records the audit-log position the notices were derived
// to (when events that gave none were read).
func (s *Store) SetNoticesLog(pos uint64) error {
	_, err := s.update(func(w *txw) error { return w.tx.Bucket(bMeta).Put(keyNoticeLog, u64(pos)) })
	return err
}
