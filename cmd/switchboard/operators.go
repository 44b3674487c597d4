package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"switchboard/domain"
	"switchboard/operators"
	"switchboard/store"
)

func init() {
	addCommand(func(g *globals) *cobra.Command {
		var opsPath string
		path := func() string {
			if opsPath != "" {
				return opsPath
			}
			return defaultOperatorsPath(g)
		}
		root := &cobra.Command{
			Use:   "operators",
			Short: "Manage who may use the SSH war room (operators.yaml)",
			Long: `operators edits the team file that switchboard serve follows: each operator's
name, role (viewer, agent, legal, lead, admin), teams and SSH public keys.
A running serve applies every change within a second; removing an operator
ends their live sessions and is recorded in the audit log (off-boarding).`,
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		}
		root.PersistentFlags().StringVar(&opsPath, "operators", "", "operators file (default operators.yaml beside the config file)")

		var role string
		var teams, keys, approves []string
		add := &cobra.Command{
			Use:   "add NAME --role ROLE --key KEY [--key KEY…] [--team TEAM…] [--approves ROLE…]",
			Short: "Add an operator",
			Long: `add puts an operator in the team file. --key is a public key file (.pub) or
a key in authorized_keys form ("ssh-ed25519 AAAA… name"); give it once per key.`,
			Example: "  switchboard operators add ana --role lead --team support --key ~/.ssh/id_ed25519.pub",
			Args:    cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				name := args[0]
				if err := operators.ValidName(name); err != nil {
					return usagef("%v", err)
				}
				r := domain.Role(role)
				if !r.Valid() {
					return usagef("--role %q: want one of viewer, agent, legal, lead, admin", role)
				}
				if len(keys) == 0 {
					return usagef("give at least one --key (a .pub file or an ssh-ed25519 … line)")
				}
				var lines []string
				for _, k := range keys {
					line, err := readKey(k)
					if err != nil {
						return usagef("--key %s: %v", k, err)
					}
					lines = append(lines, line)
				}
				op := operators.Operator{Name: name, Role: r, Teams: teams, Approves: approves, Keys: lines}
				if err := operators.Add(path(), op); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %s (%s) to %s\n", name, r, path())
				recordLocally(cmd, g, name, "operator", "", name+" ("+string(r)+")")
				return nil
			},
		}
		add.Flags().StringVar(&role, "role", "", "viewer, agent, legal, lead or admin")
		add.Flags().StringArrayVar(&teams, "team", nil, "a team the operator is on (repeatable)")
		add.RegisterFlagCompletionFunc("team", storeCompletion(g, store.IndexTeam, false))
		add.Flags().StringArrayVar(&keys, "key", nil, "public key file or authorized_keys line (repeatable)")
		add.Flags().StringArrayVar(&approves, "approves", nil, "an approval role of the policy pack the operator approves drafts for, e.g. legal (repeatable)")

		remove := &cobra.Command{
			Use:     "remove NAME",
			Short:   "Remove an operator (their live sessions end within a second)",
			Example: "  switchboard operators remove vera",
			Args:    cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				set, err := operators.Load(path())
				if err != nil {
					return err
				}
				op, ok := set.Get(args[0])
				if !ok {
					return fmt.Errorf("%s has no operator %q", path(), args[0])
				}
				if err := operators.Remove(path(), op.Name); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s (%s) from %s\n", op.Name, op.Role, path())
				recordLocally(cmd, g, op.Name, "operator", op.Name+" ("+string(op.Role)+")", "")
				return nil
			},
		}

		var listJSON bool
		list := &cobra.Command{
			Use:   "list",
			Short: "List the operators, their roles, teams and key fingerprints",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				set, err := operators.Load(path())
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if listJSON {
					return writeJSON(out, teamJSON(set))
				}
				if set.Len() == 0 {
					fmt.Fprintf(out, "no operators in %s; add one with: switchboard operators add NAME --role admin --key ~/.ssh/id_ed25519.pub\n", path())
					return nil
				}
				tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
				writeTeam(tw, set)
				return tw.Flush()
			},
		}
		list.Flags().BoolVar(&listJSON, "json", false, "print a JSON array of operators (key fingerprints, never the keys)")
		root.AddCommand(add, remove, list)
		return root
	})
}

// writeTeam is `operators list`: one line per operator.
func writeTeam(w io.Writer, set *operators.Set) {
	fmt.Fprintln(w, "NAME\tROLE\tTEAMS\tAPPROVES\tKEYS")
	for _, o := range set.Operators() {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", o.Name, o.Role, dash(strings.Join(o.Teams, ",")), dash(strings.Join(o.Approves, ",")), dash(strings.Join(o.Fingerprints(), " ")))
	}
}

// operatorJSON is one operator of `operators list --json`.
type operatorJSON struct {
	Name         string   `json:"name"`
	Role         string   `json:"role"`
	Teams        []string `json:"teams"`
	Approves     []string `json:"approves"`
	Fingerprints []string `json:"fingerprints"`
}

// teamJSON is `operators list --json`: the operators, empty lists as [].
func teamJSON(set *operators.Set) []operatorJSON {
	out := []operatorJSON{}
	for _, o := range set.Operators() {
		out = append(out, operatorJSON{Name: o.Name, Role: string(o.Role), Teams: nonNil(o.Teams), Approves: nonNil(o.Approves), Fingerprints: nonNil(o.Fingerprints())})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// readKey reads a public key from a file, or takes the argument itself
// as an authorized_keys line.
func readKey(arg string) (string, error) {
	line := arg
	if !strings.HasPrefix(strings.TrimSpace(arg), "ssh-") && !strings.HasPrefix(strings.TrimSpace(arg), "ecdsa-") && !strings.HasPrefix(strings.TrimSpace(arg), "sk-") {
		if strings.HasPrefix(arg, "~/") {
			if home, err := os.UserHomeDir(); err == nil {
				arg = home + arg[1:]
			}
		}
		b, err := os.ReadFile(arg)
		if err != nil {
			return "", err
		}
		line = strings.TrimSpace(string(b))
	}
	if _, err := operators.ParseKey(line); err != nil {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// recordLocally writes the audit event of a team change when no server
// holds the store; a running `switchboard serve` records it itself as it
// applies the file.
func recordLocally(cmd *cobra.Command, g *globals, name, field, before, after string) {
	if _, err := os.Stat(g.dbPath()); err != nil {
		return // no store yet: nothing to record in
	}
	me, err := localIdentity()
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "not recorded in the audit log: %v\n", err)
		return
	}
	s, err := store.Open(g.dbPath(), store.Options{Timeout: 200 * time.Millisecond})
	if errors.Is(err, store.ErrLocked) {
		fmt.Fprintln(cmd.ErrOrStderr(), "switchboard serve holds the store: it applies the change within a second and records it in the audit log")
		return
	}
	if err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "not recorded in the audit log: %v\n", err)
		return
	}
	defer s.Close()
	if _, err := s.RecordOperator(me, name, field, before, after); err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "not recorded in the audit log: %v\n", err)
	}
}
