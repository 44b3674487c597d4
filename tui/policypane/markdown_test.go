package policypane

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"switchboard/themes"
)

func TestMarkdownGuidelines(t *testing.T) {
	st := themes.New(themes.Mono, true)
	src := "# Tone\n\nBe **kind**, always. Use `#ad` and see [the policy](https://example.com/p).\n\n" +
		"1. First step\n2. Second step that is long enough to wrap onto another line\n   - nested point\n\n" +
		"> quoted advice\n\n```\ncode line\n```\n\n<script>alert(1)</script>\n\n---\n\nlast  \nline\n"
	lines := renderMarkdown(src, 30, newMDStyles(st))
	plain := make([]string, len(lines))
	for i, l := range lines {
		plain[i] = ansi.Strip(l)
		if w := ansi.StringWidth(l); w > 30 {
			t.Errorf("line %d is %d wide (> 30): %q", i, w, plain[i])
		}
	}
	got := strings.Join(plain, "\n")
	for _, want := range []string{
		" Tone\n\n",
		" Be kind, always. Use #ad and",             // emphasis and code drawn, not marked up
		"see the policy\n (https://example.com/p).", // the link's target is shown
		" 1. First step\n 2. Second step that is long\n    enough to wrap onto\n    another line\n    • nested point", // hanging indents
		" │ quoted advice",
		"   code line",
		" ─────",
		" last\n line", // a hard break
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "**") || strings.Contains(got, "`") || strings.Contains(got, "script") || strings.Contains(got, "](") {
		t.Errorf("markup left in:\n%s", got)
	}
}
