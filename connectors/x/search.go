package x

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"switchboard/connectors"
	"switchboard/domain"
)

// StreamSearch implements connectors.StreamSearcher with GET
// /2/tweets/search/recent: one query for the stream's terms and hashtags
// ("(acme OR \"acme pharmacy\" OR #acmefail) -is:retweet lang:en"),
// walked from the newest post down to since_id with next_token, like the
// mentions timeline. A plan without search answers 403: the error says
// so.
func (c *Connector) StreamSearch(q connectors.StreamQuery) connectors.Connector {
	return &search{c: c, q: q, query: SearchQuery(q)}
}

// SearchQuery is the recent-search query of a stream.
func SearchQuery(q connectors.StreamQuery) string {
	var or []string
	for _, t := range q.Terms {
		t = strings.ReplaceAll(strings.TrimSpace(t), `"`, "")
		if strings.ContainsAny(t, " \t") {
			t = `"` + t + `"`
		}
		if t != "" {
			or = append(or, t)
		}
	}
	for _, h := range q.Hashtags {
		or = append(or, "#"+h)
	}
	s := strings.Join(or, " OR ")
	if len(or) > 1 {
		s = "(" + s + ")"
	}
	s += " -is:retweet"
	if q.Lang != "" {
		s += " lang:" + q.Lang
	}
	return s
}

type search struct {
	c     *Connector
	q     connectors.StreamQuery
	query string
	h     connectors.SearchHealth
}

func (s *search) Name() string              { return connectors.StreamName(s.q.Name, s.c.name) }
func (s *search) Platform() domain.Platform { return domain.PlatformX }

// Health carries the search endpoint's own rate limit (X counts each
// endpoint apart).
func (s *search) Health() connectors.Health { return s.h.Get() }
func (s *search) Send(context.Context, connectors.Message) (connectors.SendResult, error) {
	return connectors.SendResult{}, connectors.ErrStreamSend
}

// ErrNoSearch marks a plan that does not include recent search.
var ErrNoSearch = errors.New("the X API plan of this account does not include recent search (GET /2/tweets/search/recent); the stream is not searched on X")

// Fetch walks the search results newer than the stored since_id, at most
// maxPages pages per call; a first run takes the newest page only.
func (s *search) Fetch(ctx context.Context, cur string) (connectors.Page, error) {
	pos, err := parseCursor(cur)
	if err != nil {
		return connectors.Page{}, err
	}
	var items []domain.Mention
	seen := map[string]bool{}
	for range maxPages {
		q := url.Values{}
		q.Set("query", s.query)
		q.Set("max_results", strconv.Itoa(max(10, s.c.pageSize)))
		q.Set("expansions", "author_id")
		q.Set("tweet.fields", tweetFields)
		q.Set("user.fields", userFields)
		if pos.Since != "" {
			q.Set("since_id", pos.Since)
		}
		if pos.Next != "" {
			q.Set("next_token", pos.Next)
		}
		hdr, body, err := s.c.call(ctx, http.MethodGet, "/2/tweets/search/recent?"+q.Encode(), nil, http.StatusOK)
		if err != nil {
			var pe *platformError
			if errors.As(err, &pe) && pe.status == http.StatusForbidden {
				return connectors.Page{}, fmt.Errorf("x: %w: %w (%s)", connectors.ErrPermanent, ErrNoSearch, pe.msg)
			}
			return connectors.Page{}, err
		}
		s.h.Seen(connectors.RateLimitFromHeaders(hdr, connectors.StyleX, s.c.now()))
		page, err := DecodeMentions(body, s.c.now())
		if err != nil {
			return connectors.Page{}, err
		}
		for _, m := range page.Items {
			if pos.Since != "" && !idLess(pos.Since, m.NativeID) || seen[m.NativeID] {
				continue
			}
			seen[m.NativeID] = true
			m.Connector, m.Stream = s.Name(), s.q.Name
			items = append(items, m)
		}
		if pos.Next == "" {
			pos.Top = page.NewestID
		}
		if page.NextToken == "" || cur == "" {
			if pos.Top != "" {
				pos.Since = pos.Top
			}
			pos.Next, pos.Top = "", ""
			s.h.OK(s.c.now())
			return connectors.Page{Items: items, Cursor: pos.String()}, nil
		}
		pos.Next = page.NextToken
	}
	s.h.OK(s.c.now())
	return connectors.Page{Items: items, Cursor: pos.String(), More: true}, nil
}

var _ connectors.StreamSearcher = (*Connector)(nil)
