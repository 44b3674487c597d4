// Package sla is the first-response clock: a target per priority, per team,
// counted in business hours when a team keeps them (the clock stops
// outside them).
package sla

import (
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // zones work on machines without a zoneinfo database

	"switchboard/domain"
)

// Hours are business hours: the weekdays and the times of day the clock
// runs, in a time zone. A nil *Hours is always open.
type Hours struct {
	Days     [7]bool       // by time.Weekday
	From, To time.Duration // since midnight; From < To
	Loc      *time.Location
}

// ParseHours reads days ("mon-fri", "mon,wed,sat", "daily"), two times
// of day ("09:00", "17:30") and a zone ("Europe/Amsterdam", "" local).
func ParseHours(days, from, to, zone string) (*Hours, error) {
	h := &Hours{Loc: time.Local}
	if zone != "" {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			return nil, fmt.Errorf("zone %q: %v", zone, err)
		}
		h.Loc = loc
	}
	names := []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	index := func(s string) (int, error) {
		for i, n := range names {
			if strings.EqualFold(strings.TrimSpace(s), n) {
				return i, nil
			}
		}
		return 0, fmt.Errorf("day %q: want mon, tue, wed, thu, fri, sat or sun", s)
	}
	switch d := strings.ToLower(strings.TrimSpace(days)); d {
	case "", "daily", "every day":
		h.Days = [7]bool{true, true, true, true, true, true, true}
	default:
		for _, part := range strings.Split(d, ",") {
			lo, hi, isRange := strings.Cut(part, "-")
			a, err := index(lo)
			if err != nil {
				return nil, err
			}
			b := a
			if isRange {
				if b, err = index(hi); err != nil {
					return nil, err
				}
			}
			for i := a; ; i = (i + 1) % 7 {
				h.Days[i] = true
				if i == b {
					break
				}
			}
		}
	}
	clock := func(s string) (time.Duration, error) {
		t, err := time.Parse("15:04", strings.TrimSpace(s))
		if err != nil {
			if s == "24:00" {
				return 24 * time.Hour, nil
			}
			return 0, fmt.Errorf("time %q: want HH:MM", s)
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
	}
	var err error
	if h.From, err = clock(from); err != nil {
		return nil, err
	}
	if h.To, err = clock(to); err != nil {
		return nil, err
	}
	if h.From >= h.To {
		return nil, fmt.Errorf("from %s is not before to %s", from, to)
	}
	return h, nil
}

// open is the business interval of the day starting at midnight.
func (h *Hours) open(midnight time.Time) (time.Time, time.Time, bool) {
	if !h.Days[midnight.Weekday()] {
		return time.Time{}, time.Time{}, false
	}
	y, mo, d := midnight.Date()
	at := func(off time.Duration) time.Time {
		return time.Date(y, mo, d, 0, 0, 0, 0, h.Loc).Add(off)
	}
	return at(h.From), at(h.To), true
}

// maxDays bounds a walk over days (a mention years old is simply late).
const maxDays = 3660

// Elapsed is the business time from a to b (0 when b is not after a).
func (h *Hours) Elapsed(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if h == nil {
		return b.Sub(a)
	}
	var sum time.Duration
	a, b = a.In(h.Loc), b.In(h.Loc)
	day := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, h.Loc)
	for i := 0; i < maxDays && day.Before(b); i++ {
		if lo, hi, ok := h.open(day); ok {
			lo, hi = later(lo, a), earlier(hi, b)
			if hi.After(lo) {
				sum += hi.Sub(lo)
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, h.Loc)
	}
	return sum
}

// AtLeast reports whether Elapsed(a, b) >= d. It walks the days only
// until d is reached, so that judging a mention months old costs its first
// few days, not one step per day since.
func (h *Hours) AtLeast(a, b time.Time, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	if !b.After(a) {
		return false
	}
	if h == nil {
		return b.Sub(a) >= d
	}
	var sum time.Duration
	a, b = a.In(h.Loc), b.In(h.Loc)
	day := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, h.Loc)
	for i := 0; i < maxDays && day.Before(b); i++ {
		if lo, hi, ok := h.open(day); ok {
			lo, hi = later(lo, a), earlier(hi, b)
			if hi.After(lo) {
				if sum += hi.Sub(lo); sum >= d {
					return true
				}
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, h.Loc)
	}
	return sum >= d
}

// Calendar is h's open intervals over a span of days, worked out once,
// for judging many mentions against the same hours (a report): it gives
// what Elapsed and AtLeast give, by a binary search and a short sum
// instead of date arithmetic for each day. Outside its span it asks h.
type Calendar struct {
	h *Hours
	// first and end bound the span: the first midnight and the one after
	// the last day.
	first, end time.Time
	// midnight, lo and hi of each open day, in order, as unix nanoseconds
	midnight, lo, hi []int64
}

// Calendar works out h's open intervals from the day of from to the day
// of to. A nil h gives a nil Calendar, whose methods count wall time.
func (h *Hours) Calendar(from, to time.Time) *Calendar {
	if h == nil {
		return nil
	}
	// unix nanoseconds reach from 1678 to 2262: keep well inside
	if lo := time.Unix(0, 0); from.Before(lo) {
		from = lo
	}
	if hi := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC); to.After(hi) {
		to = hi
	}
	from, to = from.In(h.Loc), to.In(h.Loc)
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, h.Loc)
	c := &Calendar{h: h, first: day}
	for i := 0; i < maxDays && !day.After(to); i++ {
		if lo, hi, ok := h.open(day); ok {
			c.midnight = append(c.midnight, day.UnixNano())
			c.lo, c.hi = append(c.lo, lo.UnixNano()), append(c.hi, hi.UnixNano())
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, h.Loc)
	}
	c.end = day
	return c
}

// covers reports whether the walk Elapsed makes from a to b stays in the
// span (and is shorter than Elapsed's bound on days).
func (c *Calendar) covers(a, b time.Time) bool {
	return !a.Before(c.first) && !b.After(c.end) && b.Sub(a) < (maxDays-2)*24*time.Hour
}

// sum adds up the business time from a to b (b after a), stopping once
// it reaches stop (stop < 0: never).
func (c *Calendar) sum(a, b time.Time, stop time.Duration) time.Duration {
	la := a.In(c.h.Loc)
	start := time.Date(la.Year(), la.Month(), la.Day(), 0, 0, 0, 0, c.h.Loc).UnixNano()
	A, B := a.UnixNano(), b.UnixNano()
	i, _ := slices.BinarySearch(c.midnight, start)
	var sum time.Duration
	for ; i < len(c.midnight) && c.midnight[i] < B; i++ {
		if lo, hi := max(c.lo[i], A), min(c.hi[i], B); hi > lo {
			if sum += time.Duration(hi - lo); stop >= 0 && sum >= stop {
				return sum
			}
		}
	}
	return sum
}

// Elapsed is h.Elapsed(a, b).
func (c *Calendar) Elapsed(a, b time.Time) time.Duration {
	if c == nil || !b.After(a) || !c.covers(a, b) {
		return c.hours().Elapsed(a, b)
	}
	return c.sum(a, b, -1)
}

// AtLeast is h.AtLeast(a, b, d).
func (c *Calendar) AtLeast(a, b time.Time, d time.Duration) bool {
	if c == nil || d <= 0 || !b.After(a) || !c.covers(a, b) {
		return c.hours().AtLeast(a, b, d)
	}
	return c.sum(a, b, d) >= d
}

func (c *Calendar) hours() *Hours {
	if c == nil {
		return nil
	}
	return c.h
}

// Add is the time when d of business time has passed after t.
func (h *Hours) Add(t time.Time, d time.Duration) time.Time {
	if h == nil {
		return t.Add(d)
	}
	t = t.In(h.Loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, h.Loc)
	for i := 0; i < maxDays; i++ {
		if lo, hi, ok := h.open(day); ok {
			lo = later(lo, t)
			if hi.After(lo) {
				if left := hi.Sub(lo); d <= left {
					return lo.Add(d)
				} else {
					d -= left
				}
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, h.Loc)
	}
	return t.Add(d)
}

// IsOpen reports whether t is inside business hours.
func (h *Hours) IsOpen(t time.Time) bool {
	if h == nil {
		return true
	}
	t = t.In(h.Loc)
	lo, hi, ok := h.open(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, h.Loc))
	return ok && !t.Before(lo) && t.Before(hi)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Clock is one team's response clock.
type Clock struct {
	// Team is the team it is for ("" for the default clock).
	Team    string
	Targets map[domain.Priority]time.Duration
	// Hours, when set, are the business hours the clock runs in.
	Hours *Hours
}

// DefaultTargets are the targets when the config gives none.
var DefaultTargets = map[domain.Priority]time.Duration{
	domain.PriorityUrgent: 15 * time.Minute, domain.PriorityHigh: time.Hour,
	domain.PriorityNormal: 4 * time.Hour, domain.PriorityLow: 24 * time.Hour,
}

// Target is the clock's target for priority p ("" is normal).
func (c Clock) Target(p domain.Priority) time.Duration {
	if p == "" {
		p = domain.PriorityNormal
	}
	if d, ok := c.Targets[p]; ok && d > 0 {
		return d
	}
	return DefaultTargets[p]
}

// Waited is how long m has waited for a first response by now, in the
// clock's hours.
func (c Clock) Waited(m *domain.Mention, now time.Time) time.Duration {
	return c.Hours.Elapsed(m.CreatedAt, now)
}

// Due is when m's first response is due.
func (c Clock) Due(m *domain.Mention) time.Time {
	return c.Hours.Add(m.CreatedAt, c.Target(m.State.Priority))
}

// Running reports whether m has a clock at now: not answered, not FYI and
// not done, snoozed, spam or waiting in a stream.
func Running(m *domain.Mention, now time.Time) bool {
	switch m.EffectiveStatus(now) {
	case domain.StatusDone, domain.StatusSnoozed, domain.StatusSpam, domain.StatusStream:
		return false
	}
	return m.State.RespondedAt.IsZero() && !m.State.FYI
}

// Policy is every team's clock: Default, and Teams by team name.
type Policy struct {
	Default Clock
	Teams   map[string]Clock
}

// For is the clock of a mention routed to team.
func (p *Policy) For(team string) Clock {
	if p == nil {
		return Clock{}
	}
	if c, ok := p.Teams[team]; ok && team != "" {
		return c
	}
	return p.Default
}

// Overdue reports whether m's clock has run out at now.
func (p *Policy) Overdue(m *domain.Mention, now time.Time) bool {
	if !Running(m, now) {
		return false
	}
	c := p.For(m.State.Team)
	return c.Hours.AtLeast(m.CreatedAt, now, c.Target(m.State.Priority)) // Waited >= Target
}

// Shortest is the shortest target of any clock (nothing that has waited
// less wall time can be overdue).
func (p *Policy) Shortest() time.Duration {
	short := time.Duration(-1)
	consider := func(c Clock) {
		for _, pr := range domain.Priorities {
			if d := c.Target(pr); short < 0 || d < short {
				short = d
			}
		}
	}
	consider(p.For(""))
	if p != nil {
		for _, c := range p.Teams {
			consider(c)
		}
	}
	return short
}
