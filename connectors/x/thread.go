package x

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

// A conversation is read with a v2 recent search on conversation_id:ID
// (the posts of the last seven days that belong to it), with the posts
// they reference expanded; ancestors older than that, or that the search
// does not reach, are looked up by id (GET /2/tweets) one level at a time.
const (
	threadExpansions = "author_id,referenced_tweets.id,referenced_tweets.id.author_id"
	threadPages      = 5  // search pages of 100 read per thread
	threadLookups    = 10 // ancestor lookups by id per thread
)

// wireConversation is a search or lookup answer: posts, the posts and
// users they reference, and the problems beside them.
type wireConversation struct {
	Data     []wireTweet `json:"data"`
	Includes struct {
		Users  []wireUser  `json:"users"`
		Tweets []wireTweet `json:"tweets"`
	} `json:"includes"`
	Meta struct {
		NextToken   string `json:"next_token"`
		ResultCount int    `json:"result_count"`
	} `json:"meta"`
	Errors []struct {
		Title        string `json:"title"`
		Type         string `json:"type"`
		ResourceType string `json:"resource_type"`
		ResourceID   string `json:"resource_id"`
		Value        string `json:"value"`
	} `json:"errors"`
}

// DecodeConversation decodes one recent-search (or posts lookup) answer
// into mentions — the posts and the posts they reference (replied to,
// quoted) — the ids X says it cannot find or show (deleted, or
// protected), and the next page's token. Errors wrap
// connectors.ErrBadPayload.
func DecodeConversation(body []byte, fetched time.Time) (items []domain.Mention, missing []string, next string, err error) {
	var w wireConversation
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, nil, "", fmt.Errorf("%w: x conversation: %v", connectors.ErrBadPayload, err)
	}
	bad := func(format string, a ...any) ([]domain.Mention, []string, string, error) {
		return nil, nil, "", fmt.Errorf("%w: x conversation: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	if len(w.Data) > maxItems || len(w.Includes.Users) > maxItems || len(w.Includes.Tweets) > maxItems {
		return bad("more items than a page holds")
	}
	if len(w.Meta.NextToken) > maxTokenBytes || !printableASCII(w.Meta.NextToken) {
		return bad("meta.next_token is not a pagination token")
	}
	users := make(map[string]wireUser, len(w.Includes.Users))
	for i, u := range w.Includes.Users {
		if !isID(u.ID) || u.Username == "" || len(u.Username) > maxHandleBytes || len(u.Name) > maxNameBytes ||
			(u.PublicMetrics != nil && u.PublicMetrics.Followers < 0) {
			return bad("user %d is not a valid user", i)
		}
		users[u.ID] = u
	}
	seen := map[string]bool{}
	for _, list := range [][]wireTweet{w.Data, w.Includes.Tweets} {
		for i, t := range list {
			m, err := decodeTweet(i, t, users, fetched)
			if err != nil {
				return bad("%v", err)
			}
			if m.Author.Handle == "" || seen[m.NativeID] {
				continue // a post whose author X left out cannot be shown; one post once
			}
			seen[m.NativeID] = true
			items = append(items, m)
		}
	}
	for _, e := range w.Errors {
		id := e.ResourceID
		if id == "" {
			id = e.Value
		}
		if (e.ResourceType == "tweet" || e.ResourceType == "post") && isID(id) && !seen[id] {
			missing = append(missing, id)
		}
	}
	return items, missing, w.Meta.NextToken, nil
}

// FetchThread implements connectors.ThreadFetcher: the conversation's
// posts from a recent search on conversation_id:ID, then the ancestors the
// search did not bring, looked up by id. Posts X cannot find or show are
// reported missing.
func (c *Connector) FetchThread(ctx context.Context, m domain.Mention) (connectors.Thread, error) {
	if m.Platform != domain.PlatformX || m.Kind == domain.KindDM || !isID(m.NativeID) {
		return connectors.Thread{}, nil
	}
	have := map[string]domain.Mention{}
	var order []string
	missing := map[string]bool{}
	add := func(items []domain.Mention, gone []string) {
		for _, it := range items {
			if _, ok := have[it.NativeID]; !ok {
				order = append(order, it.NativeID)
			}
			it.Connector = c.name
			have[it.NativeID] = it
		}
		for _, id := range gone {
			missing[id] = true
		}
	}
	conv := m.Thread
	if !isID(conv) {
		// no conversation id (an imported mention): the post says it
		items, gone, err := c.lookup(ctx, []string{m.NativeID})
		if err != nil {
			return connectors.Thread{}, c.fail(err)
		}
		add(items, gone)
		if p, ok := have[m.NativeID]; ok {
			conv = p.Thread
		}
	}
	if isID(conv) {
		next := ""
		for range threadPages {
			q := url.Values{}
			q.Set("query", "conversation_id:"+conv)
			q.Set("max_results", "100")
			q.Set("expansions", threadExpansions)
			q.Set("tweet.fields", tweetFields)
			q.Set("user.fields", userFields)
			if next != "" {
				q.Set("next_token", next)
			}
			_, body, err := c.call(ctx, http.MethodGet, "/2/tweets/search/recent?"+q.Encode(), nil, http.StatusOK)
			if err != nil {
				return connectors.Thread{}, c.fail(err)
			}
			items, gone, tok, err := DecodeConversation(body, c.now())
			if err != nil {
				return connectors.Thread{}, c.fail(err)
			}
			add(items, gone)
			if next = tok; next == "" {
				break
			}
		}
	}
	// walk up from the mention; look up the first ancestor not yet had
	for range threadLookups {
		id, seen := m.InReplyTo, map[string]bool{m.NativeID: true}
		for id != "" && !seen[id] && !missing[id] {
			p, ok := have[id]
			if !ok {
				break
			}
			seen[id] = true
			id = p.InReplyTo
		}
		if id == "" || seen[id] || missing[id] {
			break
		}
		items, gone, err := c.lookup(ctx, []string{id})
		if err != nil {
			return connectors.Thread{}, c.fail(err)
		}
		if _, ok := have[id]; !ok && len(gone) == 0 {
			gone = []string{id} // neither there nor said to be gone: it cannot be had
		}
		add(items, gone)
	}
	out := connectors.Thread{}
	for _, id := range order {
		if it := have[id]; !isID(conv) || it.Thread == conv || it.Thread == "" {
			out.Items = append(out.Items, it) // a quoted post of another conversation is not
		}
	}
	for id := range missing {
		if _, ok := have[id]; !ok {
			out.Missing = append(out.Missing, id)
		}
	}
	c.ok(nil)
	return out, nil
}

// lookup reads posts by id (GET /2/tweets), with what they reference.
func (c *Connector) lookup(ctx context.Context, ids []string) ([]domain.Mention, []string, error) {
	q := url.Values{}
	q.Set("ids", strings.Join(ids, ","))
	q.Set("expansions", threadExpansions)
	q.Set("tweet.fields", tweetFields)
	q.Set("user.fields", userFields)
	_, body, err := c.call(ctx, http.MethodGet, "/2/tweets?"+q.Encode(), nil, http.StatusOK)
	if err != nil {
		return nil, nil, err
	}
	items, gone, _, err := DecodeConversation(body, c.now())
	return items, gone, err
}

var _ connectors.ThreadFetcher = (*Connector)(nil)
