package connectors

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"switchboard/domain"
)

// StreamQuery is what one keyword stream (config streams:) follows on
// one platform account.
type StreamQuery struct {
	// Name is the stream's name; every item found carries it
	// (Mention.Stream).
	Name string
	// Terms are words and phrases; Hashtags are tags without "#".
	Terms    []string
	Hashtags []string
	// Lang, when set, keeps posts in that language (where the platform
	// can filter by it).
	Lang string
}

// StreamSearcher is a connector that can search its platform for a
// keyword stream. StreamSearch returns a connector of its own, named
// StreamName(q.Name, the account's name), whose Fetch runs the search
// from its own cursor (newest page only on the first run, then
// everything newer, page by page), obeys the platform's rate-limit
// headers, sets Mention.Stream on every item and cannot send.
type StreamSearcher interface {
	StreamSearch(q StreamQuery) Connector
}

// StreamName names the connector that searches one account for one
// stream: "brand@mastodon-main". Connector names never hold "@".
func StreamName(stream, connector string) string { return stream + "@" + connector }

// SplitStreamName is the inverse of StreamName (ok false for a plain
// connector name).
func SplitStreamName(name string) (stream, connector string, ok bool) {
	return strings.Cut(name, "@")
}

// ErrStreamSend is what a stream connector's Send answers.
var ErrStreamSend = fmt.Errorf("%w: a stream search does not send; reply through the account's connector", ErrPermanent)

// SearchCursor is the position of a stream search with several sources
// (one per term or tag): a cursor string per source, kept as one
// connector cursor.
type SearchCursor map[string]string

// ParseSearchCursor reads a cursor written by SearchCursor.String.
func ParseSearchCursor(s string) (SearchCursor, error) {
	out := SearchCursor{}
	if s == "" {
		return out, nil
	}
	v, err := url.ParseQuery(s)
	if err != nil || len(s) > 64<<10 {
		return nil, fmt.Errorf("%w: stream cursor is not one switchboard wrote", ErrBadPayload)
	}
	for k := range v {
		out[k] = v.Get(k)
	}
	return out, nil
}

// String encodes the cursor (sources in a stable order).
func (c SearchCursor) String() string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	v := url.Values{}
	for _, k := range keys {
		if c[k] != "" {
			v.Set(k, c[k])
		}
	}
	return v.Encode()
}

// SearchHealth keeps a stream connector's own rate-limit state and last
// success, for Health.
type SearchHealth struct {
	mu   sync.Mutex
	rl   RateLimit
	last time.Time
}

// Seen records a response's rate-limit headers (ok from
// RateLimitFromHeaders).
func (h *SearchHealth) Seen(rl RateLimit, ok bool) {
	if !ok {
		return
	}
	h.mu.Lock()
	h.rl = rl
	h.mu.Unlock()
}

// OK records a successful fetch at now.
func (h *SearchHealth) OK(now time.Time) {
	h.mu.Lock()
	h.last = now
	h.mu.Unlock()
}

// Get is the state for Connector.Health.
func (h *SearchHealth) Get() Health {
	h.mu.Lock()
	defer h.mu.Unlock()
	return Health{State: HealthUnknown, LastSuccess: h.last, RateLimit: h.rl}
}

// TagStream sets the stream's name on every item.
func TagStream(items []domain.Mention, stream string) {
	for i := range items {
		items[i].Stream = stream
	}
}

// AccountSearcher is a connector that can search its platform's accounts
// by name or handle: the look-alike watch asks it for the brand's names.
type AccountSearcher interface {
	SearchAccounts(ctx context.Context, q string) ([]domain.Author, error)
}
