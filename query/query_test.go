package query

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/sla"
	"switchboard/store"
)

var now = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func i64(n int64) *int64 { return &n }

var yes, no = true, false

func TestParseEachKey(t *testing.T) {
	o := Options{Me: "ana", Now: now}
	tests := []struct {
		expr string
		want store.Filter
		sort string
	}{
		{`refund late`, store.Filter{Text: "refund late"}, ""},
		{`"late delivery"`, store.Filter{Phrases: []string{"late delivery"}}, ""},
		{`refund*`, store.Filter{Prefixes: []string{"refund"}}, ""},
		{`-spam -"buy now"`, store.Filter{Without: []string{"spam", "buy now"}}, ""},
		{`author:@Ana`, store.Filter{Authors: []string{"Ana"}}, ""},
		{`from:bob`, store.Filter{Authors: []string{"bob"}}, ""},
		{`tag:billing tag:vip`, store.Filter{Tags: []string{"billing", "vip"}}, ""},
		{`tag:billing,vip`, store.Filter{Tags: []string{"billing", "vip"}}, ""},
		{`team:support,none`, store.Filter{Teams: []string{"support", ""}}, ""},
		{`assignee:none`, store.Filter{Assignees: []string{""}}, ""},
		{`assignee:me,@bo`, store.Filter{Assignees: []string{"ana", "bo"}}, ""},
		{`platform:x,Reddit`, store.Filter{Platforms: []domain.Platform{"x", "reddit"}}, ""},
		{`kind:dm`, store.Filter{Kinds: []domain.Kind{domain.KindDM}}, ""},
		{`is:open`, store.Filter{Status: []domain.Status{"open"}}, ""},
		{`is:stream stream:brand,rivals`, store.Filter{Status: []domain.Status{"stream"}, Streams: []string{"brand", "rivals"}}, ""},
		{`is:open,pending`, store.Filter{Status: []domain.Status{"open", "pending"}}, ""},
		{`is:open,pending is:pending`, store.Filter{Status: []domain.Status{"pending"}}, ""},
		{`is:snoozed`, store.Filter{Status: []domain.Status{"snoozed"}}, ""},
		{`is:done`, store.Filter{Status: []domain.Status{"done"}}, ""},
		{`status:done`, store.Filter{Status: []domain.Status{"done"}}, ""},
		{`is:unassigned`, store.Filter{Assignees: []string{""}}, ""},
		{`is:mine`, store.Filter{Assignees: []string{"ana"}}, ""},
		{`is:escalated`, store.Filter{Escalated: true}, ""},
		{`is:spam`, store.Filter{Status: []domain.Status{"spam"}}, ""},
		{`is:fyi`, store.Filter{FYI: &yes}, ""},
		{`is:needs-reply`, store.Filter{FYI: &no}, ""},
		{`sentiment:neg`, store.Filter{Bands: []domain.Band{"negative"}}, ""},
		{`priority:urgent`, store.Filter{Priorities: []domain.Priority{"urgent"}}, ""},
		{`lang:nl,pt-BR`, store.Filter{Langs: []string{"nl", "pt-BR"}}, ""},
		{`incident:INC-3`, store.Filter{Incidents: []string{"INC-3"}}, ""},
		{`after:24h`, store.Filter{Since: now.Add(-24 * time.Hour)}, ""},
		{`after:7d before:2d`, store.Filter{Since: now.Add(-7 * 24 * time.Hour), Until: now.Add(-2 * 24 * time.Hour)}, ""},
		{`since:2w`, store.Filter{Since: now.Add(-14 * 24 * time.Hour)}, ""},
		{`before:2026-11-20T10:00:00Z`, store.Filter{Until: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}, ""},
		{`followers:>10000`, store.Filter{Followers: &store.Range{Min: i64(10001)}}, ""},
		{`followers:>=10k`, store.Filter{Followers: &store.Range{Min: i64(10000)}}, ""},
		{`followers:<500`, store.Filter{Followers: &store.Range{Max: i64(499)}}, ""},
		{`followers:1k..5k followers:>2000`, store.Filter{Followers: &store.Range{Min: i64(2001), Max: i64(5000)}}, ""},
		{`sort:oldest`, store.Filter{Oldest: true}, "oldest"},
		{`sort:followers`, store.Filter{}, "followers"},
		{`see https://acme.example/x 10:30`, store.Filter{Text: "see https://acme.example/x 10:30"}, ""},
		{`author:"@ana b"`, store.Filter{Authors: []string{"ana b"}}, ""},
	}
	for _, tc := range tests {
		q, err := Parse(tc.expr, o)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if !reflect.DeepEqual(q.Filter, tc.want) || q.Sort != tc.sort {
			t.Errorf("Parse(%q) = %+v sort %q\nwant %+v sort %q", tc.expr, q.Filter, q.Sort, tc.want, tc.sort)
		}
	}
}

func TestParseOverdueUsesTheClock(t *testing.T) {
	pol := &sla.Policy{Default: sla.Clock{Targets: map[domain.Priority]time.Duration{"urgent": time.Minute}}}
	q, err := Parse("is:overdue", Options{Now: now, Clock: pol})
	if err != nil {
		t.Fatal(err)
	}
	if o := q.Filter.Overdue; o == nil || !o.Now.Equal(now) || o.Policy != pol {
		t.Fatalf("overdue = %+v", o)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`colour:red`, `unknown key "colour"; known keys: author, tag, team, assignee, platform, kind, is, status, sentiment, priority, lang, incident, after, before, followers, sort, conversation`},
		{`Re: refund`, `unknown key "re"`},
		{`platform:myspace`, `want x, mastodon, bluesky, reddit or news`},
		{`kind:tweet`, `want one of mention, reply, comment, dm, review, news`},
		{`is:lost`, `want open, pending, snoozed, done, spam, stream, unassigned, overdue, mine, escalated, fyi or needs-reply`},
		{`sentiment:angry`, `want negative, neutral or positive`},
		{`after:yesterday`, `want a duration back from now`},
		{`followers:lots`, `want a count`},
		{`sort:random`, `want newest, oldest, due, followers`},
		{`tag:`, `needs a value`},
		{`"late delivery`, `closing "`},
		{`-tag:spam`, `only words and phrases can be negated`},
		{`lang:e`, `language code`},
	}
	for _, tc := range tests {
		_, err := Parse(tc.expr, Options{Now: now})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error with %q", tc.expr, err, tc.want)
		}
	}
}

func TestTimedQueries(t *testing.T) {
	for expr, want := range map[string]bool{
		"is:overdue":                   true,
		"after:24h":                    true,
		"before:7d":                    true,
		"since:2w refund":              true,
		"after:2026-11-20":             false,
		"after:2026-11-20T10:00:00Z":   false,
		"is:open tag:billing refund*":  false,
		"":                             false,
		"before:2026-11-20 is:overdue": true,
	} {
		q, err := Parse(expr, Options{Now: time.Now()})
		if err != nil {
			t.Fatalf("%q: %v", expr, err)
		}
		if q.Timed != want {
			t.Errorf("%q: Timed %v, want %v", expr, q.Timed, want)
		}
	}
}
