package inbox

import (
	"fmt"
	"slices"
	"strings"
	"switchboard/tui/pane"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/safetext"
	"switchboard/themes"
)

// columns are the widths of the list's columns at one pane width; 0 hides
// a column.
type columns struct {
	age, platform, author, sentiment, status, clock, assignee, tags, text int
}

// layout sizes the list's columns for width w: the default set drops
// tags, the assignee and the clock as the terminal narrows; a view's own
// columns (want) are shown at any width. The author column grows with the
// terminal (12 to 30 cells); the text takes the rest.
func layout(w int, want []string) columns {
	author := min(30, max(12, w*3/20))
	c := columns{age: 4, platform: 4, author: author, sentiment: 3, status: 6, clock: 7, assignee: 10, tags: 14}
	if want == nil {
		if w < 120 {
			c.tags = 0
		}
		if w < 100 {
			c.assignee = 0
		}
		if w < 80 {
			c.clock = 0
		}
	} else {
		has := func(name string) bool { return slices.Contains(want, name) }
		zero := func(name string, x *int) {
			if !has(name) {
				*x = 0
			}
		}
		zero("age", &c.age)
		zero("platform", &c.platform)
		zero("author", &c.author)
		zero("sentiment", &c.sentiment)
		zero("status", &c.status)
		zero("clock", &c.clock)
		zero("assignee", &c.assignee)
		zero("tags", &c.tags)
	}
	fixed := 2 + c.sentiment + 1 // the cursor mark; the text's space after it
	for _, x := range []int{c.age, c.platform, c.author, c.status, c.clock, c.assignee, c.tags} {
		if x > 0 {
			fixed += x + 1
		}
	}
	c.text = max(8, w-fixed)
	return c
}

var platformShort = map[domain.Platform]string{
	domain.PlatformX: "x", domain.PlatformMastodon: "mast", domain.PlatformBluesky: "bsky",
	domain.PlatformReddit: "rddt", domain.PlatformNews: "news",
}

// View renders the pane at its size.
func (m *Model) View() string {
	st := m.sess.Styles
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var body string
	if m.detail != nil {
		body = m.detailView(st)
	} else {
		body = m.listView(st)
	}
	if m.dlg != nil {
		box := m.dlg.view(st, m.w, m.h)
		body = pane.Overlay(body, box, m.w, m.h, (m.h-lipgloss.Height(box))/3)
	}
	return body
}

func (m *Model) listView(st *themes.Styles) string {
	lines := make([]string, 0, m.h)
	lines = append(lines, m.tabsLine(st), m.statusLine(st))
	c := layout(m.w, m.views[m.viewIdx].Columns)
	lines = append(lines, st.Inbox.Header.Render(m.headerRow(c)))
	lh := m.listHeight()
	switch {
	case m.err != nil:
		lines = append(lines, st.Inbox.Error.Render(safetext.Truncate("✗ could not read the store: "+m.err.Error(), m.w, "…")),
			st.Inbox.Empty.Render(safetext.Truncate("  ctrl+r tries again; `switchboard db check` looks for damage.", m.w, "…")))
	case !m.loaded:
		lines = append(lines, st.Inbox.Empty.Render("  loading…"))
	case len(m.rows) == 0:
		lines = append(lines, m.emptyLines(st)...)
	default:
		now := m.sess.Now()
		end := min(len(m.rows), m.off+lh)
		for i := m.off; i < end; i++ {
			lines = append(lines, m.renderRow(st, c, i, now))
		}
		if end == len(m.rows) && m.moreBelow && len(lines) < m.h {
			lines = append(lines, st.Inbox.Dim.Render("  loading more…"))
		}
	}
	for len(lines) < m.h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:m.h], "\n")
}

func (m *Model) emptyLines(st *themes.Styles) []string {
	var msg []string
	if m.counts != nil && m.counts.Total() == 0 {
		msg = []string{
			"  No mentions yet.",
			"  • add connectors to the config file (see the README, \"Connectors and configuration\"),",
			"    then `switchboard poll` or `switchboard serve` fetches them;",
			"  • import a file: `switchboard import mentions.jsonl`;",
			"  • or try it all on a simulated stream: `switchboard demo`.",
		}
	} else {
		msg = []string{
			"  Nothing in “" + m.views[m.viewIdx].Name + "” matches.",
			"  ] and [ switch views; / changes the search, f the filter (enter on an empty one clears it).",
		}
	}
	out := make([]string, len(msg))
	for i, s := range msg {
		out[i] = st.Inbox.Empty.Render(safetext.Truncate(s, m.w, "…"))
	}
	return out
}

func (m *Model) tabsLine(st *themes.Styles) string {
	var parts []string
	for i, v := range m.views {
		label := v.Name
		if n, ok := m.tabTotal(i); ok {
			label += " " + n
		}
		if i == m.viewIdx {
			parts = append(parts, st.Inbox.ViewTabActive.Render("▸"+label))
		} else {
			parts = append(parts, st.Inbox.ViewTab.Render(label))
		}
	}
	// scroll the tabs so the active one is always in sight
	from, width := 0, 0
	for i := 0; i <= m.viewIdx && i < len(parts); i++ {
		width += lipgloss.Width(parts[i])
	}
	for from < m.viewIdx && width+1 > m.w-1 {
		width -= lipgloss.Width(parts[from])
		from++
	}
	line := strings.Join(parts[from:], "")
	if from > 0 {
		line = st.Inbox.Dim.Render("‹") + line
	}
	return ansi.Truncate(line, m.w, "…")
}

func (m *Model) statusLine(st *themes.Styles) string {
	var left []string
	if n := len(m.selected); n > 0 { // first: the rest may be cut
		left = append(left, fmt.Sprintf("● %s selected (esc clears)", thousands(n)))
	}
	if m.search != "" {
		left = append(left, "search: "+safetext.Line(m.search)+" (all history)")
	}
	if m.expr != "" {
		left = append(left, "filter: "+safetext.Line(m.expr))
	}
	l := st.Inbox.Filter.Render(safetext.Truncate(strings.Join(left, " · "), max(0, m.w/2), "…"))
	var right []string
	if l := m.NewLabel(); l != "" {
		right = append(right, st.Inbox.NewMarker.Render(l+" · "+m.keys.JumpNew.Help().Key))
	}
	if len(m.rows) > 0 && m.err == nil { // after a failed read the old position means nothing
		pos := "?"
		if m.topIndex >= 0 {
			pos = thousands(m.topIndex + m.cur + 1)
		}
		total := "many"
		if n, ok := m.viewTotal(); ok {
			total = thousands(n)
		} else if !m.moreBelow && m.topIndex >= 0 {
			total = thousands(m.topIndex + len(m.rows))
		}
		right = append(right, st.Inbox.Dim.Render(pos+" of "+total))
	}
	r := strings.Join(right, " ")
	gap := m.w - lipgloss.Width(l) - lipgloss.Width(r)
	if gap < 1 {
		return ansi.Truncate(l+" "+r, m.w, "")
	}
	return l + strings.Repeat(" ", gap) + r
}

func (m *Model) headerRow(c columns) string {
	var b strings.Builder
	b.WriteString("  ")
	for _, col := range []struct {
		w    int
		name string
	}{{c.age, "age"}, {c.platform, "from"}, {c.author, "author"}} {
		if col.w > 0 {
			if col.name == "age" {
				b.WriteString(padLeft(col.name, col.w) + " ")
			} else {
				b.WriteString(safetext.Fit(col.name, col.w) + " ")
			}
		}
	}
	b.WriteString(safetext.Fit("mention", c.text) + " ")
	if c.sentiment > 0 {
		b.WriteString(safetext.Fit("±", c.sentiment-1) + " ")
	}
	if c.status > 0 {
		b.WriteString(safetext.Fit("status", c.status) + " ")
	}
	if c.clock > 0 {
		b.WriteString(safetext.Fit("waited", c.clock) + " ")
	}
	if c.assignee > 0 {
		b.WriteString(safetext.Fit("assignee", c.assignee) + " ")
	}
	if c.tags > 0 {
		b.WriteString(safetext.Fit("tags", c.tags) + " ")
	}
	return ansi.Truncate(b.String(), m.w, "")
}

// renderRow draws one row. Every platform string passes safetext, which
// fits it to its column by display width (wide characters, emoji, RTL).
func (m *Model) renderRow(st *themes.Styles, c columns, i int, now time.Time) string {
	row := &m.rows[i]
	r := &row.m
	_, sel := m.selected[r.ID]
	isCur := i == m.cur
	ageText := age(now.Sub(r.CreatedAt))
	status := string(r.EffectiveStatus(now))
	clockText, clockStyle := m.clock(st, r, now)
	key := rowKey{st: st, w: m.w, c: c, cur: isCur, sel: sel, age: ageText, status: status, clock: clockText, n: len(row.members)}
	if row.line != "" && row.key == key {
		return row.line
	}
	if n := len(row.members); n > 1 { // a conversation row: how many it holds
		cp := *r
		cp.Text = fmt.Sprintf("⟨%d⟩ %s", n, r.Text)
		r = &cp
	}
	row.line, row.key = m.drawRow(st, c, r, isCur, sel, ageText, status, clockText, clockStyle), key
	return row.line
}

func (m *Model) drawRow(st *themes.Styles, c columns, r *domain.Mention, isCur, sel bool, ageText, status, clockText string, clockStyle lipgloss.Style) string {
	var b strings.Builder
	switch {
	case isCur && sel:
		b.WriteString("›●")
	case isCur:
		b.WriteString("› ")
	case sel:
		b.WriteString(" ●")
	default:
		b.WriteString("  ")
	}
	if c.age > 0 {
		b.WriteString(padLeft(ageText, c.age) + " ")
	}
	if c.platform > 0 {
		b.WriteString(safetext.Fit(platformShort[r.Platform], c.platform) + " ")
	}
	if c.author > 0 {
		b.WriteString(safetext.Fit(authorLabel(r.Author, c.author), c.author) + " ")
	}
	b.WriteString(safetext.Fit(r.Text, c.text) + " ")
	plain := isCur || sel
	mark := func(s string, style lipgloss.Style) string {
		if plain {
			return s
		}
		return style.Render(s)
	}
	switch {
	case c.sentiment == 0:
	case r.Band() == domain.BandNegative:
		b.WriteString(mark("− ", st.Mark.Negative) + " ")
	case r.Band() == domain.BandPositive:
		b.WriteString(mark("+ ", st.Mark.Positive) + " ")
	default:
		b.WriteString(mark("· ", st.Mark.Neutral) + " ")
	}
	if r.State.IncidentID != "" {
		status = "!" + status
	}
	if r.State.Drafts > 0 {
		status = "✎" + status // a reply is being written or on its way
	}
	if c.status > 0 {
		b.WriteString(safetext.Fit(status, c.status) + " ")
	}
	if c.clock > 0 {
		b.WriteString(mark(safetext.Fit(clockText, c.clock), clockStyle) + " ")
	}
	if c.assignee > 0 {
		a := r.State.Assignee
		if a == "" && r.State.Team != "" {
			a = "#" + r.State.Team
		}
		b.WriteString(safetext.Fit(a, c.assignee) + " ")
	}
	if c.tags > 0 {
		b.WriteString(mark(safetext.Fit(strings.Join(r.State.Tags, ","), c.tags), st.Mark.Tag) + " ")
	}
	line := b.String()
	switch {
	case isCur && sel:
		return st.Inbox.SelectedCursor.Render(line)
	case isCur:
		return st.Inbox.Cursor.Render(line)
	case sel:
		return st.Inbox.Selected.Render(line)
	}
	return line
}

// clock is the response clock of a mention: how long it has waited for a
// first response, marked due (◷) past three quarters of its priority's
// target and overdue (▲) past the target. Answered mentions show nothing.
func (m *Model) clock(st *themes.Styles, r *domain.Mention, now time.Time) (string, lipgloss.Style) {
	s := r.EffectiveStatus(now)
	if !r.State.RespondedAt.IsZero() || s == domain.StatusDone || s == domain.StatusSpam {
		return "", st.Inbox.Dim
	}
	if r.State.FYI {
		return " fyi", st.Inbox.Dim
	}
	c := m.opts.SLA.For(r.State.Team)
	waited, target := c.Waited(r, now), c.Target(r.State.Priority)
	switch {
	case waited >= target:
		return "▲" + age(waited), st.Mark.Overdue
	case waited*4 >= target*3:
		return "◷" + age(waited), st.Mark.Due
	}
	return " " + age(waited), st.Inbox.Dim
}

func authorLabel(a domain.Author, w int) string {
	var suffix string
	if a.Verified {
		suffix += " ✓"
	}
	if a.Followers >= 1000 {
		suffix += " " + compact(a.Followers)
	}
	h := safetext.Truncate(a.Handle, max(1, w-len([]rune(suffix))), "…")
	return h + suffix
}

func compact(n int64) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1000:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func age(d time.Duration) string {
	switch {
	case d < 0:
		return "now"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d < 365*24*time.Hour:
		return fmt.Sprintf("%dw", int(d.Hours()/24/7))
	}
	return fmt.Sprintf("%dy", int(d.Hours()/24/365))
}

func padLeft(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return ansi.Truncate(s, w, "")
}

func (m *Model) detailView(st *themes.Styles) string {
	d := m.detail
	w := m.w
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	field := func(label, value string) {
		add(st.Detail.Label.Render(fmt.Sprintf("%-10s", label)) + " " + st.Detail.Value.Render(safetext.Truncate(value, max(1, w-11), "…")))
	}
	if d.m == nil {
		if d.err != nil {
			add(st.Inbox.Error.Render("✗ " + safetext.Line(d.err.Error())))
		} else {
			add("loading…")
		}
	} else {
		r := d.m
		now := m.sess.Now()
		who := r.Author.Handle
		if r.Author.Name != "" {
			who = r.Author.Name + " (" + r.Author.Handle + ")"
		}
		if r.Author.Verified {
			who += " ✓ verified"
		}
		add(st.Detail.Title.Render(safetext.Truncate(who, w, "…")))
		if len(d.trust) > 0 {
			add(st.Warning.Render(safetext.Truncate("⚠ display name imitates trust: "+safetext.Line(strings.Join(d.trust, " ")), w, "…")))
		}
		if f := d.impostor; f != nil {
			why := "⛔ flagged as impersonating the brand"
			if f.Incident != "" {
				why += " (incident " + safetext.Line(f.Incident) + ")"
			}
			add(st.Inbox.Error.Render(safetext.Truncate(why+": no reply of any kind goes to this author", w, "…")))
		}
		field("platform", fmt.Sprintf("%s %s · %s · %s", r.Platform, r.Kind, plural(int(r.Author.Followers), "follower"), r.CreatedAt.Local().Format("Mon 2 Jan 2006 15:04")))
		if r.URL != "" {
			field("url", r.URL)
		}
		sent := fmt.Sprintf("%+.2f (%s)", r.Sentiment, r.Band())
		field("sentiment", sent)
		add("")
		for _, l := range strings.Split(safetext.Wrap(r.Text, max(10, w-2)), "\n") {
			add(" " + st.Detail.Body.Render(l))
		}
		add("")
		if t := d.thread; t != nil {
			t.top = len(lines)
		}
		add(m.threadSection(st, w)...) // the conversation (thread.go)
		if t := d.thread; t != nil {
			t.lines = len(lines) - t.top
		}
		add(st.Detail.Section.Render("State"))
		s := r.State
		field("status", string(r.EffectiveStatus(now))+untilText(s))
		if text, _ := m.clock(st, r, now); text != "" && !s.FYI {
			field("waiting", strings.TrimSpace(text)+" · "+m.dueText(r, now))
		} else if st := r.EffectiveStatus(now); s.FYI && st != domain.StatusDone && st != domain.StatusSpam {
			field("waiting", "FYI: no reply needed, no clock (s → needs a reply starts one)")
		}
		field("priority", string(orDefault(string(s.Priority), "normal")))
		field("team", orDefault(s.Team, "—"))
		field("assignee", orDefault(s.Assignee, "—"))
		field("tags", orDefault(strings.Join(s.Tags, ", "), "—"))
		if s.Drafts > 0 {
			field("drafts", fmt.Sprintf("%d open (r resumes yours; Outbox, 4, shows the queue)", s.Drafts))
		}
		if s.Conversation != "" {
			field("conversation", s.Conversation+" · / conversation:"+s.Conversation+" lists it")
		}
		if s.IncidentID != "" {
			field("incident", s.IncidentID)
		}
		if len(s.Notes) > 0 {
			add("", st.Detail.Section.Render("Notes"))
			for _, n := range s.Notes {
				add(st.Detail.Label.Render(safetext.Truncate(n.At.Local().Format("2 Jan 15:04")+" "+n.Author, w, "…")))
				for _, l := range strings.Split(safetext.Wrap(n.Text, max(10, w-4)), "\n") {
					add("   " + l)
				}
			}
		}
		add("", st.Detail.Section.Render("History"))
		if len(d.events) == 0 {
			add(st.Detail.Event.Render("  no operator actions yet"))
		}
		for _, ev := range d.events {
			add(st.Detail.Event.Render(safetext.Truncate("  "+eventLine(ev), w, "…")))
		}
		add(m.personLines(st, w)...) // the author as a contact, below the state and its history (person.go)
	}
	if d.scroll > max(0, len(lines)-m.h) {
		d.scroll = max(0, len(lines)-m.h)
	}
	lines = lines[d.scroll:]
	for len(lines) < m.h {
		lines = append(lines, "")
	}
	return strings.Join(lines[:m.h], "\n")
}

func untilText(s domain.OperatorState) string {
	if s.Status == domain.StatusSnoozed && !s.SnoozedUntil.IsZero() {
		return " until " + s.SnoozedUntil.Local().Format("Mon 2 Jan 15:04")
	}
	return ""
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func eventLine(ev domain.Event) string {
	at := ev.At.Local().Format("2 Jan 15:04")
	var what string
	switch {
	case ev.Kind == domain.EventNote:
		what = "added a note"
	case ev.Kind == domain.EventUndo:
		what = fmt.Sprintf("undid %s: %s → %s", ev.Field, orDefault(ev.Before, "∅"), orDefault(ev.After, "∅"))
	case ev.Kind == domain.EventTag:
		what = "tagged " + ev.After
	case ev.Kind == domain.EventUntag:
		what = "removed tag " + ev.Before
	default:
		what = fmt.Sprintf("%s: %s → %s", orDefault(ev.Field, string(ev.Kind)), orDefault(ev.Before, "∅"), orDefault(ev.After, "∅"))
	}
	return at + "  " + ev.Actor + "  " + what
}
