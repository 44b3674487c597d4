package tui

import (
	"testing"

	"switchboard/themes"
)

// TestGolden renders each screen state at 100×24 in every theme and
// compares it, escape sequences and all, with testdata/*.golden.
func TestGolden(t *testing.T) {
	states := []struct {
		name  string
		empty bool
		keys  []string
		text  string
	}{
		{name: "list", keys: []string{"j", "space", "j"}},
		{name: "detail", keys: []string{"enter"}},
		{name: "tagpicker", keys: []string{"t"}, text: "re"},
		{name: "palette", keys: []string{":"}, text: "as"},
		{name: "help", keys: []string{"?"}},
		{name: "empty", empty: true},
		{name: "crisis", keys: []string{"2"}},
	}
	for _, theme := range []string{themes.Dark, themes.Light, themes.HighContrast, themes.Mono} {
		for _, st := range states {
			t.Run(theme+"/"+st.name, func(t *testing.T) {
				ms := seed(40)
				if st.empty {
					ms = nil
				}
				h := newHarness(t, ms, nil, theme, 100, 24)
				h.keys(st.keys...)
				if st.text != "" {
					h.typeText(st.text)
				}
				golden(t, theme+"-"+st.name, h.screen())
			})
		}
	}
}
