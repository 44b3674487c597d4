package reddit

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
	"switchboard/domain"
)

// Limits on what a sane answer holds; anything past them is hostile.
const (
	maxTextBytes = 64 << 10
	maxItems     = 1000
)

var (
	fullnameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^t[1-6]_[0-9a-z]{1,13}$`) })
	userRE     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,30}$`) })
	subRE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_]{2,21}$`) })
	// context: /r/<sub>/comments/<link id>/<slug>/<comment id>/?context=3
	contextRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^/r/[A-Za-z0-9_]{2,21}/comments/([0-9a-z]{1,13})/`) })
)

// ListingPage is one decoded listing: its items newest first, each item's
// creation time, and the fullname to page on from (after).
type ListingPage struct {
	Items   []domain.Mention
	Created []time.Time
	After   string
}

type wireThing struct {
	Kind string `json:"kind"`
	Data struct {
		ID            string   `json:"id"`
		Name          string   `json:"name"`
		Author        string   `json:"author"`
		AuthorID      string   `json:"author_fullname"`
		Body          *string  `json:"body"`
		Title         *string  `json:"title"`
		Selftext      string   `json:"selftext"`
		Subject       string   `json:"subject"`
		CreatedUTC    *float64 `json:"created_utc"`
		Context       string   `json:"context"`
		Permalink     string   `json:"permalink"`
		ParentID      *string  `json:"parent_id"`
		FirstMessage  *string  `json:"first_message_name"`
		Type          string   `json:"type"`
		WasComment    bool     `json:"was_comment"`
		Subreddit     *string  `json:"subreddit"`
		AuthorPremium bool     `json:"author_premium"`
	} `json:"data"`
}

// DecodeListing decodes and checks one Reddit listing of inbox items (t1
// comments, t4 messages) or search results (t3 posts). Any item that
// breaks the rules fails the whole page with an error wrapping
// connectors.ErrBadPayload: nothing is half-returned.
func DecodeListing(body []byte, fetched time.Time) (ListingPage, error) {
	var w struct {
		Kind string `json:"kind"`
		Data *struct {
			After    *string     `json:"after"`
			Children []wireThing `json:"children"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return ListingPage{}, fmt.Errorf("%w: reddit listing: %v", connectors.ErrBadPayload, err)
	}
	bad := func(format string, a ...any) (ListingPage, error) {
		return ListingPage{}, fmt.Errorf("%w: reddit listing: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	if w.Kind != "Listing" || w.Data == nil {
		return bad("not a Listing")
	}
	if len(w.Data.Children) > maxItems {
		return bad("%d items is more than a page holds", len(w.Data.Children))
	}
	var out ListingPage
	if w.Data.After != nil {
		if !fullnameRE().MatchString(*w.Data.After) {
			return bad("after is not a fullname")
		}
		out.After = *w.Data.After
	}
	for i, th := range w.Data.Children {
		d := th.Data
		if !fullnameRE().MatchString(d.Name) || !strings.HasPrefix(d.Name, th.Kind+"_") || d.Name != th.Kind+"_"+d.ID {
			return bad("item %d has no valid fullname", i)
		}
		if d.CreatedUTC == nil || math.IsNaN(*d.CreatedUTC) || *d.CreatedUTC < 1_100_000_000 || *d.CreatedUTC > 1e11 {
			return bad("%s has no valid created_utc", d.Name)
		}
		created := time.Unix(int64(*d.CreatedUTC), 0).UTC()
		if d.Author != "[deleted]" && !userRE().MatchString(d.Author) {
			return bad("%s has no valid author", d.Name)
		}
		if d.AuthorID != "" && !fullnameRE().MatchString(d.AuthorID) {
			return bad("%s has an invalid author_fullname", d.Name)
		}
		m := domain.Mention{Platform: domain.PlatformReddit, NativeID: d.Name, CreatedAt: created, FetchedAt: fetched,
			Author: domain.Author{ID: d.AuthorID, Handle: d.Author}}
		if d.ParentID != nil && *d.ParentID != "" {
			if !fullnameRE().MatchString(*d.ParentID) {
				return bad("%s has an invalid parent_id", d.Name)
			}
			m.InReplyTo = *d.ParentID
		}
		switch th.Kind {
		case "t1":
			if d.Body == nil {
				return bad("%s has no body", d.Name)
			}
			m.Text = *d.Body
			sm := contextRE().FindStringSubmatch(d.Context)
			if sm == nil {
				return bad("%s has no valid context link", d.Name)
			}
			m.Thread = "t3_" + sm[1]
			m.URL = "https://www.reddit.com" + d.Context
			switch d.Type {
			case "username_mention":
				m.Kind = domain.KindMention
			case "post_reply":
				m.Kind = domain.KindComment
			default:
				m.Kind = domain.KindReply
			}
		case "t4":
			if d.Body == nil {
				return bad("%s has no body", d.Name)
			}
			m.Text = *d.Body
			if d.Subject != "" {
				m.Text = d.Subject + "\n\n" + m.Text
			}
			m.Kind = domain.KindDM
			m.Thread = d.Name
			if d.FirstMessage != nil && *d.FirstMessage != "" {
				if !fullnameRE().MatchString(*d.FirstMessage) {
					return bad("%s has an invalid first_message_name", d.Name)
				}
				m.Thread = *d.FirstMessage
			}
			m.URL = "https://www.reddit.com/message/messages/" + d.ID
		case "t3":
			if d.Title == nil || d.Subreddit == nil || !subRE().MatchString(*d.Subreddit) {
				return bad("%s has no title or subreddit", d.Name)
			}
			m.Text = *d.Title
			if d.Selftext != "" {
				m.Text += "\n\n" + d.Selftext
			}
			m.Kind = domain.KindMention
			m.Thread = d.Name
			p, err := url.Parse(d.Permalink)
			if err != nil || !strings.HasPrefix(d.Permalink, "/r/") || p.Host != "" {
				return bad("%s has no valid permalink", d.Name)
			}
			m.URL = "https://www.reddit.com" + d.Permalink
		default:
			return bad("item %s is a %q, not a comment, message or post", d.Name, th.Kind)
		}
		if len(m.Text) > maxTextBytes || !utf8.ValidString(m.Text) {
			return bad("%s has oversized or invalid text", d.Name)
		}
		out.Items = append(out.Items, m)
		out.Created = append(out.Created, created)
	}
	return out, nil
}
