package x

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

const testBearer = "AAAA-bearer-SECRET"

// fakeStream is the fake's filtered stream: its rules, the lines to send
// on the open stream, and whether the plan allows it.
type fakeStream struct {
	rules     []rule
	nextRule  int
	forbidden bool
	lines     chan []byte
	opened    int
	ruleCalls int
}

// serveStream answers the filtered-stream endpoints. Every request is
// validated against the OpenAPI document (bearer-token security); the
// rules answers too, and every streamed line against StreamPostsResponse.
func (f *fakeX) serveStream(w http.ResponseWriter, r *http.Request) {
	t := f.t
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := f.router.FindRoute(r)
	if err != nil {
		t.Errorf("%s %s: no such operation in the OpenAPI document: %v", r.Method, r.URL.Path, err)
		http.Error(w, "no route", http.StatusNotFound)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: func(_ context.Context, ai *openapi3filter.AuthenticationInput) error {
			if ai.SecuritySchemeName != "BearerToken" {
				return fmt.Errorf("the filtered stream takes the app's bearer token")
			}
			if ai.RequestValidationInput.Request.Header.Get("Authorization") != "Bearer "+testBearer {
				return fmt.Errorf("no bearer authorization")
			}
			return nil
		}}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Errorf("request %s %s does not match the OpenAPI document: %v", r.Method, r.URL, err)
	}
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
	f.mu.Lock()
	forbidden := f.fs.forbidden
	if r.URL.Path == "/2/tweets/search/stream/rules" {
		f.fs.ruleCalls++
	}
	f.mu.Unlock()
	if forbidden {
		// What X answers an app whose plan lacks the endpoint. The
		// reference document lists no client-forbidden problem, so this
		// one answer is not validated against it.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"client_id":"29843519","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}`)
		return
	}
	if r.URL.Path == "/2/tweets/search/stream" {
		f.openStream(w)
		return
	}
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	switch r.Method {
	case http.MethodGet:
		data := []map[string]any{}
		for _, ru := range f.fs.rules {
			data = append(data, map[string]any{"id": ru.ID, "value": ru.Value, "tag": ru.Tag})
		}
		json.NewEncoder(rec).Encode(map[string]any{"data": data, "meta": map[string]any{"sent": time.Now().UTC().Format(time.RFC3339), "result_count": len(data)}})
	case http.MethodPost:
		var req struct {
			Add    []rule `json:"add"`
			Delete struct {
				IDs []string `json:"ids"`
			} `json:"delete"`
		}
		json.Unmarshal(body, &req)
		var data []map[string]any
		for _, a := range req.Add {
			f.fs.nextRule++
			a.ID = strconv.Itoa(1165037377523306496 + f.fs.nextRule)
			f.fs.rules = append(f.fs.rules, a)
			data = append(data, map[string]any{"id": a.ID, "value": a.Value, "tag": a.Tag})
		}
		kept := f.fs.rules[:0]
		for _, ru := range f.fs.rules {
			if !slices.Contains(req.Delete.IDs, ru.ID) {
				kept = append(kept, ru)
			}
		}
		f.fs.rules = kept
		resp := map[string]any{"meta": map[string]any{"sent": time.Now().UTC().Format(time.RFC3339)}}
		if data != nil {
			resp["data"] = data
		}
		json.NewEncoder(rec).Encode(resp)
	}
	f.mu.Unlock()
	res := rec.Result()
	rb, _ := io.ReadAll(res.Body)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(rb)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("response to %s %s does not match the OpenAPI document: %v\n%s", r.Method, r.URL.Path, err, rb)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(res.StatusCode)
	w.Write(rb)
}

// openStream holds the response open and writes each line it is given,
// checked against the document's StreamPostsResponse, then "\r\n".
func (f *fakeX) openStream(w http.ResponseWriter) {
	f.mu.Lock()
	f.fs.opened++
	lines := f.fs.lines
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
	schema := f.doc.Components.Schemas["StreamPostsResponse"].Value
	for line := range lines {
		if len(line) > 0 {
			var v any
			json.Unmarshal(line, &v)
			if err := schema.VisitJSON(v); err != nil {
				f.t.Errorf("streamed line does not match StreamPostsResponse: %v\n%s", err, line)
			}
		}
		w.Write(append(line, '\r', '\n'))
		w.(http.Flusher).Flush()
	}
}

func (f *fakeX) streamPost(id, author, text string, tags ...string) []byte {
	var rules []map[string]any
	for i, tag := range tags {
		rules = append(rules, map[string]any{"id": strconv.Itoa(1165037377523306497 + i), "tag": tag})
	}
	f.mu.Lock()
	u := f.users[author]
	f.mu.Unlock()
	b, _ := json.Marshal(map[string]any{
		"data": map[string]any{"id": id, "text": text, "author_id": author, "created_at": "2026-03-10T12:00:00.000Z",
			"conversation_id": id, "lang": "en", "edit_history_post_ids": []string{id}},
		"includes":       map[string]any{"users": []any{u}},
		"matching_rules": rules,
	})
	return b
}

func (f *fakeX) liveConnector(t *testing.T) *Connector {
	env := map[string]string{"CK": testConsumerKey, "CS": testConsumerSecret, "TK": testToken, "TS": testTokenSecret, "BT": testBearer}
	c, err := FromSpec(connectors.Spec{Name: "x-main", Type: "x",
		Decode: func(v any) error {
			*v.(*Settings) = Settings{UserID: testUserID, Username: "brand", ConsumerKeyEnv: "CK", ConsumerSecretEnv: "CS",
				TokenEnv: "TK", TokenSecretEnv: "TS", BaseURL: f.srv.URL, MaxResults: 10, Live: true, BearerTokenEnv: "BT"}
			return nil
		},
		Getenv: func(k string) string { return env[k] },
		HTTP:   f.srv.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.(*Connector)
}

func runPoller(t *testing.T, c *Connector, opts connectors.PollerOptions) (*connectors.Poller, *store.Store) {
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := connectors.NewPoller(s, opts)
	p.Add(c, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; s.Close() })
	return p, s
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestFilteredStreamLive: the connector makes its rules (a stale rule of
// its own is deleted, another tool's is left), opens the stream with the
// bearer token, ignores keep-alives, and stores what the stream brings,
// marking a term match.
func TestFilteredStreamLive(t *testing.T) {
	f := newFakeX(t)
	f.fs.lines = make(chan []byte, 8)
	f.fs.rules = []rule{{ID: "1165037377523306400", Value: "@brand old", Tag: "switchboard:x-main:mentions"},
		{ID: "1165037377523306401", Value: "cats", Tag: "someone-else"}}
	c := f.liveConnector(t)
	var mu sync.Mutex
	marks := map[string]string{}
	c.SetFollow(connectors.Follow{Terms: []string{"rocket skates"},
		Mark: func(m *domain.Mention, term string) { mu.Lock(); marks[m.NativeID] = term; mu.Unlock() }})
	p, s := runPoller(t, c, connectors.PollerOptions{LiveEvery: time.Hour})
	eventually(t, "live", func() bool { return p.Health()["x-main"].Mode == connectors.ModeLive })
	f.mu.Lock()
	var values []string
	for _, ru := range f.fs.rules {
		values = append(values, ru.Tag+"="+ru.Value)
	}
	f.mu.Unlock()
	want := []string{"someone-else=cats", "switchboard:x-main:mentions=@brand -from:brand", `switchboard:x-main:terms=("rocket skates") -from:brand`}
	if strings.Join(values, "|") != strings.Join(want, "|") {
		t.Fatalf("rules %v, want %v", values, want)
	}
	f.fs.lines <- nil // keep-alive
	f.fs.lines <- f.streamPost("1900000000000000100", "100", "@brand my order never came", "switchboard:x-main:mentions")
	f.fs.lines <- f.streamPost("1900000000000000101", "200", "Rocket Skates are the best", "switchboard:x-main:terms")
	eventually(t, "two streamed posts", func() bool {
		n, _, _ := s.Count(store.Filter{}, 0)
		return n == 2
	})
	m, err := s.GetByKey(domain.MentionKey(domain.PlatformX, "1900000000000000100"))
	if err != nil || m.Author.Handle == "" || m.Author.Followers != 4321 || m.Connector != "x-main" {
		t.Fatalf("%+v %v", m, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(marks) != 1 || marks["1900000000000000101"] != "rocket skates" {
		t.Fatalf("marks %v", marks)
	}
	close(f.fs.lines)
}

// TestFilteredStreamNotAllowed: a plan without the filtered stream
// answers 403 client-forbidden; the connector says so once (one note,
// one attempt), polls its mentions instead and is healthy.
func TestFilteredStreamNotAllowed(t *testing.T) {
	f := newFakeX(t)
	f.fs.forbidden = true
	f.add(2, "100")
	c := f.liveConnector(t)
	var mu sync.Mutex
	var notes []string
	p, s := runPoller(t, c, connectors.PollerOptions{LiveEvery: time.Hour,
		StreamMinBackoff: time.Millisecond, StreamMaxBackoff: 5 * time.Millisecond,
		OnStreamNote: func(name, note string) { mu.Lock(); notes = append(notes, name+": "+note); mu.Unlock() }})
	eventually(t, "the note", func() bool { return p.Health()["x-main"].StreamNote != "" })
	eventually(t, "the mentions poll", func() bool { n, _, _ := s.Count(store.Filter{}, 0); return n == 2 })
	time.Sleep(100 * time.Millisecond) // time for a retry, were there one
	h := p.Health()["x-main"]
	if h.Mode != connectors.ModePolling || h.State != connectors.HealthOK {
		t.Fatalf("health %+v", h)
	}
	if !strings.Contains(h.StreamNote, "not in this app's plan") || !strings.Contains(h.StreamNote, "polling mentions") ||
		strings.Contains(h.StreamNote, testBearer) {
		t.Fatalf("note %q", h.StreamNote)
	}
	mu.Lock()
	defer mu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(notes) != 1 || f.fs.ruleCalls != 1 || f.fs.opened != 0 {
		t.Fatalf("notes %q, %d rules calls, %d streams opened", notes, f.fs.ruleCalls, f.fs.opened)
	}
}
