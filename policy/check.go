package policy

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"switchboard/domain"
	"switchboard/policy/textlen"
)

// Context is where a text will be posted.
type Context struct {
	Platform   domain.Platform   // "" or "generic": no platform
	Visibility domain.Visibility // "" is public
	Reply      bool              // a reply (else a new post)
	Lang       string            // BCP 47 language of the text, if known
	// Approvals are the roles that have signed the text off (e.g. "legal");
	// an approval finding for one of them is Approved.
	Approvals []string
}

// Finding is one problem in a text.
type Finding struct {
	RuleID   string   `json:"rule"`
	Area     string   `json:"area,omitempty"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Cite     string   `json:"cite,omitempty"`
	// Fix replaces Match when HasFix (an empty Fix deletes it).
	Fix    string `json:"fix,omitempty"`
	HasFix bool   `json:"has_fix,omitempty"`
	Match  string `json:"match"`
	// Start and End are the byte span of Match in the text; Line and Col
	// (1-based, Col in characters) are where Start is.
	Start int `json:"start"`
	End   int `json:"end"`
	Line  int `json:"line"`
	Col   int `json:"col"`
	// Role must sign off an approval finding; Approved says it has.
	Role     string `json:"role,omitempty"`
	Approved bool   `json:"approved,omitempty"`
	// Overridden by an inline `policy:allow RULE "reason"`.
	Overridden bool   `json:"overridden,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Blocking reports whether the finding stops the text from going out: a
// block that no override covers, or an approval not yet given (approvals
// cannot be overridden inline).
func (f Finding) Blocking() bool {
	if f.Overridden {
		return false
	}
	return f.Severity == Block || (f.Severity == Approval && !f.Approved)
}

// ApplyFix returns text with f's fix applied (text unchanged if f has no
// fix or its span no longer holds its match).
func ApplyFix(text string, f Finding) string {
	if !f.HasFix || f.Start < 0 || f.End > len(text) || f.Start > f.End || text[f.Start:f.End] != f.Match {
		return text
	}
	return text[:f.Start] + f.Fix + text[f.End:]
}

// Override is an inline `policy:allow RULE "reason"` directive.
type Override struct {
	RuleID     string
	Reason     string
	Start, End int
}

const directive = "policy:allow"

// Overrides lists the inline overrides in text.
func Overrides(text string) []Override {
	var out []Override
	for off := 0; ; {
		k := strings.Index(text[off:], directive)
		if k < 0 {
			return out
		}
		st := off + k
		i := st + len(directive)
		off = i
		j := i
		for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
			j++
		}
		if j == i {
			continue
		}
		idStart := j
		for j < len(text) && (isWord(rune(text[j])) || text[j] == '-' || text[j] == '.') {
			j++
		}
		if j == idStart {
			continue
		}
		o := Override{RuleID: text[idStart:j], Start: st, End: j}
		k2 := j
		for k2 < len(text) && (text[k2] == ' ' || text[k2] == '\t') {
			k2++
		}
		if k2 < len(text) && (text[k2] == '"' || strings.HasPrefix(text[k2:], "“")) {
			q := 1
			closeQ := "\""
			if text[k2] != '"' {
				q, closeQ = len("“"), "”"
			}
			if e := strings.Index(text[k2+q:], closeQ); e >= 0 && !strings.Contains(text[k2+q:k2+q+e], "\n") {
				o.Reason = strings.TrimSpace(text[k2+q : k2+q+e])
				o.End = k2 + q + e + len(closeQ)
			}
		}
		out = append(out, o)
		off = o.End
	}
}

// StripOverrides removes the override directives (and lines left empty by
// them) so the text can be posted.
func StripOverrides(text string) string {
	ovs := Overrides(text)
	if len(ovs) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for _, o := range ovs {
		st, e := o.Start, o.End
		ls := strings.LastIndexByte(text[:st], '\n') + 1
		le := strings.IndexByte(text[e:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += e
		}
		if strings.TrimSpace(text[ls:st]) == "" && strings.TrimSpace(text[e:le]) == "" {
			st, e = ls, le
			if e < len(text) {
				e++
			} else if st > 0 && st-1 >= last {
				st--
			}
		}
		if st < last {
			st = last
		}
		b.WriteString(text[last:st])
		last = e
	}
	b.WriteString(text[last:])
	return b.String()
}

func (r *rule) applies(ctx *Context) bool {
	w := &r.When
	if len(w.Platforms) > 0 {
		p := string(ctx.Platform)
		if p == "" {
			p = "generic"
		}
		if !slices.Contains(w.Platforms, p) {
			return false
		}
	}
	if w.Visibility != "" {
		v := string(ctx.Visibility)
		if v == "" {
			v = "public"
		}
		if v != w.Visibility {
			return false
		}
	}
	switch w.Type {
	case "reply":
		if !ctx.Reply {
			return false
		}
	case "post":
		if ctx.Reply {
			return false
		}
	}
	if len(w.Lang) > 0 && ctx.Lang != "" {
		base, _, _ := strings.Cut(strings.ToLower(ctx.Lang), "-")
		ok := false
		for _, l := range w.Lang {
			if strings.EqualFold(l, ctx.Lang) || strings.EqualFold(l, base) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

type hit struct {
	e          *entry
	start, end int // original byte span
}

type scratch struct {
	f       folded
	hits    []hit
	byR     [][]hit // hits by rule
	applies []bool
	starts  []int32
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

// checker holds per-call lazily computed facts about the text.
type checker struct {
	p     *Pack
	sc    *scratch
	text  string // with override directives blanked
	orig  string
	ctx   *Context
	out   []Finding
	byR   [][]hit
	cards []span
	ibans []span
	ibansDone,
	startsDone,
	cardsDone,
	linksDone bool
	links    []link
	tags     []span
	tagsDone bool
	urlList  []textlen.URL
	urlsDone bool
}

// Check runs every rule that applies in ctx over text and returns the
// findings ordered by position, then severity (worst first), then rule.
func (p *Pack) Check(text string, ctx Context) []Finding {
	c := &checker{p: p, text: text, orig: text, ctx: &ctx}
	var ovs []Override
	if strings.Contains(text, directive) {
		ovs = Overrides(text)
		b := []byte(text)
		for _, o := range ovs {
			for i := o.Start; i < o.End; i++ {
				b[i] = ' '
			}
		}
		c.text = string(b)
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	c.sc = sc
	if cap(sc.applies) < len(p.rules) {
		sc.applies = make([]bool, len(p.rules))
	}
	applies := sc.applies[:len(p.rules)]
	any := false
	for i, r := range p.rules {
		applies[i] = r.applies(&ctx)
		any = any || applies[i]
	}
	braces := strings.Contains(c.text, "{{")
	if !any && !braces && (c.text == text || !strings.Contains(text, "{{")) {
		return nil
	}
	// Terms: one pass of the automaton over the folded text.
	sc.hits = sc.hits[:0]
	if p.ac != nil && len(p.ac.patterns) > 0 {
		f := &sc.f
		f.fold(c.text)
		fb := f.b
		p.ac.scan(fb, func(ti int32, end int) {
			e := &p.entries[ti]
			if !applies[e.rule] {
				return
			}
			start := end - len(p.ac.patterns[ti])
			first, _ := utf8.DecodeRune(fb[start:])
			last, _ := utf8.DecodeLastRune(fb[:end])
			before, after := rune(-1), rune(-1)
			if start > 0 {
				before, _ = utf8.DecodeLastRune(fb[:start])
			}
			if end < len(fb) {
				after, _ = utf8.DecodeRune(fb[end:])
			}
			if !boundaryOK(first, before) || (!e.prefix && !boundaryOK(last, after)) {
				return
			}
			os := int(f.src[start])
			oe := int(f.src[end-1])
			_, size := utf8.DecodeRuneInString(c.text[oe:])
			oe += size
			if e.prefix {
				for oe < len(c.text) {
					r, size := utf8.DecodeRuneInString(c.text[oe:])
					if !isWord(r) {
						break
					}
					oe += size
				}
			}
			for oe < len(c.text) {
				r, size := utf8.DecodeRuneInString(c.text[oe:])
				if !unicode.Is(unicode.Mn, r) {
					break
				}
				oe += size
			}
			sc.hits = append(sc.hits, hit{e: e, start: os, end: oe})
		})
	}
	if cap(sc.byR) < len(p.rules) {
		sc.byR = make([][]hit, len(p.rules))
	}
	c.byR = sc.byR[:len(p.rules)]
	for i := range c.byR {
		c.byR[i] = c.byR[i][:0]
	}
	for _, h := range sc.hits {
		c.byR[h.e.rule] = append(c.byR[h.e.rule], h)
	}
	for i, r := range p.rules {
		if applies[i] {
			c.run(r)
		}
	}
	if braces {
		c.unfilledFields()
	}
	if len(c.out) == 0 && len(ovs) == 0 {
		return nil
	}
	c.applyOverrides(ovs)
	for i := range c.out {
		f := &c.out[i]
		if f.Severity == Approval {
			for _, a := range ctx.Approvals {
				if strings.EqualFold(a, f.Role) {
					f.Approved = true
				}
			}
		}
	}
	sort.SliceStable(c.out, func(i, j int) bool {
		a, b := &c.out[i], &c.out[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		if a.Severity.rank() != b.Severity.rank() {
			return a.Severity.rank() > b.Severity.rank()
		}
		return a.RuleID < b.RuleID
	})
	setLineCol(text, c.out)
	return c.out
}

// FieldRule is the rule id of the finding for a template's {{field}}
// left in a draft: a block, in every pack and context, that no inline
// override clears (it names no rule of the pack).
const FieldRule = "template-field"

// unfilledFields blocks every {{field}} a template left in the text.
func (c *checker) unfilledFields() {
	for _, m := range fieldRe.FindAllStringSubmatchIndex(c.text, -1) {
		name := c.text[m[2]:m[3]]
		c.out = append(c.out, Finding{RuleID: FieldRule, Area: "templates", Severity: Block,
			Message: "template field {{" + name + "}} is not filled in", Match: c.orig[m[0]:m[1]], Start: m[0], End: m[1]})
	}
}

func (c *checker) applyOverrides(ovs []Override) {
	for _, o := range ovs {
		r := c.p.rule(o.RuleID)
		switch {
		case r == nil:
			c.out = append(c.out, Finding{RuleID: "policy-override", Severity: Warn, Message: "override names unknown rule " + strconv.Quote(o.RuleID), Match: c.orig[o.Start:o.End], Start: o.Start, End: o.End})
			continue
		case o.Reason == "":
			c.out = append(c.out, Finding{RuleID: "policy-override", Severity: Warn, Message: "override of " + o.RuleID + " needs a reason in quotes; not honoured", Match: c.orig[o.Start:o.End], Start: o.Start, End: o.End})
			continue
		case r.NoOverride:
			c.out = append(c.out, Finding{RuleID: "policy-override", Severity: Warn, Message: "rule " + o.RuleID + " cannot be overridden", Match: c.orig[o.Start:o.End], Start: o.Start, End: o.End})
			continue
		}
		signOff := ""
		for i := range c.out {
			if c.out[i].RuleID != o.RuleID {
				continue
			}
			if c.out[i].Severity == Approval {
				// an approval is a sign-off by someone else: the author
				// cannot give it to themselves with an inline override
				signOff = c.out[i].Role
				continue
			}
			c.out[i].Overridden = true
			c.out[i].Reason = o.Reason
		}
		if signOff != "" {
			c.out = append(c.out, Finding{RuleID: "policy-override", Severity: Warn, Message: "rule " + o.RuleID + " needs sign-off by " + signOff + "; an inline override does not replace it", Match: c.orig[o.Start:o.End], Start: o.Start, End: o.End})
		}
	}
}

func (p *Pack) rule(id string) *rule {
	for _, r := range p.rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// setLineCol fills Line and Col (characters) from Start, in one pass. A
// line ends at "\n", "\r\n" or a bare "\r" (old Mac files).
func setLineCol(text string, fs []Finding) {
	idx := make([]int, len(fs))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return fs[idx[a]].Start < fs[idx[b]].Start })
	line, col, pos := 1, 1, 0
	for _, k := range idx {
		f := &fs[k]
		for pos < f.Start && pos < len(text) {
			r, size := utf8.DecodeRuneInString(text[pos:])
			if r == '\n' || r == '\r' && (pos+1 == len(text) || text[pos+1] != '\n') {
				line, col = line+1, 1
			} else {
				col++
			}
			pos += size
		}
		f.Line, f.Col = line, col
	}
}

func (c *checker) add(r *rule, start, end int, msg string, vars map[string]string) *Finding {
	m := c.orig[start:end]
	if vars == nil {
		vars = map[string]string{}
	}
	if _, ok := vars["match"]; !ok {
		vars["match"] = clip(m)
	}
	vars["role"] = r.Role
	f := Finding{RuleID: r.ID, Area: r.Area, Severity: r.Severity, Message: render(msg, vars), Cite: r.Cite, Match: m, Start: start, End: end, Role: r.Role}
	c.out = append(c.out, f)
	return &c.out[len(c.out)-1]
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		return string(r[:59]) + "…"
	}
	return s
}

func render(msg string, vars map[string]string) string {
	if !strings.Contains(msg, "{{") {
		return msg
	}
	return fieldRe.ReplaceAllStringFunc(msg, func(m string) string {
		name := fieldRe.FindStringSubmatch(m)[1]
		if v, ok := vars[name]; ok {
			return v
		}
		return m
	})
}

// matches returns the spans of rule r's terms (role) and patterns,
// longest first at each start, without spans nested in another.
func (c *checker) matches(r *rule, role uint8, res []*regexp.Regexp) []hit {
	var hs []hit
	for _, h := range c.byR[r.idx] {
		if h.e.role == role {
			hs = append(hs, h)
		}
	}
	for _, re := range res {
		if !c.p.mayMatch(re, c.text) {
			continue
		}
		for _, m := range re.FindAllStringIndex(c.text, -1) {
			hs = append(hs, hit{start: m[0], end: m[1]})
		}
	}
	if len(hs) > 1 {
		sort.Slice(hs, func(i, j int) bool {
			if hs[i].start != hs[j].start {
				return hs[i].start < hs[j].start
			}
			return hs[i].end > hs[j].end
		})
		out := hs[:1]
		for _, h := range hs[1:] {
			if h.end <= out[len(out)-1].end {
				continue // nested in the previous
			}
			out = append(out, h)
		}
		hs = out
	}
	if role == roleMatch && (len(r.exceptRe) > 0 || hasRole(c.byR[r.idx], roleExcept)) {
		ex := c.matches(r, roleExcept, r.exceptRe)
		kept := hs[:0]
		for _, h := range hs {
			covered := false
			for _, x := range ex {
				if x.start <= h.start && h.end <= x.end {
					covered = true
				}
			}
			if !covered {
				kept = append(kept, h)
			}
		}
		hs = kept
	}
	return hs
}

func hasRole(hs []hit, role uint8) bool {
	for _, h := range hs {
		if h.e.role == role {
			return true
		}
	}
	return false
}

func (c *checker) run(r *rule) {
	switch r.Kind {
	case KindDeny, KindSubstitute:
		for _, h := range c.matches(r, roleMatch, r.re) {
			f := c.add(r, h.start, h.end, r.Message, nil)
			if h.e != nil && h.e.hasFix {
				f.Fix, f.HasFix = matchCase(c.orig[h.start:h.end], h.e.fix), true
			} else if r.Fix != nil {
				f.Fix, f.HasFix = *r.Fix, true
			}
		}
	case KindApproval:
		hs := c.matches(r, roleMatch, r.re)
		for _, d := range r.Detectors {
			for _, s := range c.detect(d) {
				hs = append(hs, hit{start: s.start, end: s.end})
			}
		}
		for _, h := range hs {
			c.add(r, h.start, h.end, r.Message, nil)
		}
	case KindRequire:
		hs := c.matches(r, roleMatch, r.re)
		for _, h := range hs {
			if r.Within <= 0 || utf8.RuneCountInString(c.text[:h.start]) < r.Within {
				return
			}
		}
		c.add(r, 0, 0, r.Message, map[string]string{"within": strconv.Itoa(r.Within)})
	case KindRequireIf:
		c.requireIf(r)
	case KindCount:
		c.count(r)
	case KindLength:
		var cnt textlen.Count
		if c.ctx.Platform == domain.PlatformX && !private(c.ctx.Platform, c.ctx.Visibility) && c.text == c.orig && c.p.Limits["x"] == 0 {
			cnt, _ = textlen.XWithURLs(c.orig, c.urls())
		} else {
			cnt = c.p.LengthFor(c.ctx.Platform, c.ctx.Visibility, c.orig)
		}
		if r.Max != nil {
			cnt.Limit = *r.Max
			cnt.Over = -1
			if cnt.Length > cnt.Limit {
				cnt.Over = overAt(c.orig, c.ctx.Platform, c.ctx.Visibility, cnt.Limit)
			}
		}
		if cnt.Exceeded() {
			st := cnt.Over
			if st < 0 {
				st = 0
			}
			c.add(r, st, len(c.orig), r.Message, map[string]string{"length": strconv.Itoa(cnt.Length), "limit": strconv.Itoa(cnt.Limit), "bytes": strconv.Itoa(cnt.Bytes), "match": ""})
		}
	case KindDetector:
		var sp []span
		if r.Detector == "custom" {
			for _, h := range c.matches(r, roleMatch, r.re) {
				m := c.text[h.start:h.end]
				switch r.Checksum {
				case "luhn":
					if !Luhn(m) {
						continue
					}
				case "mod97":
					if !IBANValid(m) {
						continue
					}
				}
				sp = append(sp, span{h.start, h.end})
			}
		} else {
			sp = c.detect(r.Detector)
		}
		for _, s := range sp {
			if c.excepted(r, s) {
				continue
			}
			c.add(r, s.start, s.end, r.Message, nil)
		}
	case KindLink:
		for _, l := range c.allLinks() {
			reason := ""
			switch {
			case len(r.DenyDomains) > 0 && hostIn(l.host, r.DenyDomains):
				reason = "links to " + l.host + " are not allowed"
			case r.Internal && isInternalHost(l.host, r.InternalDomains):
				reason = l.host + " is an internal host"
			case r.Shorteners && (hostIn(l.host, shortenerDomains) || hostIn(l.host, r.ShortenerDomains)):
				reason = l.host + " is a link shortener that hides where it goes"
			case r.Login && isLoginPath(l.path):
				reason = "the link goes to a sign-in or password page"
			case len(r.AllowDomains) > 0 && !hostIn(l.host, r.AllowDomains):
				reason = l.host + " is not on the allowed list"
			}
			if reason != "" && !c.excepted(r, l.span) {
				c.add(r, l.start, l.end, r.Message, map[string]string{"reason": reason, "host": l.host})
			}
		}
	}
}

func (c *checker) excepted(r *rule, s span) bool {
	if r.Except.empty() {
		return false
	}
	for _, x := range c.matches(r, roleExcept, r.exceptRe) {
		if x.start <= s.start && s.end <= x.end {
			return true
		}
	}
	return false
}

func (c *checker) detect(kind string) []span {
	switch kind {
	case "email":
		return findEmails(c.text)
	case "card":
		if !c.cardsDone {
			c.cards, c.cardsDone = findCards(c.text, c.numberStarts()), true
		}
		return c.cards
	case "phone":
		return findPhones(c.text, c.numberStarts(), append(append([]span(nil), c.detect("card")...), c.detect("iban")...))
	case "iban":
		if !c.ibansDone {
			c.ibans, c.ibansDone = findIBANs(c.text, c.numberStarts()), true
		}
		return c.ibans
	}
	return nil
}

// numberStarts is the detectors' shared pass over the text, done once.
func (c *checker) numberStarts() []int32 {
	if !c.startsDone {
		c.sc.starts, c.startsDone = numberStarts(c.text, c.sc.starts), true
	}
	return c.sc.starts
}

func (c *checker) allLinks() []link {
	if !c.linksDone {
		c.links, c.linksDone = findLinks(c.text, c.urls()), true
	}
	return c.links
}

func (c *checker) urls() []textlen.URL {
	if !c.urlsDone {
		c.urlList, c.urlsDone = textlen.ExtractURLs(c.text, false), true
	}
	return c.urlList
}

func (c *checker) hashtags() []span {
	if !c.tagsDone {
		c.tags, c.tagsDone = findHashtags(c.text), true
	}
	return c.tags
}

// matchCase gives a replacement the capitalisation of the text it replaces.
func matchCase(orig, fix string) string {
	if fix == "" {
		return fix
	}
	r0, _ := utf8.DecodeRuneInString(orig)
	if !unicode.IsUpper(r0) {
		return fix
	}
	upper := utf8.RuneCountInString(orig) > 1 && strings.ToUpper(orig) == orig
	if upper {
		return strings.ToUpper(fix)
	}
	f0, size := utf8.DecodeRuneInString(fix)
	return string(unicode.ToTitle(f0)) + fix[size:]
}

func (c *checker) requireIf(r *rule) {
	triggers := c.matches(r, roleIf, r.ifRe)
	if len(triggers) == 0 {
		return
	}
	disclosures := c.matches(r, roleMatch, r.re)
	runs := hashtagRuns(c.text, c.hashtags())
	var late, buried *hit
	for i := range disclosures {
		d := &disclosures[i]
		if n := runContaining(runs, d.start); n > r.MaxHashtagRun {
			if buried == nil {
				buried = d
			}
			continue
		}
		if r.Within > 0 && utf8.RuneCountInString(c.text[:d.start]) >= r.Within {
			if late == nil {
				late = d
			}
			continue
		}
		return // a clear disclosure
	}
	t := triggers[0]
	vars := map[string]string{"within": strconv.Itoa(r.Within)}
	switch {
	case buried != nil:
		f := c.add(r, buried.start, buried.end, r.Message, map[string]string{"match": clip(c.orig[t.start:t.end])})
		f.Message += " (the disclosure is lost in a run of hashtags)"
	case late != nil:
		f := c.add(r, late.start, late.end, r.Message, map[string]string{"match": clip(c.orig[t.start:t.end])})
		f.Message += " (the disclosure comes after the first " + strconv.Itoa(r.Within) + " characters)"
	default:
		weak := c.matches(r, roleWeak, nil)
		if len(weak) > 0 {
			w := weak[0]
			f := c.add(r, w.start, w.end, r.Message, map[string]string{"match": clip(c.orig[t.start:t.end])})
			f.Message += " (" + strconv.Quote(c.orig[w.start:w.end]) + " is not a clear disclosure)"
			if r.Fix != nil {
				f.Fix, f.HasFix = *r.Fix, true
			}
			return
		}
		c.add(r, t.start, t.end, r.Message, vars)
	}
}

// hashtagRuns groups hashtags separated only by spaces; it returns runs
// as [start, end, count].
func hashtagRuns(s string, tags []span) [][3]int {
	var runs [][3]int
	for _, t := range tags {
		if n := len(runs); n > 0 && strings.TrimSpace(s[runs[n-1][1]:t.start]) == "" {
			runs[n-1][1] = t.end
			runs[n-1][2]++
			continue
		}
		runs = append(runs, [3]int{t.start, t.end, 1})
	}
	return runs
}

func runContaining(runs [][3]int, pos int) int {
	for _, r := range runs {
		if pos >= r[0] && pos < r[1] {
			return r[2]
		}
	}
	return 0
}

func (c *checker) count(r *rule) {
	var items []span
	switch r.Count {
	case "hashtags":
		items = c.hashtags()
	case "mentions":
		items = findMentions(c.text)
	case "links":
		for _, l := range c.allLinks() {
			items = append(items, l.span)
		}
	case "emoji":
		for i := 0; i < len(c.text); {
			n := textlen.NextCluster(c.text[i:])
			if n > 1 || c.text[i] >= utf8.RuneSelf {
				if textlen.IsEmoji(c.text[i : i+n]) {
					items = append(items, span{i, i + n})
				}
			}
			i += n
		}
	case "pattern":
		for _, h := range c.matches(r, roleMatch, r.re) {
			items = append(items, span{h.start, h.end})
		}
	case "caps":
		run := longestCapsRun(c.text)
		if r.Max != nil && run.n > *r.Max {
			c.add(r, run.start, run.end, r.Message, map[string]string{"count": strconv.Itoa(run.n), "max": strconv.Itoa(*r.Max)})
		}
		return
	}
	vars := map[string]string{"count": strconv.Itoa(len(items))}
	if r.Max != nil && len(items) > *r.Max {
		vars["max"] = strconv.Itoa(*r.Max)
		c.add(r, items[*r.Max].start, items[len(items)-1].end, r.Message, vars)
	}
	if r.Min != nil && len(items) < *r.Min {
		vars["min"] = strconv.Itoa(*r.Min)
		vars["match"] = ""
		c.add(r, 0, 0, r.Message, vars)
	}
}

type capsRun struct{ start, end, n int }

// longestCapsRun finds the longest run of consecutive words written in
// capitals (two letters or more, at least one cased letter, none lower).
func longestCapsRun(s string) capsRun {
	var best, cur capsRun
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			i++ // ASCII that is not a letter
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			i += size
			continue
		}
		st := i
		letters, upper, lower := 0, 0, 0
		for i < len(s) && lower == 0 {
			if c := s[i]; c < utf8.RuneSelf {
				switch {
				case c >= 'A' && c <= 'Z':
					letters, upper, i = letters+1, upper+1, i+1
					continue
				case c >= 'a' && c <= 'z':
					letters, lower, i = letters+1, lower+1, i+1
					continue
				}
				break // ASCII, not a letter: the word ends
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsLetter(r) && !unicode.IsMark(r) {
				break
			}
			if unicode.IsLetter(r) {
				letters++
			}
			if unicode.IsUpper(r) {
				upper++
			} else if unicode.IsLower(r) {
				lower++
			}
			i += size
		}
		if lower > 0 {
			// Not in capitals: skip the rest of the word uncounted.
			i = wordEnd(s, i)
			cur = capsRun{}
			continue
		}
		if letters >= 2 && upper > 0 {
			if cur.n == 0 {
				cur.start = st
			}
			cur.end, cur.n = i, cur.n+1
			if cur.n > best.n {
				best = cur
			}
		} else if upper > 0 {
			cur = capsRun{}
		}
	}
	return best
}

// wordEnd is the end of the run of letters and marks at s[i:].
func wordEnd(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				i++
				continue
			}
			return i
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsMark(r) {
			return i
		}
		i += size
	}
	return i
}

// ReviewOverdue reports whether the pack's review_by date has passed.
func (p *Pack) ReviewOverdue(now time.Time) bool {
	return !p.ReviewBy.IsZero() && now.After(p.ReviewBy.Add(24*time.Hour))
}
