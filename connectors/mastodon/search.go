package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"switchboard/connectors"
	"switchboard/domain"
)

// StreamSearch implements connectors.StreamSearcher: each term is a
// status search (GET /api/v2/search?type=statuses), the hashtags one tag
// timeline (GET /api/v1/timelines/tag/:tag with any[] for the others),
// each source paged with min_id. Full-text status search needs a server
// with search enabled; a server without it answers with no statuses.
func (c *Connector) StreamSearch(q connectors.StreamQuery) connectors.Connector {
	return &search{c: c, q: q}
}

type search struct {
	c *Connector
	q connectors.StreamQuery
	h connectors.SearchHealth
}

func (s *search) Name() string              { return connectors.StreamName(s.q.Name, s.c.name) }
func (s *search) Platform() domain.Platform { return domain.PlatformMastodon }
func (s *search) Health() connectors.Health { return s.h.Get() }
func (s *search) Send(context.Context, connectors.Message) (connectors.SendResult, error) {
	return connectors.SendResult{}, connectors.ErrStreamSend
}

// Fetch runs every source once from its own min_id.
func (s *search) Fetch(ctx context.Context, cur string) (connectors.Page, error) {
	pos, err := connectors.ParseSearchCursor(cur)
	if err != nil {
		return connectors.Page{}, err
	}
	var page connectors.Page
	seen := map[string]bool{}
	run := func(key, path string, q url.Values, statusesOf func([]byte) ([]status, error)) error {
		since := pos[key]
		q.Set("limit", strconv.Itoa(s.c.limit))
		if since != "" {
			q.Set("min_id", since)
		}
		body, hdr, err := s.c.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil, nil)
		if hdr != nil {
			s.h.Seen(connectors.RateLimitFromHeaders(hdr, connectors.StyleMastodon, s.c.now()))
		}
		if err != nil {
			return err
		}
		sts, err := statusesOf(body)
		if err != nil {
			return err
		}
		newest := since
		for i := range sts {
			st := &sts[i]
			if since != "" && !idAfter(st.ID, since) {
				continue // the server honours min_id; never trust it blindly
			}
			if idAfter(st.ID, newest) {
				newest = st.ID
			}
			m, err := statusMention(st, s.c.host)
			if err != nil {
				return err
			}
			if !langOK(m.Lang, s.q.Lang) || seen[m.NativeID] {
				continue
			}
			seen[m.NativeID] = true
			m.Stream, m.Connector = s.q.Name, s.Name()
			page.Items = append(page.Items, m)
		}
		pos[key] = newest
		if since != "" && len(sts) >= s.c.limit {
			page.More = true
		}
		return nil
	}
	if tags := s.q.Hashtags; len(tags) > 0 {
		q := url.Values{}
		for _, t := range tags[1:] {
			q.Add("any[]", t)
		}
		if err := run("tag", "/api/v1/timelines/tag/"+url.PathEscape(tags[0]), q, decodeStatuses); err != nil {
			return connectors.Page{}, err
		}
	}
	for _, term := range s.q.Terms {
		q := url.Values{"q": {term}, "type": {"statuses"}, "resolve": {"false"}}
		if err := run("q:"+term, "/api/v2/search", q, decodeSearchStatuses); err != nil {
			return connectors.Page{}, err
		}
	}
	page.Cursor = pos.String()
	s.h.OK(s.c.now())
	return page, nil
}

func decodeStatuses(b []byte) ([]status, error) {
	var sts []status
	if err := json.Unmarshal(b, &sts); err != nil {
		return nil, fmt.Errorf("%w: tag timeline: %v", connectors.ErrBadPayload, err)
	}
	return sts, nil
}

// searchResults is GET /api/v2/search's answer.
type searchResults struct {
	Accounts []account `json:"accounts"`
	Statuses []status  `json:"statuses"`
}

func decodeSearchStatuses(b []byte) ([]status, error) {
	var r searchResults
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%w: search: %v", connectors.ErrBadPayload, err)
	}
	return r.Statuses, nil
}

// SearchAccounts implements connectors.AccountSearcher: GET
// /api/v2/search?type=accounts for q, as authors.
func (c *Connector) SearchAccounts(ctx context.Context, q string) ([]domain.Author, error) {
	v := url.Values{"q": {q}, "type": {"accounts"}, "resolve": {"false"}, "limit": {"40"}}
	body, _, err := c.do(ctx, http.MethodGet, "/api/v2/search?"+v.Encode(), nil, nil)
	if err != nil {
		return nil, err
	}
	var r searchResults
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("%w: account search: %v", connectors.ErrBadPayload, err)
	}
	out := make([]domain.Author, 0, len(r.Accounts))
	for _, a := range r.Accounts {
		if a.ID == "" || a.Acct == "" && a.Username == "" {
			continue
		}
		out = append(out, author(a, c.host))
	}
	return out, nil
}

// idAfter orders Mastodon ids (decimal snowflakes) and GoToSocial's
// (ULIDs): a longer id is later; of equal length, the greater string.
func idAfter(a, b string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}

// langOK keeps a post in want (a post that does not say passes).
func langOK(have, want string) bool {
	if want == "" || have == "" {
		return true
	}
	have, want = strings.ToLower(have), strings.ToLower(want)
	return have == want || strings.HasPrefix(have, want+"-") || strings.HasPrefix(want, have+"-")
}

var (
	_ connectors.StreamSearcher  = (*Connector)(nil)
	_ connectors.AccountSearcher = (*Connector)(nil)
)
