package mastodon

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// streamer is the fake server's streaming API: real WebSocket frames
// (coder/websocket's server side), one socket per stream as Mastodon and
// GoToSocial serve them.
type streamer struct {
	mu      sync.Mutex
	conns   map[*websocket.Conn]string // socket → stream ("user:notification", "hashtag:tag")
	refuse  int                        // answer the handshake with this status
	dials   int
	auths   []string
	queries []string
	up      chan string
}

func newStreamer() *streamer {
	return &streamer{conns: map[*websocket.Conn]string{}, up: make(chan string, 16)}
}

func (s *streamer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.dials++
	s.auths = append(s.auths, r.Header.Get("Authorization"))
	s.queries = append(s.queries, r.URL.RawQuery)
	refuse := s.refuse
	s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		http.Error(w, `{"error":"Error: Missing access token"}`, 401)
		return
	}
	if refuse != 0 {
		http.Error(w, `{"error":"unavailable"}`, refuse)
		return
	}
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	name := r.URL.Query().Get("stream")
	if tag := r.URL.Query().Get("tag"); tag != "" {
		name += ":" + tag
	}
	s.mu.Lock()
	s.conns[ws] = name
	s.mu.Unlock()
	s.up <- name
	ctx := ws.CloseRead(context.Background()) // answers pings, sees the close
	<-ctx.Done()
	s.mu.Lock()
	delete(s.conns, ws)
	s.mu.Unlock()
}

// send writes one event to every socket of stream, as the server does:
// the payload is the entity's JSON inside a JSON string.
func (s *streamer) send(t testing.TB, stream, event string, payload any) {
	t.Helper()
	p, _ := json.Marshal(payload)
	names := []string{stream} // ["user:notification"], ["hashtag", "tag"]
	if tag, ok := strings.CutPrefix(stream, "hashtag:"); ok {
		names = []string{"hashtag", tag}
	}
	msg, _ := json.Marshal(map[string]any{"stream": names, "event": event, "payload": string(p)})
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for ws, name := range s.conns {
		if name == stream {
			if err := ws.Write(context.Background(), websocket.MessageText, msg); err != nil {
				t.Errorf("write: %v", err)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatalf("no %s socket to send on", stream)
	}
}

// drop breaks every socket without a close frame, like a lost network.
func (s *streamer) drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ws := range s.conns {
		ws.CloseNow()
	}
}

func (s *streamer) setRefuse(code int) {
	s.mu.Lock()
	s.refuse = code
	s.mu.Unlock()
}

// liveFake is the fake Mastodon API with its streaming API on the same
// host, announced in /api/v2/instance as configuration.urls.streaming.
func liveFake(t testing.TB) (*fakeServer, *streamer) {
	f := newFake(t)
	st := newStreamer()
	inst, err := os.ReadFile("testdata/instance_v2.json")
	if err != nil {
		t.Fatal(err)
	}
	api := f.srv.Config.Handler
	f.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/streaming":
			st.serve(w, r)
		case "/api/v2/instance":
			var v map[string]any
			json.Unmarshal(inst, &v)
			v["configuration"].(map[string]any)["urls"] = map[string]any{"streaming": "ws" + strings.TrimPrefix(f.srv.URL, "http")}
			json.NewEncoder(w).Encode(v)
		default:
			api.ServeHTTP(w, r)
		}
	})
	return f, st
}

func (f *fakeServer) last() map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.notes[len(f.notes)-1]
}

func (f *fakeServer) restCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.gets)
}

func stored(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	seen := map[string]int{}
	if err := s.Each(store.Filter{}, func(m *domain.Mention) bool { seen[m.NativeID]++; return true }); err != nil {
		t.Fatal(err)
	}
	return seen
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestStreamGapBackfilled: a live connector gets a mention through the
// streaming API without a REST call; the socket then breaks and stays
// down while two mentions are posted; they are back-filled through the
// REST cursor, the stream comes back, the server sends one of them and an
// older one again (duplicates) and a new one: every mention is stored
// exactly once, nothing is lost, and the connector is live again.
func TestStreamGapBackfilled(t *testing.T) {
	f, st := liveFake(t)
	f.add(3, "mention")
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := f.client()
	c.live = true
	var mu sync.Mutex
	var pushes []store.IngestResult
	p := connectors.NewPoller(s, connectors.PollerOptions{LiveEvery: time.Hour,
		StreamMinBackoff: 20 * time.Millisecond, StreamMaxBackoff: 50 * time.Millisecond,
		OnPush: func(_ string, r store.IngestResult) { mu.Lock(); pushes = append(pushes, r); mu.Unlock() }})
	p.Add(c, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	defer func() { cancel(); <-done }()

	if got := <-st.up; got != "user:notification" {
		t.Fatalf("stream %q", got)
	}
	waitFor(t, "the catch-up of 3", func() bool { return len(stored(t, s)) == 3 })
	waitFor(t, "live", func() bool { return p.Health()["m"].Mode == connectors.ModeLive })
	rest := f.restCalls()

	// live: pushed, stored, no REST call
	f.add(1, "mention")
	st.send(t, "user:notification", "notification", f.last())
	waitFor(t, "the pushed mention", func() bool { return len(stored(t, s)) == 4 })
	if f.restCalls() != rest {
		t.Fatalf("a pushed mention made %d REST calls", f.restCalls()-rest)
	}
	// a notification that is not a mention stores nothing
	fav := note(t, 99, "favourite", "carol", "<p>liked</p>")
	st.send(t, "user:notification", "notification", fav)

	// the gap: the socket breaks and the server refuses to stream again
	st.setRefuse(503)
	st.drop()
	waitFor(t, "polling", func() bool { return p.Health()["m"].Mode == connectors.ModePolling })
	f.add(2, "mention") // posted while the stream is down
	gap := f.last()
	waitFor(t, "the back-fill of the gap", func() bool { return len(stored(t, s)) == 6 })

	// the stream comes back; the server repeats two and sends a new one
	st.setRefuse(0)
	<-st.up
	waitFor(t, "live again", func() bool { return p.Health()["m"].Mode == connectors.ModeLive })
	f.mu.Lock()
	old := f.notes[0]
	f.mu.Unlock()
	st.send(t, "user:notification", "notification", gap)
	st.send(t, "user:notification", "notification", old)
	f.add(1, "mention")
	st.send(t, "user:notification", "notification", f.last())
	waitFor(t, "the new mention after the gap", func() bool { return len(stored(t, s)) == 7 })
	waitFor(t, "three pushes after the gap", func() bool { mu.Lock(); defer mu.Unlock(); return len(pushes) == 4 })

	got := stored(t, s)
	for i := 1; i <= 7; i++ {
		if got["S"+ulid(i)] != 1 {
			t.Errorf("mention %d stored %d times", i, got["S"+ulid(i)])
		}
	}
	if len(got) != 7 {
		t.Errorf("%d mentions stored, want 7: %v", len(got), got)
	}
	mu.Lock()
	news, dups := 0, 0
	for _, r := range pushes {
		news += r.New
		dups += r.Duplicates
	}
	mu.Unlock()
	if news != 2 || dups != 2 {
		t.Errorf("pushes stored %d new and %d duplicates, want 2 and 2", news, dups)
	}
	st.mu.Lock()
	for i, a := range st.auths {
		if a != "Bearer "+testToken {
			t.Errorf("handshake %d Authorization %q", i, a)
		}
		if strings.Contains(st.queries[i], testToken) {
			t.Errorf("token in the streaming URL: %s", st.queries[i])
		}
	}
	st.mu.Unlock()
}

// TestStreamHashtagMarked: a followed hashtag is its own stream; its
// statuses are stored and marked with the tag (or the term they match).
func TestStreamHashtagMarked(t *testing.T) {
	f, st := liveFake(t)
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := f.client()
	c.live = true
	var mu sync.Mutex
	marks := map[string]string{}
	c.SetFollow(connectors.Follow{Hashtags: []string{"#acmefail"}, Terms: []string{"rocket skates"},
		Mark: func(m *domain.Mention, matched string) { mu.Lock(); marks[m.NativeID] = matched; mu.Unlock() }})
	p := connectors.NewPoller(s, connectors.PollerOptions{LiveEvery: time.Hour})
	p.Add(c, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	defer func() { cancel(); <-done }()
	ups := map[string]bool{<-st.up: true, <-st.up: true}
	if !ups["user:notification"] || !ups["hashtag:acmefail"] {
		t.Fatalf("streams %v", ups)
	}
	a := note(t, 1, "mention", "dave", "<p>#acmefail again</p>")["status"]
	b := note(t, 2, "mention", "erin", "<p>my Rocket Skates broke #acmefail</p>")["status"]
	st.send(t, "hashtag:acmefail", "update", a)
	st.send(t, "hashtag:acmefail", "update", b)
	waitFor(t, "two tagged statuses", func() bool { return len(stored(t, s)) == 2 })
	mu.Lock()
	defer mu.Unlock()
	if marks["S"+ulid(1)] != "#acmefail" || marks["S"+ulid(2)] != "rocket skates" {
		t.Fatalf("marks %v", marks)
	}
}

// TestStreamingURL: where the server says its streaming API is, checked.
func TestStreamingURL(t *testing.T) {
	api, _ := url.Parse("https://social.example")
	for given, want := range map[string]string{
		"":                                      "wss://social.example",
		"wss://streaming.social.example":        "wss://streaming.social.example",
		"https://social.example/":               "wss://social.example",
		"wss://social.example/api/v1/streaming": "wss://social.example",
	} {
		u, err := streamingBase(api, given)
		if err != nil || u.String() != want {
			t.Errorf("%q: %v %v, want %s", given, u, err, want)
		}
	}
	for _, bad := range []string{"ws://social.example", "ftp://x", "::"} {
		if _, err := streamingBase(api, bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestStreamOffPolls: without live the connector does not stream.
func TestStreamOffPolls(t *testing.T) {
	c := New("m", "https://social.example", testToken, nil)
	if err := c.Stream(context.Background(), nil); err != connectors.ErrNoStream {
		t.Fatalf("err %v", err)
	}
}
