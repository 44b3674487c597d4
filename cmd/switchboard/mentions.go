package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"switchboard/domain"
	"switchboard/exchange"
	"switchboard/internal/words"
	"switchboard/query"
	"switchboard/safetext"
	"switchboard/sla"
	"switchboard/store"
)

func init() { addCommand(newMentionsCmd) }

// newMentionsCmd is `switchboard mentions`: the inbox from a script. The
// same locally and over ssh, where the operator whose key signed in acts
// and the store enforces what their role may do.
func newMentionsCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "mentions",
		Short: "List, show and act on mentions (tag, assign, route, snooze, close, reopen, note)",
		Long: `mentions is the inbox on the command line. list and show read; the actions
change the mentions named by KEY (platform:id, as in the import format) or
every mention a --query matches, in one transaction that one undo in the
app reverses, audited under the acting operator. Over ssh the operator whose
key signed in acts, with what their role allows.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}

	var ff filterFlags
	var listJSON bool
	var limit int
	list := &cobra.Command{
		Use:   "list [--query Q] [filters] [--json] [--limit N]",
		Short: "Mentions matching a query, newest first (every match unless --limit)",
		Example: `  switchboard mentions list --query 'is:open tag:billing after:24h'
  switchboard mentions list --query 'refund* -spam sort:oldest' --json --limit 50`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			me, clock, err := queryContext(g)
			if err != nil {
				return err
			}
			f, sortBy, err := ff.filter(me, clock)
			if err != nil {
				return err
			}
			if limit < 0 {
				return usagef("--limit %d: want 0 (every match) or more", limit)
			}
			st, err := openStoreReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			ms, err := collect(st, f, sortBy, limit, clock)
			if err != nil {
				return failf("mentions list: %v", err)
			}
			w := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
			if listJSON {
				err = writeMentionsJSON(w, ms)
			} else {
				writeMentionsTable(w, ms, time.Now())
			}
			if err != nil {
				return err
			}
			return w.Flush()
		},
	}
	ff.register(list.Flags())
	registerFilterCompletions(list, g)
	list.Flags().BoolVar(&listJSON, "json", false, "print one JSON array of mentions in the export format")
	list.Flags().IntVar(&limit, "limit", 0, "at most N mentions (0: every match)")

	var showJSON bool
	show := &cobra.Command{
		Use:   "show KEY [--json]",
		Short: "One mention: text, state, notes and history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openStoreReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			m, err := st.GetByKey(args[0])
			if err != nil {
				return failf("mentions show %s: %v", safetext.Line(args[0]), err)
			}
			if showJSON {
				return writeJSON(cmd.OutOrStdout(), exchange.FromMention(&m))
			}
			evs, err := st.Events(m.Key())
			if err != nil {
				return failf("mentions show %s: %v", m.Key(), err)
			}
			writeMention(cmd.OutOrStdout(), m, evs)
			return nil
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print the mention as JSON (export format)")

	root.AddCommand(list, show)
	for _, a := range mentionActions {
		root.AddCommand(a.command(g))
	}
	return root
}

// mentionAction is one of the acting subcommands.
type mentionAction struct {
	name, short string
	// flag names the value the action needs ("" for none), its help and
	// what it is in an error.
	flag, flagHelp string
	// action builds the store action from the value.
	action func(value string, now time.Time) (store.Action, error)
	// done is the past tense printed with the count ("closed 312").
	done string
}

var mentionActions = []mentionAction{
	{name: "tag", short: "Add a tag", flag: "tag", flagHelp: "the tag to add", done: "tagged",
		action: func(v string, _ time.Time) (store.Action, error) {
			return store.Action{Kind: domain.EventTag, Value: v}, nil
		}},
	{name: "untag", short: "Remove a tag", flag: "tag", flagHelp: "the tag to remove", done: "untagged",
		action: func(v string, _ time.Time) (store.Action, error) {
			return store.Action{Kind: domain.EventUntag, Value: v}, nil
		}},
	{name: "assign", short: "Assign to an operator (--to none unassigns)", flag: "to", flagHelp: "the operator, or none", done: "assigned",
		action: func(v string, _ time.Time) (store.Action, error) {
			if v == "none" {
				v = ""
			}
			return store.Action{Kind: domain.EventAssign, Value: strings.TrimPrefix(v, "@")}, nil
		}},
	{name: "route", short: "Route to a team (--team none clears)", flag: "team", flagHelp: "the team, or none", done: "routed",
		action: func(v string, _ time.Time) (store.Action, error) {
			if v == "none" {
				v = ""
			}
			return store.Action{Kind: domain.EventRoute, Value: v}, nil
		}},
	{name: "snooze", short: "Snooze until a time (2h, 3d, 2026-12-24, \"2026-12-24 14:00\")", flag: "until", flagHelp: "when it wakes", done: "snoozed",
		action: func(v string, now time.Time) (store.Action, error) {
			until, err := query.Until(v, now)
			if err != nil {
				return store.Action{}, usagef("--until %v", err)
			}
			return store.Action{Kind: domain.EventStatus, Value: string(domain.StatusSnoozed), Until: until}, nil
		}},
	{name: "close", short: "Mark done", done: "closed",
		action: func(string, time.Time) (store.Action, error) {
			return store.Action{Kind: domain.EventStatus, Value: string(domain.StatusDone)}, nil
		}},
	{name: "reopen", short: "Open again", done: "reopened",
		action: func(string, time.Time) (store.Action, error) {
			return store.Action{Kind: domain.EventStatus, Value: string(domain.StatusOpen)}, nil
		}},
	{name: "note", short: "Add an internal note", flag: "text", flagHelp: "the note", done: "noted",
		action: func(v string, _ time.Time) (store.Action, error) {
			return store.Action{Kind: domain.EventNote, Value: v}, nil
		}},
}

func (a mentionAction) command(g *globals) *cobra.Command {
	var value, q string
	use := a.name + " KEY... [--query Q]"
	if a.flag != "" {
		use = a.name + " --" + a.flag + " " + strings.ToUpper(a.flag) + " (KEY... | --query Q)"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: a.short + " on the mentions named or matched",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, keys []string) error {
			if a.flag != "" && strings.TrimSpace(value) == "" {
				return usagef("mentions %s needs --%s (%s)", a.name, a.flag, a.flagHelp)
			}
			if (len(keys) == 0) == (strings.TrimSpace(q) == "") {
				return usagef("mentions %s: name the mentions (KEY...) or give --query, not both", a.name)
			}
			act, err := a.action(value, time.Now())
			if err != nil {
				return err
			}
			me, st, done, err := actingStore(g)
			if err != nil {
				return err
			}
			defer done()
			_, clock, err := queryContext(g)
			if err != nil {
				return err
			}
			ids, err := targetIDs(st, keys, q, me, clock)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "%s 0: nothing matches\n", a.done)
				return nil
			}
			evs, err := st.Apply(me, ids, act)
			switch {
			case errors.Is(err, store.ErrNoChange):
				fmt.Fprintf(cmd.OutOrStdout(), "%s 0: nothing changed (%s already so)\n", a.done, plural(len(ids), "mention"))
				return nil
			case err != nil:
				return failf("mentions %s: %v", a.name, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %d\n", a.done, len(evs))
			if n := len(ids) - len(evs); n > 0 {
				fmt.Fprintf(cmd.OutOrStdout(), "(%s already so)\n", plural(n, "mention"))
			}
			return nil
		},
	}
	if a.flag != "" {
		cmd.Flags().StringVar(&value, a.flag, "", a.flagHelp)
		switch a.flag {
		case "tag":
			cmd.RegisterFlagCompletionFunc("tag", storeCompletion(g, store.IndexTag, false))
		case "team":
			cmd.RegisterFlagCompletionFunc("team", storeCompletion(g, store.IndexTeam, false))
		case "to":
			cmd.RegisterFlagCompletionFunc("to", storeCompletion(g, store.IndexAssignee, true))
		}
	}
	cmd.Flags().StringVarP(&q, "query", "q", "", "act on every mention this query matches (all history)")
	return cmd
}

// targetIDs resolves keys, or the matches of query q, to store ids.
func targetIDs(st *store.Store, keys []string, q, me string, clock *sla.Policy) ([]uint64, error) {
	var ids []uint64
	if len(keys) > 0 {
		for _, k := range keys {
			if _, _, ok := domain.SplitMentionKey(k); !ok {
				return nil, usagef("%q is not a mention key: want platform:id (x:1790), as in the import format", safetext.Line(k))
			}
			m, err := st.GetByKey(k)
			if err != nil {
				return nil, failf("%s: %v", safetext.Line(k), err)
			}
			if !slices.Contains(ids, m.ID) {
				ids = append(ids, m.ID)
			}
		}
		return ids, nil
	}
	parsed, err := query.Parse(q, query.Options{Me: me, Now: time.Now(), Clock: clock})
	if err != nil {
		return nil, usagef("--query: %v", err)
	}
	err = st.Each(parsed.Filter, func(m *domain.Mention) bool {
		ids = append(ids, m.ID)
		return true
	})
	if err != nil {
		return nil, failf("--query: %v", err)
	}
	return ids, nil
}

// collect reads the mentions f matches in the order sortBy names (newest
// first by default; due: by the first-response deadline of each mention's
// team clock), at most limit (0: all), in one read.
func collect(st *store.Store, f store.Filter, sortBy string, limit int, clock *sla.Policy) ([]domain.Mention, error) {
	f.Oldest = sortBy == "oldest"
	sorted := sortBy == "followers" || sortBy == "due"
	var out []domain.Mention
	err := st.Each(f, func(m *domain.Mention) bool {
		out = append(out, *m)
		return sorted || limit == 0 || len(out) < limit
	})
	if err != nil {
		return nil, err
	}
	switch sortBy {
	case "followers":
		slices.SortStableFunc(out, func(a, b domain.Mention) int { return cmp.Compare(b.Author.Followers, a.Author.Followers) })
	case "due":
		slices.SortStableFunc(out, func(a, b domain.Mention) int {
			return clock.For(a.State.Team).Due(&a).Compare(clock.For(b.State.Team).Due(&b))
		})
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func writeMentionsJSON(w io.Writer, ms []domain.Mention) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	for i := range ms {
		if i > 0 {
			io.WriteString(w, ",")
		}
		io.WriteString(w, "\n  ")
		b, err := json.Marshal(exchange.FromMention(&ms[i]))
		if err != nil {
			return err
		}
		w.Write(b)
	}
	if len(ms) > 0 {
		io.WriteString(w, "\n")
	}
	_, err := io.WriteString(w, "]\n")
	return err
}

func writeMentionsTable(w io.Writer, ms []domain.Mention, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tAGE\tSTATUS\tASSIGNEE\tTEAM\tTAGS\tAUTHOR\tTEXT")
	for i := range ms {
		m := &ms[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", safetext.Line(m.Key()), ago(now.Sub(m.CreatedAt)),
			m.EffectiveStatus(now), safetext.Line(dash(m.State.Assignee)), safetext.Line(dash(m.State.Team)), safetext.Line(dash(strings.Join(m.State.Tags, ","))),
			safetext.Truncate(m.Author.Handle, 20, "…"), safetext.Truncate(m.Text, 60, "…"))
	}
	tw.Flush()
	fmt.Fprintf(w, "%s\n", plural(len(ms), "mention"))
}

func writeMention(w io.Writer, m domain.Mention, evs []domain.Event) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, safetext.Line(v))
		}
	}
	row("mention", m.Key())
	row("url", m.URL)
	row("kind", string(m.Kind))
	a := m.Author.Handle
	if m.Author.Name != "" {
		a += " (" + m.Author.Name + ")"
	}
	if m.Author.Followers > 0 {
		a += fmt.Sprintf(", %d followers", m.Author.Followers)
	}
	row("author", a)
	row("created", m.CreatedAt.Local().Format(time.DateTime))
	row("lang", m.Lang)
	row("sentiment", fmt.Sprintf("%s (%+.2f)", m.Band(), m.Sentiment))
	st := string(m.EffectiveStatus(time.Now()))
	if m.State.Status == domain.StatusSnoozed && !m.State.SnoozedUntil.IsZero() {
		st += " until " + m.State.SnoozedUntil.Local().Format(time.DateTime)
	}
	row("status", st)
	row("priority", string(m.State.Priority))
	row("assignee", m.State.Assignee)
	row("team", m.State.Team)
	row("tags", strings.Join(m.State.Tags, ", "))
	row("incident", m.State.IncidentID)
	if !m.State.RespondedAt.IsZero() {
		row("responded", m.State.RespondedAt.Local().Format(time.DateTime))
	}
	tw.Flush()
	fmt.Fprintln(w, "text:")
	for _, l := range strings.Split(safetext.Wrap(m.Text, 76), "\n") {
		fmt.Fprintln(w, "  "+l)
	}
	if len(m.State.Notes) > 0 {
		fmt.Fprintln(w, "notes:")
		for _, n := range m.State.Notes {
			fmt.Fprintln(w, safetext.Line(fmt.Sprintf("  %s %s: %s", n.At.Local().Format(time.DateTime), n.Author, n.Text)))
		}
	}
	if len(evs) > 0 {
		fmt.Fprintln(w, "history:")
		for _, e := range evs {
			fmt.Fprintln(w, safetext.Line(fmt.Sprintf("  %s %s %s %s→%s", e.At.Local().Format(time.DateTime), e.Actor, e.Field, e.Before, e.After)))
		}
	}
}

// ago is a short age: 45s, 12m, 3h, 4d.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(0, int(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// plural is "1 mention", "2 mentions".
func plural(n int, noun string) string { return words.Plural(n, noun) }
