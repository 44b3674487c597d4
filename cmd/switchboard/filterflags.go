package main

import (
	"strings"
	"time"

	"github.com/spf13/pflag"
	"switchboard/domain"
	"switchboard/query"
	"switchboard/sla"
	"switchboard/store"
)

// filterFlags are the store filters as command-line flags.
type filterFlags struct {
	status, tags, teams, assignees, platforms, bands, incidents []string
	since, until, search, query                                 string
}

func (f *filterFlags) register(fs *pflag.FlagSet) {
	fs.StringSliceVar(&f.status, "status", nil, "only these statuses (open, pending, done, snoozed, spam, stream)")
	fs.StringSliceVar(&f.tags, "tag", nil, "only mentions with every one of these tags")
	fs.StringSliceVar(&f.teams, "team", nil, "only these teams")
	fs.StringSliceVar(&f.assignees, "assignee", nil, "only these assignees (\"\" for unassigned)")
	fs.StringSliceVar(&f.platforms, "platform", nil, "only these platforms (x, mastodon, bluesky, reddit, news)")
	fs.StringSliceVar(&f.bands, "sentiment", nil, "only these sentiment bands (negative, neutral, positive)")
	fs.StringSliceVar(&f.incidents, "incident", nil, "only mentions linked to these incidents")
	fs.StringVar(&f.since, "since", "", "created at or after: a duration back from now (24h, 7d), YYYY-MM-DD or RFC 3339")
	fs.StringVar(&f.until, "until", "", "created at or before: a duration back from now (24h, 7d), YYYY-MM-DD or RFC 3339")
	fs.StringVar(&f.search, "search", "", "words that must all appear in the text or author")
	fs.StringVarP(&f.query, "query", "q", "", "a query, as in the inbox's / (see README: Query language); ANDed with the other filters")
}

// filter is the flags' filter, ANDed with --query; sort is the query's
// sort: ("" when it has none). me is what assignee:me means.
func (f *filterFlags) filter(me string, clock *sla.Policy) (out store.Filter, sort string, err error) {
	out, err = f.flagFilter()
	if err != nil || strings.TrimSpace(f.query) == "" {
		return out, "", err
	}
	q, err := query.Parse(f.query, query.Options{Me: me, Now: time.Now(), Clock: clock})
	if err != nil {
		return out, "", usagef("--query: %v", err)
	}
	return q.Filter.And(out), q.Sort, nil
}

func (f *filterFlags) flagFilter() (store.Filter, error) {
	var out store.Filter
	for _, s := range f.status {
		if !domain.Status(s).Valid() {
			return out, usagef("--status %q: want open, pending, done, snoozed, spam or stream", s)
		}
		out.Status = append(out.Status, domain.Status(s))
	}
	for _, p := range f.platforms {
		if !domain.Platform(p).Valid() {
			return out, usagef("--platform %q: want x, mastodon, bluesky, reddit or news", p)
		}
		out.Platforms = append(out.Platforms, domain.Platform(p))
	}
	for _, b := range f.bands {
		switch domain.Band(b) {
		case domain.BandNegative, domain.BandNeutral, domain.BandPositive:
			out.Bands = append(out.Bands, domain.Band(b))
		default:
			return out, usagef("--sentiment %q: want negative, neutral or positive", b)
		}
	}
	out.Tags, out.Teams, out.Assignees, out.Incidents = f.tags, f.teams, f.assignees, f.incidents
	var err error
	if out.Since, err = parseDate("--since", f.since, false); err != nil {
		return out, err
	}
	if out.Until, err = parseDate("--until", f.until, true); err != nil {
		return out, err
	}
	out.Text = f.search
	return out, nil
}

// queryContext is who a command's queries speak for (assignee:me) and the
// team's response clocks from the config (is:overdue).
func queryContext(g *globals) (me string, clock *sla.Policy, err error) {
	me, _ = g.actor()
	cfg, err := loadConfig(g)
	if err != nil {
		return "", nil, err
	}
	clock, err = cfg.Inbox.SLA()
	return me, clock, err
}

func parseDate(flag, s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil { // a date on the command line is UTC, as before
		if endOfDay {
			t = t.Add(24*time.Hour - time.Second)
		}
		return t, nil
	}
	t, err := query.When(s, time.Now(), endOfDay)
	if err != nil {
		return time.Time{}, usagef("%s %v", flag, err)
	}
	return t, nil
}
