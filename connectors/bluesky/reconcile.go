package bluesky

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

// lookupLimit is how many of the newest messages or posts a lookup reads
// (the most either call returns at once).
const lookupLimit = "100"

// Lookup implements connectors.Reconciler. Bluesky takes no idempotency
// key, so after a crash mid-send it looks among the 100 newest items: for
// a private message, the messages of the conversation with the mention's
// author (through the chat service), for one sent by this account with the
// same text; for a public reply, the posts in this account's own repository
// (read from the PDS itself, so a post the app view has not indexed yet is
// still seen), for a reply to the mention with the same text. found=false
// means Bluesky answered and the message is not there; an error means it
// could not be asked or its answer could not be read.
func (c *Connector) Lookup(ctx context.Context, msg connectors.Message) (connectors.SendResult, bool, error) {
	var res connectors.SendResult
	var found bool
	var err error
	if msg.Visibility == domain.VisibilityPrivate {
		res, found, err = c.lookupDM(ctx, msg)
	} else {
		res, found, err = c.lookupReply(ctx, msg)
	}
	if err != nil {
		return connectors.SendResult{}, false, c.fail(err)
	}
	return res, found, nil
}

func (c *Connector) lookupDM(ctx context.Context, msg connectors.Message) (connectors.SendResult, bool, error) {
	to := msg.InReplyTo.Author.ID
	if !isDID(to) {
		return connectors.SendResult{}, false, nil // Send refuses it before any call
	}
	s, err := c.currentSession(ctx)
	if err != nil {
		return connectors.SendResult{}, false, err
	}
	var raw json.RawMessage
	err = c.authed(ctx, call{method: http.MethodGet, nsid: "chat.bsky.convo.getConvoForMembers",
		params: url.Values{"members": {to}}, chat: true}, &raw)
	if err != nil {
		return connectors.SendResult{}, false, err
	}
	convID, err := decodeConvo(raw)
	if err != nil {
		return connectors.SendResult{}, false, err
	}
	raw = nil
	err = c.authed(ctx, call{method: http.MethodGet, nsid: "chat.bsky.convo.getMessages",
		params: url.Values{"convoId": {convID}, "limit": {lookupLimit}}, chat: true}, &raw)
	if err != nil {
		return connectors.SendResult{}, false, err
	}
	msgs, err := decodeMessages(raw)
	if err != nil {
		return connectors.SendResult{}, false, err
	}
	c.ok()
	for _, m := range msgs {
		if m.Sender == s.DID && sameText(msg.Text, m.Text) {
			return connectors.SendResult{RemoteID: convID + "/" + m.ID,
				URL: "https://bsky.app/messages/" + url.PathEscape(convID)}, true, nil
		}
	}
	return connectors.SendResult{}, false, nil
}

func (c *Connector) lookupReply(ctx context.Context, msg connectors.Message) (connectors.SendResult, bool, error) {
	parent := msg.InReplyTo.NativeID
	if !strings.HasPrefix(parent, "at://") {
		return connectors.SendResult{}, false, nil // Send refuses it before any call
	}
	s, err := c.currentSession(ctx)
	if err != nil {
		return connectors.SendResult{}, false, err
	}
	var raw json.RawMessage
	err = c.authed(ctx, call{method: http.MethodGet, nsid: "com.atproto.repo.listRecords",
		params: url.Values{"repo": {s.DID}, "collection": {"app.bsky.feed.post"}, "limit": {lookupLimit}}}, &raw)
	if err != nil {
		return connectors.SendResult{}, false, err
	}
	posts, err := decodePostRecords(raw)
	if err != nil {
		return connectors.SendResult{}, false, err
	}
	c.ok()
	for _, p := range posts {
		did, coll, _, _ := splitATURI(p.URI)
		if did == s.DID && coll == "app.bsky.feed.post" && p.Parent == parent && sameText(msg.Text, p.Text) {
			return connectors.SendResult{RemoteID: p.URI, URL: postURL(s.Handle, p.URI)}, true, nil
		}
	}
	return connectors.SendResult{}, false, nil
}

// sameText: the text Bluesky keeps is the text sent, byte for byte; only
// outer white space is forgiven.
func sameText(sent, got string) bool {
	a := strings.TrimSpace(sent)
	return a != "" && a == strings.TrimSpace(got)
}

// chatMessage is one checked message of a conversation.
type chatMessage struct {
	ID     string
	Sender string
	Text   string // empty for a deleted message
}

// decodeMessages reads a chat.bsky.convo.getMessages answer: a list of
// chat.bsky.convo.defs#messageView and #deletedMessageView (the latter
// have no text). Every id and DID is checked.
func decodeMessages(b []byte) ([]chatMessage, error) {
	var w struct {
		Messages *[]struct {
			Type   string  `json:"$type"`
			ID     string  `json:"id"`
			Text   *string `json:"text"`
			Sender *struct {
				DID string `json:"did"`
			} `json:"sender"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(b, &w); err != nil || w.Messages == nil {
		return nil, fmt.Errorf("%w: getMessages answer is not a message list", connectors.ErrBadPayload)
	}
	bad := func(format string, a ...any) ([]chatMessage, error) {
		return nil, fmt.Errorf("%w: getMessages: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	if len(*w.Messages) > maxItems {
		return bad("%d messages is more than a page holds", len(*w.Messages))
	}
	out := make([]chatMessage, 0, len(*w.Messages))
	for i, m := range *w.Messages {
		if !isOpaqueID(m.ID) {
			return bad("message %d has no valid id", i)
		}
		if m.Sender == nil || !isDID(m.Sender.DID) {
			return bad("message %s has no valid sender", m.ID)
		}
		cm := chatMessage{ID: m.ID, Sender: m.Sender.DID}
		if m.Type != "chat.bsky.convo.defs#deletedMessageView" && m.Text != nil {
			if len(*m.Text) > maxTextBytes || !utf8.ValidString(*m.Text) {
				return bad("message %s has oversized or invalid text", m.ID)
			}
			cm.Text = *m.Text
		}
		out = append(out, cm)
	}
	return out, nil
}

// postRecord is one checked app.bsky.feed.post record of a repository.
type postRecord struct {
	URI    string
	Text   string
	Parent string // the post it replies to, if any
}

// decodePostRecords reads a com.atproto.repo.listRecords answer for the
// app.bsky.feed.post collection.
func decodePostRecords(b []byte) ([]postRecord, error) {
	var w struct {
		Records *[]struct {
			URI   string `json:"uri"`
			Value *struct {
				Text  *string `json:"text"`
				Reply *struct {
					Parent struct {
						URI string `json:"uri"`
					} `json:"parent"`
				} `json:"reply"`
			} `json:"value"`
		} `json:"records"`
	}
	if err := json.Unmarshal(b, &w); err != nil || w.Records == nil {
		return nil, fmt.Errorf("%w: listRecords answer is not a record list", connectors.ErrBadPayload)
	}
	bad := func(format string, a ...any) ([]postRecord, error) {
		return nil, fmt.Errorf("%w: listRecords: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	if len(*w.Records) > maxItems {
		return bad("%d records is more than a page holds", len(*w.Records))
	}
	out := make([]postRecord, 0, len(*w.Records))
	for i, r := range *w.Records {
		if _, _, _, ok := splitATURI(r.URI); !ok {
			return bad("record %d has no valid uri", i)
		}
		if r.Value == nil || r.Value.Text == nil || len(*r.Value.Text) > maxTextBytes || !utf8.ValidString(*r.Value.Text) {
			return bad("record %d has missing, oversized or invalid text", i)
		}
		p := postRecord{URI: r.URI, Text: *r.Value.Text}
		if r.Value.Reply != nil {
			if _, _, _, ok := splitATURI(r.Value.Reply.Parent.URI); !ok {
				return bad("record %d replies to no valid uri", i)
			}
			p.Parent = r.Value.Reply.Parent.URI
		}
		out = append(out, p)
	}
	return out, nil
}
