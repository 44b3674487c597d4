package crisis

import (
	"context"
	"testing"
	"time"

	"switchboard/detect"
	"switchboard/domain"
	"switchboard/store"
)

// The signals of one crisis (a volume spike on several streams, the
// negative shift with it, an impersonator riding it) are one group;
// declaring from it links the samples of them all.
func TestAlertsOfOneCrisisAreOneGroup(t *testing.T) {
	now := t0.Add(48 * time.Hour)
	s := openStore(t, &now)
	spikeStore(t, s)
	fake := domain.Mention{Platform: domain.PlatformX, NativeID: "fake", Author: domain.Author{Handle: "@acme_support", Name: "Acme Support"},
		Text: "Official: insulin is free today", CreatedAt: t0.Add(47*time.Hour + 10*time.Minute)}
	if _, err := s.Ingest([]domain.Mention{fake}); err != nil {
		t.Fatal(err)
	}
	w := NewWatcher(s, detect.Config{BrandName: "Acme", Handles: []string{"@acme"}, Keywords: []string{"insulin"}})
	if _, err := w.Replay(context.Background(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	as, err := w.Alerts()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[detect.Kind]bool{}
	for _, a := range as {
		kinds[a.Kind] = true
	}
	if len(as) < 3 || !kinds[detect.KindVolume] || !kinds[detect.KindImpersonation] {
		t.Fatalf("want several kinds of alert from the spike, got %d: %v", len(as), kinds)
	}
	gs := Group(as)
	if len(gs) != 1 || len(gs[0].Alerts) != len(as) {
		t.Fatalf("%d alerts in %d groups, want one group", len(as), len(gs))
	}
	inc, err := DeclareFromGroup(s, nil, "ana", gs[0], store.IncidentSpec{})
	if err != nil {
		t.Fatal(err)
	}
	fk, _ := s.GetByKey(fake.Key())
	linked := false
	for _, k := range inc.Mentions {
		linked = linked || k == fk.Key()
	}
	if !linked || len(inc.Mentions) < 2 {
		t.Fatalf("incident links %d mentions (impersonator linked: %v)", len(inc.Mentions), linked)
	}
}

// Alerts hours apart are separate crises.
func TestAlertsFarApartAreSeparateGroups(t *testing.T) {
	at := func(h float64, kind detect.Kind, id string) detect.Alert {
		st := t0.Add(time.Duration(h * float64(time.Hour)))
		return detect.Alert{ID: id, Kind: kind, Start: st, End: st.Add(20 * time.Minute), RaisedAt: st.Add(5 * time.Minute)}
	}
	gs := Group([]detect.Alert{at(5, detect.KindVolume, "c"), at(0, detect.KindVolume, "a"), at(0.5, detect.KindNegative, "b")})
	if len(gs) != 2 || len(gs[0].Alerts) != 2 || gs[0].Alerts[0].ID != "a" || gs[1].Alerts[0].ID != "c" {
		t.Fatalf("groups %+v", gs)
	}
	if gs[0].Kinds() != "volume, negative" {
		t.Fatalf("kinds %q", gs[0].Kinds())
	}
}
