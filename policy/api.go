package policy

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"switchboard/domain"
	"switchboard/policy/textlen"
)

//go:generate sh -c "SWITCHBOARD_WRITE_DEFAULT=1 go test -run TestDefaultGenerated ."

//go:embed default.yaml
var defaultYAML []byte

var (
	defaultOnce sync.Once
	defaultPack *Pack
)

// DefaultYAML is the source of the built-in pack (a starting point for a
// team's own).
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

// Default returns the built-in pack, compiled once. It is compiled from
// defaultSpec (default_gen.go), default.yaml as decoded at build time, so
// a process that checks with it does not parse YAML; TestDefaultGenerated
// fails when the two differ.
func Default() *Pack {
	defaultOnce.Do(func() {
		p, errs := compileSpec(nil, defaultSpec(), &linter{file: "default.yaml"})
		if p == nil {
			panic(fmt.Sprintf("policy: built-in pack is broken: %v", errs))
		}
		defaultPack = p
	})
	return defaultPack
}

// Templates returns the pack's pre-approved replies and holding statements
// (none for a nil pack: one that did not load).
func (p *Pack) Templates() []Template {
	if p == nil {
		return nil
	}
	return append([]Template(nil), p.templates...)
}

// Template returns the template with the given id.
func (p *Pack) Template(id string) (Template, bool) {
	if p == nil {
		return Template{}, false
	}
	for _, t := range p.templates {
		if t.ID == id {
			return t, true
		}
	}
	return Template{}, false
}

// Playbook returns the playbook for a crisis scenario (see
// domain.Scenario*), falling back to "other".
func (p *Pack) Playbook(scenario string) (Playbook, bool) {
	if p == nil {
		return Playbook{}, false
	}
	if pb, ok := p.playbooks[scenario]; ok {
		return pb, true
	}
	pb, ok := p.playbooks[string(domain.ScenarioOther)]
	return pb, ok
}

// Playbooks returns every playbook, sorted by scenario.
func (p *Pack) Playbooks() []Playbook {
	out := make([]Playbook, 0, len(p.playbooks))
	for _, pb := range p.playbooks {
		out = append(out, pb)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Scenario < out[j].Scenario })
	return out
}

// Rules returns the pack's rules as written, in file order.
func (p *Pack) Rules() []Rule {
	out := make([]Rule, len(p.rules))
	for i, r := range p.rules {
		out[i] = r.Rule
	}
	return out
}

// Areas returns the rules grouped by risk area (rules without one under
// "general"), areas in order of first appearance.
func (p *Pack) Areas() (areas []string, rules map[string][]Rule) {
	rules = map[string][]Rule{}
	for _, r := range p.rules {
		a := r.Area
		if a == "" {
			a = "general"
		}
		if _, ok := rules[a]; !ok {
			areas = append(areas, a)
		}
		rules[a] = append(rules[a], r.Rule)
	}
	return areas, rules
}

// List returns a named term list.
func (p *Pack) List(name string) []string { return append([]string(nil), p.lists[name]...) }

// Length measures text for a public post on a platform with the built-in
// limits. LengthFor measures a private message.
func Length(platform domain.Platform, text string) (n, limit int) {
	c := measure(platform, domain.VisibilityPublic, text, nil)
	return c.Length, c.Limit
}

// LengthFor measures text for a platform and visibility with the built-in
// limits: a private reply is a direct message on X (10,000 characters), a
// chat message on Bluesky (1,000 graphemes), a private message on Reddit
// (10,000 characters), and a "direct" status on Mastodon (the status limit).
func LengthFor(platform domain.Platform, vis domain.Visibility, text string) (n, limit int) {
	c := measure(platform, vis, text, nil)
	return c.Length, c.Limit
}

// Length measures text for a public post on a platform, with the pack's
// limits (e.g. a Mastodon instance's own limit).
func (p *Pack) Length(platform domain.Platform, text string) textlen.Count {
	return measure(platform, domain.VisibilityPublic, text, p.Limits)
}

// LengthFor measures text for a platform and visibility with the pack's
// limits. The pack's per-platform limits are post limits: they apply to
// public replies everywhere and, since a Mastodon direct message is a
// status, to private replies on Mastodon; the other platforms' private
// messages keep their own message limits.
func (p *Pack) LengthFor(platform domain.Platform, vis domain.Visibility, text string) textlen.Count {
	return measure(platform, vis, text, p.Limits)
}

// private reports whether a reply of visibility vis on platform is a
// message with its own counter rather than a post.
func private(platform domain.Platform, vis domain.Visibility) bool {
	if vis != domain.VisibilityPrivate {
		return false
	}
	switch platform {
	case domain.PlatformX, domain.PlatformBluesky, domain.PlatformReddit:
		return true
	}
	return false
}

// counter is the platform's counter for a visibility, with its built-in
// limit (limit: the pack's Mastodon instance limit).
func counter(platform domain.Platform, vis domain.Visibility, mastodonLimit int) func(string) textlen.Count {
	if private(platform, vis) {
		switch platform {
		case domain.PlatformX:
			return textlen.XDM
		case domain.PlatformBluesky:
			return textlen.BlueskyChat
		}
		return textlen.Reddit // private message and comment share 10,000
	}
	switch platform {
	case domain.PlatformX:
		return func(s string) textlen.Count { c, _ := textlen.X(s); return c }
	case domain.PlatformMastodon:
		return func(s string) textlen.Count { return textlen.Mastodon(s, mastodonLimit) }
	case domain.PlatformBluesky:
		return textlen.Bluesky
	case domain.PlatformReddit:
		return textlen.Reddit
	}
	return nil
}

func measure(platform domain.Platform, vis domain.Visibility, text string, limits map[string]int) textlen.Count {
	count := counter(platform, vis, limits["mastodon"])
	if count == nil {
		return textlen.Generic(text, limits["generic"])
	}
	c := count(text)
	if private(platform, vis) {
		return c
	}
	if l, ok := limits[string(platform)]; ok && l > 0 && platform != domain.PlatformMastodon {
		c.Limit = l
		c.Over = overAt(text, platform, vis, l)
	}
	return c
}

// overAt finds where text first passes limit on platform for a visibility
// (-1: never), by bisecting on rune boundaries.
func overAt(text string, platform domain.Platform, vis domain.Visibility, limit int) int {
	count := counter(platform, vis, 0)
	n := func(s string) int {
		if count == nil {
			return textlen.Graphemes(s)
		}
		return count(s).Length
	}
	if n(text) <= limit {
		return -1
	}
	var bounds []int
	for i := range text {
		bounds = append(bounds, i)
	}
	lo, hi := 0, len(bounds)-1 // find the first boundary b with n(text[:next]) > limit
	for lo < hi {
		mid := (lo + hi) / 2
		end := len(text)
		if mid+1 < len(bounds) {
			end = bounds[mid+1]
		}
		if n(text[:end]) > limit {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return bounds[lo]
}

// ExampleFailure is a rule example that did not behave.
type ExampleFailure struct {
	RuleID string
	Bad    bool // a bad example that did not fire (else a good one that did)
	Text   string
	Got    []Finding // for a good example: the rule's findings
}

func (e ExampleFailure) String() string {
	if e.Bad {
		return fmt.Sprintf("%s: bad example not flagged: %q", e.RuleID, e.Text)
	}
	return fmt.Sprintf("%s: good example flagged (%s): %q", e.RuleID, e.Got[0].Message, e.Text)
}

// ExampleContext is the context a rule's examples are checked in: its
// first platform, its visibility, reply if it only applies to replies,
// its first language.
func ExampleContext(r Rule) Context {
	ctx := Context{Platform: domain.Platform("generic"), Visibility: domain.VisibilityPublic}
	if len(r.When.Platforms) > 0 {
		ctx.Platform = domain.Platform(r.When.Platforms[0])
	}
	if r.When.Visibility != "" {
		ctx.Visibility = domain.Visibility(r.When.Visibility)
	}
	ctx.Reply = r.When.Type == "reply"
	if len(r.When.Lang) > 0 {
		ctx.Lang = r.When.Lang[0]
	}
	return ctx
}

// TestExamples runs every rule's examples: each bad one must produce a
// finding of that rule, no good one may. It returns how many examples ran
// and the failures.
func (p *Pack) TestExamples() (ran int, failures []ExampleFailure) {
	for _, r := range p.rules {
		ctx := ExampleContext(r.Rule)
		for _, bad := range r.Examples.Bad {
			ran++
			if len(findingsOf(p.Check(bad, ctx), r.ID)) == 0 {
				failures = append(failures, ExampleFailure{RuleID: r.ID, Bad: true, Text: bad})
			}
		}
		for _, good := range r.Examples.Good {
			ran++
			if got := findingsOf(p.Check(good, ctx), r.ID); len(got) > 0 {
				failures = append(failures, ExampleFailure{RuleID: r.ID, Text: good, Got: got})
			}
		}
	}
	return ran, failures
}

func findingsOf(fs []Finding, id string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.RuleID == id && !f.Overridden {
			out = append(out, f)
		}
	}
	return out
}

// TextFailure is a text the pack itself ships (a holding statement or a
// template) that its own rules refuse to send.
type TextFailure struct {
	What    string // "holding security SEV2", "template outage-ack"
	Text    string
	Blocked []Finding
}

func (e TextFailure) String() string {
	ids := make([]string, len(e.Blocked))
	for i, f := range e.Blocked {
		ids[i] = f.RuleID
	}
	return fmt.Sprintf("%s is blocked by the pack's own %s (%s): %q", e.What, strings.Join(ids, ", "), e.Blocked[0].Message, e.Text)
}

// TestTexts checks the texts the pack ships against its own rules: every
// holding statement as a public post, every template (each field filled
// with its own name) as a public reply on its first platform in its
// language. A block finding on one of them means the crisis board or the
// composer would offer a text that cannot be sent; approval findings are
// not failures (an apology may rightly need legal). It returns how many
// texts it checked and the failures.
func (p *Pack) TestTexts() (ran int, failures []TextFailure) {
	check := func(what, text string, ctx Context) {
		ran++
		var blocked []Finding
		for _, f := range p.Check(text, ctx) {
			if f.Blocking() && f.Severity != Approval {
				blocked = append(blocked, f)
			}
		}
		if len(blocked) > 0 {
			failures = append(failures, TextFailure{What: what, Text: text, Blocked: blocked})
		}
	}
	for _, pb := range p.Playbooks() {
		sevs := make([]string, 0, len(pb.Holding))
		for s := range pb.Holding {
			sevs = append(sevs, s)
		}
		sort.Strings(sevs)
		for _, s := range sevs {
			check("holding "+pb.Scenario+" "+s, pb.Holding[s], Context{Platform: "generic", Visibility: domain.VisibilityPublic})
		}
	}
	for _, t := range p.Templates() {
		ran++
		text, blocked := p.TemplateBlocks(t)
		if len(blocked) > 0 {
			failures = append(failures, TextFailure{What: "template " + t.ID, Text: text, Blocked: blocked})
		}
	}
	return ran, failures
}

// TemplateBlocks checks template t as it would be sent: each field filled
// with its own name, as a public reply on its first platform (generic
// when it names none) in its language. It returns the text checked and
// its block findings (approval findings are not blocks here: an apology
// may rightly need legal when it is used). A template, or a saved reply,
// with a block could never be sent.
func (p *Pack) TemplateBlocks(t Template) (text string, blocked []Finding) {
	vals := map[string]string{}
	for _, f := range t.Fields() {
		vals[f] = f
	}
	text, _ = t.Render(vals)
	ctx := Context{Platform: "generic", Visibility: domain.VisibilityPublic, Reply: true, Lang: t.Lang}
	if len(t.Platforms) > 0 {
		ctx.Platform = domain.Platform(t.Platforms[0])
	}
	for _, f := range p.Check(text, ctx) {
		if f.Blocking() && f.Severity != Approval {
			blocked = append(blocked, f)
		}
	}
	return text, blocked
}
