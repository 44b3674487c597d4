package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"switchboard/domain"
)

const (
	killTotal = 20000
	killPage  = 250
)

// killItems is the deterministic stream the child ingests.
func killItems(from, to int) []domain.Mention {
	out := make([]domain.Mention, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, mention(domain.Platforms[i%5], strconv.Itoa(i), t0.Add(time.Duration(i%5000)*time.Second),
			fmt.Sprintf("mention %d about refunds and delivery in Utrecht", i)))
	}
	return out
}

// TestMain lets the test binary act as the child that gets killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("SWITCHBOARD_KILL_CHILD"); path != "" {
		s, err := Open(path, Options{Timeout: 5 * time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		cur, _ := s.Cursor("killer")
		next, _ := strconv.Atoi(cur)
		for next < killTotal {
			end := min(next+killPage, killTotal)
			if _, err := s.IngestPage("killer", killItems(next, end), strconv.Itoa(end)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(4)
			}
			next = end
		}
		s.Close()
		os.Exit(0)
	}
	code := m.Run()
	for _, f := range afterTests {
		f()
	}
	os.Exit(code)
}

// TestKillDuringIngest kills an ingesting process with SIGKILL at random
// moments, many times, and checks after each kill that the store is
// consistent, that the cursor is exactly as far as the data, and that
// finishing the stream leaves every mention exactly once.
func TestKillDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "kill.db")
	rng := rand.New(rand.NewPCG(7, 11))
	trials := 12
	for trial := 0; trial < trials; trial++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "SWITCHBOARD_KILL_CHILD="+path)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+rng.IntN(400)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() > 0 {
			t.Fatalf("trial %d: child failed on its own: %v", trial, err)
		}
		s, err := Open(path, Options{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("trial %d: reopen: %v", trial, err)
		}
		probs, err := s.Check()
		if err != nil || len(probs) > 0 {
			t.Fatalf("trial %d: store inconsistent after kill: %v %v", trial, probs, err)
		}
		cur, _ := s.Cursor("killer")
		n, _ := strconv.Atoi(cur)
		c, _ := s.Counts()
		if c.Total() != n {
			t.Fatalf("trial %d: cursor says %d mentions, store has %d", trial, n, c.Total())
		}
		s.Close()
		t.Logf("trial %d: killed with %d of %d mentions stored", trial, n, killTotal)
		if n == killTotal {
			break
		}
	}
	// finish the stream in-process and check exactly-once
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cur, _ := s.Cursor("killer")
	next, _ := strconv.Atoi(cur)
	if _, err := s.IngestPage("killer", killItems(next, killTotal), strconv.Itoa(killTotal)); err != nil {
		t.Fatal(err)
	}
	// and a full re-fetch from zero duplicates nothing
	res, err := s.Ingest(killItems(0, killTotal))
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 0 || res.Duplicates != killTotal {
		t.Fatalf("re-fetch after kills: %+v", res)
	}
	c, _ := s.Counts()
	if c.Total() != killTotal {
		t.Fatalf("store has %d mentions, want %d", c.Total(), killTotal)
	}
	if probs, _ := s.Check(); len(probs) > 0 {
		t.Fatalf("final store inconsistent: %v", probs)
	}
}
