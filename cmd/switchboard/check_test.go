package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runSB runs the built binary (see main_test.go) and returns its output
// and exit status.
func runSB(t testing.TB, stdin string, args ...string) (string, string, int) {
	t.Helper()
	r := run(t, stdin, args...)
	return r.stdout, r.stderr, r.code
}

func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A private reply is a direct message: 363 characters are too many for an
// X post and fine for an X DM; the JSON lengths show the message limits.
func TestCheckCLIPrivateLength(t *testing.T) {
	dir := t.TempDir()
	long := writeFile(t, dir, "long.txt", strings.Repeat("Sorry for the trouble. ", 16)[:363])
	out, _, code := runSB(t, "", "check", "--platform", "x", long)
	if code != 1 || !strings.Contains(out, "too-long: 363 of 280") {
		t.Errorf("public X: code %d out %q", code, out)
	}
	out, _, code = runSB(t, "", "check", "--platform", "x", "--visibility", "private", long)
	if code != 0 || strings.Contains(out, "too-long") {
		t.Errorf("private X: code %d out %q", code, out)
	}
	out, _, code = runSB(t, "", "check", "--platform", "bluesky", "--visibility", "private", "--format", "json", long)
	var doc struct {
		Files []struct {
			Length map[string]struct{ Length, Limit int }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || len(doc.Files) != 1 {
		t.Fatalf("json: %v code %d\n%s", err, code, out)
	}
	l := doc.Files[0].Length
	if l["x"].Limit != 10000 || l["bluesky"].Limit != 1000 || l["reddit"].Limit != 10000 || l["mastodon"].Limit != 500 || l["bluesky"].Length != 363 {
		t.Errorf("private lengths: %+v", l)
	}
}

func TestCheckCLI(t *testing.T) {
	dir := t.TempDir()
	clean := writeFile(t, dir, "clean.txt", "Bedankt voor je geduld! We kijken ernaar.")
	warn := writeFile(t, dir, "warn.txt", "Hallo\n#één #twee #drie #vier launch")
	bad := writeFile(t, dir, "bad.txt", "Hi 👋 café\nWat een sukkel. Mail jan@example.nl")
	legal := writeFile(t, dir, "legal.txt", "We will see you in court.")

	out, _, code := runSB(t, "", "check", clean)
	if code != 0 || out != "" {
		t.Errorf("clean: code %d out %q", code, out)
	}
	out, _, code = runSB(t, "", "check", warn)
	if code != 0 || out != warn+":2:18: warn hashtag-soup: 4 hashtags; use 3 at most\n" {
		t.Errorf("warn: code %d out %q", code, out)
	}
	out, _, code = runSB(t, "", "check", "--reply", bad)
	want := bad + ":2:9: block no-insults: “sukkel” insults the reader; brand accounts never do\n" +
		bad + ":2:22: block pii-email-public: an email address in a public reply; move the conversation to a private message\n"
	if code != 1 || out != want {
		t.Errorf("bad: code %d out %q want %q", code, out, want)
	}
	// private: the e-mail rule does not apply, the insult does.
	out, _, code = runSB(t, "", "check", "--visibility", "private", bad)
	if code != 1 || strings.Contains(out, "pii-email") || !strings.Contains(out, "no-insults") {
		t.Errorf("private: %d %q", code, out)
	}
	// approval: blocks until the role signs off.
	if _, _, code = runSB(t, "", "check", legal); code != 1 {
		t.Errorf("legal unapproved: code %d", code)
	}
	out, _, code = runSB(t, "", "check", "--approved", "legal", legal)
	if code != 0 || !strings.Contains(out, "(approved by legal)") {
		t.Errorf("legal approved: %d %q", code, out)
	}
	// stdin and an override
	out, _, code = runSB(t, "Wat een sukkel.\npolicy:allow no-insults \"quoting the customer\"\n", "check", "-")
	if code != 0 || out != "-:1:9: block no-insults: “sukkel” insults the reader; brand accounts never do (overridden: quoting the customer)\n" {
		t.Errorf("override: %d %q", code, out)
	}
	// JSON: findings and per-platform length and limit.
	out, _, code = runSB(t, "", "check", "--format", "json", "--platform", "x", bad, clean)
	var doc struct {
		Files []struct {
			File     string
			Findings []struct {
				Rule  string
				Start int
				End   int
				Line  int
				Col   int
				Match string
			}
			Length map[string]struct{ Length, Limit int }
		}
		Blocking bool
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 {
		t.Fatalf("json: %v code %d\n%s", err, code, out)
	}
	if len(doc.Files) != 2 || !doc.Blocking || len(doc.Files[0].Findings) != 2 || len(doc.Files[1].Findings) != 0 {
		t.Fatalf("json doc: %+v", doc)
	}
	f := doc.Files[0].Findings[0]
	text, _ := os.ReadFile(bad)
	if string(text[f.Start:f.End]) != f.Match || f.Match != "sukkel" || f.Line != 2 || f.Col != 9 {
		t.Errorf("json finding: %+v", f)
	}
	l := doc.Files[0].Length
	// "Hi 👋 café\nWat een sukkel. Mail jan@example.nl": 45 characters, the emoji weighs 2 on X.
	if l["x"].Length != 46 || l["x"].Limit != 280 || l["mastodon"].Limit != 500 || l["bluesky"].Limit != 300 || l["reddit"].Limit != 10000 || l["mastodon"].Length != 45 {
		t.Errorf("lengths: %+v", l)
	}
	// usage errors
	for _, args := range [][]string{{"check"}, {"check", "--platform", "myspace", clean}, {"check", "--format", "xml", clean}, {"check", "--visibility", "secret", clean}} {
		if _, _, code := runSB(t, "", args...); code != 2 {
			t.Errorf("%v: code %d, want 2", args, code)
		}
	}
	if _, _, code := runSB(t, "", "check", filepath.Join(dir, "missing.txt")); code != 2 {
		t.Errorf("missing file: code %d", code)
	}
}

func TestPolicyCLI(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yaml", `id: acme
version: "2"
owner: social@acme.example
review_by: "2030-01-01"
lists:
  codenames: [Nightjar, "Project Falcon"]
rules:
  - id: codenames
    kind: deny
    severity: block
    lists: [codenames]
    message: "{{match}} is a codename"
    cite: "Acme confidentiality §1"
    examples: {bad: ["Nightjar ships soon"], good: ["Our app ships soon"]}
`)
	broken := writeFile(t, dir, "broken.yaml", `id: acme
version: "2"
rules:
  - id: r
    kind: deny
    severity: critical
    message: m
    terms: [x]
    patterns: ['[z']
`)
	failing := writeFile(t, dir, "failing.yaml", `id: acme
version: "2"
rules:
  - id: r
    kind: deny
    message: m
    cite: c
    terms: [falcon]
    examples: {bad: ["Project Nightjar"], good: ["falcon"]}
`)
	out, _, code := runSB(t, "", "policy", "lint", good)
	if code != 0 || !strings.Contains(out, "ok: acme 2, 1 rules") {
		t.Errorf("lint good: %d %q", code, out)
	}
	out, _, code = runSB(t, "", "policy", "lint", broken)
	if code != 1 || !strings.Contains(out, broken+":6:15: error: rule r: severity") || !strings.Contains(out, broken+":9:16: error: rule r: bad pattern") {
		t.Errorf("lint broken: %d %q", code, out)
	}
	out, _, code = runSB(t, "", "policy", "test", good)
	if code != 0 || !strings.Contains(out, "2 examples, 0 failed") {
		t.Errorf("test good: %d %q", code, out)
	}
	out, _, code = runSB(t, "", "policy", "test", failing)
	if code != 1 || !strings.Contains(out, "FAIL r: bad example not flagged") || !strings.Contains(out, "FAIL r: good example flagged") {
		t.Errorf("test failing: %d %q", code, out)
	}
	// a holding statement or template the pack's own rules block fails
	selfBlocking := writeFile(t, dir, "self.yaml", `id: acme
version: "3"
rules:
  - id: no-pw
    kind: deny
    severity: block
    message: never mention passwords
    cite: c
    terms: [passwords]
templates:
  - id: ack
    title: Ack
    text: "Hi {{author}}, change your passwords now."
playbooks:
  security:
    title: Security
    checklist: [x]
    holding:
      SEV2: "We never ask for passwords."
`)
	out, _, code = runSB(t, "", "policy", "test", selfBlocking)
	if code != 1 || !strings.Contains(out, `FAIL holding security SEV2 is blocked by the pack's own no-pw`) ||
		!strings.Contains(out, `FAIL template ack is blocked by the pack's own no-pw`) || !strings.Contains(out, "2 shipped texts, 2 blocked") {
		t.Errorf("test self-blocking: %d %q", code, out)
	}
	if _, _, code = runSB(t, "", "policy", "test", broken); code != 2 {
		t.Errorf("test broken: code %d", code)
	}
	// The built-in pack passes its own examples.
	if out, _, code = runSB(t, "", "policy", "test"); code != 0 {
		t.Errorf("default pack: %d %q", code, out)
	}
	// check with a custom and a broken pack
	draft := writeFile(t, dir, "d.txt", "Project Falcon lands Friday")
	out, _, code = runSB(t, "", "check", "--policy", good, draft)
	if code != 1 || out != draft+":1:1: block codenames: Project Falcon is a codename\n" {
		t.Errorf("custom pack: %d %q", code, out)
	}
	_, errOut, code := runSB(t, "", "check", "--policy", broken, draft)
	if code != 2 || !strings.Contains(errOut, "severity") {
		t.Errorf("broken pack: %d %q", code, errOut)
	}
	out, _, code = runSB(t, "", "policy", "show")
	if code != 0 || !strings.Contains(out, "PERSONAL-DATA") || !strings.Contains(out, "switchboard-default") {
		t.Errorf("show: %d %q", code, out)
	}
}

// BenchmarkCheck1000Files runs one switchboard check process over 1,000
// draft files (the figure includes process start).
func BenchmarkCheck1000Files(b *testing.B) {
	args := append([]string{"check", "--platform", "x", "--reply"}, benchDrafts(b, b.TempDir())...)
	bin := binary(b)
	b.ResetTimer()
	for b.Loop() {
		cmd := exec.Command(bin, args...)
		out, err := cmd.Output()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || strings.Count(string(out), "\n") != 100 {
			b.Fatalf("err %v, %d lines", err, strings.Count(string(out), "\n"))
		}
	}
}

// check as a person runs it on files: the final newline is not a
// character, a bare-CR file has lines, a missing file is reported without
// losing the others, a directory is its text files, json matches are
// bounded.
func TestCheckCLIFilesAndDirectories(t *testing.T) {
	dir := t.TempDir()
	// exactly 280 characters and the editor's final newline: fits on X
	exact := writeFile(t, dir, "exact.txt", strings.Repeat("a", 279)+".\n")
	out, errOut, code := runSB(t, "", "check", "--platform", "x", exact)
	if code != 0 || out != "" {
		t.Errorf("280 chars + final newline: code %d out %q err %q", code, out, errOut)
	}
	cr := writeFile(t, dir, "cr.txt", "Hello\rThanks for waiting\rOur detox tea\r")
	out, _, code = runSB(t, "", "check", cr)
	if code != 1 || !strings.Contains(out, cr+":3:5: block no-health-claims") {
		t.Errorf("bare CR: code %d out %q", code, out)
	}
	good := writeFile(t, dir, "good.txt", "Thanks, we are on it.")
	missing := filepath.Join(dir, "nosuch.txt")
	out, errOut, code = runSB(t, "", "check", cr, missing, good)
	if code != 2 || !strings.Contains(out, cr+":3:5:") || !strings.Contains(errOut, "nosuch.txt") {
		t.Errorf("missing file: code %d out %q err %q", code, out, errOut)
	}

	tree := filepath.Join(dir, "drafts")
	for _, d := range []string{"a/b", ".git", "c"} {
		if err := os.MkdirAll(filepath.Join(tree, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, tree, "a/b/deep.md", "Guaranteed returns!")
	writeFile(t, tree, "c/top.txt", "Our detox tea")
	writeFile(t, tree, "c/clean.txt", "All good")
	writeFile(t, tree, ".hidden.txt", "Guaranteed returns!")
	writeFile(t, tree, ".git/HEAD", "Guaranteed returns!")
	writeFile(t, tree, "c/logo.png", "\x89PNG\r\n\x1a\n\x00\x00detox")
	out, errOut, code = runSB(t, "", "check", tree)
	want := filepath.Join(tree, "a/b/deep.md") + ":1:1: block no-financial-promises: “Guaranteed returns” is a financial promise regulators treat as misleading\n" +
		filepath.Join(tree, "c/top.txt") + ":1:5: block no-health-claims: “detox” is a health claim that needs substantiation and legal review\n"
	if code != 1 || out != want || errOut != "" {
		t.Errorf("directory: code %d err %q out\n%s\nwant\n%s", code, errOut, out, want)
	}

	long := writeFile(t, dir, "long.txt", strings.Repeat("é", 400))
	out, _, _ = runSB(t, "", "check", "--platform", "x", "--format", "json", long)
	var doc struct {
		Files []struct {
			Findings []struct {
				Rule       string
				Match      string
				Start, End int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Files) != 1 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	found := false
	for _, f := range doc.Files[0].Findings {
		if f.Rule == "too-long" {
			found = true
			if len(f.Match) != 200 || f.End-f.Start != 2*(400-280) {
				t.Errorf("too-long match %d bytes (span %d-%d), want 200", len(f.Match), f.Start, f.End)
			}
		}
	}
	if !found {
		t.Errorf("no too-long finding:\n%s", out)
	}
}

// A draft made from a template with a blank left in is blocked.
func TestCheckCLIUnfilledTemplateField(t *testing.T) {
	dir := t.TempDir()
	draft := writeFile(t, dir, "reply.txt", "Hi {{name}}, we're sorry about the {{service}} outage.\n")
	out, _, code := runSB(t, "", "check", "--platform", "x", "--reply", draft)
	want := draft + ":1:4: block template-field: template field {{name}} is not filled in\n" +
		draft + ":1:36: block template-field: template field {{service}} is not filled in\n"
	if code != 1 || out != want {
		t.Errorf("code %d out\n%s\nwant\n%s", code, out, want)
	}
}
