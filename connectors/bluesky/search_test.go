package bluesky

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// post puts a post by author n on top of the notes (reason mention when
// it names @brand, else "" so that listNotifications leaves it out).
func (f *fakePDS) post(text string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	if len(f.notes) > 0 {
		at = f.notes[0].indexed.Add(time.Second)
	}
	f.seq++
	uri := "at://did:plc:author" + strconv.Itoa(f.seq%3) + "/app.bsky.feed.post/3s" + strconv.Itoa(100000+f.seq)
	reason := "none"
	if strings.Contains(text, "@brand") {
		reason = "mention"
	}
	f.notes = append([]fakeNote{{uri: uri, reason: reason, text: text, author: "did:plc:author" + strconv.Itoa(f.seq%3), indexed: at}}, f.notes...)
	return uri
}

// searchPosts answers app.bsky.feed.searchPosts (sort=latest): the posts
// whose text holds q, indexed at or after since, newest first, paged by
// a cursor naming the last uri served, as app.bsky.feed.defs#postView.
func (f *fakePDS) searchPosts(w http.ResponseWriter, q map[string][]string) {
	get := func(k string) string {
		if v := q[k]; len(v) == 1 {
			return v[0]
		}
		return ""
	}
	if get("sort") != "latest" {
		f.t.Errorf("sort %q", get("sort"))
	}
	limit, _ := strconv.Atoi(get("limit"))
	if limit < 1 || limit > 100 {
		f.t.Errorf("limit %d out of the lexicon's 1..100", limit)
	}
	var since time.Time
	if s := get("since"); s != "" {
		var err error
		if since, err = time.Parse(time.RFC3339Nano, s); err != nil {
			f.t.Errorf("since %q", s)
		}
	}
	term := strings.ToLower(get("q"))
	started := get("cursor") == ""
	var out []map[string]any
	cursor := ""
	for i, n := range f.notes {
		if !started {
			started = n.uri == get("cursor")
			continue
		}
		if !strings.Contains(strings.ToLower(n.text), term) || n.indexed.Before(since) {
			continue
		}
		if len(out) == limit {
			cursor = out[len(out)-1]["uri"].(string)
			break
		}
		out = append(out, map[string]any{"uri": n.uri, "cid": "bafy" + strconv.Itoa(i),
			"author":     map[string]any{"did": n.author, "handle": strings.TrimPrefix(n.author, "did:plc:") + ".bsky.social", "displayName": "Author"},
			"record":     map[string]any{"$type": "app.bsky.feed.post", "text": n.text, "createdAt": n.indexed.Add(-time.Second).Format(time.RFC3339Nano), "langs": []string{"en"}},
			"replyCount": 0, "repostCount": 0, "likeCount": 0, "indexedAt": n.indexed.Format(time.RFC3339Nano),
			"labels": []any{}})
	}
	resp := map[string]any{"posts": out, "hitsTotal": len(out)}
	if out == nil {
		resp["posts"] = []any{}
	}
	if cursor != "" {
		resp["cursor"] = cursor
	}
	writeJSON(w, 200, resp)
}

func (f *fakePDS) searchActors(w http.ResponseWriter, q map[string][]string) {
	term := strings.ToLower(strings.Join(q["q"], ""))
	out := []map[string]any{}
	for _, a := range f.actors {
		if strings.Contains(strings.ToLower(a["handle"].(string)+" "+a["displayName"].(string)), term) {
			out = append(out, a)
		}
	}
	writeJSON(w, 200, map[string]any{"actors": out})
}

func TestStreamSearchPostsPagesAndDedupes(t *testing.T) {
	f := newFakePDS(t)
	f.post("old acme post")
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := f.connector(t, t.TempDir())
	sc := c.StreamSearch(connectors.StreamQuery{Name: "brand", Terms: []string{"acme"}, Hashtags: []string{"acmefail"}})
	p := connectors.NewPoller(s, connectors.PollerOptions{MaxPages: 10})
	p.Add(sc, time.Hour)
	np := connectors.NewPoller(s, connectors.PollerOptions{})
	np.Add(c, time.Hour)
	ctx := context.Background()
	if r := p.Once(ctx)[0]; r.Err != nil || r.New != 1 {
		t.Fatalf("first run %+v", r)
	}
	np.Once(ctx)
	var want []string
	for i := 0; i < 230; i++ {
		switch i % 3 {
		case 0:
			want = append(want, f.post("acme thing "+strconv.Itoa(i)))
		case 1:
			want = append(want, f.post("so broken #acmefail "+strconv.Itoa(i)))
		default:
			f.post("unrelated " + strconv.Itoa(i))
		}
	}
	both := f.post("@brand acme lost my parcel")
	want = append(want, both)
	r := p.Once(ctx)[0]
	if r.Err != nil || r.New != len(want) || r.Pages < 2 {
		t.Fatalf("round %+v, want %d new over pages", r, len(want))
	}
	if r := p.Once(ctx)[0]; r.Err != nil || r.New != 0 {
		t.Fatalf("again %+v", r)
	}
	m, err := s.GetByKey(domain.MentionKey(domain.PlatformBluesky, both))
	if err != nil || m.State.Status != domain.StatusStream || m.Stream != "brand" || m.Author.Followers == 0 {
		t.Fatalf("stream item %+v %v", m, err)
	}
	if r := np.Once(ctx)[0]; r.Err != nil || r.New != 0 || r.Duplicates != 1 {
		t.Fatalf("notifications %+v", r)
	}
	if m, _ := s.GetByKey(domain.MentionKey(domain.PlatformBluesky, both)); m.State.Status != domain.StatusOpen {
		t.Fatalf("not promoted by the notification: %q", m.State.Status)
	}
	if n, _, _ := s.Count(store.Filter{Status: []domain.Status{domain.StatusStream}}, 0); n != len(want) {
		t.Fatalf("%d stream items, want %d", n, len(want))
	}
}

func TestSearchActors(t *testing.T) {
	f := newFakePDS(t)
	f.actors = []map[string]any{{"did": "did:plc:fake00000000000000000001", "handle": "acme-help.bsky.social", "displayName": "Acme Support"},
		{"did": "did:plc:other0000000000000000001", "handle": "bob.bsky.social", "displayName": "Bob"}}
	got, err := f.connector(t, t.TempDir()).SearchAccounts(context.Background(), "acme")
	if err != nil || len(got) != 1 || got[0].Handle != "acme-help.bsky.social" || got[0].ID != "did:plc:fake00000000000000000001" {
		t.Fatalf("%+v %v", got, err)
	}
}

// BenchmarkDecodeSearchPostsPage decodes a searchPosts page of 100 posts
// (the same posts as BenchmarkDecodeNotificationsPage, as postViews):
// it goes through the notifications decoder, so it costs that plus one
// re-encoding.
func BenchmarkDecodeSearchPostsPage(b *testing.B) {
	var ps []string
	for i := range 100 {
		ps = append(ps, fmt.Sprintf(`{"uri":"at://did:plc:author%03d/app.bsky.feed.post/3k%06d","cid":"bafyreib%d","author":{"did":"did:plc:author%03d","handle":"user%d.bsky.social","displayName":"User %d"},"record":{"$type":"app.bsky.feed.post","text":"acme your latest update broke sync again 😡 see example.com/status…","createdAt":"2025-03-01T12:00:%02d.000Z","langs":["en"],"facets":[{"index":{"byteStart":46,"byteEnd":65},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://example.com/status/incident-42"}]}]},"replyCount":0,"repostCount":0,"likeCount":3,"indexedAt":"2025-03-01T12:00:%02d.500Z","labels":[]}`, i, i, i, i, i, i, i%60, i%60))
	}
	body := []byte(`{"cursor":"100","hitsTotal":5000,"posts":[` + strings.Join(ps, ",") + `]}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := DecodeSearchPosts(body, time.Unix(0, 0))
		if err != nil || len(p.Items) != 100 {
			b.Fatal(err)
		}
	}
}
