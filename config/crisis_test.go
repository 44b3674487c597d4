package config

import (
	"strings"
	"testing"
	"time"
)

func TestCrisisSection(t *testing.T) {
	c, err := Parse([]byte("brand: {name: Acme}\ncrisis:\n  sensitivity: 3.5\n  window: 30m\n  baseline: 6h\n  min_count: 4\n  min_ratio: 1.5\n  negative_shift: 0.1\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	want := Crisis{Sensitivity: 3.5, Window: 30 * time.Minute, Baseline: 6 * time.Hour, MinCount: 4, MinRatio: 1.5, NegativeShift: 0.1}
	if c.Crisis != want {
		t.Fatalf("got %+v, want %+v", c.Crisis, want)
	}
	// left out: zero values, which mean detect's defaults
	c, err = Parse([]byte("crisis:\n  window: 2h\n"), "")
	if err != nil || c.Crisis != (Crisis{Window: 2 * time.Hour}) {
		t.Fatalf("partial: %+v %v", c.Crisis, err)
	}
}

func TestCrisisSectionErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"crisis:\n  sensitivty: 3\n", `line 2: crisis: unknown field "sensitivty"`},
		{"crisis:\n  window: 1h\n  sensitivity: 0\n", `line 3: crisis.sensitivity 0: want a number of standard deviations above 0`},
		{"crisis:\n  sensitivity: -2\n", `line 2: crisis.sensitivity -2`},
		{"crisis:\n  window: 30s\n", `line 2: crisis.window 30s: want whole minutes from 1m to 24h`},
		{"crisis:\n  window: 90s\n", `line 2: crisis.window 90s`},
		{"crisis:\n  window: 48h\n  baseline: 48h\n", `line 2: crisis.window 48h`},
		{"crisis:\n\n  baseline: 30m\n", `line 3: crisis.baseline 30m: want whole minutes from 1h to 48h`},
		{"crisis:\n  baseline: 30d\n", `line 2:`},
		{"crisis:\n  min_count: 0\n", `line 2: crisis.min_count 0: want a count from 1`},
		{"crisis:\n  min_ratio: 0.5\n", `line 2: crisis.min_ratio 0.5: want a ratio from 1 to 100`},
		{"crisis:\n  negative_shift: 1.5\n", `line 2: crisis.negative_shift 1.5: want a share above 0 and below 1`},
		{"crisis:\n  window: 13h\n", `line 2: crisis: the baseline (12h0m0s) must be at least as long as the window (13h0m0s)`},
		{"crisis:\n  window: 2h\n  baseline: 1h\n", `baseline (1h0m0s) must be at least as long`},
		{"crisis:\n  window: 60\n", `line 2:`},
		{"crisis: 5\n", `line 1:`},
	} {
		_, err := Parse([]byte(tc.yaml), "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.yaml, err, tc.want)
		}
	}
}
