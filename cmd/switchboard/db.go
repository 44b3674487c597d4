package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/spf13/cobra"
	"switchboard/domain"
	"switchboard/store"
)

func init() {
	addCommand(func(g *globals) *cobra.Command {
		db := &cobra.Command{
			Use:   "db",
			Short: "Look after the store: stats, check, compact, backup",
		}
		var statsJSON bool
		stats := &cobra.Command{
			Use:   "stats",
			Short: "Counts, and the file's size against the size in use",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				s, err := openStoreReadOnly(g)
				if err != nil {
					return err
				}
				defer s.Close()
				st, err := s.Stats()
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				if statsJSON {
					return writeJSON(w, dbStatsJSON{Store: s.Path(), Mentions: st.Mentions, ByStatus: st.ByStatus, ByPlatform: st.ByPlatform,
						Events: st.Events, Cursors: st.Cursors, FileSize: st.FileSize, InUse: st.InUse, FreePages: st.FreePages, PageSize: st.PageSize})
				}
				fmt.Fprintf(w, "store      %s\n", s.Path())
				fmt.Fprintf(w, "mentions   %d\n", st.Mentions)
				for _, k := range sortedKeys(st.ByStatus) {
					fmt.Fprintf(w, "  %-8s %d\n", k, st.ByStatus[k])
				}
				for _, k := range sortedKeys(st.ByPlatform) {
					fmt.Fprintf(w, "  %-8s %d\n", k, st.ByPlatform[k])
				}
				fmt.Fprintf(w, "events     %d\n", st.Events)
				fmt.Fprintf(w, "cursors    %d\n", st.Cursors)
				fmt.Fprintf(w, "file size  %s\n", bytesHuman(st.FileSize))
				fmt.Fprintf(w, "in use     %s (%d free pages of %d bytes)\n", bytesHuman(st.InUse), st.FreePages, st.PageSize)
				if st.Mentions > 0 {
					fmt.Fprintf(w, "per mention %s\n", bytesHuman(st.InUse/int64(st.Mentions)))
				}
				return nil
			},
		}
		stats.Flags().BoolVar(&statsJSON, "json", false, "print a JSON object")
		db.AddCommand(stats)
		db.AddCommand(&cobra.Command{
			Use:   "check",
			Short: "Verify every index and counter against the records (exit 1 if not consistent)",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				s, err := openStoreReadOnly(g)
				if err != nil {
					return err
				}
				defer s.Close()
				probs, err := s.Check()
				if err != nil {
					return err
				}
				if len(probs) == 0 {
					fmt.Fprintln(cmd.OutOrStdout(), "ok: every index, counter and lookup agrees with the records")
					return nil
				}
				for _, p := range probs {
					fmt.Fprintln(cmd.OutOrStdout(), p.String())
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d problems\n", len(probs))
				return &exitError{code: 1}
			},
		})
		db.AddCommand(&cobra.Command{
			Use:   "compact",
			Short: "Rewrite the store without free space (the store must not be in use)",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				before, after, err := store.Compact(g.dbPath())
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "compacted %s: %s → %s\n", g.dbPath(), bytesHuman(before), bytesHuman(after))
				return nil
			},
		})
		var force bool
		backup := &cobra.Command{
			Use:   "backup FILE",
			Short: "Write a consistent copy of the store while it stays in use",
			Long: `backup writes a consistent copy of the store (one read transaction) to FILE;
the copy appears whole or not at all. An existing FILE is not overwritten
unless --force is given.`,
			Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if _, err := os.Lstat(args[0]); err == nil && !force {
					return fmt.Errorf("%s already exists; give --force to overwrite it", args[0])
				}
				s, err := openStoreReadOnly(g)
				if err != nil {
					return err
				}
				defer s.Close()
				n, err := s.Backup(args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "backed up %s to %s (%s)\n", s.Path(), args[0], bytesHuman(n))
				return nil
			},
		}
		backup.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
		db.AddCommand(backup)
		return db
	})
}

// dbStatsJSON is `db stats --json`; sizes are in bytes.
type dbStatsJSON struct {
	Store      string                `json:"store"`
	Mentions   int                   `json:"mentions"`
	ByStatus   map[domain.Status]int `json:"by_status"`
	ByPlatform map[string]int        `json:"by_platform"`
	Events     int                   `json:"events"`
	Cursors    int                   `json:"cursors"`
	FileSize   int64                 `json:"file_size"`
	InUse      int64                 `json:"in_use"`
	FreePages  int                   `json:"free_pages"`
	PageSize   int                   `json:"page_size"`
}

// writeJSON prints v as one indented JSON value.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func bytesHuman(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
