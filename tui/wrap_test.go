package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	crisiscore "switchboard/crisis"
	"switchboard/domain"
	"switchboard/policy"
	"switchboard/store"
	"switchboard/tui/composer"
	"switchboard/tui/crisis"
	"switchboard/tui/policypane"
)

// These tests drive the whole app at 80×24, the size a new user's
// terminal opens at, with texts longer than a line: every word of them
// must be reachable on some screen (wrapped, or in a region that scrolls
// with a hint saying so), never cut off for good.

// longText is a sentence of about n cells whose words are tagged with
// tag, so a test can tell which of them reached the screen.
func longText(tag string, n int) string {
	var words []string
	for i := 0; len(strings.Join(words, " ")) < n; i++ {
		words = append(words, fmt.Sprintf("%sw%d", tag, i))
	}
	return strings.Join(words, " ")
}

// screens collects the plain screens a test has seen.
type screens struct {
	h   *harness
	all []string
	// from and to, when set, keep only those cells of each line: the
	// column under test, not another that shows the same text
	from, to int
}

func (s *screens) look() string {
	s.h.t.Helper()
	scr := s.h.screen()
	checkSize(s.h.t, scr, 80, 24)
	plain := ansi.Strip(scr)
	if s.to > 0 {
		lines := strings.Split(plain, "\n")
		for i, l := range lines {
			lines[i] = ansi.TruncateLeft(ansi.Truncate(l, s.to, ""), s.from, "")
		}
		plain = strings.Join(lines, "\n")
	}
	s.all = append(s.all, plain)
	return plain
}

func (s *screens) press(n int, keys ...string) {
	for range n {
		s.h.keys(keys...)
		s.look()
	}
}

// missing lists the words of text no screen showed.
func (s *screens) missing(text string) []string {
	seen := strings.Join(s.all, "\n")
	var out []string
	for _, w := range strings.Fields(text) {
		if !strings.Contains(seen, w) {
			out = append(out, w)
		}
	}
	return out
}

func checkSize(t *testing.T, screen string, w, h int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) != h {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), h, ansi.Strip(screen))
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Fatalf("line %d is %d wide, more than %d: %q", i, ansi.StringWidth(l), w, ansi.Strip(l))
		}
	}
}

// TestIncidentChecklistAndTimelineReadable80x24: long checklist items
// wrap, the column scrolls past them to roles and the war room with a
// "↓ more" hint, and long timeline notes wrap and scroll with pgup.
func TestIncidentChecklistAndTimelineReadable80x24(t *testing.T) {
	h := newHarnessWith(t, store.Options{}, seed(6), Options{Crisis: crisis.Factory(crisis.Options{Location: time.UTC})}, 80, 24)
	inc, err := crisiscore.Declare(h.st, nil, "ana", store.IncidentSpec{Title: "Checkout loops back to the cart for every customer paying by card on the mobile app",
		Scenario: domain.ScenarioReputation, Severity: domain.Sev2, Lead: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	var items, notes []string
	for i := range 4 {
		items = append(items, longText(fmt.Sprintf("c%d", i), 110))
		if _, err := h.st.AddChecklistItem("ana", inc.ID, items[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 6 {
		notes = append(notes, longText(fmt.Sprintf("n%d", i), 140))
		if _, err := h.st.IncidentNote("ana", inc.ID, notes[i], false); err != nil {
			t.Fatal(err)
		}
	}
	h.settle()
	h.keys("2")
	h.until("the incident on the board", func() bool { return strings.Contains(h.screen(), "1 open incident") })
	// the board's cards are cut to their column: the line under the
	// board shows the card under the cursor whole
	board := &screens{h: h}
	board.look()
	if miss := board.missing(inc.Title); len(miss) > 0 {
		t.Errorf("the board never shows the whole title of the card under the cursor, missing %q:\n%s", miss, board.all[0])
	}
	h.keys("enter")
	h.until("the incident view", func() bool { return strings.Contains(ansi.Strip(h.screen()), "Checklist") })
	s := &screens{h: h}
	first := s.look()
	for _, want := range []string{"more lines below (↓/j)", "earlier (pgup)", "card on the mobile app"} {
		if !strings.Contains(first, want) {
			t.Errorf("the incident view lacks %q:\n%s", want, first)
		}
	}
	s.press(30, "j")
	if last := s.all[len(s.all)-1]; !strings.Contains(last, "more lines above (↑/k)") || !strings.Contains(last, "security:") {
		t.Errorf("j past the checklist should scroll to the roles, with a hint:\n%s", last)
	}
	s.press(20, "pgup")
	if last := s.all[len(s.all)-1]; !strings.Contains(last, "newer (pgdown)") || !strings.Contains(last, "declared") {
		t.Errorf("pgup should reach the first timeline entry, with a hint of newer ones:\n%s", last)
	}
	for i, text := range append(items, notes...) {
		if miss := s.missing(text); len(miss) > 0 {
			t.Errorf("text %d: words never shown: %q", i, miss)
		}
	}
	// back up, the cursor returns to the checklist and ticks what it shows
	s.press(30, "k")
	h.keys("space")
	got, _ := h.st.Incident(inc.ID)
	if !got.Checklist[0].Done {
		t.Fatalf("k back to the top and space should tick the first item: %+v", got.Checklist[0])
	}
}

// longPack is a policy pack whose rules have long messages and cites:
// rule i matches the word "flagI" and its message and cite are tagged mI
// and cI.
func longPack(t *testing.T, n int) (*policy.Pack, []string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("id: long-texts\nversion: \"1\"\nowner: a-very-long-owner-address-for-the-team@example.com\nreview_by: \"2099-01-31\"\nrules:\n")
	var texts []string
	for i := range n {
		msg, cite := longText(fmt.Sprintf("m%d", i), 120), longText(fmt.Sprintf("k%d", i), 90)
		texts = append(texts, msg, cite)
		fmt.Fprintf(&b, "  - id: rule-%d\n    kind: deny\n    area: tone\n    severity: warn\n    terms: [flag%d]\n    message: %q\n    cite: %q\n    examples: {bad: [\"a flag%d here\"]}\n", i, i, msg, cite, i)
	}
	p, errs := policy.Parse([]byte(b.String()), "long.yaml")
	if len(errs) > 0 {
		t.Fatalf("pack: %v", errs)
	}
	return p, texts
}

// TestPolicyFindingsReadable80x24: in the policy pane at 80×24 the
// selected finding shows its whole message and cite, wrapped; the list
// says how many findings are above and below, and n reaches each.
func TestPolicyFindingsReadable80x24(t *testing.T) {
	pack, texts := longPack(t, 6)
	h := newHarnessWith(t, store.Options{}, seed(3), Options{Policy: policypane.Factory(policypane.Options{Pack: pack, Source: "long.yaml"})}, 80, 24)
	h.keys("3", "enter")
	h.typeText("flag0 flag1 flag2 flag3 flag4 flag5")
	h.keys("esc")
	h.until("the findings", func() bool { return strings.Contains(h.screen(), "6 warn") })
	s := &screens{h: h, to: 44} // the findings, not the rules beside them
	first := s.look()
	if !strings.Contains(first, "more findings below (n)") {
		t.Errorf("the findings list should say more are below:\n%s", first)
	}
	s.press(5, "n")
	if last := s.all[len(s.all)-1]; !strings.Contains(last, "more findings above (N)") {
		t.Errorf("the findings list should say more are above:\n%s", last)
	}
	for i, text := range texts {
		if miss := s.missing(text); len(miss) > 0 {
			t.Errorf("text %d: words never shown: %q", i, miss)
		}
	}
	// the rules beside them: every message and cite wrapped, the column
	// scrolled with j and pgdown, saying what is left below
	rules := &screens{h: h, from: 47, to: 80}
	if first := rules.look(); !strings.Contains(first, "more lines below (↓/j)") {
		t.Errorf("the rules column should say more is below:\n%s", first)
	}
	rules.press(3, "j")
	rules.press(10, "pgdown")
	for i, text := range texts {
		if miss := rules.missing(text); len(miss) > 0 {
			t.Errorf("rules column, text %d: words never shown: %q", i, miss)
		}
	}
}

// TestComposerFindingsReadable80x24: the composer at 80×24 lists the
// findings a line each, the selected one in full with its cite; ctrl+o
// selects the next, and a line says how many more there are.
func TestComposerFindingsReadable80x24(t *testing.T) {
	pack, texts := longPack(t, 10)
	h := newHarnessWith(t, store.Options{}, seed(3), Options{Composer: composer.Factory(composer.Options{Pack: pack, Debounce: time.Millisecond, SaveEvery: time.Millisecond})}, 80, 24)
	h.keys("r")
	h.until("the composer", func() bool { return strings.Contains(ansi.Strip(h.screen()), "Reply to") })
	h.typeText("flag0 flag1 flag2 flag3 flag4 flag5 flag6 flag7 flag8 flag9")
	h.until("the findings", func() bool { return strings.Contains(ansi.Strip(h.screen()), "rule-0") })
	s := &screens{h: h}
	first := s.look()
	if !strings.Contains(first, "more findings · ctrl+o shows the next") {
		t.Errorf("the composer should say more findings are below:\n%s", first)
	}
	s.press(9, "ctrl+o")
	if last := s.all[len(s.all)-1]; !strings.Contains(last, "↑") || !strings.Contains(last, "more findings · ctrl+o") {
		t.Errorf("at the last finding the composer should say more are above:\n%s", last)
	}
	for i, text := range texts {
		if miss := s.missing(text); len(miss) > 0 {
			t.Errorf("text %d: words never shown: %q", i, miss)
		}
	}
}

// TestInboxRowsFitTheWidth: a list row is as wide as the terminal, not a
// cell wider (the text column left no room for its own space).
func TestInboxRowsFitTheWidth(t *testing.T) {
	for _, w := range []int{60, 80, 100, 120, 160} {
		h := newHarness(t, seed(6), nil, "dark", w, 24)
		for i, l := range strings.Split(h.screen(), "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("at %d columns line %d is %d wide: %q", w, i, ansi.StringWidth(l), ansi.Strip(l))
			}
		}
	}
}

// TestNewCountOneNumber80x24: the header's "N new" and the inbox's
// "N new · N" are one number: the new mentions that belong in the view
// shown, not every mention ingested; N shows them and both go.
func TestNewCountOneNumber80x24(t *testing.T) {
	h := newHarness(t, seed(6), nil, "dark", 80, 24)
	h.keys("]", "]", "]", "]")
	if !strings.Contains(ansi.Strip(h.screen()), "▸Negative") {
		t.Fatalf("not on the Negative view:\n%s", ansi.Strip(h.screen()))
	}
	var fresh []domain.Mention
	for i, s := range []float64{-0.7, 0.8, -0.5} {
		m := seed(1)[0]
		m.NativeID, m.Text, m.Sentiment, m.CreatedAt = fmt.Sprint("fresh-", i), fmt.Sprint("fresh mention ", i), s, fixed
		fresh = append(fresh, m)
	}
	if _, err := h.st.Ingest(fresh); err != nil {
		t.Fatal(err)
	}
	h.until("the new marker", func() bool { return strings.Contains(ansi.Strip(h.screen()), "new · N") })
	h.settle()
	lines := strings.Split(ansi.Strip(h.screen()), "\n")
	if !strings.HasSuffix(strings.TrimSpace(lines[0]), "2 new") || !strings.Contains(lines[2], "2 new · N") {
		t.Fatalf("header and status line should both count the 2 negative new mentions:\n%s", strings.Join(lines[:3], "\n"))
	}
	// in another pane the header still says what the inbox will show
	h.keys("3")
	if head := strings.SplitN(ansi.Strip(h.screen()), "\n", 2)[0]; !strings.HasSuffix(strings.TrimSpace(head), "2 new") {
		t.Fatalf("header in pane 3: %q", head)
	}
	h.keys("1", "N")
	if scr := ansi.Strip(h.screen()); strings.Contains(scr, " new") {
		t.Fatalf("after N no new marker should be left:\n%s", scr)
	}
}
