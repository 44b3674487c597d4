// Package golden compares what a test produced with a file under the
// package's testdata/ directory; `go test -update` rewrites the files.
// Screens hold escape sequences, so a difference is shown as plain text.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// Check compares got with testdata/name.golden, or writes it there when
// the tests run with -update.
func Check(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; rerun with -update if the change is intended.\n--- got (plain):\n%s\n--- want (plain):\n%s",
			path, ansi.Strip(got), ansi.Strip(string(want)))
	}
}
