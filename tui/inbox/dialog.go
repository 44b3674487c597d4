package inbox

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"switchboard/safetext"
	"switchboard/themes"
)

type dialogKind int

const (
	dlgNone dialogKind = iota
	dlgSearch
	dlgFilter
	dlgNote
	dlgSnooze
	dlgTag
	dlgAssign
	dlgStatus
	dlgSaveView
)

// item is one choice of a picker.
type item struct{ label, value string }

// dialog is a text input, optionally with a filterable list of choices
// (a picker). It gets every key while open.
type dialog struct {
	kind   dialogKind
	title  string
	hint   string
	input  textinput.Model
	items  []item
	create string // label prefix for a new value ("new tag"); "" disallows
	sel    int
}

func newDialog(kind dialogKind, title, hint, value string, items []item, create string) *dialog {
	in := textinput.New()
	in.Prompt = "› "
	in.SetValue(value)
	in.CharLimit = 2000
	in.Focus()
	return &dialog{kind: kind, title: title, hint: hint, input: in, items: items, create: create}
}

// visible are the items matching what is typed, then "create" if allowed.
func (d *dialog) visible() []item {
	if d.items == nil {
		return nil
	}
	q := strings.ToLower(strings.TrimSpace(d.input.Value()))
	var out []item
	exact := false
	for _, it := range d.items {
		if q == "" || strings.Contains(strings.ToLower(it.label), q) {
			out = append(out, it)
		}
		if strings.EqualFold(it.value, q) {
			exact = true
		}
	}
	if d.create != "" && q != "" && !exact {
		v := strings.TrimSpace(d.input.Value())
		out = append(out, item{label: d.create + " “" + v + "”", value: v})
	}
	return out
}

// update handles a key; done is true with the chosen value on enter and
// cancelled on esc.
func (d *dialog) update(msg tea.Msg) (value string, done, cancelled bool, cmd tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc", "ctrl+c":
			return "", false, true, nil
		case "enter":
			if d.items != nil {
				vis := d.visible()
				if len(vis) == 0 {
					return "", false, false, nil
				}
				return vis[min(d.sel, len(vis)-1)].value, true, false, nil
			}
			return d.input.Value(), true, false, nil
		case "up", "ctrl+p":
			if d.sel > 0 {
				d.sel--
			}
			return "", false, false, nil
		case "down", "ctrl+n", "tab":
			if d.sel < len(d.visible())-1 {
				d.sel++
			}
			return "", false, false, nil
		}
	}
	d.input, cmd = d.input.Update(msg)
	if d.sel >= len(d.visible()) {
		d.sel = max(0, len(d.visible())-1)
	}
	return "", false, false, cmd
}

// view renders the dialog as a box at most w wide and h high.
func (d *dialog) view(st *themes.Styles, w, h int) string {
	inner := max(10, min(w-4, 72))
	d.input.SetWidth(inner - 3)
	lines := []string{st.Dialog.Title.Render(safetext.Truncate(d.title, inner, "…")), d.input.View()}
	if d.items != nil {
		vis := d.visible()
		room := max(1, h-6)
		start := 0
		if d.sel >= room {
			start = d.sel - room + 1
		}
		for i := start; i < len(vis) && i < start+room; i++ {
			label := safetext.Fit(vis[i].label, inner-2)
			if i == d.sel {
				lines = append(lines, st.Dialog.ItemActive.Render("› "+label))
			} else {
				lines = append(lines, st.Dialog.Item.Render("  "+label))
			}
		}
		if len(vis) == 0 {
			lines = append(lines, st.Dialog.Hint.Render("  (nothing matches)"))
		}
	}
	if d.hint != "" {
		for _, l := range strings.Split(safetext.Wrap(d.hint, inner), "\n") {
			lines = append(lines, st.Dialog.Hint.Render(l))
		}
	}
	return st.Dialog.Box.Width(inner + 4).Render(lipgloss.JoinVertical(lipgloss.Left, lines...))
}
