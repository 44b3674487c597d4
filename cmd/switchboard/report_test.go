package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// TestReportFormats: the JSON shape the README names, CSV that parses,
// the Markdown digest with its chart, and usage errors.
func TestReportFormats(t *testing.T) {
	db := mentionsFixture(t, t.TempDir())
	r := run(t, "", "report", "--since", "30d", "--by", "platform", "--format", "json", "--db", db)
	var rep struct {
		Since, Until, By string
		Groups           []map[string]any
		Total            map[string]any
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil {
		t.Fatalf("json: %+v", r)
	}
	if rep.By != "platform" || len(rep.Groups) != 5 || rep.Total["mentions"] != 40.0 || rep.Since == "" {
		t.Fatalf("report: %+v", rep)
	}
	for _, k := range []string{"key", "mentions", "responded", "response_rate", "first_response_p50_s", "first_response_p90_s", "resolved", "resolution_p50_s", "overdue", "negative_share"} {
		if _, ok := rep.Groups[0][k]; !ok {
			t.Errorf("a group lacks %q: %v", k, rep.Groups[0])
		}
	}
	// the fixture closed every eighth mention: 5 of 40
	if rep.Total["resolved"] != 5.0 {
		t.Errorf("resolved %v, want 5", rep.Total["resolved"])
	}
	r = run(t, "", "report", "--since", "30d", "--by", "tag", "--format", "csv", "--query", "platform:x", "--db", db)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != 0 || err != nil || len(rows) < 3 || rows[0][0] != "key" || rows[len(rows)-1][0] != "total" || rows[len(rows)-1][1] != "8" {
		t.Fatalf("csv (%v): %+v", err, r)
	}
	r = run(t, "", "report", "--since", "30d", "--format", "md", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "# Social inbox digest") || !strings.Contains(r.stdout, "## Volume by day") || !strings.Contains(r.stdout, "█") {
		t.Fatalf("md: %+v", r)
	}
	r = run(t, "", "report", "--since", "30d", "--by", "team", "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "MENTIONS") || !strings.Contains(r.stdout, "total") {
		t.Fatalf("table: %+v", r)
	}
	if r := run(t, "", "report", "--incident", "INC-9", "--db", db); r.code != 1 || !strings.Contains(r.stderr, "INC-9") {
		t.Errorf("report --incident of no incident: %+v", r)
	}
	for _, bad := range [][]string{{"--by", "mood"}, {"--format", "pdf"}, {"--query", "colour:red"}, {"--since", "yesterday"}} {
		if r := run(t, "", append([]string{"report", "--db", db}, bad...)...); r.code != 2 {
			t.Errorf("report %v: exit %d, want 2", bad, r.code)
		}
	}
}
