package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// Drafts and the outbox queue. A draft is one reply to one stored mention;
// its State walks the outbox state machine
//
//	draft → (awaiting_approval → approved) → queued → sending → sent | failed | unknown
//
// and every step is an audit event (kind draft or draft_edit, target the
// draft id) written in the same transaction as the change. The "pause all
// sending" switch lives here too, so that the transaction that starts a
// send is the one that checks it.

var (
	bDrafts       = []byte("drafts")        // seq(8) → draft JSON
	bDraftMention = []byte("draft_mention") // mention key 0 seq(8) → nil
	bOutbox       = []byte("outbox")        // "pause" → Pause JSON
	bDraftState   = []byte("draft_state")   // state 0 seq(8) → nil
)

var keyPause = []byte("pause")

func init() { extraBuckets = append(extraBuckets, bDrafts, bDraftMention, bOutbox, bDraftState) }

// OutboxActor is the actor of the outbox's own transitions (send attempts,
// results, reconciliation).
const OutboxActor = "outbox"

// MaxDraftBytes caps a draft's text.
const MaxDraftBytes = 16 << 10

// Errors of draft transitions.
var (
	// ErrDraftState: the draft is not in a state that allows the step.
	ErrDraftState = errors.New("draft state does not allow this")
	// ErrStaleDraft: the draft changed since the caller read it.
	ErrStaleDraft = errors.New("the draft changed since it was read")
	// ErrSendingPaused: all sending is paused by a lead.
	ErrSendingPaused = errors.New("all sending is paused")
	// ErrOwnDraft: a draft's author cannot approve it.
	ErrOwnDraft = errors.New("a draft needs another person's approval")
	// ErrNotAnswerable is a mention that cannot be replied to through
	// switchboard (a news article: there is no account to answer on).
	ErrNotAnswerable = errors.New("cannot be answered through switchboard")
)

// Pause is the "pause all sending" switch.
type Pause struct {
	Paused bool      `json:"paused"`
	By     string    `json:"by,omitempty"`
	At     time.Time `json:"at,omitzero"`
	Reason string    `json:"reason,omitempty"`
}

// DraftID is the id of the draft stored under sequence seq.
func DraftID(seq uint64) string { return "d" + strconv.FormatUint(seq, 10) }

func draftSeq(id string) (uint64, bool) {
	if !strings.HasPrefix(id, "d") {
		return 0, false
	}
	n, err := strconv.ParseUint(id[1:], 10, 64)
	return n, err == nil && n > 0
}

// openDraft reports whether d still counts as a draft of its mention.
func openDraft(st domain.DraftState) bool {
	return st != domain.DraftSent && st != domain.DraftCancelled
}

func checkDraftText(text string) error {
	if len(text) > MaxDraftBytes {
		return fmt.Errorf("a reply is limited to %d KiB", MaxDraftBytes>>10)
	}
	for _, r := range text {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("a reply cannot hold control characters")
		}
	}
	return nil
}

func checkVisibility(v domain.Visibility) error {
	if v != domain.VisibilityPublic && v != domain.VisibilityPrivate {
		return fmt.Errorf("visibility %q: want public or private", v)
	}
	return nil
}

// NewDraft starts a reply by actor to the stored mention with mentionKey.
func (s *Store) NewDraft(actor, mentionKey string, vis domain.Visibility, text string) (domain.Draft, error) {
	if err := s.checkNewDraft(actor, vis, text); err != nil {
		return domain.Draft{}, err
	}
	var d domain.Draft
	_, err := s.update(func(w *txw) error {
		m, tk, err := mentionByKey(w.tx, mentionKey)
		if err != nil {
			return fmt.Errorf("mention %s: %w", mentionKey, err)
		}
		if err := Answerable(m); err != nil {
			return err
		}
		if err := checkRecipient(w.tx, m); err != nil {
			return err
		}
		seq, err := w.tx.Bucket(bDrafts).NextSequence()
		if err != nil {
			return err
		}
		now := s.now()
		d = domain.Draft{
			ID: DraftID(seq), MentionKey: mentionKey, Platform: m.Platform, Visibility: vis, Text: text,
			Author: actor, State: domain.DraftEditing, Version: 1, CreatedAt: now, UpdatedAt: now,
		}
		if err := w.putDraft(&d, ""); err != nil {
			return err
		}
		if err := w.tx.Bucket(bDraftMention).Put(evIndexKey(mentionKey, seq), nil); err != nil {
			return err
		}
		if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventDraft, Target: d.ID, Field: "state", After: string(d.State)}); err != nil {
			return err
		}
		if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventDraft, Target: mentionKey, Field: "draft", After: d.ID + " started (" + string(vis) + ")"}); err != nil {
			return err
		}
		return w.syncMentionDrafts(m, tk, nil)
	})
	return d, err
}

// Answerable says why a mention cannot be replied to through switchboard,
// or nil: news articles have no account behind them to answer.
func Answerable(m *domain.Mention) error {
	if m.Platform == domain.PlatformNews || m.Kind == domain.KindNews {
		return fmt.Errorf("%w: %s is a news article; respond on the publisher's site or contact the author (o copies its URL)", ErrNotAnswerable, m.Key())
	}
	return nil
}

// Draft loads one draft.
func (s *Store) Draft(id string) (domain.Draft, error) {
	var d domain.Draft
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		d, err = getDraft(tx, id)
		return err
	})
	return d, err
}

// DraftsFor lists the drafts of one mention, oldest first.
func (s *Store) DraftsFor(mentionKey string) ([]domain.Draft, error) {
	var out []domain.Draft
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = draftsOf(tx, mentionKey)
		return err
	})
	return out, err
}

// DraftCount counts the drafts in any of states through the state index,
// without reading them (the outbox's queue depth for metrics).
func (s *Store) DraftCount(states ...domain.DraftState) (int, error) {
	n := 0
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bDraftState).Cursor()
		for _, st := range states {
			prefix := append([]byte(st), 0)
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				if len(k) == len(prefix)+8 {
					n++
				}
			}
		}
		return nil
	})
	return n, err
}

// Drafts lists the drafts in any of states (all drafts when none is
// given), newest first. With states it reads only those drafts, through
// the state index.
func (s *Store) Drafts(states ...domain.DraftState) ([]domain.Draft, error) {
	var out []domain.Draft
	err := s.view(func(tx *bolt.Tx) error {
		if len(states) > 0 {
			var seqs []uint64
			c := tx.Bucket(bDraftState).Cursor()
			for _, st := range states {
				prefix := append([]byte(st), 0)
				for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
					if len(k) == len(prefix)+8 {
						seqs = append(seqs, getU64(k[len(prefix):]))
					}
				}
			}
			sort.Slice(seqs, func(i, j int) bool { return seqs[i] > seqs[j] })
			for _, seq := range seqs {
				d, err := getDraft(tx, DraftID(seq))
				if err != nil {
					return err
				}
				out = append(out, d)
			}
			return nil
		}
		c := tx.Bucket(bDrafts).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var d domain.Draft
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("store: damaged draft %x: %w", k, err)
			}
			if len(states) == 0 || slices.Contains(states, d.State) {
				out = append(out, d)
			}
		}
		return nil
	})
	return out, err
}

// EditDraft replaces a draft's text and visibility. version is the
// version the editor last read (0: any); a draft changed since then is
// refused with ErrStaleDraft. Editing a draft that was waiting for, given
// or refused an approval, or that failed, returns it to the draft state:
// any edit after an approval voids it.
// editBurst is how long edits of one draft by one operator count as one
// audited edit.
const editBurst = time.Minute

func (s *Store) EditDraft(actor, id string, version int, vis domain.Visibility, text string) (domain.Draft, error) {
	if err := checkVisibility(vis); err != nil {
		return domain.Draft{}, err
	}
	if err := checkDraftText(text); err != nil {
		return domain.Draft{}, err
	}
	return s.changeDraft(actor, domain.PermDraft, id, func(w *txw, d *domain.Draft) error {
		if version != 0 && d.Version != version {
			return fmt.Errorf("%w (now version %d, edited from %d)", ErrStaleDraft, d.Version, version)
		}
		switch d.State {
		case domain.DraftEditing, domain.DraftAwaitingApproval, domain.DraftApproved, domain.DraftRejected, domain.DraftFailed:
		default:
			return fmt.Errorf("%w: a %s draft cannot be edited", ErrDraftState, d.State)
		}
		if d.Text == text && d.Visibility == vis {
			return ErrNoChange
		}
		if IsPost(*d) && vis != domain.VisibilityPublic {
			return fmt.Errorf("a post on the brand's account is public")
		}
		before := d.Version
		d.Text, d.Visibility = text, vis
		d.Version++
		// The composer saves as the operator types: one event for a burst
		// of edits (the first save after a minute's quiet, or after any
		// other event on the draft), not one per keystroke-second. The
		// draft record always holds the latest text and version, and the
		// queue and send events name the version that went.
		if last, ok := w.lastEvent(d.ID); !ok || last.Kind != domain.EventDraftEdit || last.Actor != actor ||
			w.s.now().Sub(last.At) > editBurst || d.ApprovedBy != "" {
			ev := domain.Event{Actor: actor, Kind: domain.EventDraftEdit, Target: d.ID, Field: "text",
				Before: "v" + strconv.Itoa(before), After: "v" + strconv.Itoa(d.Version) + " " + string(vis) + ", " + strconv.Itoa(len(text)) + " bytes"}
			if _, err := w.appendEvent(ev); err != nil {
				return err
			}
		}
		if d.ApprovedBy != "" {
			if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventDraft, Target: d.ID, Field: "approval",
				Before: "approved by " + d.ApprovedBy + " (v" + strconv.Itoa(d.ApprovedVersion) + ")", After: "void: edited"}); err != nil {
				return err
			}
			d.ApprovedBy, d.ApprovedVersion = "", 0
		}
		if d.State != domain.DraftEditing {
			return w.setState(actor, d, domain.DraftEditing)
		}
		return nil
	})
}

// RequestApproval sends a draft to the approval queue of roles (the roles
// the policy names, e.g. "legal").
func (s *Store) RequestApproval(actor, id string, version int, roles []string) (domain.Draft, error) {
	if len(roles) == 0 {
		return domain.Draft{}, fmt.Errorf("an approval needs a role")
	}
	for _, r := range roles {
		if err := validLabel("role", r); err != nil {
			return domain.Draft{}, err
		}
	}
	return s.changeDraft(actor, domain.PermDraft, id, func(w *txw, d *domain.Draft) error {
		if version != 0 && d.Version != version {
			return ErrStaleDraft
		}
		if d.State != domain.DraftEditing && d.State != domain.DraftRejected {
			return fmt.Errorf("%w: a %s draft cannot be sent for approval", ErrDraftState, d.State)
		}
		d.ApprovalRole = strings.Join(roles, ",")
		d.ReviewComment = ""
		return w.setState(actor, d, domain.DraftAwaitingApproval)
	})
}

// Approve signs off version of a draft waiting for approval. The author
// cannot approve their own draft; an approval is for that version only;
// actor must approve for every role the draft waits for (MayApprove).
func (s *Store) Approve(actor, id string, version int, comment string) (domain.Draft, error) {
	return s.review(actor, id, version, comment, true)
}

// Reject refuses a draft waiting for approval; the comment says why.
func (s *Store) Reject(actor, id string, version int, comment string) (domain.Draft, error) {
	if strings.TrimSpace(comment) == "" {
		return domain.Draft{}, fmt.Errorf("a rejection needs a comment saying why")
	}
	return s.review(actor, id, version, comment, false)
}

func (s *Store) review(actor, id string, version int, comment string, approve bool) (domain.Draft, error) {
	if err := checkDraftText(comment); err != nil {
		return domain.Draft{}, err
	}
	// the permission depends on the roles the draft waits for: it is
	// asked inside the transaction, of the draft as it is now
	return s.changeDraft(actor, "", id, func(w *txw, d *domain.Draft) error {
		if d.State != domain.DraftAwaitingApproval {
			return fmt.Errorf("%w: the draft is %s, not awaiting approval", ErrDraftState, d.State)
		}
		if d.Version != version {
			return fmt.Errorf("%w: it was edited (now version %d); read it again", ErrStaleDraft, d.Version)
		}
		if err := s.MayApprove(actor, *d); err != nil {
			return err
		}
		d.ReviewComment = comment
		verb, to := "rejected", domain.DraftRejected
		if approve {
			verb, to = "approved", domain.DraftApproved
			d.ApprovedBy, d.ApprovedVersion = actor, d.Version
		}
		after := verb + " v" + strconv.Itoa(d.Version) + " for " + d.ApprovalRole
		if comment != "" {
			after += ": " + comment
		}
		if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventDraft, Target: d.ID, Field: "approval", After: after}); err != nil {
			return err
		}
		return w.setState(actor, d, to)
	})
}

// Approved reports whether d carries a valid approval (for its current
// version) and for which roles.
func Approved(d domain.Draft) ([]string, bool) {
	if d.ApprovedBy == "" || d.ApprovedVersion != d.Version || d.ApprovalRole == "" {
		return nil, false
	}
	return strings.Split(d.ApprovalRole, ","), true
}

// QueueDraft puts a draft in the outbox queue. A draft that went through
// approval must carry the approval of its current version.
func (s *Store) QueueDraft(actor, id string, version int) (domain.Draft, error) {
	return s.changeDraft(actor, domain.PermDraft, id, func(w *txw, d *domain.Draft) error {
		if version != 0 && d.Version != version {
			return ErrStaleDraft
		}
		switch d.State {
		case domain.DraftEditing:
			if d.ApprovalRole != "" && d.ApprovedBy == "" {
				// edited after approval was asked: it must be asked again
				return fmt.Errorf("%w: this draft needs approval by %s; ask again", ErrDraftState, d.ApprovalRole)
			}
		case domain.DraftApproved:
			if _, ok := Approved(*d); !ok {
				return fmt.Errorf("%w: the approval is not for this version", ErrDraftState)
			}
		default:
			return fmt.Errorf("%w: a %s draft cannot be queued", ErrDraftState, d.State)
		}
		if strings.TrimSpace(d.Text) == "" {
			return fmt.Errorf("the reply is empty")
		}
		if err := w.checkDraftRecipient(d); err != nil {
			return err
		}
		d.NextAttempt, d.LastError, d.Retryable, d.Attempts = time.Time{}, "", false, 0
		return w.setState(actor, d, domain.DraftQueued)
	})
}

// checkDraftRecipient runs checkRecipient on the mention d answers (none
// for a post on the brand's own account, or a mention no longer stored).
func (w *txw) checkDraftRecipient(d *domain.Draft) error {
	if d.MentionKey == "" {
		return nil
	}
	m, _, err := mentionByKey(w.tx, d.MentionKey)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return checkRecipient(w.tx, m)
}

// RetryDraft puts a failed or unknown draft back in the queue, keeping its
// idempotency key (a platform that saw the first attempt can tell).
func (s *Store) RetryDraft(actor, id string) (domain.Draft, error) {
	return s.changeDraft(actor, domain.PermDraft, id, func(w *txw, d *domain.Draft) error {
		if d.State != domain.DraftFailed && d.State != domain.DraftUnknown {
			return fmt.Errorf("%w: only a failed or unknown send can be retried (this one is %s)", ErrDraftState, d.State)
		}
		if err := w.checkDraftRecipient(d); err != nil {
			return err
		}
		d.NextAttempt, d.Attempts, d.Retryable = time.Time{}, 0, false
		return w.setState(actor, d, domain.DraftQueued)
	})
}

// CancelDraft drops a draft or takes it out of the queue. A draft being
// sent right now, or already sent, cannot be cancelled.
func (s *Store) CancelDraft(actor, id string) (domain.Draft, error) {
	return s.changeDraft(actor, domain.PermDraft, id, func(w *txw, d *domain.Draft) error {
		switch d.State {
		case domain.DraftSending, domain.DraftSent, domain.DraftCancelled:
			return fmt.Errorf("%w: a %s draft cannot be cancelled", ErrDraftState, d.State)
		}
		return w.setState(actor, d, domain.DraftCancelled)
	})
}

// BeginSend moves a queued draft to sending, in one committed transaction
// before any network call: it stores the idempotency key (made once per
// draft) and counts the attempt. It refuses while sending is paused.
//
// overrides are the inline `policy:allow RULE "reason"` lines of the text:
// the first attempt records each as an audit event by the draft's author
// (EventPolicy, field "override": rule → reason), in the same transaction.
func (s *Store) BeginSend(id string, overrides ...PolicyOverride) (domain.Draft, error) {
	return s.BeginCheckedSend(id, "", overrides)
}

// BeginCheckedSend is BeginSend recording on the draft the policy pack
// ("id@version") whose check let it go.
func (s *Store) BeginCheckedSend(id, packVersion string, overrides []PolicyOverride) (domain.Draft, error) {
	return s.changeDraft(OutboxActor, "", id, func(w *txw, d *domain.Draft) error {
		if p, err := getPause(w.tx); err != nil {
			return err
		} else if p.Paused {
			return ErrSendingPaused
		}
		if d.State != domain.DraftQueued {
			return fmt.Errorf("%w: a %s draft is not in the queue", ErrDraftState, d.State)
		}
		if d.IdempotencyKey == "" {
			k, err := newIdempotencyKey()
			if err != nil {
				return err
			}
			d.IdempotencyKey = k
		}
		if d.Attempts == 0 {
			for _, o := range overrides {
				ev := domain.Event{Actor: d.Author, Kind: domain.EventPolicy, Target: d.ID, Field: "override", Before: o.Rule, After: o.Reason}
				if _, err := w.appendEvent(ev); err != nil {
					return err
				}
			}
		}
		d.Attempts++
		if packVersion != "" {
			d.PackVersion = packVersion
		}
		return w.setState(OutboxActor, d, domain.DraftSending)
	})
}

// PolicyOverride is one inline `policy:allow RULE "reason"` of a draft.
type PolicyOverride struct{ Rule, Reason string }

func newIdempotencyKey() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("store: idempotency key: %w", err)
	}
	return "sb-" + hex.EncodeToString(b[:]), nil
}

// SendOutcome is what happened to one send attempt (or reconciliation).
type SendOutcome struct {
	// State is DraftSent, DraftFailed, DraftUnknown, or DraftQueued for a
	// retry at NextAttempt.
	State       domain.DraftState
	RemoteID    string
	Err         string // never holds a secret
	Retryable   bool
	NextAttempt time.Time
}

// FinishSend records the outcome of the attempt BeginSend started.
func (s *Store) FinishSend(id string, o SendOutcome) (domain.Draft, error) {
	switch o.State {
	case domain.DraftSent, domain.DraftFailed, domain.DraftUnknown, domain.DraftQueued:
	default:
		return domain.Draft{}, fmt.Errorf("store: %q is not a send outcome", o.State)
	}
	return s.changeDraft(OutboxActor, "", id, func(w *txw, d *domain.Draft) error {
		if d.State != domain.DraftSending {
			return fmt.Errorf("%w: the draft is %s, not sending", ErrDraftState, d.State)
		}
		d.LastError, d.Retryable, d.NextAttempt = o.Err, o.Retryable, o.NextAttempt
		if o.State == domain.DraftSent {
			d.RemoteID, d.SentAt = o.RemoteID, s.now()
			d.LastError, d.Retryable = "", false
			if err := w.markResponded(d); err != nil {
				return err
			}
		}
		return w.setStateNote(OutboxActor, d, o.State, o.Err)
	})
}

// HoldDraft records why a queued draft waits (no connector, connector
// down, rate limit) and when to try next, without an attempt; it writes
// only when something changed.
func (s *Store) HoldDraft(id string, next time.Time, reason string) (domain.Draft, error) {
	return s.changeDraft(OutboxActor, "", id, func(w *txw, d *domain.Draft) error {
		if d.State != domain.DraftQueued {
			return fmt.Errorf("%w: the draft is %s, not queued", ErrDraftState, d.State)
		}
		if d.NextAttempt.Equal(next) && d.LastError == reason {
			return ErrNoChange
		}
		d.NextAttempt, d.LastError = next.UTC(), reason
		return nil
	})
}

// FailDraft fails a queued draft without an attempt (the policy blocks
// it, or it cannot go anywhere).
func (s *Store) FailDraft(id, reason string, retryable bool) (domain.Draft, error) {
	return s.changeDraft(OutboxActor, "", id, func(w *txw, d *domain.Draft) error {
		if d.State != domain.DraftQueued {
			return fmt.Errorf("%w: the draft is %s, not queued", ErrDraftState, d.State)
		}
		d.LastError, d.Retryable = reason, retryable
		return w.setStateNote(OutboxActor, d, domain.DraftFailed, reason)
	})
}

// changeDraft loads draft id, lets fn change it, and writes it back with
// the mention's draft count, all in one transaction. perm "" is the
// outbox's own step (no operator permission).
func (s *Store) changeDraft(actor string, perm domain.Permission, id string, fn func(w *txw, d *domain.Draft) error) (domain.Draft, error) {
	if err := validLabel("actor", actor); err != nil {
		return domain.Draft{}, err
	}
	if perm != "" {
		if err := s.authorize(actor, perm); err != nil {
			return domain.Draft{}, err
		}
	}
	var d domain.Draft
	_, err := s.update(func(w *txw) error {
		var err error
		if d, err = getDraft(w.tx, id); err != nil {
			return err
		}
		before := d.State
		if err := fn(w, &d); err != nil {
			return err
		}
		d.UpdatedAt = s.now()
		if err := w.putDraft(&d, before); err != nil {
			return err
		}
		if openDraft(before) != openDraft(d.State) {
			m, tk, err := mentionByKey(w.tx, d.MentionKey)
			if err == nil {
				return w.syncMentionDrafts(m, tk, nil)
			}
			if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		return nil
	})
	return d, err
}

// setState moves d to st with an audit event.
func (w *txw) setState(actor string, d *domain.Draft, st domain.DraftState) error {
	return w.setStateNote(actor, d, st, "")
}

func (w *txw) setStateNote(actor string, d *domain.Draft, st domain.DraftState, note string) error {
	after := string(st)
	if note != "" {
		after += ": " + note
	}
	ev := domain.Event{Actor: actor, Kind: domain.EventDraft, Target: d.ID, Field: "state", Before: string(d.State), After: after}
	d.State = st
	_, err := w.appendEvent(ev)
	return err
}

// markResponded records a sent reply on its mention: an event in its
// history and, for the first one, the response time.
func (w *txw) markResponded(d *domain.Draft) error {
	m, tk, err := mentionByKey(w.tx, d.MentionKey)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := w.appendEvent(domain.Event{Actor: OutboxActor, Kind: domain.EventDraft, Target: d.MentionKey, Field: "draft",
		After: d.ID + " sent (" + string(d.Visibility) + ")"}); err != nil {
		return err
	}
	return w.syncMentionDrafts(m, tk, func(nm *domain.Mention) {
		if nm.State.RespondedAt.IsZero() {
			nm.State.RespondedAt = w.s.now()
		}
	})
}

// syncMentionDrafts recounts the open drafts of m (reading this
// transaction's writes) and rewrites m if the count or edit changed it.
func (w *txw) syncMentionDrafts(m *domain.Mention, tk []byte, edit func(*domain.Mention)) error {
	ds, err := draftsOf(w.tx, m.Key())
	if err != nil {
		return err
	}
	n := 0
	for _, d := range ds {
		if openDraft(d.State) {
			n++
		}
	}
	nm := cloneMention(m)
	nm.State.Drafts = n
	if edit != nil {
		edit(nm)
	}
	if nm.State.Drafts == m.State.Drafts && nm.State.RespondedAt.Equal(m.State.RespondedAt) {
		return nil
	}
	// the draft count and response time are in no index: only the record changes
	if err := w.putMention(nm, tk); err != nil {
		return err
	}
	w.changed = append(w.changed, m.ID)
	return nil
}

// putDraft writes d, moving its state index entry from old ("" for a new
// draft).
func (w *txw) putDraft(d *domain.Draft, old domain.DraftState) error {
	seq, ok := draftSeq(d.ID)
	if !ok {
		return fmt.Errorf("store: bad draft id %q", d.ID)
	}
	if old != d.State {
		ix := w.tx.Bucket(bDraftState)
		if old != "" {
			if err := ix.Delete(evIndexKey(string(old), seq)); err != nil {
				return err
			}
		}
		if err := ix.Put(evIndexKey(string(d.State), seq), nil); err != nil {
			return err
		}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := w.tx.Bucket(bDrafts).Put(u64(seq), b); err != nil {
		return err
	}
	if key := remoteKey(*d); key != "" { // a thread finds our reply by it
		if err := w.tx.Bucket(bDraftRemote).Put([]byte(key), u64(seq)); err != nil {
			return err
		}
	}
	w.extra = append(w.extra, Change{Kind: "draft", ID: d.ID})
	return nil
}

func getDraft(tx *bolt.Tx, id string) (domain.Draft, error) {
	var d domain.Draft
	seq, ok := draftSeq(id)
	if !ok {
		return d, fmt.Errorf("draft %q: %w", id, ErrNotFound)
	}
	v := tx.Bucket(bDrafts).Get(u64(seq))
	if v == nil {
		return d, fmt.Errorf("draft %s: %w", id, ErrNotFound)
	}
	if err := json.Unmarshal(v, &d); err != nil {
		return d, fmt.Errorf("store: damaged draft %s: %w", id, err)
	}
	return d, nil
}

func draftsOf(tx *bolt.Tx, mentionKey string) ([]domain.Draft, error) {
	var out []domain.Draft
	prefix := append([]byte(mentionKey), 0)
	c := tx.Bucket(bDraftMention).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != len(prefix)+8 {
			continue
		}
		d, err := getDraft(tx, DraftID(getU64(k[len(prefix):])))
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}

// SendingPause reads the "pause all sending" switch.
func (s *Store) SendingPause() (Pause, error) {
	var p Pause
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		p, err = getPause(tx)
		return err
	})
	return p, err
}

func getPause(tx *bolt.Tx) (Pause, error) {
	var p Pause
	v := tx.Bucket(bOutbox).Get(keyPause)
	if v == nil {
		return p, nil
	}
	if err := json.Unmarshal(v, &p); err != nil {
		return p, fmt.Errorf("store: damaged pause switch: %w", err)
	}
	return p, nil
}

// SetSendingPaused sets or lifts the "pause all sending" switch; only an
// actor with domain.PermPause (a lead) may. A send already on the wire
// finishes; no new one starts while paused.
func (s *Store) SetSendingPaused(actor string, paused bool, reason string) (Pause, error) {
	if err := validLabel("actor", actor); err != nil {
		return Pause{}, err
	}
	if err := checkDraftText(reason); err != nil {
		return Pause{}, err
	}
	if err := s.authorize(actor, domain.PermPause); err != nil {
		return Pause{}, err
	}
	var p Pause
	_, err := s.update(func(w *txw) error {
		old, err := getPause(w.tx)
		if err != nil {
			return err
		}
		if old.Paused == paused {
			return ErrNoChange
		}
		p = Pause{Paused: paused, By: actor, At: s.now(), Reason: reason}
		b, _ := json.Marshal(p)
		if err := w.tx.Bucket(bOutbox).Put(keyPause, b); err != nil {
			return err
		}
		after := "paused"
		if !paused {
			after = "resumed"
		}
		if reason != "" {
			after += ": " + reason
		}
		if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventOutbox, Target: "outbox", Field: "sending",
			Before: strconv.FormatBool(old.Paused), After: after}); err != nil {
			return err
		}
		w.extra = append(w.extra, Change{Kind: "outbox", ID: "pause"})
		return nil
	})
	return p, err
}
