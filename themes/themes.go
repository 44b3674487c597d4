// Package themes builds the semantic styles of switchboard's terminal UI
// from a palette. A Styles value is built per session (several SSH sessions
// share a process, each with its own terminal background) and is never
// changed after it is built; there is no package-level mutable state.
//
// Meaning is never carried by colour alone: every state that has a colour
// also has a symbol or a word (the UI draws "▲ overdue", "− neg", "[x]"),
// so the mono theme (NO_COLOR) and colour-blind users lose nothing.
package themes

import (
	"image/color"
	"os"
	"strings"

	"charm.land/lipgloss/v2"
)

// Theme names.
const (
	Dark         = "dark"
	Light        = "light"
	HighContrast = "high-contrast"
	Mono         = "mono" // no colour at all: bold, underline and reverse only
	Auto         = "auto" // dark or light, following the terminal background
)

// Names lists the themes a user may pick.
var Names = []string{Auto, Dark, Light, HighContrast, Mono}

// Valid reports whether name is a theme ("" counts as auto).
func Valid(name string) bool {
	if name == "" {
		return true
	}
	for _, n := range Names {
		if n == name {
			return true
		}
	}
	return false
}

// NoColor reports whether an environment (as "KEY=value" strings, e.g.
// os.Environ() or an SSH session's) asks for no colour (NO_COLOR set and
// not empty, see no-color.org).
func NoColor(environ []string) bool {
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			return true
		}
	}
	return false
}

// Resolve picks the theme to build: mono when NO_COLOR asks for it, the
// named one otherwise, dark or light for auto by isDark.
func Resolve(name string, isDark bool, environ []string) string {
	if NoColor(environ) {
		return Mono
	}
	switch name {
	case "", Auto:
		if isDark {
			return Dark
		}
		return Light
	}
	return name
}

// Palette is the handful of colours a theme is made from.
type Palette struct {
	Fg, Muted, Subtle, Bg    color.Color
	Accent, AccentFg         color.Color
	Sel, SelFg               color.Color
	OK, Warn, Bad, Info, Neg color.Color
	Pos                      color.Color
}

// Styles is every style the UI uses, by meaning.
type Styles struct {
	Name   string
	IsDark bool
	// Mono is true when no colour is used at all.
	Mono bool

	Header struct {
		Bar, Brand, Tab, TabActive, Badge, Live, Paused lipgloss.Style
	}
	Health struct {
		OK, Warn, Bad, Unknown lipgloss.Style
	}
	Footer struct {
		Bar, Toast, Error lipgloss.Style
	}
	Help struct {
		Key, Desc, Sep lipgloss.Style
	}
	Inbox struct {
		Header, Row, Cursor, Selected, SelectedCursor, Dim lipgloss.Style
		ViewTab, ViewTabActive, NewMarker, Empty, Error    lipgloss.Style
		Filter                                             lipgloss.Style
	}
	// Mark styles small state marks inside a row.
	Mark struct {
		Negative, Positive, Neutral, Verified, Due, Overdue, Done, Escalated, Tag lipgloss.Style
	}
	Detail struct {
		Title, Label, Value, Body, Section, Event lipgloss.Style
	}
	Dialog struct {
		Box, Title, Item, ItemActive, Hint, Input lipgloss.Style
	}
	// Finding styles policy findings by severity (always drawn with their
	// severity word and symbol as well); Span* mark the offending text
	// (underlined in every theme, so not by colour alone).
	Finding struct {
		Info, Warn, Block, Approval                 lipgloss.Style
		SpanInfo, SpanWarn, SpanBlock, SpanApproval lipgloss.Style
	}
	// Crisis styles the crisis board: Sev is indexed by severity (1..4)
	// and always drawn with the severity's symbol and name.
	Crisis struct {
		Sev                                    [5]lipgloss.Style
		Column, ColumnActive, Card, CardActive lipgloss.Style
		Alert, Overdue, Spark                  lipgloss.Style
	}
	Placeholder lipgloss.Style
	Warning     lipgloss.Style
}

func hex(s string) color.Color { return lipgloss.Color(s) }

func palette(name string) Palette {
	switch name {
	case Light:
		return Palette{
			Fg: hex("#1f2328"), Muted: hex("#57606a"), Subtle: hex("#d0d7de"), Bg: hex("#f6f8fa"),
			Accent: hex("#6639ba"), AccentFg: hex("#ffffff"), Sel: hex("#ddf4ff"), SelFg: hex("#0a3069"),
			OK: hex("#1a7f37"), Warn: hex("#9a6700"), Bad: hex("#cf222e"), Info: hex("#0969da"),
			Neg: hex("#cf222e"), Pos: hex("#1a7f37"),
		}
	case HighContrast:
		return Palette{
			Fg: hex("#ffffff"), Muted: hex("#e0e0e0"), Subtle: hex("#ffffff"), Bg: hex("#000000"),
			Accent: hex("#ffff00"), AccentFg: hex("#000000"), Sel: hex("#ffffff"), SelFg: hex("#000000"),
			OK: hex("#00ff00"), Warn: hex("#ffff00"), Bad: hex("#ff5555"), Info: hex("#00ffff"),
			Neg: hex("#ff5555"), Pos: hex("#00ff00"),
		}
	default: // dark
		return Palette{
			Fg: hex("#e6edf3"), Muted: hex("#8b949e"), Subtle: hex("#30363d"), Bg: hex("#161b22"),
			Accent: hex("#bc8cff"), AccentFg: hex("#0d1117"), Sel: hex("#1f3a5f"), SelFg: hex("#ffffff"),
			OK: hex("#3fb950"), Warn: hex("#d29922"), Bad: hex("#f85149"), Info: hex("#58a6ff"),
			Neg: hex("#f85149"), Pos: hex("#3fb950"),
		}
	}
}

// New builds the styles of the named theme. For "auto" (or "") isDark picks
// dark or light; an unknown name falls back to dark. Callers honour
// NO_COLOR by passing the result of Resolve.
func New(name string, isDark bool) *Styles {
	switch name {
	case "", Auto:
		name = Dark
		if !isDark {
			name = Light
		}
	case Dark, Light, HighContrast, Mono:
	default:
		name = Dark
	}
	s := &Styles{Name: name, IsDark: isDark}
	if name == Mono {
		s.Mono = true
		buildMono(s)
		return s
	}
	p := palette(name)
	n := lipgloss.NewStyle
	fg := n().Foreground(p.Fg)
	muted := n().Foreground(p.Muted)

	s.Header.Bar = n()
	s.Header.Brand = n().Bold(true).Foreground(p.AccentFg).Background(p.Accent).Padding(0, 1)
	s.Header.Tab = muted.Padding(0, 1)
	s.Header.TabActive = n().Bold(true).Underline(true).Foreground(p.Fg).Padding(0, 1)
	s.Header.Badge = muted
	s.Header.Live = n().Foreground(p.OK).Bold(true)
	s.Header.Paused = n().Foreground(p.Warn)
	s.Health.OK = n().Foreground(p.OK)
	s.Health.Warn = n().Foreground(p.Warn)
	s.Health.Bad = n().Foreground(p.Bad).Bold(true)
	s.Health.Unknown = muted

	s.Footer.Bar = n()
	s.Footer.Toast = n().Foreground(p.Info)
	s.Footer.Error = n().Foreground(p.Bad).Bold(true)
	s.Help.Key = n().Foreground(p.Fg).Bold(true)
	s.Help.Desc = muted
	s.Help.Sep = n().Foreground(p.Subtle)

	s.Inbox.Header = muted.Bold(true)
	s.Inbox.Row = fg
	s.Inbox.Cursor = n().Foreground(p.SelFg).Background(p.Sel).Bold(true)
	s.Inbox.Selected = n().Foreground(p.Accent)
	s.Inbox.SelectedCursor = n().Foreground(p.SelFg).Background(p.Sel).Bold(true).Underline(true)
	s.Inbox.Dim = muted
	s.Inbox.ViewTab = muted.Padding(0, 1)
	s.Inbox.ViewTabActive = n().Foreground(p.AccentFg).Background(p.Accent).Padding(0, 1)
	s.Inbox.NewMarker = n().Foreground(p.AccentFg).Background(p.Info).Bold(true).Padding(0, 1)
	s.Inbox.Empty = muted
	s.Inbox.Error = n().Foreground(p.Bad)
	s.Inbox.Filter = n().Foreground(p.Info)

	s.Mark.Negative = n().Foreground(p.Neg)
	s.Mark.Positive = n().Foreground(p.Pos)
	s.Mark.Neutral = muted
	s.Mark.Verified = n().Foreground(p.Info)
	s.Mark.Due = n().Foreground(p.Warn)
	s.Mark.Overdue = n().Foreground(p.Bad).Bold(true)
	s.Mark.Done = muted
	s.Mark.Escalated = n().Foreground(p.Bad).Bold(true)
	s.Mark.Tag = n().Foreground(p.Info)

	s.Detail.Title = n().Bold(true).Foreground(p.Fg)
	s.Detail.Label = muted
	s.Detail.Value = fg
	s.Detail.Body = fg
	s.Detail.Section = n().Bold(true).Foreground(p.Accent)
	s.Detail.Event = muted

	s.Dialog.Box = n().Border(lipgloss.RoundedBorder()).BorderForeground(p.Accent).Padding(0, 1)
	s.Dialog.Title = n().Bold(true).Foreground(p.Accent)
	s.Dialog.Item = fg
	s.Dialog.ItemActive = n().Foreground(p.SelFg).Background(p.Sel).Bold(true)
	s.Dialog.Hint = muted
	s.Dialog.Input = fg
	s.Finding.Info = n().Foreground(p.Info)
	s.Finding.Warn = n().Foreground(p.Warn).Bold(true)
	s.Finding.Block = n().Foreground(p.Bad).Bold(true)
	s.Finding.Approval = n().Foreground(p.Accent).Bold(true)
	s.Finding.SpanInfo = n().Underline(true).Foreground(p.Info)
	s.Finding.SpanWarn = n().Underline(true).Foreground(p.Warn)
	s.Finding.SpanBlock = n().Underline(true).Bold(true).Foreground(p.Bad)
	s.Finding.SpanApproval = n().Underline(true).Foreground(p.Accent)
	s.Crisis.Sev = [5]lipgloss.Style{muted, n().Foreground(p.Bad).Bold(true).Reverse(true), n().Foreground(p.Bad).Bold(true),
		n().Foreground(p.Warn), n().Foreground(p.Info)}
	s.Crisis.Column = muted.Bold(true)
	s.Crisis.ColumnActive = n().Bold(true).Underline(true).Foreground(p.Accent)
	s.Crisis.Card = fg
	s.Crisis.CardActive = n().Foreground(p.SelFg).Background(p.Sel).Bold(true)
	s.Crisis.Alert = n().Foreground(p.Warn).Bold(true)
	s.Crisis.Overdue = n().Foreground(p.Bad).Bold(true)
	s.Crisis.Spark = n().Foreground(p.Info)
	s.Placeholder = muted
	s.Warning = n().Foreground(p.Warn).Bold(true)
	return s
}

// buildMono uses attributes only, for NO_COLOR and plain terminals.
func buildMono(s *Styles) {
	n := lipgloss.NewStyle
	plain, bold, rev := n(), n().Bold(true), n().Reverse(true)
	s.Header.Bar, s.Header.Brand, s.Header.Tab = plain, rev.Bold(true).Padding(0, 1), plain.Padding(0, 1)
	s.Header.TabActive = bold.Underline(true).Padding(0, 1)
	s.Header.Badge, s.Header.Live, s.Header.Paused = plain, bold, plain
	s.Health.OK, s.Health.Warn, s.Health.Bad, s.Health.Unknown = plain, bold, bold, plain
	s.Footer.Bar, s.Footer.Toast, s.Footer.Error = plain, plain, bold
	s.Help.Key, s.Help.Desc, s.Help.Sep = bold, plain, plain
	s.Inbox.Header, s.Inbox.Row, s.Inbox.Cursor = bold, plain, rev
	s.Inbox.Selected, s.Inbox.SelectedCursor, s.Inbox.Dim = bold, rev.Underline(true), plain
	s.Inbox.ViewTab, s.Inbox.ViewTabActive = plain.Padding(0, 1), rev.Padding(0, 1)
	s.Inbox.NewMarker, s.Inbox.Empty, s.Inbox.Error, s.Inbox.Filter = rev.Padding(0, 1), plain, bold, plain
	s.Mark.Negative, s.Mark.Positive, s.Mark.Neutral = plain, plain, plain
	s.Mark.Verified, s.Mark.Due, s.Mark.Overdue = plain, plain, bold
	s.Mark.Done, s.Mark.Escalated, s.Mark.Tag = plain, bold, plain
	s.Detail.Title, s.Detail.Label, s.Detail.Value, s.Detail.Body = bold, plain, plain, plain
	s.Detail.Section, s.Detail.Event = bold.Underline(true), plain
	s.Dialog.Box = n().Border(lipgloss.NormalBorder()).Padding(0, 1)
	s.Dialog.Title, s.Dialog.Item, s.Dialog.ItemActive = bold, plain, rev
	s.Dialog.Hint, s.Dialog.Input = plain, plain
	s.Finding.Info, s.Finding.Warn, s.Finding.Block, s.Finding.Approval = plain, bold, bold, bold
	s.Finding.SpanInfo, s.Finding.SpanWarn = plain.Underline(true), plain.Underline(true)
	s.Finding.SpanBlock, s.Finding.SpanApproval = rev.Underline(true), bold.Underline(true)
	s.Crisis.Sev = [5]lipgloss.Style{plain, rev.Bold(true), bold, plain, plain}
	s.Crisis.Column, s.Crisis.ColumnActive, s.Crisis.Card, s.Crisis.CardActive = bold, bold.Underline(true), plain, rev
	s.Crisis.Alert, s.Crisis.Overdue, s.Crisis.Spark = bold, bold, plain
	s.Placeholder, s.Warning = plain, bold
}

// FromEnv is a convenience for local use: the theme named (or auto) with
// this process's NO_COLOR.
func FromEnv(name string, isDark bool) *Styles {
	return New(Resolve(name, isDark, os.Environ()), isDark)
}
