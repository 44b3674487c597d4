package bluesky

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/connectors"
)

const (
	testHandle   = "brand.example.com"
	testDID      = "did:plc:brand0000000000000000000"
	testPassword = "abcd-efgh-SECRET-ijkl"
)

type reply struct {
	status int
	header map[string]string
	body   any
	delay  time.Duration // wait this long before answering (a hung server)
}

type fakeNote struct {
	uri, reason, text, author string
	indexed                   time.Time
	record                    map[string]any
}

// fakePDS is a local PDS for the XRPC calls the connector makes. Its
// answers follow the published lexicons (app.bsky.notification.
// listNotifications, com.atproto.server.createSession/refreshSession,
// chat.bsky.convo.*); it refuses chat calls without the atproto-proxy
// header and can expire access tokens.
type fakePDS struct {
	t   testing.TB
	srv *httptest.Server

	mu        sync.Mutex
	notes     []fakeNote      // newest first
	access    map[string]bool // token -> still valid
	refresh   map[string]bool
	logins    int
	refreshes int
	script    []reply
	calls     []string
	bodies    map[string][]byte
	noDM      map[string]string // did -> lexicon error name
	seq       int
	// what was sent, newest first: chat messages by conversation and the
	// account's post records, so that a lookup can find them
	messages map[string][]fakeMessage
	posts    []fakePost
	// threads are getPostThread's answers by uri (none: NotFound)
	threads map[string]any
	// the account's own feed (newest first) and profile, for the
	// hijack watch: posts made through createRecord join the feed
	feed    []fakeFeedPost
	profile map[string]any
	// actors are searchActors' answers (stream_test.go)
	actors []map[string]any
}

type fakeFeedPost struct {
	uri, text string
	indexed   time.Time
}

type fakeMessage struct{ id, sender, text string }

type fakePost struct{ uri, text, parent string }

func newFakePDS(t testing.TB) *fakePDS {
	f := &fakePDS{t: t, access: map[string]bool{}, refresh: map[string]bool{}, bodies: map[string][]byte{}, noDM: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePDS) connector(t testing.TB, stateDir string) *Connector {
	t.Helper()
	c, err := FromSpec(connectors.Spec{Name: "bsky-main", Type: "bluesky", StateDir: stateDir, HTTP: f.srv.Client(),
		Decode: func(v any) error {
			*v.(*Settings) = Settings{Identifier: "@" + testHandle, AppPasswordEnv: "BSKY_PW", PDS: f.srv.URL}
			return nil
		},
		Getenv: func(k string) string {
			if k == "BSKY_PW" {
				return testPassword
			}
			return ""
		}})
	if err != nil {
		t.Fatal(err)
	}
	return c.(*Connector)
}

// add puts n notifications on top, all indexed at the same instant when
// same is true (to exercise ties), and returns their uris.
func (f *fakePDS) add(n int, reason string, same bool) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if len(f.notes) > 0 {
		at = f.notes[0].indexed
	}
	var uris []string
	for i := 0; i < n; i++ {
		if !same || i == 0 {
			at = at.Add(time.Second + 123*time.Millisecond)
		}
		f.seq++
		uri := fmt.Sprintf("at://did:plc:author%d/app.bsky.feed.post/3k%06d", f.seq%3, f.seq)
		f.notes = append([]fakeNote{{uri: uri, reason: reason, text: "@brand help " + strconv.Itoa(f.seq),
			author: fmt.Sprintf("did:plc:author%d", f.seq%3), indexed: at}}, f.notes...)
		uris = append(uris, uri)
	}
	return uris
}

// expire makes every access token issued so far expired.
func (f *fakePDS) expire(alsoRefresh bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.access {
		f.access[k] = false
	}
	if alsoRefresh {
		for k := range f.refresh {
			f.refresh[k] = false
		}
	}
}

func (f *fakePDS) push(r ...reply) {
	f.mu.Lock()
	f.script = append(f.script, r...)
	f.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func xerr(w http.ResponseWriter, status int, name, msg string) {
	writeJSON(w, status, map[string]string{"error": name, "message": msg})
}

func (f *fakePDS) issue() map[string]any {
	f.seq++
	a, r := fmt.Sprintf("acc-%d", f.seq), fmt.Sprintf("ref-%d", f.seq)
	f.access[a], f.refresh[r] = true, true
	return map[string]any{"accessJwt": a, "refreshJwt": r, "handle": testHandle, "did": testDID, "active": true}
}

func (f *fakePDS) serve(w http.ResponseWriter, r *http.Request) {
	t := f.t
	nsid, ok := strings.CutPrefix(r.URL.Path, "/xrpc/")
	if !ok {
		t.Errorf("not an XRPC path: %s", r.URL.Path)
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, nsid)
	f.bodies[nsid] = body
	w.Header().Set("RateLimit-Limit", "3000")
	w.Header().Set("RateLimit-Remaining", "2999")
	w.Header().Set("RateLimit-Reset", strconv.FormatInt(time.Now().Add(5*time.Minute).Unix(), 10))
	w.Header().Set("RateLimit-Policy", "3000;w=300")
	wantMethod := http.MethodGet
	switch nsid {
	case "com.atproto.server.createSession", "com.atproto.server.refreshSession", "chat.bsky.convo.sendMessage", "com.atproto.repo.createRecord":
		wantMethod = http.MethodPost
	}
	if r.Method != wantMethod {
		t.Errorf("%s with %s", nsid, r.Method)
		xerr(w, 400, "InvalidRequest", "wrong method")
		return
	}
	chat := strings.HasPrefix(nsid, "chat.bsky.")
	if proxy := r.Header.Get("atproto-proxy"); chat && proxy != ChatProxy {
		t.Errorf("%s without the chat proxy header (got %q)", nsid, proxy)
		xerr(w, 501, "MethodNotImplemented", "Method Not Implemented")
		return
	} else if !chat && proxy != "" {
		t.Errorf("%s carries a proxy header %q", nsid, proxy)
	}
	if len(f.script) > 0 && nsid != "com.atproto.server.createSession" && nsid != "com.atproto.server.refreshSession" {
		rp := f.script[0]
		f.script = f.script[1:]
		if rp.delay > 0 {
			select {
			case <-r.Context().Done():
			case <-time.After(rp.delay):
			}
		}
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		writeJSON(w, rp.status, rp.body)
		return
	}
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch nsid {
	case "com.atproto.server.createSession":
		var in struct{ Identifier, Password string }
		if json.Unmarshal(body, &in) != nil || in.Identifier != testHandle || in.Password != testPassword {
			xerr(w, 401, "AuthenticationRequired", "Invalid identifier or password")
			return
		}
		f.logins++
		writeJSON(w, 200, f.issue())
		return
	case "com.atproto.server.refreshSession":
		if !f.refresh[bearer] {
			xerr(w, 400, "ExpiredToken", "Token has expired")
			return
		}
		f.refresh[bearer] = false // refresh tokens are single use
		f.refreshes++
		writeJSON(w, 200, f.issue())
		return
	}
	if valid, known := f.access[bearer]; !known {
		xerr(w, 401, "AuthenticationRequired", "Authentication Required")
		return
	} else if !valid {
		xerr(w, 400, "ExpiredToken", "Token has expired")
		return
	}
	q := r.URL.Query()
	switch nsid {
	case "app.bsky.notification.listNotifications":
		f.list(w, q)
	case "app.bsky.actor.getProfiles":
		actors := q["actors"]
		if len(actors) == 0 || len(actors) > 25 {
			t.Errorf("getProfiles with %d actors", len(actors))
		}
		var ps []map[string]any
		for _, a := range actors {
			n, _ := strconv.Atoi(strings.TrimPrefix(a, "did:plc:author"))
			ps = append(ps, map[string]any{"did": a, "handle": strings.TrimPrefix(a, "did:plc:") + ".bsky.social",
				"followersCount": 1000 * (n + 1), "followsCount": 1, "postsCount": 2})
		}
		writeJSON(w, 200, map[string]any{"profiles": ps})
	case "chat.bsky.convo.getConvoForMembers":
		members := q["members"]
		if len(members) < 1 || len(members) > 10 {
			xerr(w, 400, "InvalidRequest", "members")
			return
		}
		if name, ok := f.noDM[members[0]]; ok {
			xerr(w, 400, name, "recipient cannot be messaged")
			return
		}
		writeJSON(w, 200, map[string]any{"convo": map[string]any{"id": "convo-" + members[0][8:], "rev": "222",
			"members": []map[string]any{{"did": testDID, "handle": testHandle}, {"did": members[0], "handle": "x.bsky.social"}},
			"muted":   false, "unreadCount": 0}})
	case "chat.bsky.convo.sendMessage":
		var in struct {
			ConvoID string `json:"convoId"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
		}
		if json.Unmarshal(body, &in) != nil || in.ConvoID == "" || in.Message.Text == "" || len(in.Message.Text) > 10000 {
			t.Errorf("sendMessage body %s", body)
			xerr(w, 400, "InvalidRequest", "bad input")
			return
		}
		if f.messages == nil {
			f.messages = map[string][]fakeMessage{}
		}
		n := 0
		for _, ms := range f.messages {
			n += len(ms)
		}
		id := "msg-" + strconv.Itoa(n+1)
		f.messages[in.ConvoID] = append([]fakeMessage{{id: id, sender: testDID, text: in.Message.Text}}, f.messages[in.ConvoID]...)
		writeJSON(w, 200, map[string]any{"id": id, "rev": "223", "text": in.Message.Text,
			"sender": map[string]any{"did": testDID}, "sentAt": "2025-03-01T12:00:00.000Z"})
	case "chat.bsky.convo.getMessages":
		f.getMessages(w, q)
	case "app.bsky.feed.getPosts":
		var ps []map[string]any
		for _, u := range q["uris"] {
			ps = append(ps, map[string]any{"uri": u, "cid": "bafyparent", "author": map[string]any{"did": "did:plc:author1", "handle": "a.bsky.social"},
				"record": map[string]any{"$type": "app.bsky.feed.post", "text": "t", "createdAt": "2025-03-01T12:00:00Z",
					"reply": map[string]any{"root": map[string]any{"uri": "at://did:plc:brand0000000000000000000/app.bsky.feed.post/root1", "cid": "bafyroot"},
						"parent": map[string]any{"uri": "at://did:plc:brand0000000000000000000/app.bsky.feed.post/root1", "cid": "bafyroot"}}},
				"indexedAt": "2025-03-01T12:00:00Z"})
		}
		writeJSON(w, 200, map[string]any{"posts": ps})
	case "com.atproto.repo.createRecord":
		var in struct {
			Repo   string `json:"repo"`
			Record struct {
				Text  string `json:"text"`
				Reply struct {
					Parent strongRef `json:"parent"`
				} `json:"reply"`
			} `json:"record"`
		}
		json.Unmarshal(body, &in)
		if in.Repo != testDID {
			t.Errorf("createRecord in repo %q", in.Repo)
		}
		rkey := "3lreply"
		if len(f.posts) > 0 {
			rkey += strconv.Itoa(len(f.posts) + 1)
		}
		uri := "at://" + testDID + "/app.bsky.feed.post/" + rkey
		f.posts = append([]fakePost{{uri: uri, text: in.Record.Text, parent: in.Record.Reply.Parent.URI}}, f.posts...)
		f.ownPostLocked(uri, in.Record.Text)
		writeJSON(w, 200, map[string]any{"uri": uri, "cid": "bafyreply"})
	case "com.atproto.repo.listRecords":
		f.listRecords(w, q)
	case "app.bsky.feed.getPostThread":
		f.getPostThread(w, q)
	case "app.bsky.actor.getProfile":
		f.getProfile(w, q)
	case "app.bsky.feed.getAuthorFeed":
		f.authorFeed(w, q)
	case "app.bsky.feed.searchPosts":
		f.searchPosts(w, q)
	case "app.bsky.actor.searchActors":
		f.searchActors(w, q)
	default:
		t.Errorf("unexpected call %s", nsid)
		xerr(w, 501, "MethodNotImplemented", "Method Not Implemented")
	}
}

// list serves notifications newest first; its cursor names the last uri
// served and the next page starts after it.
func (f *fakePDS) list(w http.ResponseWriter, q map[string][]string) {
	limit := 50
	if l := q["limit"]; len(l) == 1 {
		limit, _ = strconv.Atoi(l[0])
	}
	if limit < 1 || limit > 100 {
		f.t.Errorf("limit %d out of the lexicon's 1..100", limit)
	}
	reasons := map[string]bool{}
	for _, r := range q["reasons"] {
		reasons[r] = true
	}
	start := 0
	if c := q["cursor"]; len(c) == 1 {
		start = -1
		for i, n := range f.notes {
			if n.uri == c[0] {
				start = i + 1
			}
		}
		if start < 0 {
			f.t.Errorf("cursor %q was not one this server gave", c[0])
			start = len(f.notes)
		}
	}
	var out []map[string]any
	cursor := ""
	for i := start; i < len(f.notes); i++ {
		n := f.notes[i]
		if len(reasons) > 0 && !reasons[n.reason] {
			continue
		}
		rec := n.record
		if rec == nil {
			rec = map[string]any{"$type": "app.bsky.feed.post", "text": n.text, "createdAt": n.indexed.Add(-time.Second).Format(time.RFC3339Nano), "langs": []string{"en"}}
		}
		out = append(out, map[string]any{"uri": n.uri, "cid": "bafy" + strconv.Itoa(i),
			"author": map[string]any{"did": n.author, "handle": strings.TrimPrefix(n.author, "did:plc:") + ".bsky.social", "displayName": "Author"},
			"reason": n.reason, "record": rec, "isRead": false, "indexedAt": n.indexed.Format(time.RFC3339Nano)})
		if len(out) == limit {
			if i+1 < len(f.notes) {
				cursor = n.uri
			}
			break
		}
	}
	resp := map[string]any{"notifications": out, "seenAt": "2025-03-01T00:00:00Z"}
	if out == nil {
		resp["notifications"] = []any{}
	}
	if cursor != "" {
		resp["cursor"] = cursor
	}
	writeJSON(w, 200, resp)
}

// getMessages serves a conversation's messages newest first, as
// chat.bsky.convo.getMessages does (messageView items).
func (f *fakePDS) getMessages(w http.ResponseWriter, q map[string][]string) {
	if len(q["convoId"]) != 1 || q["convoId"][0] == "" {
		xerr(w, 400, "InvalidRequest", "convoId is required")
		return
	}
	limit := 50
	if l := q["limit"]; len(l) == 1 {
		limit, _ = strconv.Atoi(l[0])
	}
	if limit < 1 || limit > 100 {
		f.t.Errorf("getMessages limit %d out of the lexicon's 1..100", limit)
	}
	out := []map[string]any{}
	for _, m := range f.messages[q["convoId"][0]] {
		if len(out) == limit {
			break
		}
		out = append(out, map[string]any{"$type": "chat.bsky.convo.defs#messageView", "id": m.id, "rev": "2" + m.id[4:],
			"text": m.text, "sender": map[string]any{"did": m.sender}, "sentAt": "2025-03-01T12:00:00.000Z"})
	}
	writeJSON(w, 200, map[string]any{"messages": out})
}

// listRecords serves the account's app.bsky.feed.post records newest
// first (the default order of com.atproto.repo.listRecords).
func (f *fakePDS) listRecords(w http.ResponseWriter, q map[string][]string) {
	if len(q["repo"]) != 1 || len(q["collection"]) != 1 || q["collection"][0] != "app.bsky.feed.post" {
		f.t.Errorf("listRecords %v", q)
	}
	if q["repo"][0] != testDID {
		xerr(w, 400, "InvalidRequest", "Could not find repo: "+q["repo"][0])
		return
	}
	limit := 50
	if l := q["limit"]; len(l) == 1 {
		limit, _ = strconv.Atoi(l[0])
	}
	if limit < 1 || limit > 100 {
		f.t.Errorf("listRecords limit %d out of the lexicon's 1..100", limit)
	}
	out := []map[string]any{}
	for _, p := range f.posts {
		if len(out) == limit {
			break
		}
		v := map[string]any{"$type": "app.bsky.feed.post", "text": p.text, "createdAt": "2025-03-01T12:00:00.000Z"}
		if p.parent != "" {
			ref := map[string]any{"uri": p.parent, "cid": "bafyparent"}
			v["reply"] = map[string]any{"root": ref, "parent": ref}
		}
		out = append(out, map[string]any{"uri": p.uri, "cid": "bafy" + p.uri[len(p.uri)-4:], "value": v})
	}
	writeJSON(w, 200, map[string]any{"records": out})
}

func (f *fakePDS) count(nsid string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == nsid {
			n++
		}
	}
	return n
}
