package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// main builds only the check command for `switchboard check …`
// (checkOnly); every outcome must be what the whole command tree gives:
// findings, JSON, usage errors, unknown flags, broken packs, unreadable
// files, standard input.
func TestCheckOnlyRootSameAsWholeTree(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir) // no config file: the built-in pack
	bad := writeFile(t, dir, "bad.txt", "You idiot, DM me your password at https://bit.ly/x")
	clean := writeFile(t, dir, "clean.txt", "Bedankt voor je geduld! We kijken ernaar.")
	broken := writeFile(t, dir, "broken.yaml", "id: x\nrules:\n  - id: r\n    kind: nope\n")
	cases := [][]string{
		{"check", "--platform", "x", "--reply", bad, clean},
		{"check", clean},
		{"check", "--format", "json", bad},
		{"check", "--platform", "nope", clean},
		{"check", "--frobnicate", clean},
		{"check"},
		{"check", "--policy", broken, clean},
		{"check", dir, filepath.Join(dir, "missing.txt")},
		{"check", "-"},
		{"check", "--", "-h"},
		{"check", "--approved", "legal,comms", "--lang", "nl", bad},
	}
	seen := map[int]bool{}
	for _, args := range cases {
		if !checkOnly(args) {
			t.Fatalf("%q: checkOnly false", args)
		}
		runRoot := func(root *cobra.Command) (string, string, int) {
			var out, errOut bytes.Buffer
			root.SetArgs(args)
			root.SetOut(&out)
			root.SetErr(&errOut)
			root.SetIn(strings.NewReader("Onze excuses, idiot.\n"))
			code := execute(context.Background(), root)
			return out.String(), errOut.String(), code
		}
		out, errOut, code := runRoot(newRootWith(&globals{}, []func(*globals) *cobra.Command{newCheckCmd}))
		wOut, wErr, wCode := runRoot(newRoot())
		if out != wOut || errOut != wErr || code != wCode {
			t.Errorf("%q:\ncheck only: %d %q %q\nwhole tree: %d %q %q", args, code, out, errOut, wCode, wOut, wErr)
		}
		if out+errOut == "" && code != 0 {
			t.Errorf("%q: exit %d and nothing said", args, code)
		}
		t.Logf("%q: exit %d, %d+%d bytes", args, code, len(out), len(errOut))
		seen[code] = true
	}
	if !seen[0] || !seen[1] || !seen[2] {
		t.Errorf("exit statuses seen %v, want 0, 1 and 2", seen)
	}
	for _, args := range [][]string{{"check", "-h"}, {"check", "x.txt", "--help"}, {"--db", "x", "check"}, {"policy", "check"}, nil} {
		if checkOnly(args) {
			t.Errorf("%q: checkOnly true (help lists the other commands; only `check` first is check)", args)
		}
	}
}

// isText: valid UTF-8 with no NUL in the first 8 KiB; a rune cut off at
// the end of the file (or of the 8 KiB looked at) is still text.
func TestIsText(t *testing.T) {
	long := strings.Repeat("a", 8191) + "é" // é cut in two by the 8 KiB head
	for _, c := range []struct {
		data string
		want bool
	}{
		{"", true},
		{"Bedankt! Café open tot 22:00 🙂", true},
		{"cut off \xc3", true},
		{"cut off \xf0\x9f\x99", true},
		{long, true},
		{strings.Repeat("a", 8190) + "🙂", true}, // the emoji cut after 2 of its 4 bytes
		{"cut \xf0\x9f\x99 then more", false},
		{"bad \xc3 middle", false},
		{"\xff\xfe", false},
		{"nul \x00 byte", false},
		{strings.Repeat("a", 9000) + "\x00", true}, // after the first 8 KiB
		{"overlong \xc0\xaf", false},
		{"surrogate \xed\xa0\x80", false},
	} {
		if got := isText([]byte(c.data)); got != c.want {
			t.Errorf("isText(%q…) = %v, want %v", c.data[:min(len(c.data), 20)], got, c.want)
		}
	}
}
