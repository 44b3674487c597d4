package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/crisis"
	"switchboard/domain"
	"switchboard/store"
)

// spikeJSONL is two days of steady traffic and then a spike about insulin,
// as an import file.
func spikeJSONL(t *testing.T) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	start := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	seq := 0
	line := func(at time.Time, text string) {
		seq++
		fmt.Fprintf(&b, `{"platform":"x","id":"%d","author":{"handle":"@u%d"},"text":%q,"created_at":%q}`+"\n",
			seq, rng.IntN(2000), text, at.Format(time.RFC3339))
	}
	for m := 0; m < 47*60; m++ {
		if rng.IntN(2) == 0 {
			line(start.Add(time.Duration(m)*time.Minute), "@acme when does the pharmacy open")
		}
	}
	for i := range 300 {
		line(start.Add(47*time.Hour+time.Duration(i*6)*time.Second), "is @acme insulin really free now? scam")
	}
	line(start.Add(47*time.Hour+31*time.Minute), "Official: insulin is free today")
	b.WriteString(`{"platform":"x","id":"fake","author":{"handle":"@acme_official","name":"Acme"},"text":"Official: insulin is free today","created_at":"2026-11-19T23:40:00Z"}` + "\n")
	return b.String()
}

func TestAlertsAndIncidentCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("brand:\n  name: Acme\n  handles: [\"@acme\"]\n  keywords: [insulin]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, spikeJSONL(t), "import", "--db", db, "--config", cfg, "-"); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	r := run(t, "", "alerts", "--db", db, "--config", cfg, "--json")
	if r.code != 0 {
		t.Fatalf("alerts: %d %s", r.code, r.stderr)
	}
	var alerts []struct {
		ID, Kind, Stream string
		RaisedAt         time.Time `json:"raised_at"`
		Samples          []string
		Dismissed        bool
	}
	if err := json.Unmarshal([]byte(r.stdout), &alerts); err != nil {
		t.Fatalf("alerts JSON: %v\n%s", err, r.stdout)
	}
	kinds := map[string]string{}
	for _, a := range alerts {
		kinds[a.Kind+" "+a.Stream] = a.ID
		if a.RaisedAt.Before(time.Date(2026, 11, 19, 23, 0, 0, 0, time.UTC)) {
			t.Errorf("alert on steady traffic: %+v", a)
		}
	}
	if kinds["volume keyword:insulin"] == "" || kinds["impersonation impersonation"] == "" {
		t.Fatalf("alerts %v", kinds)
	}
	// --since later than everything lists nothing; the text table names the spike
	if r := run(t, "", "alerts", "--db", db, "--config", cfg, "--since", "2026-12-01"); r.code != 0 || strings.TrimSpace(r.stdout) != "No alerts." {
		t.Fatalf("alerts --since: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "", "alerts", "--db", db, "--config", cfg, "--since", "1h"); r.code != 0 || !strings.Contains(r.stdout, "keyword:insulin") {
		t.Fatalf("alerts --since 1h: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "", "alerts", "--db", db, "--since", "yesterday"); r.code != 2 {
		t.Fatalf("bad --since: exit %d", r.code)
	}

	if r := run(t, "", "incident", "list", "--db", db); r.code != 0 || strings.TrimSpace(r.stdout) != "No incidents." {
		t.Fatalf("empty list: %d %q %s", r.code, r.stdout, r.stderr)
	}
	// declare from the alert through the store, as the board does
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var al = kinds["volume keyword:insulin"]
	var samples []uint64
	for _, a := range alerts {
		if a.ID == al {
			for _, k := range a.Samples {
				m, err := s.GetByKey(k)
				if err != nil {
					t.Fatal(err)
				}
				samples = append(samples, m.ID)
			}
		}
	}
	inc, err := crisis.Declare(s, nil, "ana", store.IncidentSpec{Title: "Insulin rumour | <b>", Scenario: domain.ScenarioReputation,
		Severity: domain.Sev1, Lead: "ana", AlertID: al, Mentions: samples})
	if err != nil {
		t.Fatal(err)
	}
	s.SetIncidentRole("ana", inc.ID, "comms", "bo")
	s.TickChecklist("bo", inc.ID, 0, true)
	if err := s.DismissAlert("ana", al, "declared "+inc.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()

	r = run(t, "", "incident", "list", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "INC-1") || !strings.Contains(r.stdout, "‼ SEV1") || !strings.Contains(r.stdout, fmt.Sprintf("%d", len(samples))) {
		t.Fatalf("list: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", "incident", "show", "inc-1", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "comms: bo") || !strings.Contains(r.stdout, "[x] Pause scheduled posts") ||
		!strings.Contains(r.stdout, "comms set to bo") {
		t.Fatalf("show: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", "incident", "show", "inc-1", "--json", "--db", db)
	var shown struct {
		ID       string            `json:"id"`
		Severity int               `json:"severity"`
		Roles    map[string]string `json:"roles"`
		Mentions []string          `json:"mentions"`
		Timeline []struct {
			Actor string `json:"actor"`
			Text  string `json:"text"`
		} `json:"timeline"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &shown) != nil || shown.ID != "INC-1" || shown.Severity != 1 ||
		shown.Roles["comms"] != "bo" || len(shown.Mentions) != len(samples) {
		t.Fatalf("show --json: %d %s\n%.800s", r.code, r.stderr, r.stdout)
	}
	roleSet := false
	for _, e := range shown.Timeline {
		roleSet = roleSet || strings.Contains(e.Text, "comms set to bo")
	}
	if !roleSet {
		t.Fatalf("show --json: timeline lacks the role change:\n%.800s", r.stdout)
	}
	r = run(t, "", "incident", "export", "INC-1", "--db", db)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "# INC-1: Insulin rumour \\| \\<b\\>") || !strings.Contains(r.stdout, "## Volume") ||
		!strings.Contains(r.stdout, "- [x] Pause scheduled posts (bo,") {
		t.Fatalf("export md: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, "", "incident", "export", "1", "--format", "json", "--db", db)
	var rep crisis.Report
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil || rep.Incident.ID != "INC-1" || len(rep.Incident.Mentions) != len(samples) || len(rep.Volume.All) == 0 {
		t.Fatalf("export json: %d %s\n%.500s", r.code, r.stderr, r.stdout)
	}
	if r := run(t, "", "incident", "export", "INC-9", "--db", db); r.code != 1 || !strings.Contains(r.stderr, "no incident INC-9") {
		t.Fatalf("missing incident: %d %s", r.code, r.stderr)
	}
	if r := run(t, "", "incident", "export", "INC-1", "--format", "pdf", "--db", db); r.code != 2 {
		t.Fatalf("bad format: exit %d", r.code)
	}
	r = run(t, "", "alerts", "--db", db, "--config", cfg, "--json")
	if !strings.Contains(r.stdout, `"dismissed": true`) {
		t.Fatalf("dismissal not shown:\n%.800s", r.stdout)
	}
}
