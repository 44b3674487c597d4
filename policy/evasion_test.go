package policy

import (
	"strings"
	"testing"
)

// evasions are drafts that hide a default-pack term from a naive folder:
// compatibility symbols glued to it, invisible characters inside it,
// look-alike letters from other scripts. Each must still raise the rule.
var evasions = []struct {
	name, text, rule string
}{
	// compatibility forms next to a term
	{"trade mark sign", "Try our Detox\u2122 tea", "no-health-claims"},
	{"superscript one", "Clinically proven\u00b9 to work", "no-health-claims"},
	{"superscript two", "guaranteed returns\u00b2 for all", "no-financial-promises"},
	{"vulgar fraction", "detox\u00bd price", "no-health-claims"},
	{"fraction before", "\u00bcdetox", "no-health-claims"},
	{"service mark", "Detox\u2120 kit", "no-health-claims"},
	{"square kg", "lose weight fast\u338f", "no-health-claims"},
}

func TestEvasionsStillMatch(t *testing.T) {
	p := Default()
	for _, e := range evasions {
		t.Run(e.name, func(t *testing.T) {
			fs := p.Check(e.text, Context{})
			for _, f := range fs {
				if f.RuleID == e.rule {
					if !strings.Contains(e.text, f.Match) || e.text[f.Start:f.End] != f.Match {
						t.Errorf("%q: span %d-%d does not hold match %q", e.text, f.Start, f.End, f.Match)
					}
					return
				}
			}
			t.Errorf("%q: no %s finding; got %s", e.text, e.rule, ids(fs))
		})
	}
}
