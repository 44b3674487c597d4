package crisis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// Volume is mentions per time bucket: the incident's linked mentions and
// all mentions in the store.
type Volume struct {
	Start  time.Time     `json:"start"`
	Step   time.Duration `json:"step"`
	Linked []int         `json:"linked"`
	All    []int         `json:"all"`
}

// Span is the time an incident's volume chart covers: from an hour before
// the earlier of its declaration and its first linked mention, to its
// closing (or now).
func Span(inc domain.Incident, first time.Time, now time.Time) (from, to time.Time) {
	from = inc.CreatedAt
	if !first.IsZero() && first.Before(from) {
		from = first
	}
	from = from.Add(-time.Hour)
	to = now
	if !inc.ClosedAt.IsZero() {
		to = inc.ClosedAt
	}
	if !to.After(from) {
		to = from.Add(time.Hour)
	}
	return from, to
}

// niceSteps are the bucket widths a chart may use.
var niceSteps = []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// VolumeOf counts the incident's linked mentions and all mentions from
// from to to in at most buckets buckets of a round width.
func VolumeOf(ctx context.Context, s *store.Store, inc domain.Incident, from, to time.Time, buckets int) (Volume, error) {
	if buckets <= 0 {
		buckets = 24
	}
	step := niceSteps[len(niceSteps)-1]
	for _, st := range niceSteps {
		if to.Sub(from) <= st*time.Duration(buckets) {
			step = st
			break
		}
	}
	start := from.Truncate(step)
	n := int(to.Sub(start)/step) + 1
	v := Volume{Start: start, Step: step, Linked: make([]int, n), All: make([]int, n)}
	errDone := errors.New("done")
	_, err := s.StreamMentions(ctx, store.StreamOptions{Since: start, PageSize: 2048}, func(ms []domain.Mention) error {
		for i := range ms {
			if !ms[i].CreatedAt.Before(start.Add(step * time.Duration(n))) {
				return errDone
			}
			b := int(ms[i].CreatedAt.Sub(start) / step)
			if b < 0 {
				continue
			}
			v.All[b]++
			if ms[i].State.IncidentID == inc.ID {
				v.Linked[b]++
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDone) {
		return v, err
	}
	return v, nil
}

// Chart draws the volume as text, one row per bucket: time, a bar of all
// mentions (░) with the linked ones (█) over it, and both counts.
func (v Volume) Chart(width int, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	peak := 0
	for _, n := range v.All {
		peak = max(peak, n)
	}
	layout := "15:04"
	if v.Step >= 24*time.Hour {
		layout = "01-02"
	} else if v.Start.Add(v.Step*time.Duration(len(v.All))).Sub(v.Start) > 24*time.Hour {
		layout = "01-02 15:04"
	}
	bar := max(4, width-len(layout)-16)
	var b strings.Builder
	for i := range v.All {
		at := v.Start.Add(v.Step * time.Duration(i)).In(loc).Format(layout)
		full, linked := 0, 0
		if peak > 0 {
			full = (v.All[i]*bar + peak - 1) / peak
			linked = (v.Linked[i]*bar + peak - 1) / peak
		}
		linked = min(linked, full)
		fmt.Fprintf(&b, "%s │%s%s%s %d/%d\n", at, strings.Repeat("█", linked), strings.Repeat("░", full-linked),
			strings.Repeat(" ", bar-full), v.Linked[i], v.All[i])
	}
	return b.String()
}

// Sparkline draws counts as one line of block characters, scaled to the
// largest.
func Sparkline(counts []int) string {
	const blocks = "▁▂▃▄▅▆▇█"
	runes := []rune(blocks)
	peak := 0
	for _, n := range counts {
		peak = max(peak, n)
	}
	var b strings.Builder
	for _, n := range counts {
		switch {
		case n == 0:
			b.WriteRune(' ')
		default:
			b.WriteRune(runes[n*(len(runes)-1)/peak])
		}
	}
	return b.String()
}

// Hourly counts the incident's linked mentions per hour over the hours
// hours up to now (oldest first), for a card's sparkline.
func Hourly(s *store.Store, id string, now time.Time, hours int) ([]int, error) {
	out := make([]int, hours)
	end := now.Truncate(time.Hour).Add(time.Hour)
	start := end.Add(-time.Duration(hours) * time.Hour)
	after := ""
	for {
		p, err := s.Query(store.Filter{Incidents: []string{id}, Since: start, Until: end}, after, 500)
		if err != nil {
			return nil, err
		}
		for _, m := range p.Mentions {
			if i := int(m.CreatedAt.Sub(start) / time.Hour); i >= 0 && i < hours {
				out[i]++
			}
		}
		if p.Next == "" {
			return out, nil
		}
		after = p.Next
	}
}
