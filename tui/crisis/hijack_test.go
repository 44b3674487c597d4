package crisis

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/store"
	"switchboard/themes"
)

// H on an alert about a brand account pauses all sending and declares a
// SEV1 security incident with the security playbook.
func TestHijackKeyPausesAndDeclares(t *testing.T) {
	f := newFixture(t, themes.Dark, true)
	look := store.OwnPage{Connector: "masto", Platform: domain.PlatformMastodon, Handle: "@acme@social.example", Cursor: "1",
		Profile: &domain.AccountProfile{Name: "Acme"}}
	if _, err := f.s.RecordOwn(look, nil); err != nil {
		t.Fatal(err)
	}
	look.Posts = []domain.OwnPost{{ID: "2", Text: "Free \x1b[31mcrypto for all", App: "Web", URL: "https://social.example/@acme/2", CreatedAt: f.now}}
	look.Cursor = "2"
	got, err := f.s.RecordOwn(look, []string{"switchboard"})
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	n := len(f.m.Groups())
	f.run(f.m.load())
	if len(f.m.Groups()) != n+1 {
		t.Fatalf("the account alert is not on the board: %d groups, had %d", len(f.m.Groups()), n)
	}
	f.key("a")
	for range n {
		f.key("j")
	}
	plain := ansi.Strip(f.m.View())
	if !strings.Contains(plain, "account_post") || !strings.Contains(plain, "that switchboard did not send") || strings.Contains(plain, "\x1b[31m") {
		t.Fatalf("the board does not show the alert:\n%s", plain)
	}
	f.key("H")
	if plain := ansi.Strip(f.m.View()); !strings.Contains(plain, "Pause all sending and declare a SEV1 security incident") {
		t.Fatalf("H did not ask:\n%s", plain)
	}
	f.key("enter")
	p, err := f.s.SendingPause()
	if err != nil || !p.Paused || p.By != "ana" {
		t.Fatalf("sending not paused: %+v %v; toasts %q", p, err, f.toasts())
	}
	incs, err := f.s.Incidents()
	if err != nil || len(incs) != 1 {
		t.Fatalf("incidents %+v %v", incs, err)
	}
	inc := incs[0]
	if inc.Severity != domain.Sev1 || inc.Scenario != domain.ScenarioSecurity || inc.AlertID != got[0].ID || len(inc.Checklist) == 0 ||
		!strings.Contains(inc.Checklist[0].Text, "Pause all sending") {
		t.Fatalf("incident %+v", inc)
	}
	if ds, _ := f.s.AlertDismissals(); ds[got[0].ID].Reason != "declared "+inc.ID {
		t.Fatalf("the alert was not dismissed as declared: %+v", ds)
	}
}
