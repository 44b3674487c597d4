package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"switchboard/domain"
)

// The saved-replies library: the team's ready answers, by id ("r1" …).
var bReplies = []byte("saved_replies")

func init() { extraBuckets = append(extraBuckets, bReplies) }

// SaveReply adds r to the library (r.ID empty) or replaces the saved
// reply r.ID, keeping its use count, as actor (triage permission); the
// caller checks r against the policy first. It returns the reply stored.
func (s *Store) SaveReply(actor string, r domain.SavedReply) (domain.SavedReply, error) {
	if err := validLabel("actor", actor); err != nil {
		return r, err
	}
	if err := s.authorize(actor, domain.PermTriage); err != nil {
		return r, err
	}
	r.Title, r.Text = strings.TrimSpace(r.Title), strings.TrimSpace(r.Text)
	if r.Title == "" || r.Text == "" {
		return r, fmt.Errorf("a saved reply needs a title and a text")
	}
	if len(r.Text) > 16<<10 {
		return r, fmt.Errorf("a saved reply is limited to 16 KiB")
	}
	_, err := s.update(func(w *txw) error {
		b := w.tx.Bucket(bReplies)
		now := s.now()
		field := "added"
		if r.ID == "" {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			r.ID, r.CreatedBy, r.CreatedAt, r.Uses = "r"+strconv.FormatUint(seq, 10), actor, now, 0
		} else {
			old := b.Get([]byte(r.ID))
			if old == nil {
				return fmt.Errorf("%w: saved reply %s", ErrNotFound, r.ID)
			}
			var o domain.SavedReply
			if err := json.Unmarshal(old, &o); err != nil {
				return err
			}
			r.Uses, r.CreatedBy, r.CreatedAt, field = o.Uses, o.CreatedBy, o.CreatedAt, "changed"
		}
		r.UpdatedAt = now
		v, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(r.ID), v); err != nil {
			return err
		}
		_, err = w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventSavedReply, Target: r.ID, Field: field, After: r.Title})
		return err
	})
	return r, err
}

// DeleteReply removes saved reply id from the library.
func (s *Store) DeleteReply(actor, id string) error {
	if err := s.authorize(actor, domain.PermTriage); err != nil {
		return err
	}
	_, err := s.update(func(w *txw) error {
		b := w.tx.Bucket(bReplies)
		v := b.Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: saved reply %s", ErrNotFound, id)
		}
		var r domain.SavedReply
		_ = json.Unmarshal(v, &r)
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		_, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventSavedReply, Target: id, Field: "removed", Before: r.Title})
		return err
	})
	return err
}

// ReplyUsed counts one use of saved reply id (the best rise in pickers).
func (s *Store) ReplyUsed(id string) error {
	_, err := s.update(func(w *txw) error {
		b := w.tx.Bucket(bReplies)
		v := b.Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: saved reply %s", ErrNotFound, id)
		}
		var r domain.SavedReply
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		r.Uses++
		nv, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return b.Put([]byte(id), nv)
	})
	return err
}

// SavedReply is one saved reply.
func (s *Store) SavedReply(id string) (domain.SavedReply, error) {
	var r domain.SavedReply
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bReplies).Get([]byte(id))
		if v == nil {
			return fmt.Errorf("%w: saved reply %s", ErrNotFound, id)
		}
		return json.Unmarshal(v, &r)
	})
	return r, err
}

// SavedReplies is the library, most used first.
func (s *Store) SavedReplies() ([]domain.SavedReply, error) {
	var out []domain.SavedReply
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bReplies).ForEach(func(k, v []byte) error {
			var r domain.SavedReply
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("store: damaged saved reply %s: %w", k, err)
			}
			out = append(out, r)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Uses != out[j].Uses {
			return out[i].Uses > out[j].Uses
		}
		return out[i].ID < out[j].ID
	})
	return out, err
}
