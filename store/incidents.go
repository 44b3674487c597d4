package store

// Incidents: crises the team runs, with mentions as evidence, and the
// dismissals of detection alerts. Every change is an audit event (Kind
// EventIncident, EventChecklist, EventNote or EventEscalate, Target the
// incident id) written in the same transaction, with the old and new value.
//
// The mentions linked to an incident are not stored in the incident's
// record: the mention's own IncidentID (indexed as IndexIncident) is the
// one source of truth, so that undoing a link in the inbox and linking from
// the crisis board can never disagree. Incident and Incidents fill
// Incident.Mentions from that index.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

var (
	bIncidents  = []byte("incidents")        // seq(8) → incident JSON
	bDismissals = []byte("alert_dismissals") // alert id → dismissal JSON
)

func init() { extraBuckets = append(extraBuckets, bIncidents, bDismissals) }

// ChangeIncident is the Change.Kind of an incident (ID its id) and
// ChangeAlert of an alert dismissal (ID the alert id).
const (
	ChangeIncident = "incident"
	ChangeAlert    = "alert"
)

// Incident fields that UpdateIncident changes.
const (
	FieldTitle    = "title"
	FieldScenario = "scenario"
	FieldSeverity = "severity"
	FieldStatus   = "status"
	FieldLead     = "lead"
	FieldSummary  = "summary"
	FieldImpact   = "impact"
)

// Event fields of incident events besides the ones above.
const (
	FieldDeclared = "declared"  // After: the title
	FieldAlert    = "alert"     // After: the alert the incident was declared from
	FieldMention  = "mention"   // After: a mention key linked; Before: unlinked
	FieldNote     = "note"      // a note on the incident's timeline
	FieldUpdate   = "update"    // a status update (resets the update reminder)
	FieldRolePfx  = "role:"     // role:comms …; Before and After the operators
	FieldItemPfx  = "item:"     // checklist item n (1-based); After "done"/"open"
	FieldAdded    = "checklist" // After: an item added to the checklist
	FieldDismiss  = "dismissed" // Target an alert id; After the reason
)

// IncidentSpec is what DeclareIncident needs. Title, Scenario and Severity
// are required; Checklist is normally the scenario's playbook.
type IncidentSpec struct {
	Title     string
	Scenario  domain.Scenario
	Severity  domain.Severity
	Lead      string
	Summary   string
	Impact    string
	Checklist []string
	// AlertID is the detection alert it is declared from, if any.
	AlertID string
	// Mentions are store ids of mentions to link as evidence.
	Mentions []uint64
}

// AlertDismissal records that an operator dismissed a detection alert.
type AlertDismissal struct {
	AlertID string    `json:"alert_id"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Reason  string    `json:"reason,omitempty"`
}

// ErrBadIncident wraps invalid incident input.
var ErrBadIncident = errors.New("invalid incident")

func incidentID(seq uint64) string { return "INC-" + strconv.FormatUint(seq, 10) }

// parseIncidentID accepts "INC-12", "inc-12" and "12".
func parseIncidentID(id string) (uint64, bool) {
	s := strings.TrimSpace(id)
	if len(s) > 4 && strings.EqualFold(s[:4], "INC-") {
		s = s[4:]
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil && n > 0
}

// NormalizeIncidentID turns "12" or "inc-12" into "INC-12".
func NormalizeIncidentID(id string) (string, bool) {
	n, ok := parseIncidentID(id)
	if !ok {
		return "", false
	}
	return incidentID(n), true
}

// ParseSeverity accepts "SEV1".."SEV4" (any case) and "1".."4".
func ParseSeverity(v string) (domain.Severity, error) {
	s := strings.TrimSpace(strings.ToUpper(v))
	s = strings.TrimPrefix(s, "SEV")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 4 {
		return 0, fmt.Errorf("%w: severity %q (SEV1, SEV2, SEV3 or SEV4)", ErrBadIncident, v)
	}
	return domain.Severity(n), nil
}

func validScenario(sc domain.Scenario) bool {
	for _, x := range domain.Scenarios {
		if x == sc {
			return true
		}
	}
	return false
}

func validIncidentStatus(st domain.IncidentStatus) bool {
	for _, x := range domain.IncidentStatuses {
		if x == st {
			return true
		}
	}
	return false
}

func validRole(r string) bool {
	if r == FieldLead {
		return true
	}
	for _, x := range domain.IncidentRoles {
		if x == r {
			return true
		}
	}
	return false
}

func validText(what, v string, limit int) error {
	if len(v) > limit {
		return fmt.Errorf("%w: %s is longer than %d bytes", ErrBadIncident, what, limit)
	}
	for _, r := range v {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%w: %s holds a control character", ErrBadIncident, what)
		}
	}
	return nil
}

func checkSpec(spec *IncidentSpec) error {
	spec.Title = strings.TrimSpace(spec.Title)
	if spec.Title == "" {
		return fmt.Errorf("%w: a title is required", ErrBadIncident)
	}
	if strings.ContainsAny(spec.Title, "\n\r") {
		return fmt.Errorf("%w: the title is one line", ErrBadIncident)
	}
	if err := validText("title", spec.Title, 200); err != nil {
		return err
	}
	if spec.Scenario == "" {
		spec.Scenario = domain.ScenarioOther
	}
	if !validScenario(spec.Scenario) {
		return fmt.Errorf("%w: unknown scenario %q", ErrBadIncident, spec.Scenario)
	}
	if spec.Severity < domain.Sev1 || spec.Severity > domain.Sev4 {
		return fmt.Errorf("%w: severity must be SEV1..SEV4", ErrBadIncident)
	}
	if spec.Lead != "" {
		if err := validLabel("lead", spec.Lead); err != nil {
			return fmt.Errorf("%w: %v", ErrBadIncident, err)
		}
	}
	for what, v := range map[string]string{"summary": spec.Summary, "impact": spec.Impact} {
		if err := validText(what, v, 16<<10); err != nil {
			return err
		}
	}
	for _, c := range spec.Checklist {
		if err := validText("checklist item", c, 1000); err != nil {
			return err
		}
	}
	return validText("alert id", spec.AlertID, 128)
}

// DeclareIncident creates an incident in status triage, links spec's
// mentions to it, and records the declaration (one event per field set)
// as one group.
func (s *Store) DeclareIncident(actor string, spec IncidentSpec) (domain.Incident, error) {
	if err := validLabel("actor", actor); err != nil {
		return domain.Incident{}, err
	}
	if err := checkSpec(&spec); err != nil {
		return domain.Incident{}, err
	}
	if err := s.authorize(actor, domain.PermIncident); err != nil {
		return domain.Incident{}, err
	}
	var inc domain.Incident
	_, err := s.update(func(w *txw) error {
		b := w.tx.Bucket(bIncidents)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		now := s.now()
		inc = domain.Incident{
			ID: incidentID(seq), Title: spec.Title, Scenario: spec.Scenario, Severity: spec.Severity,
			Status: domain.IncidentTriage, Lead: spec.Lead, Summary: spec.Summary, Impact: spec.Impact,
			CreatedAt: now, UpdatedAt: now, AlertID: spec.AlertID,
		}
		for _, c := range spec.Checklist {
			if c = strings.TrimSpace(c); c != "" {
				inc.Checklist = append(inc.Checklist, domain.ChecklistItem{Text: c})
			}
		}
		ev := func(field, after string) error {
			_, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventIncident, Target: inc.ID, Field: field, After: after})
			return err
		}
		if err := ev(FieldDeclared, inc.Title); err != nil {
			return err
		}
		for _, f := range [][2]string{{FieldScenario, string(inc.Scenario)}, {FieldSeverity, inc.Severity.String()},
			{FieldStatus, string(inc.Status)}, {FieldLead, inc.Lead}, {FieldSummary, inc.Summary},
			{FieldImpact, inc.Impact}, {FieldAlert, inc.AlertID}} {
			if f[1] != "" {
				if err := ev(f[0], f[1]); err != nil {
					return err
				}
			}
		}
		if inc.Lead != "" {
			inc.RoleHistory = append(inc.RoleHistory, domain.RoleChange{Role: FieldLead, Operator: inc.Lead, At: now, By: actor})
		}
		if err := w.putIncident(seq, &inc); err != nil {
			return err
		}
		return w.link(actor, inc.ID, spec.Mentions)
	})
	if err != nil {
		return domain.Incident{}, err
	}
	return s.Incident(inc.ID)
}

func (w *txw) putIncident(seq uint64, inc *domain.Incident) error {
	rec := *inc
	rec.Mentions = nil // the mention index is the source of truth
	b, err := json.Marshal(&rec)
	if err != nil {
		return err
	}
	if err := w.tx.Bucket(bIncidents).Put(u64(seq), b); err != nil {
		return err
	}
	w.extra = append(w.extra, Change{Kind: ChangeIncident, ID: inc.ID})
	return nil
}

func getIncident(tx *bolt.Tx, id string) (uint64, *domain.Incident, error) {
	seq, ok := parseIncidentID(id)
	if !ok {
		return 0, nil, fmt.Errorf("incident %q: %w", id, ErrNotFound)
	}
	var v []byte
	if b := tx.Bucket(bIncidents); b != nil { // nil in a read-only store older than incidents
		v = b.Get(u64(seq))
	}
	if v == nil {
		return 0, nil, fmt.Errorf("incident %s: %w", incidentID(seq), ErrNotFound)
	}
	inc := new(domain.Incident)
	if err := json.Unmarshal(v, inc); err != nil {
		return 0, nil, fmt.Errorf("store: damaged incident %s: %w", incidentID(seq), err)
	}
	return seq, inc, nil
}

// linkedKeys lists the keys of the mentions linked to incident id, oldest
// first, from the incident index.
func linkedKeys(tx *bolt.Tx, id string) ([]string, error) {
	c := tx.Bucket(indexByName(IndexIncident).bucket).Cursor()
	mb := tx.Bucket(bMentions)
	prefix := ixprefix(id)
	var out []string
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		tk := k[len(prefix):]
		v := mb.Get(tk)
		if v == nil {
			continue
		}
		var lite struct {
			Platform domain.Platform `json:"platform"`
			NativeID string          `json:"id"`
		}
		if m, ok := decodeLite(v); ok {
			lite.Platform, lite.NativeID = m.Platform, m.NativeID
		} else if err := json.Unmarshal(v, &lite); err != nil {
			return nil, fmt.Errorf("store: damaged record %x: %w", tk, err)
		}
		out = append(out, domain.MentionKey(lite.Platform, lite.NativeID))
	}
	return out, nil
}

// Incident loads one incident ("INC-3", or "3") with its linked mentions.
func (s *Store) Incident(id string) (domain.Incident, error) {
	var inc *domain.Incident
	err := s.view(func(tx *bolt.Tx) error {
		_, i, err := getIncident(tx, id)
		if err != nil {
			return err
		}
		inc = i
		inc.Mentions, err = linkedKeys(tx, inc.ID)
		return err
	})
	if err != nil {
		return domain.Incident{}, err
	}
	return *inc, nil
}

// Incidents lists every incident, oldest declared first, with their
// linked mentions.
func (s *Store) Incidents() ([]domain.Incident, error) {
	var out []domain.Incident
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bIncidents)
		if b == nil {
			return nil // a read-only store older than incidents
		}
		return b.ForEach(func(k, v []byte) error {
			var inc domain.Incident
			if err := json.Unmarshal(v, &inc); err != nil {
				return fmt.Errorf("store: damaged incident %d: %w", getU64(k), err)
			}
			var err error
			inc.Mentions, err = linkedKeys(tx, inc.ID)
			out = append(out, inc)
			return err
		})
	})
	return out, err
}

// changeIncident runs fn on the incident in a write transaction and saves
// it; fn records its own events and returns ErrNoChange when it changed
// nothing.
func (s *Store) changeIncident(actor, id string, fn func(w *txw, inc *domain.Incident, now time.Time) error) (domain.Incident, error) {
	if err := validLabel("actor", actor); err != nil {
		return domain.Incident{}, err
	}
	if err := s.authorize(actor, domain.PermIncident); err != nil {
		return domain.Incident{}, err
	}
	var incID string
	_, err := s.update(func(w *txw) error {
		seq, inc, err := getIncident(w.tx, id)
		if err != nil {
			return err
		}
		incID = inc.ID
		now := s.now()
		if err := fn(w, inc, now); err != nil {
			return err
		}
		inc.UpdatedAt = now
		return w.putIncident(seq, inc)
	})
	if err != nil {
		return domain.Incident{}, err
	}
	return s.Incident(incID)
}

func (w *txw) incidentEvent(actor string, inc *domain.Incident, kind domain.EventKind, field, before, after string) error {
	_, err := w.appendEvent(domain.Event{Actor: actor, Kind: kind, Target: inc.ID, Field: field, Before: before, After: after})
	return err
}

// UpdateIncident sets one field (FieldTitle, FieldScenario, FieldSeverity,
// FieldStatus, FieldLead, FieldSummary, FieldImpact). A status may move to
// any status; closing sets ClosedAt, reopening clears it. A new lead is a
// role handover and joins RoleHistory.
func (s *Store) UpdateIncident(actor, id, field, value string) (domain.Incident, error) {
	return s.changeIncident(actor, id, func(w *txw, inc *domain.Incident, now time.Time) error {
		var before, after string
		switch field {
		case FieldTitle:
			spec := IncidentSpec{Title: value, Scenario: inc.Scenario, Severity: inc.Severity}
			if err := checkSpec(&spec); err != nil {
				return err
			}
			before, after, inc.Title = inc.Title, spec.Title, spec.Title
		case FieldScenario:
			sc := domain.Scenario(strings.TrimSpace(value))
			if !validScenario(sc) {
				return fmt.Errorf("%w: unknown scenario %q", ErrBadIncident, value)
			}
			before, after, inc.Scenario = string(inc.Scenario), string(sc), sc
		case FieldSeverity:
			sev, err := ParseSeverity(value)
			if err != nil {
				return err
			}
			before, after, inc.Severity = inc.Severity.String(), sev.String(), sev
		case FieldStatus:
			st := domain.IncidentStatus(strings.TrimSpace(value))
			if !validIncidentStatus(st) {
				return fmt.Errorf("%w: unknown status %q (triage, live, stable, closed, learning)", ErrBadIncident, value)
			}
			before, after, inc.Status = string(inc.Status), string(st), st
			switch st {
			case domain.IncidentClosed, domain.IncidentLearning:
				if inc.ClosedAt.IsZero() {
					inc.ClosedAt = now
				}
			default:
				inc.ClosedAt = time.Time{}
			}
		case FieldLead:
			return w.setRole(actor, inc, FieldLead, value, now)
		case FieldSummary, FieldImpact:
			if err := validText(field, value, 16<<10); err != nil {
				return err
			}
			p := &inc.Summary
			if field == FieldImpact {
				p = &inc.Impact
			}
			before, after, *p = *p, value, value
		default:
			return fmt.Errorf("%w: unknown field %q", ErrBadIncident, field)
		}
		if before == after {
			return ErrNoChange
		}
		return w.incidentEvent(actor, inc, domain.EventIncident, field, before, after)
	})
}

// SetIncidentRole hands role (one of domain.IncidentRoles, or "lead") to
// operator ("" leaves it vacant); RoleHistory keeps who held it from when.
func (s *Store) SetIncidentRole(actor, id, role, operator string) (domain.Incident, error) {
	return s.changeIncident(actor, id, func(w *txw, inc *domain.Incident, now time.Time) error {
		return w.setRole(actor, inc, role, operator, now)
	})
}

func (w *txw) setRole(actor string, inc *domain.Incident, role, operator string, now time.Time) error {
	operator = strings.TrimSpace(operator)
	if !validRole(role) {
		return fmt.Errorf("%w: unknown role %q (lead, %s)", ErrBadIncident, role, strings.Join(domain.IncidentRoles, ", "))
	}
	if operator != "" {
		if err := validLabel(role, operator); err != nil {
			return fmt.Errorf("%w: %v", ErrBadIncident, err)
		}
	}
	var before string
	if role == FieldLead {
		before = inc.Lead
		inc.Lead = operator
	} else {
		before = inc.Roles[role]
		if inc.Roles == nil {
			inc.Roles = map[string]string{}
		}
		if operator == "" {
			delete(inc.Roles, role)
		} else {
			inc.Roles[role] = operator
		}
		if len(inc.Roles) == 0 {
			inc.Roles = nil
		}
	}
	if before == operator {
		return ErrNoChange
	}
	inc.RoleHistory = append(inc.RoleHistory, domain.RoleChange{Role: role, Operator: operator, At: now, By: actor})
	field := FieldRolePfx + role
	if role == FieldLead {
		field = FieldLead
	}
	return w.incidentEvent(actor, inc, domain.EventIncident, field, before, operator)
}

// TickChecklist marks checklist item i (0-based) done or not done.
func (s *Store) TickChecklist(actor, id string, i int, done bool) (domain.Incident, error) {
	return s.changeIncident(actor, id, func(w *txw, inc *domain.Incident, now time.Time) error {
		if i < 0 || i >= len(inc.Checklist) {
			return fmt.Errorf("%w: checklist item %d of %d", ErrBadIncident, i+1, len(inc.Checklist))
		}
		it := &inc.Checklist[i]
		if it.Done == done {
			return ErrNoChange
		}
		before, after := "open", "done"
		if !done {
			before, after = after, before
		}
		it.Done = done
		it.DoneBy, it.DoneAt = "", time.Time{}
		if done {
			it.DoneBy, it.DoneAt = actor, now
		}
		return w.incidentEvent(actor, inc, domain.EventChecklist, FieldItemPfx+strconv.Itoa(i+1)+" "+it.Text, before, after)
	})
}

// AddChecklistItem appends an item to the incident's checklist.
func (s *Store) AddChecklistItem(actor, id, text string) (domain.Incident, error) {
	return s.changeIncident(actor, id, func(w *txw, inc *domain.Incident, now time.Time) error {
		text = strings.TrimSpace(text)
		if text == "" {
			return fmt.Errorf("%w: a checklist item needs text", ErrBadIncident)
		}
		if err := validText("checklist item", text, 1000); err != nil {
			return err
		}
		inc.Checklist = append(inc.Checklist, domain.ChecklistItem{Text: text})
		return w.incidentEvent(actor, inc, domain.EventChecklist, FieldAdded, "", text)
	})
}

// IncidentNote adds a note to the incident's timeline; with update it is a
// status update, which resets the update reminder.
func (s *Store) IncidentNote(actor, id, text string, update bool) (domain.Incident, error) {
	return s.changeIncident(actor, id, func(w *txw, inc *domain.Incident, now time.Time) error {
		if strings.TrimSpace(text) == "" {
			return fmt.Errorf("%w: a note needs text", ErrBadIncident)
		}
		if err := validText("note", text, 16<<10); err != nil {
			return err
		}
		field := FieldNote
		if update {
			field = FieldUpdate
		}
		return w.incidentEvent(actor, inc, domain.EventNote, field, "", text)
	})
}

// LinkMentions links mentions (store ids) to incident id as evidence. A
// mention linked to another incident moves. Each mention gets an
// EventEscalate event (undoable from the inbox like any mention action)
// and the incident an event per mention, all in one transaction and group.
func (s *Store) LinkMentions(actor, id string, ids []uint64) (domain.Incident, error) {
	return s.changeIncident(actor, id, func(w *txw, inc *domain.Incident, now time.Time) error {
		n := len(w.events)
		if err := w.link(actor, inc.ID, ids); err != nil {
			return err
		}
		if len(w.events) == n {
			return ErrNoChange
		}
		return nil
	})
}

// UnlinkMentions removes mentions (store ids) from whatever incident they
// are linked to.
func (s *Store) UnlinkMentions(actor string, ids []uint64) ([]domain.Event, error) {
	if err := validLabel("actor", actor); err != nil {
		return nil, err
	}
	if err := s.authorize(actor, domain.PermIncident); err != nil {
		return nil, err
	}
	w, err := s.update(func(w *txw) error {
		if err := w.link(actor, "", ids); err != nil {
			return err
		}
		if len(w.events) == 0 {
			return ErrNoChange
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w.events, nil
}

// link sets the incident of mentions ids to incID ("" unlinks) inside w.
func (w *txw) link(actor, incID string, ids []uint64) error {
	for _, mid := range ids {
		tk, err := timekeyOf(w.tx, mid)
		if err != nil {
			return fmt.Errorf("mention %d: %w", mid, err)
		}
		old, err := getMention(w.tx, tk)
		if err != nil {
			return err
		}
		m := cloneMention(old)
		ev, changed := applyAction(m, Action{Kind: domain.EventEscalate, Value: incID}, actor, w.s.now())
		if !changed {
			continue
		}
		ev.Actor, ev.Target = actor, old.Key()
		if err := w.writeChange(old, m, tk, ev); err != nil {
			return err
		}
		if prev := old.State.IncidentID; prev != "" {
			if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventEscalate, Target: prev, Field: FieldMention, Before: old.Key()}); err != nil {
				return err
			}
			w.extra = append(w.extra, Change{Kind: ChangeIncident, ID: prev})
		}
		if incID != "" {
			if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventEscalate, Target: incID, Field: FieldMention, After: old.Key()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// DismissAlert records that actor dismissed detection alert alertID.
func (s *Store) DismissAlert(actor, alertID, reason string) error {
	return s.DismissAlerts(actor, []string{alertID}, reason)
}

// DismissAlerts dismisses the alerts of one group (the signals of one
// crisis) in one transaction; alerts already dismissed are left as they
// were. ErrNoChange when every one was.
func (s *Store) DismissAlerts(actor string, alertIDs []string, reason string) error {
	if err := s.checkAlertChange(actor, alertIDs); err != nil {
		return err
	}
	if err := validText("reason", reason, 1000); err != nil {
		return err
	}
	_, err := s.update(func(w *txw) error {
		b := w.tx.Bucket(bDismissals)
		for _, id := range alertIDs {
			if b.Get([]byte(id)) != nil {
				continue
			}
			d := AlertDismissal{AlertID: id, By: actor, At: s.now(), Reason: reason}
			v, err := json.Marshal(d)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(id), v); err != nil {
				return err
			}
			if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventIncident, Target: id, Field: FieldDismiss, After: reason}); err != nil {
				return err
			}
			w.extra = append(w.extra, Change{Kind: ChangeAlert, ID: id})
		}
		if len(w.extra) == 0 {
			return ErrNoChange
		}
		return nil
	})
	return err
}

// RestoreAlerts undoes the dismissal of alerts: they are open again (if
// they still hold), and the audit trail records who brought them back.
func (s *Store) RestoreAlerts(actor string, alertIDs []string) error {
	if err := s.checkAlertChange(actor, alertIDs); err != nil {
		return err
	}
	_, err := s.update(func(w *txw) error {
		b := w.tx.Bucket(bDismissals)
		for _, id := range alertIDs {
			v := b.Get([]byte(id))
			if v == nil {
				continue
			}
			var d AlertDismissal
			_ = json.Unmarshal(v, &d)
			if err := b.Delete([]byte(id)); err != nil {
				return err
			}
			if _, err := w.appendEvent(domain.Event{Actor: actor, Kind: domain.EventIncident, Target: id, Field: FieldDismiss, Before: d.Reason, After: "restored"}); err != nil {
				return err
			}
			w.extra = append(w.extra, Change{Kind: ChangeAlert, ID: id})
		}
		if len(w.extra) == 0 {
			return ErrNoChange
		}
		return nil
	})
	return err
}

func (s *Store) checkAlertChange(actor string, alertIDs []string) error {
	if err := validLabel("actor", actor); err != nil {
		return err
	}
	if len(alertIDs) == 0 {
		return fmt.Errorf("no alert given")
	}
	for _, id := range alertIDs {
		if err := validLabel("alert id", id); err != nil {
			return err
		}
	}
	return s.authorize(actor, domain.PermIncident)
}

// AlertDismissals lists every dismissed alert by id.
func (s *Store) AlertDismissals() (map[string]AlertDismissal, error) {
	out := map[string]AlertDismissal{}
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bDismissals)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var d AlertDismissal
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("store: damaged dismissal %q: %w", k, err)
			}
			out[string(k)] = d
			return nil
		})
	})
	return out, err
}
