package store

// The stats records: for every mention, a compact binary copy of the
// fields a report counts and a report's query can select on (times,
// status, team, assignee, tags, platform, sentiment, priority, FYI …),
// keyed by the mention's timekey in a bucket of their own. A report over a
// window is a range scan of these ~60-byte records instead of decoding
// each ~1.4 KB JSON record. They are written in the same transaction as the
// record (putMention), or with the operator state an action writes apart
// (putState), built from the records at open for a store written without
// them, and checked by Check.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

var (
	bStats = []byte("mention_stats") // timekey → stats record
	// keyStatsVersion in the meta bucket is the layout of the stats
	// records; one that is missing or another than statsVersion makes
	// open rebuild them and readers use the full records meanwhile.
	keyStatsVersion = []byte("stats_version")
)

// statsVersion is the layout appendStats writes.
const statsVersion = 1

func init() {
	extraBuckets = append(extraBuckets, bStats)
	extraBackfills = append(extraBackfills, backfillStats)
}

// flags of a stats record (its first byte)
const (
	sfResponded = 1 << iota
	sfResolved
	sfSnoozed
	sfFYI
	sfSentiment
	sfFollowers
)

// appendStats appends m's stats record to dst. Layout (version 1): a
// flags byte; created_at as a zigzag varint of unix seconds and a uvarint
// of nanoseconds; responded_at, resolved_at and snoozed_until the same way
// when their flag is set; the sentiment's float64 bits (8 bytes, flag);
// followers (zigzag varint, flag); then platform, kind, lang, team,
// assignee, status, priority, incident and conversation as uvarint
// length and bytes; then the number of tags and each tag. Strings are
// coerced to valid UTF-8 the way encoding/json does, so a record encodes
// the same from the mention in hand as from its stored JSON.
func appendStats(dst []byte, m *domain.Mention) []byte {
	st := &m.State
	var fl byte
	if !st.RespondedAt.IsZero() {
		fl |= sfResponded
	}
	if !st.ResolvedAt.IsZero() {
		fl |= sfResolved
	}
	if !st.SnoozedUntil.IsZero() {
		fl |= sfSnoozed
	}
	if st.FYI {
		fl |= sfFYI
	}
	if m.Sentiment != 0 {
		fl |= sfSentiment
	}
	if m.Author.Followers != 0 {
		fl |= sfFollowers
	}
	dst = append(dst, fl)
	dst = appendStatsTime(dst, m.CreatedAt)
	if fl&sfResponded != 0 {
		dst = appendStatsTime(dst, st.RespondedAt)
	}
	if fl&sfResolved != 0 {
		dst = appendStatsTime(dst, st.ResolvedAt)
	}
	if fl&sfSnoozed != 0 {
		dst = appendStatsTime(dst, st.SnoozedUntil)
	}
	if fl&sfSentiment != 0 {
		dst = binary.BigEndian.AppendUint64(dst, math.Float64bits(m.Sentiment))
	}
	if fl&sfFollowers != 0 {
		dst = binary.AppendVarint(dst, m.Author.Followers)
	}
	dst = appendStatsString(dst, string(m.Platform))
	dst = appendStatsString(dst, string(m.Kind))
	dst = appendStatsString(dst, m.Lang)
	dst = appendStatsString(dst, st.Team)
	dst = appendStatsString(dst, st.Assignee)
	dst = appendStatsString(dst, string(st.Status))
	dst = appendStatsString(dst, string(st.Priority))
	dst = appendStatsString(dst, st.IncidentID)
	dst = appendStatsString(dst, st.Conversation)
	dst = binary.AppendUvarint(dst, uint64(len(st.Tags)))
	for _, t := range st.Tags {
		dst = appendStatsString(dst, t)
	}
	return dst
}

func appendStatsTime(dst []byte, t time.Time) []byte {
	dst = binary.AppendVarint(dst, t.Unix())
	return binary.AppendUvarint(dst, uint64(t.Nanosecond()))
}

func appendStatsString(dst []byte, s string) []byte {
	if !utf8.ValidString(s) {
		// encoding/json writes U+FFFD for each invalid byte
		var b strings.Builder
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b.WriteRune(utf8.RuneError)
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
		}
		s = b.String()
	}
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// statsDecoder reads stats records into one reused mention, sharing the
// strings it has seen (teams, tags, statuses repeat) instead of
// allocating them per record.
type statsDecoder struct {
	m    domain.Mention
	tags []string
	// recent holds a few values per string field, looked up by a short
	// linear scan (fields like status have a handful of values); the rest
	// are shared through intern.
	recent [statsStrings][]string
	intern map[string]string
}

// statsStrings is the number of string fields before the tags (the
// tags share the last slot).
const statsStrings = 10

// maxInterned bounds the shared strings of one scan (conversation keys
// and the like are many and rarely repeat); maxRecent bounds each field's
// linear list.
const (
	maxInterned = 4096
	maxRecent   = 8
)

func (d *statsDecoder) str(slot int, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	r := d.recent[slot]
	for _, s := range r {
		if s == string(b) {
			return s
		}
	}
	if s, ok := d.intern[string(b)]; ok {
		if len(r) < maxRecent {
			d.recent[slot] = append(r, s)
		}
		return s
	}
	s := string(b)
	if len(r) < maxRecent {
		d.recent[slot] = append(r, s)
	}
	if len(d.intern) < maxInterned {
		if d.intern == nil {
			d.intern = map[string]string{}
		}
		d.intern[s] = s
	}
	return s
}

var errStatsRecord = errors.New("store: damaged stats record (run `switchboard db check`)")

// decode reads the record v at timekey tk; the mention is valid until the
// next decode.
func (d *statsDecoder) decode(tk, v []byte) (*domain.Mention, error) {
	d.m = domain.Mention{ID: uint64(timekeyID(tk))}
	m := &d.m
	if len(v) == 0 {
		return nil, errStatsRecord
	}
	fl := v[0]
	p := v[1:]
	bad := false
	varint := func() int64 {
		x, n := binary.Varint(p)
		if n <= 0 {
			bad = true
			return 0
		}
		p = p[n:]
		return x
	}
	uvarint := func() uint64 {
		x, n := binary.Uvarint(p)
		if n <= 0 {
			bad = true
			return 0
		}
		p = p[n:]
		return x
	}
	getTime := func() time.Time {
		sec := varint()
		nsec := uvarint()
		if bad || nsec >= 1e9 {
			bad = true
			return time.Time{}
		}
		return time.Unix(sec, int64(nsec)).UTC()
	}
	str := func(slot int) string {
		n := uvarint()
		if bad || n > uint64(len(p)) {
			bad = true
			return ""
		}
		s := d.str(slot, p[:n])
		p = p[n:]
		return s
	}
	m.CreatedAt = getTime()
	if fl&sfResponded != 0 {
		m.State.RespondedAt = getTime()
	}
	if fl&sfResolved != 0 {
		m.State.ResolvedAt = getTime()
	}
	if fl&sfSnoozed != 0 {
		m.State.SnoozedUntil = getTime()
	}
	m.State.FYI = fl&sfFYI != 0
	if fl&sfSentiment != 0 {
		if len(p) < 8 {
			return nil, errStatsRecord
		}
		m.Sentiment = math.Float64frombits(binary.BigEndian.Uint64(p))
		p = p[8:]
	}
	if fl&sfFollowers != 0 {
		m.Author.Followers = varint()
	}
	m.Platform = domain.Platform(str(0))
	m.Kind = domain.Kind(str(1))
	m.Lang = str(2)
	m.State.Team = str(3)
	m.State.Assignee = str(4)
	m.State.Status = domain.Status(str(5))
	m.State.Priority = domain.Priority(str(6))
	m.State.IncidentID = str(7)
	m.State.Conversation = str(8)
	n := uvarint()
	if bad || n > uint64(len(p)) {
		return nil, errStatsRecord
	}
	if n > 0 {
		d.tags = d.tags[:0]
		for range n {
			d.tags = append(d.tags, str(9))
		}
		m.State.Tags = d.tags
	}
	if bad || len(p) != 0 {
		return nil, errStatsRecord
	}
	return m, nil
}

// putStats writes m's stats record (called by putMention and putState).
func (w *txw) putStats(m *domain.Mention, tk []byte) error {
	b := w.tx.Bucket(bStats)
	b.FillPercent = fillPercent
	// the value must stay valid until commit: a fresh slice per record
	return b.Put(tk, appendStats(make([]byte, 0, 64), m))
}

// statsCurrent reports whether tx's stats records are complete and in
// this binary's layout.
func statsCurrent(tx *bolt.Tx) bool {
	return tx.Bucket(bStats) != nil && getU64(tx.Bucket(bMeta).Get(keyStatsVersion)) == statsVersion
}

// markStatsCurrent records that the stats records are complete (a new
// store, or after a rebuild).
func markStatsCurrent(tx *bolt.Tx) error {
	return tx.Bucket(bMeta).Put(keyStatsVersion, u64(statsVersion))
}

// backfillStats builds the stats records of a store written without them
// (or in another layout) from its records, in the open's transaction.
func backfillStats(tx *bolt.Tx, isNew func([]byte) bool) error {
	if !isNew(bStats) && statsCurrent(tx) {
		return nil
	}
	if !isNew(bStats) {
		if err := tx.DeleteBucket(bStats); err != nil {
			return fmt.Errorf("store: rebuild stats: %w", err)
		}
		if _, err := tx.CreateBucket(bStats); err != nil {
			return fmt.Errorf("store: rebuild stats: %w", err)
		}
	}
	sb := tx.Bucket(bStats)
	sb.FillPercent = 1 // written in key order, never split again
	err := tx.Bucket(bMentions).ForEach(func(tk, v []byte) error {
		// with the state an action wrote apart (bState), as putState does
		m, err := loadMention(tx, tk, v)
		if err != nil {
			return nil // db check reports the damaged record
		}
		return sb.Put(append([]byte(nil), tk...), appendStats(nil, m))
	})
	if err != nil {
		return fmt.Errorf("store: build stats records: %w", err)
	}
	return markStatsCurrent(tx)
}

// statsAnswers reports whether the stats records answer f: every
// condition is on a field they hold, or is a word search, which the word
// index answers by itself (phrases, prefixes, excluded words and authors
// need the text and the author).
func statsAnswers(f Filter) bool {
	return f.Phrases == nil && f.Prefixes == nil && f.Without == nil && f.Authors == nil && f.Streams == nil
}

// EachFigures calls fn with every mention f matches, like Each, but with
// only the fields a report counts: the id, platform, kind, lang,
// created_at, sentiment, the author's followers, and the operator state
// but its notes and drafts (no text, no author, no URL). It reads the
// compact stats records, many times faster than Each: the window's range
// of them, or those the word index yields for a word search. A filter
// with phrases, prefixes, excluded words, authors or streams needs the
// text, the author or the stream: then it reads the full records as Each
// does. fromStats says which. m is only valid during the call.
func (s *Store) EachFigures(f Filter, fn func(m *domain.Mention) bool) (fromStats bool, err error) {
	if !statsAnswers(f) {
		return false, s.Each(f, fn)
	}
	err = s.view(func(tx *bolt.Tx) error {
		if !statsCurrent(tx) {
			return errStatsStale
		}
		fromStats = true
		if strings.TrimSpace(f.Text) != "" {
			return eachIndexedStats(s, tx, f, fn)
		}
		lo, hi := bounds(narrow(f))
		// the time bounds are the range; the rest is checked per record
		cond := f
		cond.Since, cond.Until, cond.Text, cond.Oldest = time.Time{}, time.Time{}, "", false
		post := newPost(cond)
		cond.Kinds, cond.Langs, cond.Followers, cond.Overdue, cond.FYI = nil, nil, nil, nil, nil
		all := cond.IsZero() && post == nil
		var d statsDecoder
		c := tx.Bucket(bStats).Cursor()
		var k, v []byte
		if f.Oldest {
			k, v = c.Seek(lo)
		} else if k, v = c.Seek(hi); k == nil {
			k, v = c.Last()
		} else if !bytes.Equal(k, hi) {
			k, v = c.Prev()
		}
		for ; k != nil; k, v = statsStep(c, f.Oldest) {
			if f.Oldest && bytes.Compare(k, hi) > 0 || !f.Oldest && bytes.Compare(k, lo) < 0 {
				return nil
			}
			m, err := d.decode(k, v)
			if err != nil {
				return fmt.Errorf("%w: %x", err, k)
			}
			if !all && (!cond.Matches(m) || post != nil && !post.match(m)) {
				continue
			}
			if !fn(m) {
				return nil
			}
		}
		return nil
	})
	if err == errStatsStale {
		return false, s.Each(f, fn)
	}
	return fromStats, err
}

// eachIndexedStats walks f's indexes as Each does (the word index
// answers a word search exactly) and reads the stats record of each
// mention they yield.
func eachIndexedStats(s *Store, tx *bolt.Tx, f Filter, fn func(m *domain.Mention) bool) error {
	w, err := s.newWalk(tx, f)
	if err != nil || w == nil {
		return err
	}
	sb := tx.Bucket(bStats)
	var d statsDecoder
	for cur := w.it.seek(w.start); w.in(cur); cur = w.it.next() {
		v := sb.Get(cur)
		if v == nil {
			return fmt.Errorf("store: mention %x has no stats record (run `switchboard db check`)", cur)
		}
		m, err := d.decode(cur, v)
		if err != nil {
			return fmt.Errorf("%w: %x", err, cur)
		}
		if w.post != nil && !w.post.match(m) {
			continue
		}
		if !fn(m) {
			return nil
		}
	}
	return nil
}

var errStatsStale = errors.New("store: stats records are not current")

func statsStep(c *bolt.Cursor, forward bool) ([]byte, []byte) {
	if forward {
		return c.Next()
	}
	return c.Prev()
}

// statsCheck compares the stats records with the mentions during Check.
type statsCheck struct {
	b     *bolt.Bucket
	found int // mentions that have a stats record
}

func newStatsCheck(tx *bolt.Tx) *statsCheck { return &statsCheck{b: tx.Bucket(bStats)} }

// add checks the stats record of m at tk.
func (c *statsCheck) add(m *domain.Mention, tk []byte, report func(string, string, ...any)) {
	where := fmt.Sprintf("mention %d (%s)", m.ID, m.Key())
	got := c.b.Get(tk)
	if got == nil {
		report(where, "stats record is missing")
		return
	}
	c.found++
	if !bytes.Equal(got, appendStats(nil, m)) {
		report(where, "stats record does not match the mention")
	}
}

// report checks the version mark and looks for stats records without a
// mention.
func (c *statsCheck) report(tx *bolt.Tx, report func(string, string, ...any)) {
	if v := getU64(tx.Bucket(bMeta).Get(keyStatsVersion)); v != statsVersion {
		report(string(bStats), "stats version is %d, want %d (the next open rebuilds them)", v, statsVersion)
	}
	if got := c.b.Stats().KeyN; got != c.found {
		// more records than mentions that have one: find the strays
		mb := tx.Bucket(bMentions)
		_ = c.b.ForEach(func(k, _ []byte) error {
			if mb.Get(k) == nil {
				report(string(bStats), "stats record %x has no mention", k)
			}
			return nil
		})
	}
}
