package policy

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"switchboard/policy/textlen"
)

// span is a byte range of the checked text.
type span struct{ start, end int }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Luhn reports whether the digits of s pass the Luhn checksum.
func Luhn(s string) bool {
	sum, n, double := 0, 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !isDigit(c) {
			continue
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
		n++
	}
	return n > 1 && sum%10 == 0
}

// IBANValid reports whether s (spaces allowed) is an IBAN whose mod-97
// check digits hold.
func IBANValid(s string) bool {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
		case c >= 'a' && c <= 'z':
			b = append(b, c-'a'+'A')
		case c >= 'A' && c <= 'Z', isDigit(c):
			b = append(b, c)
		default:
			return false
		}
	}
	if len(b) < 15 || len(b) > 34 || !(b[0] >= 'A' && b[0] <= 'Z' && b[1] >= 'A' && b[1] <= 'Z') || !isDigit(b[2]) || !isDigit(b[3]) {
		return false
	}
	rearranged := append(append([]byte{}, b[4:]...), b[:4]...)
	rem := 0
	for _, c := range rearranged {
		if isDigit(c) {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
		}
	}
	return rem == 1
}

func prevRune(s string, i int) rune {
	if i <= 0 {
		return -1
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func nextRune(s string, i int) rune {
	if i >= len(s) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

// findEmails finds addresses like name@example.org (Unicode local parts
// and hosts allowed; the host needs a dot and a 2+ letter last label).
func findEmails(s string) []span {
	var out []span
	for off := 0; ; {
		at := strings.IndexByte(s[off:], '@')
		if at < 0 {
			return out
		}
		at += off
		off = at + 1
		st := at
		for st > 0 {
			r, size := utf8.DecodeLastRuneInString(s[:st])
			if isWord(r) || strings.ContainsRune(".%+-", r) {
				st -= size
				continue
			}
			break
		}
		for st < at && s[st] == '.' {
			st++
		}
		if st == at {
			continue
		}
		if r, _ := utf8.DecodeLastRuneInString(s[:st]); r == '@' || r == '\uFF20' {
			// @user@server is a fediverse handle, not an address
			continue
		}
		e := at + 1
		lastDot := -1
		for e < len(s) {
			r, size := utf8.DecodeRuneInString(s[e:])
			if isWord(r) || r == '-' || (r == '.' && e+size < len(s) && isWordAt(s, e+size)) {
				if r == '.' {
					lastDot = e
				}
				e += size
				continue
			}
			break
		}
		if lastDot < 0 || e-lastDot-1 < 2 {
			continue
		}
		tld := s[lastDot+1 : e]
		letters := true
		for _, r := range tld {
			if !unicode.IsLetter(r) {
				letters = false
			}
		}
		if !letters {
			continue
		}
		out = append(out, span{st, e})
		off = e
	}
}

func isWordAt(s string, i int) bool { return isWord(nextRune(s, i)) }

// digitRun scans a number written with digits and the separators in seps
// (one at a time) from i; it returns the end and the digit count.
func digitRun(s string, i int, seps string) (end, digits int) {
	end = i
	for j := i; j < len(s); {
		c := s[j]
		if isDigit(c) {
			digits++
			j++
			end = j
			continue
		}
		if strings.IndexByte(seps, c) >= 0 && j+1 < len(s) && (isDigit(s[j+1]) || (c == ' ' && s[j+1] == '(')) {
			j++
			continue
		}
		if c == '(' || c == ')' {
			if strings.IndexByte(seps, c) >= 0 {
				j++
				continue
			}
		}
		break
	}
	return end, digits
}

// numberStarts is the one pass the number detectors share: the offsets,
// in order, of every digit that does not follow a digit and of every '+'
// and '(' (where a card, phone number or IBAN's digits can begin). It
// appends to buf.
func numberStarts(s string, buf []int32) []int32 {
	starts := buf[:0]
	prevDigit := false
	for i := 0; i < len(s); i++ {
		k := numberByte[s[i]]
		if k == 0 {
			prevDigit = false // most bytes: one look-up, one predictable branch
			continue
		}
		d := k == numDigit
		if !d || !prevDigit {
			starts = append(starts, int32(i))
		}
		prevDigit = d
	}
	return starts
}

const (
	numDigit = 1 + iota
	numOpen  // '+' or '('
)

// numberByte tells numberStarts the bytes it looks for.
var numberByte = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = numDigit
	}
	t['+'], t['('] = numOpen, numOpen
	return t
}()

// findCards finds 13–19 digit numbers (spaces or dashes between groups)
// that pass the Luhn check and start like a payment card.
func findCards(s string, starts []int32) []span {
	var out []span
	next := 0
	for _, p := range starts {
		i := int(p)
		if i < next || !isDigit(s[i]) || (i > 0 && (isDigit(s[i-1]) || isWordAt(s, i-1) && s[i-1] < utf8.RuneSelf)) {
			continue
		}
		end, n := digitRun(s, i, " -")
		if n >= 13 && n <= 19 && s[i] >= '2' && s[i] <= '6' && !isWord(nextRune(s, end)) && Luhn(s[i:end]) {
			out = append(out, span{i, end})
		}
		next = end + 1
	}
	return out
}

// findPhones finds phone numbers: 8–15 digits with an optional leading +
// and separators (space, dash, dot, parentheses), not dates, not cards.
func findPhones(s string, starts []int32, cards []span) []span {
	var out []span
	next := 0
	for _, p := range starts {
		i := int(p)
		if i < next {
			continue
		}
		c := s[i]
		if !(isDigit(c) || c == '+' || c == '(') {
			continue
		}
		if i > 0 && (isDigit(s[i-1]) || isWord(prevRune(s, i)) || s[i-1] == '+') {
			continue
		}
		st := i
		j := i
		if c == '+' {
			j++
		}
		end, n := digitRun(s, j, " -.()")
		if end <= j {
			continue
		}
		if n >= 8 && n <= 15 && !isWord(nextRune(s, end)) && !looksLikeDate(s[st:end]) && !inSpans(cards, st) {
			if strings.Count(s[st:end], "(") == strings.Count(s[st:end], ")") {
				out = append(out, span{st, end})
			}
		}
		next = end + 1
	}
	return out
}

func looksLikeDate(s string) bool {
	// 2024-01-15, 15.01.2024, 15-01-2024
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '.' || r == '/' })
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if len(p) != 2 && len(p) != 4 {
			return false
		}
	}
	return len(parts[0]) == 4 || len(parts[2]) == 4
}

func inSpans(sp []span, i int) bool {
	for _, x := range sp {
		if i >= x.start && i < x.end {
			return true
		}
	}
	return false
}

// findIBANs finds IBANs (grouped by four or not) whose check digits hold.
func findIBANs(s string, starts []int32) []span {
	var out []span
	next := 0
	for _, p := range starts {
		// An IBAN's check digits start a run of digits after two letters.
		i := int(p) - 2
		if i < next || i < 0 || i+15 > len(s) {
			continue
		}
		c := s[i]
		if !(c >= 'A' && c <= 'Z') || !isDigit(s[i+2]) || !isDigit(s[i+3]) || !(s[i+1] >= 'A' && s[i+1] <= 'Z') {
			continue
		}
		if i > 0 && isWord(prevRune(s, i)) {
			continue
		}
		// Consume alphanumerics with single spaces between groups.
		j, last := i, i
		for j < len(s) && j-i < 42 {
			ch := s[j]
			if isDigit(ch) || (ch >= 'A' && ch <= 'Z') {
				j++
				last = j
				continue
			}
			if ch == ' ' && j+1 < len(s) && (isDigit(s[j+1]) || (s[j+1] >= 'A' && s[j+1] <= 'Z')) {
				j++
				continue
			}
			break
		}
		// Try the longest valid prefix ending at a group end.
		for e := last; e >= i+15; e-- {
			if e < len(s) && s[e] != ' ' && isWord(nextRune(s, e)) {
				continue
			}
			if IBANValid(s[i:e]) {
				out = append(out, span{i, e})
				next = e + 1
				break
			}
		}
	}
	return out
}

// link is a web address found in the text.
type link struct {
	span
	host string // lower-case, no port
	path string // path, query and fragment
}

var internalSuffixes = []string{"localhost", "local", "internal", "intranet", "corp", "lan", "home.arpa", "localdomain"}

var dottedInternalSuffixes = func() []string {
	out := make([]string, len(internalSuffixes))
	for i, s := range internalSuffixes {
		out[i] = "." + s
	}
	return out
}()

// mayNameInternalHost is a quick test before the search for bare internal
// host names: false when the text has neither "localhost" nor a dot
// followed by the first three letters of another internal suffix (any
// case).
func mayNameInternalHost(s string) bool {
	for off := 0; ; {
		k := strings.IndexByte(s[off:], '.')
		if k < 0 {
			break
		}
		k += off
		off = k + 1
		if k+4 > len(s) {
			break
		}
		switch string([]byte{s[k+1] | 0x20, s[k+2] | 0x20, s[k+3] | 0x20}) {
		case "loc", "lan", "int", "cor", "hom":
			return true
		}
	}
	for _, l := range [...]byte{'l', 'L'} {
		for off := 0; ; {
			k := strings.IndexByte(s[off:], l)
			if k < 0 {
				break
			}
			k += off
			off = k + 1
			if k+9 <= len(s) && s[k+5]|0x20 == 'h' && strings.EqualFold(s[k:k+9], "localhost") {
				return true
			}
		}
	}
	return false
}

// findLinks finds links: what twitter-text extracts (with or without a
// protocol) plus any scheme://host and bare host names ending in an
// internal suffix (those have no public TLD).
func findLinks(s string, urls []textlen.URL) []link {
	var out []link
	for _, u := range urls {
		out = append(out, makeLink(s, u.Start, u.End, u.Host))
	}
	// scheme://anything
	for off := 0; ; {
		k := strings.Index(s[off:], "://")
		if k < 0 {
			break
		}
		k += off
		off = k + 3
		st := k
		for st > 0 && (s[st-1] >= 'a' && s[st-1] <= 'z' || s[st-1] >= 'A' && s[st-1] <= 'Z') {
			st--
		}
		if st == k || linkAt(out, st) {
			continue
		}
		e := k + 3
		for e < len(s) {
			r, size := utf8.DecodeRuneInString(s[e:])
			if r <= ' ' || unicode.IsSpace(r) || r == '"' || r == '<' || r == '>' {
				break
			}
			e += size
		}
		for e > k+3 && strings.IndexByte(".,;:!?)", s[e-1]) >= 0 {
			e--
		}
		hostEnd := k + 3 + strings.IndexAny(s[k+3:e]+"/", "/?#")
		host := s[k+3 : hostEnd]
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
		out = append(out, makeLinkHost(s, st, e, hostEnd, host))
	}
	// bare internal host names
	if !mayNameInternalHost(s) {
		return out
	}
	lower := asciiLower(s)
	for si, suf := range internalSuffixes {
		for off := 0; ; {
			k := strings.Index(lower[off:], dottedInternalSuffixes[si])
			if suf == "localhost" {
				k = strings.Index(lower[off:], suf)
			}
			if k < 0 {
				break
			}
			k += off
			end := k + len(suf)
			if suf != "localhost" {
				end++
			}
			off = end
			if isWord(nextRune(s, end)) || (end < len(s) && s[end] == '.' && isWordAt(s, end+1)) {
				continue
			}
			st := k
			for st > 0 && (isWord(prevRune(s, st)) || s[st-1] == '.' || s[st-1] == '-') {
				_, size := utf8.DecodeLastRuneInString(s[:st])
				st -= size
			}
			if st == k && suf != "localhost" {
				continue
			}
			if linkAt(out, st) || linkAt(out, k) {
				continue
			}
			e := end
			for e < len(s) && (s[e] == ':' || s[e] == '/' || isDigit(s[e])) {
				if s[e] == '/' {
					for e < len(s) && s[e] > ' ' {
						e++
					}
					break
				}
				e++
			}
			out = append(out, makeLinkHost(s, st, e, end, s[st:end]))
		}
	}
	return out
}

// asciiLower lower-cases ASCII letters only, keeping byte offsets.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func linkAt(ls []link, i int) bool {
	for _, l := range ls {
		if i >= l.start && i < l.end {
			return true
		}
	}
	return false
}

func makeLink(s string, st, e int, host string) link {
	rest := s[st:e]
	if k := strings.Index(rest, "://"); k >= 0 {
		rest = rest[k+3:]
	}
	p := ""
	if k := strings.IndexAny(rest, "/?#"); k >= 0 {
		p = rest[k:]
	}
	return link{span: span{st, e}, host: strings.ToLower(host), path: p}
}

func makeLinkHost(s string, st, e, hostEnd int, host string) link {
	host = strings.ToLower(host)
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
		host = h
	}
	p := ""
	if hostEnd < e {
		p = s[hostEnd:e]
		if k := strings.IndexAny(p, "/?#"); k >= 0 {
			p = p[k:]
		}
	}
	return link{span: span{st, e}, host: host, path: p}
}

// hostIn reports whether host is one of domains or a subdomain of one.
func hostIn(host string, domains []string) bool {
	for _, d := range domains {
		if host == d || hasDotSuffix(host, d) {
			return true
		}
	}
	return false
}

// hasDotSuffix reports whether host ends in "."+d (without building it).
func hasDotSuffix(host, d string) bool {
	return len(host) > len(d) && host[len(host)-len(d)-1] == '.' && host[len(host)-len(d):] == d
}

func isInternalHost(host string, extra []string) bool {
	h := strings.Trim(host, "[]")
	// Only an address starts with a digit or holds a ':'; a name is not
	// parsed (a failed ParseAddr allocates its error).
	if h != "" && (isDigit(h[0]) || strings.IndexByte(h, ':') >= 0) {
		if ip, err := netip.ParseAddr(h); err == nil {
			return ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()
		}
	}
	if host == "localhost" || hostIn(host, extra) {
		return true
	}
	for _, suf := range internalSuffixes {
		if hasDotSuffix(host, suf) {
			return true
		}
	}
	return false
}

var shortenerDomains = []string{"bit.ly", "bitly.com", "tinyurl.com", "goo.gl", "ow.ly", "buff.ly", "is.gd", "v.gd", "rebrand.ly", "cutt.ly", "shorturl.at", "tiny.cc", "t.ly", "rb.gy", "s.id", "bl.ink", "dlvr.it", "tr.im", "shorte.st", "adf.ly", "lnkd.in", "t.co", "surl.li", "qrco.de"}

var loginWords = []string{"login", "log-in", "signin", "sign-in", "sign_in", "logon", "password", "passwd", "reset", "verify", "verification", "oauth", "authorize", "2fa", "mfa", "otp", "wp-admin", "account/security"}

func isLoginPath(p string) bool {
	lp := strings.ToLower(p)
	for _, w := range loginWords {
		if strings.Contains(lp, w) {
			return true
		}
	}
	return false
}

// hashtags finds #tags (Unicode letters, digits, underscores, at least one
// non-digit), not preceded by a word character or '&' (HTML entities).
func findHashtags(s string) []span {
	return findSigil(s, '#', '\uFF03')
}

// findMentions finds @handles (with an optional @domain for Mastodon or
// dotted handles for Bluesky).
func findMentions(s string) []span {
	var out []span
	for _, sp := range findSigil(s, '@', '\uFF20') {
		e := sp.end
		// @user@domain or @handle.bsky.social
		for e < len(s) && (s[e] == '@' || s[e] == '.') && isWordAt(s, e+1) {
			e++
			for e < len(s) && (isWordAt(s, e) || s[e] == '-') {
				_, size := utf8.DecodeRuneInString(s[e:])
				e += size
			}
		}
		out = append(out, span{sp.start, e})
	}
	return out
}

func findSigil(s string, a, b rune) []span {
	if !strings.ContainsRune(s, a) && !strings.ContainsRune(s, b) {
		return nil // the common case, found at the speed of IndexByte
	}
	var out []span
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && rune(c) != a && rune(c) != b {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != a && r != b {
			i += size
			continue
		}
		p := prevRune(s, i)
		st := i
		i += size
		if p >= 0 && (isWord(p) || p == '&' || p == a || p == b) {
			continue
		}
		e := i
		letters := false
		for e < len(s) {
			r, size := utf8.DecodeRuneInString(s[e:])
			if !isWord(r) && r != 0x200D && r != 0xFE0F {
				break
			}
			if !unicode.IsDigit(r) {
				letters = true
			}
			e += size
		}
		if e > i && letters {
			out = append(out, span{st, e})
			i = e
		}
	}
	return out
}
