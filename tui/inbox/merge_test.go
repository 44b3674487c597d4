package inbox

import (
	"testing"

	"switchboard/config"
	"switchboard/store"
)

// TestMergeSelectionIntoOneConversation: M marks the selection as one
// conversation (the earliest mention's key), conversation:KEY lists it,
// and u undoes it.
func TestMergeSelectionIntoOneConversation(t *testing.T) {
	st := openStore(t, 5)
	m := newModel(t, st, Options{Views: []config.InboxView{{Name: "all"}}})
	press(m, "M")
	for range 3 {
		press(m, "space")
	}
	press(m, "M")
	all, _ := st.Query(store.Filter{}, "", 10)
	// newest first: the three selected are the newest three; the
	// earliest of them is the third
	want := all.Mentions[2].Key()
	for i, x := range all.Mentions {
		got := x.State.Conversation
		if i < 3 && got != want || i >= 3 && got != "" {
			t.Fatalf("mention %d (%s): conversation %q, want %q for the first three", i, x.Key(), got, want)
		}
	}
	if n, _, _ := st.Count(store.Filter{Conversations: []string{want}}, 0); n != 3 {
		t.Fatalf("conversation:%s counts %d", want, n)
	}
	q, err := m.parse("conversation:" + want)
	if err != nil || len(q.Filter.Conversations) != 1 {
		t.Fatalf("query: %+v %v", q, err)
	}
	press(m, "u")
	if n, _, _ := st.Count(store.Filter{Conversations: []string{want}}, 0); n != 0 {
		t.Fatalf("after undo %d are still merged", n)
	}
}
