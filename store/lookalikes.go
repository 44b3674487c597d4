package store

import (
	"encoding/json"
	"errors"
	"strings"

	"switchboard/domain"
)

// Lookalike is an account the look-alike watch found by searching a
// platform's accounts for the brand's names, with the detector's reason.
type Lookalike struct {
	Author domain.Author
	Reason string
}

// RecordLookalikes keeps what one connector's account search found: each
// suspect not seen before (and not cleared by an operator as "not an
// impostor") raises a look-alike alert and is flagged as impersonating
// the brand, in one transaction, so nobody answers them. The alert id is
// derived from the platform and handle: an account is alerted once,
// whichever connector or search finds it again.
func (s *Store) RecordLookalikes(connector string, p domain.Platform, found []Lookalike) ([]domain.AccountAlert, error) {
	if err := validLabel("connector", connector); err != nil {
		return nil, err
	}
	var out []domain.AccountAlert
	_, err := s.update(func(w *txw) error {
		out = out[:0]
		ab := w.tx.Bucket(bAccountAlerts)
		now := w.s.now()
		for _, l := range found {
			h := strings.TrimSpace(l.Author.Handle)
			if h == "" {
				continue
			}
			id := accountAlertID(string(p), "lookalike", strings.ToLower(strings.TrimPrefix(h, "@")))
			if ab.Get([]byte(id)) != nil {
				continue
			}
			if old, had, err := getImpostor(w.tx, impostorKey(p, h)); err != nil {
				return err
			} else if had && old.Cleared {
				continue // an operator said this one is not an impostor
			}
			a := domain.AccountAlert{ID: id, Kind: domain.AlertLookalike, Platform: p, Connector: connector, Handle: h,
				Text: l.Author.Name, Reasons: []string{l.Reason}, DetectedAt: now}
			b, err := json.Marshal(a)
			if err != nil {
				return err
			}
			if err := ab.Put([]byte(id), b); err != nil {
				return err
			}
			w.newGroup()
			if _, err := w.appendEvent(domain.Event{Actor: ActorDetector, Kind: domain.EventIncident, Target: id,
				Field: FieldAccountAlert, After: AccountAlertTitle(a)}); err != nil {
				return err
			}
			f := Impostor{Platform: p, Handle: h, Reason: "found by account search: " + l.Reason}
			if err := w.flagImpostor(ActorDetector, &f); err != nil && !errors.Is(err, ErrNoChange) {
				return err
			}
			w.extra = append(w.extra, Change{Kind: ChangeAccountAlert, ID: id})
			out = append(out, a)
		}
		return nil
	})
	return out, err
}
