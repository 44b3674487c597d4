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
	detail := m.boardDetail(st, now)
	bodyH := max(1, m.h-1-len(detail))
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
	out := fit(head, m.w) + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, cols...)
	for _, l := range detail {
		out += "\n" + fit(l, m.w)
	}
	return out
}

// boardDetailLines is the height of the line under the board that shows
// the card or alert under the cursor in full (cards are cut to their
// column; a title longer than this shows whole in the incident view).
const boardDetailLines = 2

// boardDetail is the card or alert under the cursor, wrapped to the
// width: what its card or row had to cut.
func (m *Model) boardDetail(st *themes.Styles, now time.Time) []string {
	var lines []string
	if inc, ok := m.current(); ok {
		lead := "lead " + inc.Lead
		if inc.Lead == "" {
			lead = "no lead"
		}
		text := fmt.Sprintf("%s · %s · %s · declared %s ago · %s · %s · enter opens it", inc.Title, inc.Status, inc.Scenario,
			crisis.Age(now.Sub(inc.CreatedAt)), lead, words.Plural(len(inc.Mentions), "linked mention"))
		lines = pane.WrapIndent("▸ "+sevLabel(st, inc.Severity)+" "+st.Detail.Title.Render(inc.ID)+" ", text, m.w, st.Inbox.Dim)
	} else if g, ok := m.currentAlert(); ok {
		a := g.Lead
		text := string(a.Kind)
		if a.Account != nil {
			// the reason holds the text, app and URL, made safe
			text = "‼ CRITICAL · " + a.Reason + " · raised " + a.RaisedAt.In(m.opts.Location).Format("01-02 15:04") +
				" · " + m.keys.Hijack.Help().Key + " pauses sending and declares a SEV1 security incident"
			lines = pane.WrapIndent("▸ "+st.Crisis.Alert.Render("▲")+" ", text, m.w, st.Inbox.Dim)
		} else if a.Kind == detect.KindImpersonation {
			if a.Suspect != nil {
				text += " · " + a.Suspect.Handle
			}
			text += " · " + words.Plural(a.Mentions, "mention")
		} else {
			text += fmt.Sprintf(" · %s · %d vs %.1f expected · %.0f%% negative", a.Stream, a.Observed, a.Expected, 100*a.NegativeShare)
		}
		var terms []string
		for _, c := range a.TopTerms {
			terms = append(terms, c.Key)
		}
		if len(terms) > 0 {
			text += " · " + strings.Join(terms, " ")
		}
		if len(g.Alerts) > 1 {
			text += " · " + words.Plural(len(g.Alerts), "signal") + ": " + g.Kinds()
		}
		if a.Account == nil {
			text += " · raised " + a.RaisedAt.In(m.opts.Location).Format("01-02 15:04") + " · enter declares"
			lines = pane.WrapIndent("▸ "+st.Crisis.Alert.Render("▲")+" ", text, m.w, st.Inbox.Dim)
		}
	}
	if len(lines) > boardDetailLines {
		lines = lines[:boardDetailLines]
		lines[boardDetailLines-1] = ansi.Truncate(lines[boardDetailLines-1], m.w-1, "") + st.Inbox.Dim.Render("…")
	}
	for len(lines) < boardDetailLines {
		lines = append(lines, "")
	}
	return lines
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
	case detect.KindAccountPost, detect.KindAccountProfile:
		if acc := a.Account; acc != nil && acc.Kind == domain.AlertAccountPost {
			app := acc.App
			if app == "" {
				app = "app unknown"
			}
			detail = "   ‼ " + safetext.Line(app) + ": " + safetext.Line(acc.Text)
		} else if acc != nil {
			var fields []string
			for _, c := range acc.Changes {
				fields = append(fields, c.Field)
			}
			detail = "   ‼ changed: " + strings.Join(fields, ", ")
		}
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

// maxTitleLines bounds the incident title at the top of its view (t
// shows all of it).
const maxTitleLines = 3

// incLayout is the incident view laid out for the pane's size: the keys
// scroll it with the same numbers View draws.
type incLayout struct {
	head          []string
	bodyH         int
	leftW, rightW int
	// left is the checklist, roles, war room and linked mentions, with
	// the line range [from, to) of each checklist item.
	left  []string
	items [][2]int
	// tl is the timeline wrapped to the right column, tlEntry the
	// entry of each line; tlH the lines it has, its title included.
	tl      []string
	tlEntry []int
	tlH     int
}

func (m *Model) layoutIncident() *incLayout {
	st := m.sess.Styles
	v := m.view
	inc := v.inc
	now := m.sess.Now()
	lay := &incLayout{}
	prefix := st.Detail.Title.Render("‹ "+inc.ID+" ") + sevLabel(st, inc.Severity) + st.Detail.Title.Render(" "+string(inc.Status)+" · ")
	head := pane.WrapIndent(prefix, inc.Title, m.w, st.Detail.Title)
	if len(head) > maxTitleLines {
		head = head[:maxTitleLines]
		head[maxTitleLines-1] = ansi.Truncate(head[maxTitleLines-1], m.w-1, "") + st.Detail.Title.Render("…")
	}
	sub := fmt.Sprintf("%s · lead %s · declared %s ago · %s", inc.Scenario, orNone(inc.Lead), crisis.Age(now.Sub(inc.CreatedAt)), words.Plural(len(inc.Mentions), "linked mention"))
	rem := crisis.Reminder(inc, v.tl, now)
	remS := st.Inbox.Dim.Render(rem)
	if strings.Contains(rem, "overdue") {
		remS = st.Crisis.Overdue.Render("⏰ " + rem)
	}
	subs := pane.WrapIndent("", sub, m.w, st.Inbox.Dim)
	if rem != "" {
		if last := len(subs) - 1; lipgloss.Width(subs[last])+2+lipgloss.Width(remS) <= m.w {
			subs[last] += "  " + remS
		} else {
			subs = append(subs, remS)
		}
	}
	for _, l := range append(head, subs...) {
		lay.head = append(lay.head, fit(l, m.w))
	}
	lay.bodyH = max(1, m.h-len(lay.head))
	lay.leftW = max(30, m.w*2/5)
	lay.rightW = m.w - lay.leftW - 1
	lay.left, lay.items = m.leftLines(st, inc, lay.leftW-1)
	lay.tlH = max(3, lay.bodyH-len(v.vol.All)-3)
	for i, e := range v.tl {
		at := e.At.In(m.opts.Location).Format("15:04")
		for _, l := range pane.WrapIndent(" "+st.Detail.Event.Render(at+" "), safetext.Line(e.Actor)+" "+safetext.Line(e.Text), lay.rightW-1, st.Detail.Event) {
			lay.tl = append(lay.tl, l)
			lay.tlEntry = append(lay.tlEntry, i)
		}
	}
	return lay
}

// leftLines is the incident view's left column at width w: the checklist
// (each item wrapped), roles, war room and linked mentions.
func (m *Model) leftLines(st *themes.Styles, inc domain.Incident, w int) ([]string, [][2]int) {
	v := m.view
	var left []string
	var items [][2]int
	left = append(left, st.Detail.Section.Render("Checklist"))
	if len(inc.Checklist) == 0 {
		left = append(left, st.Inbox.Dim.Render(" no checklist"))
	}
	for i, it := range inc.Checklist {
		box := "[ ]"
		if it.Done {
			box = "[x]"
		}
		style := lipgloss.NewStyle()
		switch {
		case i == v.sel:
			style = st.Crisis.CardActive
		case it.Done:
			style = st.Mark.Done
		}
		from := len(left)
		for _, l := range pane.WrapIndent(" "+box+" ", it.Text, w, lipgloss.NewStyle()) {
			left = append(left, style.Render(fit(l, w)))
		}
		items = append(items, [2]int{from, len(left)})
	}
	left = append(left, "", st.Detail.Section.Render("Roles"))
	left = append(left, pane.WrapIndent(" lead: ", orNone(inc.Lead), w, lipgloss.NewStyle())...)
	for _, r := range domain.IncidentRoles {
		left = append(left, pane.WrapIndent(" "+r+": ", orNone(inc.Roles[r]), w, lipgloss.NewStyle())...)
	}
	left = append(left, "")
	left = append(left, m.warRoomLines(st, inc, w)...)
	left = append(left, "")
	left = append(left, pane.WrapIndent("", fmt.Sprintf("Linked mentions (%d) · m shows them in the inbox", len(inc.Mentions)), w, st.Detail.Section)...)
	for i, mm := range v.mentions {
		if i == 5 {
			left = append(left, st.Inbox.Dim.Render(fmt.Sprintf(" … %d more (m)", len(inc.Mentions)-5)))
			break
		}
		left = append(left, " "+safetext.Truncate(mm.Author.Handle+": "+mm.Text, w-1, "…"))
	}
	return left, items
}

// leftTop is where the left column starts: v.lscroll, moved as little
// as it takes to show the selected checklist item whole.
func (m *Model) leftTop(lay *incLayout) int {
	v := m.view
	n, h := len(lay.left), lay.bodyH
	if v.sel < len(lay.items) {
		it := lay.items[v.sel]
		return pane.Reveal(n, h, v.lscroll, it[0], it[1])
	}
	return max(0, min(v.lscroll, pane.MaxTop(n, h)))
}

// leftMoreBelow reports lines of the left column below what it shows.
func (m *Model) leftMoreBelow(lay *incLayout) bool {
	_, to := pane.Window(len(lay.left), lay.bodyH, m.leftTop(lay))
	return to < len(lay.left)
}

// tlWindow is the timeline lines shown, [from, to), scrolled v.scroll
// lines up from the newest, and whether hints go above and below.
func (m *Model) tlWindow(lay *incLayout) (from, to int, above, below bool) {
	n, h := len(lay.tl), lay.tlH-1 // under the section title
	top := max(0, m.tlMaxScroll(lay)-m.view.scroll)
	from, to = pane.Window(n, h, top)
	return from, to, from > 0, to < n
}

// tlMaxScroll is how far the timeline scrolls up: to its first line.
func (m *Model) tlMaxScroll(lay *incLayout) int { return pane.MaxTop(len(lay.tl), lay.tlH-1) }

func (m *Model) incidentView() string {
	st := m.sess.Styles
	v := m.view
	if !v.loaded {
		return block([]string{st.Inbox.Dim.Render("loading " + v.id + "…")}, m.w, m.h)
	}
	if v.err != nil {
		return block([]string{st.Inbox.Error.Render("✗ " + v.err.Error()), st.Inbox.Dim.Render("esc goes back to the board")}, m.w, m.h)
	}
	lay := m.layoutIncident()
	bodyH, leftW, rightW := lay.bodyH, lay.leftW, lay.rightW

	top := m.leftTop(lay)
	from, to := pane.Window(len(lay.left), bodyH, top)
	var left []string
	if from > 0 {
		left = append(left, st.Inbox.Dim.Render(fmt.Sprintf(" ↑ %s above (%s)", words.Plural(from, "more line"), m.keys.Up.Help().Key)))
	}
	left = append(left, lay.left[from:to]...)
	if to < len(lay.left) {
		left = append(left, st.Inbox.Dim.Render(fmt.Sprintf(" ↓ %s below (%s)", words.Plural(len(lay.left)-to, "more line"), m.keys.Down.Help().Key)))
	}

	var right []string
	right = append(right, st.Detail.Section.Render("Timeline"))
	tf, tt, above, below := m.tlWindow(lay)
	if above {
		right = append(right, st.Inbox.Dim.Render(fmt.Sprintf(" ↑ %d earlier (%s)", lay.tlEntry[tf]+boolInt(tf > 0 && lay.tlEntry[tf-1] == lay.tlEntry[tf]), m.keys.ScrollUp.Help().Key)))
	}
	right = append(right, lay.tl[tf:tt]...)
	if below {
		right = append(right, st.Inbox.Dim.Render(fmt.Sprintf(" ↓ %d newer (%s)", len(v.tl)-1-lay.tlEntry[tt-1]+boolInt(lay.tlEntry[tt] == lay.tlEntry[tt-1]), m.keys.ScrollDown.Help().Key)))
	}
	for len(right) < lay.tlH {
		right = append(right, "")
	}
	right = append(right, "", st.Detail.Section.Render("Volume · linked █ / all ░"))
	for _, l := range strings.Split(strings.TrimRight(v.vol.Chart(rightW-2, m.opts.Location), "\n"), "\n") {
		right = append(right, " "+st.Crisis.Spark.Render(l))
	}
	cols := lipgloss.JoinHorizontal(lipgloss.Top, block(left, leftW, bodyH), block(nil, 1, bodyH), block(right, rightW, bodyH))
	return strings.Join(lay.head, "\n") + "\n" + cols
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// warRoomLines is the "War room" block of the incident view: each
// operator online, their role, the panes they show and the incident roles
// they hold here. Without a shared server it names the local operator.
func (m *Model) warRoomLines(st *themes.Styles, inc domain.Incident, w int) []string {
	if m.opts.WarRoom == nil {
		return append([]string{st.Detail.Section.Render("War room")},
			pane.WrapIndent(" ", m.sess.Actor+" · this terminal only (switchboard serve shares the war room)", w, lipgloss.NewStyle())...)
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
		line := mb.Operator + " · " + string(mb.Role)
		if len(mb.Panes) > 0 {
			line += " · " + strings.Join(mb.Panes, ", ")
		}
		if mb.Sessions > 1 {
			line += " (" + words.Plural(mb.Sessions, "session") + ")"
		}
		if h := held[mb.Operator]; len(h) > 0 {
			line += " · " + strings.Join(h, ", ") + " here"
		}
		out = append(out, pane.WrapIndent(" ● ", line, w, lipgloss.NewStyle())...)
	}
	return out
}
