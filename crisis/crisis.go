// Package crisis runs incidents: it declares them from a detection alert or
// from mentions (with the scenario's playbook as checklist), assembles
// their timeline from the audit log, says when the next status update is
// due, writes the post-mortem, and keeps a detector fed from the store
// (Watcher). The records themselves live in the store (store/incidents.go);
// this package is the domain logic over them and knows no terminal.
package crisis

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"switchboard/detect"
	"switchboard/domain"
	"switchboard/policy"
	"switchboard/safetext"
	"switchboard/store"
)

// Declare creates an incident from spec. Without a checklist of its own it
// gets the checklist of the scenario's playbook in pack (nil: the default
// pack).
func Declare(s *store.Store, pack *policy.Pack, actor string, spec store.IncidentSpec) (domain.Incident, error) {
	if spec.Checklist == nil {
		spec.Checklist = Checklist(pack, spec.Scenario)
	}
	return s.DeclareIncident(actor, spec)
}

// ChangeScenario sets the incident's scenario and adds the items of the
// new scenario's playbook that its checklist lacks (ticked items and the
// old playbook's items stay): a reputation incident found to be a breach
// gets the breach checklist. It returns the incident and how many items
// were added.
func ChangeScenario(s *store.Store, pack *policy.Pack, actor, id string, sc domain.Scenario) (domain.Incident, int, error) {
	inc, err := s.UpdateIncident(actor, id, store.FieldScenario, string(sc))
	if err != nil {
		return inc, 0, err
	}
	have := map[string]bool{}
	for _, it := range inc.Checklist {
		have[it.Text] = true
	}
	added := 0
	for _, text := range Checklist(pack, sc) {
		if have[text] {
			continue
		}
		have[text] = true
		if inc, err = s.AddChecklistItem(actor, id, text); err != nil {
			return inc, added, err
		}
		added++
	}
	return inc, added, nil
}

// Checklist is the playbook checklist for scenario.
func Checklist(pack *policy.Pack, sc domain.Scenario) []string {
	if pack == nil {
		pack = policy.Default()
	}
	if sc == "" {
		sc = domain.ScenarioOther
	}
	pb, ok := pack.Playbook(string(sc))
	if !ok {
		return nil
	}
	return append([]string(nil), pb.Checklist...)
}

// Holding is the pre-approved holding statement of the scenario's
// playbook for sev ("" when the pack has none).
func Holding(pack *policy.Pack, sc domain.Scenario, sev domain.Severity) string {
	if pack == nil {
		pack = policy.Default()
	}
	pb, ok := pack.Playbook(string(sc))
	if !ok {
		return ""
	}
	return pb.HoldingFor(sev)
}

// Suggest proposes a title, scenario and severity for an incident
// declared from alert a: impersonation is a security matter (SEV2), a
// negative shift a reputation one; volume severity grows with how far the
// window is above what the baseline predicted (10×: SEV1, 5×: SEV2, else
// SEV3). The title quotes untrusted terms made safe for one line.
func Suggest(a detect.Alert) store.IncidentSpec {
	spec := store.IncidentSpec{Scenario: domain.ScenarioReputation, Severity: domain.Sev3, AlertID: a.ID,
		Summary: safetext.Line(a.Reason)}
	// a stream with no baseline yet predicts less than one mention
	ratio := float64(a.Observed) / max(a.Expected, 1)
	switch a.Kind {
	case detect.KindAccountPost, detect.KindAccountProfile:
		spec.Scenario, spec.Severity = domain.ScenarioSecurity, domain.Sev1
		what := "a post switchboard did not send"
		if a.Kind == detect.KindAccountProfile {
			what, spec.Severity = "a profile change", domain.Sev2
		}
		who := a.Stream
		if a.Account != nil && a.Account.Handle != "" {
			who = a.Account.Handle
		}
		spec.Title = "Account compromise? " + what + " on " + who
	case detect.KindImpersonation:
		spec.Scenario, spec.Severity = domain.ScenarioSecurity, domain.Sev2
		who := "an account"
		if a.Suspect != nil {
			who = a.Suspect.Handle
		}
		spec.Title = "Impersonation by " + who
	case detect.KindNegative:
		spec.Title = "Negative shift on " + a.Stream
		spec.Severity = domain.Sev2
	default:
		spec.Title = "Volume spike on " + a.Stream
		switch {
		case ratio >= 10:
			spec.Severity = domain.Sev1
		case ratio >= 5:
			spec.Severity = domain.Sev2
		}
	}
	if len(a.TopTerms) > 0 && a.Kind != detect.KindImpersonation && a.Account == nil {
		var terms []string
		for i, c := range a.TopTerms {
			if i == 3 {
				break
			}
			terms = append(terms, c.Key)
		}
		spec.Title += ": " + strings.Join(terms, ", ")
	}
	spec.Title = safetext.Truncate(spec.Title, 120, "…")
	return spec
}

// DeclareFromAlert declares an incident for alert a with spec's fields
// over the suggestion (zero fields take Suggest's), and links the alert's
// sample mentions that are in the store.
func DeclareFromAlert(s *store.Store, pack *policy.Pack, actor string, a detect.Alert, spec store.IncidentSpec) (domain.Incident, error) {
	sug := Suggest(a)
	if spec.Title == "" {
		spec.Title = sug.Title
	}
	if spec.Scenario == "" {
		spec.Scenario = sug.Scenario
	}
	if spec.Severity == 0 {
		spec.Severity = sug.Severity
	}
	if spec.Summary == "" {
		spec.Summary = sug.Summary
	}
	spec.AlertID = a.ID
	for _, key := range a.Samples {
		m, err := s.GetByKey(key)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return domain.Incident{}, err
		}
		spec.Mentions = append(spec.Mentions, m.ID)
	}
	inc, err := Declare(s, pack, actor, spec)
	if err != nil {
		return inc, err
	}
	return inc, flagSuspect(s, actor, a, inc.ID)
}

// flagSuspect flags the suspect of an impersonation alert, on every
// platform it was seen on, as impersonating the brand in incident id: no
// reply of any kind goes to them from then on.
func flagSuspect(s *store.Store, actor string, a detect.Alert, id string) error {
	if a.Kind != detect.KindImpersonation || a.Suspect == nil {
		return nil
	}
	for _, p := range a.Platforms {
		_, err := s.FlagImpostor(actor, store.Impostor{Platform: domain.Platform(p.Key), Handle: a.Suspect.Handle, Reason: a.Reason, Incident: id})
		if err != nil && !errors.Is(err, store.ErrNoChange) {
			return fmt.Errorf("%s declared, but flagging %s as an impostor failed: %w", id, a.Suspect.Handle, err)
		}
	}
	return nil
}

// UpdateEvery is how often a status update is expected on an open
// incident of severity sev.
func UpdateEvery(sev domain.Severity) time.Duration {
	switch sev {
	case domain.Sev1:
		return 30 * time.Minute
	case domain.Sev2:
		return time.Hour
	case domain.Sev3:
		return 4 * time.Hour
	}
	return 24 * time.Hour
}

// Open reports whether the incident is still being run (not closed or in
// learning).
func Open(inc domain.Incident) bool {
	return inc.Status != domain.IncidentClosed && inc.Status != domain.IncidentLearning
}

// NextUpdate is when the next status update of an open incident is due:
// UpdateEvery(severity) after the last update, status change or the
// declaration, whichever is latest on the timeline. ok is false for
// incidents that are no longer open.
func NextUpdate(inc domain.Incident, tl []Entry) (due time.Time, ok bool) {
	if !Open(inc) {
		return time.Time{}, false
	}
	last := inc.CreatedAt
	for _, e := range tl {
		if (e.Kind == EntryUpdate || e.Kind == EntryStatus) && e.At.After(last) {
			last = e.At
		}
	}
	return last.Add(UpdateEvery(inc.Severity)), true
}

// Reminder is a short line about the next update, e.g. "update due in
// 12m" or "update overdue by 1h05m" ("" for closed incidents).
func Reminder(inc domain.Incident, tl []Entry, now time.Time) string {
	due, ok := NextUpdate(inc, tl)
	if !ok {
		return ""
	}
	if d := due.Sub(now); d >= 0 {
		return "update due in " + Age(d)
	}
	return "update overdue by " + Age(now.Sub(due))
}

// Age renders a duration compactly: "45s", "12m", "3h05m", "2d04h".
func Age(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%02dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// SeveritySymbol is the symbol drawn with a severity, so that meaning
// never rests on colour alone.
func SeveritySymbol(sev domain.Severity) string {
	switch sev {
	case domain.Sev1:
		return "‼"
	case domain.Sev2:
		return "!"
	case domain.Sev3:
		return "▲"
	}
	return "·"
}

// OfferHolding drafts the holding statement text as a public reply to each
// author of the incident's linked mentions (one draft per author, on their
// most recently linked mention), for an operator to review and send: never
// to an author flagged as impersonating the brand, nor to a news article.
// It returns the drafts made and the handles skipped as impostors.
func OfferHolding(s *store.Store, actor string, inc domain.Incident, text string) (made []domain.Draft, impostors []string, err error) {
	seen := map[string]bool{}
	for i := len(inc.Mentions) - 1; i >= 0; i-- {
		m, err := s.GetByKey(inc.Mentions[i])
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return made, impostors, err
		}
		who := string(m.Platform) + ":" + strings.ToLower(strings.TrimPrefix(m.Author.Handle, "@"))
		if seen[who] || m.Platform == domain.PlatformNews {
			continue
		}
		seen[who] = true
		d, err := s.NewDraft(actor, m.Key(), domain.VisibilityPublic, text)
		if errors.Is(err, store.ErrImpostor) {
			impostors = append(impostors, m.Author.Handle)
			continue
		}
		if err != nil {
			return made, impostors, err
		}
		made = append(made, d)
	}
	return made, impostors, nil
}
