package policypane

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/internal/words"
	"switchboard/policy"
	"switchboard/policy/textlen"
	"switchboard/safetext"
	"switchboard/themes"
	"switchboard/tui/pane"
)

const sep = " │ "

// leftWidth is the width of the draft column (all of it on a narrow
// terminal, where the rules column is left out).
func (m *Model) leftWidth() int {
	if m.w < 80 {
		return m.w
	}
	return m.w * 11 / 20
}

func (m *Model) rightWidth() int {
	if m.w < 80 {
		return 0
	}
	return m.w - m.leftWidth() - ansi.StringWidth(sep)
}

func (m *Model) headerHeight() int {
	if m.pack == nil {
		return 1
	}
	n := len(m.header())
	if m.reviewOverdue() {
		n++
	}
	return n
}

func (m *Model) reviewOverdue() bool { return m.pack != nil && m.pack.ReviewOverdue(m.sess.Now()) }

func (m *Model) bodyHeight() int { return max(1, m.h-m.headerHeight()) }

func (m *Model) draftHeight() int { return max(3, min(10, (m.bodyHeight()-2)/3)) }

// fit truncates or pads s to exactly w columns.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// sevLabel is a severity's symbol and word, so meaning never rests on
// colour alone.
func sevLabel(st *themes.Styles, s policy.Severity) string {
	switch s {
	case policy.Block:
		return st.Finding.Block.Render("✖ block")
	case policy.Approval:
		return st.Finding.Approval.Render("◆ approval")
	case policy.Warn:
		return st.Finding.Warn.Render("▲ warn")
	}
	return st.Finding.Info.Render("• info")
}

func spanStyle(st *themes.Styles, s policy.Severity) lipgloss.Style {
	switch s {
	case policy.Block:
		return st.Finding.SpanBlock
	case policy.Approval:
		return st.Finding.SpanApproval
	case policy.Warn:
		return st.Finding.SpanWarn
	}
	return st.Finding.SpanInfo
}

func sevRank(s policy.Severity) int8 {
	switch s {
	case policy.Block:
		return 4
	case policy.Approval:
		return 3
	case policy.Warn:
		return 2
	}
	return 1
}

var rankSev = [...]policy.Severity{1: policy.Info, 2: policy.Warn, 3: policy.Approval, 4: policy.Block}

func platformName(p domain.Platform) string {
	switch p {
	case domain.PlatformX:
		return "X"
	case domain.PlatformMastodon:
		return "Mastodon"
	case domain.PlatformBluesky:
		return "Bluesky"
	case domain.PlatformReddit:
		return "Reddit"
	}
	return "generic"
}

// View renders the pane at the size given by SetSize.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	st := m.st
	if m.pack == nil {
		lines := []string{st.Warning.Render("▲ The policy pack could not be loaded; drafts are not being checked.")}
		if m.opts.Err != nil {
			for _, l := range strings.Split(m.opts.Err.Error(), "\n") {
				lines = append(lines, st.Inbox.Error.Render(safetext.Line(l)))
			}
		}
		return m.frame(lines)
	}
	lines := m.header()
	if m.reviewOverdue() {
		lines = append(lines, fit(st.Warning.Render(fmt.Sprintf("▲ REVIEW OVERDUE: this pack was due for review on %s — ask %s to review it",
			m.pack.ReviewBy.Format("2006-01-02"), safetext.Line(orDash(m.pack.Owner)))), m.w))
	}
	left := m.leftColumn(m.leftWidth(), m.bodyHeight())
	if rw := m.rightWidth(); rw > 0 {
		right := m.rightColumn(rw, m.bodyHeight())
		s := st.Help.Sep.Render(sep)
		for i := range left {
			left[i] += s + right[i]
		}
	}
	return m.frame(append(lines, left...))
}

// frame pads or cuts lines to exactly w×h.
func (m *Model) frame(lines []string) string {
	out := make([]string, m.h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], m.w)
		} else {
			out[i] = strings.Repeat(" ", m.w)
		}
	}
	return strings.Join(out, "\n")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// header is the pack (id, version, owner, review date, source) and the
// check context with the length counter, on one line or, when the pack's
// part does not fit beside the counter, two.
func (m *Model) header() []string {
	st, p := m.st, m.pack
	id := st.Detail.Title.Render(safetext.Line(orDash(p.ID)))
	meta := fmt.Sprintf(" v%s · owner %s", safetext.Line(orDash(p.Version)), safetext.Line(orDash(p.Owner)))
	if !p.ReviewBy.IsZero() {
		meta += " · review by " + p.ReviewBy.Format("2006-01-02")
	}
	if m.opts.Source != "" {
		meta += " · " + safetext.Line(m.opts.Source)
	}
	left := st.Detail.Label.Render("Pack ") + id + st.Detail.Label.Render(meta)

	c := m.Context()
	kind := "post"
	if c.Reply {
		kind = "reply"
	}
	ctx := st.Detail.Value.Render(fmt.Sprintf("%s · %s · %s", platformName(c.Platform), c.Visibility, kind))
	right := ctx + "  " + m.counter()
	room := max(10, m.w-ansi.StringWidth(right)-1)
	lines := []string{left}
	if ansi.StringWidth(left) > room {
		// the pack's id, owner, review date and source wrap onto a
		// second line beside the context and counter
		lines = strings.Split(ansi.Wrap(left, room, " "), "\n")
		if len(lines) > maxHeaderLines {
			lines = lines[:maxHeaderLines]
			lines[maxHeaderLines-1] = ansi.Truncate(lines[maxHeaderLines-1], room-1, "") + st.Detail.Label.Render("…")
		}
	}
	gap := m.w - ansi.StringWidth(lines[0]) - ansi.StringWidth(right)
	lines[0] += strings.Repeat(" ", max(1, gap)) + right
	return lines
}

// maxHeaderLines bounds the pack's line at the top (switchboard policy
// show has all of it).
const maxHeaderLines = 2

// counter is the platform's live length count, e.g. "241/280".
func (m *Model) counter() string {
	st, c := m.st, m.count
	if !m.haveResult {
		return st.Detail.Label.Render("…")
	}
	var s string
	if c.Limit > 0 {
		s = fmt.Sprintf("%d/%d", c.Length, c.Limit)
	} else {
		s = words.Plural(c.Length, "char")
	}
	if c.ByteLimit > 0 {
		s += fmt.Sprintf(" (%d/%d bytes)", c.Bytes, c.ByteLimit)
	}
	if c.Exceeded() {
		return st.Finding.Block.Render(s + " ✖ over")
	}
	return st.Detail.Value.Render(s)
}

// leftColumn is the draft and its findings, exactly h lines of width w.
func (m *Model) leftColumn(w, h int) []string {
	st := m.st
	lines := make([]string, 0, h)
	title := st.Detail.Section.Render("Draft")
	if m.editing {
		title += st.Detail.Label.Render(" · editing — esc when done, ctrl+x fix, ctrl+o next")
	} else {
		title += st.Detail.Label.Render(" · enter to edit")
	}
	lines = append(lines, fit(title, w))
	dh := m.draftHeight()
	var draft []string
	if m.editing {
		draft = strings.Split(m.ta.View(), "\n")
	} else {
		draft = m.highlighted(w-2, dh)
		for i := range draft {
			draft[i] = st.Help.Sep.Render("│ ") + draft[i]
		}
	}
	for i := 0; i < dh; i++ {
		l := ""
		if i < len(draft) {
			l = draft[i]
		}
		lines = append(lines, fit(l, w))
	}
	lines = append(lines, fit(m.summary(), w))
	rest := h - len(lines)
	lines = append(lines, m.findingLines(w, rest)...)
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return lines[:h]
}

// summary counts the findings by severity, or says the draft is clean.
func (m *Model) summary() string {
	st := m.st
	t := st.Detail.Section.Render("Findings")
	switch {
	case !m.haveResult:
		return t + st.Detail.Label.Render(" · checking…")
	case !m.current():
		t += st.Detail.Label.Render(" · checking…")
	}
	if len(m.findings) == 0 {
		if m.checked == "" {
			return t + st.Detail.Label.Render(" · none (the draft is empty)")
		}
		return t + st.Mark.Positive.Render(" ✓ none: the draft passes the pack")
	}
	n := map[policy.Severity]int{}
	blocking := false
	for _, f := range m.findings {
		n[f.Severity]++
		blocking = blocking || f.Blocking()
	}
	var parts []string
	for _, s := range []policy.Severity{policy.Block, policy.Approval, policy.Warn, policy.Info} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	t += st.Detail.Label.Render(" · " + strings.Join(parts, ", "))
	if blocking {
		t += st.Finding.Block.Render(" · cannot be sent as it is")
	}
	return t
}

// findingLines lists the findings, one line each, the selected one
// opened up in full: its message wrapped, the offending text marked by
// carets, its fix and its cite; at most h lines, scrolled so the selected
// finding shows, with a line saying how many findings are above or below.
func (m *Model) findingLines(w, h int) []string {
	if h <= 0 || len(m.findings) == 0 {
		return nil
	}
	st := m.st
	const indent = "      "
	var lines []string
	var owner []int // the finding of each line
	add := func(i int, ls ...string) {
		for _, l := range ls {
			lines = append(lines, fit(l, w))
			owner = append(owner, i)
		}
	}
	selStart, selEnd := 0, 0
	for i, f := range m.findings {
		mark := "  "
		if i == m.sel {
			mark = st.Dialog.Title.Render("▸ ")
			selStart = len(lines)
		}
		head := mark + fit(sevLabel(st, f.Severity), 10) + " " +
			st.Detail.Label.Render(fmt.Sprintf("%d:%d", f.Line, f.Col)) + " " +
			st.Detail.Title.Render(safetext.Line(f.RuleID))
		msg := safetext.Line(f.Message)
		note := ""
		if f.Overridden {
			note = " (overridden: " + safetext.Line(f.Reason) + ")"
		} else if f.Severity == policy.Approval && f.Approved {
			note = " (approved)"
		}
		row := head + " " + st.Detail.Value.Render(msg) + st.Detail.Label.Render(note)
		if i != m.sel || ansi.StringWidth(row) <= w {
			add(i, row)
		} else {
			// too long for its line: the message under it, wrapped
			add(i, head)
			add(i, pane.WrapIndent(indent, msg+note, w, st.Detail.Value)...)
		}
		if i != m.sel {
			continue
		}
		if ex, caret, ok := m.excerpt(f, w-6); ok {
			add(i, indent+ex, indent+st.Finding.Block.Render(caret))
		}
		if f.HasFix {
			fix := safetext.Line(f.Fix)
			if fix == "" {
				fix = "(delete it)"
			} else {
				fix = "“" + fix + "”"
			}
			add(i, pane.WrapIndent(indent+st.Detail.Label.Render("fix → "), fix+"  press f (ctrl+x while editing)", w, st.Mark.Positive)...)
		}
		if f.Cite != "" {
			add(i, pane.WrapIndent(indent+st.Detail.Label.Render("cite: "), f.Cite, w, st.Detail.Label)...)
		}
		selEnd = len(lines)
	}
	n := len(lines)
	top := pane.Reveal(n, h, 0, selStart, selEnd)
	from, to := pane.Window(n, h, top)
	var out []string
	if from > 0 {
		above := owner[from]
		if owner[from-1] == owner[from] {
			above++
		}
		out = append(out, fit(st.Detail.Label.Render(fmt.Sprintf("  ↑ %s above (%s)", words.Plural(above, "more finding"), m.keys.PrevFinding.Help().Key)), w))
	}
	out = append(out, lines[from:to]...)
	if to < n {
		below := len(m.findings) - 1 - owner[to-1]
		if owner[to] == owner[to-1] {
			below++
		}
		out = append(out, fit(st.Detail.Label.Render(fmt.Sprintf("  ↓ %s below (%s)", words.Plural(below, "more finding"), m.keys.NextFinding.Help().Key)), w))
	}
	return out
}

// excerpt is the line of the draft around f's span, with the span styled,
// and a caret line under it (so the span shows without colour too).
func (m *Model) excerpt(f policy.Finding, w int) (ex, caret string, ok bool) {
	text := m.checked
	if w < 10 || f.Start < 0 || f.End > len(text) || f.Start > f.End {
		return "", "", false
	}
	ls := strings.LastIndexByte(text[:f.Start], '\n') + 1
	le := strings.IndexByte(text[f.Start:], '\n')
	if le < 0 {
		le = len(text)
	} else {
		le += f.Start
	}
	end := min(f.End, le)
	before, match, after := safetext.Line(text[ls:f.Start]), safetext.Line(text[f.Start:end]), safetext.Line(text[end:le])
	mw := max(1, ansi.StringWidth(match))
	room := w - mw
	if room < 2 {
		match = ansi.Truncate(match, w-1, "…")
		before, after, mw = "", "", ansi.StringWidth(match)
	} else {
		bw := ansi.StringWidth(before)
		if keep := room / 2; bw > keep {
			if ansi.StringWidth(after) < room-keep {
				keep = room - ansi.StringWidth(after)
			}
			if bw > keep {
				before = "…" + ansi.TruncateLeft(before, bw-keep+1, "")
			}
		}
		after = ansi.Truncate(after, max(0, w-mw-ansi.StringWidth(before)), "…")
	}
	st := spanStyle(m.st, f.Severity)
	shown := match
	if shown == "" {
		shown = " "
	}
	ex = m.st.Detail.Body.Render(before) + st.Render(shown) + m.st.Detail.Body.Render(after)
	caret = strings.Repeat(" ", ansi.StringWidth(before)) + strings.Repeat("^", mw)
	return ex, caret, true
}

// highlighted renders the draft wrapped at w, the findings' spans styled
// by severity (underlined in every theme), showing h lines from around
// the selected finding.
func (m *Model) highlighted(w, h int) []string {
	st := m.st
	text := m.ta.Value()
	if text == "" {
		return pane.WrapIndent("", "(empty) press enter and type a draft to check it", w, st.Placeholder)
	}
	if w < 4 {
		return nil
	}
	var marks []int8
	if m.current() && len(m.findings) > 0 {
		marks = make([]int8, len(text))
		for _, f := range m.findings {
			if f.Overridden || f.Start < 0 || f.End > len(text) {
				continue
			}
			r := sevRank(f.Severity)
			for i := f.Start; i < f.End; i++ {
				marks[i] = max(marks[i], r)
			}
		}
	}
	var lines []string
	var cur strings.Builder
	var run strings.Builder
	runMark, col, selLine := int8(0), 0, -1
	flush := func() {
		if run.Len() == 0 {
			return
		}
		s := st.Detail.Body
		if runMark > 0 {
			s = spanStyle(st, rankSev[runMark])
		}
		cur.WriteString(s.Render(run.String()))
		run.Reset()
	}
	newline := func() {
		flush()
		lines = append(lines, cur.String())
		cur.Reset()
		col = 0
	}
	selStart := -1
	if m.current() && m.sel < len(m.findings) {
		selStart = m.findings[m.sel].Start
	}
	for i := 0; i < len(text); {
		n := textlen.NextCluster(text[i:])
		if n <= 0 {
			n = 1
		}
		if i <= selStart && selStart < i+n {
			selLine = len(lines)
		}
		cl := text[i : i+n]
		if cl == "\n" || cl == "\r\n" || cl == "\r" {
			newline()
			i += n
			continue
		}
		s := safetext.Line(cl)
		cw := ansi.StringWidth(s)
		if col+cw > w {
			newline()
		}
		var mk int8
		if marks != nil {
			mk = marks[i]
		}
		if mk != runMark {
			flush()
			runMark = mk
		}
		run.WriteString(s)
		col += cw
		i += n
	}
	newline()
	if len(lines) > h {
		top := 0
		if selLine >= h {
			top = min(selLine-h/2, len(lines)-h)
		}
		lines = lines[top : top+h]
	}
	return lines
}

// rightColumn is the rules (by risk area, with examples) or the
// guidelines, exactly h lines of width w, scrolled.
func (m *Model) rightColumn(w, h int) []string {
	st := m.st
	tabs := []string{"Rules by area", "Guidelines"}
	var t []string
	for i, name := range tabs {
		if i == m.tab {
			t = append(t, st.Inbox.ViewTabActive.Render("● "+name))
		} else {
			t = append(t, st.Inbox.ViewTab.Render("○ "+name))
		}
	}
	lines := []string{fit(strings.Join(t, " ")+st.Detail.Label.Render("  tab"), w)}
	body := m.side[m.tab]
	if m.sideW != w || m.sideStyle != st {
		body = nil // SetSize or a style change has not rebuilt it yet
	}
	from, to := pane.Window(len(body), h-1, m.scroll)
	if from > 0 {
		lines = append(lines, fit(st.Detail.Label.Render(fmt.Sprintf(" ↑ %s above (%s)", words.Plural(from, "more line"), m.keys.Up.Help().Key)), w))
	}
	for i := from; i < to; i++ {
		lines = append(lines, fit(body[i], w))
	}
	if to < len(body) {
		lines = append(lines, fit(st.Detail.Label.Render(fmt.Sprintf(" ↓ %s below (%s)", words.Plural(len(body)-to, "more line"), m.keys.Down.Help().Key)), w))
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return lines
}

func (m *Model) scrollBy(d int) {
	m.scroll = max(0, min(m.scroll+d, pane.MaxTop(len(m.side[m.tab]), m.bodyHeight()-1)))
}

// buildSide renders the rules and the guidelines for the right column's
// width and the current styles; it runs on resize and style changes,
// never in View.
func (m *Model) buildSide() {
	w := m.rightWidth()
	if m.pack == nil || w <= 0 || (m.sideW == w && m.sideStyle == m.st) {
		return
	}
	m.sideW, m.sideStyle = w, m.st
	m.side[0] = m.ruleLines(w)
	m.side[1] = m.guidelineLines(w)
}

func (m *Model) ruleLines(w int) []string {
	st := m.st
	areas, rules := m.pack.Areas()
	var out []string
	for _, a := range areas {
		rs := rules[a]
		out = append(out, st.Detail.Section.Render(strings.ToUpper(safetext.Line(a)))+st.Detail.Label.Render(" · "+words.Plural(len(rs), "rule")))
		for _, r := range rs {
			out = append(out, " "+fit(sevLabel(st, r.Severity), 10)+" "+st.Detail.Title.Render(safetext.Line(r.ID))+st.Detail.Label.Render(" ("+safetext.Line(r.Kind)+")"))
			for _, l := range strings.Split(safetext.Wrap(ruleMessage(r.Message, r.Role), max(10, w-4)), "\n") {
				out = append(out, "    "+st.Detail.Value.Render(l))
			}
			if r.Cite != "" {
				out = append(out, pane.WrapIndent("    "+st.Detail.Label.Render("cite: "), r.Cite, w, st.Detail.Label)...)
			}
			for _, b := range r.Examples.Bad {
				out = append(out, pane.WrapIndent("    "+st.Finding.Block.Render("✗ bad ")+" ", b, w, st.Detail.Body)...)
			}
			for _, g := range r.Examples.Good {
				out = append(out, pane.WrapIndent("    "+st.Mark.Positive.Render("✓ good")+" ", g, w, st.Detail.Body)...)
			}
		}
		out = append(out, "")
	}
	return out
}

// guidelineLines renders the pack's guidelines (Markdown) in the theme's
// styles.
func (m *Model) guidelineLines(w int) []string {
	st := m.st
	if strings.TrimSpace(m.pack.Guidelines) == "" {
		return []string{st.Detail.Label.Render("This pack has no guidelines.")}
	}
	return renderMarkdown(safetext.Text(m.pack.Guidelines), w-2, newMDStyles(st))
}

// ruleMessage is a rule's message as the rules list shows it: the fields a
// finding fills in ({{match}}, {{count}}, …) read as placeholders a person
// understands, and {{role}} is the rule's role.
func ruleMessage(msg, role string) string {
	if role == "" {
		role = "the approver"
	}
	return strings.NewReplacer("{{match}}", "…", "{{count}}", "N", "{{max}}", "the maximum", "{{limit}}", "the limit",
		"{{length}}", "N", "{{reason}}", "a matching link", "{{role}}", role).Replace(msg)
}
