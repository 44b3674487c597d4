package inbox

import (
	"cmp"
	"context"
	"slices"
	"switchboard/themes"
	"sync"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// A source is a view's ordered stream of mentions, read from the store a
// page at a time in either direction from any mention. It never loads all
// mentions: every read is a bounded index walk.
//
// A "newest" or "oldest" view is one store query. The "due" order (time
// left before the response clock breaches) is a merge of one oldest-first
// query per priority: within a priority the deadline is creation time plus
// that priority's target, so each stream is already in deadline order and
// the merge is exact.
type source struct {
	streams []stream
	// asc: the view's forward direction walks keys upwards.
	asc bool
	// byFollowers sorts by the author's followers, most first: no index
	// has that order, so the matches (up to maxSorted) are read once and
	// sorted in memory.
	byFollowers bool
	// byConversation shows one row per conversation (the newest of its
	// mentions in the view, with the rest as members), from the matches
	// (up to maxSorted) read once and grouped in memory.
	byConversation bool
	mu             sync.Mutex
	sorted         []row
}

// maxSorted caps the matches a followers-sorted view holds.
const maxSorted = 50000

type stream struct {
	f      store.Filter
	offset int64 // seconds added to creation time to get the sort key
	rank   int
}

// row is a loaded mention and the stream it came from.
type row struct {
	m domain.Mention
	s int
	// members are, on a conversation row, every mention of the
	// conversation in the view (this one first).
	members []domain.Mention
	// line is the row as last drawn, for key; drawing a row costs far more
	// than comparing the key, and most frames redraw the same rows.
	line string
	key  rowKey
}

// rowKey is everything a drawn row depends on besides its mention (a row
// whose mention changes is replaced or has its line cleared).
type rowKey struct {
	st          *themes.Styles
	w           int
	c           columns
	cur, sel    bool
	age, status string
	clock       string
	n           int // a conversation row's mentions
}

// sortKey orders rows: deadline (or creation time), stream, time, id.
type sortKey struct {
	k    int64
	rank int
	sec  int64
	id   uint64
}

func (s *source) key(r row) sortKey {
	sec := r.m.CreatedAt.Unix()
	st := s.streams[r.s]
	return sortKey{sec + st.offset, st.rank, sec, r.m.ID}
}

func less(a, b sortKey) bool {
	if a.k != b.k {
		return a.k < b.k
	}
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.sec != b.sec {
		return a.sec < b.sec
	}
	return a.id < b.id
}

// newSource builds the source for a filter and a sort ("newest",
// "oldest", "due", "followers"); target gives the response clock per priority.
func newSource(f store.Filter, sort string, target func(domain.Priority) time.Duration) *source {
	switch sort {
	case "oldest":
		return &source{streams: []stream{{f: f}}, asc: true}
	case "due":
		s := &source{asc: true}
		prios := f.Priorities
		if prios == nil {
			prios = domain.Priorities
		}
		for i, p := range []domain.Priority{domain.PriorityUrgent, domain.PriorityHigh, domain.PriorityNormal, domain.PriorityLow} {
			if !slices.Contains(prios, p) {
				continue
			}
			sf := f
			sf.Priorities = []domain.Priority{p}
			s.streams = append(s.streams, stream{f: sf, offset: int64(target(p) / time.Second), rank: i})
		}
		return s
	case "followers":
		return &source{streams: []stream{{f: f}}, byFollowers: true}
	}
	return &source{streams: []stream{{f: f}}}
}

// fetchSorted is fetch for a followers-sorted view. A read from the top
// reads the matches again, so a reload sees new mentions.
func (s *source) fetchSorted(ctx context.Context, st *store.Store, anchor *row, forward bool, n int) ([]row, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sorted == nil || anchor == nil && forward {
		rows, err := s.readAll(ctx, st)
		if err != nil {
			return nil, false, err
		}
		s.sorted = rows
	}
	at := -1
	if anchor != nil {
		at = slices.IndexFunc(s.sorted, func(r row) bool { return r.m.ID == anchor.m.ID })
		if at < 0 {
			return nil, false, nil
		}
	}
	if forward {
		from := at + 1
		to := min(len(s.sorted), from+n)
		return slices.Clone(s.sorted[from:to]), to < len(s.sorted), nil
	}
	to := at
	if anchor == nil {
		to = len(s.sorted)
	}
	from := max(0, to-n)
	rows := slices.Clone(s.sorted[from:to])
	slices.Reverse(rows)
	return rows, from > 0, nil
}

// cursor is the store's page cursor at (sec, id).
func cursor(sec int64, id uint32) string { return store.CursorAt(time.Unix(sec, 0), id) }

// fetch reads up to n rows after anchor in the view's order (forward) or
// before it (backward), nearest first; anchor nil means from the start
// (forward) or from the end (backward). more reports rows beyond these.
func (s *source) fetch(ctx context.Context, st *store.Store, anchor *row, forward bool, n int) (rows []row, more bool, err error) {
	if s.byFollowers || s.byConversation {
		return s.fetchSorted(ctx, st, anchor, forward, n)
	}
	asc := s.asc == forward // walk keys upwards
	var ak sortKey
	if anchor != nil {
		ak = s.key(*anchor)
	}
	for i, sm := range s.streams {
		if err := ctx.Err(); err != nil {
			return nil, false, err
		}
		f := sm.f
		f.Oldest = asc
		after := ""
		if anchor != nil {
			switch {
			case anchor.s == i:
				after = cursor(ak.sec, uint32(ak.id))
			case asc && sm.rank < ak.rank: // ties on the deadline come before the anchor
				after = cursor(ak.k-sm.offset, 0xffffffff)
			case asc:
				after = cursor(ak.k-sm.offset-1, 0xffffffff)
			case sm.rank < ak.rank:
				after = cursor(ak.k-sm.offset+1, 0)
			default:
				after = cursor(ak.k-sm.offset, 0)
			}
		}
		page, err := st.Query(f, after, n)
		if err != nil {
			return nil, false, err
		}
		if page.Next != "" {
			more = true
		}
		for _, m := range page.Mentions {
			rows = append(rows, row{m: m, s: i})
		}
	}
	if len(s.streams) > 1 {
		slices.SortFunc(rows, func(a, b row) int {
			ka, kb := s.key(a), s.key(b)
			switch {
			case less(ka, kb) == asc && ka != kb:
				return -1
			case ka == kb:
				return 0
			}
			return 1
		})
	}
	if len(rows) > n {
		rows, more = rows[:n], true
	}
	return rows, more, nil
}

// readAll is the rows of a view sorted in memory: one per conversation,
// or every match by followers, most first (up to maxSorted matches).
func (s *source) readAll(ctx context.Context, st *store.Store) ([]row, error) {
	if s.byConversation {
		return conversations(ctx, st, s.streams[0].f)
	}
	var all []row
	err := st.Each(s.streams[0].f, func(m *domain.Mention) bool {
		all = append(all, row{m: *m})
		return len(all) < maxSorted && ctx.Err() == nil
	})
	if err == nil {
		err = ctx.Err()
	}
	slices.SortStableFunc(all, func(a, b row) int { return cmp.Compare(b.m.Author.Followers, a.m.Author.Followers) })
	return all, err
}

// ConversationKey is the conversation a mention belongs to: the one it
// was merged into (M), its direct-message partner on its platform, the
// platform's thread, or itself.
func ConversationKey(m *domain.Mention) string {
	switch {
	case m.State.Conversation != "":
		return "merged:" + m.State.Conversation
	case m.Kind == domain.KindDM:
		return "dm:" + store.DMPerson(m)
	case m.Thread != "":
		return "thread:" + string(m.Platform) + ":" + m.Thread
	}
	return "one:" + m.Key()
}

// conversations reads f's matches newest first (up to maxSorted) and
// makes one row per conversation: its newest mention, with every mention
// of it in the view as members.
func conversations(ctx context.Context, st *store.Store, f store.Filter) ([]row, error) {
	f.Oldest = false
	var rows []row
	at := map[string]int{}
	n := 0
	err := st.Each(f, func(m *domain.Mention) bool {
		if n++; n > maxSorted || ctx.Err() != nil {
			return false
		}
		k := ConversationKey(m)
		if i, ok := at[k]; ok {
			rows[i].members = append(rows[i].members, *m)
			return true
		}
		at[k] = len(rows)
		rows = append(rows, row{m: *m, members: []domain.Mention{*m}})
		return true
	})
	return rows, err
}
