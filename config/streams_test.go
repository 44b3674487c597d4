package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestStreamsSection(t *testing.T) {
	c, err := Parse([]byte("streams:\n  - name: brand\n    terms: [acme, \"acme pharmacy\", \"#acmefail\"]\n    platforms: [mastodon, x]\n    language: en\n    every: 2m\n  - name: rivals\n    terms: [globex]\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Streams) != 2 {
		t.Fatalf("streams %+v", c.Streams)
	}
	b := c.Streams[0]
	if b.Name != "brand" || b.Language != "en" || b.Every != 2*time.Minute || b.Line != 2 {
		t.Fatalf("brand %+v", b)
	}
	if !reflect.DeepEqual(b.Words(), []string{"acme", "acme pharmacy"}) || !reflect.DeepEqual(b.Hashtags(), []string{"acmefail"}) {
		t.Fatalf("words %q hashtags %q", b.Words(), b.Hashtags())
	}
	if !b.Runs("x") || b.Runs("bluesky") || !c.Streams[1].Runs("bluesky") {
		t.Fatal("Runs")
	}
}

func TestStreamsSectionErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"streams:\n  - name: brand\n    term: [acme]\n", `line 3: streams: unknown field "term"`},
		{"streams:\n  - name: Brand\n    terms: [acme]\n", `line 2: streams: name "Brand"`},
		{"streams:\n  - name: brand\n", `line 2: streams: brand has no terms`},
		{"streams:\n  - name: brand\n    terms: [acme]\n    platforms: [news]\n", `platform "news" cannot be searched`},
		{"streams:\n  - name: b\n    terms: [\"#two words\"]\n", `hashtag "#two words"`},
		{"streams:\n  - name: b\n    terms: [a]\n  - name: b\n    terms: [c]\n", `line 4: streams: b is named twice (first on line 2)`},
		{"streams:\n  - name: b\n    terms: [a]\n    language: english\n", `language "english"`},
	} {
		_, err := Parse([]byte(tc.yaml), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}

func TestAddStreamKeepsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	orig := "# our config\nbrand:\n  name: Acme # the brand\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	st := Stream{Name: "launch", Terms: []string{"#acmelaunch", "acme x1"}, Platforms: []string{"bluesky"}}
	if err := AddStream(path, st); err != nil {
		t.Fatal(err)
	}
	if err := AddStream(path, st); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Fatalf("twice: %v", err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "# the brand") {
		t.Fatalf("comment lost:\n%s", data)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Streams) != 1 || c.Streams[0].Name != "launch" || !reflect.DeepEqual(c.Streams[0].Terms, st.Terms) || c.Streams[0].Platforms[0] != "bluesky" {
		t.Fatalf("loaded %+v", c.Streams)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if err := AddStream(path, Stream{Name: "x"}); err == nil {
		t.Fatal("a stream without terms was saved")
	}
}
