package config

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"switchboard/domain"
)

// Stream is one entry of the `streams:` section: a named keyword and
// hashtag search run on every configured connector that can search.
//
//	streams:
//	  - name: brand
//	    terms: [acme, "acme pharmacy", "#acmefail"]
//	    platforms: [mastodon, bluesky, x]   # default: every platform that can search
//	    language: en                        # only posts in this language (where the platform can tell)
//	    every: 2m                           # search schedule (default: the connector's)
//
// A term starting with "#" is a hashtag (Mastodon reads its tag timeline).
type Stream struct {
	Name      string        `yaml:"name"`
	Terms     []string      `yaml:"terms"`
	Platforms []string      `yaml:"platforms"`
	Language  string        `yaml:"language"`
	Every     time.Duration `yaml:"every"`
	// Line is the entry's line in the file ("" for one made in the UI).
	Line int `yaml:"-"`
}

// Streams is the `streams:` section.
type Streams []Stream

// StreamPlatforms are the platforms a stream can search.
var StreamPlatforms = []domain.Platform{domain.PlatformMastodon, domain.PlatformBluesky, domain.PlatformX, domain.PlatformReddit}

// Words are the stream's terms that are not hashtags.
func (s Stream) Words() []string {
	var out []string
	for _, t := range s.Terms {
		if t = strings.TrimSpace(t); t != "" && !strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
	}
	return out
}

// Hashtags are the stream's hashtag terms, without "#".
func (s Stream) Hashtags() []string {
	var out []string
	for _, t := range s.Terms {
		if t = strings.TrimSpace(t); strings.HasPrefix(t, "#") && len(t) > 1 {
			out = append(out, t[1:])
		}
	}
	return out
}

// Runs reports whether the stream searches platform p.
func (s Stream) Runs(p domain.Platform) bool {
	return len(s.Platforms) == 0 || slices.Contains(s.Platforms, string(p))
}

// Check validates one stream (line is for the error).
func (s Stream) Check() error {
	at := ""
	if s.Line > 0 {
		at = fmt.Sprintf("line %d: ", s.Line)
	}
	switch {
	case s.Name == "":
		return fmt.Errorf("%sstreams: a stream has no name", at)
	case !nameRE().MatchString(s.Name):
		return fmt.Errorf("%sstreams: name %q: use lower-case letters, digits, '.', '_' and '-' (at most 40)", at, s.Name)
	case len(s.Terms) == 0:
		return fmt.Errorf("%sstreams: %s has no terms (e.g. terms: [acme, \"#acmefail\"])", at, s.Name)
	case len(s.Terms) > 20:
		return fmt.Errorf("%sstreams: %s has %d terms; at most 20", at, s.Name, len(s.Terms))
	case s.Every != 0 && (s.Every < 10*time.Second || s.Every > 24*time.Hour):
		return fmt.Errorf("%sstreams: %s: every %s is not between 10s and 24h", at, s.Name, s.Every)
	case s.Language != "" && !langRE.MatchString(s.Language):
		return fmt.Errorf("%sstreams: %s: language %q is not a language code such as en or pt-BR", at, s.Name, s.Language)
	}
	for _, t := range s.Terms {
		t = strings.TrimSpace(t)
		if t == "" || t == "#" {
			return fmt.Errorf("%sstreams: %s: an empty term", at, s.Name)
		}
		if len(t) > 100 {
			return fmt.Errorf("%sstreams: %s: term %q is longer than 100 bytes", at, s.Name, t[:100])
		}
		if strings.HasPrefix(t, "#") && strings.ContainsAny(t[1:], " #\t") {
			return fmt.Errorf("%sstreams: %s: hashtag %q holds a space or a second #", at, s.Name, t)
		}
	}
	for _, p := range s.Platforms {
		if !slices.Contains(StreamPlatforms, domain.Platform(p)) {
			return fmt.Errorf("%sstreams: %s: platform %q cannot be searched (want mastodon, bluesky, x or reddit)", at, s.Name, p)
		}
	}
	return nil
}

var langRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)

// UnmarshalYAML decodes the section, rejecting unknown keys, bad values
// and repeated names with the line of the entry.
func (ss *Streams) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKnownKeys(n, reflect.TypeOf(Streams{}), "streams"); err != nil {
		return err
	}
	var plain []Stream
	if err := n.Decode(&plain); err != nil {
		return err
	}
	seen := map[string]int{}
	for i := range plain {
		if i < len(n.Content) {
			plain[i].Line = n.Content[i].Line
		}
		if err := plain[i].Check(); err != nil {
			return err
		}
		if l, dup := seen[plain[i].Name]; dup {
			return fmt.Errorf("line %d: streams: %s is named twice (first on line %d)", plain[i].Line, plain[i].Name, l)
		}
		seen[plain[i].Name] = plain[i].Line
	}
	*ss = plain
	return nil
}

// AddStream saves st at the end of streams: in the config file at path
// (created when there is none), keeping the rest of the file as AddView
// does.
func AddStream(path string, st Stream) error {
	if err := st.Check(); err != nil {
		return err
	}
	old, doc, err := loadDoc(path)
	if err != nil {
		return err
	}
	for _, o := range old.Streams {
		if o.Name == st.Name {
			return fmt.Errorf("%s: a stream named %q exists already (line %d)", path, st.Name, o.Line)
		}
	}
	list := mapChild(doc.Content[0], "streams", yaml.SequenceNode)
	var item yaml.Node
	out := struct {
		Name      string   `yaml:"name"`
		Terms     []string `yaml:"terms,flow"`
		Platforms []string `yaml:"platforms,omitempty,flow"`
		Language  string   `yaml:"language,omitempty"`
		Every     string   `yaml:"every,omitempty"`
	}{Name: st.Name, Terms: st.Terms, Platforms: st.Platforms, Language: st.Language}
	if st.Every > 0 {
		out.Every = st.Every.String()
	}
	if err := item.Encode(out); err != nil {
		return err
	}
	list.Content = append(list.Content, &item)
	return writeDoc(path, doc, "stream")
}
