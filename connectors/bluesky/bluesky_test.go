package bluesky

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

func uris(ms []domain.Mention) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.NativeID)
	}
	return out
}

func TestSessionIsKeptRefreshedAndNeverLeaked(t *testing.T) {
	f := newFakePDS(t)
	dir := t.TempDir()
	ctx := context.Background()
	f.add(2, "mention", false)
	c := f.connector(t, dir)
	if _, err := c.Fetch(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if f.logins != 1 {
		t.Fatalf("%d logins, want 1", f.logins)
	}
	p := filepath.Join(dir, "bluesky-session.json")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("session file mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(p)
	if strings.Contains(string(b), testPassword) {
		t.Error("the app password was written to the session file")
	}

	// A restart reuses the kept session: no new login.
	c2 := f.connector(t, dir)
	if _, err := c2.Fetch(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if f.logins != 1 {
		t.Errorf("restart logged in again (%d logins)", f.logins)
	}

	// An expired access token is refreshed transparently, once.
	f.expire(false)
	if _, err := c2.Fetch(ctx, ""); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if f.refreshes != 1 || f.logins != 1 {
		t.Errorf("refreshes %d logins %d; want 1, 1", f.refreshes, f.logins)
	}
	// The refreshed session is what the next restart finds.
	b2, _ := os.ReadFile(p)
	if string(b2) == string(b) {
		t.Error("session file not updated after refresh")
	}

	// When the refresh token is dead too, the connector logs in again.
	f.expire(true)
	if _, err := c2.Fetch(ctx, ""); err != nil {
		t.Fatalf("after both expired: %v", err)
	}
	if f.logins != 2 {
		t.Errorf("logins %d, want 2", f.logins)
	}

	// A group-readable session file is not trusted.
	os.Chmod(p, 0o644)
	f.connector(t, dir).Fetch(ctx, "")
	if f.logins != 3 {
		t.Errorf("a group-readable session file was used (logins %d)", f.logins)
	}

	// Wrong password: an auth error without the password in it.
	bad, _ := FromSpec(connectors.Spec{Name: "b", HTTP: f.srv.Client(), StateDir: t.TempDir(),
		Decode: func(v any) error {
			*v.(*Settings) = Settings{Identifier: testHandle, AppPasswordEnv: "P", PDS: f.srv.URL}
			return nil
		}, Getenv: func(string) string { return "wrong-SECRET-pass" }})
	_, err = bad.Fetch(ctx, "")
	if !errors.Is(err, connectors.ErrAuth) || strings.Contains(err.Error(), "wrong-SECRET-pass") {
		t.Errorf("bad login: %v", err)
	}
	if h := bad.Health(); h.State != connectors.HealthAuthFailed || strings.Contains(h.LastError, "SECRET") {
		t.Errorf("health %+v", h)
	}
}

func TestFetchNoGapsNoDuplicatesAcrossRestartsAndTies(t *testing.T) {
	f := newFakePDS(t)
	dir := t.TempDir()
	ctx := context.Background()
	first := f.add(3, "mention", false)
	c := f.connector(t, dir)
	c.pageSize = 4
	p0, err := c.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p0.Items) != 3 || p0.More {
		t.Fatalf("first run %v more=%v", uris(p0.Items), p0.More)
	}
	seen := map[string]bool{}
	for _, u := range first {
		seen[u] = true
	}
	// 25 new ones, six sharing one timestamp across a page boundary, plus
	// likes that must be skipped.
	want := f.add(10, "reply", false)
	want = append(want, f.add(6, "mention", true)...)
	f.add(2, "like", false)
	want = append(want, f.add(9, "quote", false)...)
	var got []string
	cur := p0.Cursor
	for i := 0; ; i++ {
		cc := f.connector(t, dir) // a restart before every fetch
		cc.pageSize = 4
		p, err := cc.Fetch(ctx, cur)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, uris(p.Items)...)
		cur = p.Cursor
		if i == 0 {
			// arrivals in the middle of a walk
			want = append(want, f.add(2, "mention", true)...)
		}
		if !p.More {
			break
		}
		if i > 20 {
			t.Fatal("walk does not end")
		}
	}
	// One more fetch picks up what arrived during the walk.
	p, err := f.connector(t, dir).Fetch(ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, uris(p.Items)...)
	for _, u := range got {
		if seen[u] {
			t.Errorf("%s fetched twice", u)
		}
		seen[u] = true
	}
	for _, u := range want {
		if !seen[u] {
			t.Errorf("%s never fetched (gap)", u)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fetched %d, want %d", len(got), len(want))
	}
	// Idle: nothing, cursor stable.
	p2, err := f.connector(t, dir).Fetch(ctx, p.Cursor)
	if err != nil || len(p2.Items) != 0 || p2.Cursor != p.Cursor {
		t.Errorf("idle fetch: %v %v %q -> %q", err, uris(p2.Items), p.Cursor, p2.Cursor)
	}
	if h := c.Health(); h.RateLimit.Limit != 3000 || h.RateLimit.Remaining != 2999 || h.RateLimit.Reset.IsZero() {
		t.Errorf("rate limit %+v", h.RateLimit)
	}
}

func TestFetchMapsPostWithFacets(t *testing.T) {
	f := newFakePDS(t)
	f.add(1, "reply", false)
	// "Héllo 👋 @brand see bsky.app/x…": the link facet covers the
	// shortened text, in UTF-8 bytes after a 2-byte é and a 4-byte emoji.
	text := "Héllo 👋 @brand see example.com/a…"
	start := strings.Index(text, "example.com")
	f.notes[0].record = map[string]any{"$type": "app.bsky.feed.post", "text": text, "createdAt": "2025-03-01T11:59:00.5Z",
		"langs": []string{"fr", "en"},
		"facets": []map[string]any{
			{"index": map[string]any{"byteStart": strings.Index(text, "@brand"), "byteEnd": strings.Index(text, "@brand") + 6},
				"features": []map[string]any{{"$type": "app.bsky.richtext.facet#mention", "did": testDID}}},
			{"index": map[string]any{"byteStart": start, "byteEnd": len(text)},
				"features": []map[string]any{{"$type": "app.bsky.richtext.facet#link", "uri": "https://evil.example.net/phish"}}},
		},
		"reply": map[string]any{"root": map[string]any{"uri": "at://" + testDID + "/app.bsky.feed.post/root1", "cid": "bafyroot"},
			"parent": map[string]any{"uri": "at://" + testDID + "/app.bsky.feed.post/par1", "cid": "bafypar"}}}
	f.notes[0].author = "did:plc:author2"
	f.notes[0].uri = "at://did:plc:author2/app.bsky.feed.post/3kabc"
	p, err := f.connector(t, t.TempDir()).Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 {
		t.Fatalf("%d items", len(p.Items))
	}
	m := p.Items[0]
	want := domain.Mention{Platform: domain.PlatformBluesky, NativeID: "at://did:plc:author2/app.bsky.feed.post/3kabc",
		URL: "https://bsky.app/profile/author2.bsky.social/post/3kabc", Kind: domain.KindReply,
		Author: domain.Author{ID: "did:plc:author2", Handle: "author2.bsky.social", Name: "Author", Followers: 3000},
		Text:   "Héllo 👋 @brand see https://evil.example.net/phish", Lang: "fr",
		CreatedAt: time.Date(2025, 3, 1, 11, 59, 0, 5e8, time.UTC), FetchedAt: m.FetchedAt,
		InReplyTo: "at://" + testDID + "/app.bsky.feed.post/par1", Thread: "at://" + testDID + "/app.bsky.feed.post/root1",
		Connector: "bsky-main"}
	gj, _ := json.Marshal(m)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("mention\n got %s\nwant %s", gj, wj)
	}
}

func TestSendDMThroughChatProxy(t *testing.T) {
	f := newFakePDS(t)
	c := f.connector(t, t.TempDir())
	to := domain.Mention{NativeID: "at://did:plc:author1/app.bsky.feed.post/3k1", Author: domain.Author{ID: "did:plc:author1"}}
	res, err := c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPrivate, Text: "We're sorry!", InReplyTo: to})
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID != "convo-author1/msg-1" {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(string(f.bodies["chat.bsky.convo.sendMessage"]), `"convoId":"convo-author1"`) {
		t.Errorf("sendMessage body %s", f.bodies["chat.bsky.convo.sendMessage"])
	}
	for name, reason := range map[string]string{"MessagesDisabled": "turned off", "NotFollowedBySender": "only from accounts they follow", "BlockedActor": "blocked"} {
		f.noDM["did:plc:author1"] = name
		_, err := c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hi", InReplyTo: to})
		var cd *connectors.CannotDMError
		if !errors.As(err, &cd) || !strings.Contains(cd.Reason, reason) || connectors.Retryable(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A chat call with an expired token is refreshed and retried, still proxied.
	delete(f.noDM, "did:plc:author1")
	f.expire(false)
	if _, err := c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hi", InReplyTo: to}); err != nil {
		t.Errorf("after expiry: %v", err)
	}
	// Public reply: parent and root refs from getPosts.
	res, err = c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPublic, Text: "Thanks!", InReplyTo: to})
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Repo   string
		Record struct {
			Text  string
			Reply struct{ Root, Parent strongRef }
		}
	}
	json.Unmarshal(f.bodies["com.atproto.repo.createRecord"], &rec)
	if rec.Repo != testDID || rec.Record.Text != "Thanks!" || rec.Record.Reply.Parent.URI != to.NativeID ||
		rec.Record.Reply.Parent.CID != "bafyparent" || rec.Record.Reply.Root.CID != "bafyroot" {
		t.Errorf("createRecord body %s", f.bodies["com.atproto.repo.createRecord"])
	}
	if res.URL != "https://bsky.app/profile/"+testHandle+"/post/3lreply" {
		t.Errorf("reply url %q", res.URL)
	}
}

func TestRateLimitAndServerErrors(t *testing.T) {
	f := newFakePDS(t)
	c := f.connector(t, t.TempDir())
	reset := time.Now().Add(3 * time.Minute).Truncate(time.Second)
	f.push(reply{status: 429, header: map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": strconv.FormatInt(reset.Unix(), 10)},
		body: map[string]string{"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}})
	_, err := c.Fetch(context.Background(), "")
	var rl *connectors.RateLimitError
	if !errors.As(err, &rl) || !rl.Reset.Equal(reset) {
		t.Fatalf("429: %v", err)
	}
	if h := c.Health(); h.State != connectors.HealthRateLimited || !h.Until.Equal(reset) || h.RateLimit.Remaining != 0 {
		t.Errorf("health %+v", h)
	}
	f.push(reply{status: 502, body: map[string]string{"error": "UpstreamFailure", "message": "upstream"}})
	if _, err := c.Fetch(context.Background(), ""); !errors.Is(err, connectors.ErrUnavailable) || c.Health().State != connectors.HealthUnreachable {
		t.Errorf("502: %v", err)
	}
	f.push(reply{status: 200, body: map[string]any{"notifications": []map[string]any{{"uri": "javascript:alert(1)"}}}})
	if _, err := c.Fetch(context.Background(), ""); !errors.Is(err, connectors.ErrBadPayload) {
		t.Errorf("hostile page: %v", err)
	}
	if _, err := c.Fetch(context.Background(), "mark=yesterday"); err == nil {
		t.Error("a foreign cursor was accepted")
	}
}

func TestRevokedKeptSessionLogsInAgain(t *testing.T) {
	f := newFakePDS(t)
	dir := t.TempDir()
	f.add(1, "mention", false)
	if _, err := f.connector(t, dir).Fetch(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	// The server forgets every token (the session was revoked).
	f.mu.Lock()
	f.access, f.refresh = map[string]bool{}, map[string]bool{}
	f.mu.Unlock()
	c := f.connector(t, dir)
	if _, err := c.Fetch(context.Background(), ""); err != nil {
		t.Fatalf("with a revoked kept session: %v", err)
	}
	if f.logins != 2 {
		t.Errorf("logins %d, want 2", f.logins)
	}
}

func TestPostOnTheAccountHasNoReplyRef(t *testing.T) {
	f := newFakePDS(t)
	c := f.connector(t, t.TempDir())
	res, err := c.Send(context.Background(), connectors.Message{Post: true, Visibility: domain.VisibilityPublic, Text: "We are aware of an account imitating us."})
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Repo, Collection string
		Record           map[string]any
	}
	json.Unmarshal(f.bodies["com.atproto.repo.createRecord"], &rec)
	if _, has := rec.Record["reply"]; has || rec.Repo != testDID || rec.Collection != "app.bsky.feed.post" ||
		rec.Record["text"] != "We are aware of an account imitating us." || rec.Record["$type"] != "app.bsky.feed.post" {
		t.Errorf("createRecord body %s", f.bodies["com.atproto.repo.createRecord"])
	}
	if _, asked := f.bodies["app.bsky.feed.getPosts"]; asked {
		t.Error("a post looked up a parent")
	}
	if res.RemoteID == "" || !strings.HasPrefix(res.URL, "https://bsky.app/profile/"+testHandle+"/post/") {
		t.Errorf("result %+v", res)
	}
	if _, err := c.Send(context.Background(), connectors.Message{Post: true, Visibility: domain.VisibilityPrivate, Text: "hi"}); !errors.Is(err, connectors.ErrPermanent) {
		t.Errorf("private post: %v", err)
	}
}
