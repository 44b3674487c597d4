package crisis

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"switchboard/themes"
)

// Dismissing an alert asks first (and why), and u brings it back.
func TestDismissAsksAndUndoes(t *testing.T) {
	f := newFixture(t, themes.Dark, true)
	n := len(f.m.Groups())
	if n == 0 {
		t.Fatal("no alerts on the board")
	}
	f.key("a", "x")
	if plain := ansi.Strip(f.m.View()); !strings.Contains(plain, "Dismiss this alert?") && !strings.Contains(plain, "Dismiss these") {
		t.Fatalf("x did not ask:\n%s", plain)
	}
	f.key("esc")
	if len(f.m.Groups()) != n {
		t.Fatal("esc dismissed the alert")
	}
	f.key("x", "j", "j", "j", "enter") // "Keep it"
	if len(f.m.Groups()) != n {
		t.Fatal("Keep it dismissed the alert")
	}
	f.key("x", "enter") // a false alarm
	if len(f.m.Groups()) != n-1 {
		t.Fatalf("%d groups after dismissing, want %d; toasts %q", len(f.m.Groups()), n-1, f.toasts())
	}
	ds, err := f.s.AlertDismissals()
	if err != nil || len(ds) == 0 {
		t.Fatalf("dismissal not stored: %v %v", ds, err)
	}
	for _, d := range ds {
		if d.Reason != "false alarm" || d.By != "ana" {
			t.Fatalf("dismissal %+v", d)
		}
	}
	f.key("u")
	if len(f.m.Groups()) != n {
		t.Fatalf("u did not bring the alert back; toasts %q", f.toasts())
	}
	if ds, _ := f.s.AlertDismissals(); len(ds) != 0 {
		t.Fatalf("dismissals left after undo: %v", ds)
	}
}
