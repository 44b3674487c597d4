package main

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"switchboard/crisis"
	"switchboard/domain"
	"switchboard/safetext"
	"switchboard/store"
)

func init() {
	addCommand(func(g *globals) *cobra.Command {
		cmd := &cobra.Command{
			Use:   "incident",
			Short: "List, show and export incidents (post-mortems)",
			Long: `Incidents are declared on the crisis board (pane 2) from an alert, or with e on
mentions in the inbox. These commands read them from the store.`,
			Example: "  switchboard incident list\n  switchboard incident show INC-3\n  switchboard incident export INC-3 > INC-3.md\n  switchboard incident export 3 --format json",
			Args:    cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				return usagef("incident needs a subcommand: list, show ID or export ID")
			},
		}
		var listJSON bool
		list := &cobra.Command{
			Use:   "list",
			Short: "List incidents, newest first",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				s, err := openStoreReadOnly(g)
				if err != nil {
					return heldHint(err)
				}
				defer s.Close()
				incs, err := s.Incidents()
				if err != nil {
					return err
				}
				for i, j := 0, len(incs)-1; i < j; i, j = i+1, j-1 {
					incs[i], incs[j] = incs[j], incs[i]
				}
				if listJSON {
					if incs == nil {
						incs = []domain.Incident{}
					}
					return writeJSON(cmd.OutOrStdout(), incs)
				}
				if len(incs) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "No incidents.")
					return nil
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSEV\tSTATUS\tSCENARIO\tDECLARED (UTC)\tLEAD\tMENTIONS\tTITLE")
				for _, inc := range incs {
					fmt.Fprintf(tw, "%s\t%s %s\t%s\t%s\t%s\t%s\t%d\t%s\n", inc.ID, crisis.SeveritySymbol(inc.Severity), inc.Severity, inc.Status,
						inc.Scenario, inc.CreatedAt.UTC().Format("2006-01-02 15:04"), safetext.Truncate(orDash(inc.Lead), 16, "…"),
						len(inc.Mentions), safetext.Truncate(inc.Title, 60, "…"))
				}
				return tw.Flush()
			},
		}
		list.Flags().BoolVar(&listJSON, "json", false, "print JSON")

		var showJSON bool
		show := &cobra.Command{
			Use:   "show ID",
			Short: "Show an incident with its timeline",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				s, err := openStoreReadOnly(g)
				if err != nil {
					return heldHint(err)
				}
				defer s.Close()
				inc, err := s.Incident(args[0])
				if err != nil {
					return notFound(err, args[0])
				}
				tl, err := crisis.Timeline(s, inc, crisis.TimelineOptions{})
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if showJSON {
					if tl == nil {
						tl = []crisis.Entry{}
					}
					return writeJSON(out, incidentJSON{Incident: inc, Reminder: crisis.Reminder(inc, tl, time.Now()), Timeline: tl})
				}
				fmt.Fprintf(out, "%s  %s %s  %s  %s\n", inc.ID, crisis.SeveritySymbol(inc.Severity), inc.Severity, inc.Status, safetext.Line(inc.Title))
				fmt.Fprintf(out, "scenario %s · lead %s · declared %s · %d linked mentions\n", inc.Scenario, safetext.Line(orDash(inc.Lead)),
					inc.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), len(inc.Mentions))
				if r := crisis.Reminder(inc, tl, time.Now()); r != "" {
					fmt.Fprintln(out, r)
				}
				for _, role := range domain.IncidentRoles {
					if op := inc.Roles[role]; op != "" {
						fmt.Fprintf(out, "%s: %s\n", role, safetext.Line(op))
					}
				}
				if inc.Summary != "" {
					fmt.Fprintf(out, "\nSummary:\n%s\n", safetext.Text(inc.Summary))
				}
				if len(inc.Checklist) > 0 {
					fmt.Fprintln(out, "\nChecklist:")
					for _, it := range inc.Checklist {
						mark := "[ ]"
						if it.Done {
							mark = "[x]"
						}
						fmt.Fprintf(out, "  %s %s\n", mark, safetext.Line(it.Text))
					}
				}
				fmt.Fprintln(out, "\nTimeline (UTC):")
				for _, e := range tl {
					fmt.Fprintf(out, "  %s %s\n", e.At.UTC().Format("01-02"), e.Line(time.UTC))
				}
				return nil
			},
		}

		show.Flags().BoolVar(&showJSON, "json", false, "print the incident and its timeline as a JSON object")

		var format string
		export := &cobra.Command{
			Use:   "export ID",
			Short: "Write an incident's post-mortem (Markdown or JSON)",
			Long: `Write the post-mortem of an incident: summary, impact, timeline, roles and
handovers, checklist, replies sent, evidence, and a volume chart of linked
and all mentions.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if format != "md" && format != "json" {
					return usagef("--format %q: want md or json", format)
				}
				s, err := openStoreReadOnly(g)
				if err != nil {
					return heldHint(err)
				}
				defer s.Close()
				r, err := crisis.PostMortem(cmd.Context(), s, args[0], crisis.ReportOptions{})
				if err != nil {
					return notFound(err, args[0])
				}
				if format == "json" {
					return writeJSON(cmd.OutOrStdout(), r)
				}
				_, err = fmt.Fprint(cmd.OutOrStdout(), r.Markdown())
				return err
			},
		}
		export.Flags().StringVar(&format, "format", "md", "md or json")
		cmd.AddCommand(list, show, export)
		return cmd
	})
}

// incidentJSON is `incident show --json`: the incident's fields, the
// reminder the text shows (if any) and its timeline, oldest first.
type incidentJSON struct {
	domain.Incident
	Reminder string         `json:"reminder,omitempty"`
	Timeline []crisis.Entry `json:"timeline"`
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func notFound(err error, id string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no incident %s (switchboard incident list shows them)", safetext.Line(id))
	}
	return err
}

// heldHint adds to the error of a store held by a running switchboard
// (serve, or the app) where the same information is in the app: the
// crisis pane (2) has the alerts beside the board, and y in an incident
// copies its post-mortem to the clipboard.
func heldHint(err error) error {
	if !errors.Is(err, store.ErrLocked) {
		return err
	}
	return fmt.Errorf("%w\nWhile switchboard serve holds it, run the same command over ssh (e.g. ssh -p 2222 HOST incident export INC-1 > pm.md),\nor in the app: pane 2 lists the alerts and incidents; open an incident and press y to copy its Markdown post-mortem", err)
}
