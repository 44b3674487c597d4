package bluesky

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

// How much of a thread getPostThread is asked for, and the most nodes one
// answer may hold before it counts as hostile.
const (
	threadDepth       = 10 // levels of replies below the post
	threadParents     = 80 // levels of parents above it (the lexicon's default)
	maxThreadNodes    = 5000
	typeThreadView    = "app.bsky.feed.defs#threadViewPost"
	typeNotFoundPost  = "app.bsky.feed.defs#notFoundPost"
	typeBlockedPost   = "app.bsky.feed.defs#blockedPost"
	errNotFoundThread = "NotFound"
)

// wireThread is one node of app.bsky.feed.getPostThread: a
// threadViewPost (post, parent, replies), a notFoundPost (deleted) or a
// blockedPost, told apart by $type.
type wireThread struct {
	Type     string        `json:"$type"`
	URI      string        `json:"uri"`
	NotFound bool          `json:"notFound"`
	Blocked  bool          `json:"blocked"`
	Post     *wirePostView `json:"post"`
	Parent   *wireThread   `json:"parent"`
	Replies  []wireThread  `json:"replies"`
}

// wirePostView is app.bsky.feed.defs#postView.
type wirePostView struct {
	URI       string       `json:"uri"`
	CID       string       `json:"cid"`
	Author    *wireProfile `json:"author"`
	Record    *wirePost    `json:"record"`
	IndexedAt string       `json:"indexedAt"`
}

// DecodeThread decodes one getPostThread answer into mentions (the
// parents from the top down, the post, then its replies depth first) and
// the uris of the posts a parent chain answers that the answer does not
// hold (deleted, or blocked). Any post that breaks the lexicon fails the
// whole answer with an error wrapping connectors.ErrBadPayload.
func DecodeThread(body []byte, fetched time.Time) ([]domain.Mention, []string, error) {
	var w struct {
		Thread *wireThread `json:"thread"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, nil, fmt.Errorf("%w: bluesky thread: %v", connectors.ErrBadPayload, err)
	}
	if w.Thread == nil {
		return nil, nil, fmt.Errorf("%w: bluesky thread: no thread", connectors.ErrBadPayload)
	}
	var parents, rest []domain.Mention
	var missing []string
	nodes := 0
	var bad error
	gap := func(n *wireThread) bool {
		if n.Type == typeNotFoundPost || n.Type == typeBlockedPost || n.NotFound || n.Blocked {
			if _, _, _, ok := splitATURI(n.URI); !ok {
				bad = fmt.Errorf("%w: bluesky thread: a missing post without a valid uri", connectors.ErrBadPayload)
			}
			return true
		}
		return false
	}
	post := func(n *wireThread) (domain.Mention, bool) {
		if nodes++; nodes > maxThreadNodes {
			bad = fmt.Errorf("%w: bluesky thread of more than %d posts", connectors.ErrBadPayload, maxThreadNodes)
			return domain.Mention{}, false
		}
		if n.Post == nil {
			bad = fmt.Errorf("%w: bluesky thread: a %q node without a post", connectors.ErrBadPayload, n.Type)
			return domain.Mention{}, false
		}
		m, err := postViewMention(n.Post, fetched)
		if err != nil {
			bad = err
			return domain.Mention{}, false
		}
		return m, true
	}
	top := w.Thread
	if gap(top) {
		return nil, []string{top.URI}, bad
	}
	self, ok := post(top)
	if !ok {
		return nil, nil, bad
	}
	for p := top.Parent; p != nil; p = p.Parent {
		if gap(p) {
			missing = append(missing, p.URI)
			break
		}
		m, ok := post(p)
		if !ok {
			return nil, nil, bad
		}
		parents = append([]domain.Mention{m}, parents...)
	}
	if bad != nil {
		return nil, nil, bad
	}
	var walk func(rs []wireThread, depth int)
	walk = func(rs []wireThread, depth int) {
		for i := range rs {
			if bad != nil || depth > threadDepth+1 {
				return
			}
			if gap(&rs[i]) {
				continue // a deleted or blocked reply has nothing to show
			}
			m, ok := post(&rs[i])
			if !ok {
				return
			}
			rest = append(rest, m)
			walk(rs[i].Replies, depth+1)
		}
	}
	walk(top.Replies, 1)
	if bad != nil {
		return nil, nil, bad
	}
	out := append(append(parents, self), rest...)
	// the first post it holds answers one it does not reach
	if len(missing) == 0 && out[0].InReplyTo != "" {
		missing = append(missing, out[0].InReplyTo)
	}
	return out, missing, nil
}

// postViewMention checks a postView and turns it into a mention.
func postViewMention(pv *wirePostView, fetched time.Time) (domain.Mention, error) {
	bad := func(format string, a ...any) (domain.Mention, error) {
		return domain.Mention{}, fmt.Errorf("%w: bluesky thread: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	did, coll, rkey, ok := splitATURI(pv.URI)
	if !ok || coll != "app.bsky.feed.post" || rkey == "" {
		return bad("a post without a valid uri")
	}
	a := pv.Author
	if a == nil || !isDID(a.DID) || a.DID != did || a.Handle == "" || len(a.Handle) > maxHandle || len(a.DisplayName) > maxName {
		return bad("post %s has no valid author", pv.URI)
	}
	p := pv.Record
	if p == nil || p.Type != "app.bsky.feed.post" || p.Text == nil || len(*p.Text) > maxTextBytes || len(p.Facets) > maxFacets {
		return bad("post %s has no valid post record", pv.URI)
	}
	m := domain.Mention{
		Platform:  domain.PlatformBluesky,
		NativeID:  pv.URI,
		Kind:      domain.KindMention,
		FetchedAt: fetched,
		Thread:    pv.URI,
		URL:       postURL(a.Handle, pv.URI),
		Text:      ExpandLinks(*p.Text, p.Facets),
		Author: domain.Author{ID: a.DID, Handle: a.Handle, Name: a.DisplayName,
			Verified: a.Verification != nil && a.Verification.VerifiedStatus == "valid"},
	}
	if t, err := time.Parse(time.RFC3339Nano, p.CreatedAt); err == nil && t.Year() > 2000 {
		m.CreatedAt = t.UTC()
	} else if t, err := time.Parse(time.RFC3339Nano, pv.IndexedAt); err == nil {
		m.CreatedAt = t.UTC()
	} else {
		return bad("post %s has no valid createdAt or indexedAt", pv.URI)
	}
	if len(p.Langs) > 0 {
		if len(p.Langs[0]) > 35 || !printable(p.Langs[0]) {
			return bad("post %s has an invalid language", pv.URI)
		}
		m.Lang = p.Langs[0]
	}
	if p.Reply != nil {
		_, _, _, okp := splitATURI(p.Reply.Parent.URI)
		_, _, _, okr := splitATURI(p.Reply.Root.URI)
		if !okp || !okr {
			return bad("post %s replies to an invalid uri", pv.URI)
		}
		m.InReplyTo, m.Thread, m.Kind = p.Reply.Parent.URI, p.Reply.Root.URI, domain.KindReply
	}
	return m, nil
}

// FetchThread implements connectors.ThreadFetcher with
// app.bsky.feed.getPostThread: the post's parents up to the thread's
// root and its replies, with the authors' follower counts. A post that is
// gone (deleted, or blocked) is reported missing.
func (c *Connector) FetchThread(ctx context.Context, m domain.Mention) (connectors.Thread, error) {
	if m.Platform != domain.PlatformBluesky || m.Kind == domain.KindDM {
		return connectors.Thread{}, nil
	}
	if _, _, _, ok := splitATURI(m.NativeID); !ok {
		return connectors.Thread{}, fmt.Errorf("%w: %q is not a post uri", connectors.ErrPermanent, m.NativeID)
	}
	q := url.Values{"uri": {m.NativeID}, "depth": {fmt.Sprint(threadDepth)}, "parentHeight": {fmt.Sprint(threadParents)}}
	var raw rawBody
	err := c.authed(ctx, call{method: http.MethodGet, nsid: "app.bsky.feed.getPostThread", params: q}, &raw)
	var xe *xrpcError
	if errors.As(err, &xe) && xe.name == errNotFoundThread {
		c.ok()
		return connectors.Thread{Missing: []string{m.NativeID}}, nil
	}
	if err != nil {
		return connectors.Thread{}, c.fail(err)
	}
	items, missing, err := DecodeThread(raw, c.now())
	if err != nil {
		return connectors.Thread{}, c.fail(err)
	}
	if err := c.addFollowers(ctx, items); err != nil {
		return connectors.Thread{}, c.fail(err)
	}
	for i := range items {
		items[i].Connector = c.name
	}
	c.ok()
	return connectors.Thread{Items: items, Missing: missing}, nil
}

var _ connectors.ThreadFetcher = (*Connector)(nil)
