package connectors

import (
	"html"
	"strings"
)

// HTMLText turns HTML content (a Mastodon status, a feed entry) into plain text: tags are
// dropped, entities decoded, <br> and paragraph ends become line breaks,
// and mention and link anchors keep their text (Mastodon splits a long
// link over "invisible" and "ellipsis" spans; joined, they are the whole
// URL); script and style bodies are dropped. The result is still
// untrusted text for safetext.
func HTMLText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			b.WriteString(html.UnescapeString(s[i:]))
			break
		}
		b.WriteString(html.UnescapeString(s[i : i+lt]))
		i += lt
		gt := strings.IndexByte(s[i:], '>')
		if gt < 0 {
			break // an unclosed tag: drop the rest
		}
		tag := strings.ToLower(s[i+1 : i+gt])
		i += gt + 1
		name := strings.TrimPrefix(tag, "/")
		if j := strings.IndexAny(name, " \t\n/"); j >= 0 {
			name = name[:j]
		}
		switch {
		case name == "br":
			b.WriteByte('\n')
		case strings.HasPrefix(tag, "/") && (name == "p" || name == "blockquote" || name == "li" || name == "pre"):
			b.WriteString("\n\n")
		case name == "script" || name == "style":
			if !strings.HasPrefix(tag, "/") {
				// Skip to the closing tag; sanitised content never has
				// these, hostile content may.
				end := strings.Index(strings.ToLower(s[i:]), "</"+name)
				if end < 0 {
					i = len(s)
				} else {
					i += end
				}
			}
		}
	}
	return strings.TrimSpace(collapseBlankLines(b.String()))
}

// collapseBlankLines keeps at most one empty line in a row.
func collapseBlankLines(s string) string {
	if !strings.Contains(s, "\n\n\n") {
		return s
	}
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s
}
