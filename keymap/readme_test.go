package keymap

import (
	"os"
	"strings"
	"testing"
)

// Table is the README's table of every action, as this package has it.
func table() string {
	var b strings.Builder
	b.WriteString("| action | default keys | where | does |\n| --- | --- | --- | --- |\n")
	for _, a := range All() {
		keys := make([]string, len(a.Keys))
		for i, k := range a.Keys {
			keys[i] = "`" + k + "`"
		}
		does := a.Desc
		if a.Doc != "" {
			does = a.Doc
		}
		where := strings.Join(a.Modes, ", ")
		if where == "" {
			where = "·"
		}
		b.WriteString("| `" + a.Name + "` | " + strings.Join(keys, " ") + " | " + where + " | " + does + " |\n")
	}
	return b.String()
}

// TestREADMEListsEveryAction: the README's key table is this package's
// table, row for row (SWITCHBOARD_WRITE_TABLE=1 prints it to paste in).
func TestREADMEListsEveryAction(t *testing.T) {
	want := table()
	if os.Getenv("SWITCHBOARD_WRITE_TABLE") != "" {
		os.Stdout.WriteString(want)
	}
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), want) {
		t.Fatalf("README.md lacks the key table (or it is out of date); it should read:\n%s", want)
	}
}
