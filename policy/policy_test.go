package policy

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"switchboard/domain"
)

func mustParse(t testing.TB, src string) *Pack {
	t.Helper()
	p, errs := Parse([]byte(src), "t.yaml")
	if p == nil {
		t.Fatalf("parse: %v", errs)
	}
	return p
}

const head = "id: t\nversion: '1'\nowner: me\nreview_by: '2030-01-01'\n"

func ids(fs []Finding) string {
	var b []string
	for _, f := range fs {
		b = append(b, f.RuleID+"="+f.Match)
	}
	return strings.Join(b, ",")
}

func TestDenyFoldsCaseAccentsAnyScript(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - id: d
    kind: deny
    severity: block
    message: "no {{match}}"
    cite: c
    terms: [café, schuld, "guaranteed returns", 詐欺, ΣΟΦΟΣ, "#ad", refund*]
`)
	tests := []struct{ text, want string }{
		{"Het is niet onze SCHULD!", "d=SCHULD"},
		{"Cafe\u0301 open", "d=Cafe\u0301"},                   // combining accent in the text
		{"CAFÉ open", "d=CAFÉ"},                               // accent and case
		{"schuldig", ""},                                      // whole word only
		{"Guaranteed\n  returns!", "d=Guaranteed\n  returns"}, // whitespace runs
		{"これは詐欺です", "d=詐欺"},                                   // no spaces in Japanese
		{"σοφος", "d=σοφος"},                                  // Greek case and final sigma
		{"#AD here", "d=#AD"},
		{"ＳＣＨＵＬＤ", "d=ＳＣＨＵＬＤ"}, // full-width
		{"refunds and Refunded", "d=refunds,d=Refunded"},
		{"sch\u200Buld", "d=sch\u200Buld"}, // zero-width space dodge
	}
	for _, tc := range tests {
		fs := p.Check(tc.text, Context{})
		if got := ids(fs); got != tc.want {
			t.Errorf("Check(%q) = %q, want %q", tc.text, got, tc.want)
		}
		for _, f := range fs {
			if tc.text[f.Start:f.End] != f.Match || f.Message != "no "+clip(f.Match) {
				t.Errorf("span/message wrong: %+v", f)
			}
		}
	}
}

func TestLineColInCharacters(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - {id: d, kind: deny, message: m, cite: c, terms: [bad]}
`)
	fs := p.Check("héé 👨‍👩‍👧 ok\nnaïve bad", Context{})
	if len(fs) != 1 || fs[0].Line != 2 || fs[0].Col != 7 {
		t.Fatalf("findings %+v", fs)
	}
	fs = p.Check("日本 bad", Context{})
	if fs[0].Col != 4 || fs[0].Start != len("日本 ") {
		t.Fatalf("findings %+v", fs)
	}
}

func TestSubstituteAndApplyFix(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - id: s
    kind: substitute
    message: "say {{match}} differently"
    cite: c
    swap: {utilise: use, "klant­vriendelijk": klantgericht, e-mail: email}
`)
	text := "Utilise the E-mail link"
	fs := p.Check(text, Context{})
	if len(fs) != 2 {
		t.Fatalf("findings %+v", fs)
	}
	if fs[0].Fix != "Use" || fs[1].Fix != "EMAIL" && fs[1].Fix != "Email" {
		t.Errorf("fixes %q %q", fs[0].Fix, fs[1].Fix)
	}
	// Apply from the end so spans stay valid.
	out := ApplyFix(text, fs[1])
	out = ApplyFix(out, fs[0])
	if out != "Use the Email link" {
		t.Errorf("applied: %q", out)
	}
	if ApplyFix("changed", fs[0]) != "changed" {
		t.Error("a stale fix must not apply")
	}
}

func TestWhenAndExcept(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - id: r
    kind: deny
    message: m
    cite: c
    terms: [free]
    except: {terms: [feel free]}
    when: {platforms: [x, bluesky], visibility: public, type: reply, lang: [en]}
`)
	reply := Context{Platform: domain.PlatformX, Reply: true, Lang: "en-GB"}
	if ids(p.Check("free stuff", reply)) != "r=free" {
		t.Error("should fire on an X reply")
	}
	for _, ctx := range []Context{
		{Platform: domain.PlatformMastodon, Reply: true},
		{Platform: domain.PlatformX},
		{Platform: domain.PlatformX, Reply: true, Visibility: domain.VisibilityPrivate},
		{Platform: domain.PlatformX, Reply: true, Lang: "nl"},
	} {
		if fs := p.Check("free stuff", ctx); len(fs) != 0 {
			t.Errorf("should not fire in %+v: %v", ctx, fs)
		}
	}
	if fs := p.Check("Feel free to ask", reply); len(fs) != 0 {
		t.Errorf("except should cover: %v", fs)
	}
}

func TestRequireIfDisclosure(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - id: ftc
    kind: require_if
    severity: block
    message: "{{match}} needs #ad"
    cite: FTC
    if: {terms: [Contoso, "in samenwerking met"]}
    terms: ["#ad", "#advertentie"]
    weak: ["#sp", "#spon"]
    within: 40
`)
	tests := []struct {
		text, want string
	}{
		{"#ad Schoenen van Contoso 👟", ""},
		{"#advertentie In samenwerking met Contoso", ""},
		{"Schoenen van Contoso 👟", "ftc=Contoso"},
		{"Schoenen van Contoso #spon", "ftc=#spon"},
		{"Schoenen van Contoso, echt heel erg fijn om te dragen #ad", "ftc=#ad"},
		{"Contoso! #run #fit #shoes #ad", "ftc=#ad"},
		{"Geen partner hier #sp", ""},
	}
	for _, tc := range tests {
		if got := ids(p.Check(tc.text, Context{})); got != tc.want {
			t.Errorf("Check(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestRequire(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - {id: sig, kind: require, message: "sign with ^initials", cite: c, patterns: ['\^[A-Z]{2}\b'], within: 280}
`)
	if len(p.Check("Thanks! ^JD", Context{})) != 0 {
		t.Error("signed text flagged")
	}
	fs := p.Check("Thanks!", Context{})
	if len(fs) != 1 || fs[0].Start != 0 || fs[0].End != 0 {
		t.Errorf("unsigned: %+v", fs)
	}
}

func TestCountKinds(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - {id: tags, kind: count, count: hashtags, max: 2, message: "{{count}} tags", cite: c}
  - {id: at, kind: count, count: mentions, max: 1, message: m, cite: c}
  - {id: emo, kind: count, count: emoji, max: 2, message: m, cite: c}
  - {id: caps, kind: count, count: caps, max: 2, message: m, cite: c}
  - {id: links, kind: count, count: links, max: 1, message: m, cite: c}
  - {id: excl, kind: count, count: pattern, patterns: ['!'], max: 2, message: m, cite: c}
`)
	fs := p.Check("#één #twee #drie @a@b.nl @c.bsky.social 👍🏽🇳🇱👨‍👩‍👧 HET IS ZO KLAAR https://a.nl b.com !!!", Context{})
	got := map[string]Finding{}
	for _, f := range fs {
		got[f.RuleID] = f
	}
	if f := got["tags"]; f.Match != "#drie" || f.Message != "3 tags" {
		t.Errorf("tags: %+v", f)
	}
	if f := got["at"]; f.Match != "@c.bsky.social" {
		t.Errorf("mentions: %+v", f)
	}
	if f := got["emo"]; f.Match != "👨‍👩‍👧" {
		t.Errorf("emoji: %+v", f)
	}
	if f := got["caps"]; f.Match != "HET IS ZO KLAAR" {
		t.Errorf("caps: %+v", f)
	}
	if f := got["links"]; f.Match != "b.com" {
		t.Errorf("links: %+v", f)
	}
	if f := got["excl"]; f.Match != "!" {
		t.Errorf("pattern: %+v", f)
	}
}

func TestDetectors(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - {id: email, kind: detector, detector: email, message: m, cite: c}
  - {id: phone, kind: detector, detector: phone, message: m, cite: c}
  - {id: card, kind: detector, detector: card, message: m, cite: c}
  - {id: iban, kind: detector, detector: iban, message: m, cite: c}
  - {id: bsn, kind: detector, detector: custom, patterns: ['\b\d{16}\b'], checksum: luhn, message: m, cite: c}
`)
	tests := []struct{ text, want string }{
		{"mail zoë@voorbeeld.nl nu", "email=zoë@voorbeeld.nl"},
		{"bel +31 (0)20 123 4567 of 020-1234567", "phone=+31 (0)20 123 4567,phone=020-1234567"},
		{"kaart 4111 1111 1111 1111.", "card=4111 1111 1111 1111"},
		{"kaart 4111 1111 1111 1112.", ""},
		{"NL91ABNA0417164300 en NL91ABNA0417164301", "iban=NL91ABNA0417164300"},
		{"GB82 WEST 1234 5698 7654 32", "iban=GB82 WEST 1234 5698 7654 32"},
		{"datum 2024-05-01 om 10.30", ""},
		{"id 4111111111111111", "bsn=4111111111111111,card=4111111111111111"},
	}
	for _, tc := range tests {
		if got := ids(p.Check(tc.text, Context{})); got != tc.want {
			t.Errorf("Check(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestLinkRules(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - {id: allow, kind: link, allow_domains: [example.com], message: "{{reason}}", cite: c}
  - {id: deny, kind: link, deny_domains: [evil.test, bad.nl], message: "{{reason}}", cite: c}
  - {id: short, kind: link, shorteners: true, message: "{{reason}}", cite: c}
  - {id: internal, kind: link, internal: true, internal_domains: [corp.example.com], message: "{{reason}}", cite: c}
  - {id: login, kind: link, login: true, message: "{{reason}}", cite: c}
`)
	tests := []struct{ text, want string }{
		{"zie https://help.example.com/faq", ""},
		{"zie https://www.bad.nl/x", "allow=https://www.bad.nl/x,deny=https://www.bad.nl/x"},
		{"kort: bit.ly/abc", "allow=bit.ly/abc,short=bit.ly/abc"},
		{"http://192.168.1.10/admin", "allow=http://192.168.1.10/admin,internal=http://192.168.1.10/admin"},
		{"https://wiki.corp.example.com/x", "internal=https://wiki.corp.example.com/x"},
		{"https://example.com/account/login", "login=https://example.com/account/login"},
	}
	for _, tc := range tests {
		if got := ids(p.Check(tc.text, Context{})); got != tc.want {
			t.Errorf("Check(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestApprovalAndOverride(t *testing.T) {
	p := mustParse(t, head+`
rules:
  - {id: legal, kind: approval, role: legal, terms: [rechtszaak, lawsuit], message: "{{role}}: {{match}}", cite: c}
  - {id: hard, kind: deny, severity: block, no_override: true, terms: [secret], message: m, cite: c}
`)
	fs := p.Check("Een rechtszaak? Nee.", Context{})
	if len(fs) != 1 || fs[0].Severity != Approval || fs[0].Role != "legal" || !fs[0].Blocking() || fs[0].Message != "legal: rechtszaak" {
		t.Fatalf("%+v", fs)
	}
	fs = p.Check("Een rechtszaak? Nee.", Context{Approvals: []string{"Legal"}})
	if !fs[0].Approved || fs[0].Blocking() {
		t.Fatalf("approved: %+v", fs)
	}
	// an approval is someone else's sign-off: an inline override is
	// reported but does not replace it
	text := "A lawsuit, yes. policy:allow legal \"cleared by counsel, ticket 42\""
	fs = p.Check(text, Context{})
	if len(fs) != 2 || fs[0].Overridden || !fs[0].Blocking() || fs[1].RuleID != "policy-override" || !strings.Contains(fs[1].Message, "needs sign-off by legal") {
		t.Fatalf("override of an approval: %+v", fs)
	}
	fs = p.Check("secret\npolicy:allow hard \"please\"\npolicy:allow nope \"x\"\npolicy:allow legal", Context{})
	var msgs []string
	for _, f := range fs {
		msgs = append(msgs, fmt.Sprintf("%s:%v", f.RuleID, f.Overridden))
	}
	if strings.Join(msgs, " ") != "hard:false policy-override:false policy-override:false policy-override:false" {
		t.Errorf("got %v", msgs)
	}
	if got := StripOverrides(text); got != "A lawsuit, yes. " {
		t.Errorf("strip: %q", got)
	}
	if got := StripOverrides("Hi\npolicy:allow legal \"ok\"\nBye"); got != "Hi\nBye" {
		t.Errorf("strip line: %q", got)
	}
}

func TestLengthRule(t *testing.T) {
	p := mustParse(t, head+`
limits: {mastodon: 20}
rules:
  - {id: len, kind: length, message: "{{length}}/{{limit}}", cite: c}
`)
	fs := p.Check(strings.Repeat("é", 21), Context{Platform: domain.PlatformMastodon})
	if len(fs) != 1 || fs[0].Message != "21/20" || fs[0].Start != 40 {
		t.Fatalf("%+v", fs)
	}
	x := strings.Repeat("日", 141)
	fs = p.Check(x, Context{Platform: domain.PlatformX})
	if len(fs) != 1 || fs[0].Message != "282/280" || fs[0].Start != 140*3 {
		t.Fatalf("%+v", fs)
	}
	if n, limit := Length(domain.PlatformBluesky, "hoi https://example.com/"); n != 15 || limit != 300 {
		t.Errorf("Length bluesky = %d/%d", n, limit)
	}
}

func TestLengthRulePrivateMessages(t *testing.T) {
	long := strings.Repeat("Sorry for the trouble. ", 16)[:363]
	p := Default()
	for _, tc := range []struct {
		platform domain.Platform
		public   bool // over the public limit
		limit    int  // private limit
	}{
		{domain.PlatformX, true, 10000},
		{domain.PlatformBluesky, true, 1000},
		{domain.PlatformReddit, false, 10000},
		{domain.PlatformMastodon, false, 500},
	} {
		pub := findingsOf(p.Check(long, Context{Platform: tc.platform, Visibility: domain.VisibilityPublic}), "too-long")
		if (len(pub) > 0) != tc.public {
			t.Errorf("%s public: %+v", tc.platform, pub)
		}
		if fs := findingsOf(p.Check(long, Context{Platform: tc.platform, Visibility: domain.VisibilityPrivate}), "too-long"); len(fs) > 0 {
			t.Errorf("%s private: a 363-character message is held to a post's limit: %+v", tc.platform, fs)
		}
		if n, limit := LengthFor(tc.platform, domain.VisibilityPrivate, long); n != 363 || limit != tc.limit {
			t.Errorf("%s LengthFor private = %d/%d, want 363/%d", tc.platform, n, limit, tc.limit)
		}
	}
	// Past the message limit the rule fires, at the first character over.
	dm := strings.Repeat("a", 10001)
	fs := findingsOf(p.Check(dm, Context{Platform: domain.PlatformX, Visibility: domain.VisibilityPrivate}), "too-long")
	if len(fs) != 1 || fs[0].Start != 10000 || !strings.Contains(fs[0].Message, "10001 of 10000") {
		t.Fatalf("X DM over 10,000: %+v", fs)
	}
	// A Mastodon direct message is a status: the instance limit holds.
	inst := mustParse(t, head+`
limits: {mastodon: 100, x: 200}
rules:
  - {id: len, kind: length, message: "{{length}}/{{limit}}", cite: c}
`)
	if fs := inst.Check(long, Context{Platform: domain.PlatformMastodon, Visibility: domain.VisibilityPrivate}); len(fs) != 1 || fs[0].Message != "363/100" {
		t.Errorf("Mastodon direct: %+v", fs)
	}
	// The pack's X post limit does not shrink a DM.
	if c := inst.LengthFor(domain.PlatformX, domain.VisibilityPrivate, long); c.Limit != 10000 || c.Exceeded() {
		t.Errorf("X DM with a post limit: %+v", c)
	}
	if c := inst.LengthFor(domain.PlatformX, domain.VisibilityPublic, long); c.Limit != 200 || !c.Exceeded() {
		t.Errorf("X post with a post limit: %+v", c)
	}
}

func TestTemplatesAndPlaybooks(t *testing.T) {
	p := Default()
	tpl, ok := p.Template("outage-ack")
	if !ok || strings.Join(tpl.Fields(), ",") != "author,service,status_url" {
		t.Fatalf("template: %+v", tpl)
	}
	if _, err := tpl.Render(map[string]string{"author": "@jan"}); err == nil {
		t.Error("missing fields must fail")
	}
	s, err := tpl.Render(map[string]string{"author": "@jan", "service": "login", "status_url": "https://status.example.com"})
	if err != nil || !strings.HasPrefix(s, "Hi @jan,") {
		t.Errorf("render: %q %v", s, err)
	}
	pb, ok := p.Playbook(string(domain.ScenarioSecurity))
	if !ok || len(pb.Checklist) == 0 || !strings.Contains(pb.HoldingFor(domain.Sev3), "suspicious") {
		t.Errorf("playbook: %+v", pb)
	}
	if pb, ok := p.Playbook("unknown"); !ok || pb.Scenario != "other" {
		t.Errorf("fallback playbook: %+v", pb)
	}
	// the security breach playbook of issue 8: stop sending, lock the
	// accounts, off-board departed operators, tell legal
	for _, want := range []string{"Pause all sending", "Lock and rotate account credentials",
		"Revoke departed operators (switchboard operators remove)", "Notify legal"} {
		found := false
		for _, item := range pb.Checklist {
			found = found || strings.HasPrefix(item, want)
		}
		if !found {
			t.Errorf("security checklist lacks %q: %q", want, pb.Checklist)
		}
	}
}

func TestDefaultPackExamplesAndCoverage(t *testing.T) {
	p := Default()
	ran, fails := p.TestExamples()
	for _, f := range fails {
		t.Error(f.String())
	}
	if ran < 40 {
		t.Errorf("only %d examples", ran)
	}
	areas, rules := p.Areas()
	for _, want := range []string{"reputation", "security", "compliance", "legal", "financial", "personal-data", "confidentiality"} {
		if len(rules[want]) == 0 {
			t.Errorf("default pack has no %s rules (areas %v)", want, areas)
		}
	}
	for _, r := range p.Rules() {
		if r.Cite == "" || len(r.Examples.Bad) == 0 || len(r.Examples.Good) == 0 {
			t.Errorf("rule %s lacks a cite or examples", r.ID)
		}
	}
}

func TestLintReportsPositions(t *testing.T) {
	src := `id: t
version: "1"
review_by: 31-12-2030
lists:
  l: [a]
rules:
  - id: one
    kind: deny
    severity: fatal
    message: m
    cite: c
    terms: [x]
    lists: [nope]
    patterns: ['(unclosed']
    when: {platforms: [myspace], visibility: secret}
  - id: one
    kind: deny
    message: m
  - id: two
    kind: dance
    mesage: typo
templates:
  - id: t1
    text: "Hi {{author"
playbooks:
  legal:
    checklist: [a]
    holding: {P1: x}
`
	_, errs := Parse([]byte(src), "bad.yaml")
	want := []string{
		"bad.yaml:3:12: error: review_by",
		"bad.yaml:9:15: error: rule one: severity",
		"bad.yaml:13:13: error: rule one: unknown list",
		"bad.yaml:14:16: error: rule one: bad pattern",
		"bad.yaml:15:24: error: rule one: unknown platform",
		"bad.yaml:15:46: error: rule one: visibility",
		"bad.yaml:16:9: error: duplicate rule id",
		"bad.yaml:20:5: error: rule two: unknown kind", // at the key
		"bad.yaml:21:5: error: unknown field \"mesage\"",
		"bad.yaml:24:11: error: template \"t1\" has a malformed",
		"bad.yaml:28:15: error: holding statement key \"P1\"",
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	all := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("missing %q in:\n%s", w, all)
		}
	}
	if _, errs := Parse([]byte("id: [\n"), "y.yaml"); len(errs) != 1 || errs[0].Line < 1 {
		t.Errorf("syntax error: %v", errs)
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"Only an idiot would say that!", "policy:allow no-insults \"x\" idiot", "Mail zoë@voorbeeld.nl of +31 6 1234 5678",
		"#ad Contoso 👨‍👩‍👧 https://bit.ly/x", "Cafe\u0301 ＳＣＨＵＬＤ \u200B", "WE ARE SO SORRY 4111 1111 1111 1111", "\xff\xfe@\x00http://10.0.0.1",
		"Detox\u2122 gu\u0430r\u200dant\u0435ed returns\u00b2 \u00bd\U000E0041", "Hi {{name}}, \u3164\u338f\r\rde\ufe0ftox"} {
		f.Add(s)
	}
	p := Default()
	f.Fuzz(func(t *testing.T, s string) {
		boundary := map[int]bool{len(s): true}
		for i := range s {
			boundary[i] = true
		}
		for _, ctx := range []Context{{Platform: domain.PlatformX, Reply: true}, {Platform: domain.PlatformBluesky, Visibility: domain.VisibilityPrivate}} {
			fs := p.Check(s, ctx)
			for _, f := range fs {
				if f.Start < 0 || f.End > len(s) || f.Start > f.End || !boundary[f.Start] || !boundary[f.End] {
					t.Fatalf("bad span %d..%d in %q (%s)", f.Start, f.End, s, f.RuleID)
				}
				if s[f.Start:f.End] != f.Match {
					t.Fatalf("match %q != span text", f.Match)
				}
				if f.Line < 1 || f.Col < 1 || f.Col > utf8.RuneCountInString(s)+1 {
					t.Fatalf("bad line/col %d:%d", f.Line, f.Col)
				}
			}
		}
	})
}
