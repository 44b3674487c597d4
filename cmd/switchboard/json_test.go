package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// unmarshal decodes out, which must be exactly one JSON value, into v.
func unmarshal(t *testing.T, what, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("%s: not one JSON value: %v\n%.800s", what, err, out)
	}
}

func TestDBStatsJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	run(t, jsonl(goodA, goodB, goodC), "import", "--db", db, "-")
	r := run(t, "", "db", "stats", "--json", "--db", db)
	if r.code != 0 {
		t.Fatalf("db stats --json: %+v", r)
	}
	var st struct {
		Store      string         `json:"store"`
		Mentions   int            `json:"mentions"`
		ByStatus   map[string]int `json:"by_status"`
		ByPlatform map[string]int `json:"by_platform"`
		FileSize   int64          `json:"file_size"`
		InUse      int64          `json:"in_use"`
		PageSize   int            `json:"page_size"`
	}
	unmarshal(t, "db stats --json", r.stdout, &st)
	if st.Store != db || st.Mentions != 3 || st.ByStatus["open"] != 2 || st.ByStatus["done"] != 1 || st.ByPlatform["bluesky"] != 1 ||
		st.FileSize <= 0 || st.InUse <= 0 || st.PageSize <= 0 {
		t.Fatalf("db stats --json: %+v\n%s", st, r.stdout)
	}
}

func TestOperatorsListJSON(t *testing.T) {
	dir := t.TempDir()
	ops := filepath.Join(dir, "ops.yaml")
	r := run(t, "", "operators", "list", "--json", "--operators", ops)
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("empty team: %+v", r)
	}
	_, pub := writeKeyPair(t, dir, "ada")
	if r := run(t, "", "operators", "add", "ada", "--role", "lead", "--team", "support", "--approves", "legal", "--key", pub, "--operators", ops); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	_, pub2 := writeKeyPair(t, dir, "vera")
	if r := run(t, "", "operators", "add", "vera", "--role", "viewer", "--key", pub2, "--operators", ops); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	r = run(t, "", "operators", "list", "--json", "--operators", ops)
	var team []struct {
		Name         string   `json:"name"`
		Role         string   `json:"role"`
		Teams        []string `json:"teams"`
		Approves     []string `json:"approves"`
		Fingerprints []string `json:"fingerprints"`
	}
	unmarshal(t, "operators list --json", r.stdout, &team)
	if r.code != 0 || len(team) != 2 {
		t.Fatalf("operators list --json: %+v", r)
	}
	byName := map[string]int{team[0].Name: 0, team[1].Name: 1}
	ada, vera := team[byName["ada"]], team[byName["vera"]]
	if ada.Role != "lead" || len(ada.Teams) != 1 || ada.Teams[0] != "support" || len(ada.Approves) != 1 || len(ada.Fingerprints) != 1 ||
		!strings.HasPrefix(ada.Fingerprints[0], "SHA256:") || vera.Role != "viewer" || vera.Teams == nil || vera.Approves == nil {
		t.Fatalf("operators list --json:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "ssh-ed25519") || strings.Contains(r.stdout, "AAAA") {
		t.Fatalf("operators list --json prints keys, not only fingerprints:\n%s", r.stdout)
	}
}

func TestPolicyShowJSON(t *testing.T) {
	r := run(t, "", "policy", "show", "--json")
	var p struct {
		ID      string `json:"id"`
		Version string `json:"version"`
		Areas   []struct {
			Area  string `json:"area"`
			Rules []struct {
				ID       string `json:"id"`
				Severity string `json:"severity"`
				Kind     string `json:"kind"`
			} `json:"rules"`
		} `json:"areas"`
		Templates int `json:"templates"`
	}
	unmarshal(t, "policy show --json", r.stdout, &p)
	if r.code != 0 || p.ID == "" || p.Version == "" || len(p.Areas) == 0 || len(p.Areas[0].Rules) == 0 || p.Areas[0].Rules[0].Severity == "" || p.Templates == 0 {
		t.Fatalf("policy show --json: %+v\n%.800s", p, r.stdout)
	}
	// the text lists the same rules
	text := run(t, "", "policy", "show")
	if !strings.Contains(text.stdout, p.Areas[0].Rules[0].ID) {
		t.Fatalf("rule %s of the JSON is not in the text", p.Areas[0].Rules[0].ID)
	}
	if r := run(t, "", "policy", "show", "--json", "--yaml"); r.code != 2 {
		t.Fatalf("--json --yaml: exit %d, want 2", r.code)
	}
}

func TestPollOnceJSON(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("SB_TEST_MASTODON_TOKEN", "tok-123")
	ms := httptest.NewServer(&miniMastodon{n: 3})
	defer ms.Close()
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(feedXML)) }))
	defer feed.Close()
	cfg := writeConfig(t, fmt.Sprintf("connectors:\n  - name: mastodon-main\n    type: mastodon\n    server: %s\n    token_env: SB_TEST_MASTODON_TOKEN\n  - name: news\n    type: rss\n    url: %s/feed\n", ms.URL, feed.URL))
	db := filepath.Join(t.TempDir(), "sb.db")
	type round struct {
		Name       string `json:"name"`
		New        int    `json:"new"`
		Duplicates int    `json:"duplicates"`
		Error      string `json:"error"`
		Health     struct {
			State       string `json:"state"`
			LastSuccess string `json:"last_success"`
		} `json:"health"`
	}
	r := run(t, "", "poll", "--once", "--json", "--config", cfg, "--db", db)
	var rounds []round
	unmarshal(t, "poll --once --json", r.stdout, &rounds)
	if r.code != 0 || len(rounds) != 2 || rounds[0].Name != "mastodon-main" || rounds[0].New != 3 || rounds[1].Name != "news" || rounds[1].New != 2 ||
		rounds[0].Health.State != "ok" || rounds[0].Health.LastSuccess == "" || rounds[0].Error != "" {
		t.Fatalf("poll --once --json: %+v\n%s%s", rounds, r.stdout, r.stderr)
	}
	// a failing connector: its error in the JSON, never the secret, exit 1
	t.Setenv("SB_TEST_MASTODON_TOKEN", "wrong-SECRET")
	r = run(t, "", "poll", "--once", "--json", "--config", cfg, "--db", db)
	rounds = nil
	unmarshal(t, "poll --once --json (auth failure)", r.stdout, &rounds)
	if r.code != 1 || len(rounds) != 2 || !strings.Contains(rounds[0].Error, "authentication failed") || rounds[0].Health.State != "auth-failed" ||
		rounds[1].Duplicates != 2 || strings.Contains(r.stdout+r.stderr, "wrong-SECRET") || strings.Contains(r.stdout, "tok-123") {
		t.Fatalf("poll --once --json, auth failure: exit %d %+v\n%s%s", r.code, rounds, r.stdout, r.stderr)
	}
	if r := run(t, "", "poll", "--json", "--config", cfg, "--db", db); r.code != 2 || !strings.Contains(r.stderr, "--once") {
		t.Fatalf("poll --json without --once: %+v", r)
	}
}

func TestAlertsJSONIsOneArray(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sb.db")
	run(t, jsonl(goodA, goodB), "import", "--db", db, "-")
	r := run(t, "", "alerts", "--json", "--db", db)
	var alerts []map[string]any
	unmarshal(t, "alerts --json", r.stdout, &alerts)
	if r.code != 0 || alerts == nil {
		t.Fatalf("alerts --json: %+v", r)
	}
}
