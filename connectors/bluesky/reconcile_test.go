package bluesky

import (
	"context"
	"errors"
	"strings"
	"switchboard/outbox/outboxtest"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
)

var (
	lookupTo = domain.Mention{Platform: domain.PlatformBluesky, NativeID: "at://did:plc:author1/app.bsky.feed.post/3k1",
		Connector: "bsky-main", Author: domain.Author{ID: "did:plc:author1", Handle: "author1.bsky.social"}}
	lookupOther = domain.Mention{Platform: domain.PlatformBluesky, NativeID: "at://did:plc:author2/app.bsky.feed.post/3k2",
		Connector: "bsky-main", Author: domain.Author{ID: "did:plc:author2", Handle: "author2.bsky.social"}}
)

func TestLookupFindsWhatWasSent(t *testing.T) {
	f := newFakePDS(t)
	c := f.connector(t, t.TempDir())
	ctx := context.Background()
	dm := connectors.Message{Visibility: domain.VisibilityPrivate, Text: "We're sorry — a refund is on its way.", InReplyTo: lookupTo}
	pub := connectors.Message{Visibility: domain.VisibilityPublic, Text: "Thanks for flagging this, fixed now.", InReplyTo: lookupTo}
	// Other traffic around them, so that the match is not just "the newest".
	send := func(m connectors.Message) connectors.SendResult {
		t.Helper()
		res, err := c.Send(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	send(connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hello two", InReplyTo: lookupOther})
	sentDM := send(dm)
	send(connectors.Message{Visibility: domain.VisibilityPrivate, Text: "anything else?", InReplyTo: lookupTo})
	sentPub := send(pub)
	send(connectors.Message{Visibility: domain.VisibilityPublic, Text: "later", InReplyTo: lookupOther})

	before := f.count("chat.bsky.convo.getMessages")
	res, found, err := c.Lookup(ctx, dm)
	if err != nil || !found || res != sentDM {
		t.Fatalf("dm lookup: %+v %v %v; want %+v", res, found, err, sentDM)
	}
	if f.count("chat.bsky.convo.getMessages") != before+1 {
		t.Error("dm lookup did not read the conversation")
	}
	res, found, err = c.Lookup(ctx, pub)
	if err != nil || !found || res != sentPub {
		t.Fatalf("reply lookup: %+v %v %v; want %+v", res, found, err, sentPub)
	}
	if f.count("com.atproto.repo.listRecords") != 1 {
		t.Error("reply lookup did not list the repository")
	}
	// An expired session is refreshed on the way, as for any call.
	f.expire(false)
	if res, found, err := c.Lookup(ctx, dm); err != nil || !found || res != sentDM {
		t.Errorf("dm lookup after expiry: %+v %v %v", res, found, err)
	}
	if h := c.Health(); h.State != connectors.HealthOK {
		t.Errorf("health after lookups %+v", h)
	}
}

func TestLookupNotFound(t *testing.T) {
	f := newFakePDS(t)
	c := f.connector(t, t.TempDir())
	ctx := context.Background()
	dm := connectors.Message{Visibility: domain.VisibilityPrivate, Text: "We refunded you.", InReplyTo: lookupTo}
	pub := connectors.Message{Visibility: domain.VisibilityPublic, Text: "We refunded you.", InReplyTo: lookupTo}
	for _, m := range []connectors.Message{dm, pub} {
		if res, found, err := c.Lookup(ctx, m); err != nil || found {
			t.Errorf("%s on an empty account: %+v %v %v", m.Visibility, res, found, err)
		}
	}
	// Near misses: other text, the same text to another person or under
	// another post, and the same words written by the customer.
	for _, m := range []connectors.Message{
		{Visibility: domain.VisibilityPrivate, Text: "We refunded you!", InReplyTo: lookupTo},
		{Visibility: domain.VisibilityPrivate, Text: dm.Text, InReplyTo: lookupOther},
		{Visibility: domain.VisibilityPublic, Text: pub.Text, InReplyTo: lookupOther},
		{Visibility: domain.VisibilityPublic, Text: "We refunded you", InReplyTo: lookupTo},
	} {
		if _, err := c.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	f.messages["convo-author1"] = append([]fakeMessage{{id: "msg-99", sender: "did:plc:author1", text: dm.Text}}, f.messages["convo-author1"]...)
	f.mu.Unlock()
	for _, m := range []connectors.Message{dm, pub} {
		if res, found, err := c.Lookup(ctx, m); err != nil || found {
			t.Errorf("%s among near misses: %+v %v %v", m.Visibility, res, found, err)
		}
	}
	// Nothing Send would have sent: no call, not found.
	n := len(f.calls)
	for _, m := range []connectors.Message{
		{Visibility: domain.VisibilityPrivate, Text: "x", InReplyTo: domain.Mention{NativeID: "at://did:plc:a/app.bsky.feed.post/1"}},
		{Visibility: domain.VisibilityPublic, Text: "x", InReplyTo: domain.Mention{NativeID: "3k1"}},
	} {
		if _, found, err := c.Lookup(ctx, m); found || err != nil {
			t.Errorf("%s with nothing to answer: %v %v", m.Visibility, found, err)
		}
	}
	if len(f.calls) != n {
		t.Errorf("%d calls for messages that could not have been sent", len(f.calls)-n)
	}
}

func TestLookupCannotTell(t *testing.T) {
	f := newFakePDS(t)
	c := f.connector(t, t.TempDir())
	dm := connectors.Message{Visibility: domain.VisibilityPrivate, Text: "We refunded you.", InReplyTo: lookupTo}
	pub := connectors.Message{Visibility: domain.VisibilityPublic, Text: "We refunded you.", InReplyTo: lookupTo}
	for _, m := range []connectors.Message{dm, pub} {
		f.push(reply{status: 502, body: map[string]string{"error": "UpstreamFailure", "message": "upstream"}})
		if _, found, err := c.Lookup(context.Background(), m); !errors.Is(err, connectors.ErrUnavailable) || found {
			t.Errorf("%s on 502: %v %v", m.Visibility, found, err)
		}
		f.push(reply{status: 200, delay: 2 * time.Second, body: map[string]any{"records": []any{}}})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		_, found, err := c.Lookup(ctx, m)
		cancel()
		if err == nil || found {
			t.Errorf("%s on a hung server: %v %v", m.Visibility, found, err)
		}
	}
	// Answers that cannot be read say nothing about the message.
	for name, body := range map[string]any{
		"no list":      map[string]any{"cursor": "x"},
		"no sender":    map[string]any{"messages": []map[string]any{{"id": "msg-1", "rev": "1", "text": dm.Text, "sentAt": "2025-03-01T12:00:00Z"}}},
		"bad id":       map[string]any{"messages": []map[string]any{{"id": "../../x", "rev": "1", "text": dm.Text, "sender": map[string]any{"did": testDID}}}},
		"hostile text": map[string]any{"messages": []map[string]any{{"id": "m1", "text": strings.Repeat("a", 70<<10), "sender": map[string]any{"did": testDID}}}},
	} {
		f.push(reply{status: 200, body: map[string]any{"convo": map[string]any{"id": "convo-author1", "rev": "1", "members": []any{}, "muted": false, "unreadCount": 0}}},
			reply{status: 200, body: body})
		if _, found, err := c.Lookup(context.Background(), dm); !errors.Is(err, connectors.ErrBadPayload) || found {
			t.Errorf("dm answer with %s: %v %v", name, found, err)
		}
	}
	f.push(reply{status: 200, body: map[string]any{"records": []map[string]any{{"uri": "javascript:alert(1)", "cid": "b", "value": map[string]any{"text": pub.Text}}}}})
	if _, found, err := c.Lookup(context.Background(), pub); !errors.Is(err, connectors.ErrBadPayload) || found {
		t.Errorf("record with a hostile uri: %v %v", found, err)
	}
	if strings.Contains(c.Health().LastError, testPassword) {
		t.Error("health leaks the app password")
	}
}

// TestRecoverAfterCrashFindsTheReply: the process dies after Bluesky took
// the message but before the store heard; the next start finds it and
// marks it sent, and nothing is sent twice.
func TestRecoverAfterCrashFindsTheReply(t *testing.T) {
	for _, vis := range []domain.Visibility{domain.VisibilityPublic, domain.VisibilityPrivate} {
		t.Run(string(vis), func(t *testing.T) {
			f := newFakePDS(t)
			dir := t.TempDir()
			m := lookupTo
			m.Text, m.CreatedAt = "@brand my order never arrived", time.Now().Add(-time.Hour)
			outboxtest.RecoverAfterCrash(t, f.connector(t, dir), f.connector(t, dir), m, vis, "Sorry, a new one is on its way.")
			if n := f.count("chat.bsky.convo.sendMessage") + f.count("com.atproto.repo.createRecord"); n != 1 {
				t.Errorf("%d sends reached Bluesky; want the one", n)
			}
		})
	}
}
