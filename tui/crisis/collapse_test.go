package crisis

import (
	"testing"
	"time"

	"switchboard/crisis"
)

func TestCollapseLinks(t *testing.T) {
	at := time.Date(2026, 11, 24, 3, 57, 10, 0, time.UTC)
	e := func(sec int, actor string, kind crisis.EntryKind, text string) crisis.Entry {
		return crisis.Entry{At: at.Add(time.Duration(sec) * time.Second), Actor: actor, Kind: kind, Text: text}
	}
	in := []crisis.Entry{
		e(0, "ana", crisis.EntryDeclared, "declared: spike"),
		e(1, "ana", crisis.EntryMention, "linked x:1"),
		e(1, "ana", crisis.EntryMention, "linked x:2"),
		e(2, "ana", crisis.EntryMention, "linked x:3"),
		e(3, "bob", crisis.EntryMention, "linked x:4"),    // another operator: its own line
		e(70, "bob", crisis.EntryMention, "linked x:5"),   // a minute later: its own line
		e(71, "bob", crisis.EntryMention, "unlinked x:5"), // not a link
		e(72, "bob", crisis.EntryMention, "linked x:6"),
	}
	var got []string
	for _, x := range collapseLinks(in) {
		got = append(got, x.Actor+" "+x.Text)
	}
	want := []string{"ana declared: spike", "ana linked 3 mentions", "bob linked x:4", "bob linked x:5", "bob unlinked x:5", "bob linked x:6"}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}
