package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"switchboard/connectors"
	"switchboard/domain"
)

// Jetstream is Bluesky's firehose as JSON over a WebSocket
// (GET /subscribe?wantedCollections=app.bsky.feed.post&cursor=TIME_US):
// one text message per repository event,
//
//	{"did":"did:plc:…","time_us":1725911162329308,"kind":"commit",
//	 "commit":{"rev":"…","operation":"create","collection":"app.bsky.feed.post",
//	           "rkey":"3l3qo2vutsw2b","record":{…the post…},"cid":"bafy…"}}
//
// It carries every post on the network, so the connector matches
// client-side: posts that mention the account (a mention facet with its
// DID), reply to or quote its posts, and posts holding a followed term.
// time_us is the resume cursor.

// DefaultJetstream is the public Jetstream instance used by default.
const DefaultJetstream = "wss://jetstream2.us-east.bsky.network"

// Jetstream tuning.
const (
	// jetstreamOverlap is how far before the stored cursor a reconnect
	// resumes, so that events near the break are not lost; repeats are
	// stored once.
	jetstreamOverlap = 2 * time.Second
	// jetstreamSave is how often the cursor is stored when nothing
	// matched (a match stores it with the items).
	jetstreamSave = 5 * time.Second
	// maxJetstreamEvent bounds one message (a post record is small).
	maxJetstreamEvent = 1 << 20
	// maxProfiles bounds the handle cache.
	maxProfiles = 10000
)

type jetEvent struct {
	DID    string     `json:"did"`
	TimeUS int64      `json:"time_us"`
	Kind   string     `json:"kind"`
	Commit *jetCommit `json:"commit"`
}

type jetCommit struct {
	Operation  string       `json:"operation"`
	Collection string       `json:"collection"`
	RKey       string       `json:"rkey"`
	CID        string       `json:"cid"`
	Record     *jetPostBody `json:"record"`
}

type jetPostBody struct {
	wirePost
	// Embed is a quote: app.bsky.embed.record's record is the quoted
	// post's strong ref; app.bsky.embed.recordWithMedia nests that one
	// level down (record.record).
	Embed *struct {
		Record *struct {
			URI    string     `json:"uri"`
			Record *strongRef `json:"record"`
		} `json:"record"`
	} `json:"embed"`
}

// SetFollow implements connectors.Follower: Terms are matched in every
// post's text (Hashtags as "#tag" terms and against tag facets).
func (c *Connector) SetFollow(f connectors.Follow) {
	c.followMu.Lock()
	c.follow = f
	c.followMu.Unlock()
}

// Stream implements connectors.Streamer through Jetstream.
func (c *Connector) Stream(ctx context.Context, sink connectors.StreamSink) error {
	if !c.live {
		return connectors.ErrNoStream
	}
	sess, err := c.currentSession(ctx)
	if err != nil {
		return c.fail(err)
	}
	m := c.newMatcher(sess.DID)
	cur, err := sink.Cursor()
	if err != nil {
		return err
	}
	u, err := jetstreamURL(c.jetstream, cur)
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	hc := *c.http
	hc.Timeout = 0 // the stream stays open
	ws, resp, err := websocket.Dial(dctx, u, &websocket.DialOptions{HTTPClient: &hc,
		HTTPHeader: http.Header{"User-Agent": {"switchboard"}}})
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if resp != nil {
			return fmt.Errorf("jetstream: %w (HTTP %d)", connectors.ErrUnavailable, resp.StatusCode)
		}
		return fmt.Errorf("jetstream: %w: %v", connectors.ErrUnavailable, err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(maxJetstreamEvent)
	if err := sink.Live(ctx); err != nil {
		return err
	}
	return c.consume(ctx, ws, m, sink)
}

// jetstreamURL is the subscribe address, resuming jetstreamOverlap
// before cursor (a time_us) when there is one.
func jetstreamURL(base, cursor string) (string, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "wss" && u.Scheme != "ws") || u.Host == "" {
		return "", fmt.Errorf("%w: jetstream %q is not a ws(s) URL", connectors.ErrPermanent, base)
	}
	if !strings.HasSuffix(u.Path, "/subscribe") {
		u.Path += "/subscribe"
	}
	q := url.Values{"wantedCollections": {"app.bsky.feed.post"}}
	if cursor != "" {
		us, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || us <= 0 {
			return "", fmt.Errorf("jetstream cursor %q is not one this connector wrote", cursor)
		}
		q.Set("cursor", strconv.FormatInt(us-jetstreamOverlap.Microseconds(), 10))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// consume reads events until the socket breaks or ctx ends.
func (c *Connector) consume(ctx context.Context, ws *websocket.Conn, m *matcher, sink connectors.StreamSink) error {
	var last int64
	saved := time.Now()
	save := func(items []domain.Mention) error {
		cur := ""
		if last > 0 {
			cur = strconv.FormatInt(last, 10)
		}
		if len(items) == 0 && cur == "" {
			return nil
		}
		saved = time.Now()
		_, err := sink.Push(items, cur)
		return err
	}
	for {
		typ, b, err := ws.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				// keep the position reached (a fresh context: ctx is done)
				_ = save(nil)
				return ctx.Err()
			}
			if serr := save(nil); serr != nil {
				return serr
			}
			return fmt.Errorf("jetstream: %w: %v", connectors.ErrUnavailable, err)
		}
		if typ != websocket.MessageText {
			continue
		}
		mention, us, ok := m.match(b)
		if us > last {
			last = us
		}
		if ok {
			c.addHandle(ctx, &mention)
			if err := save([]domain.Mention{mention}); err != nil {
				return err
			}
			continue
		}
		if time.Since(saved) >= jetstreamSave {
			if err := save(nil); err != nil {
				return err
			}
		}
	}
}

// matcher decides which Jetstream posts are the brand's business.
type matcher struct {
	did    string
	didB   []byte
	follow connectors.Follow
	terms  []string
}

func (c *Connector) newMatcher(did string) *matcher {
	c.followMu.Lock()
	f := c.follow
	c.followMu.Unlock()
	terms := append([]string(nil), f.Terms...)
	for _, h := range f.Hashtags {
		if h = strings.TrimSpace(h); h != "" {
			terms = append(terms, "#"+strings.TrimPrefix(h, "#"))
		}
	}
	return &matcher{did: did, didB: []byte(did), follow: f, terms: terms}
}

// match decodes one event and returns the mention it makes, if the post
// addresses the account or matches a term, and the event's time_us.
// The account's own DID must appear in a post that addresses it (mention
// facet, reply or quote URI), so without terms an event that does not
// hold it is passed over without decoding the record.
func (m *matcher) match(b []byte) (domain.Mention, int64, bool) {
	if len(m.terms) == 0 && !bytes.Contains(b, m.didB) {
		return domain.Mention{}, timeUS(b), false
	}
	var ev jetEvent
	if json.Unmarshal(b, &ev) != nil {
		return domain.Mention{}, 0, false
	}
	cm := ev.Commit
	if ev.Kind != "commit" || cm == nil || cm.Operation != "create" || cm.Collection != "app.bsky.feed.post" ||
		cm.Record == nil || ev.DID == m.did || !isDID(ev.DID) || !isRecordKey(cm.RKey) {
		return domain.Mention{}, ev.TimeUS, false
	}
	p := cm.Record
	if p.Text == nil || len(*p.Text) > maxTextBytes || len(p.Facets) > maxFacets {
		return domain.Mention{}, ev.TimeUS, false
	}
	uri := "at://" + ev.DID + "/app.bsky.feed.post/" + cm.RKey
	kind, matched := domain.Kind(""), ""
	ours := "at://" + m.did + "/"
	for _, f := range p.Facets {
		for _, ft := range f.Features {
			if ft.Type == "app.bsky.richtext.facet#mention" && ft.DID == m.did {
				kind = domain.KindMention
			}
		}
	}
	if p.Reply != nil && strings.HasPrefix(p.Reply.Parent.URI, ours) && kind == "" {
		kind = domain.KindReply
	}
	if e := p.Embed; e != nil && e.Record != nil && kind == "" {
		q := e.Record.URI
		if e.Record.Record != nil {
			q = e.Record.Record.URI
		}
		if strings.HasPrefix(q, ours) {
			kind = domain.KindMention // a quote of the account's post
		}
	}
	if kind == "" {
		matched = connectors.MatchTerm(*p.Text, m.terms)
		if matched == "" {
			matched = m.tagFacet(p.Facets)
		}
		if matched == "" {
			return domain.Mention{}, ev.TimeUS, false
		}
		kind = domain.KindMention
	}
	at := time.UnixMicro(ev.TimeUS).UTC()
	mention := domain.Mention{
		Platform:  domain.PlatformBluesky,
		NativeID:  uri,
		Kind:      kind,
		Author:    domain.Author{ID: ev.DID, Handle: ev.DID},
		Text:      ExpandLinks(*p.Text, p.Facets),
		CreatedAt: at,
		Thread:    uri,
		URL:       postURL("", uri),
	}
	if t, err := time.Parse(time.RFC3339Nano, p.CreatedAt); err == nil && t.Year() > 2000 && t.Before(at.Add(time.Hour)) {
		mention.CreatedAt = t.UTC()
	}
	if len(p.Langs) > 0 && len(p.Langs[0]) <= 35 && printable(p.Langs[0]) {
		mention.Lang = p.Langs[0]
	}
	if p.Reply != nil {
		_, _, _, okp := splitATURI(p.Reply.Parent.URI)
		_, _, _, okr := splitATURI(p.Reply.Root.URI)
		if okp && okr {
			mention.InReplyTo, mention.Thread = p.Reply.Parent.URI, p.Reply.Root.URI
			if kind == domain.KindMention && strings.HasPrefix(p.Reply.Parent.URI, ours) {
				mention.Kind = domain.KindReply
			}
		}
	}
	if matched != "" && m.follow.Mark != nil {
		m.follow.Mark(&mention, matched)
	}
	return mention, ev.TimeUS, true
}

// tagFacet is the followed hashtag a tag facet names, if any.
func (m *matcher) tagFacet(facets []Facet) string {
	for _, f := range facets {
		for _, ft := range f.Features {
			if ft.Type != "app.bsky.richtext.facet#tag" {
				continue
			}
			for _, t := range m.terms {
				if strings.HasPrefix(t, "#") && strings.EqualFold(t[1:], ft.Tag) {
					return t
				}
			}
		}
	}
	return ""
}

// timeUS reads an event's time_us without decoding the rest.
func timeUS(b []byte) int64 {
	i := bytes.Index(b, []byte(`"time_us":`))
	if i < 0 {
		return 0
	}
	b = b[i+len(`"time_us":`):]
	var n int64
	for j := 0; j < len(b) && j < 20; j++ {
		c := b[j]
		if c == ' ' && n == 0 {
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// addHandle fills in the author's handle, name and followers (Jetstream
// gives only the DID), from a cache or app.bsky.actor.getProfiles; when
// that fails the DID stands in, and the next notification fetch of the
// same post brings the handle.
func (c *Connector) addHandle(ctx context.Context, m *domain.Mention) {
	c.profMu.Lock()
	p, ok := c.profiles[m.Author.ID]
	c.profMu.Unlock()
	if !ok {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		var out struct {
			Profiles []wireProfile `json:"profiles"`
		}
		err := c.authed(pctx, call{method: http.MethodGet, nsid: "app.bsky.actor.getProfiles",
			params: url.Values{"actors": {m.Author.ID}}}, &out)
		cancel()
		if err != nil || len(out.Profiles) != 1 || out.Profiles[0].DID != m.Author.ID ||
			out.Profiles[0].Handle == "" || len(out.Profiles[0].Handle) > maxHandle || len(out.Profiles[0].DisplayName) > maxName {
			return
		}
		p = out.Profiles[0]
		c.profMu.Lock()
		if c.profiles == nil || len(c.profiles) >= maxProfiles {
			c.profiles = map[string]wireProfile{}
		}
		c.profiles[m.Author.ID] = p
		c.profMu.Unlock()
	}
	m.Author.Handle, m.Author.Name = p.Handle, p.DisplayName
	m.Author.Verified = p.Verification != nil && p.Verification.VerifiedStatus == "valid"
	if p.FollowersCount != nil && *p.FollowersCount >= 0 {
		m.Author.Followers = *p.FollowersCount
	}
	m.URL = postURL(p.Handle, m.NativeID)
}

var (
	_ connectors.Streamer = (*Connector)(nil)
	_ connectors.Follower = (*Connector)(nil)
)
