package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/domain"
)

// draftStore opens a store with one mention and role-based permissions:
// ana is an agent, lou is legal and approves for legal, lee is a lead
// (who approves for nothing).
func draftStore(t *testing.T) (*Store, domain.Mention) {
	t.Helper()
	roles := map[string]domain.Role{"ana": domain.RoleAgent, "bob": domain.RoleAgent, "lou": domain.RoleLegal, "lee": domain.RoleLead, "vic": domain.RoleViewer}
	approves := map[string][]string{"lou": {"legal"}}
	s := openTemp(t, Options{Authorize: func(actor string, p domain.Permission) error {
		if role, ok := p.ApprovalRole(); ok && slices.Contains(approves[actor], role) {
			return nil
		}
		if roles[actor].Can(p) {
			return nil
		}
		return fmt.Errorf("%s may not %s", actor, p)
	}})
	m := mention(domain.PlatformMastodon, "42", t0, "my order never arrived")
	if _, err := s.Ingest([]domain.Mention{m}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetByKey(m.Key())
	if err != nil {
		t.Fatal(err)
	}
	return s, got
}

// mk returns a helper that fails t on an error and returns the draft.
func mk(t *testing.T) func(domain.Draft, error) domain.Draft {
	return func(d domain.Draft, err error) domain.Draft {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
}

func stateEvents(t *testing.T, s *Store, id string) []string {
	t.Helper()
	evs, err := s.Events(id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Actor+" "+ev.Field+" "+ev.Before+"→"+ev.After)
	}
	return out
}

func TestDraftLifecycleToSent(t *testing.T) {
	s, m := draftStore(t)
	must := mk(t)
	d := must(s.NewDraft("ana", m.Key(), domain.VisibilityPrivate, "Hi"))
	if d.ID == "" || d.State != domain.DraftEditing || d.Version != 1 || d.Platform != domain.PlatformMastodon || d.Author != "ana" {
		t.Fatalf("new draft: %+v", d)
	}
	if got, _ := s.GetByKey(m.Key()); got.State.Drafts != 1 {
		t.Fatalf("mention shows %d drafts, want 1", got.State.Drafts)
	}
	d = must(s.EditDraft("ana", d.ID, 1, domain.VisibilityPrivate, "Hi, sorry about that."))
	if d.Version != 2 || d.Text != "Hi, sorry about that." {
		t.Fatalf("edit: %+v", d)
	}
	if _, err := s.EditDraft("ana", d.ID, 1, domain.VisibilityPrivate, "stale"); !errors.Is(err, ErrStaleDraft) {
		t.Fatalf("edit from an old version: %v", err)
	}
	d = must(s.QueueDraft("ana", d.ID, 2))
	if d.State != domain.DraftQueued {
		t.Fatalf("queued: %+v", d)
	}
	if _, err := s.EditDraft("ana", d.ID, 0, domain.VisibilityPrivate, "x"); !errors.Is(err, ErrDraftState) {
		t.Fatalf("editing a queued draft: %v", err)
	}
	d = must(s.BeginSend(d.ID))
	if d.State != domain.DraftSending || d.Attempts != 1 || !strings.HasPrefix(d.IdempotencyKey, "sb-") {
		t.Fatalf("sending: %+v", d)
	}
	// the key is stored before the network call: read back from disk
	if back, _ := s.Draft(d.ID); back.IdempotencyKey != d.IdempotencyKey || back.State != domain.DraftSending {
		t.Fatalf("stored draft lacks the key: %+v", back)
	}
	if _, err := s.CancelDraft("ana", d.ID); !errors.Is(err, ErrDraftState) {
		t.Fatalf("cancel while sending: %v", err)
	}
	d = must(s.FinishSend(d.ID, SendOutcome{State: domain.DraftSent, RemoteID: "109"}))
	if d.State != domain.DraftSent || d.RemoteID != "109" || d.SentAt.IsZero() {
		t.Fatalf("sent: %+v", d)
	}
	got, _ := s.GetByKey(m.Key())
	if got.State.Drafts != 0 || got.State.RespondedAt.IsZero() {
		t.Fatalf("mention after send: drafts %d responded %v", got.State.Drafts, got.State.RespondedAt)
	}
	want := []string{
		"ana state →draft",
		"ana text v1→v2 private, 21 bytes",
		"ana state draft→queued",
		"outbox state queued→sending",
		"outbox state sending→sent",
	}
	if got := stateEvents(t, s, d.ID); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	mevs, _ := s.Events(m.Key())
	if len(mevs) != 2 || !strings.Contains(mevs[0].After, "started") || !strings.Contains(mevs[1].After, "sent") {
		t.Fatalf("mention history: %+v", mevs)
	}
	if probs, err := s.Check(); err != nil || len(probs) > 0 {
		t.Fatalf("check: %v %v", probs, err)
	}
}

func TestDraftApprovalRoundTripAndVoiding(t *testing.T) {
	s, m := draftStore(t)
	must := mk(t)
	d := must(s.NewDraft("ana", m.Key(), domain.VisibilityPrivate, "This was our fault."))
	d = must(s.RequestApproval("ana", d.ID, d.Version, []string{"legal"}))
	if d.State != domain.DraftAwaitingApproval || d.ApprovalRole != "legal" {
		t.Fatalf("awaiting: %+v", d)
	}
	if _, err := s.QueueDraft("ana", d.ID, 0); !errors.Is(err, ErrDraftState) {
		t.Fatalf("queueing an unapproved draft: %v", err)
	}
	if _, err := s.Approve("bob", d.ID, d.Version, "ok"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("an agent approving: %v", err)
	}
	if _, err := s.Approve("lou", d.ID, d.Version+1, "ok"); !errors.Is(err, ErrStaleDraft) {
		t.Fatalf("approving another version: %v", err)
	}
	d = must(s.Approve("lou", d.ID, d.Version, "fine as written"))
	if d.State != domain.DraftApproved || d.ApprovedBy != "lou" || d.ApprovedVersion != d.Version {
		t.Fatalf("approved: %+v", d)
	}
	if roles, ok := Approved(d); !ok || roles[0] != "legal" {
		t.Fatalf("Approved = %v %v", roles, ok)
	}
	// an edit after approval voids it and the draft must go round again
	d = must(s.EditDraft("ana", d.ID, d.Version, domain.VisibilityPrivate, "This was entirely our fault."))
	if d.State != domain.DraftEditing || d.ApprovedBy != "" {
		t.Fatalf("edit after approval kept it: %+v", d)
	}
	if _, ok := Approved(d); ok {
		t.Fatal("approval survived an edit")
	}
	if _, err := s.QueueDraft("ana", d.ID, 0); !errors.Is(err, ErrDraftState) {
		t.Fatalf("queueing after a voided approval: %v", err)
	}
	d = must(s.RequestApproval("ana", d.ID, d.Version, []string{"legal"}))
	if _, err := s.Reject("lou", d.ID, d.Version, ""); err == nil {
		t.Fatal("rejection without a comment accepted")
	}
	d = must(s.Reject("lou", d.ID, d.Version, "do not admit fault"))
	if d.State != domain.DraftRejected || d.ReviewComment != "do not admit fault" {
		t.Fatalf("rejected: %+v", d)
	}
	d = must(s.EditDraft("ana", d.ID, d.Version, domain.VisibilityPrivate, "We are sorry this happened."))
	d = must(s.RequestApproval("ana", d.ID, d.Version, []string{"legal"}))
	// a lead outranks legal on the role ladder, but approving for legal
	// is not on the ladder: only an operator who approves for legal can
	if _, err := s.Approve("lee", d.ID, d.Version, ""); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "legal") {
		t.Fatalf("a lead approving for legal: %v", err)
	}
	if _, err := s.Reject("lee", d.ID, d.Version, "no"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a lead rejecting for legal: %v", err)
	}
	d = must(s.Approve("lou", d.ID, d.Version, ""))
	d = must(s.QueueDraft("ana", d.ID, d.Version))
	if d.State != domain.DraftQueued {
		t.Fatalf("queued: %+v", d)
	}
	evs, _ := s.Events(d.ID)
	var approvals []string
	for _, ev := range evs {
		if ev.Field == "approval" {
			approvals = append(approvals, ev.Actor+": "+ev.Before+"→"+ev.After)
		}
	}
	want := []string{
		"lou: →approved v1 for legal: fine as written",
		"ana: approved by lou (v1)→void: edited",
		"lou: →rejected v2 for legal: do not admit fault",
		"lou: →approved v3 for legal",
	}
	if strings.Join(approvals, "\n") != strings.Join(want, "\n") {
		t.Fatalf("approval events:\n%s", strings.Join(approvals, "\n"))
	}
}

func TestDraftAuthorCannotApproveOwnDraft(t *testing.T) {
	s, m := draftStore(t)
	must := mk(t)
	d := must(s.NewDraft("lou", m.Key(), domain.VisibilityPublic, "We will see you in court."))
	d = must(s.RequestApproval("lou", d.ID, d.Version, []string{"legal"}))
	if _, err := s.Approve("lou", d.ID, d.Version, "mine"); !errors.Is(err, ErrOwnDraft) {
		t.Fatalf("self-approval: %v", err)
	}
	if _, err := s.NewDraft("vic", m.Key(), domain.VisibilityPublic, "hi"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a viewer drafting: %v", err)
	}
}

func TestSendOutcomesRetryCancelAndHold(t *testing.T) {
	s, m := draftStore(t)
	must := mk(t)
	queued := func(text string) domain.Draft {
		d := must(s.NewDraft("ana", m.Key(), domain.VisibilityPublic, text))
		return must(s.QueueDraft("ana", d.ID, 0))
	}
	// rate limited: back to the queue with a time, same key
	d := queued("one")
	d = must(s.BeginSend(d.ID))
	key := d.IdempotencyKey
	next := t0.Add(time.Minute)
	d = must(s.FinishSend(d.ID, SendOutcome{State: domain.DraftQueued, Err: "rate limited", Retryable: true, NextAttempt: next}))
	if d.State != domain.DraftQueued || !d.NextAttempt.Equal(next) || d.LastError != "rate limited" {
		t.Fatalf("requeued: %+v", d)
	}
	d = must(s.BeginSend(d.ID))
	if d.IdempotencyKey != key || d.Attempts != 2 {
		t.Fatalf("second attempt changed the key or count: %+v", d)
	}
	// unknown, then an operator retries: same key again
	d = must(s.FinishSend(d.ID, SendOutcome{State: domain.DraftUnknown, Err: "crashed mid-send"}))
	d = must(s.RetryDraft("ana", d.ID))
	if d.State != domain.DraftQueued || d.IdempotencyKey != key || d.Attempts != 0 {
		t.Fatalf("retried: %+v", d)
	}
	// failed permanently, cancelled
	d = must(s.BeginSend(d.ID))
	d = must(s.FinishSend(d.ID, SendOutcome{State: domain.DraftFailed, Err: "rejected by platform"}))
	if d.State != domain.DraftFailed || d.Retryable {
		t.Fatalf("failed: %+v", d)
	}
	d = must(s.CancelDraft("bob", d.ID))
	if d.State != domain.DraftCancelled {
		t.Fatalf("cancelled: %+v", d)
	}
	if _, err := s.RetryDraft("ana", d.ID); !errors.Is(err, ErrDraftState) {
		t.Fatalf("retrying a cancelled draft: %v", err)
	}
	if _, err := s.FinishSend(d.ID, SendOutcome{State: domain.DraftSent}); !errors.Is(err, ErrDraftState) {
		t.Fatalf("finishing a send that never began: %v", err)
	}
	// hold writes only on change; fail from the queue
	h := queued("two")
	h = must(s.HoldDraft(h.ID, next, "no connector for mastodon"))
	if _, err := s.HoldDraft(h.ID, next, "no connector for mastodon"); !errors.Is(err, ErrNoChange) {
		t.Fatalf("same hold twice: %v", err)
	}
	h = must(s.FailDraft(h.ID, "policy blocks it", false))
	if h.State != domain.DraftFailed {
		t.Fatalf("fail from queue: %+v", h)
	}
	if got, _ := s.GetByKey(m.Key()); got.State.Drafts != 1 {
		t.Fatalf("mention counts %d open drafts, want 1 (the failed one)", got.State.Drafts)
	}
	all, _ := s.Drafts()
	failed, _ := s.Drafts(domain.DraftFailed)
	if len(all) != 2 || len(failed) != 1 || failed[0].ID != h.ID || all[0].ID != h.ID {
		t.Fatalf("lists: all %d failed %v", len(all), failed)
	}
	// the state index agrees with the records
	var every []domain.DraftState
	for _, st := range []domain.DraftState{domain.DraftEditing, domain.DraftAwaitingApproval, domain.DraftApproved, domain.DraftRejected,
		domain.DraftQueued, domain.DraftSending, domain.DraftSent, domain.DraftFailed, domain.DraftUnknown, domain.DraftCancelled} {
		every = append(every, st)
		byIndex, _ := s.Drafts(st)
		for _, d := range byIndex {
			if d.State != st {
				t.Fatalf("index lists %s under %s", d.ID, st)
			}
		}
	}
	if viaIndex, _ := s.Drafts(every...); len(viaIndex) != len(all) {
		t.Fatalf("index lists %d drafts, records %d", len(viaIndex), len(all))
	}
	for_, _ := s.DraftsFor(m.Key())
	if len(for_) != 2 || for_[0].ID != d.ID {
		t.Fatalf("DraftsFor: %+v", for_)
	}
}

func TestPauseSwitchOnlyForLeadsAndHoldsSends(t *testing.T) {
	s, m := draftStore(t)
	must := mk(t)
	d := must(s.NewDraft("ana", m.Key(), domain.VisibilityPublic, "hello"))
	d = must(s.QueueDraft("ana", d.ID, 0))
	if _, err := s.SetSendingPaused("ana", true, "crisis"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("an agent pausing: %v", err)
	}
	if _, err := s.SetSendingPaused("lou", true, "crisis"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("legal pausing: %v", err)
	}
	p, err := s.SetSendingPaused("lee", true, "suspected account takeover")
	if err != nil || !p.Paused || p.By != "lee" {
		t.Fatalf("pause: %+v %v", p, err)
	}
	if _, err := s.SetSendingPaused("lee", true, ""); !errors.Is(err, ErrNoChange) {
		t.Fatalf("pausing twice: %v", err)
	}
	if got, _ := s.SendingPause(); !got.Paused || got.Reason != "suspected account takeover" {
		t.Fatalf("read back: %+v", got)
	}
	if _, err := s.BeginSend(d.ID); !errors.Is(err, ErrSendingPaused) {
		t.Fatalf("send while paused: %v", err)
	}
	if _, err := s.SetSendingPaused("ana", false, ""); !errors.Is(err, ErrForbidden) {
		t.Fatalf("an agent resuming: %v", err)
	}
	if _, err := s.SetSendingPaused("lee", false, "all clear"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginSend(d.ID); err != nil {
		t.Fatalf("send after resume: %v", err)
	}
	evs, _ := s.Events("outbox")
	if len(evs) != 2 || evs[0].Actor != "lee" || evs[0].After != "paused: suspected account takeover" || evs[1].After != "resumed: all clear" {
		t.Fatalf("pause events: %+v", evs)
	}
}

func TestDraftFeedAndValidation(t *testing.T) {
	s, m := draftStore(t)
	must := mk(t)
	sub := s.Subscribe()
	defer sub.Close()
	d := must(s.NewDraft("ana", m.Key(), domain.VisibilityPrivate, "hi"))
	u, err := sub.Next(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Changes) != 1 || u.Changes[0] != (Change{Kind: "draft", ID: d.ID}) || len(u.Changed) != 1 || u.Changed[0] != m.ID {
		t.Fatalf("feed update: %+v", u)
	}
	if _, err := s.NewDraft("ana", "mastodon:nope", domain.VisibilityPrivate, "hi"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("draft for a missing mention: %v", err)
	}
	if _, err := s.NewDraft("ana", m.Key(), "secret", "hi"); err == nil {
		t.Fatal("unknown visibility accepted")
	}
	if _, err := s.NewDraft("ana", m.Key(), domain.VisibilityPublic, "bell\x07"); err == nil {
		t.Fatal("control character accepted")
	}
	if _, err := s.EditDraft("ana", d.ID, 0, domain.VisibilityPrivate, strings.Repeat("a", MaxDraftBytes+1)); err == nil {
		t.Fatal("oversized draft accepted")
	}
	if _, err := s.Draft("d999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing draft: %v", err)
	}
	if _, err := s.Draft("../x"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bad id: %v", err)
	}
	// several drafts per mention
	must(s.NewDraft("bob", m.Key(), domain.VisibilityPublic, "thanks"))
	if got, _ := s.GetByKey(m.Key()); got.State.Drafts != 2 {
		t.Fatalf("two drafts counted as %d", got.State.Drafts)
	}
}

// TestDraftAutosaveIsOneAuditedEditPerBurst: the composer saves twice a
// second while someone types; the audit log gets one edit event per burst,
// while the record always has the latest text and version.
func TestDraftAutosaveIsOneAuditedEditPerBurst(t *testing.T) {
	now := t0
	s := openTemp(t, Options{Now: func() time.Time { return now }})
	m := mention(domain.PlatformMastodon, "42", t0, "my order never arrived")
	s.Ingest([]domain.Mention{m})
	d := mk(t)(s.NewDraft("ana", m.Key(), domain.VisibilityPrivate, "S"))
	text := "S"
	for i := 0; i < 40; i++ { // 20 seconds of typing
		now = now.Add(500 * time.Millisecond)
		text += "o"
		d = mk(t)(s.EditDraft("ana", d.ID, d.Version, domain.VisibilityPrivate, text))
	}
	edits := func() int {
		evs, _ := s.Events(d.ID)
		n := 0
		for _, ev := range evs {
			if ev.Kind == domain.EventDraftEdit {
				n++
			}
		}
		return n
	}
	if n := edits(); n != 1 {
		t.Fatalf("20 s of typing logged %d edit events, want 1", n)
	}
	got := mk(t)(s.Draft(d.ID))
	if got.Text != text || got.Version != d.Version {
		t.Fatalf("record lags the edits: %q v%d", got.Text, got.Version)
	}
	now = now.Add(2 * time.Minute) // a pause, then more typing: a new burst
	d = mk(t)(s.EditDraft("ana", d.ID, d.Version, domain.VisibilityPrivate, text+"!"))
	d = mk(t)(s.EditDraft("bob", d.ID, d.Version, domain.VisibilityPrivate, text+"!!"))
	if n := edits(); n != 3 {
		t.Fatalf("after a pause and another operator's edit: %d edit events, want 3", n)
	}
}

func TestApprovalNeedsEveryRoleTheDraftWaitsFor(t *testing.T) {
	s, m := draftStore(t)
	must := mk(t)
	d := must(s.NewDraft("ana", m.Key(), domain.VisibilityPublic, "Sorry, and 20% off for you."))
	d = must(s.RequestApproval("ana", d.ID, d.Version, []string{"legal", "marketing-lead"}))
	// lou approves for legal only: not enough for this draft
	if err := s.MayApprove("lou", d); !errors.Is(err, ErrForbidden) {
		t.Fatalf("MayApprove with one of two roles: %v", err)
	}
	if _, err := s.Approve("lou", d.ID, d.Version, ""); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "marketing-lead") {
		t.Fatalf("approving for one of two roles: %v", err)
	}
	if got := must(s.Draft(d.ID)); got.State != domain.DraftAwaitingApproval || got.ApprovedBy != "" {
		t.Fatalf("after the refusals: %+v", got)
	}
	mine, err := s.AwaitingApprovalBy("lou")
	if err != nil || len(mine) != 0 {
		t.Fatalf("lou's queue: %v %v", mine, err)
	}
	d2 := must(s.NewDraft("ana", m.Key(), domain.VisibilityPrivate, "This was our fault."))
	d2 = must(s.RequestApproval("ana", d2.ID, d2.Version, []string{"legal"}))
	if mine, err = s.AwaitingApprovalBy("lou"); err != nil || len(mine) != 1 || mine[0].ID != d2.ID {
		t.Fatalf("lou's queue: %v %v", mine, err)
	}
	for _, who := range []string{"ana", "lee", "bob"} {
		if q, _ := s.AwaitingApprovalBy(who); len(q) != 0 {
			t.Errorf("%s's queue holds %v", who, q)
		}
	}
}
