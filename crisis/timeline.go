package crisis

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"switchboard/domain"
	"switchboard/safetext"
	"switchboard/store"
)

// EntryKind classifies a timeline entry.
type EntryKind string

const (
	EntryDeclared  EntryKind = "declared"
	EntryField     EntryKind = "field"  // title, scenario, severity, summary, impact, alert
	EntryStatus    EntryKind = "status" // a status change
	EntryRole      EntryKind = "role"   // lead or a role handed over
	EntryChecklist EntryKind = "checklist"
	EntryNote      EntryKind = "note"
	EntryUpdate    EntryKind = "update" // a status update
	EntryMention   EntryKind = "mention"
	EntryReply     EntryKind = "reply" // a reply sent to a linked mention
	EntryPause     EntryKind = "pause" // sending paused or resumed
	EntryUndo      EntryKind = "undo"  // a linked mention's escalation undone
)

// Entry is one line of an incident's timeline. Text holds operator and
// platform text: make it safe (safetext) before drawing it.
type Entry struct {
	At    time.Time    `json:"at"`
	Actor string       `json:"actor"`
	Kind  EntryKind    `json:"kind"`
	Text  string       `json:"text"`
	Event domain.Event `json:"event"`
}

// TimelineOptions tune Timeline.
type TimelineOptions struct {
	// DraftMention maps a draft id to the key of the mention it answers,
	// so that a sent draft (EventDraft with After "sent") counts as a
	// reply on the incident when that mention is linked. Without it only
	// draft events whose target is a linked mention key count.
	DraftMention func(draftID string) (string, bool)
}

// Timeline assembles the incident's timeline from the audit log, oldest
// first: its own events (every field change with old and new value,
// roles, checklist ticks, notes and updates, mentions linked), and, from
// its declaration on, replies sent to its linked mentions, escalations of
// them undone, and every pause or resume of sending.
func Timeline(s *store.Store, inc domain.Incident, opts TimelineOptions) ([]Entry, error) {
	own, err := s.Events(inc.ID)
	if err != nil {
		return nil, err
	}
	var out []Entry
	var from uint64
	for _, ev := range own {
		if from == 0 || ev.Seq < from {
			from = ev.Seq
		}
		out = append(out, entryOf(ev))
	}
	linked := map[string]bool{}
	for _, k := range inc.Mentions {
		linked[k] = true
	}
	if from > 0 {
		err = s.Log(from-1, func(ev domain.Event) bool {
			switch ev.Kind {
			case domain.EventOutbox:
				out = append(out, entryOf(ev))
			case domain.EventDraft:
				// the outbox records a sent reply on its mention ("d-7 sent
				// (private)"); a draft's own state event ("sent") names only
				// the draft, which DraftMention can resolve
				key, sent := ev.Target, strings.Contains(ev.After, " sent (")
				if !sent && strings.HasPrefix(ev.After, string(domain.DraftSent)) && opts.DraftMention != nil {
					if k, ok := opts.DraftMention(ev.Target); ok {
						key, sent = k, true
					}
				}
				if sent && linked[key] {
					e := entryOf(ev)
					e.Text = "reply sent to " + key
					if id, vis, ok := strings.Cut(ev.After, " sent ("); ok && key == ev.Target {
						e.Text += " (" + id + ", " + strings.TrimSuffix(vis, ")") + ")"
					}
					out = append(out, e)
				}
			case domain.EventUndo:
				if linked[ev.Target] || ev.Before == inc.ID {
					if ev.Field == "incident" {
						out = append(out, Entry{At: ev.At, Actor: ev.Actor, Kind: EntryUndo, Event: ev,
							Text: fmt.Sprintf("undid escalation of %s (%s → %s)", ev.Target, orNone(ev.Before), orNone(ev.After))})
					}
				}
			}
			return true
		})
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Event.Seq < out[j].Event.Seq })
	return out, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// entryOf describes one event in words.
func entryOf(ev domain.Event) Entry {
	e := Entry{At: ev.At, Actor: ev.Actor, Event: ev, Kind: EntryField}
	change := func(what string) string {
		switch {
		case ev.Before == "":
			return fmt.Sprintf("%s set to %s", what, ev.After)
		case ev.After == "":
			return fmt.Sprintf("%s cleared (was %s)", what, ev.Before)
		}
		return fmt.Sprintf("%s %s → %s", what, ev.Before, ev.After)
	}
	switch ev.Kind {
	case domain.EventIncident:
		switch {
		case ev.Field == store.FieldDeclared:
			e.Kind, e.Text = EntryDeclared, "declared: "+ev.After
		case ev.Field == store.FieldStatus:
			e.Kind, e.Text = EntryStatus, change("status")
		case ev.Field == store.FieldLead:
			e.Kind, e.Text = EntryRole, change("lead")
		case strings.HasPrefix(ev.Field, store.FieldRolePfx):
			e.Kind, e.Text = EntryRole, change(strings.TrimPrefix(ev.Field, store.FieldRolePfx))
		case ev.Field == store.FieldSummary || ev.Field == store.FieldImpact:
			// free text: quoted, so that old and new read apart
			switch {
			case ev.Before == "":
				e.Text = ev.Field + " set: " + ev.After
			case ev.After == "":
				e.Text = ev.Field + " cleared (was “" + ev.Before + "”)"
			default:
				e.Text = ev.Field + " changed: “" + ev.Before + "” → “" + ev.After + "”"
			}
		case ev.Field == store.FieldAlert:
			e.Text = "declared from alert " + ev.After
		default:
			e.Text = change(ev.Field)
		}
	case domain.EventChecklist:
		e.Kind = EntryChecklist
		if ev.Field == store.FieldAdded {
			e.Text = "checklist: added " + ev.After
		} else if ev.After == "done" {
			e.Text = "✓ " + strings.TrimPrefix(ev.Field, store.FieldItemPfx)
		} else {
			e.Text = "☐ reopened " + strings.TrimPrefix(ev.Field, store.FieldItemPfx)
		}
	case domain.EventNote:
		e.Kind, e.Text = EntryNote, "note: "+ev.After
		if ev.Field == store.FieldUpdate {
			e.Kind, e.Text = EntryUpdate, "update: "+ev.After
		}
	case domain.EventEscalate:
		e.Kind = EntryMention
		if ev.After != "" {
			e.Text = "linked " + ev.After
		} else {
			e.Text = "unlinked " + ev.Before + " (moved to another incident)"
		}
	case domain.EventOutbox:
		e.Kind = EntryPause
		e.Text = "sending " + describeOutbox(ev)
		if _, reason, ok := strings.Cut(ev.After, ": "); ok {
			e.Text += ": " + reason
		}
	case domain.EventDraft:
		e.Kind, e.Text = EntryReply, "reply sent"
	default:
		e.Text = fmt.Sprintf("%s %s: %s → %s", ev.Kind, ev.Field, ev.Before, ev.After)
	}
	return e
}

func describeOutbox(ev domain.Event) string {
	a, _, _ := strings.Cut(strings.ToLower(ev.After), ":")
	switch {
	case strings.Contains(a, "resum"), a == "false", a == "running", a == "off":
		return "resumed"
	case strings.Contains(a, "pause"), a == "true", a == "on":
		return "paused"
	}
	return strings.TrimSpace(ev.Field + " " + ev.After)
}

// Line renders an entry on one terminal-safe line: "15:04 actor text".
func (e Entry) Line(loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return e.At.In(loc).Format("15:04") + " " + safetext.Line(e.Actor) + " " + safetext.Line(e.Text)
}
