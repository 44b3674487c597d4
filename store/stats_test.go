package store

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
	"switchboard/sla"
)

// statsStore fills a store with n mentions in random states, set at ingest
// and then changed by operator actions (so both write paths are used).
func statsStore(t testing.TB, s *Store, seed uint64, n int) []uint64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	var ms []domain.Mention
	for i := range n {
		created := t0.Add(time.Duration(rng.IntN(14*24*3600))*time.Second + time.Duration(rng.IntN(1e9)))
		m := mention(domain.Platforms[rng.IntN(len(domain.Platforms))], fmt.Sprint(i), created, pick("where is my order?", "love it", "RT @acme news", "broken again"))
		m.Sentiment = []float64{0, -0.05, 0.05, -0.7, 0.3, 0.049}[rng.IntN(6)]
		m.Kind = domain.Kind(pick("", "mention", "dm", "review", "news"))
		m.Lang = pick("", "en", "nl-BE", "nl")
		m.Author.Followers = int64(rng.IntN(3)) * int64(rng.IntN(100000))
		m.State.Team = pick("", "support", "billing")
		m.State.Assignee = pick("", "", "ana", "bob")
		m.State.Status = domain.Status(pick("", "open", "pending", "done", "snoozed", "spam"))
		m.State.Priority = domain.Priority(pick("", "low", "normal", "high", "urgent"))
		if rng.IntN(4) == 0 {
			m.State.Tags = []string{pick("billing", "bug", "vip")}
			if rng.IntN(2) == 0 {
				m.State.Tags = append(m.State.Tags, "later")
			}
		}
		if rng.IntN(2) == 0 {
			m.State.RespondedAt = created.Add(time.Duration(rng.IntN(48*3600)) * time.Second)
		}
		if m.State.Status == domain.StatusDone && rng.IntN(3) > 0 {
			m.State.ResolvedAt = created.Add(time.Duration(rng.IntN(72*3600)) * time.Second)
		}
		if m.State.Status == domain.StatusSnoozed {
			m.State.SnoozedUntil = created.Add(time.Duration(rng.IntN(20*24)) * time.Hour)
		}
		if rng.IntN(10) == 0 {
			m.State.IncidentID = pick("INC-1", "INC-2")
		}
		if rng.IntN(10) == 0 {
			m.State.Conversation = "x:" + fmt.Sprint(rng.IntN(5))
		}
		m.State.FYI, m.FYIKnown = rng.IntN(4) == 0, true
		ms = append(ms, m)
	}
	res, err := s.Ingest(ms)
	if err != nil {
		t.Fatal(err)
	}
	some := func() []uint64 {
		var ids []uint64
		for _, id := range res.IDs {
			if rng.IntN(8) == 0 {
				ids = append(ids, id)
			}
		}
		return ids
	}
	for _, a := range []Action{{Kind: domain.EventTag, Value: "vip"}, {Kind: domain.EventAssign, Value: "cem"},
		{Kind: domain.EventRoute, Value: "social"}, {Kind: domain.EventStatus, Value: "done"}, {Kind: domain.EventAnswered, Value: "answered"},
		{Kind: domain.EventPriority, Value: "urgent"}, {Kind: domain.EventStatus, Value: "snoozed", Until: t0.Add(5 * 24 * time.Hour)},
		{Kind: domain.EventUntag, Value: "bug"}, {Kind: domain.EventStatus, Value: "open"}} {
		if _, err := s.Apply("ana", some(), a); err != nil && err != ErrNoChange {
			t.Fatal(a, err)
		}
	}
	return res.IDs
}

// figures is what a walk yields: each mention's id and the fields a stats
// record holds, in walk order.
func figures(t *testing.T, each func(Filter, func(*domain.Mention) bool) error, f Filter) []string {
	t.Helper()
	var out []string
	if err := each(f, func(m *domain.Mention) bool {
		out = append(out, fmt.Sprintf("%d %x", m.ID, appendStats(nil, m)))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEachFiguresAgreesWithEach: for random filters on every field the
// stats hold, the stats scan yields the same mentions, in the same order,
// with the same figures as the walk over the full records.
func TestEachFiguresAgreesWithEach(t *testing.T) {
	s := openTemp(t, Options{})
	statsStore(t, s, 1, 1500)
	hours, err := sla.ParseHours("mon-fri", "09:00", "17:00", "Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	pol := &sla.Policy{Default: sla.Clock{Hours: hours}, Teams: map[string]sla.Clock{"billing": {Team: "billing", Targets: map[domain.Priority]time.Duration{domain.PriorityNormal: time.Hour}}}}
	rng := rand.New(rand.NewPCG(2, 2))
	pick := func(xs ...string) []string {
		var out []string
		for _, x := range xs {
			if rng.IntN(2) == 0 {
				out = append(out, x)
			}
		}
		if out == nil {
			out = []string{}
		}
		return out
	}
	stats := func(f Filter, fn func(*domain.Mention) bool) error {
		from, err := s.EachFigures(f, fn)
		if err == nil && !from {
			t.Fatalf("filter %+v not answered from the stats", f)
		}
		return err
	}
	nonEmpty := 0
	for i := range 400 {
		var f Filter
		for c := range 17 {
			if rng.IntN(5) != 0 {
				continue
			}
			switch c {
			case 0:
				f.Status = []domain.Status{}
				for _, st := range pick("open", "pending", "done", "snoozed", "spam") {
					f.Status = append(f.Status, domain.Status(st))
				}
			case 1:
				f.Tags = pick("vip", "bug", "later")
			case 2:
				f.Teams = pick("", "support", "billing", "social")
			case 3:
				f.Assignees = pick("", "ana", "bob", "cem")
			case 4:
				f.Platforms = []domain.Platform{domain.Platforms[rng.IntN(len(domain.Platforms))]}
			case 5:
				f.Incidents = pick("INC-1", "INC-2", "")
			case 6:
				f.Escalated = true
			case 7:
				f.Bands = []domain.Band{domain.Bands[rng.IntN(3)]}
			case 8:
				f.Priorities = []domain.Priority{domain.Priorities[rng.IntN(4)]}
			case 9:
				f.Conversations = pick("x:1", "x:2", "x:3")
			case 10:
				f.Kinds = []domain.Kind{domain.Kind([]string{"mention", "dm", "review", "news"}[rng.IntN(4)])}
			case 11:
				f.Langs = pick("nl", "en", "nl-BE")
			case 12:
				lo, hi := int64(rng.IntN(50000)), int64(50000+rng.IntN(50000))
				f.Followers = &Range{Min: &lo}
				if rng.IntN(2) == 0 {
					f.Followers.Max = &hi
				}
			case 13:
				f.Overdue = &Overdue{Now: t0.Add(time.Duration(rng.IntN(20*24)) * time.Hour)}
				if rng.IntN(2) == 0 {
					f.Overdue.Policy = pol
				}
			case 14:
				v := rng.IntN(2) == 0
				f.FYI = &v
			case 15:
				f.Since = t0.Add(time.Duration(rng.IntN(14*24*3600))*time.Second + 500*time.Millisecond)
			case 16:
				f.Until = t0.Add(time.Duration(rng.IntN(14*24*3600))*time.Second + 250*time.Millisecond)
			}
		}
		f.Oldest = i%2 == 0
		want := figures(t, s.Each, f)
		got := figures(t, stats, f)
		if !slices.Equal(got, want) {
			t.Fatalf("filter %+v: the stats give %d mentions, the records %d\nstats:   %.300v\nrecords: %.300v", f, len(got), len(want), got, want)
		}
		if len(want) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 100 {
		t.Fatalf("only %d of 400 filters matched anything: the test checks too little", nonEmpty)
	}
	// a word search: the word index and the stats
	for _, f := range []Filter{{Text: "order"}, {Text: "broken again", Oldest: true}, {Text: "love", Teams: []string{"support"}, FYI: new(bool)},
		{Text: "   "}, {Text: "the"}, {Text: "order", Since: t0.Add(3 * 24 * time.Hour), Until: t0.Add(5 * 24 * time.Hour), Overdue: &Overdue{Now: t0.Add(9 * 24 * time.Hour)}}} {
		want := figures(t, s.Each, f)
		if got := figures(t, stats, f); !slices.Equal(got, want) {
			t.Fatalf("filter %+v: the stats give %d mentions, the records %d", f, len(got), len(want))
		}
		if len(want) == 0 && strings.TrimSpace(f.Text) == "order" {
			t.Fatalf("%+v matched nothing", f)
		}
	}
	// phrases, prefixes, excluded words, authors: the full records
	for _, f := range []Filter{{Phrases: []string{"love it"}}, {Prefixes: []string{"bro"}}, {Without: []string{"love"}}, {Authors: []string{"@user3"}}} {
		var n int
		from, err := s.EachFigures(f, func(*domain.Mention) bool { n++; return true })
		if err != nil || from || n == 0 {
			t.Errorf("%+v: from stats %v, %d mentions, %v", f, from, n, err)
		}
	}
}

// TestFilterFieldsAreClassified fails when Filter gains a field that
// EachFigures does not know about: it must either be held by the stats
// records (and checked by Matches) or send EachFigures to the records.
func TestFilterFieldsAreClassified(t *testing.T) {
	held := []string{"Status", "Tags", "Teams", "Assignees", "Platforms", "Incidents", "Escalated", "Bands", "Priorities",
		"Since", "Until", "Oldest", "Kinds", "Langs", "Followers", "Overdue", "FYI", "Conversations"}
	held = append(held, "Text") // through the word index
	notHeld := []string{"Phrases", "Prefixes", "Without", "Authors", "Streams"}
	ft := reflect.TypeFor[Filter]()
	for i := range ft.NumField() {
		name := ft.Field(i).Name
		if !slices.Contains(held, name) && !slices.Contains(notHeld, name) {
			t.Errorf("Filter.%s is new: decide whether the stats records answer it (stats.go: statsAnswers, appendStats)", name)
		}
	}
	for _, name := range notHeld {
		f := Filter{}
		v := reflect.ValueOf(&f).Elem().FieldByName(name)
		switch v.Kind() {
		case reflect.String:
			v.SetString("x")
		case reflect.Slice:
			v.Set(reflect.ValueOf([]string{"x"}))
		}
		if statsAnswers(f) {
			t.Errorf("statsAnswers(%s) is true", name)
		}
	}
}

func TestStatsRecordRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 29, 1, 59, 59, 123456789, time.FixedZone("x", 3600))
	m := domain.Mention{ID: 7, Platform: domain.PlatformBluesky, Kind: domain.KindDM, Lang: "nl-BE", CreatedAt: at, Sentiment: -0.123456789,
		Author: domain.Author{Followers: -3},
		State: domain.OperatorState{Tags: []string{"a", "b\xff\xfe"}, Team: "t\xffeam", Assignee: "ana", Status: domain.StatusSnoozed,
			SnoozedUntil: at.Add(time.Hour), Priority: domain.PriorityUrgent, IncidentID: "INC-9", RespondedAt: at.Add(time.Minute),
			ResolvedAt: at.Add(2 * time.Hour), Conversation: "x:1", FYI: true}}
	rec := appendStats(nil, &m)
	if len(rec) > 120 { // every field set, four times with nanoseconds
		t.Errorf("record is %d bytes", len(rec))
	}
	tk := timekey(at, 7)
	var d statsDecoder
	got, err := d.decode(tk, rec)
	if err != nil {
		t.Fatal(err)
	}
	want := m
	want.State.Team, want.State.Tags = "t\uFFFDeam", []string{"a", "b\uFFFD\uFFFD"} // as encoding/json stores them
	eqTime := func(a, b time.Time) bool { return a.Equal(b) }
	if got.ID != 7 || got.Platform != want.Platform || got.Kind != want.Kind || got.Lang != want.Lang || !eqTime(got.CreatedAt, at) ||
		got.Sentiment != want.Sentiment || got.Author.Followers != -3 || !slices.Equal(got.State.Tags, want.State.Tags) ||
		got.State.Team != want.State.Team || got.State.Assignee != "ana" || got.State.Status != want.State.Status ||
		!eqTime(got.State.SnoozedUntil, want.State.SnoozedUntil) || got.State.Priority != want.State.Priority ||
		got.State.IncidentID != "INC-9" || !eqTime(got.State.RespondedAt, want.State.RespondedAt) ||
		!eqTime(got.State.ResolvedAt, want.State.ResolvedAt) || got.State.Conversation != "x:1" || !got.State.FYI {
		t.Fatalf("decoded\n%+v\nwant\n%+v", *got, want)
	}
	// a plain new mention: no optional fields
	plain := domain.Mention{Platform: domain.PlatformX, CreatedAt: at}
	if got, err := d.decode(tk, appendStats(nil, &plain)); err != nil || !got.State.RespondedAt.IsZero() || got.State.Tags != nil || got.State.FYI {
		t.Fatalf("plain: %+v %v", got, err)
	}
	// every truncation and a trailing byte are refused, never a panic
	for n := range len(rec) {
		if _, err := d.decode(tk, rec[:n]); err == nil {
			t.Errorf("record cut at %d of %d decoded", n, len(rec))
		}
	}
	if _, err := d.decode(tk, append(slices.Clone(rec), 0)); err == nil {
		t.Error("a trailing byte decoded")
	}
}

// dropStats makes s look like a store written before the stats records:
// no bucket, no version mark.
func dropStats(t *testing.T, s *Store) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bStats); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Delete(keyStatsVersion)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func statsKeys(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := -1
	db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bStats); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	return n
}

// TestStatsBackfilledOnOpen: a store written without stats records gets
// them at its next open, read-write or read-only, complete and agreeing
// with the records; one with another layout's records is rebuilt.
func TestStatsBackfilledOnOpen(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		t.Run(fmt.Sprint("readonly=", readOnly), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sb.db")
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			statsStore(t, s, 3, 300)
			dropStats(t, s)
			if from, err := s.EachFigures(Filter{}, func(*domain.Mention) bool { return true }); err != nil || from {
				t.Fatalf("without stats records: from stats %v, %v", from, err)
			}
			s.Close()
			if n := statsKeys(t, path); n != -1 {
				t.Fatalf("the old store has %d stats records", n)
			}
			s, err = Open(path, Options{ReadOnly: readOnly})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if probs, err := s.Check(); err != nil || len(probs) != 0 {
				t.Fatalf("after the backfill: %v %v", probs, err)
			}
			var n int
			if from, err := s.EachFigures(Filter{}, func(*domain.Mention) bool { n++; return true }); err != nil || !from || n != 300 {
				t.Fatalf("after the backfill: from stats %v, %d mentions, %v", from, n, err)
			}
		})
	}
	t.Run("other layout", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sb.db")
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		statsStore(t, s, 4, 200)
		// records of a layout this binary does not know, marked version 0
		err = s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bStats)
			c := b.Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				if err := b.Put(append([]byte(nil), k...), []byte{0xff}); err != nil {
					return err
				}
			}
			return tx.Bucket(bMeta).Put(keyStatsVersion, u64(0))
		})
		if err != nil {
			t.Fatal(err)
		}
		// until reopened the report reads the full records, not the garbage
		var n int
		if from, err := s.EachFigures(Filter{}, func(*domain.Mention) bool { n++; return true }); err != nil || from || n != 200 {
			t.Fatalf("stale stats: from stats %v, %d, %v", from, n, err)
		}
		s.Close()
		s, err = Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if probs, err := s.Check(); err != nil || len(probs) != 0 {
			t.Fatalf("after the rebuild: %v %v", probs, err)
		}
	})
}

// TestCheckFindsStatsDamage: a missing, a wrong and a stray stats record
// and a missing version mark are each reported.
func TestCheckFindsStatsDamage(t *testing.T) {
	s := openTemp(t, Options{})
	ids := statsStore(t, s, 5, 100)
	if probs, err := s.Check(); err != nil || len(probs) != 0 {
		t.Fatalf("fresh store: %v %v", probs, err)
	}
	var missing, wrong domain.Mention
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bStats)
		tk3, _ := timekeyOf(tx, ids[3])
		m3, _ := getMention(tx, tk3)
		missing = *m3
		if err := b.Delete(tk3); err != nil {
			return err
		}
		tk4, _ := timekeyOf(tx, ids[4])
		m4, _ := getMention(tx, tk4)
		wrong = *m4
		m4.State.Team = "someone-else"
		if err := b.Put(tk4, appendStats(nil, m4)); err != nil {
			return err
		}
		if err := b.Put(timekey(t0.Add(-time.Hour), 999999), appendStats(nil, m4)); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Delete(keyStatsVersion)
	})
	if err != nil {
		t.Fatal(err)
	}
	probs, err := s.Check()
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(probs)
	for _, want := range []string{
		fmt.Sprintf("mention %d (%s): stats record is missing", missing.ID, missing.Key()),
		fmt.Sprintf("mention %d (%s): stats record does not match the mention", wrong.ID, wrong.Key()),
		fmt.Sprintf("stats record %x has no mention", timekey(t0.Add(-time.Hour), 999999)),
		"stats version is 0, want 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("check report lacks %q:\n%s", want, text)
		}
	}
}

// BenchmarkAppendStats is what the stats record adds to writing a mention:
// encoding it (the bucket write is measured by BenchmarkIngest).
func BenchmarkAppendStats(b *testing.B) {
	ms := benchMentions(1, 0, 1000, -1)
	size := 0
	b.ResetTimer()
	for i := range b.N {
		size = len(appendStats(make([]byte, 0, 64), &ms[i%len(ms)]))
	}
	b.ReportMetric(float64(size), "bytes")
}

// BenchmarkDecodeStats is reading one stats record, what a report pays a
// mention before counting it.
func BenchmarkDecodeStats(b *testing.B) {
	ms := benchMentions(1, 0, 1000, -1)
	recs := make([][]byte, len(ms))
	tks := make([][]byte, len(ms))
	for i := range ms {
		ms[i].State.RespondedAt = ms[i].CreatedAt.Add(time.Duration(i) * time.Minute)
		recs[i] = appendStats(nil, &ms[i])
		tks[i] = timekey(ms[i].CreatedAt, uint32(i+1))
	}
	var d statsDecoder
	b.ResetTimer()
	for i := range b.N {
		if _, err := d.decode(tks[i%len(ms)], recs[i%len(ms)]); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStatsFollowStateWrites: every action that changes a mention's
// operator state (written apart, see putState) and every undo of one
// keeps its stats record equal to the mention as the full records give
// it: Check finds nothing, and the figures by status, tag, team and
// assignee from the stats scan are the ones a scan of the full records
// gives. A store whose stats are rebuilt at open while actions' states
// are in bState gets them right too.
func TestStatsFollowStateWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	ids := statsStore(t, s, 21, 600)
	rng := rand.New(rand.NewPCG(21, 22))
	some := func() []uint64 {
		var out []uint64
		for _, id := range ids {
			if rng.IntN(4) == 0 {
				out = append(out, id)
			}
		}
		return out
	}
	tally := func(each func(Filter, func(*domain.Mention) bool) error) map[string]int {
		got := map[string]int{}
		if err := each(Filter{}, func(m *domain.Mention) bool {
			got["status "+string(m.State.Status)]++
			got["team "+m.State.Team]++
			got["assignee "+m.State.Assignee]++
			got["priority "+string(m.State.Priority)]++
			got["incident "+m.State.IncidentID]++
			for _, tag := range m.State.Tags {
				got["tag "+tag]++
			}
			if !m.State.ResolvedAt.IsZero() {
				got["resolved"]++
			}
			if !m.State.RespondedAt.IsZero() {
				got["responded"]++
			}
			if !m.State.SnoozedUntil.IsZero() {
				got["snoozed until"]++
			}
			return true
		}); err != nil {
			t.Fatal(err)
		}
		return got
	}
	stats := func(f Filter, fn func(*domain.Mention) bool) error {
		from, err := s.EachFigures(f, fn)
		if err == nil && !from {
			t.Fatalf("filter %+v not answered from the stats", f)
		}
		return err
	}
	check := func(step string) {
		t.Helper()
		if probs, err := s.Check(); err != nil || len(probs) != 0 {
			t.Fatalf("%s: check: %d problems, the first %v; %v", step, len(probs), probs[:min(len(probs), 3)], err)
		}
		want, got := tally(s.Each), tally(stats)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the stats count\n%v\nthe records\n%v", step, got, want)
		}
		for _, f := range []Filter{{Status: []domain.Status{domain.StatusDone}}, {Tags: []string{"vip"}}, {Assignees: []string{"cem"}}, {Teams: []string{"social"}, Oldest: true}} {
			if got, want := figures(t, stats, f), figures(t, s.Each, f); !slices.Equal(got, want) {
				t.Fatalf("%s: filter %+v: the stats give %d mentions, the records %d", step, f, len(got), len(want))
			}
		}
	}
	check("ingest and statsStore's actions")
	actions := []Action{{Kind: domain.EventStatus, Value: "done"}, {Kind: domain.EventTag, Value: "vip"}, {Kind: domain.EventAssign, Value: "cem"},
		{Kind: domain.EventStatus, Value: "snoozed", Until: t0.Add(3 * 24 * time.Hour)}, {Kind: domain.EventRoute, Value: "social"},
		{Kind: domain.EventPriority, Value: "high"}, {Kind: domain.EventAnswered, Value: "answered"}, {Kind: domain.EventUntag, Value: "later"},
		{Kind: domain.EventStatus, Value: "open"}}
	applied := 0
	for _, a := range actions {
		if _, err := s.Apply("bob", some(), a); err != nil {
			if err == ErrNoChange {
				continue
			}
			t.Fatal(a, err)
		}
		applied++
		check(fmt.Sprintf("after %s %s", a.Kind, a.Value))
	}
	inc, err := s.DeclareIncident("bob", IncidentSpec{Title: "outage", Severity: domain.Sev2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LinkMentions("bob", inc.ID, some()); err != nil {
		t.Fatal(err)
	}
	check("after linking to an incident")
	if n, err := s.WakeSnoozed(t0.Add(4 * 24 * time.Hour)); err != nil || n == 0 {
		t.Fatalf("woke %d, %v", n, err)
	}
	check("after waking the snoozed")
	for i := range applied + 1 { // the link and the actions
		if _, err := s.Undo("bob"); err != nil {
			t.Fatal(i, err)
		}
		check(fmt.Sprint("after undo ", i+1))
	}
	// stats rebuilt at open from records whose state an action wrote apart
	dropStats(t, s)
	s.Close()
	if s, err = Open(path, Options{}); err != nil {
		t.Fatal(err)
	}
	check("after the rebuild at open")
}
