package crisis

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"switchboard/safetext"
	"switchboard/themes"
	"switchboard/tui/pane"
)

// step names what a dialog's answer is for.
type step int

const (
	stepEscalate     step = iota + 1 // pick: new incident or an open one
	stepTitle                        // input: title of a new incident
	stepSeverity                     // pick: severity of a new incident
	stepScenario                     // pick: scenario of a new incident
	stepNote                         // input: note on the open incident
	stepUpdate                       // input: status update
	stepRole                         // pick: which role
	stepRoleOp                       // input: who holds it
	stepSummary                      // input: summary
	stepImpact                       // input: impact
	stepEditTitle                    // input: title of the open incident
	stepEditScenario                 // pick: scenario of the open incident
	stepAddItem                      // input: a checklist item of the open incident
	stepDismiss                      // pick: dismiss the alert group, and why
	stepHijack                       // pick: pause and declare from a hijack-watch alert
	stepHolding                      // pick: the platform to post the holding statement on
)

type choice struct{ label, value string }

// dialog is a picker (items) or a one-line input; it gets every key.
type dialog struct {
	step  step
	title string
	hint  string
	items []choice
	sel   int
	input textinput.Model
}

func newPicker(st step, title string, items []choice) *dialog {
	return &dialog{step: st, title: title, items: items, hint: "↑/↓ choose · enter · esc cancels"}
}

func newInput(st step, title, value string) *dialog {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 4000
	in.SetValue(value)
	in.Focus()
	return &dialog{step: st, title: title, input: in, hint: "enter · esc cancels"}
}

// update handles a key: done with the value on enter, cancelled on esc.
func (d *dialog) update(msg tea.Msg) (value string, done, cancelled bool, cmd tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc", "ctrl+c":
			return "", false, true, nil
		case "enter":
			if d.items != nil {
				if len(d.items) == 0 {
					return "", false, true, nil
				}
				return d.items[d.sel].value, true, false, nil
			}
			return strings.TrimSpace(d.input.Value()), true, false, nil
		case "up", "k", "shift+tab":
			if d.items != nil {
				d.sel = max(0, d.sel-1)
				return "", false, false, nil
			}
		case "down", "j", "tab":
			if d.items != nil {
				d.sel = min(len(d.items)-1, d.sel+1)
				return "", false, false, nil
			}
		}
	}
	if d.items != nil {
		return "", false, false, nil
	}
	d.input, cmd = d.input.Update(msg)
	return "", false, false, cmd
}

func (d *dialog) view(st *themes.Styles, w int) string {
	inner := max(20, min(w-6, 72))
	lines := pane.WrapIndent("", d.title, inner, st.Dialog.Title)
	if d.items != nil {
		for i, it := range d.items {
			line := safetext.Fit(it.label, inner-2)
			if i == d.sel {
				// the choice under the cursor whole, the others cut
				for j, l := range pane.WrapIndent("", it.label, inner-2, lipgloss.NewStyle()) {
					mark := "  "
					if j == 0 {
						mark = "▸ "
					}
					lines = append(lines, st.Dialog.ItemActive.Render(mark+safetext.Fit(l, inner-2)))
				}
			} else {
				lines = append(lines, st.Dialog.Item.Render("  "+line))
			}
		}
	} else {
		d.input.SetWidth(inner - 3)
		lines = append(lines, st.Dialog.Input.Render(d.input.View()))
	}
	lines = append(lines, st.Dialog.Hint.Render(d.hint))
	return st.Dialog.Box.Width(inner + 4).Render(lipgloss.JoinVertical(lipgloss.Left, lines...))
}
