package store

import (
	"errors"
	"fmt"
	"math"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// IngestResult says what a batch did.
type IngestResult struct {
	New        int // mentions stored for the first time
	Duplicates int // already stored (platform fields refreshed if they changed)
	Updated    int // of the duplicates, how many had changed platform fields
	// IDs are the store ids of the batch's items, in order.
	IDs []uint64
}

// ErrInvalid wraps a mention that cannot be stored.
var ErrInvalid = errors.New("invalid mention")

// Validate checks the fields a mention must have to be stored.
func Validate(m *domain.Mention) error {
	switch {
	case m.Platform == "":
		return fmt.Errorf("%w: platform is missing", ErrInvalid)
	case !m.Platform.Valid():
		return fmt.Errorf("%w: unknown platform %q", ErrInvalid, m.Platform)
	case m.NativeID == "":
		return fmt.Errorf("%w: id is missing", ErrInvalid)
	case len(m.NativeID) > 512:
		return fmt.Errorf("%w: id is longer than 512 bytes", ErrInvalid)
	case m.Author.Handle == "":
		return fmt.Errorf("%w: author.handle is missing", ErrInvalid)
	case m.CreatedAt.IsZero():
		return fmt.Errorf("%w: created_at is missing", ErrInvalid)
	case m.CreatedAt.Unix() < 0 || m.CreatedAt.Unix() > math.MaxUint32:
		return fmt.Errorf("%w: created_at %s is out of range", ErrInvalid, m.CreatedAt.Format("2006-01-02"))
	case m.Kind != "" && !m.Kind.Valid():
		return fmt.Errorf("%w: unknown kind %q", ErrInvalid, m.Kind)
	case m.State.Status != "" && !m.State.Status.Valid():
		return fmt.Errorf("%w: unknown status %q", ErrInvalid, m.State.Status)
	case !m.State.Priority.Valid():
		return fmt.Errorf("%w: unknown priority %q", ErrInvalid, m.State.Priority)
	}
	for _, t := range m.State.Tags {
		if err := validLabel("tag", t); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
	}
	for _, l := range []struct{ what, v string }{{"team", m.State.Team}, {"assignee", m.State.Assignee}, {"incident", m.State.IncidentID}} {
		if l.v == "" {
			continue
		}
		if err := validLabel(l.what, l.v); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
	}
	return nil
}

// validLabel checks an operator-given label (tag, team, operator name).
func validLabel(what, v string) error {
	if v == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if len(v) > 64 {
		return fmt.Errorf("%s %q is longer than 64 bytes", what, v[:64])
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\uFFFD' {
			return fmt.Errorf("%s %q holds a control character", what, v)
		}
	}
	return nil
}

// Ingest stores a batch of mentions in one transaction.
func (s *Store) Ingest(items []domain.Mention) (IngestResult, error) {
	return s.IngestPage("", items, "")
}

// IngestPage stores a batch of mentions fetched by a connector and the
// connector's new cursor, in one transaction: a crash leaves either both or
// neither, so the cursor is never ahead of the data. Ingest is idempotent
// on (platform, native id): a mention seen before keeps its operator state
// and only its platform fields are refreshed.
func (s *Store) IngestPage(connector string, items []domain.Mention, cursor string) (IngestResult, error) {
	for i := range items {
		if err := Validate(&items[i]); err != nil {
			return IngestResult{}, fmt.Errorf("item %d (%s): %w", i, items[i].Key(), err)
		}
	}
	res := IngestResult{IDs: make([]uint64, len(items))}
	_, err := s.update(func(w *txw) error {
		res = IngestResult{IDs: res.IDs[:len(items)]}
		keys := w.tx.Bucket(bKeys)
		ids := w.tx.Bucket(bIDs)
		for _, ix := range indexes { // room for a batch's index writes
			n := len(items)
			if ix.name == IndexWord {
				n *= 24
			}
			w.ops[ix] = make([]ixop, 0, n)
		}
		batch := make(map[string]int, len(items))
		now := s.now()
		for i := range items {
			m := items[i] // a copy: the caller's slice is not changed
			key := m.Key()
			if j, ok := batch[key]; ok {
				// the same item twice in one batch: the later copy is the
				// fresher fetch, so it refreshes the first like any re-fetch
				res.IDs[i] = res.IDs[j]
				res.Duplicates++
				changed, err := w.refresh(res.IDs[j], &m, connector)
				if err != nil {
					return err
				}
				if changed {
					res.Updated++
				}
				continue
			}
			batch[key] = i
			if v := keys.Get([]byte(key)); v != nil {
				id := uint64(getU32(v))
				res.IDs[i] = id
				res.Duplicates++
				changed, err := w.refresh(id, &m, connector)
				if err != nil {
					return err
				}
				if changed {
					res.Updated++
				}
				continue
			}
			seq, err := ids.NextSequence()
			if err != nil {
				return err
			}
			if seq > math.MaxUint32 {
				return fmt.Errorf("store: mention id space exhausted")
			}
			id := uint32(seq)
			m.ID = uint64(id)
			if m.FetchedAt.IsZero() {
				m.FetchedAt = now
			}
			if m.State.Status == "" {
				m.State.Status = domain.StatusOpen
				if m.Stream != "" {
					// found by a keyword stream: not in the inbox until promoted
					m.State.Status = domain.StatusStream
				}
			}
			if m.Kind == "" {
				m.Kind = domain.KindMention
			}
			var ruleEvents []domain.Event
			given := m.State.Status
			if s.opts.Enrich != nil {
				ruleEvents = s.opts.Enrich(&m)
			}
			if m.State.Status == domain.StatusDone && given != domain.StatusDone {
				m.State.ResolvedAt = now // a rule closed it as it arrived
			}
			if err := w.flagIfImpostor(&m); err != nil {
				return err
			}
			tk := timekey(m.CreatedAt, id)
			if err := w.putMention(&m, tk); err != nil {
				return err
			}
			if err := ids.Put(u32(id), tk); err != nil {
				return err
			}
			if err := keys.Put([]byte(key), u32(id)); err != nil {
				return err
			}
			w.addIndex(&m, tk)
			if err := w.contactAdd(&m); err != nil {
				return err
			}
			if len(ruleEvents) > 0 {
				w.newGroup()
				for _, ev := range ruleEvents {
					if ev.Actor == "" {
						ev.Actor = ActorRules
					}
					ev.Target = key
					if _, err := w.appendEvent(ev); err != nil {
						return err
					}
				}
			}
			res.IDs[i] = m.ID
			res.New++
			w.added = append(w.added, m.ID)
		}
		if connector != "" {
			if err := w.tx.Bucket(bCursors).Put([]byte(connector), []byte(cursor)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return IngestResult{}, err
	}
	return res, nil
}

// ActorRules is the actor of changes made by routing rules at ingest.
const ActorRules = "rules"

// ActorIngest is the actor of a stream item's promotion when the same
// post arrives addressed to the brand (see refresh).
const ActorIngest = "ingest"

// refresh updates the platform fields of a stored mention from a new fetch
// of it. Operator state, creation time and sentiment stay as they are,
// with one exception: an item waiting in a keyword stream that a
// connector now fetches as addressed to the brand (a notification: no
// stream) is promoted to the inbox, as an event by ActorIngest. An item
// first stored as a notification and found by a stream later keeps its
// state and records the stream's name.
func (w *txw) refresh(id uint64, m *domain.Mention, connector string) (bool, error) {
	tk, err := timekeyOf(w.tx, id)
	if err != nil {
		return false, err
	}
	old, err := getMention(w.tx, tk)
	if err != nil {
		return false, err
	}
	nm := *old
	nm.URL, nm.Author, nm.Text, nm.Lang = pick(m.URL, old.URL), m.Author, m.Text, pick(m.Lang, old.Lang)
	nm.InReplyTo, nm.Thread = pick(m.InReplyTo, old.InReplyTo), pick(m.Thread, old.Thread)
	if m.Kind != "" {
		nm.Kind = m.Kind
	}
	nm.Stream = pick(old.Stream, m.Stream)
	promote := connector != "" && m.Stream == "" && old.State.Status == domain.StatusStream
	if promote {
		nm.State.Status = domain.StatusOpen
	}
	if nm.URL == old.URL && nm.Author == old.Author && nm.Text == old.Text && nm.Lang == old.Lang &&
		nm.InReplyTo == old.InReplyTo && nm.Thread == old.Thread && nm.Kind == old.Kind && nm.Stream == old.Stream && !promote {
		return false, nil
	}
	if promote {
		w.newGroup()
		if _, err := w.appendEvent(domain.Event{Actor: ActorIngest, Kind: domain.EventStatus, Target: old.Key(), Field: "status",
			Before: string(domain.StatusStream), After: string(domain.StatusOpen)}); err != nil {
			return false, err
		}
	}
	if !m.FetchedAt.IsZero() {
		nm.FetchedAt = m.FetchedAt
	} else {
		nm.FetchedAt = w.s.now()
	}
	w.reindex(old, &nm, tk)
	if err := w.contactRefresh(old, &nm); err != nil {
		return false, err
	}
	if err := w.putMention(&nm, tk); err != nil {
		return false, err
	}
	w.changed = append(w.changed, id)
	return true, nil
}

func pick(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Cursor is the stored cursor of a connector ("" if none yet).
func (s *Store) Cursor(connector string) (string, error) {
	var c string
	err := s.view(func(tx *bolt.Tx) error {
		c = string(tx.Bucket(bCursors).Get([]byte(connector)))
		return nil
	})
	return c, err
}

func getU32(b []byte) uint32 {
	if len(b) != 4 {
		return 0
	}
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
