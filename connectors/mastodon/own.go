package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/safetext"
)

// ownPages bounds the pages of own statuses read in one look.
const ownPages = 5

// credAccount is the part of verify_credentials' CredentialAccount the
// hijack watch reads: who the token is, and the public profile.
type credAccount struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	Acct        string `json:"acct"`
	DisplayName string `json:"display_name"`
	Note        string `json:"note"`
	Avatar      string `json:"avatar"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
}

// ownStatus is a status of the account itself: application says which
// client posted it (Mastodon shows it to the account's owner).
type ownStatus struct {
	status
	Application *struct {
		Name string `json:"name"`
	} `json:"application"`
	Reblog *json.RawMessage `json:"reblog"`
}

// FetchOwn implements connectors.OwnPostsFetcher: verify_credentials says
// which account the token is (and its profile); GET
// /api/v1/accounts/:id/statuses with min_id = cursor lists its statuses
// since, replies included, each with the application that posted it.
func (c *Connector) FetchOwn(ctx context.Context, cursor string) (connectors.OwnPage, error) {
	body, _, err := c.do(ctx, http.MethodGet, "/api/v1/accounts/verify_credentials", nil, nil)
	if err != nil {
		return connectors.OwnPage{}, err
	}
	var me credAccount
	if err := json.Unmarshal(body, &me); err != nil || me.ID == "" || !safeID(me.ID) {
		return connectors.OwnPage{}, fmt.Errorf("mastodon: %w: verify_credentials", connectors.ErrBadPayload)
	}
	page := connectors.OwnPage{Handle: author(account{ID: me.ID, Username: me.Username, Acct: me.Acct}, c.host).Handle, Cursor: cursor}
	prof := &domain.AccountProfile{Handle: page.Handle, Name: me.DisplayName, Avatar: me.Avatar, Bio: PlainText(me.Note)}
	for _, f := range me.Fields {
		prof.Links = append(prof.Links, f.Name+": "+PlainText(f.Value))
	}
	page.Profile = prof
	for i := 0; i < ownPages; i++ {
		q := url.Values{}
		q.Set("limit", strconv.Itoa(c.limit))
		if page.Cursor != "" {
			q.Set("min_id", page.Cursor)
		}
		body, _, err := c.do(ctx, http.MethodGet, "/api/v1/accounts/"+url.PathEscape(me.ID)+"/statuses?"+q.Encode(), nil, nil)
		if err != nil {
			return connectors.OwnPage{}, err
		}
		var sts []ownStatus
		if err := json.Unmarshal(body, &sts); err != nil {
			return connectors.OwnPage{}, fmt.Errorf("mastodon: %w: account statuses: %v", connectors.ErrBadPayload, err)
		}
		for _, st := range sts {
			if st.ID == "" || !safeID(st.ID) {
				return connectors.OwnPage{}, fmt.Errorf("mastodon: %w: a status without a usable id", connectors.ErrBadPayload)
			}
			created, err := time.Parse(time.RFC3339Nano, st.CreatedAt)
			if err != nil {
				return connectors.OwnPage{}, fmt.Errorf("mastodon: %w: status %s: created_at %q", connectors.ErrBadPayload, st.ID, safetext.Truncate(st.CreatedAt, 40, "…"))
			}
			p := domain.OwnPost{ID: st.ID, URL: st.URI, Text: PlainText(st.Content), CreatedAt: created.UTC()}
			if st.URL != nil && *st.URL != "" {
				p.URL = *st.URL
			}
			if st.SpoilerText != "" {
				p.Text = "CW: " + st.SpoilerText + "\n\n" + p.Text
			}
			if st.Reblog != nil && string(*st.Reblog) != "null" {
				p.Text = "(boost) " + p.Text
			}
			if st.Application != nil {
				p.App = st.Application.Name
			}
			page.Posts = append(page.Posts, p)
		}
		if len(sts) == 0 {
			break
		}
		// newest first: the first status is the new cursor
		page.Cursor = sts[0].ID
		if cursor == "" || len(sts) < c.limit {
			break // a first look takes the newest page only: the baseline
		}
	}
	return page, nil
}

// safeID reports whether id is a plain opaque id (no separators, no
// control characters).
func safeID(id string) bool {
	return len(id) <= 64 && !strings.ContainsAny(id, "/?#%\\ ") && safetext.Line(id) == id
}

var _ connectors.OwnPostsFetcher = (*Connector)(nil)
