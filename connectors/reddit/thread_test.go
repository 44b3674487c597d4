package reddit

import (
	"context"
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

// fakeTree is one post and its comments, served as GET /comments/ARTICLE
// answers: [post Listing, comments Listing], each comment's replies a
// Listing or "" when it has none.
type fakeTree struct {
	post     map[string]any
	comments []fakeComment // oldest first
	gone     map[string]bool
	more     map[string]bool // comments Reddit collapses behind "more"
}

type fakeComment struct{ id, parent, author, body string }

func newTree(article, author, title string) *fakeTree {
	return &fakeTree{gone: map[string]bool{}, more: map[string]bool{}, post: map[string]any{
		"kind": "t3", "data": map[string]any{"id": article, "name": "t3_" + article, "author": author, "author_fullname": userID(author),
			"title": title, "selftext": "", "subreddit": "brand", "subreddit_id": "t5_2qh1i", "created_utc": 1740000000.0,
			"permalink": "/r/brand/comments/" + article + "/a_title/", "num_comments": 0, "score": 10, "url": "https://www.reddit.com/r/brand/comments/" + article + "/a_title/"}}}
}

func (ft *fakeTree) add(id, parent, author, body string) {
	ft.comments = append(ft.comments, fakeComment{id, parent, author, body})
}

func (ft *fakeTree) thing(c fakeComment, i int, replies any) map[string]any {
	article := ft.post["data"].(map[string]any)["id"].(string)
	d := map[string]any{"id": c.id, "name": "t1_" + c.id, "parent_id": c.parent, "link_id": "t3_" + article, "author": c.author,
		"body": c.body, "body_html": "&lt;div class=&quot;md&quot;&gt;&lt;p&gt;" + c.body + "&lt;/p&gt;&lt;/div&gt;", "created_utc": float64(1740000000 + 60*(i+1)),
		"permalink": "/r/brand/comments/" + article + "/a_title/" + c.id + "/", "subreddit": "brand", "score": 1, "replies": replies}
	if c.author != "[deleted]" {
		d["author_fullname"] = userID(c.author)
	}
	return map[string]any{"kind": "t1", "data": d}
}

// userID is an account's fullname (t2_ and base36 digits).
func userID(name string) string {
	n := int64(0)
	for _, r := range name {
		n = n*31 + int64(r)
	}
	return "t2_" + strconv.FormatInt(n%1_000_000_007, 36)
}

func listing(children []any) map[string]any {
	return map[string]any{"kind": "Listing", "data": map[string]any{"after": nil, "before": nil, "dist": nil, "modhash": "", "geo_filter": "", "children": children}}
}

// subtree is the comments under parent (a fullname), with their replies
// (JSON is finite: a loop of parents is cut off a few levels down).
func (ft *fakeTree) subtree(parent string) []any { return ft.subtreeAt(parent, 0) }

func (ft *fakeTree) subtreeAt(parent string, depth int) []any {
	out := []any{}
	if depth > 20 {
		return out
	}
	var more []string
	for i, c := range ft.comments {
		if c.parent != parent || ft.gone[c.id] {
			continue
		}
		if ft.more[c.id] {
			more = append(more, c.id)
			continue
		}
		var replies any = ""
		if kids := ft.subtreeAt("t1_"+c.id, depth+1); len(kids) > 0 {
			replies = listing(kids)
		}
		out = append(out, ft.thing(c, i, replies))
	}
	if more != nil {
		out = append(out, map[string]any{"kind": "more", "data": map[string]any{"count": len(more), "name": "t1_" + more[0], "id": more[0],
			"parent_id": parent, "depth": 1, "children": more}})
	}
	return out
}

func (f *fakeReddit) commentTree(w http.ResponseWriter, article string, q map[string][]string) {
	ft := f.trees[article]
	if ft == nil {
		f.json(w, 404, map[string]any{"message": "Not Found", "error": 404})
		return
	}
	f.paths[len(f.paths)-1] += "?comment=" + strings.Join(q["comment"], "") + "&context=" + strings.Join(q["context"], "")
	top := ft.subtree("t3_" + article)
	if cs := q["comment"]; len(cs) == 1 {
		ctx, _ := strconv.Atoi(strings.Join(q["context"], ""))
		top = []any{}
		idx := -1
		for i, c := range ft.comments {
			if c.id == cs[0] && !ft.gone[c.id] {
				idx = i
			}
		}
		if idx >= 0 {
			// the comment with its replies, inside its parents up to context
			c := ft.comments[idx]
			var replies any = ""
			if kids := ft.subtree("t1_" + c.id); len(kids) > 0 {
				replies = listing(kids)
			}
			node := ft.thing(c, idx, replies)
			for n := 0; n < ctx && strings.HasPrefix(c.parent, "t1_"); n++ {
				pi := -1
				for i, p := range ft.comments {
					if "t1_"+p.id == c.parent && !ft.gone[p.id] {
						pi = i
					}
				}
				if pi < 0 {
					break
				}
				c = ft.comments[pi]
				node = ft.thing(c, pi, listing([]any{node}))
			}
			top = []any{node}
		}
	}
	f.json(w, 200, []any{listing([]any{ft.post}), listing(top)})
}

func redditOutline(t *testing.T, s *store.Store, key string) string {
	t.Helper()
	th, err := s.Thread(key, store.ThreadWindow{Start: true, After: 100})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range th.Messages {
		b.WriteString(strings.Repeat(".", m.Depth) + strings.TrimPrefix(m.Key, "reddit:"))
		if m.Focus {
			b.WriteString("*")
		}
		if m.Missing {
			b.WriteString(" (missing)")
		}
		if m.Mention != nil {
			b.WriteString(" " + m.Mention.Author.Handle)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestFetchThreadReadsTheCommentTree(t *testing.T) {
	f := newFakeReddit(t)
	ft := newTree("abc", testUser, "Our new app is out")
	ft.add("c1", "t3_abc", "alice", "it crashes")
	ft.add("c2", "t1_c1", "[deleted]", "[deleted]") // deleted, with a reply under it
	ft.add("c3", "t1_c2", "bob", "same here u/brand_support")
	ft.add("c4", "t1_c3", "carol", "reinstall?")
	ft.add("c5", "t3_abc", "dave", "love it")
	// a chain deeper than one answer's context
	prev := "t1_c5"
	for i := 0; i < 12; i++ {
		id := "d" + strconv.Itoa(i)
		ft.add(id, prev, "erin", "deeper "+strconv.Itoa(i))
		prev = "t1_" + id
	}
	ft.add("e1", "t1_d11", "frank", "the bottom")
	// a parent removed past showing, and one collapsed behind "more"
	ft.add("g1", "t3_abc", "gina", "removed")
	ft.gone["g1"] = true
	ft.add("g2", "t1_g1", "hank", "what did they say?")
	f.trees = map[string]*fakeTree{"abc": ft}

	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := connectors.NewPoller(st, connectors.PollerOptions{})
	p.Add(f.connector(t, false), time.Hour)
	mk := func(id, parent, thread string) domain.Mention {
		return domain.Mention{Platform: domain.PlatformReddit, NativeID: id, Kind: domain.KindReply, InReplyTo: parent, Thread: thread,
			Author: domain.Author{Handle: "bob"}, Text: "t", CreatedAt: time.Unix(1740000180, 0).UTC()}
	}
	focus := mk("t1_c3", "t1_c2", "t3_abc")
	if _, err := st.Ingest([]domain.Mention{focus}); err != nil {
		t.Fatal(err)
	}
	fr, err := p.FetchThread(context.Background(), focus)
	if err != nil || fr.Fetched != 4 || fr.New != 4 || len(fr.Missing) != 0 {
		t.Fatalf("fetch: %+v %v", fr, err)
	}
	if got := redditOutline(t, st, "reddit:t1_c3"); got != "t3_abc brand_support\n.t1_c1 alice\n..t1_c2 [deleted]\n...t1_c3* bob\n....t1_c4 carol\n" {
		t.Fatalf("thread:\n%s", got)
	}
	if c1, _ := st.GetByKey("reddit:t1_c1"); c1.Kind != domain.KindComment || c1.URL != "https://www.reddit.com/r/brand/comments/abc/a_title/c1/" || c1.State.Status != domain.StatusDone {
		t.Fatalf("c1: %+v", c1)
	}
	// the bottom of a deep chain: two answers, the second at the top one's parent
	f.paths = nil
	bottom := mk("t1_e1", "t1_d11", "t3_abc")
	st.Ingest([]domain.Mention{bottom})
	fr, err = p.FetchThread(context.Background(), bottom)
	if err != nil || len(fr.Missing) != 0 {
		t.Fatalf("deep: %+v %v", fr, err)
	}
	if got := strings.Join(f.paths, " "); got != "/comments/abc?comment=e1&context=8 /comments/abc?comment=d3&context=8" {
		t.Fatalf("asked %s", got)
	}
	th, _ := st.Thread("reddit:t1_e1", store.ThreadWindow{})
	if f := th.Messages[0]; !f.Focus || f.Depth != 14 || th.Root != "reddit:t3_abc" { // post, c5, d0…d11, e1
		t.Fatalf("deep chain:\n%s", redditOutline(t, st, "reddit:t1_e1"))
	}
	// a parent Reddit no longer shows at all
	orphan := mk("t1_g2", "t1_g1", "t3_abc")
	st.Ingest([]domain.Mention{orphan})
	fr, err = p.FetchThread(context.Background(), orphan)
	if err != nil || strings.Join(fr.Missing, ",") != "t1_g1" {
		t.Fatalf("removed parent: %+v %v", fr, err)
	}
	if got := redditOutline(t, st, "reddit:t1_g2"); got != "t1_g1 (missing)\n.t1_g2* bob\n" {
		t.Fatalf("removed parent:\n%s", got)
	}
	// a post that is gone
	lost := mk("t1_z1", "t3_zzz", "t3_zzz")
	st.Ingest([]domain.Mention{lost})
	fr, err = p.FetchThread(context.Background(), lost)
	if err != nil || strings.Join(fr.Missing, ",") != "t1_z1" || fr.Fetched != 0 {
		t.Fatalf("gone post: %+v %v", fr, err)
	}
}

func TestFetchThreadSurvivesALoopAndSkipsMore(t *testing.T) {
	f := newFakeReddit(t)
	ft := newTree("lp", "alice", "loop")
	// a hostile tree: x1 and x2 name each other as parents
	ft.add("x1", "t1_x2", "alice", "a")
	ft.add("x2", "t1_x1", "bob", "b")
	ft.add("m1", "t3_lp", "carol", "collapsed")
	ft.more["m1"] = true
	f.trees = map[string]*fakeTree{"lp": ft}
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := connectors.NewPoller(st, connectors.PollerOptions{})
	p.Add(f.connector(t, false), time.Hour)
	m := domain.Mention{Platform: domain.PlatformReddit, NativeID: "t1_x1", Kind: domain.KindReply, InReplyTo: "t1_x2", Thread: "t3_lp",
		Author: domain.Author{Handle: "alice"}, Text: "a", CreatedAt: time.Unix(1740000060, 0).UTC()}
	st.Ingest([]domain.Mention{m})
	if _, err := p.FetchThread(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	th, err := st.Thread("reddit:t1_x1", store.ThreadWindow{Before: 10, After: 10})
	if err != nil || !th.Cycle || len(th.Messages) != 2 {
		t.Fatalf("loop: %+v %v", th, err)
	}
	if _, err := st.GetByKey("reddit:t1_m1"); err == nil {
		t.Fatal("a collapsed comment was stored")
	}
}

func TestDecodeCommentsRefusesMalformedAnswers(t *testing.T) {
	for _, body := range []string{`{}`, `[]`, `[{"kind":"Listing","data":{"children":[]}},{"kind":"Listing","data":{"children":[]}}]`,
		`[{"kind":"Listing","data":{"children":[{"kind":"t3","data":{"id":"a","name":"t3_a"}}]}},{"kind":"Listing","data":{"children":[]}}]`} {
		if _, err := DecodeComments([]byte(body), time.Now()); err == nil || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("%s: %v", body, err)
		}
	}
}
