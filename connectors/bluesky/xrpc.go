package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"switchboard/connectors"
	"switchboard/safetext"
)

// ChatProxy is the atproto-proxy header value that routes chat calls
// through the PDS to the Bluesky chat service.
const ChatProxy = "did:web:api.bsky.chat#bsky_chat"

// xrpcError is an XRPC error answer: {"error": name, "message": text}.
type xrpcError struct {
	status int
	name   string
	msg    string
	kind   error
}

func (e *xrpcError) Error() string {
	return fmt.Sprintf("%v: bluesky answered %d %s: %s", e.kind, e.status, e.name, e.msg)
}
func (e *xrpcError) Unwrap() error { return e.kind }

// session is what createSession and refreshSession return, kept on disk
// so that a restart does not log in again.
type session struct {
	PDS        string `json:"pds"`
	Identifier string `json:"identifier"`
	DID        string `json:"did"`
	Handle     string `json:"handle"`
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
}

type call struct {
	method string // "query" (GET) or "procedure" (POST)
	nsid   string
	params url.Values
	body   any
	chat   bool // add the atproto-proxy header
	auth   string
}

// do sends one XRPC call with the given bearer token and decodes the JSON
// answer into out (when non-nil).
func (c *Connector) do(ctx context.Context, k call, out any) error {
	u := c.pds + "/xrpc/" + k.nsid
	if len(k.params) > 0 {
		u += "?" + k.params.Encode()
	}
	var req *http.Request
	var err error
	if k.method == http.MethodPost {
		var b []byte
		if k.body != nil {
			b, err = json.Marshal(k.body)
			if err != nil {
				return fmt.Errorf("%w: %v", connectors.ErrPermanent, err)
			}
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
		if err == nil && k.body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	}
	if err != nil {
		return fmt.Errorf("%w: %v", connectors.ErrPermanent, err)
	}
	req.Header.Set("Accept", "application/json")
	if k.auth != "" {
		req.Header.Set("Authorization", "Bearer "+k.auth)
	}
	if k.chat {
		req.Header.Set("atproto-proxy", ChatProxy)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%w: %s: %v", connectors.ErrUnavailable, k.nsid, err)
	}
	defer resp.Body.Close()
	rl, ok := connectors.RateLimitFromHeaders(resp.Header, connectors.StyleBluesky, c.now())
	if ok {
		c.health.SetRateLimit(rl)
	}
	b, err := connectors.ReadBody(resp.Body, connectors.MaxBody)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusOK {
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%w: %s: %v", connectors.ErrBadPayload, k.nsid, err)
		}
		return nil
	}
	var e struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(b, &e)
	xe := &xrpcError{status: resp.StatusCode, name: clip(e.Error, 64), msg: clip(e.Message, 200)}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return &connectors.RateLimitError{Reset: rl.Reset, Msg: "bluesky " + k.nsid + ": " + xe.msg}
	case e.Error == "ExpiredToken" || e.Error == "InvalidToken" || resp.StatusCode == http.StatusUnauthorized:
		xe.kind = connectors.ErrAuth
	case resp.StatusCode >= 500:
		xe.kind = connectors.ErrUnavailable
	default:
		xe.kind = connectors.ErrPermanent
	}
	return xe
}

func clip(s string, n int) string {
	if s == "" {
		return "no reason given"
	}
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return safetext.Line(s)
}

// isExpired reports whether a call failed because its token is no longer
// good: expired, invalid, or refused outright (a session revoked while a
// kept one sat on disk).
func isExpired(err error) bool {
	var xe *xrpcError
	return errors.As(err, &xe) && (xe.name == "ExpiredToken" || xe.name == "InvalidToken" || xe.status == http.StatusUnauthorized)
}

// authed runs an authenticated call: it logs in or loads the kept session
// when there is none, and when the access token has expired it refreshes
// the session (or, if the refresh token is gone too, logs in again) and
// retries once.
func (c *Connector) authed(ctx context.Context, k call, out any) error {
	s, err := c.currentSession(ctx)
	if err != nil {
		return err
	}
	k.auth = s.AccessJwt
	err = c.do(ctx, k, out)
	if !isExpired(err) {
		return err
	}
	s, err = c.refresh(ctx, s)
	if err != nil {
		return err
	}
	k.auth = s.AccessJwt
	return c.do(ctx, k, out)
}

func (c *Connector) currentSession(ctx context.Context) (session, error) {
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	if c.sess != nil {
		return *c.sess, nil
	}
	if s, ok := c.loadSession(); ok {
		c.sess = &s
		return s, nil
	}
	return c.loginLocked(ctx)
}

// loginLocked creates a session with the app password; c.sessMu is held.
func (c *Connector) loginLocked(ctx context.Context) (session, error) {
	var raw json.RawMessage
	err := c.do(ctx, call{method: http.MethodPost, nsid: "com.atproto.server.createSession",
		body: map[string]string{"identifier": c.identifier, "password": c.password}}, &raw)
	if err != nil {
		var xe *xrpcError
		if errors.As(err, &xe) && (xe.status == http.StatusUnauthorized || xe.name == "AuthenticationRequired" ||
			xe.name == "AccountTakedown" || xe.name == "AuthFactorTokenRequired") {
			xe.kind = connectors.ErrAuth
		}
		return session{}, fmt.Errorf("bluesky login as %s: %w", c.identifier, err)
	}
	out, err := decodeSession("bluesky createSession", raw)
	if err != nil {
		return session{}, err
	}
	out.PDS, out.Identifier = c.pds, c.identifier
	c.sess = &out
	c.saveSession(out)
	return out, nil
}

// refresh swaps the refresh token for a new pair, unless another caller
// already did since stale was read.
func (c *Connector) refresh(ctx context.Context, stale session) (session, error) {
	c.sessMu.Lock()
	defer c.sessMu.Unlock()
	if c.sess != nil && c.sess.AccessJwt != stale.AccessJwt {
		return *c.sess, nil
	}
	var raw json.RawMessage
	err := c.do(ctx, call{method: http.MethodPost, nsid: "com.atproto.server.refreshSession", auth: stale.RefreshJwt}, &raw)
	if isExpired(err) || errors.Is(err, connectors.ErrAuth) {
		return c.loginLocked(ctx)
	}
	if err != nil {
		return session{}, err
	}
	out, err := decodeSession("bluesky refreshSession", raw)
	if err != nil {
		return session{}, err
	}
	out.PDS, out.Identifier = c.pds, c.identifier
	c.sess = &out
	c.saveSession(out)
	return out, nil
}

func (c *Connector) sessionPath() string {
	if c.stateDir == "" {
		return ""
	}
	return filepath.Join(c.stateDir, "bluesky-session.json")
}

// loadSession reads the kept session if it is private and for this
// account on this PDS.
func (c *Connector) loadSession() (session, bool) {
	p := c.sessionPath()
	if p == "" {
		return session{}, false
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm()&0o077 != 0 || fi.Size() > 64<<10 {
		return session{}, false
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return session{}, false
	}
	var s session
	if json.Unmarshal(b, &s) != nil || s.PDS != c.pds || s.Identifier != c.identifier ||
		!isDID(s.DID) || s.AccessJwt == "" || s.RefreshJwt == "" {
		return session{}, false
	}
	return s, true
}

// saveSession writes the session to a private file, atomically. A failure
// only costs a login at the next start, so it is recorded, not returned.
func (c *Connector) saveSession(s session) {
	p := c.sessionPath()
	if p == "" {
		return
	}
	b, _ := json.Marshal(s)
	tmp, err := os.CreateTemp(c.stateDir, ".bluesky-session-*")
	if err == nil {
		_, err = tmp.Write(b)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(tmp.Name(), 0o600)
		}
		if err == nil {
			err = os.Rename(tmp.Name(), p)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		c.health.Note("could not keep the bluesky session: " + err.Error())
	}
}
