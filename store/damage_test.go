package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/domain"
)

// bigStore writes a store with enough mentions to span many pages and
// returns its path, closed.
func bigStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	batch := make([]domain.Mention, 0, 500)
	for i := range 4000 {
		batch = append(batch, mention(domain.PlatformX, fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second),
			fmt.Sprintf("order %d never arrived and support does not answer, I want a refund", i)))
		if len(batch) == cap(batch) {
			if _, err := s.Ingest(batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// A truncated store is refused at open with the file named and what to
// do, instead of a fault when a page past the end is read.
func TestTruncatedStoreIsAClearError(t *testing.T) {
	good := bigStore(t)
	fi, _ := os.Stat(good)
	for _, frac := range []float64{0.1, 0.3, 0.5} {
		path := filepath.Join(t.TempDir(), "cut.db")
		copyFile(t, good, path)
		if err := os.Truncate(path, int64(float64(fi.Size())*frac)/4096*4096); err != nil {
			t.Fatal(err)
		}
		for _, ro := range []bool{false, true} {
			s, err := Open(path, Options{ReadOnly: ro})
			if err == nil {
				s.Close()
				t.Fatalf("cut to %.0f%% (read-only %v): opened", frac*100, ro)
			}
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "truncated") ||
				!strings.Contains(err.Error(), "backup") {
				t.Fatalf("cut to %.0f%%: %v", frac*100, err)
			}
		}
	}
}

// Garbage written over pages in the middle of the file makes bbolt panic
// on read; the store turns that into a DamagedError, never a panic.
func TestCorruptPagesAreAnErrorNotAPanic(t *testing.T) {
	good := bigStore(t)
	fi, _ := os.Stat(good)
	pages := int(fi.Size() / 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 6 {
		path := filepath.Join(t.TempDir(), "bad.db")
		copyFile(t, good, path)
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		junk := make([]byte, 4096)
		for range 4 {
			for i := range junk {
				junk[i] = byte(r.Uint32())
			}
			f.WriteAt(junk, int64(2+r.IntN(pages-2))*4096)
		}
		f.Close()
		func() {
			s, err := Open(path, Options{})
			if err != nil {
				if !errors.Is(err, ErrDamaged) {
					t.Fatalf("corruption %d: open: %v", n, err)
				}
				return
			}
			defer s.Close()
			var errs []error
			_, err = s.Query(Filter{}, "", 5000)
			errs = append(errs, err)
			_, err = s.Check()
			errs = append(errs, err)
			_, err = s.Ingest([]domain.Mention{mention(domain.PlatformX, "new", t0, "hello")})
			errs = append(errs, err)
			for _, err := range errs {
				if err != nil && !errors.Is(err, ErrDamaged) && !strings.Contains(err.Error(), "decode") {
					t.Errorf("corruption %d: unclear error %v", n, err)
				}
			}
		}()
	}
}
