package x

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"switchboard/connectors"
	"switchboard/safetext"
)

// FuzzErrorMessage: any error body X (or a proxy in between) answers gives
// a short, printable explanation; a rate-limit code is read only from the
// body's code fields (a body too short to hold one gives none).
func FuzzErrorMessage(f *testing.F) {
	f.Add([]byte(`{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`))
	f.Add([]byte(`{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`))
	f.Add([]byte(`{"code":32,"message":"Could not authenticate you."}`))
	f.Add([]byte(`{"errors":[{"title":"Forbidden","detail":"You are not permitted to send a DM to this user"}]}`))
	f.Add([]byte(`{"errors":[{"message":"\u001b]52;c;cGF5bG9hZA==\u0007\u202e evil"}]}`))
	f.Add([]byte(`<html>502 Bad Gateway</html>`))
	f.Add([]byte(`{"message":"` + strings.Repeat("é", 300) + `"}`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		msg, code := errorMessage(b)
		// Line leaves a safe line as it is (Safe itself rejects U+FFFD,
		// which Line writes for invalid bytes).
		if msg == "" || !utf8.ValidString(msg) || safetext.Line(msg) != msg || strings.ContainsAny(msg, "\n\r\x1b\x00\u202e") {
			t.Fatalf("unsafe or empty message %q", msg)
		}
		if n := utf8.RuneCountInString(msg); n > 201 {
			t.Fatalf("message of %d characters", n)
		}
		if code != 0 && len(b) < 8 {
			t.Fatalf("code %d from %q", code, b)
		}
	})
}

// FuzzDecodeDMCreated: an accepted DM answer has ids fit for a URL path
// and the store (digits, a conversation may join two with "-").
func FuzzDecodeDMCreated(f *testing.F) {
	f.Add([]byte(`{"data":{"dm_conversation_id":"1346889436626259968-783214","dm_event_id":"1582838223483895812"}}`))
	f.Add([]byte(`{"data":{"dm_conversation_id":"1582838223483895812","dm_event_id":"1582838223483895813"}}`))
	f.Add([]byte(`{"data":{"dm_conversation_id":"1/../../x","dm_event_id":"1"}}`))
	f.Add([]byte(`{"data":{"dm_conversation_id":"1-2","dm_event_id":"1\n2"}}`))
	f.Add([]byte(`{"errors":[{"title":"x"}]}`))
	f.Add([]byte(`{"data":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, conv, err := decodeDMCreated(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) || ev != "" || conv != "" {
				t.Fatalf("error %v with %q %q", err, ev, conv)
			}
			return
		}
		if !isID(ev) || strings.Trim(conv, "0123456789-") != "" || conv == "" || len(conv) > 39 {
			t.Fatalf("accepted ids %q %q", ev, conv)
		}
	})
}

// FuzzDecodePostCreated: an accepted post answer has a numeric id.
func FuzzDecodePostCreated(f *testing.F) {
	f.Add([]byte(`{"data":{"id":"1445880548472328192","text":"Thanks!"}}`))
	f.Add([]byte(`{"data":{"id":"../1"}}`))
	f.Add([]byte(`{"data":{"id":1}}`))
	f.Add([]byte(`{"errors":[{"message":"duplicate content"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := decodePostCreated(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) || id != "" {
				t.Fatalf("error %v with id %q", err, id)
			}
			return
		}
		if !isID(id) {
			t.Fatalf("accepted id %q", id)
		}
	})
}

// FuzzDecodeDMEvents: an accepted DM events page has only ids fit for a
// URL and the store, and valid text; anything else is ErrBadPayload.
func FuzzDecodeDMEvents(f *testing.F) {
	f.Add([]byte(`{"data":[{"id":"1582838223483895812","event_type":"MessageCreate","text":"hi &amp; bye","sender_id":"2244994945","dm_conversation_id":"100-2244994945"}],"meta":{"result_count":1}}`))
	f.Add([]byte(`{"meta":{"result_count":0}}`))
	f.Add([]byte(`{"data":[{"id":"1","sender_id":"1/../2","text":"x"}]}`))
	f.Add([]byte(`{"data":[{"id":"1","dm_conversation_id":"1-2-3"}]}`))
	f.Add([]byte(`{"data":[{"id":"1","event_type":"Message\nCreate"}]}`))
	f.Add([]byte(`{"errors":[{"title":"Not Found Error","detail":"\u001b[2J"}]}`))
	f.Add([]byte(`{"data":[{"id":"1","text":"\xff"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := decodeDMEvents(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) || evs != nil {
				t.Fatalf("error %v with %d events", err, len(evs))
			}
			if strings.ContainsAny(err.Error(), "\x1b\n\r") {
				t.Fatalf("unsafe error %q", err)
			}
			return
		}
		for _, e := range evs {
			if !isID(e.ID) || (e.SenderID != "" && !isID(e.SenderID)) ||
				(e.ConversationID != "" && strings.Trim(e.ConversationID, "0123456789-") != "") ||
				!utf8.ValidString(e.Text) || strings.ContainsAny(e.EventType, " \n\x00") {
				t.Fatalf("accepted event %+v", e)
			}
		}
	})
}

// FuzzDecodeUserPosts: an accepted timeline page has numeric post and
// reply ids and valid text.
func FuzzDecodeUserPosts(f *testing.F) {
	f.Add([]byte(`{"data":[{"id":"1900000000000000001","text":"@alice thanks","referenced_tweets":[{"type":"replied_to","id":"1346889436626259968"}]}],"meta":{"result_count":1}}`))
	f.Add([]byte(`{"data":[{"id":"1900000000000000001","text":"x","referenced_posts":[{"type":"replied_to","id":"01"}]}]}`))
	f.Add([]byte(`{"data":[{"id":"1900000000000000001"}]}`))
	f.Add([]byte(`{"errors":[{"message":"boom"}]}`))
	f.Add([]byte(`{"meta":{"result_count":0}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := decodeUserPosts(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) || ps != nil {
				t.Fatalf("error %v with %d posts", err, len(ps))
			}
			if strings.ContainsAny(err.Error(), "\x1b\n\r") {
				t.Fatalf("unsafe error %q", err)
			}
			return
		}
		for _, p := range ps {
			if !isID(p.ID) || (p.RepliedTo != "" && !isID(p.RepliedTo)) || !utf8.ValidString(p.Text) {
				t.Fatalf("accepted post %+v", p)
			}
		}
	})
}

// FuzzSameText: a message always matches itself as X gives it back
// (entities escaped), and never matches an empty text.
func FuzzSameText(f *testing.F) {
	f.Add("@alice thanks & sorry <3", true)
	f.Add("  line one\r\nline two  ", false)
	f.Add("@only @handles", true)
	f.Add("&amp;", false)
	f.Fuzz(func(t *testing.T, s string, reply bool) {
		esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
		if strings.TrimSpace(s) != "" && !sameText(s, esc, reply) {
			t.Fatalf("%q does not match itself escaped %q", s, esc)
		}
		if sameText(s, "", reply) || sameText("", s, reply) {
			t.Fatalf("%q matches the empty text", s)
		}
	})
}
