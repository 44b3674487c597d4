package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddViewKeepsTheFileAndRoundTrips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	orig := "# our team's config\nbrand:\n  name: Acme # the brand\ninbox:\n  teams: [support]\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	v := InboxView{Name: "Angry VIPs", Query: `is:open sentiment:negative followers:>10000 "refund"`, Sort: "followers", Columns: []string{"age", "author", "text"}}
	if err := AddView(path, v); err != nil {
		t.Fatal(err)
	}
	if err := AddView(path, InboxView{Name: "Later", Query: "is:snoozed"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{"# our team's config", "# the brand", "teams: [support]"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the file lost %q:\n%s", want, b)
		}
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got := c.Inbox.Views
	if len(got) != 2 || got[0].Name != v.Name || got[0].Query != v.Query || got[0].Sort != "followers" ||
		strings.Join(got[0].Columns, ",") != "age,author,text" || got[1].Name != "Later" || c.Brand.Name != "Acme" {
		t.Fatalf("views after saving: %+v", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode changed to %v", fi.Mode().Perm())
	}
	if err := AddView(path, InboxView{Name: "Later", Query: "is:done"}); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("a second view of one name: %v", err)
	}
	if err := AddView(path, InboxView{Name: "Bad", Query: "colour:red"}); err == nil || !strings.Contains(err.Error(), "unknown key") {
		t.Errorf("a view that does not parse was saved: %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(b) {
		t.Error("a refused view changed the file")
	}
}

func TestAddViewCreatesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.yaml")
	if err := AddView(path, InboxView{Name: "Mine", Query: "is:mine"}); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil || len(c.Inbox.Views) != 1 || c.Inbox.Views[0].Expr() != "is:mine" {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestViewValidation(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"inbox:\n  views:\n    - name: A\n      query: 'colour:red'\n", `line 3: inbox.views: A: colour:red: unknown key "colour"`},
		{"inbox:\n  views:\n    - name: A\n      query: x\n      filter: y\n", "not both"},
		{"inbox:\n  views:\n    - name: A\n      columns: [age, mood]\n", `column "mood"`},
		{"inbox:\n  views:\n    - name: A\n      sort: random\n", "want newest, oldest, due or followers"},
	} {
		if _, err := Parse([]byte(tc.yaml), ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
