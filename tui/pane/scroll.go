package pane

import (
	"strings"

	"charm.land/lipgloss/v2"

	"switchboard/safetext"
)

// WrapIndent wraps untrusted text s (made safe by safetext) to w cells
// in style: the first line starts with first, the others with as many
// spaces as first is wide. A pane wraps a long text with it instead of
// cutting it.
func WrapIndent(first, s string, w int, style lipgloss.Style) []string {
	ind := lipgloss.Width(first)
	lines := strings.Split(safetext.Wrap(s, max(1, w-ind)), "\n")
	for i, l := range lines {
		l = style.Render(strings.TrimRight(l, " "))
		if i == 0 {
			lines[i] = first + l
		} else {
			lines[i] = strings.Repeat(" ", ind) + l
		}
	}
	return lines
}

// Window is the part [from, to) of n lines that a region of h lines shows
// from line top, keeping a line for a "↑ more" hint when top > 0 and one
// for a "↓ more" hint when lines are left below (at least one line of
// text always shows). All n show when they fit.
func Window(n, h, top int) (from, to int) {
	if n <= h {
		return 0, n
	}
	top = max(0, min(top, n-1))
	room := h
	if top > 0 {
		room--
	}
	to = min(n, top+max(1, room))
	if to < n && to-top > 1 {
		to--
	}
	return top, to
}

// MaxTop is the smallest top from which Window shows the last of n lines.
func MaxTop(n, h int) int {
	for top := 0; ; top++ {
		if _, to := Window(n, h, top); to >= n {
			return top
		}
	}
}

// Reveal moves top as little as it takes for Window to show lines
// [start, end) (as much of them as fits, from start).
func Reveal(n, h, top, start, end int) int {
	top = max(0, min(top, MaxTop(n, h)))
	if from, _ := Window(n, h, top); start < from {
		top = start
		if top == 1 { // a hint would take the place of the only line above
			top = 0
		}
	}
	for top < MaxTop(n, h) {
		if _, to := Window(n, h, top); to >= end || start <= top {
			break
		}
		top++
	}
	return top
}
