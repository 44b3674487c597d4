package x

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"switchboard/connectors"
	"switchboard/domain"
)

var _ connectors.Reconciler = (*Connector)(nil)

// lookupFields are asked for when looking a sent message up. The DM events
// endpoint names the sender through the sender_id expansion (the reference
// document does not list sender_id among dm_event.fields).
const (
	lookupDMFields   = "id,text,event_type,created_at,dm_conversation_id"
	lookupPostFields = "referenced_tweets,conversation_id,created_at"
)

// Lookup implements connectors.Reconciler. X takes no idempotency key, so
// after a crash mid-send it looks among the 100 newest items: for a private
// message, the direct-message events of the one-to-one conversation with
// the mention's author, for one sent by this account with the same text;
// for a public reply, this account's posts, for a reply to the mention with
// the same text. found=false means X answered and the message is not
// there; an error means X could not be asked or its answer could not be
// read.
func (c *Connector) Lookup(ctx context.Context, msg connectors.Message) (connectors.SendResult, bool, error) {
	if msg.Visibility == domain.VisibilityPrivate {
		to := msg.InReplyTo.Author.ID
		if !isID(to) {
			return connectors.SendResult{}, false, nil // Send refuses it before any call
		}
		q := url.Values{"max_results": {"100"}, "event_types": {"MessageCreate"},
			"dm_event.fields": {lookupDMFields}, "expansions": {"sender_id"}}
		_, body, err := c.call(ctx, http.MethodGet, "/2/dm_conversations/with/"+to+"/dm_events?"+q.Encode(), nil, http.StatusOK)
		if err != nil {
			return connectors.SendResult{}, false, c.fail(err)
		}
		events, err := decodeDMEvents(body)
		if err != nil {
			return connectors.SendResult{}, false, c.fail(err)
		}
		for _, e := range events {
			if (e.EventType != "" && e.EventType != "MessageCreate") || !sameText(msg.Text, e.Text, false) {
				continue
			}
			if e.SenderID == "" {
				// the same words, but whose? Not ours to guess.
				return connectors.SendResult{}, false, c.fail(fmt.Errorf("%w: x dm event %s has no sender_id", connectors.ErrBadPayload, e.ID))
			}
			if e.SenderID != c.userID {
				continue
			}
			conv := e.ConversationID
			if conv == "" {
				conv = oneToOne(c.userID, to)
			}
			c.ok(nil)
			return connectors.SendResult{RemoteID: e.ID, URL: "https://x.com/messages/" + url.PathEscape(conv)}, true, nil
		}
		c.ok(nil)
		return connectors.SendResult{}, false, nil
	}
	parent := msg.InReplyTo.NativeID
	if !isID(parent) {
		return connectors.SendResult{}, false, nil // Send refuses it before any call
	}
	q := url.Values{"max_results": {"100"}, "exclude": {"retweets"}, "tweet.fields": {lookupPostFields}}
	_, body, err := c.call(ctx, http.MethodGet, "/2/users/"+c.userID+"/tweets?"+q.Encode(), nil, http.StatusOK)
	if err != nil {
		return connectors.SendResult{}, false, c.fail(err)
	}
	posts, err := decodeUserPosts(body)
	if err != nil {
		return connectors.SendResult{}, false, c.fail(err)
	}
	for _, p := range posts {
		if p.RepliedTo != parent || !sameText(msg.Text, p.Text, true) {
			continue
		}
		who := c.username
		if who == "" {
			who = "i"
		}
		c.ok(nil)
		return connectors.SendResult{RemoteID: p.ID, URL: "https://x.com/" + who + "/status/" + p.ID}, true, nil
	}
	c.ok(nil)
	return connectors.SendResult{}, false, nil
}

// oneToOne is the id X gives the conversation of two users: both ids,
// smaller first, joined by "-".
func oneToOne(a, b string) string {
	if idLess(b, a) {
		a, b = b, a
	}
	return a + "-" + b
}

// xEntities undoes the escaping X applies to post and message text.
var xEntities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// sameText reports whether got, as X returns it, is the text that was
// sent. X escapes &, < and > as HTML entities and may normalise line
// ends and outer white space; a reply's text may also gain (or lose) the
// @handles it is addressed to at its start, so for replies those are
// left out on both sides.
func sameText(sent, got string, reply bool) bool {
	norm := func(s string) string {
		s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
		if reply {
			for strings.HasPrefix(s, "@") {
				i := strings.IndexAny(s, " \n\t")
				if i < 0 {
					break // only handles: compare as they are
				}
				s = strings.TrimLeft(s[i:], " \n\t")
			}
		}
		return s
	}
	a, b := norm(sent), norm(xEntities.Replace(got))
	return a != "" && a == b
}

// dmEvent is one checked event of a DM conversation.
type dmEvent struct {
	ID             string
	Text           string
	EventType      string
	SenderID       string
	ConversationID string
}

// decodeDMEvents reads an answer of GET
// /2/dm_conversations/with/{participant_id}/dm_events. Every id is checked;
// an answer with errors and no data (X could not say) is an error.
func decodeDMEvents(b []byte) ([]dmEvent, error) {
	var w struct {
		Data []struct {
			ID             string  `json:"id"`
			Text           *string `json:"text"`
			EventType      string  `json:"event_type"`
			SenderID       string  `json:"sender_id"`
			ConversationID string  `json:"dm_conversation_id"`
		} `json:"data"`
		Errors []wireProblem `json:"errors"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%w: x dm events: %v", connectors.ErrBadPayload, err)
	}
	bad := func(format string, a ...any) ([]dmEvent, error) {
		return nil, fmt.Errorf("%w: x dm events: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	if len(w.Data) > maxItems {
		return bad("%d events is more than a page holds", len(w.Data))
	}
	if len(w.Data) == 0 && len(w.Errors) > 0 {
		return bad("no events, only errors: %s", problemText(w.Errors[0]))
	}
	out := make([]dmEvent, 0, len(w.Data))
	for i, e := range w.Data {
		if !isID(e.ID) {
			return bad("event %d has no valid id", i)
		}
		if (e.SenderID != "" && !isID(e.SenderID)) || (e.ConversationID != "" && !isConversationID(e.ConversationID)) {
			return bad("event %s has an invalid sender or conversation id", e.ID)
		}
		if len(e.EventType) > 64 || !printableASCII(e.EventType) {
			return bad("event %s has an invalid event_type", e.ID)
		}
		text := ""
		if e.Text != nil {
			text = *e.Text
		}
		if len(text) > maxTextBytes || !utf8.ValidString(text) {
			return bad("event %s has oversized or invalid text", e.ID)
		}
		out = append(out, dmEvent{ID: e.ID, Text: text, EventType: e.EventType, SenderID: e.SenderID, ConversationID: e.ConversationID})
	}
	return out, nil
}

// userPost is one checked post of the account's timeline.
type userPost struct {
	ID        string
	Text      string
	RepliedTo string // the post it answers, if any
}

// decodeUserPosts reads an answer of GET /2/users/{id}/tweets.
func decodeUserPosts(b []byte) ([]userPost, error) {
	var w struct {
		Data   []wireTweet   `json:"data"`
		Errors []wireProblem `json:"errors"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%w: x posts: %v", connectors.ErrBadPayload, err)
	}
	bad := func(format string, a ...any) ([]userPost, error) {
		return nil, fmt.Errorf("%w: x posts: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	if len(w.Data) > maxItems {
		return bad("%d posts is more than a page holds", len(w.Data))
	}
	if len(w.Data) == 0 && len(w.Errors) > 0 {
		return bad("no posts, only errors: %s", problemText(w.Errors[0]))
	}
	out := make([]userPost, 0, len(w.Data))
	for i, t := range w.Data {
		if !isID(t.ID) {
			return bad("post %d has no valid id", i)
		}
		if t.Text == nil || len(*t.Text) > maxTextBytes || !utf8.ValidString(*t.Text) {
			return bad("post %s has missing, oversized or invalid text", t.ID)
		}
		p := userPost{ID: t.ID, Text: *t.Text}
		for _, r := range append(t.RefTweets, t.RefPosts...) {
			if !isID(r.ID) {
				return bad("post %s references an invalid id", t.ID)
			}
			if r.Type == "replied_to" {
				p.RepliedTo = r.ID
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func problemText(p wireProblem) string {
	msg := p.Message
	if msg == "" {
		msg = p.Title + ": " + p.Detail
	}
	return clip(msg)
}
