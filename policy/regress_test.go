package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"switchboard/domain"
	"switchboard/policy/textlen"
)

// The regression snapshot freezes what Check, the counters and the URL
// extractor return for a wide set of texts (every example of the default
// pack, every text of twitter-text's extract and validate suites, the fuzz
// seeds, hostile and multilingual drafts) in several contexts, so a speed
// change that alters any finding, span or length fails here. Regenerate
// with `SWITCHBOARD_UPDATE_SNAPSHOT=1 go test -run TestRegressionSnapshot` only when a
// behaviour change is intended.

type snapCase struct {
	Text     []byte          `json:"text"`     // bytes: texts may be invalid UTF-8
	Findings [][]Finding     `json:"findings"` // one list per snapContexts entry
	Lengths  []textlen.Count `json:"lengths"`  // x, mastodon, bluesky
	URLs     []textlen.URL   `json:"urls"`
	URLsP    []textlen.URL   `json:"urls_protocol"`
}

var snapContexts = []Context{
	{Platform: domain.PlatformX, Reply: true},
	{Platform: domain.PlatformMastodon},
	{Platform: domain.PlatformBluesky, Visibility: domain.VisibilityPrivate},
	{Platform: "generic", Lang: "nl", Approvals: []string{"legal"}},
}

const snapPath = "testdata/regress.json"

func snapTexts(t *testing.T) []string {
	texts := []string{
		draft280, "", " ", "a.b", "x.com", "https://", "http://a.co", "HTTPS://EXAMPLE.COM/PATH?q=1#frag",
		"t.co t.co/abc bit.ly/3xYz www.example.co.uk/pad(1)", "mail zoë@voorbeeld.nl, bel +31 6 1234 5678 of 020-123 4567",
		"IBAN NL91 ABNA 0417 1643 00 en kaart 4111 1111 1111 1111", "Cafe\u0301 ＳＣＨＵＬＤ \u200B idioot",
		"WE ARE SO SORRY WE ARE FIXING IT #ad #a #b #c #d #e", "policy:allow no-insults \"reason\" you idiot",
		"例えば https://例え.テスト/パス と example.みんな 🎉👩‍👩‍👧", "\xff\xfe@\x00http://10.0.0.1 intranet.corp/x",
		"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.com", strings.Repeat("ab.", 200) + "com",
		"-example.com _example.com .example.com /example.com @example.com #example.com $example.com",
		"café.com caféexample.com éexample.com http://café.com https://xn--caf-dma.com",
		"ends with a dot example.com. and (example.com) and \"example.com\"", "foo:http://example.com bar://example.com",
		"http://example.com:8080/path http://example.com:/x https://a-b_c.example.com/~x",
		"Use my code SAVE10 at the checkout! #sp", "Thanks to our partner Contoso for the shoes! #running #shoes #fitness #ad #sport",
	}
	for _, r := range Default().Rules() {
		texts = append(texts, r.Examples.Bad...)
		texts = append(texts, r.Examples.Good...)
	}
	for _, name := range []string{"extract.yml", "validate.yml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "shared", "reference", "twitter-text", name))
		if err != nil {
			t.Fatalf("regenerating the snapshot needs ../shared: %v", err)
		}
		var doc struct {
			Tests map[string][]struct {
				Text string `yaml:"text"`
			} `yaml:"tests"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, cases := range doc.Tests {
			for _, c := range cases {
				texts = append(texts, c.Text)
			}
		}
	}
	return texts
}

func snapshot(text string) snapCase {
	p := Default()
	c := snapCase{Text: []byte(text)}
	for _, ctx := range snapContexts {
		c.Findings = append(c.Findings, p.Check(text, ctx))
	}
	for _, pl := range []domain.Platform{domain.PlatformX, domain.PlatformMastodon, domain.PlatformBluesky} {
		c.Lengths = append(c.Lengths, p.Length(pl, text))
	}
	c.URLs = textlen.ExtractURLs(text, false)
	c.URLsP = textlen.ExtractURLs(text, true)
	return c
}

func TestRegressionSnapshot(t *testing.T) {
	if os.Getenv("SWITCHBOARD_UPDATE_SNAPSHOT") != "" {
		var cases []snapCase
		seen := map[string]bool{}
		for _, s := range snapTexts(t) {
			if !seen[s] {
				seen[s] = true
				cases = append(cases, snapshot(s))
			}
		}
		var lines []string // one case a line: diffs stay readable
		for _, c := range cases {
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			lines = append(lines, string(b))
		}
		if err := os.WriteFile(snapPath, []byte("[\n"+strings.Join(lines, ",\n")+"\n]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(snapPath)
	if err != nil {
		t.Fatal(err)
	}
	var cases []snapCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 300 {
		t.Fatalf("snapshot has only %d texts", len(cases))
	}
	for _, want := range cases {
		got := snapshot(string(want.Text))
		// Round-trip through JSON so both sides compare as stored.
		gb, _ := json.Marshal(got)
		var g snapCase
		json.Unmarshal(gb, &g)
		if !reflect.DeepEqual(g, want) {
			gj, _ := json.MarshalIndent(g, "", " ")
			wj, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("%q changed:\n--- got\n%s\n--- want\n%s", want.Text, gj, wj)
		}
	}
}
