package store

import (
	"path/filepath"
	"strings"
	"testing"

	"switchboard/domain"
)

// sentPost sends a post on the brand's mastodon account through the
// outbox and returns the draft; the platform gave it remote.
func sentPost(t *testing.T, s *Store, text, remote string) domain.Draft {
	t.Helper()
	must := mk(t)
	d := must(s.NewPost("lee", domain.PlatformMastodon, text))
	d = must(s.QueueDraft("lee", d.ID, 0))
	d = must(s.BeginSend(d.ID))
	return must(s.FinishSend(d.ID, SendOutcome{State: domain.DraftSent, RemoteID: remote}))
}

func TestRecordOwnJudgesEachPostOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	apps := []string{"switchboard", "Hootsuite"}
	page := func(cursor string, posts ...domain.OwnPost) OwnPage {
		return OwnPage{Connector: "masto", Platform: domain.PlatformMastodon, Handle: "@acme@social.example",
			Posts: posts, Cursor: cursor, Profile: &domain.AccountProfile{Name: "Acme", Bio: "We make things"}}
	}
	// the first look is the baseline: history raises nothing
	got, err := s.RecordOwn(page("10", domain.OwnPost{ID: "10", Text: "old post", App: "Web", CreatedAt: t0}), apps)
	if err != nil || len(got) != 0 {
		t.Fatalf("baseline: %v, %v", got, err)
	}
	if c, _ := s.OwnCursor("masto"); c != "10" {
		t.Fatalf("cursor %q", c)
	}
	sentPost(t, s, "Our statement", "11")
	posts := []domain.OwnPost{
		{ID: "11", Text: "Our statement", App: "switchboard", CreatedAt: t0.Add(1)},
		{ID: "12", Text: "Scheduled", App: "Hootsuite", CreatedAt: t0.Add(2)},
		{ID: "13", Text: "FREE crypto \x1b[31m", App: "Web", URL: "https://social.example/@acme/13", CreatedAt: t0.Add(3)},
	}
	got, err = s.RecordOwn(page("13", posts...), apps)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].PostID != "13" || got[0].App != "Web" || got[0].URL == "" {
		t.Fatalf("alerts %+v", got)
	}
	if r := strings.Join(got[0].Reasons, "; "); !strings.Contains(r, "not sent by switchboard") || !strings.Contains(r, "does not list: Web") {
		t.Fatalf("reasons %q", r)
	}
	// the same posts again (a cursor that did not move) raise nothing new
	if again, err := s.RecordOwn(page("13", posts...), apps); err != nil || len(again) != 0 {
		t.Fatalf("again: %v %v", again, err)
	}
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.AccountAlerts()
	if err != nil || len(all) != 1 || all[0].ID != got[0].ID {
		t.Fatalf("after a restart: %+v %v", all, err)
	}
	if again, err := s.RecordOwn(page("13", posts...), apps); err != nil || len(again) != 0 {
		t.Fatalf("after a restart: %v %v", again, err)
	}
	// a switchboard-named app the outbox knows nothing of is not ours
	got, _ = s.RecordOwn(page("14", domain.OwnPost{ID: "14", Text: "hi", App: "switchboard"}), apps)
	if len(got) != 1 || got[0].Reasons[0] != "not sent by switchboard" {
		t.Fatalf("switchboard-named: %+v", got)
	}
	// profile change
	p := page("14")
	p.Profile = &domain.AccountProfile{Name: "Acme Giveaway", Bio: "We make things", Links: []string{"https://scam.example"}}
	got, _ = s.RecordOwn(p, apps)
	if len(got) != 1 || got[0].Kind != domain.AlertAccountProfile || len(got[0].Changes) != 2 {
		t.Fatalf("profile: %+v", got)
	}
	if again, _ := s.RecordOwn(p, apps); len(again) != 0 {
		t.Fatalf("the same profile again: %+v", again)
	}
}

func TestJudgeOwnPost(t *testing.T) {
	ours := []outboxPost{{RemoteID: "1", Text: "a"}, {Text: "in flight now", InFlight: true}}
	for _, c := range []struct {
		post domain.OwnPost
		apps []string
		want string
	}{
		{domain.OwnPost{ID: "1", App: "switchboard"}, []string{"switchboard"}, ""},
		{domain.OwnPost{ID: "1", App: "Tweetbot"}, []string{"switchboard"}, "posted from an app brand.apps does not list: Tweetbot"},
		{domain.OwnPost{ID: "2"}, nil, "not sent by switchboard"},
		{domain.OwnPost{ID: "2", App: "Hootsuite"}, []string{"hootsuite"}, ""},
		{domain.OwnPost{ID: "2", App: "Hootsuite"}, nil, "not sent by switchboard"},
		{domain.OwnPost{ID: "3", Text: "@ana in flight now"}, nil, ""},
	} {
		if got := strings.Join(judgeOwnPost(c.post, ours, c.apps), "; "); got != c.want {
			t.Errorf("%+v with %v: %q, want %q", c.post, c.apps, got, c.want)
		}
	}
}
