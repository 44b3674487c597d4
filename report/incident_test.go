package report

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"switchboard/domain"
	"switchboard/store"
)

// TestIncidentFigures: timed from the first linked mention; volume and
// negative share while it ran against the week before.
func TestIncidentFigures(t *testing.T) {
	clock := t0
	st, err := store.Open(filepath.Join(t.TempDir(), "sb.db"), store.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var ms []domain.Mention
	// the week before: 168 mentions, one an hour, a quarter negative
	for h := 1; h <= 168; h++ {
		s := 0.0
		if h%4 == 0 {
			s = -0.8
		}
		ms = append(ms, domain.Mention{Platform: "x", NativeID: "b" + itoa(h), Author: domain.Author{Handle: "@b"}, Text: "t", CreatedAt: t0.Add(-time.Duration(h) * time.Hour), Sentiment: s})
	}
	// the incident: 20 mentions in its first 2 hours from t0, all negative
	for i := 0; i < 20; i++ {
		ms = append(ms, domain.Mention{Platform: "x", NativeID: "i" + itoa(i), Author: domain.Author{Handle: "@c"}, Text: "t", CreatedAt: t0.Add(time.Duration(i) * 6 * time.Minute), Sentiment: -0.9})
	}
	res, err := st.Ingest(ms)
	if err != nil {
		t.Fatal(err)
	}
	clock = t0.Add(30 * time.Minute) // declared half an hour after the first mention
	inc, err := st.DeclareIncident("lea", store.IncidentSpec{Title: "Free insulin hoax", Scenario: "security", Severity: domain.Sev1, Mentions: res.IDs[168:170]})
	if err != nil {
		t.Fatal(err)
	}
	f, err := IncidentFigures(st, inc.ID, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if f.AcknowledgedS != 1800 || f.ResolvedS != nil || f.FirstStatementS != nil || f.Severity != "SEV1" || f.Linked != 2 {
		t.Fatalf("times: %+v", f)
	}
	// 20 mentions in 2 hours against one an hour; all negative against 42/168
	if f.Mentions != 20 || f.PerHour != 10 || f.NegativeShare != 1 || f.BeforePerHour != 1 || f.BeforeNegativeShare != 0.25 {
		t.Fatalf("volume: %+v", f)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
