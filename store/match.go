package store

import (
	"slices"
	"strings"
	"time"

	"switchboard/domain"
)

// post is a filter's conditions that no index answers, prepared once per
// query and checked on each mention the indexes yield.
type post struct {
	f        Filter
	phrases  [][]string
	prefixes []string
	without  []string
	authors  []string
}

// newPost prepares f's unindexed conditions; nil when it has none.
func newPost(f Filter) *post {
	if !f.HasPost() {
		return nil
	}
	p := &post{f: f}
	for _, ph := range f.Phrases {
		if t := Tokens(ph); len(t) > 0 {
			p.phrases = append(p.phrases, t)
		}
	}
	for _, pr := range f.Prefixes {
		if t := Tokens(pr); len(t) > 0 {
			p.prefixes = append(p.prefixes, t[0])
		}
	}
	for _, w := range f.Without {
		p.without = append(p.without, Tokens(w)...)
	}
	for _, a := range f.Authors {
		p.authors = append(p.authors, foldHandle(a))
	}
	return p
}

// foldHandle is a handle compared without "@" and case.
func foldHandle(h string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(h), "@"))
}

// Matches reports whether m passes every condition of f, indexed or not,
// at now (snoozes that have run out count as open). It is what Query
// selects, for a mention already in hand (a live update, a new arrival).
func (f Filter) Matches(m *domain.Mention) bool {
	st := storedStatus(m)
	if f.Status != nil && !slices.Contains(f.Status, st) {
		return false
	}
	for _, t := range f.Tags {
		if !m.State.HasTag(t) {
			return false
		}
	}
	if f.Teams != nil && !slices.Contains(f.Teams, m.State.Team) ||
		f.Assignees != nil && !slices.Contains(f.Assignees, m.State.Assignee) ||
		f.Platforms != nil && !slices.Contains(f.Platforms, m.Platform) ||
		f.Incidents != nil && !slices.Contains(f.Incidents, m.State.IncidentID) ||
		f.Escalated && m.State.IncidentID == "" ||
		f.Bands != nil && !slices.Contains(f.Bands, m.Band()) ||
		f.Priorities != nil && !slices.Contains(f.Priorities, storedPriority(m)) ||
		f.Conversations != nil && !slices.Contains(f.Conversations, m.State.Conversation) {
		return false
	}
	if !f.Since.IsZero() && m.CreatedAt.Before(f.Since.Truncate(time.Second)) || !f.Until.IsZero() && m.CreatedAt.After(f.Until) {
		return false
	}
	if strings.TrimSpace(f.Text) != "" {
		have := mentionWords(m)
		for _, w := range Words(f.Text) {
			if !slices.Contains(have, w) {
				return false
			}
		}
	}
	if p := newPost(f); p != nil && !p.match(m) {
		return false
	}
	return true
}

func (p *post) match(m *domain.Mention) bool {
	f := p.f
	if f.Kinds != nil {
		k := m.Kind
		if k == "" {
			k = domain.KindMention
		}
		if !slices.Contains(f.Kinds, k) {
			return false
		}
	}
	if f.Langs != nil && !slices.ContainsFunc(f.Langs, func(l string) bool { return langIs(m.Lang, l) }) {
		return false
	}
	if r := f.Followers; r != nil && (r.Min != nil && m.Author.Followers < *r.Min || r.Max != nil && m.Author.Followers > *r.Max) {
		return false
	}
	if p.authors != nil && !slices.Contains(p.authors, foldHandle(m.Author.Handle)) {
		return false
	}
	if o := f.Overdue; o != nil && !isOverdue(m, o) {
		return false
	}
	if f.FYI != nil && m.State.FYI != *f.FYI {
		return false
	}
	if f.Streams != nil && !slices.Contains(f.Streams, m.Stream) {
		return false
	}
	if p.phrases == nil && p.prefixes == nil && p.without == nil {
		return true
	}
	toks := Tokens(m.Text + " " + m.Author.Handle + " " + m.Author.Name)
	for _, w := range p.without {
		if slices.Contains(toks, w) {
			return false
		}
	}
	for _, pr := range p.prefixes {
		if !slices.ContainsFunc(toks, func(t string) bool { return strings.HasPrefix(t, pr) }) {
			return false
		}
	}
	if p.phrases == nil {
		return true
	}
	fields := [][]string{Tokens(m.Text), Tokens(m.Author.Handle), Tokens(m.Author.Name)}
	for _, ph := range p.phrases {
		if !slices.ContainsFunc(fields, func(t []string) bool { return hasRun(t, ph) }) {
			return false
		}
	}
	return true
}

// hasRun reports whether run appears in toks as consecutive tokens.
func hasRun(toks, run []string) bool {
	for i := 0; i+len(run) <= len(toks); i++ {
		if slices.Equal(toks[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

// langIs reports whether tag (a mention's language, "nl-BE") is lang
// ("nl" or "nl-BE"), case ignored.
func langIs(tag, lang string) bool {
	tag, lang = strings.ToLower(tag), strings.ToLower(lang)
	return tag == lang || strings.HasPrefix(tag, lang+"-")
}

func isOverdue(m *domain.Mention, o *Overdue) bool { return o.Policy.Overdue(m, o.Now) }

// narrow tightens f's time bounds with what its other conditions imply:
// nothing younger than the shortest response target is overdue.
func narrow(f Filter) Filter {
	if f.Overdue == nil {
		return f
	}
	if short := f.Overdue.Policy.Shortest(); short >= 0 {
		if u := f.Overdue.Now.Add(-short); f.Until.IsZero() || u.Before(f.Until) {
			f.Until = u
		}
	}
	return f
}

// And is the filter of mentions both f and g select.
func (f Filter) And(g Filter) Filter {
	out := f
	out.Status = intersect(f.Status, g.Status)
	out.Tags = concat(f.Tags, g.Tags)
	out.Teams = intersect(f.Teams, g.Teams)
	out.Assignees = intersect(f.Assignees, g.Assignees)
	out.Platforms = intersect(f.Platforms, g.Platforms)
	out.Incidents = intersect(f.Incidents, g.Incidents)
	out.Bands = intersect(f.Bands, g.Bands)
	out.Priorities = intersect(f.Priorities, g.Priorities)
	out.Kinds = intersect(f.Kinds, g.Kinds)
	out.Langs = intersect(f.Langs, g.Langs)
	out.Authors = intersect(f.Authors, g.Authors)
	out.Conversations = intersect(f.Conversations, g.Conversations)
	out.Streams = intersect(f.Streams, g.Streams)
	out.Escalated = f.Escalated || g.Escalated
	if g.Since.After(out.Since) {
		out.Since = g.Since
	}
	if !g.Until.IsZero() && (out.Until.IsZero() || g.Until.Before(out.Until)) {
		out.Until = g.Until
	}
	out.Text = strings.TrimSpace(f.Text + " " + g.Text)
	out.Phrases = concat(f.Phrases, g.Phrases)
	out.Prefixes = concat(f.Prefixes, g.Prefixes)
	out.Without = concat(f.Without, g.Without)
	if g.Followers != nil {
		if out.Followers == nil {
			out.Followers = g.Followers
		} else {
			r := *out.Followers
			if g.Followers.Min != nil && (r.Min == nil || *g.Followers.Min > *r.Min) {
				r.Min = g.Followers.Min
			}
			if g.Followers.Max != nil && (r.Max == nil || *g.Followers.Max < *r.Max) {
				r.Max = g.Followers.Max
			}
			out.Followers = &r
		}
	}
	if out.Overdue == nil {
		out.Overdue = g.Overdue
	}
	if out.FYI == nil {
		out.FYI = g.FYI
	} else if g.FYI != nil && *g.FYI != *out.FYI {
		out.Status = []domain.Status{} // both: nothing
	}
	out.Oldest = f.Oldest || g.Oldest
	return out
}

func concat[T any](a, b []T) []T {
	if a == nil && b == nil {
		return nil
	}
	return append(append([]T(nil), a...), b...)
}

// intersect keeps the values both lists allow; nil means "any".
func intersect[T comparable](a, b []T) []T {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	out := []T{}
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
