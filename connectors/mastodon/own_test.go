package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// ownServer is a Mastodon server with the brand's own account: its
// statuses (the documented Status entity, application included, as the
// owner sees it), verify_credentials (a CredentialAccount) and posting.
type ownServer struct {
	t        *testing.T
	mu       sync.Mutex
	statuses []map[string]any // ascending id
	me       map[string]any
	srv      *httptest.Server
	asked    []string // paths asked for, with the query
}

func newOwnServer(t *testing.T) *ownServer {
	f := &ownServer{t: t}
	st := docsStatus(t)
	me := st["account"].(map[string]any)
	me["id"], me["username"], me["acct"], me["display_name"] = "109", "acme", "acme", "Acme"
	me["note"] = "<p>Official Acme support.</p>"
	me["source"] = map[string]any{"privacy": "public", "sensitive": false, "language": "en", "note": "Official Acme support.", "fields": []any{}}
	f.me = me
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// post puts a status on the brand's account as posted from app.
func (f *ownServer) post(text, app string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.postLocked(text, app)
}

func (f *ownServer) postLocked(text, app string) string {
	i := len(f.statuses) + 1
	id := strconv.Itoa(110000000000000000 + i)
	st := docsStatus(f.t)
	st["id"] = id
	st["content"] = "<p>" + text + "</p>"
	st["uri"] = f.srv.URL + "/users/acme/statuses/" + id
	st["url"] = f.srv.URL + "/@acme/" + id
	st["created_at"] = time.Date(2026, 3, 10, 12, 0, i, 0, time.UTC).Format(time.RFC3339Nano)
	st["application"] = map[string]any{"name": app, "website": nil}
	st["account"] = f.me
	f.statuses = append(f.statuses, st)
	return id
}

func (f *ownServer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(401)
		w.Write([]byte(`{"error": "The access token is invalid"}`))
		return
	}
	f.asked = append(f.asked, r.URL.RequestURI())
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v1/accounts/verify_credentials":
		json.NewEncoder(w).Encode(f.me)
	case r.Method == "GET" && r.URL.Path == "/api/v1/accounts/109/statuses":
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit <= 0 {
			limit = 20
		}
		var page []map[string]any
		min := q.Get("min_id")
		for _, st := range f.statuses {
			if (min == "" || idAfter(st["id"].(string), min)) && len(page) < limit {
				page = append(page, st)
			}
		}
		if min == "" {
			page = f.statuses[max(0, len(f.statuses)-limit):]
		}
		page = append([]map[string]any{}, page...)
		sort.Slice(page, func(i, j int) bool { return idAfter(page[i]["id"].(string), page[j]["id"].(string)) })
		json.NewEncoder(w).Encode(page)
	case r.Method == "GET" && r.URL.Path == "/api/v1/notifications":
		w.Write([]byte("[]"))
	case r.Method == "GET" && r.URL.Path == "/api/v2/instance":
		w.WriteHeader(404)
		w.Write([]byte(`{"error": "Record not found"}`))
	case r.Method == "POST" && r.URL.Path == "/api/v1/statuses":
		r.ParseForm()
		id := f.postLocked(r.PostForm.Get("status"), "switchboard")
		json.NewEncoder(w).Encode(f.statuses[len(f.statuses)-1])
		_ = id
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL)
		w.WriteHeader(404)
		w.Write([]byte(`{"error": "Record not found"}`))
	}
}

// sendPost sends a post on the account the way the outbox does: the
// draft is sending before the call and sent with the status id after.
func sendPost(t *testing.T, s *store.Store, c *Connector, text string) domain.Draft {
	t.Helper()
	d, err := s.NewPost("lee", domain.PlatformMastodon, text)
	if err == nil {
		d, err = s.QueueDraft("lee", d.ID, 0)
	}
	if err == nil {
		d, err = s.BeginSend(d.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Send(context.Background(), connectors.Message{IdempotencyKey: d.IdempotencyKey, Visibility: domain.VisibilityPublic, Text: text, Post: true})
	if err != nil {
		t.Fatal(err)
	}
	d, err = s.FinishSend(d.ID, store.SendOutcome{State: domain.DraftSent, RemoteID: res.RemoteID})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestHijackWatch(t *testing.T) {
	f := newOwnServer(t)
	f.post("Welcome to our new account", "Web") // history before switchboard
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := New("mastodon-main", f.srv.URL, testToken, &http.Client{Timeout: 2 * time.Second})
	c.limit = 10
	apps := []string{"switchboard", "Hootsuite"}
	poll := func(s *store.Store) []domain.AccountAlert {
		t.Helper()
		p := connectors.NewPoller(s, connectors.PollerOptions{Apps: apps})
		p.Add(c, time.Minute)
		res := p.Once(context.Background())
		if res[0].Err != nil {
			t.Fatal(res[0].Err)
		}
		return res[0].Alerts
	}
	if got := poll(s); len(got) != 0 {
		t.Fatalf("the first look is the baseline, got %+v", got)
	}
	sendPost(t, s, c, "Our holding statement")
	f.post("Next week: our spring sale", "Hootsuite")
	if got := poll(s); len(got) != 0 {
		t.Fatalf("posts switchboard sent and from a listed app raised %+v", got)
	}
	id := f.post("FREE iPhones for everyone \x1b[2J https://scam.example", "Tweetdeck Clone")
	got := poll(s)
	if len(got) != 1 {
		t.Fatalf("a post switchboard did not send raised %d alerts: %+v", len(got), got)
	}
	a := got[0]
	if a.PostID != id || a.App != "Tweetdeck Clone" || a.URL != f.srv.URL+"/@acme/"+id || a.Handle != "@acme@"+c.host ||
		!strings.Contains(a.Text, "FREE iPhones") {
		t.Fatalf("alert %+v", a)
	}
	if title := store.AccountAlertTitle(a); title != "a post on @acme@"+c.host+" that switchboard did not send" {
		t.Fatalf("title %q", title)
	}
	if got := poll(s); len(got) != 0 {
		t.Fatalf("the next poll raised it again: %+v", got)
	}
	s.Close()
	if s, err = store.Open(path, store.Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := poll(s); len(got) != 0 {
		t.Fatalf("after a restart it was raised again: %+v", got)
	}
	if all, _ := s.AccountAlerts(); len(all) != 1 {
		t.Fatalf("stored alerts after a restart: %+v", all)
	}
	// the profile changes
	f.mu.Lock()
	f.me["display_name"] = "Acme Giveaways"
	f.me["avatar"] = "https://files.example/evil.png"
	f.me["note"] = "<p>DM us your wallet</p>"
	f.mu.Unlock()
	got = poll(s)
	if len(got) != 1 || got[0].Kind != domain.AlertAccountProfile || len(got[0].Changes) != 3 {
		t.Fatalf("a profile change raised %+v", got)
	}
	if fmt.Sprint(got[0].Changes[0]) != "{name Acme Acme Giveaways}" {
		t.Fatalf("changes %+v", got[0].Changes)
	}
	if got := poll(s); len(got) != 0 {
		t.Fatalf("the changed profile raised again: %+v", got)
	}
}
