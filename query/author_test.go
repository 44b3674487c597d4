package query

import (
	"path/filepath"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// TestAuthorFollowsLinkedContacts: author: (and from:) names one handle
// of a person linked across platforms and matches every handle of theirs,
// alone and with other terms, through the store.
func TestAuthorFollowsLinkedContacts(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	st.Ingest([]domain.Mention{
		{Platform: domain.PlatformMastodon, NativeID: "1", Author: domain.Author{Handle: "@ana@social.example"}, Text: "late refund", CreatedAt: at, Sentiment: -0.5},
		{Platform: domain.PlatformBluesky, NativeID: "2", Author: domain.Author{Handle: "ana.bsky.social"}, Text: "refund still late", CreatedAt: at.Add(time.Hour), Sentiment: -0.5},
		{Platform: domain.PlatformBluesky, NativeID: "3", Author: domain.Author{Handle: "ana.bsky.social"}, Text: "thanks!", CreatedAt: at.Add(2 * time.Hour), Sentiment: 0.6},
		{Platform: domain.PlatformX, NativeID: "4", Author: domain.Author{Handle: "@other"}, Text: "late refund", CreatedAt: at},
	})
	count := func(q string) int {
		t.Helper()
		p, err := Parse(q, Options{Now: at.Add(24 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		n, _, err := st.Count(p.Filter, 0)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("author:@ana@social.example"); n != 1 {
		t.Fatalf("before linking: %d", n)
	}
	if _, err := st.LinkContacts("ana", store.ContactKey(domain.PlatformMastodon, "@ana@social.example"), store.ContactKey(domain.PlatformBluesky, "ana.bsky.social")); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{
		"author:@ana@social.example":                    3,
		"from:ANA.bsky.social":                          3,
		"author:ana.bsky.social refund":                 2,
		"author:@ana@social.example sentiment:negative": 2,
		"author:@ana@social.example,@other":             4,
		"author:ana.bsky.social platform:mastodon":      1,
		"author:@nobody":                                0,
	} {
		if n := count(q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
}
