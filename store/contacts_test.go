package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

func by(p domain.Platform, id, handle, name string, followers int64, at time.Time, sentiment float64) domain.Mention {
	return domain.Mention{Platform: p, NativeID: id, Author: domain.Author{Handle: handle, Name: name, Followers: followers},
		Text: "about acme " + id, CreatedAt: at, Sentiment: sentiment}
}

func mustCheck(t *testing.T, s *Store) {
	t.Helper()
	probs, err := s.Check()
	if err != nil || len(probs) > 0 {
		t.Fatalf("db check: %v %v", probs, err)
	}
}

func oneContact(t *testing.T, s *Store, spec string) Contact {
	t.Helper()
	cs, err := s.FindContacts(spec)
	if err != nil || len(cs) != 1 {
		t.Fatalf("FindContacts(%q) = %+v, %v", spec, cs, err)
	}
	return cs[0]
}

// TestContactCountersAtIngest: every author is a contact whose counters
// change with each mention in the ingest's transaction, out of order
// too, and follow a refresh that moves a mention to another handle.
func TestContactCountersAtIngest(t *testing.T) {
	s := openTemp(t, Options{})
	ana := "@ana@social.example"
	_, err := s.Ingest([]domain.Mention{
		by(domain.PlatformMastodon, "2", ana, "Ana", 120, t0.Add(48*time.Hour), -0.5),
		by(domain.PlatformMastodon, "1", "@Ana@Social.Example", "Ana B.", 100, t0, 0.25),
		by(domain.PlatformMastodon, "3", ana, "Ana", 130, t0.Add(8*24*time.Hour), 0.1),
		by(domain.PlatformX, "9", "@bob", "Bob", 5, t0, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := oneContact(t, s, ana)
	if c.Mentions != 3 || !c.FirstSeen.Equal(t0) || !c.LastSeen.Equal(t0.Add(8*24*time.Hour)) {
		t.Fatalf("counters: %+v", c)
	}
	if c.Followers != 130 || c.Handle != ana || !slices.Equal(c.Names, []string{"Ana", "Ana B."}) {
		t.Fatalf("profile is not the newest mention's: %+v", c)
	}
	if c.SentimentSum != -150 || fmt.Sprintf("%.2f", c.Sentiment()) != "-0.05" {
		t.Fatalf("sentiment: %+v %v", c, c.Sentiment())
	}
	card, err := s.ContactCard(c.Key(), 10)
	if err != nil {
		t.Fatal(err)
	}
	// t0 is a Friday: its week began on Monday 16 November; +48h is in it, +8d is not
	if len(card.Weeks) != 2 || card.Weeks[0].Monday.Format(time.DateOnly) != "2026-11-16" || card.Weeks[0].Mentions != 2 ||
		fmt.Sprintf("%.3f", card.Weeks[0].Average) != "-0.125" || card.Weeks[1].Mentions != 1 {
		t.Fatalf("weeks: %+v", card.Weeks)
	}
	if len(card.Recent) != 3 || card.Recent[0].NativeID != "3" || card.Recent[2].NativeID != "1" {
		t.Fatalf("recent mentions: %+v", card.Recent)
	}
	mustCheck(t, s)

	// a re-fetch that moves mention 3 to another handle: both contacts follow
	moved := by(domain.PlatformMastodon, "3", "@ana2@social.example", "Ana", 130, t0.Add(8*24*time.Hour), 0.1)
	if _, err := s.Ingest([]domain.Mention{moved}); err != nil {
		t.Fatal(err)
	}
	c = oneContact(t, s, ana)
	if c.Mentions != 2 || !c.LastSeen.Equal(t0.Add(48*time.Hour)) || c.SentimentSum != -250 {
		t.Fatalf("after the move: %+v", c)
	}
	if c2 := oneContact(t, s, "@ana2@social.example"); c2.Mentions != 1 {
		t.Fatalf("the new handle: %+v", c2)
	}
	mustCheck(t, s)
}

// TestLinkedContactsShareOneHistory: a cross-platform link shows in both
// contacts' cards (mentions, history), author: follows it, and unlinking
// and undo are audited.
func TestLinkedContactsShareOneHistory(t *testing.T) {
	s := openTemp(t, Options{})
	_, err := s.Ingest([]domain.Mention{
		by(domain.PlatformMastodon, "1", "@ana@social.example", "Ana Jansen", 120, t0, -0.4),
		by(domain.PlatformBluesky, "b1", "ana.bsky.social", "Ána  Jansen", 80, t0.Add(time.Hour), 0.2),
		by(domain.PlatformBluesky, "b2", "ana.bsky.social", "Ána  Jansen", 81, t0.Add(2*time.Hour), 0.2),
		by(domain.PlatformX, "x1", "@someone", "Someone", 1, t0, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	m, b := ContactKey(domain.PlatformMastodon, "@ana@social.example"), ContactKey(domain.PlatformBluesky, "ana.bsky.social")
	card, _ := s.ContactCard(m, 10)
	if len(card.Suggestions) != 1 || card.Suggestions[0].Contact.Key() != b {
		t.Fatalf("the same display name should be suggested, not linked: %+v", card.Suggestions)
	}
	if n, _, _ := s.Count(Filter{Authors: []string{"@ana@social.example"}}, 0); n != 1 {
		t.Fatalf("author: before linking matches %d", n)
	}
	evs, err := s.LinkContacts("vera", m, b)
	if err != nil || len(evs) != 2 {
		t.Fatalf("link: %v %v", evs, err)
	}
	for _, key := range []string{m, b} {
		card, err := s.ContactCard(key, 10)
		if err != nil {
			t.Fatal(err)
		}
		if card.Mentions != 3 || len(card.Recent) != 3 || len(card.Contacts) != 2 || card.Contacts[0].Key() != key ||
			card.Followers != 201 || len(card.Suggestions) != 0 {
			t.Fatalf("card of %s: %+v", key, card.Person)
		}
		if len(card.History) != 2 || card.History[0].Actor != "vera" || card.History[0].Kind != domain.EventLink {
			t.Fatalf("history of %s: %+v", key, card.History)
		}
	}
	for _, a := range []string{"@ana@social.example", "ANA.bsky.social"} {
		if n, _, _ := s.Count(Filter{Authors: []string{a}}, 0); n != 3 {
			t.Fatalf("author:%s after linking matches %d, want 3", a, n)
		}
		n := 0
		if err := s.Each(Filter{Authors: []string{a}}, func(*domain.Mention) bool { n++; return true }); err != nil || n != 3 {
			t.Fatalf("Each author:%s after linking yields %d (%v), want 3 as Count", a, n, err)
		}
		p, _ := s.Query(Filter{Authors: []string{a}, Oldest: true}, "", 10)
		if len(p.Mentions) != 3 || p.Mentions[0].NativeID != "1" {
			t.Fatalf("author:%s query: %+v", a, p.Mentions)
		}
	}
	// Matches, for a mention in hand, follows links once the filter is expanded
	f := s.ExpandAuthors(Filter{Authors: []string{"@ana@social.example"}})
	nb := by(domain.PlatformBluesky, "b9", "ana.bsky.social", "", 0, t0, 0)
	if !f.Matches(&nb) {
		t.Fatalf("expanded filter %v does not match the linked handle", f.Authors)
	}
	if _, err := s.TagContact("vera", b, "vip"); err != nil {
		t.Fatal(err)
	}
	if card, _ := s.ContactCard(m, 0); !slices.Equal(card.Tags, []string{"vip"}) {
		t.Fatalf("a tag is the person's: %v", card.Tags)
	}
	if _, err := s.TagContact("vera", m, "vip"); !errors.Is(err, ErrNoChange) {
		t.Fatalf("tagging the person again: %v", err)
	}
	// undo the tag, then the link
	if _, err := s.UndoContact("vera"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo("vera"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.Count(Filter{Authors: []string{"@ana@social.example"}}, 0); n != 1 {
		t.Fatalf("author: after undoing the link matches %d", n)
	}
	mustCheck(t, s)
	// unlink a group of three: the last two stay linked
	x := ContactKey(domain.PlatformX, "@someone")
	s.LinkContacts("vera", m, b)
	s.LinkContacts("vera", x, b)
	if card, _ := s.ContactCard(x, 0); len(card.Contacts) != 3 {
		t.Fatalf("three linked: %+v", card.Contacts)
	}
	if _, err := s.UnlinkContacts("vera", m); err != nil {
		t.Fatal(err)
	}
	if card, _ := s.ContactCard(x, 0); len(card.Contacts) != 2 {
		t.Fatalf("after unlinking one of three: %+v", card.Contacts)
	}
	if _, err := s.UnlinkContacts("vera", x); err != nil {
		t.Fatal(err)
	}
	if card, _ := s.ContactCard(b, 0); len(card.Contacts) != 1 || card.Group != "" {
		t.Fatalf("a group of one is dissolved: %+v", card.Person)
	}
	mustCheck(t, s)
}

func TestContactWritesNeedTriage(t *testing.T) {
	s := openTemp(t, Options{Authorize: func(actor string, p domain.Permission) error {
		if actor == "vera" {
			return fmt.Errorf("vera is a viewer")
		}
		return nil
	}})
	s.Ingest([]domain.Mention{by(domain.PlatformX, "1", "@a", "A", 0, t0, 0), by(domain.PlatformX, "2", "@b", "B", 0, t0, 0)})
	a, b := ContactKey(domain.PlatformX, "@a"), ContactKey(domain.PlatformX, "@b")
	for _, err := range []error{
		func() error { _, err := s.TagContact("vera", a, "vip"); return err }(),
		func() error { _, err := s.NoteContact("vera", a, "hi"); return err }(),
		func() error { _, err := s.LinkContacts("vera", a, b); return err }(),
	} {
		if !errors.Is(err, ErrForbidden) {
			t.Fatalf("a viewer's write: %v", err)
		}
	}
	if _, err := s.NoteContact("ana", a, "called her"); err != nil {
		t.Fatal(err)
	}
}

// TestCheckFindsDamagedContact: db check recounts every contact from the
// mentions.
func TestCheckFindsDamagedContact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Ingest([]domain.Mention{by(domain.PlatformX, "1", "@a", "A", 0, t0, 0.5), by(domain.PlatformX, "2", "@a", "A", 0, t0.Add(time.Hour), 0)})
	mustCheck(t, s)
	err = s.db.Update(func(tx *bolt.Tx) error {
		k := []byte(ContactKey(domain.PlatformX, "@a"))
		var c Contact
		json.Unmarshal(tx.Bucket(bContacts).Get(k), &c)
		c.Mentions = 7
		b, _ := json.Marshal(c)
		return tx.Bucket(bContacts).Put(k, b)
	})
	if err != nil {
		t.Fatal(err)
	}
	probs, _ := s.Check()
	if len(probs) != 1 || !strings.Contains(probs[0].String(), "counter mentions is 7, the records give 2") {
		t.Fatalf("problems: %v", probs)
	}
	s.Close()
}

// TestContactsBackfilledForAnOlderStore: a store written before contacts
// gets them, and the author index, at its first open.
func TestContactsBackfilledForAnOlderStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Ingest([]domain.Mention{by(domain.PlatformX, "1", "@a", "A", 0, t0, 0.5), by(domain.PlatformReddit, "2", "u_b", "B", 0, t0, 0)})
	s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bContacts, bContactGroups, bContactNames, []byte("ix_author")} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	s.Close()
	s, err = Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustCheck(t, s)
	if c := oneContact(t, s, "@a"); c.Mentions != 1 {
		t.Fatalf("backfilled: %+v", c)
	}
}

func TestContactRecordsRoundTrip(t *testing.T) {
	s := openTemp(t, Options{})
	s.Ingest([]domain.Mention{by(domain.PlatformX, "1", "@a", "A", 0, t0, 0), by(domain.PlatformBluesky, "2", "a.bsky.social", "A", 0, t0, 0),
		by(domain.PlatformX, "3", "@c", "C", 0, t0, 0)})
	a, b := ContactKey(domain.PlatformX, "@a"), ContactKey(domain.PlatformBluesky, "a.bsky.social")
	s.LinkContacts("ana", b, a)
	s.TagContact("ana", a, "vip", "journalist")
	s.NoteContact("ana", b, "prefers DMs")
	recs, err := s.ContactRecords(nil)
	if err != nil || len(recs) != 2 || recs[0].Link != b || recs[1].Link != b || len(recs[1].Tags) != 2 {
		t.Fatalf("records: %+v %v", recs, err)
	}
	s2 := openTemp(t, Options{})
	if _, err := s2.ImportContacts(recs); err != nil {
		t.Fatal(err)
	}
	recs2, _ := s2.ContactRecords(nil)
	if fmt.Sprint(recs) != fmt.Sprint(recs2) {
		t.Fatalf("round trip:\n%+v\n%+v", recs, recs2)
	}
	mustCheck(t, s2) // contacts without mentions yet, with what operators set
	s2.Ingest([]domain.Mention{by(domain.PlatformX, "1", "@A", "A", 0, t0, 0)})
	if c := oneContact(t, s2, "x:@a"); c.Mentions != 1 || len(c.Tags) != 2 {
		t.Fatalf("a mention arriving after its contact: %+v", c)
	}
	mustCheck(t, s2)
	// a filtered set keeps the linked contacts together
	if recs, _ := s.ContactRecords(map[string]bool{b: true}); len(recs) != 2 {
		t.Fatalf("records of one linked contact: %+v", recs)
	}
}

func TestConfigTagsShowAndStay(t *testing.T) {
	s := openTemp(t, Options{ContactTags: func(p domain.Platform, h string) []string {
		if foldHandle(h) == "journo" {
			return []string{"journalist"}
		}
		return nil
	}})
	s.Ingest([]domain.Mention{by(domain.PlatformX, "1", "@journo", "J", 0, t0, 0)})
	k := ContactKey(domain.PlatformX, "@journo")
	card, _ := s.ContactCard(k, 0)
	if !slices.Equal(card.Tags, []string{"journalist"}) || !slices.Equal(card.ConfigTags, []string{"journalist"}) {
		t.Fatalf("config tags: %+v", card.Person)
	}
	if _, err := s.UntagContact("ana", k, "journalist"); !errors.Is(err, ErrConfigTag) {
		t.Fatalf("untagging a config tag: %v", err)
	}
}
