// Package bluesky is the connector for Bluesky (AT Protocol), a small XRPC
// client of its own: it logs in with an app password, keeps the session in
// a private file so restarts do not log in again, fetches mentions, replies
// and quotes from the notification list, and sends direct messages through
// the chat service.
package bluesky

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

// DefaultPDS is where accounts hosted by Bluesky log in.
const DefaultPDS = "https://bsky.social"

const (
	pageSize = 50
	maxPages = 5
)

// Settings is the connector's part of its config entry.
type Settings struct {
	// Identifier is the account's handle, DID or email.
	Identifier      string `yaml:"identifier"`
	AppPasswordEnv  string `yaml:"app_password_env"`
	AppPasswordFile string `yaml:"app_password_file"`
	// PDS is the account's server (default https://bsky.social).
	PDS string `yaml:"pds"`
	// Live turns on Jetstream: posts that mention the account arrive as
	// they are posted; the notification list back-fills.
	Live bool `yaml:"live"`
	// Jetstream is the Jetstream instance (default DefaultJetstream).
	Jetstream string `yaml:"jetstream"`
}

// Connector is one Bluesky account.
type Connector struct {
	name       string
	identifier string
	password   string
	pds        string
	stateDir   string
	pageSize   int
	http       *http.Client
	now        func() time.Time

	sessMu sync.Mutex
	sess   *session

	health connectors.HealthTracker

	// live: Stream reads Jetstream at jetstream; follow is what it
	// matches besides the account; profiles caches authors' handles.
	live      bool
	jetstream string
	followMu  sync.Mutex
	follow    connectors.Follow
	profMu    sync.Mutex
	profiles  map[string]wireProfile
}

var _ connectors.Connector = (*Connector)(nil)

// FromSpec builds a Bluesky connector from its config entry; it is a
// connectors.Factory.
func FromSpec(spec connectors.Spec) (connectors.Connector, error) {
	var s Settings
	if spec.Decode != nil {
		if err := spec.Decode(&s); err != nil {
			return nil, err // already names the connector and the line
		}
	}
	if strings.TrimSpace(s.Identifier) == "" {
		return nil, fmt.Errorf("connector %s: identifier (the account's handle) is missing", spec.Name)
	}
	pds := strings.TrimRight(s.PDS, "/")
	if pds == "" {
		pds = DefaultPDS
	}
	if u, err := url.Parse(pds); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("connector %s: pds %q is not an http(s) URL", spec.Name, s.PDS)
	}
	pw, err := spec.Secret("app_password", s.AppPasswordEnv, s.AppPasswordFile)
	if err != nil {
		return nil, err
	}
	js := strings.TrimRight(s.Jetstream, "/")
	if js == "" {
		js = DefaultJetstream
	}
	if _, err := jetstreamURL(js, ""); err != nil {
		return nil, fmt.Errorf("connector %s: jetstream %q is not a ws(s) URL (e.g. %s)", spec.Name, s.Jetstream, DefaultJetstream)
	}
	return &Connector{name: spec.Name, identifier: strings.TrimPrefix(strings.TrimSpace(s.Identifier), "@"),
		password: pw, pds: pds, pageSize: pageSize, stateDir: spec.StateDir, http: spec.Client(), now: time.Now,
		live: s.Live, jetstream: js}, nil
}

// Name implements connectors.Connector.
func (c *Connector) Name() string { return c.name }

// Platform implements connectors.Connector.
func (c *Connector) Platform() domain.Platform { return domain.PlatformBluesky }

// Health implements connectors.Connector.
func (c *Connector) Health() connectors.Health {
	return c.health.Get()
}

// cursor is the persisted fetch position. Mark is the indexedAt of the
// newest notification stored and IDs the URIs stored at exactly that time;
// anything at or before the mark (and not new at it) is old. During a walk
// down through pages newer than the mark, Next is the platform's page
// cursor and Top/TopIDs the mark the walk ends with.
type cursor struct {
	Mark   time.Time
	IDs    []string
	Next   string
	Top    time.Time
	TopIDs []string
}

func (c cursor) String() string {
	v := url.Values{}
	if !c.Mark.IsZero() {
		v.Set("mark", c.Mark.UTC().Format(time.RFC3339Nano))
		v["id"] = c.IDs
	}
	if c.Next != "" {
		v.Set("next", c.Next)
		v.Set("top", c.Top.UTC().Format(time.RFC3339Nano))
		v["tid"] = c.TopIDs
	}
	return v.Encode()
}

func parseCursor(s string) (cursor, error) {
	var c cursor
	if s == "" {
		return c, nil
	}
	v, err := url.ParseQuery(s)
	bad := fmt.Errorf("bluesky cursor %q is not one this connector wrote", s)
	if err != nil {
		return c, bad
	}
	if m := v.Get("mark"); m != "" {
		if c.Mark, err = time.Parse(time.RFC3339Nano, m); err != nil {
			return c, bad
		}
		c.IDs = v["id"]
	}
	if c.Next = v.Get("next"); c.Next != "" {
		if c.Top, err = time.Parse(time.RFC3339Nano, v.Get("top")); err != nil || len(c.Next) > 512 {
			return c, bad
		}
		c.TopIDs = v["tid"]
	}
	return c, nil
}

// Fetch implements connectors.Connector: it walks the notification list
// from the newest down to the stored mark, keeping mentions, replies and
// quotes, at most maxPages pages per call (a longer walk returns More).
func (c *Connector) Fetch(ctx context.Context, cur string) (connectors.Page, error) {
	pos, err := parseCursor(cur)
	if err != nil {
		return connectors.Page{}, c.fail(err)
	}
	var items []domain.Mention
	seen := map[string]bool{}
	for range maxPages {
		q := url.Values{"limit": {strconv.Itoa(c.pageSize)}, "reasons": {"mention", "reply", "quote"}}
		if pos.Next != "" {
			q.Set("cursor", pos.Next)
		}
		var raw rawBody
		if err := c.authed(ctx, call{method: http.MethodGet, nsid: "app.bsky.notification.listNotifications", params: q}, &raw); err != nil {
			return connectors.Page{}, c.fail(err)
		}
		page, err := DecodeNotifications(raw, c.now())
		if err != nil {
			return connectors.Page{}, c.fail(err)
		}
		reachedMark := false
		for i, n := range page.Items {
			at := page.Indexed[i]
			if pos.Next == "" && (at.After(pos.Top) || pos.Top.IsZero()) {
				pos.Top, pos.TopIDs = at, nil
			}
			if pos.Next == "" && at.Equal(pos.Top) {
				pos.TopIDs = append(pos.TopIDs, n.NativeID)
			}
			if !pos.Mark.IsZero() && (at.Before(pos.Mark) || (at.Equal(pos.Mark) && slices.Contains(pos.IDs, n.NativeID))) {
				reachedMark = true
				continue
			}
			if !page.Wanted[i] || seen[n.NativeID] {
				continue
			}
			seen[n.NativeID] = true
			n.Connector = c.name
			items = append(items, n)
		}
		if reachedMark || page.Cursor == "" || cur == "" {
			if !pos.Top.IsZero() && (pos.Mark.IsZero() || !pos.Top.Before(pos.Mark)) {
				if pos.Top.Equal(pos.Mark) {
					pos.TopIDs = append(pos.TopIDs, pos.IDs...)
				}
				pos.Mark, pos.IDs = pos.Top, dedupe(pos.TopIDs)
			}
			pos.Next, pos.Top, pos.TopIDs = "", time.Time{}, nil
			if err := c.addFollowers(ctx, items); err != nil {
				return connectors.Page{}, c.fail(err)
			}
			c.ok()
			return connectors.Page{Items: items, Cursor: pos.String()}, nil
		}
		if pos.Top.IsZero() {
			pos.Top = pos.Mark // an empty first page cannot happen with a cursor, but keep the mark
			pos.TopIDs = pos.IDs
		}
		pos.Next = page.Cursor
	}
	if err := c.addFollowers(ctx, items); err != nil {
		return connectors.Page{}, c.fail(err)
	}
	c.ok()
	return connectors.Page{Items: items, Cursor: pos.String(), More: true}, nil
}

// addFollowers fills in the authors' follower counts, which notifications
// do not carry, from app.bsky.actor.getProfiles (25 actors a call).
func (c *Connector) addFollowers(ctx context.Context, items []domain.Mention) error {
	var dids []string
	for _, m := range items {
		if !slices.Contains(dids, m.Author.ID) {
			dids = append(dids, m.Author.ID)
		}
	}
	followers := map[string]int64{}
	for len(dids) > 0 {
		n := min(len(dids), 25)
		var out struct {
			Profiles []wireProfile `json:"profiles"`
		}
		err := c.authed(ctx, call{method: http.MethodGet, nsid: "app.bsky.actor.getProfiles",
			params: url.Values{"actors": dids[:n]}}, &out)
		if err != nil {
			return err
		}
		for _, p := range out.Profiles {
			if p.FollowersCount != nil && *p.FollowersCount >= 0 {
				followers[p.DID] = *p.FollowersCount
			}
		}
		dids = dids[n:]
	}
	for i := range items {
		items[i].Author.Followers = followers[items[i].Author.ID]
	}
	return nil
}

func dedupe(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// Send implements connectors.Connector: a private message goes through the
// chat service, a public one is a reply post in the mention's thread, and
// msg.Post a post on the account's feed with no reply ref.
func (c *Connector) Send(ctx context.Context, msg connectors.Message) (connectors.SendResult, error) {
	if strings.TrimSpace(msg.Text) == "" {
		return connectors.SendResult{}, fmt.Errorf("%w: empty message", connectors.ErrPermanent)
	}
	if msg.Post && msg.Visibility != domain.VisibilityPublic {
		return connectors.SendResult{}, connectors.ErrPostPrivate
	}
	if msg.Visibility == domain.VisibilityPrivate {
		res, err := c.sendDM(ctx, msg)
		if err != nil {
			return res, c.fail(err)
		}
		c.ok()
		return res, nil
	}
	res, err := c.sendReply(ctx, msg)
	if err != nil {
		return res, c.fail(err)
	}
	c.ok()
	return res, nil
}

// dmReasons turns the chat service's refusals into words an operator can
// act on.
var dmReasons = map[string]string{
	"MessagesDisabled":    "this author has turned off direct messages",
	"NotFollowedBySender": "this author accepts direct messages only from accounts they follow",
	"BlockedActor":        "this author has blocked the account, or the account has blocked them",
	"RecipientNotFound":   "this author's account no longer exists",
	"AccountSuspended":    "the account is suspended from direct messages",
}

func asCannotDM(err error) error {
	var xe *xrpcError
	if errors.As(err, &xe) {
		if r, ok := dmReasons[xe.name]; ok {
			return &connectors.CannotDMError{Reason: r}
		}
	}
	return err
}

func (c *Connector) sendDM(ctx context.Context, msg connectors.Message) (connectors.SendResult, error) {
	to := msg.InReplyTo.Author.ID
	if !isDID(to) {
		return connectors.SendResult{}, &connectors.CannotDMError{Reason: "the author's Bluesky DID is unknown"}
	}
	var raw json.RawMessage
	err := c.authed(ctx, call{method: http.MethodGet, nsid: "chat.bsky.convo.getConvoForMembers",
		params: url.Values{"members": {to}}, chat: true}, &raw)
	if err != nil {
		return connectors.SendResult{}, asCannotDM(err)
	}
	convID, err := decodeConvo(raw)
	if err != nil {
		return connectors.SendResult{}, err
	}
	raw = nil
	err = c.authed(ctx, call{method: http.MethodPost, nsid: "chat.bsky.convo.sendMessage", chat: true,
		body: map[string]any{"convoId": convID, "message": map[string]any{"text": msg.Text}}}, &raw)
	if err != nil {
		return connectors.SendResult{}, asCannotDM(err)
	}
	msgID, err := decodeSent(raw)
	if err != nil {
		return connectors.SendResult{}, err
	}
	return connectors.SendResult{RemoteID: convID + "/" + msgID,
		URL: "https://bsky.app/messages/" + url.PathEscape(convID)}, nil
}

func (c *Connector) sendReply(ctx context.Context, msg connectors.Message) (connectors.SendResult, error) {
	if msg.Post {
		return c.createPost(ctx, msg.Text, nil)
	}
	parent := msg.InReplyTo
	if !strings.HasPrefix(parent.NativeID, "at://") {
		return connectors.SendResult{}, fmt.Errorf("%w: no post to reply to", connectors.ErrPermanent)
	}
	// The reply needs the parent's and root's CIDs: look them up.
	uris := url.Values{"uris": {parent.NativeID}}
	var got struct {
		Posts []struct {
			URI    string `json:"uri"`
			CID    string `json:"cid"`
			Record struct {
				Reply *struct {
					Root strongRef `json:"root"`
				} `json:"reply"`
			} `json:"record"`
		} `json:"posts"`
	}
	if err := c.authed(ctx, call{method: http.MethodGet, nsid: "app.bsky.feed.getPosts", params: uris}, &got); err != nil {
		return connectors.SendResult{}, err
	}
	if len(got.Posts) != 1 || got.Posts[0].URI != parent.NativeID || got.Posts[0].CID == "" {
		return connectors.SendResult{}, fmt.Errorf("%w: the post being answered is gone", connectors.ErrPermanent)
	}
	p := got.Posts[0]
	ref := strongRef{URI: p.URI, CID: p.CID}
	root := ref
	if p.Record.Reply != nil && p.Record.Reply.Root.URI != "" && p.Record.Reply.Root.CID != "" {
		root = p.Record.Reply.Root
	}
	return c.createPost(ctx, msg.Text, map[string]any{"root": root, "parent": ref})
}

// createPost creates an app.bsky.feed.post record on the account with
// text, as a reply when reply (the root and parent refs) is not nil.
func (c *Connector) createPost(ctx context.Context, text string, reply map[string]any) (connectors.SendResult, error) {
	s, err := c.currentSession(ctx)
	if err != nil {
		return connectors.SendResult{}, err
	}
	record := map[string]any{
		"$type":     "app.bsky.feed.post",
		"text":      text,
		"createdAt": c.now().UTC().Format(time.RFC3339Nano),
	}
	if reply != nil {
		record["reply"] = reply
	}
	var raw json.RawMessage
	err = c.authed(ctx, call{method: http.MethodPost, nsid: "com.atproto.repo.createRecord",
		body: map[string]any{"repo": s.DID, "collection": "app.bsky.feed.post", "record": record}}, &raw)
	if err != nil {
		return connectors.SendResult{}, err
	}
	out, err := decodeCreated(raw)
	if err != nil {
		return connectors.SendResult{}, err
	}
	return connectors.SendResult{RemoteID: out.URI, URL: postURL(s.Handle, out.URI)}, nil
}

type strongRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

func (c *Connector) ok() { c.health.OK(c.now(), "") }

func (c *Connector) fail(err error) error { return c.health.Fail(err) }
