package composer

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// editor is a small multi-line text editor that can draw byte spans of its
// text highlighted (the policy findings), which bubbles' textarea cannot.
// The operator types the text, but pasted control characters are dropped
// on the way in, so what it draws is always printable.
type editor struct {
	text []rune
	cur  int // rune index of the cursor
	top  int // first visual line shown
	// goal column for up/down, -1 none
	goal int
	// width is the width of the last render (for up/down)
	width int
}

// span is a byte range of the text to draw in a style.
type span struct {
	start, end int
	style      lipgloss.Style
}

func (e *editor) SetText(s string) {
	e.text = []rune(clean(s))
	e.cur = len(e.text)
	e.goal = -1
}

func (e *editor) Text() string { return string(e.text) }

// clean drops control characters except newlines and turns tabs into spaces.
func clean(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r == '\r':
		case r == '\n':
			b.WriteByte('\n')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x200b && r <= 0x200f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (e *editor) insert(s string) {
	rs := []rune(clean(s))
	if len(rs) == 0 {
		return
	}
	e.text = append(e.text[:e.cur], append(rs, e.text[e.cur:]...)...)
	e.cur += len(rs)
}

// Key applies an editing key; it reports whether the text changed and
// whether the key was an editing key at all.
func (e *editor) Key(k tea.KeyPressMsg) (changed, handled bool) {
	switch k.String() {
	case "left", "ctrl+b":
		e.cur = max(0, e.cur-1)
	case "right":
		e.cur = min(len(e.text), e.cur+1)
	case "home", "ctrl+a":
		for e.cur > 0 && e.text[e.cur-1] != '\n' {
			e.cur--
		}
	case "end", "ctrl+e":
		for e.cur < len(e.text) && e.text[e.cur] != '\n' {
			e.cur++
		}
	case "up":
		e.vertical(-1)
		return false, true
	case "down":
		e.vertical(1)
		return false, true
	case "enter":
		e.insert("\n")
		changed = true
	case "backspace", "ctrl+h":
		if e.cur > 0 {
			e.text = append(e.text[:e.cur-1], e.text[e.cur:]...)
			e.cur--
			changed = true
		}
	case "delete":
		if e.cur < len(e.text) {
			e.text = append(e.text[:e.cur], e.text[e.cur+1:]...)
			changed = true
		}
	case "ctrl+w", "alt+backspace":
		i := e.cur
		for i > 0 && e.text[i-1] == ' ' {
			i--
		}
		for i > 0 && e.text[i-1] != ' ' && e.text[i-1] != '\n' {
			i--
		}
		if i < e.cur {
			e.text = append(e.text[:i], e.text[e.cur:]...)
			e.cur = i
			changed = true
		}
	case "ctrl+u":
		i := e.cur
		for i > 0 && e.text[i-1] != '\n' {
			i--
		}
		if i < e.cur {
			e.text = append(e.text[:i], e.text[e.cur:]...)
			e.cur = i
			changed = true
		}
	default:
		if k.Text == "" || k.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
			return false, false
		}
		before := len(e.text)
		e.insert(k.Text)
		changed = len(e.text) != before
	}
	e.goal = -1
	return changed, true
}

// Paste inserts pasted text at the cursor.
func (e *editor) Paste(s string) bool {
	before := len(e.text)
	e.insert(s)
	e.goal = -1
	return len(e.text) != before
}

// vline is one visual line: runes [from, to) of the text.
type vline struct{ from, to int }

// layout wraps the text at width w (hard breaks at newlines, soft at the
// last space that fits, else mid-word).
func (e *editor) layout(w int) []vline {
	w = max(1, w)
	var out []vline
	start := 0
	for start <= len(e.text) {
		end := start
		for end < len(e.text) && e.text[end] != '\n' {
			end++
		}
		// wrap runes [start, end)
		from := start
		for {
			width, i, lastSpace := 0, from, -1
			for i < end {
				cw := ansi.StringWidth(string(e.text[i]))
				if width+cw > w-1 { // keep a cell for the cursor
					break
				}
				if e.text[i] == ' ' {
					lastSpace = i
				}
				width += cw
				i++
			}
			if i >= end {
				out = append(out, vline{from, end})
				break
			}
			if lastSpace > from {
				i = lastSpace + 1
			}
			if i == from {
				i++ // a character wider than the line: it goes alone
			}
			out = append(out, vline{from, i})
			from = i
		}
		start = end + 1
	}
	return out
}

func (e *editor) cursorLine(ls []vline) int {
	for i, l := range ls {
		if e.cur >= l.from && (e.cur < l.to || (e.cur == l.to && (i == len(ls)-1 || ls[i+1].from > l.to))) {
			return i
		}
	}
	return len(ls) - 1
}

func (e *editor) vertical(dir int) {
	ls := e.layout(e.width)
	li := e.cursorLine(ls)
	col := e.cur - ls[li].from
	if e.goal >= 0 {
		col = e.goal
	}
	ni := li + dir
	if ni < 0 || ni >= len(ls) {
		return
	}
	e.cur = min(ls[ni].from+col, ls[ni].to)
	e.goal = col
}

// render draws h lines of width w with spans highlighted and the cursor
// shown (when focused), scrolling to keep the cursor in view.
func (e *editor) render(w, h int, spans []span, cursor lipgloss.Style, focused bool) []string {
	e.width = w
	ls := e.layout(w)
	cl := e.cursorLine(ls)
	if cl < e.top {
		e.top = cl
	}
	if cl >= e.top+h {
		e.top = cl - h + 1
	}
	e.top = max(0, min(e.top, max(0, len(ls)-h)))
	// byte offset of every rune
	offs := make([]int, len(e.text)+1)
	for i, r := range e.text {
		offs[i+1] = offs[i] + len(string(r))
	}
	styleAt := func(i int) (lipgloss.Style, bool) {
		b := offs[i]
		for _, s := range spans {
			if b >= s.start && b < s.end {
				return s.style, true
			}
		}
		return lipgloss.Style{}, false
	}
	out := make([]string, 0, h)
	for li := e.top; li < len(ls) && len(out) < h; li++ {
		l := ls[li]
		var b strings.Builder
		for i := l.from; i < l.to; i++ {
			ch := string(e.text[i])
			switch st, ok := styleAt(i); {
			case focused && i == e.cur:
				b.WriteString(cursor.Render(ch))
			case ok:
				b.WriteString(st.Render(ch))
			default:
				b.WriteString(ch)
			}
		}
		if focused && e.cur == l.to && li == cl {
			b.WriteString(cursor.Render(" "))
		}
		out = append(out, b.String())
	}
	for len(out) < h {
		out = append(out, "")
	}
	return out
}
