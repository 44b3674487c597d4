package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/connectors/mastodon"
	"switchboard/domain"
	"switchboard/store"
)

// server is a local Mastodon statuses endpoint that counts posts and, like
// Mastodon, answers a repeated Idempotency-Key with the first status.
type server struct {
	mu       sync.Mutex
	posts    []time.Time       // every POST received
	statuses map[string]string // idempotency key → status id
	reply    func(n int) (int, http.Header)
	hang     chan struct{} // non-nil: POSTs wait for the client to go
	arrived  chan string   // receives each POST's key
	release  chan struct{} // closed when the test ends
	lookups  int
}

func newServer(t *testing.T) (*server, *httptest.Server) {
	s := &server{statuses: map[string]string{}, arrived: make(chan string, 16), release: make(chan struct{})}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	t.Cleanup(func() { close(s.release) }) // runs first: no handler hangs on
	return s, ts
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses":
		key := r.Header.Get("Idempotency-Key")
		io.ReadAll(r.Body) // so that the server notices the client going away
		s.mu.Lock()
		n := len(s.posts)
		s.posts = append(s.posts, time.Now())
		hang, reply := s.hang, s.reply
		s.mu.Unlock()
		s.arrived <- key
		if hang != nil {
			// the post is accepted, but the client never hears back
			s.accept(key)
			select {
			case <-r.Context().Done():
			case <-s.release:
			}
			return
		}
		if reply != nil {
			if code, h := reply(n); code != 0 {
				for k, v := range h {
					w.Header()[k] = v
				}
				w.WriteHeader(code)
				w.Write([]byte(`{"error":"Too many requests"}`))
				return
			}
		}
		id := s.accept(key)
		json.NewEncoder(w).Encode(map[string]any{"id": id, "uri": "https://social.example/s/" + id})
	case r.Method == http.MethodGet && r.URL.Path == "/test/lookup":
		s.mu.Lock()
		s.lookups++
		id, ok := s.statuses[r.URL.Query().Get("key")]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, id)
	default:
		http.NotFound(w, r)
	}
}

func (s *server) accept(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.statuses[key]; ok && key != "" {
		return id
	}
	id := fmt.Sprintf("%d", 1000+len(s.statuses))
	s.statuses[key] = id
	return id
}

func (s *server) counts() (posts, statuses int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.posts), len(s.statuses)
}

// lookupConn is the Mastodon connector plus a Reconciler that asks the
// test server whether a key was posted.
type lookupConn struct {
	*mastodon.Connector
	base string
}

func (c *lookupConn) Lookup(ctx context.Context, msg connectors.Message) (connectors.SendResult, bool, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/test/lookup?key="+msg.IdempotencyKey, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return connectors.SendResult{}, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return connectors.SendResult{}, false, nil
	}
	var id string
	fmt.Fscan(resp.Body, &id)
	return connectors.SendResult{RemoteID: id}, true, nil
}

func conn(mode, base string) connectors.Connector {
	mc := mastodon.New("masto", base, "token", nil)
	if mode == "lookup" {
		return &lookupConn{Connector: mc, base: base}
	}
	return mc
}

var tootMention = domain.Mention{Platform: domain.PlatformMastodon, NativeID: "11", Connector: "masto",
	Author: domain.Author{Handle: "@kim@social.example"}, Text: "my order never arrived", CreatedAt: t0, Lang: "en"}

// TestMain lets the test binary act as a sending process that a test
// kills with SIGKILL.
func TestMain(m *testing.M) {
	if path := os.Getenv("SWITCHBOARD_OUTBOX_CHILD"); path != "" {
		st, err := store.Open(path, store.Options{Timeout: 5 * time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		x := New(st, []connectors.Connector{conn(os.Getenv("SWITCHBOARD_OUTBOX_MODE"), os.Getenv("SWITCHBOARD_OUTBOX_SERVER"))}, Options{})
		x.Run(context.Background()) // until killed
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKilledWhileSendingNoDuplicate kills a sending process while its post
// is on the wire (the server has it but never answers), restarts, and
// counts posts on the server: never a blind second send.
func TestKilledWhileSendingNoDuplicate(t *testing.T) {
	for _, mode := range []string{"lookup", "plain"} {
		t.Run(mode, func(t *testing.T) {
			srv, ts := newServer(t)
			srv.hang = make(chan struct{})
			path := filepath.Join(t.TempDir(), "kill.db")
			st, err := store.Open(path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			st.Ingest([]domain.Mention{tootMention})
			d, _ := st.NewDraft("ana", tootMention.Key(), domain.VisibilityPrivate, "Sorry, could you send us your order number?")
			if _, err := st.QueueDraft("ana", d.ID, 0); err != nil {
				t.Fatal(err)
			}
			st.Close()

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "SWITCHBOARD_OUTBOX_CHILD="+path, "SWITCHBOARD_OUTBOX_SERVER="+ts.URL, "SWITCHBOARD_OUTBOX_MODE="+mode)
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var key string
			select {
			case key = <-srv.arrived:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatal("the child never posted")
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()

			srv.mu.Lock()
			srv.hang = nil
			srv.mu.Unlock()
			st, err = store.Open(path, store.Options{Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			got, _ := st.Draft(d.ID)
			if got.State != domain.DraftSending || got.IdempotencyKey == "" || got.IdempotencyKey != key {
				t.Fatalf("after the kill the store has %+v; the server saw key %q", got, key)
			}
			x := New(st, []connectors.Connector{conn(mode, ts.URL)}, Options{})
			if _, err := x.Recover(t.Context()); err != nil {
				t.Fatal(err)
			}
			x.Step(t.Context())
			got, _ = st.Draft(d.ID)
			posts, _ := srv.counts()
			switch mode {
			case "lookup":
				if got.State != domain.DraftSent || got.RemoteID == "" || posts != 1 || srv.lookups != 1 {
					t.Fatalf("reconciled: %+v, %d posts, %d lookups", got, posts, srv.lookups)
				}
			case "plain":
				if got.State != domain.DraftUnknown || posts != 1 {
					t.Fatalf("without a lookup: %+v, %d posts", got, posts)
				}
				// the operator decides to retry: the same key goes, and the
				// platform answers with the status it already has
				if _, err := st.RetryDraft("ana", d.ID); err != nil {
					t.Fatal(err)
				}
				x.Step(t.Context())
				got, _ = st.Draft(d.ID)
				posts, statuses := srv.counts()
				if got.State != domain.DraftSent || posts != 2 || statuses != 1 {
					t.Fatalf("after retry: %+v, %d posts, %d statuses", got, posts, statuses)
				}
				if k := <-srv.arrived; k != key {
					t.Fatalf("retry used key %q, first was %q", k, key)
				}
			}
		})
	}
}

// TestRateLimitResetHeaderIsWaitedOut runs the sender for real against a
// server that answers the first post with 429 and an X-RateLimit-Reset
// about a second ahead: the second post comes after the reset, not
// before, and there are exactly two.
func TestRateLimitResetHeaderIsWaitedOut(t *testing.T) {
	srv, ts := newServer(t)
	var reset time.Time
	srv.reply = func(n int) (int, http.Header) {
		if n > 0 {
			return 0, nil
		}
		reset = time.Now().Add(1200 * time.Millisecond)
		return http.StatusTooManyRequests, http.Header{
			"X-Ratelimit-Limit": {"300"}, "X-Ratelimit-Remaining": {"0"},
			"X-Ratelimit-Reset": {reset.UTC().Format(time.RFC3339Nano)},
		}
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "rl.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.Ingest([]domain.Mention{tootMention})
	d, _ := st.NewDraft("ana", tootMention.Key(), domain.VisibilityPublic, "Thanks for flagging this.")
	st.QueueDraft("ana", d.ID, 0)
	x := New(st, []connectors.Connector{conn("plain", ts.URL)}, Options{Idle: 50 * time.Millisecond, MinBackoff: 10 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	go x.Run(ctx)
	for {
		got, _ := st.Draft(d.ID)
		if got.State == domain.DraftSent {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("not sent: %+v", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.posts) != 2 {
		t.Fatalf("%d posts, want 2 (one 429, one after the reset)", len(srv.posts))
	}
	// the header has sub-second precision; allow for clock rounding only
	if srv.posts[1].Before(reset.Add(-10 * time.Millisecond)) {
		t.Fatalf("second post at %v, before the reset %v", srv.posts[1], reset)
	}
}
