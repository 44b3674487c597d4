// Package rules compiles the config's routing rules into the store's
// ingest hook: when a newly ingested mention matches a rule (keywords,
// platform, language, author followers or verified mark, sentiment), the
// rule sets tags, team and priority, and each change is an audit event by
// the actor "rules" that can be undone like any operator action.
package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"switchboard/config"
	"switchboard/domain"
)

// Actor is the audit actor of rule changes (store.ActorRules).
const Actor = "rules"

// Set is a compiled list of rules, applied in order.
type Set struct{ rules []rule }

type rule struct {
	config.Rule
	keywords []string // lower-cased
	authors  []string // lower-cased, no "@"
	patterns []*regexp.Regexp
}

// Compile checks and prepares rules.
func Compile(rs []config.Rule) (*Set, error) {
	s := &Set{}
	for _, r := range rs {
		cr := rule{Rule: r}
		for _, k := range r.Match.Keywords {
			k = strings.ToLower(strings.TrimSpace(k))
			if k == "" {
				return nil, fmt.Errorf("rule %s: empty keyword", r.Name)
			}
			cr.keywords = append(cr.keywords, k)
		}
		for _, a := range r.Match.Authors {
			cr.authors = append(cr.authors, strings.ToLower(strings.TrimPrefix(strings.TrimSpace(a), "@")))
		}
		for _, p := range r.Match.Patterns {
			re, err := regexp.Compile(p)
			if err != nil {
				return nil, fmt.Errorf("rule %s: pattern %q: %v", r.Name, p, err)
			}
			cr.patterns = append(cr.patterns, re)
		}
		if st := r.Set.Status; st != "" && !domain.Status(st).Valid() {
			return nil, fmt.Errorf("rule %s: unknown status %q", r.Name, st)
		}
		if p := r.Set.Priority; p != "" && (!domain.Priority(p).Valid()) {
			return nil, fmt.Errorf("rule %s: unknown priority %q", r.Name, p)
		}
		s.rules = append(s.rules, cr)
	}
	return s, nil
}

// Len is the number of rules.
func (s *Set) Len() int { return len(s.rules) }

// Apply runs every rule on m (a new mention, with its sentiment already
// scored), changes its operator state, and returns one event per change.
func (s *Set) Apply(m *domain.Mention) []domain.Event {
	var evs []domain.Event
	for _, r := range s.rules {
		if !r.matches(m) {
			continue
		}
		for _, t := range r.Set.Tags {
			if !m.State.HasTag(t) {
				m.State.Tags = append(m.State.Tags, t)
				evs = append(evs, domain.Event{Actor: Actor, Kind: domain.EventTag, Field: "tags", After: t})
			}
		}
		if r.Set.Team != "" && m.State.Team != r.Set.Team {
			evs = append(evs, domain.Event{Actor: Actor, Kind: domain.EventRoute, Field: "team", Before: m.State.Team, After: r.Set.Team})
			m.State.Team = r.Set.Team
		}
		if st := domain.Status(r.Set.Status); st != "" && m.State.Status != st {
			before := m.State.Status
			if before == "" {
				before = domain.StatusOpen
			}
			evs = append(evs, domain.Event{Actor: Actor, Kind: domain.EventStatus, Field: "status", Before: string(before), After: string(st)})
			m.State.Status = st
		}
		if r.Set.Promote && m.State.Status == domain.StatusStream {
			evs = append(evs, domain.Event{Actor: Actor, Kind: domain.EventStatus, Field: "status", Before: string(domain.StatusStream), After: string(domain.StatusOpen)})
			m.State.Status = domain.StatusOpen
		}
		if p := domain.Priority(r.Set.Priority); p != "" {
			before := m.State.Priority
			if before == "" {
				before = domain.PriorityNormal
			}
			if before != p {
				evs = append(evs, domain.Event{Actor: Actor, Kind: domain.EventPriority, Field: "priority", Before: string(before), After: string(p)})
				m.State.Priority = p
			}
		}
	}
	return evs
}

func (r *rule) matches(m *domain.Mention) bool {
	c := r.Match
	if len(c.Streams) > 0 && !slices.Contains(c.Streams, m.Stream) {
		return false
	}
	if len(c.Platforms) > 0 && !slices.Contains(c.Platforms, string(m.Platform)) {
		return false
	}
	if len(c.Langs) > 0 && !slices.ContainsFunc(c.Langs, func(l string) bool { return strings.EqualFold(l, m.Lang) }) {
		return false
	}
	if c.MinFollowers > 0 && m.Author.Followers < c.MinFollowers {
		return false
	}
	if c.Verified != nil && m.Author.Verified != *c.Verified {
		return false
	}
	if c.SentimentBelow != nil && !(m.Sentiment < *c.SentimentBelow) {
		return false
	}
	if c.SentimentAbove != nil && !(m.Sentiment > *c.SentimentAbove) {
		return false
	}
	if c.FYI != nil && m.State.FYI != *c.FYI {
		return false
	}
	if len(r.authors) > 0 && !slices.Contains(r.authors, strings.ToLower(strings.TrimPrefix(m.Author.Handle, "@"))) {
		return false
	}
	if len(r.patterns) > 0 && !slices.ContainsFunc(r.patterns, func(re *regexp.Regexp) bool { return re.MatchString(m.Text) }) {
		return false
	}
	if len(r.keywords) > 0 {
		text := strings.ToLower(m.Text)
		if !slices.ContainsFunc(r.keywords, func(k string) bool { return containsWord(text, k) }) {
			return false
		}
	}
	return true
}

// containsWord reports whether k occurs in text (both lower-case) with no
// letter or digit right before or after it.
func containsWord(text, k string) bool {
	for i := 0; i <= len(text)-len(k); {
		j := strings.Index(text[i:], k)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(k)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (start == 0 || !isWordRune(before)) && (end == len(text) || !isWordRune(after)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		i = start + size
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// Enrich chains an optional scorer (e.g. sentiment) and the rules into
// the store's ingest hook (store.Options.Enrich).
func (s *Set) Enrich(score func(*domain.Mention)) func(*domain.Mention) []domain.Event {
	return func(m *domain.Mention) []domain.Event {
		if score != nil {
			score(m)
		}
		if !m.FYIKnown {
			m.State.FYI = !domain.NeedsReply(m)
		}
		return s.Apply(m)
	}
}
