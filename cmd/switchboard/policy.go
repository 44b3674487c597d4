package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/operators"
	"switchboard/policy"
	"switchboard/safetext"
)

// approvalHolders are the approval roles some operator of team approves for.
func approvalHolders(team *operators.Set) map[string]bool {
	held := map[string]bool{}
	for _, o := range team.Operators() {
		for _, r := range o.Approves {
			held[r] = true
		}
	}
	return held
}

// unheldApprovalRoles are the approval roles pack's rules name that no
// operator of team approves for, each with the first rule naming it.
func unheldApprovalRoles(pack *policy.Pack, team *operators.Set) (roles, rules []string) {
	held := approvalHolders(team)
	for _, r := range pack.Rules() {
		if (r.Kind == policy.KindApproval || r.Severity == policy.Approval) && r.Role != "" && !held[r.Role] && !slices.Contains(roles, r.Role) {
			roles, rules = append(roles, r.Role), append(rules, r.ID)
		}
	}
	return roles, rules
}

// configuredTeam is the operators file in force for a local command: path
// when given (it must exist), else operators.yaml beside the config file
// when it exists; nil when there is none (a single local user).
func configuredTeam(g *globals, path string) (*operators.Set, error) {
	if path == "" {
		path = defaultOperatorsPath(g)
		if _, err := os.Stat(path); os.IsNotExist(err) {
			return nil, nil
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return operators.Load(path)
}

func init() { addCommand(newPolicyCmd) }

func newPolicyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Lint, test and show policy packs",
	}
	cmd.AddCommand(newPolicyLintCmd(g), newPolicyTestCmd(), newPolicyShowCmd())
	return cmd
}

// readPack parses FILE (or the built-in pack when FILE is absent) and
// prints every lint problem; ok is false when there are errors.
func readPack(cmd *cobra.Command, args []string) (p *policy.Pack, errs []policy.LintError, name string, err error) {
	p, errs, name, _, err = readPackData(args)
	return p, errs, name, err
}

func readPackData(args []string) (p *policy.Pack, errs []policy.LintError, name string, data []byte, err error) {
	if len(args) == 0 {
		data = policy.DefaultYAML()
		p, errs = policy.Parse(data, "default.yaml")
		return p, errs, "default.yaml", data, nil
	}
	data, err = os.ReadFile(args[0])
	if err != nil {
		return nil, nil, args[0], nil, &exitError{code: 2, msg: err.Error()}
	}
	p, errs = policy.Parse(data, args[0])
	return p, errs, args[0], data, nil
}

func newPolicyLintCmd(g *globals) *cobra.Command {
	var opsPath string
	cmd := &cobra.Command{
		Use:   "lint [FILE]",
		Short: "Report every problem in a pack, with line and column",
		Long: `lint compiles a pack (the built-in one without FILE) and prints each problem
as file:line:col: error|warning: message. Exit status 1 if there is any error.
When an operators file is configured (--operators, or operators.yaml beside
the config file), an approval role that no operator approves for (approves:)
is an error too: a draft its rule catches could never be approved.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, errs, name, data, err := readPackData(args)
			if err != nil {
				return err
			}
			if p != nil {
				team, err := configuredTeam(g, opsPath)
				if err != nil {
					return err
				}
				if team != nil {
					held := approvalHolders(team)
					errs = append(errs, policy.LintApprovers(data, name, func(r string) bool { return held[r] })...)
				}
			}
			out := cmd.OutOrStdout()
			failed := false
			for _, e := range errs {
				fmt.Fprintln(out, safetext.Line(e.Error()))
				failed = failed || !e.Warning
			}
			if p == nil || failed {
				return &exitError{code: 1}
			}
			fmt.Fprintf(out, "%s: ok: %s %s, %d rules\n", safetext.Line(name), safetext.Line(p.ID), safetext.Line(p.Version), len(p.Rules()))
			return nil
		},
	}
	cmd.Flags().StringVar(&opsPath, "operators", "", "operators file whose approves: lists must cover the pack's approval roles (default operators.yaml beside the config file, if it exists)")
	return cmd
}

func newPolicyTestCmd() *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test [FILE]",
		Short: "Run every rule's examples, and check the pack's own holding statements and templates",
		Long: `test runs the examples of every rule of a pack (the built-in one without
FILE) in the context the rule applies to: bad ones must fire, good ones must
not. It then checks the texts the pack ships against its own rules: each
holding statement as a public post, each template (its fields filled with
their names) as a public reply; a block finding on one is a failure, since
the crisis board or the composer would offer a text that cannot be sent.
Exit status 1 if anything fails, 2 if the pack does not compile.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, errs, _, err := readPack(cmd, args)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if p == nil {
				for _, e := range errs {
					fmt.Fprintln(cmd.ErrOrStderr(), safetext.Line(e.Error()))
				}
				return &exitError{code: 2, msg: "the pack does not compile"}
			}
			ran, fails := p.TestExamples()
			for _, f := range fails {
				fmt.Fprintln(out, "FAIL "+safetext.Line(f.String()))
			}
			texts, textFails := p.TestTexts()
			for _, f := range textFails {
				fmt.Fprintln(out, "FAIL "+safetext.Line(f.String()))
			}
			if verbose {
				for _, r := range p.Rules() {
					fmt.Fprintf(out, "rule %s: %d bad, %d good\n", r.ID, len(r.Examples.Bad), len(r.Examples.Good))
				}
			}
			fmt.Fprintf(out, "%d examples, %d failed; %d shipped texts, %d blocked\n", ran, len(fails), texts, len(textFails))
			if len(fails)+len(textFails) > 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list every rule")
	return cmd
}

func newPolicyShowCmd() *cobra.Command {
	var asYAML, asJSON bool
	cmd := &cobra.Command{
		Use:   "show [FILE]",
		Short: "Show a pack's rules by risk area (or the built-in pack's YAML)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if asYAML && asJSON {
				return usagef("give --yaml or --json, not both")
			}
			if asYAML && len(args) == 0 {
				_, err := out.Write(policy.DefaultYAML())
				return err
			}
			p, errs, _, err := readPack(cmd, args)
			if err != nil {
				return err
			}
			if p == nil {
				for _, e := range errs {
					fmt.Fprintln(cmd.ErrOrStderr(), safetext.Line(e.Error()))
				}
				return &exitError{code: 2, msg: "the pack does not compile"}
			}
			if asJSON {
				return writeJSON(out, packJSON(p, time.Now()))
			}
			fmt.Fprintf(out, "%s %s (owner %s", safetext.Line(p.ID), safetext.Line(p.Version), safetext.Line(p.Owner))
			if !p.ReviewBy.IsZero() {
				fmt.Fprintf(out, ", review by %s", p.ReviewBy.Format("2006-01-02"))
				if p.ReviewOverdue(time.Now()) {
					fmt.Fprint(out, " — OVERDUE")
				}
			}
			fmt.Fprintln(out, ")")
			areas, rules := p.Areas()
			for _, a := range areas {
				fmt.Fprintf(out, "\n%s\n", strings.ToUpper(a))
				for _, r := range rules[a] {
					fmt.Fprintf(out, "  %-24s %-8s %-10s %s\n", safetext.Line(r.ID), r.Severity, r.Kind, safetext.Line(r.Cite))
				}
			}
			if t := p.Templates(); len(t) > 0 {
				fmt.Fprintf(out, "\n%d templates, %d playbooks\n", len(t), len(p.Playbooks()))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asYAML, "yaml", false, "print the built-in pack's YAML (a starting point for your own)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print what show lists as a JSON object")
	return cmd
}

// policyShowJSON is `policy show --json`: what the text lists.
type policyShowJSON struct {
	ID            string           `json:"id"`
	Version       string           `json:"version"`
	Owner         string           `json:"owner"`
	ReviewBy      string           `json:"review_by,omitempty"` // YYYY-MM-DD
	ReviewOverdue bool             `json:"review_overdue"`
	Areas         []policyAreaJSON `json:"areas"`
	Templates     int              `json:"templates"`
	Playbooks     int              `json:"playbooks"`
}

type policyAreaJSON struct {
	Area  string           `json:"area"`
	Rules []policyRuleJSON `json:"rules"`
}

type policyRuleJSON struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Kind     string `json:"kind"`
	Cite     string `json:"cite"`
	Message  string `json:"message"`
}

func packJSON(p *policy.Pack, now time.Time) policyShowJSON {
	out := policyShowJSON{ID: p.ID, Version: p.Version, Owner: p.Owner, Areas: []policyAreaJSON{},
		Templates: len(p.Templates()), Playbooks: len(p.Playbooks())}
	if !p.ReviewBy.IsZero() {
		out.ReviewBy = p.ReviewBy.Format("2006-01-02")
		out.ReviewOverdue = p.ReviewOverdue(now)
	}
	areas, rules := p.Areas()
	for _, a := range areas {
		area := policyAreaJSON{Area: a, Rules: []policyRuleJSON{}}
		for _, r := range rules[a] {
			area.Rules = append(area.Rules, policyRuleJSON{ID: r.ID, Severity: string(r.Severity), Kind: r.Kind, Cite: r.Cite, Message: r.Message})
		}
		out.Areas = append(out.Areas, area)
	}
	return out
}
