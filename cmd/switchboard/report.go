package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"switchboard/internal/words"
	"switchboard/query"
	"switchboard/report"
	"switchboard/safetext"
)

func init() { addCommand(newReportCmd) }

func newReportCmd(g *globals) *cobra.Command {
	var since, until, by, q, format, incident string
	cmd := &cobra.Command{
		Use:   "report [--since T] [--until T] [--by team|assignee|tag|platform|day|hour] [--query Q] [--format table|json|csv|md]",
		Short: "How the team is doing: volume, response rate and times, overdue, negative share",
		Long: `report counts the mentions created in the window (--since, default 7d;
--until, default now), grouped by --by, narrowed by --query. First-response
times run from created_at to responded_at, in business hours when the
config's clocks keep them (the report says so); percentiles are nearest-rank
over the responded mentions. --format md writes a digest to paste into an
e-mail or a wiki, with the volume by day as a text chart.`,
		Example: `  switchboard report --by team
  switchboard report --since 24h --by hour --format json
  switchboard report --since 2026-11-23 --until 2026-11-30 --by assignee --format md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			me, clock, err := queryContext(g)
			if err != nil {
				return err
			}
			now := time.Now()
			o := report.Options{By: by, Clock: clock, Now: now}
			if o.Since, err = parseDate("--since", since, false); err != nil {
				return err
			}
			if o.Until, err = parseDate("--until", until, true); err != nil {
				return err
			}
			if strings.TrimSpace(q) != "" {
				parsed, err := query.Parse(q, query.Options{Me: me, Now: now, Clock: clock})
				if err != nil {
					return usagef("--query: %v", err)
				}
				o.Filter = parsed.Filter
			}
			switch format {
			case "table", "json", "csv", "md":
			default:
				return usagef("--format %q: want table, json, csv or md", format)
			}
			if by != "" && !slices.Contains(report.Groupings, by) {
				return usagef("--by %q: want one of %s", by, strings.Join(report.Groupings, ", "))
			}
			st, err := openStoreReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			if incident != "" {
				f, err := report.IncidentFigures(st, incident, now)
				if err != nil {
					return notFound(err, incident)
				}
				return writeIncidentFigures(cmd.OutOrStdout(), f, format)
			}
			r, err := report.Build(st, o)
			if err != nil {
				return failf("report: %v", err)
			}
			w := bufio.NewWriter(cmd.OutOrStdout())
			switch format {
			case "json":
				err = writeJSON(w, r)
			case "csv":
				err = writeReportCSV(w, r)
			case "md":
				var daily report.Report
				if daily, err = report.Build(st, withBy(o, "day")); err == nil {
					writeReportMD(w, r, daily)
				}
			default:
				writeReportTable(w, r)
			}
			if err != nil {
				return err
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&since, "since", "7d", "the window's start: a duration back from now (24h, 7d), YYYY-MM-DD or RFC 3339")
	cmd.Flags().StringVar(&until, "until", "", "the window's end (default now)")
	cmd.Flags().StringVar(&by, "by", "", "group by team, assignee, tag, platform, day or hour")
	cmd.Flags().StringVarP(&q, "query", "q", "", "only the mentions this query matches")
	cmd.Flags().StringVar(&format, "format", "table", "table, json, csv or md")
	cmd.Flags().StringVar(&incident, "incident", "", "how incident ID went: time to acknowledge, first statement and resolve; volume against the week before")
	cmd.RegisterFlagCompletionFunc("by", fixedCompletion(report.Groupings...))
	cmd.RegisterFlagCompletionFunc("format", fixedCompletion("table", "json", "csv", "md"))
	return cmd
}

func writeIncidentFigures(w io.Writer, f report.Incident, format string) error {
	if format == "json" {
		return writeJSON(w, f)
	}
	prefix := ""
	if format == "md" {
		fmt.Fprintf(w, "# %s: %s (%s)\n\n", f.ID, md1(f.Title), f.Severity)
		prefix = "- "
	} else {
		fmt.Fprintf(w, "%s %s (%s, %s)\n", f.ID, safetext.Line(f.Title), f.Severity, f.Status)
	}
	line := func(k, v string) { fmt.Fprintf(w, "%s%-22s %s\n", prefix, k, v) }
	line("started", f.Start+" (its first mention)")
	line("acknowledged after", secs(&f.AcknowledgedS))
	line("first statement after", orText(secs(f.FirstStatementS), "none sent yet"))
	line("resolved after", orText(secs(f.ResolvedS), "still open"))
	line("mentions", fmt.Sprintf("%d (%.1f an hour; the week before %.1f)", f.Mentions, f.PerHour, f.BeforePerHour))
	line("negative share", fmt.Sprintf("%s (the week before %s)", pct(f.NegativeShare), pct(f.BeforeNegativeShare)))
	return nil
}

func orText(s, alt string) string {
	if s == "–" {
		return alt
	}
	return s
}

func md1(s string) string {
	return strings.NewReplacer("*", "\\*", "_", "\\_", "`", "\\`", "\n", " ").Replace(safetext.Line(s))
}

func withBy(o report.Options, by string) report.Options { o.By = by; return o }

// secs is a percentile as a short duration ("–" for none).
func secs(p *int64) string {
	if p == nil {
		return "–"
	}
	return shortDuration(time.Duration(*p) * time.Second)
}

func pct(x float64) string { return strconv.FormatFloat(x*100, 'f', 1, 64) + "%" }

func reportRows(r report.Report) []report.Group {
	return append(append([]report.Group(nil), r.Groups...), r.Total)
}

func writeReportTable(w io.Writer, r report.Report) {
	window := r.Since + " to " + r.Until
	if r.Since == "" {
		window = "everything to " + r.Until
	}
	fmt.Fprintf(w, "Mentions created %s", window)
	if r.BusinessHours {
		fmt.Fprint(w, " · response times in business hours")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := strings.ToUpper(orDash(r.By))
	fmt.Fprintf(tw, "%s\tMENTIONS\tRESPONDED\tRATE\tFIRST P50\tFIRST P90\tRESOLVED\tRESOLVE P50\tOVERDUE\tNEGATIVE\t\n", head)
	for _, g := range reportRows(r) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%d\t%s\t%d\t%s\t\n", safetext.Line(g.Key), g.Mentions, g.Responded, pct(g.ResponseRate),
			secs(g.FirstResponseP50S), secs(g.FirstResponseP90S), g.Resolved, secs(g.ResolutionP50S), g.Overdue, pct(g.NegativeShare))
	}
	tw.Flush()
}

func writeReportCSV(w io.Writer, r report.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"key", "mentions", "responded", "response_rate", "first_response_p50_s", "first_response_p90_s", "resolved", "resolution_p50_s", "overdue", "negative_share"})
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	for _, g := range reportRows(r) {
		cw.Write([]string{CSVCellKey(g.Key), strconv.Itoa(g.Mentions), strconv.Itoa(g.Responded), strconv.FormatFloat(g.ResponseRate, 'f', 4, 64),
			opt(g.FirstResponseP50S), opt(g.FirstResponseP90S), strconv.Itoa(g.Resolved), opt(g.ResolutionP50S), strconv.Itoa(g.Overdue),
			strconv.FormatFloat(g.NegativeShare, 'f', 4, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// CSVCellKey keeps a group key (a tag, a team: operator text) from being
// run as a spreadsheet formula.
func CSVCellKey(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeReportMD is the digest: the figures as a Markdown table and the
// volume by day as a text chart.
func writeReportMD(w io.Writer, r, daily report.Report) {
	t := r.Total
	fmt.Fprintf(w, "# Social inbox digest, %s to %s\n\n", day(r.Since), day(r.Until))
	fmt.Fprintf(w, "%d mentions; %s answered (first response p50 %s, p90 %s); %d resolved; %d overdue; %s negative.",
		t.Mentions, pct(t.ResponseRate), secs(t.FirstResponseP50S), secs(t.FirstResponseP90S), t.Resolved, t.Overdue, pct(t.NegativeShare))
	if r.BusinessHours {
		fmt.Fprint(w, " Response times count business hours only.")
	}
	fmt.Fprint(w, "\n\n")
	fmt.Fprintf(w, "| %s | mentions | responded | rate | first p50 | first p90 | resolved | overdue | negative |\n", orDash(r.By))
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, g := range reportRows(r) {
		key := strings.NewReplacer("|", "\\|", "\n", " ").Replace(safetext.Line(g.Key))
		fmt.Fprintf(w, "| %s | %d | %d | %s | %s | %s | %d | %d | %s |\n", key, g.Mentions, g.Responded, pct(g.ResponseRate),
			secs(g.FirstResponseP50S), secs(g.FirstResponseP90S), g.Resolved, g.Overdue, pct(g.NegativeShare))
	}
	fmt.Fprint(w, "\n## Volume by day\n\n```\n")
	most := 1
	for _, g := range daily.Groups {
		most = max(most, g.Mentions)
	}
	for _, g := range daily.Groups {
		bar := strings.Repeat("█", (g.Mentions*40+most-1)/most)
		fmt.Fprintf(w, "%s %-40s %5d  %s answered\n", g.Key, bar, g.Mentions, pct(g.ResponseRate))
	}
	fmt.Fprint(w, "```\n")
}

func day(stamp string) string {
	if t, err := time.Parse(time.RFC3339, stamp); err == nil {
		return t.Local().Format("Mon 2 Jan 2006")
	}
	return "the start"
}

// shortDuration is 45s, 25m, 1h10m, 2d3h.
func shortDuration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
	return words.Short(d)
}
