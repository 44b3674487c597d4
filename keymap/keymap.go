// Package keymap names every key binding of the terminal UI: an action
// "<pane>.<action>" (inbox.done, global.palette …), its default keys and
// what it does. The config file's `keys:` section remaps actions by these
// names (Check validates a remap), the panes build their key maps from
// them (Keys.Binding), and the command palette and the README list them.
//
// It imports nothing of the TUI, so that package config can check a remap
// when it reads the file.
package keymap

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
)

// Action is one named binding.
type Action struct {
	// Name is "<pane>.<action>", e.g. "inbox.done".
	Name string
	// Keys are the default keys, as Bubble Tea names them ("x", "ctrl+r",
	// "enter", "space").
	Keys []string
	// Help is how help shows the default keys when that is not simply
	// the keys joined by "/" ("g" for g and home).
	Help string
	// Desc is what it does, as help and the palette show it.
	Desc string
	// Doc says it at more length for the README, when Desc is short.
	Doc string
	// Modes are where in its pane the action applies (see modes); none
	// means all of them.
	Modes []string
}

// Pane is the pane part of the action's name ("inbox").
func (a Action) Pane() string { p, _, _ := strings.Cut(a.Name, "."); return p }

// Mode is one state of a pane in which a set of its actions apply.
type Mode struct {
	Name string
	// Capturing modes take every key (text is being typed): the global
	// keys do not apply in them, and a key there must not be one that
	// types text.
	Capturing bool
}

// All is every action, in the README's order.
func All() []Action { return slices.Clone(actions) }

// Lookup finds an action by name.
func Lookup(name string) (Action, bool) {
	i := slices.IndexFunc(actions, func(a Action) bool { return a.Name == name })
	if i < 0 {
		return Action{}, false
	}
	return actions[i], true
}

// Keys are the keys in force: for each remapped action, its keys
// (normalized, see Normalize). Actions left out keep their defaults; nil
// is the defaults.
type Keys map[string][]string

// Of is the keys in force for the action.
func (k Keys) Of(name string) []string {
	if ks, ok := k[name]; ok {
		return ks
	}
	a, _ := Lookup(name)
	return a.Keys
}

// Remapped reports whether the config gave the action its own keys.
func (k Keys) Remapped(name string) bool { _, ok := k[name]; return ok }

// Label is how help shows the keys in force for the action: the default
// label, or the remapped keys joined by "/" ("↑/k", "d", "T/ctrl+t").
func (k Keys) Label(name string) string {
	a, _ := Lookup(name)
	if !k.Remapped(name) && a.Help != "" {
		return a.Help
	}
	ks := k.Of(name)
	out := make([]string, len(ks))
	for i, s := range ks {
		out[i] = pretty(s)
	}
	return strings.Join(out, "/")
}

func pretty(s string) string {
	switch s {
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "left":
		return "←"
	case "right":
		return "→"
	}
	return s
}

// Binding is the action's key binding with the keys in force and their
// help. An unknown name is a programming error: it panics.
func (k Keys) Binding(name string) key.Binding {
	a, ok := Lookup(name)
	if !ok {
		panic("keymap: no action " + name)
	}
	return key.NewBinding(key.WithKeys(k.Of(name)...), key.WithHelp(k.Label(name), a.Desc))
}

// Name finds the action of pane whose binding in force is b (the same
// description and keys), or "" when there is none. The command palette
// names what a pane's help lists this way.
func (k Keys) Name(pane string, b key.Binding) string {
	for _, a := range actions {
		if a.Pane() == pane && a.Desc == b.Help().Desc && slices.Equal(k.Of(a.Name), b.Keys()) {
			return a.Name
		}
	}
	return ""
}

// modifiers in the order Bubble Tea writes them.
var modifiers = []string{"ctrl", "alt", "shift", "meta", "hyper", "super"}

// named are the keys with a name (Bubble Tea's), and the aliases taken
// for them.
var named = map[string]string{
	"enter": "enter", "return": "enter", "tab": "tab", "backspace": "backspace",
	"esc": "esc", "escape": "esc", "space": "space",
	"up": "up", "down": "down", "left": "left", "right": "right",
	"begin": "begin", "find": "find", "insert": "insert", "delete": "delete", "del": "delete",
	"select": "select", "pgup": "pgup", "pageup": "pgup", "pgdown": "pgdown", "pgdn": "pgdown",
	"pagedown": "pgdown", "home": "home", "end": "end",
}

func init() {
	for i := 1; i <= 20; i++ {
		f := fmt.Sprintf("f%d", i)
		named[f] = f
	}
}

// Normalize checks one key as the config gives it and returns it as
// Bubble Tea names it: modifiers in its order (shift+ctrl+x is
// ctrl+shift+x), named keys in lower case (Enter is enter, escape is esc).
func Normalize(s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("empty key")
	}
	if s == " " {
		return "", fmt.Errorf(`%q: write "space"`, s)
	}
	rest, mods := s, map[string]bool{}
	for {
		m, after, ok := strings.Cut(rest, "+")
		if !ok || after == "" || !slices.Contains(modifiers, strings.ToLower(m)) {
			break
		}
		if mods[strings.ToLower(m)] {
			return "", fmt.Errorf("%q: %s twice", s, strings.ToLower(m))
		}
		mods[strings.ToLower(m)] = true
		rest = after
	}
	var prefix string
	for _, m := range modifiers {
		if mods[m] {
			prefix += m + "+"
		}
	}
	if utf8.RuneCountInString(rest) == 1 {
		r, _ := utf8.DecodeRuneInString(rest)
		switch {
		case !unicode.IsPrint(r) || unicode.IsSpace(r):
			return "", fmt.Errorf("%q is not a key name", s)
		case len(mods) == 1 && mods["shift"]:
			// a terminal reports a shifted character as the character
			return "", fmt.Errorf(`%q: write the character shift types (e.g. "T" for shift+t)`, s)
		case len(mods) > 0 && unicode.IsUpper(r):
			// with a modifier, a terminal reports the unshifted key
			return "", fmt.Errorf("%q: write %q", s, withShift(prefix, mods)+string(unicode.ToLower(r)))
		}
		return prefix + rest, nil
	}
	n, ok := named[strings.ToLower(rest)]
	if !ok {
		return "", fmt.Errorf("%q is not a key name (a character, or ctrl+, alt+, shift+ before one, or one of enter, tab, esc, space, backspace, up, down, left, right, home, end, pgup, pgdown, insert, delete, f1…f20)", s)
	}
	return prefix + n, nil
}

func withShift(prefix string, mods map[string]bool) string {
	if mods["shift"] {
		return prefix
	}
	m := map[string]bool{"shift": true}
	for k := range mods {
		m[k] = true
	}
	out := ""
	for _, x := range modifiers {
		if m[x] {
			out += x + "+"
		}
	}
	return out
}

// typesText reports whether a key types text (a character or space with
// no modifier but shift), which a capturing mode must keep for typing.
func typesText(k string) bool {
	return k == "space" || utf8.RuneCountInString(k) == 1
}

// Error is a remap that cannot be used: Action is the action of the
// config entry at fault, so that the caller can name its line.
type Error struct {
	Action string
	Msg    string
}

func (e *Error) Error() string { return e.Action + ": " + e.Msg }

// Check validates a remap (action name → keys, already normalized): every
// action exists and has keys, no key is listed twice, no two actions that
// apply in the same mode of a pane share a key, a pane's key does not
// shadow a global one, and a capturing mode keeps the keys that type
// text. Errors name the remapped action at fault; when two remapped
// actions clash, the later one in order is blamed (order lists the
// config's actions as given, e.g. by line).
func Check(remap Keys, order []string) error {
	if order == nil {
		for name := range remap {
			order = append(order, name)
		}
		sort.Strings(order)
	}
	for _, name := range order {
		a, ok := Lookup(name)
		if !ok {
			return &Error{name, unknown(name)}
		}
		ks := remap[name]
		if len(ks) == 0 {
			return &Error{name, "no keys (give one key or a list of keys)"}
		}
		for i, k := range ks {
			if slices.Contains(ks[:i], k) {
				return &Error{name, fmt.Sprintf("%q is listed twice", k)}
			}
			for _, md := range modesOf(a) {
				if md.Capturing && typesText(k) {
					return &Error{name, fmt.Sprintf("%q would be typed as text in the %s (use a key such as ctrl+… or alt+…)", k, where(a.Pane(), md))}
				}
			}
		}
	}
	pos := map[string]int{}
	for i, name := range order {
		pos[name] = i + 1
	}
	// blame picks the remapped one of two clashing actions (the later
	// one when both are).
	blame := func(a, b string) (string, string) {
		if pos[a] > pos[b] {
			return a, b
		}
		return b, a
	}
	clash := func(a, b Action, k string, md Mode) error {
		at, other := blame(a.Name, b.Name)
		if pos[at] == 0 {
			return nil // two defaults: the tests keep those apart
		}
		what := fmt.Sprintf("is also %s's key", other)
		if (Action{Name: other}).Pane() == "global" && (Action{Name: at}).Pane() != "global" {
			what = fmt.Sprintf("is the global key of %s", other)
		}
		in := ""
		if a.Pane() == b.Pane() && a.Pane() != "global" {
			in = " in the " + where(a.Pane(), md)
		}
		return &Error{at, fmt.Sprintf("%q %s%s", k, what, in)}
	}
	var globals []Action
	for _, a := range actions {
		if a.Pane() == "global" {
			globals = append(globals, a)
		}
	}
	for _, p := range Panes {
		for _, md := range modes[p] {
			var in []Action
			for _, a := range actions {
				if a.Pane() == p && (len(a.Modes) == 0 || slices.Contains(a.Modes, md.Name)) {
					in = append(in, a)
				}
			}
			// the globals that apply in this mode come first, so that a
			// pane's key is checked against them too
			var all []Action
			if p != "global" {
				for _, g := range globals {
					if !md.Capturing || g.Name == "global.force_quit" {
						all = append(all, g)
					}
				}
			}
			all = append(all, in...)
			owner := map[string]Action{}
			for _, a := range all {
				for _, k := range remap.Of(a.Name) {
					if b, dup := owner[k]; dup {
						if err := clash(b, a, k, md); err != nil {
							return err
						}
						continue
					}
					owner[k] = a
				}
			}
		}
	}
	return nil
}

func modesOf(a Action) []Mode {
	var out []Mode
	for _, md := range modes[a.Pane()] {
		if len(a.Modes) == 0 || slices.Contains(a.Modes, md.Name) {
			out = append(out, md)
		}
	}
	return out
}

func where(pane string, md Mode) string {
	if len(modes[pane]) == 1 {
		return pane
	}
	return pane + " (" + md.Name + ")"
}

func unknown(name string) string {
	p, _, ok := strings.Cut(name, ".")
	if !ok || !slices.Contains(Panes, p) {
		return fmt.Sprintf("unknown action (names are <pane>.<action>, the pane one of %s; the README lists them all)", strings.Join(Panes, ", "))
	}
	var same []string
	for _, a := range actions {
		if a.Pane() == p {
			same = append(same, a.Name)
		}
	}
	return fmt.Sprintf("unknown action; the %s's are %s", p, strings.Join(same, ", "))
}
