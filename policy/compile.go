package policy

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Pack is a compiled rule pack. It is immutable and safe for concurrent use.
type Pack struct {
	ID         string
	Version    string
	Owner      string
	ReviewBy   time.Time // zero if not set
	Guidelines string    // Markdown
	// Limits override platform limits: "mastodon" (instance limit),
	// "generic", or any platform.
	Limits map[string]int

	lists     map[string][]string
	rules     []*rule
	templates []Template
	playbooks map[string]Playbook
	ac        *automaton
	entries   []entry
	first     map[*regexp.Regexp]prefilter // what a text needs for a pattern to match
}

// term roles in the automaton
const (
	roleMatch uint8 = iota
	roleExcept
	roleIf
	roleWeak
)

type entry struct {
	rule   int32
	role   uint8
	prefix bool   // term ended with '*': no boundary needed at its end
	fix    string // substitute replacement
	hasFix bool
}

type rule struct {
	Rule
	idx      int
	re       []*regexp.Regexp
	exceptRe []*regexp.Regexp
	ifRe     []*regexp.Regexp
	hasTerms bool
}

type builder struct {
	p     *Pack
	terms []string
}

func newBuilder(p *Pack) *builder { return &builder{p: p} }

var (
	severities     = []Severity{Info, Warn, Block, Approval}
	countMeasures  = []string{"hashtags", "mentions", "links", "emoji", "caps", "pattern"}
	detectorKinds  = []string{"email", "phone", "card", "iban", "custom"}
	checksums      = []string{"", "none", "luhn", "mod97"}
	visibilityKind = []string{"", "public", "private"}
	typeKinds      = []string{"", "reply", "post"}
)

func (b *builder) addTerm(l *linter, n *yaml.Node, r *rule, term string, role uint8, fix string, hasFix bool) {
	prefix := false
	t := term
	if strings.HasSuffix(t, "*") && len(t) > 1 {
		prefix = true
		t = strings.TrimSuffix(t, "*")
	}
	f := foldString(t)
	if f == "" {
		l.add(n, "rule %s: term %q is empty once folded", r.ID, term)
		return
	}
	b.terms = append(b.terms, f)
	b.p.entries = append(b.p.entries, entry{rule: int32(r.idx), role: role, prefix: prefix, fix: fix, hasFix: hasFix})
	if role == roleMatch {
		r.hasTerms = true
	}
}

func (b *builder) addMatch(l *linter, n *yaml.Node, r *rule, m Match, role uint8, fix string, hasFix bool) []*regexp.Regexp {
	for i, t := range m.Terms {
		b.addTerm(l, seqItem(n, "terms", i), r, t, role, fix, hasFix)
	}
	for i, name := range m.Lists {
		list, ok := b.p.lists[name]
		if !ok {
			l.add(seqItem(n, "lists", i), "rule %s: unknown list %q", r.ID, name)
			continue
		}
		for _, t := range list {
			b.addTerm(l, seqItem(n, "lists", i), r, t, role, fix, hasFix)
		}
	}
	var res []*regexp.Regexp
	for i, pat := range m.Patterns {
		re, err := regexp.Compile(pat)
		if err != nil {
			l.add(seqItem(n, "patterns", i), "rule %s: bad pattern: %v", r.ID, err)
			continue
		}
		if re.MatchString("") {
			l.add(seqItem(n, "patterns", i), "rule %s: pattern %q matches empty text", r.ID, pat)
			continue
		}
		if asciiBoundaryNextToWide(pat) {
			l.warn(seqItem(n, "patterns", i), "rule %s: pattern %q: \\b only knows ASCII letters (RE2), so it sees a boundary inside a word at a non-ASCII letter (é, ß, а) and none between them; use a term, or (?:^|[^\\pL\\pN]) and (?:[^\\pL\\pN]|$)", r.ID, pat)
		}
		if b.p.first == nil {
			b.p.first = map[*regexp.Regexp]prefilter{}
		}
		b.p.first[re] = newPrefilter(re, leadingChars(pat))
		res = append(res, re)
	}
	return res
}

func (b *builder) addRule(l *linter, n *yaml.Node, spec Rule) {
	r := &rule{Rule: spec, idx: len(b.p.rules)}
	if !slices.Contains(kinds, r.Kind) {
		l.add(keyNode(n, "kind"), "rule %s: unknown kind %q (want one of %s)", r.ID, r.Kind, strings.Join(kinds, ", "))
		return
	}
	if r.Severity == "" {
		r.Severity = Warn
	}
	if !slices.Contains(severities, r.Severity) {
		l.add(value(n, "severity"), "rule %s: severity %q is not info, warn, block or approval", r.ID, r.Severity)
	}
	if r.Message == "" {
		l.add(keyNode(n, "id"), "rule %s has no message", r.ID)
	}
	if r.Cite == "" {
		l.warn(keyNode(n, "id"), "rule %s cites no source (cite)", r.ID)
	}
	if len(r.Examples.Bad) == 0 {
		l.warn(keyNode(n, "id"), "rule %s has no bad examples", r.ID)
	}
	w := value(n, "when")
	for i, pl := range r.When.Platforms {
		if !slices.Contains(platformNames, pl) {
			l.add(seqItem(w, "platforms", i), "rule %s: unknown platform %q", r.ID, pl)
		}
	}
	if !slices.Contains(visibilityKind, r.When.Visibility) {
		l.add(value(w, "visibility"), "rule %s: visibility %q is not public or private", r.ID, r.When.Visibility)
	}
	if !slices.Contains(typeKinds, r.When.Type) {
		l.add(value(w, "type"), "rule %s: type %q is not reply or post", r.ID, r.When.Type)
	}
	if r.Severity == Approval && r.Role == "" {
		l.add(keyNode(n, "severity"), "rule %s: severity approval needs a role", r.ID)
	}
	b.p.rules = append(b.p.rules, r)

	fix, hasFix := "", r.Fix != nil
	if hasFix {
		fix = *r.Fix
	}
	switch r.Kind {
	case KindDeny, KindApproval:
		if r.Kind == KindApproval {
			if r.Role == "" {
				l.add(keyNode(n, "kind"), "rule %s: approval needs a role (e.g. legal)", r.ID)
			}
			if r.Severity != Approval {
				r.Severity = Approval
			}
			for i, d := range r.Detectors {
				if !slices.Contains(detectorKinds[:4], d) {
					l.add(seqItem(n, "detectors", i), "rule %s: unknown detector %q", r.ID, d)
				}
			}
		}
		if r.Match.empty() && len(r.Detectors) == 0 {
			l.add(keyNode(n, "kind"), "rule %s: %s needs terms, lists or patterns", r.ID, r.Kind)
		}
		r.re = b.addMatch(l, n, r, r.Match, roleMatch, fix, hasFix)
	case KindSubstitute:
		if len(r.Swap) == 0 {
			l.add(keyNode(n, "kind"), "rule %s: substitute needs swap: {from: to}", r.ID)
		}
		keys := make([]string, 0, len(r.Swap))
		for k := range r.Swap {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.addTerm(l, keyNode(value(n, "swap"), k), r, k, roleMatch, r.Swap[k], true)
		}
	case KindRequire:
		if r.Match.empty() {
			l.add(keyNode(n, "kind"), "rule %s: require needs terms, lists or patterns", r.ID)
		}
		r.re = b.addMatch(l, n, r, r.Match, roleMatch, fix, hasFix)
	case KindRequireIf:
		if r.If.empty() {
			l.add(keyNode(n, "kind"), "rule %s: require_if needs if: {terms, lists, patterns}", r.ID)
		}
		if r.Match.empty() {
			l.add(keyNode(n, "kind"), "rule %s: require_if needs the required terms or patterns", r.ID)
		}
		r.ifRe = b.addMatch(l, value(n, "if"), r, r.If, roleIf, "", false)
		r.re = b.addMatch(l, n, r, r.Match, roleMatch, fix, hasFix)
		for i, t := range r.Weak {
			b.addTerm(l, seqItem(n, "weak", i), r, t, roleWeak, "", false)
		}
		if r.MaxHashtagRun == 0 {
			r.MaxHashtagRun = 3
		}
	case KindCount:
		if !slices.Contains(countMeasures, r.Count) {
			l.add(keyNode(n, "count"), "rule %s: count %q is not one of %s", r.ID, r.Count, strings.Join(countMeasures, ", "))
		}
		if r.Max == nil && r.Min == nil {
			l.add(keyNode(n, "kind"), "rule %s: count needs max or min", r.ID)
		}
		if r.Count == "pattern" {
			if len(r.Patterns) == 0 {
				l.add(keyNode(n, "count"), "rule %s: count: pattern needs patterns", r.ID)
			}
			r.re = b.addMatch(l, n, r, Match{Patterns: r.Patterns}, roleMatch, "", false)
		}
	case KindLength:
		if r.Max != nil && *r.Max <= 0 {
			l.add(value(n, "max"), "rule %s: max must be positive", r.ID)
		}
	case KindDetector:
		if !slices.Contains(detectorKinds, r.Detector) {
			l.add(keyNode(n, "detector"), "rule %s: detector %q is not one of %s", r.ID, r.Detector, strings.Join(detectorKinds, ", "))
		}
		if !slices.Contains(checksums, r.Checksum) {
			l.add(value(n, "checksum"), "rule %s: checksum %q is not luhn, mod97 or none", r.ID, r.Checksum)
		}
		if r.Detector == "custom" {
			if len(r.Patterns) == 0 {
				l.add(keyNode(n, "detector"), "rule %s: a custom detector needs patterns", r.ID)
			}
			r.re = b.addMatch(l, n, r, Match{Patterns: r.Patterns}, roleMatch, "", false)
		}
	case KindLink:
		if len(r.AllowDomains) == 0 && len(r.DenyDomains) == 0 && !r.Shorteners && !r.Internal && !r.Login {
			l.add(keyNode(n, "kind"), "rule %s: link needs allow_domains, deny_domains, shorteners, internal or login", r.ID)
		}
		for _, list := range [][]string{r.AllowDomains, r.DenyDomains, r.ShortenerDomains, r.InternalDomains} {
			for i := range list {
				list[i] = strings.ToLower(strings.TrimPrefix(list[i], "*."))
			}
		}
	}
	if !r.Except.empty() {
		r.exceptRe = b.addMatch(l, value(n, "except"), r, r.Except, roleExcept, "", false)
	}
}

func (b *builder) build() {
	b.p.ac = buildAutomaton(b.terms)
}

// prefilter is what a text must contain for a pattern to match in it: the
// pattern's literal prefix, else one of its leading characters (split
// into ASCII bytes, searched with a byte set, and wider runes); nothing
// known means any text may match.
type prefilter struct {
	prefix string
	ascii  string
	wide   []rune
}

func newPrefilter(re *regexp.Regexp, leading string) prefilter {
	if pre, _ := re.LiteralPrefix(); pre != "" {
		return prefilter{prefix: pre}
	}
	var f prefilter
	for _, r := range leading {
		if r < utf8.RuneSelf {
			f.ascii += string(r)
		} else {
			f.wide = append(f.wide, r)
		}
	}
	return f
}

// mayMatch reports whether re can match somewhere in text; false means it
// certainly cannot, so the regexp need not run.
func (p *Pack) mayMatch(re *regexp.Regexp, text string) bool {
	f := p.first[re]
	switch {
	case f.prefix != "":
		return strings.Contains(text, f.prefix)
	case f.ascii == "" && f.wide == nil:
		return true
	case f.ascii != "" && strings.ContainsAny(text, f.ascii):
		return true
	case len(f.wide) == 0:
		return false
	}
	for _, r := range f.wide {
		if strings.ContainsRune(text, r) {
			return true
		}
	}
	return false
}

// leadingChars computes the set of characters a pattern's matches must
// start with, when that set is small; "" means any.
func leadingChars(pat string) string {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return ""
	}
	re = re.Simplify()
	for re.Op == syntax.OpConcat || re.Op == syntax.OpCapture {
		if len(re.Sub) == 0 {
			return ""
		}
		if re.Op == syntax.OpConcat {
			// skip zero-width assertions at the start
			i := 0
			for i < len(re.Sub) && (re.Sub[i].Op == syntax.OpWordBoundary || re.Sub[i].Op == syntax.OpBeginLine || re.Sub[i].Op == syntax.OpBeginText) {
				i++
			}
			if i == len(re.Sub) {
				return ""
			}
			re = re.Sub[i]
		} else {
			re = re.Sub[0]
		}
	}
	var runes []rune
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return ""
		}
		r := re.Rune[0]
		runes = append(runes, r)
		if re.Flags&syntax.FoldCase != 0 {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				runes = append(runes, f)
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 64 || len(runes) > 128 {
				return ""
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				runes = append(runes, r)
			}
		}
	default:
		return ""
	}
	return string(runes)
}

// asciiBoundaryNextToWide reports whether a pattern uses \b or \B and can
// match a non-ASCII letter: RE2's word boundary is ASCII-only, so next to
// such a letter it does not mean what it says.
func asciiBoundaryNextToWide(pat string) bool {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return false
	}
	boundary, wide := false, false
	var walk func(*syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpWordBoundary, syntax.OpNoWordBoundary:
			boundary = true
		case syntax.OpLiteral:
			for _, r := range re.Rune {
				if r >= utf8.RuneSelf && unicode.IsLetter(r) {
					wide = true
				}
			}
		case syntax.OpCharClass:
			for i := 0; i+1 < len(re.Rune); i += 2 {
				if re.Rune[i+1] >= 0xC0 {
					wide = true
				}
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			wide = true
		}
		for _, sub := range re.Sub {
			walk(sub)
		}
	}
	walk(re)
	return boundary && wide
}
