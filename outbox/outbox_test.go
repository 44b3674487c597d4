package outbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/connectors/demo"
	"switchboard/domain"
	"switchboard/store"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time            { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration)       { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock                     { return &clock{t: t0} }
func half() float64                        { return 0.5 }
func fixedJitter(v float64) func() float64 { return func() float64 { return v } }

// fakeConn records sends and answers them from a script (nil: success).
type fakeConn struct {
	name     string
	platform domain.Platform
	mu       sync.Mutex
	sent     []connectors.Message
	script   []error
	health   connectors.Health
}

func (f *fakeConn) Name() string              { return f.name }
func (f *fakeConn) Platform() domain.Platform { return f.platform }
func (f *fakeConn) Fetch(context.Context, string) (connectors.Page, error) {
	return connectors.Page{}, nil
}
func (f *fakeConn) Health() connectors.Health { f.mu.Lock(); defer f.mu.Unlock(); return f.health }
func (f *fakeConn) Send(_ context.Context, msg connectors.Message) (connectors.SendResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.sent)
	f.sent = append(f.sent, msg)
	if n < len(f.script) && f.script[n] != nil {
		return connectors.SendResult{}, f.script[n]
	}
	return connectors.SendResult{RemoteID: fmt.Sprintf("r%d", n+1)}, nil
}
func (f *fakeConn) calls() []connectors.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]connectors.Message(nil), f.sent...)
}

// reconConn can also look a message up.
type reconConn struct {
	*fakeConn
	found bool
	err   error
	asked int
}

func (r *reconConn) Lookup(_ context.Context, msg connectors.Message) (connectors.SendResult, bool, error) {
	r.asked++
	if msg.IdempotencyKey == "" {
		return connectors.SendResult{}, false, errors.New("no key")
	}
	return connectors.SendResult{RemoteID: "found-1"}, r.found, r.err
}

type fixture struct {
	st *store.Store
	m  domain.Mention
	ck *clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := domain.Mention{Platform: domain.PlatformMastodon, NativeID: "109", Connector: "fake", Author: domain.Author{Handle: "@kim@social.example"},
		Text: "my order never arrived", CreatedAt: t0, Lang: "en"}
	if _, err := st.Ingest([]domain.Mention{m}); err != nil {
		t.Fatal(err)
	}
	m, _ = st.GetByKey(m.Key())
	return &fixture{st: st, m: m, ck: newClock()}
}

// queue stores a queued draft with text.
func (f *fixture) queue(t *testing.T, vis domain.Visibility, text string) domain.Draft {
	t.Helper()
	d, err := f.st.NewDraft("ana", f.m.Key(), vis, text)
	if err != nil {
		t.Fatal(err)
	}
	if d, err = f.st.QueueDraft("ana", d.ID, 0); err != nil {
		t.Fatal(err)
	}
	return d
}

func (f *fixture) sender(conns ...connectors.Connector) *Sender {
	return New(f.st, conns, Options{Now: f.ck.Now, Jitter: half, MinBackoff: 2 * time.Second, MaxBackoff: time.Minute, MaxAttempts: 3})
}

func (f *fixture) draft(t *testing.T, id string) domain.Draft {
	t.Helper()
	d, err := f.st.Draft(id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSendsQueuedDraftOnceWithItsKey(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
	d := f.queue(t, domain.VisibilityPrivate, "Sorry to hear that, could you DM us your order number?")
	x := f.sender(c)
	if _, err := x.Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	calls := c.calls()
	if len(calls) != 1 {
		t.Fatalf("%d sends, want 1", len(calls))
	}
	got := f.draft(t, d.ID)
	if got.State != domain.DraftSent || got.RemoteID != "r1" || got.Attempts != 1 {
		t.Fatalf("draft: %+v", got)
	}
	msg := calls[0]
	if msg.IdempotencyKey == "" || msg.IdempotencyKey != got.IdempotencyKey || msg.Visibility != domain.VisibilityPrivate ||
		msg.InReplyTo.Key() != f.m.Key() || msg.Text != d.Text {
		t.Fatalf("message: %+v", msg)
	}
}

func TestPolicyBlockedDraftNeverLeaves(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
	d := f.queue(t, domain.VisibilityPrivate, "Please send us your password so we can check.")
	if _, err := f.sender(c).Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := f.draft(t, d.ID)
	if len(c.calls()) != 0 || got.State != domain.DraftFailed || !strings.Contains(got.LastError, "never-ask-credentials") {
		t.Fatalf("blocked draft: %d sends, %+v", len(c.calls()), got)
	}
}

// TestOverrideIsAuditedAndNeverSent: an inline policy:allow is honoured,
// recorded in the audit log under the draft's author, and stripped from
// what the platform receives.
func TestOverrideIsAuditedAndNeverSent(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
	d := f.queue(t, domain.VisibilityPublic, "Launch day! #a1 #b2 #c3 #d4\npolicy:allow hashtag-soup \"campaign launch\"")
	if _, err := f.sender(c).Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	calls := c.calls()
	if len(calls) != 1 || strings.Contains(calls[0].Text, "policy:allow") || !strings.Contains(calls[0].Text, "#d4") {
		t.Fatalf("sent %+v", calls)
	}
	evs, _ := f.st.Events(d.ID)
	found := false
	for _, ev := range evs {
		if ev.Kind == domain.EventPolicy && ev.Actor == "ana" && ev.Before == "hashtag-soup" && ev.After == "campaign launch" {
			found = true
		}
	}
	if !found {
		t.Fatalf("override not in the audit log: %+v", evs)
	}
}

func TestBrokenPackSendsNothing(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
	d := f.queue(t, domain.VisibilityPrivate, "Sorry to hear that, could you DM us your order number?")
	x := New(f.st, []connectors.Connector{c}, Options{Now: f.ck.Now, Jitter: half, PackErr: errors.New("policy.yaml: line 3: unknown kind \"denny\"")})
	if _, err := x.Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := f.draft(t, d.ID)
	if len(c.calls()) != 0 || got.State != domain.DraftQueued || !strings.Contains(got.LastError, "policy pack does not load") {
		t.Fatalf("with a broken pack: %d sends, %+v", len(c.calls()), got)
	}
}

func TestApprovalFindingNeedsTheApproval(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
	x := f.sender(c)
	// queued without asking: the outbox refuses it
	d := f.queue(t, domain.VisibilityPrivate, "This was our fault and we are sorry.")
	x.Step(t.Context())
	if got := f.draft(t, d.ID); got.State != domain.DraftFailed || !strings.Contains(got.LastError, "needs approval by legal") {
		t.Fatalf("unapproved: %+v", got)
	}
	// the approval round trip lets it go
	d2, _ := f.st.NewDraft("ana", f.m.Key(), domain.VisibilityPrivate, "This was our fault and we are sorry.")
	d2, _ = f.st.RequestApproval("ana", d2.ID, d2.Version, []string{"legal"})
	d2, _ = f.st.Approve("lou", d2.ID, d2.Version, "ok")
	if _, err := f.st.QueueDraft("ana", d2.ID, d2.Version); err != nil {
		t.Fatal(err)
	}
	x.Step(t.Context())
	if got := f.draft(t, d2.ID); got.State != domain.DraftSent || len(c.calls()) != 1 {
		t.Fatalf("approved: %+v, %d sends", got, len(c.calls()))
	}
}

func TestRateLimitWaitsForReset(t *testing.T) {
	f := newFixture(t)
	reset := t0.Add(90 * time.Second)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon, script: []error{&connectors.RateLimitError{Reset: reset, Msg: "429"}}}
	d := f.queue(t, domain.VisibilityPublic, "Thanks for flagging this.")
	x := f.sender(c)
	next, err := x.Step(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := f.draft(t, d.ID)
	// reset honoured, with at most 5 s of jitter after it (jitter 0.5 of 9 s)
	if got.State != domain.DraftQueued || got.NextAttempt.Before(reset) || got.NextAttempt.After(reset.Add(5*time.Second)) || !next.Equal(got.NextAttempt) {
		t.Fatalf("after 429: next %v, draft %+v", next, got)
	}
	// not hammered: nothing goes before the reset, however often we look
	for range 5 {
		f.ck.Add(10 * time.Second)
		x.Step(t.Context())
	}
	if n := len(c.calls()); n != 1 {
		t.Fatalf("%d sends before the reset, want 1", n)
	}
	f.ck.Add(50 * time.Second) // past reset + jitter
	x.Step(t.Context())
	got = f.draft(t, d.ID)
	if len(c.calls()) != 2 || got.State != domain.DraftSent || got.IdempotencyKey != c.calls()[0].IdempotencyKey {
		t.Fatalf("after reset: %d sends, %+v", len(c.calls()), got)
	}
	if c.calls()[1].IdempotencyKey != c.calls()[0].IdempotencyKey {
		t.Fatal("the retry used another idempotency key")
	}
}

func TestRateLimitedHealthHoldsWithoutCalling(t *testing.T) {
	f := newFixture(t)
	until := t0.Add(time.Minute)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon, health: connectors.Health{State: connectors.HealthRateLimited, Until: until}}
	d := f.queue(t, domain.VisibilityPublic, "Thanks!")
	next, _ := f.sender(c).Step(t.Context())
	got := f.draft(t, d.ID)
	if len(c.calls()) != 0 || got.State != domain.DraftQueued || !got.NextAttempt.Equal(until) || !next.Equal(until) || !strings.Contains(got.LastError, "rate-limited") {
		t.Fatalf("held: %d sends, next %v, %+v", len(c.calls()), next, got)
	}
}

func TestUnavailableBacksOffThenGivesUp(t *testing.T) {
	f := newFixture(t)
	down := fmt.Errorf("HTTP 503: %w", connectors.ErrUnavailable)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon, script: []error{down, down, down}}
	d := f.queue(t, domain.VisibilityPublic, "Thanks!")
	x := f.sender(c)
	var waits []time.Duration
	for i := range 3 {
		x.Step(t.Context())
		got := f.draft(t, d.ID)
		if i < 2 {
			if got.State != domain.DraftQueued {
				t.Fatalf("attempt %d: %+v", i+1, got)
			}
			waits = append(waits, got.NextAttempt.Sub(f.ck.Now()))
			f.ck.Add(waits[i])
		} else if got.State != domain.DraftFailed || !got.Retryable || !strings.Contains(got.LastError, "gave up after 3") {
			t.Fatalf("after max attempts: %+v", got)
		}
	}
	// equal jitter at 0.5: 2 s → 1.5 s, 4 s → 3 s
	if waits[0] != 1500*time.Millisecond || waits[1] != 3*time.Second {
		t.Fatalf("backoff waits %v", waits)
	}
	if _, err := f.st.RetryDraft("ana", d.ID); err != nil {
		t.Fatal(err)
	}
	x.Step(t.Context())
	if got := f.draft(t, d.ID); got.State != domain.DraftSent || len(c.calls()) != 4 {
		t.Fatalf("after operator retry: %+v", got)
	}
}

func TestBackoffJitterBounds(t *testing.T) {
	for _, j := range []float64{0, 0.999} {
		x := New(nil, nil, Options{Jitter: fixedJitter(j), MinBackoff: time.Second, MaxBackoff: 8 * time.Second})
		for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 10: 8 * time.Second} {
			got := x.backoff(n)
			if got < want/2 || got > want {
				t.Fatalf("jitter %v attempt %d: %v outside [%v, %v]", j, n, got, want/2, want)
			}
		}
	}
}

func TestCannotDMFailsAndOffersPublic(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon, script: []error{&connectors.CannotDMError{Reason: "this author accepts messages only from accounts they follow"}}}
	d := f.queue(t, domain.VisibilityPrivate, "Could you DM us?")
	f.sender(c).Step(t.Context())
	got := f.draft(t, d.ID)
	if got.State != domain.DraftFailed || got.Retryable || !strings.Contains(got.LastError, "only from accounts they follow") || !strings.Contains(got.LastError, "public") {
		t.Fatalf("cannot DM: %+v", got)
	}
}

func TestPauseHoldsTheQueue(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
	d := f.queue(t, domain.VisibilityPublic, "Thanks!")
	if _, err := f.st.SetSendingPaused("lee", true, "account compromise suspected"); err != nil {
		t.Fatal(err)
	}
	x := f.sender(c)
	x.Step(t.Context())
	if len(c.calls()) != 0 || f.draft(t, d.ID).State != domain.DraftQueued {
		t.Fatal("sent while paused")
	}
	f.st.SetSendingPaused("lee", false, "")
	x.Step(t.Context())
	if len(c.calls()) != 1 || f.draft(t, d.ID).State != domain.DraftSent {
		t.Fatal("not sent after resume")
	}
}

func TestOfflineQueueWaitsForAConnector(t *testing.T) {
	f := newFixture(t)
	d := f.queue(t, domain.VisibilityPublic, "Thanks!")
	next, _ := f.sender().Step(t.Context())
	got := f.draft(t, d.ID)
	if got.State != domain.DraftQueued || !strings.Contains(got.LastError, "no mastodon connector") || next.IsZero() {
		t.Fatalf("offline: %+v", got)
	}
	// a later run with the connector sends it
	f.ck.Add(time.Minute)
	c := &fakeConn{name: "other", platform: domain.PlatformMastodon}
	f.sender(c).Step(t.Context())
	if f.draft(t, d.ID).State != domain.DraftSent || len(c.calls()) != 1 {
		t.Fatal("queued item did not go once a connector was there")
	}
}

func TestRecoverNeverResendsBlindly(t *testing.T) {
	cases := []struct {
		name      string
		conn      func(*fakeConn) connectors.Connector
		wantState domain.DraftState
		wantSends int
	}{
		{"no reconciler", func(c *fakeConn) connectors.Connector { return c }, domain.DraftUnknown, 0},
		{"found", func(c *fakeConn) connectors.Connector { return &reconConn{fakeConn: c, found: true} }, domain.DraftSent, 0},
		{"not found", func(c *fakeConn) connectors.Connector { return &reconConn{fakeConn: c} }, domain.DraftSent, 1},
		{"lookup fails", func(c *fakeConn) connectors.Connector { return &reconConn{fakeConn: c, err: errors.New("down")} }, domain.DraftUnknown, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			d := f.queue(t, domain.VisibilityPublic, "Thanks!")
			d, err := f.st.BeginSend(d.ID) // then "crash"
			if err != nil {
				t.Fatal(err)
			}
			fc := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
			x := f.sender(tc.conn(fc))
			if n, err := x.Recover(t.Context()); err != nil || n != 1 {
				t.Fatalf("recover: %d %v", n, err)
			}
			x.Step(t.Context())
			got := f.draft(t, d.ID)
			if got.State != tc.wantState || len(fc.calls()) != tc.wantSends {
				t.Fatalf("state %s with %d sends; want %s with %d (%s)", got.State, len(fc.calls()), tc.wantState, tc.wantSends, got.LastError)
			}
			if tc.wantSends == 1 && fc.calls()[0].IdempotencyKey != d.IdempotencyKey {
				t.Fatal("resend after reconciliation used a new key")
			}
		})
	}
}

func TestDemoConnectorRoutesAndCounts(t *testing.T) {
	f := newFixture(t)
	// the mention came from the demo stream: no platform connector, one mixed
	live := demo.New(demo.Options{Name: "demo", Seed: 1})
	m := domain.Mention{Platform: domain.PlatformBluesky, NativeID: "at://x/1", Connector: "demo", Author: domain.Author{Handle: "kim.bsky.social"}, Text: "hi", CreatedAt: t0}
	f.st.Ingest([]domain.Mention{m})
	d, _ := f.st.NewDraft("ana", m.Key(), domain.VisibilityPublic, "Thanks, Kim!")
	f.st.QueueDraft("ana", d.ID, 0)
	x := New(f.st, []connectors.Connector{live}, Options{Now: f.ck.Now, Jitter: half})
	x.Step(t.Context())
	x.Step(t.Context())
	if got := f.draft(t, d.ID); got.State != domain.DraftSent || live.Delivered() != 1 || len(live.Sends()) != 1 {
		t.Fatalf("demo send: %+v, delivered %d", got, live.Delivered())
	}
}

func TestRunWakesOnQueueAndStops(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
	x := New(f.st, []connectors.Connector{c}, Options{Idle: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- x.Run(ctx) }()
	time.Sleep(50 * time.Millisecond) // Run is idle for an hour unless woken
	d := f.queue(t, domain.VisibilityPublic, "Thanks!")
	deadline := time.Now().Add(5 * time.Second)
	for f.draft(t, d.ID).State != domain.DraftSent {
		if time.Now().After(deadline) {
			t.Fatalf("Run did not send a newly queued draft: %+v", f.draft(t, d.ID))
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

func TestNothingGoesToAnAuthorFlaggedAfterQueueing(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
	pub := f.queue(t, domain.VisibilityPublic, "Thanks, we are looking into it")
	dm := f.queue(t, domain.VisibilityPrivate, "Could you send us your order number?")
	// queued, then found out: the flag comes from another process (here
	// another write on the same store) after the composer's checks passed
	if _, err := f.st.FlagImpostor("ana", store.Impostor{Platform: f.m.Platform, Handle: f.m.Author.Handle, Incident: "INC-3"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sender(c).Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	if calls := c.calls(); len(calls) != 0 {
		t.Fatalf("sent to the impostor: %+v", calls)
	}
	for _, d := range []domain.Draft{pub, dm} {
		got := f.draft(t, d.ID)
		if got.State != domain.DraftFailed || got.Retryable || got.LastError != "refused: @kim@social.example is flagged as impersonating the brand (incident INC-3)" {
			t.Fatalf("%s draft: %s %q", d.Visibility, got.State, got.LastError)
		}
	}
}

func TestPostGoesOutOnTheAccountAnsweringNoOne(t *testing.T) {
	f := newFixture(t)
	c := &fakeConn{name: "fake", platform: domain.PlatformMastodon}
	d, err := f.st.NewPost("ana", domain.PlatformMastodon, "We are aware of an account imitating us. We never ask for card numbers.")
	if err != nil {
		t.Fatal(err)
	}
	if d.MentionKey != "" || d.Visibility != domain.VisibilityPublic || !store.IsPost(d) {
		t.Fatalf("post draft %+v", d)
	}
	if _, err := f.st.EditDraft("ana", d.ID, 0, domain.VisibilityPrivate, d.Text); err == nil {
		t.Fatal("a post was made private")
	}
	if _, err := f.st.QueueDraft("ana", d.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sender(c).Step(t.Context()); err != nil {
		t.Fatal(err)
	}
	calls := c.calls()
	if len(calls) != 1 || !calls[0].Post || calls[0].InReplyTo.NativeID != "" || calls[0].InReplyTo.Author.Handle != "" ||
		calls[0].Visibility != domain.VisibilityPublic {
		t.Fatalf("sends %+v", calls)
	}
	if got := f.draft(t, d.ID); got.State != domain.DraftSent || got.RemoteID != "r1" {
		t.Fatalf("post %s %q", got.State, got.LastError)
	}
	// the mention's response time is untouched: a post answers no one
	if m, _ := f.st.GetByKey(f.m.Key()); !m.State.RespondedAt.IsZero() {
		t.Fatalf("mention marked responded: %+v", m.State)
	}
}
