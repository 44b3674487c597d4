// Package query is switchboard's one query language: the inbox's `/`
// search and `f` filter, saved views and every command's --query read it.
//
//	refund "late delivery" deliv* -spam author:@ana tag:billing is:open
//	followers:>10000 after:7d sort:oldest
//
// Words must all appear (case and accents ignored); "a phrase" must appear
// as written; word* is a prefix; -word and -"a phrase" must not appear.
// key:value terms take alternatives separated by commas (platform:x,reddit
// is either platform), except tag:, where every tag listed must be present
// (tag:billing,urgent); two terms on one key must both hold. An unknown key
// is an error naming the known ones.
package query

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"switchboard/domain"
	"switchboard/sla"
	"switchboard/store"
)

// Options are what a query's relative terms mean.
type Options struct {
	// Me is the operator assignee:me and is:mine name.
	Me string
	// Now anchors after:24h and is:overdue.
	Now time.Time
	// Clock is the teams' response clocks (is:overdue); nil means the
	// default targets, always open.
	Clock *sla.Policy
}

// Query is a parsed query: what it selects and in which order.
type Query struct {
	Filter store.Filter
	// Sort is "" (the caller's default), newest, oldest, due or followers.
	Sort string
	// Timed says the filter depends on when it was parsed (is:overdue, or
	// after:/before: a duration back from now): a query kept for long, such
	// as a view, must be parsed again to mean the same thing later.
	Timed bool
}

// Keys are the known keys, in the order help lists them.
var Keys = []string{"author", "tag", "team", "assignee", "platform", "kind", "is", "status", "sentiment",
	"priority", "lang", "incident", "after", "before", "followers", "sort", "conversation", "stream"}

// aliases are older spellings that keep working.
var aliases = map[string]string{"since": "after", "until": "before", "band": "sentiment", "from": "author"}

// Sorts are the orders sort: takes.
var Sorts = []string{"newest", "oldest", "due", "followers"}

// Help is the one-line summary of the language.
const Help = `words "a phrase" pre* -word author:@h tag: team: assignee:(me|none) platform: kind: is:(open|pending|snoozed|done|spam|stream|unassigned|overdue|mine|escalated|fyi|needs-reply) sentiment: lang: incident: after:/before:(24h|7d|2026-11-20) followers:>N sort:(newest|oldest|due|followers) conversation:KEY stream:NAME`

// Error is a query that does not parse: which term, and why.
type Error struct {
	Term, Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Term, e.Reason) }

// Parse reads a query.
func Parse(expr string, o Options) (Query, error) {
	var q Query
	f := &q.Filter
	terms, err := split(expr)
	if err != nil {
		return q, err
	}
	var words []string
	for _, t := range terms {
		bad := func(format string, a ...any) error {
			return &Error{Term: t.raw, Reason: fmt.Sprintf(format, a...)}
		}
		if t.key == "" {
			switch {
			case t.neg:
				f.Without = append(f.Without, t.value)
			case t.quoted:
				f.Phrases = append(f.Phrases, t.value)
			case strings.HasSuffix(t.value, "*") && len(t.value) > 1:
				f.Prefixes = append(f.Prefixes, strings.TrimRight(t.value, "*"))
			default:
				words = append(words, t.value)
			}
			continue
		}
		if t.neg {
			return q, bad("only words and phrases can be negated")
		}
		key := t.key
		if a, ok := aliases[key]; ok {
			key = a
		}
		if !slices.Contains(Keys, key) {
			return q, bad("unknown key %q; known keys: %s", t.key, strings.Join(Keys, ", "))
		}
		var vals []string
		for _, v := range strings.Split(t.value, ",") {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			return q, bad("%s: needs a value", key)
		}
		switch key {
		case "author":
			for _, v := range vals {
				f.Authors = append(f.Authors, strings.TrimPrefix(v, "@"))
			}
		case "tag":
			f.Tags = append(f.Tags, vals...) // every tag listed
		case "team":
			f.Teams = and(f.Teams, noneIs(vals))
		case "assignee":
			var as []string
			for _, v := range vals {
				switch v {
				case "me":
					v = o.Me
				case "none":
					v = ""
				}
				as = append(as, strings.TrimPrefix(v, "@"))
			}
			f.Assignees = and(f.Assignees, as)
		case "platform":
			var ps []domain.Platform
			for _, v := range vals {
				p := domain.Platform(strings.ToLower(v))
				if !p.Valid() {
					return q, bad("want x, mastodon, bluesky, reddit or news")
				}
				ps = append(ps, p)
			}
			f.Platforms = and(f.Platforms, ps)
		case "kind":
			var ks []domain.Kind
			for _, v := range vals {
				k := domain.Kind(strings.ToLower(v))
				if !k.Valid() {
					return q, bad("want one of %s", joinStr(domain.Kinds))
				}
				ks = append(ks, k)
			}
			f.Kinds = and(f.Kinds, ks)
		case "status":
			sts, err := statuses(vals)
			if err != nil {
				return q, bad("%v", err)
			}
			f.Status = and(f.Status, sts)
		case "is":
			var sts []domain.Status
			for _, v := range vals {
				switch v = strings.ToLower(v); v {
				case "open", "pending", "snoozed", "done", "spam", "stream":
					sts = append(sts, domain.Status(v))
				case "fyi", "needs-reply":
					fyi := v == "fyi"
					if f.FYI != nil && *f.FYI != fyi {
						f.Status = []domain.Status{} // both: nothing
					}
					f.FYI = &fyi
				case "closed":
					sts = append(sts, domain.StatusDone)
				case "unassigned":
					f.Assignees = and(f.Assignees, []string{""})
				case "mine":
					f.Assignees = and(f.Assignees, []string{o.Me})
				case "escalated":
					f.Escalated = true
				case "overdue":
					f.Overdue = &store.Overdue{Now: o.Now, Policy: o.Clock}
					q.Timed = true
				default:
					return q, bad("want open, pending, snoozed, done, spam, stream, unassigned, overdue, mine, escalated, fyi or needs-reply")
				}
			}
			if sts != nil {
				f.Status = and(f.Status, sts)
			}
		case "sentiment":
			var bs []domain.Band
			for _, v := range vals {
				switch v = strings.ToLower(v); v {
				case "neg":
					v = "negative"
				case "pos":
					v = "positive"
				}
				if !slices.Contains(domain.Bands, domain.Band(v)) {
					return q, bad("want negative, neutral or positive")
				}
				bs = append(bs, domain.Band(v))
			}
			f.Bands = and(f.Bands, bs)
		case "priority":
			var ps []domain.Priority
			for _, v := range vals {
				p := domain.Priority(strings.ToLower(v))
				if !p.Valid() {
					return q, bad("want low, normal, high or urgent")
				}
				ps = append(ps, p)
			}
			f.Priorities = and(f.Priorities, ps)
		case "lang":
			for _, v := range vals {
				if !validLang(v) {
					return q, bad("want a language code such as en, nl or pt-BR")
				}
			}
			f.Langs = and(f.Langs, vals)
		case "incident":
			f.Incidents = and(f.Incidents, vals)
		case "conversation":
			f.Conversations = and(f.Conversations, vals)
		case "stream":
			f.Streams = and(f.Streams, vals)
		case "after", "before":
			if len(vals) > 1 {
				return q, bad("one time only")
			}
			at, err := When(vals[0], o.Now, key == "before")
			if err != nil {
				return q, bad("%v", err)
			}
			q.Timed = q.Timed || relative(vals[0])
			if key == "after" {
				if at.After(f.Since) {
					f.Since = at
				}
			} else if f.Until.IsZero() || at.Before(f.Until) {
				f.Until = at
			}
		case "followers":
			r, err := parseRange(t.value)
			if err != nil {
				return q, bad("%v", err)
			}
			if f.Followers == nil {
				f.Followers = r
			} else {
				f.Followers = (store.Filter{Followers: f.Followers}).And(store.Filter{Followers: r}).Followers
			}
		case "sort":
			v := strings.ToLower(vals[0])
			if len(vals) > 1 || !slices.Contains(Sorts, v) {
				return q, bad("want %s", strings.Join(Sorts, ", "))
			}
			q.Sort = v
		}
	}
	f.Text = strings.Join(words, " ")
	f.Oldest = q.Sort == "oldest"
	return q, nil
}

// noneIs maps "none" to the empty value (no team, no assignee).
func noneIs(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		if v != "none" {
			out[i] = v
		}
	}
	return out
}

// and is the alternatives both of two terms on one key allow.
func and[T comparable](a, b []T) []T {
	if a == nil {
		return b
	}
	out := []T{}
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func joinStr[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

func statuses(vals []string) ([]domain.Status, error) {
	var out []domain.Status
	for _, v := range vals {
		st := domain.Status(strings.ToLower(v))
		if !st.Valid() {
			return nil, fmt.Errorf("want open, pending, done, snoozed, spam or stream")
		}
		out = append(out, st)
	}
	return out, nil
}

func validLang(s string) bool {
	if len(s) < 2 || len(s) > 12 {
		return false
	}
	for _, r := range s {
		if r != '-' && !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// parseRange reads >N, >=N, <N, <=N, N and N..M (N may end in k or m).
func parseRange(s string) (*store.Range, error) {
	num := func(v string) (*int64, error) {
		mult := int64(1)
		switch {
		case strings.HasSuffix(strings.ToLower(v), "k"):
			mult, v = 1000, v[:len(v)-1]
		case strings.HasSuffix(strings.ToLower(v), "m"):
			mult, v = 1000000, v[:len(v)-1]
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || n > 1<<50 {
			return nil, fmt.Errorf("%q: want a count such as >10000, <500, 1k..50k", s)
		}
		n *= mult
		return &n, nil
	}
	add := func(p *int64, d int64) *int64 { n := *p + d; return &n }
	r := &store.Range{}
	var err error
	switch {
	case strings.HasPrefix(s, ">="):
		r.Min, err = num(s[2:])
	case strings.HasPrefix(s, ">"):
		if r.Min, err = num(s[1:]); err == nil {
			r.Min = add(r.Min, 1)
		}
	case strings.HasPrefix(s, "<="):
		r.Max, err = num(s[2:])
	case strings.HasPrefix(s, "<"):
		if r.Max, err = num(s[1:]); err == nil {
			r.Max = add(r.Max, -1)
		}
	case strings.Contains(s, ".."):
		lo, hi, _ := strings.Cut(s, "..")
		if r.Min, err = num(lo); err == nil {
			r.Max, err = num(hi)
		}
	default:
		if r.Min, err = num(s); err == nil {
			r.Max = r.Min
		}
	}
	return r, err
}

// When reads a point in time: a duration back from now ("24h", "7d",
// "2w", "90m"), a date ("2026-11-20": its start, or with endOfDay its
// last second) or RFC 3339.
func When(s string, now time.Time, endOfDay bool) (time.Time, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if d, err := strconv.Atoi(n); err == nil && d >= 0 && d < 100000 {
				return now.Add(-time.Duration(d) * unit), nil
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		if endOfDay {
			t = t.Add(24*time.Hour - time.Second)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q: want a duration back from now (24h, 7d, 2w), a date (2026-11-20) or RFC 3339", s)
}

// relative reports whether When reads s as a duration back from now.
func relative(s string) bool {
	if _, err := time.ParseDuration(s); err == nil {
		return true
	}
	for _, suffix := range []string{"d", "w"} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if _, err := strconv.Atoi(n); err == nil {
				return true
			}
		}
	}
	return false
}

// Until reads the end of a snooze: a duration from now (2h, 3d), a
// date (09:00 that day) or "2026-11-21 14:00" in local time.
func Until(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d > 0 && d < 1000 {
			return now.Add(time.Duration(d) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d), nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, now.Location()); err == nil && t.After(now) {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, now.Location()); err == nil {
		t = t.Add(9 * time.Hour)
		if t.After(now) {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time in the future: use 2h, 3d, 2026-11-21 or \"2026-11-21 14:00\"", s)
}

// term is one space-separated part of a query.
type term struct {
	raw        string
	key, value string
	neg        bool
	quoted     bool
}

// split cuts a query into terms: spaces separate them except inside
// double quotes; a leading "-" negates; key:value when key is letters.
func split(expr string) ([]term, error) {
	var out []term
	rs := []rune(expr)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		start := i
		var t term
		if rs[i] == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			t.neg = true
			i++
		}
		// key:
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j])) {
			j++
		}
		if j > i && j < len(rs) && rs[j] == ':' && !(j+2 < len(rs) && rs[j+1] == '/' && rs[j+2] == '/') {
			t.key = strings.ToLower(string(rs[i:j]))
			i = j + 1
		}
		// value: quoted or up to the next space
		if i < len(rs) && rs[i] == '"' {
			end := i + 1
			for end < len(rs) && rs[end] != '"' {
				end++
			}
			if end >= len(rs) {
				return nil, &Error{Term: string(rs[start:]), Reason: "a phrase needs its closing \""}
			}
			t.value, t.quoted = string(rs[i+1:end]), true
			i = end + 1
		} else {
			end := i
			for end < len(rs) && !unicode.IsSpace(rs[end]) {
				end++
			}
			t.value = string(rs[i:end])
			i = end
		}
		t.raw = string(rs[start:i])
		if t.key == "" && strings.TrimSpace(t.value) == "" {
			continue
		}
		out = append(out, t)
	}
	return out, nil
}
