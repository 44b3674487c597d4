package reply

import (
	"path/filepath"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/policy"
	"switchboard/store"
)

func TestSubmitQueuesParksOrRefuses(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := domain.Mention{Platform: domain.PlatformMastodon, NativeID: "1", Author: domain.Author{Handle: "@kim@social.example"},
		Text: "my order never arrived", Lang: "en", CreatedAt: time.Now().Add(-time.Hour)}
	if _, err := st.Ingest([]domain.Mention{m}); err != nil {
		t.Fatal(err)
	}
	pack := policy.Default()
	res, err := Submit(st, pack, "ana", m, domain.Draft{}, domain.VisibilityPublic, "Thanks, we are on it.")
	if err != nil || !res.Queued() || res.Draft.State != domain.DraftQueued {
		t.Fatalf("clean: %+v %v", res, err)
	}
	res, err = Submit(st, pack, "ana", m, domain.Draft{}, domain.VisibilityPrivate, "This was our fault.")
	if err != nil || res.Queued() || len(res.Asked) != 1 || res.Asked[0] != "legal" || res.Draft.State != domain.DraftAwaitingApproval {
		t.Fatalf("needs legal: %+v %v", res, err)
	}
	parked := res.Draft
	// submitting it again leaves it waiting; approved, it is queued
	if res, err = Submit(st, pack, "ana", m, parked, parked.Visibility, parked.Text); err != nil || res.Draft.State != domain.DraftAwaitingApproval {
		t.Fatalf("again while waiting: %+v %v", res, err)
	}
	approved, err := st.Approve("lou", parked.ID, parked.Version, "")
	if err != nil {
		t.Fatal(err)
	}
	if res, err = Submit(st, pack, "ana", m, approved, approved.Visibility, approved.Text); err != nil || !res.Queued() {
		t.Fatalf("approved: %+v %v", res, err)
	}
	res, err = Submit(st, pack, "ana", m, domain.Draft{}, domain.VisibilityPrivate, "What is your password?")
	if err != nil || len(res.Blocked) == 0 || res.Draft.State != domain.DraftEditing {
		t.Fatalf("blocked: %+v %v", res, err)
	}
}

func TestFieldsNameTheAuthor(t *testing.T) {
	m := domain.Mention{Platform: domain.PlatformMastodon, Author: domain.Author{Handle: "@kim@social.example"}}
	if v := Fields(m); v["author"] != "@kim" || v["name"] != "" {
		t.Fatalf("handle only: %v", v)
	}
	m.Author.Name = "Kim\x1b[31m"
	if v := Fields(m); v["name"] == m.Author.Name || v["author"] != v["name"] {
		t.Fatalf("a name is made safe and preferred: %q", v)
	}
}
