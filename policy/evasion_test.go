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
	// invisible characters inside a term (Default_Ignorable_Code_Point)
	{"zero width joiner", "gua\u200dranteed returns", "no-financial-promises"},
	{"left-to-right mark", "de\u200etox", "no-health-claims"},
	{"right-to-left mark", "guaranteed\u200f returns", "no-financial-promises"},
	{"LRE", "de\u202atox", "no-health-claims"},
	{"RLO", "de\u202etox", "no-health-claims"},
	{"LRI", "de\u2066tox", "no-health-claims"},
	{"PDI", "det\u2069ox", "no-health-claims"},
	{"function application", "de\u2061tox", "no-health-claims"},
	{"invisible plus", "de\u2064tox", "no-health-claims"},
	{"variation selector 16", "de\ufe0ftox", "no-health-claims"},
	{"variation selector 1", "de\ufe00tox", "no-health-claims"},
	{"variation selector 17", "de\U000E0100tox", "no-health-claims"},
	{"Mongolian selector", "de\u180btox", "no-health-claims"},
	{"tag letter", "de\U000E0041tox", "no-health-claims"},
	{"cancel tag", "de\U000E007Ftox", "no-health-claims"},
	{"Hangul filler", "de\u3164tox", "no-health-claims"},
	{"halfwidth Hangul filler", "de\uffa0tox", "no-health-claims"},
	{"Hangul choseong filler", "de\u115ftox", "no-health-claims"},
	{"Khmer inherent vowel", "de\u17b4tox", "no-health-claims"},
	{"Arabic letter mark", "de\u061ctox", "no-health-claims"},
	{"soft hyphen and ZWJ", "ris\u00ad\u200dk-free", "no-financial-promises"},
	// look-alike letters (UTS #39 skeleton, Latin prototypes)
	{"Cyrillic a", "gu\u0430ranteed returns", "no-financial-promises"},
	{"Cyrillic e and o", "d\u0435t\u043ex", "no-health-claims"},
	{"Cyrillic capitals", "RI\u0405K-FR\u0415\u0415", "no-financial-promises"},
	{"Cyrillic capital I", "R\u0406SK-FREE", "no-financial-promises"},
	{"Cyrillic dze and es", "ri\u0455k fr\u0435e", "no-financial-promises"},
	{"Greek omicron", "det\u03bfx", "no-health-claims"},
	{"Greek capitals", "DETO\u03a7 \u039dOW", "no-health-claims"},
	{"Armenian o", "det\u0585x", "no-health-claims"},
	{"Latin alpha", "gu\u0251ranteed returns", "no-financial-promises"},
	{"dotless i", "cl\u0131nically proven", "no-health-claims"},
	{"Cherokee capitals", "\u13a0ETOX", "no-health-claims"},
	{"fullwidth with Cyrillic", "\uff44\u0435\uff54\uff4f\uff58", "no-health-claims"},
	{"math bold with Cyrillic", "\U0001d41d\u0435\U0001d42d\U0001d428\U0001d431", "no-health-claims"},
	{"small capitals", "\u1d04ures your cold, det\u1d0fx", "no-health-claims"},
	{"approval term, Cyrillic o", "It was \u043eur fault", "no-liability-admission"},
	{"approval term, Greek iota", "we are l\u03b9able", "no-liability-admission"},
	{"all three at once", "gu\u0430r\u200dant\u0435ed returns\u00b2", "no-financial-promises"},
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
