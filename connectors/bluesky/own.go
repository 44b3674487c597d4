package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

// ownPages bounds the author-feed pages read in one look.
const ownPages = 3

// ownCursor is the hijack watch's position in the account's own feed: the
// newest indexedAt judged and the posts indexed at that instant.
type ownCursor struct {
	Mark time.Time `json:"mark"`
	URIs []string  `json:"uris,omitempty"`
}

type feedItem struct {
	Post struct {
		URI       string       `json:"uri"`
		CID       string       `json:"cid"`
		Author    *wireProfile `json:"author"`
		Record    *wirePost    `json:"record"`
		IndexedAt string       `json:"indexedAt"`
	} `json:"post"`
	Reason *struct {
		Type string `json:"$type"`
	} `json:"reason"`
}

type authorFeed struct {
	Feed   []feedItem `json:"feed"`
	Cursor string     `json:"cursor"`
}

type ownProfile struct {
	DID         string `json:"did"`
	Handle      string `json:"handle"`
	DisplayName string `json:"displayName"`
	Description string `json:"description"`
	Avatar      string `json:"avatar"`
	Website     string `json:"website"`
}

// FetchOwn implements connectors.OwnPostsFetcher: the account's profile
// from app.bsky.actor.getProfile and its own posts (replies included,
// reposts left out) from app.bsky.feed.getAuthorFeed of the session's
// DID, newest first down to the cursor's mark. Bluesky does not say which
// app made a post, so App stays empty.
func (c *Connector) FetchOwn(ctx context.Context, cur string) (connectors.OwnPage, error) {
	var pos ownCursor
	if cur != "" {
		if err := json.Unmarshal([]byte(cur), &pos); err != nil || len(pos.URIs) > maxItems {
			return connectors.OwnPage{}, c.fail(fmt.Errorf("%w: own-posts cursor %q is not one this connector wrote", connectors.ErrBadPayload, clip(cur, 40)))
		}
	}
	s, err := c.currentSession(ctx)
	if err != nil {
		return connectors.OwnPage{}, c.fail(err)
	}
	var prof ownProfile
	if err := c.authed(ctx, call{method: http.MethodGet, nsid: "app.bsky.actor.getProfile", params: url.Values{"actor": {s.DID}}}, &prof); err != nil {
		return connectors.OwnPage{}, c.fail(err)
	}
	if prof.DID != s.DID || len(prof.DisplayName) > maxName || len(prof.Description) > maxTextBytes {
		return connectors.OwnPage{}, c.fail(fmt.Errorf("%w: app.bsky.actor.getProfile: not the account's profile", connectors.ErrBadPayload))
	}
	handle := prof.Handle
	if handle == "" {
		handle = s.Handle
	}
	page := connectors.OwnPage{Handle: "@" + handle, Profile: &domain.AccountProfile{Handle: "@" + handle, Name: prof.DisplayName,
		Avatar: prof.Avatar, Bio: prof.Description}}
	if prof.Website != "" {
		page.Profile.Links = []string{prof.Website}
	}
	next := pos
	next.URIs = nil
	reached := false
	token := ""
	for i := 0; i < ownPages && !reached; i++ {
		q := url.Values{"actor": {s.DID}, "limit": {"50"}, "filter": {"posts_with_replies"}}
		if token != "" {
			q.Set("cursor", token)
		}
		var feed authorFeed
		if err := c.authed(ctx, call{method: http.MethodGet, nsid: "app.bsky.feed.getAuthorFeed", params: q}, &feed); err != nil {
			return connectors.OwnPage{}, c.fail(err)
		}
		if len(feed.Feed) > maxItems {
			return connectors.OwnPage{}, c.fail(fmt.Errorf("%w: getAuthorFeed: %d items", connectors.ErrBadPayload, len(feed.Feed)))
		}
		for _, it := range feed.Feed {
			p := it.Post
			at, err := time.Parse(time.RFC3339Nano, p.IndexedAt)
			if err != nil {
				return connectors.OwnPage{}, c.fail(fmt.Errorf("%w: getAuthorFeed: indexedAt %q", connectors.ErrBadPayload, clip(p.IndexedAt, 40)))
			}
			did, coll, _, ok := splitATURI(p.URI)
			if !ok || coll != "app.bsky.feed.post" || p.Record == nil || p.Record.Text == nil || len(*p.Record.Text) > maxTextBytes {
				return connectors.OwnPage{}, c.fail(fmt.Errorf("%w: getAuthorFeed: a post that breaks the lexicon", connectors.ErrBadPayload))
			}
			if it.Reason != nil || did != s.DID {
				continue // a repost of someone else's post
			}
			if !pos.Mark.IsZero() && (at.Before(pos.Mark) || at.Equal(pos.Mark) && slices.Contains(pos.URIs, p.URI)) {
				reached = true
				continue
			}
			switch {
			case at.After(next.Mark):
				next.Mark, next.URIs = at, []string{p.URI}
			case at.Equal(next.Mark):
				next.URIs = append(next.URIs, p.URI)
			}
			created, _ := time.Parse(time.RFC3339Nano, p.Record.CreatedAt)
			page.Posts = append(page.Posts, domain.OwnPost{ID: p.URI, URL: postURL(handle, p.URI),
				Text: ExpandLinks(*p.Record.Text, p.Record.Facets), CreatedAt: created.UTC()})
		}
		if feed.Cursor == "" || cur == "" {
			break // the end, or a first look: the newest page is the baseline
		}
		token = feed.Cursor
	}
	if next.Mark.Equal(pos.Mark) {
		next.URIs = dedupe(append(next.URIs, pos.URIs...))
	}
	b, _ := json.Marshal(next)
	page.Cursor = string(b)
	c.ok()
	return page, nil
}

var _ connectors.OwnPostsFetcher = (*Connector)(nil)
