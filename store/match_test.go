package store

import (
	"strings"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/sla"
)

func TestQueryUnindexedConditions(t *testing.T) {
	s := openTemp(t, Options{Now: func() time.Time { return t0.Add(10 * time.Hour) }})
	ms := []domain.Mention{
		mention(domain.PlatformX, "1", t0, "My refund is late, the late delivery again"),
		mention(domain.PlatformX, "2", t0.Add(time.Minute), "Delivery was late but fine"),
		mention(domain.PlatformMastodon, "3", t0.Add(2*time.Minute), "Refunded at last, thanks"),
		mention(domain.PlatformReddit, "4", t0.Add(3*time.Minute), "spam spam buy now"),
		mention(domain.PlatformX, "5", t0.Add(9*time.Hour+50*time.Minute), "where is my refund?"),
	}
	ms[0].Kind, ms[0].Lang, ms[0].Author.Followers = domain.KindDM, "nl-BE", 50000
	ms[1].Lang, ms[1].Author.Followers = "en", 12
	ms[2].Lang, ms[2].Author.Handle, ms[2].Author.Followers = "nl", "@Ana_Ops", 10001
	ms[3].Kind = domain.KindComment
	res, err := s.Ingest(ms)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("ana", res.IDs[1:2], Action{Kind: domain.EventStatus, Value: string(domain.StatusDone)}); err != nil {
		t.Fatal(err)
	}
	ten := int64(10000)
	tests := []struct {
		name string
		f    Filter
		want string
	}{
		{"phrase", Filter{Phrases: []string{"late delivery"}}, "1"},
		{"phrase, accents and case", Filter{Phrases: []string{"LÁTE Délivery"}}, "1"},
		{"phrase is not just its words", Filter{Phrases: []string{"delivery late"}}, ""},
		{"prefix", Filter{Prefixes: []string{"refund"}}, "5,3,1"},
		{"without", Filter{Prefixes: []string{"refund"}, Without: []string{"thanks"}}, "5,1"},
		{"without a phrase's words", Filter{Without: []string{"spam"}, Platforms: []domain.Platform{"reddit"}}, ""},
		{"author, @ and case ignored", Filter{Authors: []string{"ana_ops"}}, "3"},
		{"two authors", Filter{Authors: []string{"@user1", "user4"}}, "4,1"},
		{"kind", Filter{Kinds: []domain.Kind{domain.KindDM, domain.KindComment}}, "4,1"},
		{"kind mention is the default", Filter{Kinds: []domain.Kind{domain.KindMention}}, "5,3,2"},
		{"lang matches a region", Filter{Langs: []string{"nl"}}, "3,1"},
		{"followers", Filter{Followers: &Range{Min: &ten}}, "3,1"},
		{"overdue: open, waited past its target", Filter{Overdue: &Overdue{Now: t0.Add(10 * time.Hour),
			Policy: &sla.Policy{Default: sla.Clock{Targets: map[domain.Priority]time.Duration{domain.PriorityNormal: 4 * time.Hour}}}}}, "4,3,1"},
		{"with an index", Filter{Prefixes: []string{"refund"}, Platforms: []domain.Platform{"x"}}, "5,1"},
		{"oldest first", Filter{Prefixes: []string{"refund"}, Oldest: true}, "1,3,5"},
	}
	for _, tc := range tests {
		p, err := s.Query(tc.f, "", 10)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []string
		for _, m := range p.Mentions {
			got = append(got, m.NativeID)
			if !tc.f.Matches(&m) {
				t.Errorf("%s: Matches disagrees with Query on %s", tc.name, m.NativeID)
			}
		}
		if g := strings.Join(got, ","); g != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, g, tc.want)
		}
		if n, capped, err := s.Count(tc.f, 0); err != nil || capped || n != len(got) {
			t.Errorf("%s: Count = %d (capped %v, %v), Query found %d", tc.name, n, capped, err, len(got))
		}
		if len(got) > 1 {
			if n, capped, _ := s.Count(tc.f, len(got)-1); !capped || n != len(got)-1 {
				t.Errorf("%s: Count with a limit = %d capped %v", tc.name, n, capped)
			}
		}
	}
	// pages of a post-filtered query continue where they stopped
	p1, _ := s.Query(Filter{Prefixes: []string{"refund"}}, "", 2)
	if len(p1.Mentions) != 2 || p1.Next == "" {
		t.Fatalf("first page: %d, next %q", len(p1.Mentions), p1.Next)
	}
	p2, _ := s.Query(Filter{Prefixes: []string{"refund"}}, p1.Next, 2)
	if len(p2.Mentions) != 1 || p2.Mentions[0].NativeID != "1" {
		t.Fatalf("second page: %+v", p2.Mentions)
	}
}
