package report

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/query"
	"switchboard/sla"
	"switchboard/store"
)

var t0 = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)

func fixture(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	mk := func(id string, at time.Duration, team string, sentiment float64) domain.Mention {
		return domain.Mention{Platform: domain.PlatformX, NativeID: id, Author: domain.Author{Handle: "@a" + id}, Text: "t",
			CreatedAt: t0.Add(at), Sentiment: sentiment, State: domain.OperatorState{Team: team}}
	}
	ms := []domain.Mention{
		mk("1", 0, "support", -0.6),
		mk("2", time.Hour, "support", 0),
		mk("3", 2*time.Hour, "support", 0),
		mk("4", 3*time.Hour, "billing", 0.5),
		mk("5", 4*time.Hour, "", 0),
		mk("6", -48*time.Hour, "support", -0.9), // before the window
	}
	ms[0].State.RespondedAt, ms[0].State.Status, ms[0].State.ResolvedAt = t0.Add(10*time.Minute), domain.StatusDone, t0.Add(time.Hour)
	ms[1].State.RespondedAt = t0.Add(90 * time.Minute)
	ms[3].State.RespondedAt = t0.Add(8 * time.Hour)
	ms[4].State.FYI = true
	if _, err := st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	return st
}

func i(n int64) *int64 { return &n }

func eq(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

// TestReportByTeamAgainstHandFigures: every figure of a small fixture,
// computed by hand in the comments.
func TestReportByTeamAgainstHandFigures(t *testing.T) {
	st := fixture(t)
	r, err := Build(st, Options{Since: t0.Add(-time.Hour), Until: t0.Add(10 * time.Hour), Now: t0.Add(10 * time.Hour), By: "team"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Group{
		// 3 mentions; responded after 10m and 30m; nearest rank: p50 = 1st of 2, p90 = 2nd;
		// #1 resolved after 1h; #3 waited 8h > 4h; 1 of 3 negative
		{Key: "support", Mentions: 3, Responded: 2, ResponseRate: 0.6667, FirstResponseP50S: i(600), FirstResponseP90S: i(1800),
			Resolved: 1, ResolutionP50S: i(3600), Overdue: 1, NegativeShare: 0.3333},
		// ties on volume go by key: "(none)" sorts first. FYI: no clock, never overdue
		{Key: None, Mentions: 1},
		// answered after 5h, past the 4h target
		{Key: "billing", Mentions: 1, Responded: 1, ResponseRate: 1, FirstResponseP50S: i(18000), FirstResponseP90S: i(18000), Overdue: 1},
	}
	if len(r.Groups) != len(want) {
		t.Fatalf("groups: %+v", r.Groups)
	}
	for k, w := range want {
		g := r.Groups[k]
		if g.Key != w.Key || g.Mentions != w.Mentions || g.Responded != w.Responded || g.ResponseRate != w.ResponseRate ||
			!eq(g.FirstResponseP50S, w.FirstResponseP50S) || !eq(g.FirstResponseP90S, w.FirstResponseP90S) || g.Resolved != w.Resolved ||
			!eq(g.ResolutionP50S, w.ResolutionP50S) || g.Overdue != w.Overdue || g.NegativeShare != w.NegativeShare {
			t.Errorf("group %d = %+v\nwant %+v", k, g, w)
		}
	}
	// total: firsts 600, 1800, 18000: p50 = 2nd of 3, p90 = 3rd
	tot := r.Total
	if tot.Mentions != 5 || tot.Responded != 3 || tot.ResponseRate != 0.6 || !eq(tot.FirstResponseP50S, i(1800)) ||
		!eq(tot.FirstResponseP90S, i(18000)) || tot.Overdue != 2 || tot.NegativeShare != 0.2 || tot.Resolved != 1 {
		t.Errorf("total = %+v", tot)
	}
	if r.BusinessHours || r.Since != "2026-11-30T07:00:00Z" {
		t.Errorf("report header: %+v", r)
	}
}

func TestReportWindowsAndEmptyGroups(t *testing.T) {
	st := fixture(t)
	// a window holding nothing: no groups, a zero total with null percentiles
	r, err := Build(st, Options{Since: t0.Add(100 * time.Hour), Until: t0.Add(101 * time.Hour), By: "tag", Now: t0})
	if err != nil || len(r.Groups) != 0 || r.Total.Mentions != 0 || r.Total.FirstResponseP50S != nil {
		t.Fatalf("empty window: %+v %v", r, err)
	}
	// until is inclusive to the second; both mentions in it were made at
	// 08:00, two days apart: one hour of day
	r, _ = Build(st, Options{Since: t0.Add(-49 * time.Hour), Until: t0, By: "hour", Now: t0, Loc: time.UTC})
	if len(r.Groups) != 1 || r.Groups[0].Key != "08" || r.Groups[0].Mentions != 2 {
		t.Fatalf("by hour: %+v", r.Groups)
	}
	if _, err := Build(st, Options{Since: t0, Until: t0.Add(-time.Hour)}); err == nil {
		t.Fatal("a window that ends before it starts")
	}
	if _, err := Build(st, Options{By: "mood"}); err == nil {
		t.Fatal("--by mood accepted")
	}
}

func TestReportCountsBusinessHours(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	friday := time.Date(2026, 12, 4, 16, 50, 0, 0, time.UTC)
	m := domain.Mention{Platform: "x", NativeID: "1", Author: domain.Author{Handle: "@a"}, Text: "t", CreatedAt: friday,
		State: domain.OperatorState{Team: "support", RespondedAt: friday.Add(64*time.Hour + 20*time.Minute)}} // Monday 09:10
	if _, err := st.Ingest([]domain.Mention{m}); err != nil {
		t.Fatal(err)
	}
	ic := config.Inbox{TeamClocks: map[string]config.TeamClock{"support": {Clock: config.Clock{Normal: time.Hour},
		Hours: &config.Hours{Days: "mon-fri", From: "09:00", To: "17:00", Zone: "UTC"}}}}
	pol, err := ic.SLA()
	if err != nil {
		t.Fatal(err)
	}
	r, _ := Build(st, Options{Since: friday.Add(-time.Hour), Until: friday.Add(100 * time.Hour), Clock: pol, Now: friday.Add(100 * time.Hour)})
	// 10 minutes on Friday, 10 on Monday: 20 minutes, inside the 1h target
	if !r.BusinessHours || !eq(r.Total.FirstResponseP50S, i(1200)) || r.Total.Overdue != 0 {
		t.Fatalf("business hours: %+v", r)
	}
}

// randomStore holds n mentions in random states over two weeks from t0,
// set at ingest and changed by operator actions.
func randomStore(t *testing.T, n int) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rng := rand.New(rand.NewPCG(11, 13))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	var ms []domain.Mention
	for k := range n {
		created := t0.Add(time.Duration(rng.IntN(14*24*3600))*time.Second + time.Duration(rng.IntN(1e9)))
		m := domain.Mention{Platform: domain.Platforms[rng.IntN(len(domain.Platforms))], NativeID: fmt.Sprint(k),
			Author: domain.Author{Handle: "@a" + fmt.Sprint(k%40)}, Text: pick("where is my order?", "love it", "the app is broken"),
			CreatedAt: created, Sentiment: []float64{0, -0.05, 0.3, -0.8}[rng.IntN(4)], Lang: pick("en", "nl"),
			State: domain.OperatorState{Team: pick("", "support", "billing"), Assignee: pick("", "ana", "bob"),
				Status: domain.Status(pick("open", "pending", "done", "snoozed", "spam")), Priority: domain.Priority(pick("", "low", "high", "urgent"))}}
		if rng.IntN(3) == 0 {
			m.State.Tags = []string{pick("bug", "vip", "billing")}
		}
		if rng.IntN(2) == 0 {
			m.State.RespondedAt = created.Add(time.Duration(rng.IntN(30*3600)) * time.Second)
		}
		if m.State.Status == domain.StatusDone && rng.IntN(3) > 0 {
			m.State.ResolvedAt = created.Add(time.Duration(rng.IntN(50*3600)) * time.Second)
		}
		if m.State.Status == domain.StatusSnoozed {
			m.State.SnoozedUntil = created.Add(time.Duration(rng.IntN(10*24)) * time.Hour)
		}
		m.State.FYI, m.FYIKnown = rng.IntN(5) == 0, true
		ms = append(ms, m)
	}
	res, err := st.Ingest(ms)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []store.Action{{Kind: domain.EventAssign, Value: "cem"}, {Kind: domain.EventStatus, Value: "done"},
		{Kind: domain.EventAnswered, Value: "answered"}, {Kind: domain.EventTag, Value: "vip"}, {Kind: domain.EventRoute, Value: "social"}} {
		var ids []uint64
		for _, id := range res.IDs {
			if rng.IntN(10) == 0 {
				ids = append(ids, id)
			}
		}
		if _, err := st.Apply("ana", ids, a); err != nil && err != store.ErrNoChange {
			t.Fatal(err)
		}
	}
	return st
}

// TestReportFromStatsEqualsFullRecords: the report Build computes from
// the stats records is the one computed from the full records, for every
// grouping, several windows, with and without business hours, and for
// queries the stats answer and ones they do not.
func TestReportFromStatsEqualsFullRecords(t *testing.T) {
	st := randomStore(t, 2500)
	full := func(f store.Filter, fn func(*domain.Mention) bool) error { return st.Each(f, fn) }
	ic := config.Inbox{TeamClocks: map[string]config.TeamClock{
		"support": {Clock: config.Clock{Normal: time.Hour, Urgent: 10 * time.Minute}, Hours: &config.Hours{Days: "mon-fri", From: "09:00", To: "17:00", Zone: "Europe/Amsterdam"}},
		"billing": {Clock: config.Clock{Normal: 2 * time.Hour}}}}
	hours, err := ic.SLA()
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(15 * 24 * time.Hour)
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	windows := [][2]time.Time{{}, {t0, t0.Add(24 * time.Hour)}, {t0.Add(3*24*time.Hour + 1500*time.Millisecond), t0.Add(9*24*time.Hour + 700*time.Millisecond)},
		{t0.Add(13 * 24 * time.Hour), now}, {t0.Add(-48 * time.Hour), t0.Add(-time.Hour)}}
	queries := []string{"", "team:support", "is:open", "is:overdue", "tag:vip team:support,billing", "sentiment:neg priority:high",
		"assignee:none is:closed", "platform:x", "is:fyi", "lang:nl", "order", "-broken", "author:@a3"}
	fromStats := 0
	for _, clock := range []*sla.Policy{nil, hours} {
		for _, q := range queries {
			var f store.Filter
			if q != "" {
				parsed, err := query.Parse(q, query.Options{Me: "ana", Now: now, Clock: clock})
				if err != nil {
					t.Fatal(q, err)
				}
				f = parsed.Filter
			}
			from, err := st.EachFigures(f, func(*domain.Mention) bool { return false })
			if err != nil {
				t.Fatal(err)
			}
			if from {
				fromStats++
			}
			for _, w := range windows {
				for _, by := range append([]string{""}, Groupings...) {
					o := Options{Since: w[0], Until: w[1], By: by, Filter: f, Clock: clock, Now: now, Loc: ams}
					want, gj, wj := fromStatsAndRecords(t, st, o, full)
					if gj != wj {
						t.Fatalf("query %q, window %v, by %q, business hours %v:\nstats   %s\nrecords %s", q, w, by, clock != nil, gj, wj)
					}
					if want.Total.Mentions > 0 && w[0].IsZero() && by == "team" && q == "" && (want.Total.Overdue == 0 || want.Total.Resolved == 0 || want.Total.Responded == 0) {
						t.Fatalf("the random store has nothing to compare: %+v", want.Total)
					}
				}
			}
		}
	}
	if fromStats < 2*10 {
		t.Fatalf("only %d of the queries were answered from the stats", fromStats)
	}
}

// TestReportOverdueAgainstPolicy: per team, the report's overdue and
// responded counts are the ones worked out mention by mention from the
// policy itself (each team's targets and hours, each priority), so the
// report's shortcuts (clocks and groups remembered across mentions, the
// business-hours calendar) change nothing.
func TestReportOverdueAgainstPolicy(t *testing.T) {
	st := randomStore(t, 2500)
	ic := config.Inbox{Clock: config.Clock{Normal: 3 * time.Hour, High: 30 * time.Minute}, TeamClocks: map[string]config.TeamClock{
		"support": {Clock: config.Clock{Normal: time.Hour, Urgent: 10 * time.Minute}, Hours: &config.Hours{Days: "mon-fri", From: "09:00", To: "17:00", Zone: "Europe/Amsterdam"}},
		"billing": {Clock: config.Clock{Normal: 2 * time.Hour, Low: 48 * time.Hour}}}}
	pol, err := ic.SLA()
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(15 * 24 * time.Hour)
	overdue, responded := map[string]int{}, map[string]int{}
	err = st.Each(store.Filter{}, func(m *domain.Mention) bool {
		k := m.State.Team
		if k == "" {
			k = None
		}
		c := pol.For(m.State.Team)
		if !m.State.RespondedAt.IsZero() {
			responded[k]++
			if !m.State.FYI && c.Hours.Elapsed(m.CreatedAt, m.State.RespondedAt) > c.Target(m.State.Priority) {
				overdue[k]++
			}
		} else if pol.Overdue(m, now) {
			overdue[k]++
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Build(st, Options{By: "team", Clock: pol, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != 4 {
		t.Fatalf("groups %+v", r.Groups)
	}
	for _, g := range r.Groups {
		if g.Overdue != overdue[g.Key] || g.Responded != responded[g.Key] || g.Overdue == 0 {
			t.Errorf("team %s: overdue %d responded %d, want %d and %d", g.Key, g.Overdue, g.Responded, overdue[g.Key], responded[g.Key])
		}
	}
}

// TestPercentileSelectsAsSortWould: the nearest-rank percentiles picked
// by selection are the ones read off the sorted values, for values
// random, few and repeated, sorted, reversed and all equal, at every
// size up to 300 and a few large ones.
func TestPercentileSelectsAsSortWould(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	shapes := map[string]func(i, n int) int64{
		"random":   func(int, int) int64 { return rng.Int64N(1e9) },
		"repeated": func(int, int) int64 { return rng.Int64N(4) },
		"sorted":   func(i, _ int) int64 { return int64(i) },
		"reversed": func(i, n int) int64 { return int64(n - i) },
		"equal":    func(int, int) int64 { return 7 },
		"sawtooth": func(i, _ int) int64 { return int64(i % 17) },
	}
	sizes := []int{1e4, 100003}
	for n := 1; n <= 300; n++ {
		sizes = append(sizes, n)
	}
	for name, shape := range shapes {
		for _, n := range sizes {
			xs := make([]int64, n)
			for i := range xs {
				xs[i] = shape(i, n)
			}
			sorted := slices.Clone(xs)
			slices.Sort(sorted)
			for _, p := range []int{90, 50, 1, 99, 100} {
				rank := int(math.Ceil(float64(p) / 100 * float64(n)))
				want := sorted[max(rank, 1)-1]
				if got := percentile(xs, p); got == nil || *got != want {
					t.Fatalf("%s, %d values, p%d: %v, want %d", name, n, p, got, want)
				}
			}
			slices.Sort(xs)
			if !slices.Equal(xs, sorted) {
				t.Fatalf("%s, %d values: selection lost or changed values", name, n)
			}
		}
	}
	if percentile(nil, 50) != nil {
		t.Fatal("no values have a percentile")
	}
}

// TestReportLeavesOutStreamItems: a keyword stream's unpromoted items are
// not the team's mentions; a report counts them only when asked (is:stream),
// from the stats records and from the full records alike.
func TestReportLeavesOutStreamItems(t *testing.T) {
	st := fixture(t)
	base, err := Build(st, Options{Since: t0.Add(-time.Hour), Until: t0.Add(10 * time.Hour), Now: t0.Add(10 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	items := []domain.Mention{
		{Platform: domain.PlatformX, NativeID: "s1", Author: domain.Author{Handle: "@r1"}, Text: "rival news", CreatedAt: t0.Add(time.Hour), Stream: "rivals"},
		{Platform: domain.PlatformX, NativeID: "s2", Author: domain.Author{Handle: "@r2"}, Text: "rival launch", CreatedAt: t0.Add(2 * time.Hour), Stream: "rivals"},
	}
	if _, err := st.Ingest(items); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "rival", "-nothing"} {
		qq, err := query.Parse(q, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Build(st, Options{Since: t0.Add(-time.Hour), Until: t0.Add(10 * time.Hour), Now: t0.Add(10 * time.Hour), Filter: qq.Filter})
		if err != nil {
			t.Fatal(err)
		}
		want := base.Total.Mentions
		if q == "rival" {
			want = 0
		}
		if r.Total.Mentions != want {
			t.Errorf("query %q: %d mentions, want %d (stream items counted?)", q, r.Total.Mentions, want)
		}
	}
	for _, q := range []string{"is:stream", "is:stream stream:rivals"} {
		qq, err := query.Parse(q, query.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := Build(st, Options{Since: t0.Add(-time.Hour), Until: t0.Add(10 * time.Hour), Now: t0.Add(10 * time.Hour), Filter: qq.Filter})
		if err != nil {
			t.Fatal(err)
		}
		if r.Total.Mentions != 2 {
			t.Errorf("query %q: %d mentions, want the 2 stream items", q, r.Total.Mentions)
		}
	}
}

// TestReportFollowsActionsAndUndo: a report built after bulk actions
// (close, tag, assign, route, snooze) and after undoing them, which write
// the mentions' state apart from their records, is the report computed
// from the full records, for every grouping.
func TestReportFollowsActionsAndUndo(t *testing.T) {
	st := randomStore(t, 1200)
	now := t0.Add(15 * 24 * time.Hour)
	full := func(f store.Filter, fn func(*domain.Mention) bool) error { return st.Each(f, fn) }
	var all []uint64
	if err := st.Each(store.Filter{}, func(m *domain.Mention) bool { all = append(all, m.ID); return true }); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	compare := func(step string) {
		t.Helper()
		for _, q := range []string{"", "is:open", "is:closed", "tag:vip", "assignee:cem"} {
			var f store.Filter
			if q != "" {
				parsed, err := query.Parse(q, query.Options{Me: "ana", Now: now})
				if err != nil {
					t.Fatal(q, err)
				}
				f = parsed.Filter
			}
			for _, by := range append([]string{""}, Groupings...) {
				if _, gj, wj := fromStatsAndRecords(t, st, Options{By: by, Filter: f, Now: now}, full); gj != wj {
					t.Fatalf("%s: query %q, by %q:\nstats   %s\nrecords %s", step, q, by, gj, wj)
				}
			}
		}
	}
	compare("before")
	actions := []store.Action{{Kind: domain.EventStatus, Value: "done"}, {Kind: domain.EventTag, Value: "vip"},
		{Kind: domain.EventAssign, Value: "cem"}, {Kind: domain.EventRoute, Value: "social"},
		{Kind: domain.EventStatus, Value: "snoozed", Until: now.Add(time.Hour)}}
	for _, a := range actions {
		var ids []uint64
		for _, id := range all {
			if rng.IntN(3) == 0 {
				ids = append(ids, id)
			}
		}
		if _, err := st.Apply("bob", ids, a); err != nil {
			t.Fatal(a, err)
		}
		compare(fmt.Sprintf("after %s %s", a.Kind, a.Value))
	}
	for i := range actions {
		if _, err := st.Undo("bob"); err != nil {
			t.Fatal(err)
		}
		compare(fmt.Sprint("after undo ", i+1))
	}
}

// fromStatsAndRecords builds the report of o twice: as Build does (from
// the stats records where it can) and from the full records (each), and
// gives the latter with both as JSON.
func fromStatsAndRecords(t *testing.T, st *store.Store, o Options, each func(store.Filter, func(*domain.Mention) bool) error) (records Report, statsJSON, recordsJSON string) {
	t.Helper()
	got, err := Build(st, o)
	if err != nil {
		t.Fatal(err)
	}
	want, err := build(o, each)
	if err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	return want, string(gj), string(wj)
}
