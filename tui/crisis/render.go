package crisis

import (
	"fmt"
	"strings"
	"switchboard/internal/words"
	"switchboard/tui/pane"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/crisis"
	"switchboard/detect"
	"switchboard/domain"
	"switchboard/safetext"
	"switchboard/themes"
)

// fit pads or cuts a rendered line to exactly w cells.
func fit(s string, w int) string {
	if lipgloss.Width(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	if d := w - lipgloss.Width(s); d > 0 {
		s += strings.Repeat(" ", d)
	}
	return s
}

// block makes lines exactly w×h.
func block(lines []string, w, h int) string {
	out := make([]string, h)
	for i := range out {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		out[i] = fit(l, w)
	}
	return strings.Join(out, "\n")
}

// View renders the board or the open incident, with any dialog over it.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var body string
	if m.view != nil {
		body = m.incidentView()
	} else {
		body = m.boardView()
	}
	if m.dlg != nil {
		box := m.dlg.view(m.sess.Styles, m.w)
		body = pane.Overlay(body, box, m.w, m.h, (m.h-lipgloss.Height(box))/2)
	}
	return body
}

func sevLabel(st *themes.Styles, sev domain.Severity) string {
	i := int(sev)
	if i < 1 || i > 4 {
		i = 0
	}
	return st.Crisis.Sev[i].Render(crisis.SeveritySymbol(sev) + " " + sev.String())
}

func (m *Model) boardView() string {
	st := m.sess.Styles
	now := m.sess.Now()
	open := 0
	for _, inc := range m.incidents {
		if crisis.Open(inc) {
			open++
		}
	}
	head := st.Detail.Title.Render("Crisis board") + st.Inbox.Dim.Render(" · "+words.Plural(open, "open incident")+" · "+words.Plural(len(m.groups), "alert"))
	if w := m.opts.Watcher; w != nil {
		ready, seen, err := w.Status()
		switch {
		case err != nil:
			head += " " + st.Inbox.Error.Render("✗ detection stopped: "+err.Error())
		case !ready:
			head += st.Inbox.Dim.Render(" · detection replaying the store…")
		default:
			head += st.Inbox.Dim.Render(" · watching " + words.Plural(seen, "mention"))
		}
	} else {
		head += st.Inbox.Dim.Render(" · detection off")
	}
	if m.loadErr != nil {
		head += " " + st.Inbox.Error.Render("✗ "+m.loadErr.Error())
	}
	bodyH := max(1, m.h-1)
	alertW := max(26, m.w/4)
	if m.w < 80 {
		alertW = max(20, m.w/3)
	}
	boardW := m.w - alertW - 1
	colW := max(8, boardW/len(columns))
	cols := make([]string, 0, len(columns)+1)
	for c := range columns {
		w := colW
		if c == len(columns)-1 {
			w = boardW - colW*(len(columns)-1)
		}
		cols = append(cols, m.column(st, c, w, bodyH, now))
	}
	cols = append(cols, strings.TrimSuffix(strings.Repeat("│\n", bodyH), "\n"))
	cols = append(cols, m.alertColumn(st, alertW, bodyH))
	return fit(head, m.w) + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}

func (m *Model) column(st *themes.Styles, c, w, h int, now time.Time) string {
	incs := m.byStatus(c)
	title := fmt.Sprintf("%s (%d)", strings.ToUpper(string(columns[c])), len(incs))
	hs := st.Crisis.Column
	if c == m.col {
		hs = st.Crisis.ColumnActive
		title = "▸" + title
	}
	lines := []string{hs.Render(safetext.Truncate(title, w-1, "…"))}
	const cardH = 5
	first := 0
	if c == m.col && m.row >= 0 {
		if visible := max(1, (h-1)/cardH); m.row >= visible {
			first = m.row - visible + 1
		}
	}
	if first > 0 {
		lines = append(lines, st.Inbox.Dim.Render(fmt.Sprintf("↑ %d more", first)))
	}
	for i := first; i < len(incs); i++ {
		if len(lines)+cardH-1 > h {
			lines = append(lines, st.Inbox.Dim.Render(fmt.Sprintf("↓ %d more", len(incs)-i)))
			break
		}
		lines = append(lines, m.card(st, incs[i], w-1, c == m.col && i == m.row, now)...)
	}
	return block(lines, w, h)
}

// card is one incident on the board: severity (symbol, name and colour)
// and id; title; age, lead, mentions and a sparkline of linked volume.
func (m *Model) card(st *themes.Styles, inc domain.Incident, w int, active bool, now time.Time) []string {
	base := st.Crisis.Card
	mark := "  "
	if active {
		base = st.Crisis.CardActive
		mark = "▸ "
	}
	l1 := base.Render(mark) + sevLabel(st, inc.Severity) + base.Render(" "+inc.ID)
	l2 := base.Render(safetext.Fit("  "+inc.Title, w))
	age := crisis.Age(now.Sub(inc.CreatedAt))
	lead := inc.Lead
	if lead == "" {
		lead = "no lead"
	}
	l3 := base.Render(safetext.Fit("  "+age+" · "+lead, w))
	count := fmt.Sprintf("  %d✉ ", len(inc.Mentions))
	spark := ""
	if sp := m.sparks[inc.ID]; sp != nil {
		if room := w - lipgloss.Width(count); room < len(sp) {
			sp = sp[max(0, len(sp)-room):] // the most recent hours
		}
		spark = st.Crisis.Spark.Render(crisis.Sparkline(sp))
	}
	l4 := base.Render(count) + spark
	return []string{fit(l1, w), l2, l3, fit(l4, w), ""}
}

func (m *Model) alertColumn(st *themes.Styles, w, h int) string {
	title := fmt.Sprintf("ALERTS (%d)", len(m.groups))
	hs := st.Crisis.Column
	if m.col == len(columns) {
		hs = st.Crisis.ColumnActive
		title = "▸" + title
	}
	lines := []string{" " + hs.Render(title)}
	if len(m.groups) == 0 {
		lines = append(lines, st.Inbox.Dim.Render(" no open alerts"))
	}
	for i, g := range m.groups {
		rows := 3
		if len(g.Alerts) > 1 {
			rows = 4
		}
		if len(lines)+rows > h {
			lines = append(lines, st.Inbox.Dim.Render(fmt.Sprintf(" ↓ %d more", len(m.groups)-i)))
			break
		}
		active := m.col == len(columns) && i == m.row
		if len(g.Alerts) > 1 {
			base := st.Crisis.Card
			if active {
				base = st.Crisis.CardActive
			}
			lines = append(lines, base.Render(safetext.Fit(fmt.Sprintf("   %s: %s", words.Plural(len(g.Alerts), "signal"), g.Kinds()), w)))
		}
		lines = append(lines, alertLines(st, g.Lead, w-1, active)...)
	}
	return block(lines, w, h)
}

func alertLines(st *themes.Styles, a detect.Alert, w int, active bool) []string {
	base := st.Crisis.Card
	mark := "  "
	if active {
		base, mark = st.Crisis.CardActive, "▸ "
	}
	head := base.Render(" "+mark) + st.Crisis.Alert.Render("▲ "+string(a.Kind))
	if a.Kind != detect.KindImpersonation {
		head += base.Render(" " + safetext.Line(a.Stream))
	}
	var detail string
	switch a.Kind {
	case detect.KindImpersonation:
		who := ""
		if a.Suspect != nil {
			who = a.Suspect.Handle
		}
		detail = fmt.Sprintf("   %s · %s", who, words.Plural(a.Mentions, "mention"))
	default:
		detail = fmt.Sprintf("   %d vs %.1f expected · %.0f%% neg", a.Observed, a.Expected, 100*a.NegativeShare)
	}
	var terms []string
	for _, c := range a.TopTerms {
		terms = append(terms, c.Key)
	}
	third := "   " + a.RaisedAt.UTC().Format("01-02 15:04")
	if len(terms) > 0 {
		third += " · " + strings.Join(terms, " ")
	}
	return []string{
		fit(head, w+1),
		base.Render(safetext.Fit(detail, w+1)),
		st.Inbox.Dim.Render(safetext.Truncate(third, w+1, "…")),
	}
}

func (m *Model) incidentView() string {
	st := m.sess.Styles
	v := m.view
	if !v.loaded {
		return block([]string{st.Inbox.Dim.Render("loading " + v.id + "…")}, m.w, m.h)
	}
	if v.err != nil {
		return block([]string{st.Inbox.Error.Render("✗ " + v.err.Error()), st.Inbox.Dim.Render("esc goes back to the board")}, m.w, m.h)
	}
	inc := v.inc
	now := m.sess.Now()
	head := st.Detail.Title.Render("‹ "+inc.ID+" ") + sevLabel(st, inc.Severity) + st.Detail.Title.Render(" "+string(inc.Status)+" · ") +
		st.Detail.Title.Render(safetext.Line(inc.Title))
	sub := fmt.Sprintf("%s · lead %s · declared %s ago · %s", inc.Scenario, orNone(inc.Lead), crisis.Age(now.Sub(inc.CreatedAt)), words.Plural(len(inc.Mentions), "linked mention"))
	rem := crisis.Reminder(inc, v.tl, now)
	remS := st.Inbox.Dim.Render(rem)
	if strings.Contains(rem, "overdue") {
		remS = st.Crisis.Overdue.Render("⏰ " + rem)
	}
	lines := []string{fit(head, m.w), fit(st.Inbox.Dim.Render(safetext.Line(sub))+"  "+remS, m.w)}
	bodyH := max(1, m.h-len(lines))
	leftW := max(30, m.w*2/5)
	rightW := m.w - leftW - 1

	var left []string
	left = append(left, st.Detail.Section.Render("Checklist"))
	if len(inc.Checklist) == 0 {
		left = append(left, st.Inbox.Dim.Render(" no checklist"))
	}
	for i, it := range inc.Checklist {
		box := "[ ]"
		if it.Done {
			box = "[x]"
		}
		line := safetext.Truncate(" "+box+" "+it.Text, leftW-1, "…")
		switch {
		case i == v.sel:
			line = st.Crisis.CardActive.Render(fit(line, leftW-1))
		case it.Done:
			line = st.Mark.Done.Render(line)
		}
		left = append(left, line)
	}
	left = append(left, "", st.Detail.Section.Render("Roles"))
	left = append(left, fmt.Sprintf(" lead: %s", safetext.Line(orNone(inc.Lead))))
	for _, r := range domain.IncidentRoles {
		left = append(left, fmt.Sprintf(" %s: %s", r, safetext.Line(orNone(inc.Roles[r]))))
	}
	left = append(left, "")
	left = append(left, m.warRoomLines(st, inc, leftW-1)...)
	left = append(left, "", st.Detail.Section.Render(fmt.Sprintf("Linked mentions (%d) · m shows them in the inbox", len(inc.Mentions))))
	for i, mm := range v.mentions {
		if i == 5 {
			left = append(left, st.Inbox.Dim.Render(fmt.Sprintf(" … %d more", len(inc.Mentions)-5)))
			break
		}
		left = append(left, " "+safetext.Truncate(mm.Author.Handle+": "+mm.Text, leftW-2, "…"))
	}

	var right []string
	right = append(right, st.Detail.Section.Render("Timeline"))
	chartRows := len(v.vol.All)
	tlH := max(3, bodyH-chartRows-3)
	end := len(v.tl) - v.scroll
	start := max(0, end-(tlH-1))
	if start > 0 {
		right = append(right, st.Inbox.Dim.Render(fmt.Sprintf(" ↑ %d earlier (pgup)", start)))
		start++
	}
	for _, e := range v.tl[start:max(start, end)] {
		right = append(right, " "+st.Detail.Event.Render(safetext.Truncate(e.Line(m.opts.Location), rightW-2, "…")))
	}
	for len(right) < tlH {
		right = append(right, "")
	}
	right = append(right, "", st.Detail.Section.Render("Volume · linked █ / all ░"))
	for _, l := range strings.Split(strings.TrimRight(v.vol.Chart(rightW-2, m.opts.Location), "\n"), "\n") {
		right = append(right, " "+st.Crisis.Spark.Render(l))
	}
	cols := lipgloss.JoinHorizontal(lipgloss.Top, block(left, leftW, bodyH), block(nil, 1, bodyH), block(right, rightW, bodyH))
	return strings.Join(lines, "\n") + "\n" + cols
}

// warRoomLines is the "War room" block of the incident view: each
// operator online, their role, the panes they show and the incident roles
// they hold here. Without a shared server it names the local operator.
func (m *Model) warRoomLines(st *themes.Styles, inc domain.Incident, w int) []string {
	if m.opts.WarRoom == nil {
		return []string{st.Detail.Section.Render("War room"),
			safetext.Truncate(" "+m.sess.Actor+" · this terminal only (switchboard serve shares the war room)", w, "…")}
	}
	out := []string{st.Detail.Section.Render(fmt.Sprintf("War room (%d online)", len(m.room)))}
	if len(m.room) == 0 {
		return append(out, st.Inbox.Dim.Render(" nobody online"))
	}
	held := map[string][]string{}
	if inc.Lead != "" {
		held[inc.Lead] = append(held[inc.Lead], "lead")
	}
	for _, r := range domain.IncidentRoles {
		if op := inc.Roles[r]; op != "" {
			held[op] = append(held[op], r)
		}
	}
	const maxRows = 8
	for i, mb := range m.room {
		if i == maxRows {
			out = append(out, st.Inbox.Dim.Render(fmt.Sprintf(" … %d more", len(m.room)-maxRows)))
			break
		}
		line := " ● " + mb.Operator + " · " + string(mb.Role)
		if len(mb.Panes) > 0 {
			line += " · " + strings.Join(mb.Panes, ", ")
		}
		if mb.Sessions > 1 {
			line += " (" + words.Plural(mb.Sessions, "session") + ")"
		}
		if h := held[mb.Operator]; len(h) > 0 {
			line += " · " + strings.Join(h, ", ") + " here"
		}
		out = append(out, safetext.Truncate(line, w, "…"))
	}
	return out
}
