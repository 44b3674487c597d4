package reddit

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

func names(ms []domain.Mention) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.NativeID)
	}
	return out
}

func TestTokenUserAgentAndRenewal(t *testing.T) {
	f := newFakeReddit(t)
	f.add(1, "t1", "username_mention", false)
	c := f.connector(t, false)
	ctx := context.Background()
	p, err := c.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(ctx, p.Cursor); err != nil {
		t.Fatal(err)
	}
	if f.tokenReq != 1 {
		t.Errorf("%d token requests; the token should be reused", f.tokenReq)
	}
	// A revoked token is replaced once, transparently.
	f.mu.Lock()
	f.tokens = map[string]bool{}
	f.mu.Unlock()
	if _, err := c.Fetch(ctx, p.Cursor); err != nil {
		t.Fatalf("after revocation: %v", err)
	}
	if f.tokenReq != 2 {
		t.Errorf("%d token requests, want 2", f.tokenReq)
	}
	if form := f.forms["/api/v1/access_token"]; form.Get("grant_type") != "password" || form.Get("username") != testUser {
		t.Errorf("token form %v", form)
	}
	h := c.Health()
	if h.State != connectors.HealthOK || h.RateLimit.Limit != 1000 || h.RateLimit.Remaining >= 1000 ||
		h.RateLimit.Reset.Before(time.Now().Add(290*time.Second)) {
		t.Errorf("health %+v", h)
	}

	// A wrong password: an auth error that names the account, not the secrets.
	env := map[string]string{"RP": "wrong-SECRET", "RID": testClientID, "RS": testSecret}
	bad, _ := FromSpec(connectors.Spec{Name: "r2", HTTP: f.srv.Client(), Getenv: func(k string) string { return env[k] },
		Decode: func(v any) error {
			*v.(*Settings) = Settings{Username: testUser, PasswordEnv: "RP", ClientIDEnv: "RID", ClientSecretEnv: "RS",
				AppID: "com.example.switchboard", AppVersion: "1.2", BaseURL: f.srv.URL, AuthURL: f.srv.URL}
			return nil
		}})
	_, err = bad.Fetch(ctx, "")
	if !errors.Is(err, connectors.ErrAuth) || bad.Health().State != connectors.HealthAuthFailed {
		t.Errorf("wrong password: %v", err)
	}
	for _, s := range []string{err.Error(), bad.Health().LastError} {
		if strings.Contains(s, "SECRET") {
			t.Errorf("secret leaked: %s", s)
		}
	}
}

func TestFetchNoGapsNoDuplicatesAcrossListingsAndRestarts(t *testing.T) {
	f := newFakeReddit(t)
	ctx := context.Background()
	seen := map[string]bool{}
	for _, n := range f.add(3, "t1", "comment_reply", false) {
		seen[n] = true // history before the first run
	}
	c := f.connector(t, true)
	c.pageSize = 4
	p0, err := c.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names(p0.Items) {
		seen[n] = true
	}
	want := f.add(7, "t1", "username_mention", false) // in both inbox and mentions
	want = append(want, f.add(5, "t4", "", true)...)  // ties across a page boundary
	want = append(want, f.add(3, "t3", "", false)...) // search
	want = append(want, f.add(9, "t1", "post_reply", false)...)
	cur := p0.Cursor
	var got []string
	for i := 0; ; i++ {
		cc := f.connector(t, true) // a restart before every fetch
		cc.pageSize = 4
		p, err := cc.Fetch(ctx, cur)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, names(p.Items)...)
		cur = p.Cursor
		if i == 0 {
			want = append(want, f.add(2, "t1", "username_mention", true)...)
		}
		if !p.More {
			break
		}
		if i > 20 {
			t.Fatal("the walk does not end")
		}
	}
	p, err := f.connector(t, true).Fetch(ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, names(p.Items)...)
	for _, n := range got {
		if seen[n] {
			t.Errorf("%s fetched twice", n)
		}
		seen[n] = true
	}
	for _, n := range want {
		if !seen[n] {
			t.Errorf("%s never fetched (gap)", n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fetched %d, want %d", len(got), len(want))
	}
	idle, err := f.connector(t, true).Fetch(ctx, p.Cursor)
	if err != nil || len(idle.Items) != 0 {
		t.Errorf("idle: %v %v", err, names(idle.Items))
	}
}

func TestFetchMapsEveryKind(t *testing.T) {
	f := newFakeReddit(t)
	m1 := f.add(1, "t1", "username_mention", false)[0]
	r1 := f.add(1, "t1", "comment_reply", false)[0]
	c1 := f.add(1, "t1", "post_reply", false)[0]
	d1 := f.add(1, "t4", "", false)[0]
	s1 := f.add(1, "t3", "", false)[0]
	p, err := f.connector(t, true).Fetch(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]domain.Mention{}
	for _, m := range p.Items {
		by[m.NativeID] = m
	}
	if len(p.Items) != 5 {
		t.Fatalf("items %v", names(p.Items))
	}
	kinds := map[string]domain.Kind{m1: domain.KindMention, r1: domain.KindReply, c1: domain.KindComment, d1: domain.KindDM, s1: domain.KindMention}
	for n, k := range kinds {
		if by[n].Kind != k {
			t.Errorf("%s kind %q, want %q", n, by[n].Kind, k)
		}
	}
	m := by[m1]
	id := strings.TrimPrefix(m1, "t1_")
	want := domain.Mention{Platform: domain.PlatformReddit, NativeID: m1, Kind: domain.KindMention,
		URL:    "https://www.reddit.com/r/brand/comments/lnk" + id + "/some_title/" + id + "/?context=3",
		Author: domain.Author{ID: "t2_1", Handle: "user_1"}, Text: "hey u/brand_support, item 1 & more",
		CreatedAt: m.CreatedAt, FetchedAt: m.FetchedAt, InReplyTo: "t1_par" + id, Thread: "t3_lnk" + id, Connector: "reddit-main"}
	gj, _ := json.Marshal(m)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("mention\n got %s\nwant %s", gj, wj)
	}
	if m.CreatedAt.Unix() != 1_740_000_002 {
		t.Errorf("created %v", m.CreatedAt)
	}
	if d := by[d1]; !strings.HasPrefix(d.Text, "Help please\n\n") || d.Thread != d1 || d.URL != "https://www.reddit.com/message/messages/"+strings.TrimPrefix(d1, "t4_") {
		t.Errorf("dm %+v", d)
	}
	if s := by[s1]; !strings.HasPrefix(s.Text, "Brand app outage?\n\n") || !strings.HasPrefix(s.URL, "https://www.reddit.com/r/gadgets/comments/") {
		t.Errorf("search %+v", s)
	}
	// Oldest first, so a store that keeps order sees them as they came.
	for i := 1; i < len(p.Items); i++ {
		if p.Items[i].CreatedAt.Before(p.Items[i-1].CreatedAt) {
			t.Error("items not in time order")
		}
	}
}

func TestSend(t *testing.T) {
	f := newFakeReddit(t)
	c := f.connector(t, false)
	ctx := context.Background()
	comment := domain.Mention{NativeID: "t1_abc", Author: domain.Author{Handle: "user_1"}}
	if _, err := c.Send(ctx, connectors.Message{Visibility: domain.VisibilityPrivate, Text: "Sorry about that", InReplyTo: comment}); err != nil {
		t.Fatal(err)
	}
	if form := f.forms["/api/compose"]; form.Get("to") != "user_1" || form.Get("subject") != "Re: your comment" || form.Get("text") != "Sorry about that" {
		t.Errorf("compose %v", form)
	}
	f.noDM["user_2"] = "NOT_WHITELISTED_BY_USER_MESSAGE"
	_, err := c.Send(ctx, connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hi", InReplyTo: domain.Mention{NativeID: "t1_x", Author: domain.Author{Handle: "user_2"}}})
	var cd *connectors.CannotDMError
	if !errors.As(err, &cd) || !strings.Contains(cd.Reason, "approved") {
		t.Errorf("whitelist: %v", err)
	}
	f.noDM["user_2"] = "RATELIMIT"
	_, err = c.Send(ctx, connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hi", InReplyTo: domain.Mention{NativeID: "t1_x", Author: domain.Author{Handle: "user_2"}}})
	if !errors.Is(err, connectors.ErrRateLimited) {
		t.Errorf("RATELIMIT: %v", err)
	}
	// Deleted author: refused without a call.
	n := len(f.paths)
	_, err = c.Send(ctx, connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hi", InReplyTo: domain.Mention{NativeID: "t1_x", Author: domain.Author{Handle: "[deleted]"}}})
	if !errors.As(err, &cd) || len(f.paths) != n {
		t.Errorf("deleted author: %v", err)
	}
	// Too long: refused without a call.
	_, err = c.Send(ctx, connectors.Message{Visibility: domain.VisibilityPublic, Text: strings.Repeat("é", 10001), InReplyTo: comment})
	if !errors.Is(err, connectors.ErrPermanent) || len(f.paths) != n {
		t.Errorf("long text: %v", err)
	}
	// Private answer to a private message: continues its conversation.
	res, err := c.Send(ctx, connectors.Message{Visibility: domain.VisibilityPrivate, Text: "On it", InReplyTo: domain.Mention{NativeID: "t4_m1", Author: domain.Author{Handle: "user_3"}}})
	if err != nil || res.RemoteID != "t4_reply1" || f.forms["/api/comment"].Get("thing_id") != "t4_m1" {
		t.Errorf("dm reply %+v %v %v", res, err, f.forms["/api/comment"])
	}
	// Public reply.
	res, err = c.Send(ctx, connectors.Message{Visibility: domain.VisibilityPublic, Text: "Thanks!", InReplyTo: comment})
	if err != nil || res.RemoteID != "t1_reply1" || res.URL != "https://www.reddit.com/r/brand/comments/abc/title/reply1/" {
		t.Errorf("reply %+v %v", res, err)
	}
}

func TestRateLimitAndErrors(t *testing.T) {
	f := newFakeReddit(t)
	c := f.connector(t, false)
	ctx := context.Background()
	f.push(reply{status: 429, header: map[string]string{"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "42"},
		body: map[string]any{"message": "Too Many Requests", "error": 429}})
	before := time.Now()
	_, err := c.Fetch(ctx, "")
	var rl *connectors.RateLimitError
	if !errors.As(err, &rl) || rl.Reset.Before(before.Add(41*time.Second)) || rl.Reset.After(time.Now().Add(43*time.Second)) {
		t.Fatalf("429: %v", err)
	}
	if h := c.Health(); h.State != connectors.HealthRateLimited || h.RateLimit.Remaining != 0 {
		t.Errorf("health %+v", h)
	}
	f.push(reply{status: 503, body: map[string]any{"message": "Service Unavailable"}})
	if _, err := c.Fetch(ctx, ""); !errors.Is(err, connectors.ErrUnavailable) {
		t.Errorf("503: %v", err)
	}
	f.push(reply{status: 403, body: map[string]any{"message": "Forbidden", "reason": "private"}})
	if _, err := c.Fetch(ctx, ""); !errors.Is(err, connectors.ErrPermanent) || !strings.Contains(err.Error(), "private") {
		t.Errorf("403: %v", err)
	}
	f.push(reply{status: 200, body: map[string]any{"kind": "Listing", "data": map[string]any{"children": []any{
		map[string]any{"kind": "t1", "data": map[string]any{"name": "t1_../x", "id": "../x"}}}}}})
	if _, err := c.Fetch(ctx, ""); !errors.Is(err, connectors.ErrBadPayload) {
		t.Errorf("hostile listing: %v", err)
	}
	if _, err := c.Fetch(ctx, `{"s":{"inbox":{"n":"drop table"}}}`); err == nil {
		t.Error("foreign cursor accepted")
	}
}

func TestLookupFindsSentMessages(t *testing.T) {
	f := newFakeReddit(t)
	c := f.connector(t, false)
	ctx := context.Background()
	comment := domain.Mention{NativeID: "t1_abc", Author: domain.Author{Handle: "User_1"}}
	dm := connectors.Message{Visibility: domain.VisibilityPrivate, Text: "Sorry about that", InReplyTo: comment}
	pub := connectors.Message{Visibility: domain.VisibilityPublic, Text: "Thanks for flagging", InReplyTo: comment}
	for _, m := range []connectors.Message{dm, pub} {
		if _, found, err := c.Lookup(ctx, m); err != nil || found {
			t.Fatalf("before sending: found=%v err=%v", found, err)
		}
	}
	if _, err := c.Send(ctx, dm); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, pub); err != nil {
		t.Fatal(err)
	}
	res, found, err := c.Lookup(ctx, dm)
	if err != nil || !found || !strings.HasPrefix(res.RemoteID, "t4_") {
		t.Errorf("dm lookup: %+v %v %v", res, found, err)
	}
	res, found, err = c.Lookup(ctx, pub)
	if err != nil || !found || !strings.HasPrefix(res.RemoteID, "t1_") {
		t.Errorf("reply lookup: %+v %v %v", res, found, err)
	}
	// Same text to someone else, or under another parent: not found.
	other := dm
	other.InReplyTo.Author.Handle = "user_9"
	if _, found, _ := c.Lookup(ctx, other); found {
		t.Error("matched a message to someone else")
	}
	other = pub
	other.InReplyTo.NativeID = "t1_zzz"
	if _, found, _ := c.Lookup(ctx, other); found {
		t.Error("matched a reply under another parent")
	}
}
