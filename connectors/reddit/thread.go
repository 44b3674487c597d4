package reddit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
	"switchboard/domain"
)

// A comment's conversation is its post's comment tree
// (GET /comments/ARTICLE?comment=ID&context=8): the post, the comment's
// parents up to eight levels, and the replies under it. Parents above
// that are read with the top one's id, a few rounds at most.
const (
	threadContext = 8
	threadRounds  = 5
	maxTreeNodes  = 5000
	maxTreeDepth  = 100
)

// wireTreeThing is a thing of a comment tree: a t3 post, a t1 comment
// with its replies (a Listing, or "" when there are none), or "more"
// (collapsed comments the tree does not hold).
type wireTreeThing struct {
	Kind string `json:"kind"`
	Data struct {
		ID         string          `json:"id"`
		Name       string          `json:"name"`
		Author     string          `json:"author"`
		AuthorID   string          `json:"author_fullname"`
		Body       *string         `json:"body"`
		Title      *string         `json:"title"`
		Selftext   string          `json:"selftext"`
		CreatedUTC *float64        `json:"created_utc"`
		Permalink  string          `json:"permalink"`
		ParentID   string          `json:"parent_id"`
		LinkID     string          `json:"link_id"`
		Subreddit  *string         `json:"subreddit"`
		Replies    json.RawMessage `json:"replies"`
	} `json:"data"`
}

type wireTreeListing struct {
	Kind string `json:"kind"`
	Data *struct {
		Children []wireTreeThing `json:"children"`
	} `json:"data"`
}

// DecodeComments decodes a /comments/ARTICLE answer — a post listing and
// its comment tree — into mentions: the post, then the comments depth
// first. A deleted or removed comment is kept as Reddit shows it
// ("[deleted]"), so the replies under it stay in place; collapsed
// comments ("more") are left out. Errors wrap connectors.ErrBadPayload.
func DecodeComments(body []byte, fetched time.Time) ([]domain.Mention, error) {
	var pair []wireTreeListing
	if err := json.Unmarshal(body, &pair); err != nil {
		return nil, fmt.Errorf("%w: reddit comments: %v", connectors.ErrBadPayload, err)
	}
	bad := func(format string, a ...any) ([]domain.Mention, error) {
		return nil, fmt.Errorf("%w: reddit comments: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	if len(pair) != 2 || pair[0].Kind != "Listing" || pair[1].Kind != "Listing" || pair[0].Data == nil || pair[1].Data == nil {
		return bad("not a post and its comments")
	}
	if len(pair[0].Data.Children) != 1 || pair[0].Data.Children[0].Kind != "t3" {
		return bad("no post")
	}
	var out []domain.Mention
	var walk func(ts []wireTreeThing, depth int) error
	walk = func(ts []wireTreeThing, depth int) error {
		if depth > maxTreeDepth {
			return fmt.Errorf("a tree deeper than %d", maxTreeDepth)
		}
		for _, th := range ts {
			if th.Kind == "more" {
				continue
			}
			if len(out) >= maxTreeNodes {
				return fmt.Errorf("a tree of more than %d things", maxTreeNodes)
			}
			m, err := treeMention(th, fetched)
			if err != nil {
				return err
			}
			out = append(out, m)
			if th.Kind != "t1" || len(th.Data.Replies) == 0 || string(th.Data.Replies) == `""` || string(th.Data.Replies) == "null" {
				continue
			}
			var l wireTreeListing
			if err := json.Unmarshal(th.Data.Replies, &l); err != nil || l.Kind != "Listing" || l.Data == nil {
				return fmt.Errorf("%s has replies that are not a Listing", th.Data.Name)
			}
			if err := walk(l.Data.Children, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(pair[0].Data.Children, 0); err != nil {
		return bad("%v", err)
	}
	if err := walk(pair[1].Data.Children, 0); err != nil {
		return bad("%v", err)
	}
	return out, nil
}

// treeMention checks a t3 or t1 of a comment tree.
func treeMention(th wireTreeThing, fetched time.Time) (domain.Mention, error) {
	d := th.Data
	if (th.Kind != "t1" && th.Kind != "t3") || d.Name != th.Kind+"_"+d.ID || !fullnameRE().MatchString(d.Name) {
		return domain.Mention{}, fmt.Errorf("a %q thing has no valid fullname", th.Kind)
	}
	if d.CreatedUTC == nil || math.IsNaN(*d.CreatedUTC) || *d.CreatedUTC < 1_100_000_000 || *d.CreatedUTC > 1e11 {
		return domain.Mention{}, fmt.Errorf("%s has no valid created_utc", d.Name)
	}
	if d.Author != "[deleted]" && !userRE().MatchString(d.Author) {
		return domain.Mention{}, fmt.Errorf("%s has no valid author", d.Name)
	}
	if d.AuthorID != "" && !fullnameRE().MatchString(d.AuthorID) {
		return domain.Mention{}, fmt.Errorf("%s has an invalid author_fullname", d.Name)
	}
	p, err := url.Parse(d.Permalink)
	if err != nil || !strings.HasPrefix(d.Permalink, "/r/") || p.Host != "" {
		return domain.Mention{}, fmt.Errorf("%s has no valid permalink", d.Name)
	}
	m := domain.Mention{Platform: domain.PlatformReddit, NativeID: d.Name, CreatedAt: time.Unix(int64(*d.CreatedUTC), 0).UTC(),
		FetchedAt: fetched, Author: domain.Author{ID: d.AuthorID, Handle: d.Author}, URL: "https://www.reddit.com" + d.Permalink}
	if th.Kind == "t3" {
		if d.Title == nil || d.Subreddit == nil || !subRE().MatchString(*d.Subreddit) {
			return domain.Mention{}, fmt.Errorf("%s has no title or subreddit", d.Name)
		}
		m.Text, m.Kind, m.Thread = *d.Title, domain.KindMention, d.Name
		if d.Selftext != "" {
			m.Text += "\n\n" + d.Selftext
		}
	} else {
		if d.Body == nil || !fullnameRE().MatchString(d.ParentID) || !fullnameRE().MatchString(d.LinkID) || !strings.HasPrefix(d.LinkID, "t3_") {
			return domain.Mention{}, fmt.Errorf("%s has no body, parent or post", d.Name)
		}
		m.Text, m.InReplyTo, m.Thread, m.Kind = *d.Body, d.ParentID, d.LinkID, domain.KindReply
		if strings.HasPrefix(d.ParentID, "t3_") {
			m.Kind = domain.KindComment
		}
	}
	if len(m.Text) > maxTextBytes || !utf8.ValidString(m.Text) {
		return domain.Mention{}, fmt.Errorf("%s has oversized or invalid text", d.Name)
	}
	return m, nil
}

// FetchThread implements connectors.ThreadFetcher with the post's comment
// tree around the comment. A post or comment Reddit no longer has, and
// parents it does not return, are reported missing.
func (c *Connector) FetchThread(ctx context.Context, m domain.Mention) (connectors.Thread, error) {
	if m.Platform != domain.PlatformReddit || m.Kind == domain.KindDM || !fullnameRE().MatchString(m.NativeID) {
		return connectors.Thread{}, nil
	}
	article := m.Thread
	if strings.HasPrefix(m.NativeID, "t3_") {
		article = m.NativeID
	}
	if !strings.HasPrefix(article, "t3_") || !fullnameRE().MatchString(article) {
		return connectors.Thread{}, nil // a message, or a comment whose post is not known
	}
	have := map[string]domain.Mention{}
	var order, missing []string
	// up is the first parent of m (walking up through what is had) that
	// is not had yet ("" when the tree reaches the post)
	up := func() string {
		seen := map[string]bool{}
		for id := m.InReplyTo; id != "" && !seen[id]; {
			seen[id] = true
			p, ok := have[id]
			if !ok {
				return id
			}
			id = p.InReplyTo
		}
		return ""
	}
	ask := m.NativeID
	for round := 0; ask != ""; round++ {
		if round == threadRounds {
			missing = append(missing, ask) // out of reach
			break
		}
		q := url.Values{"raw_json": {"1"}, "limit": {"500"}, "sort": {"old"}}
		if strings.HasPrefix(ask, "t1_") {
			q.Set("comment", strings.TrimPrefix(ask, "t1_"))
			q.Set("context", fmt.Sprint(threadContext))
		}
		body, err := c.api(ctx, http.MethodGet, "/comments/"+strings.TrimPrefix(article, "t3_")+"?"+q.Encode(), nil)
		if errors.Is(err, errNotFound) {
			missing = append(missing, ask) // the post is gone
			break
		}
		if err != nil {
			return connectors.Thread{}, c.fail(err)
		}
		items, err := DecodeComments(body, c.now())
		if err != nil {
			return connectors.Thread{}, c.fail(err)
		}
		for _, it := range items {
			if _, ok := have[it.NativeID]; !ok {
				order = append(order, it.NativeID)
			}
			it.Connector = c.name
			have[it.NativeID] = it
		}
		if _, ok := have[ask]; !ok {
			missing = append(missing, ask) // removed past showing, or not of this post
			break
		}
		ask = up()
	}
	out := connectors.Thread{Missing: missing}
	for _, id := range order {
		out.Items = append(out.Items, have[id])
	}
	c.ok()
	return out, nil
}

var _ connectors.ThreadFetcher = (*Connector)(nil)
