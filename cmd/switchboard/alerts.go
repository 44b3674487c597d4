package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"switchboard/config"
	"switchboard/crisis"
	"switchboard/detect"
	"switchboard/domain"
	"switchboard/safetext"
	"switchboard/store"
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
alerts are marked; --open leaves out those that have closed.

The hijack watch's alerts about the brand's own accounts (kind
account_post: a post on a brand account that switchboard did not send, or
from an app brand.apps does not list; account_profile: a profile change)
are kept in the store and listed too, critical, with the text, the app and
the post's URL. "alerts hijack ID" acts on one: it pauses all sending and
declares a SEV1 security incident from it.`,
			Example: "  switchboard alerts\n  switchboard alerts --since 24h --json\n  switchboard alerts hijack acct-1f2e3d4c5b6a7980 --pause --declare",
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
				all, err := w.All()
				if err != nil {
					return err
				}
				var out []alertJSON
				for _, a := range all {
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
				var critical []alertJSON
				for _, a := range out {
					if a.Account != nil {
						critical = append(critical, a)
					}
				}
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
				if err := tw.Flush(); err != nil {
					return err
				}
				for _, a := range critical {
					writeAccountAlert(cmd.OutOrStdout(), a)
				}
				return nil
			},
		}
		cmd.AddCommand(newHijackCmd(g))
		cmd.Flags().StringVar(&since, "since", "", "only alerts raised since T (RFC 3339, a date, or a duration back from the newest mention)")
		cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
		cmd.Flags().BoolVar(&openOnly, "open", false, "only alerts still open at the newest mention's time")
		return cmd
	})
}

// writeAccountAlert prints a hijack-watch alert in full under the table:
// every platform text in it made safe.
func writeAccountAlert(w io.Writer, a alertJSON) {
	acc := a.Account
	state := "open"
	if a.Dismissed {
		state = "dismissed"
	}
	fmt.Fprintf(w, "\n‼ CRITICAL %s (%s): %s\n", a.ID, state, store.AccountAlertTitle(*acc))
	fmt.Fprintf(w, "  account:  %s (%s, connector %s)\n", safetext.Line(acc.Handle), acc.Platform, acc.Connector)
	if acc.Kind == domain.AlertAccountPost {
		app := acc.App
		if app == "" {
			app = "(the platform does not say)"
		}
		fmt.Fprintf(w, "  app:      %s\n  why:      %s\n  url:      %s\n  text:     %s\n", safetext.Line(app),
			strings.Join(acc.Reasons, "; "), safetext.Line(acc.URL), safetext.Truncate(acc.Text, 500, "…"))
	}
	for _, c := range acc.Changes {
		fmt.Fprintf(w, "  %-9s %q → %q\n", c.Field+":", safetext.Line(c.Before), safetext.Line(c.After))
	}
	fmt.Fprintf(w, "  act:      switchboard alerts hijack %s --pause --declare\n", a.ID)
}

// newHijackCmd is `alerts hijack ID`: the one action on a hijack-watch
// alert.
func newHijackCmd(g *globals) *cobra.Command {
	var pause, declare bool
	cmd := &cobra.Command{
		Use:   "hijack ALERT_ID",
		Short: "Pause all sending and declare a SEV1 security incident from an alert about a brand account",
		Long: `Act on an alert of the hijack watch (a post on a brand account that switchboard
did not send, a post from an app brand.apps does not list, a profile change):
--pause pauses all sending (as P in the Outbox pane), --declare declares a SEV1
incident in the security scenario with the policy pack's security playbook
(account compromise) as its checklist, and dismisses the alert as declared.
Without either flag both are done. Needs a lead; run it while the app is
closed (or press H on the alert in the crisis board), or over ssh against
switchboard serve, where the key you sign in with decides who acts.`,
		Example: "  switchboard alerts hijack acct-1f2e3d4c5b6a7980 --pause --declare",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !pause && !declare {
				pause, declare = true, true
			}
			me, s, done, err := actingStore(g) // over ssh: the caller, on serve's store
			if err != nil {
				return heldHint(err)
			}
			defer done()
			acc, err := s.AccountAlert(args[0])
			if errors.Is(err, store.ErrNotFound) {
				return failf("alerts hijack: no alert %q about a brand account (switchboard alerts lists them)", args[0])
			} else if err != nil {
				return err
			}
			pack, err := replyPack(g, s)
			if err != nil {
				return failf("alerts hijack: %v", err)
			}
			res, err := crisis.Hijack(s, pack, me, crisis.AccountAlert(acc), pause, declare)
			if err != nil {
				if errors.Is(err, store.ErrForbidden) {
					return failf("alerts hijack %s: %v", args[0], err)
				}
				return err
			}
			out := cmd.OutOrStdout()
			if pause {
				if res.Paused {
					fmt.Fprintln(out, "paused all sending")
				} else {
					fmt.Fprintln(out, "sending was already paused")
				}
			}
			if declare {
				fmt.Fprintf(out, "declared %s %s: %s (security: account compromise, %d checklist items)\n", res.Incident.ID,
					res.Incident.Severity, res.Incident.Title, len(res.Incident.Checklist))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&pause, "pause", false, "pause all sending")
	cmd.Flags().BoolVar(&declare, "declare", false, "declare a SEV1 security incident from the alert")
	return cmd
}
