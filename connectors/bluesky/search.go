package bluesky

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

// searchPageSize is the page size of app.bsky.feed.searchPosts (max 100).
const searchPageSize = 100

// StreamSearch implements connectors.StreamSearcher with
// app.bsky.feed.searchPosts (sort=latest), one search per term and
// hashtag ("#tag"). Each search keeps a watermark (the newest indexedAt
// stored, asked for again with since=) and, while it walks down a run
// of full pages, the page cursor and the walk's newest time.
func (c *Connector) StreamSearch(q connectors.StreamQuery) connectors.Connector {
	return &search{c: c, q: q}
}

type search struct {
	c *Connector
	q connectors.StreamQuery
}

func (s *search) Name() string              { return connectors.StreamName(s.q.Name, s.c.name) }
func (s *search) Platform() domain.Platform { return domain.PlatformBluesky }

// Health is the account's: Bluesky's rate limits are the account's
// budget at its PDS, shared by every call.
func (s *search) Health() connectors.Health { return s.c.health.Get() }
func (s *search) Send(context.Context, connectors.Message) (connectors.SendResult, error) {
	return connectors.SendResult{}, connectors.ErrStreamSend
}

// searchPos is one search's position.
type searchPos struct {
	Since time.Time // watermark: everything indexed before it is stored
	Next  string    // page cursor of a walk under way
	Top   time.Time // newest indexedAt of the walk
}

func (p searchPos) String() string {
	v := url.Values{}
	if !p.Since.IsZero() {
		v.Set("since", p.Since.UTC().Format(time.RFC3339Nano))
	}
	if p.Next != "" {
		v.Set("next", p.Next)
	}
	if !p.Top.IsZero() {
		v.Set("top", p.Top.UTC().Format(time.RFC3339Nano))
	}
	return v.Encode()
}

func parseSearchPos(s string) (searchPos, error) {
	var p searchPos
	v, err := url.ParseQuery(s)
	if err != nil {
		return p, fmt.Errorf("%w: bluesky stream cursor", connectors.ErrBadPayload)
	}
	for _, f := range []struct {
		k string
		t *time.Time
	}{{"since", &p.Since}, {"top", &p.Top}} {
		if x := v.Get(f.k); x != "" {
			if *f.t, err = time.Parse(time.RFC3339Nano, x); err != nil {
				return p, fmt.Errorf("%w: bluesky stream cursor", connectors.ErrBadPayload)
			}
		}
	}
	p.Next = v.Get("next")
	return p, nil
}

// Fetch runs each search once: the newest page on a first run, else one
// page newer than its watermark (More while a walk has pages left).
func (s *search) Fetch(ctx context.Context, cur string) (connectors.Page, error) {
	all, err := connectors.ParseSearchCursor(cur)
	if err != nil {
		return connectors.Page{}, err
	}
	var page connectors.Page
	seen := map[string]bool{}
	var queries []string
	queries = append(queries, s.q.Terms...)
	for _, t := range s.q.Hashtags {
		queries = append(queries, "#"+t)
	}
	for _, term := range queries {
		key := "q:" + term
		pos, err := parseSearchPos(all[key])
		if err != nil {
			return connectors.Page{}, err
		}
		params := url.Values{"q": {term}, "sort": {"latest"}, "limit": {strconv.Itoa(searchPageSize)}}
		if !pos.Since.IsZero() {
			params.Set("since", pos.Since.UTC().Format(time.RFC3339Nano))
		}
		if pos.Next != "" {
			params.Set("cursor", pos.Next)
		}
		if s.q.Lang != "" {
			params.Set("lang", s.q.Lang)
		}
		var raw rawBody
		if err := s.c.authed(ctx, call{method: http.MethodGet, nsid: "app.bsky.feed.searchPosts", params: params}, &raw); err != nil {
			return connectors.Page{}, s.c.fail(err)
		}
		res, err := DecodeSearchPosts(raw, s.c.now())
		if err != nil {
			return connectors.Page{}, s.c.fail(err)
		}
		newest := pos.Top
		for i, m := range res.Items {
			at := res.Indexed[i]
			if at.After(newest) {
				newest = at
			}
			if !pos.Since.IsZero() && at.Before(pos.Since) {
				continue // the server honours since; never trust it blindly
			}
			if seen[m.NativeID] {
				continue
			}
			seen[m.NativeID] = true
			m.Stream, m.Connector = s.q.Name, s.Name()
			page.Items = append(page.Items, m)
		}
		if cur != "" && !pos.Since.IsZero() && res.Cursor != "" && len(res.Items) >= searchPageSize {
			pos.Next, pos.Top = res.Cursor, newest // more pages newer than the watermark
			page.More = true
		} else {
			if !newest.IsZero() {
				pos.Since = newest
			}
			pos.Next, pos.Top = "", time.Time{}
		}
		all[key] = pos.String()
	}
	if err := s.c.addFollowers(ctx, page.Items); err != nil {
		return connectors.Page{}, s.c.fail(err)
	}
	s.c.ok()
	page.Cursor = all.String()
	return page, nil
}

// SearchPage is one decoded app.bsky.feed.searchPosts answer: posts
// with their indexedAt, in the order given, and the next page's cursor.
type SearchPage struct {
	Items   []domain.Mention
	Indexed []time.Time
	Cursor  string
}

// DecodeSearchPosts decodes a searchPosts answer with the same checks as
// notifications (a post that breaks the lexicon fails the page).
func DecodeSearchPosts(body []byte, fetched time.Time) (SearchPage, error) {
	var w struct {
		Cursor string          `json:"cursor"`
		Posts  *[]wirePostView `json:"posts"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return SearchPage{}, fmt.Errorf("%w: bluesky search: %v", connectors.ErrBadPayload, err)
	}
	if w.Posts == nil {
		return SearchPage{}, fmt.Errorf("%w: bluesky search: no posts list", connectors.ErrBadPayload)
	}
	ns := make([]wireNotification, len(*w.Posts))
	for i, p := range *w.Posts {
		reason := "mention"
		if p.Record != nil && p.Record.Reply != nil {
			reason = "reply"
		}
		ns[i] = wireNotification{URI: p.URI, CID: p.CID, Author: p.Author, Reason: reason, Record: p.Record, IndexedAt: p.IndexedAt}
	}
	b, err := json.Marshal(map[string]any{"cursor": w.Cursor, "notifications": ns})
	if err != nil {
		return SearchPage{}, fmt.Errorf("%w: bluesky search: %v", connectors.ErrBadPayload, err)
	}
	np, err := DecodeNotifications(b, fetched)
	if err != nil {
		return SearchPage{}, err
	}
	return SearchPage{Items: np.Items, Indexed: np.Indexed, Cursor: np.Cursor}, nil
}

// SearchAccounts implements connectors.AccountSearcher with
// app.bsky.actor.searchActors.
func (c *Connector) SearchAccounts(ctx context.Context, q string) ([]domain.Author, error) {
	var out struct {
		Actors []wireProfile `json:"actors"`
	}
	if err := c.authed(ctx, call{method: http.MethodGet, nsid: "app.bsky.actor.searchActors",
		params: url.Values{"q": {q}, "limit": {"25"}}}, &out); err != nil {
		return nil, c.fail(err)
	}
	var as []domain.Author
	for _, p := range out.Actors {
		if !isDID(p.DID) || p.Handle == "" || len(p.Handle) > maxHandle || len(p.DisplayName) > maxName {
			continue
		}
		a := domain.Author{ID: p.DID, Handle: p.Handle, Name: p.DisplayName,
			Verified: p.Verification != nil && p.Verification.VerifiedStatus == "valid"}
		if p.FollowersCount != nil {
			a.Followers = *p.FollowersCount
		}
		as = append(as, a)
	}
	return as, nil
}

var (
	_ connectors.StreamSearcher  = (*Connector)(nil)
	_ connectors.AccountSearcher = (*Connector)(nil)
)
