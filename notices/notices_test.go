package notices

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/crisis"
	"switchboard/detect"
	"switchboard/domain"
	"switchboard/sla"
	"switchboard/store"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// team: ana and ben are agents, lea approves for legal.
var approves = map[string][]string{"lea": {"legal"}}

func authorize(actor string, p domain.Permission) error {
	if role, ok := p.ApprovalRole(); ok {
		if slices.Contains(approves[actor], role) {
			return nil
		}
		return fmt.Errorf("%s cannot approve for %s", actor, role)
	}
	return nil
}

type fixture struct {
	t   *testing.T
	st  *store.Store
	d   *Deriver
	now time.Time
	ops []string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, now: t0, ops: []string{"ana", "ben", "lea", "vera"}}
	path := filepath.Join(t.TempDir(), "sb.db")
	st, err := store.Open(path, store.Options{Authorize: authorize, Now: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.st = st
	if _, err := st.Ingest([]domain.Mention{
		{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@cus"}, Text: "where is my order?", CreatedAt: t0},
		{Platform: domain.PlatformX, NativeID: "2", Author: domain.Author{Handle: "@cus2"}, Text: "refund?", CreatedAt: t0},
	}); err != nil {
		t.Fatal(err)
	}
	f.d = f.deriver()
	return f
}

func (f *fixture) deriver() *Deriver {
	f.t.Helper()
	d := New(Options{Store: f.st, SLA: &sla.Policy{}, Operators: func() []string { return f.ops },
		Known: func(n string) bool { return slices.Contains(f.ops, n) }, Now: func() time.Time { return f.now }})
	if err := d.Start(); err != nil {
		f.t.Fatal(err)
	}
	return d
}

// sync derives everything the log has now.
func (f *fixture) sync() {
	f.t.Helper()
	if err := f.d.Apply(store.Update{Resync: true}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) notices(op string) []store.Notice {
	f.t.Helper()
	ns, _, err := f.st.Notices(op, 0)
	if err != nil {
		f.t.Fatal(err)
	}
	return ns
}

func (f *fixture) id(key string) uint64 {
	m, err := f.st.GetByKey(key)
	if err != nil {
		f.t.Fatal(err)
	}
	return m.ID
}

func (f *fixture) apply(actor, key string, kind domain.EventKind, value string) {
	f.t.Helper()
	if _, err := f.st.Apply(actor, []uint64{f.id(key)}, store.Action{Kind: kind, Value: value}); err != nil {
		f.t.Fatal(err)
	}
}

func kinds(ns []store.Notice) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind)
	}
	return out
}

func TestAssignedToYou(t *testing.T) {
	f := newFixture(t)
	f.apply("ana", "x:1", domain.EventAssign, "vera")
	f.apply("ana", "x:2", domain.EventAssign, "ana") // took it herself
	f.sync()
	ns := f.notices("vera")
	if len(ns) != 1 || ns[0].Kind != store.NoticeAssigned || !ns[0].Urgent || ns[0].By != "ana" ||
		ns[0].Link != (store.NoticeLink{Kind: "mention", ID: "x:1"}) || !strings.Contains(ns[0].Text, "where is my order?") {
		t.Fatalf("vera: %+v", ns)
	}
	if ns := f.notices("ana"); len(ns) != 0 {
		t.Fatalf("ana assigned herself and was told: %+v", ns)
	}
	// undo of an unassignment assigns again
	f.apply("ben", "x:1", domain.EventAssign, "")
	if _, err := f.st.Undo("ben"); err != nil {
		t.Fatal(err)
	}
	f.sync()
	if ns := f.notices("vera"); len(ns) != 2 || ns[0].By != "ben" {
		t.Fatalf("vera after undo: %+v", ns)
	}
}

func TestMentionedInANote(t *testing.T) {
	f := newFixture(t)
	f.apply("ana", "x:1", domain.EventNote, "@vera can you call? cc @ana, @Ben. and bob@example.com, @zed")
	f.sync()
	if ns := f.notices("vera"); len(ns) != 1 || ns[0].Kind != store.NoticeMention || ns[0].Link.ID != "x:1" || ns[0].Urgent {
		t.Fatalf("vera: %+v", ns)
	}
	if ns := f.notices("ben"); len(ns) != 1 {
		t.Fatalf("ben (written @Ben.): %+v", ns)
	}
	for _, op := range []string{"ana", "bob", "zed"} {
		if ns := f.notices(op); len(ns) != 0 {
			t.Fatalf("%s: %+v", op, ns)
		}
	}
	if got := Names("@vera, @ana. x@y @-no @b_"); !slices.Equal(got, []string{"vera", "ana", "b"}) {
		t.Fatalf("names %q", got)
	}
}

func TestApprovalRequestedApprovedRejected(t *testing.T) {
	f := newFixture(t)
	d, err := f.st.NewDraft("ben", "x:1", domain.VisibilityPublic, "we will see you in court")
	if err != nil {
		t.Fatal(err)
	}
	if d, err = f.st.RequestApproval("ben", d.ID, d.Version, []string{"legal"}); err != nil {
		t.Fatal(err)
	}
	f.sync()
	ns := f.notices("lea")
	if len(ns) != 1 || ns[0].Kind != store.NoticeApproval || !ns[0].Urgent || ns[0].Link != (store.NoticeLink{Kind: "draft", ID: d.ID}) ||
		!strings.Contains(ns[0].Title, "(legal)") {
		t.Fatalf("lea: %+v", ns)
	}
	for _, op := range []string{"ana", "ben", "vera"} {
		if ns := f.notices(op); len(ns) != 0 {
			t.Fatalf("%s cannot approve and was asked: %+v", op, ns)
		}
	}
	if _, err := f.st.Reject("lea", d.ID, d.Version, "not like this"); err != nil {
		t.Fatal(err)
	}
	f.sync()
	ns = f.notices("ben")
	if len(ns) != 1 || ns[0].Kind != store.NoticeRejected || ns[0].Text != "not like this" || ns[0].By != "lea" {
		t.Fatalf("ben rejected: %+v", ns)
	}
	if d, err = f.st.EditDraft("ben", d.ID, d.Version, domain.VisibilityPublic, "our lawyers will be in touch"); err != nil {
		t.Fatal(err)
	}
	if d, err = f.st.RequestApproval("ben", d.ID, d.Version, []string{"legal"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Approve("lea", d.ID, d.Version, ""); err != nil {
		t.Fatal(err)
	}
	f.sync()
	if ns := f.notices("ben"); len(ns) != 2 || ns[0].Kind != store.NoticeApproved {
		t.Fatalf("ben approved: %+v", ns)
	}
	if ns := f.notices("lea"); len(ns) != 2 {
		t.Fatalf("lea asked twice: %+v", ns)
	}
}

func TestIncidentRoles(t *testing.T) {
	f := newFixture(t)
	inc, err := f.st.DeclareIncident("ana", store.IncidentSpec{Title: "Fake support account", Severity: domain.Sev2,
		Scenario: domain.ScenarioSecurity, Lead: "vera"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SetIncidentRole("vera", inc.ID, "comms", "ben"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SetIncidentRole("vera", inc.ID, "scribe", "vera"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.IncidentNote("ben", inc.ID, "@vera statement is out", false); err != nil {
		t.Fatal(err)
	}
	f.sync()
	ns := f.notices("vera")
	if got := kinds(ns); !slices.Equal(got, []string{store.NoticeMention, store.NoticeRole}) {
		t.Fatalf("vera: %q %+v", got, ns)
	}
	if ns[1].Title != "ana made you lead of "+inc.ID || ns[1].Link != (store.NoticeLink{Kind: "incident", ID: inc.ID}) || ns[1].Text != "SEV2 Fake support account" {
		t.Fatalf("lead notice %+v", ns[1])
	}
	if ns := f.notices("ben"); len(ns) != 1 || ns[0].Title != "vera made you comms of "+inc.ID {
		t.Fatalf("ben: %+v", ns)
	}
}

func TestBreachWarning(t *testing.T) {
	f := newFixture(t)
	f.apply("ana", "x:1", domain.EventAssign, "vera") // normal: due at t0+4h
	f.apply("ana", "x:2", domain.EventAssign, "ben")
	f.sync()
	if f.d.Watched() != 2 {
		t.Fatalf("watching %d", f.d.Watched())
	}
	f.apply("ben", "x:2", domain.EventStatus, "done") // closed: no clock
	f.sync()
	if f.d.Watched() != 1 {
		t.Fatalf("watching %d after a close", f.d.Watched())
	}
	breaches := func(op string) []store.Notice {
		var out []store.Notice
		for _, n := range f.notices(op) {
			if n.Kind == store.NoticeBreach {
				out = append(out, n)
			}
		}
		return out
	}
	warnAt := t0.Add(4*time.Hour - 10*time.Minute)
	f.now = warnAt.Add(-time.Second)
	if err := f.d.Tick(f.now); err != nil {
		t.Fatal(err)
	}
	if n := breaches("vera"); len(n) != 0 {
		t.Fatalf("early: %+v", n)
	}
	f.now = warnAt.Add(time.Second)
	if err := f.d.Tick(f.now); err != nil {
		t.Fatal(err)
	}
	got := breaches("vera")
	if len(got) != 1 || !got[0].Urgent || got[0].Link.ID != "x:1" || !strings.Contains(got[0].Title, "breaches its response target in 10m") {
		t.Fatalf("warning: %+v", got)
	}
	if len(breaches("ben")) != 0 {
		t.Fatal("ben's closed mention warned")
	}
	// once: ticks, events on the mention and a restart do not repeat it
	f.now = f.now.Add(time.Minute)
	f.apply("vera", "x:1", domain.EventTag, "vip")
	f.sync()
	_ = f.d.Tick(f.now)
	f.d = f.deriver()
	_ = f.d.Tick(f.now)
	if n := breaches("vera"); len(n) != 1 {
		t.Fatalf("warned %d times", len(n))
	}
	// a new due time (urgent now: due at t0+15m, past) is not warned
	// about once past; a mention reassigned close to its target is
	f.apply("vera", "x:1", domain.EventPriority, "urgent")
	f.apply("ana", "x:2", domain.EventStatus, "open")
	f.apply("ana", "x:2", domain.EventAssign, "lea")
	f.sync()
	_ = f.d.Tick(f.now)
	if n := breaches("vera"); len(n) != 1 {
		t.Fatalf("a past due time warned: %+v", n)
	}
	if n := breaches("lea"); len(n) != 1 || n[0].Link.ID != "x:2" {
		t.Fatalf("lea: %+v", n)
	}
}

func TestBreachWarningFromTheRunningLoop(t *testing.T) {
	f := newFixture(t)
	f.now = t0.Add(4*time.Hour - 10*time.Minute - 2*time.Second) // x:1's warning is 2 s away
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock := make(chan time.Time, 1)
	d := New(Options{Store: f.st, SLA: &sla.Policy{}, Now: func() time.Time {
		select {
		case t := <-clock:
			f.now = t
		default:
		}
		return f.now
	}, Tick: 50 * time.Millisecond})
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	time.Sleep(100 * time.Millisecond)
	f.apply("ana", "x:1", domain.EventAssign, "vera")
	wait := func(what string, cond func([]store.Notice) bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !cond(f.notices("vera")) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s: %+v", what, f.notices("vera"))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	wait("assignment", func(ns []store.Notice) bool { return len(ns) == 1 })
	clock <- t0.Add(4*time.Hour - 10*time.Minute)
	wait("breach warning", func(ns []store.Notice) bool { return len(ns) == 2 && ns[0].Kind == store.NoticeBreach })
	cancel()
	<-done
}

func TestRestartNeitherLosesNorRepeats(t *testing.T) {
	f := newFixture(t)
	f.apply("ana", "x:1", domain.EventAssign, "vera")
	f.sync()
	f.apply("ana", "x:2", domain.EventAssign, "vera") // logged while no deriver runs
	f.d = f.deriver()                                 // starts where the last one stopped
	f.sync()
	if ns := f.notices("vera"); len(ns) != 2 {
		t.Fatalf("vera: %+v", ns)
	}
	if pos, _ := f.st.NoticesLog(); pos != f.d.Position() {
		t.Fatalf("stored position %d, derived to %d", pos, f.d.Position())
	}
}

func TestFirstStartSkipsHistory(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, _ := st.Ingest([]domain.Mention{{Platform: domain.PlatformX, NativeID: "1", Author: domain.Author{Handle: "@c"}, Text: "hi?", CreatedAt: time.Now()}})
	if _, err := st.Apply("ana", res.IDs, store.Action{Kind: domain.EventAssign, Value: "vera"}); err != nil {
		t.Fatal(err)
	}
	d := New(Options{Store: st})
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	if ns, _, _ := st.Notices("vera", 0); len(ns) != 0 {
		t.Fatalf("history made notices: %+v", ns)
	}
	if d.Watched() != 1 {
		t.Fatal("the assigned mention's clock is not watched")
	}
}

func TestCrisisAlertForEveryone(t *testing.T) {
	f := newFixture(t)
	w := crisis.NewWatcher(f.st, detect.Config{BrandName: "Acme", Handles: []string{"@acme"}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	f.d.o.Watcher = w
	f.d.alertsDirty = true
	imp := domain.Mention{Platform: domain.PlatformX, NativeID: "imp", Author: domain.Author{Handle: "@acme_support"},
		Text: "DM us your password", CreatedAt: t0.Add(time.Minute)}
	if _, err := f.st.Ingest([]domain.Mention{imp}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ch := w.Changed()
		if as, _ := w.Alerts(); len(as) == 1 {
			break
		}
		select {
		case <-ch:
		case <-time.After(time.Until(deadline)):
			t.Fatal("no alert")
		}
	}
	for range 2 { // a second look adds it again to nobody
		f.d.alertsDirty = true
		if err := f.d.Tick(f.now); err != nil {
			t.Fatal(err)
		}
	}
	for _, op := range []string{"ana", "vera"} {
		ns := f.notices(op)
		if len(ns) != 1 || ns[0].Kind != store.NoticeAlert || ns[0].For != store.NoticeEveryone || !ns[0].Urgent || ns[0].Link.Kind != "alert" {
			t.Fatalf("%s: %+v", op, ns)
		}
	}
	// read by one, unread for the other
	ns := f.notices("ana")
	_ = f.st.MarkNoticeRead("ana", ns[0].Seq)
	if n, _, _ := f.st.UnreadNotices("ana"); n != 0 {
		t.Fatalf("ana unread %d", n)
	}
	if n, _, _ := f.st.UnreadNotices("vera"); n != 1 {
		t.Fatalf("vera unread %d", n)
	}
}

func TestSequenceNeverCarriesControls(t *testing.T) {
	n := store.Notice{Title: "ana assigned you x:1\x1b]0;pwned\a\x07;\u009b31m\nnext line", Text: "\x1b[2J"}
	for _, m := range []string{ModeOSC9, ModeOSC777} {
		s := Sequence(m, n)
		body := s[2 : len(s)-1] // between ESC ] and the closing BEL
		for _, r := range body {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("%s: control %U in %q", m, r, s)
			}
		}
		if !strings.HasSuffix(s, "\a") || strings.Count(s, "\a") != 1 || strings.Count(s, "\x1b") != 1 {
			t.Fatalf("%s: %q", m, s)
		}
	}
	if got := Sequence(ModeOSC777, n); strings.Count(got, ";") != 3 {
		t.Fatalf("osc777 fields: %q", got)
	}
	if got := Sequence(ModeOSC9, store.Notice{Title: strings.Repeat("é", 500)}); len([]rune(got)) > 140 {
		t.Fatalf("not kept short: %d runes", len([]rune(got)))
	}
	if Sequence(ModeBell, n) != "\a" || Sequence(ModeOff, n) != "" {
		t.Fatal("bell/off")
	}
	if Next(ModeOff) != ModeBell || Next(ModeOSC777) != ModeOff {
		t.Fatal("toggle order")
	}
}
