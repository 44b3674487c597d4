package bluesky

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

// getPostThread answers as the AppView does: the thread by uri, or a
// NotFound error for a post it does not have.
func (f *fakePDS) getPostThread(w http.ResponseWriter, q map[string][]string) {
	if len(q["uri"]) != 1 || q["depth"][0] != "10" || q["parentHeight"][0] != "80" {
		f.t.Errorf("getPostThread with %v", q)
	}
	th, ok := f.threads[q["uri"][0]]
	if !ok {
		xerr(w, 400, "NotFound", "Post not found: "+q["uri"][0])
		return
	}
	writeJSON(w, 200, map[string]any{"thread": th})
}

func postURI(did, rkey string) string { return "at://" + did + "/app.bsky.feed.post/" + rkey }

// threadPost is a threadViewPost in the lexicon's shape: the postView of
// uri by did, answering parent (in a thread rooted at root), with the
// parent node and replies given.
func threadPost(uri, did, text, root, parent string, min int, up any, replies ...any) map[string]any {
	rec := map[string]any{"$type": "app.bsky.feed.post", "text": text, "langs": []string{"en"},
		"createdAt": time.Date(2025, 3, 1, 12, min, 0, 0, time.UTC).Format(time.RFC3339Nano)}
	if parent != "" {
		rec["reply"] = map[string]any{"root": map[string]any{"uri": root, "cid": "bafyroot"}, "parent": map[string]any{"uri": parent, "cid": "bafyparent"}}
	}
	handle := strings.TrimPrefix(did, "did:plc:") + ".bsky.social"
	if did == testDID {
		handle = testHandle
	}
	n := map[string]any{
		"$type": "app.bsky.feed.defs#threadViewPost",
		"post": map[string]any{"uri": uri, "cid": "bafy" + text[:1],
			"author": map[string]any{"did": did, "handle": handle, "displayName": strings.ToUpper(handle[:1]), "avatar": "https://cdn.bsky.app/img/avatar/plain/" + did + "/x@jpeg",
				"viewer": map[string]any{"muted": false, "blockedBy": false}, "labels": []any{}, "createdAt": "2024-01-01T00:00:00.000Z"},
			"record": rec, "replyCount": len(replies), "repostCount": 0, "likeCount": 3, "quoteCount": 0,
			"indexedAt": time.Date(2025, 3, 1, 12, min, 1, 0, time.UTC).Format(time.RFC3339Nano), "viewer": map[string]any{}, "labels": []any{}},
		"replies": append([]any{}, replies...),
	}
	if up != nil {
		n["parent"] = up
	}
	return n
}

func notFound(uri string) map[string]any {
	return map[string]any{"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri, "notFound": true}
}

func blocked(uri, did string) map[string]any {
	return map[string]any{"$type": "app.bsky.feed.defs#blockedPost", "uri": uri, "blocked": true,
		"author": map[string]any{"did": did, "viewer": map[string]any{"blockedBy": true}}}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func outlineOf(t *testing.T, s *store.Store, key string) string {
	t.Helper()
	th, err := s.Thread(key, store.ThreadWindow{Start: true, After: 100})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range th.Messages {
		b.WriteString(strings.Repeat(".", m.Depth) + m.Key[strings.LastIndex(m.Key, "/")+1:])
		if m.Focus {
			b.WriteString("*")
		}
		if m.Missing {
			b.WriteString(" (missing)")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestFetchThreadStoresParentsAndRepliesWithGaps(t *testing.T) {
	f := newFakePDS(t)
	a0, a1, a2 := "did:plc:author0", "did:plc:author1", "did:plc:author2"
	root, parent, focus, reply := postURI(testDID, "3kroot"), postURI(a1, "3kpar"), postURI(a2, "3kfoc"), postURI(a0, "3krep")
	f.threads = map[string]any{
		focus: threadPost(focus, a2, "same problem here", root, parent, 2,
			threadPost(parent, a1, "the app crashes", root, root, 1,
				threadPost(root, testDID, "Our new app is out", "", "", 0, nil)),
			threadPost(reply, a0, "me too", root, focus, 3, nil),
			notFound(postURI(a0, "3kgone"))), // a deleted reply: nothing to show
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := f.connector(t, t.TempDir())
	mk := func(uri, parent string) domain.Mention {
		return domain.Mention{Platform: domain.PlatformBluesky, NativeID: uri, Kind: domain.KindReply, InReplyTo: parent,
			Author: domain.Author{Handle: "x.bsky.social"}, Text: "t", CreatedAt: time.Date(2025, 3, 1, 12, 2, 0, 0, time.UTC)}
	}
	fm := mk(focus, parent)
	if _, err := st.Ingest([]domain.Mention{fm}); err != nil {
		t.Fatal(err)
	}
	p := connectors.NewPoller(st, connectors.PollerOptions{})
	p.Add(c, time.Hour)
	fr, err := p.FetchThread(context.Background(), fm)
	if err != nil || fr.New != 3 || len(fr.Missing) != 0 {
		t.Fatalf("fetch: %+v %v", fr, err)
	}
	f.srv.Close() // offline from here on
	if got := outlineOf(t, st, "bluesky:"+focus); got != "3kroot\n.3kpar\n..3kfoc*\n...3krep\n" {
		t.Fatalf("thread:\n%s", got)
	}
	r, _ := st.GetByKey("bluesky:" + root)
	if r.Kind != domain.KindMention || r.Author.Handle != testHandle || r.State.Status != domain.StatusDone || r.Text != "Our new app is out" {
		t.Fatalf("root: %+v", r)
	}
	if rp, _ := st.GetByKey("bluesky:" + reply); rp.Author.Followers != 1000 || rp.URL != "https://bsky.app/profile/author0.bsky.social/post/3krep" {
		t.Fatalf("reply: %+v", rp)
	}
}

func TestFetchThreadReportsDeletedBlockedAndGonePosts(t *testing.T) {
	f := newFakePDS(t)
	a0, a1, a2 := "did:plc:author0", "did:plc:author1", "did:plc:author2"
	deleted, orphan, hidden, shy := postURI(a1, "3kdel"), postURI(a2, "3korph"), postURI(a0, "3kblk"), postURI(a1, "3kshy")
	loopA, loopB, gone := postURI(a1, "3kloopa"), postURI(a2, "3kloopb"), postURI(a2, "3kzap")
	f.threads = map[string]any{
		orphan: threadPost(orphan, a2, "what did they say?", deleted, deleted, 5, notFound(deleted),
			threadPost(postURI(a0, "3kans"), a0, "no idea", deleted, orphan, 6, nil)),
		shy: threadPost(shy, a1, "blocked parent", hidden, hidden, 6, blocked(hidden, a0)),
		// a hostile answer: two posts that answer each other
		loopA: threadPost(loopA, a1, "a", loopB, loopB, 7, threadPost(loopB, a2, "b", loopA, loopA, 8, nil)),
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := connectors.NewPoller(st, connectors.PollerOptions{})
	p.Add(f.connector(t, t.TempDir()), time.Hour)
	mk := func(uri, parent string) domain.Mention {
		return domain.Mention{Platform: domain.PlatformBluesky, NativeID: uri, Kind: domain.KindReply, InReplyTo: parent,
			Author: domain.Author{Handle: "x.bsky.social"}, Text: "t", CreatedAt: time.Date(2025, 3, 1, 12, 2, 0, 0, time.UTC)}
	}
	for _, c := range []struct {
		m       domain.Mention
		missing string
		outline string
	}{
		{mk(orphan, deleted), deleted, "3kdel (missing)\n.3korph*\n..3kans\n"},
		{mk(shy, hidden), hidden, "3kblk (missing)\n.3kshy*\n"},
		{mk(gone, deleted), gone, "3kdel (missing)\n.3korph\n..3kans\n.3kzap*\n"},
	} {
		if _, err := st.Ingest([]domain.Mention{c.m}); err != nil {
			t.Fatal(err)
		}
		fr, err := p.FetchThread(context.Background(), c.m)
		if err != nil || strings.Join(fr.Missing, " ") != c.missing {
			t.Fatalf("%s: %+v %v", c.m.NativeID, fr, err)
		}
		if got := outlineOf(t, st, "bluesky:"+c.m.NativeID); got != c.outline {
			t.Fatalf("%s:\n%s\nwant:\n%s", c.m.NativeID, got, c.outline)
		}
	}
	lm := mk(loopA, loopB)
	st.Ingest([]domain.Mention{lm})
	if _, err := p.FetchThread(context.Background(), lm); err != nil {
		t.Fatal(err)
	}
	th, err := st.Thread("bluesky:"+loopA, store.ThreadWindow{Before: 10, After: 10})
	if err != nil || !th.Cycle || len(th.Messages) != 2 {
		t.Fatalf("loop: %+v %v", th, err)
	}
}

func TestDecodeThreadRefusesMalformedAnswers(t *testing.T) {
	good := threadPost(postURI("did:plc:author1", "3ka"), "did:plc:author1", "x", "", "", 0, nil)
	wrongAuthor := threadPost(postURI("did:plc:author1", "3ka"), "did:plc:author2", "x", "", "", 0, nil)
	noPost := map[string]any{"$type": "app.bsky.feed.defs#threadViewPost"}
	badParent := threadPost(postURI("did:plc:author1", "3ka"), "did:plc:author1", "x", "", "", 0, notFound("https://evil.example"))
	for name, th := range map[string]any{"wrong author": wrongAuthor, "no post": noPost, "bad gap": badParent} {
		b := mustJSON(t, map[string]any{"thread": th})
		if _, _, err := DecodeThread(b, time.Now()); err == nil || !strings.Contains(err.Error(), "malformed") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if ms, _, err := DecodeThread(mustJSON(t, map[string]any{"thread": good}), time.Now()); err != nil || len(ms) != 1 {
		t.Fatalf("good: %v %v", ms, err)
	}
}
