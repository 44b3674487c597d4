package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/domain"
)

// impostorStore has a mention by @brand_support (the impostor) and one by
// a customer, on Mastodon.
func impostorStore(t *testing.T, opts Options) (*Store, domain.Mention, domain.Mention) {
	t.Helper()
	s := openTemp(t, opts)
	imp := mention(domain.PlatformMastodon, "66", t0, "DM us your card number for a FREE refund")
	imp.Author = domain.Author{Handle: "@brand_support", Name: "✔ Brand Support"}
	cust := mention(domain.PlatformMastodon, "67", t0, "is @brand_support really you?")
	if _, err := s.Ingest([]domain.Mention{imp, cust}); err != nil {
		t.Fatal(err)
	}
	imp, _ = s.GetByKey(imp.Key())
	cust, _ = s.GetByKey(cust.Key())
	return s, imp, cust
}

func TestNoDraftOfAnyKindToAFlaggedImpostor(t *testing.T) {
	s, imp, cust := impostorStore(t, Options{})
	if _, err := s.FlagImpostor("ana", Impostor{Platform: domain.PlatformMastodon, Handle: "@Brand_Support", Reason: "look-alike", Incident: "INC-3"}); err != nil {
		t.Fatal(err)
	}
	for _, vis := range []domain.Visibility{domain.VisibilityPublic, domain.VisibilityPrivate} {
		d, err := s.NewDraft("ana", imp.Key(), vis, "We are sorry to hear that")
		if !errors.Is(err, ErrImpostor) || d.ID != "" {
			t.Fatalf("%s draft to the impostor: %+v, %v", vis, d, err)
		}
		if want := "refused: @brand_support is flagged as impersonating the brand (incident INC-3)"; err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
	}
	if ds, _ := s.DraftsFor(imp.Key()); len(ds) != 0 {
		t.Fatalf("drafts stored: %+v", ds)
	}
	// the customer who asked about it is answered as usual
	if _, err := s.NewDraft("ana", cust.Key(), domain.VisibilityPublic, "That account is not ours; please report it."); err != nil {
		t.Fatal(err)
	}
	// the same handle on another platform is someone else
	other := mention(domain.PlatformX, "68", t0, "hello")
	other.Author.Handle = "@brand_support"
	if _, err := s.Ingest([]domain.Mention{other}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NewDraft("ana", other.Key(), domain.VisibilityPublic, "hi"); err != nil {
		t.Fatalf("X author with the same handle: %v", err)
	}
	evs, _ := s.Events("mastodon:@Brand_Support")
	if len(evs) != 1 || evs[0].Kind != domain.EventImpostor || evs[0].Actor != "ana" || !strings.Contains(evs[0].After, "INC-3") {
		t.Fatalf("audit %+v", evs)
	}
}

func TestQueueRefusedWhenFlaggedAfterDrafting(t *testing.T) {
	s, imp, _ := impostorStore(t, Options{})
	pub := mk(t)(s.NewDraft("ana", imp.Key(), domain.VisibilityPublic, "Thanks for reaching out"))
	dm := mk(t)(s.NewDraft("ana", imp.Key(), domain.VisibilityPrivate, "Could you send us more details?"))
	// the incident is declared while the drafts sit there: linking the
	// mention names it on the refusal
	if _, err := s.FlagImpostor("ana", Impostor{Platform: imp.Platform, Handle: imp.Author.Handle}); err != nil {
		t.Fatal(err)
	}
	inc, err := s.DeclareIncident("lee", IncidentSpec{Title: "Impersonation", Scenario: domain.ScenarioSecurity, Severity: domain.Sev2, Mentions: []uint64{imp.ID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []domain.Draft{pub, dm} {
		got, err := s.QueueDraft("ana", d.ID, 0)
		if !errors.Is(err, ErrImpostor) || err.Error() != "refused: @brand_support is flagged as impersonating the brand (incident "+inc.ID+")" {
			t.Fatalf("queue %s: %v", d.Visibility, err)
		}
		if now, _ := s.Draft(d.ID); now.State != domain.DraftEditing {
			t.Fatalf("draft %s is %s after a refused queue (%+v)", d.ID, now.State, got)
		}
	}
	if err := s.CheckRecipient(imp); !errors.Is(err, ErrImpostor) {
		t.Fatalf("CheckRecipient: %v", err)
	}
}

func TestIngestHookFlagsImpostorForEveryProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	hook := func(a domain.Author) (bool, string) {
		return a.Handle == "@brand_support", "handle @brand_support is brand name \"Brand\" with an added prefix or suffix"
	}
	// the poller's process ingests with the detector's hook …
	s, err := Open(path, Options{Impostor: hook})
	if err != nil {
		t.Fatal(err)
	}
	imp := mention(domain.PlatformBluesky, "at://did:plc:x/app.bsky.feed.post/1", t0, "free refunds")
	imp.Author.Handle = "@brand_support"
	cust := mention(domain.PlatformBluesky, "at://did:plc:y/app.bsky.feed.post/2", t0, "help")
	if _, err := s.Ingest([]domain.Mention{imp, cust}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// … and a process without it (a terminal, a reply command) refuses
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	f, ok, err := s2.ImpostorOf(domain.PlatformBluesky, "brand_support")
	if err != nil || !ok || f.By != ActorDetector || !strings.Contains(f.Reason, "added prefix") {
		t.Fatalf("flag %+v %v %v", f, ok, err)
	}
	if _, err := s2.NewDraft("ana", imp.Key(), domain.VisibilityPrivate, "hello"); !errors.Is(err, ErrImpostor) {
		t.Fatalf("draft to the impostor: %v", err)
	}
	if _, err := s2.NewDraft("ana", cust.Key(), domain.VisibilityPrivate, "hello"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s2.ImpostorOf(domain.PlatformBluesky, cust.Author.Handle); ok {
		t.Fatal("the customer was flagged")
	}
}

func TestFlagImpostorNeedsTriage(t *testing.T) {
	s, imp := draftStore(t)
	if _, err := s.FlagImpostor("vic", Impostor{Platform: imp.Platform, Handle: imp.Author.Handle}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("viewer flagged: %v", err)
	}
	if _, err := s.FlagImpostor("ana", Impostor{Platform: imp.Platform, Handle: imp.Author.Handle}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FlagImpostor("ana", Impostor{Platform: imp.Platform, Handle: imp.Author.Handle}); !errors.Is(err, ErrNoChange) {
		t.Fatalf("flagging again: %v", err)
	}
}

func TestClearedImpostorIsAnsweredAndNotFlaggedAgain(t *testing.T) {
	hook := func(a domain.Author) (bool, string) { return a.Handle == "@brand_support", "look-alike" }
	s, imp, _ := impostorStore(t, Options{Impostor: hook})
	if _, err := s.NewDraft("ana", imp.Key(), domain.VisibilityPublic, "hi"); !errors.Is(err, ErrImpostor) {
		t.Fatalf("flagged at ingest: %v", err)
	}
	if _, err := s.ClearImpostor("ana", imp.Platform, imp.Author.Handle); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClearImpostor("ana", imp.Platform, imp.Author.Handle); !errors.Is(err, ErrNoChange) {
		t.Fatalf("clearing twice: %v", err)
	}
	// their next mention does not flag them again
	next := mention(domain.PlatformMastodon, "69", t0, "it really is us")
	next.Author = imp.Author
	if _, err := s.Ingest([]domain.Mention{next}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NewDraft("ana", next.Key(), domain.VisibilityPublic, "hi"); err != nil {
		t.Fatalf("cleared author refused: %v", err)
	}
	// an operator can flag them again
	if _, err := s.FlagImpostor("ana", Impostor{Platform: imp.Platform, Handle: imp.Author.Handle}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NewDraft("ana", next.Key(), domain.VisibilityPrivate, "hi"); !errors.Is(err, ErrImpostor) {
		t.Fatalf("flagged again: %v", err)
	}
}
