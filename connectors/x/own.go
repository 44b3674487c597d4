package x

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
	"switchboard/domain"
)

// Fields the hijack watch asks for: source is the app that posted (X
// returns it where it still does), profile fields are what a thief
// changes first.
const (
	ownTweetFields = "created_at,source"
	ownUserFields  = "description,name,profile_image_url,url,username"
)

type ownTweet struct {
	ID        string  `json:"id"`
	Text      *string `json:"text"`
	CreatedAt string  `json:"created_at"`
	Source    string  `json:"source"`
}

// FetchOwn implements connectors.OwnPostsFetcher: the account's profile
// from GET /2/users/:id and its posts since the cursor (replies and
// reposts included) from GET /2/users/:id/tweets with since_id and
// tweet.fields=source,created_at.
func (c *Connector) FetchOwn(ctx context.Context, cur string) (connectors.OwnPage, error) {
	if cur != "" && !isID(cur) {
		return connectors.OwnPage{}, c.fail(fmt.Errorf("%w: own-posts cursor %q is not a post id", connectors.ErrBadPayload, clip(cur)))
	}
	_, body, err := c.call(ctx, http.MethodGet, "/2/users/"+c.userID+"?"+url.Values{"user.fields": {ownUserFields}}.Encode(), nil, http.StatusOK)
	if err != nil {
		return connectors.OwnPage{}, c.fail(err)
	}
	var u struct {
		Data *struct {
			ID, Name, Username, Description, URL string
			Image                                string `json:"profile_image_url"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &u); err != nil || u.Data == nil || u.Data.ID != c.userID || len(u.Data.Description) > maxTextBytes {
		return connectors.OwnPage{}, c.fail(fmt.Errorf("%w: x user: not the account's profile", connectors.ErrBadPayload))
	}
	handle := "@" + u.Data.Username
	page := connectors.OwnPage{Handle: handle, Cursor: cur, Profile: &domain.AccountProfile{Handle: handle, Name: u.Data.Name,
		Avatar: u.Data.Image, Bio: xEntities.Replace(u.Data.Description)}}
	if u.Data.URL != "" {
		page.Profile.Links = []string{u.Data.URL}
	}
	who := u.Data.Username
	if who == "" {
		who = "i"
	}
	next := ""
	for range maxPages {
		q := url.Values{"max_results": {strconv.Itoa(c.pageSize)}, "tweet.fields": {ownTweetFields}}
		if cur != "" {
			q.Set("since_id", cur)
		}
		if next != "" {
			q.Set("pagination_token", next)
		}
		_, body, err := c.call(ctx, http.MethodGet, "/2/users/"+c.userID+"/tweets?"+q.Encode(), nil, http.StatusOK)
		if err != nil {
			return connectors.OwnPage{}, c.fail(err)
		}
		var w struct {
			Data []ownTweet `json:"data"`
			Meta struct {
				NextToken string `json:"next_token"`
			} `json:"meta"`
		}
		if err := json.Unmarshal(body, &w); err != nil || len(w.Data) > maxItems {
			return connectors.OwnPage{}, c.fail(fmt.Errorf("%w: x posts of the account", connectors.ErrBadPayload))
		}
		for _, t := range w.Data {
			if !isID(t.ID) || t.Text == nil || len(*t.Text) > maxTextBytes || !utf8.ValidString(*t.Text) || len(t.Source) > 200 {
				return connectors.OwnPage{}, c.fail(fmt.Errorf("%w: x posts of the account: a post breaks the schema", connectors.ErrBadPayload))
			}
			if cur != "" && !idLess(cur, t.ID) {
				continue // since_id is honoured; never trust it blindly
			}
			created, _ := time.Parse(time.RFC3339, t.CreatedAt)
			page.Posts = append(page.Posts, domain.OwnPost{ID: t.ID, URL: "https://x.com/" + url.PathEscape(who) + "/status/" + t.ID,
				Text: xEntities.Replace(*t.Text), App: t.Source, CreatedAt: created.UTC()})
			if page.Cursor == "" || idLess(page.Cursor, t.ID) {
				page.Cursor = t.ID
			}
		}
		if w.Meta.NextToken == "" || cur == "" {
			break // the end, or a first look: the newest page is the baseline
		}
		next = w.Meta.NextToken
	}
	c.ok(nil)
	return page, nil
}

var _ connectors.OwnPostsFetcher = (*Connector)(nil)
