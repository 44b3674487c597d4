package x

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"switchboard/connectors"
)

// The reference OpenAPI document lives beside the repository:
// <repo root>/../shared/reference/x-api/openapi.json, or where
// SWITCHBOARD_X_OPENAPI says.
var specPath = filepath.Join("..", "..", "..", "shared", "reference", "x-api", "openapi.json")

var (
	specOnce sync.Once
	specDoc  []byte
	specErr  error
)

// loadSpec returns a freshly parsed copy of the X OpenAPI document (each
// server rewrites its servers list), or skips the test when it is absent.
func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	specOnce.Do(func() {
		if p := os.Getenv("SWITCHBOARD_X_OPENAPI"); p != "" {
			specPath = p // a worktree not beside shared/
		}
		specDoc, specErr = os.ReadFile(specPath)
	})
	if os.IsNotExist(specErr) {
		t.Skipf("X OpenAPI document not found at %s (expected at <repo>/../shared/reference/x-api/openapi.json); skipping the contract tests", specPath)
	}
	if specErr != nil {
		t.Fatal(specErr)
	}
	doc, err := openapi3.NewLoader().LoadFromData(specDoc)
	if err != nil {
		t.Fatalf("loading %s: %v", specPath, err)
	}
	return doc
}

// Test credentials: none of these may ever show up in an error or Health.
const (
	testConsumerKey    = "ck-public-key"
	testConsumerSecret = "cs-SECRET-do-not-leak"
	testToken          = "12345-tokenvalue"
	testTokenSecret    = "ts-SECRET-do-not-leak"
	testUserID         = "2244994945"
)

// reply is a scripted answer.
type reply struct {
	status int
	header map[string]string
	ctype  string
	body   any
	delay  time.Duration // wait this long before answering (a hung platform)
}

// fakeX is a local X API that validates every request and every response
// against the OpenAPI document and re-computes every OAuth 1.0a signature.
type fakeX struct {
	t      *testing.T
	srv    *httptest.Server
	doc    *openapi3.T
	router routers.Router

	mu       sync.Mutex
	tweets   []fakeTweet // newest first
	users    map[string]map[string]any
	script   []reply // answers served before the normal behaviour, in order
	requests []*http.Request
	bodies   [][]byte
	nonces   map[string]bool
	partial  bool
	// what was sent, newest first: the account's posts and the DM events
	// of its conversations, so that a lookup can find them
	posts  []fakePost
	events []fakeEvent
	// the filtered stream (stream_test.go)
	fs fakeStream
}

type fakePost struct{ id, text, replyTo, source string }

type fakeEvent struct{ id, text, sender, other string }

type fakeTweet struct {
	id     uint64
	author string
	extra  map[string]any
}

func newFakeX(t *testing.T) *fakeX {
	t.Helper()
	doc := loadSpec(t)
	f := &fakeX{t: t, doc: doc, nonces: map[string]bool{}, users: map[string]map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	doc.Servers = openapi3.Servers{{URL: f.srv.URL}}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	f.router = r
	f.users["100"] = map[string]any{"id": "100", "username": "alice", "name": "Alice A.", "verified": true,
		"public_metrics": map[string]any{"followers_count": 4321, "following_count": 1, "post_count": 9, "listed_count": 0}}
	f.users["200"] = map[string]any{"id": "200", "username": "bob", "name": "Bob", "verified": false,
		"public_metrics": map[string]any{"followers_count": 7, "following_count": 1, "post_count": 9, "listed_count": 0}}
	return f
}

func (f *fakeX) connector(t *testing.T, pageSize int) *Connector {
	t.Helper()
	env := map[string]string{"CK": testConsumerKey, "CS": testConsumerSecret, "TK": testToken, "TS": testTokenSecret}
	spec := connectors.Spec{
		Name: "x-main", Type: "x",
		Decode: func(v any) error {
			s := v.(*Settings)
			*s = Settings{UserID: testUserID, Username: "brand", ConsumerKeyEnv: "CK", ConsumerSecretEnv: "CS",
				TokenEnv: "TK", TokenSecretEnv: "TS", BaseURL: f.srv.URL, MaxResults: pageSize}
			return nil
		},
		Getenv: func(k string) string { return env[k] },
		HTTP:   f.srv.Client(),
	}
	c, err := FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	return c.(*Connector)
}

// add puts n new tweets on top of the timeline and returns their ids.
func (f *fakeX) add(n int, author string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	next := uint64(1_000_000_000_000_000)
	if len(f.tweets) > 0 {
		next = f.tweets[0].id + 7
	}
	var ids []string
	for i := 0; i < n; i++ {
		tw := fakeTweet{id: next + uint64(i)*3, author: author}
		f.tweets = append([]fakeTweet{tw}, f.tweets...)
		ids = append(ids, strconv.FormatUint(tw.id, 10))
	}
	return ids
}

func (f *fakeX) push(r ...reply) {
	f.mu.Lock()
	f.script = append(f.script, r...)
	f.mu.Unlock()
}

func (f *fakeX) serve(w http.ResponseWriter, r *http.Request) {
	t := f.t
	if strings.HasPrefix(r.URL.Path, "/2/tweets/search/stream") {
		f.serveStream(w, r) // app-only (bearer) endpoints: stream_test.go
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	f.requests = append(f.requests, r)
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()

	f.checkSignature(r)
	route, params, err := f.router.FindRoute(r)
	if err != nil {
		t.Errorf("%s %s: no such operation in the OpenAPI document: %v", r.Method, r.URL.Path, err)
		http.Error(w, "no route", http.StatusNotFound)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: func(_ context.Context, ai *openapi3filter.AuthenticationInput) error {
			if ai.SecuritySchemeName != "UserToken" {
				return fmt.Errorf("only OAuth 1.0a user context is used")
			}
			if !strings.HasPrefix(ai.RequestValidationInput.Request.Header.Get("Authorization"), "OAuth ") {
				return fmt.Errorf("no OAuth authorization")
			}
			return nil
		}}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Errorf("request %s %s does not match the OpenAPI document: %v", r.Method, r.URL, err)
	}
	// openapi3filter lets unknown query parameters through; this server does
	// not. The one exception is tweet.fields, the name docs.x.com documents
	// for the post fields (the reference document calls it post.fields).
	known := map[string]bool{"tweet.fields": true}
	for _, p := range route.Operation.Parameters {
		if p.Value.In == "query" {
			known[p.Value.Name] = true
		}
	}
	for k := range r.URL.Query() {
		if !known[k] {
			t.Errorf("%s %s: unknown query parameter %q", r.Method, r.URL.Path, k)
		}
	}

	rec := httptest.NewRecorder()
	f.answer(rec, r, params, body)
	res := rec.Result()
	rb, _ := io.ReadAll(res.Body)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(rb)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("response %d to %s %s does not match the OpenAPI document: %v\n%s", res.StatusCode, r.Method, r.URL.Path, err, rb)
	}
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	w.Write(rb)
}

func (f *fakeX) answer(w http.ResponseWriter, r *http.Request, params map[string]string, body []byte) {
	w.Header().Set("x-rate-limit-limit", "450")
	w.Header().Set("x-rate-limit-remaining", "449")
	w.Header().Set("x-rate-limit-reset", strconv.FormatInt(time.Now().Add(15*time.Minute).Unix(), 10))
	f.mu.Lock()
	if len(f.script) > 0 {
		rp := f.script[0]
		f.script = f.script[1:]
		f.mu.Unlock()
		if rp.delay > 0 {
			select {
			case <-r.Context().Done():
			case <-time.After(rp.delay):
			}
		}
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		ct := rp.ctype
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(rp.status)
		if s, ok := rp.body.(string); ok {
			io.WriteString(w, s)
		} else {
			json.NewEncoder(w).Encode(rp.body)
		}
		return
	}
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/mentions"):
		if params["id"] != testUserID {
			f.t.Errorf("mentions for user %q", params["id"])
		}
		f.mentions(w, r.URL.Query())
	case r.Method == http.MethodPost && r.URL.Path == "/2/tweets":
		var in struct {
			Text  string `json:"text"`
			Reply struct {
				To string `json:"in_reply_to_tweet_id"`
			} `json:"reply"`
		}
		json.Unmarshal(body, &in)
		id := strconv.Itoa(1900000000000000001 + len(f.posts))
		f.posts = append([]fakePost{{id: id, text: in.Text, replyTo: in.Reply.To, source: "switchboard"}}, f.posts...)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"id": id, "text": in.Text}})
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/2/dm_conversations/with/"):
		var in struct {
			Text string `json:"text"`
		}
		json.Unmarshal(body, &in)
		id := strconv.Itoa(1582838223483895812 + len(f.events))
		f.events = append([]fakeEvent{{id: id, text: in.Text, sender: testUserID, other: params["participant_id"]}}, f.events...)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{
			"dm_conversation_id": params["participant_id"] + "-" + testUserID, "dm_event_id": id}})
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/dm_events"):
		f.dmEvents(w, params["participant_id"], r.URL.Query())
	case r.Method == http.MethodGet && r.URL.Path == "/2/tweets/search/recent":
		f.searchRecent(w, r.URL.Query()) // stream_test.go
	case r.Method == http.MethodGet && r.URL.Path == "/2/users/"+testUserID:
		f.brandUser(w)
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/tweets"):
		if params["id"] != testUserID {
			f.t.Errorf("posts of user %q", params["id"])
		}
		f.userPosts(w, r.URL.Query())
	default:
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]any{"code": 34, "message": "not found"})
	}
}

// mentions serves the timeline newest first, honouring since_id and a
// pagination token that names the id of the next (older) tweet.
func (f *fakeX) mentions(w http.ResponseWriter, q url.Values) {
	n := 10
	if s := q.Get("max_results"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	since, from := f.pageWindow(q, "pagination_token")
	var data []map[string]any
	authors := map[string]bool{}
	next := ""
	for _, tw := range f.tweets {
		if tw.id <= since || tw.id > from {
			continue
		}
		if len(data) == n {
			next = "p" + strconv.FormatUint(tw.id, 10)
			break
		}
		id := strconv.FormatUint(tw.id, 10)
		d := map[string]any{"id": id, "text": "@brand hello " + id, "author_id": tw.author,
			"created_at":      time.Unix(1_700_000_000+int64(tw.id%1_000_000_000), 0).UTC().Format(time.RFC3339),
			"conversation_id": id, "lang": "en", "edit_history_post_ids": []string{id}}
		for k, v := range tw.extra {
			d[k] = v
		}
		data = append(data, d)
		authors[tw.author] = true
	}
	resp := map[string]any{}
	meta := map[string]any{"result_count": len(data)}
	if len(data) > 0 {
		resp["data"] = data
		meta["newest_id"] = data[0]["id"]
		meta["oldest_id"] = data[len(data)-1]["id"]
		var users []map[string]any
		for a := range authors {
			if u, ok := f.users[a]; ok {
				users = append(users, u)
			}
		}
		sort.Slice(users, func(i, j int) bool { return users[i]["id"].(string) < users[j]["id"].(string) })
		resp["includes"] = map[string]any{"users": users}
	}
	if next != "" {
		meta["next_token"] = next
	}
	if f.partial {
		resp["errors"] = []map[string]any{{"type": "https://api.x.com/2/problems/resource-not-found",
			"title": "Not Found Error", "detail": "Could not find user with id: [999].", "resource_type": "user",
			"resource_id": "999", "parameter": "author_id", "value": "999"}}
	}
	resp["meta"] = meta
	json.NewEncoder(w).Encode(resp)
}

// pageWindow is the ids a timeline request asks for: above since_id and
// at most the id its paging token (the query parameter param) names.
func (f *fakeX) pageWindow(q url.Values, param string) (since, from uint64) {
	since, _ = strconv.ParseUint(q.Get("since_id"), 10, 64)
	from = 1<<64 - 1
	if tok := q.Get(param); tok != "" {
		v, err := strconv.ParseUint(strings.TrimPrefix(tok, "p"), 10, 64)
		if err != nil {
			f.t.Errorf("%s %q was not one this server gave", param, tok)
		}
		from = v
	}
	return since, from
}

// dmEvents serves the newest events of the conversation with other, like
// X: the events of both sides, newest first; sender_id only when the
// sender_id expansion is asked for.
func (f *fakeX) dmEvents(w http.ResponseWriter, other string, q url.Values) {
	n := 100
	if s := q.Get("max_results"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	withSender := q.Get("expansions") == "sender_id"
	data := []map[string]any{}
	for _, e := range f.events {
		if e.other != other || len(data) == n {
			continue
		}
		d := map[string]any{"id": e.id, "text": e.text, "event_type": "MessageCreate",
			"dm_conversation_id": other + "-" + testUserID, "created_at": "2025-03-01T12:00:00.000Z"}
		if withSender {
			d["sender_id"] = e.sender
		}
		data = append(data, d)
	}
	resp := map[string]any{"meta": map[string]any{"result_count": len(data)}}
	if len(data) > 0 {
		resp["data"] = data
	}
	json.NewEncoder(w).Encode(resp)
}

// userPosts serves the account's newest posts; X escapes &, < and > in
// post text, and so does this server.
func (f *fakeX) userPosts(w http.ResponseWriter, q url.Values) {
	n := 10
	if s := q.Get("max_results"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	since, _ := strconv.ParseUint(q.Get("since_id"), 10, 64)
	withSource := strings.Contains(q.Get("tweet.fields"), "source")
	var data []map[string]any
	for _, p := range f.posts {
		if len(data) == n {
			break
		}
		if id, _ := strconv.ParseUint(p.id, 10, 64); id <= since {
			continue
		}
		d := map[string]any{"id": p.id, "text": esc.Replace(p.text), "conversation_id": p.id,
			"created_at": "2025-03-01T12:00:00.000Z", "edit_history_post_ids": []string{p.id}}
		if withSource && p.source != "" {
			d["source"] = p.source
		}
		if p.replyTo != "" {
			d["conversation_id"] = p.replyTo
			d["referenced_tweets"] = []map[string]any{{"type": "replied_to", "id": p.replyTo}}
		}
		data = append(data, d)
	}
	resp := map[string]any{"meta": map[string]any{"result_count": len(data)}}
	if len(data) > 0 {
		resp["data"] = data
		resp["meta"].(map[string]any)["newest_id"] = data[0]["id"]
		resp["meta"].(map[string]any)["oldest_id"] = data[len(data)-1]["id"]
	}
	json.NewEncoder(w).Encode(resp)
}

// checkSignature re-computes the OAuth 1.0a HMAC-SHA1 signature of r
// (RFC 5849 section 3.4) from the shared secrets and compares it.
func (f *fakeX) checkSignature(r *http.Request) {
	t := f.t
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "OAuth ") {
		t.Errorf("%s %s: no OAuth Authorization header", r.Method, r.URL.Path)
		return
	}
	oauth := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(h, "OAuth "), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			t.Errorf("malformed OAuth header part %q", part)
			return
		}
		v, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			t.Errorf("OAuth header value %q: %v", part, err)
		}
		oauth[k] = v
	}
	if oauth["oauth_consumer_key"] != testConsumerKey || oauth["oauth_token"] != testToken ||
		oauth["oauth_signature_method"] != "HMAC-SHA1" || oauth["oauth_version"] != "1.0" {
		t.Errorf("OAuth parameters wrong: %v", oauth)
	}
	ts, _ := strconv.ParseInt(oauth["oauth_timestamp"], 10, 64)
	if d := time.Since(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		t.Errorf("oauth_timestamp %q is not now", oauth["oauth_timestamp"])
	}
	f.mu.Lock()
	if oauth["oauth_nonce"] == "" || f.nonces[oauth["oauth_nonce"]] {
		t.Errorf("oauth_nonce %q empty or reused", oauth["oauth_nonce"])
	}
	f.nonces[oauth["oauth_nonce"]] = true
	f.mu.Unlock()

	var pairs []string
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			pairs = append(pairs, enc(k)+"="+enc(v))
		}
	}
	for k, v := range oauth {
		if k != "oauth_signature" && k != "realm" {
			pairs = append(pairs, enc(k)+"="+enc(v))
		}
	}
	sort.Strings(pairs)
	base := r.Method + "&" + enc("http://"+strings.ToLower(r.Host)+r.URL.EscapedPath()) + "&" + enc(strings.Join(pairs, "&"))
	mac := hmac.New(sha1.New, []byte(enc(testConsumerSecret)+"&"+enc(testTokenSecret)))
	mac.Write([]byte(base))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(oauth["oauth_signature"])) {
		t.Errorf("%s %s: OAuth signature %q, want %q (base string %q)", r.Method, r.URL.Path, oauth["oauth_signature"], want, base)
	}
}

// enc is RFC 3986 percent-encoding as RFC 5849 3.6 requires.
func enc(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
