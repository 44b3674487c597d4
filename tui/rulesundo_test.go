package tui

import (
	"strings"
	"testing"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/rules"
	"switchboard/store"
)

// rulesHarness is a store whose routing rule tags mentions that ask for a
// refund "billing" and routes them to team "support".
func rulesHarness(t *testing.T) *harness {
	t.Helper()
	set, err := rules.Compile([]config.Rule{{
		Name:  "refunds",
		Match: config.RuleMatch{Keywords: []string{"refund"}},
		Set:   config.RuleSet{Tags: []string{"billing"}, Team: "support"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return newHarnessWith(t, store.Options{Enrich: set.Apply}, seed(12), Options{Theme: "dark"}, 120, 40)
}

func toastHas(t *testing.T, h *harness, want string, wantErr bool) {
	t.Helper()
	h.until("the footer to say "+want, func() bool { text, _ := h.m.Toast(); return strings.Contains(text, want) })
	text, isErr := h.m.Toast()
	if !strings.Contains(text, want) || isErr != wantErr {
		t.Fatalf("footer %q (error %v), want %q (error %v)", text, isErr, want, wantErr)
	}
}

func TestUndoRoutingRulesFromDetail(t *testing.T) {
	h := rulesHarness(t)
	const k = "mastodon:1011" // newest: "refund please, acme support is slow #11"
	if got := cursorKey(t, h); got != k {
		t.Fatalf("first row %s", got)
	}
	if m := h.mention(k); !m.State.HasTag("billing") || m.State.Team != "support" {
		t.Fatalf("rule did not apply: %+v", m.State)
	}
	h.keys("enter")
	if s := stripANSI(h.screen()); !strings.Contains(s, "rules  tagged billing") || !strings.Contains(s, "rules  team: ∅ → support") {
		t.Fatalf("detail history lacks the rule's changes:\n%s", s)
	}
	h.keys("U")
	toastHas(t, h, "undid the routing rules' changes on this mention (2 changes)", false)
	if m := h.mention(k); m.State.HasTag("billing") || m.State.Team != "" {
		t.Fatalf("U left the rule's changes: %+v", m.State)
	}
	h.until("the detail view to show the undo", func() bool { return strings.Contains(stripANSI(h.screen()), "ana  undid") })
	s := stripANSI(h.screen())
	for _, want := range []string{"ana  undid tags: billing → ∅", "ana  undid team: support → ∅"} {
		if !strings.Contains(s, want) {
			t.Fatalf("detail history lacks %q after U:\n%s", want, s)
		}
	}
	evs, err := h.st.Events(k)
	if err != nil {
		t.Fatal(err)
	}
	var undos int
	for _, ev := range evs {
		if ev.Kind == domain.EventUndo {
			undos++
			if ev.Actor != "ana" {
				t.Fatalf("undo recorded as %q", ev.Actor)
			}
		}
	}
	if undos != 2 {
		t.Fatalf("%d undo events, want 2: %+v", undos, evs)
	}

	// a second U: nothing left, said plainly (not as a failure)
	h.keys("U")
	toastHas(t, h, "undone already", false)
	if m := h.mention(k); m.State.HasTag("billing") {
		t.Fatal("second U changed the mention")
	}

	// a mention no rule touched
	h.keys("esc", "j")
	if got := cursorKey(t, h); got == k {
		t.Fatal("cursor did not move")
	}
	h.keys("U")
	toastHas(t, h, "no routing rule changed this mention", false)
}

func TestUndoRoutingRulesAfterOperatorChangedThem(t *testing.T) {
	h := rulesHarness(t)
	const k = "x:1005" // the older refund mention
	m := h.mention(k)
	if _, err := h.st.Apply("ana", []uint64{m.ID}, store.Action{Kind: domain.EventUntag, Value: "billing"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.st.Apply("ana", []uint64{m.ID}, store.Action{Kind: domain.EventRoute, Value: "sales"}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	for i := 0; i < 12 && cursorKey(t, h) != k; i++ {
		h.keys("j")
	}
	if cursorKey(t, h) != k {
		t.Fatalf("did not reach %s", k)
	}
	h.keys("enter", "U")
	toastHas(t, h, "operators have since changed", false)
	if m := h.mention(k); m.State.Team != "sales" || m.State.HasTag("billing") {
		t.Fatalf("U overwrote the operator's changes: %+v", m.State)
	}
}

func TestUndoRoutingRulesFromPalette(t *testing.T) {
	h := rulesHarness(t)
	const k = "mastodon:1011"
	h.keys(":")
	h.typeText("routing")
	if s := stripANSI(h.screen()); !strings.Contains(s, "undo routing rules") {
		t.Fatalf("palette does not list the action:\n%s", s)
	}
	h.keys("enter")
	toastHas(t, h, "undid the routing rules' changes", false)
	if m := h.mention(k); m.State.HasTag("billing") || m.State.Team != "" {
		t.Fatalf("palette action left the rule's changes: %+v", m.State)
	}
}
