package keymap

import (
	"regexp"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
)

// TestDefaults checks the table itself: names, keys and descriptions,
// and that the defaults pass Check as if every action were remapped to
// them (so no two defaults clash).
func TestDefaults(t *testing.T) {
	nameRE := regexp.MustCompile(`^[a-z]+\.[a-z0-9_]+$`)
	seen := map[string]bool{}
	all := Keys{}
	var order []string
	for _, a := range All() {
		if !nameRE.MatchString(a.Name) || seen[a.Name] {
			t.Errorf("bad or repeated name %q", a.Name)
		}
		seen[a.Name] = true
		if _, ok := modes[a.Pane()]; !ok {
			t.Errorf("%s: no pane %q", a.Name, a.Pane())
		}
		for _, m := range a.Modes {
			found := false
			for _, md := range modes[a.Pane()] {
				found = found || md.Name == m
			}
			if !found {
				t.Errorf("%s: no mode %q in %s", a.Name, m, a.Pane())
			}
		}
		if a.Desc == "" || len(a.Keys) == 0 {
			t.Errorf("%s: no description or keys", a.Name)
		}
		for _, k := range a.Keys {
			if n, err := Normalize(k); err != nil || n != k {
				t.Errorf("%s: default key %q is not normal: %q, %v", a.Name, k, n, err)
			}
		}
		all[a.Name] = a.Keys
		order = append(order, a.Name)
	}
	if err := Check(all, order); err != nil {
		t.Fatalf("the defaults clash: %v", err)
	}
	// a pane's help must be able to tell its actions apart
	for _, a := range All() {
		for _, b := range All() {
			if a.Name < b.Name && a.Pane() == b.Pane() && Keys(nil).Name(a.Pane(), Keys(nil).Binding(b.Name)) != b.Name {
				t.Errorf("%s and %s look the same to help", a.Name, b.Name)
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{in: "d", want: "d"},
		{in: "T", want: "T"},
		{in: ":", want: ":"},
		{in: "+", want: "+"},
		{in: "ctrl+t", want: "ctrl+t"},
		{in: "Ctrl+T", err: `write "ctrl+shift+t"`},
		{in: "shift+ctrl+x", want: "ctrl+shift+x"},
		{in: "alt+enter", want: "alt+enter"},
		{in: "ctrl++", want: "ctrl++"},
		{in: "Enter", want: "enter"},
		{in: "escape", want: "esc"},
		{in: "pgdn", want: "pgdown"},
		{in: "shift+tab", want: "shift+tab"},
		{in: "f5", want: "f5"},
		{in: "shift+t", err: `write the character shift types`},
		{in: "", err: "empty key"},
		{in: " ", err: `write "space"`},
		{in: "ctrl-t", err: "is not a key name"},
		{in: "ctrl+ctrl+t", err: "ctrl twice"},
		{in: "\t", err: "is not a key name"},
	} {
		got, err := Normalize(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: got %q, %v; want error %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		remap Keys
		order []string
		err   string // "" is valid
	}{
		{name: "remap", remap: Keys{"inbox.done": {"d"}, "inbox.tag": {"T", "ctrl+t"}, "global.palette": {"ctrl+p", ":"}}},
		{name: "swap", remap: Keys{"inbox.done": {"t"}, "inbox.tag": {"x"}}},
		{name: "unknown", remap: Keys{"inbox.finish": {"d"}}, err: "inbox.finish: unknown action; the inbox's are inbox.up"},
		{name: "no pane", remap: Keys{"done": {"d"}}, err: "done: unknown action (names are <pane>.<action>"},
		{name: "empty", remap: Keys{"inbox.done": {}}, err: "inbox.done: no keys"},
		{name: "twice", remap: Keys{"inbox.done": {"d", "d"}}, err: `inbox.done: "d" is listed twice`},
		{name: "same pane", remap: Keys{"inbox.done": {"t"}}, err: `inbox.done: "t" is also inbox.tag's key in the inbox`},
		{name: "global", remap: Keys{"inbox.done": {"q"}}, err: `inbox.done: "q" is the global key of global.quit`},
		{name: "global remapped", remap: Keys{"global.help": {"x"}}, err: `global.help: "x" is also inbox.done's key`},
		{name: "global twice", remap: Keys{"global.help": {"q"}}, err: `global.help: "q" is also global.quit's key`},
		{name: "later blamed", remap: Keys{"inbox.done": {"d"}, "inbox.tag": {"d"}}, order: []string{"inbox.tag", "inbox.done"},
			err: `inbox.done: "d" is also inbox.tag's key`},
		// modes: the crisis board's x and the incident's x do not meet
		{name: "other mode", remap: Keys{"crisis.dismiss": {"y"}}},
		{name: "same mode", remap: Keys{"crisis.dismiss": {"n"}}, err: `crisis.dismiss: "n" is also crisis.new's key in the crisis (board)`},
		{name: "mode and all", remap: Keys{"crisis.mentions": {"y"}}, err: `crisis.mentions: "y" is also crisis.copy's key in the crisis (incident)`},
		// typing modes: global keys do not apply, text keys are kept
		{name: "composer ctrl+p", remap: Keys{"global.palette": {"ctrl+p"}}},
		{name: "composer letter", remap: Keys{"composer.send": {"s"}}, err: `composer.send: "s" would be typed as text in the composer`},
		{name: "policy edit", remap: Keys{"policy.edit_fix": {"ctrl+q"}}},
		{name: "force quit everywhere", remap: Keys{"global.force_quit": {"ctrl+s"}}, err: `global.force_quit: "ctrl+s" is also composer.send's key`},
		{name: "other panes", remap: Keys{"outbox.approve": {"x"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.remap, tc.order)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("got %v, want %q", err, tc.err)
			}
		})
	}
}

func TestLabelAndBinding(t *testing.T) {
	var def Keys
	if got := def.Label("inbox.up"); got != "↑/k" {
		t.Errorf("default up label %q", got)
	}
	if got := def.Label("inbox.top"); got != "g" {
		t.Errorf("default top label %q", got)
	}
	k := Keys{"inbox.tag": {"T", "ctrl+t"}, "inbox.top": {"home"}}
	if got := k.Label("inbox.tag"); got != "T/ctrl+t" {
		t.Errorf("remapped label %q", got)
	}
	if got := k.Label("inbox.top"); got != "home" {
		t.Errorf("remapped top label %q", got)
	}
	b := k.Binding("inbox.tag")
	if b.Help().Key != "T/ctrl+t" || b.Help().Desc != "tag" || strings.Join(b.Keys(), " ") != "T ctrl+t" {
		t.Errorf("binding %+v %v", b.Help(), b.Keys())
	}
	if got := k.Name("inbox", b); got != "inbox.tag" {
		t.Errorf("name %q", got)
	}
	if got := k.Name("inbox", def.Binding("inbox.tag")); got != "" {
		t.Errorf("the default tag binding is not in force, got %q", got)
	}
}

func TestCovered(t *testing.T) {
	type two struct{ Up, Down key.Binding }
	var k Keys
	if err := Covered("outbox", two{k.Binding("outbox.up"), k.Binding("outbox.down")}, k); err == nil || !strings.Contains(err.Error(), "no field for [outbox.approve") {
		t.Fatalf("got %v", err)
	}
	if err := Covered("outbox", two{k.Binding("outbox.up"), k.Binding("outbox.up")}, k); err == nil || !strings.Contains(err.Error(), "both outbox.up") {
		t.Fatalf("got %v", err)
	}
	if err := Covered("outbox", two{k.Binding("outbox.up"), k.Binding("inbox.tag")}, k); err == nil || !strings.Contains(err.Error(), "Down is no outbox action") {
		t.Fatalf("got %v", err)
	}
}
