package store

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

// schema1 turns the store at path back into what a schema 1 binary wrote:
// no kind, lang or followers index and no counters of them.
func schema1(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{IndexKind, IndexLang, IndexFollowers} {
			if err := tx.DeleteBucket(indexByName(name).bucket); err != nil {
				return err
			}
			c := tx.Bucket(bCounts).Cursor()
			prefix := []byte(name + "\x00")
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bMeta).Put(keySchema, u64(1))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSchema1StoreUpgradesOnOpen opens a store as a schema 1 binary left it,
// read-only (as `mentions list` does) and read-write: the first open fills
// the new indexes and their counters from the records, `db check` finds
// them whole, the file says schema 2, and queries that use them find what
// they find in a store made new.
func TestSchema1StoreUpgradesOnOpen(t *testing.T) {
	for _, ro := range []bool{true, false} {
		t.Run(fmt.Sprintf("readonly=%v", ro), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var batch []domain.Mention
			for i := range 60 {
				m := mention(domain.Platforms[i%4], fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("hello world %d", i))
				m.Kind = domain.Kinds[i%len(domain.Kinds)]
				m.Lang = []string{"en", "nl-BE", "de", ""}[i%4]
				m.Author.Followers = int64(i * i * 37)
				batch = append(batch, m)
			}
			if _, err := s.Ingest(batch); err != nil {
				t.Fatal(err)
			}
			want, err := s.Counts()
			if err != nil {
				t.Fatal(err)
			}
			wantDM := queryIDs(t, s, Filter{Kinds: []domain.Kind{domain.KindDM}, Langs: []string{"nl"}})
			s.Close()
			schema1(t, path)

			s, err = Open(path, Options{ReadOnly: ro})
			if err != nil {
				t.Fatalf("open a schema 1 store: %v", err)
			}
			defer s.Close()
			got, err := s.Counts()
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{IndexKind, IndexLang, IndexFollowers} {
				if len(want[name]) == 0 || fmt.Sprint(got[name]) != fmt.Sprint(want[name]) {
					t.Errorf("%s counters after the upgrade: %v, a new store: %v", name, got[name], want[name])
				}
			}
			if probs, err := s.Check(); err != nil || len(probs) != 0 {
				t.Fatalf("db check after the upgrade: %v %v", probs, err)
			}
			if gotDM := queryIDs(t, s, Filter{Kinds: []domain.Kind{domain.KindDM}, Langs: []string{"nl"}}); len(wantDM) == 0 || !slices.Equal(gotDM, wantDM) {
				t.Fatalf("kind:dm lang:nl after the upgrade: %v, a new store: %v", gotDM, wantDM)
			}
			var v uint64
			s.view(func(tx *bolt.Tx) error { v = getU64(tx.Bucket(bMeta).Get(keySchema)); return nil })
			if v != SchemaVersion {
				t.Fatalf("schema after the upgrade: %d, want %d", v, SchemaVersion)
			}
		})
	}
}

func queryIDs(t *testing.T, s *Store, f Filter) []uint64 {
	t.Helper()
	ids, err := s.IDs(f)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestActionWritesStateNotRecord: an action changes the mention's state
// without rewriting its record (the bulk action's cost), every read sees
// the new state, undo restores it, and a refetch that writes the record
// whole folds the state back into it.
func TestActionWritesStateNotRecord(t *testing.T) {
	s := openTemp(t, Options{})
	res := seed(t, s, 5)
	id := res.IDs[2]
	raw := func() (rec, st []byte) {
		s.view(func(tx *bolt.Tx) error {
			tk, _ := timekeyOf(tx, id)
			rec = append([]byte(nil), tx.Bucket(bMentions).Get(tk)...)
			if v := tx.Bucket(bState).Get(tk); v != nil {
				st = append([]byte(nil), v...)
			}
			return nil
		})
		return rec, st
	}
	before, _ := raw()
	if _, err := s.Apply("ana", []uint64{id}, Action{Kind: domain.EventStatus, Value: string(domain.StatusDone)}); err != nil {
		t.Fatal(err)
	}
	after, st := raw()
	if !bytes.Equal(before, after) || st == nil {
		t.Fatalf("the action rewrote the record (%v) or wrote no state (%s)", !bytes.Equal(before, after), st)
	}
	m, err := s.Get(id)
	if err != nil || m.State.Status != domain.StatusDone || m.State.ResolvedAt.IsZero() {
		t.Fatalf("Get after close: %+v %v", m.State, err)
	}
	if ids := queryIDs(t, s, Filter{Status: []domain.Status{domain.StatusDone}}); !slices.Equal(ids, []uint64{id}) {
		t.Fatalf("is:done finds %v", ids)
	}
	if _, err := s.Undo("ana"); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Get(id); m.State.Status != "" && m.State.Status != domain.StatusOpen {
		t.Fatalf("after undo: %q", m.State.Status)
	}
	if _, err := s.Apply("ana", []uint64{id}, Action{Kind: domain.EventTag, Value: "vip"}); err != nil {
		t.Fatal(err)
	}
	m, _ = s.Get(id)
	m.Text = "hello world, edited"
	if _, err := s.Ingest([]domain.Mention{m}); err != nil {
		t.Fatal(err)
	}
	rec, st := raw()
	if st != nil || !bytes.Contains(rec, []byte(`"vip"`)) || !bytes.Contains(rec, []byte("edited")) {
		t.Fatalf("after a refetch the record should hold the state and no state be left apart: %s / %s", rec, st)
	}
	if probs, err := s.Check(); err != nil || len(probs) != 0 {
		t.Fatalf("db check: %v %v", probs, err)
	}
}
