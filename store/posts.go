package store

import (
	"fmt"

	"switchboard/domain"
)

// NewPost starts a post by actor on the brand's own account on platform
// p: a draft that answers no mention (MentionKey ""), always public, which
// walks the same outbox state machine as a reply (approval, queue, send).
// A crisis holding statement goes out this way, to everyone at once, and
// never as a reply to whoever raised the alarm (perhaps the impostor).
func (s *Store) NewPost(actor string, p domain.Platform, text string) (domain.Draft, error) {
	if !p.Valid() || p == domain.PlatformNews {
		return domain.Draft{}, fmt.Errorf("the brand has no account to post on for %q", p)
	}
	if err := s.checkNewDraft(actor, domain.VisibilityPublic, text); err != nil {
		return domain.Draft{}, err
	}
	var d domain.Draft
	_, err := s.update(func(w *txw) error {
		seq, err := w.tx.Bucket(bDrafts).NextSequence()
		if err != nil {
			return err
		}
		now := s.now()
		d = domain.Draft{ID: DraftID(seq), Platform: p, Visibility: domain.VisibilityPublic, Text: text,
			Author: actor, State: domain.DraftEditing, Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := w.putDraft(&d, ""); err != nil {
			return err
		}
		_, err = w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventDraft, Target: d.ID, Field: "state",
			After: string(d.State) + " (post on the " + string(p) + " account)"})
		return err
	})
	return d, err
}

// checkNewDraft checks what every new draft, reply or post, needs: an
// actor allowed to draft, a visibility, a text within bounds.
func (s *Store) checkNewDraft(actor string, vis domain.Visibility, text string) error {
	if err := validLabel("actor", actor); err != nil {
		return err
	}
	if err := checkVisibility(vis); err != nil {
		return err
	}
	if err := checkDraftText(text); err != nil {
		return err
	}
	return s.authorize(actor, domain.PermDraft)
}

// IsPost reports whether d is a post on the brand's account (no mention
// answered).
func IsPost(d domain.Draft) bool { return d.MentionKey == "" }
