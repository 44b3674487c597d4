package reddit

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"switchboard/connectors"
	"switchboard/domain"
	"switchboard/store"
)

func TestStreamSearchSiteWide(t *testing.T) {
	f := newFakeReddit(t)
	f.add(1, "t3", "", false)
	s, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := f.connector(t, false)
	sc := c.StreamSearch(connectors.StreamQuery{Name: "brand", Terms: []string{"acme", "acme pharmacy"}, Hashtags: []string{"acmefail"}})
	if sc.Name() != "brand@"+c.Name() {
		t.Fatal(sc.Name())
	}
	p := connectors.NewPoller(s, connectors.PollerOptions{})
	p.Add(sc, time.Hour)
	ctx := context.Background()
	if r := p.Once(ctx)[0]; r.Err != nil || r.New != 1 {
		t.Fatalf("first %+v", r)
	}
	names := f.add(250, "t3", "", false) // more than two pages of 100
	r := p.Once(ctx)[0]
	if r.Err != nil || r.New != len(names) || r.Pages < 1 {
		t.Fatalf("round %+v", r)
	}
	m, err := s.GetByKey(domain.MentionKey(domain.PlatformReddit, names[0]))
	if err != nil || m.Stream != "brand" || m.State.Status != domain.StatusStream {
		t.Fatalf("%+v %v", m, err)
	}
	if r := p.Once(ctx)[0]; r.Err != nil || r.New != 0 {
		t.Fatalf("again %+v", r)
	}
}
