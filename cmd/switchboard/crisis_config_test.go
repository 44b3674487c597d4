package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"switchboard/config"
)

func TestDetectConfigFromCrisisSection(t *testing.T) {
	cfg, err := config.Parse([]byte("brand:\n  name: Acme\n  keywords: [insulin]\ncrisis:\n  sensitivity: 3\n  window: 30m\n  baseline: 6h\n  min_count: 4\n  min_ratio: 1.5\n  negative_shift: 0.2\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	d := detectConfig(cfg)
	if d.BrandName != "Acme" || d.Sensitivity != 3 || d.Window != 30*time.Minute || d.Baseline != 6*time.Hour ||
		d.MinCount != 4 || d.MinRatio != 1.5 || d.NegativeShift != 0.2 || len(d.Keywords) != 1 {
		t.Fatalf("detect config %+v", d)
	}
}

// TestAlertsCrisisSensitivity: the same spike that alerts with the
// defaults does not with a min_count above its size.
func TestAlertsCrisisSensitivity(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sb.db")
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("brand:\n  name: Acme\n  handles: [\"@acme\"]\n  keywords: [insulin]\ncrisis:\n  min_count: 1000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, spikeJSONL(t), "import", "--db", db, "--config", cfg, "-"); r.code != 0 {
		t.Fatalf("import: %d %s", r.code, r.stderr)
	}
	r := run(t, "", "alerts", "--db", db, "--config", cfg, "--json")
	if r.code != 0 {
		t.Fatalf("alerts: %d %s", r.code, r.stderr)
	}
	var alerts []struct{ Kind, Stream string }
	if err := json.Unmarshal([]byte(r.stdout), &alerts); err != nil {
		t.Fatal(err)
	}
	imp := false
	for _, a := range alerts {
		if a.Kind == "volume" {
			t.Errorf("volume alert with min_count 1000: %+v", a)
		}
		imp = imp || a.Kind == "impersonation"
	}
	if !imp {
		t.Errorf("impersonation does not depend on volume: %+v", alerts)
	}
	// a bad value names its line
	if err := os.WriteFile(cfg, []byte("brand:\n  name: Acme\ncrisis:\n  window: 10s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := run(t, "", "alerts", "--db", db, "--config", cfg); r.code == 0 || !strings.Contains(r.stderr, "line 4: crisis.window 10s") {
		t.Fatalf("bad config: %d %s", r.code, r.stderr)
	}
}
