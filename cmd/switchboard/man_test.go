package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestManPageSections(t *testing.T) {
	r := run(t, "", "man")
	if r.code != 0 {
		t.Fatalf("man: %+v", r)
	}
	for _, s := range []string{".SH EXIT STATUS", ".SH FILES", ".SH ENVIRONMENT", ".SH EXAMPLES"} {
		if !strings.Contains(r.stdout, s+"\n") {
			t.Errorf("man page has no %q section", s)
		}
	}
	page := strings.ReplaceAll(r.stdout, `\&.`, ".")
	for _, want := range []string{
		"switchboard/switchboard.db", "~/.local/share/switchboard/switchboard.db",
		"switchboard/config.yaml", "~/.config/switchboard/config.yaml",
		"operators.yaml", "policy pack", "--force",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("man page does not mention %q", want)
		}
	}
	// every SWITCHBOARD_ variable the program reads is documented
	read := regexp.MustCompile(`(?:Getenv|LookupEnv)\("(SWITCHBOARD_[A-Z0-9_]+)"\)`)
	found := 0
	err := filepath.WalkDir(filepath.Join("..", ".."), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range read.FindAllStringSubmatch(string(b), -1) {
			found++
			if !strings.Contains(page, m[1]) {
				t.Errorf("%s reads %s; the man page's ENVIRONMENT does not list it", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Fatal("found no SWITCHBOARD_ variable in the sources: is the walk looking in the right place?")
	}
}
