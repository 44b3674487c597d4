package policypane

import (
	"context"
	"path/filepath"
	"strings"
	"switchboard/internal/golden"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/policy"
	"switchboard/themes"
	"switchboard/tui/pane"
)

var fixed = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func newPane(t *testing.T, theme string, opts Options) *Model {
	t.Helper()
	if opts.Pack == nil && opts.Err == nil {
		opts.Pack = policy.Default()
		opts.Source = "built-in pack"
	}
	sess := pane.Session{Ctx: context.Background(), Actor: "ana", Styles: themes.New(theme, true), Now: func() time.Time { return fixed }}
	m := New(sess, opts)
	m.SetSize(120, 30)
	drain(t, m, m.Init())
	return m
}

// drain runs a command and every command its messages lead to, in order,
// the way a Bubble Tea program would (ticks included, as they are short
// in tests). Toasts are collected.
func drain(t *testing.T, m *Model, cmd tea.Cmd) (toasts []string) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case pane.ToastMsg:
			toasts = append(toasts, msg.Text)
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
	return toasts
}

func press(t *testing.T, m *Model, keys ...string) (toasts []string) {
	t.Helper()
	for _, k := range keys {
		toasts = append(toasts, drain(t, m, func() tea.Msg { return pane.KeyPress(k) })...)
	}
	return toasts
}

func typeText(t *testing.T, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		drain(t, m, func() tea.Msg { return tea.KeyPressMsg{Code: r, Text: string(r)} })
	}
}

func rules(fs []policy.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	return out
}

func mustPack(t *testing.T, yaml string) *policy.Pack {
	t.Helper()
	p, errs := policy.Parse([]byte(yaml), "test.yaml")
	if p == nil {
		t.Fatal(errs)
	}
	return p
}

const testPack = `id: test-pack
version: "2"
owner: legal@acme.example
review_by: "2025-01-31"
guidelines: |
  # Be kind
  Say **sorry** when we are wrong.
rules:
  - id: no-jargon
    kind: substitute
    area: tone
    severity: warn
    swap: {"crème brûlée": "dessert", "synergie": "samenwerking"}
    message: "say it plainly: {{match}}"
    cite: "Style guide §1"
    examples: {bad: ["Onze synergie!"], good: ["Onze samenwerking!"]}
  - id: no-idiots
    kind: deny
    area: tone
    severity: block
    terms: ["idioot"]
    message: "“{{match}}” is an insult"
    cite: "Policy §2"
    examples: {bad: ["Wat een idioot"], good: ["Wat een dag"]}
`

func TestTypingShowsFindingsAndSpan(t *testing.T) {
	m := newPane(t, themes.Dark, Options{})
	if m.Capturing() {
		t.Fatal("pane captures keys before editing")
	}
	press(t, m, "enter")
	if !m.Capturing() || !m.Editing() {
		t.Fatal("enter did not start editing")
	}
	const draft = "Thanks! Only an idiot would miss it."
	typeText(t, m, draft)
	if m.Text() != draft {
		t.Fatalf("text = %q", m.Text())
	}
	fs := m.Findings()
	if len(fs) != 1 || fs[0].RuleID != "no-insults" || fs[0].Match != "idiot" {
		t.Fatalf("findings = %+v", fs)
	}
	press(t, m, "esc")
	if m.Capturing() {
		t.Fatal("esc did not stop editing")
	}
	plain := stripANSI(m.View())
	if !strings.Contains(plain, "✖ block") || !strings.Contains(plain, "1:17 no-insults") {
		t.Fatalf("finding row missing:\n%s", plain)
	}
	// The caret line sits exactly under the span in the excerpt.
	lines := strings.Split(plain, "\n")
	found := false
	for i, l := range lines[:len(lines)-1] {
		left := strings.Split(l, " │ ")[0]
		if k := strings.Index(left, "Only an idiot"); k >= 0 && !strings.HasPrefix(strings.TrimSpace(left), "│") {
			caret := strings.Split(lines[i+1], " │ ")[0]
			col := len([]rune(left[:k])) + len("Only an ")
			if strings.Index(string([]rune(caret)), "^^^^^") < 0 || len([]rune(caret[:strings.Index(caret, "^")])) != col {
				t.Fatalf("caret not under the span:\n%s\n%s", left, caret)
			}
			found = true
		}
	}
	if !found {
		t.Fatalf("no excerpt of the finding:\n%s", plain)
	}
	// The span is styled in the draft (underlined), the rest is not.
	view := m.View()
	if !strings.Contains(view, m.st.Finding.SpanBlock.Render("idiot")) {
		t.Fatal("the span is not highlighted in the draft")
	}
	if m.Badge() != "1" {
		t.Fatalf("badge = %q", m.Badge())
	}
}

func TestStaleResultsDropped(t *testing.T) {
	m := newPane(t, themes.Dark, Options{})
	first := m.SetText("what an idiot")
	second := m.SetText("what a day")
	// The first request's debounce fires late: it must not check.
	if msg := first(); msg != nil {
		if _, cmd := m.Update(msg); cmd != nil {
			t.Fatal("a superseded debounce still started a check")
		}
	}
	// A result for an old id is dropped even if it arrives last.
	drain(t, m, second)
	if len(m.Findings()) != 0 || m.checked != "what a day" {
		t.Fatalf("findings = %v for %q", rules(m.Findings()), m.checked)
	}
	stale := resultMsg{id: m.seq - 1, text: "what an idiot", findings: policy.Default().Check("what an idiot", m.Context())}
	m.Update(stale)
	if len(m.Findings()) != 0 || m.checked != "what a day" {
		t.Fatalf("stale result applied: %v", rules(m.Findings()))
	}
}

func TestDebounceWaits(t *testing.T) {
	m := newPane(t, themes.Dark, Options{Debounce: 30 * time.Millisecond})
	cmd := m.SetText("idiot")
	start := time.Now()
	drain(t, m, cmd)
	if time.Since(start) < 30*time.Millisecond {
		t.Fatal("check ran before the debounce")
	}
	if got := rules(m.Findings()); len(got) != 1 || got[0] != "no-insults" {
		t.Fatalf("findings = %v", got)
	}
}

func TestApplyFix(t *testing.T) {
	m := newPane(t, themes.Dark, Options{})
	drain(t, m, m.SetText("Use my code SAVE10 at the checkout! #sp"))
	fs := m.Findings()
	if len(fs) != 1 || fs[0].RuleID != "ftc-disclosure" || !fs[0].HasFix || fs[0].Match != "#sp" {
		t.Fatalf("findings = %+v", fs)
	}
	toasts := press(t, m, "f")
	if m.Text() != "Use my code SAVE10 at the checkout! #ad" {
		t.Fatalf("text after fix = %q (toasts %v)", m.Text(), toasts)
	}
	if len(m.Findings()) != 0 {
		t.Fatalf("findings after fix = %v", rules(m.Findings()))
	}
	// A finding without a fix says so and leaves the text alone.
	drain(t, m, m.SetText("what an idiot"))
	toasts = press(t, m, "f")
	if m.Text() != "what an idiot" || len(toasts) != 1 || !strings.Contains(toasts[0], "no automatic fix") {
		t.Fatalf("text %q toasts %v", m.Text(), toasts)
	}
}

func TestApplyFixesNonASCII(t *testing.T) {
	m := newPane(t, themes.Dark, Options{Pack: mustPack(t, testPack)})
	drain(t, m, m.SetText("Crème Brûlée en synergie, idioot"))
	if got := rules(m.Findings()); strings.Join(got, ",") != "no-jargon,no-jargon,no-idiots" {
		t.Fatalf("findings = %v", got)
	}
	press(t, m, "n", "N", "n") // next, back, next: the second finding
	if m.Selected() != 1 {
		t.Fatalf("selected %d", m.Selected())
	}
	press(t, m, "f")
	if m.Text() != "Crème Brûlée en samenwerking, idioot" {
		t.Fatalf("after f: %q", m.Text())
	}
	press(t, m, "F")
	if m.Text() != "Dessert en samenwerking, idioot" {
		t.Fatalf("after F: %q", m.Text())
	}
	if got := rules(m.Findings()); len(got) != 1 || got[0] != "no-idiots" {
		t.Fatalf("left: %v", got)
	}
}

func TestEditModeKeys(t *testing.T) {
	m := newPane(t, themes.Dark, Options{})
	press(t, m, "enter")
	typeText(t, m, "Use my code SAVE10! #sp")
	press(t, m, "ctrl+x")
	if m.Text() != "Use my code SAVE10! #ad" || !m.Editing() {
		t.Fatalf("ctrl+x: %q editing=%v", m.Text(), m.Editing())
	}
	press(t, m, "ctrl+y")
	if m.Context().Platform != domain.PlatformMastodon {
		t.Fatalf("ctrl+y: platform %s", m.Context().Platform)
	}
	// Plain letters are text while editing, not commands.
	typeText(t, m, " pvr")
	if m.Text() != "Use my code SAVE10! #ad pvr" || m.Context().Platform != domain.PlatformMastodon || m.Context().Reply {
		t.Fatalf("typed keys acted as commands: %q %+v", m.Text(), m.Context())
	}
}

func TestSwitchContextChangesCounter(t *testing.T) {
	m := newPane(t, themes.Dark, Options{})
	drain(t, m, m.SetText("日本語のテキスト"))
	if c := m.Count(); c.Length != 16 || c.Limit != 280 {
		t.Fatalf("X count = %+v", c)
	}
	if !strings.Contains(stripANSI(m.View()), "X · public · post  16/280") {
		t.Fatalf("header:\n%s", strings.Split(stripANSI(m.View()), "\n")[0])
	}
	press(t, m, "p")
	if c := m.Count(); c.Length != 8 || c.Limit != 500 {
		t.Fatalf("Mastodon count = %+v", c)
	}
	press(t, m, "p")
	if c := m.Count(); c.Length != 8 || c.Limit != 300 || c.ByteLimit != 3000 {
		t.Fatalf("Bluesky count = %+v", c)
	}
	press(t, m, "v", "r")
	head := strings.Split(stripANSI(m.View()), "\n")[0]
	// a private reply on Bluesky is a chat message: 1,000 graphemes, 10,000 bytes
	if !strings.Contains(head, "Bluesky · private · reply  8/1000 (24/10000 bytes)") {
		t.Fatalf("header: %s", head)
	}
	if c := m.Context(); c.Visibility != domain.VisibilityPrivate || !c.Reply {
		t.Fatalf("context %+v", c)
	}
	// Context changes what fires: personal data is only a problem in public.
	drain(t, m, m.SetText("mail me: ana@example.com"))
	if len(m.Findings()) != 0 {
		t.Fatalf("private reply findings: %v", rules(m.Findings()))
	}
	press(t, m, "v")
	if got := rules(m.Findings()); len(got) != 1 || got[0] != "pii-email-public" {
		t.Fatalf("public findings: %v", got)
	}
	// Over the limit: the counter says so in words.
	press(t, m, "p", "p", "p") // Reddit, generic, back to X
	drain(t, m, m.SetText(strings.Repeat("a", 290)))
	if head := strings.Split(stripANSI(m.View()), "\n")[0]; !strings.Contains(head, "290/280 ✖ over") {
		t.Fatalf("header: %s", head)
	}
}

func TestReviewBannerAndMeta(t *testing.T) {
	m := newPane(t, themes.Dark, Options{Pack: mustPack(t, testPack), Source: "policy.yaml"})
	plain := stripANSI(m.View())
	if !strings.Contains(plain, "REVIEW OVERDUE") || !strings.Contains(plain, "2025-01-31") {
		t.Fatalf("no banner:\n%s", plain)
	}
	if !strings.Contains(plain, "Pack test-pack v2 · owner legal@acme.example") {
		t.Fatalf("no pack meta:\n%s", plain)
	}
	if !strings.Contains(plain, "TONE · 2 rules") || !strings.Contains(plain, "✗ bad  Onze synergie!") || !strings.Contains(plain, "✓ good Onze samenwerking!") {
		t.Fatalf("rules by area missing:\n%s", plain)
	}
	press(t, m, "tab")
	plain = stripANSI(m.View())
	if !strings.Contains(plain, "Be kind") || !strings.Contains(plain, "Say sorry when we are wrong.") || strings.Contains(plain, "**sorry**") {
		t.Fatalf("guidelines not rendered as Markdown:\n%s", plain)
	}
	if d := newPane(t, themes.Dark, Options{}); strings.Contains(stripANSI(d.View()), "REVIEW OVERDUE") {
		t.Fatal("banner for a pack not yet due")
	}
}

func TestBrokenPack(t *testing.T) {
	_, err := policy.Load(filepath.Join(t.TempDir(), "missing.yaml"))
	m := newPane(t, themes.Dark, Options{Err: err})
	plain := stripANSI(m.View())
	if !strings.Contains(plain, "could not be loaded") || !strings.Contains(plain, "missing.yaml") {
		t.Fatalf("view:\n%s", plain)
	}
	press(t, m, "enter")
	if m.Capturing() {
		t.Fatal("a pane without a pack started editing")
	}
}

func TestHostileDraft(t *testing.T) {
	m := newPane(t, themes.Dark, Options{})
	drain(t, m, m.SetText("idiot \x1b[31mred\x1b]0;title\x07 \u202eevil\u202c\r\nline"))
	view := m.View()
	if strings.Contains(view, "\x1b]") || strings.Contains(view, "\x07") || strings.Contains(view, "\u202e") || strings.Contains(view, "\x1b[31m") {
		t.Fatalf("control sequences reached the screen: %q", view)
	}
	for i, l := range strings.Split(view, "\n") {
		if w := ansiWidth(l); w != 120 {
			t.Fatalf("line %d is %d wide", i, w)
		}
	}
}

func TestScroll(t *testing.T) {
	m := newPane(t, themes.Dark, Options{})
	top := stripANSI(m.View())
	press(t, m, "j", "j", "j")
	if m.scroll != 3 || stripANSI(m.View()) == top {
		t.Fatalf("scroll = %d", m.scroll)
	}
	press(t, m, "G")
	end := m.scroll
	press(t, m, "j")
	if m.scroll != end || end == 0 {
		t.Fatalf("scrolled past the end: %d then %d", end, m.scroll)
	}
	press(t, m, "g")
	if m.scroll != 0 {
		t.Fatal("g did not go to the top")
	}
}

func TestGolden(t *testing.T) {
	for _, theme := range []string{themes.Dark, themes.Light, themes.HighContrast, themes.Mono} {
		for _, st := range []string{"findings", "guidelines"} {
			t.Run(theme+"/"+st, func(t *testing.T) {
				m := newPane(t, theme, Options{})
				m.SetSize(100, 24)
				drain(t, m, m.SetText("Thanks to our partner Contoso! Mail ana@example.com, you idiot. #sp"))
				press(t, m, "n")
				if st == "guidelines" {
					press(t, m, "tab")
				}
				golden.Check(t, theme+"-"+st, m.View())
			})
		}
	}
}

func ansiWidth(s string) int { return ansi.StringWidth(s) }

func stripANSI(s string) string { return ansi.Strip(s) }
