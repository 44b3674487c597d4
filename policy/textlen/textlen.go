// Package textlen counts the length of a post the way each platform counts
// it: X's weighted length (twitter-text configuration v3), Mastodon's
// graphemes with links at 23, Bluesky's graphemes after link shortening and
// its byte cap, Reddit's characters, and plain graphemes.
package textlen

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// Count is the result of measuring a text for one platform.
type Count struct {
	Length int `json:"length"` // in the platform's unit
	Limit  int `json:"limit"`  // 0: no limit
	// Bytes and ByteLimit are set where the platform also caps bytes (Bluesky).
	Bytes     int `json:"bytes,omitempty"`
	ByteLimit int `json:"byte_limit,omitempty"`
	// Over is the byte offset in the text of the first unit past the limit,
	// or -1 if the text fits.
	Over int `json:"-"`
}

// Exceeded reports whether the text is over any of the platform's limits.
func (c Count) Exceeded() bool {
	return (c.Limit > 0 && c.Length > c.Limit) || (c.ByteLimit > 0 && c.Bytes > c.ByteLimit)
}

// Platform limits.
const (
	XLimit             = 280
	XURLLength         = 23
	MastodonLimit      = 500
	MastodonURLLength  = 23
	BlueskyLimit       = 300
	BlueskyByteLimit   = 3000
	RedditMessageLimit = 10000
	// RedditCommentLimit: a Reddit comment (a public reply) is capped at
	// 10,000 characters like a private message.
	RedditCommentLimit = 10000
	// XDMLimit: an X direct message carries up to 10,000 characters
	// (POST /2/dm_conversations/with/{participant_id}/messages).
	XDMLimit = 10000
	// BlueskyChatLimit and BlueskyChatByteLimit: chat.bsky.convo.defs#messageInput
	// text has maxGraphemes 1000 and maxLength 10000 (UTF-8 bytes).
	BlueskyChatLimit     = 1000
	BlueskyChatByteLimit = 10000
	xScale               = 100
	xDefaultWeight       = 200
	xTransformedURLCost  = XURLLength * xScale
)

// xRanges are the twitter-text v3 code point ranges that weigh 100 (one
// character); everything else weighs 200.
var xRanges = [...][2]rune{{0, 4351}, {8192, 8205}, {8208, 8223}, {8242, 8247}}

func xWeight(r rune) int {
	for _, rg := range xRanges {
		if r >= rg[0] && r <= rg[1] {
			return 100
		}
	}
	return xDefaultWeight
}

// NextCluster returns the byte length of the first grapheme cluster of s
// (0 for an empty string). ASCII runs avoid the full segmentation rules.
func NextCluster(s string) int {
	if s == "" {
		return 0
	}
	c := s[0]
	if c < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) {
		if c == '\r' && len(s) > 1 && s[1] == '\n' {
			return 2
		}
		return 1
	}
	// A rune below U+0600 other than CR, or a dash, quote or bullet
	// (U+2010–U+2027), followed by a rune below U+0300,
	// ends its cluster: nothing below U+0300 extends a cluster (Extend,
	// SpacingMark and ZWJ start at U+0300, regional indicators and Hangul
	// jamo far above), and nothing below U+0600 is a Prepend. The common
	// accented letters and Latin punctuation so skip the segmenter
	// (TestNextClusterShortcut checks every such pair against it).
	if r1, n1 := utf8.DecodeRuneInString(s); r1 < 0x600 && r1 != '\r' || r1 >= 0x2010 && r1 < 0x2028 {
		if n1 == len(s) {
			return n1
		}
		if c := s[n1]; c < utf8.RuneSelf {
			return n1
		} else if r2, _ := utf8.DecodeRuneInString(s[n1:]); r2 < 0x300 {
			return n1
		}
	}
	cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(s, -1)
	if cluster == "" {
		return 1
	}
	return len(cluster)
}

// Graphemes counts the user-perceived characters of s.
func Graphemes(s string) int {
	n := 0
	for len(s) > 0 {
		s = s[NextCluster(s):]
		n++
	}
	return n
}

func isPictographic(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, r >= 0x2600 && r <= 0x27BF, r >= 0x2300 && r <= 0x23FF,
		r >= 0x2190 && r <= 0x21FF, r >= 0x2B00 && r <= 0x2BFF, r >= 0x25A0 && r <= 0x25FF,
		r >= 0x2100 && r <= 0x214F:
		return true
	}
	switch r {
	case 0xA9, 0xAE, 0x203C, 0x2049, 0x3030, 0x303D, 0x3297, 0x3299, 0x2934, 0x2935:
		return true
	}
	return false
}

func isEmojiComponent(r rune) bool {
	return r == 0xFE0F || r == 0xFE0E || r == 0x200D || r == 0x20E3 ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F) || isPictographic(r)
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// IsEmoji reports whether a grapheme cluster is an emoji: a pictograph
// (with any modifiers, variation selectors, ZWJ sequences or tags), a flag,
// or a keycap.
func IsEmoji(cluster string) bool {
	r0, size := utf8.DecodeRuneInString(cluster)
	if size == 0 {
		return false
	}
	rest := cluster[size:]
	if isRegionalIndicator(r0) {
		return true
	}
	if (r0 >= '0' && r0 <= '9') || r0 == '#' || r0 == '*' {
		return strings.ContainsRune(rest, 0x20E3)
	}
	if !isPictographic(r0) {
		return false
	}
	if rest == "" {
		return r0 >= 0x2000 // © and ® alone are text
	}
	for _, r := range rest {
		if !isEmojiComponent(r) {
			return false
		}
	}
	return true
}

func hasInvalidX(s string) bool {
	return strings.ContainsRune(s, 0xFFFE) || strings.ContainsRune(s, 0xFEFF) || strings.ContainsRune(s, 0xFFFF)
}

// X measures text as twitter-text v3 does: NFC, links weigh 23, emoji
// sequences 2, code points 1 or 2 by range. Valid reports what
// twitter-text's isValid does (non-empty, within limit, no invalid
// characters).
func X(text string) (c Count, valid bool) {
	return XWithURLs(text, nil)
}

// XWithURLs is X for a caller that already has ExtractURLs(text, false)
// (urls is ignored unless text is in NFC, where they are the same).
func XWithURLs(text string, urls []URL) (c Count, valid bool) {
	n := text
	if !isNFC(text) {
		n = norm.NFC.String(text)
		urls = nil
	}
	if urls == nil {
		urls = ExtractURLs(n, false)
	}
	weighted, overN := 0, -1
	u := 0
	for i := 0; i < len(n); {
		var w, next int
		if u < len(urls) && urls[u].Start == i {
			w, next = xTransformedURLCost, urls[u].End
			u++
		} else if c := n[i]; c < utf8.RuneSelf && (i+1 == len(n) || n[i+1] < utf8.RuneSelf) {
			// A run of ASCII bytes not followed by a mark or joiner: each is
			// one cluster of one rune, in the first weight range.
			stop := len(n)
			if u < len(urls) {
				stop = urls[u].Start
			}
			// Every byte before the first non-ASCII one, but that one's
			// predecessor, which may start a cluster with it.
			j := i + 1 + ASCIIPrefix(n[i+1:])
			if j < len(n) {
				j--
			}
			j = max(min(j, stop), i+1)
			const limit = XLimit * xScale
			if k := j - i; overN < 0 && weighted+k*xScale > limit {
				overN = i + (limit-weighted)/xScale // the byte that passes the limit
			}
			weighted += (j - i) * xScale
			i = j
			continue
		} else {
			cl := NextCluster(n[i:])
			if cl > 1 && IsEmoji(n[i:i+cl]) {
				w, next = xDefaultWeight, i+cl
			} else {
				r, size := utf8.DecodeRuneInString(n[i:])
				w, next = xWeight(r), i+size
			}
		}
		weighted += w
		if overN < 0 && weighted > XLimit*xScale {
			overN = i
		}
		i = next
	}
	c = Count{Length: weighted / xScale, Limit: XLimit, Over: -1}
	if overN >= 0 {
		c.Over = mapNFCOffset(text, n, overN)
	}
	valid = text != "" && overN < 0 && !hasInvalidX(n)
	return c, valid
}

// mapNFCOffset maps a byte offset in the NFC form n of text back to text.
func mapNFCOffset(text, n string, off int) int {
	if text == n {
		return off
	}
	// Smallest rune boundary o with len(NFC(text[:o])) > off, minus one rune.
	lo, hi := 0, len(text)
	for lo < hi {
		mid := (lo + hi) / 2
		for mid > 0 && mid < len(text) && !utf8.RuneStart(text[mid]) {
			mid--
		}
		if mid <= lo {
			mid = lo
			_, s := utf8.DecodeRuneInString(text[mid:])
			if len(norm.NFC.String(text[:mid+s])) > off {
				return mid
			}
			lo = mid + s
			continue
		}
		if len(norm.NFC.String(text[:mid])) > off {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo
}

// mastodonMention matches "@user@domain" at s (s[0] == '@') and returns the
// byte length of "@user" and of the whole mention, or 0, 0.
func mastodonMention(s string) (userLen, total int) {
	j := 1
	for j < len(s) && (isAlnum(rune(s[j])) || s[j] == '_') {
		j++
	}
	if j == 1 || j >= len(s) || s[j] != '@' {
		return 0, 0
	}
	userLen = j
	k := j + 1
	lastWord := -1
	for k < len(s) {
		r, size := utf8.DecodeRuneInString(s[k:])
		if isWordRune(r) {
			k += size
			lastWord = k
			continue
		}
		if r == '.' || r == '-' {
			k += size
			continue
		}
		break
	}
	if lastWord < 0 {
		return 0, 0
	}
	return userLen, lastWord
}

func isWordRune(r rune) bool {
	return r == '_' || isAlnum(r) || (r >= utf8.RuneSelf && (isLetterOrDigit(r)))
}

// Mastodon measures text as Mastodon does: grapheme clusters, every
// http(s) link as 23, "@user@domain" as "@user". limit ≤ 0 means the
// default 500.
func Mastodon(text string, limit int) Count {
	if limit <= 0 {
		limit = MastodonLimit
	}
	urls := ExtractURLs(text, true)
	c := Count{Limit: limit, Over: -1}
	u := 0
	prev := rune(-1)
	for i := 0; i < len(text); {
		start := i
		var add int
		if u < len(urls) && urls[u].Start == i {
			add, i = MastodonURLLength, urls[u].End
			u++
		} else if text[i] == '@' && (prev < 0 || (prev != '/' && !isWordRune(prev))) {
			if ul, total := mastodonMention(text[i:]); total > 0 {
				add, i = ul, i+total // "@user" is ASCII: one grapheme per byte
			} else {
				add, i = 1, i+NextCluster(text[i:])
			}
		} else {
			add, i = 1, i+NextCluster(text[i:])
		}
		prev, _ = utf8.DecodeLastRuneInString(text[:i])
		for u < len(urls) && urls[u].Start < i {
			u++ // a link inside a mention is part of it
		}
		c.Length += add
		if c.Over < 0 && c.Length > limit {
			c.Over = start
		}
	}
	return c
}

// BlueskyLinks finds the links the Bluesky app turns into link facets:
// http(s):// then non-space characters, after the start, a space or '(',
// minus one trailing punctuation mark and an unbalanced ')'.
func BlueskyLinks(text string) [][2]int {
	var out [][2]int
	for i := 0; i < len(text); {
		j := indexFoldHTTP(text[i:])
		if j < 0 {
			break
		}
		s := i + j
		ok := s == 0
		if !ok {
			r, _ := utf8.DecodeLastRuneInString(text[:s])
			ok = r == '(' || isSpace(r)
		}
		e := s
		for e < len(text) {
			r, size := utf8.DecodeRuneInString(text[e:])
			if isSpace(r) {
				break
			}
			e += size
		}
		if !ok || e-s <= len("http://") {
			i = s + 4
			continue
		}
		if strings.ContainsRune(".,;:!?", rune(text[e-1])) {
			e--
		}
		if text[e-1] == ')' && !strings.Contains(text[s:e], "(") {
			e--
		}
		out = append(out, [2]int{s, e})
		i = e
	}
	return out
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

func indexFoldHTTP(s string) int {
	for i := 0; i+7 <= len(s); i++ {
		if s[i] != 'h' && s[i] != 'H' {
			continue
		}
		if hasPrefixFold(s[i:], "http://") || hasPrefixFold(s[i:], "https://") {
			return i
		}
	}
	return -1
}

// BlueskyShortURL is the text the Bluesky app shows for a link: host plus
// path, query and fragment, cut to 13 characters and "..." when longer
// than 15 (UTF-16 units).
func BlueskyShortURL(u string) string {
	rest := u[strings.Index(u, "//")+2:]
	hostEnd := strings.IndexAny(rest, "/?#")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	host := strings.ToLower(rest[:hostEnd])
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	host = strings.TrimSuffix(strings.TrimSuffix(host, ":443"), ":80")
	path := rest[hostEnd:]
	pathname, tail := path, ""
	if q := strings.IndexAny(path, "?#"); q >= 0 {
		pathname, tail = path[:q], path[q:]
	}
	if pathname == "/" {
		pathname = ""
	}
	path = pathname + tail
	if utf16Len(path) > 15 {
		return host + utf16Prefix(path, 13) + "..."
	}
	return host + path
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func utf16Prefix(s string, units int) string {
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > units {
			return s[:i]
		}
		n += w
	}
	return s
}

// Bluesky measures text as the Bluesky app does: links shortened to their
// display form, then at most 300 graphemes and 3000 UTF-8 bytes.
func Bluesky(text string) Count {
	c := Count{Limit: BlueskyLimit, ByteLimit: BlueskyByteLimit, Over: -1}
	links := BlueskyLinks(text)
	l := 0
	for i := 0; i < len(text); {
		start := i
		if l < len(links) && links[l][0] == i {
			short := BlueskyShortURL(text[i:links[l][1]])
			c.Length += Graphemes(short)
			c.Bytes += len(short)
			i = links[l][1]
			l++
		} else {
			n := NextCluster(text[i:])
			c.Length++
			c.Bytes += n
			i += n
		}
		if c.Over < 0 && c.Exceeded() {
			c.Over = start
		}
	}
	return c
}

// Reddit measures a Reddit message: characters (code points), at most
// 10,000.
func Reddit(text string) Count {
	c := Count{Limit: RedditMessageLimit, Over: -1}
	for i := range text {
		c.Length++
		if c.Over < 0 && c.Length > c.Limit {
			c.Over = i
		}
	}
	return c
}

// XDM measures an X direct message: characters (code points), at most
// 10,000. Unlike a post, a message has no weighted counting.
func XDM(text string) Count {
	c := Count{Limit: XDMLimit, Over: -1}
	for i := range text {
		c.Length++
		if c.Over < 0 && c.Length > c.Limit {
			c.Over = i
		}
	}
	return c
}

// BlueskyChat measures a Bluesky chat message as the chat lexicon
// validates it (chat.bsky.convo.defs#messageInput): the text as sent, at
// most 1,000 graphemes and 10,000 UTF-8 bytes. Links are not shortened: a
// message carries its text as typed.
func BlueskyChat(text string) Count {
	c := Count{Limit: BlueskyChatLimit, ByteLimit: BlueskyChatByteLimit, Over: -1}
	for i := 0; i < len(text); {
		start := i
		n := NextCluster(text[i:])
		c.Length++
		c.Bytes += n
		i += n
		if c.Over < 0 && c.Exceeded() {
			c.Over = start
		}
	}
	return c
}

// Generic counts graphemes against limit (≤ 0: no limit).
func Generic(text string, limit int) Count {
	if limit < 0 {
		limit = 0
	}
	c := Count{Limit: limit, Over: -1}
	for i := 0; i < len(text); {
		start := i
		i += NextCluster(text[i:])
		c.Length++
		if c.Over < 0 && limit > 0 && c.Length > limit {
			c.Over = start
		}
	}
	return c
}

// isNFC reports whether s is in NFC, as norm.NFC.IsNormalString does, but
// without the normalizer for text made only of ASCII and the runes of
// nfcSafe (accented Latin letters, dashes, quotes, currency signs).
func isNFC(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i += ASCIIPrefix(s[i:])
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !nfcSafe(r) {
			return norm.NFC.IsNormalString(s)
		}
		i += size
	}
	return true
}

// nfcSafeRanges are the blocks whose runes nfcSafe may vouch for.
var nfcSafeRanges = [...][2]rune{{0x80, 0x300}, {0x2000, 0x2070}, {0x20A0, 0x20C1}}

var nfcSafeTable = sync.OnceValue(func() (t [len(nfcSafeRanges)][]bool) {
	for k, rg := range nfcSafeRanges {
		t[k] = make([]bool, rg[1]-rg[0])
		for r := rg[0]; r < rg[1]; r++ {
			p := norm.NFC.PropertiesString(string(r))
			t[k][r-rg[0]] = p.BoundaryBefore() && p.CCC() == 0 && norm.NFC.IsNormalString(string(r))
		}
	}
	return t
})

// nfcSafe reports whether r is in NFC, a starter, and combines with no rune
// on its left, so a text of ASCII and such runes is in NFC: nothing in it
// composes or reorders (a mark after one is not such a rune).
func nfcSafe(r rune) bool {
	for k, rg := range nfcSafeRanges {
		if r >= rg[0] && r < rg[1] {
			return nfcSafeTable()[k][r-rg[0]]
		}
	}
	return false
}

// ASCIIPrefix is the length of the run of ASCII bytes s starts with,
// measured eight bytes at a time.
func ASCIIPrefix(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if w := binary.LittleEndian.Uint64([]byte(s[i : i+8])); w&0x8080808080808080 != 0 {
			return i + bits.TrailingZeros64(w&0x8080808080808080)/8
		}
	}
	for ; i < len(s) && s[i] < utf8.RuneSelf; i++ {
	}
	return i
}
