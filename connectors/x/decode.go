package x

import (
	"encoding/json"
	"fmt"
	"net/url"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
	"switchboard/domain"
)

// Limits on what a sane answer holds; anything past them is hostile.
const (
	maxTextBytes   = 64 << 10
	maxHandleBytes = 64
	maxNameBytes   = 512
	maxTokenBytes  = 512
	maxItems       = 1000
)

// MentionsPage is one decoded page of GET /2/users/{id}/mentions.
type MentionsPage struct {
	Items     []domain.Mention
	NewestID  string   // meta.newest_id, or the newest item id
	NextToken string   // meta.next_token: the next (older) page
	Problems  []string // partial errors reported beside the data
}

type wireTweet struct {
	ID             string  `json:"id"`
	Text           *string `json:"text"`
	AuthorID       string  `json:"author_id"`
	ConversationID string  `json:"conversation_id"`
	CreatedAt      string  `json:"created_at"`
	Lang           string  `json:"lang"`
	InReplyToUser  string  `json:"in_reply_to_user_id"`
	// docs.x.com names the references referenced_tweets; the reference
	// OpenAPI document names them referenced_posts. Either is read.
	RefTweets []wireRef `json:"referenced_tweets"`
	RefPosts  []wireRef `json:"referenced_posts"`
}

type wireRef struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type wireUser struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Username      string `json:"username"`
	Verified      bool   `json:"verified"`
	PublicMetrics *struct {
		Followers int64 `json:"followers_count"`
	} `json:"public_metrics"`
}

type wireProblem struct {
	Title   string `json:"title"`
	Detail  string `json:"detail"`
	Message string `json:"message"`
	Type    string `json:"type"`
}

type wireMentions struct {
	Data     []wireTweet `json:"data"`
	Includes struct {
		Users []wireUser `json:"users"`
	} `json:"includes"`
	Meta struct {
		NewestID  string `json:"newest_id"`
		NextToken string `json:"next_token"`
	} `json:"meta"`
	Errors []wireProblem `json:"errors"`
}

// DecodeMentions decodes and checks one mentions page. Any item that breaks
// the rules fails the whole page with an error wrapping
// connectors.ErrBadPayload: nothing is half-returned.
func DecodeMentions(body []byte, fetched time.Time) (MentionsPage, error) {
	var w wireMentions
	if err := json.Unmarshal(body, &w); err != nil {
		return MentionsPage{}, fmt.Errorf("%w: x mentions: %v", connectors.ErrBadPayload, err)
	}
	bad := func(format string, a ...any) (MentionsPage, error) {
		return MentionsPage{}, fmt.Errorf("%w: x mentions: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	if len(w.Data) > maxItems || len(w.Includes.Users) > maxItems {
		return bad("%d items is more than a page holds", max(len(w.Data), len(w.Includes.Users)))
	}
	if w.Meta.NewestID != "" && !isID(w.Meta.NewestID) {
		return bad("meta.newest_id is not a post id")
	}
	if len(w.Meta.NextToken) > maxTokenBytes || !printableASCII(w.Meta.NextToken) {
		return bad("meta.next_token is not a pagination token")
	}
	users := make(map[string]wireUser, len(w.Includes.Users))
	for i, u := range w.Includes.Users {
		if !isID(u.ID) {
			return bad("user %d has no valid id", i)
		}
		if u.Username == "" || len(u.Username) > maxHandleBytes || len(u.Name) > maxNameBytes {
			return bad("user %s has a missing or oversized handle or name", u.ID)
		}
		if u.PublicMetrics != nil && u.PublicMetrics.Followers < 0 {
			return bad("user %s has a negative follower count", u.ID)
		}
		users[u.ID] = u
	}
	out := MentionsPage{NewestID: w.Meta.NewestID, NextToken: w.Meta.NextToken}
	out.Items = make([]domain.Mention, 0, len(w.Data))
	for i, t := range w.Data {
		m, err := decodeTweet(i, t, users, fetched)
		if err != nil {
			return MentionsPage{}, fmt.Errorf("%w: x mentions: %v", connectors.ErrBadPayload, err)
		}
		if out.NewestID == "" || idLess(out.NewestID, t.ID) {
			out.NewestID = t.ID
		}
		out.Items = append(out.Items, m)
	}
	for _, p := range w.Errors {
		msg := p.Message
		if msg == "" {
			msg = p.Title + ": " + p.Detail
		}
		out.Problems = append(out.Problems, clip(msg))
	}
	if len(w.Data) == 0 && len(w.Errors) > 0 && w.Meta.NewestID == "" && w.Meta.NextToken == "" {
		return MentionsPage{}, fmt.Errorf("%w: x mentions: %s", connectors.ErrPermanent, out.Problems[0])
	}
	return out, nil
}

// decodeTweet checks one post (the i-th of its list) and turns it into a
// mention, its author from users.
func decodeTweet(i int, t wireTweet, users map[string]wireUser, fetched time.Time) (domain.Mention, error) {
	if !isID(t.ID) {
		return domain.Mention{}, fmt.Errorf("post %d has no valid id", i)
	}
	if t.Text == nil || len(*t.Text) > maxTextBytes || !utf8.ValidString(*t.Text) {
		return domain.Mention{}, fmt.Errorf("post %s has missing, oversized or invalid text", t.ID)
	}
	if !isID(t.AuthorID) {
		return domain.Mention{}, fmt.Errorf("post %s has no valid author_id", t.ID)
	}
	created, err := time.Parse(time.RFC3339Nano, t.CreatedAt)
	if err != nil || created.Year() < 2006 {
		return domain.Mention{}, fmt.Errorf("post %s has no valid created_at", t.ID)
	}
	if (t.ConversationID != "" && !isID(t.ConversationID)) || (t.InReplyToUser != "" && !isID(t.InReplyToUser)) {
		return domain.Mention{}, fmt.Errorf("post %s has an invalid conversation or reply id", t.ID)
	}
	if len(t.Lang) > 35 || !printableASCII(t.Lang) {
		return domain.Mention{}, fmt.Errorf("post %s has an invalid lang", t.ID)
	}
	m := domain.Mention{
		Platform:  domain.PlatformX,
		NativeID:  t.ID,
		Kind:      domain.KindMention,
		Text:      *t.Text,
		Lang:      t.Lang,
		CreatedAt: created.UTC(),
		FetchedAt: fetched,
		Thread:    t.ConversationID,
		Author:    domain.Author{ID: t.AuthorID},
	}
	for _, r := range append(t.RefTweets, t.RefPosts...) {
		if !isID(r.ID) {
			return domain.Mention{}, fmt.Errorf("post %s references an invalid id", t.ID)
		}
		if r.Type == "replied_to" {
			m.Kind = domain.KindReply
			m.InReplyTo = r.ID
		}
	}
	who := "i"
	if u, ok := users[t.AuthorID]; ok {
		m.Author.Handle = u.Username
		m.Author.Name = u.Name
		m.Author.Verified = u.Verified
		if u.PublicMetrics != nil {
			m.Author.Followers = u.PublicMetrics.Followers
		}
		who = url.PathEscape(u.Username)
	}
	m.URL = "https://x.com/" + who + "/status/" + t.ID
	return m, nil
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
