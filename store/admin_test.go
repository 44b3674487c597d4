package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

func seed(t *testing.T, s *Store, n int) IngestResult {
	t.Helper()
	var batch []domain.Mention
	for i := 0; i < n; i++ {
		batch = append(batch, mention(domain.Platforms[i%4], fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("hello world %d", i)))
	}
	res, err := s.Ingest(batch)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCheckFindsDamage(t *testing.T) {
	s := openTemp(t, Options{})
	res := seed(t, s, 50)
	s.Apply("ana", res.IDs[:10], Action{Kind: domain.EventTag, Value: "vip"})
	if probs, err := s.Check(); err != nil || len(probs) != 0 {
		t.Fatalf("fresh store not consistent: %v %v", probs, err)
	}
	// damage: drop one tag index entry and bump a counter
	err := s.db.Update(func(tx *bolt.Tx) error {
		tk, _ := timekeyOf(tx, res.IDs[3])
		if err := tx.Bucket(indexByName(IndexTag).bucket).Delete(ixkey("vip", tk)); err != nil {
			return err
		}
		return tx.Bucket(bCounts).Put([]byte(counterKey(IndexPlatform, "x", domain.StatusOpen)), u64(999))
	})
	if err != nil {
		t.Fatal(err)
	}
	probs, err := s.Check()
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(probs)
	for _, want := range []string{`index tag has no entry for "vip"`, `counter "platform|x|open" is 999`, "index tag: 9 entries, the records need 10"} {
		if !strings.Contains(text, want) {
			t.Errorf("check report lacks %q:\n%s", want, text)
		}
	}
}

func TestBackupAndCompact(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := seed(t, s, 2000)
	for i := 0; i < 5; i++ { // churn to leave free pages
		s.Apply("ana", res.IDs, Action{Kind: domain.EventNote, Value: strings.Repeat("x", 200)})
	}
	bak := filepath.Join(dir, "copy.db")
	if _, err := s.Backup(bak); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats()
	if err != nil || st.Mentions != 2000 || st.InUse <= 0 || st.InUse > st.FileSize {
		t.Fatalf("stats: %+v %v", st, err)
	}
	s.Close()

	b, err := Open(bak, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if probs, _ := b.Check(); len(probs) != 0 {
		t.Fatalf("backup inconsistent: %v", probs)
	}
	bst, _ := b.Stats()
	if bst.Mentions != 2000 || bst.Events != 10000 {
		t.Fatalf("backup lost data: %d mentions %d events", bst.Mentions, bst.Events)
	}
	b.Close()

	before, after, err := Compact(path)
	if err != nil {
		t.Fatal(err)
	}
	if after > before {
		t.Fatalf("compact grew the file: %d → %d", before, after)
	}
	c, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if probs, _ := c.Check(); len(probs) != 0 {
		t.Fatalf("compacted store inconsistent: %v", probs)
	}
	if _, err := os.Stat(path + ".compacting"); !os.IsNotExist(err) {
		t.Fatalf("temporary file left behind")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(keySchema, u64(SchemaVersion+1)) })
	s.Close()
	_, err = Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "upgrade switchboard") {
		t.Fatalf("want a clear newer-schema error, got %v", err)
	}
}

func TestReadOnlyOpenOfAnOlderStoreAddsNewBuckets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	seed(t, s, 3)
	// as if written by a binary that had no tag index yet
	s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(indexByName(IndexPriority).bucket) })
	s.Close()
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of an older store: %v", err)
	}
	defer r.Close()
	if r.missingBuckets() {
		t.Fatal("buckets still missing")
	}
	if p, err := r.Query(Filter{}, "", 10); err != nil || len(p.Mentions) != 3 {
		t.Fatalf("query: %d %v", len(p.Mentions), err)
	}
}

func TestReadHandleReadsButNeitherWritesNorCloses(t *testing.T) {
	s := openTemp(t, Options{})
	res := seed(t, s, 3)
	h := s.ReadHandle()
	if p, err := h.Query(Filter{}, "", 10); err != nil || len(p.Mentions) != 3 {
		t.Fatalf("read through the handle: %d %v", len(p.Mentions), err)
	}
	if _, err := h.Apply("ana", res.IDs, Action{Kind: domain.EventTag, Value: "x"}); !errors.Is(err, ErrReadHandle) {
		t.Fatalf("write through a read handle: %v", err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("ana", res.IDs, Action{Kind: domain.EventTag, Value: "x"}); err != nil {
		t.Fatalf("the store was closed by its read handle: %v", err)
	}
}
