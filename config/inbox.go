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
	"switchboard/query"
	"switchboard/sla"
)

// Inbox is the `inbox:` section: the terminal UI's views, teams and
// operators to assign to, the response clock, the theme, and the routing
// rules applied at ingest.
//
//	inbox:
//	  theme: auto                 # auto, dark, light, high-contrast, mono
//	  teams: [support, billing, social]
//	  operators: [ana, ben]
//	  clock:                      # first-response targets by priority
//	    urgent: 15m
//	    high: 1h
//	    normal: 4h
//	    low: 24h
//	  views:                      # tabs in the inbox, after the built-in ones
//	    - name: Billing
//	      query: "is:open tag:billing"
//	      sort: due
//	      columns: [age, author, text, status, clock, assignee]
//	  builtin_views: true         # false: only the views above
//	  breach_warning: 10m         # notify the assignee this long before a breach
//	  terminal_notifications: off # bell, osc9, osc777: urgent notices in the terminal
//	  rules:
//	    - name: outage
//	      match: {keywords: [outage, down], sentiment_below: -0.3}
//	      set: {tags: [outage], team: support, priority: urgent}
type Inbox struct {
	Theme     string   `yaml:"theme"`
	Teams     []string `yaml:"teams"`
	Operators []string `yaml:"operators"`
	Clock     Clock    `yaml:"clock"`
	// Hours are the business hours the clock runs in (always, if unset).
	Hours *Hours `yaml:"hours"`
	// TeamClocks give a team its own targets and hours; what a team's
	// entry leaves out is the inbox's.
	TeamClocks map[string]TeamClock `yaml:"team_clocks"`
	Views      []InboxView          `yaml:"views"`
	// BuiltinViews (default true) keeps the built-in views before Views.
	BuiltinViews *bool  `yaml:"builtin_views"`
	Rules        []Rule `yaml:"rules"`
	// BreachWarning is how long before a mention assigned to an operator
	// breaches its response target the notification centre warns them
	// (default 10m).
	BreachWarning time.Duration `yaml:"breach_warning"`
	// TerminalNotifications is how urgent notifications reach the
	// terminal by default: off (default), bell, osc9 or osc777. Each
	// operator can change it in a session.
	TerminalNotifications string `yaml:"terminal_notifications"`
}

// DefaultBreachWarning is the breach warning's lead when the config gives none.
const DefaultBreachWarning = 10 * time.Minute

// Warning is the breach warning's lead.
func (i Inbox) Warning() time.Duration {
	if i.BreachWarning <= 0 {
		return DefaultBreachWarning
	}
	return i.BreachWarning
}

// TerminalModes are the values of inbox.terminal_notifications.
var TerminalModes = []string{"off", "bell", "osc9", "osc777"}

// Clock is the first-response target per priority; zero means the default
// (urgent 15m, high 1h, normal 4h, low 24h).
type Clock struct {
	Urgent time.Duration `yaml:"urgent"`
	High   time.Duration `yaml:"high"`
	Normal time.Duration `yaml:"normal"`
	Low    time.Duration `yaml:"low"`
}

// InboxView is one tab of the inbox: a name and a filter expression (see
// the README: `status:open tag:billing platform:x band:negative …`).
type InboxView struct {
	Name string `yaml:"name"`
	// Query is the view's query (package query); Filter is its older
	// name. A view gives one or the other.
	Query  string `yaml:"query,omitempty"`
	Filter string `yaml:"filter,omitempty"`
	// Sort is "newest" (default), "oldest", "due" (time left before the
	// response clock breaches) or "followers".
	Sort string `yaml:"sort,omitempty"`
	// Columns are the list's columns, in ViewColumns; empty is the
	// default set for the terminal's width. The text is always shown.
	Columns []string `yaml:"columns,omitempty"`
	Line    int      `yaml:"-"`
}

// Expr is the view's query, whichever key gave it.
func (v InboxView) Expr() string {
	if v.Query != "" {
		return v.Query
	}
	return v.Filter
}

// ViewColumns are the inbox columns a view can choose.
var ViewColumns = []string{"age", "platform", "author", "text", "sentiment", "status", "clock", "assignee", "tags"}

// Rule is one routing rule: when every given condition of Match holds for
// a newly ingested mention, Set is applied (by the actor "rules").
type Rule struct {
	Name  string    `yaml:"name"`
	Match RuleMatch `yaml:"match"`
	Set   RuleSet   `yaml:"set"`
	Line  int       `yaml:"-"`
}

// RuleMatch are a rule's conditions; empty ones do not filter. Within a
// list any value matches; conditions combine with AND.
type RuleMatch struct {
	// Keywords match whole words or phrases in the text, case-insensitive.
	Keywords  []string `yaml:"keywords"`
	Platforms []string `yaml:"platforms"`
	Langs     []string `yaml:"langs"`
	// MinFollowers matches authors with at least this many followers.
	MinFollowers int64 `yaml:"min_followers"`
	// Verified matches on the author's verified mark when set.
	Verified *bool `yaml:"verified"`
	// SentimentBelow / SentimentAbove bound the score in [-1, 1].
	SentimentBelow *float64 `yaml:"sentiment_below"`
	SentimentAbove *float64 `yaml:"sentiment_above"`
	// FYI matches on the ingest's needs-reply classification: true for
	// mentions that need no reply (praise, shares, news).
	FYI *bool `yaml:"fyi"`
	// Authors are handles ("@" and case ignored): known bots and spammers.
	Authors []string `yaml:"authors"`
	// Patterns are regular expressions (RE2) of which one must match the
	// text: spam and scam patterns.
	Patterns []string `yaml:"patterns"`
	// Streams matches items found by these keyword streams (streams:
	// names); empty matches every item, from a stream or not.
	Streams []string `yaml:"streams"`
}

// RuleSet is what a matching rule sets.
type RuleSet struct {
	Tags     []string `yaml:"tags"`
	Team     string   `yaml:"team"`
	Priority string   `yaml:"priority"`
	// Status closes (done) or hides (spam) the mention as it arrives.
	Status string `yaml:"status"`
	// Promote puts an item a keyword stream found into the inbox (status
	// open) as it arrives; items addressed to the brand are there already.
	Promote bool `yaml:"promote"`
}

// Hours are business hours: `days: mon-fri`, `from: "09:00"`,
// `to: "17:30"`, `zone: Europe/Amsterdam` (local time when empty).
type Hours struct {
	Days string `yaml:"days"`
	From string `yaml:"from"`
	To   string `yaml:"to"`
	Zone string `yaml:"zone"`
}

// TeamClock is one team's response clock.
type TeamClock struct {
	Clock Clock  `yaml:"clock"`
	Hours *Hours `yaml:"hours"`
}

// SLA is the response clocks the section describes, for the inbox's
// clock column, is:overdue and the detail view.
func (i Inbox) SLA() (*sla.Policy, error) {
	clock := func(c Clock, h *Hours, inherit *sla.Clock) (sla.Clock, error) {
		out := sla.Clock{Targets: map[domain.Priority]time.Duration{}}
		for p, d := range map[domain.Priority]time.Duration{domain.PriorityUrgent: c.Urgent, domain.PriorityHigh: c.High, domain.PriorityNormal: c.Normal, domain.PriorityLow: c.Low} {
			if d <= 0 && inherit != nil {
				d = inherit.Target(p)
			}
			if d > 0 {
				out.Targets[p] = d
			}
		}
		switch {
		case h != nil:
			hh, err := sla.ParseHours(h.Days, h.From, h.To, h.Zone)
			if err != nil {
				return out, err
			}
			out.Hours = hh
		case inherit != nil:
			out.Hours = inherit.Hours
		}
		return out, nil
	}
	def, err := clock(i.Clock, i.Hours, nil)
	if err != nil {
		return nil, fmt.Errorf("inbox.hours: %v", err)
	}
	p := &sla.Policy{Default: def, Teams: map[string]sla.Clock{}}
	for team, tc := range i.TeamClocks {
		c, err := clock(tc.Clock, tc.Hours, &def)
		if err != nil {
			return nil, fmt.Errorf("inbox.team_clocks.%s.hours: %v", team, err)
		}
		c.Team = team
		p.Teams[team] = c
	}
	return p, nil
}

// DefaultClock is the response clock when the config gives none.
var DefaultClock = Clock{Urgent: 15 * time.Minute, High: time.Hour, Normal: 4 * time.Hour, Low: 24 * time.Hour}

// Target is the first-response target for a priority ("" is normal).
func (c Clock) Target(priority string) time.Duration {
	var d, def time.Duration
	switch priority {
	case "urgent":
		d, def = c.Urgent, DefaultClock.Urgent
	case "high":
		d, def = c.High, DefaultClock.High
	case "low":
		d, def = c.Low, DefaultClock.Low
	default:
		d, def = c.Normal, DefaultClock.Normal
	}
	if d <= 0 {
		return def
	}
	return d
}

// ShowBuiltinViews reports whether the built-in views come first.
func (i Inbox) ShowBuiltinViews() bool { return i.BuiltinViews == nil || *i.BuiltinViews }

var validThemes = map[string]bool{"": true, "auto": true, "dark": true, "light": true, "high-contrast": true, "mono": true}

// UnmarshalYAML decodes the section, rejecting unknown keys at any depth
// and bad values, with line numbers.
func (i *Inbox) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKnownKeys(n, reflect.TypeOf(Inbox{}), "inbox"); err != nil {
		return err
	}
	type plain Inbox
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*i = Inbox(p)
	if !validThemes[i.Theme] {
		return fmt.Errorf("line %d: inbox.theme %q: want auto, dark, light, high-contrast or mono", n.Line, i.Theme)
	}
	if i.BreachWarning < 0 || i.BreachWarning > 24*time.Hour {
		return fmt.Errorf("line %d: inbox.breach_warning: %s is not a duration between 0 and 24h", n.Line, i.BreachWarning)
	}
	if i.TerminalNotifications != "" && !slices.Contains(TerminalModes, i.TerminalNotifications) {
		return fmt.Errorf("line %d: inbox.terminal_notifications %q: want %s", n.Line, i.TerminalNotifications, strings.Join(TerminalModes, ", "))
	}
	for _, d := range []time.Duration{i.Clock.Urgent, i.Clock.High, i.Clock.Normal, i.Clock.Low} {
		if d < 0 || d > 30*24*time.Hour {
			return fmt.Errorf("line %d: inbox.clock: %s is not a duration between 0 and 720h", n.Line, d)
		}
	}
	for _, l := range [][]string{i.Teams, i.Operators} {
		for _, v := range l {
			if err := checkLabel(v); err != nil {
				return fmt.Errorf("line %d: inbox: %v", n.Line, err)
			}
		}
	}
	items := childSeq(n, "views")
	names := map[string]bool{}
	for k := range i.Views {
		v := &i.Views[k]
		if k < len(items) {
			v.Line = items[k].Line
		}
		if strings.TrimSpace(v.Name) == "" {
			return fmt.Errorf("line %d: inbox.views: a view needs a name", v.Line)
		}
		if names[v.Name] {
			return fmt.Errorf("line %d: inbox.views: view %q is defined twice", v.Line, v.Name)
		}
		names[v.Name] = true
		switch v.Sort {
		case "", "newest", "oldest", "due", "followers":
		default:
			return fmt.Errorf("line %d: inbox.views: %s: sort %q: want newest, oldest, due or followers", v.Line, v.Name, v.Sort)
		}
		if v.Query != "" && v.Filter != "" {
			return fmt.Errorf("line %d: inbox.views: %s: give query or filter (its older name), not both", v.Line, v.Name)
		}
		if _, err := query.Parse(v.Expr(), query.Options{Now: time.Now()}); err != nil {
			return fmt.Errorf("line %d: inbox.views: %s: %v", v.Line, v.Name, err)
		}
		for _, c := range v.Columns {
			if !slices.Contains(ViewColumns, c) {
				return fmt.Errorf("line %d: inbox.views: %s: column %q: want %s", v.Line, v.Name, c, strings.Join(ViewColumns, ", "))
			}
		}
	}
	if _, err := i.SLA(); err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	for team, tc := range i.TeamClocks {
		if err := checkLabel(team); err != nil {
			return fmt.Errorf("line %d: inbox.team_clocks: %v", n.Line, err)
		}
		for _, d := range []time.Duration{tc.Clock.Urgent, tc.Clock.High, tc.Clock.Normal, tc.Clock.Low} {
			if d < 0 || d > 720*time.Hour {
				return fmt.Errorf("line %d: inbox.team_clocks.%s: %s is not a duration between 0 and 720h", n.Line, team, d)
			}
		}
	}
	rules := childSeq(n, "rules")
	for k := range i.Rules {
		r := &i.Rules[k]
		if k < len(rules) {
			r.Line = rules[k].Line
		}
		if r.Name == "" {
			r.Name = fmt.Sprintf("rule %d", k+1)
		}
		if len(r.Set.Tags) == 0 && r.Set.Team == "" && r.Set.Priority == "" && r.Set.Status == "" && !r.Set.Promote {
			return fmt.Errorf("line %d: inbox.rules: %s sets nothing (set: tags, team, priority, status or promote)", r.Line, r.Name)
		}
		switch r.Set.Status {
		case "", "done", "spam", "pending":
		default:
			return fmt.Errorf("line %d: inbox.rules: %s: status %q: want done, spam or pending", r.Line, r.Name, r.Set.Status)
		}
		for _, p := range r.Match.Patterns {
			if _, err := regexp.Compile(p); err != nil {
				return fmt.Errorf("line %d: inbox.rules: %s: pattern %q: %v", r.Line, r.Name, p, err)
			}
		}
		for _, a := range r.Match.Authors {
			if strings.TrimSpace(strings.TrimPrefix(a, "@")) == "" {
				return fmt.Errorf("line %d: inbox.rules: %s: empty author", r.Line, r.Name)
			}
		}
		switch r.Set.Priority {
		case "", "low", "normal", "high", "urgent":
		default:
			return fmt.Errorf("line %d: inbox.rules: %s: priority %q: want low, normal, high or urgent", r.Line, r.Name, r.Set.Priority)
		}
		for _, t := range append(append([]string(nil), r.Set.Tags...), r.Set.Team) {
			if t == "" {
				continue
			}
			if err := checkLabel(t); err != nil {
				return fmt.Errorf("line %d: inbox.rules: %s: %v", r.Line, r.Name, err)
			}
		}
		for _, p := range r.Match.Platforms {
			switch p {
			case "x", "mastodon", "bluesky", "reddit", "news":
			default:
				return fmt.Errorf("line %d: inbox.rules: %s: platform %q: want x, mastodon, bluesky, reddit or news", r.Line, r.Name, p)
			}
		}
		for _, f := range []*float64{r.Match.SentimentAbove, r.Match.SentimentBelow} {
			if f != nil && (*f < -1 || *f > 1) {
				return fmt.Errorf("line %d: inbox.rules: %s: sentiment bounds are between -1 and 1", r.Line, r.Name)
			}
		}
		for _, kw := range r.Match.Keywords {
			if strings.TrimSpace(kw) == "" {
				return fmt.Errorf("line %d: inbox.rules: %s: empty keyword", r.Line, r.Name)
			}
		}
	}
	return nil
}

func checkLabel(v string) error {
	if strings.TrimSpace(v) == "" || len(v) > 64 {
		return fmt.Errorf("%q is not a name (1 to 64 bytes)", v)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q holds a control character", v)
		}
	}
	return nil
}

// childSeq returns the items of the sequence under key in mapping n.
func childSeq(n *yaml.Node, key string) []*yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for k := 0; k+1 < len(n.Content); k += 2 {
		if n.Content[k].Value == key && n.Content[k+1].Kind == yaml.SequenceNode {
			return n.Content[k+1].Content
		}
	}
	return nil
}

// checkKnownKeys rejects mapping keys that are not yaml fields of t, at
// any depth (structs, slices of structs, pointers).
func checkKnownKeys(n *yaml.Node, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for _, c := range n.Content {
			if err := checkKnownKeys(c, t.Elem(), path); err != nil {
				return err
			}
		}
	case reflect.Struct:
		if t == reflect.TypeOf(time.Time{}) || n.Kind != yaml.MappingNode {
			return nil
		}
		fields := map[string]reflect.Type{}
		for k := 0; k < t.NumField(); k++ {
			f := t.Field(k)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			fields[name] = f.Type
		}
		for k := 0; k+1 < len(n.Content); k += 2 {
			key := n.Content[k]
			ft, ok := fields[key.Value]
			if !ok {
				return fmt.Errorf("line %d: %s: unknown field %q", key.Line, path, key.Value)
			}
			if err := checkKnownKeys(n.Content[k+1], ft, path+"."+key.Value); err != nil {
				return err
			}
		}
	}
	return nil
}
