package textlen

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// sharedReference finds ../shared/reference relative to the repository root
// (the directory holding go.mod).
func sharedReference(t testing.TB, elem ...string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(append([]string{dir, "..", "shared", "reference"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("twitter-text conformance data not available at %s (../shared/reference relative to the repository root): %v", p, err)
	}
	return p
}

type weightedCase struct {
	Description string `yaml:"description"`
	Text        string `yaml:"text"`
	Expected    struct {
		WeightedLength int  `yaml:"weightedLength"`
		Valid          bool `yaml:"valid"`
	} `yaml:"expected"`
}

func TestTwitterTextConformance(t *testing.T) {
	path := sharedReference(t, "twitter-text", "validate.yml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests map[string]yaml.Node `yaml:"tests"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, section := range []string{"WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest"} {
		node := doc.Tests[section]
		var cases []weightedCase
		if err := node.Decode(&cases); err != nil {
			t.Fatal(err)
		}
		if len(cases) == 0 {
			t.Fatalf("section %s missing from %s", section, path)
		}
		for _, tc := range cases {
			t.Run(section+"/"+tc.Description, func(t *testing.T) {
				c, valid := X(tc.Text)
				if c.Length != tc.Expected.WeightedLength {
					t.Errorf("weighted length = %d, want %d", c.Length, tc.Expected.WeightedLength)
				}
				if valid != tc.Expected.Valid {
					t.Errorf("valid = %v, want %v", valid, tc.Expected.Valid)
				}
				if (c.Over >= 0) != (c.Length > XLimit) {
					t.Errorf("Over = %d with length %d", c.Over, c.Length)
				}
				if c.Over >= 0 && !utf8.RuneStart(tc.Text[c.Over]) {
					t.Errorf("Over %d not on a rune boundary", c.Over)
				}
			})
		}
	}
}

func TestExtractURLs(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"text http://example.comだよね.comtest/hogehoge", []string{"http://example.com"}},
		{"foo.com foo.net foo.org foo.edu foo.gov", []string{"foo.com", "foo.net", "foo.org", "foo.edu", "foo.gov"}},
		{"foo.baz foo.co.jp www.xxxxxxx.baz www.foo.co.uk wwwww.xxxxxxx foo.comm foo.somecom foo.govedu foo.jp", []string{"foo.co.jp", "www.foo.co.uk", "foo.jp"}},
		{"t.co/abcde bit.ly/abcde", []string{"t.co/abcde", "bit.ly/abcde"}},
		{"text http://en.wikipedia.org/wiki/Primer_(film)", []string{"http://en.wikipedia.org/wiki/Primer_(film)"}},
		{"text http://foo.com?#foo text", []string{"http://foo.com?#foo"}},
		{"Go to http://example.com/a+ or http://example.com/a-", []string{"http://example.com/a+", "http://example.com/a-"}},
		{"text http://no-tld", nil},
		{"text http://domain.com-that-you-should-have-put-a-space-after", nil},
		{"@user Try http:// example.com/path", []string{"example.com/path"}},
		{"(http://twitter.com", []string{"http://twitter.com"}},
		{"Zie https://voorbeeld.nl/actie.", []string{"https://voorbeeld.nl/actie"}},
		{"mail me at jan@example.com", nil},
	}
	for _, tc := range tests {
		var got []string
		for _, u := range ExtractURLs(tc.text, false) {
			got = append(got, tc.text[u.Start:u.End])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("ExtractURLs(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestPunycode(t *testing.T) {
	// RFC 3492 sample (Japanese) and well-known IDN labels.
	tests := map[string]string{
		"bücher":  "bcher-kva",
		"münchen": "mnchen-3ya",
		"ドメイン名例":  "eckwd4c7cu47r2wf",
		"пример":  "e1afmkfd",
	}
	for in, want := range tests {
		if got := Punycode(in); got != want {
			t.Errorf("Punycode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMastodon(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("a", 100)
	tests := []struct {
		text string
		want int
	}{
		{"Hallo wereld", 12},
		{"Zie " + long, 4 + 23},
		{"cc @jan@mastodon.social", 3 + 4},
		{"@jan@mastodon.social dank!", 4 + 6},
		{"👨‍👩‍👧‍👦 café", 1 + 5},
		{"example.com is no link here", 27}, // Mastodon needs a protocol
	}
	for _, tc := range tests {
		if got := Mastodon(tc.text, 0); got.Length != tc.want || got.Limit != 500 {
			t.Errorf("Mastodon(%q) = %d/%d, want %d/500", tc.text, got.Length, got.Limit, tc.want)
		}
	}
	c := Mastodon(strings.Repeat("é", 11), 10)
	if !c.Exceeded() || c.Over != 20 {
		t.Errorf("over a custom limit: %+v", c)
	}
}

func TestBluesky(t *testing.T) {
	tests := []struct {
		text       string
		wantLen    int
		wantShort  string
		wantLinked bool
	}{
		{"kijk https://www.example.com/een/heel/lang/pad?x=1", 5 + len("www.example.com/een/heel/lan..."), "www.example.com/een/heel/lan...", true},
		{"https://bsky.app/", len("bsky.app"), "bsky.app", true},
		{"(https://example.com/a)!", 1 + len("example.com/a") + 2, "example.com/a", true},
		{"geen link: example.com", 22, "", false},
	}
	for _, tc := range tests {
		c := Bluesky(tc.text)
		if c.Length != tc.wantLen {
			t.Errorf("Bluesky(%q) = %d, want %d", tc.text, c.Length, tc.wantLen)
		}
		links := BlueskyLinks(tc.text)
		if tc.wantLinked != (len(links) == 1) {
			t.Fatalf("links of %q: %v", tc.text, links)
		}
		if tc.wantLinked {
			if got := BlueskyShortURL(tc.text[links[0][0]:links[0][1]]); got != tc.wantShort {
				t.Errorf("short of %q = %q, want %q", tc.text, got, tc.wantShort)
			}
		}
	}
	// 300 graphemes of family emoji are 7500 bytes: over the byte cap first.
	fam := strings.Repeat("👨‍👩‍👧‍👦", 130)
	c := Bluesky(fam)
	if c.Length != 130 || c.Bytes != len(fam) || !c.Exceeded() || c.Over != 3000/25*25 {
		t.Errorf("family emoji: %+v (bytes %d)", c, len(fam))
	}
}

func TestMessageCounters(t *testing.T) {
	// X direct messages: 10,000 characters, no weighting (a CJK character
	// and a link count 1 per code point, not 2 or 23).
	if c := XDM(strings.Repeat("日", 363) + " https://example.com"); c.Length != 383 || c.Limit != 10000 || c.Exceeded() || c.Over != -1 {
		t.Errorf("XDM: %+v", c)
	}
	if c := XDM(strings.Repeat("é", 10001)); c.Length != 10001 || !c.Exceeded() || c.Over != 20000 {
		t.Errorf("XDM over: %+v", c)
	}
	// Bluesky chat: 1,000 graphemes and 10,000 bytes of the text as sent.
	link := "https://example.com/a/very/long/path/that/the/post/counter/would/shorten"
	if c := BlueskyChat("hoi " + link); c.Length != 4+len(link) || c.Limit != 1000 || c.ByteLimit != 10000 || c.Exceeded() {
		t.Errorf("BlueskyChat link: %+v", c)
	}
	fam := "👨‍👩‍👧‍👦" // one grapheme, 25 bytes
	if c := BlueskyChat(strings.Repeat(fam, 401)); c.Length != 401 || !c.Exceeded() || c.Over != 400*len(fam) {
		t.Errorf("BlueskyChat bytes: %+v", c)
	}
	if c := BlueskyChat(strings.Repeat("a", 1001)); c.Length != 1001 || !c.Exceeded() || c.Over != 1000 {
		t.Errorf("BlueskyChat graphemes: %+v", c)
	}
}

func TestRedditAndGeneric(t *testing.T) {
	if c := Reddit(strings.Repeat("ß", 10001)); c.Length != 10001 || !c.Exceeded() || c.Over != 20000 {
		t.Errorf("Reddit: %+v", c)
	}
	if c := Generic("e\u0301\r\n🇳🇱", 0); c.Length != 3 || c.Exceeded() {
		t.Errorf("Generic: %+v", c)
	}
}

func FuzzCounters(f *testing.F) {
	for _, s := range []string{"Hi http://test.co", "👨‍👩‍👧‍👦 @a@b.c https://x.y/z", "\u2066\u202Ahttp://foobar.پاکستان/\u202C", "e\u0301\uFFFF", "(https://a.b)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		boundary := map[int]bool{}
		for i := range s {
			boundary[i] = true
		}
		for _, c := range []Count{first(X(s)), Mastodon(s, 0), Bluesky(s), Reddit(s), Generic(s, 5)} {
			if c.Over >= len(s) || (c.Over >= 0 && !boundary[c.Over]) {
				t.Fatalf("Over %d out of place in %q", c.Over, s)
			}
			if c.Length < 0 {
				t.Fatalf("negative length")
			}
		}
		for _, u := range ExtractURLs(s, false) {
			if u.Start >= u.End || u.End > len(s) {
				t.Fatalf("bad URL span %v", u)
			}
		}
	})
}

func first(c Count, _ bool) Count { return c }

// The TLD list is searched by halves: it must be sorted by bytes and
// hold each TLD once, country codes, generic and internationalised ones.
func TestTLDsSorted(t *testing.T) {
	if !slices.IsSorted(tlds[:]) {
		t.Fatal("tlds are not sorted")
	}
	for i := 1; i < len(tlds); i++ {
		if tlds[i] == tlds[i-1] {
			t.Fatalf("%q twice", tlds[i])
		}
	}
	for _, tld := range []string{"aaa", "com", "nl", "zw", "zuerich", "рф", "삼성", "vermögensberater"} {
		if !isTLD(tld) {
			t.Errorf("%s is not a TLD", tld)
		}
	}
	for _, not := range []string{"", "a", "cmo", "comm", "zzz", "example"} {
		if isTLD(not) {
			t.Errorf("%q is a TLD", not)
		}
	}
	if len(tlds) != 1574 {
		t.Errorf("%d TLDs, twitter-text lists 1574", len(tlds))
	}
}
