package store

import (
	"errors"
	"testing"
	"time"

	"switchboard/domain"
)

// Closing a mention is not a response: the first-response clock keeps
// running through a close, and undoing the close leaves it as it was.
func TestCloseIsNotAResponseAndUndoKeepsTheClock(t *testing.T) {
	s := openTemp(t, Options{})
	m := mention(domain.PlatformX, "1", t0, "where is my refund")
	if _, err := s.Ingest([]domain.Mention{m}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetByKey(m.Key())
	if _, err := s.Apply("ana", []uint64{got.ID}, Action{Kind: domain.EventStatus, Value: string(domain.StatusDone)}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetByKey(m.Key())
	if got.State.Status != domain.StatusDone || !got.State.RespondedAt.IsZero() {
		t.Fatalf("after close: status %s responded_at %v, want done and no response", got.State.Status, got.State.RespondedAt)
	}
	if _, err := s.Undo("ana"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetByKey(m.Key())
	if got.State.Status != domain.StatusOpen || !got.State.RespondedAt.IsZero() {
		t.Fatalf("after undo: status %s responded_at %v", got.State.Status, got.State.RespondedAt)
	}
}

// A mention answered outside switchboard can be marked so; the mark sets
// the first response once, never moves an earlier one, and undoes.
func TestAnsweredElsewhereSetsFirstResponseOnce(t *testing.T) {
	now := t0.Add(90 * time.Minute)
	s := openTemp(t, Options{Now: func() time.Time { return now }})
	m := mention(domain.PlatformX, "1", t0, "where is my refund")
	if _, err := s.Ingest([]domain.Mention{m}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetByKey(m.Key())
	answered := Action{Kind: domain.EventAnswered, Value: "answered"}
	if _, err := s.Apply("ana", []uint64{got.ID}, answered); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetByKey(m.Key())
	if !got.State.RespondedAt.Equal(now) {
		t.Fatalf("responded_at %v, want %v", got.State.RespondedAt, now)
	}
	now = now.Add(time.Hour)
	if _, err := s.Apply("bob", []uint64{got.ID}, answered); !errors.Is(err, ErrNoChange) {
		t.Fatalf("second mark: %v, want no change", err)
	}
	if _, err := s.Undo("ana"); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.GetByKey(m.Key()); !got.State.RespondedAt.IsZero() {
		t.Fatalf("after undo responded_at %v, want none", got.State.RespondedAt)
	}
	if _, err := s.Apply("ana", []uint64{got.ID}, Action{Kind: domain.EventAnswered, Value: "2020-01-01T00:00:00Z"}); err == nil {
		t.Fatal("an operator set an arbitrary response time")
	}
}

// News articles have nobody to answer: a draft to one is refused with a
// reason instead of queuing a send that can only fail.
func TestNewsCannotBeAnswered(t *testing.T) {
	s := openTemp(t, Options{})
	n := mention(domain.PlatformNews, "https://news.example/a", t0, "Brand recalls kettles")
	n.Kind = domain.KindNews
	if _, err := s.Ingest([]domain.Mention{n}); err != nil {
		t.Fatal(err)
	}
	_, err := s.NewDraft("ana", n.Key(), domain.VisibilityPublic, "Hello")
	if !errors.Is(err, ErrNotAnswerable) {
		t.Fatalf("draft to a news article: %v, want ErrNotAnswerable", err)
	}
	if ds, _ := s.DraftsFor(n.Key()); len(ds) != 0 {
		t.Fatalf("a refused draft was stored: %+v", ds)
	}
}
