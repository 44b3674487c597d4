package x

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

var lookupTo = domain.Mention{Platform: domain.PlatformX, NativeID: "1346889436626259968", Connector: "x-main",
	Author: domain.Author{ID: "100", Handle: "alice"}}

func TestLookupFindsWhatWasSent(t *testing.T) {
	f := newFakeX(t)
	c := f.connector(t, 5)
	ctx := context.Background()
	dm := connectors.Message{Visibility: domain.VisibilityPrivate, Text: "Sorry — we're on it. Q&A <here>", InReplyTo: lookupTo}
	pub := connectors.Message{Visibility: domain.VisibilityPublic, Text: "@alice thanks, fixed & deployed", InReplyTo: lookupTo}
	// Other traffic around them, so that the match is not just "the newest".
	other := lookupTo
	other.NativeID, other.Author = "1346889436626259000", domain.Author{ID: "200", Handle: "bob"}
	if _, err := c.Send(ctx, connectors.Message{Visibility: domain.VisibilityPrivate, Text: "hello bob", InReplyTo: other}); err != nil {
		t.Fatal(err)
	}
	sentDM, err := c.Send(ctx, dm)
	if err != nil {
		t.Fatal(err)
	}
	sentPub, err := c.Send(ctx, pub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, connectors.Message{Visibility: domain.VisibilityPublic, Text: "@bob later", InReplyTo: other}); err != nil {
		t.Fatal(err)
	}

	res, found, err := c.Lookup(ctx, dm)
	if err != nil || !found || res.RemoteID != sentDM.RemoteID || res.URL != sentDM.URL {
		t.Fatalf("dm lookup: %+v %v %v; want %+v", res, found, err, sentDM)
	}
	last := f.requests[len(f.requests)-1]
	if last.URL.Path != "/2/dm_conversations/with/100/dm_events" || last.URL.Query().Get("expansions") != "sender_id" {
		t.Errorf("dm lookup asked %s", last.URL)
	}
	// The public reply comes back with & escaped by X; it is still found.
	res, found, err = c.Lookup(ctx, pub)
	if err != nil || !found || res.RemoteID != sentPub.RemoteID || res.URL != sentPub.URL {
		t.Fatalf("reply lookup: %+v %v %v; want %+v", res, found, err, sentPub)
	}
	last = f.requests[len(f.requests)-1]
	if last.URL.Path != "/2/users/"+testUserID+"/tweets" || !strings.Contains(last.URL.Query().Get("tweet.fields"), "referenced_tweets") {
		t.Errorf("reply lookup asked %s", last.URL)
	}
	// X adding (or dropping) the leading @handle of a reply does not hide it.
	bare := pub
	bare.Text = "thanks, fixed & deployed"
	if res, found, err := c.Lookup(ctx, bare); err != nil || !found || res.RemoteID != sentPub.RemoteID {
		t.Errorf("reply without its @handle: %+v %v %v", res, found, err)
	}
	if h := c.Health(); h.State != connectors.HealthOK {
		t.Errorf("health after lookups %+v", h)
	}
}

func TestLookupNotFound(t *testing.T) {
	f := newFakeX(t)
	c := f.connector(t, 5)
	ctx := context.Background()
	dm := connectors.Message{Visibility: domain.VisibilityPrivate, Text: "We refunded you.", InReplyTo: lookupTo}
	pub := connectors.Message{Visibility: domain.VisibilityPublic, Text: "@alice we refunded you", InReplyTo: lookupTo}

	// Nothing sent at all.
	for _, m := range []connectors.Message{dm, pub} {
		if res, found, err := c.Lookup(ctx, m); err != nil || found {
			t.Errorf("%s on an empty account: %+v %v %v", m.Visibility, res, found, err)
		}
	}
	// Near misses: other text, the same text to another person or under
	// another post, and the same words written by the customer.
	other := lookupTo
	other.NativeID, other.Author = "1346889436626259000", domain.Author{ID: "200", Handle: "bob"}
	for _, m := range []connectors.Message{
		{Visibility: domain.VisibilityPrivate, Text: "We refunded you!", InReplyTo: lookupTo},
		{Visibility: domain.VisibilityPrivate, Text: dm.Text, InReplyTo: other},
		{Visibility: domain.VisibilityPublic, Text: pub.Text, InReplyTo: other},
		{Visibility: domain.VisibilityPublic, Text: "@alice we refunded you.", InReplyTo: lookupTo},
	} {
		if _, err := c.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	f.events = append([]fakeEvent{{id: "1582838223483899999", text: dm.Text, sender: "100", other: "100"}}, f.events...)
	f.mu.Unlock()
	for _, m := range []connectors.Message{dm, pub} {
		if res, found, err := c.Lookup(ctx, m); err != nil || found {
			t.Errorf("%s among near misses: %+v %v %v", m.Visibility, res, found, err)
		}
	}
	// Nothing Send would have sent: no call, not found.
	n := len(f.requests)
	if _, found, err := c.Lookup(ctx, connectors.Message{Visibility: domain.VisibilityPrivate, Text: "x",
		InReplyTo: domain.Mention{NativeID: "1"}}); found || err != nil || len(f.requests) != n {
		t.Errorf("dm without an author id: %v %v, %d calls", found, err, len(f.requests)-n)
	}
}

func TestLookupCannotTell(t *testing.T) {
	f := newFakeX(t)
	c := f.connector(t, 5)
	dm := connectors.Message{Visibility: domain.VisibilityPrivate, Text: "We refunded you.", InReplyTo: lookupTo}
	pub := connectors.Message{Visibility: domain.VisibilityPublic, Text: "@alice we refunded you", InReplyTo: lookupTo}
	for _, m := range []connectors.Message{dm, pub} {
		f.push(reply{status: 503, body: map[string]any{"code": 130, "message": "Over capacity"}})
		if _, found, err := c.Lookup(context.Background(), m); !errors.Is(err, connectors.ErrUnavailable) || found {
			t.Errorf("%s on 503: %v %v", m.Visibility, found, err)
		}
		f.push(reply{status: 200, delay: 2 * time.Second, body: map[string]any{"meta": map[string]any{"result_count": 0}}})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		_, found, err := c.Lookup(ctx, m)
		cancel()
		if err == nil || found {
			t.Errorf("%s on a hung platform: %v %v", m.Visibility, found, err)
		}
		// An answer holding only errors says nothing about the message.
		f.push(reply{status: 200, body: map[string]any{"errors": []map[string]any{{"type": "https://api.x.com/2/problems/resource-not-found", "title": "Not Found Error", "detail": "Could not find user with id: [100].", "resource_type": "user", "resource_id": "100", "parameter": "participant_id", "value": "100"}}}})
		if _, found, err := c.Lookup(context.Background(), m); !errors.Is(err, connectors.ErrBadPayload) || found {
			t.Errorf("%s on an errors-only answer: %v %v", m.Visibility, found, err)
		}
	}
	// The same words with no sender: whose they are cannot be told.
	f.push(reply{status: 200, body: map[string]any{"data": []map[string]any{{"id": "1582838223483895812",
		"event_type": "MessageCreate", "text": dm.Text}}, "meta": map[string]any{"result_count": 1}}})
	if _, found, err := c.Lookup(context.Background(), dm); err == nil || found {
		t.Errorf("dm event without a sender: %v %v", found, err)
	}
	noSecrets(t, "health", c.Health().LastError)
}

// TestRecoverAfterCrashFindsTheReply: the process dies after X took the
// reply but before the store heard; the next start finds it and marks it
// sent, and nothing is posted twice.
func TestRecoverAfterCrashFindsTheReply(t *testing.T) {
	for _, vis := range []domain.Visibility{domain.VisibilityPublic, domain.VisibilityPrivate} {
		t.Run(string(vis), func(t *testing.T) {
			f := newFakeX(t)
			m := lookupTo
			m.Text, m.CreatedAt = "@brand my order never arrived", time.Now().Add(-time.Hour)
			outboxtest.RecoverAfterCrash(t, f.connector(t, 5), f.connector(t, 5), m, vis, "@alice sorry, a new one is on its way")
			f.mu.Lock()
			posts, events := len(f.posts), len(f.events)
			f.mu.Unlock()
			if posts+events != 1 {
				t.Errorf("%d posts and %d messages on X; want the one", posts, events)
			}
		})
	}
}
