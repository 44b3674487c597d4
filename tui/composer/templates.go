package composer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"switchboard/policy"
	"switchboard/safetext"
	"switchboard/themes"
)

// picker chooses a template (ctrl+t): every template of the pack for the
// mention's platform, the mention's language first, each with its title,
// platforms, language and a preview; typing filters.
type picker struct {
	all   []policy.Template
	query textinput.Model
	sel   int
	shown []policy.Template
}

func newPicker(tpls []policy.Template, lang string, boost func(policy.Template) int) *picker {
	all := slices.Clone(tpls)
	// the mention's language first, then templates for any language;
	// within those, the ones boost favours (saved replies for the
	// mention's tags and team, the most used)
	rank := func(t policy.Template) int {
		switch {
		case lang != "" && t.Lang == lang:
			return 0
		case t.Lang == "":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(all, func(a, b policy.Template) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 || boost == nil {
			return c
		}
		return cmp.Compare(boost(b), boost(a))
	})
	in := newInput("filter › ")
	in.Placeholder = "type to filter by title, text, language"

	p := &picker{all: all, query: in}
	p.filter()
	return p
}

func (p *picker) filter() {
	words := strings.Fields(strings.ToLower(p.query.Value()))
	p.shown = p.shown[:0]
	for _, t := range p.all {
		hay := strings.ToLower(t.ID + " " + t.Title + " " + t.Text + " " + t.Lang + " " + strings.Join(t.Platforms, " "))
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(hay, w)
		}
		if ok {
			p.shown = append(p.shown, t)
		}
	}
	p.sel = max(0, min(p.sel, len(p.shown)-1))
}

// key handles a key: the template picked, or cancelled.
func (p *picker) key(k tea.KeyPressMsg) (picked *policy.Template, cancelled bool, cmd tea.Cmd) {
	switch k.String() {
	case "esc", "ctrl+c":
		return nil, true, nil
	case "enter":
		if len(p.shown) == 0 {
			return nil, false, nil
		}
		t := p.shown[p.sel]
		return &t, false, nil
	case "up", "ctrl+k", "shift+tab":
		p.sel = max(0, p.sel-1)
		return nil, false, nil
	case "down", "ctrl+j", "tab":
		p.sel = min(len(p.shown)-1, p.sel+1)
		return nil, false, nil
	}
	p.query, cmd = p.query.Update(k)
	p.filter()
	return nil, false, cmd
}

func (p *picker) view(st *themes.Styles, w, h int, fill func(policy.Template) string) string {
	inner := max(30, min(w-6, 90))
	lines := []string{st.Dialog.Title.Render("Templates")}
	p.query.SetWidth(inner - 10)
	lines = append(lines, st.Dialog.Input.Render(p.query.View()))
	if len(p.shown) == 0 {
		lines = append(lines, st.Dialog.Hint.Render("no template matches"))
	}
	room := max(1, (h-8)/2)
	start := max(0, min(p.sel-room/2, len(p.shown)-room))
	for i := start; i < len(p.shown) && i < start+room; i++ {
		t := p.shown[i]
		plat, lang := "all platforms", "any language"
		if len(t.Platforms) > 0 {
			plat = strings.Join(t.Platforms, ",")
		}
		if t.Lang != "" {
			lang = t.Lang
		}
		head := safetext.Fit(t.Title+" · "+t.ID+" · "+plat+" · "+lang, inner-2)
		preview := "  " + safetext.Truncate(safetext.Line(fill(t)), inner-4, "…")
		if i == p.sel {
			lines = append(lines, st.Dialog.ItemActive.Render("▸ "+head), st.Dialog.ItemActive.Render(safetext.Fit(preview, inner)))
		} else {
			lines = append(lines, st.Dialog.Item.Render("  "+head), st.Dialog.Hint.Render(preview))
		}
	}
	lines = append(lines, st.Dialog.Hint.Render("↑/↓ choose · enter uses it · esc cancels"))
	return st.Dialog.Box.Width(inner + 4).Render(strings.Join(lines, "\n"))
}

// asker fills a picked template's fields one at a time.
type asker struct {
	t      policy.Template
	names  []string // the fields still to ask, in order of first use
	i      int
	values map[string]string
	in     textinput.Model
}

func newAsker(t policy.Template, known map[string]string) *asker {
	a := &asker{t: t, values: map[string]string{}}
	for k, v := range known {
		a.values[k] = v
	}
	for _, f := range t.Fields() {
		if _, ok := known[f]; !ok {
			a.names = append(a.names, f)
		}
	}
	a.in = newInput("› ")
	a.in.CharLimit = 500
	return a
}

func (a *asker) done() bool { return a.i >= len(a.names) }

// key handles a key; finished when every field has an answer.
func (a *asker) key(k tea.KeyPressMsg) (finished, cancelled bool, cmd tea.Cmd) {
	switch k.String() {
	case "esc", "ctrl+c":
		return false, true, nil
	case "enter":
		v := strings.TrimSpace(a.in.Value())
		if v == "" {
			return false, false, nil // a field left empty would go out as {{name}}
		}
		a.values[a.names[a.i]] = safetext.Line(v)
		a.i++
		a.in.SetValue("")
		return a.done(), false, nil
	}
	a.in, cmd = a.in.Update(k)
	return false, false, cmd
}

func (a *asker) text() string {
	s, _ := a.t.Render(a.values)
	return s
}

func (a *asker) view(st *themes.Styles, w int) string {
	inner := max(30, min(w-6, 90))
	name := a.names[a.i]
	lines := []string{
		st.Dialog.Title.Render(safetext.Truncate(a.t.Title+": fill in "+name, inner, "…")),
		st.Dialog.Hint.Render(safetext.Truncate(safetext.Line(a.t.Text), inner, "…")),
	}
	a.in.SetWidth(inner - 3)
	lines = append(lines, st.Dialog.Input.Render(a.in.View()))
	lines = append(lines, st.Dialog.Hint.Render(fmt.Sprintf("field %d of %d · enter next · esc cancels the template", a.i+1, len(a.names))))
	return st.Dialog.Box.Width(inner + 4).Render(strings.Join(lines, "\n"))
}

// newInput is a focused one-line input whose cursor does not blink (the
// composer redraws on every key anyway).
func newInput(prompt string) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.Focus()
	return in
}
