package inbox

import (
	"fmt"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"switchboard/domain"
	"switchboard/safetext"
	"switchboard/store"
	"switchboard/themes"
)

// The person panel of the open mention: the author's contact card (every
// contact linked to it: handles, names, followers, tags, notes, counts)
// and their last mentions across the linked platforms with our replies.
// It is read from the store's contacts, which keep their counters at
// ingest, so it costs a few reads however many mentions the person has.

// personRecent is how many of the person's newest mentions the panel shows.
const personRecent = 5

// personState is the card shown for the open mention (request req).
type personState struct {
	req  int
	card *store.Card
	err  error
}

// personMsg is a card read for the open mention of request req.
type personMsg struct {
	req  int
	card *store.Card
	err  error
}

// loadPerson reads the card of the open mention's author.
func (m *Model) loadPerson() tea.Cmd {
	d := m.detail
	if d == nil || d.m == nil {
		return nil
	}
	req, mm, st := d.req, *d.m, m.sess.Store
	return func() tea.Msg {
		c, err := st.CardOf(&mm, personRecent)
		if err != nil {
			return personMsg{req: req, err: err}
		}
		return personMsg{req: req, card: &c}
	}
}

// onPerson keeps a card that belongs to the open mention.
func (m *Model) onPerson(msg personMsg) {
	if m.detail != nil && msg.req == m.detail.req {
		m.person = &personState{req: msg.req, card: msg.card, err: msg.err}
	}
}

// personOnStore reads the card again when the store changed under it: a
// contact's tags, notes or links, or new mentions (perhaps the person's).
func (m *Model) personOnStore(u store.Update) tea.Cmd {
	if m.detail == nil {
		return nil
	}
	if u.Resync || len(u.New) > 0 || slices.Contains(u.Changed, m.detail.id) ||
		slices.ContainsFunc(u.Changes, func(c store.Change) bool { return c.Kind == store.ChangeContact || c.Kind == "draft" }) {
		return m.loadPerson()
	}
	return nil
}

// personLines draws the panel at width w.
func (m *Model) personLines(st *themes.Styles, w int) []string {
	p := m.person
	if m.detail == nil || p == nil || p.req != m.detail.req {
		return nil
	}
	lines := []string{"", st.Detail.Section.Render("Person")}
	add := func(s string) { lines = append(lines, s) }
	field := func(label, value string) {
		add(st.Detail.Label.Render(fmt.Sprintf("%-10s", label)) + " " + st.Detail.Value.Render(safetext.Truncate(value, max(1, w-11), "…")))
	}
	if p.err != nil {
		add(st.Inbox.Error.Render(safetext.Truncate("✗ could not read the contact: "+safetext.Line(p.err.Error()), w, "…")))
		return lines
	}
	c := p.card
	var handles, counts []string
	for i := range c.Contacts {
		ct := &c.Contacts[i]
		handles = append(handles, ct.Handle+" ("+string(ct.Platform)+")")
		counts = append(counts, fmt.Sprintf("%s %d", platformShort[ct.Platform], ct.Mentions))
	}
	field("handles", strings.Join(handles, " · "))
	profile := plural(int(c.Followers), "follower")
	if c.Verified {
		profile += " · ✓ verified"
	}
	if len(c.Names) > 0 {
		profile = strings.Join(c.Names, ", ") + " · " + profile
	}
	field("profile", profile)
	mentions := thousands(c.Mentions)
	if len(c.Contacts) > 1 {
		mentions += " (" + strings.Join(counts, ", ") + ")"
	}
	if !c.FirstSeen.IsZero() {
		mentions += " · first " + c.FirstSeen.Local().Format("2 Jan 2006") + " · last " + c.LastSeen.Local().Format("2 Jan 2006")
	}
	mentions += fmt.Sprintf(" · sentiment %+.2f (%s)", c.Sentiment, domain.SentimentBand(c.Sentiment))
	if n := len(c.Weeks); n > 1 {
		var ws []string
		for _, wk := range c.Weeks[max(0, n-4):] {
			ws = append(ws, fmt.Sprintf("%s %+.2f", wk.Monday.Format("2 Jan"), wk.Average))
		}
		mentions += ", by week " + strings.Join(ws, " ")
	}
	field("mentions", mentions)
	field("tags", orDefault(strings.Join(c.Tags, ", "), "—"))
	for _, n := range c.Notes {
		field("note", n.At.Local().Format("2 Jan 15:04")+" "+n.Author+": "+n.Text)
	}
	for _, s := range c.Suggestions[:min(2, len(c.Suggestions))] {
		field("same?", s.Contact.Ref()+": "+s.Reason+" (not linked; switchboard contacts link)")
	}
	if len(c.Recent) == 0 || len(c.Recent) == 1 && c.Recent[0].ID == m.detail.id && len(c.Recent[0].Replies) == 0 {
		return lines // nothing but the mention shown above
	}
	add(st.Detail.Label.Render("last mentions and our replies"))
	now := m.sess.Now()
	for _, r := range c.Recent {
		mark := "  "
		if r.ID == m.detail.id {
			mark = "› "
		}
		add(st.Detail.Event.Render(safetext.Truncate(fmt.Sprintf("%s%4s %-4s %s: %s", mark, age(now.Sub(r.CreatedAt)), platformShort[r.Platform],
			r.Author.Handle, r.Text), w, "…")))
		for _, d := range r.Replies {
			who := string(d.State)
			if !d.SentAt.IsZero() {
				who += " " + age(now.Sub(d.SentAt)) + " ago"
			}
			add(st.Detail.Event.Render(safetext.Truncate("       ↳ "+d.Author+" ("+who+"): "+d.Text, w, "…")))
		}
	}
	return lines
}
