package crisis

import (
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/crisis"
	"switchboard/domain"
	"switchboard/presence"
	"switchboard/store"
	"switchboard/themes"
)

func (f *fixture) declare(spec store.IncidentSpec) domain.Incident {
	f.t.Helper()
	inc, err := crisis.Declare(f.s, nil, "ana", spec)
	if err != nil {
		f.t.Fatal(err)
	}
	f.run(f.m.load())
	f.run(f.m.open(inc.ID))
	return inc
}

func (f *fixture) clear() { f.m.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}) }

func TestWarRoomInIncidentView(t *testing.T) {
	f := newFixture(t, themes.Dark, false)
	// locally there is no war room: the view names the local operator
	f.declare(store.IncidentSpec{Title: "Fake support account", Scenario: domain.ScenarioSecurity, Severity: domain.Sev1, Lead: "ana"})
	plain := ansi.Strip(f.m.View())
	if !strings.Contains(plain, "War room") || !strings.Contains(plain, "ana · this terminal only") {
		t.Fatalf("local war room:\n%s", plain)
	}

	hub := presence.New(presence.Options{})
	ana := hub.Join("ana", domain.RoleLead)
	ana.Here("Crisis", "")
	bo1 := hub.Join("bo", domain.RoleAgent)
	bo1.Here("Inbox", "x:1")
	bo2 := hub.Join("bo", domain.RoleAgent)
	bo2.Here("Outbox", "")
	f.s.SetIncidentRole("ana", "INC-1", "comms", "bo")
	f.m.opts.WarRoom = hub.WarRoom
	f.m.readWarRoom()
	f.run(f.m.refresh())
	f.m.SetSize(140, 40)
	screen := f.m.View()
	checkScreen(t, screen, 140, 40)
	plain = ansi.Strip(screen)
	for _, want := range []string{"War room (2 online)", "● ana · lead · Crisis · lead here", "● bo · agent · Inbox, Outbox (2 sessions) · comms here"} {
		if !strings.Contains(plain, want) {
			t.Errorf("war room lacks %q:\n%s", want, plain)
		}
	}
	// someone joins: shown once the root forwards presence.ChangedMsg
	cy := hub.Join("cy", domain.RoleLegal)
	cy.Here("Crisis", "")
	if strings.Contains(ansi.Strip(f.m.View()), "● cy") {
		t.Fatal("war room re-read without a presence change message")
	}
	f.m.Update(presence.ChangedMsg{})
	plain = ansi.Strip(f.m.View())
	if !strings.Contains(plain, "War room (3 online)") || !strings.Contains(plain, "● cy · legal · Crisis") {
		t.Fatalf("after cy joined:\n%s", plain)
	}
	// leaving is seen too
	bo1.Leave()
	bo2.Leave()
	f.m.Update(presence.ChangedMsg{})
	if plain = ansi.Strip(f.m.View()); strings.Contains(plain, "● bo") || !strings.Contains(plain, "War room (2 online)") {
		t.Fatalf("after bo left:\n%s", plain)
	}
	if got := f.m.WarRoom(); len(got) != 2 || got[0].Operator != "ana" {
		t.Fatalf("war room %+v", got)
	}
}

func TestEditImpactTitleScenario(t *testing.T) {
	f := newFixture(t, themes.Dark, false)
	inc := f.declare(store.IncidentSpec{Title: "Odd replies", Scenario: domain.ScenarioReputation, Severity: domain.Sev2, Lead: "ana"})
	f.key("i")
	if !f.m.Capturing() {
		t.Fatal("i opened no dialog")
	}
	f.typeText("About 40 people answered")
	f.key("enter")
	f.key("i") // prefilled with the impact: change it
	f.clear()
	f.typeText("About 400 people answered")
	f.key("enter")
	f.key("t")
	f.clear()
	f.typeText("Account takeover")
	f.key("enter")
	f.key("t") // an empty title is refused
	f.clear()
	f.key("enter")
	f.key("c")
	f.key("j", "enter") // from reputation (now) to security
	got, _ := f.s.Incident(inc.ID)
	want := "About 400 people answered"
	if got.Impact != want || got.Title != "Account takeover" {
		t.Fatalf("incident %+v (toasts %q)", got, f.toasts())
	}
	if got.Scenario != domain.ScenarioSecurity || len(got.Checklist) <= len(inc.Checklist) ||
		!strings.HasPrefix(got.Checklist[len(inc.Checklist)].Text, "Pause all sending") {
		t.Fatalf("scenario %s, checklist %d → %d (toasts %q)", got.Scenario, len(inc.Checklist), len(got.Checklist), f.toasts())
	}
	if ts := f.toasts(); !contains(ts, "an incident needs a title") || !contains(ts, "playbook items added") {
		t.Fatalf("toasts %q", ts)
	}
	// the timeline has old and new impact
	var texts []string
	for _, e := range f.m.view.tl {
		texts = append(texts, e.Text)
	}
	if !contains(texts, "impact changed: “About 40 people answered” → “About 400 people answered”") || !contains(texts, "title Odd replies → Account takeover") {
		t.Fatalf("timeline %q", texts)
	}

	// y copies the post-mortem, with the impact, to the clipboard
	f.out = nil
	f.key("y")
	var clip string
	for _, m := range f.out {
		if v := reflect.ValueOf(m); v.Kind() == reflect.String && strings.HasSuffix(reflect.TypeOf(m).String(), "setClipboardMsg") {
			clip = v.String()
		}
	}
	if !strings.HasPrefix(clip, "# INC-1: Account takeover") || !strings.Contains(clip, "## Impact\n\n"+want+"\n") {
		t.Fatalf("clipboard %.400q", clip)
	}
	if ts := f.toasts(); !strings.Contains(ts[len(ts)-1], "post-mortem of INC-1") || !strings.Contains(ts[len(ts)-1], "copied to the clipboard") {
		t.Fatalf("toasts %q", ts)
	}
}

func contains(l []string, sub string) bool {
	for _, s := range l {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestAddChecklistItem(t *testing.T) {
	f := newFixture(t, themes.Dark, false)
	inc := f.declare(store.IncidentSpec{Title: "Odd replies", Scenario: domain.ScenarioReputation, Severity: domain.Sev2, Lead: "ana"})
	f.key("A")
	if !f.m.Capturing() {
		t.Fatal("A opened no dialog")
	}
	f.typeText("Call the agency about the campaign")
	f.key("enter")
	f.key("A") // an empty item is refused
	f.key("enter")
	got, _ := f.s.Incident(inc.ID)
	if len(got.Checklist) != len(inc.Checklist)+1 || got.Checklist[len(got.Checklist)-1].Text != "Call the agency about the campaign" {
		t.Fatalf("checklist %+v (toasts %q)", got.Checklist, f.toasts())
	}
	if ts := f.toasts(); !contains(ts, "a checklist item needs words") {
		t.Fatalf("toasts %q", ts)
	}
}

// TestDialogOverlaysTheIncident: an open dialog is drawn over the incident
// view, centred, and every line keeps the pane's width.
func TestDialogOverlaysTheIncident(t *testing.T) {
	f := newFixture(t, themes.Dark, false)
	f.declare(store.IncidentSpec{Title: "Odd replies", Scenario: domain.ScenarioReputation, Severity: domain.Sev2, Lead: "ana"})
	f.key("i")
	screen := f.m.View()
	if !strings.Contains(ansi.Strip(screen), "Impact of INC-1") {
		t.Fatalf("dialog not drawn:\n%s", ansi.Strip(screen))
	}
	if !strings.Contains(ansi.Strip(screen), "Odd replies") {
		t.Fatalf("the incident behind the dialog is gone:\n%s", ansi.Strip(screen))
	}
	for i, l := range strings.Split(screen, "\n") {
		if w := ansi.StringWidth(l); w > 120 {
			t.Fatalf("line %d is %d cells wide, the pane is 120", i, w)
		}
	}
}

// TestUnchangedEditsSaySo: an edit that changes nothing says so instead of
// nothing at all (or a success), and counts read as words.
func TestUnchangedEditsSaySo(t *testing.T) {
	f := newFixture(t, themes.Dark, false)
	f.declare(store.IncidentSpec{Title: "Fake support account", Scenario: domain.ScenarioSecurity, Severity: domain.Sev2, Lead: "ana"})
	if plain := ansi.Strip(f.m.View()); !strings.Contains(plain, "0 linked mentions") {
		t.Fatalf("incident view:\n%s", plain)
	}
	f.key("t", "enter") // the title as it was
	f.key("S")
	f.typeText("a fake account says insulin is free")
	f.key("enter")
	f.key("S", "enter") // the same summary again
	got := f.toasts()
	want := []string{"nothing changed: the title of INC-1 is as it was", "nothing changed: the summary of INC-1 is as it was"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("toasts %q, want %q", got, want)
	}
	if inc, _ := f.s.Incident("INC-1"); inc.Summary != "a fake account says insulin is free" {
		t.Fatalf("summary %q", inc.Summary)
	}
}
