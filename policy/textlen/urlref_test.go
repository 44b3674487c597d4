package textlen

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// extractURLsRef is the rune-by-rune extractor ExtractURLs replaced; the
// fast one must agree with it on every text.
func extractURLsRef(text string, requireProtocol bool) []URL {
	var out []URL
	prev := rune(-1)
	sc := scanner{text: text}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if validPreceding(prev) && (isDomainChar(r)) {
			if u, ok := sc.matchURL(i, prev, requireProtocol); ok {
				out = append(out, u)
				// The character before the next candidate is the URL's last.
				lr, _ := utf8.DecodeLastRuneInString(text[:u.End])
				prev = lr
				i = u.End
				continue
			}
			// A run of label characters without a dot holds no host, and no
			// protocol can start inside it unless the run ends at "://".
			if re := sc.hostRunEnd(i); re > i+size && (re >= len(text) || text[re] != ':') && strings.IndexByte(text[i:re], '.') < 0 {
				prev, _ = utf8.DecodeLastRuneInString(text[:re])
				i = re
				continue
			}
		}
		prev = r
		i += size
	}
	return out
}

func FuzzExtractURLsMatchesReference(f *testing.F) {
	for _, s := range []string{"see https://example.com/x and t.co/abc.", "a.b.c x.com. (example.com)", "café.com éexample.com http://café.com",
		"foo:http://example.com HTTPS://EXAMPLE.COM", "-example.com _x.com .x.com /x.com @x.com #x.com", strings.Repeat("ab.", 50) + "com",
		"例えば https://例え.テスト/パス と example.みんな", "\xff.com \u202eexample.com", "http://http://x.com https:/x.com http//x.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range []bool{false, true} {
			got, want := ExtractURLs(s, p), extractURLsRef(s, p)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("ExtractURLs(%q, %v) = %+v, reference %+v", s, p, got, want)
			}
		}
	})
}

// xRef is the X counter's rune-by-rune loop, before the ASCII runs were
// counted in one step.
func xRef(text string) (c Count, valid bool) {
	n := text
	if !norm.NFC.IsNormalString(text) {
		n = norm.NFC.String(text)
	}
	urls := ExtractURLs(n, false)
	weighted, overN := 0, -1
	u := 0
	for i := 0; i < len(n); {
		var w, next int
		if u < len(urls) && urls[u].Start == i {
			w, next = xTransformedURLCost, urls[u].End
			u++
		} else {
			cl := NextCluster(n[i:])
			if cl > 1 && IsEmoji(n[i:i+cl]) {
				w, next = xDefaultWeight, i+cl
			} else {
				r, size := utf8.DecodeRuneInString(n[i:])
				w, next = xWeight(r), i+size
			}
		}
		weighted += w
		if overN < 0 && weighted > XLimit*xScale {
			overN = i
		}
		i = next
	}
	c = Count{Length: weighted / xScale, Limit: XLimit, Over: -1}
	if overN >= 0 {
		c.Over = mapNFCOffset(text, n, overN)
	}
	valid = text != "" && overN < 0 && !hasInvalidX(n)
	return c, valid
}

func FuzzXMatchesReference(f *testing.F) {
	for _, s := range []string{strings.Repeat("a", 279) + "bc", strings.Repeat("ab ", 100) + "https://example.com/x " + strings.Repeat("é", 20),
		"e\u0301\r\n🇳🇱 x.com " + strings.Repeat("x", 300), strings.Repeat("日本", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		gc, gv := X(s)
		wc, wv := xRef(s)
		if gc != wc || gv != wv {
			t.Fatalf("X(%q) = %+v %v, reference %+v %v", s, gc, gv, wc, wv)
		}
	})
}
