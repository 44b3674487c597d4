package x

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

// The filtered stream (GET /2/tweets/search/stream) is one long HTTP
// response of newline-delimited JSON, one StreamPostsResponse a line
// ({"data": post, "includes": {"users": …}, "matching_rules": [{id, tag}]}),
// with a blank line (\r\n) every 20 s or so to keep it open. What it
// carries is set by the app's rules (POST /2/tweets/search/stream/rules).
// Both take the app's bearer token (OAuth 2.0 app-only), not the user
// context the rest of the connector signs with. Plans without the
// filtered stream answer 403 with a client-forbidden problem: the
// connector says so once and polls its mentions.

// Rule tags switchboard owns start with this prefix and the connector's
// name; rules with other tags (the team's own tools) are left alone.
const ruleTagPrefix = "switchboard:"

// streamIdle is how long the stream may stay silent (keep-alives
// included) before it is taken as dead.
const streamIdle = 90 * time.Second

// maxStreamLine bounds one streamed post with its expansions.
const maxStreamLine = 1 << 20

// SetFollow implements connectors.Follower: terms and hashtags become a
// rule of their own beside the mentions rule.
func (c *Connector) SetFollow(f connectors.Follow) {
	c.followMu.Lock()
	c.follow = f
	c.followMu.Unlock()
}

type rule struct {
	ID    string `json:"id,omitempty"`
	Value string `json:"value"`
	Tag   string `json:"tag,omitempty"`
}

// wantedRules are the rules this connector needs: its account's
// mentions, and its terms when it follows any.
func (c *Connector) wantedRules(f connectors.Follow) []rule {
	tag := ruleTagPrefix + c.name
	user := strings.TrimPrefix(c.username, "@")
	out := []rule{{Value: "@" + user + " -from:" + user, Tag: tag + ":mentions"}}
	var parts []string
	for _, t := range f.Terms {
		if t = strings.TrimSpace(t); t != "" {
			parts = append(parts, `"`+strings.ReplaceAll(t, `"`, ``)+`"`)
		}
	}
	for _, h := range f.Hashtags {
		if h = strings.TrimPrefix(strings.TrimSpace(h), "#"); h != "" {
			parts = append(parts, "#"+h)
		}
	}
	if len(parts) > 0 {
		out = append(out, rule{Value: "(" + strings.Join(parts, " OR ") + ") -from:" + user, Tag: tag + ":terms"})
	}
	return out
}

// Stream implements connectors.Streamer.
func (c *Connector) Stream(ctx context.Context, sink connectors.StreamSink) error {
	if !c.live {
		return connectors.ErrNoStream
	}
	c.followMu.Lock()
	follow := c.follow
	c.followMu.Unlock()
	if err := c.syncRules(ctx, c.wantedRules(follow)); err != nil {
		return err
	}
	q := url.Values{}
	q.Set("expansions", "author_id")
	q.Set("tweet.fields", tweetFields)
	q.Set("user.fields", userFields)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, err := c.bearerDo(sctx, http.MethodGet, "/2/tweets/search/stream?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := sink.Live(ctx); err != nil {
		return err
	}
	idle := time.AfterFunc(streamIdle, cancel)
	defer idle.Stop()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), maxStreamLine)
	termsTag := ruleTagPrefix + c.name + ":terms"
	for sc.Scan() {
		idle.Reset(streamIdle)
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue // keep-alive
		}
		m, tags, err := decodeStreamLine(line, c.now())
		if err != nil {
			continue // one bad line is dropped; the mentions poll back-fills
		}
		if m.NativeID == "" || m.Author.ID == c.userID {
			continue
		}
		m.Connector = c.name
		if !hasMention(m.Text, c.username) && slices.Contains(tags, termsTag) && follow.Mark != nil {
			matched := connectors.MatchTerm(m.Text, append(append([]string(nil), follow.Terms...), hashtags(follow.Hashtags)...))
			follow.Mark(&m, matched)
		}
		if _, err := sink.Push([]domain.Mention{m}, ""); err != nil {
			return err
		}
	}
	err = sc.Err()
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case sctx.Err() != nil:
		return fmt.Errorf("x stream: %w: silent for %s", connectors.ErrUnavailable, streamIdle)
	case err != nil:
		return fmt.Errorf("x stream: %w: %v", connectors.ErrUnavailable, unwrapURL(err))
	}
	return fmt.Errorf("x stream: %w: closed by the server", connectors.ErrUnavailable)
}

func hashtags(hs []string) []string {
	out := make([]string, 0, len(hs))
	for _, h := range hs {
		out = append(out, "#"+strings.TrimPrefix(strings.TrimSpace(h), "#"))
	}
	return out
}

func hasMention(text, username string) bool {
	return username != "" && connectors.MatchTerm(text, []string{"@" + username}) != ""
}

// decodeStreamLine decodes one StreamPostsResponse into a mention and the
// tags of the rules it matched.
func decodeStreamLine(b []byte, fetched time.Time) (domain.Mention, []string, error) {
	var w struct {
		Data     *wireTweet `json:"data"`
		Includes struct {
			Users []wireUser `json:"users"`
		} `json:"includes"`
		MatchingRules []struct {
			ID  string `json:"id"`
			Tag string `json:"tag"`
		} `json:"matching_rules"`
		Errors []wireProblem `json:"errors"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return domain.Mention{}, nil, fmt.Errorf("%w: x stream: %v", connectors.ErrBadPayload, err)
	}
	if w.Data == nil {
		return domain.Mention{}, nil, nil // an error or an operational message
	}
	if len(w.Includes.Users) > maxItems {
		return domain.Mention{}, nil, fmt.Errorf("%w: x stream: too many users", connectors.ErrBadPayload)
	}
	users := map[string]wireUser{}
	for _, u := range w.Includes.Users {
		if isID(u.ID) && u.Username != "" && len(u.Username) <= maxHandleBytes && len(u.Name) <= maxNameBytes &&
			(u.PublicMetrics == nil || u.PublicMetrics.Followers >= 0) {
			users[u.ID] = u
		}
	}
	m, err := decodeTweet(0, *w.Data, users, fetched)
	if err != nil {
		return domain.Mention{}, nil, fmt.Errorf("%w: x stream: %v", connectors.ErrBadPayload, err)
	}
	var tags []string
	for _, r := range w.MatchingRules {
		tags = append(tags, r.Tag)
	}
	return m, tags, nil
}

// syncRules makes the stream's rules with this connector's tags exactly
// want: it deletes the ones that differ and adds the missing ones.
func (c *Connector) syncRules(ctx context.Context, want []rule) error {
	resp, err := c.bearerDo(ctx, http.MethodGet, "/2/tweets/search/stream/rules", nil)
	if err != nil {
		return err
	}
	b, err := connectors.ReadBody(resp.Body, connectors.MaxBody)
	resp.Body.Close()
	if err != nil {
		return err
	}
	var have struct {
		Data []rule `json:"data"`
	}
	if err := json.Unmarshal(b, &have); err != nil {
		return fmt.Errorf("%w: x stream rules: %v", connectors.ErrBadPayload, err)
	}
	mine := ruleTagPrefix + c.name + ":"
	var del []string
	var add []rule
	for _, r := range have.Data {
		if !strings.HasPrefix(r.Tag, mine) {
			continue
		}
		keep := false
		for _, w := range want {
			if w.Tag == r.Tag && w.Value == r.Value {
				keep = true
			}
		}
		if !keep && isID(r.ID) {
			del = append(del, r.ID)
		}
	}
	for _, w := range want {
		found := false
		for _, r := range have.Data {
			if r.Tag == w.Tag && r.Value == w.Value {
				found = true
			}
		}
		if !found {
			add = append(add, w)
		}
	}
	if len(del) > 0 {
		body, _ := json.Marshal(map[string]any{"delete": map[string]any{"ids": del}})
		if err := c.postRules(ctx, body); err != nil {
			return err
		}
	}
	if len(add) > 0 {
		body, _ := json.Marshal(map[string]any{"add": add})
		if err := c.postRules(ctx, body); err != nil {
			return err
		}
	}
	return nil
}

func (c *Connector) postRules(ctx context.Context, body []byte) error {
	resp, err := c.bearerDo(ctx, http.MethodPost, "/2/tweets/search/stream/rules", body)
	if err != nil {
		return err
	}
	b, err := connectors.ReadBody(resp.Body, connectors.MaxBody)
	resp.Body.Close()
	if err != nil {
		return err
	}
	var out struct {
		Errors []wireProblem `json:"errors"`
	}
	if json.Unmarshal(b, &out) == nil && len(out.Errors) > 0 {
		p := out.Errors[0]
		return fmt.Errorf("%w: x stream rules: %s", connectors.ErrPermanent, clip(p.Title+": "+p.Detail+" "+p.Message))
	}
	return nil
}

// bearerDo sends one app-only request and returns the response on 200;
// the body is the caller's to close. A 403 that says the app or its plan
// may not use the endpoint wraps connectors.ErrStreamNotAllowed.
func (c *Connector) bearerDo(ctx context.Context, method, path string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, nil)
	if body != nil {
		req, err = http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", connectors.ErrPermanent, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.bearer)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.stream.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %s %s: %v", connectors.ErrUnavailable, method, stripQuery(path), unwrapURL(err))
	}
	rl, _ := connectors.RateLimitFromHeaders(resp.Header, connectors.StyleX, c.now())
	if resp.StatusCode == http.StatusOK {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := connectors.ReadBody(resp.Body, 64<<10)
	msg, code := errorMessage(b)
	switch {
	case resp.StatusCode == http.StatusForbidden && notAllowed(b):
		return nil, fmt.Errorf("x: %w: the filtered stream is not in this app's plan (%s); polling mentions instead", connectors.ErrStreamNotAllowed, msg)
	case resp.StatusCode == http.StatusTooManyRequests || code == 88:
		return nil, &connectors.RateLimitError{Reset: rl.Reset, Msg: "x stream: " + msg}
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, &platformError{resp.StatusCode, msg, connectors.ErrAuth}
	case resp.StatusCode >= 500:
		return nil, &platformError{resp.StatusCode, msg, connectors.ErrUnavailable}
	default:
		return nil, &platformError{resp.StatusCode, msg, connectors.ErrPermanent}
	}
}

// notAllowed reports whether a 403 problem says the client may not use
// the endpoint (a plan or access-level matter), as opposed to a bad
// token: X answers {"type": "https://api.twitter.com/2/problems/client-forbidden",
// "reason": "client-not-enrolled", …}.
func notAllowed(b []byte) bool {
	var p struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
	}
	if json.Unmarshal(b, &p) != nil {
		return false
	}
	return strings.HasSuffix(p.Type, "/problems/client-forbidden") || p.Reason == "client-not-enrolled" ||
		strings.Contains(strings.ToLower(p.Detail), "not allowed") || strings.EqualFold(p.Title, "Client Forbidden")
}

var (
	_ connectors.Streamer = (*Connector)(nil)
	_ connectors.Follower = (*Connector)(nil)
)
