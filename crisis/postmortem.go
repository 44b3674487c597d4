package crisis

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"switchboard/domain"
	"switchboard/internal/words"
	"switchboard/safetext"
	"switchboard/store"
)

// Report is an incident's post-mortem: the record, its timeline, the
// replies sent, the evidence and the volume of linked and all mentions.
type Report struct {
	Incident  domain.Incident `json:"incident"`
	Timeline  []Entry         `json:"timeline"`
	Replies   []Entry         `json:"replies"`
	Evidence  []Evidence      `json:"evidence"`
	Volume    Volume          `json:"volume"`
	Generated time.Time       `json:"generated"`
}

// Evidence is one linked mention, as the post-mortem lists it.
type Evidence struct {
	Key       string    `json:"key"`
	Author    string    `json:"author"`
	Text      string    `json:"text"`
	URL       string    `json:"url,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ReportOptions tune PostMortem.
type ReportOptions struct {
	// Now is the end of the volume chart of an incident still open
	// (time.Now by default).
	Now      time.Time
	Timeline TimelineOptions
	// MaxEvidence bounds the linked mentions listed (default 50).
	MaxEvidence int
}

// PostMortem gathers the report of incident id.
func PostMortem(ctx context.Context, s *store.Store, id string, opts ReportOptions) (*Report, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.MaxEvidence <= 0 {
		opts.MaxEvidence = 50
	}
	inc, err := s.Incident(id)
	if err != nil {
		return nil, err
	}
	r := &Report{Incident: inc, Generated: opts.Now.UTC()}
	if r.Timeline, err = Timeline(s, inc, opts.Timeline); err != nil {
		return nil, err
	}
	for _, e := range r.Timeline {
		if e.Kind == EntryReply {
			r.Replies = append(r.Replies, e)
		}
	}
	var first time.Time
	for _, key := range inc.Mentions {
		m, err := s.GetByKey(key)
		if err != nil {
			continue
		}
		if first.IsZero() || m.CreatedAt.Before(first) {
			first = m.CreatedAt
		}
		if len(r.Evidence) < opts.MaxEvidence {
			r.Evidence = append(r.Evidence, Evidence{Key: key, Author: m.Author.Handle, Text: m.Text, URL: m.URL, CreatedAt: m.CreatedAt})
		}
	}
	sort.SliceStable(r.Evidence, func(i, j int) bool { return r.Evidence[i].CreatedAt.Before(r.Evidence[j].CreatedAt) })
	from, to := Span(inc, first, opts.Now)
	if r.Volume, err = VolumeOf(ctx, s, inc, from, to, 24); err != nil {
		return nil, err
	}
	return r, nil
}

// md makes untrusted text safe for one line of Markdown: no control or
// escape sequences (safetext), and Markdown's active characters escaped.
func md(s string) string {
	s = safetext.Line(s)
	var b strings.Builder
	if s != "" && strings.ContainsRune("#+-=>", rune(s[0])) {
		b.WriteByte('\\') // would start a heading, list or quote
	}
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdURL is a mention's URL for the post-mortem: an autolink (<…>, whose
// text Markdown takes as it is, so it copies and opens) when it is a web
// address with nothing an autolink cannot hold, else the address as
// escaped text; "no URL" when the platform gave none.
func mdURL(u string) string {
	u = safetext.Line(strings.TrimSpace(u))
	if u == "" {
		return "no URL"
	}
	lower := strings.ToLower(u)
	if (strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://")) && !strings.ContainsAny(u, " <>\"\\`") {
		return "<" + u + ">"
	}
	return md(u)
}

const stamp = "2006-01-02 15:04 UTC"

// Markdown renders the post-mortem.
func (r *Report) Markdown() string {
	inc := r.Incident
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# %s: %s\n\n", inc.ID, md(inc.Title))
	p("| | |\n|---|---|\n")
	p("| Severity | %s %s |\n", inc.Severity, SeveritySymbol(inc.Severity))
	p("| Scenario | %s |\n", md(string(inc.Scenario)))
	p("| Status | %s |\n", md(string(inc.Status)))
	p("| Lead | %s |\n", md(orNone(inc.Lead)))
	p("| Declared | %s |\n", inc.CreatedAt.UTC().Format(stamp))
	if !inc.ClosedAt.IsZero() {
		p("| Closed | %s (after %s) |\n", inc.ClosedAt.UTC().Format(stamp), Age(inc.ClosedAt.Sub(inc.CreatedAt)))
	}
	if inc.AlertID != "" {
		p("| Alert | %s |\n", md(inc.AlertID))
	}
	p("| Linked mentions | %d |\n", len(inc.Mentions))
	p("| Replies sent | %d |\n\n", len(r.Replies))

	p("## Summary\n\n%s\n\n", paragraph(inc.Summary))
	p("## Impact\n\n%s\n\n", paragraph(inc.Impact))

	p("## Timeline\n\n")
	if len(r.Timeline) == 0 {
		p("Nothing recorded.\n")
	}
	for _, e := range r.Timeline {
		p("- %s · %s · %s\n", e.At.UTC().Format(stamp), md(e.Actor), md(e.Text))
	}
	p("\n## Roles\n\n| Role | Held by |\n|---|---|\n")
	p("| lead | %s |\n", md(orNone(inc.Lead)))
	for _, role := range domain.IncidentRoles {
		p("| %s | %s |\n", role, md(orNone(inc.Roles[role])))
	}
	if len(inc.RoleHistory) > 0 {
		p("\nHandovers:\n\n")
		for _, rc := range inc.RoleHistory {
			p("- %s · %s → %s (by %s)\n", rc.At.UTC().Format(stamp), md(rc.Role), md(orNone(rc.Operator)), md(rc.By))
		}
	}
	p("\n## Checklist\n\n")
	if len(inc.Checklist) == 0 {
		p("No checklist.\n")
	}
	for _, it := range inc.Checklist {
		if it.Done {
			p("- [x] %s (%s, %s)\n", md(it.Text), md(it.DoneBy), it.DoneAt.UTC().Format(stamp))
		} else {
			p("- [ ] %s\n", md(it.Text))
		}
	}
	p("\n## Replies sent\n\n")
	if len(r.Replies) == 0 {
		p("None recorded.\n")
	}
	for _, e := range r.Replies {
		p("- %s · %s · %s\n", e.At.UTC().Format(stamp), md(e.Actor), md(e.Text))
	}
	p("\n## Evidence\n\n")
	if len(r.Evidence) == 0 {
		p("No linked mentions.\n")
	}
	for _, ev := range r.Evidence {
		// the text is cut to keep the list short: the URL has all of it
		p("- %s · %s · %s: %s · %s\n", ev.CreatedAt.UTC().Format(stamp), md(ev.Key), md(ev.Author), md(safetext.Truncate(ev.Text, 140, "…")), mdURL(ev.URL))
	}
	if n := len(inc.Mentions) - len(r.Evidence); n > 0 {
		p("- … and %d more\n", n)
	}
	p("\n## Volume\n\nPer %s: linked mentions █, all mentions ░ (linked/all).\n\n```\n%s```\n", stepName(r.Volume.Step), r.Volume.Chart(72, time.UTC))
	return b.String()
}

func paragraph(s string) string {
	if strings.TrimSpace(s) == "" {
		return "_Not written yet._"
	}
	var lines []string
	for _, l := range strings.Split(safetext.Text(s), "\n") {
		lines = append(lines, md(l))
	}
	return strings.Join(lines, "  \n")
}

// stepName is the chart's step after "Per": "hour", "10 minutes", "2 days".
func stepName(d time.Duration) string { return strings.TrimPrefix(words.Duration(d), "1 ") }
