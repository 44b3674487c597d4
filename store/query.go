package store

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
	"switchboard/sla"
)

// Filter selects mentions. Within a field the values are alternatives (any
// of them); fields combine with AND. A nil slice does not filter; a slice
// holding "" selects the empty value (e.g. Assignee: []string{""} is
// "unassigned").
type Filter struct {
	Status     []domain.Status
	Tags       []string // every tag must be present
	Teams      []string
	Assignees  []string
	Platforms  []domain.Platform
	Incidents  []string
	Escalated  bool // linked to any incident
	Bands      []domain.Band
	Priorities []domain.Priority
	// Since and Until bound created_at (inclusive, second precision).
	Since, Until time.Time
	// Text is a word search over text, author handle and name: every word
	// must be present (see Words).
	Text string
	// Oldest walks oldest-first instead of newest-first.
	Oldest bool

	// The conditions below have no index of their own: they are checked on
	// each mention the indexes yield (see match.go).

	// Phrases must each appear as a run of words in the text or author.
	Phrases []string
	// Prefixes must each start some word of the text or author.
	Prefixes []string
	// Without are words none of which may appear.
	Without []string
	// Authors are author handles (any of; "@" and case ignored).
	Authors []string
	Kinds   []domain.Kind
	// Langs are language codes (any of; "nl" also matches "nl-BE").
	Langs []string
	// Followers bounds the author's follower count.
	Followers *Range
	// Overdue keeps mentions whose response clock has run out.
	Overdue *Overdue
	// FYI, when set, keeps mentions whose FYI mark is *FYI.
	FYI *bool
	// Conversations are conversation keys (any of): the mentions merged
	// into them.
	Conversations []string
	// Streams are keyword stream names (any of): the items those streams
	// found (Mention.Stream; "" selects items no stream found).
	Streams []string
}

// Range is an inclusive range of counts; a nil end is open.
type Range struct{ Min, Max *int64 }

// Overdue is the response clock: a mention not answered, not FYI, not
// done, snoozed or spam is overdue once it has waited its team's target for
// its priority, in the team's business hours, at Now.
type Overdue struct {
	Now    time.Time
	Policy *sla.Policy // nil: the default targets, always open
}

// IsZero reports whether the filter selects everything.
func (f Filter) IsZero() bool {
	return f.Status == nil && f.Tags == nil && f.Teams == nil && f.Assignees == nil && f.Platforms == nil &&
		f.Incidents == nil && !f.Escalated && f.Bands == nil && f.Priorities == nil && f.Conversations == nil && f.Since.IsZero() &&
		f.Until.IsZero() && strings.TrimSpace(f.Text) == "" && !f.HasPost()
}

// HasPost reports whether f has conditions no index answers (so that no
// counter can tell how many mentions match it).
func (f Filter) HasPost() bool {
	return f.Phrases != nil || f.Prefixes != nil || f.Without != nil || f.Authors != nil || f.Kinds != nil ||
		f.Langs != nil || f.Followers != nil || f.Overdue != nil || f.FYI != nil || f.Streams != nil
}

// Page is one page of a query.
type Page struct {
	Mentions []domain.Mention
	// Next continues the query after this page; "" at the end.
	Next string
}

// cond is one AND term: a mention matches when it has any of values in ix.
type cond struct {
	ix     *index
	values []string
	est    int // estimated matches, for choosing the driver
	// iter, when set, walks the condition (a day-partitioned index)
	iter func(desc bool) iterator
}

// Query returns up to limit mentions matching f, newest first (or oldest
// first with f.Oldest), starting after the cursor from a previous page's
// Next ("" for the first page). It walks the most selective index and
// leapfrogs the others, so a rare filter value costs as little as a common
// one.
func (s *Store) Query(f Filter, after string, limit int) (Page, error) {
	var page Page
	if limit <= 0 {
		limit = 100
	}
	var afterKey []byte
	if after != "" {
		k, err := base64.RawURLEncoding.DecodeString(after)
		if err != nil || len(k) != timekeyLen {
			return page, fmt.Errorf("store: bad page cursor")
		}
		afterKey = k
	}
	err := s.view(func(tx *bolt.Tx) error {
		w, err := s.newWalk(tx, f)
		if err != nil || w == nil {
			return err
		}
		start := w.start
		if afterKey != nil {
			start = afterKey
		}
		cur := w.it.seek(start)
		if afterKey != nil && cur != nil && bytes.Equal(cur, afterKey) {
			cur = w.it.next()
		}
		for ; w.in(cur) && len(page.Mentions) < limit; cur = w.it.next() {
			m, err := w.record(cur)
			if err != nil {
				return err
			}
			if m == nil || w.post != nil && !w.post.match(m) {
				continue
			}
			page.Mentions = append(page.Mentions, *m)
			if len(page.Mentions) == limit {
				last := append([]byte(nil), cur...)
				if w.in(w.it.next()) {
					page.Next = base64.RawURLEncoding.EncodeToString(last)
				}
			}
		}
		return nil
	})
	return page, err
}

// Each calls fn with every mention f matches, in one read transaction,
// in f's order (newest first unless f.Oldest), until fn returns false. m
// is only valid during the call.
func (s *Store) Each(f Filter, fn func(m *domain.Mention) bool) error {
	return s.view(func(tx *bolt.Tx) error {
		w, err := s.newWalk(tx, f)
		if err != nil || w == nil {
			return err
		}
		for cur := w.it.seek(w.start); w.in(cur); cur = w.it.next() {
			m, err := w.record(cur)
			if err != nil {
				return err
			}
			if m == nil || w.post != nil && !w.post.match(m) {
				continue
			}
			if !fn(m) {
				return nil
			}
		}
		return nil
	})
}

// IDs lists the ids of every mention f matches, in f's order, in one read
// transaction. It is "select all matching": the ids come from the index
// keys (a timekey ends with the id), so a record is read only when f has
// conditions no index answers, and then only the bytes those conditions
// need (see rawPost).
func (s *Store) IDs(f Filter) ([]uint64, error) {
	var ids []uint64
	err := s.eachKey(f, func(cur []byte) bool {
		ids = append(ids, uint64(timekeyID(cur)))
		return true
	})
	return ids, err
}

// eachKey calls fn with the timekey of every mention f matches, in f's
// order, in one read transaction, until fn returns false; a record is
// read only for the conditions no index answers (w.matches).
func (s *Store) eachKey(f Filter, fn func(cur []byte) bool) error {
	return s.view(func(tx *bolt.Tx) error {
		w, err := s.newWalk(tx, f)
		if err != nil || w == nil {
			return err
		}
		for cur := w.it.seek(w.start); w.in(cur); cur = w.it.next() {
			if w.post != nil {
				ok, err := w.matches(cur)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
			}
			if !fn(cur) {
				return nil
			}
		}
		return nil
	})
}

// Count counts the mentions f matches, stopping at limit (capped then
// reports that the count is at least limit). It walks the same indexes as
// Query and decodes a record only when f has unindexed conditions.
func (s *Store) Count(f Filter, limit int) (n int, capped bool, err error) {
	err = s.eachKey(f, func([]byte) bool {
		if n++; limit > 0 && n >= limit {
			capped = true
			return false
		}
		return true
	})
	return n, capped, err
}

// walk is a filter's plan in one read transaction: the iterator over
// timekeys, the time range it must stay in, where it starts and the
// conditions checked on each record. Query, Each and Count share it.
type walk struct {
	it     iterator
	desc   bool
	lo, hi []byte
	start  []byte
	post   *post
	mb, sb *bolt.Bucket
}

// newWalk plans f in tx; nil when nothing can match.
func (s *Store) newWalk(tx *bolt.Tx, f Filter) (*walk, error) {
	f = expandAuthors(tx, narrow(f))
	it, empty, err := s.plan(tx, f)
	if err != nil || empty {
		return nil, err
	}
	w := &walk{it: it, desc: !f.Oldest, post: newPost(f), mb: tx.Bucket(bMentions), sb: tx.Bucket(bState)}
	w.lo, w.hi = bounds(f)
	w.start = w.hi
	if !w.desc {
		w.start = w.lo
	}
	return w, nil
}

// in reports whether cur is a timekey inside the walk's range.
func (w *walk) in(cur []byte) bool {
	if cur == nil {
		return false
	}
	if w.desc {
		return bytes.Compare(cur, w.lo) >= 0
	}
	return bytes.Compare(cur, w.hi) <= 0
}

// record decodes the mention at timekey cur; nil (and no error) when its
// raw record already fails the walk's unindexed conditions.
func (w *walk) record(cur []byte) (*domain.Mention, error) {
	v := w.mb.Get(cur)
	if v == nil {
		return nil, fmt.Errorf("store: index points at missing record %x (run `switchboard db check`)", cur)
	}
	st := w.sb.Get(cur)
	if w.post != nil && w.post.rejectRaw(v, st) {
		return nil, nil
	}
	return withState(cur, v, st)
}

// matches reports whether the mention at timekey cur passes the walk's
// unindexed conditions, decoding it only when the raw record does not rule
// it out already.
func (w *walk) matches(cur []byte) (bool, error) {
	v := w.mb.Get(cur)
	if v == nil {
		return false, fmt.Errorf("store: index points at missing record %x (run `switchboard db check`)", cur)
	}
	st := w.sb.Get(cur)
	if w.post.rejectRaw(v, st) {
		return false, nil
	}
	m, err := withState(cur, v, st)
	if err != nil {
		return false, err
	}
	return w.post.match(m), nil
}

// bounds are the lowest and highest timekeys f allows.
func bounds(f Filter) (lo, hi []byte) {
	lo = make([]byte, timekeyLen)
	hi = bytes.Repeat([]byte{0xff}, timekeyLen)
	if !f.Since.IsZero() && f.Since.Unix() > 0 {
		lo = timekey(f.Since, 0)
	}
	if !f.Until.IsZero() {
		hi = timekey(f.Until, 0xffffffff)
	}
	return lo, hi
}

// plan turns a filter into one iterator: the cheapest condition drives and
// the others are leapfrogged. empty is true when nothing can match.
func (s *Store) plan(tx *bolt.Tx, f Filter) (it iterator, empty bool, err error) {
	desc := !f.Oldest
	var conds []cond
	add := func(name string, values []string) {
		if values == nil {
			return
		}
		conds = append(conds, cond{ix: indexByName(name), values: values})
	}
	add(IndexStatus, strs(f.Status))
	for _, t := range f.Tags {
		add(IndexTag, []string{t})
	}
	add(IndexTeam, f.Teams)
	add(IndexAssignee, f.Assignees)
	add(IndexPlatform, strs(f.Platforms))
	add(IndexIncident, f.Incidents)
	add(IndexBand, strs(f.Bands))
	add(IndexPriority, strs(f.Priorities))
	add(IndexConversation, f.Conversations)
	add(IndexKind, strs(f.Kinds))
	if f.Langs != nil {
		vals := []string{}
		for _, l := range f.Langs {
			vals = append(vals, ixValue(strings.ToLower(l)))
		}
		add(IndexLang, vals)
	}
	if f.Followers != nil {
		if vals, ok := followerBands(tx, *f.Followers); ok {
			add(IndexFollowers, vals)
		}
	}
	if f.Escalated {
		var vals []string
		for v := range readCounts(tx, IndexIncident) {
			if v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			return nil, true, nil
		}
		add(IndexIncident, vals)
	}
	words := Words(f.Text)
	if strings.TrimSpace(f.Text) != "" && len(words) == 0 {
		// only stop words or punctuation: nothing is indexed under them
		return nil, true, nil
	}
	// a phrase's words are indexed words too
	for _, p := range f.Phrases {
		words = appendWords(words, p)
	}
	if f.Authors != nil {
		// the contacts' mentions, in the author index, counted by the
		// contacts (f's authors are expanded to linked handles already)
		c := authorCond(tx, f.Authors)
		if len(c.values) == 0 {
			return nil, true, nil
		}
		conds = append(conds, c)
	}

	for _, w := range words {
		// words have no counters: estimate by length, longer is rarer
		conds = append(conds, cond{ix: indexByName(IndexWord), values: []string{w}, est: 1 << 20 / (len(w) + 1)})
	}
	minDay, maxDay := dayRange(tx)
	for i := range conds {
		c := &conds[i]
		if len(c.values) == 0 {
			return nil, true, nil
		}
		if c.ix.counted {
			// the counters are kept per status, so with a status filter
			// the estimate is exact for status and one other field
			counts := readCountsByStatus(tx, c.ix.name)
			c.est = 0
			for _, v := range c.values {
				for st, n := range counts[v] {
					if f.Status == nil || slices.Contains(f.Status, st) {
						c.est += n
					}
				}
			}
			if c.est == 0 {
				return nil, true, nil
			}
		}
	}
	if len(conds) == 0 {
		return &prefixIter{c: tx.Bucket(bMentions).Cursor(), desc: desc}, false, nil
	}
	// the driver is the condition with the fewest expected matches
	best := 0
	for i := range conds {
		if conds[i].est < conds[best].est {
			best = i
		}
	}
	conds[0], conds[best] = conds[best], conds[0]
	its := make([]iterator, len(conds))
	for i, c := range conds {
		if c.iter != nil {
			its[i] = c.iter(desc)
			continue
		}
		if c.ix.name == IndexWord {
			its[i] = &dayIter{c: tx.Bucket(c.ix.bucket).Cursor(), word: c.values[0], desc: desc, min: minDay, max: maxDay}
			continue
		}
		its[i] = condIter(tx, c, desc)
	}
	if len(its) == 1 {
		return its[0], false, nil
	}
	return &leapfrog{its: its, desc: desc}, false, nil
}

// maxBands is the most follower bands a followers: range reads through
// the index; a wider range (most of the store, as a rule) is left to the
// check on each mention.
const maxBands = 48

// followerBands are the follower index values (bands holding mentions)
// that overlap r; ok is false when there are more than maxBands of them.
func followerBands(tx *bolt.Tx, r Range) (vals []string, ok bool) {
	lo, hi := int64(0), int64(math.MaxInt64)
	if r.Min != nil {
		lo = max(*r.Min, 0)
	}
	if r.Max != nil {
		hi = *r.Max
	}
	vals = []string{}
	if hi < lo {
		return vals, true
	}
	for v := range readCounts(tx, IndexFollowers) {
		b, err := strconv.ParseInt(v, 10, 64)
		if err != nil || b < FollowerBand(lo) || b > hi {
			continue
		}
		if vals = append(vals, v); len(vals) > maxBands {
			return nil, false
		}
	}
	return vals, true
}

func strs[T ~string](xs []T) []string {
	if xs == nil {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func condIter(tx *bolt.Tx, c cond, desc bool) iterator {
	b := tx.Bucket(c.ix.bucket)
	if len(c.values) == 1 {
		return &prefixIter{c: b.Cursor(), prefix: ixprefix(c.values[0]), desc: desc}
	}
	u := &union{desc: desc}
	for _, v := range c.values {
		u.its = append(u.its, &prefixIter{c: b.Cursor(), prefix: ixprefix(v), desc: desc})
	}
	return u
}

// iterator walks timekeys in one direction.
type iterator interface {
	// seek moves to the first timekey at or beyond tk in the walk's
	// direction (≤ tk newest-first, ≥ tk oldest-first); nil at the end.
	// A walk never seeks back behind a timekey it was already given, so
	// an iterator may answer from where it is (see prefixIter).
	seek(tk []byte) []byte
	// next moves past the current timekey.
	next() []byte
}

// prefixIter walks the keys of one index value (or the mentions bucket,
// with an empty prefix) and yields their timekeys.
type prefixIter struct {
	c      *bolt.Cursor
	prefix []byte
	desc   bool
	buf    []byte
	// cur is the timekey the cursor is on (nil before the first seek or
	// at the end) and at the target of the last seek, so that a seek a
	// few keys ahead (a leapfrog over two dense indexes) steps instead of
	// searching the tree from the root.
	cur, at []byte
	done    bool
}

func (p *prefixIter) key(tk []byte) []byte {
	p.buf = append(append(p.buf[:0], p.prefix...), tk...)
	return p.buf
}

func (p *prefixIter) yield(k []byte) []byte {
	if k == nil || len(k) != len(p.prefix)+timekeyLen || !bytes.HasPrefix(k, p.prefix) {
		p.cur, p.done = nil, true
		return nil
	}
	p.cur = k[len(p.prefix):]
	return p.cur
}

// reached reports whether a is at or beyond b in the walk's direction.
func reached(a, b []byte, desc bool) bool {
	c := bytes.Compare(a, b)
	return c == 0 || desc == (c < 0)
}

// steps is how many keys a seek steps over before it searches instead.
const steps = 4

func (p *prefixIter) seek(tk []byte) []byte {
	if p.at != nil && reached(tk, p.at, p.desc) {
		// further along than the last seek: the answer is at or after
		// the current key
		p.at = append(p.at[:0], tk...)
		if p.done {
			return nil
		}
		for range steps {
			if p.cur == nil || reached(p.cur, tk, p.desc) {
				return p.cur
			}
			p.next()
		}
		if p.cur == nil || reached(p.cur, tk, p.desc) {
			return p.cur
		}
	} else {
		p.at = append(p.at[:0], tk...)
	}
	p.done = false
	want := p.key(tk)
	k, _ := p.c.Seek(want)
	if p.desc {
		if k == nil {
			k, _ = p.c.Last()
		} else if !bytes.Equal(k, want) {
			k, _ = p.c.Prev()
		}
	}
	return p.yield(k)
}

func (p *prefixIter) next() []byte {
	if p.done {
		return nil
	}
	var k []byte
	if p.desc {
		k, _ = p.c.Prev()
	} else {
		k, _ = p.c.Next()
	}
	return p.yield(k)
}

// dayRange is the first and last day holding mentions.
func dayRange(tx *bolt.Tx) (uint16, uint16) {
	c := tx.Bucket(bMentions).Cursor()
	first, _ := c.First()
	last, _ := c.Last()
	if first == nil {
		return 1, 0
	}
	return dayOf(timekeyTime(first).Unix()), dayOf(timekeyTime(last).Unix())
}

// dayIter walks one word of the day-partitioned word index: day by day,
// each day's entries in time order.
type dayIter struct {
	c        *bolt.Cursor
	word     string
	desc     bool
	min, max uint16
	day      int
	entered  bool
	in       prefixIter
}

func (d *dayIter) enter(day int) {
	if d.entered && d.day == day {
		return // the same day: its iterator goes on from where it is
	}
	d.entered = true
	d.day = day
	d.in = prefixIter{c: d.c, prefix: ixprefix(dayValue(uint16(day), d.word)), desc: d.desc, buf: d.in.buf}
}

func (d *dayIter) seek(tk []byte) []byte {
	day := int(dayOf(timekeyTime(tk).Unix()))
	if d.desc {
		if day > int(d.max) {
			day, tk = int(d.max), bytes.Repeat([]byte{0xff}, timekeyLen)
		}
		for ; day >= int(d.min); day, tk = day-1, bytes.Repeat([]byte{0xff}, timekeyLen) {
			d.enter(day)
			if k := d.in.seek(tk); k != nil {
				return k
			}
		}
		return nil
	}
	if day < int(d.min) {
		day, tk = int(d.min), make([]byte, timekeyLen)
	}
	for ; day <= int(d.max); day, tk = day+1, make([]byte, timekeyLen) {
		d.enter(day)
		if k := d.in.seek(tk); k != nil {
			return k
		}
	}
	return nil
}

func (d *dayIter) next() []byte {
	if k := d.in.next(); k != nil {
		return k
	}
	if d.desc {
		if d.day <= int(d.min) {
			return nil
		}
		return d.seek(timekey(time.Unix(int64(d.day)*86400-1, 0), 0xffffffff))
	}
	if d.day >= int(d.max) {
		return nil
	}
	return d.seek(timekey(time.Unix(int64(d.day+1)*86400, 0), 0))
}

// union yields the timekeys of any of its iterators, in order, once each.
type union struct {
	its  []iterator
	cur  [][]byte
	desc bool
	last []byte
}

func (u *union) pick() []byte {
	var best []byte
	for _, c := range u.cur {
		if c == nil {
			continue
		}
		if best == nil || (u.desc && bytes.Compare(c, best) > 0) || (!u.desc && bytes.Compare(c, best) < 0) {
			best = c
		}
	}
	u.last = append(u.last[:0], best...)
	if best == nil {
		return nil
	}
	return u.last
}

func (u *union) seek(tk []byte) []byte {
	if len(u.cur) == len(u.its) {
		// a member already at or beyond tk, or at its end, stays
		for i, c := range u.cur {
			if c != nil && !reached(c, tk, u.desc) {
				u.cur[i] = u.its[i].seek(tk)
			}
		}
		return u.pick()
	}
	u.cur = u.cur[:0]
	for _, it := range u.its {
		u.cur = append(u.cur, it.seek(tk))
	}
	return u.pick()
}

func (u *union) next() []byte {
	if len(u.last) == 0 {
		return nil
	}
	last := append([]byte(nil), u.last...)
	for i, c := range u.cur {
		if c != nil && bytes.Equal(c, last) {
			u.cur[i] = u.its[i].next()
		}
	}
	return u.pick()
}

// leapfrog yields the timekeys every iterator has: the first one drives,
// the others seek to its position and push it along when they are behind.
type leapfrog struct {
	its  []iterator
	desc bool
	cur  []byte
}

func (l *leapfrog) align(cand []byte) []byte {
	for cand != nil {
		cand = append([]byte(nil), cand...)
		agreed := true
		for _, it := range l.its[1:] {
			k := it.seek(cand)
			if k == nil {
				return nil
			}
			if !bytes.Equal(k, cand) {
				cand = l.its[0].seek(k)
				agreed = false
				break
			}
		}
		if agreed {
			l.cur = cand
			return cand
		}
	}
	return nil
}

func (l *leapfrog) seek(tk []byte) []byte { return l.align(l.its[0].seek(tk)) }
func (l *leapfrog) next() []byte          { return l.align(l.its[0].next()) }

// Get loads one mention by store id.
func (s *Store) Get(id uint64) (domain.Mention, error) {
	var m *domain.Mention
	err := s.view(func(tx *bolt.Tx) error {
		tk, err := timekeyOf(tx, id)
		if err != nil {
			return err
		}
		m, err = getMention(tx, tk)
		return err
	})
	if err != nil {
		return domain.Mention{}, err
	}
	return *m, nil
}

// GetByKey loads one mention by its key (platform:native id).
func (s *Store) GetByKey(key string) (domain.Mention, error) {
	var m *domain.Mention
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		m, _, err = mentionByKey(tx, key)
		return err
	})
	if err != nil {
		return domain.Mention{}, err
	}
	return *m, nil
}

// Counts are the index counters: index → value → status → mentions.
type Counts map[string]map[string]map[domain.Status]int

// Get sums the counter of value in index over the given statuses (all
// statuses when none are given).
func (c Counts) Get(index, value string, statuses ...domain.Status) int {
	byStatus := c[index][value]
	if len(statuses) == 0 {
		n := 0
		for _, v := range byStatus {
			n += v
		}
		return n
	}
	n := 0
	for _, st := range statuses {
		n += byStatus[st]
	}
	return n
}

// Total is the number of mentions in the given statuses (all when none).
func (c Counts) Total(statuses ...domain.Status) int {
	n := 0
	for v := range c[IndexStatus] {
		n += c.Get(IndexStatus, v, statuses...)
	}
	return n
}

// Values lists the values an index holds, e.g. every tag in use.
func (c Counts) Values(index string) []string {
	var out []string
	for v := range c[index] {
		out = append(out, v)
	}
	return out
}

// Counts reads every counter. It reads, it does not count: the store keeps
// the counters in the same transaction as the records.
func (s *Store) Counts() (Counts, error) {
	c := Counts{}
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bCounts).ForEach(func(k, v []byte) error {
			parts := strings.SplitN(string(k), "\x00", 3)
			if len(parts) != 3 {
				return nil
			}
			ix, val, st := parts[0], parts[1], domain.Status(parts[2])
			if c[ix] == nil {
				c[ix] = map[string]map[domain.Status]int{}
			}
			if c[ix][val] == nil {
				c[ix][val] = map[domain.Status]int{}
			}
			c[ix][val][st] = int(getU64(v))
			return nil
		})
	})
	return c, err
}

// readCountsByStatus reads one index's counters per value and status.
func readCountsByStatus(tx *bolt.Tx, index string) map[string]map[domain.Status]int {
	out := map[string]map[domain.Status]int{}
	c := tx.Bucket(bCounts).Cursor()
	prefix := []byte(index + "\x00")
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		val, st, _ := strings.Cut(string(k[len(prefix):]), "\x00")
		if out[val] == nil {
			out[val] = map[domain.Status]int{}
		}
		out[val][domain.Status(st)] += int(getU64(v))
	}
	return out
}

// readCounts sums one index's counters per value.
func readCounts(tx *bolt.Tx, index string) map[string]int {
	out := map[string]int{}
	c := tx.Bucket(bCounts).Cursor()
	prefix := []byte(index + "\x00")
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		rest := string(k[len(prefix):])
		val, _, _ := strings.Cut(rest, "\x00")
		out[val] += int(getU64(v))
	}
	return out
}

// CursorAt is the page cursor of the position (t, id) in time order: a
// query with it as after starts just past that position. Page.Next of a
// page is CursorAt of its last mention; callers that merge several queries
// (e.g. the inbox's due-time order) make cursors at positions of their own.
func CursorAt(t time.Time, id uint32) string {
	return base64.RawURLEncoding.EncodeToString(timekey(t, id))
}
