package store

import (
	"fmt"
	"path/filepath"
	"testing"
)

func TestNoticesReadMarksSurviveAReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	added, err := s.AddNotices([]Notice{
		{For: "vera", Kind: NoticeAssigned, Title: "ana assigned you x:1", Link: NoticeLink{Kind: "mention", ID: "x:1"}, Urgent: true},
		{For: NoticeEveryone, Kind: NoticeAlert, Title: "crisis alert", Link: NoticeLink{Kind: "alert", ID: "a1"}, Dedupe: "alert a1"},
		{For: "ana", Kind: NoticeMention, Title: "vera mentioned you"},
		{For: "vera", Kind: NoticeMention, Title: "ana mentioned you", Link: NoticeLink{Kind: "mention", ID: "x:2"}},
	}, 42)
	if err != nil || len(added) != 4 {
		t.Fatalf("add: %v %v", added, err)
	}
	// a replay of the alert is not added twice
	if again, err := s.AddNotices([]Notice{{For: NoticeEveryone, Kind: NoticeAlert, Title: "crisis alert", Dedupe: "alert a1"}}, 0); err != nil || len(again) != 0 {
		t.Fatalf("dedupe: %v %v", again, err)
	}
	ns, unread, err := s.Notices("vera", 0)
	if err != nil || unread != 3 || len(ns) != 3 {
		t.Fatalf("vera: %d unread, %+v, %v", unread, ns, err)
	}
	if ns[0].Title != "ana mentioned you" || ns[1].Kind != NoticeAlert || ns[2].Kind != NoticeAssigned {
		t.Fatalf("order: %+v", ns)
	}
	if err := s.MarkNoticeRead("vera", ns[2].Seq); err != nil {
		t.Fatal(err)
	}
	if pos, _ := s.NoticesLog(); pos != 42 {
		t.Fatalf("log position %d", pos)
	}
	s.Close()

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ns, unread, _ = s.Notices("vera", 0)
	if unread != 2 || !ns[2].Read || ns[0].Read {
		t.Fatalf("after reopen: %d unread %+v", unread, ns)
	}
	if n, newest, _ := s.UnreadNotices("ana"); n != 2 || newest != ns[0].Seq-1 {
		t.Fatalf("ana: %d unread, newest %d", n, newest)
	}
	if err := s.MarkNoticesRead("vera"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.UnreadNotices("vera"); n != 0 {
		t.Fatalf("all read: %d unread", n)
	}
	// ana's reading is her own
	if n, _, _ := s.UnreadNotices("ana"); n != 2 {
		t.Fatalf("ana after vera read: %d", n)
	}
	after, _ := s.NoticesAfter("vera", ns[2].Seq, 10)
	if len(after) != 2 || after[0].Seq >= after[1].Seq || !after[0].Read {
		t.Fatalf("after: %+v", after)
	}
	if err := s.SetNoticePref("vera", "osc9"); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.NoticePref("vera"); p != "osc9" {
		t.Fatalf("pref %q", p)
	}
	if err := s.SetNoticePref("vera", "loud"); err == nil {
		t.Fatal("a bad mode was taken")
	}
}

func TestNoticesKeepTheNewestPerRecipient(t *testing.T) {
	s := openTemp(t, Options{})
	var batch []Notice
	for i := 0; i < MaxNotices+20; i++ {
		batch = append(batch, Notice{For: "ana", Kind: NoticeBreach, Title: fmt.Sprint(i), Dedupe: fmt.Sprint("b", i)})
	}
	if _, err := s.AddNotices(batch, 0); err != nil {
		t.Fatal(err)
	}
	ns, unread, _ := s.Notices("ana", 0)
	if len(ns) != MaxNotices || unread != MaxNotices || ns[len(ns)-1].Title != "20" {
		t.Fatalf("kept %d (unread %d), oldest %q", len(ns), unread, ns[len(ns)-1].Title)
	}
	// a pruned notice's dedupe key went with it
	if again, _ := s.AddNotices([]Notice{{For: "ana", Kind: NoticeBreach, Dedupe: "b0"}}, 0); len(again) != 1 {
		t.Fatal("the dedupe key of a pruned notice was kept")
	}
	if again, _ := s.AddNotices([]Notice{{For: "ana", Kind: NoticeBreach, Dedupe: "b30"}}, 0); len(again) != 0 {
		t.Fatal("a kept notice was added twice")
	}
}

// BenchmarkUnreadNotices is a session's look at its notices after a
// change: the operator's and the team's, both full (MaxNotices each).
func BenchmarkUnreadNotices(b *testing.B) {
	s := openTemp(b, Options{})
	var batch []Notice
	for i := 0; i < MaxNotices; i++ {
		batch = append(batch, Notice{For: "ana", Kind: NoticeAssigned, Title: fmt.Sprint(i)}, Notice{For: NoticeEveryone, Kind: NoticeAlert, Title: fmt.Sprint(i)})
	}
	if _, err := s.AddNotices(batch, 0); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if n, _, err := s.UnreadNotices("ana"); err != nil || n != 2*MaxNotices {
			b.Fatal(n, err)
		}
	}
}
