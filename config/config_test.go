package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const issueExample = `brand:
  name: Acme
  handles: ["@acme@social.example", "@acme", "acme.bsky.social"]   # own accounts
  keywords: ["acme", "#acmefail"]                                 # tracked terms
connectors:
  - name: mastodon-main
    type: mastodon
    server: https://social.example
    token_env: SWITCHBOARD_MASTODON_TOKEN    # or token_file: path
    every: 60s
  - name: news
    type: rss
    url: https://www.google.com/alerts/feeds/123/456
policy: policy.yaml        # optional; the built-in pack otherwise
`

type mastodonFields struct {
	Server    string `yaml:"server"`
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
}

func TestParseIssueExample(t *testing.T) {
	c, err := Parse([]byte(issueExample), "/etc/sb/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Brand.Name != "Acme" || len(c.Brand.Handles) != 3 || c.Brand.Keywords[1] != "#acmefail" {
		t.Fatalf("brand %+v", c.Brand)
	}
	if len(c.Connectors) != 2 {
		t.Fatalf("%d connectors", len(c.Connectors))
	}
	m := c.Connectors[0]
	if m.Name != "mastodon-main" || m.Type != "mastodon" || m.Every != 60*time.Second || m.Line != 6 {
		t.Fatalf("connector %+v", m)
	}
	var f mastodonFields
	spec := m.Spec()
	if err := spec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	if f.Server != "https://social.example" || f.TokenEnv != "SWITCHBOARD_MASTODON_TOKEN" {
		t.Fatalf("fields %+v", f)
	}
	if spec.Name != "mastodon-main" || spec.Every != time.Minute {
		t.Fatalf("spec %+v", spec)
	}
	if c.Connectors[1].Every != 0 {
		t.Fatal("default schedule should be 0")
	}
	if got := c.PolicyPath(); got != "/etc/sb/policy.yaml" {
		t.Fatalf("policy path %q", got)
	}
}

func TestErrorsHaveLineNumbers(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown top field", "brand:\n  name: A\ncolour: red\n", `line 3: unknown field "colour"`},
		{"unknown brand field", "brand:\n  name: A\n  handels: [x]\n", `line 3: unknown field "handels"`},
		{"bad every", "connectors:\n  - name: a\n    type: rss\n    every: soon\n", `line 4: every: "soon"`},
		{"every too short", "connectors:\n  - name: a\n    type: rss\n    every: 10ms\n", "line 4"},
		{"no name", "connectors:\n  - type: rss\n", "line 2: connector has no name"},
		{"no type", "connectors:\n  - name: a\n", "line 2: connector a has no type"},
		{"bad name", "connectors:\n  - name: A B\n    type: rss\n", "line 2: connector name"},
		{"duplicate", "connectors:\n  - name: a\n    type: rss\n  - name: a\n    type: rss\n", `line 4: connector name "a" is already used on line 2`},
		{"not a mapping", "connectors:\n  - just-a-string\n", "line 2: a connector must be a mapping"},
		{"wrong type", "brand:\n  handles: 5\n", "line 2"},
		{"syntax", "brand:\n  name: [unclosed\n", "line"},
		{"two docs", "brand:\n  name: A\n---\nbrand:\n  name: B\n", "only one YAML document"},
		{"empty handle", "brand:\n  handles: [\"\"]\n", "brand.handles"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), "cfg.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "cfg.yaml: ") {
				t.Fatalf("error %q does not contain %q with the file name", err, tc.want)
			}
		})
	}
}

func TestSecretsRejectedWithoutEcho(t *testing.T) {
	for _, key := range []string{"token", "access_token", "password", "api_key", "client_secret"} {
		y := "connectors:\n  - name: m\n    type: mastodon\n    " + key + ": hunter2-SECRET\n"
		_, err := Parse([]byte(y), "c.yaml")
		if err == nil {
			t.Fatalf("%s accepted in the file", key)
		}
		if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), key+"_env") {
			t.Fatalf("%s: error %q", key, err)
		}
	}
	// The _env and _file forms are fine.
	if _, err := Parse([]byte("connectors:\n  - name: m\n    type: mastodon\n    token_file: /x\n    client_secret_env: Y\n"), "c.yaml"); err != nil {
		t.Fatal(err)
	}
}

func TestPlatformFieldsChecked(t *testing.T) {
	c, err := Parse([]byte("connectors:\n  - name: m\n    type: mastodon\n    server: https://a.example\n    sever: typo\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f mastodonFields
	err = c.Connectors[0].Spec().Decode(&f)
	if err == nil || !strings.Contains(err.Error(), `c.yaml: line 5: connector m: unknown field "sever" for type mastodon`) {
		t.Fatalf("error %v", err)
	}
	c, _ = Parse([]byte("connectors:\n  - name: m\n    type: mastodon\n    server: [a, b]\n"), "c.yaml")
	err = c.Connectors[0].Decode(&f)
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("wrong value type: %v", err)
	}
	if e := c.Connectors[0].Errorf("unknown type %q", "zzz"); e.Error() != `c.yaml: line 2: unknown type "zzz"` {
		t.Fatalf("Errorf: %q", e)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	c, err := Load("")
	if err != nil || len(c.Connectors) != 0 || c.Path != "" {
		t.Fatalf("missing default: %+v %v", c, err)
	}
	if _, err := Load(filepath.Join(dir, "nope.yaml")); err == nil {
		t.Fatal("a missing explicit file is an error")
	}
	p := DefaultPath()
	if p != filepath.Join(dir, "switchboard", "config.yaml") {
		t.Fatalf("default path %s", p)
	}
	os.MkdirAll(filepath.Dir(p), 0o700)
	os.WriteFile(p, []byte(issueExample), 0o600)
	c, err = Load("")
	if err != nil || c.Path != p || len(c.Connectors) != 2 {
		t.Fatalf("default file: %+v %v", c, err)
	}
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, []byte("# nothing yet\n"), 0o600)
	if c, err := Load(empty); err != nil || len(c.Connectors) != 0 {
		t.Fatalf("empty file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(issueExample))
	f.Add([]byte("connectors:\n  - name: a\n    type: rss\n    every: 1h\n"))
	f.Add([]byte("brand: [1, 2]\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b, "f.yaml")
		if err != nil {
			return
		}
		names := map[string]bool{}
		for _, cc := range c.Connectors {
			if cc.Name == "" || cc.Type == "" || names[cc.Name] {
				t.Fatalf("accepted bad connector %+v", cc)
			}
			names[cc.Name] = true
			var v struct{}
			_ = cc.Decode(&v)
		}
	})
}

func TestBrandErrorsHaveLines(t *testing.T) {
	_, err := Parse([]byte("brand:\n  name: Acme\n  handles:\n    - \"@acme\"\n    - \"not a handle\"\n  keywords: [acme, \"\"]\n"), "c.yaml")
	if err == nil || !strings.Contains(err.Error(), "c.yaml: line 5: brand.handles") {
		t.Fatalf("handle error without its line: %v", err)
	}
	_, err = Parse([]byte("brand:\n  keywords:\n    - acme\n    - \" \"\n"), "c.yaml")
	if err == nil || !strings.Contains(err.Error(), "c.yaml: line 4: brand.keywords: empty keyword") {
		t.Fatalf("keyword error without its line: %v", err)
	}
}
