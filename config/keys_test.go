package config

import (
	"slices"
	"strings"
	"testing"
)

func TestKeysSection(t *testing.T) {
	c, err := Parse([]byte(`brand: {name: Acme}
keys:
  inbox.done: "d"          # action name → one or more keys
  inbox.tag: ["T", "ctrl+t"]
  global.palette: ["ctrl+p", ":"]
  composer.send: Ctrl+Enter
`), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	k := c.Keys
	for name, want := range map[string][]string{
		"inbox.done":     {"d"},
		"inbox.tag":      {"T", "ctrl+t"},
		"global.palette": {"ctrl+p", ":"},
		"composer.send":  {"ctrl+enter"}, // normalized
		"inbox.note":     {"n"},          // not remapped: the default
	} {
		if got := k.Actions.Of(name); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if k.Lines["inbox.tag"] != 4 || len(k.Actions) != 4 {
		t.Errorf("lines %v, actions %v", k.Lines, k.Actions)
	}
	// no section: the defaults
	c, err = Parse([]byte("brand: {name: Acme}\n"), "")
	if err != nil || c.Keys.Actions != nil || c.Keys.Actions.Of("inbox.done")[0] != "x" {
		t.Fatalf("no keys section: %+v, %v", c.Keys, err)
	}
}

func TestKeysSectionErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown action", "keys:\n  inbox.finish: d\n", `c.yaml: line 2: keys: inbox.finish: unknown action; the inbox's are inbox.up, inbox.down`},
		{"unknown pane", "keys:\n  done: d\n", `line 2: keys: done: unknown action (names are <pane>.<action>`},
		{"null", "keys:\n  inbox.tag: t\n  inbox.done:\n", `line 3: keys: inbox.done: empty keys`},
		{"empty list", "keys:\n  inbox.done: []\n", `line 2: keys: inbox.done: empty keys`},
		{"empty string", "keys:\n  inbox.done: \"\"\n", `line 2: keys: inbox.done: empty key`},
		{"empty item", "keys:\n  inbox.done:\n    - d\n    - \"\"\n", `line 4: keys: inbox.done: empty key`},
		{"bad name", "keys:\n  inbox.done: ctrl-d\n", `line 2: keys: inbox.done: "ctrl-d" is not a key name`},
		{"mapping", "keys:\n  inbox.done: {key: d}\n", `line 2: keys: inbox.done: give one key or a list of keys`},
		{"not a mapping", "keys: [d]\n", `line 1: keys: want a mapping`},
		{"same pane", "brand: {name: A}\nkeys:\n  inbox.done: t\n", `line 3: keys: inbox.done: "t" is also inbox.tag's key in the inbox`},
		{"two remapped", "keys:\n  inbox.done: d\n  inbox.tag: [T, d]\n", `line 3: keys: inbox.tag: "d" is also inbox.done's key in the inbox`},
		{"global", "keys:\n  inbox.done: \"?\"\n", `line 2: keys: inbox.done: "?" is the global key of global.help`},
		{"global remapped", "keys:\n  global.palette: [x]\n", `line 2: keys: global.palette: "x" is also inbox.done's key`},
		{"listed twice", "keys:\n  inbox.done: [d, d]\n", `line 2: keys: inbox.done: "d" is listed twice`},
		{"typed text", "keys:\n  composer.send: s\n", `line 2: keys: composer.send: "s" would be typed as text in the composer`},
		{"defined twice", "keys:\n  inbox.done: d\n  inbox.done: e\n", `line 3: keys: inbox.done is already given on line 2`},
		{"unknown section key", "key:\n  inbox.done: d\n", `unknown field "key"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "c.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	// a swap is fine: each key has one action
	if _, err := Parse([]byte("keys:\n  inbox.done: t\n  inbox.tag: x\n"), ""); err != nil {
		t.Fatal(err)
	}
}
