package x

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// convX answers the two calls a thread makes, in the shapes docs.x.com
// documents: GET /2/tweets/search/recent (query conversation_id:ID; the
// last seven days; referenced posts in includes.tweets, those it cannot
// find as resource-not-found problems) and GET /2/tweets?ids=.
type convX struct {
	t      *testing.T
	srv    *httptest.Server
	posts  map[string]map[string]any // id → post
	gone   map[string]bool           // deleted
	recent map[string]bool           // in the search's seven days
	asked  []string
}

var convUsers = map[string]map[string]any{
	"2244994945": {"id": "2244994945", "username": "brand", "name": "Brand", "verified": true, "public_metrics": map[string]any{"followers_count": 90000, "following_count": 10, "tweet_count": 500, "listed_count": 3}},
	"100":        {"id": "100", "username": "alice", "name": "Alice A.", "verified": false, "public_metrics": map[string]any{"followers_count": 4321, "following_count": 1, "tweet_count": 9, "listed_count": 0}},
	"200":        {"id": "200", "username": "bob", "name": "Bob", "verified": false, "public_metrics": map[string]any{"followers_count": 7, "following_count": 1, "tweet_count": 9, "listed_count": 0}},
}

func newConvX(t *testing.T) *convX {
	x := &convX{t: t, posts: map[string]map[string]any{}, gone: map[string]bool{}, recent: map[string]bool{}}
	x.srv = httptest.NewServer(http.HandlerFunc(x.serve))
	t.Cleanup(x.srv.Close)
	return x
}

// post adds a post by author in conversation conv answering parent.
func (x *convX) post(id, conv, author, parent, text string, min int, recent bool) {
	p := map[string]any{"id": id, "text": text, "author_id": author, "conversation_id": conv, "lang": "en",
		"created_at": time.Date(2026, 3, 10, 12, min, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z"), "edit_history_tweet_ids": []string{id}}
	if parent != "" {
		p["referenced_tweets"] = []map[string]any{{"type": "replied_to", "id": parent}}
		p["in_reply_to_user_id"] = "2244994945"
	}
	x.posts[id] = p
	x.recent[id] = recent
}

func (x *convX) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "OAuth ") {
		x.t.Errorf("%s without an OAuth 1.0a signature", r.URL.Path)
	}
	q := r.URL.Query()
	if q.Get("expansions") != threadExpansions || !strings.Contains(q.Get("tweet.fields"), "conversation_id") ||
		!strings.Contains(q.Get("user.fields"), "public_metrics") {
		x.t.Errorf("%s asks for %v", r.URL.Path, q)
	}
	var data []map[string]any
	switch r.URL.Path {
	case "/2/tweets/search/recent":
		conv, ok := strings.CutPrefix(q.Get("query"), "conversation_id:")
		if !ok || q.Get("max_results") != "100" {
			x.t.Errorf("search %v", q)
		}
		x.asked = append(x.asked, "search "+conv+" "+q.Get("next_token"))
		var ids []string
		for id, p := range x.posts {
			if p["conversation_id"] == conv && id != conv && x.recent[id] && !x.gone[id] {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		slices.Reverse(ids) // newest first
		// two to a page, to page
		start := 0
		if tok := q.Get("next_token"); tok != "" {
			start = len(tok)
		}
		end := min(start+2, len(ids))
		for _, id := range ids[start:end] {
			data = append(data, x.posts[id])
		}
		resp := x.expand(data)
		meta := map[string]any{"result_count": len(data)}
		if len(data) > 0 {
			meta["newest_id"], meta["oldest_id"] = data[0]["id"], data[len(data)-1]["id"]
		}
		if end < len(ids) {
			meta["next_token"] = strings.Repeat("b", end)
		}
		resp["meta"] = meta
		writeJSON(w, resp)
	case "/2/tweets":
		x.asked = append(x.asked, "lookup "+q.Get("ids"))
		var errs []map[string]any
		for _, id := range strings.Split(q.Get("ids"), ",") {
			if p := x.posts[id]; p != nil && !x.gone[id] {
				data = append(data, p)
			} else {
				errs = append(errs, notFoundProblem(id, "ids"))
			}
		}
		resp := x.expand(data)
		if errs != nil {
			resp["errors"] = append(errs, anyList(resp["errors"])...)
		}
		writeJSON(w, resp)
	default:
		x.t.Errorf("unexpected %s", r.URL.Path)
		w.WriteHeader(404)
	}
}

func anyList(v any) []map[string]any {
	l, _ := v.([]map[string]any)
	return l
}

func notFoundProblem(id, param string) map[string]any {
	return map[string]any{"value": id, "detail": "Could not find tweet with " + param + ": [" + id + "].", "title": "Not Found Error",
		"resource_type": "tweet", "parameter": param, "resource_id": id, "type": "https://api.twitter.com/2/problems/resource-not-found"}
}

// expand adds includes.users and includes.tweets (the replied-to posts)
// and a problem for each referenced post that is gone.
func (x *convX) expand(data []map[string]any) map[string]any {
	resp := map[string]any{}
	if data != nil {
		resp["data"] = data
	}
	users, tweets := map[string]bool{}, map[string]bool{}
	var us, ts, errs []map[string]any
	addUser := func(id string) {
		if !users[id] {
			users[id] = true
			us = append(us, convUsers[id])
		}
	}
	for _, p := range data {
		addUser(p["author_id"].(string))
		refs, _ := p["referenced_tweets"].([]map[string]any)
		for _, ref := range refs {
			id := ref["id"].(string)
			if tweets[id] {
				continue
			}
			tweets[id] = true
			if rp := x.posts[id]; rp != nil && !x.gone[id] {
				ts = append(ts, rp)
				addUser(rp["author_id"].(string))
			} else {
				errs = append(errs, notFoundProblem(id, "referenced_tweets.id"))
			}
		}
	}
	inc := map[string]any{}
	if us != nil {
		inc["users"] = us
	}
	if ts != nil {
		inc["tweets"] = ts
	}
	if len(inc) > 0 {
		resp["includes"] = inc
	}
	if errs != nil {
		resp["errors"] = errs
	}
	return resp
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("x-rate-limit-limit", "450")
	w.Header().Set("x-rate-limit-remaining", "449")
	w.Header().Set("x-rate-limit-reset", "1773144000")
	json.NewEncoder(w).Encode(v)
}

func (x *convX) connector(t *testing.T) *Connector {
	env := map[string]string{"CK": testConsumerKey, "CS": testConsumerSecret, "TK": testToken, "TS": testTokenSecret}
	c, err := FromSpec(connectors.Spec{Name: "x-main", Type: "x",
		Decode: func(v any) error {
			*v.(*Settings) = Settings{UserID: testUserID, Username: "brand", ConsumerKeyEnv: "CK", ConsumerSecretEnv: "CS",
				TokenEnv: "TK", TokenSecretEnv: "TS", BaseURL: x.srv.URL}
			return nil
		},
		Getenv: func(k string) string { return env[k] }, HTTP: x.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return c.(*Connector)
}

func xOutline(t *testing.T, s *store.Store, key string) string {
	t.Helper()
	th, err := s.Thread(key, store.ThreadWindow{Start: true, After: 100})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range th.Messages {
		b.WriteString(strings.Repeat(".", m.Depth) + strings.TrimPrefix(m.Key, "x:"))
		if m.Focus {
			b.WriteString("*")
		}
		if m.Missing {
			b.WriteString(" (missing)")
		}
		if m.Mention != nil {
			b.WriteString(" @" + m.Mention.Author.Handle)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestFetchThreadSearchesTheConversationAndLooksUpAncestors(t *testing.T) {
	x := newConvX(t)
	// 1000 is the brand's post, older than the search reaches
	x.post("1000", "1000", "2244994945", "", "Our new app is out", 0, false)
	x.post("1001", "1000", "100", "1000", "@brand it crashes", 1, true)
	x.post("1002", "1000", "200", "1001", "@alice @brand same here", 2, true)
	x.post("1003", "1000", "100", "1002", "@bob did you reinstall?", 3, true)
	x.post("1004", "1000", "200", "1000", "@brand works for me", 4, true)
	// 2000 was deleted; 2001 answers it
	x.post("2000", "2000", "2244994945", "", "a deleted post", 0, true)
	x.gone["2000"] = true
	x.post("2001", "2000", "100", "2000", "what did you say?", 5, true)
	x.post("2002", "2000", "200", "2001", "no idea", 6, true)
	// 3000's conversation is old: no search result, ancestors by lookup
	x.post("3000", "3000", "2244994945", "", "last year's post", 0, false)
	x.post("3001", "3000", "100", "3000", "an old reply", 1, false)
	x.post("3002", "3000", "200", "3001", "an old answer", 2, false)
	// a hostile answer: 4001 and 4002 answer each other
	x.post("4001", "4001", "100", "4002", "a", 1, false)
	x.post("4002", "4001", "200", "4001", "b", 2, false)

	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := connectors.NewPoller(st, connectors.PollerOptions{})
	p.Add(x.connector(t), time.Hour)
	mk := func(id, conv, parent string) domain.Mention {
		return domain.Mention{Platform: domain.PlatformX, NativeID: id, Kind: domain.KindReply, InReplyTo: parent, Thread: conv,
			Author: domain.Author{Handle: "bob", ID: "200"}, Text: "t", CreatedAt: time.Date(2026, 3, 10, 12, 2, 0, 0, time.UTC)}
	}
	for _, c := range []struct {
		m        domain.Mention
		fetched  int
		missing  string
		outline  string
		requests string
	}{
		{mk("1002", "1000", "1001"), 4, "", "1000 @brand\n.1001 @alice\n..1002* @bob\n...1003 @alice\n.1004 @bob\n",
			"search 1000 |search 1000 bb"},
		{mk("2002", "2000", "2001"), 1, "2000", "2000 (missing)\n.2001 @alice\n..2002* @bob\n", "search 2000 "},
		{mk("3002", "", "3001"), 2, "", "3000 @brand\n.3001 @alice\n..3002* @bob\n", "lookup 3002|search 3000 |lookup 3000"},
		{mk("4002", "4001", "4001"), 1, "", "4001 @alice\n.4002* @bob\n", "search 4001 |lookup 4001"},
	} {
		x.asked = nil
		if _, err := st.Ingest([]domain.Mention{c.m}); err != nil {
			t.Fatal(err)
		}
		fr, err := p.FetchThread(context.Background(), c.m)
		if err != nil || fr.Fetched != c.fetched || strings.Join(fr.Missing, ",") != c.missing {
			t.Fatalf("%s: %+v %v", c.m.NativeID, fr, err)
		}
		if got := strings.Join(x.asked, "|"); got != c.requests {
			t.Errorf("%s asked %q, want %q", c.m.NativeID, got, c.requests)
		}
		if got := xOutline(t, st, "x:"+c.m.NativeID); got != c.outline {
			t.Fatalf("%s:\n%s\nwant:\n%s", c.m.NativeID, got, c.outline)
		}
	}
	th, _ := st.Thread("x:4002", store.ThreadWindow{})
	if !th.Cycle {
		t.Fatalf("the loop is not reported: %+v", th)
	}
	root, _ := st.GetByKey("x:1000")
	if root.Author.Followers != 90000 || root.URL != "https://x.com/brand/status/1000" || root.State.Status != domain.StatusDone || root.Kind != domain.KindMention {
		t.Fatalf("root: %+v", root)
	}
}

func TestDecodeConversationRefusesMalformedAnswers(t *testing.T) {
	for _, body := range []string{`[]`, `{"data":[{"id":"01","text":"x"}]}`, `{"data":[],"meta":{"next_token":"a b"}}`,
		`{"includes":{"users":[{"id":"x","username":"a"}]}}`} {
		if _, _, _, err := DecodeConversation([]byte(body), time.Now()); err == nil || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("%s: %v", body, err)
		}
	}
}
