package main

import (
	"time"

	"github.com/spf13/pflag"
	"switchboard/domain"
	"switchboard/store"
)

// filterFlags are the store filters as command-line flags.
type filterFlags struct {
	status, tags, teams, assignees, platforms, bands, incidents []string
	since, until, search                                        string
}

func (f *filterFlags) register(fs *pflag.FlagSet) {
	fs.StringSliceVar(&f.status, "status", nil, "only these statuses (open, pending, done, snoozed)")
	fs.StringSliceVar(&f.tags, "tag", nil, "only mentions with every one of these tags")
	fs.StringSliceVar(&f.teams, "team", nil, "only these teams")
	fs.StringSliceVar(&f.assignees, "assignee", nil, "only these assignees (\"\" for unassigned)")
	fs.StringSliceVar(&f.platforms, "platform", nil, "only these platforms (x, mastodon, bluesky, reddit, news)")
	fs.StringSliceVar(&f.bands, "sentiment", nil, "only these sentiment bands (negative, neutral, positive)")
	fs.StringSliceVar(&f.incidents, "incident", nil, "only mentions linked to these incidents")
	fs.StringVar(&f.since, "since", "", "created at or after (RFC 3339 or YYYY-MM-DD)")
	fs.StringVar(&f.until, "until", "", "created at or before (RFC 3339 or YYYY-MM-DD)")
	fs.StringVar(&f.search, "search", "", "words that must all appear in the text or author")
}

func (f *filterFlags) filter() (store.Filter, error) {
	var out store.Filter
	for _, s := range f.status {
		if !domain.Status(s).Valid() {
			return out, usagef("--status %q: want open, pending, done or snoozed", s)
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

func parseDate(flag, s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, usagef("%s %q: want RFC 3339 (2026-11-20T10:00:00Z) or a date (2026-11-20)", flag, s)
	}
	if endOfDay {
		t = t.Add(24*time.Hour - time.Second)
	}
	return t, nil
}
