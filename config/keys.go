package config

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"switchboard/keymap"
)

// Keys is the `keys:` section: it remaps the terminal UI's actions, each
// named <pane>.<action> (package keymap and the README's table list
// them), to one key or a list of keys. Actions left out keep their
// defaults.
//
//	keys:
//	  inbox.done: "d"
//	  inbox.tag: ["T", "ctrl+t"]
//	  global.palette: ["ctrl+p", ":"]
//
// An unknown action, an empty key, a key that is no key name, and a key
// that two actions of a pane would share (or that a pane's action would
// take from a global one) are errors with the line.
type Keys struct {
	// Actions are the remapped actions' keys, normalized (see
	// keymap.Normalize); nil when the section is absent.
	Actions keymap.Keys
	// Lines are the lines of the actions in the file.
	Lines map[string]int
}

// UnmarshalYAML reads and checks the section.
func (k *Keys) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: keys: want a mapping of action names to keys (inbox.done: d)", n.Line)
	}
	k.Actions, k.Lines = keymap.Keys{}, map[string]int{}
	var order []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, v := n.Content[i], n.Content[i+1]
		if name.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: keys: an action name is a word like inbox.done", name.Line)
		}
		if _, ok := keymap.Lookup(name.Value); !ok {
			// the message says what the names are
			err := keymap.Check(keymap.Keys{name.Value: {"?"}}, nil)
			return fmt.Errorf("line %d: keys: %v", name.Line, err)
		}
		if l, dup := k.Lines[name.Value]; dup {
			return fmt.Errorf("line %d: keys: %s is already given on line %d", name.Line, name.Value, l)
		}
		var items []*yaml.Node
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag != "!!null":
			items = []*yaml.Node{v}
		case v.Kind == yaml.SequenceNode:
			items = v.Content
		case v.Kind != yaml.ScalarNode:
			return fmt.Errorf("line %d: keys: %s: give one key or a list of keys", v.Line, name.Value)
		}
		if len(items) == 0 {
			return fmt.Errorf("line %d: keys: %s: empty keys (give one key or a list of keys; leave the action out to keep its default)", v.Line, name.Value)
		}
		keys := make([]string, 0, len(items))
		for _, it := range items {
			if it.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: keys: %s: a key is one value like d or ctrl+t", it.Line, name.Value)
			}
			key, err := keymap.Normalize(it.Value)
			if err != nil {
				return fmt.Errorf("line %d: keys: %s: %v", it.Line, name.Value, err)
			}
			keys = append(keys, key)
		}
		k.Actions[name.Value] = keys
		k.Lines[name.Value] = name.Line
		order = append(order, name.Value)
	}
	if err := keymap.Check(k.Actions, order); err != nil {
		var ke *keymap.Error
		if errors.As(err, &ke) {
			return fmt.Errorf("line %d: keys: %v", k.Lines[ke.Action], err)
		}
		return fmt.Errorf("line %d: keys: %v", n.Line, err)
	}
	return nil
}
