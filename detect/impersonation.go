package detect

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"switchboard/domain"
	"switchboard/policy/confusable"
)

// Impersonation reports whether author a looks like an imitation of the
// brand's own accounts (brandHandles, e.g. "@LillyPad",
// "lillypad.bsky.social", "@lillypad@mastodon.social") or of its name
// (brandName, e.g. "Eli Lilly"), with a one-line reason.
//
// Handles and display names are reduced to a skeleton before comparing:
// NFKC compatibility folding (fullwidth and mathematical letters),
// accents dropped, invisible characters removed, look-alike letters of
// other scripts (package confusable: UTS #39, the same table the policy
// checker uses) and digits mapped to the Latin letters they imitate
// (а→a, ο→o, 0→o, 1→l, i→l, rn→m, vv→w), separators ("_", ".", "-", spaces) removed. A suspect is a skeleton
// equal to a brand skeleton, equal to it after stripping affixes such as
// "official", "support", "help", "team", "co", or within a small edit
// distance of it. The brand's own handles are never flagged (compared
// case-insensitively, with or without the leading "@"). Brand skeletons
// shorter than four characters only match exactly.
//
// The reason quotes the untrusted handle; pass it through safetext
// before it reaches a terminal.
func Impersonation(brandHandles []string, brandName string, a domain.Author) (suspect bool, reason string) {
	return newImpersonator(brandHandles, brandName).check(a)
}

// ImpersonationCheck is Impersonation with the brand's skeletons computed
// once and verdicts cached by handle and display name: the store's ingest
// hook (store.Options.Impostor), which flags suspects so that nobody ever
// answers them. It is safe for concurrent use; with neither handles nor
// a name it suspects no one.
func ImpersonationCheck(brandHandles []string, brandName string) func(domain.Author) (bool, string) {
	im := newImpersonator(brandHandles, brandName)
	var mu sync.Mutex
	cache := map[[2]string]impVerdict{}
	return func(a domain.Author) (bool, string) {
		k := [2]string{a.Handle, a.Name}
		mu.Lock()
		defer mu.Unlock()
		if v, ok := cache[k]; ok {
			return v.suspect, v.reason
		}
		if len(cache) >= imperCacheMax {
			clear(cache)
		}
		sus, why := im.check(a)
		cache[k] = impVerdict{name: a.Name, suspect: sus, reason: why}
		return sus, why
	}
}

// impersonator holds the brand's skeletons, computed once.
type impersonator struct {
	own  map[string]bool // normalised own handles
	refs []brandRef
	// the brand name's skeleton and plain folding, for names that spell
	// it with look-alike letters
	brandName, nameSkel, namePlain string
}

type brandRef struct {
	skel  string
	label string // how the reason names it: "@LillyPad", "brand name \"Eli Lilly\""
}

func newImpersonator(brandHandles []string, brandName string) *impersonator {
	im := &impersonator{own: map[string]bool{}}
	for _, h := range brandHandles {
		n := normHandle(h)
		if n == "" {
			continue
		}
		im.own[n] = true
		if sk := skeleton(handleLocal(n)); sk != "" {
			im.refs = append(im.refs, brandRef{skel: sk, label: "brand handle @" + strings.TrimPrefix(strings.TrimSpace(h), "@")})
		}
	}
	if sk := stripAffixes(skeleton(brandName)); sk != "" {
		im.refs = append(im.refs, brandRef{skel: sk, label: fmt.Sprintf("brand name %q", brandName)})
	}
	im.brandName, im.nameSkel, im.namePlain = brandName, skeleton(brandName), plain(brandName)
	return im
}

func (im *impersonator) check(a domain.Author) (bool, string) {
	h := normHandle(a.Handle)
	if h == "" || im.own[h] || len(im.refs) == 0 {
		return false, ""
	}
	hs := skeleton(handleLocal(h))
	core := stripAffixes(hs)
	shown := "@" + strings.TrimPrefix(strings.TrimSpace(a.Handle), "@")
	for _, r := range im.refs {
		switch {
		case hs == r.skel:
			return true, fmt.Sprintf("handle %s is a look-alike of %s", shown, r.label)
		case core == r.skel:
			return true, fmt.Sprintf("handle %s is %s with an added prefix or suffix", shown, r.label)
		case len(r.skel) >= 4 && (withinEdits(hs, r.skel, allowedEdits(len(r.skel))) || withinEdits(core, r.skel, allowedEdits(len(r.skel)))):
			return true, fmt.Sprintf("handle %s is within %d character edits of %s", shown, allowedEdits(len(r.skel)), r.label)
		case len(r.skel) >= 5 && containsWithLittleElse(hs, r.skel):
			return true, fmt.Sprintf("handle %s contains %s", shown, r.label)
		}
	}
	if a.Name != "" {
		ns := skeleton(a.Name)
		ncore := stripAffixes(ns)
		for _, r := range im.refs {
			if len(r.skel) < 4 {
				continue
			}
			if ns == r.skel || ncore == r.skel || len(r.skel) >= 6 && withinEdits(ncore, r.skel, 1) {
				return true, fmt.Sprintf("display name %q of %s imitates %s", a.Name, shown, r.label)
			}
		}
		// a name that imitates trust and names the brand at all: "✅ Acme
		// Help Centre", "Acme Support Desk ☑"
		if marks := im.trustMarks(a.Name); len(marks) > 0 {
			for _, r := range im.refs {
				if len(r.skel) >= 4 && (strings.Contains(ns, r.skel) || strings.Contains(hs, r.skel)) {
					return true, fmt.Sprintf("display name %q of %s imitates trust (%s) and names %s", a.Name, shown, strings.Join(marks, " "), r.label)
				}
			}
		}
	}
	return false, ""
}

// TrustMarks lists what in author a's display name imitates trust: check
// marks (✔ ☑ ✅ ✓ …), words such as "official", "support" or "help" (also
// in look-alike letters: "0fficial", Cyrillic "оfficial"), and the brand's
// name spelled with look-alike letters. Nil when nothing does, and for
// the brand's own accounts (brandHandles). The inbox shows them as a
// warning on the mention ("⚠ display name imitates trust: ✔ official");
// with any resemblance to the brand they make the author a suspect of
// Impersonation.
func TrustMarks(brandHandles []string, brandName string, a domain.Author) []string {
	im := newImpersonator(brandHandles, brandName)
	if im.own[normHandle(a.Handle)] {
		return nil
	}
	return im.trustMarks(a.Name)
}

// trustChecks are the check marks a display name borrows from the
// platforms' verified badges.
var trustChecks = []rune{'✔', '✓', '☑', '✅', '🗸', '🗹', '√'}

// trustWords are words that claim to speak for the brand, as skeletons
// (built on first use: skeletons cost a normalisation each).
var trustWords = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, w := range []string{"official", "offical", "officiel", "verified", "support", "help", "helpdesk", "customerservice", "customercare"} {
		out[skeleton(w)] = w
	}
	return out
})

func (im *impersonator) trustMarks(name string) []string {
	if name == "" {
		return nil
	}
	var marks []string
	for _, r := range name {
		if slices.Contains(trustChecks, r) && !slices.Contains(marks, string(r)) {
			marks = append(marks, string(r))
		}
	}
	for _, w := range strings.FieldsFunc(norm.NFKC.String(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) }) {
		if t, ok := trustWords()[skeleton(w)]; ok && !slices.Contains(marks, t) {
			marks = append(marks, t)
		}
	}
	// the brand's name in look-alike letters: the same skeleton, other letters
	if im.nameSkel != "" && len(im.nameSkel) >= 4 && strings.Contains(skeleton(name), im.nameSkel) && !strings.Contains(plain(name), im.namePlain) {
		marks = append(marks, fmt.Sprintf("look-alike letters for %q", im.brandName))
	}
	return marks
}

// plain is s folded like skeleton but with no look-alike mapped: what the
// letters really are.
func plain(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if r = unicode.ToLower(r); unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// allowedEdits is how many edits a handle may be from a brand skeleton of
// length n and still count as an imitation.
func allowedEdits(n int) int {
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// containsWithLittleElse reports whether s contains ref and what is left
// is at most two characters or only digits ("lillypad2024").
func containsWithLittleElse(s, ref string) bool {
	i := strings.Index(s, ref)
	if i < 0 {
		return false
	}
	rest := s[:i] + s[i+len(ref):]
	if len(rest) <= 2 {
		return true
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// normHandle lower-cases a handle and drops the leading "@" and spaces.
func normHandle(h string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
}

// handleLocal is the account-name part of a normalised handle: the user
// of "user@instance", the name of "name.bsky.social", the domain without
// its top-level label for other domain handles, the name of "u/name".
func handleLocal(h string) string {
	h = strings.TrimPrefix(h, "u/")
	if i := strings.IndexByte(h, '@'); i > 0 {
		return h[:i]
	}
	if s, ok := strings.CutSuffix(h, ".bsky.social"); ok {
		return s
	}
	if i := strings.LastIndexByte(h, '.'); i > 0 {
		return h[:i]
	}
	return h
}

// lookalike maps the digits and symbols impersonators use as letters,
// and i to l (indistinguishable in many fonts: capital I, small l). The
// look-alike letters of other scripts come from the confusable package,
// the table the policy checker folds drafts with.
var lookalike = map[rune]rune{
	'0': 'o', '1': 'l', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '$': 's',
	'|': 'l', '!': 'l',
	'i': 'l',
}

// skeleton reduces s to the form look-alikes share: see Impersonation.
func skeleton(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) || confusable.Ignorable(r) {
			continue // accents, other combining marks, invisible characters
		}
		r = unicode.ToLower(r)
		if c, ok := confusable.Latin(r); ok {
			r = rune(c)
		}
		if c, ok := lookalike[r]; ok {
			r = c
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	out = strings.ReplaceAll(out, "rn", "m")
	out = strings.ReplaceAll(out, "vv", "w")
	return out
}

// affixes are words impostors add around a brand name, as skeletons
// (built on first use).
var affixes = sync.OnceValue(func() []string {
	words := []string{
		"andcompany", "company", "official", "offical", "officiel", "officieel", "support", "helpdesk",
		"help", "team", "care", "customercare", "customerservice", "service", "services", "klantenservice",
		"klantendienst", "hq", "real", "the", "app", "inc", "corp", "co", "global", "news", "info", "desk",
		"updates", "alerts", "promo", "giveaway", "giveaways", "rewards", "verified", "admin", "staff",
		"media", "press", "pr", "us", "usa", "uk", "nl", "eu", "intl", "online", "live", "hub",
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = skeleton(w)
	}
	return out
})

// stripAffixes removes affix words from both ends of a skeleton while at
// least four characters remain.
func stripAffixes(s string) string {
	for changed := true; changed; {
		changed = false
		for _, a := range affixes() {
			if len(s) >= len(a)+4 {
				if t, ok := strings.CutSuffix(s, a); ok {
					s, changed = t, true
				}
				if t, ok := strings.CutPrefix(s, a); ok {
					s, changed = t, true
				}
			}
		}
	}
	return s
}

// withinEdits reports whether the optimal-string-alignment distance
// (insertions, deletions, substitutions, adjacent swaps) between a and b
// is at most k.
func withinEdits(a, b string, k int) bool {
	if k <= 0 {
		return a == b
	}
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > k {
			return false
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)] <= k
}
