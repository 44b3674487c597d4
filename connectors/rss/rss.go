// Package rss turns news and alert feeds (RSS, Atom, JSON Feed, through
// github.com/mmcdole/gofeed) into mentions of kind news. Entries are keyed
// by guid, else by their (unwrapped) link; Google Alerts' redirect links
// are unwrapped to the real article. The cursor holds only the HTTP
// validators (ETag, Last-Modified), so an unchanged feed costs a 304; the
// store drops entries it has seen.
package rss

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"switchboard/connectors"
	"switchboard/domain"
)

// Settings are the platform fields of a `type: rss` config entry.
type Settings struct {
	URL string `yaml:"url"`
	// Lang is the entries' language when the feed does not say (e.g. "nl").
	Lang string `yaml:"lang"`
}

// MaxBody bounds a feed's size; MaxItems the entries taken from one feed.
const (
	MaxBody  = 4 << 20
	MaxItems = 500
)

// Factory is the connectors.Factory for type "rss".
func Factory(spec connectors.Spec) (connectors.Connector, error) {
	var s Settings
	if spec.Decode != nil {
		if err := spec.Decode(&s); err != nil {
			return nil, err
		}
	}
	u, err := url.Parse(s.URL)
	if s.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("connector %s: url %q is not an http(s) feed address", spec.Name, s.URL)
	}
	c := New(spec.Name, s.URL, spec.Client())
	c.lang = s.Lang
	return c, nil
}

// Connector reads one feed. Safe for concurrent use.
type Connector struct {
	name string
	url  string
	lang string
	hc   *http.Client
	now  func() time.Time
	mu   sync.Mutex
	last time.Time
}

// New returns a connector for the feed at feedURL.
func New(name, feedURL string, hc *http.Client) *Connector {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Connector{name: name, url: feedURL, hc: hc, now: time.Now}
}

// Name implements connectors.Connector.
func (c *Connector) Name() string { return c.name }

// Platform implements connectors.Connector.
func (c *Connector) Platform() domain.Platform { return domain.PlatformNews }

// Health implements connectors.Connector.
func (c *Connector) Health() connectors.Health {
	c.mu.Lock()
	defer c.mu.Unlock()
	return connectors.Health{State: connectors.HealthUnknown, LastSuccess: c.last}
}

// Send implements connectors.Connector: a feed cannot be answered.
func (c *Connector) Send(context.Context, connectors.Message) (connectors.SendResult, error) {
	return connectors.SendResult{}, fmt.Errorf("rss: %w: news articles cannot be answered from here", connectors.ErrPermanent)
}

// cursor is the HTTP validators of the last full fetch.
type cursor struct {
	ETag     string `json:"etag,omitempty"`
	Modified string `json:"modified,omitempty"`
}

// Fetch implements connectors.Connector.
func (c *Connector) Fetch(ctx context.Context, cur string) (connectors.Page, error) {
	var v cursor
	if cur != "" {
		_ = json.Unmarshal([]byte(cur), &v) // a bad cursor only costs a full fetch
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return connectors.Page{}, fmt.Errorf("rss: %w: %v", connectors.ErrPermanent, err)
	}
	req.Header.Set("User-Agent", "switchboard")
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.Modified != "" {
		req.Header.Set("If-Modified-Since", v.Modified)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return connectors.Page{}, fmt.Errorf("rss: %w: %w", connectors.ErrUnavailable, ctx.Err())
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return connectors.Page{}, fmt.Errorf("rss %s: %w: %v", req.URL.Host, connectors.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	now := c.now()
	host := req.URL.Host
	switch code := resp.StatusCode; {
	case code == http.StatusNotModified:
		c.ok(now)
		return connectors.Page{Cursor: cur}, nil
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return connectors.Page{}, fmt.Errorf("rss %s: %w (HTTP %d)", host, connectors.ErrAuth, code)
	case code == http.StatusTooManyRequests:
		reset, _ := connectors.ParseRetryAfter(resp.Header.Get("Retry-After"), now)
		return connectors.Page{}, &connectors.RateLimitError{Reset: reset, Msg: "rss " + host}
	case code >= 500 || code == http.StatusRequestTimeout:
		return connectors.Page{}, fmt.Errorf("rss %s: %w (HTTP %d)", host, connectors.ErrUnavailable, code)
	case code < 200 || code >= 300:
		return connectors.Page{}, fmt.Errorf("rss %s: %w (HTTP %d)", host, connectors.ErrPermanent, code)
	}
	body, err := connectors.ReadBody(resp.Body, MaxBody)
	if err != nil {
		if ctx.Err() != nil {
			return connectors.Page{}, fmt.Errorf("rss: %w: %w", connectors.ErrUnavailable, ctx.Err())
		}
		return connectors.Page{}, fmt.Errorf("rss %s: %w", host, err)
	}
	items, err := Decode(body, now, c.lang)
	if err != nil {
		return connectors.Page{}, err
	}
	next := cursor{ETag: resp.Header.Get("ETag"), Modified: resp.Header.Get("Last-Modified")}
	nc := ""
	if next != (cursor{}) {
		b, _ := json.Marshal(next)
		nc = string(b)
	}
	c.ok(now)
	return connectors.Page{Items: items, Cursor: nc}, nil
}

func (c *Connector) ok(t time.Time) {
	c.mu.Lock()
	c.last = t
	c.mu.Unlock()
}

// Decode parses a feed body into news mentions. now stands in for entries
// without a date; lang for a feed without a language. Errors wrap
// connectors.ErrBadPayload.
func Decode(body []byte, now time.Time, lang string) ([]domain.Mention, error) {
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: feed: %v", connectors.ErrBadPayload, err)
	}
	if feed.Language != "" {
		l, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(feed.Language)), "-")
		if len(l) >= 2 && len(l) <= 3 {
			lang = l
		}
	}
	out := make([]domain.Mention, 0, min(len(feed.Items), MaxItems))
	for _, it := range feed.Items {
		if len(out) == MaxItems {
			break
		}
		if it == nil {
			continue
		}
		m, ok := entry(feed, it, now, lang)
		if ok {
			out = append(out, m)
		}
	}
	return out, nil
}

func entry(feed *gofeed.Feed, it *gofeed.Item, now time.Time, lang string) (domain.Mention, bool) {
	link := strings.TrimSpace(it.Link)
	if link == "" && len(it.Links) > 0 {
		link = strings.TrimSpace(it.Links[0])
	}
	link = Unwrap(link)
	title := strings.TrimSpace(connectors.HTMLText(it.Title))
	summary := it.Description
	if summary == "" {
		summary = it.Content
	}
	summary = strings.TrimSpace(connectors.HTMLText(summary))
	id := strings.TrimSpace(it.GUID)
	if id == "" {
		id = link
	}
	if id == "" {
		if title == "" && summary == "" {
			return domain.Mention{}, false
		}
		h := sha256.Sum256([]byte(title + "\x00" + summary))
		id = "sha256:" + hex.EncodeToString(h[:12])
	}
	if len(id) > 500 {
		h := sha256.Sum256([]byte(id))
		id = "sha256:" + hex.EncodeToString(h[:12])
	}
	text := title
	if summary != "" && summary != title {
		if text != "" {
			text += "\n\n"
		}
		text += summary
	}
	m := domain.Mention{
		Platform:  domain.PlatformNews,
		Kind:      domain.KindNews,
		NativeID:  id,
		URL:       link,
		Text:      text,
		Lang:      lang,
		CreatedAt: now,
	}
	switch {
	case it.PublishedParsed != nil && !it.PublishedParsed.IsZero():
		m.CreatedAt = *it.PublishedParsed
	case it.UpdatedParsed != nil && !it.UpdatedParsed.IsZero():
		m.CreatedAt = *it.UpdatedParsed
	}
	if y := m.CreatedAt.Year(); y < 1971 || y > 2105 {
		m.CreatedAt = now
	}
	m.CreatedAt = m.CreatedAt.UTC()
	// The author is the outlet: the article's site, named by the entry's
	// author or the feed.
	outlet := ""
	if u, err := url.Parse(link); err == nil && u.Host != "" {
		outlet = strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	}
	name := ""
	if it.Author != nil {
		name = strings.TrimSpace(it.Author.Name)
	} else if len(it.Authors) > 0 && it.Authors[0] != nil {
		name = strings.TrimSpace(it.Authors[0].Name)
	}
	if name == "" && !isAlertFeed(feed) {
		name = strings.TrimSpace(feed.Title)
	}
	if outlet == "" {
		outlet = name
	}
	if outlet == "" {
		outlet = "news"
	}
	m.Author = domain.Author{Handle: outlet, Name: name}
	return m, true
}

func isAlertFeed(f *gofeed.Feed) bool { return strings.HasPrefix(f.Title, "Google Alert") }

// Unwrap returns the real article address behind a Google redirect link
// (https://www.google.com/url?...&url=REAL), or link unchanged.
func Unwrap(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Path != "/url" {
		return link
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if !strings.HasPrefix(host, "google.") {
		return link
	}
	q := u.Query()
	target := q.Get("url")
	if target == "" {
		target = q.Get("q")
	}
	t, err := url.Parse(target)
	if err != nil || (t.Scheme != "https" && t.Scheme != "http") || t.Host == "" {
		return link
	}
	return target
}

var _ connectors.Connector = (*Connector)(nil)
