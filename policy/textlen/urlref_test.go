package textlen

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
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

var _ = utf8.RuneSelf
