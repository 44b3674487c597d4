package textlen

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// URL is a link found in a text, as twitter-text's extractor finds it.
type URL struct {
	Start, End int    // byte span in the text
	Host       string // host as written (no port), lower-cased
	Protocol   bool   // written with http:// or https://
}

// isTLD reports whether t (lower-cased) is a top-level domain
// twitter-text knows.
func isTLD(t string) bool {
	_, ok := slices.BinarySearch(tlds[:], t)
	return ok
}

// maxHostBytes bounds the host scanned at one candidate position.
const maxHostBytes = 1024

// maxTLDRunes bounds the TLD lookup.
const maxTLDRunes = 24

func isInvalidChar(r rune) bool { return r == 0xFFFE || r == 0xFEFF || r == 0xFFFF }

func isDirectional(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x2066 && r <= 0x2069)
}

// isDomainChar reports whether r may appear in a domain label (besides
// '-' and '_'): not punctuation, space, control, invalid or directional.
func isDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	if isInvalidChar(r) || isDirectional(r) || r == utf8.RuneError {
		return false
	}
	return !unicode.IsSpace(r) && !unicode.IsPunct(r) && !unicode.IsControl(r) && !unicode.Is(unicode.Zs, r) && !unicode.Is(unicode.Cf, r)
}

// validPreceding reports whether a URL may start after rune r (r < 0 is the
// start of the text).
func validPreceding(r rune) bool {
	if r < 0 || isDirectional(r) {
		return true
	}
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	case r == '@' || r == '＠' || r == '$' || r == '#' || r == '＃':
		return false
	}
	return !isInvalidChar(r)
}

func isLatinAccent(r rune) bool {
	return (r >= 0xC0 && r <= 0xD6) || (r >= 0xD8 && r <= 0xF6) || (r >= 0xF8 && r <= 0x24F) ||
		r == 0x253 || r == 0x254 || r == 0x256 || r == 0x257 || r == 0x259 || r == 0x25B || r == 0x263 ||
		r == 0x268 || r == 0x26F || r == 0x272 || r == 0x289 || r == 0x28B || r == 0x2BB ||
		(r >= 0x300 && r <= 0x36F) || (r >= 0x1E00 && r <= 0x1EFF)
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func isPathChar(r rune) bool {
	if isAlnum(r) || isLatinAccent(r) || (r >= 0x400 && r <= 0x4FF) || r == 0x2013 {
		return true
	}
	return strings.ContainsRune("!*';:=+,.$/%#[]-_~|&@", r)
}

func isPathEnding(r rune) bool {
	if isAlnum(r) || isLatinAccent(r) || (r >= 0x400 && r <= 0x4FF) {
		return true
	}
	return strings.ContainsRune("+-=_#/", r)
}

func isQueryChar(r rune) bool {
	return isAlnum(r) || strings.ContainsRune("!?*'@();:&=+$/%#[]-_.,~|", r)
}

func isQueryEnding(r rune) bool { return isAlnum(r) || strings.ContainsRune("-_&=#/", r) }

// ExtractURLs finds the links in text the way twitter-text does: with or
// without a protocol, the host ending in a known top-level domain, every
// label at most 63 characters once punycode-encoded. With requireProtocol
// only http(s):// links count (as Mastodon counts them).
//
// Every link's host holds a dot, so the text is not walked rune by rune:
// the extractor jumps from dot to dot (a byte search) and tries only the
// starts a link through that dot can have, in text order: an
// http(s):// just before the dot's run of host characters, then each
// position of the run up to the dot. Which links it finds is exactly what
// the rune-by-rune scan found (FuzzExtractURLsMatchesReference).
func ExtractURLs(text string, requireProtocol bool) []URL {
	var out []URL
	sc := scanner{text: text}
	// try is one candidate start of the rune-by-rune scan.
	try := func(i int) (int, bool) {
		prev := rune(-1)
		if i > 0 {
			prev, _ = utf8.DecodeLastRuneInString(text[:i])
		}
		r, _ := utf8.DecodeRuneInString(text[i:])
		if !validPreceding(prev) || !isDomainChar(r) {
			return 0, false
		}
		u, ok := sc.matchURL(i, prev, requireProtocol)
		if ok {
			out = append(out, u)
		}
		return u.End, ok
	}
	for pos := 0; pos < len(text); {
		k := strings.IndexByte(text[pos:], '.')
		if k < 0 {
			break
		}
		d := pos + k
		// A dot that ends its run of host characters (a full stop) has no
		// TLD after it, and every host through it would end at it.
		if r, _ := utf8.DecodeRuneInString(text[d+1:]); d+1 == len(text) || !isHostRunChar(r) {
			pos = d + 1
			continue
		}
		// The run of host characters through the dot starts at rs.
		rs, bounded := d, false
		for rs > pos {
			r, size := utf8.DecodeLastRuneInString(text[:rs])
			if !isHostRunChar(r) {
				bounded = true
				break
			}
			rs -= size
		}
		bounded = bounded || rs == 0
		next := d + 1
		if bounded && rs >= 3 && text[rs-3:rs] == "://" {
			for _, proto := range [...]string{"https://", "http://"} {
				if ps := rs - len(proto); ps >= pos && hasPrefixFold(text[ps:], proto) {
					if end, ok := try(ps); ok {
						next = end
					}
					break
				}
			}
		}
		if next == d+1 {
			for i := rs; i < d; {
				if end, ok := try(i); ok {
					next = end
					break
				}
				_, size := utf8.DecodeRuneInString(text[i:])
				i += size
			}
		}
		pos = next
	}
	return out
}

// isHostRunChar reports whether r continues a run of host characters.
func isHostRunChar(r rune) bool { return r == '.' || r == '-' || r == '_' || isDomainChar(r) }

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// scanner remembers where the last run of host characters ended, so that
// every candidate start inside one run does not rescan it.
type scanner struct {
	text             string
	runStart, runEnd int
}

// hostRunEnd is the end of the run of label characters and dots from i.
func (sc *scanner) hostRunEnd(i int) int {
	if i > sc.runStart && i < sc.runEnd {
		return sc.runEnd
	}
	j := i
	for j < len(sc.text) {
		r, size := utf8.DecodeRuneInString(sc.text[j:])
		if isHostRunChar(r) {
			j += size
			continue
		}
		break
	}
	sc.runStart, sc.runEnd = i, j
	return j
}

func (sc *scanner) matchURL(start int, prev rune, requireProtocol bool) (URL, bool) {
	text := sc.text
	i := start
	protocol := false
	switch {
	case hasPrefixFold(text[i:], "https://"):
		i += 8
		protocol = true
	case hasPrefixFold(text[i:], "http://"):
		i += 7
		protocol = true
	}
	if !protocol {
		if requireProtocol {
			return URL{}, false
		}
		// twitter-text: no protocol-less URL after these.
		if prev == '-' || prev == '_' || prev == '.' || prev == '/' {
			return URL{}, false
		}
	}
	hostStart := i
	hostEnd, tldCC, ok := matchHost(text, i, sc.hostRunEnd(i), protocol)
	if !ok {
		return URL{}, false
	}
	host := text[hostStart:hostEnd]
	i = hostEnd
	// port
	if i < len(text) && text[i] == ':' {
		j := i + 1
		for j < len(text) && text[j] >= '0' && text[j] <= '9' {
			j++
		}
		if j > i+1 {
			i = j
		}
	}
	pathStart := i
	if i < len(text) && text[i] == '/' {
		i = matchPath(text, i)
	}
	if i < len(text) && text[i] == '?' {
		i = matchQuery(text, i)
	}
	if !protocol && tldCC && pathStart == i {
		// A bare two-label ccTLD domain with a short name ("t.co") is not a link
		// without a path, as in twitter-text.
		labels := strings.Split(host, ".")
		if len(labels) == 2 && len(labels[0]) <= 2 {
			return URL{}, false
		}
	}
	return URL{Start: start, End: i, Host: strings.ToLower(host), Protocol: protocol}, true
}

// matchHost finds the longest host at text[i:] that ends in a known TLD
// followed by a boundary and has valid labels.
func matchHost(text string, i, j int, protocol bool) (end int, cc bool, ok bool) {
	// No valid host is longer than maxHostBytes (DNS allows 253 ASCII
	// bytes); the cap keeps long runs of label characters linear.
	if j-i > maxHostBytes {
		j = i + maxHostBytes
		for j > i && !utf8.RuneStart(text[j]) {
			j--
		}
	}
	run := text[i:j]
	// Try each dot from the right as the TLD separator.
	for d := strings.LastIndexByte(run, '.'); d > 0; d = strings.LastIndexByte(run[:d], '.') {
		rest := run[d+1:]
		tldLen, isCC := matchTLD(rest)
		if tldLen == 0 {
			continue
		}
		hostRun := run[:d+1+tldLen]
		if !protocol && !isASCII(hostRun) {
			continue
		}
		if !validLabels(hostRun) {
			continue
		}
		return i + len(hostRun), isCC, true
	}
	return 0, false, false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// matchTLD returns the byte length of the longest known TLD at the start of
// s that is followed by a boundary (not [a-z0-9@+-]) and whether it is a
// country code.
func matchTLD(s string) (int, bool) {
	// Candidate ends: each rune boundary up to maxTLDRunes.
	var ends [maxTLDRunes + 1]int
	n := 0
	for k := 0; k < len(s) && n < maxTLDRunes; {
		r, size := utf8.DecodeRuneInString(s[k:])
		if r == '.' || r == '-' || r == '_' {
			break
		}
		k += size
		ends[n] = k
		n++
	}
	for e := n - 1; e >= 0; e-- {
		cand := s[:ends[e]]
		if ends[e] < len(s) {
			r, _ := utf8.DecodeRuneInString(s[ends[e]:])
			if isAlnum(r) || r == '@' || r == '+' || r == '-' {
				continue
			}
		}
		if lower := strings.ToLower(cand); isTLD(lower) {
			return len(cand), isCountryTLD(lower)
		}
	}
	return 0, false
}

func isCountryTLD(t string) bool {
	return len(t) == 2 && isASCII(t)
}

// validLabels checks every dot-separated label: not empty, no leading or
// trailing '-' or '_', the TLD without '_' or '-', and at most 63 bytes once
// punycode-encoded.
func validLabels(host string) bool {
	n := strings.Count(host, ".") + 1
	if n < 2 {
		return false
	}
	for k, rest := 0, host; k < n; k++ {
		l, after, _ := strings.Cut(rest, ".")
		rest = after
		if l == "" {
			return false
		}
		first, _ := utf8.DecodeRuneInString(l)
		last, _ := utf8.DecodeLastRuneInString(l)
		if !isDomainChar(first) || !isDomainChar(last) {
			return false
		}
		if k == n-2 && strings.ContainsRune(l, '_') {
			return false // the domain name proper may not hold '_'
		}
		if ASCIILabelLen(l) > 63 {
			return false
		}
	}
	return true
}

func matchPath(text string, i int) int {
	// text[i] == '/'
	j := i + 1
	lastGood := i + 1 // the "/" alone is a path
	var opens []int
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		switch {
		case r == '(':
			opens = append(opens, j)
		case r == ')':
			if len(opens) == 0 {
				goto done
			}
			opens = opens[:len(opens)-1]
			if len(opens) == 0 {
				lastGood = j + size
			}
			j += size
			continue
		case isPathChar(r):
		default:
			goto done
		}
		j += size
		if len(opens) == 0 && isPathEnding(r) {
			lastGood = j
		}
	}
done:
	return lastGood
}

func matchQuery(text string, i int) int {
	// text[i] == '?'
	j := i + 1
	lastGood := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !isQueryChar(r) {
			break
		}
		j += size
		if isQueryEnding(r) {
			lastGood = j
		}
	}
	return lastGood
}

func isLetterOrDigit(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}
