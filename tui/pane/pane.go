// Package pane is the contract between switchboard's root TUI model and
// the panes inside it (Inbox, Crisis, Policy …). A pane package imports
// this one, never the root package `tui`, so that panes can live in their
// own packages (tui/inbox, tui/crisis, tui/policypane, tui/composer) and be
// handed to tui.New as factories.
package pane

import (
	"charm.land/lipgloss/v2"
	"context"
	"github.com/charmbracelet/x/ansi"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"switchboard/domain"
	"switchboard/keymap"
	"switchboard/store"
	"switchboard/themes"
)

// Pane is one screen of the app, shown under the header with its key help
// in the footer.
type Pane interface {
	Init() tea.Cmd
	Update(tea.Msg) (Pane, tea.Cmd)
	// View renders exactly the size given by SetSize.
	View() string
	SetSize(w, h int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Title is the tab name ("Inbox"); Badge a short live count ("1,204").
	Title() string
	Badge() string
	// Capturing reports that the pane has an input, picker or dialog open
	// that must get every key (the root's global keys are not applied).
	Capturing() bool
}

// Session is what a pane gets from the root model of its terminal
// session. It is per session: nothing here is shared mutable state.
type Session struct {
	// Ctx ends when the session ends; every Cmd passes it to its calls.
	Ctx    context.Context
	Store  *store.Store
	Actor  string
	Styles *themes.Styles
	// Now is the clock (time.Now unless a test fixes it).
	Now func() time.Time
	// Keys are the config's remaps of the keys (nil: the defaults); each
	// pane builds its key map with them.
	Keys keymap.Keys
}

// Factory builds a pane for one session.
type Factory func(Session) Pane

// StylesMsg tells every pane that the session's styles changed (e.g. once
// the terminal's background colour is known).
type StylesMsg struct{ Styles *themes.Styles }

// StoreMsg carries one update of the store's change feed to every pane.
type StoreMsg struct{ Update store.Update }

// ToastMsg shows a short confirmation (or error) in the footer.
type ToastMsg struct {
	Text  string
	Error bool
}

// Toast returns a Cmd that shows text in the footer.
func Toast(text string) tea.Cmd {
	return func() tea.Msg { return ToastMsg{Text: text} }
}

// ToastError returns a Cmd that shows an error in the footer.
func ToastError(text string) tea.Cmd {
	return func() tea.Msg { return ToastMsg{Text: text, Error: true} }
}

// ComposeMsg asks the root to open the reply composer for a mention
// (`r` in the inbox). Without a composer the root says it is not there.
type ComposeMsg struct {
	Mention domain.Mention
	// Text, when set, is the composer's initial text (e.g. a holding
	// statement put in by the crisis board).
	Text string
	// Post, when set, makes it a post on the brand's own account on that
	// platform instead of a reply (Mention is zero): the crisis board's
	// holding statement goes to everyone, never to one author.
	Post domain.Platform
}

// ShowMentionsMsg asks the root to show the inbox filtered by Expr (the
// inbox's filter language, e.g. "incident:INC-3"): the crisis board's
// jump to an incident's linked mentions.
type ShowMentionsMsg struct{ Expr string }

// EscalateMsg asks the root to link mentions to an incident (`e` in the
// inbox). The root hands it to the pane registered as the escalation
// handler (the crisis pane), or says incidents are not available.
type EscalateMsg struct{ Mentions []domain.Mention }

// FocusMsg asks the root to focus a pane by its index (0 inbox, 1 crisis,
// 2 policy).
type FocusMsg struct{ Index int }

// KeyPress builds the key press that a binding's key string names (e.g.
// "enter", "ctrl+s", "alt+shift+tab", "space", "x"), so the command
// palette can run any binding as if it were typed, and tests can type
// keys by name. Every key that keymap.Normalize accepts reads back as
// its name (KeyPress(s).String() == s).
func KeyPress(s string) tea.KeyPressMsg {
	var mod tea.KeyMod
	for {
		m, rest, ok := strings.Cut(s, "+")
		if !ok || rest == "" {
			break
		}
		bit, known := modBits[m]
		if !known {
			break
		}
		mod |= bit
		s = rest
	}
	if c, ok := specialKeys[s]; ok {
		return tea.KeyPressMsg{Code: c, Mod: mod}
	}
	if len(s) > 1 && s[0] == 'f' {
		if n, err := strconv.Atoi(s[1:]); err == nil && n >= 1 && n <= 20 {
			return tea.KeyPressMsg{Code: tea.KeyF1 + rune(n-1), Mod: mod}
		}
	}
	r, _ := utf8.DecodeRuneInString(s)
	if s == "space" {
		r = tea.KeySpace
		if mod == 0 {
			return tea.KeyPressMsg{Code: r, Text: " "}
		}
	}
	if mod != 0 {
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	return tea.KeyPressMsg{Code: r, Text: s}
}

var modBits = map[string]tea.KeyMod{
	"ctrl": tea.ModCtrl, "alt": tea.ModAlt, "shift": tea.ModShift,
	"meta": tea.ModMeta, "hyper": tea.ModHyper, "super": tea.ModSuper,
}

var specialKeys = map[string]rune{
	"enter": tea.KeyEnter, "esc": tea.KeyEscape, "up": tea.KeyUp, "down": tea.KeyDown,
	"left": tea.KeyLeft, "right": tea.KeyRight, "home": tea.KeyHome, "end": tea.KeyEnd,
	"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "tab": tea.KeyTab, "backspace": tea.KeyBackspace,
	"begin": tea.KeyBegin, "find": tea.KeyFind, "insert": tea.KeyInsert, "delete": tea.KeyDelete,
	"select": tea.KeySelect,
}

// Overlay draws box over body (a screen of w×h cells) with its top-left
// corner at row y, centred across; the body shows on either side of it.
// Dialogs, pickers and the command palette are drawn this way.
func Overlay(body, box string, w, h, y int) string {
	bl := strings.Split(body, "\n")
	for len(bl) < h {
		bl = append(bl, "")
	}
	xl := strings.Split(box, "\n")
	bw := lipgloss.Width(box)
	x := max(0, (w-bw)/2)
	y = max(0, y)
	for i, l := range xl {
		if y+i >= len(bl) {
			break
		}
		line := bl[y+i]
		left := ansi.Truncate(line, x, "")
		if pad := x - ansi.StringWidth(left); pad > 0 {
			left += strings.Repeat(" ", pad)
		}
		bl[y+i] = left + l + ansi.TruncateLeft(line, x+bw, "")
	}
	return strings.Join(bl, "\n")
}

// OpenMentionMsg asks the inbox to open one mention (by key) in its
// detail view: a notification's jump.
type OpenMentionMsg struct{ Key string }

// OpenDraftMsg asks the Outbox to put its cursor on a draft.
type OpenDraftMsg struct{ ID string }

// OpenIncidentMsg asks the crisis board to open an incident.
type OpenIncidentMsg struct{ ID string }

// ShowAlertMsg asks the crisis board to put its cursor on an alert in the
// alerts column.
type ShowAlertMsg struct{ ID string }
