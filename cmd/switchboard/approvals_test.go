package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// TestPolicyLintApprovalRolesNobodyHolds: with an operators file, a pack
// rule whose approval role no operator approves for is a lint error at
// the rule's role: line.
func TestPolicyLintApprovalRolesNobodyHolds(t *testing.T) {
	dir := t.TempDir()
	ops := filepath.Join(dir, "ops.yaml")
	os.WriteFile(ops, []byte("operators:\n  - name: lou\n    role: legal\n    approves: [legal]\n  - name: leo\n    role: lead\n"), 0o600)
	r := run(t, "", "policy", "lint", "--operators", ops)
	if r.code != 1 || !strings.Contains(r.stdout, `default.yaml:206:11: error: rule `) || !strings.Contains(r.stdout, `no operator approves for "marketing-lead"`) {
		t.Fatalf("lint with nobody approving for marketing-lead: %+v", r)
	}
	if strings.Contains(r.stdout, `"legal"`) {
		t.Fatalf("legal is held by lou, yet reported:\n%s", r.stdout)
	}
	// operators.yaml beside the config file counts as configured too
	cfgDir := filepath.Join(dir, "cfg")
	os.MkdirAll(cfgDir, 0o700)
	os.WriteFile(filepath.Join(cfgDir, "operators.yaml"), []byte("operators:\n  - name: lou\n    role: legal\n    approves: [legal, marketing-lead]\n"), 0o600)
	if r := run(t, "", "policy", "lint", "--config", filepath.Join(cfgDir, "config.yaml")); r.code != 0 || !strings.Contains(r.stdout, "ok:") {
		t.Fatalf("lint with every approval role held: %+v", r)
	}
	// no operators file: a single local user, nothing to check
	if r := run(t, "", "policy", "lint"); r.code != 0 {
		t.Fatalf("lint without operators: %+v", r)
	}
}

// me is the operator name a local run of the tests' binary acts as.
func me(t *testing.T) string {
	t.Helper()
	name, err := localIdentity()
	if err != nil {
		t.Fatal(err)
	}
	return name
}

// approvalFixture is a store with one mention and a draft by ana waiting
// for legal's approval, and a config directory (whose operators.yaml the
// test writes). It returns the store, the config file and the draft id.
func approvalFixture(t *testing.T) (db, cfg, id string) {
	t.Helper()
	dir := t.TempDir()
	db, cfg = filepath.Join(dir, "sb.db"), filepath.Join(dir, "cfg", "config.yaml")
	os.MkdirAll(filepath.Dir(cfg), 0o700)
	os.WriteFile(cfg, []byte("brand:\n  name: Acme\n"), 0o600)
	in := filepath.Join(dir, "in.jsonl")
	writeMentions(t, in, map[string]any{"platform": "mastodon", "id": "1", "author": map[string]any{"handle": "@kim@social.example", "name": "Kim"},
		"text": "my order never arrived", "lang": "en", "created_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)})
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %+v", r)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := st.NewDraft("ana", "mastodon:1", domain.VisibilityPrivate, "This was our fault and we are sorry.")
	if err == nil {
		d, err = st.RequestApproval("ana", d.ID, d.Version, []string{"legal"})
	}
	if err != nil {
		t.Fatal(err)
	}
	return db, cfg, d.ID
}

func writeOperators(t *testing.T, cfg, yaml string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(filepath.Dir(cfg), "operators.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
}

func draftState(t *testing.T, db, id string) domain.Draft {
	t.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, err := st.Draft(id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLocalRunCannotTakeAnotherOperatorsIdentity: a local run acts as the
// OS account. SWITCHBOARD_OPERATOR naming someone else is refused, and
// with an operators file the OS account's own entry (or its absence)
// decides what it may do.
func TestLocalRunCannotTakeAnotherOperatorsIdentity(t *testing.T) {
	db, cfg, id := approvalFixture(t)
	writeOperators(t, cfg, "operators:\n  - name: lou\n    role: legal\n    approves: [legal]\n  - name: ana\n    role: agent\n")
	for _, args := range [][]string{
		{"--db", db, "--config", cfg},                         // the app
		{"outbox", "cancel", id, "--db", db, "--config", cfg}, // a write
	} {
		r := runEnv(t, []string{"SWITCHBOARD_OPERATOR=lou"}, "", args...)
		if r.code != 1 || !strings.Contains(r.stderr, "SWITCHBOARD_OPERATOR=lou: a local switchboard acts as the OS account "+me(t)+", never as another operator") {
			t.Fatalf("%v as lou: %+v", args, r)
		}
	}
	// the OS account is not on the team: it may not write
	r := run(t, "", "outbox", "cancel", id, "--db", db, "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, me(t)+" is not an operator in ") {
		t.Fatalf("cancel by someone not on the team: %+v", r)
	}
	// on the team as a viewer: still not
	writeOperators(t, cfg, "operators:\n  - name: lou\n    role: legal\n    approves: [legal]\n  - name: "+me(t)+"\n    role: viewer\n")
	if r := run(t, "", "outbox", "cancel", id, "--db", db, "--config", cfg); r.code != 1 || !strings.Contains(r.stderr, me(t)+" is a viewer: viewers cannot write or queue drafts") {
		t.Fatalf("cancel by a viewer: %+v", r)
	}
	if d := draftState(t, db, id); d.State != domain.DraftAwaitingApproval {
		t.Fatalf("the draft changed: %+v", d)
	}
	// SWITCHBOARD_OPERATOR set to the OS account itself is harmless
	writeOperators(t, cfg, "operators:\n  - name: "+me(t)+"\n    role: agent\n")
	if r := runEnv(t, []string{"SWITCHBOARD_OPERATOR=" + me(t)}, "", "outbox", "cancel", id, "--db", db, "--config", cfg); r.code != 0 {
		t.Fatalf("cancel by an agent: %+v", r)
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	evs, _ := st.Events(id)
	for _, e := range evs {
		if e.Actor == "lou" {
			t.Fatalf("an event by lou: %+v", e)
		}
	}
	if last := evs[len(evs)-1]; last.Actor != me(t) || last.After != "cancelled" {
		t.Fatalf("last event %+v, want the cancel by %s", last, me(t))
	}
}

// TestNeedsMyApprovalInTmux: the built binary in tmux. The header counts
// the drafts waiting for an approval the operator can give, and `m` in the
// Outbox shows just those; a lead who approves for nothing has none and
// is refused; the legal approver approves from there.
func TestNeedsMyApprovalInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("tmux end-to-end test skipped in -short mode")
	}
	db, cfg, id := approvalFixture(t)
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d2, err := st.NewDraft("ana", "mastodon:1", domain.VisibilityPublic, "Here is a voucher for you.")
	if err == nil {
		d2, err = st.RequestApproval("ana", d2.ID, d2.Version, []string{"marketing-lead"})
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	app := func() *tmuxSession {
		s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --config %s --theme mono", binary(t), db, cfg))
		s.waitFor("● live")
		return s
	}
	team := "operators:\n  - name: ana\n    role: agent\n  - name: " + me(t) + "\n    role: %s\n    approves: [%s]\n"

	// a lead who approves for nothing: nothing to approve, and refused
	writeOperators(t, cfg, fmt.Sprintf(team, "lead", ""))
	s := app()
	s.keys("4")
	s.waitFor("awaiting approval")
	if scr := s.screen(); strings.Contains(scr, "to approve") {
		t.Fatalf("a lead who approves for nothing sees a count:\n%s", scr)
	}
	s.keys("m")
	s.waitFor("Nothing needs your approval")
	s.keys("m")
	s.waitFor(d2.ID)
	s.keys("A", "Enter")
	s.waitFor("cannot approve for marketing-lead")
	s.quit()

	// the legal approver: one to approve (legal's, not marketing's)
	writeOperators(t, cfg, fmt.Sprintf(team, "legal", "legal"))
	s = app()
	s.waitFor("◆ 1 to approve")
	s.keys("4", "m")
	scr := s.waitFor("Needs my approval (1)")
	if !strings.Contains(scr, id) || strings.Contains(scr, d2.ID+" ") {
		t.Fatalf("needs my approval lists the wrong drafts:\n%s", scr)
	}
	s.keys("A")
	s.text("fine")
	s.keys("Enter")
	s.waitFor("approved; its author can send it")
	s.waitFor("Nothing needs your approval")
	if scr := s.screen(); strings.Contains(scr, "to approve") {
		t.Fatalf("the count stayed after approving:\n%s", scr)
	}
	s.quit()
	if d := draftState(t, db, id); d.State != domain.DraftApproved || d.ApprovedBy != me(t) {
		t.Fatalf("after approving: %+v", d)
	}
	if d := draftState(t, db, d2.ID); d.State != domain.DraftAwaitingApproval {
		t.Fatalf("marketing's draft: %+v", d)
	}
}
