package inbox

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"switchboard/domain"
	"switchboard/store"
	"switchboard/tui/pane"
)

// runPerson is run that also feeds the person panel's messages.
func runPerson(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			runPerson(m, c)
		}
	case personMsg, detailMsg, pageMsg, countsMsg, refreshedMsg, actionMsg, newMatchedMsg:
		_, next := m.Update(msg)
		runPerson(m, next)
	}
}

// TestDetailShowsThePersonAcrossLinkedPlatforms: the open mention's
// person panel shows the card of every linked contact and their last
// mentions on both platforms, with our replies, and follows changes.
func TestDetailShowsThePersonAcrossLinkedPlatforms(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ms := []domain.Mention{
		{Platform: domain.PlatformMastodon, NativeID: "m1", Author: domain.Author{Handle: "@ana@social.example", Name: "Ana \x1b[31mJansen", Followers: 120},
			Text: "where is my parcel", CreatedAt: now.Add(-3 * time.Hour), Sentiment: -0.4},
		{Platform: domain.PlatformBluesky, NativeID: "b1", Author: domain.Author{Handle: "ana.bsky.social", Name: "Ana Jansen", Followers: 80, Verified: true},
			Text: "still no parcel on bluesky either", CreatedAt: now.Add(-time.Hour), Sentiment: -0.6},
	}
	if _, err := st.Ingest(ms); err != nil {
		t.Fatal(err)
	}
	mk, bk := store.ContactKey(domain.PlatformMastodon, "@ana@social.example"), store.ContactKey(domain.PlatformBluesky, "ana.bsky.social")
	if _, err := st.LinkContacts("ana", mk, bk); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TagContact("ana", mk, "vip"); err != nil {
		t.Fatal(err)
	}
	d, err := st.NewDraft("ana", "mastodon:m1", domain.VisibilityPublic, "so sorry, checking now")
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(t, st, Options{})
	press(m, "j") // the older, Mastodon mention
	_, cmd := m.Update(pane.KeyPress("enter"))
	runPerson(m, cmd)
	v := m.View()
	plain := ansi.Strip(v)
	for _, want := range []string{"Person", "@ana@social.example (mastodon) · ana.bsky.social (bluesky)", "Ana ␛[31mJansen, Ana Jansen · 200 followers · ✓ verified",
		"2 (mast 1, bsky 1)", "vip", "still no parcel on bluesky either", "› ", "where is my parcel", "↳ ana (" + string(d.State) + "): so sorry"} {
		if !strings.Contains(plain, want) {
			t.Fatalf("the person panel lacks %q:\n%s", want, plain)
		}
	}
	if strings.Contains(v, "\x1b[31mJansen") {
		t.Fatal("a display name's escape reached the screen")
	}
	// a note by another session shows as it commits
	if _, err := st.NoteContact("bob", bk, "prefers DMs"); err != nil {
		t.Fatal(err)
	}
	runPerson(m, m.personOnStore(store.Update{Changes: []store.Change{{Kind: store.ChangeContact, ID: bk}}}))
	if plain := ansi.Strip(m.View()); !strings.Contains(plain, "bob: prefers DMs") {
		t.Fatalf("the note does not show:\n%s", plain)
	}
}
