package store

// Streaming reads for crisis detection: the whole store oldest-first in
// pages (for `switchboard alerts` and for warming a detector at start),
// and the mentions ingested after a known id (for following the feed).

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// StreamOptions tune StreamMentions.
type StreamOptions struct {
	// Since skips mentions created before it.
	Since time.Time
	// PageSize is how many mentions one read transaction decodes
	// (default 4096); transactions stay short so the file can reuse pages.
	PageSize int
}

// StreamMentions walks every mention oldest-first (by created_at, then
// id) in pages of short read transactions, decoding the next page while
// fn works on this one, and calls fn with each page until it returns an
// error. Mentions ingested after the walk started are left out: maxID is
// the highest mention id at the start, and MentionsAfter(maxID, …) reads
// what came later, so a reader that follows the change feed from there
// sees every mention exactly once.
//
// For speed the records carry only what detection needs: ID, Platform,
// NativeID, Kind, Author (id, handle, name, verified), Text, Lang,
// CreatedAt (to the second), Sentiment, State.Tags and State.IncidentID
// (as an action last set them: from bState when it wrote them there).
func (s *Store) StreamMentions(ctx context.Context, opts StreamOptions, fn func([]domain.Mention) error) (maxID uint64, err error) {
	if opts.PageSize <= 0 {
		opts.PageSize = 4096
	}
	if err := s.view(func(tx *bolt.Tx) error {
		maxID = tx.Bucket(bIDs).Sequence()
		return nil
	}); err != nil {
		return 0, err
	}
	type page struct {
		ms  []domain.Mention
		err error
	}
	pages := make(chan page, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(pages)
		lo, _ := bounds(Filter{Since: opts.Since})
		var after []byte
		for {
			var p page
			p.err = s.view(func(tx *bolt.Tx) error {
				c := tx.Bucket(bMentions).Cursor()
				sb := tx.Bucket(bState)
				k, v := c.Seek(lo)
				if after != nil {
					k, v = c.Seek(after)
					if k != nil && bytes.Equal(k, after) {
						k, v = c.Next()
					}
				}
				p.ms = make([]domain.Mention, 0, opts.PageSize)
				for ; k != nil && len(p.ms) < opts.PageSize; k, v = c.Next() {
					if len(k) != timekeyLen {
						continue
					}
					after = append(after[:0], k...)
					if uint64(timekeyID(k)) > maxID {
						continue
					}
					st := sb.Get(k) // the state an action wrote apart, if any
					m, ok := decodeLite(v)
					if ok && st != nil {
						ok = liteState(&m, st)
					}
					if !ok {
						full, err := withState(k, v, st)
						if err != nil {
							return err
						}
						m = *full
					}
					m.ID = uint64(timekeyID(k))
					m.CreatedAt = timekeyTime(k)
					p.ms = append(p.ms, m)
				}
				return nil
			})
			if p.err == nil && len(p.ms) == 0 {
				return
			}
			select {
			case pages <- p:
			case <-stop:
				return
			}
			if p.err != nil {
				return
			}
		}
	}()
	for p := range pages {
		if p.err != nil {
			return maxID, p.err
		}
		if err := ctx.Err(); err != nil {
			return maxID, err
		}
		if err := fn(p.ms); err != nil {
			return maxID, err
		}
	}
	return maxID, nil
}

// MentionsAfter returns up to limit mentions with ids above after, in id
// (ingest) order, and the highest id returned (after when none).
func (s *Store) MentionsAfter(after uint64, limit int) ([]domain.Mention, uint64, error) {
	if limit <= 0 {
		limit = 1000
	}
	var out []domain.Mention
	last := after
	err := s.view(func(tx *bolt.Tx) error {
		if after >= 0xffffffff {
			return nil
		}
		c := tx.Bucket(bIDs).Cursor()
		for k, tk := c.Seek(u32(uint32(after + 1))); k != nil && len(out) < limit; k, tk = c.Next() {
			m, err := getMention(tx, tk)
			if err != nil {
				return err
			}
			out = append(out, *m)
			last = m.ID
		}
		return nil
	})
	return out, last, err
}

// decodeLite reads the fields detection needs from a stored mention
// record without encoding/json's reflection (several times faster). It
// reports false for anything it does not expect; callers then decode the
// record in full.
func decodeLite(b []byte) (domain.Mention, bool) {
	var m domain.Mention
	l := lexer{b: b}
	ok := l.object(func(key []byte) bool {
		switch string(key) {
		case "platform":
			s, ok := l.str()
			m.Platform = domain.Platform(s)
			return ok
		case "id":
			s, ok := l.str()
			m.NativeID = s
			return ok
		case "kind":
			s, ok := l.str()
			m.Kind = domain.Kind(s)
			return ok
		case "text":
			s, ok := l.str()
			m.Text = s
			return ok
		case "lang":
			s, ok := l.str()
			m.Lang = s
			return ok
		case "sentiment":
			f, ok := l.num()
			m.Sentiment = f
			return ok
		case "author":
			return l.object(func(key []byte) bool {
				var ok bool
				switch string(key) {
				case "id":
					m.Author.ID, ok = l.str()
				case "handle":
					m.Author.Handle, ok = l.str()
				case "name":
					m.Author.Name, ok = l.str()
				case "verified":
					m.Author.Verified, ok = l.boolean()
				default:
					ok = l.skip()
				}
				return ok
			})
		case "state":
			return l.object(func(key []byte) bool { return liteStateKey(&l, &m, key) })
		}
		return l.skip()
	})
	if !ok {
		return domain.Mention{}, false
	}
	l.ws()
	return m, l.i == len(l.b)
}

// liteState puts the tags and incident of the operator state st (see
// bState) in m in place of those decodeLite read from the record; false
// when st is not what it expects.
func liteState(m *domain.Mention, st []byte) bool {
	m.State.Tags, m.State.IncidentID = nil, ""
	l := lexer{b: st}
	ok := l.object(func(key []byte) bool { return liteStateKey(&l, m, key) })
	l.ws()
	return ok && l.i == len(l.b)
}

// lexer is a minimal JSON reader over one record.
type lexer struct {
	b []byte
	i int
}

func (l *lexer) ws() {
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return
		}
	}
}

func (l *lexer) peek() byte {
	l.ws()
	if l.i < len(l.b) {
		return l.b[l.i]
	}
	return 0
}

// object reads {"key": value, …}, calling field with each key positioned
// at its value; field must consume the value.
func (l *lexer) object(field func(key []byte) bool) bool {
	if l.peek() != '{' {
		return false
	}
	l.i++
	if l.peek() == '}' {
		l.i++
		return true
	}
	for {
		if l.peek() != '"' {
			return false
		}
		start := l.i + 1
		end, esc, ok := l.scanString()
		if !ok || esc {
			return false // keys are plain in our records
		}
		key := l.b[start:end]
		if l.peek() != ':' {
			return false
		}
		l.i++
		if !field(key) {
			return false
		}
		switch l.peek() {
		case ',':
			l.i++
		case '}':
			l.i++
			return true
		default:
			return false
		}
	}
}

func (l *lexer) array(elem func() bool) bool {
	if l.peek() != '[' {
		return false
	}
	l.i++
	if l.peek() == ']' {
		l.i++
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch l.peek() {
		case ',':
			l.i++
		case ']':
			l.i++
			return true
		default:
			return false
		}
	}
}

// scanString moves past the string at l.i (which is '"') and returns the
// index of its closing quote and whether it holds escapes.
func (l *lexer) scanString() (end int, esc, ok bool) {
	i := l.i + 1
	for i < len(l.b) {
		switch c := l.b[i]; {
		case c == '"':
			l.i = i + 1
			return i, esc, true
		case c == '\\':
			esc = true
			i += 2
		case c < 0x20:
			return 0, false, false
		default:
			i++
		}
	}
	return 0, false, false
}

func (l *lexer) str() (string, bool) {
	if l.peek() != '"' {
		if l.literal("null") {
			return "", true
		}
		return "", false
	}
	start := l.i
	end, esc, ok := l.scanString()
	if !ok {
		return "", false
	}
	if !esc {
		raw := l.b[start+1 : end]
		if len(raw) <= 8 {
			// common short values (platform, kind, language) are shared;
			// this lookup does not allocate
			if v, ok := interned[string(raw)]; ok {
				return v, true
			}
		}
		return string(raw), true
	}
	var s string
	if err := json.Unmarshal(l.b[start:end+1], &s); err != nil {
		return "", false
	}
	return s, true
}

func (l *lexer) num() (float64, bool) {
	l.ws()
	start := l.i
	for l.i < len(l.b) {
		c := l.b[l.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			l.i++
			continue
		}
		break
	}
	if start == l.i {
		return 0, l.literal("null")
	}
	f, err := strconv.ParseFloat(string(l.b[start:l.i]), 64)
	return f, err == nil
}

func (l *lexer) boolean() (bool, bool) {
	switch {
	case l.literal("true"):
		return true, true
	case l.literal("false"), l.literal("null"):
		return false, true
	}
	return false, false
}

func (l *lexer) literal(word string) bool {
	l.ws()
	if bytes.HasPrefix(l.b[l.i:], []byte(word)) {
		l.i += len(word)
		return true
	}
	return false
}

// skip moves past any one value.
func (l *lexer) skip() bool {
	switch c := l.peek(); {
	case c == '"':
		_, _, ok := l.scanString()
		return ok
	case c == '{':
		return l.object(func([]byte) bool { return l.skip() })
	case c == '[':
		return l.array(l.skip)
	case c == 't':
		return l.literal("true")
	case c == 'f':
		return l.literal("false")
	case c == 'n':
		return l.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, ok := l.num()
		return ok
	}
	return false
}

// interned are the common short values of a record, shared instead of
// allocated per mention.
var interned = func() map[string]string {
	m := map[string]string{}
	for _, p := range domain.Platforms {
		m[string(p)] = string(p)
	}
	for _, k := range domain.Kinds {
		m[string(k)] = string(k)
	}
	for _, l := range []string{"en", "nl", "de", "fr", "es", "it", "pt", "und"} {
		m[l] = l
	}
	return m
}()

// liteStateKey reads one key of an operator state object into m: the tags
// and the incident, what the detection walk needs; the rest is skipped.
func liteStateKey(l *lexer, m *domain.Mention, key []byte) bool {
	switch string(key) {
	case "tags":
		m.State.Tags = m.State.Tags[:0]
		return l.array(func() bool {
			s, ok := l.str()
			m.State.Tags = append(m.State.Tags, s)
			return ok
		})
	case "incident_id":
		s, ok := l.str()
		m.State.IncidentID = s
		return ok
	}
	return l.skip()
}
