package crisis

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"switchboard/detect"
	"switchboard/domain"
	"switchboard/policy"
	"switchboard/store"
)

// GroupGap is how far apart two alerts' windows may be and still be
// signals of one crisis.
const GroupGap = 30 * time.Minute

// AlertGroup is the alerts of one crisis: a volume spike, the negative
// shift that comes with it, an impersonator riding it, on several streams.
// They are shown, dismissed and declared as one.
type AlertGroup struct {
	Alerts []detect.Alert // earliest raised first
	// Lead is the alert the group is declared from: the one whose
	// suggested incident is the most severe (then the most mentions).
	Lead       detect.Alert
	Start, End time.Time
}

// IDs are the ids of the group's alerts.
func (g AlertGroup) IDs() []string {
	out := make([]string, len(g.Alerts))
	for i, a := range g.Alerts {
		out[i] = a.ID
	}
	return out
}

// Kinds summarises the group's signals: "volume ×2, negative, impersonation".
func (g AlertGroup) Kinds() string {
	var order []detect.Kind
	n := map[detect.Kind]int{}
	for _, a := range g.Alerts {
		if n[a.Kind] == 0 {
			order = append(order, a.Kind)
		}
		n[a.Kind]++
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = string(k)
		if n[k] > 1 {
			parts[i] += fmt.Sprintf(" ×%d", n[k])
		}
	}
	return strings.Join(parts, ", ")
}

// Group gathers alerts whose windows overlap or lie within GroupGap of
// each other into groups, earliest first.
func Group(alerts []detect.Alert) []AlertGroup {
	as := slices.Clone(alerts)
	slices.SortStableFunc(as, func(a, b detect.Alert) int { return start(a).Compare(start(b)) })
	var out []AlertGroup
	for _, a := range as {
		if a.Account != nil {
			// a hijack-watch alert is its own crisis, acted on alone
			out = append(out, AlertGroup{Alerts: []detect.Alert{a}, Start: start(a), End: end(a)})
			continue
		}
		if n := len(out); n > 0 && out[n-1].Alerts[0].Account == nil && !start(a).After(out[n-1].End.Add(GroupGap)) {
			g := &out[n-1]
			g.Alerts = append(g.Alerts, a)
			if end(a).After(g.End) {
				g.End = end(a)
			}
			continue
		}
		out = append(out, AlertGroup{Alerts: []detect.Alert{a}, Start: start(a), End: end(a)})
	}
	for i := range out {
		g := &out[i]
		slices.SortStableFunc(g.Alerts, func(a, b detect.Alert) int { return a.RaisedAt.Compare(b.RaisedAt) })
		g.Lead = g.Alerts[0]
		for _, a := range g.Alerts[1:] {
			sa, sl := Suggest(a).Severity, Suggest(g.Lead).Severity
			if sa < sl || sa == sl && a.Mentions > g.Lead.Mentions {
				g.Lead = a
			}
		}
	}
	return out
}

func start(a detect.Alert) time.Time {
	if a.Start.IsZero() {
		return a.RaisedAt
	}
	return a.Start
}

func end(a detect.Alert) time.Time {
	if a.End.Before(start(a)) {
		return start(a)
	}
	return a.End
}

// DeclareFromGroup declares one incident for a group of alerts: from its
// lead alert (see DeclareFromAlert), with the sample mentions of every
// alert of the group linked, and the summary naming every signal.
func DeclareFromGroup(s *store.Store, pack *policy.Pack, actor string, g AlertGroup, spec store.IncidentSpec) (domain.Incident, error) {
	if len(g.Alerts) > 1 && spec.Summary == "" {
		var lines []string
		for _, a := range g.Alerts {
			lines = append(lines, Suggest(a).Summary)
		}
		spec.Summary = strings.Join(lines, "; ")
	}
	lead := g.Lead
	seen := map[string]bool{}
	var samples []string
	for _, a := range append([]detect.Alert{lead}, g.Alerts...) {
		for _, k := range a.Samples {
			if !seen[k] {
				seen[k] = true
				samples = append(samples, k)
			}
		}
	}
	lead.Samples = samples
	return DeclareFromAlert(s, pack, actor, lead, spec)
}
