package inbox

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// FilterHelp is the one-line summary of the filter language.
const FilterHelp = "status: tag: team: assignee:(me|none) platform: sentiment: priority: incident: is:escalated since:(24h|2026-11-20) until: and words"

// ParseFilter reads a filter expression, the language of `f`, of config
// views and of search: space-separated terms, `field:value[,value…]`
// (alternatives) or plain words (all must appear). me is what
// `assignee:me` means; now anchors relative dates like `since:24h`.
func ParseFilter(expr, me string, now time.Time) (store.Filter, error) {
	var f store.Filter
	var words []string
	for _, term := range strings.Fields(expr) {
		field, value, ok := strings.Cut(term, ":")
		if !ok || field == "" || !isField(strings.ToLower(field)) {
			words = append(words, term)
			continue
		}
		field = strings.ToLower(field)
		var vals []string
		for _, v := range strings.Split(value, ",") {
			if v != "" || field == "assignee" || field == "team" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			return f, fmt.Errorf("%s: needs a value", field)
		}
		switch field {
		case "status":
			for _, v := range vals {
				if !domain.Status(v).Valid() {
					return f, fmt.Errorf("status %q: want open, pending, done or snoozed", v)
				}
				f.Status = append(f.Status, domain.Status(v))
			}
		case "tag":
			f.Tags = append(f.Tags, vals...)
		case "team":
			for _, v := range vals {
				if v == "none" {
					v = ""
				}
				f.Teams = append(f.Teams, v)
			}
		case "assignee":
			for _, v := range vals {
				switch v {
				case "me":
					v = me
				case "none":
					v = ""
				}
				f.Assignees = append(f.Assignees, v)
			}
		case "platform":
			for _, v := range vals {
				if !domain.Platform(v).Valid() {
					return f, fmt.Errorf("platform %q: want x, mastodon, bluesky, reddit or news", v)
				}
				f.Platforms = append(f.Platforms, domain.Platform(v))
			}
		case "sentiment", "band":
			for _, v := range vals {
				switch v {
				case "neg":
					v = "negative"
				case "pos":
					v = "positive"
				}
				if !slices.Contains(domain.Bands, domain.Band(v)) {
					return f, fmt.Errorf("sentiment %q: want negative, neutral or positive", v)
				}
				f.Bands = append(f.Bands, domain.Band(v))
			}
		case "priority":
			for _, v := range vals {
				if v == "" || !domain.Priority(v).Valid() {
					return f, fmt.Errorf("priority %q: want low, normal, high or urgent", v)
				}
				f.Priorities = append(f.Priorities, domain.Priority(v))
			}
		case "incident":
			f.Incidents = append(f.Incidents, vals...)
		case "is":
			for _, v := range vals {
				if v != "escalated" {
					return f, fmt.Errorf("is:%s: only is:escalated is known", v)
				}
				f.Escalated = true
			}
		case "since", "until":
			t, err := parseWhen(vals[0], now, field == "until")
			if err != nil {
				return f, fmt.Errorf("%s: %v", field, err)
			}
			if field == "since" {
				f.Since = t
			} else {
				f.Until = t
			}
		}
	}
	f.Text = strings.Join(words, " ")
	return f, nil
}

func isField(s string) bool {
	switch s {
	case "status", "tag", "team", "assignee", "platform", "sentiment", "band", "priority", "incident", "is", "since", "until":
		return true
	}
	return false
}

// parseWhen reads "24h", "7d", "2026-11-20" or RFC 3339.
func parseWhen(s string, now time.Time, endOfDay bool) (time.Time, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d >= 0 && d < 100000 {
			return now.Add(-time.Duration(d) * 24 * time.Hour), nil
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
	return time.Time{}, fmt.Errorf("%q: want a duration back from now (24h, 7d), a date (2026-11-20) or RFC 3339", s)
}

// ParseUntil reads the end of a snooze: a duration from now (2h, 3d), a
// date (09:00 that day) or "2026-11-21 14:00" in local time.
func ParseUntil(s string, now time.Time) (time.Time, error) {
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

// Merge is the AND of two filters.
func Merge(a, b store.Filter) store.Filter {
	out := a
	out.Status = intersect(a.Status, b.Status)
	out.Tags = append(append([]string(nil), a.Tags...), b.Tags...)
	if len(out.Tags) == 0 {
		out.Tags = nil
	}
	out.Teams = intersect(a.Teams, b.Teams)
	out.Assignees = intersect(a.Assignees, b.Assignees)
	out.Platforms = intersect(a.Platforms, b.Platforms)
	out.Incidents = intersect(a.Incidents, b.Incidents)
	out.Bands = intersect(a.Bands, b.Bands)
	out.Priorities = intersect(a.Priorities, b.Priorities)
	out.Escalated = a.Escalated || b.Escalated
	if b.Since.After(out.Since) {
		out.Since = b.Since
	}
	if !b.Until.IsZero() && (out.Until.IsZero() || b.Until.Before(out.Until)) {
		out.Until = b.Until
	}
	out.Text = strings.TrimSpace(a.Text + " " + b.Text)
	return out
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

// matches reports whether m still passes the fields of f that operator
// actions can change (status, tags, team, assignee, incident, priority).
// Fields an action cannot change are not checked: m passed them already.
func matches(f store.Filter, m *domain.Mention) bool {
	st := m.State.Status
	if st == "" {
		st = domain.StatusOpen
	}
	if f.Status != nil && !slices.Contains(f.Status, st) {
		return false
	}
	for _, t := range f.Tags {
		if !m.State.HasTag(t) {
			return false
		}
	}
	if f.Teams != nil && !slices.Contains(f.Teams, m.State.Team) {
		return false
	}
	if f.Assignees != nil && !slices.Contains(f.Assignees, m.State.Assignee) {
		return false
	}
	if f.Incidents != nil && !slices.Contains(f.Incidents, m.State.IncidentID) {
		return false
	}
	if f.Escalated && m.State.IncidentID == "" {
		return false
	}
	pr := m.State.Priority
	if pr == "" {
		pr = domain.PriorityNormal
	}
	if f.Priorities != nil && !slices.Contains(f.Priorities, pr) {
		return false
	}
	return true
}

// matchesNew reports whether a mention new to the store belongs in the view
// of f: every field matches checks, and the ones a new mention brings of its
// own (platform, sentiment, creation time, words).
func matchesNew(f store.Filter, m *domain.Mention) bool {
	if !matches(f, m) {
		return false
	}
	if f.Platforms != nil && !slices.Contains(f.Platforms, m.Platform) {
		return false
	}
	if f.Bands != nil && !slices.Contains(f.Bands, m.Band()) {
		return false
	}
	if !f.Since.IsZero() && m.CreatedAt.Before(f.Since) || !f.Until.IsZero() && m.CreatedAt.After(f.Until) {
		return false
	}
	if strings.TrimSpace(f.Text) != "" {
		have := store.Words(m.Text + " " + m.Author.Handle + " " + m.Author.Name)
		for _, w := range store.Words(f.Text) {
			if !slices.Contains(have, w) {
				return false
			}
		}
	}
	return true
}

// sameFilter reports whether two filters select the same mentions.
func sameFilter(a, b store.Filter) bool { return reflect.DeepEqual(a, b) }
