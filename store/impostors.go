package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
	"switchboard/safetext"
)

// Authors flagged as impersonating the brand. The flag is stored, so the
// refusal to answer them holds in every process, whichever one ingested
// the mention: the ingest hook (Options.Impostor, the detector's rules)
// sets it for a new mention's author, an operator sets it by hand, and
// declaring an incident from an impersonation alert names the incident on
// it. Every reply, public or private, is checked against it when a draft
// is made or queued (checkRecipient) and again by the outbox just before
// it sends (CheckRecipient).

var bImpostors = []byte("impostors") // platform 0 normalised handle → Impostor JSON

func init() { extraBuckets = append(extraBuckets, bImpostors) }

// ActorDetector is the actor of flags set by the ingest hook.
const ActorDetector = "detector"

// ChangeImpostor is the Change.Kind of a flag (ID platform:handle).
const ChangeImpostor = "impostor"

// ErrImpostor wraps every refusal to answer a flagged author.
var ErrImpostor = errors.New("refused")

// Impostor is an author flagged as impersonating the brand on a platform.
type Impostor struct {
	Platform domain.Platform `json:"platform"`
	Handle   string          `json:"handle"`
	// Reason is why (the detector's one line, or the operator's words).
	Reason string `json:"reason,omitempty"`
	// Incident is the incident the impersonation is run as, if any.
	Incident string `json:"incident,omitempty"`
	// Cleared is an operator's "not an impostor" (ClearImpostor): the
	// author may be answered, and ingest does not flag them again.
	Cleared bool      `json:"cleared,omitempty"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// RefusedError is a reply refused because its recipient impersonates the
// brand; errors.Is(err, ErrImpostor) holds.
type RefusedError struct{ Impostor Impostor }

func (e *RefusedError) Error() string {
	msg := "refused: @" + strings.TrimPrefix(safetext.Line(e.Impostor.Handle), "@") + " is flagged as impersonating the brand"
	if e.Impostor.Incident != "" {
		msg += " (incident " + safetext.Line(e.Impostor.Incident) + ")"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrImpostor) true.
func (e *RefusedError) Unwrap() error { return ErrImpostor }

func impostorKey(p domain.Platform, handle string) []byte {
	h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(handle), "@"))
	return []byte(string(p) + "\x00" + h)
}

// FlagImpostor flags f.Handle on f.Platform as impersonating the brand (by
// actor, at the store's clock), or updates the flag's reason and incident.
// An operator needs domain.PermTriage.
func (s *Store) FlagImpostor(actor string, f Impostor) (Impostor, error) {
	if err := validLabel("actor", actor); err != nil {
		return Impostor{}, err
	}
	if f.Incident != "" {
		if err := validLabel("incident", f.Incident); err != nil {
			return Impostor{}, err
		}
	}
	if err := checkDraftText(f.Reason); err != nil {
		return Impostor{}, err
	}
	if actor != ActorDetector {
		if err := s.authorize(actor, domain.PermTriage); err != nil {
			return Impostor{}, err
		}
	}
	_, err := s.update(func(w *txw) error { return w.flagImpostor(actor, &f) })
	return f, err
}

// flagImpostor writes the flag f in this transaction, keeping an earlier
// flag's incident when f names none; ErrNoChange if nothing changes.
func (w *txw) flagImpostor(actor string, f *Impostor) error {
	if !f.Platform.Valid() || strings.TrimPrefix(strings.TrimSpace(f.Handle), "@") == "" {
		return fmt.Errorf("%w: an impostor needs a platform and a handle", ErrInvalid)
	}
	k := impostorKey(f.Platform, f.Handle)
	old, had, err := getImpostor(w.tx, k)
	if err != nil {
		return err
	}
	if had {
		if f.Incident == "" {
			f.Incident = old.Incident
		}
		if f.Reason == "" {
			f.Reason = old.Reason
		}
		if f.Incident == old.Incident && f.Reason == old.Reason && !old.Cleared {
			*f = old
			return ErrNoChange
		}
	}
	f.By, f.At, f.Cleared = actor, w.s.now(), false
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := w.tx.Bucket(bImpostors).Put(k, b); err != nil {
		return err
	}
	after := "impersonates the brand"
	if f.Incident != "" {
		after += " (incident " + f.Incident + ")"
	}
	if f.Reason != "" {
		after += ": " + f.Reason
	}
	if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventImpostor, Target: string(f.Platform) + ":" + f.Handle,
		Field: "impostor", After: after}); err != nil {
		return err
	}
	w.extra = append(w.extra, Change{Kind: ChangeImpostor, ID: string(f.Platform) + ":" + f.Handle})
	return nil
}

func getImpostor(tx *bolt.Tx, k []byte) (Impostor, bool, error) {
	var f Impostor
	v := tx.Bucket(bImpostors).Get(k)
	if v == nil {
		return f, false, nil
	}
	if err := json.Unmarshal(v, &f); err != nil {
		return f, false, fmt.Errorf("store: damaged impostor flag %q: %w", k, err)
	}
	return f, true, nil
}

// ClearImpostor records that handle on platform p is not an impostor
// after all (a false alarm of the detector, or a mistaken mark): replies
// to them are allowed again, and ingest does not flag them again; only
// FlagImpostor (an operator, or an incident declared from an
// impersonation alert) does. It needs domain.PermTriage; ErrNoChange when
// the author is not flagged.
func (s *Store) ClearImpostor(actor string, p domain.Platform, handle string) (Impostor, error) {
	if err := validLabel("actor", actor); err != nil {
		return Impostor{}, err
	}
	if err := s.authorize(actor, domain.PermTriage); err != nil {
		return Impostor{}, err
	}
	var f Impostor
	_, err := s.update(func(w *txw) error {
		k := impostorKey(p, handle)
		old, had, err := getImpostor(w.tx, k)
		if err != nil {
			return err
		}
		if !had || old.Cleared {
			return ErrNoChange
		}
		f = old
		f.Cleared, f.By, f.At = true, actor, w.s.now()
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		if err := w.tx.Bucket(bImpostors).Put(k, b); err != nil {
			return err
		}
		if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventImpostor, Target: string(p) + ":" + old.Handle,
			Field: "impostor", Before: "impersonates the brand", After: "cleared: not an impostor"}); err != nil {
			return err
		}
		w.extra = append(w.extra, Change{Kind: ChangeImpostor, ID: string(p) + ":" + old.Handle})
		return nil
	})
	return f, err
}

// ImpostorOf is the flag on handle on platform p, if any.
func (s *Store) ImpostorOf(p domain.Platform, handle string) (Impostor, bool, error) {
	var f Impostor
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		f, ok, err = getImpostor(tx, impostorKey(p, handle))
		return err
	})
	return f, ok, err
}

// CheckRecipient refuses (with a *RefusedError) a reply of any kind to
// the author of m when they are flagged as impersonating the brand. The
// outbox calls it just before it sends.
func (s *Store) CheckRecipient(m domain.Mention) error {
	return s.db.View(func(tx *bolt.Tx) error { return checkRecipient(tx, &m) })
}

// checkRecipient is the check of the draft path: NewDraft and QueueDraft
// call it in their transaction.
func checkRecipient(tx *bolt.Tx, m *domain.Mention) error {
	f, ok, err := getImpostor(tx, impostorKey(m.Platform, m.Author.Handle))
	if err != nil || !ok || f.Cleared {
		return err
	}
	if f.Incident == "" {
		f.Incident = m.State.IncidentID
	}
	f.Handle = m.Author.Handle // as the operator sees it on the mention
	return &RefusedError{Impostor: f}
}

// flagIfImpostor flags the author of a newly ingested mention when the
// Options.Impostor hook suspects them.
func (w *txw) flagIfImpostor(m *domain.Mention) error {
	if w.s.opts.Impostor == nil {
		return nil
	}
	sus, why := w.s.opts.Impostor(m.Author)
	if !sus {
		return nil
	}
	if _, had, err := getImpostor(w.tx, impostorKey(m.Platform, m.Author.Handle)); err != nil || had {
		return err // an earlier flag (perhaps an operator's) stays as it is
	}
	return w.flagImpostor(ActorDetector, &Impostor{Platform: m.Platform, Handle: m.Author.Handle, Reason: why})
}
