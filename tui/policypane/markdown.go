package policypane

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"switchboard/themes"
)

// The pack's guidelines are CommonMark. They are parsed with goldmark and
// drawn here with the theme's styles: headings, paragraphs, nested lists,
// block quotes, code and rules, each wrapped to the pane with a hanging
// indent. (A full Markdown renderer such as glamour brings a syntax
// highlighter whose lexers and styles are built when the program starts,
// which every command, `check` included, would pay for.)

// mdStyles are the styles the guidelines are drawn with.
type mdStyles struct {
	heading, body, strong, em, code, muted lipgloss.Style
}

func newMDStyles(st *themes.Styles) mdStyles {
	return mdStyles{
		heading: st.Detail.Title,
		body:    st.Detail.Body,
		strong:  st.Detail.Body.Bold(true),
		em:      st.Detail.Body.Italic(true),
		code:    st.Detail.Value,
		muted:   st.Detail.Label,
	}
}

var mdParser = parser.NewParser(
	parser.WithBlockParsers(parser.DefaultBlockParsers()...),
	parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
)

// renderMarkdown draws src at width w (at least 10 columns).
func renderMarkdown(src string, w int, s mdStyles) []string {
	b := []byte(src)
	doc := mdParser.Parse(text.NewReader(b))
	r := mdRenderer{src: b, s: s}
	r.blocks(doc, " ", " ", max(10, w))
	for len(r.out) > 0 && r.out[len(r.out)-1] == "" {
		r.out = r.out[:len(r.out)-1]
	}
	return r.out
}

type mdRenderer struct {
	src []byte
	s   mdStyles
	out []string
}

// gap puts one blank line between blocks.
func (r *mdRenderer) gap() {
	if len(r.out) > 0 && r.out[len(r.out)-1] != "" {
		r.out = append(r.out, "")
	}
}

// blocks draws the children of n; first prefixes the first line drawn,
// rest every later one (a list item's bullet, then its hanging indent).
func (r *mdRenderer) blocks(n ast.Node, first, rest string, w int) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		r.block(c, first, rest, w)
		first = rest
	}
}

func (r *mdRenderer) block(n ast.Node, first, rest string, w int) {
	switch n := n.(type) {
	case *ast.Heading:
		r.gap()
		r.para(r.inline(n, r.s.heading), first, rest, w)
		r.out = append(r.out, "")
	case *ast.Paragraph, *ast.TextBlock:
		r.para(r.inline(n, r.s.body), first, rest, w)
		if _, tight := n.(*ast.TextBlock); !tight {
			r.out = append(r.out, "")
		}
	case *ast.List:
		num := n.Start
		for it := n.FirstChild(); it != nil; it = it.NextSibling() {
			bullet := "• "
			if n.IsOrdered() {
				bullet = strconv.Itoa(num) + ". "
				num++
			}
			pad := strings.Repeat(" ", ansi.StringWidth(bullet))
			r.blocks(it, first+r.s.muted.Render(bullet), rest+pad, w)
			first = rest
		}
		r.gap()
	case *ast.Blockquote:
		bar := r.s.muted.Render("│ ")
		r.blocks(n, first+bar, rest+bar, w)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			l := strings.TrimRight(string(seg.Value(r.src)), "\n")
			r.out = append(r.out, first+"  "+r.s.code.Render(ansi.Truncate(l, max(1, w-ansi.StringWidth(rest)-2), "…")))
			first = rest
		}
		r.out = append(r.out, "")
	case *ast.ThematicBreak:
		r.out = append(r.out, first+r.s.muted.Render(strings.Repeat("─", max(1, w-ansi.StringWidth(rest)))), "")
	case *ast.HTMLBlock:
		// raw HTML is not drawn: the guidelines are text
	default:
		r.blocks(n, first, rest, w)
	}
}

// para wraps one run of styled words to w, the first line behind first
// and the rest behind rest.
func (r *mdRenderer) para(words []string, first, rest string, w int) {
	avail := max(1, w-ansi.StringWidth(rest))
	line, lw := "", 0
	flush := func() {
		r.out = append(r.out, first+line)
		first, line, lw = rest, "", 0
	}
	for _, word := range words {
		if word == "\n" { // a hard line break
			flush()
			continue
		}
		ww := ansi.StringWidth(word)
		if lw > 0 && lw+1+ww > avail {
			flush()
		}
		if lw > 0 {
			line += " "
			lw++
		}
		for ww > avail { // a word wider than the pane is cut into pieces
			head := ansi.Truncate(word, avail-lw, "")
			line += head
			flush()
			word = ansi.TruncateLeft(word, ansi.StringWidth(head), "")
			ww = ansi.StringWidth(word)
		}
		line += word
		lw += ww
	}
	if lw > 0 || line != "" {
		flush()
	}
}

// inline flattens n's inline children into styled words; a word that spans
// two styles ("**bold**,") is kept as one word.
func (r *mdRenderer) inline(n ast.Node, base lipgloss.Style) []string {
	var words []string
	glue := false // the next piece continues the last word
	add := func(s string, st lipgloss.Style) {
		fields := strings.Fields(s)
		if len(fields) == 0 {
			glue = false
			return
		}
		startsSpace := s[0] == ' ' || s[0] == '\t' || s[0] == '\n'
		for i, f := range fields {
			styled := st.Render(f)
			if i == 0 && glue && !startsSpace && len(words) > 0 {
				words[len(words)-1] += styled
			} else {
				words = append(words, styled)
			}
		}
		last := s[len(s)-1]
		glue = last != ' ' && last != '\t' && last != '\n'
	}
	var walk func(n ast.Node, st lipgloss.Style)
	walk = func(n ast.Node, st lipgloss.Style) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				add(string(c.Segment.Value(r.src)), st)
				if c.HardLineBreak() {
					words = append(words, "\n")
					glue = false
				} else if c.SoftLineBreak() {
					glue = false
				}
			case *ast.String:
				add(string(c.Value), st)
			case *ast.CodeSpan:
				var b strings.Builder
				for t := c.FirstChild(); t != nil; t = t.NextSibling() {
					if tx, ok := t.(*ast.Text); ok {
						b.Write(tx.Segment.Value(r.src))
					}
				}
				add(b.String(), r.s.code)
			case *ast.Emphasis:
				es := r.s.em
				if c.Level >= 2 {
					es = r.s.strong
				}
				if st.GetBold() && c.Level < 2 {
					es = es.Bold(true)
				}
				walk(c, es)
			case *ast.Link:
				walk(c, st.Underline(true))
				if dest := string(c.Destination); dest != "" && !strings.HasPrefix(dest, "#") {
					add(" ("+dest+")", r.s.muted)
				}
			case *ast.AutoLink:
				add(string(c.URL(r.src)), st.Underline(true))
			case *ast.Image:
				walk(c, r.s.muted)
			case *ast.RawHTML:
				// not drawn
			default:
				walk(c, st)
			}
		}
	}
	walk(n, base)
	return words
}
