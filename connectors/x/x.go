// Package x is the connector for X (API v2), written on net/http and
// signed with OAuth 1.0a user context. It fetches the account's mentions,
// sends direct messages and public replies, and keeps the rate-limit state
// the API reports in its x-rate-limit-* headers.
package x

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dghubble/oauth1"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/safetext"
)

// DefaultBaseURL is the X API host.
const DefaultBaseURL = "https://api.x.com"

// Fields requested with every mentions page. tweet.fields is the name
// docs.x.com documents for these endpoints.
const (
	tweetFields = "author_id,conversation_id,created_at,entities,in_reply_to_user_id,lang,referenced_tweets"
	userFields  = "id,name,public_metrics,username,verified"
	maxPages    = 5 // pages walked per Fetch before handing back with More
)

// Settings is the connector's part of its config entry.
type Settings struct {
	// UserID is the numeric id of the account whose mentions are fetched.
	UserID string `yaml:"user_id"`
	// Username is the account's handle, used only to build reply URLs.
	Username string `yaml:"username"`

	ConsumerKeyEnv     string `yaml:"consumer_key_env"`
	ConsumerKeyFile    string `yaml:"consumer_key_file"`
	ConsumerSecretEnv  string `yaml:"consumer_secret_env"`
	ConsumerSecretFile string `yaml:"consumer_secret_file"`
	TokenEnv           string `yaml:"token_env"`
	TokenFile          string `yaml:"token_file"`
	TokenSecretEnv     string `yaml:"token_secret_env"`
	TokenSecretFile    string `yaml:"token_secret_file"`

	// MaxResults is the page size (5..100, default 100).
	MaxResults int `yaml:"max_results"`
	// BaseURL overrides the API host (tests).
	BaseURL string `yaml:"base_url"`

	// Live turns on the filtered stream (where the plan allows it); it
	// needs username and the app's bearer token (OAuth 2.0 app-only).
	Live            bool   `yaml:"live"`
	BearerTokenEnv  string `yaml:"bearer_token_env"`
	BearerTokenFile string `yaml:"bearer_token_file"`
}

// Connector is one X account.
type Connector struct {
	name     string
	userID   string
	username string
	base     string
	pageSize int
	http     *http.Client
	now      func() time.Time

	health connectors.HealthTracker

	// live: Stream reads the filtered stream with the bearer token,
	// through stream (no overall timeout); follow adds a terms rule.
	live     bool
	bearer   string
	stream   *http.Client
	followMu sync.Mutex
	follow   connectors.Follow
}

var _ connectors.Connector = (*Connector)(nil)

// FromSpec builds an X connector from its config entry; it is a
// connectors.Factory.
func FromSpec(spec connectors.Spec) (connectors.Connector, error) {
	var s Settings
	if spec.Decode != nil {
		if err := spec.Decode(&s); err != nil {
			return nil, err // already names the connector and the line
		}
	}
	if !isID(s.UserID) {
		return nil, fmt.Errorf("connector %s: user_id must be the account's numeric X user id", spec.Name)
	}
	if s.MaxResults == 0 {
		s.MaxResults = 100
	}
	if s.MaxResults < 5 || s.MaxResults > 100 {
		return nil, fmt.Errorf("connector %s: max_results must be between 5 and 100", spec.Name)
	}
	base := strings.TrimRight(s.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("connector %s: base_url %q is not an http(s) URL", spec.Name, s.BaseURL)
	}
	ck, err := spec.Secret("consumer_key", s.ConsumerKeyEnv, s.ConsumerKeyFile)
	if err != nil {
		return nil, err
	}
	cs, err := spec.Secret("consumer_secret", s.ConsumerSecretEnv, s.ConsumerSecretFile)
	if err != nil {
		return nil, err
	}
	tok, err := spec.Secret("token", s.TokenEnv, s.TokenFile)
	if err != nil {
		return nil, err
	}
	ts, err := spec.Secret("token_secret", s.TokenSecretEnv, s.TokenSecretFile)
	if err != nil {
		return nil, err
	}
	var bearer string
	if s.Live {
		if s.Username == "" {
			return nil, fmt.Errorf("connector %s: live needs username (the account's handle, for the mentions rule)", spec.Name)
		}
		if bearer, err = spec.Secret("bearer_token", s.BearerTokenEnv, s.BearerTokenFile); err != nil {
			return nil, err
		}
	}
	base0 := spec.Client()
	plain := *base0
	plain.Timeout = 0 // the stream stays open; streamIdle bounds silence
	client := oauth1.NewClient(context.WithValue(context.Background(), oauth1.HTTPClient, base0),
		oauth1.NewConfig(ck, cs), oauth1.NewToken(tok, ts))
	client.Timeout = base0.Timeout
	client.CheckRedirect = base0.CheckRedirect
	return &Connector{
		name: spec.Name, userID: s.UserID, username: s.Username, base: base,
		pageSize: s.MaxResults, http: client, now: time.Now,
		live: s.Live, bearer: bearer, stream: &plain,
	}, nil
}

// Name implements connectors.Connector.
func (c *Connector) Name() string { return c.name }

// Platform implements connectors.Connector.
func (c *Connector) Platform() domain.Platform { return domain.PlatformX }

// Health implements connectors.Connector.
func (c *Connector) Health() connectors.Health {
	return c.health.Get()
}

// cursor is the persisted fetch position. Since is the newest tweet id
// stored; while a walk down through pages newer than Since is under way,
// Next is the page token to continue from and Top the newest id of the walk,
// which becomes Since when the walk ends. Pages of one walk never overlap
// and the walk stops at Since, so there are no gaps and no duplicates.
type cursor struct {
	Since string
	Next  string
	Top   string
}

func (c cursor) String() string {
	v := url.Values{}
	if c.Since != "" {
		v.Set("since", c.Since)
	}
	if c.Next != "" {
		v.Set("next", c.Next)
	}
	if c.Top != "" {
		v.Set("top", c.Top)
	}
	return v.Encode()
}

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	v, err := url.ParseQuery(s)
	if err != nil {
		return cursor{}, fmt.Errorf("x cursor %q: %w", s, err)
	}
	c := cursor{Since: v.Get("since"), Next: v.Get("next"), Top: v.Get("top")}
	if (c.Since != "" && !isID(c.Since)) || (c.Top != "" && !isID(c.Top)) || len(c.Next) > 512 ||
		(c.Next != "" && c.Top == "") {
		return cursor{}, fmt.Errorf("x cursor %q is not one this connector wrote", s)
	}
	return c, nil
}

// Fetch implements connectors.Connector: it walks the mentions timeline
// from the newest item down to the stored since_id, at most maxPages pages
// per call; a longer walk returns More and continues on the next call.
func (c *Connector) Fetch(ctx context.Context, cur string) (connectors.Page, error) {
	pos, err := parseCursor(cur)
	if err != nil {
		return connectors.Page{}, c.fail(err)
	}
	var items []domain.Mention
	seen := map[string]bool{}
	var partial []string
	for range maxPages {
		q := url.Values{}
		q.Set("max_results", strconv.Itoa(c.pageSize))
		q.Set("expansions", "author_id")
		q.Set("tweet.fields", tweetFields)
		q.Set("user.fields", userFields)
		if pos.Since != "" {
			q.Set("since_id", pos.Since)
		}
		if pos.Next != "" {
			q.Set("pagination_token", pos.Next)
		}
		_, body, err := c.call(ctx, http.MethodGet, "/2/users/"+c.userID+"/mentions?"+q.Encode(), nil, http.StatusOK)
		if err != nil {
			return connectors.Page{}, c.fail(err)
		}
		page, err := DecodeMentions(body, c.now())
		if err != nil {
			return connectors.Page{}, c.fail(err)
		}
		partial = append(partial, page.Problems...)
		for _, m := range page.Items {
			if pos.Since != "" && !idLess(pos.Since, m.NativeID) {
				continue // the API honours since_id; never trust it blindly
			}
			if seen[m.NativeID] {
				continue
			}
			seen[m.NativeID] = true
			m.Connector = c.name
			items = append(items, m)
		}
		if pos.Next == "" {
			pos.Top = page.NewestID // the first page of a walk holds its newest item
		}
		if page.NextToken == "" || cur == "" {
			// The walk is over (or this is a first run, which takes only
			// the newest page rather than the account's whole history).
			if pos.Top != "" {
				pos.Since = pos.Top
			}
			pos.Next, pos.Top = "", ""
			c.ok(partial)
			return connectors.Page{Items: items, Cursor: pos.String()}, nil
		}
		pos.Next = page.NextToken
	}
	c.ok(partial)
	return connectors.Page{Items: items, Cursor: pos.String(), More: true}, nil
}

// Send implements connectors.Connector: a private message is a direct
// message to the mention's author, a public one a reply to the mention,
// and msg.Post a post on the account's timeline (no reply settings).
func (c *Connector) Send(ctx context.Context, msg connectors.Message) (connectors.SendResult, error) {
	if strings.TrimSpace(msg.Text) == "" {
		return connectors.SendResult{}, fmt.Errorf("%w: empty message", connectors.ErrPermanent)
	}
	if msg.Post && msg.Visibility != domain.VisibilityPublic {
		return connectors.SendResult{}, connectors.ErrPostPrivate
	}
	if msg.Visibility == domain.VisibilityPrivate {
		to := msg.InReplyTo.Author.ID
		if !isID(to) {
			return connectors.SendResult{}, &connectors.CannotDMError{Reason: "the author's X user id is unknown"}
		}
		body, _ := json.Marshal(map[string]string{"text": msg.Text})
		_, resp, err := c.call(ctx, http.MethodPost, "/2/dm_conversations/with/"+to+"/messages", body, http.StatusCreated)
		if err != nil {
			var pe *platformError
			if errors.As(err, &pe) && pe.status == http.StatusForbidden {
				err = &connectors.CannotDMError{Reason: "this author does not accept direct messages from this account (they may need to follow it or open their messages)"}
			}
			return connectors.SendResult{}, c.fail(err)
		}
		eventID, convID, err := decodeDMCreated(resp)
		if err != nil {
			return connectors.SendResult{}, c.fail(err)
		}
		c.ok(nil)
		return connectors.SendResult{RemoteID: eventID,
			URL: "https://x.com/messages/" + url.PathEscape(convID)}, nil
	}
	post := map[string]any{"text": msg.Text}
	if !msg.Post {
		if !isID(msg.InReplyTo.NativeID) {
			return connectors.SendResult{}, fmt.Errorf("%w: no post id to reply to", connectors.ErrPermanent)
		}
		post["reply"] = map[string]string{"in_reply_to_tweet_id": msg.InReplyTo.NativeID}
	}
	body, _ := json.Marshal(post)
	_, resp, err := c.call(ctx, http.MethodPost, "/2/tweets", body, http.StatusCreated)
	if err != nil {
		return connectors.SendResult{}, c.fail(err)
	}
	id, err := decodePostCreated(resp)
	if err != nil {
		return connectors.SendResult{}, c.fail(err)
	}
	c.ok(nil)
	who := c.username
	if who == "" {
		who = "i"
	}
	return connectors.SendResult{RemoteID: id, URL: "https://x.com/" + who + "/status/" + id}, nil
}

// decodeDMCreated reads the 201 answer of POST
// /2/dm_conversations/with/{participant_id}/messages: the new event's id
// (digits, like every X id) and its conversation's id (digits, or two
// user ids joined by "-").
func decodeDMCreated(b []byte) (eventID, conversationID string, err error) {
	var out struct {
		Data *struct {
			ConversationID string `json:"dm_conversation_id"`
			EventID        string `json:"dm_event_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Data == nil || !isID(out.Data.EventID) {
		return "", "", fmt.Errorf("%w: x dm response without a dm_event_id", connectors.ErrBadPayload)
	}
	if !isConversationID(out.Data.ConversationID) {
		return "", "", fmt.Errorf("%w: x dm response with a malformed dm_conversation_id", connectors.ErrBadPayload)
	}
	return out.Data.EventID, out.Data.ConversationID, nil
}

// decodePostCreated reads the 201 answer of POST /2/tweets: the new
// post's id.
func decodePostCreated(b []byte) (string, error) {
	var out struct {
		Data *struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Data == nil || !isID(out.Data.ID) {
		return "", fmt.Errorf("%w: x post response without an id", connectors.ErrBadPayload)
	}
	return out.Data.ID, nil
}

// isConversationID: a DM conversation id is an X id, or two joined by "-"
// (a one-to-one conversation).
func isConversationID(s string) bool {
	a, b, two := strings.Cut(s, "-")
	return isID(a) && (!two || isID(b))
}

// platformError is an HTTP error answer, with the platform's own words.
type platformError struct {
	status int
	msg    string
	kind   error
}

func (e *platformError) Error() string {
	return fmt.Sprintf("%v: x answered %d: %s", e.kind, e.status, e.msg)
}
func (e *platformError) Unwrap() error { return e.kind }

// call sends one signed request and classifies the answer.
func (c *Connector) call(ctx context.Context, method, path string, body []byte, want int) (http.Header, []byte, error) {
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	var req *http.Request
	var err error
	if rd != nil {
		req, err = http.NewRequestWithContext(ctx, method, c.base+path, rd)
	} else {
		req, err = http.NewRequestWithContext(ctx, method, c.base+path, nil)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", connectors.ErrPermanent, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, fmt.Errorf("%w: %s %s: %v", connectors.ErrUnavailable, method, stripQuery(path), unwrapURL(err))
	}
	defer resp.Body.Close()
	rl, ok := connectors.RateLimitFromHeaders(resp.Header, connectors.StyleX, c.now())
	if ok {
		c.health.SetRateLimit(rl)
	}
	b, err := connectors.ReadBody(resp.Body, connectors.MaxBody)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode == want {
		return resp.Header, b, nil
	}
	msg, code := errorMessage(b)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || code == 88:
		return nil, nil, &connectors.RateLimitError{Reset: rl.Reset, Msg: "x: " + msg}
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, nil, &platformError{resp.StatusCode, msg, connectors.ErrAuth}
	case resp.StatusCode >= 500:
		return nil, nil, &platformError{resp.StatusCode, msg, connectors.ErrUnavailable}
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil, nil, &platformError{resp.StatusCode, "unexpected status", connectors.ErrBadPayload}
	default:
		return nil, nil, &platformError{resp.StatusCode, msg, connectors.ErrPermanent}
	}
}

// errorMessage finds the platform's explanation in any of the error shapes
// X uses: {code,message}, {errors:[{code,message}]}, or a problem
// {title,detail}. The text is untrusted: it is cut short and made safe.
func errorMessage(b []byte) (string, int) {
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Title   string `json:"title"`
		Detail  string `json:"detail"`
		Errors  []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Title   string `json:"title"`
			Detail  string `json:"detail"`
		} `json:"errors"`
	}
	if json.Unmarshal(b, &e) != nil {
		return "no readable error body", 0
	}
	code, msg := e.Code, e.Message
	if msg == "" {
		msg = strings.TrimSpace(e.Title + ": " + e.Detail)
	}
	if len(e.Errors) > 0 {
		if code == 0 {
			code = e.Errors[0].Code
		}
		if msg == "" || msg == ":" {
			msg = e.Errors[0].Message
			if msg == "" {
				msg = e.Errors[0].Title + ": " + e.Errors[0].Detail
			}
		}
	}
	return clip(msg), code
}

func clip(s string) string {
	s = strings.Trim(s, ": ")
	if s == "" {
		s = "no reason given"
	}
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return safetext.Line(s)
}

func (c *Connector) ok(problems []string) {
	note := ""
	if len(problems) > 0 {
		note = fmt.Sprintf("partial answer: %d item(s) left out: %s", len(problems), problems[0])
	}
	c.health.OK(c.now(), note)
}

func (c *Connector) fail(err error) error { return c.health.Fail(err) }

// isID reports whether s is an X snowflake id (1 to 19 digits, no
// leading zero, so that equal ids are equal strings).
func isID(s string) bool {
	if len(s) == 0 || len(s) > 19 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// idLess compares two ids numerically.
func idLess(a, b string) bool {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func stripQuery(p string) string {
	p, _, _ = strings.Cut(p, "?")
	return p
}

// unwrapURL drops the *url.Error wrapper, whose text repeats the URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
