package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"switchboard/domain"
)

func clockAt(t *time.Time) func() time.Time { return func() time.Time { return *t } }

func TestIncidentLifecycleAndRoleHandover(t *testing.T) {
	now := t0
	s := openTemp(t, Options{Now: clockAt(&now)})
	inc, err := s.DeclareIncident("ana", IncidentSpec{Title: "Fake account: free insulin", Scenario: domain.ScenarioSecurity,
		Severity: domain.Sev1, Lead: "ana", Checklist: []string{"Pause all sending", "Notify legal"}, AlertID: "al-1"})
	if err != nil {
		t.Fatal(err)
	}
	if inc.ID != "INC-1" || inc.Status != domain.IncidentTriage || inc.Lead != "ana" || len(inc.Checklist) != 2 || !inc.CreatedAt.Equal(t0) {
		t.Fatalf("declared %+v", inc)
	}
	steps := []struct {
		field, value string
	}{{FieldStatus, "live"}, {FieldSeverity, "sev2"}, {FieldSummary, "A fake verified account announced free insulin."}, {FieldStatus, "stable"}}
	for _, st := range steps {
		now = now.Add(10 * time.Minute)
		if inc, err = s.UpdateIncident("ana", "INC-1", st.field, st.value); err != nil {
			t.Fatalf("%s=%s: %v", st.field, st.value, err)
		}
	}
	if inc.Status != domain.IncidentStable || inc.Severity != domain.Sev2 || !inc.UpdatedAt.Equal(t0.Add(40*time.Minute)) {
		t.Fatalf("after updates %+v", inc)
	}
	if _, err := s.UpdateIncident("ana", "INC-1", FieldStatus, "stable"); !errors.Is(err, ErrNoChange) {
		t.Fatalf("same status again: %v", err)
	}
	if _, err := s.UpdateIncident("ana", "INC-1", FieldStatus, "resolved"); !errors.Is(err, ErrBadIncident) {
		t.Fatalf("unknown status: %v", err)
	}
	// handover: comms to bo, then to cy; lead from ana to bo
	now = now.Add(time.Minute)
	s.SetIncidentRole("ana", "1", "comms", "bo")
	now = now.Add(time.Minute)
	s.SetIncidentRole("ana", "inc-1", "comms", "cy")
	now = now.Add(time.Minute)
	if inc, err = s.UpdateIncident("ana", "INC-1", FieldLead, "bo"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetIncidentRole("ana", "INC-1", "janitor", "x"); !errors.Is(err, ErrBadIncident) {
		t.Fatalf("unknown role: %v", err)
	}
	if inc.Lead != "bo" || inc.Roles["comms"] != "cy" {
		t.Fatalf("roles %+v lead %q", inc.Roles, inc.Lead)
	}
	var hist []string
	for _, rc := range inc.RoleHistory {
		hist = append(hist, fmt.Sprintf("%s=%s@%s", rc.Role, rc.Operator, rc.At.Sub(t0)))
	}
	want := []string{"lead=ana@0s", "comms=bo@41m0s", "comms=cy@42m0s", "lead=bo@43m0s"}
	if !slices.Equal(hist, want) {
		t.Fatalf("role history %v, want %v", hist, want)
	}
	// checklist ticks are events with who and when
	now = now.Add(time.Minute)
	if inc, err = s.TickChecklist("bo", "INC-1", 1, true); err != nil {
		t.Fatal(err)
	}
	if it := inc.Checklist[1]; !it.Done || it.DoneBy != "bo" || !it.DoneAt.Equal(now) || inc.Checklist[0].Done {
		t.Fatalf("tick %+v", inc.Checklist)
	}
	if _, err := s.TickChecklist("bo", "INC-1", 5, true); !errors.Is(err, ErrBadIncident) {
		t.Fatalf("tick out of range: %v", err)
	}
	if _, err := s.IncidentNote("bo", "INC-1", "Statement posted", true); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if inc, err = s.UpdateIncident("bo", "INC-1", FieldStatus, "closed"); err != nil || !inc.ClosedAt.Equal(now) {
		t.Fatalf("closed %v at %v", err, inc.ClosedAt)
	}
	if inc, _ = s.UpdateIncident("bo", "INC-1", FieldStatus, "learning"); !inc.ClosedAt.Equal(now) {
		t.Fatalf("learning moved ClosedAt to %v", inc.ClosedAt)
	}

	evs, err := s.Events("INC-1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range evs {
		got = append(got, fmt.Sprintf("%s %s %s [%s→%s]", ev.Actor, ev.Kind, ev.Field, ev.Before, ev.After))
	}
	wantEv := []string{
		"ana incident declared [→Fake account: free insulin]",
		"ana incident scenario [→security]",
		"ana incident severity [→SEV1]",
		"ana incident status [→triage]",
		"ana incident lead [→ana]",
		"ana incident alert [→al-1]",
		"ana incident status [triage→live]",
		"ana incident severity [SEV1→SEV2]",
		"ana incident summary [→A fake verified account announced free insulin.]",
		"ana incident status [live→stable]",
		"ana incident role:comms [→bo]",
		"ana incident role:comms [bo→cy]",
		"ana incident lead [ana→bo]",
		"bo checklist item:2 Notify legal [open→done]",
		"bo note update [→Statement posted]",
		"bo incident status [stable→closed]",
		"bo incident status [closed→learning]",
	}
	if !slices.Equal(got, wantEv) {
		t.Fatalf("events:\n%q\nwant\n%q", got, wantEv)
	}
	// the declaration is one group
	if evs[0].Group != evs[5].Group || evs[6].Group == evs[0].Group {
		t.Fatalf("groups %d %d %d", evs[0].Group, evs[5].Group, evs[6].Group)
	}
}

func TestIncidentValidation(t *testing.T) {
	s := openTemp(t, Options{})
	for _, spec := range []IncidentSpec{
		{Scenario: domain.ScenarioLegal, Severity: domain.Sev2},
		{Title: "x", Scenario: "weather", Severity: domain.Sev2},
		{Title: "x", Severity: 7},
		{Title: "two\nlines", Severity: 1},
		{Title: "bell\a", Severity: 1},
	} {
		if _, err := s.DeclareIncident("ana", spec); !errors.Is(err, ErrBadIncident) {
			t.Errorf("%+v: %v", spec, err)
		}
	}
	if _, err := s.Incident("INC-9"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing incident: %v", err)
	}
	if _, err := s.Incident("banana"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bad id: %v", err)
	}
	for _, v := range []string{"SEV3", "sev3", "3", " Sev3 "} {
		if sev, err := ParseSeverity(v); err != nil || sev != domain.Sev3 {
			t.Errorf("ParseSeverity(%q) = %v, %v", v, sev, err)
		}
	}
	for _, v := range []string{"SEV0", "5", "high", ""} {
		if _, err := ParseSeverity(v); err == nil {
			t.Errorf("ParseSeverity(%q) accepted", v)
		}
	}
}

func TestLinkMentionsMovesAndUndoes(t *testing.T) {
	s := openTemp(t, Options{})
	res, err := s.Ingest([]domain.Mention{
		mention(domain.PlatformX, "1", t0, "insulin is free now"),
		mention(domain.PlatformX, "2", t0.Add(time.Minute), "is this real?"),
		mention(domain.PlatformBluesky, "3", t0.Add(2*time.Minute), "scam alert"),
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.DeclareIncident("ana", IncidentSpec{Title: "A", Severity: 2, Mentions: res.IDs[:2]})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Mentions, []string{"x:1", "x:2"}) {
		t.Fatalf("linked at declare: %v", a.Mentions)
	}
	m, _ := s.Get(res.IDs[0])
	if m.State.IncidentID != "INC-1" {
		t.Fatalf("mention incident %q", m.State.IncidentID)
	}
	p, _ := s.Query(Filter{Incidents: []string{"INC-1"}}, "", 10)
	if len(p.Mentions) != 2 {
		t.Fatalf("index finds %d", len(p.Mentions))
	}
	mevs, _ := s.Events("x:1")
	if len(mevs) != 1 || mevs[0].Kind != domain.EventEscalate || mevs[0].After != "INC-1" {
		t.Fatalf("mention events %+v", mevs)
	}
	// move x:2 to a new incident, with x:3
	b, err := s.DeclareIncident("bo", IncidentSpec{Title: "B", Severity: 3})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = s.LinkMentions("bo", b.ID, res.IDs[1:]); err != nil {
		t.Fatal(err)
	}
	a, _ = s.Incident("INC-1")
	if !slices.Equal(a.Mentions, []string{"x:1"}) || !slices.Equal(b.Mentions, []string{"x:2", "bluesky:3"}) {
		t.Fatalf("after move: A %v B %v", a.Mentions, b.Mentions)
	}
	if _, err := s.LinkMentions("bo", b.ID, res.IDs[1:]); !errors.Is(err, ErrNoChange) {
		t.Fatalf("relink: %v", err)
	}
	c, _ := s.Counts()
	if c.Get(IndexIncident, "INC-2") != 2 || c.Get(IndexIncident, "INC-1") != 1 {
		t.Fatalf("counters %v", c[IndexIncident])
	}
	aevs, _ := s.Events("INC-1")
	last := aevs[len(aevs)-1]
	if last.Field != FieldMention || last.Before != "x:2" || last.After != "" {
		t.Fatalf("unlink event on A: %+v", last)
	}
	// undo in the inbox reverses bo's link, and the incident follows
	if _, err := s.Undo("bo"); err != nil {
		t.Fatal(err)
	}
	a, _ = s.Incident("INC-1")
	b, _ = s.Incident("INC-2")
	if !slices.Equal(a.Mentions, []string{"x:1", "x:2"}) || len(b.Mentions) != 0 {
		t.Fatalf("after undo: A %v B %v", a.Mentions, b.Mentions)
	}
	if _, err := s.UnlinkMentions("ana", res.IDs[:1]); err != nil {
		t.Fatal(err)
	}
	if a, _ = s.Incident("INC-1"); !slices.Equal(a.Mentions, []string{"x:2"}) {
		t.Fatalf("after unlink: %v", a.Mentions)
	}
	all, _ := s.Incidents()
	if len(all) != 2 || all[0].ID != "INC-1" || all[1].Title != "B" {
		t.Fatalf("Incidents %+v", all)
	}
}

func TestIncidentWritesNeedPermissionAndPublish(t *testing.T) {
	s := openTemp(t, Options{Authorize: func(actor string, p domain.Permission) error {
		role := domain.RoleAgent
		if actor == "lead" {
			role = domain.RoleLead
		}
		if !role.Can(p) {
			return fmt.Errorf("%s is %s", actor, role)
		}
		return nil
	}})
	if _, err := s.DeclareIncident("agent", IncidentSpec{Title: "x", Severity: 1}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("agent declared: %v", err)
	}
	sub := s.Subscribe()
	defer sub.Close()
	inc, err := s.DeclareIncident("lead", IncidentSpec{Title: "x", Severity: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	u, err := sub.Next(ctx)
	if err != nil || len(u.Changes) != 1 || u.Changes[0] != (Change{Kind: ChangeIncident, ID: inc.ID}) {
		t.Fatalf("feed %+v %v", u, err)
	}
	for name, f := range map[string]func() error{
		"update":  func() error { _, err := s.UpdateIncident("agent", inc.ID, FieldStatus, "live"); return err },
		"role":    func() error { _, err := s.SetIncidentRole("agent", inc.ID, "comms", "agent"); return err },
		"note":    func() error { _, err := s.IncidentNote("agent", inc.ID, "hi", false); return err },
		"tick":    func() error { _, err := s.TickChecklist("agent", inc.ID, 0, true); return err },
		"dismiss": func() error { return s.DismissAlert("agent", "al-1", "") },
	} {
		if err := f(); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s by agent: %v", name, err)
		}
	}
	if evs, _ := s.Events(inc.ID); len(evs) != 4 {
		t.Fatalf("refused writes left events: %d", len(evs))
	}
}

func TestAlertDismissalsPersist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DismissAlert("ana", "al-00ff", "expected: product launch"); err != nil {
		t.Fatal(err)
	}
	if err := s.DismissAlert("bo", "al-00ff", ""); !errors.Is(err, ErrNoChange) {
		t.Fatalf("second dismissal: %v", err)
	}
	s.Close()
	s, err = Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ds, err := s.AlertDismissals()
	if err != nil || len(ds) != 1 || ds["al-00ff"].By != "ana" || ds["al-00ff"].Reason != "expected: product launch" {
		t.Fatalf("dismissals %+v %v", ds, err)
	}
	evs, _ := s.Events("al-00ff")
	if len(evs) != 1 || evs[0].Field != FieldDismiss {
		t.Fatalf("dismissal events %+v", evs)
	}
}

func TestStreamMentionsOldestFirstInPages(t *testing.T) {
	s := openTemp(t, Options{})
	var items []domain.Mention
	for i := range 25 {
		// ingest order differs from time order
		at := t0.Add(time.Duration((i*7)%25) * time.Minute)
		m := mention(domain.PlatformMastodon, fmt.Sprint(i), at, fmt.Sprintf("text \"%d\"\n", i))
		m.Sentiment = -0.5
		m.State.Tags = []string{"t" + fmt.Sprint(i%3)}
		items = append(items, m)
	}
	if _, err := s.Ingest(items); err != nil {
		t.Fatal(err)
	}
	var got []domain.Mention
	pages := 0
	maxID, err := s.StreamMentions(context.Background(), StreamOptions{PageSize: 10, Since: t0.Add(2 * time.Minute)}, func(p []domain.Mention) error {
		pages++
		got = append(got, p...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if maxID != 25 || pages != 3 || len(got) != 23 {
		t.Fatalf("maxID %d pages %d mentions %d", maxID, pages, len(got))
	}
	for i, m := range got {
		if i > 0 && m.CreatedAt.Before(got[i-1].CreatedAt) {
			t.Fatalf("not oldest-first at %d", i)
		}
		full, _ := s.Get(m.ID)
		if m.Text != full.Text || m.Author != full.Author || m.Sentiment != full.Sentiment || !slices.Equal(m.State.Tags, full.State.Tags) || m.Key() != full.Key() {
			t.Fatalf("lite %+v\nfull %+v", m, full)
		}
	}
	// later ingest is read with MentionsAfter, not by the walk
	if _, err := s.Ingest([]domain.Mention{mention(domain.PlatformX, "late", t0, "late")}); err != nil {
		t.Fatal(err)
	}
	later, last, err := s.MentionsAfter(maxID, 10)
	if err != nil || len(later) != 1 || later[0].NativeID != "late" || last != 26 {
		t.Fatalf("after: %v %d %v", later, last, err)
	}
	stop := errors.New("stop")
	if _, err := s.StreamMentions(context.Background(), StreamOptions{PageSize: 4}, func([]domain.Mention) error { return stop }); err != stop {
		t.Fatalf("fn error not returned: %v", err)
	}
}

func liteFields(m domain.Mention) domain.Mention {
	return domain.Mention{Platform: m.Platform, NativeID: m.NativeID, Kind: m.Kind, Text: m.Text, Lang: m.Lang,
		Sentiment: m.Sentiment, Author: domain.Author{ID: m.Author.ID, Handle: m.Author.Handle, Name: m.Author.Name, Verified: m.Author.Verified},
		State: domain.OperatorState{Tags: m.State.Tags, IncidentID: m.State.IncidentID}}
}

func FuzzDecodeLite(f *testing.F) {
	f.Add("x", "1", "hello \"world\"\n", "@a", "Ana ✓", "tag", "INC-1", 0.25, true, []byte(`{"platform":"x"}`))
	f.Add("mastodon", "\u2028", "\x00\xff", "", "", "", "", -1.0, false, []byte(`{"a":[1,{"b":null}],"text":"\u00e9"}`))
	f.Fuzz(func(t *testing.T, p, id, text, handle, name, tag, inc string, sent float64, ver bool, raw []byte) {
		// raw input: never panic
		decodeLite(raw)
		m := domain.Mention{Platform: domain.Platform(p), NativeID: id, Text: text, Lang: "en", Kind: domain.KindReply,
			Author:    domain.Author{ID: id, Handle: handle, Name: name, Followers: 3, Verified: ver},
			CreatedAt: t0, Sentiment: sent, URL: "https://e/" + id,
			State: domain.OperatorState{Tags: []string{tag, "b"}, IncidentID: inc, Notes: []domain.Note{{Author: "a", Text: text}}}}
		b, err := json.Marshal(&m)
		if err != nil {
			return // NaN sentiment
		}
		var want domain.Mention
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		got, ok := decodeLite(b)
		if !ok {
			t.Fatalf("decodeLite refused %s", b)
		}
		if !reflect.DeepEqual(liteFields(got), liteFields(want)) {
			t.Fatalf("decodeLite\n%+v\nwant\n%+v", liteFields(got), liteFields(want))
		}
	})
}

func TestReadOnlyStoreWithoutIncidentBuckets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// a store written before incidents existed has no incident buckets
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bIncidents); err != nil {
			return err
		}
		return tx.DeleteBucket(bDismissals)
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if incs, err := s.Incidents(); err != nil || len(incs) != 0 {
		t.Fatalf("Incidents: %v %v", incs, err)
	}
	if _, err := s.Incident("INC-1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Incident: %v", err)
	}
	if ds, err := s.AlertDismissals(); err != nil || len(ds) != 0 {
		t.Fatalf("AlertDismissals: %v %v", ds, err)
	}
}

// TestStreamMentionsSeesActionsState: the tags and incident an action
// set, which it writes apart from the record (bState), are what the
// detection walk reads, as Get gives them.
func TestStreamMentionsSeesActionsState(t *testing.T) {
	s := openTemp(t, Options{})
	var items []domain.Mention
	for i := range 30 {
		m := mention(domain.PlatformMastodon, fmt.Sprint(i), t0.Add(time.Duration(i)*time.Minute), "text")
		if i%2 == 0 {
			m.State.Tags = []string{"old"}
		}
		items = append(items, m)
	}
	res, err := s.Ingest(items)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("ana", res.IDs[:20], Action{Kind: domain.EventTag, Value: "bug"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply("ana", res.IDs[5:15], Action{Kind: domain.EventUntag, Value: "old"}); err != nil {
		t.Fatal(err)
	}
	inc, err := s.DeclareIncident("ana", IncidentSpec{Title: "outage", Severity: domain.Sev2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LinkMentions("ana", inc.ID, res.IDs[10:25]); err != nil {
		t.Fatal(err)
	}
	n := 0
	if _, err := s.StreamMentions(context.Background(), StreamOptions{PageSize: 7}, func(p []domain.Mention) error {
		for _, m := range p {
			n++
			full, err := s.Get(m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(m.State.Tags, full.State.Tags) || m.State.IncidentID != full.State.IncidentID {
				t.Errorf("mention %d: the walk gives tags %v incident %q, Get %v %q", m.ID, m.State.Tags, m.State.IncidentID, full.State.Tags, full.State.IncidentID)
			}
		}
		return nil
	}); err != nil || n != 30 {
		t.Fatalf("%d mentions, %v", n, err)
	}
}
