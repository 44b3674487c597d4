package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/safetext"
)

// The streaming API (GET /api/v1/streaming, a WebSocket) pushes each
// event as one text message:
//
//	{"stream":["user:notification"],"event":"notification","payload":"<JSON of a Notification>"}
//
// user:notification brings every notification of the account (mentions
// among them); a hashtag stream brings "update" events whose payload is a
// Status. The connector opens one WebSocket per stream (the form both
// Mastodon and GoToSocial accept), with the token in the Authorization
// header (and offered as the Sec-WebSocket-Protocol, which GoToSocial
// reads), never in the URL.

// streamPing is how often an idle stream is checked with a ping; a
// server that does not answer within pingTimeout is treated as gone.
const (
	streamPing  = 30 * time.Second
	pingTimeout = 15 * time.Second
)

// SetFollow implements connectors.Follower: hashtags become hashtag
// streams (and Terms are matched against what those bring).
func (c *Connector) SetFollow(f connectors.Follow) {
	c.mu.Lock()
	c.follow = f
	c.mu.Unlock()
}

// StreamingURL asks the server where its streaming API is
// (GET /api/v2/instance configuration.urls.streaming, else
// GET /api/v1/instance urls.streaming_api) and falls back to the server
// itself. The answer is a ws:// or wss:// base URL.
func (c *Connector) StreamingURL(ctx context.Context) (*url.URL, error) {
	var found string
	if body, _, err := c.do(ctx, http.MethodGet, "/api/v2/instance", nil, nil); err == nil {
		var v2 struct {
			Configuration struct {
				URLs struct {
					Streaming string `json:"streaming"`
				} `json:"urls"`
			} `json:"configuration"`
		}
		if json.Unmarshal(body, &v2) == nil {
			found = v2.Configuration.URLs.Streaming
		}
	} else if errors.Is(err, connectors.ErrAuth) || errors.Is(err, connectors.ErrRateLimited) || ctx.Err() != nil {
		return nil, err
	}
	if found == "" {
		if body, _, err := c.do(ctx, http.MethodGet, "/api/v1/instance", nil, nil); err == nil {
			var v1 struct {
				URLs struct {
					StreamingAPI string `json:"streaming_api"`
				} `json:"urls"`
			}
			if json.Unmarshal(body, &v1) == nil {
				found = v1.URLs.StreamingAPI
			}
		} else if errors.Is(err, connectors.ErrAuth) || errors.Is(err, connectors.ErrRateLimited) || ctx.Err() != nil {
			return nil, err
		}
	}
	return streamingBase(c.base, found)
}

// streamingBase checks the server's streaming address: ws(s) or http(s),
// with a host, and never plain ws when the API itself is https (the
// token goes there).
func streamingBase(api *url.URL, given string) (*url.URL, error) {
	u := *api
	if given != "" {
		p, err := url.Parse(strings.TrimRight(given, "/"))
		if err != nil || p.Host == "" {
			return nil, fmt.Errorf("mastodon %s: %w: streaming address %q is not a URL", api.Hostname(), connectors.ErrBadPayload, safetext.Truncate(given, 80, "…"))
		}
		u = *p
	}
	switch u.Scheme {
	case "https", "wss":
		u.Scheme = "wss"
	case "http", "ws":
		if api.Scheme == "https" {
			return nil, fmt.Errorf("mastodon %s: %w: the streaming address is not encrypted (%s)", api.Hostname(), connectors.ErrBadPayload, u.Scheme)
		}
		u.Scheme = "ws"
	default:
		return nil, fmt.Errorf("mastodon %s: %w: streaming address scheme %q", api.Hostname(), connectors.ErrBadPayload, u.Scheme)
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/api/v1/streaming")
	u.RawQuery, u.Fragment = "", ""
	return &u, nil
}

// streamEvent is one message of the streaming API.
type streamEvent struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
}

// Stream implements connectors.Streamer: user:notification, plus one
// hashtag stream per followed hashtag, until ctx ends or a socket breaks.
func (c *Connector) Stream(ctx context.Context, sink connectors.StreamSink) error {
	if !c.live {
		return connectors.ErrNoStream
	}
	base, err := c.StreamingURL(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	follow := c.follow
	c.mu.Unlock()
	streams := []url.Values{{"stream": {"user:notification"}}}
	for _, tag := range follow.Hashtags {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "#")
		if tag != "" {
			streams = append(streams, url.Values{"stream": {"hashtag"}, "tag": {tag}})
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conns := make([]*websocket.Conn, 0, len(streams))
	defer func() {
		for _, ws := range conns {
			ws.CloseNow()
		}
	}()
	for _, q := range streams {
		ws, err := c.dial(ctx, base, q)
		if err != nil {
			return err
		}
		conns = append(conns, ws)
	}
	if err := sink.Live(ctx); err != nil {
		return err
	}
	errs := make(chan error, len(conns))
	for i, ws := range conns {
		tag := streams[i].Get("tag")
		go func() { errs <- c.read(ctx, ws, tag, follow, sink) }()
	}
	err = <-errs // the first socket to stop ends the stream; the rest close
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// dial opens one stream's socket.
func (c *Connector) dial(ctx context.Context, base *url.URL, q url.Values) (*websocket.Conn, error) {
	u := *base
	u.Path += "/api/v1/streaming"
	u.RawQuery = q.Encode()
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	hdr := http.Header{"Authorization": {"Bearer " + c.token}, "User-Agent": {"switchboard"}}
	ws, resp, err := websocket.Dial(dctx, u.String(), &websocket.DialOptions{
		HTTPClient:   c.streamClient(),
		HTTPHeader:   hdr,
		Subprotocols: []string{c.token},
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if resp != nil {
			switch code := resp.StatusCode; {
			case code == http.StatusUnauthorized || code == http.StatusForbidden:
				return nil, fmt.Errorf("mastodon %s streaming: %w (HTTP %d)", c.host, connectors.ErrAuth, code)
			case code == http.StatusTooManyRequests:
				return nil, &connectors.RateLimitError{Msg: "mastodon " + c.host + " streaming"}
			default:
				return nil, fmt.Errorf("mastodon %s streaming: %w (HTTP %d)", c.host, connectors.ErrUnavailable, code)
			}
		}
		return nil, fmt.Errorf("mastodon %s streaming: %w: %v", c.host, connectors.ErrUnavailable, scrub(err, c.token))
	}
	ws.SetReadLimit(MaxBody)
	return ws, nil
}

// streamClient is the HTTP client for the WebSocket handshake: the
// connector's own transport without its overall timeout, which would
// end a stream that is meant to stay open.
func (c *Connector) streamClient() *http.Client {
	hc := *c.hc
	hc.Timeout = 0
	return &hc
}

// scrub removes the token from an error's text (a handshake error can
// quote the request).
func scrub(err error, token string) string {
	s := err.Error()
	if token != "" {
		s = strings.ReplaceAll(s, token, "[token]")
	}
	return s
}

// read handles one socket's events until it breaks.
func (c *Connector) read(ctx context.Context, ws *websocket.Conn, tag string, follow connectors.Follow, sink connectors.StreamSink) error {
	pings := make(chan error, 1)
	go func() { // a silent half-open connection is found by a ping
		t := time.NewTicker(streamPing)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				pctx, cancel := context.WithTimeout(ctx, pingTimeout)
				err := ws.Ping(pctx)
				cancel()
				if err != nil && ctx.Err() == nil {
					pings <- err
					ws.CloseNow()
					return
				}
			}
		}
	}()
	for {
		typ, b, err := ws.Read(ctx)
		if err != nil {
			select {
			case perr := <-pings:
				return fmt.Errorf("mastodon %s streaming: %w: no answer to a ping: %v", c.host, connectors.ErrUnavailable, perr)
			default:
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if websocket.CloseStatus(err) != -1 {
				return fmt.Errorf("mastodon %s streaming: %w: closed by the server (%d)", c.host, connectors.ErrUnavailable, websocket.CloseStatus(err))
			}
			return fmt.Errorf("mastodon %s streaming: %w: %v", c.host, connectors.ErrUnavailable, err)
		}
		if typ != websocket.MessageText {
			continue
		}
		items, err := c.decodeEvent(b, tag, follow)
		if err != nil {
			// one bad event is dropped, not the stream: the back-fill
			// through the REST cursor fetches the notification anyway
			continue
		}
		if len(items) > 0 {
			if _, err := sink.Push(items, ""); err != nil {
				return err
			}
		}
	}
}

// DecodeStreamEvent turns one streaming API message into mentions: a
// mention notification, or (from a hashtag stream) a new status. Other
// events give nothing. host completes local accounts' handles.
func DecodeStreamEvent(b []byte, host string) ([]domain.Mention, string, error) {
	var ev streamEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		return nil, "", fmt.Errorf("%w: stream event: %v", connectors.ErrBadPayload, err)
	}
	switch ev.Event {
	case "notification":
		var n notification
		if err := json.Unmarshal([]byte(ev.Payload), &n); err != nil {
			return nil, "", fmt.Errorf("%w: stream notification: %v", connectors.ErrBadPayload, err)
		}
		if n.Type != "mention" || n.Status == nil {
			return nil, ev.Event, nil
		}
		m, err := statusMention(n.Status, host)
		if err != nil {
			return nil, "", err
		}
		return []domain.Mention{m}, ev.Event, nil
	case "update":
		var st status
		if err := json.Unmarshal([]byte(ev.Payload), &st); err != nil {
			return nil, "", fmt.Errorf("%w: stream status: %v", connectors.ErrBadPayload, err)
		}
		m, err := statusMention(&st, host)
		if err != nil {
			return nil, "", err
		}
		return []domain.Mention{m}, ev.Event, nil
	}
	return nil, ev.Event, nil
}

func (c *Connector) decodeEvent(b []byte, tag string, follow connectors.Follow) ([]domain.Mention, error) {
	ms, event, err := DecodeStreamEvent(b, c.host)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	if event == "update" {
		// a hashtag stream's status matched the tag, and may match a term
		if tag == "" {
			return nil, nil // an update on the notification stream is not ours
		}
		matched := "#" + tag
		if t := connectors.MatchTerm(ms[0].Text, follow.Terms); t != "" {
			matched = t
		}
		if follow.Mark != nil {
			follow.Mark(&ms[0], matched)
		}
	}
	return ms, nil
}

var _ connectors.Streamer = (*Connector)(nil)
