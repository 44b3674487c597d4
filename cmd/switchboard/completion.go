package main

import (
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/domain"
	"switchboard/store"
)

// completionShells are the shells `switchboard completion` writes scripts for.
var completionShells = []string{"bash", "zsh", "fish", "powershell"}

// strictCompletionCmd makes cobra's `completion` command a usage error
// (exit 2) when it is given no shell or one it does not know, instead of
// printing its help and exiting 0.
func strictCompletionCmd(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("completion needs a shell: %s", strings.Join(completionShells, ", "))
			}
			return usagef("completion: unknown shell %q: want one of %s", args[0], strings.Join(completionShells, ", "))
		}
	}
}

// completeWords completes the last item of a comma-separated flag value
// (--status open,pe<tab>) from words.
func completeWords(words []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	done := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, toComplete = toComplete[:i+1], toComplete[i+1:]
	}
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, toComplete) {
			out = append(out, done+w)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// fixedCompletion completes a flag from a fixed list of values.
func fixedCompletion[S ~string](values ...S) cobra.CompletionFunc {
	words := make([]string, len(values))
	for i, v := range values {
		words[i] = string(v)
	}
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeWords(words, toComplete)
	}
}

// storeCompletion completes a flag from the values one of the store's
// indexes holds (every tag, team or assignee in use), read from the --db
// store without waiting for a writer that holds it; with operators, the
// names in the configured operators file are offered too.
func storeCompletion(g *globals, index string, operators bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var words []string
		if _, err := os.Stat(g.dbPath()); err == nil {
			if s, err := store.Open(g.dbPath(), store.Options{ReadOnly: true, Timeout: 200 * time.Millisecond}); err == nil {
				if c, err := s.Counts(); err == nil {
					words = c.Values(index)
				}
				s.Close()
			}
		}
		if operators {
			if team, err := configuredTeam(g, ""); err == nil && team != nil {
				for _, o := range team.Operators() {
					words = append(words, o.Name)
				}
			}
		}
		// one word a line: values that would break the shell's list
		// (controls, a comma inside a list value) are left out
		words = slices.DeleteFunc(words, func(w string) bool {
			return w == "" || strings.ContainsFunc(w, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ',' })
		})
		slices.Sort(words)
		return completeWords(slices.Compact(words), toComplete)
	}
}

// registerFilterCompletions completes the values of the filter flags of
// cmd (see filterFlags.register).
func registerFilterCompletions(cmd *cobra.Command, g *globals) {
	cmd.RegisterFlagCompletionFunc("platform", fixedCompletion(domain.Platforms...))
	cmd.RegisterFlagCompletionFunc("status", fixedCompletion(domain.Statuses...))
	cmd.RegisterFlagCompletionFunc("sentiment", fixedCompletion(domain.BandNegative, domain.BandNeutral, domain.BandPositive))
	cmd.RegisterFlagCompletionFunc("tag", storeCompletion(g, store.IndexTag, false))
	cmd.RegisterFlagCompletionFunc("team", storeCompletion(g, store.IndexTeam, false))
	cmd.RegisterFlagCompletionFunc("assignee", storeCompletion(g, store.IndexAssignee, true))
}
