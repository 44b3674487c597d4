package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// AddView saves v at the end of inbox.views in the config file at path,
// creating the file (and the section) when there is none. The rest of the
// file, comments included, is kept; the result must still load, and is
// written to a temporary file and renamed over the old one, so a failure
// leaves the old file as it was.
func AddView(path string, v InboxView) error {
	old, doc, err := loadDoc(path)
	if err != nil {
		return err
	}
	for _, o := range old.Inbox.Views {
		if o.Name == v.Name {
			return fmt.Errorf("%s: a view named %q exists already (line %d)", path, v.Name, o.Line)
		}
	}
	root := doc.Content[0]
	inbox := mapChild(root, "inbox", yaml.MappingNode)
	views := mapChild(inbox, "views", yaml.SequenceNode)
	var item yaml.Node
	if err := item.Encode(v); err != nil {
		return err
	}
	views.Content = append(views.Content, &item)
	return writeDoc(path, doc, "view")
}

// loadDoc reads the config file at path (missing: empty) as parsed config
// and as a YAML document whose root is a mapping, for a change that keeps
// the rest of the file, comments included.
func loadDoc(path string) (*Config, *yaml.Node, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	old, err := Parse(data, path)
	if err != nil {
		return nil, nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	if doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("%s: the file is not a mapping of sections", path)
	}
	return old, &doc, nil
}

// writeDoc writes doc to path, after checking that it still loads,
// through a temporary file renamed over the old one (what names the thing
// saved, for the error).
func writeDoc(path string, doc *yaml.Node, what string) error {
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if _, err := Parse(out.Bytes(), path); err != nil {
		return fmt.Errorf("the saved %s would not load: %w", what, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer os.Remove(tmp.Name())
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	_, err = tmp.Write(out.Bytes())
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), mode)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("config: save %s: %w", path, err)
	}
	return nil
}

// mapChild is the value of key in mapping m, created (of kind) when
// missing or null.
func mapChild(m *yaml.Node, key string, kind yaml.Kind) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind != kind && v.Tag == "!!null" {
				v.Kind, v.Tag, v.Value = kind, "", ""
			}
			return v
		}
	}
	v := &yaml.Node{Kind: kind}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	return v
}
