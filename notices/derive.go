package notices

import (
	"fmt"
	"strings"
	"time"

	"switchboard/detect"
	"switchboard/domain"
	"switchboard/store"
)

// handle derives the notices of one audit event (into d.pending) and
// keeps the breach watch up to date.
func (d *Deriver) handle(ev domain.Event) {
	switch ev.Kind {
	case domain.EventAssign:
		d.assigned(ev, ev.After)
	case domain.EventUndo:
		if ev.Field == "assignee" {
			d.assigned(ev, ev.After)
		}
	case domain.EventNote:
		d.mentioned(ev, store.NoticeLink{Kind: "mention", ID: ev.Target}, "a note on "+ev.Target)
	case domain.EventIncident:
		switch {
		case ev.Field == store.FieldNote || ev.Field == store.FieldUpdate:
			what := "a note on "
			if ev.Field == store.FieldUpdate {
				what = "a status update of "
			}
			d.mentioned(ev, store.NoticeLink{Kind: "incident", ID: ev.Target}, what+ev.Target)
		case ev.Field == store.FieldLead || strings.HasPrefix(ev.Field, store.FieldRolePfx):
			d.role(ev)
		}
	case domain.EventDraft:
		switch {
		case ev.Field == "state" && ev.After == string(domain.DraftAwaitingApproval):
			d.approvalRequested(ev)
		case ev.Field == "approval" && (strings.HasPrefix(ev.After, "approved") || strings.HasPrefix(ev.After, "rejected")):
			d.reviewed(ev)
		}
	}
	// anything else about a mention whose clock is watched may move it
	// (status, priority, team, a reply sent, answered, fyi …)
	if d.track.has(ev.Target) {
		d.refresh(ev.Target)
	}
}

// snippet is the start of a text, on one line (made safe where drawn).
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func (d *Deriver) assigned(ev domain.Event, to string) {
	if to == "" {
		return
	}
	d.refresh(ev.Target)
	if to == ev.Actor {
		return // you took it yourself
	}
	n := store.Notice{For: to, Kind: store.NoticeAssigned, At: ev.At, By: ev.Actor, Urgent: true,
		Title: ev.Actor + " assigned you " + ev.Target, Link: store.NoticeLink{Kind: "mention", ID: ev.Target}}
	if m, err := d.o.Store.GetByKey(ev.Target); err == nil {
		n.Text = snippet(m.Author.Handle+": "+m.Text, 140)
	}
	d.pending = append(d.pending, n)
}

// Names are the operator names @-mentioned in text, each once, in order:
// "@ana" after a space or punctuation (not "bob@example.com"), case
// ignored, a trailing '.', '-' or '_' dropped.
func Names(text string) []string {
	var out []string
	for i := 0; i < len(text); i++ {
		if text[i] != '@' {
			continue
		}
		if i > 0 && wordByte(text[i-1]) {
			continue
		}
		j := i + 1
		for j < len(text) && j-i <= 32 && (wordByte(text[j]) || text[j] == '.' || text[j] == '-' || text[j] == '_') {
			j++
		}
		name := strings.ToLower(strings.TrimRight(text[i+1:j], ".-_"))
		if name == "" || name[0] < 'a' || name[0] > 'z' {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == name
		}
		if !dup {
			out = append(out, name)
		}
		i = j - 1
	}
	return out
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func (d *Deriver) mentioned(ev domain.Event, link store.NoticeLink, where string) {
	if !strings.Contains(ev.After, "@") {
		return
	}
	for _, name := range Names(ev.After) {
		if name == ev.Actor || (d.o.Known != nil && !d.o.Known(name)) {
			continue
		}
		d.pending = append(d.pending, store.Notice{For: name, Kind: store.NoticeMention, At: ev.At, By: ev.Actor,
			Title: ev.Actor + " mentioned you in " + where, Text: snippet(ev.After, 140), Link: link})
	}
}

func (d *Deriver) role(ev domain.Event) {
	to := ev.After
	if to == "" || to == ev.Actor {
		return
	}
	role := strings.TrimPrefix(ev.Field, store.FieldRolePfx)
	n := store.Notice{For: to, Kind: store.NoticeRole, At: ev.At, By: ev.Actor,
		Title: ev.Actor + " made you " + role + " of " + ev.Target, Link: store.NoticeLink{Kind: "incident", ID: ev.Target}}
	if inc, err := d.o.Store.Incident(ev.Target); err == nil {
		n.Text = inc.Severity.String() + " " + snippet(inc.Title, 120)
	}
	d.pending = append(d.pending, n)
}

func (d *Deriver) approvalRequested(ev domain.Event) {
	if d.o.Operators == nil {
		return
	}
	dr, err := d.o.Store.Draft(ev.Target)
	if err != nil {
		return
	}
	for _, op := range d.o.Operators() {
		if op == dr.Author || d.o.Store.MayApprove(op, dr) != nil {
			continue
		}
		title := dr.Author + "'s draft " + dr.ID + " waits for your approval"
		if dr.ApprovalRole != "" {
			title += " (" + dr.ApprovalRole + ")"
		}
		d.pending = append(d.pending, store.Notice{For: op, Kind: store.NoticeApproval, At: ev.At, By: dr.Author, Urgent: true,
			Title: title, Text: snippet(dr.Text, 140), Link: store.NoticeLink{Kind: "draft", ID: dr.ID}})
	}
}

func (d *Deriver) reviewed(ev domain.Event) {
	dr, err := d.o.Store.Draft(ev.Target)
	if err != nil || dr.Author == ev.Actor || dr.Author == "" {
		return
	}
	kind, verb := store.NoticeApproved, "approved"
	if strings.HasPrefix(ev.After, "rejected") {
		kind, verb = store.NoticeRejected, "rejected"
	}
	n := store.Notice{For: dr.Author, Kind: kind, At: ev.At, By: ev.Actor,
		Title: ev.Actor + " " + verb + " your draft " + dr.ID, Link: store.NoticeLink{Kind: "draft", ID: dr.ID}}
	if _, comment, ok := strings.Cut(ev.After, ": "); ok {
		n.Text = snippet(comment, 140)
	}
	d.pending = append(d.pending, n)
}

func alertNotice(a detect.Alert, now time.Time) store.Notice {
	return store.Notice{For: store.NoticeEveryone, Kind: store.NoticeAlert, At: now, Urgent: true,
		Title: "Crisis alert: " + string(a.Kind) + " on " + a.Stream, Text: snippet(a.Reason, 140),
		Link: store.NoticeLink{Kind: "alert", ID: a.ID}, Dedupe: "alert " + a.ID}
}

func breachNotice(m *domain.Mention, due, now time.Time) store.Notice {
	left := due.Sub(now).Round(time.Minute)
	when := fmt.Sprintf("in %s", shortDur(left))
	if left < time.Minute {
		when = "in under a minute"
	}
	return store.Notice{For: m.State.Assignee, Kind: store.NoticeBreach, At: now, Urgent: true,
		Title: m.Key() + " breaches its response target " + when + " (due " + due.Local().Format("15:04") + ")",
		Text:  snippet(m.Author.Handle+": "+m.Text, 140),
		Link:  store.NoticeLink{Kind: "mention", ID: m.Key()}, Dedupe: fmt.Sprintf("breach %s %d", m.Key(), due.Unix())}
}

// shortDur is a whole number of minutes as "10m" or "1h05m".
func shortDur(d time.Duration) string {
	m := int(d / time.Minute)
	if m < 60 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh%02dm", m/60, m%60)
}
