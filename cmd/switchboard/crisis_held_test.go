package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/presence"
	"switchboard/store"
	"switchboard/themes"
	crisistui "switchboard/tui/crisis"
	"switchboard/tui/pane"
)

// TestIncidentAndAlertsWhenStoreHeld: while a running switchboard holds
// the store, incident and alerts say who holds it and where the same
// post-mortem is (y in the app's incident view).
func TestIncidentAndAlertsWhenStoreHeld(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	s, err := store.Open(db, store.Options{Holder: "switchboard serve on 127.0.0.1:2222"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, args := range [][]string{{"incident", "export", "INC-1"}, {"incident", "list"}, {"alerts"}} {
		r := run(t, "", append(args, "--db", db)...)
		if r.code == 0 || !strings.Contains(r.stderr, "in use by another switchboard process") ||
			!strings.Contains(r.stderr, "switchboard serve on 127.0.0.1:2222") || !strings.Contains(r.stderr, "press y to copy its Markdown post-mortem") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
}

// TestSessionOptionsWireTheWarRoom: a session of serve (presence in its
// context) gets a crisis pane that lists the war room; a local one not.
func TestSessionOptionsWireTheWarRoom(t *testing.T) {
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	env := &appEnv{store: s, config: &config.Config{}}
	hub := presence.New(presence.Options{})
	ana := hub.Join("ana", domain.RoleLead)
	defer ana.Leave()
	hub.Join("bo", domain.RoleAgent).Here("Inbox", "")
	ctx := presence.NewContext(context.Background(), ana)
	sess := pane.Session{Ctx: ctx, Store: s, Actor: "ana", Styles: themes.New(themes.Dark, true)}
	p, ok := env.sessionOptions(ctx, "ana", "dark", nil).Crisis(sess).(*crisistui.Model)
	if !ok {
		t.Fatal("crisis factory does not build the crisis pane")
	}
	if wr := p.WarRoom(); len(wr) != 2 || wr[0].Operator != "ana" || wr[1].Operator != "bo" || wr[1].Role != domain.RoleAgent {
		t.Fatalf("war room %+v", wr)
	}
	local := env.sessionOptions(context.Background(), "ana", "dark", nil).Crisis(pane.Session{Ctx: context.Background(), Store: s, Actor: "ana", Styles: sess.Styles}).(*crisistui.Model)
	if local.WarRoom() != nil {
		t.Fatalf("local session has a war room: %+v", local.WarRoom())
	}
}
