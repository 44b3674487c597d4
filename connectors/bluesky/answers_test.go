package bluesky

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"switchboard/connectors"
)

// urlSafe: no byte that could end a path segment, a header or a line.
func urlSafe(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/?#% \t\r\n\x00\x7f") && printable(s)
}

func FuzzDecodeSession(f *testing.F) {
	f.Add([]byte(`{"did":"did:plc:z72i7hdynmk6r22z27h6tvur","handle":"acme.bsky.social","accessJwt":"eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6ImNvbS5hdHByb3RvLmFwcFBhc3MifQ.sig","refreshJwt":"eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6ImNvbS5hdHByb3RvLnJlZnJlc2gifQ.sig2","active":true}`))
	f.Add([]byte(`{"did":"did:web:example.com","handle":"","accessJwt":"a","refreshJwt":"b","pds":"https://evil.example","identifier":"someone"}`))
	f.Add([]byte(`{"did":"did:plc:x","accessJwt":"a\r\nX-Evil: 1","refreshJwt":"b"}`))
	f.Add([]byte(`{"did":"did:plc:x","handle":"\u001b[2Jx","accessJwt":"a","refreshJwt":"b"}`))
	f.Add([]byte(`{"error":"AuthFactorTokenRequired"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeSession("createSession", b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) {
				t.Fatalf("error kind: %v", err)
			}
			var in session
			if json.Unmarshal(b, &in) == nil {
				for _, secret := range []string{in.AccessJwt, in.RefreshJwt} {
					if len(secret) >= 4 && strings.Contains(err.Error(), secret) {
						t.Fatalf("error %q holds a token", err)
					}
				}
			}
			return
		}
		if !isDID(s.DID) || !connectors.ValidToken(s.AccessJwt) || !connectors.ValidToken(s.RefreshJwt) || !printable(s.Handle) || !printable(s.DID) {
			t.Fatalf("accepted %+v", s)
		}
		if s.PDS != "" || s.Identifier != "" {
			t.Fatalf("server chose the PDS or identifier: %+v", s)
		}
	})
}

func FuzzDecodeConvo(f *testing.F) {
	f.Add([]byte(`{"convo":{"id":"3ku7w6h4vog2d","rev":"222","members":[{"did":"did:plc:a","handle":"a.bsky.social"}],"muted":false,"unreadCount":0}}`))
	f.Add([]byte(`{"convo":{"id":"../../xrpc/com.atproto.server.deleteAccount"}}`))
	f.Add([]byte(`{"convo":{"id":"a b"}}`))
	f.Add([]byte(`{"convo":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := decodeConvo(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) || id != "" {
				t.Fatalf("%v with %q", err, id)
			}
			return
		}
		if !urlSafe(id) || len(id) > 256 || id == "." || id == ".." {
			t.Fatalf("accepted convo id %q", id)
		}
	})
}

func FuzzDecodeSent(f *testing.F) {
	f.Add([]byte(`{"id":"3l2bsxjzmnw2k","rev":"223","text":"Hi","sender":{"did":"did:plc:a"},"sentAt":"2025-03-01T12:00:00.000Z"}`))
	f.Add([]byte(`{"id":"msg/1"}`))
	f.Add([]byte(`{"id":""}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		id, err := decodeSent(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) || id != "" {
				t.Fatalf("%v with %q", err, id)
			}
			return
		}
		if !urlSafe(id) || len(id) > 256 {
			t.Fatalf("accepted message id %q", id)
		}
	})
}

func FuzzDecodeCreated(f *testing.F) {
	f.Add([]byte(`{"uri":"at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3l2bsxjzmnw2k","cid":"bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q","commit":{"cid":"bafy","rev":"3l2b"},"validationStatus":"valid"}`))
	f.Add([]byte(`{"uri":"at://did:plc:x/app.bsky.feed.post/../../etc","cid":"b"}`))
	f.Add([]byte(`{"uri":"at://","cid":"b"}`))
	f.Add([]byte(`{"uri":"https://bsky.app/x","cid":"b"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ref, err := decodeCreated(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) || ref != (strongRef{}) {
				t.Fatalf("%v with %+v", err, ref)
			}
			return
		}
		did, coll, rkey, ok := splitATURI(ref.URI)
		if !ok || !printable(ref.URI) || !urlSafe(rkey) || !isDID(did) || !isNSID(coll) || !urlSafe(ref.CID) {
			t.Fatalf("accepted %+v", ref)
		}
		if u := postURL("acme.bsky.social", ref.URI); !strings.HasPrefix(u, "https://bsky.app/profile/acme.bsky.social/post/") || strings.ContainsAny(u, " \r\n") {
			t.Fatalf("post URL %q", u)
		}
	})
}

// FuzzDecodeMessages: an accepted getMessages page has message ids safe
// for a URL and the store, a DID for every sender and valid text.
func FuzzDecodeMessages(f *testing.F) {
	f.Add([]byte(`{"messages":[{"$type":"chat.bsky.convo.defs#messageView","id":"3l2b","rev":"1","text":"hi","sender":{"did":"did:plc:abc"},"sentAt":"2025-03-01T12:00:00Z"}]}`))
	f.Add([]byte(`{"messages":[{"$type":"chat.bsky.convo.defs#deletedMessageView","id":"3l2c","rev":"2","sender":{"did":"did:plc:abc"},"sentAt":"2025-03-01T12:00:00Z"}],"cursor":"c"}`))
	f.Add([]byte(`{"messages":[]}`))
	f.Add([]byte(`{"messages":null}`))
	f.Add([]byte(`{"messages":[{"id":"a/b","sender":{"did":"did:plc:abc"}}]}`))
	f.Add([]byte(`{"messages":[{"id":"a","sender":{"did":"plc:abc"},"text":"x"}]}`))
	f.Add([]byte(`{"messages":[{"id":"a","sender":{"did":"did:plc:abc"},"text":"\xff"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := decodeMessages(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) || ms != nil {
				t.Fatalf("error %v with %d messages", err, len(ms))
			}
			return
		}
		for _, m := range ms {
			if !urlSafe(m.ID) || !isDID(m.Sender) || !utf8.ValidString(m.Text) || len(m.Text) > maxTextBytes {
				t.Fatalf("accepted message %+v", m)
			}
		}
	})
}

// FuzzDecodePostRecords: an accepted listRecords page has at:// URIs for
// every record and every parent, and valid text.
func FuzzDecodePostRecords(f *testing.F) {
	f.Add([]byte(`{"records":[{"uri":"at://did:plc:abc/app.bsky.feed.post/3l2b","cid":"bafy","value":{"$type":"app.bsky.feed.post","text":"Thanks!","createdAt":"2025-03-01T12:00:00Z","reply":{"root":{"uri":"at://did:plc:x/app.bsky.feed.post/1","cid":"b"},"parent":{"uri":"at://did:plc:x/app.bsky.feed.post/2","cid":"c"}}}}],"cursor":"3l2b"}`))
	f.Add([]byte(`{"records":[{"uri":"at://did:plc:abc/app.bsky.feed.post/3l2b","value":{"text":"no reply"}}]}`))
	f.Add([]byte(`{"records":[{"uri":"at://did:plc:abc/app.bsky.feed.post/3l2b","value":{"text":"x","reply":{"parent":{"uri":"https://evil"}}}}]}`))
	f.Add([]byte(`{"records":[{"uri":"javascript:alert(1)","value":{"text":"x"}}]}`))
	f.Add([]byte(`{"records":[{"uri":"at://did:plc:abc/app.bsky.feed.post/3l2b"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := decodePostRecords(b)
		if err != nil {
			if !errors.Is(err, connectors.ErrBadPayload) || ps != nil {
				t.Fatalf("error %v with %d records", err, len(ps))
			}
			return
		}
		for _, p := range ps {
			_, _, _, ok := splitATURI(p.URI)
			_, _, _, pok := splitATURI(p.Parent)
			if !ok || (p.Parent != "" && !pok) || !utf8.ValidString(p.Text) || len(p.Text) > maxTextBytes {
				t.Fatalf("accepted record %+v", p)
			}
		}
	})
}
