package words

import (
	"testing"
	"time"
)

func TestPlural(t *testing.T) {
	for _, c := range []struct {
		n    int
		one  string
		want string
	}{
		{1, "mention", "1 mention"},
		{2, "mention", "2 mentions"},
		{0, "mention", "0 mentions"},
		{1204, "mention", "1,204 mentions"},
		{1, "open incident", "1 open incident"},
		{3, "open incident", "3 open incidents"},
		{2, "fix", "2 fixes"},
		{2, "match", "2 matches"},
		{2, "reply", "2 replies"},
		{2, "day", "2 days"},
		{2, "flagged impostor", "2 flagged impostors"},
	} {
		if got := Plural(c.n, c.one); got != c.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", c.n, c.one, got, c.want)
		}
	}
	if got := PluralOf(2, "person", "people"); got != "2 people" {
		t.Errorf("PluralOf: %q", got)
	}
}

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{time.Minute, "1 minute"},
		{30 * time.Minute, "30 minutes"},
		{time.Hour, "1 hour"},
		{4 * time.Hour, "4 hours"},
		{24 * time.Hour, "1 day"},
		{48 * time.Hour, "2 days"},
		{36 * time.Hour, "36 hours"},
		{time.Second, "1 second"},
		{-2 * time.Minute, "2 minutes"},
	} {
		if got := Duration(c.d); got != c.want {
			t.Errorf("Duration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestShort(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0m", 25 * time.Minute: "25m", 70 * time.Minute: "1h10m", 2 * time.Hour: "2h",
		48 * time.Hour: "2d", 51 * time.Hour: "2d3h", 89 * time.Second: "1m", 91 * time.Second: "2m",
	} {
		if got := Short(d); got != want {
			t.Errorf("Short(%v) = %q, want %q", d, got, want)
		}
	}
}
