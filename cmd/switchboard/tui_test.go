package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession runs the built binary in a detached tmux server of its own
// at a fixed size, as a person would use it.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, cmdline string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: the end-to-end TUI tests need it (apt-get install tmux)")
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("sbtest-%d-%d", os.Getpid(), time.Now().UnixNano())}
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "120", "-y", "32", cmdline)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.tmux("set-option", "-g", "set-clipboard", "on")
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "main") }

// waitFor waits until the screen contains want (or one of the
// alternatives, for outcomes that may be worded either way depending on
// timing). The deadline is generous: CI's two cores may be busy.
func (s *tmuxSession) waitFor(want string, or ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		scr := s.screen()
		for _, w := range append([]string{want}, or...) {
			if strings.Contains(scr, w) {
				return scr
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("screen never showed %q:\n%s", append([]string{want}, or...), scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// keys sends tmux key names one at a time (so ESC is never read as alt).
func (s *tmuxSession) keys(keys ...string) {
	for _, k := range keys {
		s.tmux("send-keys", "-t", "main", k)
		time.Sleep(120 * time.Millisecond)
	}
}

func (s *tmuxSession) text(t string) {
	s.tmux("send-keys", "-t", "main", "-l", t)
	time.Sleep(150 * time.Millisecond)
}

// waitQuit waits for the program to end after q: the session (and its
// tmux server) ends when the program quits.
func waitQuit(t *testing.T, s *tmuxSession) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for exec.Command("tmux", "-L", s.socket, "has-session", "-t", "main").Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func writeJSONL(t *testing.T, path string, n int, text func(i int) string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	platforms := []string{"x", "mastodon", "bluesky", "reddit", "news"}
	base := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Second)
	for i := 0; i < n; i++ {
		b, _ := json.Marshal(map[string]any{
			"platform": platforms[i%5], "id": fmt.Sprint(i), "url": fmt.Sprintf("https://example.com/%d", i),
			"author": map[string]any{"handle": fmt.Sprintf("@user%d", i)}, "text": text(i), "lang": "en",
			"created_at": base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
		})
		fmt.Fprintln(f, string(b))
	}
}

type exported struct {
	Platform string   `json:"platform"`
	ID       string   `json:"id"`
	Tags     []string `json:"tags"`
	Status   string   `json:"status"`
	Team     string   `json:"team"`
	Assignee string   `json:"assignee"`
}

func exportState(t *testing.T, db string) map[string]exported {
	t.Helper()
	r := run(t, "", "export", "--db", db)
	if r.code != 0 {
		t.Fatalf("export: %d %s", r.code, r.stderr)
	}
	out := map[string]exported{}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e exported
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out[e.Platform+":"+e.ID] = e
	}
	return out
}

// TestTUIEndToEnd imports a file, then in the real binary under tmux:
// searches, filters, tags, assigns a selection, marks it done, undoes,
// marks one done, quits; export must show exactly that state.
func TestTUIEndToEnd(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, 12, func(i int) string {
		if i%3 == 0 {
			return fmt.Sprintf("I want a refund for order %d", i)
		}
		return fmt.Sprintf("nice product number %d", i)
	})
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("inbox:\n  operators: [ben]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --config %s --theme mono", bin, db, cfg))
	s.waitFor("● live")
	s.keys("/")
	s.text("refund")
	s.keys("Enter")
	s.waitFor("search: refund")
	s.keys("f")
	s.text("platform:x,mastodon")
	s.keys("Enter")
	scr := s.waitFor("filter: platform:x,mastodon")
	if !strings.Contains(scr, "@user6") || !strings.Contains(scr, "@user0") || strings.Contains(scr, "@user3 ") {
		t.Fatalf("search+filter rows wrong:\n%s", scr)
	}
	s.keys("t")
	s.text("refund")
	s.keys("Enter")
	s.waitFor("tagged 1 mention refund")
	s.keys("Space", "Space")
	s.waitFor("2 selected")
	s.keys("a")
	s.text("bem") // a typo: no such operator
	s.keys("Enter")
	s.waitFor("“bem” is not an operator or team")
	s.keys("BSpace")
	s.text("n")
	s.keys("Enter")
	s.waitFor("assigned 2 mentions to ben")
	s.keys("Space", "k", "Space")
	s.waitFor("2 selected")
	s.keys("x")
	s.waitFor("marked 2 mentions done")
	s.keys("u")
	s.waitFor("undid your last action (2 changes)")
	s.keys("g")
	s.waitFor("@user6")
	s.keys("x")
	s.waitFor("marked 1 mention done")
	s.keys("q")
	waitQuit(t, s)

	got := exportState(t, db)
	if len(got) != 12 {
		t.Fatalf("export has %d mentions", len(got))
	}
	want := map[string]exported{
		"mastodon:6": {Tags: []string{"refund"}, Status: "done", Assignee: "ben"},
		"x:0":        {Status: "open", Assignee: "ben"},
	}
	for k, e := range got {
		w, ok := want[k]
		if !ok {
			w = exported{Status: "open"}
		}
		if strings.Join(e.Tags, ",") != strings.Join(w.Tags, ",") || e.Status != w.Status || e.Team != w.Team || e.Assignee != w.Assignee {
			t.Errorf("%s: got tags=%v status=%s team=%q assignee=%q, want tags=%v status=%s assignee=%q",
				k, e.Tags, e.Status, e.Team, e.Assignee, w.Tags, w.Status, w.Assignee)
		}
	}
}

// TestTUIHostileText imports mentions that try to set the title, clear
// the screen, write the clipboard (OSC 52), move the cursor and reorder
// text with bidi controls; the pane title, the clipboard and the rest of
// the screen must be untouched.
func TestTUIHostileText(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	hostile := []string{
		"\x1b]0;PWNED-TITLE\x07 title",
		"\x1b[2J\x1b[H clear screen",
		"\x1b]52;c;RVZJTC1DTElQ\x07 clipboard",
		"\x1b[5;5H\x1b[1A\x1b[31m cursor moves",
		"\u202eevil\u202c bidi \u2066iso\u2069",
	}
	writeJSONL(t, in, len(hostile), func(i int) string { return hostile[i] })
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --theme dark; sleep 60", bin, db))
	scr := s.waitFor("● live")
	check := func(scr string) {
		t.Helper()
		if title := strings.TrimSpace(s.tmux("display", "-p", "-t", "main", "#{pane_title}")); title != "switchboard" {
			t.Fatalf("pane title changed to %q", title)
		}
		if buf, _ := exec.Command("tmux", "-L", s.socket, "show-buffer").CombinedOutput(); strings.Contains(string(buf), "EVIL-CLIP") {
			t.Fatal("OSC 52 reached the clipboard")
		}
		lines := strings.Split(scr, "\n")
		if !strings.HasPrefix(strings.TrimSpace(lines[0]), "switchboard") {
			t.Fatalf("header overwritten:\n%s", scr)
		}
	}
	check(scr)
	for _, want := range []string{"␛]0;PWNED-TITLE␇", "␛[2J␛[H", "␛]52;c;RVZJTC1DTElQ␇", "␛[5;5H", "⸮evil⸮ bidi ⸮iso⸮"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("hostile text %q not shown as visible symbols:\n%s", want, scr)
		}
	}
	// every row keeps its columns: the status column lines up on all rows
	col := -1
	for _, l := range strings.Split(scr, "\n") {
		if i := strings.Index(l, " open "); i >= 0 && strings.Contains(l, "@user") {
			w := len([]rune(l[:i]))
			if col >= 0 && w != col {
				t.Fatalf("columns broken (status at %d, then %d):\n%s", col, w, scr)
			}
			col = w
		}
	}
	for range hostile {
		s.keys("Enter")
		check(s.waitFor("History"))
		s.keys("Escape")
		s.waitFor("● live")
		s.keys("j")
	}
	s.keys("q")
}

// TestTUIAt80x24 runs the app in a terminal of 80×24, the size a new
// user's opens at: ? shows every key of the inbox (groups that do not fit
// side by side go below them), and an incident's checklist items wrap
// instead of being cut, with the column scrolling past them.
func TestTUIAt80x24(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	db, in := filepath.Join(dir, "sb.db"), filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, 6, func(i int) string { return fmt.Sprintf("the app is down again, order %d", i) })
	if r := run(t, "", "import", "--db", db, in); r.code != 0 {
		t.Fatalf("import: %s %s", r.stdout, r.stderr)
	}
	s := newTmux(t, fmt.Sprintf("env TERM=xterm-256color %s --db %s --theme mono", bin, db))
	s.tmux("resize-window", "-t", "main", "-x", "80", "-y", "24")
	s.waitFor("● live")
	s.keys("?")
	// the last group of the inbox's keys: cut off at 80 columns before
	s.waitFor("ctrl+r reload")
	s.keys("?", "2", "n")
	s.text("Checkout loops back to the cart for every customer paying by card")
	s.keys("Enter", "Enter", "Enter")
	scr := s.waitFor("replying; do not argue in")
	if !strings.Contains(scr, "more lines below") {
		t.Fatalf("the incident's left column should say more is below:\n%s", scr)
	}
	for range 12 {
		s.keys("j")
	}
	s.waitFor("War room")
	s.keys("q")
	waitQuit(t, s)
}
