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

// Spans, fixes and line:col point into the text as written, whatever the
// fold removed (invisible characters), expanded (ß, ﬁ, ™, ½) or mapped
// (look-alikes) before and inside the match.
func TestSpansPointIntoTheOriginalAfterFolding(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - id: d
    kind: deny
    message: "no {{match}}"
    cite: c
    terms: ["guaranteed returns"]
  - id: s
    kind: substitute
    message: "say {{match}} differently"
    cite: c
    swap: {"detox": "cleanse"}
`)
	prefix := "Stra\u00dfe \ufb01ne\u2122 \u00bd \u200d\u200e\U000E0041 \u0430\u043e\r\n\u3164x\u00b2\r"
	match := "gu\u0430r\u200dant\u0435ed returns"
	text := prefix + match + " and D\u0435\u200btox."
	fs := p.Check(text, Context{})
	if len(fs) != 2 {
		t.Fatalf("findings %s", ids(fs))
	}
	d, s := fs[0], fs[1]
	if d.Start != len(prefix) || d.End != len(prefix)+len(match) || d.Match != match {
		t.Errorf("deny span %d-%d %q, want %d-%d %q", d.Start, d.End, d.Match, len(prefix), len(prefix)+len(match), match)
	}
	if d.Line != 3 || d.Col != 1 {
		t.Errorf("deny at %d:%d, want 3:1 (CRLF and a bare CR end lines)", d.Line, d.Col)
	}
	wantS := "D\u0435\u200btox"
	if s.Match != wantS || text[s.Start:s.End] != wantS || s.Col != 1+len([]rune(match+" and ")) {
		t.Errorf("substitute %q at %d-%d col %d", s.Match, s.Start, s.End, s.Col)
	}
	if got := ApplyFix(text, s); got != prefix+match+" and Cleanse." {
		t.Errorf("fix gives %q", got)
	}
}

// RE2's \b is ASCII-only: lint says so where a pattern can match a
// non-ASCII letter.
func TestLintWarnsOfASCIIWordBoundary(t *testing.T) {
	for pat, warn := range map[string]bool{`\bcafé\b`: true, `\b\pL+ly\b`: true, `\bfoo\b`: false, `caf[ée]`: false, `\b\w+\b`: false} {
		_, errs := Parse([]byte(head+"rules:\n  - id: r\n    kind: deny\n    message: m\n    cite: c\n    examples: {bad: [x]}\n    patterns: ['"+pat+"']\n"), "t.yaml")
		got := false
		for _, e := range errs {
			if e.Warning && strings.Contains(e.Msg, `\b only knows ASCII`) {
				got = true
			}
		}
		if got != warn {
			t.Errorf("%s: warning %v, want %v (%v)", pat, got, warn, errs)
		}
	}
}

// A template's {{field}} left in a draft blocks it, whatever the pack or
// the context, and no inline override clears it.
func TestUnfilledTemplateFieldBlocks(t *testing.T) {
	tpl, ok := Default().Template(Default().Templates()[0].ID)
	if !ok || len(tpl.Fields()) == 0 {
		t.Fatalf("the default pack's first template has no fields: %+v", tpl)
	}
	text := tpl.Text + "\npolicy:allow " + FieldRule + " \"later\""
	for _, ctx := range []Context{{}, {Platform: "x", Reply: true}, {Platform: "mastodon", Visibility: "private"}} {
		fs := Default().Check(text, ctx)
		n := 0
		for _, f := range fs {
			if f.RuleID != FieldRule {
				continue
			}
			n++
			if !f.Blocking() || text[f.Start:f.End] != f.Match || !strings.HasPrefix(f.Message, "template field {{") || !strings.HasSuffix(f.Message, "}} is not filled in") {
				t.Errorf("%+v", f)
			}
		}
		if want := strings.Count(tpl.Text, "{{"); n != want {
			t.Errorf("%v: %d field findings, want %d: %s", ctx, n, want, ids(fs))
		}
	}
	p := mustParse(t, head+"rules:\n  - id: r\n    kind: deny\n    message: m\n    cite: c\n    terms: [x]\n    when: {platforms: [reddit]}\n")
	fs := p.Check("Hi {{ name }}, your order {{order_id}} ships today.", Context{Platform: "x"})
	if ids(fs) != FieldRule+"={{ name }},"+FieldRule+"={{order_id}}" || fs[0].Message != "template field {{name}} is not filled in" || fs[1].Col != 27 {
		t.Errorf("pack without a field rule, no rule applies: %s %+v", ids(fs), fs)
	}
}
