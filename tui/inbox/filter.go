package inbox

import (
	"reflect"
	"slices"
	"time"

	"switchboard/domain"
	"switchboard/query"
	"switchboard/store"
)

// FilterHelp is the one-line summary of the query language.
const FilterHelp = query.Help

// ParseFilter reads a query (package query: the language of `/`, `f`,
// config views and every --query) with the default response clock. me is
// what `assignee:me` means; now anchors relative dates like `after:24h`.
func ParseFilter(expr, me string, now time.Time) (store.Filter, error) {
	q, err := query.Parse(expr, query.Options{Me: me, Now: now})
	return q.Filter, err
}

// parse reads a query with the session's operator, clock and response
// targets.
func (m *Model) parse(expr string) (query.Query, error) {
	return query.Parse(expr, query.Options{Me: m.sess.Actor, Now: m.sess.Now(), Clock: m.opts.SLA})
}

// ParseUntil reads the end of a snooze (see query.Until).
func ParseUntil(s string, now time.Time) (time.Time, error) { return query.Until(s, now) }

// Merge is the AND of two filters.
func Merge(a, b store.Filter) store.Filter { return a.And(b) }

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
	if f.Overdue != nil { // an answer or a status change ends it
		return f.Matches(m)
	}
	return true
}

// matchesNew reports whether a mention new to the store belongs in the view
// of f: every condition of f.
func matchesNew(f store.Filter, m *domain.Mention) bool { return f.Matches(m) }

// sameFilter reports whether two filters select the same mentions.
func sameFilter(a, b store.Filter) bool { return reflect.DeepEqual(a, b) }
