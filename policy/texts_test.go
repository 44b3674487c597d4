package policy

import (
	"strings"
	"testing"
)

func TestShippedTextsOfTheDefaultPackPassItsOwnRules(t *testing.T) {
	ran, fails := Default().TestTexts()
	if ran < 10 {
		t.Fatalf("checked %d shipped texts; the default pack has more", ran)
	}
	for _, f := range fails {
		t.Errorf("%s", f)
	}
}

func TestShippedTextsBlockedByTheirOwnPackFail(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - id: no-passwords
    kind: deny
    severity: block
    message: "do not talk about passwords"
    cite: c
    terms: [password*]
  - id: sorry-needs-legal
    kind: deny
    severity: approval
    role: legal
    message: "an apology needs legal"
    cite: c
    terms: [sorry]
templates:
  - id: ask-dm
    title: Ask for a DM
    lang: en
    text: "Hi {{author}}, we're sorry. Send us your password?"
  - id: fine
    title: Fine
    lang: en
    text: "We're sorry, {{author}}; we're on it."
playbooks:
  security:
    title: Security
    checklist: [Reset tokens]
    holding:
      SEV1: "We are investigating."
      SEV2: "We never ask for passwords."
`)
	ran, fails := p.TestTexts()
	if ran != 4 {
		t.Fatalf("ran %d texts, want 4 (2 holding statements, 2 templates)", ran)
	}
	var got []string
	for _, f := range fails {
		got = append(got, f.What)
		for _, b := range f.Blocked {
			if b.RuleID != "no-passwords" {
				t.Errorf("%s: an approval finding counted as a failure: %+v", f.What, b)
			}
		}
	}
	if strings.Join(got, ",") != "holding security SEV2,template ask-dm" {
		t.Fatalf("failures = %v, want the SEV2 statement and ask-dm", got)
	}
	if s := fails[1].String(); !strings.Contains(s, "no-passwords") || !strings.Contains(s, "Hi author") {
		t.Errorf("failure text %q names neither the rule nor the rendered text", s)
	}
}
