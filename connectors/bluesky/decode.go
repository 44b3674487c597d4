package bluesky

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"switchboard/connectors"
	"switchboard/domain"
)

type rawBody = json.RawMessage

// Limits on what a sane answer holds; anything past them is hostile.
const (
	maxTextBytes  = 64 << 10
	maxItems      = 1000
	maxFacets     = 500
	maxHandle     = 253
	maxName       = 640
	maxCursorSize = 512
)

// NotificationsPage is one decoded page of listNotifications. Items,
// Indexed and Wanted run in parallel: every notification is decoded (so
// the cursor can move past it) but only mentions, replies and quotes of
// posts are Wanted.
type NotificationsPage struct {
	Items   []domain.Mention
	Indexed []time.Time
	Wanted  []bool
	Cursor  string
}

type wireProfile struct {
	DID          string `json:"did"`
	Handle       string `json:"handle"`
	DisplayName  string `json:"displayName"`
	Verification *struct {
		VerifiedStatus string `json:"verifiedStatus"`
	} `json:"verification"`
	FollowersCount *int64 `json:"followersCount"`
}

// Facet is a rich-text annotation of a post: a byte range of the UTF-8
// text and what it means.
type Facet struct {
	Index struct {
		ByteStart int `json:"byteStart"`
		ByteEnd   int `json:"byteEnd"`
	} `json:"index"`
	Features []FacetFeature `json:"features"`
}

// FacetFeature is what a facet means: a link (URI), a mention (DID) or a
// tag, named by its $type.
type FacetFeature struct {
	Type string `json:"$type"`
	URI  string `json:"uri"`
	DID  string `json:"did"`
	Tag  string `json:"tag"`
}

type wirePost struct {
	Type      string   `json:"$type"`
	Text      *string  `json:"text"`
	CreatedAt string   `json:"createdAt"`
	Langs     []string `json:"langs"`
	Facets    []Facet  `json:"facets"`
	Reply     *struct {
		Root   strongRef `json:"root"`
		Parent strongRef `json:"parent"`
	} `json:"reply"`
}

type wireNotification struct {
	URI       string       `json:"uri"`
	CID       string       `json:"cid"`
	Author    *wireProfile `json:"author"`
	Reason    string       `json:"reason"`
	Record    *wirePost    `json:"record"`
	IndexedAt string       `json:"indexedAt"`
}

// DecodeNotifications decodes and checks one listNotifications answer.
// Any notification that breaks the lexicon fails the whole page with an
// error wrapping connectors.ErrBadPayload: nothing is half-returned.
func DecodeNotifications(body []byte, fetched time.Time) (NotificationsPage, error) {
	var w struct {
		Cursor        string              `json:"cursor"`
		Notifications *[]wireNotification `json:"notifications"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return NotificationsPage{}, fmt.Errorf("%w: bluesky notifications: %v", connectors.ErrBadPayload, err)
	}
	bad := func(format string, a ...any) (NotificationsPage, error) {
		return NotificationsPage{}, fmt.Errorf("%w: bluesky notifications: "+format, append([]any{connectors.ErrBadPayload}, a...)...)
	}
	if w.Notifications == nil {
		return bad("no notifications list")
	}
	ns := *w.Notifications
	if len(ns) > maxItems {
		return bad("%d notifications is more than a page holds", len(ns))
	}
	if len(w.Cursor) > maxCursorSize || !printable(w.Cursor) {
		return bad("cursor is not a page cursor")
	}
	out := NotificationsPage{Cursor: w.Cursor, Items: make([]domain.Mention, 0, len(ns))}
	for i, n := range ns {
		did, coll, rkey, ok := splitATURI(n.URI)
		if !ok {
			return bad("notification %d has no valid uri", i)
		}
		indexed, err := time.Parse(time.RFC3339Nano, n.IndexedAt)
		if err != nil {
			return bad("notification %s has no valid indexedAt", n.URI)
		}
		if n.Author == nil || !isDID(n.Author.DID) || n.Author.DID != did || n.Author.Handle == "" ||
			len(n.Author.Handle) > maxHandle || len(n.Author.DisplayName) > maxName {
			return bad("notification %s has no valid author", n.URI)
		}
		m := domain.Mention{
			Platform:  domain.PlatformBluesky,
			NativeID:  n.URI,
			FetchedAt: fetched,
			CreatedAt: indexed.UTC(),
			Thread:    n.URI,
			URL:       postURL(n.Author.Handle, n.URI),
			Author: domain.Author{ID: n.Author.DID, Handle: n.Author.Handle, Name: n.Author.DisplayName,
				Verified: n.Author.Verification != nil && n.Author.Verification.VerifiedStatus == "valid"},
		}
		wanted := false
		switch n.Reason {
		case "mention", "quote":
			m.Kind, wanted = domain.KindMention, true
		case "reply":
			m.Kind, wanted = domain.KindReply, true
		}
		if wanted && (coll != "app.bsky.feed.post" || rkey == "") {
			return bad("notification %s for a %s is not a post", n.URI, n.Reason)
		}
		if wanted {
			if n.Record == nil {
				return bad("notification %s has no record", n.URI)
			}
			p := *n.Record
			if p.Type != "app.bsky.feed.post" || p.Text == nil || len(*p.Text) > maxTextBytes || len(p.Facets) > maxFacets {
				return bad("notification %s has no valid post record", n.URI)
			}
			m.Text = ExpandLinks(*p.Text, p.Facets)
			if t, err := time.Parse(time.RFC3339Nano, p.CreatedAt); err == nil && t.Year() > 2000 {
				m.CreatedAt = t.UTC()
			}
			if len(p.Langs) > 0 {
				if len(p.Langs[0]) > 35 || !printable(p.Langs[0]) {
					return bad("notification %s has an invalid language", n.URI)
				}
				m.Lang = p.Langs[0]
			}
			if p.Reply != nil {
				_, _, _, okp := splitATURI(p.Reply.Parent.URI)
				_, _, _, okr := splitATURI(p.Reply.Root.URI)
				if !okp || !okr {
					return bad("notification %s replies to an invalid uri", n.URI)
				}
				m.InReplyTo, m.Thread = p.Reply.Parent.URI, p.Reply.Root.URI
			}
		}
		out.Items = append(out.Items, m)
		out.Indexed = append(out.Indexed, indexed.UTC())
		out.Wanted = append(out.Wanted, wanted)
	}
	return out, nil
}

// ExpandLinks returns the post text with each link facet's text replaced
// by the full URI it points to, so the operator sees where a link really
// goes (clients shorten link text, and a hostile post can show one address
// and link another). Facet ranges are UTF-8 byte offsets, which Go strings
// index directly; ranges that are out of bounds, overlap, or split a
// character are ignored.
func ExpandLinks(text string, facets []Facet) string {
	type span struct {
		start, end int
		uri        string
	}
	var spans []span
	for _, f := range facets {
		s, e := f.Index.ByteStart, f.Index.ByteEnd
		if s < 0 || e <= s || e > len(text) || !utf8.RuneStart(text[s]) || (e < len(text) && !utf8.RuneStart(text[e])) {
			continue
		}
		for _, ft := range f.Features {
			if ft.Type != "app.bsky.richtext.facet#link" {
				continue
			}
			u, err := url.Parse(ft.URI)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !utf8.ValidString(ft.URI) || len(ft.URI) > 2048 {
				continue
			}
			spans = append(spans, span{s, e, ft.URI})
			break
		}
	}
	if len(spans) == 0 {
		return text
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp.start < last {
			continue // overlaps the previous facet
		}
		b.WriteString(text[last:sp.start])
		b.WriteString(sp.uri)
		last = sp.end
	}
	b.WriteString(text[last:])
	return b.String()
}

// splitATURI splits at://did/collection/rkey.
func splitATURI(s string) (did, coll, rkey string, ok bool) {
	rest, found := strings.CutPrefix(s, "at://")
	if !found || len(s) > 1024 {
		return "", "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || !isDID(parts[0]) || !isNSID(parts[1]) || !isRecordKey(parts[2]) {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// isDID reports whether s looks like a DID (did:method:id).
func isDID(s string) bool {
	if len(s) > 2048 || !strings.HasPrefix(s, "did:") {
		return false
	}
	method, id, ok := strings.Cut(s[4:], ":")
	if !ok || method == "" || id == "" {
		return false
	}
	for _, r := range method {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._:%-", c) >= 0) {
			return false
		}
	}
	return id[len(id)-1] != ':'
}

func isNSID(s string) bool {
	if s == "" || len(s) > 317 || strings.Count(s, ".") < 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func isRecordKey(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 512 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._:~-", c) >= 0) {
			return false
		}
	}
	return true
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// postURL is the bsky.app address of a post.
func postURL(handle, uri string) string {
	did, _, rkey, ok := splitATURI(uri)
	if !ok {
		return ""
	}
	who := did
	if handle != "" && handle != "handle.invalid" {
		who = handle
	}
	return "https://bsky.app/profile/" + url.PathEscape(who) + "/post/" + url.PathEscape(rkey)
}
