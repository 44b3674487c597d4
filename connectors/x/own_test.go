package x

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// brandUser answers GET /2/users/:id for the brand's account with the
// profile fields asked for.
func (f *fakeX) brandUser(w io.Writer) {
	u := map[string]any{"id": testUserID, "name": "Brand", "username": "brand", "description": "Official support &amp; news",
		"profile_image_url": "https://pbs.twimg.com/profile_images/1/brand_normal.jpg", "url": "https://t.co/brand"}
	for k, v := range f.users[testUserID] {
		u[k] = v
	}
	json.NewEncoder(w).Encode(map[string]any{"data": u})
}

// ownPost puts a post on the brand's timeline made outside switchboard.
func (f *fakeX) ownPost(text, source string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := strconv.Itoa(1900000000000000001 + len(f.posts))
	f.posts = append([]fakePost{{id: id, text: text, source: source}}, f.posts...)
	return id
}

func TestHijackWatch(t *testing.T) {
	f := newFakeX(t)
	f.ownPost("Hello world", "X Web App")
	c := f.connector(t, 10)
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	poll := func(s *store.Store) []domain.AccountAlert {
		t.Helper()
		p := connectors.NewPoller(s, connectors.PollerOptions{Apps: []string{"switchboard", "Hootsuite Inc."}})
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
	d, err := s.NewPost("lee", domain.PlatformX, "Our holding statement & more")
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
	f.ownPost("Spring sale starts Monday", "Hootsuite Inc.")
	if got := poll(s); len(got) != 0 {
		t.Fatalf("a post the outbox sent, or one from a listed app, raised %+v", got)
	}
	id := f.ownPost("Claim your <free> crypto", "Twitter for iPhone")
	got := poll(s)
	if len(got) != 1 || got[0].PostID != id || got[0].App != "Twitter for iPhone" || got[0].Text != "Claim your <free> crypto" ||
		got[0].URL != "https://x.com/brand/status/"+id || got[0].Handle != "@brand" || len(got[0].Reasons) != 2 {
		t.Fatalf("a post from an unlisted app raised %+v", got)
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
	f.users[testUserID] = map[string]any{"name": "Brand Giveaway", "url": "https://t.co/scam"}
	f.mu.Unlock()
	got = poll(s)
	if len(got) != 1 || got[0].Kind != domain.AlertAccountProfile || len(got[0].Changes) != 2 {
		t.Fatalf("a profile change raised %+v", got)
	}
}
