package rules

import (
	"path/filepath"
	"testing"
	"time"

	"switchboard/config"
	"switchboard/domain"
	"switchboard/store"
)

// TestSpamAndFYIRules: a known bot and a scam pattern are hidden as spam
// at ingest, FYI mentions are closed by a rule, and a question keeps its
// clock; every change is the rules' undoable event.
func TestSpamAndFYIRules(t *testing.T) {
	set, err := Compile([]config.Rule{
		{Name: "bots", Match: config.RuleMatch{Authors: []string{"@PromoBot"}}, Set: config.RuleSet{Status: "spam"}},
		{Name: "scams", Match: config.RuleMatch{Patterns: []string{`(?i)free (crypto|iphone)`}}, Set: config.RuleSet{Status: "spam"}},
		{Name: "fyi", Match: config.RuleMatch{FYI: ptr(true)}, Set: config.RuleSet{Status: "done", Tags: []string{"fyi"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{Enrich: set.Enrich(func(m *domain.Mention) {
		if m.Text == "Love it, thanks!" {
			m.Sentiment = 0.8
		}
	})})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	ms := []domain.Mention{
		{Platform: "x", NativeID: "1", Author: domain.Author{Handle: "@promobot"}, Text: "great deals", CreatedAt: at},
		{Platform: "x", NativeID: "2", Author: domain.Author{Handle: "@kim"}, Text: "Get a FREE iPhone now", CreatedAt: at},
		{Platform: "x", NativeID: "3", Author: domain.Author{Handle: "@ana"}, Text: "Love it, thanks!", CreatedAt: at},
		{Platform: "x", NativeID: "4", Author: domain.Author{Handle: "@bo"}, Text: "Where is my order?", CreatedAt: at},
		{Platform: "news", NativeID: "5", Author: domain.Author{Handle: "paper"}, Text: "Acme opens a store", CreatedAt: at, Kind: domain.KindNews},
	}
	if _, err := st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		status domain.Status
		fyi    bool
	}{"x:1": {"spam", false}, "x:2": {"spam", false}, "x:3": {"done", true}, "x:4": {"open", false}, "news:5": {"done", true}}
	for k, w := range want {
		m, _ := st.GetByKey(k)
		if m.State.Status != w.status || m.State.FYI != w.fyi {
			t.Errorf("%s: status %s fyi %v, want %s %v", k, m.State.Status, m.State.FYI, w.status, w.fyi)
		}
	}
	// the rules' changes are undone like any
	evs, _ := st.Events("x:1")
	if len(evs) != 1 || evs[0].Actor != Actor || evs[0].After != "spam" {
		t.Fatalf("events of the bot's mention: %+v", evs)
	}
	// an operator asks for a reply after all: the clock starts, undo stops it
	m4, _ := st.GetByKey("x:3")
	if _, err := st.Apply("ana", []uint64{m4.ID}, store.Action{Kind: domain.EventFYI, Value: "needs-reply"}); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.GetByKey("x:3"); m.State.FYI {
		t.Fatal("needs-reply left the FYI mark")
	}
	if _, err := st.Undo("ana"); err != nil {
		t.Fatal(err)
	}
	if m, _ := st.GetByKey("x:3"); !m.State.FYI {
		t.Fatal("undo did not restore the FYI mark")
	}
}

func TestNeedsReply(t *testing.T) {
	for _, tc := range []struct {
		m    domain.Mention
		want bool
	}{
		{domain.Mention{Kind: domain.KindDM, Text: "thanks!", Sentiment: 0.9}, true},
		{domain.Mention{Text: "is the shop open today?"}, true},
		{domain.Mention{Text: "this is broken", Sentiment: -0.6}, true},
		{domain.Mention{Text: "love the app", Sentiment: 0.7}, false},
		{domain.Mention{Text: "RT @acme: new release", Sentiment: 0}, false},
		{domain.Mention{Kind: domain.KindNews, Text: "Acme results"}, false},
		{domain.Mention{Text: "my parcel arrived at the wrong address"}, true}, // unsure: a reply
	} {
		if got := domain.NeedsReply(&tc.m); got != tc.want {
			t.Errorf("NeedsReply(%q, kind %s, %.1f) = %v", tc.m.Text, tc.m.Kind, tc.m.Sentiment, got)
		}
	}
}
