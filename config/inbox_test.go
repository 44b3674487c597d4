package config

import (
	"strings"
	"testing"
	"time"
)

func TestInboxSection(t *testing.T) {
	c, err := Parse([]byte(`inbox:
  theme: high-contrast
  teams: [support, billing]
  operators: [ana]
  clock: {urgent: 10m, low: 48h}
  views:
    - name: Billing
      filter: "status:open tag:billing"
      sort: due
  rules:
    - name: outage
      match: {keywords: [outage], platforms: [x], min_followers: 100, verified: true, sentiment_below: -0.2}
      set: {tags: [outage], team: support, priority: urgent}
`), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in := c.Inbox
	if in.Theme != "high-contrast" || len(in.Teams) != 2 || in.Operators[0] != "ana" {
		t.Fatalf("inbox %+v", in)
	}
	if in.Clock.Target("urgent") != 10*time.Minute || in.Clock.Target("low") != 48*time.Hour || in.Clock.Target("") != 4*time.Hour {
		t.Fatalf("clock %+v", in.Clock)
	}
	if v := in.Views[0]; v.Name != "Billing" || v.Sort != "due" || v.Line != 7 {
		t.Fatalf("view %+v", v)
	}
	r := in.Rules[0]
	if r.Line != 11 || *r.Match.Verified != true || *r.Match.SentimentBelow != -0.2 || r.Set.Priority != "urgent" {
		t.Fatalf("rule %+v", r)
	}
	if !in.ShowBuiltinViews() {
		t.Fatal("builtin views default on")
	}
}

func TestInboxNotificationFields(t *testing.T) {
	cfg, err := Parse([]byte("inbox:\n  breach_warning: 5m\n  terminal_notifications: osc777\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Inbox.Warning() != 5*time.Minute || cfg.Inbox.TerminalNotifications != "osc777" {
		t.Fatalf("%+v", cfg.Inbox)
	}
	if (Inbox{}).Warning() != 10*time.Minute {
		t.Fatal("the default warning is 10m")
	}
}

func TestInboxSectionErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"inbox:\n  colour: red\n", `line 2: inbox: unknown field "colour"`},
		{"inbox:\n  rules:\n    - match: {keyword: [x]}\n      set: {team: a}\n", `line 3: inbox.rules.match: unknown field "keyword"`},
		{"inbox:\n  theme: neon\n", `inbox.theme "neon"`},
		{"inbox:\n  rules:\n    - name: r\n      match: {platforms: [myspace]}\n      set: {team: a}\n", `line 3: inbox.rules: r: platform "myspace"`},
		{"inbox:\n  rules:\n    - name: r\n      match: {langs: [en]}\n", `line 3: inbox.rules: r sets nothing`},
		{"inbox:\n  views:\n    - name: A\n    - name: A\n", `line 4: inbox.views: view "A" is defined twice`},
		{"inbox:\n  views:\n    - name: A\n      sort: random\n", `sort "random"`},
		{"inbox:\n  rules:\n    - name: r\n      match: {sentiment_above: 3}\n      set: {team: a}\n", `between -1 and 1`},
		{"inbox:\n  terminal_notifications: loud\n", `inbox.terminal_notifications "loud": want off, bell, osc9, osc777`},
		{"inbox:\n  breach_warning: 48h\n", `inbox.breach_warning: 48h0m0s is not a duration between 0 and 24h`},
	} {
		_, err := Parse([]byte(tc.yaml), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
