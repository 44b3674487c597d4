package composer

import (
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestEditorEditingKeys(t *testing.T) {
	var e editor
	e.SetText("hello world")
	e.Key(tea.KeyPressMsg{Code: tea.KeyBackspace})
	e.Key(tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl}) // delete word
	if got := e.Text(); got != "hello " {
		t.Fatalf("after backspace and ctrl+w: %q", got)
	}
	e.Key(tea.KeyPressMsg{Code: tea.KeyHome})
	e.Key(tea.KeyPressMsg{Code: '>', Text: ">"})
	e.Key(tea.KeyPressMsg{Code: tea.KeyEnd})
	e.Key(tea.KeyPressMsg{Code: tea.KeyEnter})
	e.Paste("wörld\x1b[31m\u202e!")
	if got := e.Text(); got != ">hello \nwörld[31m!" {
		t.Fatalf("text %q", got)
	}
	e.render(40, 3, nil, lipgloss.NewStyle(), true)
	e.Key(tea.KeyPressMsg{Code: tea.KeyUp}) // from the end of line 2 to the end of the shorter line 1
	e.Key(tea.KeyPressMsg{Code: 'X', Text: "X"})
	if got := e.Text(); got != ">hello X\nwörld[31m!" {
		t.Fatalf("up then type: %q", got)
	}
	// narrow: the second line wraps, up moves within it
	e.SetText("abc\n0123456789")
	e.render(8, 4, nil, lipgloss.NewStyle(), true)
	e.Key(tea.KeyPressMsg{Code: tea.KeyUp})
	e.Key(tea.KeyPressMsg{Code: '|', Text: "|"})
	if got := e.Text(); got != "abc\n012|3456789" {
		t.Fatalf("up in a wrapped line: %q", got)
	}
	if changed, handled := e.Key(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}); changed || handled {
		t.Fatal("ctrl+s was taken as text")
	}
}

// FuzzEditor pastes arbitrary text (pasted text is outside data) and
// renders it with a span: no panic, only printable text, lines within the
// width, the text valid UTF-8.
func FuzzEditor(f *testing.F) {
	for _, s := range []string{"", "hello", "a\nb\n\nc", "\x1b]52;c;aGk=\x07", "שלום 👩‍👩‍👧 e\u0301", strings.Repeat("w ", 200), "\u202e\u2066x\u200b"} {
		f.Add(s, 3, 9)
	}
	f.Fuzz(func(t *testing.T, s string, start, end int) {
		var e editor
		e.Paste(s)
		text := e.Text()
		if !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 kept: %q", text)
		}
		for _, r := range text {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x202a && r <= 0x202e) {
				t.Fatalf("control character kept: %q", text)
			}
		}
		lines := e.render(12, 4, []span{{start, end, lipgloss.NewStyle().Reverse(true)}}, lipgloss.NewStyle(), true)
		if len(lines) != 4 {
			t.Fatalf("%d lines", len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > 12 {
				t.Fatalf("line %q is %d wide", l, w)
			}
		}
		e.Key(tea.KeyPressMsg{Code: tea.KeyUp})
		e.Key(tea.KeyPressMsg{Code: tea.KeyBackspace})
		e.Key(tea.KeyPressMsg{Code: tea.KeyDown})
	})
}
