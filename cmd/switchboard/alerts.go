package main

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"switchboard/config"
	"switchboard/crisis"
	"switchboard/detect"
	"switchboard/safetext"
)

// detectConfig is the detection config of a process: the brand, its
// handles and keywords, and the sensitivity of the crisis section (zero
// fields keep detect's defaults).
func detectConfig(cfg *config.Config) detect.Config {
	if cfg == nil {
		return detect.Config{}
	}
	c := cfg.Crisis
	return detect.Config{BrandName: cfg.Brand.Name, Handles: cfg.Brand.Handles, Keywords: cfg.Brand.Keywords,
		Window: c.Window, Baseline: c.Baseline, Sensitivity: c.Sensitivity, MinRatio: c.MinRatio,
		MinCount: c.MinCount, NegativeShift: c.NegativeShift}
}

// profileWarmup is how much history before --since is replayed so that
// the baseline and time-of-day profile are the ones a live run would have.
const profileWarmup = 8 * 24 * time.Hour

// parseSince reads --since: RFC 3339, a date, or a duration back from the
// newest mention ("24h"); relative values are resolved later against
// mention time, never the wall clock.
func parseSince(v string) (abs time.Time, rel time.Duration, err error) {
	if v == "" {
		return time.Time{}, 0, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), 0, nil
		}
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return time.Time{}, d, nil
	}
	return time.Time{}, 0, usagef("--since %q: want a time (2026-11-20T15:00:00Z), a date (2026-11-20) or a duration back from the newest mention (24h)", v)
}

type alertJSON struct {
	detect.Alert
	Dismissed bool `json:"dismissed"`
}

func init() {
	addCommand(func(g *globals) *cobra.Command {
		var since string
		var asJSON, openOnly bool
		cmd := &cobra.Command{
			Use:   "alerts",
			Short: "List crisis alerts computed from the store",
			Long: `Replay the stored mentions oldest-first through crisis detection (volume
spikes and negative shifts per tracked stream, impersonation of the brand's
handles from the config's brand section) and list the alerts raised, by
mention time: the same alerts a live run would have raised. Dismissed
alerts are marked; --open leaves out those that have closed.`,
			Example: "  switchboard alerts\n  switchboard alerts --since 24h --json",
			Args:    cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				abs, rel, err := parseSince(since)
				if err != nil {
					return err
				}
				cfg, err := loadConfig(g)
				if err != nil {
					return err
				}
				s, err := openStoreReadOnly(g)
				if err != nil {
					return heldHint(err)
				}
				defer s.Close()
				// a one-shot replay: trade memory for fewer collections
				debug.SetGCPercent(400)
				w := crisis.NewWatcher(s, detectConfig(cfg))
				from := time.Time{}
				if !abs.IsZero() {
					from = abs.Add(-profileWarmup)
				}
				if _, err := w.Replay(cmd.Context(), from); err != nil {
					return err
				}
				if rel > 0 {
					abs = w.Detector().Now().Add(-rel)
				}
				ds, err := s.AlertDismissals()
				if err != nil {
					return err
				}
				var out []alertJSON
				for _, a := range w.Detector().All() {
					if a.RaisedAt.Before(abs) || (openOnly && !a.Open) {
						continue
					}
					_, gone := ds[a.ID]
					out = append(out, alertJSON{a, gone})
				}
				if asJSON {
					enc := json.NewEncoder(cmd.OutOrStdout())
					enc.SetIndent("", "  ")
					if out == nil {
						out = []alertJSON{}
					}
					return enc.Encode(out)
				}
				if len(out) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "No alerts.")
					return nil
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tRAISED (UTC)\tKIND\tSTREAM\tOBSERVED\tEXPECTED\tNEG\tSTATE\tTOP TERMS")
				for _, a := range out {
					state := "open"
					if !a.Open {
						state = "closed"
					}
					if a.Dismissed {
						state += ",dismissed"
					}
					var terms []string
					for _, c := range a.TopTerms {
						terms = append(terms, safetext.Truncate(c.Key, 20, "…"))
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.1f\t%.0f%%\t%s\t%s\n", a.ID, a.RaisedAt.Format("2006-01-02 15:04"), a.Kind,
						safetext.Truncate(a.Stream, 30, "…"), a.Observed, a.Expected, 100*a.NegativeShare, state, strings.Join(terms, " "))
				}
				return tw.Flush()
			},
		}
		cmd.Flags().StringVar(&since, "since", "", "only alerts raised since T (RFC 3339, a date, or a duration back from the newest mention)")
		cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
		cmd.Flags().BoolVar(&openOnly, "open", false, "only alerts still open at the newest mention's time")
		return cmd
	})
}
