package sshserver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"switchboard/domain"
	"switchboard/operators"
	"switchboard/store"
)

func TestOperatorKeyAcceptedUnknownKeyRefusedWithReason(t *testing.T) {
	ana := newMember(t, "ana", domain.RoleAgent)
	stranger := newMember(t, "stranger", domain.RoleAdmin)
	r := newRig(t, []member{ana}, rigOptions{mentions: 3})

	tm := r.connect(ana, 100, 30)
	tm.waitText("mention number 2")
	tm.waitText("only you online")

	var banner string
	cfg := r.clientConfig(stranger.signer)
	cfg.BannerCallback = func(msg string) error { banner += msg; return nil }
	_, err := gossh.Dial("tcp", r.addr, cfg)
	if err == nil {
		t.Fatal("an unknown key was accepted")
	}
	want := "switchboard: key " + gossh.FingerprintSHA256(stranger.signer.PublicKey()) + " is not an operator's key"
	if !strings.HasPrefix(banner, want) || strings.Count(strings.TrimSpace(banner), "\n") != 0 {
		t.Fatalf("refusal banner %q, want one line starting %q", banner, want)
	}

	// no passwords, no keyboard-interactive: only publickey is offered
	pw := r.clientConfig()
	pw.Auth = []gossh.AuthMethod{gossh.Password("hunter2"), gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })}
	_, err = gossh.Dial("tcp", r.addr, pw)
	if err == nil || !strings.Contains(err.Error(), "[none]") && !strings.Contains(err.Error(), "publickey") {
		t.Fatalf("password login: %v", err)
	}
}

func TestHostKeyGeneratedOnceAndPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "host")
	a, err := LoadOrCreateHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v %v", fi.Mode(), err)
	}
	b, err := LoadOrCreateHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if gossh.FingerprintSHA256(a.PublicKey()) != gossh.FingerprintSHA256(b.PublicKey()) {
		t.Fatal("host key changed between starts")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateHostKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable host key: %v", err)
	}
}

// TestRoleMatrix checks every role against every kind of write, in the
// store's core through the team's Authorize: viewer reads, agent triages
// and drafts, lead runs incidents and pauses sending, admin manages
// operators; no role approves (that is the approves: list, not a role).
func TestRoleMatrix(t *testing.T) {
	team := []member{}
	for _, r := range domain.Roles {
		team = append(team, newMember(t, string(r), r))
	}
	author := newMember(t, "author", domain.RoleAgent)
	rg := newRig(t, append(team, author), rigOptions{mentions: 1})
	st := rg.st
	m, err := st.GetByKey(domain.MentionKey(domain.PlatformMastodon, "100"))
	if err != nil {
		t.Fatal(err)
	}
	type action struct {
		name string
		do   func(actor string) error
	}
	actions := []action{
		{"tag", func(a string) error {
			_, err := st.Apply(a, []uint64{m.ID}, store.Action{Kind: domain.EventTag, Value: "t-" + a})
			return err
		}},
		{"draft", func(a string) error {
			_, err := st.NewDraft(a, m.Key(), domain.VisibilityPublic, "hello from "+a)
			return err
		}},
		{"approve", func(a string) error {
			d, err := st.NewDraft("author", m.Key(), domain.VisibilityPublic, "needs approval")
			if err != nil {
				return err
			}
			d, err = st.RequestApproval("author", d.ID, d.Version, []string{"legal"})
			if err != nil {
				return err
			}
			_, err = st.Approve(a, d.ID, d.Version, "ok")
			return err
		}},
		{"incident", func(a string) error {
			_, err := st.DeclareIncident(a, store.IncidentSpec{Title: "outage", Scenario: domain.ScenarioReputation, Severity: domain.Sev2})
			return err
		}},
		{"pause", func(a string) error {
			_, err := st.SetSendingPaused(a, true, "hold")
			if err == nil {
				_, err = st.SetSendingPaused(a, false, "")
			}
			return err
		}},
		{"operators", func(a string) error {
			_, err := st.RecordOperator(a, "someone", "role", "agent", "lead")
			return err
		}},
	}
	want := map[domain.Role]string{
		domain.RoleViewer: "------",
		domain.RoleAgent:  "TD----",
		domain.RoleLegal:  "TD----",
		domain.RoleLead:   "TD-IP-",
		domain.RoleAdmin:  "TD-IPO",
	}
	for _, r := range domain.Roles {
		got := ""
		for i, a := range actions {
			err := a.do(string(r))
			switch {
			case err == nil:
				got += string("TDAIPO"[i])
			case errors.Is(err, store.ErrForbidden):
				got += "-"
				if !strings.Contains(err.Error(), string(r)+" is a") || !strings.Contains(err.Error(), "cannot") {
					t.Errorf("%s %s: refusal does not say why: %v", r, a.name, err)
				}
			default:
				t.Fatalf("%s %s: %v", r, a.name, err)
			}
		}
		if got != want[r] {
			t.Errorf("%s may %s, want %s", r, got, want[r])
		}
	}
	// every event carries the operator's name
	evs, err := st.Events(m.Key())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range evs {
		seen[e.Actor] = true
	}
	for _, a := range []string{"agent", "legal", "lead", "admin"} {
		if !seen[a] {
			t.Errorf("no event by %s on the mention: %v", a, seen)
		}
	}
}

// TestViewerRefusalShownOnScreen: the screen says why a viewer cannot tag.
func TestViewerRefusalShownOnScreen(t *testing.T) {
	vera := newMember(t, "vera", domain.RoleViewer)
	r := newRig(t, []member{vera}, rigOptions{mentions: 2})
	tm := r.connect(vera, 120, 30)
	tm.waitText("mention number 1")
	tm.send("t")
	tm.waitText("Tag 1 mention")
	tm.send("urgent")
	tm.waitText("› urgent")
	tm.send("\r")
	s := tm.waitText("viewers cannot tag")
	if !strings.Contains(s, "vera is a viewer") {
		t.Fatalf("refusal on screen without who and why:\n%s", s)
	}
	m, _ := r.st.GetByKey(domain.MentionKey(domain.PlatformMastodon, "101"))
	if len(m.State.Tags) != 0 {
		t.Fatalf("viewer's tag was stored: %v", m.State.Tags)
	}
}

// TestTwoSessionsSeeEachOther: presence in the header, and one operator's
// change on the other's screen without moving the other's cursor.
func TestTwoSessionsSeeEachOther(t *testing.T) {
	ana := newMember(t, "ana", domain.RoleLead)
	bob := newMember(t, "bob", domain.RoleAgent)
	r := newRig(t, []member{ana, bob}, rigOptions{mentions: 6})
	ta := r.connect(ana, 120, 30)
	ta.waitText("mention number 5")
	tb := r.connect(bob, 120, 30)
	tb.waitText("mention number 5")
	ta.waitText("online: bob·Inbox")
	tb.waitText("online: ana·Inbox")

	// bob moves his cursor down twice; ana sees where he is only as presence
	tb.send("jj")
	var bobKey string
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, e := range r.srv.Hub().Online() {
			if e.Operator == "bob" {
				bobKey = e.Viewing
			}
		}
		if bobKey == domain.MentionKey(domain.PlatformMastodon, "103") || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if bobKey != domain.MentionKey(domain.PlatformMastodon, "103") {
		t.Fatalf("bob's cursor is on %q, want the third row (mastodon:103)", bobKey)
	}
	// ana closes the newest mention (x); bob's screen shows it, his cursor stays
	ta.send("x")
	start := time.Now()
	tb.waitFor("ana's change on bob's screen", func(s string) bool {
		return !strings.Contains(s, "mention number 5") && strings.Contains(s, "Done 1")
	})
	t.Logf("change reached the other screen in %v (through SSH and the emulator)", time.Since(start))
	for _, e := range r.srv.Hub().Online() {
		if e.Operator == "bob" && e.Viewing != bobKey {
			t.Fatalf("bob's cursor moved to %q after ana's change", e.Viewing)
		}
	}
	ev, _ := r.st.Events(domain.MentionKey(domain.PlatformMastodon, "105"))
	if len(ev) == 0 || ev[len(ev)-1].Actor != "ana" {
		t.Fatalf("event not by ana: %+v", ev)
	}

	// bob moves onto ana's mention: both see the other there
	tb.send("gg")
	tb.waitText("this mention: ◎ ana viewing")
	ta.waitText("this mention: ◎ bob viewing")

	// carl (another session) drafts a reply to it: both see it, and r warns first
	carl := r.srv.Hub().Join("carl", domain.RoleAgent)
	defer carl.Leave()
	top := domain.MentionKey(domain.PlatformMastodon, "104")
	carl.Here("Inbox", top)
	if others := carl.StartDraft(top); len(others) != 0 {
		t.Fatalf("first draft collided with %v", others)
	}
	tb.waitText("✎ carl drafting")
	tb.send("r")
	tb.waitText("carl is already drafting a reply to this mention; press r again")
}

func TestRemovingOperatorDropsTheirSessionWithinASecond(t *testing.T) {
	ana := newMember(t, "ana", domain.RoleAdmin)
	vera := newMember(t, "vera", domain.RoleAgent)
	r := newRig(t, []member{ana, vera}, rigOptions{mentions: 1})
	ta := r.connect(ana, 100, 30)
	tv := r.connect(vera, 100, 30)
	tv.waitText("mention number 0")
	ta.waitText("online: vera")
	start := time.Now()
	if err := operators.Remove(r.opsPath, "vera"); err != nil {
		t.Fatal(err)
	}
	if !tv.ended(time.Second) {
		t.Fatalf("vera's session still open 1 s after her removal; screen:\n%s", tv.screen())
	}
	t.Logf("dropped after %v", time.Since(start))
	if out := tv.output(); !strings.Contains(out, "your access was removed") {
		t.Fatalf("vera was not told why: %q", out[max(0, len(out)-300):])
	}
	ta.waitText("only you online")
	select {
	case <-ta.done:
		t.Fatal("ana's session ended too")
	default:
	}
	// and she cannot come back
	if _, err := gossh.Dial("tcp", r.addr, r.clientConfig(vera.signer)); err == nil {
		t.Fatal("removed operator could connect again")
	}
	if err := r.reg.Authorize("vera", domain.PermTriage); err == nil {
		t.Fatal("removed operator still authorized in the store")
	}
}

func TestResize(t *testing.T) {
	ana := newMember(t, "ana", domain.RoleAgent)
	r := newRig(t, []member{ana}, rigOptions{mentions: 2})
	tm := r.connect(ana, 100, 30)
	tm.waitText("mention number 1")
	tm.mu.Lock()
	tm.emu.Resize(50, 20)
	tm.mu.Unlock()
	if err := tm.sess.WindowChange(20, 50); err != nil {
		t.Fatal(err)
	}
	tm.waitText("needs at least 60×12")
	tm.waitText("terminal is 50×20")
	tm.mu.Lock()
	tm.emu.Resize(140, 40)
	tm.mu.Unlock()
	if err := tm.sess.WindowChange(40, 140); err != nil {
		t.Fatal(err)
	}
	s := tm.waitText("mention number 1")
	lines := strings.Split(s, "\n")
	if len(lines) < 30 {
		t.Fatalf("screen did not grow to 40 rows: %d lines", len(lines))
	}
}

func TestSessionLimitIdleTimeoutAndShutdown(t *testing.T) {
	ana := newMember(t, "ana", domain.RoleAgent)
	bob := newMember(t, "bob", domain.RoleAgent)
	r := newRig(t, []member{ana, bob}, rigOptions{maxSessions: 1, idle: 600 * time.Millisecond})
	ta := r.connect(ana, 100, 30)
	ta.waitText("only you online")
	tb := r.connect(bob, 100, 30)
	if !tb.ended(2 * time.Second) {
		t.Fatal("second session admitted past the limit")
	}
	if out := tb.output(); !strings.Contains(out, "the server is full (1 sessions)") {
		t.Fatalf("full server did not say so: %q", out)
	}
	// ana types nothing: the idle timeout ends her session
	if !ta.ended(3 * time.Second) {
		t.Fatal("idle session not ended")
	}
	if out := ta.output(); !strings.Contains(out, "idle for 600ms") {
		t.Fatalf("idle end without reason: %q", out[max(0, len(out)-200):])
	}

	// shutdown tells the sessions
	tc := r.connect(bob, 100, 30)
	tc.waitText("only you online")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.srv.Shutdown(ctx, "switchboard is shutting down"); err != nil {
		t.Fatal(err)
	}
	if !tc.ended(2 * time.Second) {
		t.Fatal("session open after shutdown")
	}
	if out := tc.output(); !strings.Contains(out, "switchboard is shutting down") {
		t.Fatalf("session not told of the shutdown: %q", out[max(0, len(out)-200):])
	}
	if err := <-r.served; err != nil {
		t.Fatalf("Serve after Shutdown: %v", err)
	}
	r.served <- nil // for the cleanup
}

// TestAbruptDisconnectsLeakNothing drops TCP connections under running
// sessions and checks every goroutine the sessions started is gone.
func TestAbruptDisconnectsLeakNothing(t *testing.T) {
	ana := newMember(t, "ana", domain.RoleAgent)
	r := newRig(t, []member{ana}, rigOptions{mentions: 20})
	// warm up once so that lazily started goroutines are in the baseline
	w := r.connect(ana, 120, 30)
	w.waitText("mention number 19")
	w.close()
	waitSessions(t, r, 0)
	base := settledGoroutines()

	var terms []*term
	for i := 0; i < 5; i++ {
		tm := r.connect(ana, 120, 30)
		tm.waitText("mention number 19")
		terms = append(terms, tm)
	}
	if n := r.srv.SessionCount(); n != 5 {
		t.Fatalf("%d sessions, want 5", n)
	}
	// while they run, a write goes to every screen
	m, _ := r.st.GetByKey(domain.MentionKey(domain.PlatformMastodon, "119"))
	if _, err := r.st.Apply("ana", []uint64{m.ID}, store.Action{Kind: domain.EventTag, Value: "billing"}); err != nil {
		t.Fatal(err)
	}
	for _, tm := range terms {
		tm.waitText("billing")
	}
	var wg sync.WaitGroup
	for _, tm := range terms {
		wg.Add(1)
		go func(tm *term) { defer wg.Done(); tm.raw.Close() }(tm) // no goodbye
	}
	wg.Wait()
	for _, tm := range terms {
		tm.close()
	}
	waitSessions(t, r, 0)
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := settledGoroutines()
		if n <= base {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("goroutines %d after the disconnects, %d before:\n%s", n, base, buf)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(r.srv.Hub().Online()) != 0 {
		t.Fatal("dropped sessions still online in presence")
	}
}

func settledGoroutines() int {
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	return runtime.NumGoroutine()
}

func waitSessions(t *testing.T, r *rig, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for r.srv.SessionCount() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions, want %d", r.srv.SessionCount(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRecheckRefusesSessionOfRevokedKey: a key removed between
// authentication and the session is refused by the middleware.
func TestRecheckRefusesSessionOfRevokedKey(t *testing.T) {
	ana := newMember(t, "ana", domain.RoleAgent)
	r := newRig(t, []member{ana}, rigOptions{})
	c, err := gossh.Dial("tcp", r.addr, r.clientConfig(ana.signer))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := operators.Remove(r.opsPath, "ana"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for r.reg.Current().Len() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	sess, err := c.NewSession()
	if err != nil {
		return // connection already closed: refused too
	}
	out, _ := sess.CombinedOutput("")
	if !strings.Contains(string(out), "not an operator's key") {
		t.Fatalf("session of a removed key: %q", out)
	}
}
