package config

import (
	"fmt"
	"reflect"
	"time"

	"gopkg.in/yaml.v3"
)

// Crisis is the `crisis:` section: how sensitive the crisis board's spike
// detection is. Every field is optional; a field left out keeps the
// default noted (the defaults of package detect).
//
//	crisis:
//	  sensitivity: 5       # standard deviations above the baseline; lower alerts sooner
//	  window: 1h           # the recent span compared …
//	  baseline: 12h        # … with the span before it
//	  min_count: 10        # fewest mentions in the window that can alert
//	  min_ratio: 2         # times the expected volume the window must reach
//	  negative_shift: 0.25 # least rise of the negative share (0..1) that alerts
type Crisis struct {
	Sensitivity   float64       `yaml:"sensitivity"`
	Window        time.Duration `yaml:"window"`
	Baseline      time.Duration `yaml:"baseline"`
	MinCount      int           `yaml:"min_count"`
	MinRatio      float64       `yaml:"min_ratio"`
	NegativeShift float64       `yaml:"negative_shift"`
}

// Bounds of the crisis section's values. The baseline is kept to two days
// because every tracked stream holds one counter per minute of window
// plus baseline.
const (
	crisisMaxWindow   = 24 * time.Hour
	crisisMinBaseline = time.Hour
	crisisMaxBaseline = 48 * time.Hour
)

// UnmarshalYAML decodes the section, rejecting unknown keys and values out
// of range, with the line of the offending value.
func (c *Crisis) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKnownKeys(n, reflect.TypeOf(Crisis{}), "crisis"); err != nil {
		return err
	}
	type plain Crisis
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*c = Crisis(p)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	window, baseline := c.Window, c.Baseline
	if window == 0 {
		window = time.Hour
	}
	if baseline == 0 {
		baseline = 12 * time.Hour
	}
	for k := 0; k+1 < len(n.Content); k += 2 {
		key, line := n.Content[k].Value, n.Content[k+1].Line
		bad := func(want string) error {
			return fmt.Errorf("line %d: crisis.%s %s: want %s", line, key, n.Content[k+1].Value, want)
		}
		switch key {
		case "sensitivity":
			if c.Sensitivity <= 0 || c.Sensitivity > 50 {
				return bad("a number of standard deviations above 0 and at most 50 (default 5)")
			}
		case "window":
			if c.Window < time.Minute || c.Window > crisisMaxWindow || c.Window%time.Minute != 0 {
				return bad("whole minutes from 1m to 24h (default 1h)")
			}
		case "baseline":
			if c.Baseline < crisisMinBaseline || c.Baseline > crisisMaxBaseline || c.Baseline%time.Minute != 0 {
				return bad("whole minutes from 1h to 48h (default 12h)")
			}
		case "min_count":
			if c.MinCount < 1 || c.MinCount > 1_000_000 {
				return bad("a count from 1 to 1000000 (default 10)")
			}
		case "min_ratio":
			if c.MinRatio < 1 || c.MinRatio > 100 {
				return bad("a ratio from 1 to 100 (default 2)")
			}
		case "negative_shift":
			if c.NegativeShift <= 0 || c.NegativeShift >= 1 {
				return bad("a share above 0 and below 1 (default 0.25)")
			}
		}
	}
	if baseline < window {
		return fmt.Errorf("line %d: crisis: the baseline (%s) must be at least as long as the window (%s)", n.Line, baseline, window)
	}
	return nil
}
