// Package config reads switchboard's YAML configuration: the brand and
// what to track, the connectors and their schedules, and the policy file.
// Other packages add their own sections (see Sections). Bad input gives
// errors with the file's line numbers; unknown fields are rejected;
// secrets are never in the file, only the names of environment variables
// or private files that hold them.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"switchboard/connectors"
)

// Config is the whole file.
type Config struct {
	Brand      Brand       `yaml:"brand"`
	Connectors []Connector `yaml:"connectors"`
	// Policy is the policy pack file, relative to the config file's
	// directory; "" means the built-in pack. See PolicyPath.
	Policy string `yaml:"policy"`

	// Sections owned by other packages, inlined at the top level.
	Sections `yaml:",inline"`

	// Path is the file the config was read from ("" when none existed).
	Path string `yaml:"-"`
}

// Brand is who the team speaks for and what it tracks.
type Brand struct {
	Name string `yaml:"name"`
	// Handles are the brand's own accounts, e.g. "@acme@social.example",
	// "@acme", "acme.bsky.social".
	Handles []string `yaml:"handles"`
	// Keywords are tracked terms, e.g. "acme", "#acmefail".
	Keywords []string `yaml:"keywords"`
	// Apps are the applications the team posts on the brand's accounts
	// from, as the platform names them (Mastodon's status
	// application.name, X's source), e.g. [switchboard, "Hootsuite"]. A
	// post on an own account from an app not listed raises a hijack
	// alert; a post from a listed app other than switchboard itself is the
	// team's, even though switchboard's outbox did not send it. Empty:
	// every post the outbox did not send raises one.
	Apps []string `yaml:"apps"`
}

// Connector is one entry of `connectors:`. The common fields are decoded
// here; the platform's own fields stay in the YAML node and are decoded
// by the platform's Factory through Spec().Decode.
type Connector struct {
	Name  string
	Type  string
	Every time.Duration // 0: the poller's default
	// Line is the entry's line in the file, for errors.
	Line int

	file string
	node *yaml.Node
}

// commonFields are the keys every connector entry may have.
var commonFields = map[string]bool{"name": true, "type": true, "every": true}

var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,39}$`) })

// secretKey matches keys that would hold a secret in the file itself.
var secretKey = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(^|_)(token|secret|password|passwd|api_?key|key|bearer|credentials?)$`)
})

// UnmarshalYAML reads the common fields and keeps the node.
func (c *Connector) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a connector must be a mapping (name: …, type: …)", n.Line)
	}
	c.Line, c.node = n.Line, n
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if secretKey().MatchString(k.Value) {
			// Never echo the value.
			return fmt.Errorf("line %d: %s: secrets do not go in the config file; use %s_env (an environment variable) or %s_file (a file only you can read)",
				k.Line, k.Value, k.Value, k.Value)
		}
		if !commonFields[k.Value] {
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: %s must be a single value", v.Line, k.Value)
		}
		switch k.Value {
		case "name":
			c.Name = v.Value
		case "type":
			c.Type = v.Value
		case "every":
			d, err := time.ParseDuration(v.Value)
			if err != nil || d < time.Second || d > 24*time.Hour {
				return fmt.Errorf("line %d: every: %q is not a duration between 1s and 24h (e.g. 60s, 5m)", v.Line, v.Value)
			}
			c.Every = d
		}
	}
	switch {
	case c.Name == "":
		return fmt.Errorf("line %d: connector has no name", n.Line)
	case !nameRE().MatchString(c.Name):
		return fmt.Errorf("line %d: connector name %q: use lower-case letters, digits, '.', '_' and '-' (at most 40)", n.Line, c.Name)
	case c.Type == "":
		return fmt.Errorf("line %d: connector %s has no type", n.Line, c.Name)
	}
	return nil
}

// Decode decodes the entry's platform fields into v, a pointer to a struct
// with yaml tags. Keys that are neither common fields nor fields of v are
// errors, with their line numbers.
func (c *Connector) Decode(v any) error {
	if c.node == nil {
		return nil
	}
	known := yamlFields(v)
	for i := 0; i+1 < len(c.node.Content); i += 2 {
		k := c.node.Content[i]
		if !commonFields[k.Value] && !known[k.Value] {
			return c.errorf(k.Line, "connector %s: unknown field %q for type %s", c.Name, k.Value, c.Type)
		}
	}
	if err := c.node.Decode(v); err != nil {
		return fmt.Errorf("%sconnector %s: %s", c.prefix(), c.Name, yamlErrorText(err))
	}
	return nil
}

func (c *Connector) prefix() string {
	if c.file == "" {
		return ""
	}
	return c.file + ": "
}

func (c *Connector) errorf(line int, format string, a ...any) error {
	return fmt.Errorf("%sline %d: %s", c.prefix(), line, fmt.Sprintf(format, a...))
}

// Errorf makes an error about this entry that names the file and line.
func (c *Connector) Errorf(format string, a ...any) error { return c.errorf(c.Line, format, a...) }

// Spec is the entry as a connectors.Spec, for the platform's Factory.
// The caller sets HTTP, StateDir and Getenv as it needs.
func (c *Connector) Spec() connectors.Spec {
	return connectors.Spec{Name: c.Name, Type: c.Type, Every: c.Every, Decode: c.Decode}
}

// PolicyPath is the policy file resolved against the config file's
// directory, or "" for the built-in pack.
func (c *Config) PolicyPath() string {
	if c.Policy == "" || filepath.IsAbs(c.Policy) || c.Path == "" {
		return c.Policy
	}
	return filepath.Join(filepath.Dir(c.Path), c.Policy)
}

// DefaultPath is $XDG_CONFIG_HOME/switchboard/config.yaml (or
// ~/.config/switchboard/config.yaml).
func DefaultPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "switchboard", "config.yaml")
}

// Load reads the config file at path. An empty path means DefaultPath,
// and a default file that does not exist is an empty config, not an
// error; a file named explicitly must exist.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultPath()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return &Config{}, nil
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(b, path)
}

// Parse reads a config from YAML; file names it in errors and resolves
// relative paths.
func Parse(data []byte, file string) (*Config, error) {
	c := &Config{Path: file}
	pre := ""
	if file != "" {
		pre = file + ": "
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s%s", pre, yamlErrorText(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%sline %d: only one YAML document is allowed", pre, extra.Line)
	}
	seen := map[string]int{}
	for i := range c.Connectors {
		cc := &c.Connectors[i]
		cc.file = file
		if l, dup := seen[cc.Name]; dup {
			return nil, fmt.Errorf("%sline %d: connector name %q is already used on line %d", pre, cc.Line, cc.Name, l)
		}
		seen[cc.Name] = cc.Line
	}
	var doc yaml.Node
	_ = yaml.Unmarshal(data, &doc) // it decoded above; this only finds lines
	for i, h := range c.Brand.Handles {
		if strings.TrimSpace(h) == "" || strings.ContainsAny(h, " \t\n") {
			return nil, fmt.Errorf("%sline %d: brand.handles: %q is not a handle", pre, itemLine(&doc, "brand", "handles", i), h)
		}
	}
	for i, k := range c.Brand.Keywords {
		if strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("%sline %d: brand.keywords: empty keyword", pre, itemLine(&doc, "brand", "keywords", i))
		}
	}
	for i, a := range c.Brand.Apps {
		if strings.TrimSpace(a) == "" {
			return nil, fmt.Errorf("%sline %d: brand.apps: empty app name", pre, itemLine(&doc, "brand", "apps", i))
		}
	}
	if err := checkNotify(c.Notify); err != nil {
		return nil, fmt.Errorf("%s%v", pre, err)
	}
	return c, nil
}

// itemLine is the line of item i of the list at section.field in a YAML
// document (0 when it cannot be found).
func itemLine(doc *yaml.Node, section, field string, i int) int {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, key := range []string{section, field} {
		n = mapValue(n, key)
		if n == nil {
			return 0
		}
	}
	if n.Kind != yaml.SequenceNode || i >= len(n.Content) {
		return n.Line
	}
	return n.Content[i].Line
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for j := 0; j+1 < len(n.Content); j += 2 {
		if n.Content[j].Value == key {
			return n.Content[j+1]
		}
	}
	return nil
}

// yamlErrorText turns yaml.v3's messages into shorter ones that keep the
// line numbers ("line 4: unknown field \"colour\"").
func yamlErrorText(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			if line, rest, ok := strings.Cut(m, ": field "); ok {
				if f, _, ok := strings.Cut(rest, " not found in type"); ok {
					m = fmt.Sprintf("%s: unknown field %q", line, f)
				}
			}
			msgs[i] = m
		}
		return strings.Join(msgs, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// yamlFields lists the yaml keys of the struct v points to, inlined
// structs included.
func yamlFields(v any) map[string]bool {
	out := map[string]bool{}
	collectFields(reflectType(v), out)
	return out
}
