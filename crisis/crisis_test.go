package crisis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"switchboard/internal/golden"
	"testing"
	"time"

	"switchboard/detect"
	"switchboard/domain"
	"switchboard/policy"
	"switchboard/store"
)

var t0 = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

func openStore(t testing.TB, now *time.Time) *store.Store {
	t.Helper()
	opts := store.Options{}
	if now != nil {
		opts.Now = func() time.Time { return *now }
	}
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// spikeStore fills s with two days of steady traffic (about 30 mentions an
// hour) and, from t0+47h, a spike of 300 mentions in 30 minutes that
// mention insulin. It returns the ids of the spike's mentions.
func spikeStore(t testing.TB, s *store.Store) []uint64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 8))
	var items []domain.Mention
	seq := 0
	add := func(at time.Time, text string, sent float64) {
		seq++
		items = append(items, domain.Mention{Platform: domain.Platforms[seq%4], NativeID: fmt.Sprint(seq),
			Author: domain.Author{Handle: fmt.Sprintf("@user%d", rng.IntN(3000))}, Text: text, CreatedAt: at, Sentiment: sent})
	}
	for m := 0; m < 47*60; m++ {
		if rng.IntN(2) == 0 {
			add(t0.Add(time.Duration(m)*time.Minute), "@acme when does the pharmacy open", 0.2)
		}
	}
	if _, err := s.Ingest(items); err != nil {
		t.Fatal(err)
	}
	steady := len(items)
	items = items[:0]
	for i := range 300 {
		add(t0.Add(47*time.Hour+time.Duration(i*6)*time.Second), "is @acme insulin really free now? scam or real", -0.4)
	}
	res, err := s.Ingest(items)
	if err != nil {
		t.Fatal(err)
	}
	if steady < 1000 {
		t.Fatalf("only %d steady mentions", steady)
	}
	return res.IDs
}

func TestDeclareFromAlertEndToEnd(t *testing.T) {
	now := t0.Add(48 * time.Hour)
	s := openStore(t, &now)
	spike := spikeStore(t, s)
	w := NewWatcher(s, detect.Config{BrandName: "Acme", Handles: []string{"@acme"}, Keywords: []string{"insulin"}})
	n, err := w.Replay(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if ready, seen, _ := w.Status(); !ready || seen != n {
		t.Fatalf("status %v %d/%d", ready, seen, n)
	}
	alerts, err := w.Alerts()
	if err != nil {
		t.Fatal(err)
	}
	var kw *detect.Alert
	for i, a := range alerts {
		if a.Stream == detect.KeywordStream("insulin") && a.Kind == detect.KindVolume {
			kw = &alerts[i]
		}
		if a.RaisedAt.Before(t0.Add(47 * time.Hour)) {
			t.Errorf("alert on steady traffic: %+v", a)
		}
	}
	if kw == nil {
		t.Fatalf("no insulin volume alert among %d", len(alerts))
	}
	// found within the first window: raised before the spike's 30 minutes end
	if kw.RaisedAt.After(t0.Add(47*time.Hour + 30*time.Minute)) {
		t.Fatalf("raised late: %v", kw.RaisedAt)
	}
	inc, err := DeclareFromAlert(s, nil, "ana", *kw, store.IncidentSpec{})
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := policy.Default().Playbook("reputation")
	if inc.AlertID != kw.ID || inc.Scenario != domain.ScenarioReputation || !strings.HasPrefix(inc.Title, "Volume spike on keyword:insulin") ||
		len(inc.Checklist) != len(pb.Checklist) || inc.Checklist[0].Text != pb.Checklist[0] {
		t.Fatalf("incident %+v", inc)
	}
	if inc.Severity != domain.Sev1 && inc.Severity != domain.Sev2 {
		t.Fatalf("a %d/%0.1f spike got %s", kw.Observed, kw.Expected, inc.Severity)
	}
	if len(inc.Mentions) == 0 || len(inc.Mentions) != len(kw.Samples) {
		t.Fatalf("linked %d of %d samples", len(inc.Mentions), len(kw.Samples))
	}
	m, _ := s.GetByKey(inc.Mentions[0])
	if m.State.IncidentID != inc.ID || !slices.Contains(spike, m.ID) {
		t.Fatalf("sample %+v not a linked spike mention", m)
	}
	// dismissing hides an alert; the store keeps it
	if err := s.DismissAlert("ana", kw.ID, "declared"); err != nil {
		t.Fatal(err)
	}
	after, _ := w.Alerts()
	if len(after) != len(alerts)-1 {
		t.Fatalf("dismissed alert still listed: %d → %d", len(alerts), len(after))
	}
}

func TestWatcherFollowsTheFeedExactlyOnce(t *testing.T) {
	s := openStore(t, nil)
	var items []domain.Mention
	for i := range 50 {
		items = append(items, domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprint(i), Author: domain.Author{Handle: "@a"},
			Text: "hello", CreatedAt: t0.Add(time.Duration(i) * time.Minute)})
	}
	if _, err := s.Ingest(items[:30]); err != nil {
		t.Fatal(err)
	}
	w := NewWatcher(s, detect.Config{BrandName: "Acme", Handles: []string{"@acme"}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	wait := func(want int) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			ch := w.Changed()
			if _, seen, _ := w.Status(); seen == want {
				return
			}
			select {
			case <-ch:
			case <-deadline:
				_, seen, err := w.Status()
				t.Fatalf("observed %d, want %d (%v)", seen, want, err)
			}
		}
	}
	wait(30)
	if _, err := s.Ingest(items[25:]); err != nil { // 5 duplicates, 20 new
		t.Fatal(err)
	}
	wait(50)
	// an impersonator arriving live raises an alert
	imp := domain.Mention{Platform: domain.PlatformX, NativeID: "imp", Author: domain.Author{Handle: "@acme_support"},
		Text: "DM us your password", CreatedAt: t0.Add(51 * time.Minute)}
	if _, err := s.Ingest([]domain.Mention{imp}); err != nil {
		t.Fatal(err)
	}
	wait(51)
	as, _ := w.Alerts()
	if len(as) != 1 || as[0].Kind != detect.KindImpersonation || as[0].Samples[0] != "x:imp" {
		t.Fatalf("alerts %+v", as)
	}
	if a, ok := w.Alert(as[0].ID); !ok || a.ID != as[0].ID {
		t.Fatal("Alert by id")
	}
	sp := Suggest(as[0])
	if sp.Scenario != domain.ScenarioSecurity || sp.Severity != domain.Sev2 || sp.Title != "Impersonation by @acme_support" {
		t.Fatalf("suggestion %+v", sp)
	}
	// the watcher flagged the suspect; declaring names the incident on it
	if f, ok, _ := s.ImpostorOf(domain.PlatformX, "@acme_support"); !ok || f.By != store.ActorDetector {
		t.Fatalf("suspect not flagged: %+v", f)
	}
	inc, err := DeclareFromAlert(s, nil, "ana", as[0], store.IncidentSpec{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.NewDraft("ana", "x:imp", domain.VisibilityPrivate, "Hello")
	if err == nil || err.Error() != "refused: @acme_support is flagged as impersonating the brand (incident "+inc.ID+")" {
		t.Fatalf("draft to the impostor: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestTimelineAndReminders(t *testing.T) {
	now := t0.Add(10 * time.Hour)
	s := openStore(t, &now)
	res, _ := s.Ingest([]domain.Mention{
		{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@a"}, Text: "free insulin?", CreatedAt: t0.Add(9 * time.Hour)},
		{Platform: domain.PlatformX, NativeID: "2", Author: domain.Author{Handle: "@b"}, Text: "scam", CreatedAt: t0.Add(9 * time.Hour)},
	})
	inc, err := Declare(s, nil, "ana", store.IncidentSpec{Title: "Fake account", Scenario: domain.ScenarioSecurity, Severity: domain.Sev1, Mentions: res.IDs[:1]})
	if err != nil {
		t.Fatal(err)
	}
	tl, _ := Timeline(s, inc, TimelineOptions{})
	if got := Reminder(inc, tl, now.Add(20*time.Minute)); got != "update due in 10m" {
		t.Fatalf("reminder %q", got)
	}
	if got := Reminder(inc, tl, now.Add(95*time.Minute)); got != "update overdue by 1h05m" {
		t.Fatalf("reminder %q", got)
	}
	now = now.Add(25 * time.Minute)
	s.IncidentNote("ana", inc.ID, "Holding statement posted", true)
	now = now.Add(5 * time.Minute)
	s.TickChecklist("ana", inc.ID, 0, true)
	s.LinkMentions("bo", inc.ID, res.IDs[1:])
	if _, err := s.Undo("bo"); err != nil {
		t.Fatal(err)
	}
	inc, _ = s.Incident(inc.ID)
	tl, err = Timeline(s, inc, TimelineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tl {
		lines = append(lines, string(e.Kind)+" "+e.Line(nil))
	}
	want := []string{
		"declared 10:00 ana declared: Fake account",
		"field 10:00 ana scenario set to security",
		"field 10:00 ana severity set to SEV1",
		"status 10:00 ana status set to triage",
		"mention 10:00 ana linked x:1",
		"update 10:25 ana update: Holding statement posted",
		"checklist 10:30 ana ✓ 1 Pause all sending (P in the Outbox pane) until the accounts are safe",
		"mention 10:30 bo linked x:2",
		"undo 10:30 bo undid escalation of x:2 (INC-1 → none)",
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("timeline\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if due, _ := NextUpdate(inc, tl); !due.Equal(t0.Add(10*time.Hour + 55*time.Minute)) {
		t.Fatalf("next update %v", due)
	}
	s.UpdateIncident("ana", inc.ID, store.FieldStatus, "closed")
	inc, _ = s.Incident(inc.ID)
	if Reminder(inc, tl, now) != "" {
		t.Fatal("closed incidents need no update")
	}
	for sev, want := range map[domain.Severity]time.Duration{1: 30 * time.Minute, 2: time.Hour, 3: 4 * time.Hour, 4: 24 * time.Hour} {
		if UpdateEvery(sev) != want {
			t.Errorf("UpdateEvery(%s)", sev)
		}
	}
}

func TestPostMortemGolden(t *testing.T) {
	now := t0.Add(9 * time.Hour)
	s := openStore(t, &now)
	var items []domain.Mention
	for i := range 40 {
		text := "@acme pharmacy hours?"
		if i >= 25 {
			text = "@acme is insulin *free*? <script>| \x1b[31mred"
		}
		items = append(items, domain.Mention{Platform: domain.PlatformX, NativeID: fmt.Sprint(i), URL: fmt.Sprintf("https://x.example/%d", i),
			Author: domain.Author{Handle: fmt.Sprintf("@user%d", i%7)}, Text: text, CreatedAt: t0.Add(8*time.Hour + time.Duration(i*3)*time.Minute)})
	}
	res, err := s.Ingest(items)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := Declare(s, nil, "ana", store.IncidentSpec{Title: "Fake *verified* account: free insulin", Scenario: domain.ScenarioSecurity,
		Severity: domain.Sev1, Lead: "ana", Mentions: res.IDs[25:], Summary: "A fake verified account announced free insulin.\n# not a heading"})
	if err != nil {
		t.Fatal(err)
	}
	step := func(d time.Duration, f func()) { now = now.Add(d); f() }
	step(5*time.Minute, func() { s.UpdateIncident("ana", inc.ID, store.FieldStatus, "live") })
	step(time.Minute, func() { s.SetIncidentRole("ana", inc.ID, "comms", "bo") })
	step(time.Minute, func() { s.SetIncidentRole("ana", inc.ID, "legal", "lee") })
	step(9*time.Minute, func() { s.TickChecklist("bo", inc.ID, 1, true) })
	step(10*time.Minute, func() { s.IncidentNote("bo", inc.ID, "Holding statement posted on every platform", true) })
	step(20*time.Minute, func() { s.SetIncidentRole("ana", inc.ID, "comms", "cy") })
	step(30*time.Minute, func() {
		s.UpdateIncident("ana", inc.ID, store.FieldImpact, "About 1,200 mentions; no sales impact known.")
	})
	step(time.Hour, func() { s.UpdateIncident("ana", inc.ID, store.FieldStatus, "closed") })
	r, err := PostMortem(context.Background(), s, inc.ID, ReportOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	got := r.Markdown()
	golden.Check(t, "postmortem", got)
	if strings.Contains(got, "\x1b") || strings.Contains(got, "<script>") {
		t.Fatal("untrusted text reached the export unescaped")
	}
	if r.Volume.Linked[0] != 0 || sum(r.Volume.Linked) != 15 || sum(r.Volume.All) != 40 {
		t.Fatalf("volume %+v", r.Volume)
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func TestSparklineAndAge(t *testing.T) {
	if got := Sparkline([]int{0, 1, 4, 8}); got != " ▁▄█" {
		t.Fatalf("sparkline %q", got)
	}
	if got := Sparkline([]int{0, 0}); got != "  " {
		t.Fatalf("empty sparkline %q", got)
	}
	for d, want := range map[time.Duration]string{30 * time.Second: "30s", 12 * time.Minute: "12m", 65 * time.Minute: "1h05m", 50 * time.Hour: "2d02h"} {
		if Age(d) != want {
			t.Errorf("Age(%v) = %q", d, Age(d))
		}
	}
	if Holding(nil, domain.ScenarioReputation, domain.Sev1) == "" || len(Checklist(nil, "")) == 0 {
		t.Fatal("default pack has reputation holding statements and an other playbook")
	}
}

func TestTimelineHasRepliesSentAndPauses(t *testing.T) {
	now := t0.Add(10 * time.Hour)
	s := openStore(t, &now)
	res, _ := s.Ingest([]domain.Mention{
		{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@a"}, Text: "free insulin?", CreatedAt: t0},
		{Platform: domain.PlatformX, NativeID: "2", Author: domain.Author{Handle: "@b"}, Text: "unrelated", CreatedAt: t0},
	})
	inc, err := Declare(s, nil, "ana", store.IncidentSpec{Title: "Fake account", Severity: domain.Sev1, Mentions: res.IDs[:1]})
	if err != nil {
		t.Fatal(err)
	}
	send := func(key string) {
		d, err := s.NewDraft("ana", key, domain.VisibilityPrivate, "We never ask for passwords.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.QueueDraft("ana", d.ID, d.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BeginSend(d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FinishSend(d.ID, store.SendOutcome{State: domain.DraftSent, RemoteID: "r1"}); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(time.Minute)
	if _, err := s.SetSendingPaused("ana", true, "suspected compromise"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	if _, err := s.SetSendingPaused("ana", false, ""); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	send("x:1")
	send("x:2") // not linked: not on this timeline
	tl, err := Timeline(s, inc, TimelineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range tl {
		if e.Kind == EntryPause || e.Kind == EntryReply {
			got = append(got, string(e.Kind)+": "+e.Text)
		}
	}
	if len(got) != 3 || got[0] != "pause: sending paused: suspected compromise" || got[1] != "pause: sending resumed" ||
		!strings.HasPrefix(got[2], "reply: reply sent to x:1 (") || !strings.HasSuffix(got[2], ", private)") {
		t.Fatalf("timeline entries %q", got)
	}
	r, err := PostMortem(context.Background(), s, inc.ID, ReportOptions{Now: now})
	if err != nil || len(r.Replies) != 1 || !strings.Contains(r.Markdown(), "| Replies sent | 1 |") {
		t.Fatalf("post-mortem replies %+v %v", r.Replies, err)
	}
}

func TestTimelineShowsOldAndNewTextAndScenarioChange(t *testing.T) {
	now := t0.Add(10 * time.Hour)
	s := openStore(t, &now)
	inc, err := Declare(s, nil, "ana", store.IncidentSpec{Title: "Odd replies", Scenario: domain.ScenarioReputation, Severity: domain.Sev2})
	if err != nil {
		t.Fatal(err)
	}
	before := len(inc.Checklist)
	edits := [][2]string{
		{store.FieldSummary, "Replies look odd"},
		{store.FieldSummary, "Our account was taken over"},
		{store.FieldImpact, "About 40 people answered the fake replies"},
		{store.FieldImpact, ""},
		{store.FieldTitle, "Account takeover"},
	}
	for _, e := range edits {
		if _, err := s.UpdateIncident("bo", inc.ID, e[0], e[1]); err != nil {
			t.Fatal(err)
		}
	}
	s.TickChecklist("bo", inc.ID, 0, true)
	inc, added, err := ChangeScenario(s, nil, "bo", inc.ID, domain.ScenarioSecurity)
	if err != nil {
		t.Fatal(err)
	}
	sec := Checklist(nil, domain.ScenarioSecurity)
	if inc.Scenario != domain.ScenarioSecurity || added != len(sec) || len(inc.Checklist) != before+len(sec) || !inc.Checklist[0].Done {
		t.Fatalf("scenario change: %s, added %d, checklist %+v", inc.Scenario, added, inc.Checklist)
	}
	// changing back adds nothing: the reputation items are still there
	if _, added, err = ChangeScenario(s, nil, "bo", inc.ID, domain.ScenarioReputation); err != nil || added != 0 {
		t.Fatalf("back to reputation: added %d, %v", added, err)
	}
	if _, _, err = ChangeScenario(s, nil, "bo", inc.ID, "gossip"); err == nil {
		t.Fatal("unknown scenario accepted")
	}
	tl, err := Timeline(s, inc, TimelineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range tl {
		if e.Actor == "bo" && e.Kind == EntryField {
			lines = append(lines, e.Text)
		}
	}
	want := []string{
		"summary set: Replies look odd",
		"summary changed: “Replies look odd” → “Our account was taken over”",
		"impact set: About 40 people answered the fake replies",
		"impact cleared (was “About 40 people answered the fake replies”)",
		"title Odd replies → Account takeover",
		"scenario reputation → security",
		"scenario security → reputation",
	}
	if !slices.Equal(lines, want) {
		t.Fatalf("timeline\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestOfferHoldingDraftsForEveryAuthorButTheImpostor(t *testing.T) {
	s := openStore(t, nil)
	at := t0.Add(time.Hour)
	ms := []domain.Mention{
		{Platform: domain.PlatformX, NativeID: "imp", Author: domain.Author{Handle: "@acme_support"}, Text: "free insulin, DM us", CreatedAt: at},
		{Platform: domain.PlatformX, NativeID: "k1", Author: domain.Author{Handle: "@kim"}, Text: "is this real?", CreatedAt: at},
		{Platform: domain.PlatformX, NativeID: "k2", Author: domain.Author{Handle: "@Kim"}, Text: "hello??", CreatedAt: at.Add(time.Minute)},
		{Platform: domain.PlatformMastodon, NativeID: "b1", Author: domain.Author{Handle: "@bo@social.example"}, Text: "scam?", CreatedAt: at},
		{Platform: domain.PlatformNews, NativeID: "n1", Author: domain.Author{Handle: "Daily News"}, Text: "Fake account", CreatedAt: at},
	}
	res, err := s.Ingest(ms)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FlagImpostor("ana", store.Impostor{Platform: domain.PlatformX, Handle: "@acme_support"}); err != nil {
		t.Fatal(err)
	}
	inc, err := Declare(s, nil, "ana", store.IncidentSpec{Title: "Impostor", Scenario: domain.ScenarioSecurity, Severity: domain.Sev2, Mentions: res.IDs})
	if err != nil {
		t.Fatal(err)
	}
	made, skipped, err := OfferHolding(s, "ana", inc, "We are aware of an account imitating us.")
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for _, d := range made {
		if d.Visibility != domain.VisibilityPublic || d.State != domain.DraftEditing {
			t.Errorf("draft %+v", d)
		}
		to = append(to, d.MentionKey)
	}
	slices.Sort(to)
	if !slices.Equal(to, []string{"mastodon:b1", "x:k2"}) || !slices.Equal(skipped, []string{"@acme_support"}) {
		t.Fatalf("drafts to %v, skipped %v", to, skipped)
	}
	if ds, _ := s.DraftsFor("x:imp"); len(ds) != 0 {
		t.Fatalf("the impostor got a draft: %+v", ds)
	}
}

// TestStepNameReads: the post-mortem's chart step reads as words ("Per
// hour", "Per 10 minutes"), never "1 hour(s)" or "1 minutes".
func TestStepNameReads(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Minute: "minute", 10 * time.Minute: "10 minutes", time.Hour: "hour",
		3 * time.Hour: "3 hours", 24 * time.Hour: "day", 48 * time.Hour: "2 days",
	} {
		if got := stepName(d); got != want {
			t.Errorf("stepName(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestPostMortemEvidenceShowsURLs: every evidence item names its mention's
// URL, so a text cut to keep the list short can be read in full; a URL an
// autolink cannot hold is escaped text, and a mention without one says so.
func TestPostMortemEvidenceShowsURLs(t *testing.T) {
	now := t0.Add(9 * time.Hour)
	s := openStore(t, &now)
	long := strings.Repeat("the checkout page loops back to the cart and nobody at support answers ", 4)
	items := []domain.Mention{
		{Platform: domain.PlatformX, NativeID: "1", URL: "https://x.example/acme_fan/status/1", Author: domain.Author{Handle: "@fan"}, Text: long, CreatedAt: t0.Add(8 * time.Hour)},
		{Platform: domain.PlatformMastodon, NativeID: "2", URL: "https://social.example/@kim/2?a=<b>", Author: domain.Author{Handle: "@kim"}, Text: "short", CreatedAt: t0.Add(8*time.Hour + time.Minute)},
		{Platform: domain.PlatformNews, NativeID: "3", Author: domain.Author{Handle: "paper"}, Text: "no link", CreatedAt: t0.Add(8*time.Hour + 2*time.Minute)},
	}
	res, err := s.Ingest(items)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := Declare(s, nil, "ana", store.IncidentSpec{Title: "Checkout loop", Scenario: domain.ScenarioReputation, Severity: domain.Sev2, Lead: "ana", Mentions: res.IDs})
	if err != nil {
		t.Fatal(err)
	}
	r, err := PostMortem(context.Background(), s, inc.ID, ReportOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	md := r.Markdown()
	_, ev, _ := strings.Cut(md, "## Evidence\n\n")
	ev, _, _ = strings.Cut(ev, "\n\n")
	lines := strings.Split(ev, "\n")
	if len(lines) != 3 {
		t.Fatalf("evidence:\n%s", ev)
	}
	for i, want := range []string{"· <https://x.example/acme_fan/status/1>", `· https://social.example/@kim/2?a=\<b\>`, "· no URL"} {
		if !strings.HasSuffix(lines[i], want) {
			t.Errorf("evidence line %d %q: want it to end %q", i, lines[i], want)
		}
	}
	if !strings.Contains(lines[0], "…") {
		t.Errorf("the long text should be cut (its URL has the rest): %q", lines[0])
	}
}
