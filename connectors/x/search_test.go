package x

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// tweet puts a post with text on top of the timeline.
func (f *fakeX) tweet(author, text string) string {
	id := f.add(1, author)[0]
	f.mu.Lock()
	f.tweets[0].extra = map[string]any{"text": text}
	f.mu.Unlock()
	return id
}

var orTerm = regexp.MustCompile(`"[^"]+"|#?[\pL\pN_]+`)

// searchRecent answers GET /2/tweets/search/recent: the posts whose text
// holds any term of the query's OR group, newest first, after since_id,
// paged by next_token (the id of the next, older post); the document
// validates the request and the answer.
func (f *fakeX) searchRecent(w http.ResponseWriter, q url.Values) {
	query := q.Get("query")
	group := query
	if i, j := strings.Index(query, "("), strings.Index(query, ")"); i >= 0 && j > i {
		group = query[i+1 : j]
	} else {
		group, _, _ = strings.Cut(query, " -is:")
	}
	var terms []string
	for _, t := range orTerm.FindAllString(group, -1) {
		if t != "OR" {
			terms = append(terms, strings.ToLower(strings.Trim(t, `"`)))
		}
	}
	if !strings.Contains(query, "-is:retweet") {
		f.t.Errorf("query %q keeps retweets", query)
	}
	n, _ := strconv.Atoi(q.Get("max_results"))
	since, from := f.pageWindow(q, "next_token")
	var data []map[string]any
	authors := map[string]bool{}
	next := ""
	for _, tw := range f.tweets {
		text, _ := tw.extra["text"].(string)
		if tw.id <= since || tw.id > from || text == "" {
			continue
		}
		hit := false
		for _, t := range terms {
			hit = hit || strings.Contains(strings.ToLower(text), t)
		}
		if !hit {
			continue
		}
		if len(data) == n {
			next = "p" + strconv.FormatUint(tw.id, 10)
			break
		}
		id := strconv.FormatUint(tw.id, 10)
		data = append(data, map[string]any{"id": id, "text": text, "author_id": tw.author,
			"created_at":      time.Unix(1_700_000_000+int64(tw.id%1_000_000_000), 0).UTC().Format(time.RFC3339),
			"conversation_id": id, "lang": "en", "edit_history_post_ids": []string{id}})
		authors[tw.author] = true
	}
	resp := map[string]any{}
	meta := map[string]any{"result_count": len(data)}
	if len(data) > 0 {
		resp["data"] = data
		meta["newest_id"], meta["oldest_id"] = data[0]["id"], data[len(data)-1]["id"]
		var users []map[string]any
		for a := range authors {
			users = append(users, f.users[a])
		}
		sort.Slice(users, func(i, j int) bool { return users[i]["id"].(string) < users[j]["id"].(string) })
		resp["includes"] = map[string]any{"users": users}
	}
	if next != "" {
		meta["next_token"] = next
	}
	resp["meta"] = meta
	w.Header().Set("x-rate-limit-limit", "300")
	w.Header().Set("x-rate-limit-remaining", "297")
	json.NewEncoder(w).Encode(resp)
}

func TestSearchQuery(t *testing.T) {
	got := SearchQuery(connectors.StreamQuery{Terms: []string{"acme", "acme pharmacy"}, Hashtags: []string{"acmefail"}, Lang: "en"})
	if want := `(acme OR "acme pharmacy" OR #acmefail) -is:retweet lang:en`; got != want {
		t.Fatalf("%s, want %s", got, want)
	}
	if got := SearchQuery(connectors.StreamQuery{Terms: []string{"acme"}}); got != "acme -is:retweet" {
		t.Fatal(got)
	}
}

// The requests are checked against the X OpenAPI document by the fake.
func TestStreamSearchRecent(t *testing.T) {
	f := newFakeX(t)
	f.tweet("100", "old acme news")
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := f.connector(t, 10)
	sc := c.StreamSearch(connectors.StreamQuery{Name: "brand", Terms: []string{"acme", "acme pharmacy"}, Hashtags: []string{"acmefail"}, Lang: "en"})
	p := connectors.NewPoller(s, connectors.PollerOptions{})
	p.Add(sc, time.Hour)
	np := connectors.NewPoller(s, connectors.PollerOptions{})
	np.Add(c, time.Hour)
	ctx := context.Background()
	if r := p.Once(ctx)[0]; r.Err != nil || r.New != 1 {
		t.Fatalf("first %+v", r)
	}
	var want []string
	for i := 0; i < 25; i++ {
		switch i % 3 {
		case 0:
			want = append(want, f.tweet("100", "ACME pharmacy closed "+strconv.Itoa(i)))
		case 1:
			want = append(want, f.tweet("200", "so bad #acmefail "+strconv.Itoa(i)))
		default:
			f.tweet("200", "weather "+strconv.Itoa(i))
		}
	}
	r := p.Once(ctx)[0]
	if r.Err != nil || r.New != len(want) {
		t.Fatalf("round %+v, want %d", r, len(want))
	}
	for _, id := range want {
		m, err := s.GetByKey(domain.MentionKey(domain.PlatformX, id))
		if err != nil || m.Stream != "brand" || m.State.Status != domain.StatusStream {
			t.Fatalf("%s: %+v %v", id, m, err)
		}
	}
	if h := sc.Health(); h.RateLimit.Limit != 300 || h.RateLimit.Remaining != 297 {
		t.Fatalf("rate limit %+v", h.RateLimit)
	}
	// a plan without search: 403 says so
	f.push(reply{status: 403, body: map[string]any{"code": 453, "message": "You currently have access to a subset of X API V2 endpoints and limited v1.1 endpoints only. If you need access to this endpoint, you may need a different access level."}})
	f.tweet("100", "acme again")
	_, err = sc.Fetch(ctx, "since=1")
	if !errors.Is(err, ErrNoSearch) || !errors.Is(err, connectors.ErrPermanent) {
		t.Fatalf("403: %v", err)
	}
}
