package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"switchboard/domain"
	"switchboard/reply"
	"switchboard/safetext"
	"switchboard/store"
)

func init() { addCommand(newRepliesCmd) }

// newRepliesCmd is `switchboard replies`: the team's saved-replies
// library, the same locally and over ssh.
func newRepliesCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "replies",
		Short: "The saved-replies library: list, add, show and remove ready answers",
		Long: `replies keeps the team's ready answers beside the policy pack's templates:
per team, language and platforms, with {{fields}} the composer asks for. A
saved reply is checked against the policy when it is saved (one the pack
blocks is refused) and again, like every draft, when it is used; uses are
counted, so the most used come first in the composer's picker (ctrl+t).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var listJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "Every saved reply, most used first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openStoreReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			rs, err := st.SavedReplies()
			if err != nil {
				return failf("replies list: %v", err)
			}
			if listJSON {
				if rs == nil {
					rs = []domain.SavedReply{}
				}
				return writeJSON(cmd.OutOrStdout(), rs)
			}
			writeReplies(cmd.OutOrStdout(), rs)
			return nil
		},
	}
	list.Flags().BoolVar(&listJSON, "json", false, "print a JSON array of saved replies")

	var r domain.SavedReply
	add := &cobra.Command{
		Use:   "add --title T --text TEXT [--team T] [--lang L] [--platform P]... [--tag T]...",
		Short: "Save a reply (checked against the policy first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(r.Title) == "" || strings.TrimSpace(r.Text) == "" {
				return usagef("replies add needs --title and --text")
			}
			for _, p := range r.Platforms {
				if !domain.Platform(p).Valid() {
					return usagef("--platform %q: want x, mastodon, bluesky, reddit or news", p)
				}
			}
			me, st, done, err := actingStore(g)
			if err != nil {
				return err
			}
			defer done()
			pack, err := replyPack(g, st)
			if err != nil {
				return failf("%v", err)
			}
			if fs := reply.SavedBlocked(pack, r); len(fs) > 0 {
				writeRefusal(cmd.ErrOrStderr(), "the reply", fs, "it is not saved")
				return &exitError{code: 1}
			}
			saved, err := st.SaveReply(me, r)
			if err != nil {
				return failf("replies add: %v", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "saved %s: %s\n", saved.ID, safetext.Line(saved.Title))
			return nil
		},
	}
	add.Flags().StringVar(&r.Title, "title", "", "the title the picker shows")
	add.Flags().StringVar(&r.Text, "text", "", "the reply, with {{fields}} (e.g. {{author}})")
	add.Flags().StringVar(&r.Team, "team", "", "the team it is for")
	add.Flags().StringVar(&r.Lang, "lang", "", "its language (en, nl …)")
	add.Flags().StringSliceVar(&r.Platforms, "platform", nil, "the platforms it is for (default all)")
	add.Flags().StringSliceVar(&r.Tags, "tag", nil, "suggest it for mentions with these tags")

	var showJSON bool
	show := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "One saved reply",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openStoreReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := st.SavedReply(args[0])
			if err != nil {
				return failf("replies show %s: %v", safetext.Line(args[0]), err)
			}
			if showJSON {
				return writeJSON(cmd.OutOrStdout(), r)
			}
			writeReplies(cmd.OutOrStdout(), []domain.SavedReply{r})
			fmt.Fprintln(cmd.OutOrStdout(), "text:")
			for _, l := range strings.Split(safetext.Wrap(r.Text, 76), "\n") {
				fmt.Fprintln(cmd.OutOrStdout(), "  "+l)
			}
			return nil
		},
	}
	show.Flags().BoolVar(&showJSON, "json", false, "print the saved reply as JSON")

	remove := &cobra.Command{
		Use:   "remove ID",
		Short: "Remove a saved reply from the library",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			me, st, done, err := actingStore(g)
			if err != nil {
				return err
			}
			defer done()
			if err := st.DeleteReply(me, args[0]); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return failf("replies remove: there is no saved reply %s", safetext.Line(args[0]))
				}
				return failf("replies remove: %v", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", safetext.Line(args[0]))
			return nil
		},
	}
	root.AddCommand(list, add, show, remove)
	return root
}

func writeReplies(w io.Writer, rs []domain.SavedReply) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tTEAM\tLANG\tPLATFORMS\tTAGS\tUSES")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", safetext.Line(r.ID), safetext.Truncate(r.Title, 40, "…"), safetext.Line(dash(r.Team)),
			safetext.Line(dash(r.Lang)), safetext.Line(dash(strings.Join(r.Platforms, ","))), safetext.Line(dash(strings.Join(r.Tags, ","))), r.Uses)
	}
	tw.Flush()
}
