package bluesky

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// ownPostLocked puts a post on top of the account's own feed.
func (f *fakePDS) ownPostLocked(uri, text string) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if len(f.feed) > 0 {
		at = f.feed[0].indexed.Add(1500 * time.Millisecond)
	}
	f.feed = append([]fakeFeedPost{{uri: uri, text: text, indexed: at}}, f.feed...)
}

// ownPost posts on the account outside switchboard (the app, a thief).
func (f *fakePDS) ownPost(text string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	uri := "at://" + testDID + "/app.bsky.feed.post/3lown" + strconv.Itoa(f.seq)
	f.ownPostLocked(uri, text)
	return uri
}

// getProfile answers app.bsky.actor.getProfile with a
// profileViewDetailed.
func (f *fakePDS) getProfile(w http.ResponseWriter, q map[string][]string) {
	if len(q["actor"]) != 1 || q["actor"][0] != testDID {
		f.t.Errorf("getProfile %v", q)
	}
	p := map[string]any{"did": testDID, "handle": testHandle, "displayName": "Brand", "description": "Official brand account",
		"avatar": "https://cdn.bsky.app/img/avatar/plain/" + testDID + "/bafkavatar@jpeg", "followersCount": 10, "followsCount": 2, "postsCount": len(f.feed),
		"indexedAt": "2025-03-01T12:00:00.000Z", "createdAt": "2024-01-01T00:00:00.000Z"}
	for k, v := range f.profile {
		p[k] = v
	}
	writeJSON(w, 200, p)
}

// authorFeed answers app.bsky.feed.getAuthorFeed: feedViewPosts newest
// first, 50 a page, with a cursor naming the next item; a repost of
// someone else's post carries a reasonRepost.
func (f *fakePDS) authorFeed(w http.ResponseWriter, q map[string][]string) {
	if len(q["actor"]) != 1 || q["actor"][0] != testDID || len(q["filter"]) != 1 || q["filter"][0] != "posts_with_replies" {
		f.t.Errorf("getAuthorFeed %v", q)
	}
	limit := 50
	if l := q["limit"]; len(l) == 1 {
		limit, _ = strconv.Atoi(l[0])
	}
	from := 0
	if c := q["cursor"]; len(c) == 1 {
		from, _ = strconv.Atoi(c[0])
	}
	author := map[string]any{"did": testDID, "handle": testHandle, "displayName": "Brand"}
	feed := []map[string]any{{ // a repost by the brand, always on top: never judged
		"post": map[string]any{"uri": "at://did:plc:author1/app.bsky.feed.post/3kother", "cid": "bafyother",
			"author":    map[string]any{"did": "did:plc:author1", "handle": "a.bsky.social"},
			"record":    map[string]any{"$type": "app.bsky.feed.post", "text": "someone else", "createdAt": "2025-03-01T11:00:00.000Z"},
			"indexedAt": "2025-03-01T11:00:00.000Z"},
		"reason": map[string]any{"$type": "app.bsky.feed.defs#reasonRepost", "by": author, "indexedAt": "2025-03-01T12:30:00.000Z"}}}
	for _, p := range f.feed {
		feed = append(feed, map[string]any{"post": map[string]any{"uri": p.uri, "cid": "bafy" + p.uri[len(p.uri)-4:], "author": author,
			"record":    map[string]any{"$type": "app.bsky.feed.post", "text": p.text, "createdAt": p.indexed.Format(time.RFC3339Nano)},
			"indexedAt": p.indexed.Format(time.RFC3339Nano), "replyCount": 0, "repostCount": 0, "likeCount": 0}})
	}
	out := map[string]any{}
	end := min(len(feed), from+limit)
	out["feed"] = feed[min(from, len(feed)):end]
	if end < len(feed) {
		out["cursor"] = strconv.Itoa(end)
	}
	writeJSON(w, 200, out)
}

func TestHijackWatch(t *testing.T) {
	f := newFakePDS(t)
	f.ownPost("Hello Bluesky!")
	c := f.connector(t, t.TempDir())
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	poll := func(s *store.Store) []domain.AccountAlert {
		t.Helper()
		p := connectors.NewPoller(s, connectors.PollerOptions{Apps: []string{"switchboard"}})
		p.Add(c, time.Minute)
		res := p.Once(context.Background())
		if res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		return res[0].Alerts
	}
	if got := poll(s); len(got) != 0 {
		t.Fatalf("the baseline raised %+v", got)
	}
	// a post the outbox sends
	d, err := s.NewPost("lee", domain.PlatformBluesky, "Our holding statement")
	if err == nil {
		d, err = s.QueueDraft("lee", d.ID, 0)
	}
	if err == nil {
		d, err = s.BeginSend(d.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Send(context.Background(), connectors.Message{IdempotencyKey: d.IdempotencyKey, Visibility: domain.VisibilityPublic, Text: d.Text, Post: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishSend(d.ID, store.SendOutcome{State: domain.DraftSent, RemoteID: res.RemoteID}); err != nil {
		t.Fatal(err)
	}
	if got := poll(s); len(got) != 0 {
		t.Fatalf("a post the outbox sent raised %+v", got)
	}
	uri := f.ownPost("Send 1 ETH, get 2 back")
	got := poll(s)
	if len(got) != 1 || got[0].PostID != uri || got[0].Text != "Send 1 ETH, get 2 back" || got[0].Handle != "@"+testHandle ||
		got[0].URL != "https://bsky.app/profile/"+testHandle+"/post/"+uri[len(uri)-6:] || got[0].App != "" {
		t.Fatalf("a post switchboard did not send raised %+v", got)
	}
	if got := poll(s); len(got) != 0 {
		t.Fatalf("raised again on the next poll: %+v", got)
	}
	s.Close()
	if s, err = store.Open(path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := poll(s); len(got) != 0 {
		t.Fatalf("raised again after a restart: %+v", got)
	}
	f.mu.Lock()
	f.profile = map[string]any{"description": "Crypto giveaway!", "avatar": "https://cdn.bsky.app/img/avatar/plain/" + testDID + "/bafkevil@jpeg"}
	f.mu.Unlock()
	got = poll(s)
	if len(got) != 1 || got[0].Kind != domain.AlertAccountProfile || fmt.Sprint(got[0].Changes[0].Field, got[0].Changes[1].Field) != "avatarbio" {
		t.Fatalf("a profile change raised %+v", got)
	}
	if got := poll(s); len(got) != 0 {
		t.Fatalf("the profile change raised again: %+v", got)
	}
}
