package policy

import (
	"strings"
	"testing"
)

func TestSharpSFoldsToSS(t *testing.T) {
	p, errs := Parse([]byte(`id: t
version: "1"
owner: o
review_by: 2030-01-01
rules:
  - id: street
    kind: deny
    severity: warn
    message: "{{match}}"
    cite: test
    terms: ["Straße"]
    examples: {bad: ["Straße"], good: ["Strand"]}
`), "t.yaml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, text := range []string{"the Straße here", "STRASSE", "strasse", "STRAẞE", "Strasse!"} {
		if fs := p.Check(text, Context{}); len(fs) != 1 || fs[0].RuleID != "street" {
			t.Errorf("%q: findings %+v", text, fs)
		}
	}
}

func TestLintReportsProblemsOfADuplicateRule(t *testing.T) {
	_, errs := Parse([]byte(`id: t
version: "1"
owner: o
review_by: 2030-01-01
rules:
  - id: r1
    kind: deny
    severity: warn
    message: m
    cite: c
    terms: [x]
  - id: r1
    kind: nosuch
    severity: warn
    message: m
`), "t.yaml")
	text := ""
	for _, e := range errs {
		text += e.Error() + "\n"
	}
	for _, want := range []string{`duplicate rule id "r1"`, `unknown kind "nosuch"`} {
		if !strings.Contains(text, want) {
			t.Errorf("lint misses %q:\n%s", want, text)
		}
	}
}

func TestInlineOverrideCannotSignOffAnApproval(t *testing.T) {
	text := "We are liable for this, it was our fault.\npolicy:allow no-liability-admission \"it is true\""
	fs := Default().Check(text, Context{Platform: "x", Visibility: "public", Reply: true})
	var approval, warned bool
	for _, f := range fs {
		if f.RuleID == "no-liability-admission" && f.Severity == Approval && f.Blocking() {
			approval = true
		}
		if f.RuleID == "policy-override" && strings.Contains(f.Message, "sign-off") {
			warned = true
		}
	}
	if !approval || !warned {
		t.Fatalf("an inline override cleared an approval: %+v", fs)
	}
}
