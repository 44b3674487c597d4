// Package reddit is the connector for Reddit, as an OAuth2 "script" app:
// it takes a token with the account's password, reads the inbox (username
// mentions, comment and post replies, private messages) and optionally
// searches subreddits for keywords, and sends private messages and public
// replies.
package reddit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/safetext"
)

// Hosts Reddit serves the API and tokens from.
const (
	DefaultBaseURL = "https://oauth.reddit.com"
	DefaultAuthURL = "https://www.reddit.com"
)

const (
	maxPages       = 5
	maxSubject     = 100
	maxMessageText = 10000
	maxRecent      = 300
)

// Settings is the connector's part of its config entry.
type Settings struct {
	Username        string `yaml:"username"`
	PasswordEnv     string `yaml:"password_env"`
	PasswordFile    string `yaml:"password_file"`
	ClientIDEnv     string `yaml:"client_id_env"`
	ClientIDFile    string `yaml:"client_id_file"`
	ClientSecretEnv string `yaml:"client_secret_env"`
	ClientSecretFil string `yaml:"client_secret_file"`

	// The User-Agent is <platform>:<app_id>:<app_version> (by /u/<username>),
	// as Reddit's API rules ask.
	UserAgentPlatform string `yaml:"user_agent_platform"`
	AppID             string `yaml:"app_id"`
	AppVersion        string `yaml:"app_version"`

	// Subreddits and Keywords turn on a search of those subreddits for
	// posts with any of the keywords.
	Subreddits []string `yaml:"subreddits"`
	Keywords   []string `yaml:"keywords"`

	// DMSubject is the subject of a private message that starts a
	// conversation (default "Re: your comment").
	DMSubject string `yaml:"dm_subject"`

	BaseURL string `yaml:"base_url"` // API host (tests)
	AuthURL string `yaml:"auth_url"` // token host (tests)
}

// Connector is one Reddit account.
type Connector struct {
	name, username, password, clientID, clientSecret string
	userAgent, subject                               string
	base, auth                                       string
	search                                           url.Values // nil when no search
	searchPath                                       string
	pageSize                                         int
	http                                             *http.Client
	now                                              func() time.Time

	tokMu    sync.Mutex
	token    string
	tokenExp time.Time

	health connectors.HealthTracker
}

var _ connectors.Connector = (*Connector)(nil)

// FromSpec builds a Reddit connector from its config entry; it is a
// connectors.Factory.
func FromSpec(spec connectors.Spec) (connectors.Connector, error) {
	var s Settings
	if spec.Decode != nil {
		if err := spec.Decode(&s); err != nil {
			return nil, err // already names the connector and the line
		}
	}
	s.Username = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s.Username), "/u/"), "u/")
	if !userRE().MatchString(s.Username) {
		return nil, fmt.Errorf("connector %s: username must be the Reddit account name", spec.Name)
	}
	c := &Connector{name: spec.Name, username: s.Username, pageSize: 100, http: spec.Client(), now: time.Now}
	var err error
	for _, h := range []struct {
		dst  *string
		in   string
		def  string
		what string
	}{{&c.base, s.BaseURL, DefaultBaseURL, "base_url"}, {&c.auth, s.AuthURL, DefaultAuthURL, "auth_url"}} {
		v := strings.TrimRight(h.in, "/")
		if v == "" {
			v = h.def
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, fmt.Errorf("connector %s: %s %q is not an http(s) URL", spec.Name, h.what, h.in)
		}
		*h.dst = v
	}
	platform, app, version := orDefault(s.UserAgentPlatform, "server"), orDefault(s.AppID, "switchboard"), orDefault(s.AppVersion, "0.1")
	for _, p := range []string{platform, app, version} {
		if strings.ContainsAny(p, ": \t\r\n()") || !utf8.ValidString(p) || len(p) > 64 {
			return nil, fmt.Errorf("connector %s: user_agent_platform, app_id and app_version must be single words", spec.Name)
		}
	}
	c.userAgent = fmt.Sprintf("%s:%s:%s (by /u/%s)", platform, app, version, s.Username)
	c.subject = orDefault(s.DMSubject, "Re: your comment")
	if utf8.RuneCountInString(c.subject) > maxSubject {
		return nil, fmt.Errorf("connector %s: dm_subject is longer than %d characters", spec.Name, maxSubject)
	}
	if len(s.Subreddits) > 0 || len(s.Keywords) > 0 {
		if len(s.Subreddits) == 0 || len(s.Keywords) == 0 {
			return nil, fmt.Errorf("connector %s: a search needs both subreddits and keywords", spec.Name)
		}
		var subs, words []string
		for _, sub := range s.Subreddits {
			sub = strings.TrimPrefix(strings.TrimPrefix(sub, "/r/"), "r/")
			if !subRE().MatchString(sub) {
				return nil, fmt.Errorf("connector %s: %q is not a subreddit name", spec.Name, sub)
			}
			subs = append(subs, sub)
		}
		for _, k := range s.Keywords {
			k = strings.TrimSpace(strings.ReplaceAll(k, `"`, ""))
			if k == "" {
				continue
			}
			words = append(words, `"`+k+`"`)
		}
		if len(words) == 0 {
			return nil, fmt.Errorf("connector %s: keywords are empty", spec.Name)
		}
		c.searchPath = "/r/" + strings.Join(subs, "+") + "/search"
		c.search = url.Values{"q": {strings.Join(words, " OR ")}, "restrict_sr": {"1"}, "sort": {"new"}, "type": {"link"}}
	}
	if c.password, err = spec.Secret("password", s.PasswordEnv, s.PasswordFile); err != nil {
		return nil, err
	}
	if c.clientID, err = spec.Secret("client_id", s.ClientIDEnv, s.ClientIDFile); err != nil {
		return nil, err
	}
	if c.clientSecret, err = spec.Secret("client_secret", s.ClientSecretEnv, s.ClientSecretFil); err != nil {
		return nil, err
	}
	return c, nil
}

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s == "" {
		return def
	}
	return s
}

// Name implements connectors.Connector.
func (c *Connector) Name() string { return c.name }

// Platform implements connectors.Connector.
func (c *Connector) Platform() domain.Platform { return domain.PlatformReddit }

// Health implements connectors.Connector.
func (c *Connector) Health() connectors.Health {
	return c.health.Get()
}

// stream is one listing's position: Mark is the creation second of the
// newest item stored and IDs the fullnames stored at that second; during a
// walk down the listing, Next is the `after` fullname to continue from and
// Top/TopIDs the mark the walk ends with.
type stream struct {
	Mark   int64    `json:"m,omitempty"`
	IDs    []string `json:"i,omitempty"`
	Next   string   `json:"n,omitempty"`
	Top    int64    `json:"t,omitempty"`
	TopIDs []string `json:"ti,omitempty"`
}

// cursor holds every listing's stream and the fullnames most recently
// handed out, so that an item seen by two listings (a username mention is
// in both the inbox and the mentions listing) is returned once.
type cursor struct {
	Streams map[string]*stream `json:"s"`
	Recent  []string           `json:"r,omitempty"`
}

func parseCursor(s string) (cursor, error) {
	c := cursor{Streams: map[string]*stream{}}
	if s == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(s), &c); err != nil || c.Streams == nil {
		return cursor{}, fmt.Errorf("reddit cursor is not one this connector wrote")
	}
	for _, st := range c.Streams {
		if st == nil || (st.Next != "" && !fullnameRE().MatchString(st.Next)) {
			return cursor{}, fmt.Errorf("reddit cursor is not one this connector wrote")
		}
	}
	return c, nil
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// Fetch implements connectors.Connector: it walks each listing (mentions,
// inbox, and the search when configured) from the newest item down to
// that listing's mark, at most maxPages pages per listing per call.
func (c *Connector) Fetch(ctx context.Context, cur string) (connectors.Page, error) {
	pos, err := parseCursor(cur)
	if err != nil {
		return connectors.Page{}, c.fail(err)
	}
	type source struct{ key, path string }
	sources := []source{{"mentions", "/message/mentions"}, {"inbox", "/message/inbox"}}
	if c.search != nil {
		sources = append(sources, source{"search", c.searchPath})
	}
	var items []domain.Mention
	recent := pos.Recent
	more := false
	for _, src := range sources {
		st := pos.Streams[src.key]
		first := st == nil
		if first {
			st = &stream{}
		}
		var params url.Values
		if src.key == "search" {
			params = c.search
		}
		done, err := c.walk(ctx, src.path, params, st, first, func(m domain.Mention) {
			if slices.Contains(recent, m.NativeID) {
				return
			}
			recent = append(recent, m.NativeID)
			m.Connector = c.name
			items = append(items, m)
		})
		if err != nil {
			return connectors.Page{}, c.fail(err)
		}
		more = more || !done
		pos.Streams[src.key] = st
	}
	if len(recent) > maxRecent {
		recent = recent[len(recent)-maxRecent:]
	}
	pos.Recent = recent
	sort.SliceStable(items, func(i, j int) bool { return items[i].CreatedAt.Before(items[j].CreatedAt) })
	c.ok()
	return connectors.Page{Items: items, Cursor: pos.String(), More: more}, nil
}

// walk pages one listing (with its query params, for a search) down to
// st's mark, calling emit for every item newer than it, and updates st.
// done is false when the walk continues on the next call.
func (c *Connector) walk(ctx context.Context, path string, params url.Values, st *stream, first bool, emit func(domain.Mention)) (bool, error) {
	for range maxPages {
		q := url.Values{"limit": {strconv.Itoa(c.pageSize)}, "raw_json": {"1"}}
		for k, v := range params {
			q[k] = v
		}
		if st.Next != "" {
			q.Set("after", st.Next)
		}
		body, err := c.api(ctx, http.MethodGet, path+"?"+q.Encode(), nil)
		if err != nil {
			return false, err
		}
		page, err := DecodeListing(body, c.now())
		if err != nil {
			return false, err
		}
		reached := false
		for i, m := range page.Items {
			at := page.Created[i].Unix()
			if st.Next == "" && at > st.Top {
				st.Top, st.TopIDs = at, nil
			}
			if st.Next == "" && at == st.Top {
				st.TopIDs = append(st.TopIDs, m.NativeID)
			}
			if !first && (at < st.Mark || (at == st.Mark && slices.Contains(st.IDs, m.NativeID))) {
				reached = true
				continue
			}
			emit(m)
		}
		if reached || page.After == "" || first {
			if st.Top > st.Mark || (st.Top == st.Mark && st.Top != 0) {
				if st.Top == st.Mark {
					for _, id := range st.IDs {
						if !slices.Contains(st.TopIDs, id) {
							st.TopIDs = append(st.TopIDs, id)
						}
					}
				}
				st.Mark, st.IDs = st.Top, st.TopIDs
			}
			st.Next, st.Top, st.TopIDs = "", 0, nil
			return true, nil
		}
		if st.Top == 0 {
			st.Top, st.TopIDs = st.Mark, st.IDs
		}
		st.Next = page.After
	}
	return false, nil
}

// Send implements connectors.Connector. A private answer to a private
// message continues its conversation; a private answer to a comment starts
// a new message to its author; a public answer is a comment reply.
func (c *Connector) Send(ctx context.Context, msg connectors.Message) (connectors.SendResult, error) {
	if strings.TrimSpace(msg.Text) == "" {
		return connectors.SendResult{}, fmt.Errorf("%w: empty message", connectors.ErrPermanent)
	}
	if utf8.RuneCountInString(msg.Text) > maxMessageText {
		return connectors.SendResult{}, fmt.Errorf("%w: reddit messages hold at most %d characters", connectors.ErrPermanent, maxMessageText)
	}
	if msg.Post {
		return connectors.SendResult{}, fmt.Errorf("%w: a Reddit post needs a subreddit; post the statement there by hand", connectors.ErrPermanent)
	}
	to := msg.InReplyTo
	if msg.Visibility == domain.VisibilityPrivate && !strings.HasPrefix(to.NativeID, "t4_") {
		if !userRE().MatchString(to.Author.Handle) {
			return connectors.SendResult{}, &connectors.CannotDMError{Reason: "the author's Reddit account is deleted or unknown"}
		}
		form := url.Values{"api_type": {"json"}, "to": {to.Author.Handle}, "subject": {c.subject}, "text": {msg.Text}}
		body, err := c.api(ctx, http.MethodPost, "/api/compose", form)
		if err == nil {
			_, err = jsonErrors(body)
		}
		if err != nil {
			return connectors.SendResult{}, c.fail(err)
		}
		c.ok()
		// compose answers with no id; the sent message is in /message/sent.
		return connectors.SendResult{URL: "https://www.reddit.com/message/sent"}, nil
	}
	if !fullnameRE().MatchString(to.NativeID) || strings.HasPrefix(to.NativeID, "t2_") {
		return connectors.SendResult{}, fmt.Errorf("%w: nothing to reply to", connectors.ErrPermanent)
	}
	form := url.Values{"api_type": {"json"}, "thing_id": {to.NativeID}, "text": {msg.Text}}
	body, err := c.api(ctx, http.MethodPost, "/api/comment", form)
	var things []thing
	if err == nil {
		things, err = jsonErrors(body)
	}
	if err != nil {
		return connectors.SendResult{}, c.fail(err)
	}
	if len(things) != 1 || !fullnameRE().MatchString(things[0].Data.Name) {
		return connectors.SendResult{}, c.fail(fmt.Errorf("%w: reddit comment answer without the new item", connectors.ErrBadPayload))
	}
	c.ok()
	res := connectors.SendResult{RemoteID: things[0].Data.Name}
	if p := things[0].Data.Permalink; strings.HasPrefix(p, "/r/") {
		res.URL = "https://www.reddit.com" + p
	}
	return res, nil
}

type thing struct {
	Kind string `json:"kind"`
	Data struct {
		Name      string `json:"name"`
		Permalink string `json:"permalink"`
	} `json:"data"`
}

// jsonErrors reads an api_type=json answer: {"json":{"errors":[[code,
// message, field]...], "data":{"things":[...]}}}.
func jsonErrors(body []byte) ([]thing, error) {
	var w struct {
		JSON *struct {
			Errors [][]any `json:"errors"`
			Data   struct {
				Things []thing `json:"things"`
			} `json:"data"`
		} `json:"json"`
	}
	if err := json.Unmarshal(body, &w); err != nil || w.JSON == nil {
		return nil, fmt.Errorf("%w: reddit answer is not an api_type=json answer", connectors.ErrBadPayload)
	}
	if len(w.JSON.Errors) == 0 {
		return w.JSON.Data.Things, nil
	}
	e := w.JSON.Errors[0]
	code, _ := at(e, 0).(string)
	msg, _ := at(e, 1).(string)
	msg = clip(msg)
	switch code {
	case "NOT_WHITELISTED_BY_USER_MESSAGE":
		return nil, &connectors.CannotDMError{Reason: "this author accepts private messages only from people they approved"}
	case "USER_DOESNT_EXIST":
		return nil, &connectors.CannotDMError{Reason: "this author's Reddit account no longer exists"}
	case "USER_BLOCKED", "USER_BLOCKED_MESSAGE":
		return nil, &connectors.CannotDMError{Reason: "this author has blocked the account, or the account has blocked them"}
	case "RATELIMIT":
		return nil, &connectors.RateLimitError{Msg: "reddit: " + msg}
	}
	return nil, fmt.Errorf("%w: reddit refused: %s: %s", connectors.ErrPermanent, clip(code), msg)
}

func at(s []any, i int) any {
	if i < len(s) {
		return s[i]
	}
	return nil
}

// api calls the OAuth host with the bearer token, taking a token first
// when there is none and once more if the token is refused.
func (c *Connector) api(ctx context.Context, method, path string, form url.Values) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		tok, err := c.accessToken(ctx)
		if err != nil {
			return nil, err
		}
		status, body, err := c.request(ctx, method, c.base+path, form, func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+tok)
		})
		if err != nil {
			return nil, err
		}
		if status == http.StatusUnauthorized && attempt == 0 {
			c.tokMu.Lock()
			if c.token == tok {
				c.token = ""
			}
			c.tokMu.Unlock()
			continue
		}
		return body, classify(status, body, c.Health().RateLimit)
	}
}

func classify(status int, body []byte, rl connectors.RateLimit) error {
	if status == http.StatusOK {
		return nil
	}
	var e struct {
		Message string `json:"message"`
		Error   any    `json:"error"`
		Reason  string `json:"reason"`
	}
	_ = json.Unmarshal(body, &e)
	msg := e.Message
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	msg = clip(msg)
	switch {
	case status == http.StatusTooManyRequests:
		return &connectors.RateLimitError{Reset: rl.Reset, Msg: "reddit: " + msg}
	case status == http.StatusUnauthorized:
		return fmt.Errorf("%w: reddit answered %d: %s", connectors.ErrAuth, status, msg)
	case status >= 500:
		return fmt.Errorf("%w: reddit answered %d: %s", connectors.ErrUnavailable, status, msg)
	case status == http.StatusNotFound:
		return fmt.Errorf("%w: %w: reddit answered %d: %s", connectors.ErrPermanent, errNotFound, status, msg)
	default:
		return fmt.Errorf("%w: reddit answered %d: %s", connectors.ErrPermanent, status, msg)
	}
}

// errNotFound marks an HTTP 404: the post or comment is not there.
var errNotFound = errors.New("not found")

// accessToken returns a valid token, asking /api/v1/access_token for one
// with the password grant when needed.
func (c *Connector) accessToken(ctx context.Context) (string, error) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	if c.token != "" && c.now().Before(c.tokenExp) {
		return c.token, nil
	}
	form := url.Values{"grant_type": {"password"}, "username": {c.username}, "password": {c.password}}
	status, body, err := c.request(ctx, http.MethodPost, c.auth+"/api/v1/access_token", form, func(r *http.Request) {
		r.SetBasicAuth(c.clientID, c.clientSecret)
	})
	if err != nil {
		return "", err
	}
	tok, exp, err := decodeToken(status, body, c.username, c.Health().RateLimit)
	if err != nil {
		return "", err
	}
	c.token, c.tokenExp = tok, c.now().Add(exp-time.Minute)
	return c.token, nil
}

// connectors.MaxTokenBytes bounds an access token.

// decodeToken reads the answer of /api/v1/access_token: a bearer token of
// visible ASCII (it goes into an Authorization header) and how long it
// lasts (an hour when the answer says nothing sensible: missing, under two
// minutes or over a day).
// Its errors never hold the token; they name the account, not its
// password.
func decodeToken(status int, body []byte, username string, rl connectors.RateLimit) (string, time.Duration, error) {
	tok, exp, quoted, err := readToken(status, body, username, rl)
	if err != nil && len(quoted) >= 4 && strings.Contains(err.Error(), quoted) {
		// the answer's own words quote the token it carried: say less
		var rle *connectors.RateLimitError
		if errors.As(err, &rle) {
			return "", 0, &connectors.RateLimitError{Reset: rle.Reset, Msg: "reddit: token answer (reason withheld: it quotes the token)"}
		}
		kind := connectors.ErrBadPayload
		for _, k := range []error{connectors.ErrAuth, connectors.ErrRateLimited, connectors.ErrUnavailable, connectors.ErrPermanent} {
			if errors.Is(err, k) {
				kind = k
				break
			}
		}
		return "", 0, fmt.Errorf("%w: reddit token answer refused (%d; its reason quotes the token and is withheld)", kind, status)
	}
	return tok, exp, err
}

func readToken(status int, body []byte, username string, rl connectors.RateLimit) (tok string, exp time.Duration, quoted string, err error) {
	var t struct {
		AccessToken string  `json:"access_token"`
		TokenType   string  `json:"token_type"`
		ExpiresIn   float64 `json:"expires_in"`
		Error       string  `json:"error"`
	}
	jerr := json.Unmarshal(body, &t)
	quoted = t.AccessToken
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return "", 0, quoted, fmt.Errorf("%w: reddit refused the app's client id or secret (%d)", connectors.ErrAuth, status)
	case status != http.StatusOK:
		return "", 0, quoted, classify(status, body, rl)
	case jerr != nil:
		return "", 0, quoted, fmt.Errorf("%w: reddit token answer is not a JSON object", connectors.ErrBadPayload)
	case t.Error != "":
		return "", 0, quoted, fmt.Errorf("%w: reddit refused the login for /u/%s: %s", connectors.ErrAuth, safetext.Line(username), clip(t.Error))
	case !connectors.ValidToken(t.AccessToken) || !strings.EqualFold(t.TokenType, "bearer"):
		return "", 0, quoted, fmt.Errorf("%w: reddit token answer without a bearer token", connectors.ErrBadPayload)
	}
	if t.ExpiresIn > 0 && t.ExpiresIn <= 86400 {
		exp = time.Duration(t.ExpiresIn) * time.Second
	}
	if exp < 2*time.Minute {
		exp = time.Hour
	}
	return t.AccessToken, exp, "", nil
}

// request sends one request with the User-Agent and reads the bounded
// answer, recording the rate-limit headers.
func (c *Connector) request(ctx context.Context, method, u string, form url.Values, auth func(*http.Request)) (int, []byte, error) {
	var req *http.Request
	var err error
	if form != nil {
		req, err = http.NewRequestWithContext(ctx, method, u, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, method, u, nil)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %v", connectors.ErrPermanent, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	auth(req)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		p, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(u, c.base), c.auth), "?")
		return 0, nil, fmt.Errorf("%w: reddit %s: %v", connectors.ErrUnavailable, p, err)
	}
	defer resp.Body.Close()
	if rl, ok := connectors.RateLimitFromHeaders(resp.Header, connectors.StyleReddit, c.now()); ok {
		c.health.SetRateLimit(rl)
	}
	b, err := connectors.ReadBody(resp.Body, connectors.MaxBody)
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, b, nil
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "no reason given"
	}
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return safetext.Line(s)
}

func (c *Connector) ok() { c.health.OK(c.now(), "") }

func (c *Connector) fail(err error) error { return c.health.Fail(err) }
