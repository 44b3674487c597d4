package rules

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/store"
)

func ptr[T any](v T) *T { return &v }

func testRules(t *testing.T) *Set {
	t.Helper()
	s, err := Compile([]config.Rule{
		{Name: "outage", Match: config.RuleMatch{Keywords: []string{"down", "outage"}, SentimentBelow: ptr(-0.2)},
			Set: config.RuleSet{Tags: []string{"outage"}, Team: "support", Priority: "urgent"}},
		{Name: "vip", Match: config.RuleMatch{MinFollowers: 10000, Verified: ptr(true)}, Set: config.RuleSet{Tags: []string{"vip"}}},
		{Name: "dutch x", Match: config.RuleMatch{Platforms: []string{"x"}, Langs: []string{"nl"}}, Set: config.RuleSet{Team: "benelux"}},
		{Name: "fans", Match: config.RuleMatch{SentimentAbove: ptr(0.5)}, Set: config.RuleSet{Tags: []string{"praise"}, Priority: "low"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestApply(t *testing.T) {
	s := testRules(t)
	for _, tc := range []struct {
		name string
		m    domain.Mention
		tags []string
		team string
		prio domain.Priority
		evs  int
	}{
		{"outage negative", domain.Mention{Text: "Acme is DOWN again", Sentiment: -0.6}, []string{"outage"}, "support", "urgent", 3},
		{"keyword inside a word does not match", domain.Mention{Text: "downtown is lovely", Sentiment: -0.6}, nil, "", "", 0},
		{"outage but not negative", domain.Mention{Text: "outage fixed", Sentiment: 0.1}, nil, "", "", 0},
		{"vip verified", domain.Mention{Author: domain.Author{Followers: 20000, Verified: true}}, []string{"vip"}, "", "", 1},
		{"vip unverified", domain.Mention{Author: domain.Author{Followers: 20000}}, nil, "", "", 0},
		{"dutch on x", domain.Mention{Platform: domain.PlatformX, Lang: "NL"}, nil, "benelux", "", 1},
		{"dutch on mastodon", domain.Mention{Platform: domain.PlatformMastodon, Lang: "nl"}, nil, "", "", 0},
		{"fans and vip", domain.Mention{Sentiment: 0.8, Author: domain.Author{Followers: 1e6, Verified: true}}, []string{"vip", "praise"}, "", "low", 3},
	} {
		m := tc.m
		evs := s.Apply(&m)
		if len(evs) != tc.evs || !equal(m.State.Tags, tc.tags) || m.State.Team != tc.team || m.State.Priority != tc.prio {
			t.Errorf("%s: events %d state %+v", tc.name, len(evs), m.State)
		}
		for _, ev := range evs {
			if ev.Actor != Actor {
				t.Errorf("%s: actor %q", tc.name, ev.Actor)
			}
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestIngestAndUndo runs the rules as the store's ingest hook: the changes
// are audit events by "rules", and undoing that group restores the state.
func TestIngestAndUndo(t *testing.T) {
	s := testRules(t)
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{Enrich: s.Enrich(func(m *domain.Mention) { m.Sentiment = -0.5 })})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := st.Ingest([]domain.Mention{{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@a"},
		Text: "is acme down?", CreatedAt: time.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := st.Get(res.IDs[0])
	if !m.State.HasTag("outage") || m.State.Team != "support" || m.State.Priority != "urgent" {
		t.Fatalf("state after ingest %+v", m.State)
	}
	evs, _ := st.Events(m.Key())
	if len(evs) != 3 || evs[0].Actor != "rules" {
		t.Fatalf("events %+v", evs)
	}
	if _, err := st.UndoGroup("ana", evs[0].Group); err != nil {
		t.Fatal(err)
	}
	m, _ = st.Get(res.IDs[0])
	if len(m.State.Tags) != 0 || m.State.Team != "" || (m.State.Priority != "" && m.State.Priority != "normal") {
		t.Fatalf("state after undo %+v", m.State)
	}
	if _, err := st.UndoGroup("ana", evs[0].Group); err == nil || errors.Is(err, nil) {
		t.Fatalf("second undo should fail, got %v", err)
	}
}

func FuzzContainsWord(f *testing.F) {
	f.Add("acme is down", "down")
	f.Add("ÄÖÜ down", "down")
	f.Add("\xff\xfedown", "down")
	f.Fuzz(func(t *testing.T, text, k string) {
		if k == "" {
			return
		}
		got := containsWord(text, k)
		if got && !containsSubstr(text, k) {
			t.Fatalf("containsWord(%q, %q) true but no substring", text, k)
		}
	})
}

func containsSubstr(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// "negative and more than 1,000 followers → inbox, team comms": a rule
// that promotes a stream item sets it open with an undoable event; items
// of other streams, and items addressed to the brand, are left alone.
func TestPromoteRule(t *testing.T) {
	s, err := Compile([]config.Rule{{Name: "loud and angry",
		Match: config.RuleMatch{SentimentBelow: ptr(-0.05), MinFollowers: 1000, Streams: []string{"brand"}},
		Set:   config.RuleSet{Promote: true, Team: "comms"}}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{Enrich: s.Enrich(func(m *domain.Mention) { m.Sentiment = -0.6 })})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Now()
	items := []domain.Mention{
		{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@loud", Followers: 5000}, Text: "acme is awful", CreatedAt: at, Stream: "brand"},
		{Platform: domain.PlatformX, NativeID: "2", Author: domain.Author{Handle: "@quiet", Followers: 10}, Text: "acme is awful", CreatedAt: at, Stream: "brand"},
		{Platform: domain.PlatformX, NativeID: "3", Author: domain.Author{Handle: "@loud2", Followers: 5000}, Text: "rival is awful", CreatedAt: at, Stream: "rivals"},
	}
	res, err := st.IngestPage("brand@x", items, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		st   domain.Status
		team string
	}{{"open", "comms"}, {"stream", ""}, {"stream", ""}}
	for i, id := range res.IDs {
		m, _ := st.Get(id)
		if m.State.Status != want[i].st || m.State.Team != want[i].team {
			t.Errorf("item %d: %q team %q, want %+v", i+1, m.State.Status, m.State.Team, want[i])
		}
	}
	evs, _ := st.Events(items[0].Key())
	if len(evs) != 2 {
		t.Fatalf("events %+v", evs)
	}
	if _, err := st.UndoGroup("ana", evs[0].Group); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.Get(res.IDs[0]); m.State.Status != domain.StatusStream {
		t.Fatalf("undo promote: %q", m.State.Status)
	}
}
