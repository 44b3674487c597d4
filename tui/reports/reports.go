// Package reports is the Reports pane: how the team is doing over a
// window (the figures of `switchboard report`), the volume over time with
// the response rate, the slowest open mentions and each operator's load.
package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/crisis"
	"switchboard/domain"
	"switchboard/keymap"
	"switchboard/report"
	"switchboard/safetext"
	"switchboard/sla"
	"switchboard/store"
	"switchboard/tui/pane"
)

// Windows are the windows w cycles through.
var Windows = []struct {
	Name string
	D    time.Duration
}{{"last 24 hours", 24 * time.Hour}, {"last 7 days", 7 * 24 * time.Hour}, {"last 30 days", 30 * 24 * time.Hour}}

// KeyMap is the pane's keys.
type KeyMap struct {
	Window, By, Refresh, Up, Down key.Binding
}

// NewKeyMap is the pane's keys with the config's remaps.
func NewKeyMap(k keymap.Keys) KeyMap {
	b := k.Binding
	return KeyMap{Window: b("reports.window"), By: b("reports.by"), Refresh: b("reports.refresh"), Up: b("reports.up"), Down: b("reports.down")}
}

// Model is the Reports pane of one session.
type Model struct {
	sess  pane.Session
	clock *sla.Policy
	keys  KeyMap
	w, h  int

	window, by int
	gen        int
	loading    bool
	err        error
	rep        report.Report
	series     report.Report // the volume over time
	slowest    []domain.Mention
	load       []loadRow
	at         time.Time
	top        int
}

type loadRow struct {
	who        string
	open, over int
}

type builtMsg struct {
	gen         int
	rep, series report.Report
	slowest     []domain.Mention
	load        []loadRow
	err         error
	at          time.Time
}

// Factory builds the pane for a session; clock is the teams' response
// clocks (nil: the defaults).
func Factory(clock *sla.Policy) pane.Factory {
	return func(s pane.Session) pane.Pane {
		return &Model{sess: s, clock: clock, keys: NewKeyMap(s.Keys), window: 1}
	}
}

func (m *Model) Init() tea.Cmd { return m.build() }

func (m *Model) Title() string { return "Reports" }

func (m *Model) Badge() string { return "" }

func (m *Model) Capturing() bool { return false }

func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Window, m.keys.By, m.keys.Refresh, m.keys.Down, m.keys.Up}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// build computes the report in the background (it reads every mention of
// the window once).
func (m *Model) build() tea.Cmd {
	m.gen++
	m.loading = true
	gen, st, clock := m.gen, m.sess.Store, m.clock
	now := m.sess.Now()
	win := Windows[m.window]
	by := report.Groupings[m.by]
	seriesBy := "day"
	if win.D <= 24*time.Hour {
		seriesBy = "hour"
	}
	return func() tea.Msg {
		o := report.Options{Since: now.Add(-win.D), Until: now, By: by, Clock: clock, Now: now}
		msg := builtMsg{gen: gen, at: now}
		if msg.rep, msg.err = report.Build(st, o); msg.err != nil {
			return msg
		}
		o.By = seriesBy
		if msg.series, msg.err = report.Build(st, o); msg.err != nil {
			return msg
		}
		msg.slowest, msg.load, msg.err = openWork(st, clock, now)
		return msg
	}
}

// openWork is the slowest open mentions (unanswered, oldest first) and
// each assignee's open and overdue mentions.
func openWork(st *store.Store, clock *sla.Policy, now time.Time) ([]domain.Mention, []loadRow, error) {
	var slowest []domain.Mention
	by := map[string]*loadRow{}
	var order []string
	f := store.Filter{Status: []domain.Status{domain.StatusOpen, domain.StatusPending}, Oldest: true}
	n := 0
	err := st.Each(f, func(mm *domain.Mention) bool {
		n++
		if !sla.Running(mm, now) {
			return n < 200000
		}
		if len(slowest) < 8 {
			slowest = append(slowest, *mm)
		}
		who := mm.State.Assignee
		if who == "" {
			who = "(unassigned)"
		}
		r := by[who]
		if r == nil {
			r = &loadRow{who: who}
			by[who] = r
			order = append(order, who)
		}
		r.open++
		if clock.Overdue(mm, now) {
			r.over++
		}
		return n < 200000 // bounded: a pane must not read a million records each refresh
	})
	var load []loadRow
	for _, w := range order {
		load = append(load, *by[w])
	}
	slices.SortStableFunc(load, func(a, b loadRow) int { return b.open - a.open }) // most open first
	return slowest, load, err
}

func (m *Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case pane.StylesMsg:
		m.sess.Styles = msg.Styles
	case builtMsg:
		if msg.gen == m.gen {
			m.loading = false
			m.rep, m.series, m.slowest, m.load, m.err, m.at = msg.rep, msg.series, msg.slowest, msg.load, msg.err, msg.at
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Window):
			m.window = (m.window + 1) % len(Windows)
			return m, m.build()
		case key.Matches(msg, m.keys.By):
			m.by = (m.by + 1) % len(report.Groupings)
			return m, m.build()
		case key.Matches(msg, m.keys.Refresh):
			return m, m.build()
		case key.Matches(msg, m.keys.Down):
			m.top++
		case key.Matches(msg, m.keys.Up):
			m.top = max(0, m.top-1)
		}
	}
	return m, nil
}

func secs(p *int64) string {
	if p == nil {
		return "–"
	}
	d := time.Duration(*p) * time.Second
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1fh", d.Hours())
	}
	return fmt.Sprintf("%.1fd", d.Hours()/24)
}

func pct(x float64) string { return strconv.FormatFloat(x*100, 'f', 0, 64) + "%" }

func (m *Model) View() string {
	st := m.sess.Styles
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var lines []string
	add := func(s string) { lines = append(lines, s) }
	head := "Reports · " + Windows[m.window].Name + " · by " + report.Groupings[m.by]
	if m.rep.BusinessHours {
		head += " · response times in business hours"
	}
	if m.loading {
		head += " · computing…"
	}
	add(st.Detail.Title.Render(head))
	if m.err != nil {
		add(st.Health.Bad.Render("✗ " + safetext.Line(m.err.Error())))
	}
	t := m.rep.Total
	add(st.Detail.Body.Render(fmt.Sprintf("%d mentions · %s answered · first response p50 %s, p90 %s · %d resolved · %d overdue · %s negative",
		t.Mentions, pct(t.ResponseRate), secs(t.FirstResponseP50S), secs(t.FirstResponseP90S), t.Resolved, t.Overdue, pct(t.NegativeShare))))
	add("")
	keyW := max(8, min(24, m.w/5))
	add(st.Detail.Label.Render(fmt.Sprintf("%-*s %8s %8s %6s %7s %7s %8s %8s", keyW, report.Groupings[m.by], "mentions", "answered", "rate", "p50", "p90", "overdue", "negative")))
	for _, g := range m.rep.Groups {
		add(fmt.Sprintf("%-*s %8d %8d %6s %7s %7s %8d %8s", keyW, safetext.Truncate(g.Key, keyW, "…"), g.Mentions, g.Responded, pct(g.ResponseRate),
			secs(g.FirstResponseP50S), secs(g.FirstResponseP90S), g.Overdue, pct(g.NegativeShare)))
	}
	if len(m.rep.Groups) == 0 && !m.loading {
		add(st.Detail.Label.Render("  no mentions in the window"))
	}
	add("")
	unit := "day"
	if Windows[m.window].D <= 24*time.Hour {
		unit = "hour of day"
	}
	add(st.Detail.Section.Render("Volume by " + unit + " (answered share under each bar)"))
	var counts []int
	var rates []string
	for _, g := range m.series.Groups {
		counts = append(counts, g.Mentions)
		rates = append(rates, pct(g.ResponseRate))
	}
	if len(counts) > 0 {
		add(crisis.Sparkline(counts) + "  peak " + strconv.Itoa(maxOf(counts)))
		add(st.Detail.Label.Render(m.series.Groups[0].Key + " … " + m.series.Groups[len(m.series.Groups)-1].Key + " · answered " + strings.Join(rates, " ")))
	}
	add("")
	add(st.Detail.Section.Render("Slowest open mentions"))
	for _, s := range m.slowest {
		c := m.clock.For(s.State.Team)
		add(fmt.Sprintf("  %7s  %-18s %s", secs(ptr(int64(c.Waited(&s, m.at)/time.Second))), safetext.Truncate(s.Author.Handle, 18, "…"),
			safetext.Truncate(s.Text, max(10, m.w-32), "…")))
	}
	if len(m.slowest) == 0 {
		add(st.Detail.Label.Render("  none waiting"))
	}
	add("")
	add(st.Detail.Section.Render("Load per operator (open, of which overdue)"))
	for _, l := range m.load {
		add(fmt.Sprintf("  %-20s %5d  %5d overdue", safetext.Truncate(l.who, 20, "…"), l.open, l.over))
	}
	// scroll
	m.top = max(0, min(m.top, len(lines)-m.h))
	lines = lines[min(m.top, len(lines)):]
	if len(lines) > m.h {
		lines = lines[:m.h]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.w, "…")
	}
	for len(lines) < m.h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func ptr(n int64) *int64 { return &n }

func maxOf(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
