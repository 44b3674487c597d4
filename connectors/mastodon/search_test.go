package mastodon

import (
	"context"
	"encoding/json"
	"errors"
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
	"switchboard/crisis"
	"switchboard/detect"
	"switchboard/domain"
	"switchboard/store"
)

// streamFake is a Mastodon server holding public statuses (documented
// shape) that answers the notifications API (the statuses that mention
// @acme), status search and hashtag timelines, all paged by min_id, with
// the rate-limit headers Mastodon sends.
type streamFake struct {
	t        *testing.T
	mu       sync.Mutex
	statuses []map[string]any // ascending id
	accounts []map[string]any
	gets     []string
	srv      *httptest.Server
	limited  bool
}

func newStreamFake(t *testing.T) *streamFake {
	f := &streamFake{t: t}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *streamFake) post(text string, tags ...string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := len(f.statuses) + 1
	st := docsStatus(f.t)
	st["id"] = strconv.Itoa(110000000000000000 + i)
	st["content"] = "<p>" + text + "</p>"
	st["created_at"] = time.Date(2026, 12, 4, 12, 0, i, 0, time.UTC).Format(time.RFC3339Nano)
	var ts []map[string]any
	for _, tg := range tags {
		ts = append(ts, map[string]any{"name": tg, "url": "https://social.example/tags/" + tg})
	}
	st["tags"] = ts
	f.statuses = append(f.statuses, st)
	return st["id"].(string)
}

func (f *streamFake) page(match func(st map[string]any) bool, r *http.Request) []map[string]any {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 40 {
		f.t.Errorf("limit %q", q.Get("limit"))
		limit = 20
	}
	var all []map[string]any
	for _, st := range f.statuses {
		if match(st) {
			all = append(all, st)
		}
	}
	var page []map[string]any
	if min := q.Get("min_id"); min != "" {
		for _, st := range all { // the page right after min_id
			if idAfter(st["id"].(string), min) && len(page) < limit {
				page = append(page, st)
			}
		}
	} else {
		page = append(page, all[max(0, len(all)-limit):]...)
	}
	sort.Slice(page, func(i, j int) bool { return idAfter(page[i]["id"].(string), page[j]["id"].(string)) })
	if page == nil {
		page = []map[string]any{}
	}
	return page
}

func contains(st map[string]any, word string) bool {
	return strings.Contains(strings.ToLower(st["content"].(string)), strings.ToLower(word))
}

func hasTag(st map[string]any, tags []string) bool {
	ts, _ := st["tags"].([]map[string]any)
	for _, t := range ts {
		for _, want := range tags {
			if strings.EqualFold(t["name"].(string), want) {
				return true
			}
		}
	}
	return false
}

func (f *streamFake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets = append(f.gets, r.URL.Path+"?"+r.URL.RawQuery)
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(401)
		w.Write([]byte(`{"error": "The access token is invalid"}`))
		return
	}
	w.Header().Set("X-RateLimit-Limit", "300")
	w.Header().Set("X-RateLimit-Remaining", "299")
	w.Header().Set("X-RateLimit-Reset", "2026-12-04T12:05:00.000Z")
	if f.limited {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.WriteHeader(429)
		w.Write([]byte(`{"error": "Too many requests"}`))
		return
	}
	q := r.URL.Query()
	switch {
	case r.URL.Path == "/api/v1/notifications":
		page := f.page(func(st map[string]any) bool { return contains(st, "@acme") }, r)
		var ns []map[string]any
		for _, st := range page {
			ns = append(ns, map[string]any{"id": "N" + st["id"].(string), "type": "mention", "created_at": st["created_at"],
				"account": st["account"], "status": st})
		}
		if ns == nil {
			ns = []map[string]any{}
		}
		json.NewEncoder(w).Encode(ns)
	case r.URL.Path == "/api/v2/search":
		term := q.Get("q")
		res := map[string]any{"accounts": []any{}, "statuses": []any{}, "hashtags": []any{}}
		switch q.Get("type") {
		case "statuses":
			res["statuses"] = f.page(func(st map[string]any) bool { return contains(st, term) }, r)
		case "accounts":
			var as []map[string]any
			for _, a := range f.accounts {
				if strings.Contains(strings.ToLower(a["acct"].(string)+" "+a["display_name"].(string)), strings.ToLower(term)) {
					as = append(as, a)
				}
			}
			if as != nil {
				res["accounts"] = as
			}
		default:
			f.t.Errorf("search type %q", q.Get("type"))
		}
		json.NewEncoder(w).Encode(res)
	case strings.HasPrefix(r.URL.Path, "/api/v1/timelines/tag/"):
		tags := append([]string{strings.TrimPrefix(r.URL.Path, "/api/v1/timelines/tag/")}, q["any[]"]...)
		json.NewEncoder(w).Encode(f.page(func(st map[string]any) bool { return hasTag(st, tags) }, r))
	default:
		w.WriteHeader(404)
		w.Write([]byte(`{"error": "Record not found"}`))
	}
}

func (f *streamFake) client() *Connector {
	c := New("masto", f.srv.URL, testToken, &http.Client{Timeout: 2 * time.Second})
	c.limit = 5
	return c
}

func TestStreamSearchPagesTermsAndTags(t *testing.T) {
	f := newStreamFake(t)
	f.post("unrelated")
	first := f.post("acme pharmacy was slow today")
	f.post("nothing to see", "acmefail")
	c := f.client()
	sc := c.StreamSearch(connectors.StreamQuery{Name: "brand", Terms: []string{"acme"}, Hashtags: []string{"acmefail", "acmelaunch"}})
	if sc.Name() != "brand@masto" || sc.Platform() != domain.PlatformMastodon {
		t.Fatalf("name %q", sc.Name())
	}
	ctx := context.Background()
	pg, err := sc.Fetch(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Items) != 2 || pg.More {
		t.Fatalf("first run: %d items more=%v", len(pg.Items), pg.More)
	}
	for _, m := range pg.Items {
		if m.Stream != "brand" || m.Connector != "brand@masto" {
			t.Fatalf("item %+v", m)
		}
	}
	// 12 new posts: 7 match the term, 5 the second tag
	var want []string
	for i := 0; i < 12; i++ {
		if i%2 == 0 || i == 11 {
			want = append(want, f.post(fmt.Sprintf("ACME number %d", i)))
		} else {
			want = append(want, f.post(fmt.Sprintf("launch %d", i), "AcmeLaunch"))
		}
	}
	got := map[string]bool{}
	cur := pg.Cursor
	for round := 0; ; round++ {
		pg, err = sc.Fetch(ctx, cur)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pg.Items {
			if got[m.NativeID] {
				t.Fatalf("%s twice", m.NativeID)
			}
			got[m.NativeID] = true
		}
		cur = pg.Cursor
		if !pg.More {
			break
		}
		if round > 5 {
			t.Fatal("never caught up")
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d (%v)", len(got), len(want), f.gets)
	}
	for _, id := range want {
		if !got[id] {
			t.Fatalf("missed %s", id)
		}
	}
	if got[first] {
		t.Fatal("a post of the first run came back")
	}
	var sawAny, sawSearch bool
	for _, g := range f.gets {
		sawAny = sawAny || strings.HasPrefix(g, "/api/v1/timelines/tag/acmefail?") && strings.Contains(g, "any%5B%5D=acmelaunch")
		sawSearch = sawSearch || strings.HasPrefix(g, "/api/v2/search?") && strings.Contains(g, "type=statuses")
	}
	if !sawAny || !sawSearch {
		t.Fatalf("requests %v", f.gets)
	}
	if h := sc.Health(); h.RateLimit.Limit != 300 || h.RateLimit.Remaining != 299 {
		t.Fatalf("rate limit %+v", h.RateLimit)
	}
	if _, err := sc.Send(ctx, connectors.Message{Text: "hi"}); !errors.Is(err, connectors.ErrPermanent) {
		t.Fatalf("send %v", err)
	}
	f.mu.Lock()
	f.limited = true
	f.mu.Unlock()
	var rl *connectors.RateLimitError
	if _, err := sc.Fetch(ctx, cur); !errors.As(err, &rl) || rl.Reset.IsZero() {
		t.Fatalf("429: %v", err)
	}
}

// One post that is both a notification (it mentions @acme) and a stream
// hit is one record: through the poller, the stream finds it first and
// the notification promotes it; the stream item that is no notification
// stays out of the inbox.
func TestStreamAndNotificationAreOneRecord(t *testing.T) {
	f := newStreamFake(t)
	f.post("old acme news")
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := f.client()
	sp := connectors.NewPoller(s, connectors.PollerOptions{})
	sp.Add(c.StreamSearch(connectors.StreamQuery{Name: "brand", Terms: []string{"acme"}}), time.Hour)
	np := connectors.NewPoller(s, connectors.PollerOptions{})
	np.Add(c, time.Hour)
	ctx := context.Background()
	sp.Once(ctx) // baselines
	np.Once(ctx)
	both := f.post("@acme my acme order is late")
	only := f.post("acme is trending")
	if r := sp.Once(ctx)[0]; r.Err != nil || r.New != 2 {
		t.Fatalf("stream round %+v", r)
	}
	if r := np.Once(ctx)[0]; r.Err != nil || r.New != 0 || r.Duplicates != 1 {
		t.Fatalf("notification round %+v", r)
	}
	m, err := s.GetByKey(domain.MentionKey(domain.PlatformMastodon, both))
	if err != nil || m.State.Status != domain.StatusOpen || m.Stream != "brand" {
		t.Fatalf("both: %q %q %v", m.State.Status, m.Stream, err)
	}
	m, err = s.GetByKey(domain.MentionKey(domain.PlatformMastodon, only))
	if err != nil || m.State.Status != domain.StatusStream {
		t.Fatalf("only: %q %v", m.State.Status, err)
	}
	n, _, _ := s.Count(store.Filter{}, 0)
	if n != 3 {
		t.Fatalf("%d records", n)
	}
}

func TestSearchAccounts(t *testing.T) {
	f := newStreamFake(t)
	st := docsStatus(t)
	a := st["account"].(map[string]any)
	a["id"], a["acct"], a["username"], a["display_name"] = "77", "acme_support@evil.example", "acme_support", "Acme Support"
	f.accounts = append(f.accounts, a)
	got, err := f.client().SearchAccounts(context.Background(), "acme")
	if err != nil || len(got) != 1 || got[0].Handle != "@acme_support@evil.example" || got[0].Name != "Acme Support" {
		t.Fatalf("%+v %v", got, err)
	}
}

// The look-alike watch: the poller searches accounts for the brand's
// names, the detector's rules pick the look-alike, and the store keeps one
// impersonation alert and the impostor flag, however often it is found.
func TestLookalikeFoundBySearch(t *testing.T) {
	f := newStreamFake(t)
	for _, a := range [][3]string{{"77", "acme_supp0rt", "Acme Support"}, {"78", "gardener", "Acme fan page? no, gardening"}, {"79", "acme", "Acme"}} {
		st := docsStatus(t)
		acc := st["account"].(map[string]any)
		acc["id"], acc["acct"], acc["username"], acc["display_name"] = a[0], a[1], a[1], a[2]
		f.accounts = append(f.accounts, acc)
	}
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := f.client()
	host := strings.TrimPrefix(f.srv.URL, "http://")
	host, _, _ = strings.Cut(host, ":")
	brand := []string{"@acme@" + host}
	clock := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	p := connectors.NewPoller(s, connectors.PollerOptions{Now: func() time.Time { return clock },
		Lookalike: &connectors.LookalikeOptions{Names: connectors.LookalikeQueries("Acme", brand), Check: detect.ImpersonationCheck(brand, "Acme")}})
	p.Add(c, time.Hour)
	r := p.Once(context.Background())[0]
	if r.Err != nil || r.OwnErr != nil && strings.Contains(r.OwnErr.Error(), "look-alike") || len(r.Alerts) != 1 || r.Alerts[0].Kind != domain.AlertLookalike {
		t.Fatalf("round %+v", r)
	}
	if got := r.Alerts[0].Handle; !strings.HasPrefix(got, "@acme_supp0rt@") {
		t.Fatalf("suspect %q", got)
	}
	imp, had, err := s.ImpostorOf(domain.PlatformMastodon, r.Alerts[0].Handle)
	if err != nil || !had || !strings.Contains(imp.Reason, "found by account search") {
		t.Fatalf("flag %+v %v %v", imp, had, err)
	}
	w := crisis.NewWatcher(s, detect.Config{})
	all, err := w.All()
	if err != nil || len(all) != 1 || all[0].Kind != detect.KindImpersonation || all[0].Suspect == nil || !all[0].Open {
		t.Fatalf("board %+v %v", all, err)
	}
	// not due yet: no search; due again: found again, not alerted again
	searches := func() int {
		f.mu.Lock()
		defer f.mu.Unlock()
		n := 0
		for _, g := range f.gets {
			if strings.Contains(g, "type=accounts") {
				n++
			}
		}
		return n
	}
	n := searches()
	p.Once(context.Background())
	if searches() != n {
		t.Fatal("searched again before it was due")
	}
	clock = clock.Add(time.Hour)
	if r := p.Once(context.Background())[0]; len(r.Alerts) != 0 || searches() == n {
		t.Fatalf("second search: %+v", r)
	}
}
