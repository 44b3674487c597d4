// Package mastodon connects switchboard to a Mastodon-compatible server
// (Mastodon, GoToSocial, …): mentions come from the notifications API,
// polled with min_id; private replies are direct-visibility statuses.
// Every id is an opaque string (GoToSocial's are ULIDs). It is a small
// client on net/http: every request is bounded by its context and a body
// limit, and rate-limit headers stay visible.
package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/safetext"
)

// Settings are the platform fields of a `type: mastodon` config entry.
type Settings struct {
	Server    string `yaml:"server"`
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// Limit is the page size (1–80, default 40).
	Limit int `yaml:"limit"`
	// Live turns on the streaming API: mentions arrive as they are
	// posted, and the schedule only back-fills.
	Live bool `yaml:"live"`
}

// MaxBody bounds a response body.
const MaxBody = 4 << 20

// Factory builds a connector from a config entry; it is the
// connectors.Factory for type "mastodon".
func Factory(spec connectors.Spec) (connectors.Connector, error) {
	var s Settings
	if spec.Decode != nil {
		if err := spec.Decode(&s); err != nil {
			return nil, err
		}
	}
	if s.Server == "" {
		return nil, fmt.Errorf("connector %s: server is missing (e.g. server: https://social.example)", spec.Name)
	}
	u, err := url.Parse(s.Server)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("connector %s: server %q is not an http(s) URL", spec.Name, s.Server)
	}
	if s.Limit < 0 || s.Limit > 80 {
		return nil, fmt.Errorf("connector %s: limit %d is not between 1 and 80", spec.Name, s.Limit)
	}
	token, err := spec.Secret("token", s.TokenEnv, s.TokenFile)
	if err != nil {
		return nil, err
	}
	c := New(spec.Name, s.Server, token, spec.Client())
	if s.Limit > 0 {
		c.limit = s.Limit
	}
	c.live = s.Live
	return c, nil
}

// Connector is one account on one server. Safe for concurrent use.
type Connector struct {
	name   string
	base   *url.URL
	host   string
	token  string
	hc     *http.Client
	limit  int
	now    func() time.Time
	mu     sync.Mutex
	rl     connectors.RateLimit
	last   time.Time
	limits *Limits
	// live: Stream connects (config `live: true`); follow is what the
	// hashtag streams follow.
	live   bool
	follow connectors.Follow
}

// New returns a connector for server with a bearer token.
func New(name, server, token string, hc *http.Client) *Connector {
	u, _ := url.Parse(strings.TrimRight(server, "/"))
	if u == nil {
		u = &url.URL{}
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Connector{name: name, base: u, host: u.Hostname(), token: token, hc: hc, limit: 40, now: time.Now}
}

// Name implements connectors.Connector.
func (c *Connector) Name() string { return c.name }

// Platform implements connectors.Connector.
func (c *Connector) Platform() domain.Platform { return domain.PlatformMastodon }

// Health implements connectors.Connector: the last rate-limit headers seen.
func (c *Connector) Health() connectors.Health {
	c.mu.Lock()
	defer c.mu.Unlock()
	return connectors.Health{State: connectors.HealthUnknown, LastSuccess: c.last, RateLimit: c.rl}
}

// PlainText turns a status's HTML content into plain text (see
// connectors.HTMLText).
func PlainText(s string) string { return connectors.HTMLText(s) }

// Wire types: the parts of the documented entities switchboard reads.
type account struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	Acct        string `json:"acct"`
	DisplayName string `json:"display_name"`
	Followers   int64  `json:"followers_count"`
	Fields      []struct {
		VerifiedAt *string `json:"verified_at"`
	} `json:"fields"`
}

type status struct {
	ID          string  `json:"id"`
	URI         string  `json:"uri"`
	URL         *string `json:"url"`
	CreatedAt   string  `json:"created_at"`
	InReplyTo   *string `json:"in_reply_to_id"`
	Visibility  string  `json:"visibility"`
	Language    *string `json:"language"`
	SpoilerText string  `json:"spoiler_text"`
	Content     string  `json:"content"`
	Account     account `json:"account"`
}

// notification leaves out its account: the status carries the same one.
type notification struct {
	ID     string  `json:"id"`
	Type   string  `json:"type"`
	Status *status `json:"status"`
}

// DecodeNotifications turns a notifications response body into mentions
// (notifications that are not mentions, or have no status, are skipped)
// and returns the newest notification id. host completes local accounts'
// handles. Errors wrap connectors.ErrBadPayload.
func DecodeNotifications(body []byte, host string) ([]domain.Mention, string, error) {
	ms, newest, _, err := decodeNotifications(body, host)
	return ms, newest, err
}

// decodeNotifications also returns how many notifications the body held.
func decodeNotifications(body []byte, host string) ([]domain.Mention, string, int, error) {
	var ns []notification
	if err := json.Unmarshal(body, &ns); err != nil {
		return nil, "", 0, fmt.Errorf("%w: notifications: %v", connectors.ErrBadPayload, err)
	}
	out := make([]domain.Mention, 0, len(ns))
	newest := ""
	for i, n := range ns {
		if n.ID == "" {
			return nil, "", 0, fmt.Errorf("%w: notification %d has no id", connectors.ErrBadPayload, i)
		}
		if i == 0 {
			newest = n.ID // the server sorts newest first
		}
		if n.Type != "mention" || n.Status == nil {
			continue
		}
		m, err := statusMention(n.Status, host)
		if err != nil {
			return nil, "", 0, err
		}
		out = append(out, m)
	}
	return out, newest, len(ns), nil
}

func statusMention(s *status, host string) (domain.Mention, error) {
	if s.ID == "" || s.Account.Acct == "" && s.Account.Username == "" {
		return domain.Mention{}, fmt.Errorf("%w: status without id or account", connectors.ErrBadPayload)
	}
	created, err := time.Parse(time.RFC3339Nano, s.CreatedAt)
	if err != nil {
		return domain.Mention{}, fmt.Errorf("%w: status %s: created_at %q", connectors.ErrBadPayload, safetext.Truncate(s.ID, 40, "…"), safetext.Truncate(s.CreatedAt, 40, "…"))
	}
	m := domain.Mention{
		Platform:  domain.PlatformMastodon,
		NativeID:  s.ID,
		Kind:      domain.KindMention,
		Author:    author(s.Account, host),
		Text:      PlainText(s.Content),
		CreatedAt: created.UTC(),
		URL:       s.URI,
	}
	if s.URL != nil && *s.URL != "" {
		m.URL = *s.URL
	}
	if s.SpoilerText != "" {
		m.Text = "CW: " + s.SpoilerText + "\n\n" + m.Text
	}
	if s.Language != nil {
		m.Lang = *s.Language
	}
	if s.InReplyTo != nil && *s.InReplyTo != "" {
		m.InReplyTo = *s.InReplyTo
		m.Kind = domain.KindReply
	}
	if s.Visibility == "direct" {
		m.Kind = domain.KindDM
	}
	return m, nil
}

func author(a account, host string) domain.Author {
	acct := a.Acct
	if acct == "" {
		acct = a.Username
	}
	if !strings.Contains(acct, "@") && host != "" {
		acct += "@" + host
	}
	out := domain.Author{ID: a.ID, Handle: "@" + acct, Name: a.DisplayName, Followers: a.Followers}
	for _, f := range a.Fields {
		if f.VerifiedAt != nil {
			out.Verified = true // a profile link the server verified
		}
	}
	return out
}

// Fetch implements connectors.Connector. With no cursor it reads the
// newest page only; otherwise the page of mentions immediately newer than
// the cursor (min_id), with More set when the page was full.
func (c *Connector) Fetch(ctx context.Context, cursor string) (connectors.Page, error) {
	q := url.Values{}
	q.Set("types[]", "mention")
	q.Set("limit", strconv.Itoa(c.limit))
	if cursor != "" {
		q.Set("min_id", cursor)
	}
	body, hdr, err := c.do(ctx, http.MethodGet, "/api/v1/notifications?"+q.Encode(), nil, nil)
	if err != nil {
		return connectors.Page{}, err
	}
	items, newest, n, err := decodeNotifications(body, c.host)
	if err != nil {
		return connectors.Page{}, err
	}
	next := cursor
	// The Link header's "prev" page starts after the newest item; its
	// min_id is the cursor. Without it, the newest id in the body.
	if id := linkParam(hdr.Get("Link"), "prev", "min_id"); id != "" && n > 0 {
		next = id
	} else if newest != "" {
		next = newest
	}
	return connectors.Page{Items: items, Cursor: next, More: cursor != "" && n >= c.limit}, nil
}

var linkRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<([^>]*)>\s*;\s*rel="?([a-z]+)"?`) })

// linkParam reads a query parameter from the Link header entry with rel.
func linkParam(link, rel, param string) string {
	for _, m := range linkRE().FindAllStringSubmatch(link, -1) {
		if m[2] != rel {
			continue
		}
		u, err := url.Parse(m[1])
		if err != nil {
			return ""
		}
		return u.Query().Get(param)
	}
	return ""
}

// Limits are a server's limits on statuses.
type Limits struct {
	MaxCharacters         int
	CharactersReservedURL int
}

// Limits reads (once) the server's limits from /api/v2/instance, falling
// back to Mastodon's defaults (500, 23) when the server does not say.
func (c *Connector) Limits(ctx context.Context) (Limits, error) {
	c.mu.Lock()
	if c.limits != nil {
		l := *c.limits
		c.mu.Unlock()
		return l, nil
	}
	c.mu.Unlock()
	body, _, err := c.do(ctx, http.MethodGet, "/api/v2/instance", nil, nil)
	if err != nil {
		return Limits{}, err
	}
	l, err := DecodeInstance(body)
	if err != nil {
		return Limits{}, err
	}
	c.mu.Lock()
	c.limits = &l
	c.mu.Unlock()
	return l, nil
}

// maxInstanceChars is the largest status limit believed from a server.
const maxInstanceChars = 1_000_000

// DecodeInstance reads the status limits from an /api/v2/instance body.
func DecodeInstance(body []byte) (Limits, error) {
	var inst struct {
		Configuration struct {
			Statuses struct {
				MaxCharacters         int `json:"max_characters"`
				CharactersReservedURL int `json:"characters_reserved_per_url"`
			} `json:"statuses"`
		} `json:"configuration"`
	}
	if err := json.Unmarshal(body, &inst); err != nil {
		return Limits{}, fmt.Errorf("%w: instance: %v", connectors.ErrBadPayload, err)
	}
	l := Limits{MaxCharacters: inst.Configuration.Statuses.MaxCharacters, CharactersReservedURL: inst.Configuration.Statuses.CharactersReservedURL}
	// Missing or absurd figures (a hostile or broken server) fall back to
	// Mastodon's defaults, which hold a post to the stricter limit.
	if l.MaxCharacters <= 0 || l.MaxCharacters > maxInstanceChars {
		l.MaxCharacters = 500
	}
	if l.CharactersReservedURL <= 0 || l.CharactersReservedURL > l.MaxCharacters {
		l.CharactersReservedURL = min(23, l.MaxCharacters)
	}
	return l, nil
}

var urlRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`https?://[^\s]+`) })
var remoteMentionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(@[A-Za-z0-9_]+)@[A-Za-z0-9.\-]+[A-Za-z0-9]`) })

// Length counts text the way Mastodon does: every URL counts as
// reservedURL characters and a remote mention counts only its local part.
func Length(text string, reservedURL int) int {
	n := 0
	rest := urlRE().ReplaceAllStringFunc(text, func(string) string { n += reservedURL; return "" })
	rest = remoteMentionRE().ReplaceAllString(rest, "$1")
	return n + utf8.RuneCountInString(rest)
}

// Send implements connectors.Connector: a reply to msg.InReplyTo that
// mentions its author; visibility direct for a private message; a public
// status answering no one for msg.Post. The
// idempotency key goes in the Idempotency-Key header, so a retried send
// within the server's window does not post twice.
func (c *Connector) Send(ctx context.Context, msg connectors.Message) (connectors.SendResult, error) {
	to := msg.InReplyTo
	if msg.Post {
		// a status on the account itself: no in_reply_to_id, no mention
		if msg.Visibility != domain.VisibilityPublic {
			return connectors.SendResult{}, fmt.Errorf("mastodon: %w", connectors.ErrPostPrivate)
		}
		to = domain.Mention{}
	}
	if to.Platform != "" && to.Platform != domain.PlatformMastodon {
		return connectors.SendResult{}, fmt.Errorf("mastodon: %w: cannot answer a %s mention", connectors.ErrPermanent, to.Platform)
	}
	text := strings.TrimSpace(msg.Text)
	if text == "" {
		return connectors.SendResult{}, fmt.Errorf("mastodon: %w: empty message", connectors.ErrPermanent)
	}
	if h := to.Author.Handle; h != "" && !strings.Contains(strings.ToLower(text), strings.ToLower(h)) {
		text = h + " " + text
	}
	if lim, err := c.Limits(ctx); err == nil {
		if n := Length(text, lim.CharactersReservedURL); n > lim.MaxCharacters {
			return connectors.SendResult{}, fmt.Errorf("mastodon: %w: %d characters, the server allows %d", connectors.ErrPermanent, n, lim.MaxCharacters)
		}
	} else if errors.Is(err, connectors.ErrAuth) || errors.Is(err, connectors.ErrRateLimited) {
		return connectors.SendResult{}, err
	}
	form := url.Values{}
	form.Set("status", text)
	vis := "public"
	if msg.Visibility == domain.VisibilityPrivate {
		vis = "direct"
	}
	form.Set("visibility", vis)
	if to.NativeID != "" {
		form.Set("in_reply_to_id", to.NativeID)
	}
	if to.Lang != "" {
		form.Set("language", to.Lang)
	}
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if msg.IdempotencyKey != "" {
		hdr.Set("Idempotency-Key", msg.IdempotencyKey)
	}
	body, _, err := c.do(ctx, http.MethodPost, "/api/v1/statuses", strings.NewReader(form.Encode()), hdr)
	if err != nil {
		return connectors.SendResult{}, err
	}
	var st status
	if err := json.Unmarshal(body, &st); err != nil || st.ID == "" {
		// The server accepted the post but said something we cannot read:
		// the status exists; report a payload error so the outbox marks
		// the send unknown rather than failed.
		return connectors.SendResult{}, fmt.Errorf("mastodon: %w: status response", connectors.ErrBadPayload)
	}
	res := connectors.SendResult{RemoteID: st.ID, URL: st.URI}
	if st.URL != nil && *st.URL != "" {
		res.URL = *st.URL
	}
	return res, nil
}

// do performs one request and maps failures to the connectors error kinds.
func (c *Connector) do(ctx context.Context, method, path string, body io.Reader, hdr http.Header) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return nil, nil, fmt.Errorf("mastodon: %w: %v", connectors.ErrPermanent, err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "switchboard")
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("mastodon: %w: %w", connectors.ErrUnavailable, ctx.Err())
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is known to the operator already
		}
		return nil, nil, fmt.Errorf("mastodon %s: %w: %v", c.host, connectors.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	now := c.now()
	if rl, ok := connectors.RateLimitFromHeaders(resp.Header, connectors.StyleMastodon, now); ok {
		c.mu.Lock()
		c.rl = rl
		c.mu.Unlock()
	}
	b, err := connectors.ReadBody(resp.Body, MaxBody)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("mastodon: %w: %w", connectors.ErrUnavailable, ctx.Err())
		}
		return nil, nil, fmt.Errorf("mastodon %s: %w", c.host, err)
	}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		c.mu.Lock()
		c.last = now
		c.mu.Unlock()
		return b, resp.Header, nil
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return nil, nil, fmt.Errorf("mastodon %s: %w (HTTP %d: %s)", c.host, connectors.ErrAuth, code, serverError(b))
	case code == http.StatusTooManyRequests:
		rl, _ := connectors.RateLimitFromHeaders(resp.Header, connectors.StyleMastodon, now)
		return nil, nil, &connectors.RateLimitError{Reset: rl.Reset, Msg: "mastodon " + c.host}
	case code == http.StatusNotFound:
		return nil, nil, fmt.Errorf("mastodon %s: %w: %w (HTTP %d: %s)", c.host, connectors.ErrPermanent, errNotFound, code, serverError(b))
	case code >= 500 || code == http.StatusRequestTimeout:
		return nil, nil, fmt.Errorf("mastodon %s: %w (HTTP %d)", c.host, connectors.ErrUnavailable, code)
	default:
		return nil, nil, fmt.Errorf("mastodon %s: %w (HTTP %d: %s)", c.host, connectors.ErrPermanent, code, serverError(b))
	}
}

// errNotFound marks an HTTP 404: the status (or account) is not there.
var errNotFound = errors.New("not found")

// serverError is the server's {"error": …} message, made safe and short.
func serverError(b []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(b, &e) != nil || e.Error == "" {
		return "no message"
	}
	return safetext.Truncate(e.Error, 120, "…")
}

var _ connectors.Connector = (*Connector)(nil)
