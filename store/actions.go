package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// Action is one operator change to apply to one or more mentions.
type Action struct {
	// Kind is one of EventTag, EventUntag, EventAssign, EventRoute,
	// EventStatus, EventPriority, EventNote, EventEscalate.
	Kind  domain.EventKind
	Value string
	// Until is the end of a snooze (Kind EventStatus, Value "snoozed").
	Until time.Time
}

// ErrNoChange is returned when an action changed nothing.
var ErrNoChange = errors.New("nothing to change")

// ErrNothingToUndo is returned by Undo when the actor has no action left.
var ErrNothingToUndo = errors.New("nothing to undo")

// Apply applies one action to every mention in ids, in one transaction, and
// appends one audit event per changed mention; the events share a group so
// that Undo reverses the whole action. Mentions the action would not change
// are skipped; if none changes, ErrNoChange.
func (s *Store) Apply(actor string, ids []uint64, a Action) ([]domain.Event, error) {
	if err := validLabel("actor", actor); err != nil {
		return nil, err
	}
	if err := validateAction(a); err != nil {
		return nil, err
	}
	perm := domain.PermTriage
	if a.Kind == domain.EventEscalate {
		perm = domain.PermIncident
	}
	if err := s.authorize(actor, perm); err != nil {
		return nil, err
	}
	w, err := s.update(func(w *txw) error {
		// in time order: the state writes then arrive in key order, which
		// bbolt inserts fastest (see flushEvents)
		tks := make([][]byte, 0, len(ids))
		for _, id := range ids {
			tk, err := timekeyOf(w.tx, id)
			if err != nil {
				return fmt.Errorf("mention %d: %w", id, err)
			}
			tks = append(tks, tk)
		}
		slices.SortStableFunc(tks, bytes.Compare)
		for _, tk := range tks {
			old, err := getMention(w.tx, tk)
			if err != nil {
				return err
			}
			m := cloneMention(old)
			ev, changed := applyAction(m, a, actor, s.now())
			if !changed {
				continue
			}
			ev.Actor, ev.Target = actor, old.Key()
			if err := w.writeChange(old, m, tk, ev); err != nil {
				return err
			}
		}
		if len(w.events) == 0 {
			return ErrNoChange
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w.events, nil
}

// writeChange stores an operator action's change of m (its state only).
func (w *txw) writeChange(old, m *domain.Mention, tk []byte, ev domain.Event) error {
	w.reindex(old, m, tk)
	if err := w.putState(m, tk); err != nil {
		return err
	}
	if _, err := w.appendEvent(ev); err != nil {
		return err
	}
	w.changed = append(w.changed, m.ID)
	return nil
}

func validateAction(a Action) error {
	switch a.Kind {
	case domain.EventTag, domain.EventUntag:
		return validLabel("tag", a.Value)
	case domain.EventAssign, domain.EventRoute, domain.EventEscalate:
		if a.Value == "" {
			return nil // clears the field
		}
		return validLabel(string(a.Kind), a.Value)
	case domain.EventStatus:
		st := domain.Status(a.Value)
		if !st.Valid() {
			return fmt.Errorf("unknown status %q (open, pending, done, snoozed, spam)", a.Value)
		}
		if st == domain.StatusSnoozed && a.Until.IsZero() {
			return fmt.Errorf("snooze needs an end time")
		}
		return nil
	case domain.EventPriority:
		if a.Value == "" || !domain.Priority(a.Value).Valid() {
			return fmt.Errorf("unknown priority %q (low, normal, high, urgent)", a.Value)
		}
		return nil
	case domain.EventAnswered:
		if a.Value != "answered" {
			return fmt.Errorf("mark a mention answered with the value \"answered\"")
		}
		return nil
	case domain.EventMerge:
		if a.Value == "" {
			return nil // splits the mention off its conversation
		}
		if _, _, ok := domain.SplitMentionKey(a.Value); !ok {
			return fmt.Errorf("a conversation is named by a mention key (platform:id), not %q", a.Value)
		}
		return nil
	case domain.EventFYI:
		if a.Value != "fyi" && a.Value != "needs-reply" {
			return fmt.Errorf("mark a mention \"fyi\" or \"needs-reply\"")
		}
		return nil
	case domain.EventNote:
		if strings.TrimSpace(a.Value) == "" {
			return fmt.Errorf("a note needs text")
		}
		if len(a.Value) > 16<<10 {
			return fmt.Errorf("a note is limited to 16 KiB")
		}
		return nil
	}
	return fmt.Errorf("store: %q is not a mention action", a.Kind)
}

func cloneMention(m *domain.Mention) *domain.Mention {
	c := *m
	c.State.Tags = append([]string(nil), m.State.Tags...)
	c.State.Notes = append([]domain.Note(nil), m.State.Notes...)
	return &c
}

// statusValue encodes a status for an event: "snoozed@RFC3339" for snoozes.
func statusValue(st domain.Status, until time.Time) string {
	if st == domain.StatusSnoozed {
		return string(st) + "@" + until.UTC().Format(time.RFC3339)
	}
	return string(st)
}

// timeValue encodes a first-response time for an event ("" for none).
func timeValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTimeValue(v string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t
}

func parseStatusValue(v string) (domain.Status, time.Time) {
	st, until, ok := strings.Cut(v, "@")
	if !ok {
		return domain.Status(v), time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, until)
	return domain.Status(st), t
}

// applyAction changes m and describes the change as an event.
func applyAction(m *domain.Mention, a Action, actor string, now time.Time) (domain.Event, bool) {
	ev := domain.Event{Kind: a.Kind, Field: fieldOf(a.Kind)}
	switch a.Kind {
	case domain.EventTag:
		if m.State.HasTag(a.Value) {
			return ev, false
		}
		m.State.Tags = append(m.State.Tags, a.Value)
		ev.After = a.Value
	case domain.EventUntag:
		if !m.State.HasTag(a.Value) {
			return ev, false
		}
		m.State.Tags = removeString(m.State.Tags, a.Value)
		ev.Before = a.Value
	case domain.EventAssign:
		if m.State.Assignee == a.Value {
			return ev, false
		}
		ev.Before, ev.After = m.State.Assignee, a.Value
		m.State.Assignee = a.Value
	case domain.EventRoute:
		if m.State.Team == a.Value {
			return ev, false
		}
		ev.Before, ev.After = m.State.Team, a.Value
		m.State.Team = a.Value
	case domain.EventEscalate:
		if m.State.IncidentID == a.Value {
			return ev, false
		}
		ev.Before, ev.After = m.State.IncidentID, a.Value
		m.State.IncidentID = a.Value
	case domain.EventPriority:
		if storedPriority(m) == domain.Priority(a.Value) {
			return ev, false
		}
		ev.Before, ev.After = string(storedPriority(m)), a.Value
		m.State.Priority = domain.Priority(a.Value)
	case domain.EventStatus:
		st := domain.Status(a.Value)
		before := statusValue(storedStatus(m), m.State.SnoozedUntil)
		after := statusValue(st, a.Until)
		if before == after {
			return ev, false
		}
		ev.Before, ev.After = before, after
		m.State.Status = st
		m.State.SnoozedUntil = time.Time{}
		m.State.ResolvedAt = time.Time{}
		if st == domain.StatusDone {
			m.State.ResolvedAt = now.UTC()
		}
		if st == domain.StatusSnoozed {
			m.State.SnoozedUntil = a.Until.UTC()
		}
	case domain.EventAnswered:
		// Marked as answered outside switchboard: the first response is
		// now, unless a reply was already sent. Value "" clears the mark
		// (the inverse, for undo).
		before := timeValue(m.State.RespondedAt)
		after := a.Value
		if after == "answered" {
			if !m.State.RespondedAt.IsZero() {
				return ev, false
			}
			after = timeValue(now)
		}
		if before == after {
			return ev, false
		}
		ev.Before, ev.After = before, after
		m.State.RespondedAt = parseTimeValue(after)
	case domain.EventMerge:
		if m.State.Conversation == a.Value {
			return ev, false
		}
		ev.Before, ev.After = m.State.Conversation, a.Value
		m.State.Conversation = a.Value
	case domain.EventFYI:
		fyi := a.Value == "fyi"
		if m.State.FYI == fyi {
			return ev, false
		}
		ev.Before, ev.After = fyiValue(m.State.FYI), a.Value
		m.State.FYI = fyi
	case domain.EventNote:
		m.State.Notes = append(m.State.Notes, domain.Note{Author: actor, At: now.UTC(), Text: a.Value})
		ev.After = a.Value
	default:
		return ev, false
	}
	return ev, true
}

func fyiValue(fyi bool) string {
	if fyi {
		return "fyi"
	}
	return "needs-reply"
}

func fieldOf(k domain.EventKind) string {
	switch k {
	case domain.EventTag, domain.EventUntag:
		return "tags"
	case domain.EventAssign:
		return "assignee"
	case domain.EventRoute:
		return "team"
	case domain.EventEscalate:
		return "incident"
	case domain.EventPriority:
		return "priority"
	case domain.EventStatus:
		return "status"
	case domain.EventNote:
		return "notes"
	case domain.EventAnswered:
		return "responded_at"
	case domain.EventFYI:
		return "fyi"
	case domain.EventMerge:
		return "conversation"
	}
	return ""
}

func removeString(list []string, v string) []string {
	out := list[:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// inverse turns a recorded event into the action that reverses it, given
// the mention as it is now. ok is false when the mention has moved on (a
// later change by someone else) and undo must not clobber it.
func inverse(m *domain.Mention, ev domain.Event) (Action, bool) {
	switch ev.Kind {
	case domain.EventTag:
		return Action{Kind: domain.EventUntag, Value: ev.After}, m.State.HasTag(ev.After)
	case domain.EventUntag:
		return Action{Kind: domain.EventTag, Value: ev.Before}, !m.State.HasTag(ev.Before)
	case domain.EventAssign:
		return Action{Kind: domain.EventAssign, Value: ev.Before}, m.State.Assignee == ev.After
	case domain.EventRoute:
		return Action{Kind: domain.EventRoute, Value: ev.Before}, m.State.Team == ev.After
	case domain.EventEscalate:
		return Action{Kind: domain.EventEscalate, Value: ev.Before}, m.State.IncidentID == ev.After
	case domain.EventPriority:
		return Action{Kind: domain.EventPriority, Value: ev.Before}, string(storedPriority(m)) == ev.After
	case domain.EventAnswered:
		return Action{Kind: domain.EventAnswered, Value: ev.Before}, timeValue(m.State.RespondedAt) == ev.After
	case domain.EventFYI:
		return Action{Kind: domain.EventFYI, Value: ev.Before}, fyiValue(m.State.FYI) == ev.After
	case domain.EventMerge:
		return Action{Kind: domain.EventMerge, Value: ev.Before}, m.State.Conversation == ev.After
	case domain.EventStatus:
		st, until := parseStatusValue(ev.Before)
		return Action{Kind: domain.EventStatus, Value: string(st), Until: until},
			statusValue(storedStatus(m), m.State.SnoozedUntil) == ev.After
	}
	return Action{}, false
}

// Undo reverses actor's most recent action that is not undone yet (all the
// mentions it changed), as a new group of undo events.
func (s *Store) Undo(actor string) ([]domain.Event, error) {
	if err := s.authorize(actor, domain.PermTriage); err != nil {
		return nil, err
	}
	var group uint64
	err := s.view(func(tx *bolt.Tx) error {
		g, err := lastGroup(tx, actor)
		group = g
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.UndoGroup(actor, group)
}

// lastGroup finds actor's newest undoable group.
func lastGroup(tx *bolt.Tx, actor string) (uint64, error) { return lastGroupOf(tx, actor, nil) }

// lastGroupOf finds actor's newest undoable group of an event that keep
// accepts (any, when nil).
func lastGroupOf(tx *bolt.Tx, actor string, keep func(domain.Event) bool) (uint64, error) {
	c := tx.Bucket(bEvActor).Cursor()
	prefix := append([]byte(actor), 0)
	evs, undone := tx.Bucket(bEvents), tx.Bucket(bUndone)
	k, _ := c.Seek(append(append([]byte(nil), prefix...), bytes.Repeat([]byte{0xff}, 8)...))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(k) == len(prefix)+8; k, _ = c.Prev() {
		var ev domain.Event
		if err := json.Unmarshal(evs.Get(k[len(prefix):]), &ev); err != nil {
			return 0, fmt.Errorf("store: damaged event: %w", err)
		}
		if ev.Kind == domain.EventUndo || undone.Get(u64(ev.Group)) != nil || !undoable(ev.Kind) || keep != nil && !keep(ev) {
			continue
		}
		return ev.Group, nil
	}
	return 0, ErrNothingToUndo
}

func undoable(k domain.EventKind) bool {
	switch k {
	case domain.EventTag, domain.EventUntag, domain.EventAssign, domain.EventRoute, domain.EventEscalate,
		domain.EventPriority, domain.EventStatus, domain.EventNote, domain.EventAnswered, domain.EventFYI, domain.EventMerge,
		domain.EventLink:
		return true
	}
	return false
}

// UndoGroup reverses the mention changes of one group (any actor's, e.g. a
// routing rule's), recorded as undo events by actor. Changes that a later
// action has overwritten are left alone.
func (s *Store) UndoGroup(actor string, group uint64) ([]domain.Event, error) {
	if err := validLabel("actor", actor); err != nil {
		return nil, err
	}
	if err := s.authorize(actor, domain.PermTriage); err != nil {
		return nil, err
	}
	w, err := s.update(func(w *txw) error {
		if w.tx.Bucket(bUndone).Get(u64(group)) != nil {
			return fmt.Errorf("that action was undone already")
		}
		c := w.tx.Bucket(bEvents).Cursor()
		var evs []domain.Event
		for k, v := c.Seek(u64(group)); k != nil; k, v = c.Next() {
			var ev domain.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("store: damaged event: %w", err)
			}
			if ev.Group != group {
				break
			}
			evs = append(evs, ev)
		}
		if len(evs) == 0 {
			return ErrNothingToUndo
		}
		for i := len(evs) - 1; i >= 0; i-- {
			ev := evs[i]
			if strings.HasPrefix(ev.Target, ContactTargetPrefix) {
				if _, err := w.undoContact(actor, ev, group); err != nil {
					return err
				}
				continue
			}
			if w.tx.Bucket(bKeys).Get([]byte(ev.Target)) == nil {
				continue // not a mention's event
			}
			old, tk, err := mentionByKey(w.tx, ev.Target)
			if err != nil {
				return err
			}
			m := cloneMention(old)
			var changed bool
			if ev.Kind == domain.EventNote {
				changed = removeNote(m, ev)
			} else if a, ok := inverse(m, ev); ok {
				_, changed = applyAction(m, a, actor, s.now())
			}
			if !changed {
				continue
			}
			undo := domain.Event{Actor: actor, Kind: domain.EventUndo, Target: ev.Target, Field: ev.Field,
				Before: ev.After, After: ev.Before, Undoes: group}
			if err := w.writeChange(old, m, tk, undo); err != nil {
				return err
			}
		}
		if len(w.events) == 0 {
			return fmt.Errorf("%w: every change of that action was since changed again", ErrNoChange)
		}
		return w.tx.Bucket(bUndone).Put(u64(group), u64(w.group))
	})
	if err != nil {
		return nil, err
	}
	return w.events, nil
}

func removeNote(m *domain.Mention, ev domain.Event) bool {
	for i := len(m.State.Notes) - 1; i >= 0; i-- {
		n := m.State.Notes[i]
		if n.Text == ev.After && n.Author == ev.Actor {
			m.State.Notes = append(m.State.Notes[:i], m.State.Notes[i+1:]...)
			return true
		}
	}
	return false
}

// Events lists the audit events about one target (a mention key, an
// incident or draft id), oldest first.
func (s *Store) Events(target string) ([]domain.Event, error) {
	var out []domain.Event
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bEvTarget).Cursor()
		evs := tx.Bucket(bEvents)
		prefix := append([]byte(target), 0)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) != len(prefix)+8 {
				continue
			}
			var ev domain.Event
			if err := json.Unmarshal(evs.Get(k[len(prefix):]), &ev); err != nil {
				return fmt.Errorf("store: damaged event: %w", err)
			}
			out = append(out, ev)
		}
		return nil
	})
	return out, err
}

// Log walks the whole audit log from seq after (exclusive), oldest first,
// calling fn until it returns false.
func (s *Store) Log(after uint64, fn func(domain.Event) bool) error {
	return s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bEvents).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil; k, v = c.Next() {
			var ev domain.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("store: damaged event %d: %w", getU64(k), err)
			}
			if !fn(ev) {
				return nil
			}
		}
		return nil
	})
}

// WakeSnoozed reopens mentions whose snooze ended before now (actor
// "clock"), and returns how many it reopened.
func (s *Store) WakeSnoozed(now time.Time) (int, error) {
	var ids []uint64
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(indexByName(IndexStatus).bucket).Cursor()
		prefix := ixprefix(string(domain.StatusSnoozed))
		mb := tx.Bucket(bMentions)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			tk := k[len(prefix):]
			m, err := loadMention(tx, tk, mb.Get(tk))
			if err != nil {
				return err
			}
			if !m.State.SnoozedUntil.IsZero() && !now.Before(m.State.SnoozedUntil) {
				ids = append(ids, m.ID)
			}
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	evs, err := s.Apply("clock", ids, Action{Kind: domain.EventStatus, Value: string(domain.StatusOpen)})
	if errors.Is(err, ErrNoChange) {
		return 0, nil
	}
	return len(evs), err
}
