// Package policy checks drafts against a team's social-media policy: a rule
// pack (YAML) compiled once into one term automaton, RE2 patterns,
// detectors for personal data, link rules and platform length counters.
// It knows nothing but text and its rule pack.
package policy

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"switchboard/domain"
)

// Severity of a finding.
type Severity string

const (
	Info     Severity = "info"
	Warn     Severity = "warn"
	Block    Severity = "block"
	Approval Severity = "approval" // needs sign-off by a role
)

func (s Severity) rank() int {
	switch s {
	case Info:
		return 0
	case Warn:
		return 1
	case Approval:
		return 2
	case Block:
		return 3
	}
	return -1
}

// Rule kinds.
const (
	KindDeny       = "deny"
	KindSubstitute = "substitute"
	KindRequire    = "require"
	KindRequireIf  = "require_if"
	KindCount      = "count"
	KindLength     = "length"
	KindDetector   = "detector"
	KindLink       = "link"
	KindApproval   = "approval"
)

var kinds = []string{KindDeny, KindSubstitute, KindRequire, KindRequireIf, KindCount, KindLength, KindDetector, KindLink, KindApproval}

// When limits where a rule applies; empty fields match everything.
type When struct {
	Platforms  []string `yaml:"platforms" json:"platforms,omitempty"`
	Visibility string   `yaml:"visibility" json:"visibility,omitempty"` // public | private
	Type       string   `yaml:"type" json:"type,omitempty"`             // reply | post
	Lang       []string `yaml:"lang" json:"lang,omitempty"`
}

// Match is a set of terms (and named lists) and RE2 patterns.
type Match struct {
	Terms    []string `yaml:"terms" json:"terms,omitempty"`
	Lists    []string `yaml:"lists" json:"lists,omitempty"`
	Patterns []string `yaml:"patterns" json:"patterns,omitempty"`
}

func (m Match) empty() bool { return len(m.Terms) == 0 && len(m.Lists) == 0 && len(m.Patterns) == 0 }

// Examples are texts a rule must flag (Bad) and must leave alone (Good).
type Examples struct {
	Bad  []string `yaml:"bad" json:"bad,omitempty"`
	Good []string `yaml:"good" json:"good,omitempty"`
}

// Rule is one rule of a pack, as written.
type Rule struct {
	ID         string   `yaml:"id" json:"id"`
	Kind       string   `yaml:"kind" json:"kind"`
	Area       string   `yaml:"area" json:"area,omitempty"`
	Severity   Severity `yaml:"severity" json:"severity"`
	Message    string   `yaml:"message" json:"message"`
	Cite       string   `yaml:"cite" json:"cite"`
	Fix        *string  `yaml:"fix" json:"fix,omitempty"`
	When       When     `yaml:"when" json:"when"`
	Except     Match    `yaml:"except" json:"except"`
	Examples   Examples `yaml:"examples" json:"examples"`
	NoOverride bool     `yaml:"no_override" json:"no_override,omitempty"`

	Match `yaml:",inline"`

	// substitute
	Swap map[string]string `yaml:"swap" json:"swap,omitempty"`
	// require_if
	If            Match    `yaml:"if" json:"if"`
	Within        int      `yaml:"within" json:"within,omitempty"`
	Weak          []string `yaml:"weak" json:"weak,omitempty"`
	MaxHashtagRun int      `yaml:"max_hashtag_run" json:"max_hashtag_run,omitempty"`
	// count, length
	Count string `yaml:"count" json:"count,omitempty"`
	Max   *int   `yaml:"max" json:"max,omitempty"`
	Min   *int   `yaml:"min" json:"min,omitempty"`
	// detector
	Detector string `yaml:"detector" json:"detector,omitempty"`
	Checksum string `yaml:"checksum" json:"checksum,omitempty"`
	// link
	AllowDomains     []string `yaml:"allow_domains" json:"allow_domains,omitempty"`
	DenyDomains      []string `yaml:"deny_domains" json:"deny_domains,omitempty"`
	Shorteners       bool     `yaml:"shorteners" json:"shorteners,omitempty"`
	ShortenerDomains []string `yaml:"shortener_domains" json:"shortener_domains,omitempty"`
	Internal         bool     `yaml:"internal" json:"internal,omitempty"`
	InternalDomains  []string `yaml:"internal_domains" json:"internal_domains,omitempty"`
	Login            bool     `yaml:"login" json:"login,omitempty"`
	// approval
	Role      string   `yaml:"role" json:"role,omitempty"`
	Detectors []string `yaml:"detectors" json:"detectors,omitempty"`
}

// Template is a pre-approved reply or holding statement; {{field}} marks
// a blank to fill in.
type Template struct {
	ID        string   `yaml:"id" json:"id"`
	Title     string   `yaml:"title" json:"title"`
	Text      string   `yaml:"text" json:"text"`
	Platforms []string `yaml:"platforms" json:"platforms,omitempty"`
	// Lang is the template's language (an ISO 639-1 code such as "en" or
	// "nl"); empty for any. The composer lists the mention's language first.
	Lang string `yaml:"lang" json:"lang,omitempty"`
}

var langRe = regexp.MustCompile(`^[a-z]{2,3}$`)

var fieldRe = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// Fields lists the template's {{fields}} in order of first use.
func (t Template) Fields() []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range fieldRe.FindAllStringSubmatch(t.Text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// Render fills the template's fields; a field without a value is an error.
func (t Template) Render(values map[string]string) (string, error) {
	var missing []string
	out := fieldRe.ReplaceAllStringFunc(t.Text, func(m string) string {
		name := fieldRe.FindStringSubmatch(m)[1]
		v, ok := values[name]
		if !ok {
			missing = append(missing, name)
			return m
		}
		return v
	})
	if len(missing) > 0 {
		return out, fmt.Errorf("template %s: no value for %s", t.ID, strings.Join(missing, ", "))
	}
	return out, nil
}

// Playbook is what to do in one crisis scenario: a checklist and holding
// statements per incident severity ("SEV1".."SEV4").
type Playbook struct {
	Scenario  string            `yaml:"-" json:"scenario"`
	Title     string            `yaml:"title" json:"title"`
	Checklist []string          `yaml:"checklist" json:"checklist"`
	Holding   map[string]string `yaml:"holding" json:"holding"`
}

// HoldingFor returns the holding statement for sev, or the nearest less
// severe one written, or the nearest more severe one.
func (p Playbook) HoldingFor(sev domain.Severity) string {
	for s := sev; s <= domain.Sev4; s++ {
		if h, ok := p.Holding[s.String()]; ok {
			return h
		}
	}
	for s := sev - 1; s >= domain.Sev1; s-- {
		if h, ok := p.Holding[s.String()]; ok {
			return h
		}
	}
	return ""
}

// packYAML is the file format.
type packYAML struct {
	ID         string              `yaml:"id"`
	Version    string              `yaml:"version"`
	Owner      string              `yaml:"owner"`
	ReviewBy   string              `yaml:"review_by"`
	Limits     map[string]int      `yaml:"limits"`
	Lists      map[string][]string `yaml:"lists"`
	Rules      []Rule              `yaml:"rules"`
	Guidelines string              `yaml:"guidelines"`
	Templates  []Template          `yaml:"templates"`
	Playbooks  map[string]Playbook `yaml:"playbooks"`
}

// LintError is a problem in a pack, with its place in the file.
type LintError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Msg     string `json:"message"`
	Warning bool   `json:"warning,omitempty"`
}

func (e LintError) Error() string {
	kind := "error"
	if e.Warning {
		kind = "warning"
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Col, kind, e.Msg)
}

// PackError is returned by Load for a pack with errors.
type PackError struct{ Errors []LintError }

func (e *PackError) Error() string {
	var b strings.Builder
	for i, le := range e.Errors {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(le.Error())
	}
	return b.String()
}

// Summary is the error in one line, for a banner: the first error (not
// warning) and how many more there are.
func (e *PackError) Summary() string {
	var first string
	n := 0
	for _, le := range e.Errors {
		if le.Warning {
			continue
		}
		if n == 0 {
			first = le.Error()
		}
		n++
	}
	if n > 1 {
		first += fmt.Sprintf(" (and %d more errors)", n-1)
	}
	return first
}

// Summary is err in one line: a *PackError's first error, else the error.
func Summary(err error) string {
	var pe *PackError
	if errors.As(err, &pe) {
		return pe.Summary()
	}
	return err.Error()
}

// Load reads and compiles a pack file; a pack with any error (not
// warning) fails with a *PackError listing every problem.
func Load(path string) (*Pack, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, errs := Parse(data, path)
	if p == nil {
		return nil, &PackError{Errors: errs}
	}
	return p, nil
}

// Ref names the pack and its version ("id@version"), as recorded on the
// drafts it let go.
func (p *Pack) Ref() string {
	if p == nil {
		return ""
	}
	return p.ID + "@" + p.Version
}

// Parse compiles a pack; name is used in messages. It returns every
// problem found (errors and warnings) and a nil pack if any is an error.
func Parse(data []byte, name string) (*Pack, []LintError) {
	l := &linter{file: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line, msg := yamlErrLine(err)
		l.errs = append(l.errs, LintError{File: name, Line: line, Col: 1, Msg: msg})
		return nil, l.errs
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		l.add(&root, "a pack is a YAML mapping with id, version, rules, …")
		return nil, l.errs
	}
	doc := root.Content[0]
	l.checkKeys(doc, reflect.TypeOf(packYAML{}), "pack")
	var py packYAML
	if err := doc.Decode(&py); err != nil {
		l.decodeErr(doc, err)
		return nil, l.errs
	}
	return compileSpec(doc, &py, l)
}

// compileSpec compiles a decoded pack; doc is its YAML tree, for the
// places of problems (nil: none known, every problem at 1:1).
func compileSpec(doc *yaml.Node, py *packYAML, l *linter) (*Pack, []LintError) {
	p := l.compile(doc, py)
	sort.SliceStable(l.errs, func(i, j int) bool {
		a, b := l.errs[i], l.errs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	if l.failed() {
		return nil, l.errs
	}
	return p, l.errs
}

func yamlErrLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if strings.HasPrefix(msg, "line ") {
		rest := msg[5:]
		if k := strings.IndexByte(rest, ':'); k > 0 {
			if n, err := strconv.Atoi(rest[:k]); err == nil {
				return n, strings.TrimSpace(rest[k+1:])
			}
		}
	}
	return 1, msg
}

type linter struct {
	file string
	errs []LintError
}

func (l *linter) add(n *yaml.Node, format string, a ...any) {
	line, col := 1, 1
	if n != nil && n.Line > 0 {
		line, col = n.Line, n.Column
	}
	l.errs = append(l.errs, LintError{File: l.file, Line: line, Col: col, Msg: fmt.Sprintf(format, a...)})
}

func (l *linter) warn(n *yaml.Node, format string, a ...any) {
	l.add(n, format, a...)
	l.errs[len(l.errs)-1].Warning = true
}

func (l *linter) failed() bool {
	for _, e := range l.errs {
		if !e.Warning {
			return true
		}
	}
	return false
}

func (l *linter) decodeErr(n *yaml.Node, err error) {
	if te, ok := err.(*yaml.TypeError); ok {
		for _, m := range te.Errors {
			line, msg := yamlErrLine(fmt.Errorf("yaml: %s", m))
			l.errs = append(l.errs, LintError{File: l.file, Line: line, Col: 1, Msg: msg})
		}
		return
	}
	l.add(n, "%v", err)
}

// value returns the value node of key in mapping m, or nil.
func value(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keyNode returns the key node of key in m, or m itself.
func keyNode(m *yaml.Node, key string) *yaml.Node {
	if m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return m.Content[i]
			}
		}
	}
	return m
}

func yamlKeys(t reflect.Type) map[string]reflect.Type {
	keys := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		if strings.Contains(tag, "inline") {
			for k, v := range yamlKeys(f.Type) {
				keys[k] = v
			}
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		keys[name] = f.Type
	}
	return keys
}

// checkKeys reports unknown keys (typos) in mapping n against struct type
// t, recursively for nested structs and slices of structs.
func (l *linter) checkKeys(n *yaml.Node, t reflect.Type, what string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	keys := yamlKeys(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := keys[k.Value]
		if !ok {
			l.add(k, "unknown field %q in %s", k.Value, what)
			continue
		}
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			l.checkKeys(v, ft, k.Value)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && v.Kind == yaml.SequenceNode:
			for _, e := range v.Content {
				l.checkKeys(e, ft.Elem(), strings.TrimSuffix(k.Value, "s"))
			}
		case ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Struct && v.Kind == yaml.MappingNode:
			for j := 1; j < len(v.Content); j += 2 {
				l.checkKeys(v.Content[j], ft.Elem(), strings.TrimSuffix(k.Value, "s"))
			}
		}
	}
}

// seqItem returns the i-th item node of the sequence under key in m.
func seqItem(m *yaml.Node, key string, i int) *yaml.Node {
	v := value(m, key)
	if v == nil || v.Kind != yaml.SequenceNode || i >= len(v.Content) {
		return keyNode(m, key)
	}
	return v.Content[i]
}

var platformNames = []string{"x", "mastodon", "bluesky", "reddit", "news", "generic"}

func (l *linter) compile(doc *yaml.Node, py *packYAML) *Pack {
	p := &Pack{ID: py.ID, Version: py.Version, Owner: py.Owner, Guidelines: py.Guidelines, Limits: map[string]int{}, lists: map[string][]string{}}
	if py.ID == "" {
		l.add(doc, "pack has no id")
	}
	if py.Version == "" {
		l.add(doc, "pack has no version")
	}
	if py.Owner == "" {
		l.warn(doc, "pack has no owner")
	}
	if py.ReviewBy != "" {
		t, err := time.Parse("2006-01-02", py.ReviewBy)
		if err != nil {
			l.add(value(doc, "review_by"), "review_by %q is not a date (YYYY-MM-DD)", py.ReviewBy)
		}
		p.ReviewBy = t
	} else {
		l.warn(doc, "pack has no review_by date")
	}
	for k, v := range py.Limits {
		if !slices.Contains(platformNames, k) {
			l.add(keyNode(value(doc, "limits"), k), "unknown platform %q in limits (want one of %s)", k, strings.Join(platformNames, ", "))
		}
		if v < 0 {
			l.add(value(value(doc, "limits"), k), "limit must not be negative")
		}
		p.Limits[k] = v
	}
	for k, v := range py.Lists {
		if len(v) == 0 {
			l.warn(keyNode(value(doc, "lists"), k), "list %q is empty", k)
		}
		p.lists[k] = v
	}
	seenT := map[string]bool{}
	for i, t := range py.Templates {
		n := seqItem(doc, "templates", i)
		switch {
		case t.ID == "":
			l.add(n, "template has no id")
		case seenT[t.ID]:
			l.add(n, "duplicate template id %q", t.ID)
		}
		seenT[t.ID] = true
		if t.Lang != "" && !langRe.MatchString(t.Lang) {
			l.add(value(n, "lang"), "template %q: lang %q is not a two-letter language code (en, nl, de …)", t.ID, t.Lang)
		}
		if strings.Count(t.Text, "{{") != strings.Count(t.Text, "}}") || strings.Count(t.Text, "{{") != len(fieldRe.FindAllString(t.Text, -1)) {
			l.add(value(n, "text"), "template %q has a malformed {{field}}", t.ID)
		}
		p.templates = append(p.templates, t)
	}
	p.playbooks = map[string]Playbook{}
	for k, pb := range py.Playbooks {
		pn := value(value(doc, "playbooks"), k)
		for sev := range pb.Holding {
			if !slices.Contains([]string{"SEV1", "SEV2", "SEV3", "SEV4"}, sev) {
				l.add(keyNode(value(pn, "holding"), sev), "holding statement key %q is not a severity (SEV1…SEV4)", sev)
			}
		}
		if len(pb.Checklist) == 0 {
			l.warn(pn, "playbook %q has no checklist", k)
		}
		pb.Scenario = k
		p.playbooks[k] = pb
	}
	rulesNode := value(doc, "rules")
	if len(py.Rules) == 0 {
		l.add(keyNode(doc, "rules"), "pack has no rules")
	}
	seen := map[string]bool{}
	b := newBuilder(p)
	for i := range py.Rules {
		r := py.Rules[i]
		var n *yaml.Node
		if rulesNode != nil && i < len(rulesNode.Content) {
			n = rulesNode.Content[i]
		}
		if r.ID == "" {
			l.add(n, "rule has no id")
			continue
		}
		if seen[r.ID] {
			// report it, and still lint the rest of the rule: lint lists
			// every problem, not the first of each rule
			l.add(value(n, "id"), "duplicate rule id %q", r.ID)
		}
		seen[r.ID] = true
		b.addRule(l, n, r)
	}
	if !l.failed() {
		b.build()
	}
	return p
}
