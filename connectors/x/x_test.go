package x

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

func ids(ms []domain.Mention) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.NativeID)
	}
	return out
}

func noSecrets(t *testing.T, where string, s string) {
	t.Helper()
	for _, sec := range []string{testConsumerSecret, testTokenSecret, testToken} {
		if strings.Contains(s, sec) {
			t.Errorf("%s leaks a secret: %q", where, s)
		}
	}
}

func TestFetchWalksPagesWithoutGapsOrDuplicates(t *testing.T) {
	f := newFakeX(t)
	ctx := context.Background()
	f.add(12, "100")
	c := f.connector(t, 5)

	// A first run takes only the newest page, not the whole history.
	p, err := c.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 5 || p.More {
		t.Fatalf("first run: %d items, more=%v; want 5, false", len(p.Items), p.More)
	}
	seen := map[string]bool{}
	for _, id := range ids(p.Items) {
		seen[id] = true
	}

	// 32 new mentions: 7 pages of 5; the walk takes 5 pages, then goes on.
	added := f.add(32, "200")
	p1, err := c.Fetch(ctx, p.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Items) != 25 || !p1.More {
		t.Fatalf("walk part 1: %d items more=%v; want 25, true", len(p1.Items), p1.More)
	}
	// Mentions that arrive in the middle of a walk are not lost.
	late := f.add(3, "100")
	// A restart in the middle of the walk: a new connector, same cursor.
	c2 := f.connector(t, 5)
	p2, err := c2.Fetch(ctx, p1.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Items) != 7 || p2.More {
		t.Fatalf("walk part 2: %d items more=%v; want 7, false", len(p2.Items), p2.More)
	}
	p3, err := c2.Fetch(ctx, p2.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p3.Items); len(got) != 3 {
		t.Fatalf("after the walk: %v; want the 3 late mentions %v", got, late)
	}
	for _, pg := range []connectors.Page{p1, p2, p3} {
		for _, id := range ids(pg.Items) {
			if seen[id] {
				t.Errorf("mention %s fetched twice", id)
			}
			seen[id] = true
		}
	}
	for _, id := range append(added, late...) {
		if !seen[id] {
			t.Errorf("mention %s never fetched (gap)", id)
		}
	}
	// Nothing new: nothing returned, cursor unchanged, on a restarted connector too.
	p4, err := f.connector(t, 5).Fetch(ctx, p3.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	if len(p4.Items) != 0 || p4.Cursor != p3.Cursor {
		t.Errorf("idle fetch: %d items, cursor %q -> %q", len(p4.Items), p3.Cursor, p4.Cursor)
	}
	// The since_id sent is the newest id stored.
	last := f.requests[len(f.requests)-1]
	if got, want := last.URL.Query().Get("since_id"), late[len(late)-1]; got != want {
		t.Errorf("since_id = %q, want %q", got, want)
	}
	if h := c2.Health(); h.State != connectors.HealthOK || h.RateLimit.Limit != 450 || h.RateLimit.Remaining != 449 || h.RateLimit.Reset.IsZero() {
		t.Errorf("health %+v", h)
	}
}

func TestFetchMapsMentionFully(t *testing.T) {
	f := newFakeX(t)
	f.add(1, "100")
	f.mu.Lock()
	f.tweets[0].extra = map[string]any{"in_reply_to_user_id": testUserID, "conversation_id": "1000000000000000000",
		"referenced_posts": []map[string]any{{"type": "replied_to", "id": "1000000000000000000"}},
		"text":             "@brand your app \u202edeleted my files", "lang": "de"}
	f.mu.Unlock()
	p, err := f.connector(t, 5).Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 {
		t.Fatalf("%d items", len(p.Items))
	}
	m := p.Items[0]
	id := strconv.FormatUint(f.tweets[0].id, 10)
	want := domain.Mention{Platform: domain.PlatformX, NativeID: id, Kind: domain.KindReply,
		URL: "https://x.com/alice/status/" + id, Text: "@brand your app \u202edeleted my files", Lang: "de",
		InReplyTo: "1000000000000000000", Thread: "1000000000000000000", Connector: "x-main",
		Author: domain.Author{ID: "100", Handle: "alice", Name: "Alice A.", Followers: 4321, Verified: true}}
	want.CreatedAt, want.FetchedAt = m.CreatedAt, m.FetchedAt
	gj, _ := json.Marshal(m)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("mention\n got %s\nwant %s", gj, wj)
	}
	if m.CreatedAt.IsZero() || m.FetchedAt.IsZero() {
		t.Error("times not set")
	}
}

func TestRateLimited429(t *testing.T) {
	f := newFakeX(t)
	reset := time.Now().Add(7 * time.Minute).Truncate(time.Second)
	f.push(reply{status: 429, header: map[string]string{"x-rate-limit-remaining": "0",
		"x-rate-limit-reset": strconv.FormatInt(reset.Unix(), 10)},
		body: map[string]any{"code": 88, "message": "Rate limit exceeded"}})
	c := f.connector(t, 5)
	_, err := c.Fetch(context.Background(), "")
	var rl *connectors.RateLimitError
	if !errors.As(err, &rl) || !rl.Reset.Equal(reset) || !connectors.Retryable(err) {
		t.Fatalf("err = %v; want a RateLimitError resetting at %v", err, reset)
	}
	h := c.Health()
	if h.State != connectors.HealthRateLimited || !h.Until.Equal(reset) || h.RateLimit.Remaining != 0 {
		t.Errorf("health %+v", h)
	}
	// Recovers on the next call.
	f.add(1, "100")
	if _, err := c.Fetch(context.Background(), ""); err != nil || c.Health().State != connectors.HealthOK {
		t.Errorf("after the limit: %v %+v", err, c.Health())
	}
}

func TestAuthAndServerErrors(t *testing.T) {
	f := newFakeX(t)
	c := f.connector(t, 5)
	f.push(reply{status: 401, body: map[string]any{"code": 32, "message": "Could not authenticate you"}})
	_, err := c.Fetch(context.Background(), "")
	if !errors.Is(err, connectors.ErrAuth) || connectors.Retryable(err) {
		t.Fatalf("401: %v", err)
	}
	if h := c.Health(); h.State != connectors.HealthAuthFailed || !strings.Contains(h.LastError, "Could not authenticate") {
		t.Errorf("health %+v", h)
	}
	noSecrets(t, "401 error", err.Error())
	noSecrets(t, "health", c.Health().LastError)

	f.push(reply{status: 503, body: map[string]any{"code": 131, "message": "Internal error"}})
	_, err = c.Fetch(context.Background(), "")
	if !errors.Is(err, connectors.ErrUnavailable) || !connectors.Retryable(err) || c.Health().State != connectors.HealthUnreachable {
		t.Fatalf("503: %v %+v", err, c.Health())
	}
	f.push(reply{status: 400, ctype: "application/problem+json", body: map[string]any{
		"type": "https://api.x.com/2/problems/invalid-request", "title": "Invalid Request",
		"detail": "One or more parameters to your request was invalid."}})
	_, err = c.Fetch(context.Background(), "")
	if !errors.Is(err, connectors.ErrPermanent) || !strings.Contains(err.Error(), "parameters to your request was invalid") {
		t.Fatalf("400: %v", err)
	}
	// A cursor that this connector never wrote is refused before any call.
	n := len(f.requests)
	if _, err := c.Fetch(context.Background(), "since=12ab"); err == nil || len(f.requests) != n {
		t.Errorf("bad cursor: %v, %d requests", err, len(f.requests)-n)
	}
}

func TestPartialErrorsKeepData(t *testing.T) {
	f := newFakeX(t)
	f.add(2, "100")
	f.partial = true
	c := f.connector(t, 5)
	p, err := c.Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 2 {
		t.Errorf("%d items; want both despite the partial error", len(p.Items))
	}
	if h := c.Health(); h.State != connectors.HealthOK || !strings.Contains(h.LastError, "Could not find user") {
		t.Errorf("health %+v", h)
	}
}

func TestSendDirectMessageAndReply(t *testing.T) {
	f := newFakeX(t)
	c := f.connector(t, 5)
	to := domain.Mention{Platform: domain.PlatformX, NativeID: "1346889436626259968", Author: domain.Author{ID: "100", Handle: "alice"}}
	res, err := c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPrivate, Text: "Sorry — we're on it.", InReplyTo: to})
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID != "1582838223483895812" || !strings.Contains(res.URL, "100-"+testUserID) {
		t.Errorf("dm result %+v", res)
	}
	last := f.requests[len(f.requests)-1]
	if last.URL.Path != "/2/dm_conversations/with/100/messages" || string(f.bodies[len(f.bodies)-1]) != `{"text":"Sorry — we're on it."}` {
		t.Errorf("dm request %s %s", last.URL.Path, f.bodies[len(f.bodies)-1])
	}

	res, err = c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPublic, Text: "@alice thanks", InReplyTo: to})
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID != "1900000000000000001" || res.URL != "https://x.com/brand/status/1900000000000000001" {
		t.Errorf("reply result %+v", res)
	}
	var sent struct {
		Text  string
		Reply struct {
			InReplyTo string `json:"in_reply_to_tweet_id"`
		}
	}
	json.Unmarshal(f.bodies[len(f.bodies)-1], &sent)
	if sent.Text != "@alice thanks" || sent.Reply.InReplyTo != to.NativeID {
		t.Errorf("reply body %s", f.bodies[len(f.bodies)-1])
	}

	// A closed inbox is a CannotDMError with a reason, not a retry.
	f.push(reply{status: 403, body: map[string]any{"code": 349, "message": "You cannot send messages to this user."}})
	_, err = c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hi", InReplyTo: to})
	var cd *connectors.CannotDMError
	if !errors.As(err, &cd) || cd.Reason == "" || connectors.Retryable(err) {
		t.Errorf("403 dm: %v", err)
	}
	// No author id: refused without a call.
	n := len(f.requests)
	_, err = c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hi",
		InReplyTo: domain.Mention{NativeID: "1"}})
	if !errors.As(err, &cd) || len(f.requests) != n {
		t.Errorf("no author: %v", err)
	}
	// Rate limit on send.
	f.push(reply{status: 429, body: map[string]any{"code": 88, "message": "Rate limit exceeded"}})
	_, err = c.Send(context.Background(), connectors.Message{Visibility: domain.VisibilityPublic, Text: "x", InReplyTo: to})
	if !errors.Is(err, connectors.ErrRateLimited) {
		t.Errorf("429 send: %v", err)
	}
}

func TestFromSpecRefusesBadConfig(t *testing.T) {
	base := Settings{UserID: testUserID, ConsumerKeyEnv: "CK", ConsumerSecretEnv: "CS", TokenEnv: "TK", TokenSecretEnv: "TS"}
	env := map[string]string{"CK": "a", "CS": "b", "TK": "c", "TS": "d"}
	for name, mod := range map[string]func(*Settings){
		"user id":     func(s *Settings) { s.UserID = "@brand" },
		"max results": func(s *Settings) { s.MaxResults = 500 },
		"base url":    func(s *Settings) { s.BaseURL = "ftp://x" },
		"no secret":   func(s *Settings) { s.TokenSecretEnv = "" },
		"unset env":   func(s *Settings) { s.TokenEnv = "NOPE" },
	} {
		s := base
		mod(&s)
		_, err := FromSpec(connectors.Spec{Name: "x1", Decode: func(v any) error { *v.(*Settings) = s; return nil },
			Getenv: func(k string) string { return env[k] }})
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "\"d\"") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestPostOnTheAccountIsNoReply(t *testing.T) {
	f := newFakeX(t)
	c := f.connector(t, 5)
	res, err := c.Send(context.Background(), connectors.Message{Post: true, Visibility: domain.VisibilityPublic, Text: "We are aware of an account imitating us."})
	if err != nil {
		t.Fatal(err)
	}
	last := f.requests[len(f.requests)-1]
	if last.Method != "POST" || last.URL.Path != "/2/tweets" || string(f.bodies[len(f.bodies)-1]) != `{"text":"We are aware of an account imitating us."}` {
		t.Errorf("post request %s %s %s", last.Method, last.URL.Path, f.bodies[len(f.bodies)-1])
	}
	if res.RemoteID == "" || !strings.HasSuffix(res.URL, "/status/"+res.RemoteID) {
		t.Errorf("post result %+v", res)
	}
	// a post is public: a private one is refused without a call
	n := len(f.requests)
	if _, err := c.Send(context.Background(), connectors.Message{Post: true, Visibility: domain.VisibilityPrivate, Text: "hi"}); !errors.Is(err, connectors.ErrPermanent) || len(f.requests) != n {
		t.Errorf("private post: %v", err)
	}
}
