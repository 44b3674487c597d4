package reddit

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"switchboard/connectors"
	"switchboard/domain"
)

// StreamSearch implements connectors.StreamSearcher with Reddit's
// site-wide search (GET /search, sort=new, type=link): the stream's terms
// and hashtags as quoted words joined with OR, walked newest first down
// to the stored mark like the account's listings. The subreddit search of
// the connector's own keywords: setting stays as it is.
func (c *Connector) StreamSearch(q connectors.StreamQuery) connectors.Connector {
	var words []string
	for _, t := range append(append([]string(nil), q.Terms...), q.Hashtags...) {
		if t = strings.TrimSpace(strings.ReplaceAll(t, `"`, "")); t != "" {
			words = append(words, `"`+t+`"`)
		}
	}
	return &search{c: c, q: q, params: url.Values{"q": {strings.Join(words, " OR ")}, "sort": {"new"}, "type": {"link"}}}
}

type search struct {
	c      *Connector
	q      connectors.StreamQuery
	params url.Values
}

func (s *search) Name() string              { return connectors.StreamName(s.q.Name, s.c.name) }
func (s *search) Platform() domain.Platform { return domain.PlatformReddit }

// Health is the account's: Reddit's budget is per OAuth client.
func (s *search) Health() connectors.Health { return s.c.health.Get() }
func (s *search) Send(context.Context, connectors.Message) (connectors.SendResult, error) {
	return connectors.SendResult{}, connectors.ErrStreamSend
}

func (s *search) Fetch(ctx context.Context, cur string) (connectors.Page, error) {
	st := &stream{}
	if cur != "" {
		if err := json.Unmarshal([]byte(cur), st); err != nil {
			return connectors.Page{}, fmt.Errorf("%w: reddit stream cursor", connectors.ErrBadPayload)
		}
	}
	var items []domain.Mention
	seen := map[string]bool{}
	done, err := s.c.walk(ctx, "/search", s.params, st, cur == "", func(m domain.Mention) {
		if seen[m.NativeID] || !langOK(m.Lang, s.q.Lang) {
			return
		}
		seen[m.NativeID] = true
		m.Connector, m.Stream = s.Name(), s.q.Name
		items = append(items, m)
	})
	if err != nil {
		return connectors.Page{}, s.c.fail(err)
	}
	b, _ := json.Marshal(st)
	s.c.ok()
	return connectors.Page{Items: items, Cursor: string(b), More: !done}, nil
}

func langOK(have, want string) bool {
	return want == "" || have == "" || strings.EqualFold(have, want) || strings.HasPrefix(strings.ToLower(have), strings.ToLower(want)+"-")
}

var _ connectors.StreamSearcher = (*Connector)(nil)
