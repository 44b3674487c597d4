// Package report computes how the team is doing over a window of
// mentions: volume, response rate, first-response and resolution times,
// overdue mentions and negative share, grouped by team, assignee, tag,
// platform, day or hour.
package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"switchboard/domain"
	"switchboard/sla"
	"switchboard/store"
)

// Groupings are what --by takes.
var Groupings = []string{"team", "assignee", "tag", "platform", "day", "hour"}

// None is the key of mentions without a team, assignee or tag.
const None = "(none)"

// Options choose what a report counts.
type Options struct {
	// Since and Until bound created_at (Until zero: now).
	Since, Until time.Time
	// By is one of Groupings, or "" for the total only.
	By string
	// Filter narrows the mentions (a --query), ANDed with the window.
	Filter store.Filter
	// Clock is the teams' response clocks (targets and business hours).
	Clock *sla.Policy
	// Now is when unanswered mentions are judged overdue.
	Now time.Time
	// Loc is the zone days and hours are read in (nil: local).
	Loc *time.Location
}

// Group is the figures of one group (or the total). Times are seconds;
// a percentile of nothing is null.
type Group struct {
	Key               string  `json:"key"`
	Mentions          int     `json:"mentions"`
	Responded         int     `json:"responded"`
	ResponseRate      float64 `json:"response_rate"`
	FirstResponseP50S *int64  `json:"first_response_p50_s"`
	FirstResponseP90S *int64  `json:"first_response_p90_s"`
	Resolved          int     `json:"resolved"`
	ResolutionP50S    *int64  `json:"resolution_p50_s"`
	Overdue           int     `json:"overdue"`
	NegativeShare     float64 `json:"negative_share"`

	firsts, resolutions []int64
	negative            int
}

// Report is a computed report.
type Report struct {
	Since string `json:"since"`
	Until string `json:"until"`
	By    string `json:"by,omitempty"`
	// BusinessHours says that first-response times and overdue count
	// business hours only (some team's clock keeps them).
	BusinessHours bool    `json:"business_hours"`
	Groups        []Group `json:"groups"`
	Total         Group   `json:"total"`
}

// Build reads the window's mentions once and computes the report. It
// reads the store's compact stats records (store.EachFigures), or the full
// records when the query searches words or authors.
func Build(st *store.Store, o Options) (Report, error) {
	return build(o, func(f store.Filter, fn func(*domain.Mention) bool) error {
		_, err := st.EachFigures(f, fn)
		return err
	})
}

// build computes the report over the mentions each yields for a filter.
func build(o Options, each func(store.Filter, func(*domain.Mention) bool) error) (Report, error) {
	if o.By != "" && !slices.Contains(Groupings, o.By) {
		return Report{}, fmt.Errorf("--by %q: want one of %v", o.By, Groupings)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Until.IsZero() {
		o.Until = o.Now
	}
	if o.Loc == nil {
		o.Loc = time.Local
	}
	if !o.Since.IsZero() && !o.Since.Before(o.Until) {
		return Report{}, fmt.Errorf("the window is empty: --since %s is not before --until %s", o.Since.Format(time.RFC3339), o.Until.Format(time.RFC3339))
	}
	f := o.Filter
	if o.Since.After(f.Since) {
		f.Since = o.Since
	}
	if f.Until.IsZero() || o.Until.Before(f.Until) {
		f.Until = o.Until
	}
	f.Oldest = true
	// a keyword stream's items are not the team's mentions until
	// promoted: counted only when the query asks for them (is:stream)
	streamItems := slices.Contains(f.Status, domain.StatusStream)
	groups := map[string]*Group{}
	total := &Group{Key: "total"}
	cals := &calendars{o: o}
	var kb keyer
	// recent groups, looked up by a short linear scan before the map: the
	// store shares the strings of repeated values, so comparing a key
	// with the one it was found under is mostly a pointer comparison
	var recent []*Group
	group := func(k string) *Group {
		for _, g := range recent {
			if g.Key == k {
				return g
			}
		}
		g := groups[k]
		if g == nil {
			g = &Group{Key: k}
			groups[k] = g
		}
		if len(recent) < maxRecent {
			recent = append(recent, g)
		}
		return g
	}
	err := each(f, func(m *domain.Mention) bool {
		if m.State.Status == domain.StatusStream && !streamItems {
			return true
		}
		ft := cals.judge(m)
		total.count(&ft)
		for _, k := range kb.keys(m, o.By, o.Loc) {
			group(k).count(&ft)
		}
		return true
	})
	if err != nil {
		return Report{}, err
	}
	r := Report{Since: stamp(o.Since), Until: stamp(o.Until), By: o.By, BusinessHours: businessHours(o.Clock)}
	if o.By != "" {
		for _, g := range groups {
			g.finish()
			r.Groups = append(r.Groups, *g)
		}
		sortGroups(r.Groups, o.By)
	}
	if r.Groups == nil {
		r.Groups = []Group{}
	}
	total.finish()
	r.Total = *total
	return r, nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func businessHours(p *sla.Policy) bool {
	if p == nil {
		return false
	}
	if p.Default.Hours != nil {
		return true
	}
	for _, c := range p.Teams {
		if c.Hours != nil {
			return true
		}
	}
	return false
}

// keyer names the groups a mention counts in, reusing its buffers and
// the day names it made (a million mentions share a few hundred days).
type keyer struct {
	buf     [1]string
	day     [3]int // year, month, day of dayName
	dayName string
}

// hours are the keys of --by hour.
var hours = func() (h [24]string) {
	for i := range h {
		h[i] = fmt.Sprintf("%02d", i)
	}
	return h
}()

// keys are the groups m counts in (valid until the next call).
func (k *keyer) keys(m *domain.Mention, by string, loc *time.Location) []string {
	or := func(s string) []string {
		if s == "" {
			s = None
		}
		k.buf[0] = s
		return k.buf[:]
	}
	switch by {
	case "team":
		return or(m.State.Team)
	case "assignee":
		return or(m.State.Assignee)
	case "tag":
		if len(m.State.Tags) == 0 {
			return or("")
		}
		return m.State.Tags
	case "platform":
		return or(string(m.Platform))
	case "day":
		t := m.CreatedAt.In(loc)
		y, mo, d := t.Date()
		if k.dayName == "" || k.day != [3]int{y, int(mo), d} {
			k.day, k.dayName = [3]int{y, int(mo), d}, t.Format("2006-01-02")
		}
		return or(k.dayName)
	case "hour":
		return or(hours[m.CreatedAt.In(loc).Hour()])
	}
	return nil
}

// calendars are the business hours of the report's clocks worked out
// once over the window (sla.Calendar): counting a million mentions in
// business hours is then a search and a sum each, not date arithmetic.
type calendars struct {
	o    Options
	last *sla.Hours
	cal  *sla.Calendar
	by   map[*sla.Hours]*sla.Calendar
	// clocks are the targets and hours worked out for a team and
	// priority, the few first seen (teams and priorities are a handful)
	clocks []clockOf
}

type clockOf struct {
	team     string
	priority domain.Priority
	target   time.Duration
	hours    *sla.Hours
}

// maxRecent bounds the linear lists of the groups and clocks seen first.
const maxRecent = 16

// clock is the target and business hours of a mention of team with
// priority p.
func (cs *calendars) clock(team string, p domain.Priority) (time.Duration, *sla.Hours) {
	for i := range cs.clocks {
		if c := &cs.clocks[i]; c.team == team && c.priority == p {
			return c.target, c.hours
		}
	}
	c := cs.o.Clock.For(team)
	target := c.Target(p)
	if len(cs.clocks) < maxRecent {
		cs.clocks = append(cs.clocks, clockOf{team, p, target, c.Hours})
	}
	return target, c.Hours
}

func (cs *calendars) of(h *sla.Hours) *sla.Calendar {
	if h == nil {
		return nil
	}
	if h == cs.last {
		return cs.cal
	}
	c, ok := cs.by[h]
	if !ok {
		// mentions from before the span are counted by h itself, exactly
		from := cs.o.Since
		if from.IsZero() {
			from = cs.o.Until.AddDate(-5, 0, 0)
		}
		to := cs.o.Now
		if cs.o.Until.After(to) {
			to = cs.o.Until
		}
		c = h.Calendar(from, to.AddDate(0, 0, 2))
		if cs.by == nil {
			cs.by = map[*sla.Hours]*sla.Calendar{}
		}
		cs.by[h] = c
	}
	cs.last, cs.cal = h, c
	return c
}

// fact is what one mention adds to each group it counts in, judged once.
type fact struct {
	negative, responded, overdue, resolved, timed bool
	first, resolution                             int64 // seconds
}

// judge works out m's fact against its team's clock.
func (cs *calendars) judge(m *domain.Mention) fact {
	o := &cs.o
	f := fact{negative: m.Band() == domain.BandNegative}
	target, hours := cs.clock(m.State.Team, m.State.Priority)
	if !m.State.RespondedAt.IsZero() {
		f.responded = true
		wait := cs.of(hours).Elapsed(m.CreatedAt, m.State.RespondedAt)
		f.first = int64(wait / time.Second)
		f.overdue = !m.State.FYI && wait > target
	} else {
		f.overdue = sla.Running(m, o.Now) && cs.of(hours).AtLeast(m.CreatedAt, o.Now, target) // waited its target
	}
	if m.State.Status == domain.StatusDone {
		f.resolved = true
		if !m.State.ResolvedAt.IsZero() {
			f.timed = true
			f.resolution = int64(m.State.ResolvedAt.Sub(m.CreatedAt) / time.Second)
		} // else closed before switchboard kept the time
	}
	return f
}

func (g *Group) count(f *fact) {
	g.Mentions++
	if f.negative {
		g.negative++
	}
	if f.responded {
		g.Responded++
		g.firsts = push(g.firsts, f.first)
	}
	if f.overdue {
		g.Overdue++
	}
	if f.resolved {
		g.Resolved++
		if f.timed {
			g.resolutions = push(g.resolutions, f.resolution)
		}
	}
}

func (g *Group) finish() {
	if g.Mentions > 0 {
		g.ResponseRate = round(float64(g.Responded) / float64(g.Mentions))
		g.NegativeShare = round(float64(g.negative) / float64(g.Mentions))
	}
	// p90 first: selecting it leaves the smaller values before it, where
	// p50 is then selected
	g.FirstResponseP90S = percentile(g.firsts, 90)
	g.FirstResponseP50S = percentile(g.firsts, 50)
	g.ResolutionP50S = percentile(g.resolutions, 50)
}

// push appends v to s, doubling s when it is full: append grows a large
// slice by a quarter, copying a million durations several times over.
func push(s []int64, v int64) []int64 {
	if len(s) == cap(s) {
		n := make([]int64, len(s), max(2*cap(s), 256))
		copy(n, s)
		s = n
	}
	return append(s, v)
}

func round(x float64) float64 { return math.Round(x*10000) / 10000 }

// percentile is the nearest-rank percentile p of xs: the smallest value
// with at least p% of the values at or below it; nil for no values. It
// reorders xs (selecting, not sorting: the values before the one it
// returns are all at or below it, the ones after at or above).
func percentile(xs []int64, p int) *int64 {
	if len(xs) == 0 {
		return nil
	}
	rank := int(math.Ceil(float64(p) / 100 * float64(len(xs))))
	v := nth(xs, max(rank, 1)-1)
	return &v
}

// nth reorders xs so that xs[k] is the value a sort would put there, with
// none greater before it and none smaller after it, and returns it
// (quickselect, median of three; small ranges sorted).
func nth(xs []int64, k int) int64 {
	lo, hi := 0, len(xs)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		// median of three at mid
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		// Hoare partition: [lo, j] <= pivot <= [i, hi]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default: // j < k < i: xs[k] equals the pivot
			return xs[k]
		}
	}
	slices.Sort(xs[lo : hi+1])
	return xs[k]
}

// sortGroups orders days and hours in time, the rest by volume (most
// first), then key.
func sortGroups(gs []Group, by string) {
	sort.SliceStable(gs, func(i, j int) bool {
		if by == "day" || by == "hour" {
			return gs[i].Key < gs[j].Key
		}
		if gs[i].Mentions != gs[j].Mentions {
			return gs[i].Mentions > gs[j].Mentions
		}
		return gs[i].Key < gs[j].Key
	})
}
