package reddit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
)

const (
	testUser     = "brand_support"
	testPassword = "pw-SECRET-hunter2"
	testClientID = "clientid123"
	testSecret   = "cs-SECRET-xyz"
	testUA       = "server:com.example.switchboard:1.2 (by /u/brand_support)"
)

type reply struct {
	status int
	header map[string]string
	body   any
}

type fakeItem struct {
	kind, id, typ, author, body string
	created                     int64
}

// fakeReddit serves the token endpoint and the OAuth API from one server,
// as Reddit's documented listings and api_type=json answers look.
type fakeReddit struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	inbox    []fakeItem // newest first
	posts    []fakeItem // search results, newest first
	tokens   map[string]bool
	tokenReq int
	used     int
	script   []reply
	forms    map[string]url.Values
	noDM     map[string]string
	seq      int
	paths    []string
	sent     []map[string]any     // what compose and comment created, newest first
	trees    map[string]*fakeTree // comment trees by article id
}

func (f *fakeReddit) record(kind string, d map[string]any) {
	f.seq++
	id := "s" + strconv.Itoa(f.seq)
	d["id"], d["name"], d["author"] = id, kind+"_"+id, testUser
	f.sent = append([]map[string]any{{"kind": kind, "data": d}}, f.sent...)
}

func (f *fakeReddit) sentListing(w http.ResponseWriter, kind string) {
	children := []map[string]any{}
	for _, th := range f.sent {
		if th["kind"] == kind {
			children = append(children, th)
		}
	}
	f.json(w, 200, map[string]any{"kind": "Listing", "data": map[string]any{"after": nil, "children": children}})
}

func newFakeReddit(t *testing.T) *fakeReddit {
	f := &fakeReddit{t: t, tokens: map[string]bool{}, forms: map[string]url.Values{}, noDM: map[string]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeReddit) connector(t *testing.T, search bool) *Connector {
	t.Helper()
	env := map[string]string{"RP": testPassword, "RID": testClientID, "RS": testSecret}
	c, err := FromSpec(connectors.Spec{Name: "reddit-main", HTTP: f.srv.Client(), Getenv: func(k string) string { return env[k] },
		Decode: func(v any) error {
			s := Settings{Username: "/u/" + testUser, PasswordEnv: "RP", ClientIDEnv: "RID", ClientSecretEnv: "RS",
				AppID: "com.example.switchboard", AppVersion: "1.2", BaseURL: f.srv.URL, AuthURL: f.srv.URL}
			if search {
				s.Subreddits, s.Keywords = []string{"r/brand", "gadgets"}, []string{"brand app", "outage"}
			}
			*v.(*Settings) = s
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return c.(*Connector)
}

var base36 = strconv.FormatInt

// add puts n items of kind/type on top of the inbox (or the search results
// for t3), at the same second when same is true.
func (f *fakeReddit) add(n int, kind, typ string, same bool) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := &f.inbox
	if kind == "t3" {
		list = &f.posts
	}
	at := int64(1_740_000_000)
	for _, l := range [][]fakeItem{f.inbox, f.posts} {
		if len(l) > 0 && l[0].created > at {
			at = l[0].created
		}
	}
	var names []string
	for i := 0; i < n; i++ {
		if !same || i == 0 {
			at += 2
		}
		f.seq++
		it := fakeItem{kind: kind, id: base36(int64(1_000_000+f.seq), 36), typ: typ, author: fmt.Sprintf("user_%d", f.seq%4),
			body: fmt.Sprintf("hey u/%s, item %d &amp; more", testUser, f.seq), created: at}
		*list = append([]fakeItem{it}, *list...)
		names = append(names, kind+"_"+it.id)
	}
	return names
}

func (f *fakeReddit) push(r ...reply) {
	f.mu.Lock()
	f.script = append(f.script, r...)
	f.mu.Unlock()
}

func (f *fakeReddit) json(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeReddit) serve(w http.ResponseWriter, r *http.Request) {
	t := f.t
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paths = append(f.paths, r.URL.Path)
	if ua := r.UserAgent(); ua != testUA {
		t.Errorf("%s: User-Agent %q, want %q", r.URL.Path, ua, testUA)
	}
	if r.Method == http.MethodPost {
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("%s: content type %q", r.URL.Path, ct)
		}
		r.ParseForm()
		f.forms[r.URL.Path] = r.PostForm
	}
	if r.URL.Path == "/api/v1/access_token" {
		id, secret, ok := r.BasicAuth()
		if !ok || id != testClientID || secret != testSecret {
			f.json(w, 401, map[string]any{"message": "Unauthorized", "error": 401})
			return
		}
		f.tokenReq++
		if r.PostForm.Get("grant_type") != "password" || r.PostForm.Get("username") != testUser || r.PostForm.Get("password") != testPassword {
			f.json(w, 200, map[string]any{"error": "invalid_grant"})
			return
		}
		tok := fmt.Sprintf("tok-%d", f.tokenReq)
		f.tokens[tok] = true
		f.json(w, 200, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": 86400, "scope": "*"})
		return
	}
	if tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "); !f.tokens[tok] {
		f.json(w, 401, map[string]any{"message": "Unauthorized", "error": 401})
		return
	}
	f.used++
	w.Header().Set("X-Ratelimit-Used", strconv.Itoa(f.used))
	w.Header().Set("X-Ratelimit-Remaining", fmt.Sprintf("%d.0", 1000-f.used))
	w.Header().Set("X-Ratelimit-Reset", "300")
	if len(f.script) > 0 {
		rp := f.script[0]
		f.script = f.script[1:]
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		f.json(w, rp.status, rp.body)
		return
	}
	q := r.URL.Query()
	if r.Method == http.MethodGet && q.Get("raw_json") != "1" {
		t.Errorf("%s without raw_json=1", r.URL.Path)
	}
	switch {
	case r.URL.Path == "/message/inbox" || r.URL.Path == "/message/mentions":
		var items []fakeItem
		for _, it := range f.inbox {
			if r.URL.Path == "/message/inbox" || it.typ == "username_mention" {
				items = append(items, it)
			}
		}
		f.listing(w, items, q)
	case r.URL.Path == "/r/brand+gadgets/search":
		if q.Get("q") != `"brand app" OR "outage"` || q.Get("restrict_sr") != "1" || q.Get("sort") != "new" {
			t.Errorf("search query %v", q)
		}
		f.listing(w, f.posts, q)
	case r.URL.Path == "/search": // site-wide, for a keyword stream (stream_test.go)
		if q.Get("q") != `"acme" OR "acme pharmacy" OR "acmefail"` || q.Get("restrict_sr") != "" || q.Get("sort") != "new" || q.Get("type") != "link" {
			t.Errorf("stream search query %v", q)
		}
		f.listing(w, f.posts, q)
	case r.URL.Path == "/api/compose":
		p := r.PostForm
		if p.Get("api_type") != "json" || p.Get("to") == "" || p.Get("subject") == "" || utf8.RuneCountInString(p.Get("subject")) > 100 ||
			p.Get("text") == "" || utf8.RuneCountInString(p.Get("text")) > 10000 {
			t.Errorf("compose form %v", p)
		}
		if code, ok := f.noDM[p.Get("to")]; ok {
			f.json(w, 200, map[string]any{"json": map[string]any{"errors": [][]any{{code, "you can't send to this user", "to"}}}})
			return
		}
		f.record("t4", map[string]any{"dest": p.Get("to"), "subject": p.Get("subject"), "body": p.Get("text")})
		f.json(w, 200, map[string]any{"json": map[string]any{"errors": []any{}}})
	case strings.HasPrefix(r.URL.Path, "/comments/"):
		f.commentTree(w, strings.TrimPrefix(r.URL.Path, "/comments/"), q)
	case r.URL.Path == "/message/sent":
		f.sentListing(w, "t4")
	case r.URL.Path == "/user/"+testUser+"/comments":
		f.sentListing(w, "t1")
	case r.URL.Path == "/api/comment":
		p := r.PostForm
		if p.Get("api_type") != "json" || p.Get("thing_id") == "" || p.Get("text") == "" {
			t.Errorf("comment form %v", p)
		}
		kind := "t1"
		if strings.HasPrefix(p.Get("thing_id"), "t4_") {
			kind = "t4"
		}
		data := map[string]any{"name": kind + "_reply1", "id": "reply1"}
		if kind == "t1" {
			data["permalink"] = "/r/brand/comments/abc/title/reply1/"
		}
		f.record(kind, map[string]any{"parent_id": p.Get("thing_id"), "body": p.Get("text"), "permalink": "/r/brand/comments/abc/title/x/"})
		f.json(w, 200, map[string]any{"json": map[string]any{"errors": []any{}, "data": map[string]any{"things": []any{
			map[string]any{"kind": kind, "data": data}}}}})
	default:
		t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		f.json(w, 404, map[string]any{"message": "Not Found", "error": 404})
	}
}

func (f *fakeReddit) listing(w http.ResponseWriter, items []fakeItem, q map[string][]string) {
	limit := 25
	if l := q["limit"]; len(l) == 1 {
		limit, _ = strconv.Atoi(l[0])
	}
	if limit < 1 || limit > 100 {
		f.t.Errorf("limit %d", limit)
	}
	start := 0
	if a := q["after"]; len(a) == 1 {
		start = -1
		for i, it := range items {
			if it.kind+"_"+it.id == a[0] {
				start = i + 1
			}
		}
		if start < 0 {
			start = len(items) // Reddit answers an empty page for an unknown anchor
		}
	}
	var children []map[string]any
	var after any
	for i := start; i < len(items) && len(children) < limit; i++ {
		it := items[i]
		name := it.kind + "_" + it.id
		d := map[string]any{"id": it.id, "name": name, "author": it.author, "author_fullname": "t2_" + strings.TrimPrefix(it.author, "user_"),
			"created_utc": float64(it.created), "created": float64(it.created)}
		switch it.kind {
		case "t1":
			d["body"], d["type"], d["was_comment"] = strings.ReplaceAll(it.body, "&amp;", "&"), it.typ, true
			d["context"] = "/r/brand/comments/lnk" + it.id + "/some_title/" + it.id + "/?context=3"
			d["parent_id"] = "t1_par" + it.id
			d["subreddit"], d["subject"] = "brand", "username mention"
		case "t4":
			d["body"], d["subject"], d["was_comment"] = it.body, "Help please", false
			d["first_message_name"], d["parent_id"] = nil, nil
			d["dest"] = testUser
		case "t3":
			d["title"], d["selftext"], d["subreddit"] = "Brand app outage?", it.body, "gadgets"
			d["permalink"] = "/r/gadgets/comments/" + it.id + "/brand_app_outage/"
		}
		children = append(children, map[string]any{"kind": it.kind, "data": d})
		if len(children) == limit && i+1 < len(items) {
			after = name
		}
	}
	if children == nil {
		children = []map[string]any{}
	}
	f.json(w, 200, map[string]any{"kind": "Listing", "data": map[string]any{"after": after, "before": nil, "dist": len(children), "children": children}})
}

var _ = time.Second
