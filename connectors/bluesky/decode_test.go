package bluesky

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
)

const goodNote = `{"cursor":"2025-03-01T12:00:00.000Z","notifications":[{"uri":"at://did:plc:abc/app.bsky.feed.post/3kxyz","cid":"bafy1",
"author":{"did":"did:plc:abc","handle":"alice.bsky.social","displayName":"Alice","verification":{"verifiedStatus":"valid","trustedVerifierStatus":"none","verifications":[]}},
"reason":"mention","record":{"$type":"app.bsky.feed.post","text":"hi @brand","createdAt":"2025-03-01T12:00:00.000Z","langs":["en"]},
"isRead":false,"indexedAt":"2025-03-01T12:00:01.000Z"}]}`

func TestDecodeNotificationsRejectsHostilePayloads(t *testing.T) {
	p, err := DecodeNotifications([]byte(goodNote), time.Now())
	if err != nil || len(p.Items) != 1 || !p.Items[0].Author.Verified || !p.Wanted[0] {
		t.Fatalf("good page: %v %+v", err, p)
	}
	cases := map[string]string{
		"not json":          `{"notifications":[`,
		"no list":           `{"cursor":"x"}`,
		"uri scheme":        strings.Replace(goodNote, `at://did:plc:abc/app.bsky.feed.post/3kxyz`, `https://evil/x`, 1),
		"uri path escape":   strings.Replace(goodNote, `app.bsky.feed.post/3kxyz`, `app.bsky.feed.post/../../x`, 1),
		"author mismatch":   strings.Replace(goodNote, `"did":"did:plc:abc"`, `"did":"did:plc:other"`, 1),
		"no handle":         strings.Replace(goodNote, `"handle":"alice.bsky.social",`, ``, 1),
		"bad indexedAt":     strings.Replace(goodNote, `2025-03-01T12:00:01.000Z`, `soon`, 1),
		"record not post":   strings.Replace(goodNote, `"$type":"app.bsky.feed.post"`, `"$type":"app.bsky.feed.like"`, 1),
		"no text":           strings.Replace(goodNote, `"text":"hi @brand",`, ``, 1),
		"text too long":     strings.Replace(goodNote, `hi @brand`, strings.Repeat("x", maxTextBytes+1), 1),
		"control in lang":   strings.Replace(goodNote, `["en"]`, `["\u001b]8;;"]`, 1),
		"cursor control":    strings.Replace(goodNote, `"cursor":"2025-03-01T12:00:00.000Z"`, `"cursor":"a\nb"`, 1),
		"bad reply uri":     strings.Replace(goodNote, `"langs":["en"]`, `"langs":["en"],"reply":{"root":{"uri":"x","cid":"c"},"parent":{"uri":"y","cid":"c"}}`, 1),
		"record not object": strings.Replace(goodNote, `"record":{"$type":"app.bsky.feed.post","text":"hi @brand","createdAt":"2025-03-01T12:00:00.000Z","langs":["en"]}`, `"record":"post"`, 1),
	}
	for name, body := range cases {
		p, err := DecodeNotifications([]byte(body), time.Now())
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !errors.Is(err, connectors.ErrBadPayload) || len(p.Items) != 0 {
			t.Errorf("%s: %v, %d items", name, err, len(p.Items))
		}
	}
	// A like is decoded (the cursor must move past it) but not wanted.
	like := strings.Replace(goodNote, `"reason":"mention"`, `"reason":"like"`, 1)
	if p, err := DecodeNotifications([]byte(like), time.Now()); err != nil || len(p.Wanted) != 1 || p.Wanted[0] {
		t.Errorf("like: %v %+v", err, p)
	}
}

func TestExpandLinksCountsUTF8Bytes(t *testing.T) {
	link := func(s, e int, uri string) Facet {
		var f Facet
		f.Index.ByteStart, f.Index.ByteEnd = s, e
		f.Features = []FacetFeature{{Type: "app.bsky.richtext.facet#link", URI: uri}}
		return f
	}
	text := "日本語 👩‍👩‍👧 go.dev/x… end"
	s := strings.Index(text, "go.dev")
	e := s + len("go.dev/x…")
	cases := []struct {
		name   string
		facets []Facet
		want   string
	}{
		{"multibyte before", []Facet{link(s, e, "https://go.dev/x/long/path")}, "日本語 👩‍👩‍👧 https://go.dev/x/long/path end"},
		{"out of range", []Facet{link(s, len(text)+1, "https://a.example")}, text},
		{"splits a rune", []Facet{link(1, 4, "https://a.example")}, text},
		{"empty range", []Facet{link(4, 4, "https://a.example")}, text},
		{"negative", []Facet{link(-1, 3, "https://a.example")}, text},
		{"javascript uri", []Facet{link(s, e, "javascript:alert(1)")}, text},
		{"overlap keeps first", []Facet{link(s, e, "https://one.example"), link(s+2, e, "https://two.example")}, "日本語 👩‍👩‍👧 https://one.example end"},
		{"unsorted", []Facet{link(len(text)-3, len(text), "https://b.example"), link(0, len("日本語"), "https://a.example")}, "https://a.example 👩‍👩‍👧 go.dev/x… https://b.example"},
	}
	for _, c := range cases {
		if got := ExpandLinks(text, c.facets); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func FuzzDecodeNotifications(f *testing.F) {
	f.Add([]byte(goodNote))
	f.Add([]byte(`{"notifications":[]}`))
	f.Add([]byte(strings.Replace(goodNote, `"langs":["en"]`, `"langs":["en"],"facets":[{"index":{"byteStart":0,"byteEnd":2},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://x.example"}]}]`, 1)))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeNotifications(b, time.Unix(0, 0))
		if err != nil {
			if len(p.Items) != 0 {
				t.Fatal("items with an error")
			}
			return
		}
		if len(p.Items) != len(p.Indexed) || len(p.Items) != len(p.Wanted) {
			t.Fatal("parallel slices differ")
		}
		for _, m := range p.Items {
			if _, _, _, ok := splitATURI(m.NativeID); !ok || !isDID(m.Author.ID) || m.Author.Handle == "" || !utf8.ValidString(m.Text) {
				t.Fatalf("bad item %+v", m)
			}
		}
	})
}

func FuzzExpandLinks(f *testing.F) {
	f.Add("héllo go.dev", 7, 13, "https://go.dev")
	f.Add("👋", 0, 4, "https://x.example")
	f.Fuzz(func(t *testing.T, text string, s, e int, uri string) {
		var fc Facet
		fc.Index.ByteStart, fc.Index.ByteEnd = s, e
		fc.Features = []FacetFeature{{Type: "app.bsky.richtext.facet#link", URI: uri}}
		out := ExpandLinks(text, []Facet{fc})
		if utf8.ValidString(text) && utf8.ValidString(uri) && !utf8.ValidString(out) {
			t.Fatalf("valid input became invalid UTF-8: %q", out)
		}
		if out != text && !strings.Contains(out, uri) {
			t.Fatalf("changed text without the uri: %q", out)
		}
	})
}

func BenchmarkDecodeNotificationsPage(b *testing.B) {
	var ns []string
	for i := range 100 {
		ns = append(ns, fmt.Sprintf(`{"uri":"at://did:plc:author%03d/app.bsky.feed.post/3k%06d","cid":"bafyreib%d","author":{"did":"did:plc:author%03d","handle":"user%d.bsky.social","displayName":"User %d"},"reason":"mention","record":{"$type":"app.bsky.feed.post","text":"@brand.example.com your latest update broke sync again 😡 see example.com/status…","createdAt":"2025-03-01T12:00:%02d.000Z","langs":["en"],"facets":[{"index":{"byteStart":60,"byteEnd":79},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://example.com/status/incident-42"}]}]},"isRead":false,"indexedAt":"2025-03-01T12:00:%02d.500Z"}`, i, i, i, i, i, i, i%60, i%60))
	}
	body := []byte(`{"cursor":"2025-03-01T11:00:00.000Z","notifications":[` + strings.Join(ns, ",") + `]}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := DecodeNotifications(body, time.Unix(0, 0))
		if err != nil || len(p.Items) != 100 {
			b.Fatal(err)
		}
	}
}

func FuzzParseCursor(f *testing.F) {
	f.Add("mark=2025-03-01T12%3A00%3A01Z&id=at%3A%2F%2Fdid%3Aplc%3Aa%2Fapp.bsky.feed.post%2F1")
	f.Add("mark=2025-03-01T12%3A00%3A01Z&next=abc&top=2025-03-01T12%3A00%3A05Z&tid=x")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		c2, err := parseCursor(c.String())
		if err != nil || c2.String() != c.String() {
			t.Fatalf("round trip %q -> %q (%v)", c.String(), c2.String(), err)
		}
	})
}
