package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// fakeJetstream is a local Jetstream: GET /subscribe upgrades to a
// WebSocket (real frames, coder/websocket's server side), replays the
// events at or after ?cursor= and then sends new ones as they are added;
// with close set it closes normally after the replay (a benchmark run).
type fakeJetstream struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	events [][]byte
	times  []int64
	conns  map[*websocket.Conn]bool
	asked  []url.Values
	refuse bool
	close  bool
	up     chan url.Values
}

func newFakeJetstream(t testing.TB) *fakeJetstream {
	j := &fakeJetstream{t: t, conns: map[*websocket.Conn]bool{}, up: make(chan url.Values, 16)}
	j.srv = httptest.NewServer(http.HandlerFunc(j.serve))
	t.Cleanup(j.srv.Close)
	return j
}

func (j *fakeJetstream) url() string { return "ws" + strings.TrimPrefix(j.srv.URL, "http") }

func (j *fakeJetstream) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/subscribe" {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	j.mu.Lock()
	j.asked = append(j.asked, q)
	refuse := j.refuse
	j.mu.Unlock()
	if refuse {
		http.Error(w, "unavailable", 503)
		return
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	cursor, _ := strconv.ParseInt(q.Get("cursor"), 10, 64)
	ctx := context.Background()
	j.mu.Lock()
	for i, ev := range j.events {
		if j.times[i] >= cursor {
			if err := ws.Write(ctx, websocket.MessageText, ev); err != nil {
				j.mu.Unlock()
				return
			}
		}
	}
	if j.close {
		j.mu.Unlock()
		ws.Close(websocket.StatusNormalClosure, "replayed")
		return
	}
	j.conns[ws] = true
	j.mu.Unlock()
	j.up <- q
	rctx := ws.CloseRead(ctx)
	<-rctx.Done()
	j.mu.Lock()
	delete(j.conns, ws)
	j.mu.Unlock()
}

// add records events and sends them to the connected consumers.
func (j *fakeJetstream) add(evs ...map[string]any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, ev := range evs {
		b, _ := json.Marshal(ev)
		j.events = append(j.events, b)
		j.times = append(j.times, ev["time_us"].(int64))
		for ws := range j.conns {
			ws.Write(context.Background(), websocket.MessageText, b)
		}
	}
}

func (j *fakeJetstream) drop(refuse bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.refuse = refuse
	for ws := range j.conns {
		ws.CloseNow()
	}
}

func (j *fakeJetstream) allow() {
	j.mu.Lock()
	j.refuse = false
	j.mu.Unlock()
}

var jetBase = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC).UnixMicro()

// jetPost is a commit event as Jetstream sends it for a new post; the
// record is the app.bsky.feed.post lexicon's.
func jetPost(i int, author, text string, facets []any, reply map[string]any) map[string]any {
	rec := map[string]any{"$type": "app.bsky.feed.post", "text": text, "langs": []string{"en"},
		"createdAt": time.UnixMicro(jetBase + int64(i)*500_000).UTC().Format(time.RFC3339Nano)}
	if facets != nil {
		rec["facets"] = facets
	}
	if reply != nil {
		rec["reply"] = reply
	}
	return map[string]any{"did": author, "time_us": jetBase + int64(i)*500_000, "kind": "commit",
		"commit": map[string]any{"rev": fmt.Sprintf("3l3qo2vuowo%02d", i), "operation": "create", "collection": "app.bsky.feed.post",
			"rkey": fmt.Sprintf("3l3qo2vutsw%02d", i), "record": rec, "cid": "bafyreidc6sydkkbchcyg62v77wbhzvb2mvytlmsychqgwf2xojjtirmzj4"}}
}

func mentionFacet(did string, start, end int) []any {
	return []any{map[string]any{"$type": "app.bsky.richtext.facet", "index": map[string]any{"byteStart": start, "byteEnd": end},
		"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#mention", "did": did}}}}
}

func brandReply() map[string]any {
	ref := map[string]any{"uri": "at://" + testDID + "/app.bsky.feed.post/3kbrandpost01", "cid": "bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"}
	return map[string]any{"root": ref, "parent": ref}
}

func jetIdentity(i int) map[string]any {
	return map[string]any{"did": "did:plc:someone", "time_us": jetBase + int64(i)*500_000, "kind": "identity",
		"identity": map[string]any{"did": "did:plc:someone", "handle": "someone.bsky.social", "seq": 1409752997, "time": "2024-09-05T06:11:04.870Z"}}
}

func postKey(i int, author string) string {
	return fmt.Sprintf("at://%s/app.bsky.feed.post/3l3qo2vutsw%02d", author, i)
}

// TestJetstreamResume: mentions (a mention facet with the account's DID,
// a reply to its post, a followed term) are stored from Jetstream with
// the author's handle; other posts, the account's own and non-commit
// events are not. After a break the consumer resumes from the stored
// time_us minus the overlap: the post made during the break is stored,
// the replayed ones are not stored twice.
func TestJetstreamResume(t *testing.T) {
	pds := newFakePDS(t)
	js := newFakeJetstream(t)
	c := pds.connector(t, t.TempDir())
	c.live, c.jetstream = true, js.url()
	var mu sync.Mutex
	marks := map[string]string{}
	c.SetFollow(connectors.Follow{Terms: []string{"rocket skates"},
		Mark: func(m *domain.Mention, term string) { mu.Lock(); marks[m.NativeID] = term; mu.Unlock() }})
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var pushes []store.IngestResult
	p := connectors.NewPoller(s, connectors.PollerOptions{LiveEvery: time.Hour,
		StreamMinBackoff: 20 * time.Millisecond, StreamMaxBackoff: 50 * time.Millisecond,
		OnPush: func(_ string, r store.IngestResult) {
			mu.Lock()
			if len(r.IDs) > 0 {
				pushes = append(pushes, r)
			}
			mu.Unlock()
		}})
	p.Add(c, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	defer func() { cancel(); <-done }()

	q := <-js.up
	if q.Get("wantedCollections") != "app.bsky.feed.post" || q.Has("cursor") {
		t.Fatalf("first subscribe %v", q)
	}
	a1, a2 := "did:plc:author1", "did:plc:author2"
	js.add(
		jetPost(1, a1, "nothing to do with anyone", nil, nil),
		jetPost(2, a1, "@brand.example.com where is my order?", mentionFacet(testDID, 0, 18), nil),
		jetIdentity(3),
		jetPost(4, testDID, "our own post about "+testDID, nil, nil),
		jetPost(5, a2, "thanks, that helped", nil, brandReply()),
		jetPost(6, a2, "my Rocket Skates broke", nil, nil),
		jetPost(7, a1, "rocketskates are fine", nil, nil), // not the term: no word boundary
	)
	waitStored := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for len(countStored(t, s)) != n {
			if time.Now().After(deadline) {
				t.Fatalf("stored %v, want %d", countStored(t, s), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitStored(3)
	m, err := s.GetByKey(domain.MentionKey(domain.PlatformBluesky, postKey(2, a1)))
	if err != nil {
		t.Fatal(err)
	}
	if m.Author.Handle != "author1.bsky.social" || m.Author.Followers != 2000 || m.Kind != domain.KindMention ||
		m.URL != "https://bsky.app/profile/author1.bsky.social/post/3l3qo2vutsw02" || m.Connector != "bsky-main" {
		t.Fatalf("mention %+v", m)
	}
	if r, _ := s.GetByKey(domain.MentionKey(domain.PlatformBluesky, postKey(5, a2))); r.Kind != domain.KindReply || r.InReplyTo == "" {
		t.Fatalf("reply %+v", r)
	}
	mu.Lock()
	if marks[postKey(6, a2)] != "rocket skates" || len(marks) != 1 {
		t.Fatalf("marks %v", marks)
	}
	mu.Unlock()

	// the break: a mention is posted while the consumer is away
	js.drop(true)
	deadline := time.Now().Add(10 * time.Second)
	for p.Health()["bsky-main"].Mode != connectors.ModePolling {
		if time.Now().After(deadline) {
			t.Fatal("never polling after the break")
		}
		time.Sleep(5 * time.Millisecond)
	}
	saved, _ := s.Cursor(connectors.StreamCursorKey("bsky-main"))
	if want := strconv.FormatInt(jetBase+7*500_000, 10); saved != want {
		t.Fatalf("stream cursor %q, want %s (the last event's time_us)", saved, want)
	}
	js.add(jetPost(8, a2, "@brand.example.com still waiting", mentionFacet(testDID, 0, 18), nil))
	js.allow()
	q = <-js.up
	if want := strconv.FormatInt(jetBase+7*500_000-2_000_000, 10); q.Get("cursor") != want {
		t.Fatalf("resumed at cursor %s, want %s (2 s before the stored one)", q.Get("cursor"), want)
	}
	waitStored(4)
	got := countStored(t, s)
	for _, k := range []string{postKey(2, a1), postKey(5, a2), postKey(6, a2), postKey(8, a2)} {
		if got[domain.MentionKey(domain.PlatformBluesky, k)] != 1 {
			t.Errorf("%s stored %d times", k, got[domain.MentionKey(domain.PlatformBluesky, k)])
		}
	}
	mu.Lock()
	defer mu.Unlock()
	dups := 0
	for _, r := range pushes {
		dups += r.Duplicates
	}
	if dups != 2 { // posts 5 and 6 came again in the overlap
		t.Errorf("%d duplicates pushed, want 2 (%v)", dups, pushes)
	}
}

func countStored(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	seen := map[string]int{}
	if err := s.Each(store.Filter{}, func(m *domain.Mention) bool { seen[m.Key()]++; return true }); err != nil {
		t.Fatal(err)
	}
	return seen
}

// TestJetstreamMatch: the matcher on single events, hostile ones included.
func TestJetstreamMatch(t *testing.T) {
	m := &matcher{did: testDID, didB: []byte(testDID), terms: []string{"#acmefail"}}
	enc := func(v map[string]any) []byte { b, _ := json.Marshal(v); return b }
	tag := jetPost(1, "did:plc:a", "so broken #acmefail", []any{map[string]any{"index": map[string]any{"byteStart": 10, "byteEnd": 19},
		"features": []any{map[string]any{"$type": "app.bsky.richtext.facet#tag", "tag": "AcmeFail"}}}}, nil)
	if _, us, ok := m.match(enc(tag)); !ok || us != jetBase+500_000 {
		t.Fatalf("hashtag post not matched (%d)", us)
	}
	quote := jetPost(2, "did:plc:a", "look at this", nil, nil)
	quote["commit"].(map[string]any)["record"].(map[string]any)["embed"] = map[string]any{"$type": "app.bsky.embed.recordWithMedia",
		"record": map[string]any{"record": map[string]any{"uri": "at://" + testDID + "/app.bsky.feed.post/3kx", "cid": "bafy"}}}
	if got, _, ok := m.match(enc(quote)); !ok || got.Kind != domain.KindMention {
		t.Fatalf("quote not matched: %+v", got)
	}
	for name, ev := range map[string][]byte{
		"delete":     []byte(`{"did":"did:plc:a","time_us":5,"kind":"commit","commit":{"operation":"delete","collection":"app.bsky.feed.post","rkey":"3k"}}`),
		"bad rkey":   enc(jetPost(3, "did:plc:a", "#acmefail", nil, nil)), // replaced below
		"not json":   []byte(`{"did":` + testDID),
		"no text":    []byte(`{"did":"did:plc:a","time_us":5,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"3k","record":{"$type":"app.bsky.feed.post"}}}`),
		"bad author": []byte(`{"did":"nope #acmefail","time_us":5,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"3k","record":{"text":"#acmefail"}}}`),
	} {
		if name == "bad rkey" {
			ev = []byte(strings.Replace(string(ev), "3l3qo2vutsw03", "../../x", 1))
		}
		if got, _, ok := m.match(ev); ok {
			t.Errorf("%s matched: %+v", name, got)
		}
	}
	if timeUS([]byte(`{"did":"x","time_us":1725911162329308,"kind":"commit"}`)) != 1725911162329308 {
		t.Error("timeUS")
	}
}
