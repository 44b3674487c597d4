package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// An alert about a brand account is listed by `alerts` (and --json) with
// its text made safe, app and URL, and `alerts hijack ID` pauses all
// sending and declares a SEV1 security incident.
func TestAlertsHijack(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	look := store.OwnPage{Connector: "mastodon-main", Platform: domain.PlatformMastodon, Handle: "@acme@social.example", Cursor: "1"}
	if _, err := s.RecordOwn(look, nil); err != nil {
		t.Fatal(err)
	}
	look.Cursor = "2"
	look.Posts = []domain.OwnPost{{ID: "2", Text: "Free crypto \x1b]0;pwned\x07 now", App: "Web", URL: "https://social.example/@acme/2",
		CreatedAt: time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)}}
	got, err := s.RecordOwn(look, []string{"switchboard"})
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	id := got[0].ID
	s.Close()

	r := run(t, "", "alerts", "--db", db, "--json")
	if r.code != 0 {
		t.Fatalf("alerts --json: %d %s", r.code, r.stderr)
	}
	var alerts []struct {
		ID       string               `json:"id"`
		Kind     string               `json:"kind"`
		Severity string               `json:"severity"`
		Account  *domain.AccountAlert `json:"account"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &alerts); err != nil || len(alerts) != 1 {
		t.Fatalf("alerts --json: %v\n%s", err, r.stdout)
	}
	if a := alerts[0]; a.ID != id || a.Kind != "account_post" || a.Severity != "critical" || a.Account == nil || a.Account.App != "Web" ||
		a.Account.URL != "https://social.example/@acme/2" {
		t.Fatalf("alert %+v", a)
	}
	r = run(t, "", "alerts", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "‼ CRITICAL "+id) || !strings.Contains(r.stdout, "that switchboard did not send") ||
		!strings.Contains(r.stdout, "https://social.example/@acme/2") || strings.Contains(r.stdout, "\x1b") {
		t.Fatalf("alerts: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "", "alerts", "hijack", "acct-nope", "--db", db); r.code != 1 {
		t.Fatalf("an unknown alert: %d %s", r.code, r.stderr)
	}
	r = run(t, "", "alerts", "hijack", id, "--pause", "--declare", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "paused all sending") || !strings.Contains(r.stdout, "declared INC-1 SEV1") {
		t.Fatalf("alerts hijack: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if s, err = store.Open(db, store.Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if p, _ := s.SendingPause(); !p.Paused {
		t.Fatal("sending is not paused")
	}
	inc, err := s.Incident("INC-1")
	if err != nil || inc.Severity != domain.Sev1 || inc.Scenario != domain.ScenarioSecurity || inc.AlertID != id {
		t.Fatalf("incident %+v %v", inc, err)
	}
}
