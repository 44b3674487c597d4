package main

import (
	"bufio"

	"github.com/spf13/cobra"
	"switchboard/exchange"
	"switchboard/store"
)

func init() {
	addCommand(func(g *globals) *cobra.Command {
		var format string
		var ff filterFlags
		cmd := &cobra.Command{
			Use:   "export [filters]",
			Short: "Export mentions with their operator state",
			Long: `Export mentions, oldest first, with their operator state, as JSON Lines (the
import format) or CSV. Export, import into an empty store and export again
gives identical output. JSON Lines end with a "record":"contact" line for
each author operators tagged, noted or linked (of the exported mentions,
with the contacts linked to them; every one when no filter is given). CSV cells that a spreadsheet would run as a formula
are prefixed with a quote.`,
			Example: "  switchboard export > all.jsonl\n  switchboard export --format csv --status open --tag billing > open-billing.csv",
			Args:    cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				me, clock, err := queryContext(g)
				if err != nil {
					return err
				}
				f, _, err := ff.filter(me, clock)
				if err != nil {
					return err
				}
				f.Oldest = true
				w := bufio.NewWriterSize(cmd.OutOrStdout(), 64<<10)
				enc, err := exchange.NewEncoder(w, format)
				if err != nil {
					return usagef("--format: %v", err)
				}
				s, err := openStoreReadOnly(g)
				if err != nil {
					return err
				}
				defer s.Close()
				cursor := ""
				var authors map[string]bool // the contacts of a filtered export
				if !f.IsZero() {
					authors = map[string]bool{}
				}
				for {
					page, err := s.Query(f, cursor, 1000)
					if err != nil {
						return err
					}
					for i := range page.Mentions {
						m := &page.Mentions[i]
						if err := enc.Encode(m); err != nil {
							return err
						}
						if authors != nil {
							authors[store.ContactKey(m.Platform, m.Author.Handle)] = true
						}
					}
					if page.Next == "" {
						break
					}
					cursor = page.Next
				}
				if ce, ok := enc.(exchange.ContactEncoder); ok {
					// what operators set on the authors (and the people
					// they are linked to), after the mentions
					recs, err := s.ContactRecords(authors)
					if err != nil {
						return err
					}
					for _, r := range recs {
						if err := ce.EncodeContact(&exchange.Contact{Platform: r.Platform, Handle: r.Handle, Tags: r.Tags, Notes: r.Notes, Link: r.Link}); err != nil {
							return err
						}
					}
				}
				if err := enc.Flush(); err != nil {
					return err
				}
				return w.Flush()
			},
		}
		cmd.Flags().StringVar(&format, "format", "jsonl", "jsonl or csv")
		ff.register(cmd.Flags())
		registerFilterCompletions(cmd, g)
		return cmd
	})
}
